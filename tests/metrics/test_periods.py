"""Period tokens: calendar presets, the official data periods of TT 02/2021/TT-TTCP Art. 7 and a
province's own choices."""
from __future__ import annotations

import pytest

from tests.metrics.conftest import D
from tracker.auth.policy import SYSTEM
from tracker.metrics.periods import MonthDay, OfficialPeriods, PeriodError, parse_period
from tracker.services import metrics as service
from tracker.services.errors import BadRequest, Forbidden, Refused


@pytest.mark.parametrize(("token", "start", "end"), [
    ("2026", D(2026, 1, 1), D(2026, 12, 31)),
    ("2026-H1", D(2026, 1, 1), D(2026, 6, 30)),
    ("2026-H2", D(2026, 7, 1), D(2026, 12, 31)),
    ("2026-Q1", D(2026, 1, 1), D(2026, 3, 31)),
    ("2026-Q4", D(2026, 10, 1), D(2026, 12, 31)),
    ("2026-9M", D(2026, 1, 1), D(2026, 9, 30)),
    ("2024-02", D(2024, 2, 1), D(2024, 2, 29)),
    ("2026-01-15..2026-02-14", D(2026, 1, 15), D(2026, 2, 14)),
])
def test_calendar_presets_are_plain_calendar_periods(token, start, end):
    period = parse_period(token)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize(("token", "start", "end"), [
    ("2026-Q1", D(2025, 12, 15), D(2026, 3, 14)),
    ("2026-Q2", D(2026, 3, 15), D(2026, 6, 14)),
    ("2026-Q3", D(2026, 6, 15), D(2026, 9, 14)),
    ("2026-Q4", D(2026, 9, 15), D(2026, 12, 14)),
    ("2026-H1", D(2025, 12, 15), D(2026, 6, 14)),
    ("2026-9M", D(2025, 12, 15), D(2026, 9, 14)),
    ("2026", D(2025, 12, 15), D(2026, 12, 14)),
    ("2026-03", D(2026, 2, 15), D(2026, 3, 14)),
    ("2026-01", D(2025, 12, 15), D(2026, 1, 14)),
])
def test_official_presets_run_from_the_15th_to_the_14th(token, start, end):
    period = parse_period(token, default_scheme="official")
    assert (period.start, period.end, period.scheme) == (start, end, "official")
    assert period.data_line == f"Số liệu tính từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"


def test_a_prefix_chooses_the_scheme_whatever_the_default():
    assert parse_period("official:2026-H1").start == D(2025, 12, 15)
    assert parse_period("calendar:2026-H1", default_scheme="official").start == D(2026, 1, 1)
    assert parse_period("official:2026-H1").token == "official:2026-H1"
    assert parse_period("official:2026-H1", default_scheme="official").token == "2026-H1"


@pytest.mark.parametrize("token", ["2026-H3", "2026-13", "26-Q1", "weekly:2026", "2026-06-30..2026-01-01", "2026-02-30..2026-03-01"])
def test_unknown_tokens_are_refused(token):
    with pytest.raises(PeriodError):
        parse_period(token)


def test_a_province_can_use_its_own_quarters():
    hanoi = OfficialPeriods().with_range("Q1", MonthDay(10, 15), MonthDay(1, 14))
    period = parse_period("2021-Q1", default_scheme="official", official=hanoi)
    assert (period.start, period.end) == (D(2020, 10, 15), D(2021, 1, 14))
    assert OfficialPeriods.from_settings({"reporting_periods": hanoi.to_settings()}) == hanoi


def test_reporting_periods_are_stored_on_the_province_and_read_for_any_unit_below(world, session):
    service.set_reporting_period(session, SYSTEM, "TN", "H1", "12-20", "06-19")
    service.set_reporting_period(session, SYSTEM, "TN", "M", "20", "")
    assert world.tree["TN"].settings["reporting_periods"] == {"ranges": {"H1": ["12-20", "06-19"]}, "month_start_day": 20}
    h1 = service.period_for(session, world.admin, "HT-LH", "2026-H1", default_scheme="official")
    assert (h1.start, h1.end) == (D(2025, 12, 20), D(2026, 6, 19))
    march = service.period_for(session, world.admin, "HT-LH", "official:2026-03")
    assert (march.start, march.end) == (D(2026, 2, 20), D(2026, 3, 19))
    service.reset_reporting_periods(session, SYSTEM, "TN")
    assert "reporting_periods" not in world.tree["TN"].settings


def test_only_an_administrator_sets_a_provinces_periods(world, session, make_user):
    with pytest.raises(Forbidden):
        service.set_reporting_period(session, make_user("leader", world.tree["TN"]), "TN", "Q1", "12-15", "03-14")
    with pytest.raises(Refused):
        service.set_reporting_period(session, SYSTEM, "HT", "Q1", "12-15", "03-14")  # not a province
    with pytest.raises(Refused):
        service.set_reporting_period(session, SYSTEM, "TN", "Q5", "12-15", "03-14")
    with pytest.raises(BadRequest):
        service.period_for(session, SYSTEM, "HT", "2026-H3")  # not the shape of a period
    for impossible in ("2026-02-29..2026-03-31", "2026-02-30..2026-03-31", "2026-06-30..2026-01-01"):
        with pytest.raises(Refused):  # the right shape, but no such period
            service.period_for(session, SYSTEM, "HT", impossible)
