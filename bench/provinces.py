"""Benchmark: one province's figures with its own data only, then with nine more provinces of
the same size loaded beside it: what one province's metrics cost must not grow with the
number of provinces in the database (README, "Beyond one province").

    python bench/provinces.py                        # 100,000 cases a province, throw-away PostgreSQL database
    python bench/provinces.py --cases 300000 --provinces 10 --rounds 5

The first province is generated (bench/generate.py); the others are copies of it made in SQL
with every id shifted and every code prefixed, so each is a complete province of its own.
The metrics call for province P over the official 2026-H1 is timed (median of --rounds)
before and after; printed: both times and their ratio (target: about 1, at most 1.5).
"""
from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Integer, text  # noqa: E402
from tqdm import tqdm  # noqa: E402

from bench.common import throwaway_postgres, timed  # noqa: E402
from bench.generate import filled  # noqa: E402
from tracker.auth.policy import SYSTEM  # noqa: E402
from tracker.db import Base, Database  # noqa: E402
from tracker.metrics.periods import OFFICIAL, parse_period  # noqa: E402
from tracker.migrate import upgrade  # noqa: E402
from tracker.services.metrics import metrics  # noqa: E402

# Tables holding a province's records; ids of every table are shifted together.
SKIP = {"alembic_version", "calendar_overrides", "login_failures"}
PREFIXED = {("units", "code"), ("cases", "tracking_code"), ("users", "username")}


def _copy_province(conn, copy: int, offset: int) -> None:  # type: ignore[no-untyped-def]
    """Copy every row as province number `copy`: integer keys + copy * offset, codes prefixed."""
    for table in Base.metadata.sorted_tables:
        if table.name in SKIP or not conn.execute(text(f"SELECT EXISTS (SELECT 1 FROM {table.name})")).scalar_one():
            continue
        columns, values = [], []
        for column in table.columns:
            name = column.name
            columns.append(f'"{name}"')
            shifted = (column.primary_key and isinstance(column.type, Integer) or bool(column.foreign_keys)
                       or (table.name, name) == ("cases", "province_id"))
            if shifted:
                values.append(f'"{name}" + {copy * offset}')
            elif (table.name, name) in PREFIXED:
                values.append(f"'Q{copy}-' || \"{name}\"")
            elif (table.name, name) == ("units", "path"):
                values.append(f"'/' || array_to_string(ARRAY(SELECT (p::int + {copy * offset})::text FROM "
                              f"unnest(string_to_array(trim(both '/' from path), '/')) WITH ORDINALITY AS t(p, n) "
                              f"ORDER BY n), '/') || '/'")
            else:
                values.append(f'"{name}"')
        conn.execute(text(f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {table.name} "
                          f"WHERE {'id' if 'id' in table.c else list(table.c)[0].name} <= {offset}"))


def run(url: str, size: int, provinces: int, rounds: int) -> None:
    upgrade(url)
    db = Database(url)
    period = parse_period("2026-H1", default_scheme=OFFICIAL)

    def figures() -> float:
        with db.transaction() as session:
            return timed(lambda: metrics(session, SYSTEM, "P", period.start, period.end, True))

    with db.engine.connect() as conn:
        filled(conn, size, desc="province P")
        conn.execute(text("ANALYZE"))
        conn.commit()
    figures()
    alone = statistics.median(figures() for _ in range(rounds))
    with db.engine.connect() as conn:
        offset = max(conn.execute(text(f"SELECT coalesce(max(id), 0) FROM {t.name}")).scalar_one()
                     for t in Base.metadata.sorted_tables if "id" in t.c and t.name not in SKIP) + 1
        for copy in tqdm(range(1, provinces), desc="other provinces"):
            _copy_province(conn, copy, offset)
            conn.commit()
        for table in Base.metadata.sorted_tables:
            if "id" in table.c and table.name not in SKIP:
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                  f"(SELECT max(id) FROM {table.name}))"))
        conn.execute(text("ANALYZE"))
        conn.commit()
        total = conn.execute(text("SELECT count(*) FROM cases")).scalar_one()
        roots = conn.execute(text("SELECT count(*) FROM units WHERE parent_id IS NULL")).scalar_one()
    figures()
    beside = statistics.median(figures() for _ in range(rounds))
    print(f"province P's figures for {period.token}, median of {rounds}: alone {alone * 1000:.1f} ms; with {roots} provinces "
          f"({total:,} cases) {beside * 1000:.1f} ms; ratio {beside / alone:.2f} (target about 1, at most 1.5)")
    db.engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="an empty PostgreSQL database (default: a throw-away one)")
    parser.add_argument("--cases", type=int, default=100_000, help="cases of each province")
    parser.add_argument("--provinces", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    if args.database_url:
        run(args.database_url, args.cases, args.provinces, args.rounds)
    else:
        with throwaway_postgres() as url:
            run(url, args.cases, args.provinces, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
