"""The sweep (`tracker sweep`, and the periodic job of `tracker worker --cron`): the things
that become due with the passing of days, as a list of steps run in one transaction.

Each step takes the session and the day the sweep runs for, does its work (flushing, never
committing) and says how many things it did. Every step is safe to run twice: a second run
the same day finds nothing new to do."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from tracker.services import reminders

Step = Callable[[Session, dt.date], int]


@dataclass
class SweepReport:
    """What each step did, by step name."""

    on: dt.date
    counts: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"sweep {self.on.isoformat()}: " + ", ".join(f"{name} {count}" for name, count in self.counts.items())


STEPS: list[Step] = [
    reminders.remind_due_soon,
    reminders.escalate_overdue,
    reminders.requeue_pending,
]


def run(session: Session, on: dt.date) -> SweepReport:
    """Run every step for the day `on`."""
    report = SweepReport(on)
    for step in STEPS:
        report.counts[step.__name__] = step(session, on)
    session.flush()
    return report
