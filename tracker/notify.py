"""Notifications wired into the application: the directory of recipients, the delivery
settings read from the configuration, the hand-over of committed outbox rows, the sweep as
one command or job, and the rq worker that runs jobs inside the application's context."""
from __future__ import annotations

import datetime as dt
import functools
import logging
from typing import Any

import rq
from flask import Flask, after_this_request, current_app, g, has_app_context, has_request_context
from rq.job import Job
from rq.queue import Queue
from sqlalchemy import event, select
from sqlalchemy.orm import Session, object_session

from notifications.channels import ConfigError, parse_smtp_url
from notifications.contract import Recipient, Settings, WebhookTarget
from notifications.delivery import Deliverer
from notifications.locks import RowLocks
from notifications.notifier import Notifier
from tracker import clock
from tracker.models import NotificationPreference, OutboxMessage, Unit, User
from tracker.services import outbox as outbox_rules
from tracker.services import sweep as sweep_service

log = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {
    "SMTP_URL": None,
    "MAIL_FROM": "Theo doi don thu <no-reply@localhost>",
    "BASE_URL": "http://127.0.0.1:5000",
    "NOTIFY_QUEUE": "notifications",
    "NOTIFY_MAX_ATTEMPTS": 5,
    "NOTIFY_BACKOFF": "30,120,600,1800",
    "NOTIFY_REQUEUE_AFTER": 300,
    "WEBHOOK_TIMEOUT": 10,
    "SWEEP_CRON": "*/15 * * * *",
}
ENVIRONMENT = tuple(DEFAULTS)


class UserDirectory:
    """Recipients from the users table: a unit's role is resolved to its active people when a
    row is delivered, each with their choices (no choice made: everything, in Vietnamese)."""

    def _people(self, session: Session, users: list[User]) -> list[Recipient]:
        prefs = {p.user_id: p for p in session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id.in_([u.id for u in users])))}
        people = []
        for user in users:
            pref = prefs.get(user.id)
            people.append(Recipient(
                key=f"user:{user.id}", user_id=user.id, name=user.display_name, email=user.email,
                language=pref.language if pref else "vi", email_mode=pref.email if pref else "each",
                inbox=pref.inbox if pref else True,
            ))
        return people

    def recipients(self, session: Session, message: OutboxMessage) -> list[Recipient]:
        stmt = select(User).where(User.active.is_(True)).order_by(User.id)
        if message.recipient_user_id is not None:
            stmt = stmt.where(User.id == message.recipient_user_id)
        elif message.recipient_unit_id is not None and message.recipient_role:
            stmt = stmt.where(User.unit_id == message.recipient_unit_id, User.role == message.recipient_role)
        else:
            return []
        return self._people(session, list(session.scalars(stmt)))

    def person(self, session: Session, user_id: int) -> Recipient | None:
        user = session.get(User, user_id)
        return self._people(session, [user])[0] if user is not None and user.active else None

    def webhook(self, session: Session, unit_id: int) -> WebhookTarget | None:
        unit = session.get(Unit, unit_id)
        hook = (unit.settings or {}).get("webhook") if unit else None
        if not hook or not hook.get("url") or not hook.get("secret"):
            return None
        return WebhookTarget(f"unit:{unit_id}", str(hook["url"]), str(hook["secret"]))


def settings_from(config: Any) -> Settings:
    """Delivery settings; a malformed value is a ConfigError raised when the app starts."""
    smtp = parse_smtp_url(config["SMTP_URL"]) if config.get("SMTP_URL") else None
    try:
        backoff = tuple(int(part) for part in str(config["NOTIFY_BACKOFF"]).split(",") if part.strip())
        attempts = int(config["NOTIFY_MAX_ATTEMPTS"])
    except ValueError:
        raise ConfigError("NOTIFY_BACKOFF / NOTIFY_MAX_ATTEMPTS phải là số / must be numbers (e.g. 30,120,600)") from None
    if attempts < 1 or any(b < 0 for b in backoff):
        raise ConfigError("NOTIFY_MAX_ATTEMPTS >= 1, NOTIFY_BACKOFF >= 0")
    return Settings(smtp=smtp, mail_from=str(config["MAIL_FROM"]), base_url=str(config["BASE_URL"]), max_attempts=attempts,
                    backoff=backoff, webhook_timeout=float(config["WEBHOOK_TIMEOUT"]), queue_name=str(config["NOTIFY_QUEUE"]))


