"""Benchmark: the full metrics call for a province against the best single hand-written SQL
query for the same figures, on the same database, in the same run.

    python bench/metrics.py                        # PostgreSQL: a throw-away database on 127.0.0.1:5432
    python bench/metrics.py --sizes 100000,1000000 --runs 5
    python bench/metrics.py --database-url sqlite:///bench.db --sizes 20000

For each size the database is filled (up to that many cases, with a progress bar), then the
service `tracker.services.metrics.metrics` (province, with subunits) and the hand-written query
are each timed, best of --runs, interleaved; both must give the same figures. Printed: both
times, their ratio (target <= 1.5) and, across sizes, the growth of the service's time
(target: 100,000 -> 1,000,000 cases at most 12x). A benchmark, not a test.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.generate import Generator  # noqa: E402
from tracker.auth.policy import SYSTEM  # noqa: E402
from tracker.db import Database  # noqa: E402
from tracker.metrics import FIGURES  # noqa: E402
from tracker.metrics.figures import Kind  # noqa: E402
from tracker.metrics.periods import OFFICIAL, parse_period  # noqa: E402
from tracker.metrics.results import Metrics  # noqa: E402
from tracker.migrate import upgrade  # noqa: E402
from tracker.models.units import BOARD_KINDS  # noqa: E402
from tracker.services.metrics import metrics  # noqa: E402

PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
PETITIONS = "('complaint', 'denunciation', 'recommendation', 'feedback', 'voter_opinion')"

# The figures of each by_unit row, as the hand-written query names them.
COUNTS = [f.path for f in FIGURES if f.kind is Kind.COUNT]

_HAND_POSTGRES = f"""
WITH unit_rows AS (
    SELECT u.id AS unit_id, coalesce(nullif(split_part(substr(u.path, :prefix_length + 1), '/', 1), '')::int, :root) AS row_id
    FROM units u WHERE u.path LIKE :prefix
),
received AS (
    SELECT r.row_id, count(*) AS received
    FROM cases c JOIN unit_rows r ON r.unit_id = c.received_unit_id
    WHERE c.kind IN {PETITIONS} AND c.received_on BETWEEN :start AND :end
    GROUP BY r.row_id
),
petitions AS (
    SELECT c.kind, c.round, c.received_on, c.accepted_on, c.decided_on, c.final_on, c.due_on,
           coalesce(e.unit_id, c.assigned_unit_id, c.received_unit_id) AS unit_id,
           CASE WHEN e.to_state IS NOT NULL THEN e.to_state
                WHEN c.decided_on <= :end AND (c.final_on IS NULL OR c.final_on > :end) THEN 'resolved'
                ELSE c.state END AS state_end,
           CASE WHEN e.to_state IS NOT NULL THEN e.due_on ELSE c.due_on END AS due_end
    FROM cases c
    LEFT JOIN LATERAL (
        SELECT h.to_state, h.due_on, h.unit_id FROM history_entries h
        WHERE h.case_id = c.id AND h.effective_on <= :end
          AND c.last_effective_on > :end AND (c.final_on IS NULL OR c.final_on > :end)
          AND (c.decided_on IS NULL OR c.decided_on > :end)
        ORDER BY h.seq DESC LIMIT 1
    ) e ON true
    WHERE c.kind IN {PETITIONS} AND c.received_on <= :end AND (c.final_on IS NULL OR c.final_on >= :start)
      AND (c.accepted_on BETWEEN :start AND :end OR c.decided_on BETWEEN :start AND :end
           OR (c.accepted_on < :start AND coalesce(c.decided_on, c.final_on, :start) >= :start)
           OR c.final_on IS NULL OR c.final_on > :end OR (c.round >= 2 AND c.received_on >= :start))
),
petition_rows AS (
    SELECT CASE WHEN grouping(r.row_id) = 1 THEN -1 ELSE r.row_id END AS row_id,
        count(*) FILTER (WHERE p.accepted_on BETWEEN :start AND :end) AS accepted,
        count(*) FILTER (WHERE p.decided_on BETWEEN :start AND :end) AS resolved,
        count(*) FILTER (WHERE p.decided_on BETWEEN :start AND :end AND (p.due_on IS NULL OR p.decided_on <= p.due_on))
            AS resolved_on_time,
        count(*) FILTER (WHERE p.accepted_on <= :end AND (p.accepted_on >= :start
                         OR coalesce(p.decided_on, p.final_on, :start) >= :start)) AS to_resolve,
        count(*) FILTER (WHERE p.state_end NOT IN ('closed', 'escalated', 'filed', 'guided', 'withdrawn')) AS open,
        count(*) FILTER (WHERE p.state_end IN ('accepted', 'received', 'verifying') AND p.due_end < :end) AS overdue_open,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY p.decided_on - p.received_on)
            FILTER (WHERE p.decided_on BETWEEN :start AND :end) AS median_days,
        count(*) FILTER (WHERE p.kind = 'complaint' AND p.round >= 2 AND p.received_on BETWEEN :start AND :end) AS recomplaints
    FROM petitions p JOIN unit_rows r ON r.unit_id = p.unit_id
    GROUP BY GROUPING SETS ((r.row_id), ())
),
opinions AS (
    SELECT r.row_id, count(*) AS opinions,
        count(*) FILTER (WHERE c.settled_on_spot) AS settled_on_spot,
        count(*) FILTER (WHERE NOT c.settled_on_spot) AS assigned,
        count(*) FILTER (WHERE NOT c.settled_on_spot AND coalesce(e.to_state, c.state) IN ('resolved', 'closed'))
            AS assigned_resolved,
        count(*) FILTER (WHERE c.reopened_count > 0 AND (c.last_effective_on <= :end OR EXISTS (
            SELECT 1 FROM history_entries h WHERE h.case_id = c.id AND h.trigger = 'reopen' AND h.effective_on <= :end)))
            AS reopened
    FROM cases c JOIN unit_rows r ON r.unit_id = c.received_unit_id
    LEFT JOIN LATERAL (
        SELECT h.to_state FROM history_entries h
        WHERE h.case_id = c.id AND h.effective_on <= :end AND c.last_effective_on > :end ORDER BY h.seq DESC LIMIT 1
    ) e ON true
    WHERE c.kind = 'dialogue_opinion' AND c.received_on BETWEEN :start AND :end
    GROUP BY r.row_id
),
sessions AS (
    SELECT r.row_id, count(*) AS sessions, count(DISTINCT d.host_unit_id) AS units_with_session
    FROM dialogues d JOIN unit_rows r ON r.unit_id = d.host_unit_id WHERE d.held_on BETWEEN :start AND :end GROUP BY r.row_id
),
plans AS (
    SELECT r.row_id, count(*) AS plans, count(DISTINCT p.unit_id) AS units_with_plan
    FROM dialogue_plans p JOIN unit_rows r ON r.unit_id = p.unit_id WHERE p.year BETWEEN :first_year AND :last_year
    GROUP BY r.row_id
),
supervision_rows AS (
    SELECT r.row_id, count(*) AS supervisions,
        count(*) FILTER (WHERE b.kind = 'front_committee') AS sv_fc, count(*) FILTER (WHERE b.kind = 'inspection_board') AS sv_ib,
        count(*) FILTER (WHERE b.kind = 'investment_board') AS sv_gs
    FROM supervisions s JOIN unit_rows r ON r.unit_id = s.board_unit_id JOIN units b ON b.id = s.board_unit_id
    WHERE s.started_on BETWEEN :start AND :end
    GROUP BY r.row_id
),
recommendations AS (
    SELECT r.row_id, count(*) AS recommendations,
        count(*) FILTER (WHERE coalesce(e.to_state, c.state) IN ('answered', 'accepted')) AS answered,
        count(*) FILTER (WHERE coalesce(e.to_state, c.state) IN ('answered', 'accepted')
                         AND CASE WHEN e.to_state = 'answered' THEN e.effective_on ELSE c.decided_on END
                             <= CASE WHEN e.to_state IS NOT NULL THEN e.due_on ELSE c.due_on END) AS answered_on_time,
        count(*) FILTER (WHERE b.kind = 'front_committee') AS rm_fc, count(*) FILTER (WHERE b.kind = 'inspection_board') AS rm_ib,
        count(*) FILTER (WHERE b.kind = 'investment_board') AS rm_gs,
        count(*) FILTER (WHERE b.kind = 'front_committee' AND coalesce(e.to_state, c.state) IN ('answered', 'accepted')) AS an_fc,
        count(*) FILTER (WHERE b.kind = 'inspection_board' AND coalesce(e.to_state, c.state) IN ('answered', 'accepted')) AS an_ib,
        count(*) FILTER (WHERE b.kind = 'investment_board' AND coalesce(e.to_state, c.state) IN ('answered', 'accepted')) AS an_gs
    FROM cases c JOIN unit_rows r ON r.unit_id = c.received_unit_id JOIN units b ON b.id = c.received_unit_id
    LEFT JOIN LATERAL (
        SELECT h.to_state, h.effective_on, h.due_on FROM history_entries h
        WHERE h.case_id = c.id AND h.effective_on <= :end AND c.last_effective_on > :end ORDER BY h.seq DESC LIMIT 1
    ) e ON true
    WHERE c.kind = 'supervision_recommendation' AND c.received_on BETWEEN :start AND :end
    GROUP BY r.row_id
)
SELECT k.row_id, rc.received, p.accepted, p.resolved, p.resolved_on_time, p.to_resolve, p.open, p.overdue_open,
       p.median_days, p.recomplaints, ss.sessions, o.opinions, o.settled_on_spot, o.assigned, o.assigned_resolved,
       o.reopened, pl.plans, pl.units_with_plan, ss.units_with_session, sv.supervisions, rm.recommendations, rm.answered,
       rm.answered_on_time, sv.sv_fc, sv.sv_ib, sv.sv_gs, rm.rm_fc, rm.rm_ib, rm.rm_gs, rm.an_fc, rm.an_ib, rm.an_gs
