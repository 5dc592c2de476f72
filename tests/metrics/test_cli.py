"""The command line: `tracker metrics`, `tracker report`, `tracker periods`, on a SQLite file."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from tracker.auth.policy import SYSTEM
from tracker.cli import main
from tracker.db import Database
from tracker.migrate import upgrade
from tracker.schemas import CaseIn, UnitIn
from tracker.services import cases
from tracker.services.admin import create_unit


class Operator:
    """The operator at the command line, for the one intake these tests need."""

    id = None
    role = "admin"
    display_name = "Operator"

    def __init__(self, unit):  # type: ignore[no-untyped-def]
        self.unit = unit


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'tracker.db'}"
    upgrade(url)
    db = Database(url)
    with db.transaction() as session:
        tn = create_unit(session, SYSTEM, UnitIn(code="TN", name="Tỉnh Tây Ninh", kind="province"))
        create_unit(session, SYSTEM, UnitIn(code="HT", name="Thị xã Hòa Thành", kind="district", parent_code="TN"))
        create_unit(session, SYSTEM, UnitIn(code="HT-LH", name="Phường Long Hoa", kind="commune", parent_code="HT"))
        cases.intake(session, Operator(tn), CaseIn.model_validate({
            "kind": "complaint", "channel": "in_person", "received_unit": "HT-LH", "subject": "Khiếu nại", "content": "Nội dung",
            "received_at": dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC), "petitioners": [{"full_name": "Nguyễn Văn An"}]}))
    db.engine.dispose()
    return url


def run(url: str, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, [*args, "--database-url", url])


def test_tracker_metrics_prints_the_json_document(url):
    result = run(url, "metrics", "--unit", "HT", "--from", "2026-01-01", "--to", "2026-03-31")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert (document["unit"], document["cases"]["received"], document["by_unit"][1]["unit"]) == ("HT", 1, "HT-LH")
    own = json.loads(run(url, "metrics", "--unit", "HT", "--period", "2026-Q1", "--no-subunits").output)
    assert own["cases"]["received"] == 0 and own["from"] == "2026-01-01"


def test_tracker_metrics_opens_a_count_as_its_records(url):
    result = run(url, "metrics", "--unit", "HT", "--period", "2026-Q1", "--drilldown", "cases.open", "--row", "HT-LH")
    assert result.exit_code == 0, result.output
    assert [item["kind"] for item in json.loads(result.output)["items"]] == ["complaint"]


def test_tracker_report_writes_the_form_where_asked_or_under_its_own_name(url, tmp_path, monkeypatch):
    target = tmp_path / "xld.xlsx"
    result = run(url, "report", "--unit", "HT", "--period", "2026-H1", "--form", "02/XLD", "--format", "xlsx", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert "02/XLD:2025" in result.output and "15/12/2025-14/06/2026" in result.output
    assert load_workbook(target).active["A2"].value == "TỔNG HỢP KẾT QUẢ XỬ LÝ ĐƠN"
    monkeypatch.chdir(tmp_path)
    assert run(url, "report", "--unit", "HT", "--period", "2026-H1", "--form", "figures", "--format", "csv").exit_code == 0
    assert (tmp_path / "HT_figures_2026-H1.csv").read_bytes().startswith("\ufeffMã đơn vị".encode())


@pytest.mark.parametrize("args", [
    ["metrics", "--unit", "NOPE", "--period", "2026"],
    ["metrics", "--unit", "HT", "--from", "2026-13-01", "--to", "2026-12-31"],
    ["metrics", "--unit", "HT"],
    ["metrics", "--unit", "HT", "--period", "2026-Q1", "--drilldown", "cases.resolution_rate"],
    ["report", "--unit", "HT", "--period", "2026-H7", "--form", "01/XLD"],
    ["report", "--unit", "HT", "--period", "2026-H1", "--form", "09/XLD"],
    ["report", "--unit", "HT", "--period", "2026-H1", "--form", "01/XLD"],  # superseded: a version must be named
    ["report", "--unit", "HT", "--period", "2026-H1", "--form", "01/XLD", "--format", "pdf"],
    ["report", "--unit", "HT", "--period", "2026-H1", "--form", "01/XLD", "--output", "/no/such/folder/x.xlsx"],
    ["periods", "set", "HT", "Q1", "12-15", "03-14"],
    ["periods", "set", "TN", "Q1", "13-15", "03-14"],
])
def test_refused_input_prints_a_message_and_exits_1_without_a_traceback(url, args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(url, *args)
    assert result.exit_code == 1 and result.output.startswith("Error: "), result.output
    assert "Traceback" not in result.output and not list(Path(tmp_path).iterdir())


def test_tracker_periods_sets_shows_and_resets_a_provinces_presets(url):
    assert run(url, "periods", "set", "TN", "Q1", "10-15", "01-14").exit_code == 0
    assert "Q1\t10-15 -> 01-14" in run(url, "periods", "show", "TN").output
    q1 = json.loads(run(url, "metrics", "--unit", "HT", "--period", "official:2026-Q1").output)
    assert (q1["from"], q1["to"]) == ("2025-10-15", "2026-01-14")
    assert run(url, "periods", "reset", "TN").exit_code == 0
    assert "Q1\t12-15 -> 03-14" in run(url, "periods", "show", "TN").output
