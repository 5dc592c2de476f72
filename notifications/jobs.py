"""The rq jobs. They run inside `tracker worker`, which gives each job the application's
context; arguments are ids, never objects, and every job is safe to run twice."""
from __future__ import annotations

from flask import current_app

from notifications.delivery import Outcome
from notifications.notifier import Notifier


class RetryLater(Exception):
    """Raised so that rq schedules the job's next try (its `Retry` holds the back-off)."""


def notifier() -> Notifier:
    """The running application's notifier."""
    return current_app.extensions["notifier"]  # type: ignore[no-any-return]


def deliver(row_id: int) -> str:
    """Deliver one outbox row."""
    outcome = notifier().deliverer.deliver(row_id)
    if outcome is Outcome.RETRY:
        raise RetryLater(f"outbox row {row_id}: will be tried again")
    return outcome.value


def sweep() -> str:
    """The periodic sweep (scheduled by rq's cron scheduler in `tracker worker --cron`)."""
    run = notifier().sweep
    if run is None:
        return "no sweep configured"
    return str(run())