FROM (SELECT DISTINCT row_id FROM unit_rows UNION ALL SELECT -1) k
LEFT JOIN received rc ON rc.row_id = k.row_id
LEFT JOIN petition_rows p ON p.row_id = k.row_id
LEFT JOIN opinions o ON o.row_id = k.row_id
LEFT JOIN sessions ss ON ss.row_id = k.row_id
LEFT JOIN plans pl ON pl.row_id = k.row_id
LEFT JOIN supervision_rows sv ON sv.row_id = k.row_id
LEFT JOIN recommendations rm ON rm.row_id = k.row_id
"""

# SQLite has no LATERAL, GROUPING SETS or percentile_cont: the entry in force is found by its
# seq, and the medians by window functions.
_HAND_SQLITE = (
    _HAND_POSTGRES
    .replace("""    LEFT JOIN LATERAL (
        SELECT h.to_state, h.due_on, h.unit_id FROM history_entries h
        WHERE h.case_id = c.id AND h.effective_on <= :end
          AND c.last_effective_on > :end AND (c.final_on IS NULL OR c.final_on > :end)
          AND (c.decided_on IS NULL OR c.decided_on > :end)
        ORDER BY h.seq DESC LIMIT 1
    ) e ON true""", """    LEFT JOIN history_entries e ON e.case_id = c.id AND e.seq = CASE
        WHEN c.last_effective_on > :end AND (c.final_on IS NULL OR c.final_on > :end)
             AND (c.decided_on IS NULL OR c.decided_on > :end)
        THEN (SELECT max(h.seq) FROM history_entries h WHERE h.case_id = c.id AND h.effective_on <= :end) END""")
    .replace("""    LEFT JOIN LATERAL (
        SELECT h.to_state FROM history_entries h
        WHERE h.case_id = c.id AND h.effective_on <= :end AND c.last_effective_on > :end ORDER BY h.seq DESC LIMIT 1
    ) e ON true""", """    LEFT JOIN history_entries e ON e.case_id = c.id AND e.seq = CASE WHEN c.last_effective_on > :end
        THEN (SELECT max(h.seq) FROM history_entries h WHERE h.case_id = c.id AND h.effective_on <= :end) END""")
    .replace("""    LEFT JOIN LATERAL (
        SELECT h.to_state, h.effective_on, h.due_on FROM history_entries h
        WHERE h.case_id = c.id AND h.effective_on <= :end AND c.last_effective_on > :end ORDER BY h.seq DESC LIMIT 1
    ) e ON true""", """    LEFT JOIN history_entries e ON e.case_id = c.id AND e.seq = CASE WHEN c.last_effective_on > :end
        THEN (SELECT max(h.seq) FROM history_entries h WHERE h.case_id = c.id AND h.effective_on <= :end) END""")
    .replace("CASE WHEN grouping(r.row_id) = 1 THEN -1 ELSE r.row_id END AS row_id", "r.row_id")
    .replace("coalesce(nullif(split_part(substr(u.path, :prefix_length + 1), '/', 1), '')::int, :root)",
             "coalesce(CAST(nullif(substr(substr(u.path, :prefix_length + 1), 1, instr(substr(u.path, :prefix_length + 1), '/') - 1),"
             " '') AS INTEGER), :root)")
    .replace("""        percentile_cont(0.5) WITHIN GROUP (ORDER BY p.decided_on - p.received_on)
            FILTER (WHERE p.decided_on BETWEEN :start AND :end) AS median_days,
