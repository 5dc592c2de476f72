"""The application's one clock: tests and runs set it, nothing else reads the real date."""
from __future__ import annotations

import datetime as dt

import pytest

from tracker import clock

D = dt.date


def test_a_frozen_clock_shows_the_day_set_at_nine_in_the_morning_in_vietnam():
    with clock.frozen_at(D(2028, 2, 29)):
        assert clock.today() == D(2028, 2, 29)
        assert clock.now() == dt.datetime(2028, 2, 29, 2, 0, tzinfo=dt.UTC)


def test_a_frozen_moment_is_kept_and_restored_after_the_block():
    moment = dt.datetime(2026, 3, 9, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    with clock.frozen_at(D(2026, 1, 1)):
        with clock.frozen_at(moment):
            assert (clock.today(), clock.now()) == (D(2026, 3, 9), moment.astimezone(dt.UTC))
        assert clock.today() == D(2026, 1, 1)


def test_the_vietnamese_date_is_the_one_that_counts_near_midnight_utc(clock_at):
    clock_at(dt.datetime(2026, 3, 9, 18, 30, tzinfo=dt.UTC))  # 01:30 on 10/03 in Hanoi
    assert clock.today() == D(2026, 3, 10)


def test_tracker_today_moves_the_whole_process_to_that_day_with_the_time_running(monkeypatch):
    monkeypatch.setenv(clock.ENV, "2028-02-29")
    first = clock.now()
    assert clock.today() == D(2028, 2, 29)
    assert clock.now() >= first


def test_a_set_clock_wins_over_tracker_today(monkeypatch, clock_at):
    monkeypatch.setenv(clock.ENV, "2028-02-29")
    clock_at(D(2026, 7, 1))
    assert clock.today() == D(2026, 7, 1)


def test_a_malformed_tracker_today_is_a_clear_error(monkeypatch):
    monkeypatch.setenv(clock.ENV, "29/02/2028")
    with pytest.raises(RuntimeError, match="TRACKER_TODAY must be a date"):
        clock.today()


def test_rows_are_stamped_by_the_application_clock(clock_at):
    from tracker.models.types import utcnow

    clock_at(D(2026, 3, 9))
    assert clock.local_date(utcnow()) == D(2026, 3, 9)
