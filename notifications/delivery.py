"""Delivering one outbox row, at least once and, as far as the channel allows, exactly once.

Each person (or webhook) a row reaches gets an `OutboxDelivery` record, committed right
after their message left; a second delivery of the row skips everyone already recorded.
The inbox is written in the same transaction as its record, so it is exactly once. For
e-mail and webhooks the only gap is a crash between the server's "accepted" and that commit;
the copy sent again then carries the same Message-ID / event id, and receivers drop it.

No database transaction stays open while a message travels: on SQLite an open transaction
holds the write lock of the whole database."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from notifications.channels import DeliveryError, post_webhook, send_mail, webhook_body
from notifications.contract import Directory, Recipient, Settings
from notifications.locks import RowLocks
from notifications.templates import case_url, render, render_digest
from tracker.models.outbox import InboxItem, OutboxDelivery, OutboxMessage


class Outcome(StrEnum):
    """What one delivery attempt did."""

    SENT = "sent"  # delivered to at least one recipient (or held for their digest)
    SKIPPED = "skipped"  # nobody to deliver to
    ALREADY = "already"  # the row was delivered (or given up) before
    BUSY = "busy"  # another worker is delivering it right now
    RETRY = "retry"  # failed; will be tried again
    FAILED = "failed"  # failed for the last time; an administrator may retry it


@dataclass(frozen=True)
class Row:
    """What delivery reads of an outbox row, outside any transaction."""

    id: int
    channel: str
    template: str
    event: str
    key: str
    unit_id: int | None
    payload: dict[str, Any]


class Deliverer:
    """Delivers outbox rows of one database with the application's directory and settings."""

    def __init__(self, sessions: Callable[[], Session], locks: RowLocks, directory: Directory, settings: Settings,
                 now: Callable[[], dt.datetime]):
        self.sessions = sessions
        self.locks = locks
        self.directory = directory
        self.settings = settings
        self.now = now

    def deliver(self, row_id: int) -> Outcome:
        """Deliver the row if it is still pending and nobody else is delivering it."""
        with self.locks.hold(row_id) as held:
            if not held:
                return Outcome.BUSY
            with self.sessions() as session, session.begin():
                message = session.get(OutboxMessage, row_id)
                if message is None or message.status != "pending":
                    return Outcome.ALREADY
                row = Row(message.id, message.channel, message.template or message.event, message.event,
                          message.idempotency_key or f"outbox:{message.id}", message.recipient_unit_id, dict(message.payload))
                recipients = self.directory.recipients(session, message) if row.channel != "webhook" else []
                done = set(session.scalars(select(OutboxDelivery.recipient).where(OutboxDelivery.outbox_id == row_id)))
            try:
                delivered, reason = self._send(row, recipients, done)
            except DeliveryError as error:
                return self._failed(row_id, str(error), error.transient)
            with self.sessions() as session, session.begin():
                message = session.get_one(OutboxMessage, row_id)
                message.attempts += 1
                message.status = "sent" if delivered or done else "skipped"
                message.last_error = None if message.status == "sent" else reason
                message.sent_at = self.now()
                message.next_attempt_at = None
            return Outcome.SENT if message.status == "sent" else Outcome.SKIPPED

    def _send(self, row: Row, recipients: list[Recipient], done: set[str]) -> tuple[int, str]:
        """Deliver to everyone not yet recorded; (how many now, why none when none)."""
        if row.channel == "inbox":
            return self._inbox(row, [r for r in recipients if r.inbox and r.key not in done]), "nobody reads this inbox"
        if row.channel == "email":
            return self._email(row, [r for r in recipients if r.key not in done])
        return self._webhook(row, done)

    def _record(self, session: Session, row: Row, key: str, user_id: int | None, status: str = "sent") -> None:
        session.add(OutboxDelivery(outbox_id=row.id, recipient=key, user_id=user_id, status=status, delivered_at=self.now()))

    def _inbox(self, row: Row, recipients: list[Recipient]) -> int:
        count = 0
        for recipient in recipients:
            try:
                with self.sessions() as session, session.begin():
                    session.add(InboxItem(outbox_id=row.id, user_id=recipient.user_id, created_at=self.now()))
                    self._record(session, row, recipient.key, recipient.user_id)
            except IntegrityError:
                continue  # delivered by a concurrent run of this row
            count += 1
        return count

    def _email(self, row: Row, recipients: list[Recipient]) -> tuple[int, str]:
        wanting = [r for r in recipients if r.email and r.email_mode != "off"]
        if not wanting:
            return 0, "không ai nhận thư / nobody receives this mail (no address, or mail turned off)"
        if self.settings.smtp is None:
            return 0, "SMTP_URL chưa cấu hình / SMTP_URL is not set"
        count = 0
        for recipient in wanting:
            if recipient.email_mode == "digest":
                with self.sessions() as session, session.begin():
                    self._record(session, row, recipient.key, recipient.user_id, status="held")
                count += 1
                continue
            message = render(row.template, row.payload, recipient.language, self.settings.base_url)
            assert recipient.email is not None
            send_mail(self.settings.smtp, self.settings.mail_from, recipient.email, recipient.name, message,
                      message_id=f"<{row.key.replace(':', '.')}.{recipient.key.replace(':', '')}@tracker>")
            with self.sessions() as session, session.begin():
                self._record(session, row, recipient.key, recipient.user_id)
            count += 1
        return count, ""

    def _webhook(self, row: Row, done: set[str]) -> tuple[int, str]:
        if row.unit_id is None:
            return 0, "no unit"
        with self.sessions() as session, session.begin():
            target = self.directory.webhook(session, row.unit_id)
        if target is None:
            return 0, "đơn vị không có webhook / the unit has no webhook"
        if target.key in done:
            return 0, ""
        body = webhook_body(row.key, row.template, row.payload, case_url(self.settings.base_url, row.payload))
        # Signed with the wall clock, not the tracker's legal clock: the timestamp is checked against
        # the receiver's own clock (its replay window), which a rehearsed date (TRACKER_TODAY) or a
        # test's frozen day does not move.
        post_webhook(target, row.key, body, timeout=self.settings.webhook_timeout)
        with self.sessions() as session, session.begin():
            self._record(session, row, target.key, None)
        return 1, ""

    def _failed(self, row_id: int, error: str, transient: bool) -> Outcome:
        with self.sessions() as session, session.begin():
            message = session.get_one(OutboxMessage, row_id)
            message.attempts += 1
            message.last_error = error[:2000]
            if not transient or message.attempts >= self.settings.max_attempts:
                message.status = "failed"
                message.next_attempt_at = None
                return Outcome.FAILED
            message.next_attempt_at = self.now() + dt.timedelta(seconds=self.settings.backoff_after(message.attempts))
            return Outcome.RETRY

    def send_digest(self, user_id: int, day: dt.date) -> int:
        """Send one person's held mails as one digest; how many messages it carried."""
        with self.sessions() as session, session.begin():
            held = list(session.execute(
                select(OutboxDelivery.id, OutboxMessage.template, OutboxMessage.event, OutboxMessage.payload,
                       OutboxDelivery.recipient)
                .join(OutboxMessage, OutboxMessage.id == OutboxDelivery.outbox_id)
                .where(OutboxDelivery.user_id == user_id, OutboxDelivery.status == "held", OutboxMessage.channel == "email")
                .order_by(OutboxDelivery.id)
            ))
            if not held:
                return 0
            person = self.directory.person(session, user_id)
        if self.settings.smtp is None or person is None or not person.email:
            return 0
        message = render_digest([(h.template or h.event, h.payload) for h in held], person.language, self.settings.base_url, day)
        send_mail(self.settings.smtp, self.settings.mail_from, person.email, person.name, message,
                  message_id=f"<digest.{user_id}.{held[0].id}.{held[-1].id}@tracker>")
        with self.sessions() as session, session.begin():
            for delivery in session.scalars(select(OutboxDelivery).where(OutboxDelivery.id.in_([h.id for h in held]))):
                delivery.status = "sent"
                delivery.delivered_at = self.now()
        return len(held)
