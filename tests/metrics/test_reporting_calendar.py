"""The reporting calendar (TT 06/2025/TT-TTCP Art. 8): units send by the 17th of the period's last
month, the province by the 20th; a report is sent only when it adds up; the consolidated province
report carries each unit's figures as sent."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import update

from tests.metrics.conftest import D
from tracker import clock
from tracker.models import Decision
from tracker.services import reporting_calendar as calendar
from tracker.services.errors import BadRequest, Conflict, Refused


def test_units_are_due_on_the_17th_and_the_province_on_the_20th_of_the_periods_last_month(world, session):
    with clock.frozen_at(D(2026, 3, 10)):
        found = calendar.reporting_calendar(session, world.admin, "TN", "2026-Q1")
    assert (found.period.start, found.period.end) == (D(2025, 12, 15), D(2026, 3, 14))
    assert (found.units_due_on, found.province_due_on) == (D(2026, 3, 17), D(2026, 3, 20))
    assert [row.unit.code for row in found.rows] == ["HT", "BT", "TN-TTR"]  # the units right under the province
    assert {row.status for row in found.rows} == {"pending"}
    assert calendar.due_on(D(2026, 3, 31), 17) == D(2026, 4, 17)  # a calendar period ending after the 17th


def test_a_sent_report_is_on_time_or_late_and_the_others_become_overdue(world, session):
    world.act(world.petition("complaint", "HT-LH", D(2026, 1, 5)), "accept", D(2026, 1, 6))
    with clock.frozen_at(D(2026, 3, 16)):
        sent = calendar.submit_report(session, world.admin, "HT", "2026-Q1", "12/BC-UBND")
        with pytest.raises(Conflict):
            calendar.submit_report(session, world.admin, "HT", "2026-Q1")
    assert sent.figures["02/XLD:2025"][5] == 1  # column 6: the complaint within competence
    with clock.frozen_at(D(2026, 3, 19)):
        calendar.submit_report(session, world.admin, "BT", "2026-Q1")
        found = calendar.reporting_calendar(session, world.admin, "TN", "2026-Q1")
    assert [(row.unit.code, row.status) for row in found.rows] == [("HT", "submitted"), ("BT", "late"), ("TN-TTR", "overdue")]
    assert [row.unit.code for row in found.missing] == ["TN-TTR"]


def test_a_report_that_does_not_add_up_is_not_sent(world, session):
    world.resolved("denunciation", unit="HT-LH", decided=D(2026, 2, 1), people_disciplined=1, civil_servants_disciplined=1)
    session.execute(update(Decision).values(civil_servants_disciplined=4))  # as imported from an old register
    with clock.frozen_at(D(2026, 3, 16)), pytest.raises(Refused) as refused:
        calendar.submit_report(session, world.admin, "HT", "2026-Q1")
    assert "22 <= 21" in refused.value.message
    with clock.frozen_at(D(2026, 3, 16)):
        assert calendar.reporting_calendar(session, world.admin, "TN", "2026-Q1").rows[0].submission is None


def test_the_consolidated_report_carries_what_each_unit_sent_and_marks_who_has_not(world, session):
    world.act(world.petition("complaint", "HT-LH", D(2026, 1, 5)), "accept", D(2026, 1, 6))
    world.act(world.petition("complaint", "BT-P1", D(2026, 1, 5)), "accept", D(2026, 1, 6))
    with clock.frozen_at(D(2026, 3, 16)):
        calendar.submit_report(session, world.admin, "HT", "2026-Q1")
    world.act(world.petition("complaint", "HT-LH", D(2026, 2, 5)), "accept", D(2026, 2, 6))  # entered after HT sent
    with clock.frozen_at(D(2026, 3, 18)):
        table = calendar.consolidated_table(session, world.admin, "TN", "2026-Q1", "02/XLD")
    assert [(row.code, row.label, row.values[5]) for row in table.rows] == [
        ("TN", "Tỉnh Tây Ninh (trực tiếp)", 0), ("HT", "Thị xã Hòa Thành", 1),
        ("BT", "Quận Bình Thạnh (chưa gửi báo cáo)", 1), ("TN-TTR", "Thanh tra tỉnh (chưa gửi báo cáo)", 0)]
    assert table.total.values[5] == 2
    assert any("1/3 đơn vị đã gửi báo cáo" in note for note in table.notes)
    with clock.frozen_at(D(2026, 3, 18)):
        made = calendar.consolidated_report(session, world.admin, "TN", "2026-Q1", "02/XLD", "csv", io.BytesIO())
    assert made.filename == "TN_tong-hop_02-XLD-2025_2026-Q1.csv" and made.rows == 4


def test_the_calendar_is_for_a_province(world, session):
    with pytest.raises(BadRequest):
        calendar.reporting_calendar(session, world.admin, "HT", "2026-Q1")
