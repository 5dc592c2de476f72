"""Benchmark: the two lists people open all day, through the service, against hand-written SQL
giving the same page, on the same database, in the same run.

    python bench/lists.py                            # 1,000,000 cases in a throw-away PostgreSQL database
    python bench/lists.py --cases 200000 --rounds 7

- the agency queue: what an agency officer's desk shows (tracker/web/__init__.py), the open
  cases the agency receives or resolves, most urgent first, one page of 20 and the total:
  `list_cases(session, officer, CaseQuery(unit=<agency>, open=True, per_page=20))`; the agency
  is the one with the most open cases;
- the overdue list: what a leader of the province sees, every overdue case of the province,
  longest overdue first, one page of 20 and the total: `list_cases(session, leader,
  CaseQuery(overdue=True, per_page=20))`.

The floor of each is what a person would write for the same answer: for the queue, which
names its unit by code as the API does, one SELECT of the ids of the unit's tree (the cases of
units below it, a board below an agency, are the queue's too); then one count, one SELECT of
the page's case rows (every column, as the service loads them) and one SELECT of their
petitioners, through a plain connection. Both are timed inside a transaction already begun,
the project's with its user already loaded, as a request's is. Rounds alternate which goes first (one warm-up round);
printed: the median of each, the ratio (target: at most 1.5), after checking that both give
the same total and the same cases in the same order.
"""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from bench.common import interleaved, ratio_line, throwaway_postgres, timed  # noqa: E402
from bench.generate import filled  # noqa: E402
from tracker.db import Database  # noqa: E402
from tracker.migrate import upgrade  # noqa: E402
from tracker.models import User  # noqa: E402
from tracker.services.cases import CaseQuery, list_cases  # noqa: E402
from workflows import definitions  # noqa: E402

PAGE = 20


def _states(which: str) -> str:
    """(kind = ... AND state IN (...)) OR ... for the final or running states of every workflow."""
    parts = []
    for w in definitions.ALL:
        states = sorted(w.final_states if which == "final" else w.running_states)
        listed = ", ".join(f"'{s}'" for s in states) or "NULL"
        parts.append(f"(c.kind = '{w.kind}' AND c.state IN ({listed}))")
    return "(" + " OR ".join(parts) + ")"


FINAL, RUNNING = _states("final"), _states("running")
OVERDUE = f"({RUNNING} AND c.due_on < :today)"
URGENCY = f"{OVERDUE} DESC, {RUNNING} DESC, c.due_on IS NULL, c.due_on, c.id"
# The queue names its unit by code, as the API does, and holds the cases of the unit's tree
# (a board below an agency receives its own recommendations): the tree's ids are read first.
TREE = "SELECT id FROM units WHERE path LIKE (SELECT path FROM units WHERE code = :code) || '%'"
QUEUE_WHERE = f"(c.received_unit_id = ANY(:units) OR c.assigned_unit_id = ANY(:units)) AND NOT {FINAL}"
FLOORS = {
    "queue": (f"SELECT count(*) FROM cases c WHERE {QUEUE_WHERE}",
              f"SELECT c.* FROM cases c WHERE {QUEUE_WHERE} ORDER BY {URGENCY} LIMIT {PAGE}"),
    # Every overdue case sorts the same on the urgency's first keys: the due date decides.
    "overdue": (f"SELECT count(*) FROM cases c WHERE {OVERDUE}",
                f"SELECT c.* FROM cases c WHERE {OVERDUE} ORDER BY c.due_on, c.id LIMIT {PAGE}"),
}
PETITIONERS = "SELECT * FROM petitioners WHERE case_id = ANY(:ids) ORDER BY case_id, position"


def _user(conn: Any, role: str, unit_id: int) -> int:
    user_id = int(conn.execute(text("SELECT coalesce(max(id), 0) + 1 FROM users")).scalar_one())
    conn.execute(text("INSERT INTO users (id, username, password_hash, role, unit_id, active, created_at) "
                      "VALUES (:id, :name, 'x', :role, :unit, true, now())"),
                 {"id": user_id, "name": f"bench-{role}-{user_id}", "role": role, "unit": unit_id})
    return user_id


def run(url: str, size: int, rounds: int) -> None:
    upgrade(url)
    db = Database(url)
    with db.engine.connect() as conn:
        generator = filled(conn, size)
        today = generator.today
        agency = conn.execute(text(
            f"SELECT u.id, u.code FROM cases c JOIN units u ON u.id = coalesce(c.assigned_unit_id, c.received_unit_id) "
            f"WHERE u.kind = 'agency' AND NOT {FINAL} GROUP BY u.id, u.code ORDER BY count(*) DESC LIMIT 1")).one()
        province = conn.execute(text("SELECT id FROM units WHERE code = 'P'")).scalar_one()
        users = {"queue": _user(conn, "agency", agency.id), "overdue": _user(conn, "leader", province)}
        conn.execute(text("ANALYZE"))
        conn.commit()
        total = conn.execute(text("SELECT count(*) FROM cases")).scalar_one()
    queries = {"queue": CaseQuery(unit=agency.code, open=True, per_page=PAGE), "overdue": CaseQuery(overdue=True, per_page=PAGE)}
    params: dict[str, dict[str, Any]] = {"queue": {"today": today}, "overdue": {"today": today}}
    print(f"{total:,} cases; PostgreSQL; today {today}; agency {agency.code}; {rounds} rounds, median; cpus: {os.cpu_count()}")

    for name, query in queries.items():
        answers: dict[str, tuple[int, list[int], int]] = {}

        def project(_round: int, name: str = name, query: CaseQuery = query, answers: dict[str, Any] = answers) -> float:
            with db.transaction() as session:
                # The signed-in user is loaded by the request before the list is asked for.
                actor = session.get_one(User, users[name])
                actor.unit  # noqa: B018 - loaded as a request's user is

                def call() -> None:
                    rows, count = list_cases(session, actor, query, today=today)
                    answers["project"] = (count, [c.id for c in rows], sum(len(c.petitioners) for c in rows))
                return timed(call)

        def floor(_round: int, name: str = name, answers: dict[str, Any] = answers) -> float:
            count_sql, page_sql = FLOORS[name]
            with db.engine.connect() as conn:
                conn.execute(text("SELECT 1"))  # the transaction begun, as the project's is

                def call() -> None:
                    if name == "queue":
                        params[name]["units"] = list(conn.execute(text(TREE), {"code": agency.code}).scalars())
                    count = conn.execute(text(count_sql), params[name]).scalar_one()
                    page = conn.execute(text(page_sql), params[name]).all()
                    ids = [row.id for row in page]
                    petitioners = conn.execute(text(PETITIONERS), {"ids": ids}).all()
                    answers["floor"] = (count, ids, len(petitioners))
                elapsed = timed(call)
                conn.rollback()
            return elapsed

        calls: list[Callable[[int], float]] = [project, floor]
        p, f = interleaved(rounds, *calls)
        assert answers["project"] == answers["floor"], (name, answers)
        count = answers["floor"][0]
        label = {"queue": f"agency queue ({agency.code}, {count:,} open)", "overdue": f"overdue list ({count:,} overdue)"}[name]
        print(ratio_line(label, p.median * 1000, f.median * 1000, "ms", "target <= 1.5"))
    db.engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="an empty PostgreSQL database (default: a throw-away one)")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    if args.database_url:
        run(args.database_url, args.cases, args.rounds)
    else:
        with throwaway_postgres() as url:
            run(url, args.cases, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
