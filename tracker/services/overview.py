"""The front desk's figures for a signed-in user: counts by kind with how many are overdue,
and the longest-overdue cases, all within the user's area. Nothing personal is read here."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from tracker import clock
from tracker.auth import policy
from tracker.auth.policy import Actor
from tracker.models import Case, Unit
from tracker.services.cases import overdue_clause
from workflows import definitions


@dataclass(frozen=True)
class OverdueRow:
    tracking_code: str
    kind_label: str
    state_label: str
    unit: str
    due_on: dt.date
    days_late: int


@dataclass(frozen=True)
class Overview:
    today: dt.date
    by_kind: list[tuple[str, int, int]]  # label, total, overdue
    total: int
    overdue: int
    oldest_overdue: list[OverdueRow]


def desk_overview(session: Session, actor: Actor, limit: int = 15) -> Overview:
    """Counts per kind with how many are overdue, and the longest-overdue cases, in the actor's area."""
    today = clock.today()
    overdue = overdue_clause(today)
    visible = policy.visible_filter(actor)
    rows = session.execute(
        select(Case.kind, func.count(), func.sum(case((overdue, 1), else_=0))).where(visible)
        .group_by(Case.kind)
    ).all()
    counts = {kind: (total, int(late or 0)) for kind, total, late in rows}
    by_kind = [(f"{w.label_vi} / {w.label_en}", *counts.get(w.kind, (0, 0))) for w in definitions.ALL]
    late_cases = session.execute(
        select(Case, Unit.name).join(Unit, Unit.id == func.coalesce(Case.assigned_unit_id, Case.received_unit_id))
        .where(overdue, visible).order_by(Case.due_on).limit(limit)
    ).all()
    oldest = []
    for row, unit_name in late_cases:
        assert row.due_on is not None  # the overdue clause requires it
        state = row.workflow.state(row.state)
        oldest.append(OverdueRow(row.tracking_code, row.workflow.label_vi, state.label_vi, unit_name, row.due_on,
                                 (today - row.due_on).days))
    return Overview(today, by_kind, sum(t for _, t, _ in by_kind), sum(o for _, _, o in by_kind), oldest)
