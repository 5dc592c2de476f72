"""Local dates: legal dates are Asia/Ho_Chi_Minh dates, timestamps are stored in UTC."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def now() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Today's date in Vietnam."""
    return now().astimezone(LOCAL).date()


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
