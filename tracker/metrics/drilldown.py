"""The records behind a count: the rows of the figure's source that meet the figure's condition,
with the same window and the same unit-to-row mapping as the count itself, so a drill-down
always lists exactly as many records as the figure counts.

What a drill-down lists depends on the figure: cases (most figures), dialogue sessions, plans,
supervisions, or units (the "units with ..." figures count distinct units, so their drill-down
lists those units). A median's drill-down lists the cases it is taken over, with their days.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CTE, Float, Select, cast, null, select
from sqlalchemy import case as sql_case
from sqlalchemy.orm import Session, aliased

from tracker.metrics.figures import Figure, Kind, Window
from tracker.models import Case, Dialogue, DialoguePlan, Supervision, Unit


@dataclass(frozen=True)
class CaseItem:
    """A case behind a figure. The subject of a denunciation is left out (DOMAIN.md §5)."""

    id: int
    tracking_code: str
    kind: str
    state: str
    unit: str  # the unit it is counted under
    received_on: dt.date
    accepted_on: dt.date | None
    decided_on: dt.date | None
    due_on: dt.date | None
    subject: str | None
    days: float | None = None  # for a median: the value it contributes


@dataclass(frozen=True)
class SessionItem:
    id: int
    unit: str
    held_on: dt.date
    chair: str
    topic: str


@dataclass(frozen=True)
class PlanItem:
    id: int
    unit: str
    year: int
    planned_sessions: int


@dataclass(frozen=True)
class SupervisionItem:
    id: int
    unit: str
    started_on: dt.date
    ended_on: dt.date | None
    subject: str


@dataclass(frozen=True)
class UnitItem:
    id: int
    unit: str
    name: str
    kind: str


Item = CaseItem | SessionItem | PlanItem | SupervisionItem | UnitItem


def drill_select(figure: Figure, window: Window, rows: CTE, row_id: int | None = None) -> Select[tuple[object, ...]]:
    """(record_id, unit_id, value) of every record behind `figure`, ordered by record id
    (a distinct-unit figure: one row per unit, record_id = unit_id)."""
    assert figure.source is not None and figure.where is not None and figure.kind is not Kind.SHARE
    facts = figure.source.build(window).subquery("facts")
    joined = facts.join(rows, rows.c.unit_id == facts.c.unit_id)
    condition = figure.where(facts.c, window)
    if figure.distinct:
        stmt = select(facts.c.unit_id.label("record_id"), facts.c.unit_id, null().label("value")).distinct()
    elif figure.value is not None:
        stmt = select(facts.c.record_id, facts.c.unit_id, figure.value(facts.c).label("value"))
    else:
        stmt = select(facts.c.record_id, facts.c.unit_id, null().label("value"))
    stmt = stmt.select_from(joined).where(condition)
    if row_id is not None:
        stmt = stmt.where(rows.c.row_id == row_id)
    return stmt.order_by(stmt.selected_columns[0])


def load_items(session: Session, record: str, found: Sequence[tuple[int, int, object]]) -> list[Item]:
    """The records named by `found` (record_id, unit_id, value), in that order."""
    ids = [row[0] for row in found]
    codes = _unit_codes(session, {row[1] for row in found})
    if record == "unit":
        units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(ids)))}
        return [UnitItem(i, units[i].code, units[i].name, units[i].kind) for i in ids]
    model = {"case": Case, "dialogue": Dialogue, "plan": DialoguePlan, "supervision": Supervision}[record]
    loaded = {r.id: r for r in session.scalars(select(model).where(model.id.in_(ids)))}  # type: ignore[attr-defined]
    items: list[Item] = []
    for record_id, unit_id, value in found:
        r = loaded[record_id]
        unit = codes[unit_id]
        if isinstance(r, Case):
            items.append(CaseItem(r.id, r.tracking_code, r.kind, r.state, unit, r.received_on, r.accepted_on, r.decided_on,
                                  r.due_on, None if r.kind == "denunciation" else r.subject,
                                  float(value) if value is not None else None))  # type: ignore[arg-type]
        elif isinstance(r, Dialogue):
            items.append(SessionItem(r.id, unit, r.held_on, r.chair, r.topic))
        elif isinstance(r, DialoguePlan):
            items.append(PlanItem(r.id, unit, r.year, r.planned_sessions))
        else:
            items.append(SupervisionItem(r.id, unit, r.started_on, r.ended_on, r.subject))
    return items


def export_select(record: str, drill: Select[tuple[object, ...]]) -> Select[tuple[object, ...]]:
    """The records of `drill_select(...)` as one statement of plain columns, in the order of the
    fields of the record's item (CaseItem, SessionItem...), for exports of any size: the rows
    come straight from the database cursor, no ORM object is built."""
    found = drill.order_by(None).subquery("found")
    counted = aliased(Unit, name="counted_unit")  # the unit the record is counted under
    if record == "case":
        columns: list[Any] = [Case.id, Case.tracking_code, Case.kind, Case.state, counted.code, Case.received_on,
                              Case.accepted_on, Case.decided_on, Case.due_on,
                              sql_case((Case.kind == "denunciation", null()), else_=Case.subject),
                              # A median's days (an interval count, a Decimal) as a number, by the database.
                              cast(found.c.value, Float)]
        stmt = select(*columns).join(found, found.c.record_id == Case.id)
    elif record == "unit":
        stmt = select(Unit.id, counted.code, Unit.name, Unit.kind).join(found, found.c.record_id == Unit.id)
    else:
        model, fields = {
            "dialogue": (Dialogue, ("held_on", "chair", "topic")),
            "plan": (DialoguePlan, ("year", "planned_sessions")),
            "supervision": (Supervision, ("started_on", "ended_on", "subject")),
        }[record]
        stmt = select(model.id, counted.code, *(getattr(model, f) for f in fields)).join(  # type: ignore[attr-defined]
            found, found.c.record_id == model.id)  # type: ignore[attr-defined]
    return stmt.join(counted, counted.id == found.c.unit_id).order_by(found.c.record_id)


def _unit_codes(session: Session, ids: Iterable[int]) -> dict[int, str]:
    return dict(session.execute(select(Unit.id, Unit.code).where(Unit.id.in_(list(ids)))).all())  # type: ignore[arg-type]
