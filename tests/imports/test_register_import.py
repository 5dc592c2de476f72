"""Importing an old register: the header found by its words under a title and over a second header
row, Excel serial dates, packed cells, kinds outside the law's four, tick-mark handling; cases made
through the desk's services under each row's rule set; twice is once; every bad row reported."""
from __future__ import annotations

import csv
import datetime as dt

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, func, select, text

from tests.imports.registers import write_register
from tracker.auth.policy import SYSTEM
from tracker.cli import main
from tracker.imports.register import parse_kind, split_person
from tracker.models import Case, HistoryEntry, ImportedRow, ReceptionVisit
from tracker.services.imports import import_register


def test_a_register_becomes_cases_visits_and_history_as_the_desk_would_make_them(session, tree, tmp_path, clock_at):
    clock_at(dt.date(2025, 12, 31))
    path = tmp_path / "so-tiep-cong-dan-2025.xlsx"
    wrong = write_register(path, 40)
    report = import_register(session, SYSTEM, path, "HT")
    assert (report.rows, report.created, report.already_imported) == (46, 41, 0)
    assert sorted(p.line for p in report.problems) == sorted(wrong)
    reasons = {p.line: p.reason for p in report.problems}
    by_why = {why: reasons[line] for line, why in wrong.items()}
    assert "Ngày tiếp không hợp lệ (32/13/2025)" in by_why["date"]
    assert "(trống)" in by_why["no_date"] and "thiếu họ tên" in by_why["name"] and "Thiếu nội dung" in by_why["content"]
    assert "2011-05-05" in by_why["2011"]  # the rule set's refusal, named by its date

    cases = session.scalars(select(Case).where(Case.received_unit_id == tree["HT"].id).order_by(Case.id)).all()
    assert len(cases) == 41
    first = cases[0]
    assert first.received_on == dt.date(2025, 3, 4) and first.rule_set == "vn-2019-01-01" and first.channel == "in_person"
    assert first.petitioners[0].full_name and first.petitioners[0].id_number.startswith("0790")
    assert first.petitioners[0].address == "ấp Long Bình, phường Long Hoa"
    kinds = {c.kind for c in cases}
    assert kinds == {"complaint", "denunciation", "recommendation", "feedback"}
    disputes = [c for c in cases if "kind in the register: Tranh chấp]" in c.content]
    assert disputes and all(c.kind == "recommendation" for c in disputes)
    assert {c.state for c in cases} == {"accepted", "guided", "received"}
    assert all(c.visit_id for c in cases)
    assert session.scalar(select(func.count(ReceptionVisit.id)).where(ReceptionVisit.unit_id == tree["HT"].id)) == 41
    crowd = [c for c in cases if c.crowd_size == 6]
    assert crowd and all(c.many_person for c in crowd)
    assert session.scalar(select(func.count(HistoryEntry.id)).where(HistoryEntry.trigger == "intake")) == 41


def test_importing_the_same_register_twice_creates_nothing_twice(session, tree, tmp_path, clock_at):
    clock_at(dt.date(2025, 12, 31))
    path = tmp_path / "so.xlsx"
    write_register(path, 25)
    first = import_register(session, SYSTEM, path, "HT")
    again = import_register(session, SYSTEM, path, "HT")
    assert (again.created, again.already_imported) == (0, first.created)
    assert session.scalar(select(func.count(ImportedRow.id))) == first.created
    assert session.scalar(select(func.count(Case.id))) == first.created


@pytest.mark.parametrize(("cell", "expected"), [
    ("Nguyễn Văn An, ấp Long Bình, CCCD 079090001111", ("Nguyễn Văn An", "ấp Long Bình", "079090001111")),
    ("Bà Trần Thị Bích - tổ 5 khu phố 2; CMND: 290123456", ("Trần Thị Bích", "tổ 5 khu phố 2", "290123456")),
    ("Lê Văn Cường", ("Lê Văn Cường", None, None)),
])
def test_a_packed_cell_splits_into_name_address_and_identity(cell, expected):
    assert split_person(cell) == expected


def test_kinds_and_head_counts_are_unpacked_and_mapped():
    assert parse_kind("Khiếu nại/ 3", "") == ("complaint", 3, "Khiếu nại")
    assert parse_kind("Tranh chấp", "") == ("recommendation", None, "Tranh chấp")
    assert parse_kind("", "Tố cáo chủ tịch xã")[0] == "denunciation"


def test_the_command_checks_with_dry_run_then_imports_and_reports_bad_rows(empty_db_url, tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("TRACKER_TODAY", "2025-12-31")
    runner = CliRunner()
    run = lambda *args: runner.invoke(main, [*args, "--database-url", empty_db_url], catch_exceptions=False)  # noqa: E731
    run("init")
    run("units", "create", "TN", "--name", "Tỉnh Tây Ninh", "--kind", "province")
    run("units", "create", "HT", "--name", "Thị xã Hòa Thành", "--kind", "district", "--parent", "TN")
    path = tmp_path / "so.xlsx"
    wrong = write_register(path, 30)

    dry = run("import", "register", str(path), "--unit", "HT", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "31 hồ sơ" in dry.output and f"{len(wrong)} dòng lỗi" in dry.output
    engine = create_engine(empty_db_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM cases")).scalar() == 0
        done = run("import", "register", str(path), "--unit", "HT")
        assert done.exit_code == 0 and "Đã nhập / imported 31 hồ sơ" in done.output
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM cases")).scalar() == 31
        with (tmp_path / "so.loi.csv").open(encoding="utf-8-sig") as report:
            rows = list(csv.reader(report))
        assert [int(r[0]) for r in rows[1:]] == sorted(wrong) and all(r[1] for r in rows[1:])
        again = run("import", "register", str(path), "--unit", "HT")
        assert "31 đã nhập trước" in again.output
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM cases")).scalar() == 31
    finally:
        engine.dispose()
    assert run("history", "verify").exit_code == 0
    not_a_register = tmp_path / "khac.xlsx"
    write_register(not_a_register, 0, bad=False)
    from openpyxl import load_workbook

    wb = load_workbook(not_a_register)
    wb.active.delete_rows(1, 4)
    wb.save(not_a_register)
    refused = run("import", "register", str(not_a_register), "--unit", "HT")
    assert refused.exit_code == 1 and "no header row found" in refused.output
