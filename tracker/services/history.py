"""Writing and verifying the append-only, hash-chained history of cases."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, bindparam, event, func, insert, select, update
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.orm.attributes import set_committed_value

from tracker import clock
from tracker.auth.policy import Actor
from tracker.models import Case, HistoryEntry
from tracker.models.history import GENESIS, chain_hash


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True, slots=True)
class Appended:
    """An entry just added to a case's chain: what the change's notifications are keyed and decided on."""

    seq: int
    hash: str
    effective_on: dt.date
    data: dict[str, Any]


# The ids of the cases whose row this session's current transaction inserted or read under a row
# lock (`hold_chain`): their `last_seq` / `last_hash` as loaded are the chain's head.
_HELD = "tracker.chains_held"


def hold_chain(session: Session, case: Case) -> None:
    """Say that `case` was inserted, or loaded with SELECT ... FOR UPDATE (and populate_existing),
    in the current transaction: no other transaction can append to its chain before this one
    ends, so the head on the loaded row is the one to follow."""
    session.info.setdefault(_HELD, set()).add(case.id)


def holds_chain(session: Session, case: Case) -> bool:
    """True when `case` was inserted or loaded under its row lock in the current transaction (see
    `hold_chain`), or its head read under that lock."""
    return case.id in session.info.get(_HELD, ())


@event.listens_for(Session, "after_transaction_end")
def _release_chains(session: Session, transaction: SessionTransaction) -> None:
    # The lock ends with the transaction; a savepoint rolled back may have released it too.
    # (A flush runs in a subtransaction of its own, which neither.)
    if transaction.parent is None or transaction.nested:
        session.info.pop(_HELD, None)


def append_entry(
    session: Session,
    case: Case,
    *,
    trigger: str,
    from_state: str | None,
    actor: Actor,
    effective_on: dt.date,
    note: str | None = None,
    data: dict[str, Any] | None = None,
) -> Appended:
    """Add the next entry of the case's chain (the case must have an id) and move the chain's
    head on the case row, leaving its `updated_at` as it was (a view of a denouncer's identity,
    a download: nothing else about the case changes). The entry is not attached to the session."""
    values, entry = entry_row(session, case, trigger=trigger, from_state=from_state, actor=actor,
                              effective_on=effective_on, note=note, data=data)
    connection = session.connection()
    connection.execute(_ADD_ENTRY, values)
    connection.execute(_MOVE_HEAD, {"case_id": case.id, "seq": entry.seq, "hash": entry.hash})
    return entry


def entry_row(
    session: Session,
    case: Case,
    *,
    trigger: str,
    from_state: str | None,
    actor: Actor,
    effective_on: dt.date,
    note: str | None = None,
    data: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], Appended]:
    """The row of the next entry of the case's chain, hashed, for the caller to insert in this
    transaction (`append_entry` inserts it at once; a step sends it with the case's UPDATE). The case
    object holds the new head from now on."""
    if case.id in session.info.get(_HELD, ()):
        last_seq, last_hash = case.last_seq, case.last_hash
    else:
        last_seq, last_hash = session.connection().execute(_HEAD, {"case_id": case.id}).one()
        session.info.setdefault(_HELD, set()).add(case.id)  # its row is locked now
    values: dict[str, Any] = {
        "case_id": case.id, "seq": last_seq + 1, "at": clock.now(), "effective_on": effective_on, "trigger": trigger,
        "from_state": from_state, "to_state": case.state, "actor_id": actor.id, "actor_name": actor.display_name,
        "note": note, "data": _plain(data or {}), "due_on": case.due_on, "unit_id": case.resolving_unit.id,
        "rule_set": case.rule_set, "prev_hash": last_hash,
    }
    values["hash"] = chain_hash(values)
    set_committed_value(case, "last_seq", values["seq"])
    set_committed_value(case, "last_hash", values["hash"])
    return values, Appended(values["seq"], values["hash"], effective_on, values["data"])


CASES, HISTORY = cast(Table, Case.__table__), cast(Table, HistoryEntry.__table__)
_HEAD = select(CASES.c.last_seq, CASES.c.last_hash).where(CASES.c.id == bindparam("case_id")).with_for_update()
_ADD_ENTRY = insert(HISTORY)
# `updated_at` kept: moving the head alone (a view, a download) is no change to the case.
_MOVE_HEAD = (update(CASES).where(CASES.c.id == bindparam("case_id"))
              .values(last_seq=bindparam("seq"), last_hash=bindparam("hash"), updated_at=CASES.c.updated_at))


@dataclass(frozen=True)
class BrokenLink:
    """Where a case's chain breaks."""

    case_id: int
    tracking_code: str
    seq: int
    reason: str


def _problem(entry: HistoryEntry, prev_hash: str, expected_seq: int) -> str | None:
    """Why `entry` breaks the chain after an entry hashed `prev_hash`, or None when it holds."""
    if entry.seq != expected_seq:
        return f"entry {expected_seq} is missing"
    if entry.prev_hash != prev_hash:
        return "does not follow the previous entry"
    if entry.compute_hash() != entry.hash:
        return "content was altered"
    return None


def _head_problem(head_seq: int, head_hash: str, last_seq: int, last_hash: str) -> str | None:
    """Why the chain's head kept on the case row disagrees with the chain's last entry, if it does:
    the entries after the last one found were removed, or the row was written apart from its chain."""
    if head_seq > last_seq:
        return f"entries {last_seq + 1} to {head_seq} are missing"
    if (head_seq, head_hash) != (last_seq, last_hash):
        return "the case's chain head does not match its last entry"
    return None


def verify_case(session: Session, case: Case) -> BrokenLink | None:
    """Walk one case's chain: the first entry that breaks it, or None when the chain holds and
    ends where the case row says it does."""
    prev_hash, expected_seq = GENESIS, 1
    for entry in session.scalars(select(HistoryEntry).where(HistoryEntry.case_id == case.id).order_by(HistoryEntry.seq)):
        if (reason := _problem(entry, prev_hash, expected_seq)) is not None:
            return BrokenLink(case.id, case.tracking_code, entry.seq, reason)
        prev_hash, expected_seq = entry.hash, expected_seq + 1
    if expected_seq == 1:
        return BrokenLink(case.id, case.tracking_code, 1, "has no history")
    if (reason := _head_problem(case.last_seq, case.last_hash, expected_seq - 1, prev_hash)) is not None:
        return BrokenLink(case.id, case.tracking_code, expected_seq, reason)
    return None


def verify_chains(session: Session, batch: int = 2000) -> tuple[int, list[BrokenLink]]:
    """Walk every case's chain; the number of entries checked and every break found (a chain that
    holds must also end where its case row says it does)."""
    heads: dict[int, tuple[str, int, str]] = {
        case_id: (code, seq, hash_) for case_id, code, seq, hash_ in session.execute(
            select(Case.id, Case.tracking_code, Case.last_seq, Case.last_hash))
    }
    codes = {case_id: head[0] for case_id, head in heads.items()}
    broken: list[BrokenLink] = []
    checked = 0
    current_case, prev_hash, expected_seq, case_broken = None, GENESIS, 1, False

    def check_head() -> None:
        head = heads.get(current_case) if current_case is not None else None
        if head is None or case_broken or current_case is None:
            return
        if (reason := _head_problem(head[1], head[2], expected_seq - 1, prev_hash)) is not None:
            broken.append(BrokenLink(current_case, head[0], expected_seq, reason))

    query = select(HistoryEntry).order_by(HistoryEntry.case_id, HistoryEntry.seq).execution_options(yield_per=batch)
    for entry in session.scalars(query):
        checked += 1
        if entry.case_id != current_case:
            check_head()
            current_case, prev_hash, expected_seq, case_broken = entry.case_id, GENESIS, 1, False
        if case_broken:
            continue
        reason = _problem(entry, prev_hash, expected_seq)
        if reason:
            broken.append(BrokenLink(entry.case_id, codes.get(entry.case_id, "?"), entry.seq, reason))
            case_broken = True
        prev_hash, expected_seq = entry.hash, expected_seq + 1
    check_head()
    # A case whose entries were all deleted has no chain at all.
    with_history = set(session.scalars(select(HistoryEntry.case_id).distinct()))
    for case_id in sorted(set(codes) - with_history):
        broken.append(BrokenLink(case_id, codes[case_id], 1, "has no history"))
    return checked, broken


def entry_count(session: Session) -> int:
    """How many history entries there are."""
    return session.scalar(select(func.count(HistoryEntry.id))) or 0
