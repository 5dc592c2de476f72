"""What the case page shows beside the case itself: the cases and sessions it is linked to,
the legal limits an action must respect (from the engine, the same numbers it enforces), and
the units an action's `unit` field may name, by name."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.auth import policy
from tracker.auth.policy import Actor
from tracker.models import Case, Dialogue, ReceptionVisit, Supervision, Unit
from tracker.models.activity import visit_cases
from tracker.services.common import engine_for
from workflows.definitions.base import UnitTarget


@dataclass(frozen=True)
class Limits:
    """The latest dates the law allows for the case's next steps (None: no such limit now)."""

    extension_until: dt.date | None
    recomplaint_until: dt.date | None


@dataclass(frozen=True)
class Links:
    """Where a case comes from and what followed it, as far as the actor may see."""

    parent: Case | None
    children: list[Case]
    dialogue: Dialogue | None
    supervision: Supervision | None
    visits: list[ReceptionVisit]


def legal_limits(session: Session, case: Case) -> Limits:
    """The extension limit and the second-complaint window, computed by the engine's own rules."""
    engine = engine_for(session)
    recomplaint = engine.recomplaint_last_day(case) if case.kind == "complaint" and case.round == 1 else None
    return Limits(extension_until=engine.extension_limit(case), recomplaint_until=recomplaint)


def links(session: Session, actor: Actor, case: Case) -> Links:
    """The first-round or re-denounced case, the later rounds, the dialogue, supervision and visits."""
    parent = session.get(Case, case.parent_case_id) if case.parent_case_id else None
    if parent is not None and not policy.can_view(actor, parent):
        parent = None
    children = [c for c in session.scalars(select(Case).where(Case.parent_case_id == case.id).order_by(Case.id))
                if policy.can_view(actor, c)]
    dialogue = session.get(Dialogue, case.dialogue_id) if case.dialogue_id else None
    supervision = session.get(Supervision, case.supervision_id) if case.supervision_id else None
    visits = list(session.scalars(
        select(ReceptionVisit).join(visit_cases, visit_cases.c.visit_id == ReceptionVisit.id)
        .where(visit_cases.c.case_id == case.id).order_by(ReceptionVisit.visited_on)))
    return Links(parent, children, dialogue, supervision, visits)


def unit_choices(session: Session, actor: Actor, case: Case, trigger: str) -> list[Unit]:
    """The units a trigger's `unit` field may name, in tree order, where its declaration says the
    unit may be: at or below the resolving unit (accept), above it (a next round), else the
    actor's area (never a board)."""
    resolving = case.resolving_unit
    spec = case.workflow.trigger(trigger)
    target = spec.unit_target if spec is not None else None
    if target is UnitTarget.SUPERIOR:
        ids = resolving.ancestor_ids[:-1]
        found = list(session.scalars(select(Unit).where(Unit.id.in_(ids)))) if ids else []
    elif target is UnitTarget.AT_OR_BELOW:
        found = list(session.scalars(select(Unit).where(Unit.path.like(resolving.path + "%"))))
    else:
        found = list(session.scalars(select(Unit).where(Unit.path.like(policy.area_root_path(actor) + "%"))))
    return sorted((u for u in found if not u.is_board), key=lambda u: (len(u.ancestor_ids), u.name))
