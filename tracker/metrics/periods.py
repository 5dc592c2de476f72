"""Reporting periods: plain calendar periods and the official data periods of the periodic
reports (TT 02/2021/TT-TTCP Art. 7, kept by TT 01/2024/TT-TTCP: data run from the 15th of the
month before to the 14th), which a province may change.

A period token names one period:

    2026            the year            2026-H1, 2026-H2   six months
    2026-Q1..Q4     a quarter           2026-9M            nine months
    2026-03         a month             2026-01-01..2026-06-30   explicit dates

Under the calendar scheme 2026-H1 is 01/01/2026-30/06/2026; under the official scheme it is
15/12/2025-14/06/2026. A token may name its scheme with a prefix, `official:2026-H1` or
`calendar:2026-H1`; without one, the caller's default applies (the official forms default to
the official scheme, the tracker's own figures to the calendar).
"""
from __future__ import annotations

import calendar as _calendar
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

CALENDAR, OFFICIAL, DATES = "calendar", "official", "dates"
SCHEMES = (CALENDAR, OFFICIAL)
# Presets a province may set, in the order reports list them.
PRESETS = ("Q1", "Q2", "Q3", "Q4", "H1", "H2", "9M", "Y")

_TOKEN = re.compile(r"^(?:(?P<scheme>official|calendar):)?(?P<year>\d{4})(?:-(?P<part>H[12]|Q[1-4]|9M|\d{2}))?$")
_DATES = re.compile(r"^(?P<start>\d{4}-\d{2}-\d{2})\.\.(?P<end>\d{4}-\d{2}-\d{2})$")
# What a well-formed token looks like, for documents that describe it (the API's schema). A
# token of this shape may still name no period (31 February, an end before its start): that is
# refused by the rules, not by the syntax.
SYNTAX = (r"^(?:(?:official|calendar):)?(?:19|20|21)[0-9]{2}(?:-(?:H[12]|Q[1-4]|9M|0[1-9]|1[0-2]))?$"
          r"|^(?:19|20|21)[0-9]{2}-[0-9]{2}-[0-9]{2}[.][.](?:19|20|21)[0-9]{2}-[0-9]{2}-[0-9]{2}$")
_SYNTAX = re.compile(SYNTAX)
_MONTH_DAY = re.compile(r"^(?P<month>\d{2})-(?P<day>\d{2})$")


class PeriodError(ValueError):
    """A period token or a preset that cannot be read."""


@dataclass(frozen=True, order=True)
class MonthDay:
    """A day of the year without the year, such as 15/12."""

    month: int
    day: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1 <= self.day <= _calendar.monthrange(2024, self.month)[1]:
            raise PeriodError(f"Ngày không hợp lệ / not a day of the year: {self.month:02d}-{self.day:02d}")

    @classmethod
    def parse(cls, text: str) -> MonthDay:
        """Read "MM-DD" (e.g. "12-15")."""
        match = _MONTH_DAY.match(text.strip())
        if not match:
            raise PeriodError(f"Ngày dạng MM-DD / a day as MM-DD, e.g. 12-15: {text!r}")
        return cls(int(match["month"]), int(match["day"]))

    def in_year(self, year: int) -> dt.date:
        """This day in `year` (29/02 becomes 28/02 in a common year)."""
        return dt.date(year, self.month, min(self.day, _calendar.monthrange(year, self.month)[1]))

    def __str__(self) -> str:
        return f"{self.month:02d}-{self.day:02d}"


# TT 02/2021/TT-TTCP Art. 7 (kept by TT 01/2024/TT-TTCP). A range whose start falls later in
# the year than its end starts in the previous year: Q1 2026 is 15/12/2025 to 14/03/2026.
TT02_2021_RANGES: dict[str, tuple[MonthDay, MonthDay]] = {
    "Q1": (MonthDay(12, 15), MonthDay(3, 14)),
    "Q2": (MonthDay(3, 15), MonthDay(6, 14)),
    "Q3": (MonthDay(6, 15), MonthDay(9, 14)),
    "Q4": (MonthDay(9, 15), MonthDay(12, 14)),
    "H1": (MonthDay(12, 15), MonthDay(6, 14)),
    # Not named by the circular: the second six months, from Q3's start to the year's end.
    "H2": (MonthDay(6, 15), MonthDay(12, 14)),
    "9M": (MonthDay(12, 15), MonthDay(9, 14)),
    "Y": (MonthDay(12, 15), MonthDay(12, 14)),
}
TT02_2021_MONTH_START = 15  # a monthly report: the 15th of the month before to the 14th