""", "")
    .replace("    GROUP BY GROUPING SETS ((r.row_id), ())\n),\n", """    GROUP BY r.row_id
),
days AS (
    SELECT r.row_id, julianday(p.decided_on) - julianday(p.received_on) AS v
    FROM petitions p JOIN unit_rows r ON r.unit_id = p.unit_id WHERE p.decided_on BETWEEN :start AND :end
),
ranked AS (
    SELECT row_id, v, row_number() OVER (PARTITION BY row_id ORDER BY v) AS rn, count(*) OVER (PARTITION BY row_id) AS n,
           row_number() OVER (ORDER BY v) AS trn, count(*) OVER () AS tn
    FROM days
),
medians AS (
    SELECT row_id, avg(v) AS median_days FROM ranked WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY row_id
    UNION ALL SELECT -1, avg(v) FROM ranked WHERE trn IN ((tn + 1) / 2, (tn + 2) / 2)
),
""")
    .replace("       p.median_days, p.recomplaints", "       md.median_days, p.recomplaints")
    .replace("LEFT JOIN opinions o ON o.row_id = k.row_id", "LEFT JOIN medians md ON md.row_id = k.row_id\n"
             "LEFT JOIN opinions o ON o.row_id = k.row_id")
)

HAND_COLUMNS = ["cases.received", "cases.accepted", "cases.resolved", "cases.resolved_on_time", "cases.to_resolve",
                "cases.open", "cases.overdue_open", "cases.median_days_to_resolve", "cases.recomplaints", "dialogues.sessions",
                "dialogues.opinions", "dialogues.settled_on_spot", "dialogues.assigned", "dialogues.assigned_resolved",
                "dialogues.reopened", "dialogues.plans", "dialogues.units_with_plan", "dialogues.units_with_session",
                "supervisions.sessions", "supervisions.recommendations", "supervisions.answered", "supervisions.answered_on_time",
                *(f"supervisions.{key}_{kind}" for key in ("sessions", "recommendations", "answered") for kind in BOARD_KINDS)]


def hand_written(conn: Any, root_code: str, start: dt.date, end: dt.date) -> dict[int, dict[str, Any]]:
    """The hand-written query's figures: {row_id: {figure path: value}}; row -1 holds the overall median."""
    root_id, path = conn.execute(text("SELECT id, path FROM units WHERE code = :code"), {"code": root_code}).one()
    sql = _HAND_POSTGRES if conn.dialect.name == "postgresql" else _HAND_SQLITE
    if conn.dialect.name == "postgresql":
        conn.execute(text("SET jit = off"))  # as the service does for its transaction: compiling costs more than it saves
    params = {"root": root_id, "prefix": path + "%", "prefix_length": len(path), "start": start, "end": end,
              "first_year": start.year, "last_year": end.year}
    return {row[0]: dict(zip(HAND_COLUMNS, row[1:], strict=True)) for row in conn.execute(text(sql), params)}


