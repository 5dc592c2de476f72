"""Handing committed outbox rows to delivery: on rq when `REDIS_URL` is set, else in this
process right after the commit (after the response has gone, never inside a request).

If Redis cannot be reached the rows stay pending and the sweep enqueues them again later:
a row is only ever marked by delivery itself, so nothing is lost."""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from notifications.delivery import Deliverer, Outcome
from tracker.models.outbox import NotificationPreference, OutboxDelivery, OutboxMessage

log = logging.getLogger(__name__)


class Notifier:
    """The application's delivery service, kept on `app.extensions["notifier"]`."""

    def __init__(self, deliverer: Deliverer, sessions: Callable[[], Session], redis_url: str | None,
                 now: Callable[[], dt.datetime], requeue_after: int = 300, sweep: Callable[[], Any] | None = None,
                 batch_size: int = 200):
        self.deliverer = deliverer
        self.sessions = sessions
        self.redis_url = redis_url
        self.now = now
        self.requeue_after = requeue_after
        self.sweep = sweep
        # Rows per transaction delivering in-process: on SQLite the batch holds the write lock
        # for its length (a few tenths of a second at this size).
        self.batch_size = batch_size
        self._redis: Redis | None = None

    @property
    def settings(self) -> Any:
        return self.deliverer.settings

    @property
    def uses_rq(self) -> bool:
        """True when rows go through Redis and a `tracker worker`."""
        return bool(self.redis_url)

    def redis(self) -> Redis:
        """The connection, made on first use (never at import or start-up)."""
        if self._redis is None:
            assert self.redis_url
            self._redis = Redis.from_url(self.redis_url, socket_connect_timeout=3, socket_timeout=10)
        return self._redis

    def queue(self) -> Queue:
        """The rq queue delivery jobs go to."""
        return Queue(self.settings.queue_name, connection=self.redis())

    def enqueue(self, row_ids: Iterable[int]) -> int:
        """Put rows on the queue; how many made it (0 when Redis is down: they stay pending)."""
        ids = sorted(set(row_ids))
        if not ids:
            return 0
        retries = max(1, self.settings.max_attempts - 1)
        try:
            queue = self.queue()
            with self.redis().pipeline() as pipe:
                for row_id in ids:
                    queue.enqueue("notifications.jobs.deliver", row_id, retry=Retry(max=retries, interval=list(self.settings.backoff) or 0),
                                  pipeline=pipe, description=f"deliver outbox row {row_id}")
                pipe.execute()
        except RedisError as error:
            log.warning("Redis unreachable, %d outbox row(s) stay pending for the sweep: %s", len(ids), error)
            return 0
        with self.sessions() as session, session.begin():
            session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(enqueued_at=self.now()))
        return len(ids)

    def deliver_now(self, row_ids: Iterable[int]) -> dict[int, Outcome]:
        """Deliver rows in this process (no Redis): in batches of `batch_size` rows, one
        transaction each (a demo or an import writes thousands of rows in one commit), then
        alone the rows a batch left: those with a message to send, and every row of a batch
        that failed."""
        ids = sorted(set(row_ids))
        outcomes: dict[int, Outcome] = {}
        for start in range(0, len(ids), self.batch_size):
            chunk = ids[start:start + self.batch_size]
            try:
                outcomes |= self.deliverer.deliver_batch(chunk)
            except Exception:  # noqa: BLE001 - its transaction rolled back: every row of it is tried alone
                log.exception("batch delivery of outbox rows %s..%s failed; delivering them one by one", chunk[0], chunk[-1])
            for row_id in chunk:
                if row_id in outcomes:
                    continue
                try:
                    outcomes[row_id] = self.deliverer.deliver(row_id)
                except Exception:  # noqa: BLE001 - one bad row must not stop the others; it stays pending
                    log.exception("delivery of outbox row %s failed", row_id)
        return outcomes

    def not_recently_enqueued(self, row_ids: Iterable[int]) -> list[int]:
        """Rows the sweep found pending that are not already waiting on the queue: never
        enqueued, or enqueued longer ago than `requeue_after` seconds (Redis lost them, or the
        worker delivering them died)."""
        ids = sorted(set(row_ids))
        if not ids:
            return []
        cutoff = self.now() - dt.timedelta(seconds=self.requeue_after)
        with self.sessions() as session, session.begin():
            return list(session.scalars(select(OutboxMessage.id).where(
                OutboxMessage.id.in_(ids), OutboxMessage.status == "pending",
                (OutboxMessage.enqueued_at.is_(None)) | (OutboxMessage.enqueued_at <= cutoff))))

    def dispatch(self, row_ids: Iterable[int], requeued: Iterable[int] = ()) -> None:
        """Rows just committed (and pending rows the sweep found): enqueue them, or deliver them here."""
        ids = set(row_ids)
        if self.uses_rq:
            self.enqueue(ids | set(self.not_recently_enqueued(set(requeued) - ids)))
        else:
            self.deliver_now(ids | set(requeued))

    def send_digests(self, day: dt.date) -> int:
        """Each person who chose a daily digest and has mail waiting gets it, once a day."""
        with self.sessions() as session, session.begin():
            people = list(session.scalars(
                select(NotificationPreference.user_id).where(
                    NotificationPreference.email == "digest",
                    (NotificationPreference.digest_sent_on.is_(None)) | (NotificationPreference.digest_sent_on < day),
                    select(OutboxDelivery.id).where(OutboxDelivery.user_id == NotificationPreference.user_id,
                                                    OutboxDelivery.status == "held").exists())))
        sent = 0
        for user_id in people:
            if self.deliverer.send_digest(user_id, day):
                with self.sessions() as session, session.begin():
                    session.get_one(NotificationPreference, user_id).digest_sent_on = day
                sent += 1
        return sent