@dataclass(frozen=True)
class OfficialPeriods:
    """A province's official data periods: TT 02/2021 unless the province set its own."""

    ranges: Mapping[str, tuple[MonthDay, MonthDay]] = field(default_factory=lambda: dict(TT02_2021_RANGES))
    month_start_day: int = TT02_2021_MONTH_START

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None) -> OfficialPeriods:
        """The defaults overlaid with a province's `reporting_periods` setting."""
        own = (settings or {}).get("reporting_periods") or {}
        ranges = dict(TT02_2021_RANGES)
        for preset, pair in (own.get("ranges") or {}).items():
            if preset in PRESETS and isinstance(pair, list | tuple) and len(pair) == 2:
                ranges[preset] = (MonthDay.parse(pair[0]), MonthDay.parse(pair[1]))
        return cls(ranges, int(own.get("month_start_day") or TT02_2021_MONTH_START))

    def to_settings(self) -> dict[str, Any]:
        """What a province stores: only what differs from TT 02/2021."""
        changed = {k: [str(a), str(b)] for k, (a, b) in self.ranges.items() if TT02_2021_RANGES.get(k) != (a, b)}
        stored: dict[str, Any] = {}
        if changed:
            stored["ranges"] = changed
        if self.month_start_day != TT02_2021_MONTH_START:
            stored["month_start_day"] = self.month_start_day
        return stored

    def with_range(self, preset: str, start: MonthDay, end: MonthDay) -> OfficialPeriods:
        """A copy with `preset` set to run from `start` to `end`."""
        if preset not in PRESETS:
            raise PeriodError(f"Kỳ không hợp lệ / unknown preset {preset!r}; one of {', '.join(PRESETS)}")
        if start == end:
            raise PeriodError("Ngày đầu và ngày cuối trùng nhau / start and end are the same day")
        return OfficialPeriods({**self.ranges, preset: (start, end)}, self.month_start_day)

    def with_month_start(self, day: int) -> OfficialPeriods:
        """A copy whose monthly data start on `day` of the month before (1 = calendar months)."""
        if not 1 <= day <= 28:
            raise PeriodError("Ngày bắt đầu tháng từ 1 đến 28 / the month start day is 1 to 28")
        return OfficialPeriods(dict(self.ranges), day)

    def dates(self, year: int, part: str | None) -> tuple[dt.date, dt.date]:
        """The first and last day of the official period `part` ("H1", "03"...) of `year`."""
        if part is not None and part.isdigit():
            month = int(part)
            end_month = dt.date(year, month, 1)
            if self.month_start_day == 1:
                return end_month, end_month.replace(day=_calendar.monthrange(year, month)[1])
            before = end_month - dt.timedelta(days=1)
            return before.replace(day=self.month_start_day), end_month.replace(day=self.month_start_day - 1)
        start, end = self.ranges[part or "Y"]
        return start.in_year(year - 1 if start > end else year), end.in_year(year)


@dataclass(frozen=True)
class Period:
    """A closed range of dates [start, end] (Asia/Ho_Chi_Minh) and how it was named."""

    start: dt.date
    end: dt.date
    token: str
    scheme: str

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError(f"Ngày cuối trước ngày đầu / the period ends before it starts: {self.token}")

    @property
    def data_line(self) -> str:
        """The line every official form carries under its title."""
        return f"Số liệu tính từ ngày {self.start:%d/%m/%Y} đến ngày {self.end:%d/%m/%Y}"

    @property
    def slug(self) -> str:
        """The period in a file name."""
        return self.token.replace(":", "-").replace("..", "_")


def _calendar_dates(year: int, part: str | None) -> tuple[dt.date, dt.date]:
    if part is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if part.isdigit():
        month = int(part)
        return dt.date(year, month, 1), dt.date(year, month, _calendar.monthrange(year, month)[1])
    first_month, months = {"H1": (1, 6), "H2": (7, 6), "9M": (1, 9), "Q1": (1, 3), "Q2": (4, 3), "Q3": (7, 3), "Q4": (10, 3)}[part]
    last_month = first_month + months - 1
    return dt.date(year, first_month, 1), dt.date(year, last_month, _calendar.monthrange(year, last_month)[1])


def well_formed(token: str) -> bool:
    """True when `token` has the shape of a period (it may still name none)."""
    return _SYNTAX.match(token.strip()) is not None


def parse_period(token: str, *, default_scheme: str = CALENDAR, official: OfficialPeriods | None = None) -> Period:
    """The period a token names (see the module's docstring); PeriodError when it names none."""
    text = token.strip()
    dates = _DATES.match(text)
    if dates:
        try:
            start, end = dt.date.fromisoformat(dates["start"]), dt.date.fromisoformat(dates["end"])
        except ValueError as error:
            raise PeriodError(f"Ngày không hợp lệ / invalid date in {token!r}") from error
        if end < start:
            raise PeriodError(f"Ngày cuối trước ngày đầu / the period {token!r} ends before it starts")
        return Period(start, end, text, DATES)
    match = _TOKEN.match(text)
    if not match:
        raise PeriodError(
            f"Kỳ báo cáo không hợp lệ / unknown period {token!r}: use 2026, 2026-H1, 2026-Q2, 2026-9M, 2026-03 "
            "or 2026-01-01..2026-06-30, optionally prefixed by official: or calendar:"
        )
    scheme = match["scheme"] or default_scheme
    if scheme not in SCHEMES:
        raise PeriodError(f"Cách tính kỳ không hợp lệ / unknown scheme {scheme!r}")
    year, part = int(match["year"]), match["part"]
    if not 1900 <= year <= 2199:
        raise PeriodError(f"Năm không hợp lệ / no year {year} in {token!r}")
    if part is not None and part.isdigit() and not 1 <= int(part) <= 12:
        raise PeriodError(f"Tháng không hợp lệ / no month {part} in {token!r}")
    if scheme == OFFICIAL:
        start, end = (official or OfficialPeriods()).dates(year, part)
    else:
        start, end = _calendar_dates(year, part)
    canonical = f"{year}" + (f"-{part}" if part else "")
    return Period(start, end, canonical if scheme == default_scheme else f"{scheme}:{canonical}", scheme)
