"""Outbox rows: messages written in the same transaction as the change that caused them,
delivered after the commit by a worker, so that nothing is lost when Redis is down.

A row names one recipient on one channel: a user, or a unit's role (resolved to the unit's
active users with that role when it is delivered), or for a webhook the unit itself. Its
`idempotency_key` says what it is about ("case_assigned:42:7:email:unit:5:agency"), so the
same news is never written twice, and delivering the row twice sends one message.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import Base
from tracker.models.types import UTCDateTime, check_in, utcnow

# `skipped`: nothing to deliver (no recipient wants it, or a row written before recipients existed).
OUTBOX_STATUSES = ("pending", "sent", "failed", "skipped")
CHANNELS = ("inbox", "email", "webhook")
# A delivery to one person is `held` while it waits for their daily digest.
DELIVERY_STATUSES = ("sent", "held")


class OutboxMessage(Base):
    """One message to deliver on one channel to one recipient."""

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(check_in("status", OUTBOX_STATUSES), name="status"),
        CheckConstraint(check_in("channel", CHANNELS), name="channel"),
        CheckConstraint("recipient_role IS NULL OR recipient_unit_id IS NOT NULL", name="role_needs_unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event: Mapped[str] = mapped_column(String(50))
    template: Mapped[str | None] = mapped_column(String(50))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    recipient_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    recipient_role: Mapped[str | None] = mapped_column(String(20))
    recipient_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the row was last handed to rq, and when a failed attempt may be tried again.
    enqueued_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class OutboxDelivery(Base):
    """One outbox row delivered to one person (or one webhook): what makes a second delivery
    of the same row send nothing."""

    __tablename__ = "outbox_deliveries"
    __table_args__ = (
        UniqueConstraint("outbox_id", "recipient", name="uq_outbox_deliveries_outbox_id_recipient"),
        CheckConstraint(check_in("status", DELIVERY_STATUSES), name="status"),
        Index("ix_outbox_deliveries_user_id_status", "user_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"))
    recipient: Mapped[str] = mapped_column(String(40))  # "user:12" or "unit:5"
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(10), default="sent")
    delivered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class InboxItem(Base):
    """A message in a person's in-app inbox."""

    __tablename__ = "inbox_items"
    __table_args__ = (
        UniqueConstraint("outbox_id", "user_id", name="uq_inbox_items_outbox_id_user_id"),
        Index("ix_inbox_items_user_id_read_at", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


EMAIL_MODES = ("each", "digest", "off")
LANGUAGES = ("vi", "en")


class NotificationPreference(Base):
    """What a person chose to receive; a person with no row gets every message, in Vietnamese."""

    __tablename__ = "notification_preferences"
    __table_args__ = (
        CheckConstraint(check_in("email", EMAIL_MODES), name="email"),
        CheckConstraint(check_in("language", LANGUAGES), name="language"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    inbox: Mapped[bool] = mapped_column(default=True)
    email: Mapped[str] = mapped_column(String(10), default="each")
    language: Mapped[str] = mapped_column(String(2), default="vi")
    digest_sent_on: Mapped[dt.date | None] = mapped_column(Date)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
