"""The append-only history of a case. Each entry hashes the previous entry of the same
case, so an edited or deleted row breaks the chain and `tracker history verify` names it."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import Base
from tracker.models.types import UTCDateTime, utcnow

GENESIS = "0" * 64


class HistoryEntry(Base):
    """One thing that happened to a case: a trigger, its intake, or a view of a secret."""

    __tablename__ = "history_entries"
    __table_args__ = (
        UniqueConstraint("case_id", "seq", name="uq_history_case_seq"),
        # The entry in force at a past date: the case's last entry with effective_on <= that date
        # (the metrics read the state, due date and unit at the end of a reporting period).
        Index("ix_history_entries_case_effective", "case_id", "effective_on", "seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    effective_on: Mapped[dt.date] = mapped_column(Date)
    trigger: Mapped[str] = mapped_column(String(40), index=True)
    from_state: Mapped[str | None] = mapped_column(String(30))
    to_state: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(255))
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    # The unit resolving the case after this entry (the assigned unit, else the receiving one),
    # so that "where was the case at the end of the period" is a lookup, like its state.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    rule_set: Mapped[str | None] = mapped_column(String(40))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    def compute_hash(self) -> str:
        """SHA-256 over the entry's content and the previous entry's hash."""
        return chain_hash({column: getattr(self, column) for column in HASHED})


# The columns an entry's hash covers, with `prev_hash` (`unit_id` only when there is one).
HASHED = ("case_id", "seq", "at", "effective_on", "trigger", "from_state", "to_state", "actor_id", "actor_name", "note",
          "data", "due_on", "rule_set", "unit_id", "prev_hash")


def chain_hash(row: Mapping[str, Any]) -> str:
    """The hash of an entry given as its column values (HASHED): what `compute_hash` computes,
    for a writer that inserts the row without making an object of it."""
    content = {
        "case_id": row["case_id"],
        "seq": row["seq"],
        "at": _iso(row["at"]),
        "effective_on": _iso(row["effective_on"]),
        "trigger": row["trigger"],
        "from_state": row["from_state"],
        "to_state": row["to_state"],
        "actor_id": row["actor_id"],
        "actor_name": row["actor_name"],
        "note": row["note"],
        "data": row["data"] or {},
        "due_on": _iso(row["due_on"]),
        "rule_set": row["rule_set"],
    }
    # Entries written before the unit was recorded (revision 0002) keep their hash: the key is
    # added only when there is a unit, and those entries are never back-filled.
    if row["unit_id"] is not None:
        content["unit_id"] = row["unit_id"]
    return entry_hash(content, row["prev_hash"])


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return value.isoformat() if value else None


def entry_hash(content: dict[str, Any], prev_hash: str) -> str:
    """The chain hash of `content` following `prev_hash` (canonical JSON, sorted keys)."""
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


class HistoryIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete a history entry."""


@event.listens_for(HistoryEntry, "before_update")
def _refuse_update(*_args: object) -> None:
    raise HistoryIsAppendOnly("history entries are never changed")


@event.listens_for(HistoryEntry, "before_delete")
def _refuse_delete(*_args: object) -> None:
    raise HistoryIsAppendOnly("history entries are never deleted")
