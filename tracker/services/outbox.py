"""Who hears about what: the outbox rows a change writes, in the same transaction as the change.

Each row names its recipient (a person, or a unit's role resolved to its people when it is
delivered), its channel, its template and an idempotency key saying what it is about, so
writing the same news twice (a sweep run twice) adds nothing. A payload carries ids, codes,
states, units and dates: never a petitioner's identity, and no subject for a denunciation.

- a case lands on a unit (accepted for it, forwarded, assigned, reopened, returned): the unit's
  officers (inbox, e-mail) and the unit's webhook;
- a decision or answer: the receiving desk, or for a recommendation the board that issued it;
- due soon: the resolving unit's officers; overdue (level 1, level 2 after 30 days late): the
  head of the resolving unit and the supervisory board of its area (inbox, e-mail, webhook);
- a due date recounted after a calendar change: the resolving unit's officers (inbox).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import ColumnElement, Exists, Table, exists, insert, select
from sqlalchemy import event as sa_event
from sqlalchemy.orm import InstrumentedAttribute, Session, SessionTransaction

from tracker.models import Case, OutboxMessage, Supervision, Unit, User
from tracker.models.units import BOARD_KINDS
from tracker.services.history import Appended
from workflows.definitions.base import Effect, Role

PERSON_CHANNELS = ("inbox", "email")


@dataclass(frozen=True, slots=True)
class Written:
    """An outbox row as written: its channel and recipient."""

    channel: str
    recipient_unit_id: int | None
    recipient_role: str | None
    recipient_user_id: int | None


@dataclass(frozen=True)
class To:
    """A recipient: a unit's role, or one person."""

    unit: Unit | None = None
    role: str | None = None
    user_id: int | None = None

    @property
    def key(self) -> str:
        return f"user:{self.user_id}" if self.user_id is not None else f"unit:{self.unit.id if self.unit else 0}:{self.role}"


def case_payload(case: Case) -> dict[str, object]:
    """What a notification may say about a case."""
    return {
        "case_id": case.id,
        "tracking_code": case.tracking_code,
        "kind": case.kind,
        "state": case.state,
        "unit": case.resolving_unit.code,
        "unit_name": case.resolving_unit.name,
        "due_on": case.due_on.isoformat() if case.due_on else None,
        "subject": case.subject if case.kind != "denunciation" else None,
    }


# Whether a unit has active users with a role, as this transaction already read it (a service
# that loads a unit it will notify asks in the same statement: `role_present`).
_ROLES_READ = "tracker.unit_roles"


def role_present(unit_id: ColumnElement[int] | InstrumentedAttribute[int], role: str) -> Exists:
    """SQL: the unit has an active user with `role`."""
    return exists().where(User.unit_id == unit_id, User.role == role, User.active.is_(True))


def remember_role(session: Session, unit_id: int, role: str, present: bool) -> None:
    """What this transaction read about the unit's users with `role` (see `role_present`)."""
    session.info.setdefault(_ROLES_READ, {})[(unit_id, role)] = present


