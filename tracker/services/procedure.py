"""The procedural rules of 2026 that a trigger's data alone cannot decide (DOMAIN.md §3,
"Procedure from 2026-07-01"): a second-round complaint is not resolved without a recorded
dialogue; a suspension decision is sent within 3 working days (recorded as a due date); a case
found complex keeps the written reason with it.

Which trigger does what is declared on the trigger in workflows/ (`needs_dialogue`,
Effect.RECORD_DIALOGUE, Effect.SEND_DECISION, Effect.FIND_COMPLEX); this module applies it."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from tracker.models import Case, HistoryEntry
from tracker.services.common import working_calendar
from tracker.services.errors import Refused
from workflows.definitions.base import Effect, Trigger
from workflows.definitions.petitions import dialogue_required
from workflows.engine import Step


def check_before(session: Session, case: Case, trigger: Trigger | None) -> None:
    """Refuse (422) a step the 2026 procedure does not allow yet."""
    if trigger is None or not trigger.needs_dialogue or not dialogue_required(case.kind, case.round, case.accepted_on):
        return
    recording = [t.name for t in case.workflow.triggers if Effect.RECORD_DIALOGUE in t.effects]
    held = session.scalar(select(exists().where(HistoryEntry.case_id == case.id, HistoryEntry.trigger.in_(recording))))
    if not held:
        raise Refused("Khiếu nại lần hai phải đối thoại trước khi ra quyết định (ghi biên bản đối thoại) / a second-round "
                      "complaint must have a recorded dialogue before its decision (record_dialogue)",
                      {"required_trigger": recording[0] if recording else "record_dialogue"}, code="dialogue_required")


def recorded_with(session: Session, case: Case, step: Step) -> dict[str, Any]:
    """What the history entry of `step` records besides its data, and what the case keeps."""
    extra: dict[str, Any] = {}
    spec = case.workflow.trigger(step.trigger)
    if spec is None:
        return extra
    if Effect.SEND_DECISION in step.effects and spec.send_within_working_days:
        send_by: dt.date = working_calendar(session).add_working_days(step.effective_on, spec.send_within_working_days)
        extra["decision_send_due_on"] = send_by
    reason = step.data.get("reason")
    if Effect.FIND_COMPLEX in step.effects and step.flags.complex and isinstance(reason, str) and reason.strip():
        # The written finding that the case is complex, kept with the case.
        case.complex_reason = reason.strip()
    return extra
