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
    """A unit's reception days in a period of whole months, with the legal minimum checked."""

    unit: Unit
    month_start: dt.date
    days: list[ReceptionDay]
    minimum: Minimum | None
    stretches: list[Stretch]
    last: dt.date | None = None  # the period's last day (the month's end when None)

    @property
    def met(self) -> bool:
        """True when every week or month of the schedule meets the minimum (or none applies)."""
        return all(s.met for s in self.stretches)

    @property
    def missing(self) -> int:
        """Days the head still has to hold to meet the minimum in every week or month."""
        return sum(max(s.required - s.scheduled, 0) for s in self.stretches)

    @property
    def by_leader(self) -> list[tuple[str, list[ReceptionDay]]]:
        """The days grouped by who receives, the busiest first."""
        grouped: dict[str, list[ReceptionDay]] = {}
        for day in self.days:
            grouped.setdefault(day.leader, []).append(day)
        return sorted(grouped.items(), key=lambda item: (-len(item[1]), item[0]))


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


def schedule(session: Session, actor: Actor, unit_code: str, year: int, month: int, months: int = 1) -> Schedule:
    """The unit's reception days of `months` months from year-month (1: a month, 3: a quarter),
    and the minimum checked week by week or month by month."""
    unit = _unit_in_area(session, actor, unit_code)
    first, last = _months(year, month, months)
    return _schedules(session, [unit], first, last)[0]


def compliance(session: Session, actor: Actor, unit_code: str, year: int, month: int, months: int = 1) -> list[Schedule]:
    """The schedule of every unit of `unit_code`'s tree whose head the law gives a minimum (a
    leader of a province sees each commune's and each agency's), in tree order."""
    root = _unit_in_area(session, actor, unit_code)
    first, last = _months(year, month, months)
    units = [u for u in session.scalars(select(Unit).where(Unit.path.like(root.path + "%")))
             if u.kind in MINIMUMS and (u.closed_on is None or u.closed_on > first)]
    units.sort(key=lambda u: (len(u.ancestor_ids), u.name))
    return _schedules(session, units, first, last)


def _months(year: int, month: int, months: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    end_month = (month - 1 + months - 1) % 12 + 1
    end_year = year + (month - 1 + months - 1) // 12
    return first, dt.date(end_year, end_month, calendar.monthrange(end_year, end_month)[1])


def _schedules(session: Session, units: list[Unit], first: dt.date, last: dt.date) -> list[Schedule]:
    """Each unit's days in [first, last] and its minimum checked: week by week (a week belongs
    to the month of its Thursday, as ISO weeks belong to years, so a week across two months is
    judged once, whole) or month by month. Only the head's own days count towards the minimum:
    the law asks the head to receive citizens in person (TCD 2013 Art. 12-18)."""
    if not units:
        return []
    start = _monday_of_first_week(first)
    end = _monday_of_first_week(last + dt.timedelta(days=1)) - dt.timedelta(days=1)
    found = session.scalars(select(ReceptionDay).where(
        ReceptionDay.unit_id.in_([u.id for u in units]), ReceptionDay.held_on >= min(start, first),
        ReceptionDay.held_on <= max(end, last)).order_by(ReceptionDay.held_on, ReceptionDay.id))
    days: dict[int, list[ReceptionDay]] = {u.id: [] for u in units}
    for day in found:
        days[day.unit_id].append(day)
    schedules = []
    for unit in units:
        minimum = MINIMUMS.get(unit.kind)
        held = [d.held_on for d in days[unit.id] if d.host == "head"]
        stretches: list[Stretch] = []
        if minimum is not None and minimum.per == "week":
            monday = start
            while monday < end:
                sunday = monday + dt.timedelta(days=6)
                stretches.append(Stretch(monday, sunday, minimum.days, sum(1 for d in held if monday <= d <= sunday)))
                monday += dt.timedelta(days=7)
        elif minimum is not None:
            month_first = first
            while month_first <= last:
                month_last = month_first.replace(day=calendar.monthrange(month_first.year, month_first.month)[1])
                stretches.append(Stretch(month_first, month_last, minimum.days,
                                         sum(1 for d in held if month_first <= d <= month_last)))
                month_first = month_last + dt.timedelta(days=1)
        schedules.append(Schedule(unit, first, [d for d in days[unit.id] if first <= d.held_on <= last], minimum,
                                  stretches, last))
    return schedules


def _monday_of_first_week(first: dt.date) -> dt.date:
    """The Monday of the first week whose Thursday falls on or after `first` (a month's first day)."""
    thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7)
    return thursday - dt.timedelta(days=3)