def differences(result: Metrics, hand: dict[int, dict[str, Any]]) -> list[str]:
    """Where the service and the hand-written query disagree (empty when they give the same figures)."""
    found = []
    for row in result.by_unit:
        mine = hand.get(row.unit.id, {})
        for path in [*COUNTS, "cases.median_days_to_resolve"]:
            theirs = mine.get(path)
            ours = row.value(path)
            if path == "cases.median_days_to_resolve":
                same = (ours is None and theirs is None) or (ours is not None and theirs is not None and abs(float(theirs) - ours) < 1e-9)
            else:
                same = int(theirs or 0) == ours
            if not same:
                found.append(f"{row.unit.code} {path}: service {ours}, hand-written {theirs}")
    total = hand.get(-1, {}).get("cases.median_days_to_resolve")
    ours = result.totals.cases.median_days_to_resolve
    if (total is None) != (ours is None) or (ours is not None and abs(float(total) - ours) > 1e-9):
        found.append(f"total median: service {ours}, hand-written {total}")
    return found


def best_of(runs: int, *calls: Callable[[], object]) -> list[float]:
    """The best wall time of each call over `runs` interleaved rounds (after one warm-up round)."""
    for call in calls:
        call()
    best = [float("inf")] * len(calls)
    for _ in range(runs):
        for i, call in enumerate(calls):
            began = time.perf_counter()
            call()
            best[i] = min(best[i], time.perf_counter() - began)
    return best


