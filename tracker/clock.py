"""The application's one clock, and local dates.

Legal dates are Asia/Ho_Chi_Minh dates; timestamps are stored in UTC. Everything in the app asks
this module for the time, never `date.today()` / `datetime.now()`, so the clock can be set:

- tests: `with clock.frozen_at(date(2026, 3, 9)): ...` (or the `clock_at` fixture) fixes the moment;
- command-line and CI runs: the environment variable `TRACKER_TODAY=YYYY-MM-DD` moves the whole
  process to that day (the time of day keeps running), so a hidden dependency on the real date
  shows up when the suite runs a second time on another day.
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
ENV = "TRACKER_TODAY"
# When a date (not a moment) is given, the clock shows this local time of that day: office hours.
DEFAULT_TIME = dt.time(9, 0)

_frozen: dt.datetime | None = None
_env_offset: tuple[str, dt.timedelta] | None = None


def _real_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def moment_of(when: dt.date | dt.datetime) -> dt.datetime:
    """A timezone-aware UTC moment for a date (at DEFAULT_TIME, local) or a timestamp."""
    if isinstance(when, dt.datetime):
        return as_utc(when)
    return dt.datetime.combine(when, DEFAULT_TIME, LOCAL).astimezone(dt.UTC)


def _offset_from_env() -> dt.timedelta:
    """Whole days between the real local date and TRACKER_TODAY, computed once per value."""
    global _env_offset
    value = os.environ.get(ENV, "").strip()
    if not value:
        return dt.timedelta(0)
    if _env_offset is None or _env_offset[0] != value:
        try:
            target = dt.date.fromisoformat(value)
        except ValueError as error:
            raise RuntimeError(f"{ENV} must be a date YYYY-MM-DD, got {value!r}") from error
        _env_offset = (value, dt.timedelta(days=(target - _real_now().astimezone(LOCAL).date()).days))
    return _env_offset[1]


def now() -> dt.datetime:
    """The current time, timezone-aware UTC (a frozen moment, or the real time moved by TRACKER_TODAY)."""
    if _frozen is not None:
        return _frozen
    return _real_now() + _offset_from_env()


def today() -> dt.date:
    """Today's date in Vietnam."""
    return now().astimezone(LOCAL).date()


def set_to(when: dt.date | dt.datetime | None) -> None:
    """Fix the clock at a moment (a date means DEFAULT_TIME that day); None lets it run again."""
    global _frozen
    _frozen = None if when is None else moment_of(when)


@contextmanager
def frozen_at(when: dt.date | dt.datetime) -> Iterator[None]:
    """The clock fixed at `when` inside the block, restored after it."""
    global _frozen
    before = _frozen
    set_to(when)
    try:
        yield
    finally:
        _frozen = before


def local_date(moment: dt.datetime) -> dt.date:
    """The Vietnamese date of a timestamp (a naive one is taken as Vietnamese local time)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL)
    return moment.astimezone(LOCAL).date()


def as_utc(moment: dt.datetime) -> dt.datetime:
    """A timestamp in UTC (a naive one is taken as Vietnamese local time)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL)
    return moment.astimezone(dt.UTC)