def init_app(app: Flask) -> None:
    """Build the notifier (no connection is opened here) and hand committed rows to it."""
    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    db = app.extensions["db"]
    settings = settings_from(app.config)
    sessions = lambda: db.sessions()  # noqa: E731 - tests swap the factory after the app is built
    deliverer = Deliverer(sessions, RowLocks(db.engine), UserDirectory(), settings, clock.now)
    app.extensions["notifier"] = Notifier(deliverer, sessions, app.config.get("REDIS_URL"), clock.now,
                                          requeue_after=int(app.config["NOTIFY_REQUEUE_AFTER"]),
                                          sweep=functools.partial(run_sweep, app))
    _listen()


def notifier(app: Flask | None = None) -> Notifier:
    """The app's notifier."""
    return (app or current_app).extensions["notifier"]  # type: ignore[no-any-return]


# -- after the commit ---------------------------------------------------------------------

def _remember_new_row(_mapper: Any, _connection: Any, row: OutboxMessage) -> None:
    session = object_session(row)
    if session is not None:
        outbox_rules.dispatch_after_commit(session, [row.id])


def _forget(session: Session, *_args: Any) -> None:
    if session.get_nested_transaction() is not None:
        return  # a SAVEPOINT rolled back: what the outer transaction wrote still stands
    session.info.pop(outbox_rules.NEW_ROWS, None)
    session.info.pop(outbox_rules.REQUEUED_ROWS, None)


def _after_commit(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a SAVEPOINT released: the rows are not committed until the outer transaction is
    new = session.info.pop(outbox_rules.NEW_ROWS, [])
    requeued = session.info.pop(outbox_rules.REQUEUED_ROWS, [])
    if not (new or requeued) or not has_app_context() or "notifier" not in current_app.extensions:
        return
    service = notifier()
    if service.uses_rq or not has_request_context():
        service.dispatch(new, requeued)
        return
    # No Redis: deliver in this process once the response has gone, never inside the request.
    waiting: list[int] | None = g.get("outbox_after_response")
    if waiting is None:
        waiting = g.outbox_after_response = []
        app = current_app._get_current_object()  # type: ignore[attr-defined]

        @after_this_request
        def _deliver_after_response(response: Any) -> Any:
            ids = list(waiting)
            response.call_on_close(lambda: _deliver_in(app, ids))
            return response
    waiting.extend(new + requeued)


def _deliver_in(app: Flask, ids: list[int]) -> None:
    with app.app_context():
        notifier(app).dispatch(ids)


def _listen() -> None:
    if event.contains(OutboxMessage, "after_insert", _remember_new_row):
        return
    event.listen(OutboxMessage, "after_insert", _remember_new_row)
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_rollback", _forget)


# -- the sweep -----------------------------------------------------------------------------

def run_sweep(app: Flask, on: dt.date | None = None) -> sweep_service.SweepReport:
    """The sweep as a command or job: its steps in one transaction, the rows they wrote handed
    to delivery after the commit, then the day's digests."""
    from tracker import database

    day = on or clock.today()
    with app.app_context():
        with database(app).transaction() as session:
            report = sweep_service.run(session, day)
        report.counts["digests"] = notifier(app).send_digests(day)
    return report


# -- the worker ----------------------------------------------------------------------------

class AppWorker(rq.Worker):
    """An rq worker whose jobs run inside the application's context."""

    app: Flask

    def main_work_horse(self, job: Job, queue: Queue) -> None:
        # The forked horse must not share the parent's database connections.
        self.app.extensions["db"].engine.dispose(close=False)
        super().main_work_horse(job, queue)

    def perform_job(self, job: Job, queue: Queue, execution: Any) -> bool:
        with self.app.app_context():
            return bool(super().perform_job(job, queue, execution))


def make_worker(app: Flask, *, name: str | None = None) -> AppWorker:
    """A worker on the notifications queue of the app's Redis."""
    service = notifier(app)
    if not service.uses_rq:
        raise ConfigError("REDIS_URL chưa đặt: không có hàng đợi / REDIS_URL is not set: there is no queue to work")
    worker = AppWorker([service.queue()], connection=service.redis(), name=name)
    worker.app = app
    return worker


def run_cron(app: Flask) -> None:
    """rq's cron scheduler enqueuing the sweep on `SWEEP_CRON` (blocks; run in its own process)."""
    from rq.cron import CronScheduler

    from notifications import jobs

    service = notifier(app)
    scheduler = CronScheduler(connection=service.redis())
    scheduler.register(jobs.sweep, service.settings.queue_name, cron=str(app.config["SWEEP_CRON"]))
    scheduler.start()
