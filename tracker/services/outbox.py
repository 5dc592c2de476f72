"""Outbox rows for a change, written in the same transaction as the change itself.
A payload carries ids, codes, states and dates: never a petitioner's identity."""
from __future__ import annotations

from sqlalchemy.orm import Session

from tracker.models import Case, OutboxMessage


def case_payload(case: Case) -> dict[str, object]:
    """What a notification may say about a case."""
    return {
        "case_id": case.id,
        "tracking_code": case.tracking_code,
        "kind": case.kind,
        "state": case.state,
        "unit": case.resolving_unit.code,
        "due_on": case.due_on.isoformat() if case.due_on else None,
        "subject": case.subject if case.kind != "denunciation" else None,
    }


def notify_unit(session: Session, case: Case, event: str) -> OutboxMessage:
    """An in-app message to the unit that must act on the case."""
    message = OutboxMessage(
        event=event, case_id=case.id, channel="inbox", recipient_unit_id=case.resolving_unit.id, payload=case_payload(case)
    )
    session.add(message)
    return message
