"""Delivering one outbox row, at least once and, as far as the channel allows, exactly once.

Each person (or webhook) a row reaches gets an `OutboxDelivery` record, committed right
after their message left; a second delivery of the row skips everyone already recorded.
The inbox is written in the same transaction as its record, so it is exactly once. For
e-mail and webhooks the only gap is a crash between the server's "accepted" and that commit;
the copy sent again then carries the same Message-ID / event id, and receivers drop it.

No database transaction stays open while a message travels: on SQLite an open transaction
holds the write lock of the whole database.

Delivering in this process (no Redis), a batch of rows is delivered in one transaction
(`deliver_batch`) as far as nothing has to travel: inbox items, mail held for a digest, rows
nobody receives. Each row goes through the same steps as alone, and what they write is
flushed once for the batch; a row with a message to send is left to `deliver`, and if the
batch fails (a record a concurrent run wrote first) it rolls back whole and each of its rows
is delivered alone."""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
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

log = logging.getLogger(__name__)


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

    @classmethod
    def of(cls, message: OutboxMessage) -> Row:
        return cls(message.id, message.channel, message.template or message.event, message.event,
                   message.idempotency_key or f"outbox:{message.id}", message.recipient_unit_id, dict(message.payload))


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
                row = Row.of(message)
                recipients = self.directory.recipients(session, message) if row.channel != "webhook" else []
                done = set(session.scalars(select(OutboxDelivery.recipient).where(OutboxDelivery.outbox_id == row_id)))
            try:
                delivered, reason = self._send(row, recipients, done)
            except DeliveryError as error:
                return self._failed(row_id, str(error), error.transient)
            with self.sessions() as session, session.begin():
                return self._finish(session.get_one(OutboxMessage, row_id), delivered, done, reason)

    def deliver_batch(self, row_ids: Sequence[int]) -> dict[int, Outcome]:
        """Deliver in one transaction the rows of `row_ids` whose delivery stays in the
        database; their outcomes. A row missing from the answer has a message to send (mail,
        a webhook) and is left for `deliver`. Raises, having written nothing, when the batch fails."""
        outcomes: dict[int, Outcome] = {}
        with self.locks.hold_many(row_ids) as held:
            outcomes |= {row_id: Outcome.BUSY for row_id in row_ids if row_id not in held}
            if not held:
                return outcomes
            with self.sessions() as session, session.begin(), session.no_autoflush:
                ids = sorted(held)
                messages = {m.id: m for m in session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids)))}
                done: dict[int, set[str]] = {row_id: set() for row_id in ids}
                for outbox_id, key in session.execute(select(OutboxDelivery.outbox_id, OutboxDelivery.recipient)
                                                      .where(OutboxDelivery.outbox_id.in_(ids))):
                    done[outbox_id].add(key)
                # Within one transaction a unit's role resolves to the same people for every row.
                audiences: dict[tuple[int | None, int | None, str | None], list[Recipient]] = {}
                for row_id in ids:
                    message = messages.get(row_id)
                    if message is None or message.status != "pending":
                        outcomes[row_id] = Outcome.ALREADY
                        continue
                    row = Row.of(message)
                    recipients: list[Recipient] = []
                    if row.channel != "webhook":
                        audience = (message.recipient_user_id, message.recipient_unit_id, message.recipient_role)
                        if audience not in audiences:
                            audiences[audience] = self.directory.recipients(session, message)
                        recipients = audiences[audience]
                    if self._travels(session, row, recipients, done[row_id]):
                        continue
                    delivered, reason = self._send(row, recipients, done[row_id], session)
                    outcomes[row_id] = self._finish(message, delivered, done[row_id], reason)
                session.flush()
        return outcomes

    def _travels(self, session: Session, row: Row, recipients: list[Recipient], done: set[str]) -> bool:
        """Whether delivering the row sends something over the network (never inside a transaction)."""
        if row.channel == "email":
            wanting = [r for r in recipients if r.key not in done and r.email and r.email_mode != "off"]
            return self.settings.smtp is not None and any(r.email_mode != "digest" for r in wanting)
        if row.channel == "webhook":
            target = self.directory.webhook(session, row.unit_id) if row.unit_id is not None else None
            return target is not None and target.key not in done
        return False

    def _finish(self, message: OutboxMessage, delivered: int, done: set[str], reason: str) -> Outcome:
        """The row after an attempt that reached everyone it could: sent, or skipped and why."""
        message.attempts += 1
        message.status = "sent" if delivered or done else "skipped"
        message.last_error = None if message.status == "sent" else reason
        message.sent_at = self.now()
        message.next_attempt_at = None
        return Outcome.SENT if message.status == "sent" else Outcome.SKIPPED

    def _send(self, row: Row, recipients: list[Recipient], done: set[str], batch: Session | None = None) -> tuple[int, str]:
        """Deliver to everyone not yet recorded; (how many now, why none when none). `batch`:
        the batch's transaction, which records go into (nothing travels then)."""
        if row.channel == "inbox":
            return self._inbox(row, [r for r in recipients if r.inbox and r.key not in done], batch), "nobody reads this inbox"
        if row.channel == "email":
            return self._email(row, [r for r in recipients if r.key not in done], batch)
        return self._webhook(row, done, batch)

    @contextmanager
    def _writing(self, batch: Session | None) -> Iterator[Session]:
        """Where a record is written: its own transaction, committed at once, or the batch's."""
        if batch is not None:
            yield batch
            return
        with self.sessions() as session, session.begin():
            yield session

    def _record(self, session: Session, row: Row, key: str, user_id: int | None, status: str = "sent") -> None:
        session.add(OutboxDelivery(outbox_id=row.id, recipient=key, user_id=user_id, status=status, delivered_at=self.now()))

    def _inbox(self, row: Row, recipients: list[Recipient], batch: Session | None) -> int:
        count = 0
        for recipient in recipients:
            if batch is not None:  # a conflict fails the whole batch; `deliver` then tries each row alone
                batch.add(InboxItem(outbox_id=row.id, user_id=recipient.user_id, created_at=self.now()))
                self._record(batch, row, recipient.key, recipient.user_id)
                count += 1
                continue
            try:
                with self.sessions() as session, session.begin():
                    session.add(InboxItem(outbox_id=row.id, user_id=recipient.user_id, created_at=self.now()))
                    self._record(session, row, recipient.key, recipient.user_id)
            except IntegrityError:
                continue  # delivered by a concurrent run of this row
            count += 1
        return count

    def _email(self, row: Row, recipients: list[Recipient], batch: Session | None) -> tuple[int, str]:
        wanting = [r for r in recipients if r.email and r.email_mode != "off"]
        if not wanting:
            return 0, "không ai nhận thư / nobody receives this mail (no address, or mail turned off)"
        if self.settings.smtp is None:
            return 0, "SMTP_URL chưa cấu hình / SMTP_URL is not set"
        count = 0
        for recipient in wanting:
            if recipient.email_mode == "digest":
                with self._writing(batch) as session:
                    self._record(session, row, recipient.key, recipient.user_id, status="held")
                count += 1
                continue
            assert batch is None, "a mail travels: never inside the batch's transaction"
            message = render(row.template, row.payload, recipient.language, self.settings.base_url)
            assert recipient.email is not None
            send_mail(self.settings.smtp, self.settings.mail_from, recipient.email, recipient.name, message,
                      message_id=f"<{row.key.replace(':', '.')}.{recipient.key.replace(':', '')}@tracker>")
            with self.sessions() as session, session.begin():
                self._record(session, row, recipient.key, recipient.user_id)
            count += 1
        return count, ""

    def _webhook(self, row: Row, done: set[str], batch: Session | None) -> tuple[int, str]:
        if row.unit_id is None:
            return 0, "no unit"
        with self._writing(batch) as session:
            target = self.directory.webhook(session, row.unit_id)
        if target is None:
            return 0, "đơn vị không có webhook / the unit has no webhook"
        if target.key in done:
            return 0, ""
        assert batch is None, "a webhook call travels: never inside the batch's transaction"
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
