"""What the benchmarks share: a throw-away PostgreSQL database, interleaved timed rounds with
their median, and the line that prints a ratio against its floor."""
from __future__ import annotations

import os
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import create_engine, text

PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@contextmanager
def throwaway_postgres(keep: bool = False) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped afterwards (unless `keep`)."""
    name = f"tracker_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        if keep:
            print(f"kept database {name}")
        else:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass(frozen=True)
class Timing:
    """The median and best of one measured thing over the rounds, in seconds."""

    median: float
    best: float


def interleaved(rounds: int, *calls: Callable[[int], float]) -> list[Timing]:
    """Run each call once per round, alternating which goes first; each call returns the
    time it measured for round `r` (so it can time a batch and divide). One warm-up round."""
    for call in calls:
        call(-1)
    samples: list[list[float]] = [[] for _ in calls]
    for r in range(rounds):
        order = list(range(len(calls)))
        if r % 2:
            order.reverse()
        for i in order:
            samples[i].append(calls[i](r))
    return [Timing(statistics.median(s), min(s)) for s in samples]


def timed(action: Callable[[], object]) -> float:
    """Wall time of one call."""
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def ratio_line(label: str, project: float, floor: float, unit: str, target: str) -> str:
    """`label: project X unit, floor Y unit, ratio R (target ...)`."""
    return f"{label}: project {project:.3f} {unit}, floor {floor:.3f} {unit}, ratio {project / floor:.2f} ({target})"
