"""The public lookup by tracking code: what a citizen may learn about their case, and
nothing personal (no names, no subject, no free text, no unit staff)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from tracker import clock
from tracker.models import Case, Decision, Unit
from tracker.services.common import tracking_code_key
from tracker.services.errors import NotFound
from workflows import definitions

# The shape of every code new_tracking_code() makes; anything else is a miss without a query.
TRACKING_CODE = re.compile(r"^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$")


@dataclass(frozen=True)
class Tracking:
    """A case as the public sees it."""

    tracking_code: str
    kind: str
    kind_label_vi: str
    kind_label_en: str
    state: str
    state_label_vi: str
    state_label_en: str
    final: bool
    unit_name: str  # the unit handling the case (a public body, never a person)
    received_on: dt.date
    accepted_on: dt.date | None
    due_on: dt.date | None
    overdue: bool
    decided_on: dt.date | None
    outcome: str | None  # upheld, partly_upheld, rejected once a decision says so
    final_on: dt.date | None
    last_update_on: dt.date  # the effective date of the latest step, not when a row was typed


def track(session: Session, code: str) -> Tracking:
    """The public view of the case with this tracking code (any case, with or without dashes); a 404 otherwise."""
    wanted = tracking_code_key(code)
    row = None
    if TRACKING_CODE.match(wanted):
        handling = aliased(Unit)
        row = session.execute(
            select(Case.id, Case.tracking_code, Case.kind, Case.workflow_version, Case.state, Case.received_on,
                   Case.accepted_on, Case.due_on, Case.decided_on, Case.final_on, Case.last_effective_on,
                   handling.name.label("unit_name"))
            .join(handling, handling.id == func.coalesce(Case.assigned_unit_id, Case.received_unit_id))
            .where(Case.tracking_code == wanted)
        ).first()
    if row is None:
        raise NotFound("Không tìm thấy mã tra cứu / no case with that tracking code")
    workflow = definitions.get(row.kind, row.workflow_version)
    state = workflow.state(row.state)
    outcome = session.scalar(select(Decision.outcome).where(Decision.case_id == row.id).order_by(Decision.id.desc()).limit(1)) \
        if row.decided_on else None
    overdue = workflow.is_overdue(row.state, row.due_on, clock.today())
    return Tracking(
        tracking_code=row.tracking_code, kind=row.kind, kind_label_vi=workflow.label_vi, kind_label_en=workflow.label_en,
        state=row.state, state_label_vi=state.label_vi, state_label_en=state.label_en, final=state.final,
        unit_name=row.unit_name, received_on=row.received_on, accepted_on=row.accepted_on, due_on=row.due_on, overdue=overdue,
        decided_on=row.decided_on, outcome=outcome, final_on=row.final_on, last_update_on=row.last_effective_on,
    )
