"""The reporting calendar on the dashboard: for the chosen unit's province, the quarter whose
reports are due next, when each unit's report is due and whether it was sent."""
from __future__ import annotations

from tests.metrics.conftest import D
from tests.web.test_pages import sign_in
from tracker import clock
from tracker.services import reporting_calendar as calendar


def _calendar_section(page: str) -> str:
    start = page.index('id="reporting-calendar"')
    return page[start:page.index("</section>", start)]


def test_the_dashboard_shows_which_units_have_sent_the_quarters_report(client, world, session, clock_at):
    clock_at(D(2026, 3, 19))  # Q1 (15/12/2025 - 14/03/2026) ended; units were due on 17/03, the province on 20/03
    with clock.frozen_at(D(2026, 3, 16)):
        calendar.submit_report(session, world.admin, "HT", "2026-Q1", "12/BC-UBND")
    session.flush()
    sign_in(client, world.admin.username)
    section = _calendar_section(client.get("/dashboard?unit=TN").get_data(as_text=True))
    assert "15/12/2025" in section and "14/03/2026" in section and "17/03/2026" in section and "20/03/2026" in section
    rows = section.split("<tr")[2:]
    assert [("Gửi đúng hạn" in r, "Chưa gửi, quá hạn" in r) for r in rows] == [(True, False), (False, True), (False, True)]


def test_after_the_provinces_due_date_the_next_quarter_is_shown(client, world, clock_at):
    clock_at(D(2026, 3, 23))
    sign_in(client, world.admin.username)
    section = _calendar_section(client.get("/dashboard?unit=HT").get_data(as_text=True))
    assert "15/03/2026" in section and "14/06/2026" in section and "Chưa gửi" in section


def test_a_unit_that_may_not_see_its_province_sees_no_calendar(client, tree, make_user, clock_at):
    clock_at(D(2026, 3, 19))
    clerk = make_user("reception", tree["HT-LH"])
    sign_in(client, clerk.username)
    assert 'id="reporting-calendar"' not in client.get("/dashboard").get_data(as_text=True)
