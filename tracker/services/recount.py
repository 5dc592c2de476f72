"""Recounting the due dates of open cases when an administrator changes the calendar.

The government may decide an extra day off (a Tết bridge day) or a make-up working day
after periods have started. The law counts the days as they turn out to be, so the due
date of an open case whose period spans that day moves. Each such case is recounted by
replaying its recorded steps through the engine under the new calendar; a due date that
moves is written like any other change: the case (version + 1), one history entry and an
outbox row. The case's own legal dates are untouched: a recount is not an act of the case.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from tracker import clock
from tracker.auth.policy import Actor
from tracker.models import Case, HistoryEntry
from tracker.services.common import engine_for
from tracker.services.history import append_entry
from tracker.services.outbox import notify_unit
from workflows import definitions
from workflows.calendar import WorkingCalendar
from workflows.definitions.base import Clock
from workflows.engine import Engine, Facts, Replayed, WorkflowError


@dataclass(frozen=True)
class Moved:
    """A case whose due date the new calendar moved."""

    case_id: int
    tracking_code: str
    old_due_on: dt.date
    new_due_on: dt.date | None


@dataclass(frozen=True)
class Recount:
    """What a calendar change did to the open cases."""

    day: dt.date
    moved: list[Moved] = field(default_factory=list)
    # Cases whose recorded steps the new calendar would refuse (e.g. an extension now past the
    # legal maximum): left as they were, for a person to look at.
    unresolved: list[int] = field(default_factory=list)


def _counting_states() -> ColumnElement[bool]:
    """Cases whose clock is running or paused: a calendar change can move their due date."""
    return or_(*[
        (Case.kind == w.kind) & Case.state.in_(sorted(s.name for s in w.states if s.clock is not Clock.STOPPED and not s.final))
        for w in definitions.ALL
    ])


def _replayed(session: Session, engine: Engine, day: dt.date) -> tuple[list[tuple[Case, Facts]], list[int]]:
    """Each open case whose period may span `day`, with its steps replayed by `engine`; and the
    ids of the cases whose recorded steps that calendar would refuse."""
    candidates = list(session.scalars(
        select(Case).where(_counting_states(), Case.received_on < day, Case.due_on >= day).order_by(Case.id)
    ))
    if not candidates:
        return [], []
    entries: dict[int, list[HistoryEntry]] = defaultdict(list)
    for entry in session.scalars(select(HistoryEntry).where(HistoryEntry.case_id.in_([c.id for c in candidates]))
                                 .order_by(HistoryEntry.case_id, HistoryEntry.seq)):
        entries[entry.case_id].append(entry)
    replayed: list[tuple[Case, Facts]] = []
    unresolved: list[int] = []
    for case in candidates:
        intake, *steps = entries[case.id]
        start = Facts(kind=case.kind, workflow_version=case.workflow_version, state=intake.to_state, round=case.round,
                      multi_place=case.multi_place, multi_agency=case.multi_agency)
        # A due date someone set (a chair's assignment, a board's recommendation) is kept as set.
        explicit = intake.due_on if not (intake.data or {}).get("period") else None
        try:
            facts = engine.replay(start, intake.effective_on,
                                  [Replayed(e.trigger, e.effective_on, e.data or {}) for e in steps],
                                  due_on=explicit, overrides=case.resolving_unit.period_overrides())
        except WorkflowError:
            unresolved.append(case.id)
            continue
        if facts.due_on != case.due_on and case.due_on is not None:
            replayed.append((case, facts))
    return replayed, unresolved


def preview_recount(session: Session, calendar: WorkingCalendar, day: dt.date) -> Recount:
    """What changing `day` would do to the due dates of open cases, counted on `calendar` (the
    calendar as it would be): nothing is written."""
    moving, unresolved = _replayed(session, Engine(calendar), day)
    return Recount(day, [Moved(case.id, case.tracking_code, case.due_on, facts.due_on)
                         for case, facts in moving if case.due_on is not None], unresolved)


def recount_due_dates(session: Session, actor: Actor, day: dt.date) -> Recount:
    """Recount every open case whose period may span `day`, after `day` changed kind."""
    moving, unresolved = _replayed(session, engine_for(session), day)
    result = Recount(day, unresolved=unresolved)
    for case, facts in moving:
        old = case.due_on
        if old is None:  # never: _replayed keeps only cases with a due date
            continue
        case.due_on, case.period_end_on, case.suspended_days = facts.due_on, facts.period_end_on, facts.suspended_days
        case.version += 1
        session.flush()
        entry = append_entry(session, case, trigger="recount", from_state=case.state, actor=actor, effective_on=clock.today(),
                     note=f"Điều chỉnh lịch làm việc ngày {day:%d/%m/%Y} / the calendar changed on {day.isoformat()}",
                     data={"day": day, "old_due_on": old, "new_due_on": facts.due_on})
        notify_unit(session, case, "case_recount", entry)
        result.moved.append(Moved(case.id, case.tracking_code, old, facts.due_on))
    session.flush()
    return result
