"""Leaders' reception days: the schedule per leader over a month or a quarter, and the legal
minimum checked for the unit and each unit below it (TCD 2013: a commune chair one day a
week, the head of an agency one day a month); only the head's own days count."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.web.test_pages import sign_in
from tracker.models import ReceptionDay
from tracker.services import reception


@pytest.fixture()
def leader(tree, make_user):
    return make_user("leader", tree["HT"])


@pytest.fixture()
def days(session, tree, leader, clock_at):
    """The commune's chair receives every week of January 2026 but one; the agency's head in
    January and March, February's day being held by someone the head authorised."""
    clock_at(dt.date(2026, 4, 1))
    chair = "Ông Lê Văn Tư, Chủ tịch UBND phường"
    for day in (dt.date(2026, 1, 6), dt.date(2026, 1, 13), dt.date(2026, 1, 27)):
        session.add(ReceptionDay(unit=tree["HT-LH"], held_on=day, leader=chair))
    head = "Bà Trần Thị Năm, Trưởng phòng"
    session.add(ReceptionDay(unit=tree["HT-TNMT"], held_on=dt.date(2026, 1, 15), leader=head))
    session.add(ReceptionDay(unit=tree["HT-TNMT"], held_on=dt.date(2026, 2, 12), leader="Ông Phó phòng", host="authorised"))
    session.add(ReceptionDay(unit=tree["HT-TNMT"], held_on=dt.date(2026, 3, 12), leader=head))
    session.flush()


def test_a_commune_chair_must_receive_every_week_and_an_agency_head_every_month(session, leader, days):
    commune = reception.schedule(session, leader, "HT-LH", 2026, 1)
    # January 2026 has five weeks: its 1st is a Thursday, so 29/12-04/01 is its first week.
    assert [s.met for s in commune.stretches] == [False, True, True, False, True] and commune.missing == 2
    agency = reception.schedule(session, leader, "HT-TNMT", 2026, 1, months=3)
    assert [(s.start.month, s.scheduled) for s in agency.stretches] == [(1, 1), (2, 0), (3, 1)]  # the authorised day does not count
    assert not agency.met and agency.missing == 1 and len(agency.days) == 3


def test_the_page_shows_each_leaders_days_and_the_units_below_over_a_quarter(client, leader, days):
    sign_in(client, leader.username)
    page = client.get("/reception-days?unit=HT&month=2026-02&span=quarter").get_data(as_text=True)
    assert "Quý 1/2026" in page
    below = page.split('id="compliance"', 1)[1]
    rows = re.findall(r"<tr><td[^>]*><a [^>]*>([^<]+)</a></td>(.*?)</tr>", below, re.S)
    found = {name: body for name, body in rows}
    assert "thiếu 1" in found["Phòng Tài nguyên và Môi trường"] and "đạt 2/3 kỳ" in found["Phòng Tài nguyên và Môi trường"]
    assert "thiếu 10" in found["Phường Long Hoa"]  # thirteen weeks, three days
    agency = client.get("/reception-days?unit=HT-TNMT&month=2026-01&span=quarter").get_data(as_text=True)
    leaders = agency.split('id="leaders"', 1)[1].split("</table>", 1)[0]
    assert "Bà Trần Thị Năm, Trưởng phòng" in leaders and "15/01/2026, 12/03/2026" in leaders and "ủy quyền" in leaders


def test_a_unit_outside_the_area_is_refused_on_the_page(client, tree, make_user, days):
    sign_in(client, make_user("leader", tree["BT"]).username)
    answer = client.get("/reception-days?unit=HT-LH&month=2026-01&span=quarter")
    assert answer.status_code == 403 and "ngoài phạm vi" in answer.get_data(as_text=True)