@sa_event.listens_for(Session, "after_transaction_end")
def _forget_roles(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None or transaction.nested:  # not a flush's own subtransaction
        session.info.pop(_ROLES_READ, None)


def _has_role(session: Session, unit: Unit, role: str) -> bool:
    known: dict[tuple[int, str], bool] = session.info.get(_ROLES_READ, {})
    if (unit.id, role) in known:
        return known[(unit.id, role)]
    return session.scalar(select(User.id).where(User.unit_id == unit.id, User.role == role, User.active.is_(True)).limit(1)) is not None


def officers(session: Session, unit: Unit) -> To:
    """Who works a unit's cases: its agency officers, else (a commune, a People's Committee) its leaders."""
    return To(unit, Role.AGENCY.value if _has_role(session, unit, Role.AGENCY.value) else Role.LEADER.value)


def boards_over(session: Session, unit: Unit) -> list[Unit]:
    """The supervisory boards whose area holds `unit`: those attached to the nearest unit, from
    `unit` up to the root, that has any (a commune's inspection board before the district's Front)."""
    ancestors = unit.ancestor_ids
    boards = list(session.scalars(select(Unit).where(Unit.parent_id.in_(ancestors), Unit.kind.in_(BOARD_KINDS),
                                                     Unit.closed_on.is_(None))))
    if not boards:
        return []
    depth = {unit_id: i for i, unit_id in enumerate(ancestors)}
    nearest = max(depth[b.parent_id] for b in boards if b.parent_id is not None)
    return sorted((b for b in boards if b.parent_id is not None and depth[b.parent_id] == nearest), key=lambda b: b.id)


def _existing_keys(session: Session, keys: list[str]) -> set[str]:
    return set(session.scalars(select(OutboxMessage.idempotency_key).where(OutboxMessage.idempotency_key.in_(keys))))


def write(session: Session, case: Case, *, event: str, template: str, about: str, recipients: list[To],
          webhook_unit: Unit | None, extra: dict[str, object] | None = None, fresh: bool = False,
          into: list[dict[str, Any]] | None = None) -> list[Written]:
    """Outbox rows for one piece of news about a case, once per recipient and channel; `about`
    makes the idempotency key (the history entry, or the due date a reminder is about). The rows
    are written at once; those returned are not attached to the session.

    `fresh`: `about` is a history entry this transaction just appended, so no row can hold its
    keys yet and none are looked for (the unique index on the key would still refuse one).
    `into`: the rows are added to this list instead, for the caller to insert in this transaction
    with the rest of its change (`insert_rows`)."""
    payload = {**case_payload(case), **(extra or {})}
    wanted: list[tuple[str, str, To | None]] = []
    for to in recipients:
        for channel in PERSON_CHANNELS:
            wanted.append((f"{template}:{case.id}:{about}:{channel}:{to.key}", channel, to))
    if webhook_unit is not None and (webhook_unit.settings or {}).get("webhook"):
        wanted.append((f"{template}:{case.id}:{about}:webhook:unit:{webhook_unit.id}", "webhook", None))
    existing = _existing_keys(session, [key for key, _, _ in wanted]) if wanted and not fresh else set()
    rows: list[dict[str, Any]] = []
    for key, channel, person in wanted:
        if key in existing:
            continue
        existing.add(key)
        unit = person.unit if person else webhook_unit
        rows.append({
            "event": event, "template": template, "case_id": case.id, "channel": channel, "idempotency_key": key,
            "payload": payload, "recipient_unit_id": unit.id if unit else None,
            "recipient_role": person.role if person else None, "recipient_user_id": person.user_id if person else None,
        })
    if not rows:
        return []
    if into is not None:
        into.extend(rows)
    else:
        insert_rows(session, rows)
    return [Written(row["channel"], row["recipient_unit_id"], row["recipient_role"], row["recipient_user_id"]) for row in rows]


def insert_rows(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert rows made by `write`, and hand their ids to delivery after the commit."""
    # One prepared INSERT for all the rows (no unit of work).
    dispatch_after_commit(session, list(session.connection().execute(_ADD_ROWS, rows).scalars()))


OUTBOX = cast(Table, OutboxMessage.__table__)
_ADD_ROWS = insert(OUTBOX).returning(OUTBOX.c.id)


def notify_unit(session: Session, case: Case, event: str, entry: Appended, *,
                into: list[dict[str, Any]] | None = None) -> list[Written]:
    """The rows a change to a case writes, called by the services with the history entry the change
    just appended (its number makes the idempotency key; no query to find it again, and no row
    can hold that key yet: nothing looks for one). `into`: see `write`."""
    about = str(entry.seq)
    trigger = event.removeprefix("case_")
    unit = case.resolving_unit
    if trigger == "received":
        # A case that starts at another unit than the desk that logged it: an assigned dialogue
        # opinion, a board's recommendation, an intake naming the answering unit, a second round.
        if case.assigned_unit is None or case.assigned_unit_id == case.received_unit_id:
            return []
        return assigned(session, case, event, about, fresh=True, into=into)
    # What the trigger declares it does decides who hears of it: a step that names the unit now
    # holding the case, or that undoes an answer (a reopening, a returned answer), puts the case
    # in a unit's hands; a decision or an answer goes back to whoever passes it on.
    spec = case.workflow.trigger(trigger)
    effects = spec.effects if spec is not None else frozenset()
    named_unit = Effect.ASSIGN in effects and bool((entry.data or {}).get("unit"))
    if named_unit or Effect.UNDECIDE in effects:
        return assigned(session, case, event, about, fresh=True, into=into)
    if Effect.DECIDE in effects:
        return decided(session, case, event, about, entry.effective_on, fresh=True, into=into)
    if trigger == "recount":
        return write(session, case, event=event, template="due_changed", about=about, recipients=[officers(session, unit)],
                     webhook_unit=None, fresh=True, into=into)
    return []


def assigned(session: Session, case: Case, event: str, about: str, *, fresh: bool = False,
             into: list[dict[str, Any]] | None = None) -> list[Written]:
    """The unit now resolving the case is told."""
    unit = case.resolving_unit
    return write(session, case, event=event, template="case_assigned", about=about, recipients=[officers(session, unit)],
                 webhook_unit=unit, fresh=fresh, into=into)


def decided(session: Session, case: Case, event: str, about: str, on: dt.date | None, *,
            fresh: bool = False, into: list[dict[str, Any]] | None = None) -> list[Written]:
    """Whoever must pass the answer on is told: the receiving desk, or the issuing board."""
    to = [To(case.received_unit, Role.RECEPTION.value)]
    if case.supervision_id is not None:
        board = session.scalar(select(Supervision.board_unit_id).where(Supervision.id == case.supervision_id))
        board_unit = session.get(Unit, board) if board is not None else None
        to = [To(board_unit, Role.SUPERVISOR.value)] if board_unit else []
    return write(session, case, event=event, template="case_decided", about=about, recipients=to,
                 webhook_unit=case.resolving_unit, extra={"effective_on": on.isoformat() if on else None}, fresh=fresh,
                 into=into)


def due_soon(session: Session, case: Case, working_days_left: int) -> list[Written]:
    """A reminder to the unit resolving the case, once per due date."""
    unit = case.resolving_unit
    return write(session, case, event="due_soon", template="due_soon", about=f"due{case.due_on}",
                 recipients=[officers(session, unit)], webhook_unit=unit, extra={"working_days_left": working_days_left})


def overdue(session: Session, case: Case, level: int, days_late: int) -> list[Written]:
    """An escalation to the head of the resolving unit and the board of its area."""
    unit = case.resolving_unit
    to = [To(unit, Role.LEADER.value)] + [To(board, Role.SUPERVISOR.value) for board in boards_over(session, unit)]
    return write(session, case, event="escalate", template="overdue", about=f"due{case.due_on}:level{level}", recipients=to,
                 webhook_unit=unit, extra={"level": level, "days_late": days_late})


NEW_ROWS = "outbox_new"
REQUEUED_ROWS = "outbox_requeue"


def dispatch_after_commit(session: Session, row_ids: list[int], *, requeue: bool = False) -> None:
    """Ask for these rows to be handed to delivery once the session commits (new rows are
    remembered on insert; the sweep adds the ones left pending)."""
    session.info.setdefault(REQUEUED_ROWS if requeue else NEW_ROWS, []).extend(row_ids)
