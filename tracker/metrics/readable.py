"""The records behind a count as people read them: the same records as `drill_select`, with the
unit they are counted under by name, a case's days late filled in, and cases sorted by how late
they are (the latest first), so the page, the Excel and the CSV list the same rows in the same
order. Numbering the rows is left to the reader of the statement (page offset + position).

Days late: a case whose clock still runs counts from its due date to today; a case decided
after its due date counts to the decision; a case on time counts 0; no due date, no figure.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Select, and_, func, literal, null, or_, select
from sqlalchemy import case as sql_case
from sqlalchemy.orm import aliased

from tracker.metrics.sql import days_between
from tracker.models import Case, Dialogue, DialoguePlan, Supervision, Unit
from workflows import definitions

# The columns each kind of record is listed with, after the row number; the web layer names them.
CASE_COLUMNS = ("tracking_code", "kind", "state", "unit", "received_on", "due_on", "decided_on", "days_late", "subject")
COLUMNS: dict[str, tuple[str, ...]] = {
    "case": CASE_COLUMNS,
    "dialogue": ("unit", "held_on", "chair", "topic"),
    "plan": ("unit", "year", "planned_sessions"),
    "supervision": ("unit", "started_on", "ended_on", "subject"),
    "unit": ("name", "kind"),
}


def _running() -> Any:
    """The case's clock runs in its state (it can become overdue)."""
    return or_(*[(Case.kind == w.kind) & Case.state.in_(sorted(w.running_states)) for w in definitions.ALL])


def days_late(today: dt.date) -> Any:
    """Whole days a case is (or was) late, as SQL on either backend; NULL without a due date."""
    late_now = and_(_running(), Case.due_on < today)
    decided_late = and_(Case.decided_on.is_not(None), Case.decided_on > Case.due_on)
    return sql_case(
        (Case.due_on.is_(None), null()),
        (late_now, func.round(days_between(Case.due_on, literal(today)))),
        (decided_late, func.round(days_between(Case.due_on, Case.decided_on))),
        else_=literal(0),
    )


def readable_select(record: str, drill: Select[tuple[object, ...]], today: dt.date,
                    with_value: bool) -> Select[tuple[object, ...]]:
    """(record_id, *COLUMNS[record], [value]) for the records of `drill_select(...)`, in reading order."""
    found = drill.order_by(None).subquery("found")
    counted = aliased(Unit, name="counted_unit")  # the unit the record is counted under
    extra = [found.c.value] if with_value else []
    if record == "case":
        late = days_late(today)
        stmt = select(
            Case.id, Case.tracking_code, Case.kind, Case.state, counted.name, Case.received_on, Case.due_on,
            Case.decided_on, late,
            # a denunciation's subject can name the people it accuses (DOMAIN.md §5)
            sql_case((Case.kind == "denunciation", null()), else_=Case.subject), *extra,
        ).join(found, found.c.record_id == Case.id).join(counted, counted.id == found.c.unit_id)
        return stmt.order_by(func.coalesce(late, -1).desc(), Case.due_on, Case.received_on, Case.id)
    if record == "unit":
        return (select(Unit.id, Unit.name, Unit.kind, *extra).join(found, found.c.record_id == Unit.id)
                .order_by(Unit.path, Unit.id))
    model, fields, order = {
        "dialogue": (Dialogue, ("held_on", "chair", "topic"), "held_on"),
        "plan": (DialoguePlan, ("year", "planned_sessions"), "year"),
        "supervision": (Supervision, ("started_on", "ended_on", "subject"), "started_on"),
    }[record]
    key = getattr(model, order)
    return (select(model.id, counted.name, *(getattr(model, f) for f in fields), *extra)  # type: ignore[attr-defined]
            .join(found, found.c.record_id == model.id).join(counted, counted.id == found.c.unit_id)  # type: ignore[attr-defined]
            .order_by(key, model.id))  # type: ignore[attr-defined]
