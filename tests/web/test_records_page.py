"""The records behind a count, as people read them: numbered rows, units by name, days late
filled in, the latest first, each tracking code opening its case; the Excel and CSV downloads
carry the same columns, with text a spreadsheet could run made inert."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re

import openpyxl
import pytest

from tests.web.test_pages import sign_in

VN = dt.timezone(dt.timedelta(hours=7))
LINK = "/dashboard/records?unit=HT&figure=cases.received&from=2026-01-01&to=2026-12-31&subunits=true&row="


@pytest.fixture()
def late_cases(clerk, intake, clock_at):
    """Three complaints received in March, April and May, none processed; today is 1 July 2026."""
    made = [intake(clerk, received_at=dt.datetime(2026, month, 2, 8, 0, tzinfo=VN), subject=f"Khiếu nại tháng {month}")
            for month in (4, 3, 5)]
    made.append(intake(clerk, kind="feedback", subject="=HYPERLINK(\"http://x\",\"Xem\")",
                       received_at=dt.datetime(2026, 6, 29, 8, 0, tzinfo=VN)))
    clock_at(dt.date(2026, 7, 1))
    return made


def _cells(row_html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row_html, re.S)]


def test_records_are_numbered_by_unit_name_and_sorted_by_days_late(client, clerk, late_cases):
    sign_in(client, clerk.username)
    page = client.get(LINK).get_data(as_text=True)
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = [_cells(r) for r in re.findall(r"<tr>(.*?)</tr>", body, re.S)]
    assert [r[0] for r in rows] == ["1", "2", "3", "4"]
    march, april, may, feedback = late_cases[1], late_cases[0], late_cases[2], late_cases[3]
    assert [r[1] for r in rows] == [march.tracking_code, april.tracking_code, may.tracking_code, feedback.tracking_code]
    late = [int(r[8]) for r in rows]
    assert late[0] > late[1] > late[2] > 0 and late[3] == 0
    assert late[0] == (dt.date(2026, 7, 1) - march.due_on).days
    assert all(r[4] == "Thị xã Hòa Thành" for r in rows)  # the unit's name, not its code
    assert f"href=\"/cases/{march.id}\">{march.tracking_code}</a>" in body  # the code opens the case


def test_the_downloads_carry_the_pages_columns_and_rows(client, clerk, late_cases):
    sign_in(client, clerk.username)
    page = client.get(LINK).get_data(as_text=True)
    headings = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", page, re.S)]
    excel = client.get(LINK.replace("/dashboard/records?", "/dashboard/records.xlsx?"))
    assert excel.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(excel.data)).active
    table = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert list(table[0]) == headings and headings[0] == "STT"
    assert [r[0] for r in table[1:]] == [1, 2, 3, 4]
    assert [r[1] for r in table[1:]] == [late_cases[i].tracking_code for i in (1, 0, 2, 3)]
    assert table[1][4] == "Thị xã Hòa Thành" and table[1][8] > table[2][8] > table[3][8] > table[4][8] == 0
    assert sheet.cell(row=5, column=10).data_type == "s"  # the formula-like subject stays text
    text = client.get(LINK.replace("/dashboard/records?", "/dashboard/records.csv?")).data.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == headings and len(lines) == 5
    assert lines[4][9].startswith("'=HYPERLINK")


def test_the_downloads_speak_the_pages_language(client, clerk, late_cases):
    sign_in(client, clerk.username)
    client.set_cookie("lang", "en")
    text = client.get(LINK.replace("/dashboard/records?", "/dashboard/records.csv?")).data.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    assert header[:2] == ["No.", "Tracking code"] and "Days late" in header


def test_a_download_outside_the_area_or_with_bad_dates_is_refused(client, clerk, late_cases):
    sign_in(client, clerk.username)
    assert client.get(LINK.replace("unit=HT", "unit=BT").replace("records?", "records.xlsx?")).status_code == 403
    assert client.get("/dashboard/records.csv?unit=HT&figure=cases.received&from=x&to=y").status_code == 400
    assert client.get("/dashboard/records.csv?unit=HT&figure=cases.nothing&from=2026-01-01&to=2026-12-31").status_code == 400


@pytest.mark.parametrize(("figure", "expected"), [("dialogues.sessions", ["1", "Thị xã Hòa Thành", "12/04/2026"]),
                                                  ("dialogues.units_with_session", ["1", "Thị xã Hòa Thành", "Huyện, quận"])])
def test_records_other_than_cases_are_numbered_with_unit_names_too(client, session, tree, clerk, make_user, clock_at,
                                                                   figure, expected):
    from tracker.schemas import DialogueIn
    from tracker.services import activity

    clock_at(dt.date(2026, 7, 1))
    leader = make_user("leader", tree["HT"])
    activity.open_dialogue(session, leader, DialogueIn(host_unit="HT", held_on=dt.date(2026, 4, 12), chair="Chủ tịch",
                                                       topic="Đất đai"))
    sign_in(client, leader.username)
    page = client.get(LINK.replace("cases.received", figure)).get_data(as_text=True)
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = [_cells(r) for r in re.findall(r"<tr>(.*?)</tr>", body, re.S)]
    assert len(rows) == 1 and rows[0][:3] == expected
    text = client.get(LINK.replace("cases.received", figure).replace("records?", "records.csv?")).data.decode("utf-8-sig")
    # The same columns; a CSV writes its dates as ISO dates (unambiguous for any spreadsheet).
    row = list(csv.reader(io.StringIO(text)))[1][:3]
    assert row[:2] == expected[:2] and row[2] in (expected[2], "2026-04-12")
