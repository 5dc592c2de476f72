"""Leaders' reception days: the schedule the desk works from, and the legal minimum checked
for each week or month (TCD 2013: the province chair at least one day a month, Art. 12; the
district chair two days a month, Art. 13; the commune chair one day a week, Art. 15; the
head of an agency one day a month, Art. 18)."""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tracker.auth import policy
from tracker.auth.policy import Actor, Operation
from tracker.models import ReceptionDay, Unit
from tracker.schemas import ReceptionDayIn
from tracker.services.common import unit_by_code
from tracker.services.errors import Conflict, Forbidden


@dataclass(frozen=True)
class Minimum:
    """How many reception days the head of a kind of unit must hold, per week or per month."""

    days: int
    per: str  # "week" or "month"
    source: str


MINIMUMS = {
    "province": Minimum(1, "month", "TCD 2013 Art. 12"),
    "district": Minimum(2, "month", "TCD 2013 Art. 13"),
    "commune": Minimum(1, "week", "TCD 2013 Art. 15"),
    "agency": Minimum(1, "month", "TCD 2013 Art. 18"),
}


@dataclass(frozen=True)
class Stretch:
    """One week or month of the schedule and whether it meets the minimum."""

    start: dt.date
    end: dt.date
    required: int
    scheduled: int

    @property
    def met(self) -> bool:
        """True when enough days are scheduled in it."""
        return self.scheduled >= self.required


@dataclass(frozen=True)
class Schedule:
    """A unit's reception days in a month, with the legal minimum checked."""

    unit: Unit
    month_start: dt.date
    days: list[ReceptionDay]
    minimum: Minimum | None
    stretches: list[Stretch]

    @property
    def met(self) -> bool:
        """True when every week or month of the schedule meets the minimum (or none applies)."""
        return all(s.met for s in self.stretches)


def _unit_in_area(session: Session, actor: Actor, code: str) -> Unit:
    unit = unit_by_code(session, code)
    if not policy.unit_in_area(actor, unit):
        raise Forbidden("Đơn vị ngoài phạm vi của bạn / that unit is outside your jurisdiction", {"fields": {"unit": "outside"}})
    return unit


def schedule_day(session: Session, actor: Actor, data: ReceptionDayIn) -> ReceptionDay:
    """Put a leader's reception day on a unit's schedule; one per unit and day."""
    if not policy.may(actor, Operation.SCHEDULE_RECEPTION):
        raise Forbidden("Không được lập lịch tiếp công dân / you may not schedule reception days")
    unit = _unit_in_area(session, actor, data.unit)
    day = ReceptionDay(unit=unit, held_on=data.held_on, leader=data.leader, note=data.note, created_by_id=actor.id)
    try:
        with session.begin_nested():
            session.add(day)
            session.flush()
    except IntegrityError as error:
        raise Conflict("Đơn vị đã có lịch tiếp ngày này / that unit already receives citizens that day",
                       code="duplicate") from error
    return day


def schedule(session: Session, actor: Actor, unit_code: str, year: int, month: int) -> Schedule:
    """The unit's reception days of a month and the minimum checked week by week or for the month."""
    unit = _unit_in_area(session, actor, unit_code)
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    minimum = MINIMUMS.get(unit.kind)
    # A week belongs to the month of its Thursday (as ISO weeks belong to years), so a week
    # across two months is judged once, whole.
    weekly = minimum is not None and minimum.per == "week"
    start = _monday_of_first_week(first) if weekly else first
    end = _monday_of_first_week(last + dt.timedelta(days=1)) - dt.timedelta(days=1) if weekly else last
    days = list(session.scalars(select(ReceptionDay).where(
        ReceptionDay.unit_id == unit.id, ReceptionDay.held_on >= start, ReceptionDay.held_on <= end)
        .order_by(ReceptionDay.held_on)))
    stretches: list[Stretch] = []
    if minimum is not None and minimum.per == "week":
        monday = start
        while monday < end:
            sunday = monday + dt.timedelta(days=6)
            stretches.append(Stretch(monday, sunday, minimum.days, sum(1 for d in days if monday <= d.held_on <= sunday)))
            monday += dt.timedelta(days=7)
    elif minimum is not None:
        stretches.append(Stretch(first, last, minimum.days, len(days)))
    return Schedule(unit, first, [d for d in days if first <= d.held_on <= last], minimum, stretches)


def _monday_of_first_week(first: dt.date) -> dt.date:
    """The Monday of the first week whose Thursday falls on or after `first` (a month's first day)."""
    thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7)
    return thursday - dt.timedelta(days=3)
