"""The sweep (`tracker sweep`, also run on a schedule): what happens to cases as days pass,
with no one acting.

`run(session, on)` runs every step of `STEPS` in order for the day `on` and reports what each
did. A step is a function `(session, on) -> StepReport`; other features append theirs to
`STEPS` (reminders, escalation, requeued deliveries). Every step must be safe to run twice and
at any time: it acts only on what is due on `on`, and dates what it records by the day the law
says it happened, not by the day the sweep ran, so figures are right even when it runs late.
The command's boundary commits once.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker import clock
from tracker.models import Case
from tracker.services import reminders
from tracker.services.cases import fire_as_system
from tracker.services.common import engine_for
from tracker.services.errors import Refused


@dataclass
class StepReport:
    """What one step of the sweep did: how many records it changed, and which."""

    name: str
    changed: int = 0
    items: list[str] = field(default_factory=list)


@dataclass
class SweepReport:
    """What a run of the sweep did on its day."""

    on: dt.date
    steps: list[StepReport] = field(default_factory=list)

    @property
    def changed(self) -> int:
        """Records changed by every step together."""
        return sum(step.changed for step in self.steps)

    @property
    def counts(self) -> dict[str, int]:
        """How many records each step changed, by step name."""
        return {step.name: step.changed for step in self.steps}

    def __str__(self) -> str:
        return f"sweep {self.on.isoformat()}: " + ", ".join(f"{name} {count}" for name, count in self.counts.items())


SweepStep = Callable[[Session, dt.date], StepReport]


def close_final_decisions(session: Session, on: dt.date) -> StepReport:
    """Close every resolved case whose decision has become final by `on` (DOMAIN.md §3, "Final
    decisions"): a second-round complaint decision on issue, a first-round one 30 days (remote
    45) after the complainant received it. The `close` entry is dated the day it became final."""
    report = StepReport("close_final_decisions")
    engine = engine_for(session)
    candidates = session.scalars(
        select(Case).where(Case.kind == "complaint", Case.state == "resolved", Case.decided_on <= on)
        .order_by(Case.id).with_for_update(of=Case.__table__)
    )
    for case in candidates:
        final_on = engine.final_on(case)
        if final_on is None or final_on > on:
            continue
        # Never before an entry already recorded (e.g. an act issued after the decision became final).
        effective_on = max(final_on, case.last_effective_on)
        fire_as_system(session, case, "close", effective_on,
                       note=f"Quyết định có hiệu lực pháp luật từ {final_on:%d/%m/%Y} / the decision became final on "
                            f"{final_on.isoformat()}")
        report.changed += 1
        report.items.append(f"{case.tracking_code} {final_on.isoformat()}")
    return report


def counted(step: Callable[[Session, dt.date], int]) -> SweepStep:
    """A step that only counts what it did, reported under its function's name."""

    def run_step(session: Session, on: dt.date) -> StepReport:
        return StepReport(step.__name__, step(session, on))

    run_step.__name__ = step.__name__
    return run_step


# The steps, in the order they run: decisions become final before reminders and escalations
# look at what is still open; pending deliveries are handed on last.
STEPS: list[SweepStep] = [
    close_final_decisions,
    counted(reminders.remind_due_soon),
    counted(reminders.escalate_overdue),
    counted(reminders.requeue_pending),
]


def run(session: Session, on: dt.date | None = None) -> SweepReport:
    """Run every step of the sweep for the day `on` (today by default); flushes, never commits.
    A day after today is refused: the sweep records what the law did, not what it will do."""
    today = clock.today()
    on = on or today
    if on > today:
        raise Refused("Không chạy cho một ngày trong tương lai / the sweep cannot run for a future day",
                      {"fields": {"on": f"<= {today.isoformat()}"}})
    report = SweepReport(on)
    for step in STEPS:
        report.steps.append(step(session, on))
    session.flush()
    return report
