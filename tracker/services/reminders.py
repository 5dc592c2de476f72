"""The sweep's notification steps: reminders before a due date, escalation of overdue cases,
and outbox rows left pending (Redis was down, a worker died) handed to delivery again."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from tracker import clock
from tracker.auth import policy
from tracker.models import Case, HistoryEntry, OutboxMessage
from tracker.services import outbox
from tracker.services.cases import overdue_clause
from tracker.services.common import working_calendar
from tracker.services.history import append_entry
from workflows import definitions
from workflows.calendar import DayUnit

# A reminder goes this many working days before the due date, unless the resolving unit set
# its own `reminder_days`.
DEFAULT_REMINDER_DAYS = 3
# A case still overdue this many days after its due date is escalated a second time.
SECOND_ESCALATION_DAYS = 30
# The longest stretch of calendar days a reminder window may cover (Tết with its bridge days).
_LOOKAHEAD_DAYS = 45


def reminder_days(case: Case) -> int:
    """How many working days before its due date the case's unit wants a reminder."""
    value = (case.resolving_unit.settings or {}).get("reminder_days", DEFAULT_REMINDER_DAYS)
    return max(0, int(value))


def _running() -> object:
    return or_(*[(Case.kind == w.kind) & Case.state.in_(sorted(w.running_states)) for w in definitions.ALL])


def remind_due_soon(session: Session, on: dt.date) -> int:
    """Rows for every open case due within its unit's reminder window; once per due date."""
    calendar = working_calendar(session)
    cases = session.scalars(
        select(Case).where(_running(), Case.due_on.is_not(None), Case.due_on >= on,  # type: ignore[arg-type]
                           Case.due_on <= on + dt.timedelta(days=_LOOKAHEAD_DAYS)).order_by(Case.id)
    )
    written = 0
    for case in cases:
        assert case.due_on is not None
        left = calendar.days_between(on, case.due_on, DayUnit.WORKING)
        if left <= reminder_days(case):
            written += len(outbox.due_soon(session, case, left))
    return written


def escalation_level(days_late: int) -> int:
    """1 once overdue, 2 after thirty days late."""
    return 2 if days_late > SECOND_ESCALATION_DAYS else 1


def escalate_overdue(session: Session, on: dt.date) -> int:
    """Escalate each overdue case once per level and due date, written in its history as `escalate`."""
    cases = list(session.scalars(select(Case).where(overdue_clause(on)).order_by(Case.id).options(selectinload(Case.assigned_unit))))
    if not cases:
        return 0
    done: dict[int, set[tuple[str, int]]] = defaultdict(set)
    for entry in session.scalars(select(HistoryEntry).where(HistoryEntry.trigger == "escalate",
                                                            HistoryEntry.case_id.in_([c.id for c in cases]))):
        data = entry.data or {}
        done[entry.case_id].add((str(data.get("due_on")), int(data.get("level", 1))))
    escalated = 0
    for case in cases:
        assert case.due_on is not None
        days_late = (on - case.due_on).days
        level = escalation_level(days_late)
        if any(due == case.due_on.isoformat() and lvl >= level for due, lvl in done[case.id]):
            continue
        rows = outbox.overdue(session, case, level, days_late)
        told = sorted({row.recipient_unit_id for row in rows if row.recipient_unit_id is not None})
        append_entry(session, case, trigger="escalate", from_state=case.state, actor=policy.SYSTEM, effective_on=on,
                     note=f"Báo cáo quá hạn lần {level} / overdue escalation, level {level}",
                     data={"level": level, "due_on": case.due_on, "days_late": days_late, "units": told})
        escalated += 1
    session.flush()
    return escalated


def requeue_pending(session: Session, on: dt.date) -> int:
    """Hand every pending row whose next try is due back to delivery after the commit."""
    now = clock.now()
    ids = list(session.scalars(
        select(OutboxMessage.id).where(OutboxMessage.status == "pending",
                                       or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now))
        .order_by(OutboxMessage.id)
    ))
    outbox.dispatch_after_commit(session, ids, requeue=True)
    return len(ids)