def _throwaway_postgres() -> tuple[str, Callable[[], None]]:
    name = f"tracker_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", drop


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=None, help="an empty database to fill (default: a throw-away PostgreSQL one)")
    parser.add_argument("--sizes", default="100000,1000000", help="case counts to measure at, ascending")
    parser.add_argument("--runs", type=int, default=5, help="timed rounds per size (best of)")
    parser.add_argument("--period", default="2026-H1", help="official period token (default: the six-month review)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the throw-away database")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    period = parse_period(args.period, default_scheme=OFFICIAL)
    drop: Callable[[], None] | None = None
    url = args.database_url
    if url is None:
        url, drop = _throwaway_postgres()
    try:
        upgrade(url)
        db = Database(url)
        print(f"database: {db.engine.dialect.name}; period {period.token} = {period.start} .. {period.end}; "
              f"cpus: {os.cpu_count()}")
        timings: list[tuple[int, float, float]] = []
        with db.engine.connect() as conn:
            generator = Generator(conn, seed=args.seed)
            generator.tree()
            conn.commit()
            loaded = conn.execute(text("SELECT count(*) FROM cases")).scalar_one()
            for size in sizes:
                if size > loaded:
                    with tqdm(total=size, initial=loaded, unit="case", desc=f"cases to {size:,}") as bar:
                        generator.generate(size - loaded, progress=bar.update)
                    generator.finish()
                    loaded = conn.execute(text("SELECT count(*) FROM cases")).scalar_one()

                def service() -> Metrics:
                    with db.transaction() as session:
                        return metrics(session, SYSTEM, "P", period.start, period.end, True)

                def hand() -> dict[int, dict[str, Any]]:
                    with db.engine.connect() as c:
                        return hand_written(c, "P", period.start, period.end)

                problems = differences(service(), hand())
                if problems:
                    print("MISMATCH between the service and the hand-written query:\n  " + "\n  ".join(problems[:20]))
                    return 1
                service_time, hand_time = best_of(args.runs, service, hand)
                timings.append((loaded, service_time, hand_time))
                print(f"{loaded:>10,} cases: service {service_time * 1000:8.1f} ms, hand-written {hand_time * 1000:8.1f} ms, "
                      f"ratio {service_time / hand_time:.2f} (target <= 1.5)")
        if len(timings) > 1:
            (small, s_small, h_small), (large, s_large, h_large) = timings[0], timings[-1]
            print(f"growth {small:,} -> {large:,} cases: service x{s_large / s_small:.1f}, hand-written x{h_large / h_small:.1f} "
                  f"(target <= 12)")
        db.engine.dispose()
        return 0
    finally:
        if drop is not None and not args.keep:
            drop()
        elif drop is not None:
            print(f"kept {url}")


if __name__ == "__main__":
    sys.exit(main())
