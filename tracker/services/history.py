"""Writing and verifying the append-only, hash-chained history of cases."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker import clock
from tracker.auth.policy import Actor
from tracker.models import Case, HistoryEntry
from tracker.models.history import GENESIS


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
) -> HistoryEntry:
    """Add the next entry of the case's chain (the case must have an id)."""
    last = session.execute(
        select(HistoryEntry.seq, HistoryEntry.hash).where(HistoryEntry.case_id == case.id)
        .order_by(HistoryEntry.seq.desc()).limit(1)
    ).first()
    entry = HistoryEntry(
        case_id=case.id,
        seq=(last.seq + 1) if last else 1,
        at=clock.now(),
        effective_on=effective_on,
        trigger=trigger,
        from_state=from_state,
        to_state=case.state,
        actor_id=actor.id,
        actor_name=actor.display_name,
        note=note,
        data=_plain(data or {}),
        due_on=case.due_on,
        unit_id=case.resolving_unit.id,
        rule_set=case.rule_set,
        prev_hash=last.hash if last else GENESIS,
    )
    entry.hash = entry.compute_hash()
    session.add(entry)
    return entry


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


def verify_case(session: Session, case: Case) -> BrokenLink | None:
    """Walk one case's chain: the first entry that breaks it, or None when the chain holds."""
    prev_hash, expected_seq = GENESIS, 1
    for entry in session.scalars(select(HistoryEntry).where(HistoryEntry.case_id == case.id).order_by(HistoryEntry.seq)):
        if (reason := _problem(entry, prev_hash, expected_seq)) is not None:
            return BrokenLink(case.id, case.tracking_code, entry.seq, reason)
        prev_hash, expected_seq = entry.hash, expected_seq + 1
    if expected_seq == 1:
        return BrokenLink(case.id, case.tracking_code, 1, "has no history")
    return None


def verify_chains(session: Session, batch: int = 2000) -> tuple[int, list[BrokenLink]]:
    """Walk every case's chain; the number of entries checked and every break found."""
    codes = dict(session.execute(select(Case.id, Case.tracking_code)).all())
    broken: list[BrokenLink] = []
    checked = 0
    current_case, prev_hash, expected_seq, case_broken = None, GENESIS, 1, False
    query = select(HistoryEntry).order_by(HistoryEntry.case_id, HistoryEntry.seq).execution_options(yield_per=batch)
    for entry in session.scalars(query):
        checked += 1
        if entry.case_id != current_case:
            current_case, prev_hash, expected_seq, case_broken = entry.case_id, GENESIS, 1, False
        if case_broken:
            continue
        reason = _problem(entry, prev_hash, expected_seq)
        if reason:
            broken.append(BrokenLink(entry.case_id, codes.get(entry.case_id, "?"), entry.seq, reason))
            case_broken = True
        prev_hash, expected_seq = entry.hash, expected_seq + 1
    # A case whose entries were all deleted has no chain at all.
    with_history = set(session.scalars(select(HistoryEntry.case_id).distinct()))
    for case_id in sorted(set(codes) - with_history):
        broken.append(BrokenLink(case_id, codes[case_id], 1, "has no history"))
    return checked, broken


def entry_count(session: Session) -> int:
    """How many history entries there are."""
    return session.scalar(select(func.count(HistoryEntry.id))) or 0
