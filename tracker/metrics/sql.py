"""SQL pieces the figures share: day arithmetic on both backends, the unit resolving a case, and
the history entry in force at the end of a period."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Float, and_, case, func, select, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.functions import FunctionElement

from tracker.models import Case, HistoryEntry


class days_between(FunctionElement[float]):  # noqa: N801 - reads as the SQL function it compiles to
    """Calendar days from the first date to the second (second - first)."""

    name = "days_between"
    type = Float()
    inherit_cache = True


@compiles(days_between)
def _days_between(element: days_between, compiler: Any, **kw: Any) -> str:
    start, end = list(element.clauses)
    return f"({compiler.process(end, **kw)} - {compiler.process(start, **kw)})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    # SQLite keeps dates as ISO text.
    start, end = list(element.clauses)
    return f"(julianday({compiler.process(end, **kw)}) - julianday({compiler.process(start, **kw)}))"


def resolving_unit_id() -> ColumnElement[int]:
    """The unit resolving a case now: the assigned unit, else the receiving one."""
    return func.coalesce(Case.assigned_unit_id, Case.received_unit_id)


def entry_seq_at(end: dt.date, when: ColumnElement[bool]) -> ColumnElement[Any]:
    """The `seq` of the case's history entry in force at the end of day `end`: its last entry, in
    chain order, effective on or before that day. Looked up only where `when` holds; elsewhere
    NULL, and the case's current columns are what held at the end.

    Chain order, not effective date: a view of a denouncer's identity is dated the day it
    happened and may precede, in dates, an act entered after it with an earlier effective date.
    """
    h = aliased(HistoryEntry, name="h_seq")
    latest = select(func.max(h.seq)).where(h.case_id == Case.id, h.effective_on <= end).scalar_subquery()
    return case((when, latest), else_=None)


@dataclass(frozen=True)
class EntryAtEnd:
    """The columns of the history entry in force at the end of a period, joined to `cases`
    with `target` ON `onclause`; `found` is false where it was not looked up."""

    found: ColumnElement[bool]
    to_state: ColumnElement[Any]
    due_on: ColumnElement[Any]
    unit_id: ColumnElement[Any]
    effective_on: ColumnElement[Any]
    target: Any  # a FROM clause or an aliased entity
    onclause: ColumnElement[bool]


def entry_at_end(end: dt.date, when: ColumnElement[bool], dialect: str) -> EntryAtEnd:
    """The entry in force at the end of day `end` (see entry_seq_at) for the cases where `when`
    holds, to outer-join to a select from `cases`.

    On PostgreSQL a LATERAL subquery: one backward index scan per case that needs it, the gate
    `when` stopping the others before any scan. Elsewhere a join on the entry's seq, which
    SQLite resolves with the (case_id, seq) index."""
    if dialect == "postgresql":
        h = aliased(HistoryEntry, name="h_end")
        latest = (
            select(h.seq, h.to_state, h.due_on, h.unit_id, h.effective_on)
            .where(h.case_id == Case.id, h.effective_on <= end, when)
            .order_by(h.seq.desc()).limit(1).lateral("at_end")
        )
        c = latest.c
        return EntryAtEnd(c.seq.is_not(None), c.to_state, c.due_on, c.unit_id, c.effective_on, latest, true())
    h = aliased(HistoryEntry, name="at_end")
    onclause = and_(h.case_id == Case.id, h.seq == entry_seq_at(end, when))
    return EntryAtEnd(h.id.is_not(None), h.to_state, h.due_on, h.unit_id, h.effective_on, h, onclause)
