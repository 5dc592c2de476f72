"""Working-day arithmetic under Vietnamese law (BLDS Art. 147-148, BLLĐ Art. 112).

Public holidays come from the `holidays` package (country VN), which knows Tết, the
compensation days and the make-up Saturdays it was told of. Administrators layer their
own overrides on top: an extra day off the government decided after the package was
released, or a make-up working Saturday.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import cache

import holidays


@cache
def _vietnam_holidays() -> holidays.HolidayBase:
    # One table for every calendar, filled up front for the years cases live in so that
    # concurrent requests only read it; other years are still expanded on demand.
    return holidays.country_holidays("VN", years=range(2010, 2046))


class DayUnit(StrEnum):
    """How a legal period is counted."""

    WORKING = "working"
    CALENDAR = "calendar"


@dataclass(frozen=True)
class WorkingCalendar:
    """Vietnamese working days: Monday-Friday minus public holidays, with overrides."""

    extra_days_off: frozenset[date] = field(default_factory=frozenset)
    extra_working_days: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def with_overrides(cls, days_off: Iterable[date] = (), working_days: Iterable[date] = ()) -> WorkingCalendar:
        """A calendar with the administrator's extra days off and make-up working days."""
        return cls(frozenset(days_off), frozenset(working_days))

    @property
    def _public(self) -> holidays.HolidayBase:
        return _vietnam_holidays()

    def is_public_holiday(self, day: date) -> bool:
        """True on a statutory holiday or compensation day."""
        return day in self._public

    def is_working_day(self, day: date) -> bool:
        """True when public offices work on `day`."""
        if day in self.extra_working_days:
            return True
        if day in self.extra_days_off:
            return False
        return bool(self._public.is_working_day(day))

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, event: date, days: int) -> date:
        """The last day of a period of `days` working days starting the day after `event`."""
        if days < 0:
            raise ValueError("a period cannot be negative")
        day, counted = event, 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def add_calendar_days(self, event: date, days: int) -> date:
        """The last day of a period of `days` calendar days starting the day after `event`;
        when that day is not a working day the period ends on the next working day
        (BLDS Art. 148.5)."""
        if days < 0:
            raise ValueError("a period cannot be negative")
        return self.next_working_day(event + timedelta(days=days))

    def last_day(self, event: date, days: int, unit: DayUnit) -> date:
        """A period's own last day, before a calendar-day period rolls over to a working day."""
        if unit is DayUnit.WORKING:
            return self.add_working_days(event, days)
        if days < 0:
            raise ValueError("a period cannot be negative")
        return event + timedelta(days=days)

    def shift(self, day: date, days: int, unit: DayUnit) -> date:
        """`day` moved later by `days` of `unit` (a suspension's lost days)."""
        if unit is DayUnit.WORKING:
            return self.add_working_days(day, days)
        return day + timedelta(days=days)

    def end_on_working_day(self, last: date, unit: DayUnit) -> date:
        """Where a period whose own last day is `last` ends: a calendar-day period on a day off
        ends on the next working day (BLDS Art. 148.5); a working-day period already does."""
        return last if unit is DayUnit.WORKING else self.next_working_day(last)

    def add(self, event: date, days: int, unit: DayUnit) -> date:
        """The end of a period of `days` in `unit` starting the day after `event`."""
        if unit is DayUnit.WORKING:
            return self.add_working_days(event, days)
        return self.add_calendar_days(event, days)

    def days_between(self, start: date, end: date, unit: DayUnit) -> int:
        """How many days of `unit` run after `start` up to and including `end` (0 when end <= start)."""
        if end <= start:
            return 0
        if unit is DayUnit.CALENDAR:
            return (end - start).days
        return sum(1 for n in range(1, (end - start).days + 1) if self.is_working_day(start + timedelta(days=n)))
