"""Benchmark: importing a 4,000-row register (`tracker import register`) against the plain intake
of the same 4,000 petitions through the desk's service, measured in the same run, each on a fresh
SQLite database of its own.

    python bench/import_register.py [--rows 4000]

Printed: both times, rows per second, and the ratio import / intake (what reading the workbook,
the visits, the handling steps and the twice-is-once check cost on top of the intake itself).
The issue's target: a 4,000-row register in under a minute. A benchmark, not a test.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.imports.registers import write_register  # noqa: E402
from tracker import clock  # noqa: E402
from tracker.auth.policy import SYSTEM  # noqa: E402
from tracker.db import Database  # noqa: E402
from tracker.imports.register import read  # noqa: E402
from tracker.migrate import upgrade  # noqa: E402
from tracker.models import Unit  # noqa: E402
from tracker.schemas import CaseIn  # noqa: E402
from tracker.services import cases  # noqa: E402
from tracker.services.imports import RegisterImporter, import_register  # noqa: E402


def fresh(folder: Path, name: str) -> Database:
    url = f"sqlite:///{folder / name}"
    upgrade(url)
    db = Database(url)
    with db.transaction() as s:
        province = Unit(code="TN", name="Tỉnh Tây Ninh", kind="province", settings={})
        s.add(province)
        s.flush()
        province.path = f"/{province.id}/"
        town = Unit(code="HT", name="Thị xã Hòa Thành", kind="district", parent=province, settings={})
        s.add(town)
        s.flush()
        town.path = f"{province.path}{town.id}/"
    return db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=4000)
    args = parser.parse_args()
    clock.set_to(dt.date(2025, 12, 31))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "so.xlsx"
        write_register(path, args.rows, bad=False)

        baseline_db = fresh(folder, "baseline.db")
        rows = read(path).rows
        started = time.perf_counter()
        with baseline_db.transaction() as s:
            actor = RegisterImporter(s.get(Unit, 2))  # type: ignore[arg-type]
            for row in rows:
                cases.intake(s, actor, CaseIn.model_validate({
                    "kind": row.kind, "channel": "in_person", "received_unit": "HT", "subject": row.content[:200],
                    "content": row.content, "received_at": dt.datetime.combine(row.received_on, dt.time(8), clock.LOCAL),
                    "petitioners": [{"full_name": row.full_name, "id_number": row.id_number, "address": row.address}]
                    if row.full_name else [], "anonymous": not row.full_name, "crowd_size": row.persons}))
        baseline = time.perf_counter() - started

        import_db = fresh(folder, "import.db")
        started = time.perf_counter()
        with import_db.transaction() as s:
            report = import_register(s, SYSTEM, path, "HT")
        imported = time.perf_counter() - started
        assert report.created == args.rows and not report.problems, report.problems[:3]
    print(f"rows: {args.rows}")
    print(f"intake only (baseline): {baseline:.1f} s")
    print(f"import register:        {imported:.1f} s ({args.rows / imported:.0f} rows/s; target: under 60 s)")
    print(f"ratio import / intake:  {imported / baseline:.2f}")


if __name__ == "__main__":
    main()
