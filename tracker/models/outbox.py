"""Outbox rows: messages written in the same transaction as the change that caused them,
delivered after the commit by a worker, so that nothing is lost when Redis is down."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import Base
from tracker.models.types import UTCDateTime, check_in, utcnow

OUTBOX_STATUSES = ("pending", "sent", "failed")
CHANNELS = ("inbox", "email", "webhook")


class OutboxMessage(Base):
    """One message to deliver on one channel to one recipient."""

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(check_in("status", OUTBOX_STATUSES), name="status"),
        CheckConstraint(check_in("channel", CHANNELS), name="channel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event: Mapped[str] = mapped_column(String(50))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    recipient_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    recipient_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
