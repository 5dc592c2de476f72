"""Benchmark: exporting every case behind a count (`cases.received` of the province over the
whole span) to CSV and to Excel through the service, against a Core floor, in the same run.

    python bench/exports.py                          # 1,000,000 cases in a throw-away PostgreSQL database
    python bench/exports.py --cases 200000 --rounds 3

The project: `tracker.services.reports.export_drilldown(...)` to a file, as the API's export
does. The floor: one hand-written SELECT of the same columns (cases joined to their unit)
through a server-side cursor, written by `csv.writer`, or by openpyxl's write-only workbook for
Excel. Each measurement runs in a fresh forked process, so the resident memory growth
(peak RSS minus RSS at the start) is its own. Rounds alternate which goes first; printed: the
median time, the ratio (target: at most 2x) and the memory growth (target: under 100 MB).
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from bench.common import throwaway_postgres  # noqa: E402
from bench.generate import filled  # noqa: E402
from tracker.auth.policy import SYSTEM  # noqa: E402
from tracker.db import Database  # noqa: E402
from tracker.migrate import upgrade  # noqa: E402

START, END = dt.date(2020, 1, 1), dt.date(2030, 12, 31)
FLOOR_SQL = """
SELECT c.id, c.tracking_code, c.kind, c.state, u.code, c.received_on, c.accepted_on, c.decided_on, c.due_on,
       CASE WHEN c.kind = 'denunciation' THEN NULL ELSE c.subject END, NULL
FROM cases c JOIN units u ON u.id = c.received_unit_id
WHERE c.kind IN ('complaint', 'denunciation', 'recommendation', 'feedback', 'voter_opinion')
  AND c.received_on BETWEEN :start AND :end
ORDER BY c.id
"""
HEADER = ["id", "tracking_code", "kind", "state", "unit", "received_on", "accepted_on", "decided_on", "due_on", "subject", "days"]


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def project(url: str, fmt: str, out: str) -> int:
    from tracker.services import reports

    db = Database(url)
    with db.transaction() as session, open(out, "wb") as stream:
        written = reports.export_drilldown(session, SYSTEM, "P", START, END, True, "cases", "received", fmt, stream)
    return written.rows


def floor(url: str, fmt: str, out: str) -> int:
    from tracker.reports.writers import write_rows_xlsx

    db = Database(url)
    count = 0
    with db.engine.connect() as conn, open(out, "wb") as stream:
        rows = conn.execution_options(stream_results=True, yield_per=1000).execute(
            text(FLOOR_SQL), {"start": START, "end": END})
        if fmt == "xlsx":
            return write_rows_xlsx("cases.received", HEADER, rows, stream)
        handle = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for row in rows:
            writer.writerow(row)
            count += 1
        handle.flush()
        handle.detach()
    return count


def _child(call: Callable[[str, str, str], int], url: str, fmt: str, out: str, answer: multiprocessing.Queue) -> None:
    start_rss = _rss_kb("VmRSS")
    began = time.perf_counter()
    rows = call(url, fmt, out)
    answer.put((time.perf_counter() - began, (_rss_kb("VmHWM") - start_rss) / 1024, rows))


def measure(call: Callable[[str, str, str], int], url: str, fmt: str) -> tuple[float, float, int]:
    """(seconds, MB of resident memory growth, rows) of one export in a fresh forked process."""
    context = multiprocessing.get_context("fork")
    answer: multiprocessing.Queue = context.Queue()
    with tempfile.NamedTemporaryFile(suffix=f".{fmt}") as target:
        child = context.Process(target=_child, args=(call, url, fmt, target.name, answer))
        child.start()
        result = answer.get()
        child.join()
    return result  # type: ignore[no-any-return]


def run(url: str, size: int, rounds: int, formats: list[str]) -> None:
    upgrade(url)
    db = Database(url)
    with db.engine.connect() as conn:
        filled(conn, size)
        conn.execute(text("ANALYZE"))
        conn.commit()
        total = conn.execute(text("SELECT count(*) FROM cases")).scalar_one()
    db.engine.dispose()
    print(f"{total:,} cases in the database; PostgreSQL; {rounds} rounds, median; cpus: {os.cpu_count()}")
    for fmt in formats:
        timings: dict[str, list[tuple[float, float, int]]] = {"project": [], "floor": []}
        for r in range(rounds):
            order = [("project", project), ("floor", floor)]
            for name, call in (order if r % 2 == 0 else order[::-1]):
                timings[name].append(measure(call, url, fmt))
        (p_rows, f_rows) = (timings["project"][0][2], timings["floor"][0][2])
        assert p_rows == f_rows, (p_rows, f_rows)
        p_time = statistics.median(t for t, _, _ in timings["project"])
        f_time = statistics.median(t for t, _, _ in timings["floor"])
        p_mem = max(m for _, m, _ in timings["project"])
        f_mem = max(m for _, m, _ in timings["floor"])
        print(f"export {p_rows:,} cases to {fmt}: project {p_time:.1f} s (+{p_mem:.0f} MB RSS), floor {f_time:.1f} s "
              f"(+{f_mem:.0f} MB RSS), ratio {p_time / f_time:.2f} (target <= 2; memory growth target < 100 MB)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="an empty PostgreSQL database (default: a throw-away one)")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--formats", default="csv,xlsx")
    args = parser.parse_args(argv)
    formats = args.formats.split(",")
    if args.database_url:
        run(args.database_url, args.cases, args.rounds, formats)
    else:
        with throwaway_postgres() as url:
            run(url, args.cases, args.rounds, formats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
