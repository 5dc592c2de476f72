"""The public lookup by tracking code: what a citizen may learn about their case, and
nothing personal (no names, no subject, no free text, no unit staff)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker import clock
from tracker.models import Case
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
    received_on: dt.date
    due_on: dt.date | None
    overdue: bool
    last_update_on: dt.date


def track(session: Session, code: str) -> Tracking:
    """The public view of the case with this tracking code (upper or lower case); a 404 otherwise."""
    wanted = code.strip().upper()
    row = None
    if TRACKING_CODE.match(wanted):
        row = session.execute(
            select(Case.tracking_code, Case.kind, Case.workflow_version, Case.state, Case.received_on, Case.due_on,
                   Case.updated_at).where(Case.tracking_code == wanted)
        ).first()
    if row is None:
        raise NotFound("Không tìm thấy mã tra cứu / no case with that tracking code")
    workflow = definitions.get(row.kind, row.workflow_version)
    state = workflow.state(row.state)
    overdue = workflow.is_overdue(row.state, row.due_on, clock.today())
    return Tracking(
        tracking_code=row.tracking_code, kind=row.kind, kind_label_vi=workflow.label_vi, kind_label_en=workflow.label_en,
        state=row.state, state_label_vi=state.label_vi, state_label_en=state.label_en, final=state.final,
        received_on=row.received_on, due_on=row.due_on, overdue=overdue, last_update_on=clock.local_date(row.updated_at),
    )
