"""GET /api/v1/metrics and what hangs off it: definitions, drill-down, exports and the periodic
reports (API.md "Metrics"; DOMAIN.md §7-§8). The figures themselves are checked in tests/metrics;
here the HTTP contract, the jurisdiction and the confidentiality of what the files hold."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.api.conftest import DENOUNCER, TODAY, is_error_body
from tracker.metrics.results import group_fields
from tracker.services import metrics as metrics_service

YEAR = f"from={TODAY.year}-01-01&to={TODAY.year}-12-31"


@pytest.fixture()
def world(steps):
    """Two complaints (one accepted), a denunciation, an opinion settled on the spot and one
    assigned, and an answered recommendation: all in Hòa Thành, this year."""
    return {"received": steps.complaint(), "accepted": steps.complaint("accepted"), "denunciation": steps.denunciation(),
            "settled": steps.opinion(), "assigned": steps.opinion("assigned"), "recommendation": steps.recommendation("answered")}


def test_the_metrics_document_has_every_figure_of_api_md_and_matches_the_service(world, person, call, session):
    leader = person("leader")
    answer = call(leader, "GET", f"/api/v1/metrics?unit=HT&{YEAR}&subunits=true")
    body = answer.get_json()
    assert answer.status_code == 200
    assert (body["unit"], body["from"], body["to"], body["subunits"]) == ("HT", f"{TODAY.year}-01-01", f"{TODAY.year}-12-31", True)
    for group in ("cases", "dialogues", "supervisions"):
        assert set(body[group]) == set(group_fields(group))
    assert (body["cases"]["received"], body["cases"]["accepted"]) == (3, 2)
    assert (body["dialogues"]["opinions"], body["dialogues"]["settled_on_spot"], body["dialogues"]["settled_on_spot_share"]) == (2, 1, 0.5)
    assert (body["supervisions"]["recommendations"], body["supervisions"]["answered"], body["supervisions"]["answer_rate"]) == (1, 1, 1.0)
    rows = body["by_unit"]
    assert rows[0]["unit"] == "HT" and rows[0]["own"] is True
    assert sum(r["cases"]["received"] for r in rows) == body["cases"]["received"]


def test_an_empty_period_gives_zero_counts_and_null_shares(world, person, call):
    body = call(person("leader"), "GET", "/api/v1/metrics?unit=HT&from=2001-01-01&to=2001-12-31").get_json()
    assert body["cases"]["received"] == 0 and body["cases"]["resolution_rate"] is None
    assert body["dialogues"]["settled_on_spot_share"] is None and body["supervisions"]["answer_rate"] is None


@pytest.mark.parametrize(("query", "status"), [
    ("unit=BT&from=2026-01-01&to=2026-12-31", 403),  # outside the caller's area
    ("unit=NOWHERE&from=2026-01-01&to=2026-12-31", 422),
    ("unit=HT&from=2026-12-31&to=2026-01-01", 422),  # a period that ends before it starts
    ("unit=HT&from=31/12/2026&to=2026-12-31", 400),
    ("unit=HT&from=2026-01-01", 422),  # half a period: give `to` too, or a `period`
    ("unit=HT&period=2026-Q3&from=2026-01-01", 422),  # a period two ways
    ("unit=HT&period=2026-Q5", 400),
    ("unit=HT&period=2026-02-30..2026-03-01", 422),  # the shape of a period that names none
    ("unit=HT&from=2026-01-01&to=2026-12-31&subunits=maybe", 400),
])
def test_bad_metrics_requests_get_a_clear_error(person, call, query, status):
    answer = call(person("leader"), "GET", f"/api/v1/metrics?{query}")
    assert answer.status_code == status and is_error_body(answer.get_json())


def test_metrics_need_a_signed_in_user(call):
    assert call(None, "GET", f"/api/v1/metrics?unit=HT&{YEAR}").status_code == 401


def test_every_figure_is_defined_in_vietnamese_and_english(person, call):
    items = call(person("agency"), "GET", "/api/v1/metrics/definitions").get_json()["items"]
    assert {f"{i['group']}.{i['figure']}" for i in items} == {f.path for f in metrics_service.definitions()}
    assert all(i["definition"]["vi"] and i["definition"]["en"] for i in items)


def test_a_drilldown_lists_exactly_the_cases_behind_the_count(world, person, call):
    leader = person("leader")
    answer = call(leader, "GET", f"/api/v1/metrics/drilldown?unit=HT&{YEAR}&figure=cases.accepted")
    body = answer.get_json()
    assert answer.status_code == 200 and body["total"] == 2
    assert {item["id"] for item in body["items"]} == {world["accepted"].id, world["denunciation"].id}


def test_a_share_is_opened_through_its_numerator_or_denominator(person, call):
    answer = call(person("leader"), "GET", f"/api/v1/metrics/drilldown?unit=HT&{YEAR}&figure=cases.resolution_rate")
    assert answer.status_code == 400 and is_error_body(answer.get_json())


def test_drilldowns_and_exports_never_carry_a_denouncers_identity(world, person, call):
    admin = person("admin")
    page = call(admin, "GET", f"/api/v1/metrics/drilldown?unit=HT&{YEAR}&figure=cases.received&per_page=200").get_data(as_text=True)
    exported = call(admin, "GET", f"/api/v1/metrics/drilldown/export?unit=HT&{YEAR}&figure=cases.received&format=csv")
    text = exported.data.decode("utf-8-sig")
    assert exported.status_code == 200 and len(list(csv.reader(io.StringIO(text)))) == 1 + 3
    for leaked in (*DENOUNCER.values(), "Tố cáo cán bộ địa chính"):
        assert leaked not in page and leaked not in text


def test_a_drilldown_export_as_a_workbook_has_one_row_per_record(world, person, call):
    answer = call(person("leader"), "GET", f"/api/v1/metrics/drilldown/export?unit=HT&{YEAR}&figure=dialogues.opinions&format=xlsx")
    assert answer.status_code == 200 and answer.headers["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(answer.data), read_only=True).worksheets[0]
    assert len(list(sheet.iter_rows(values_only=True))) == 1 + 2


@pytest.mark.parametrize("form", ["01/TCD", "01/XLD", "01/XLD:2021", "01/KQGQ", "03/KQGQ", "figures"])
def test_a_report_downloads_as_the_workbook_of_its_form(world, person, call, form):
    answer = call(person("leader"), "GET", f"/api/v1/reports?unit=HT&period={TODAY.year}&form={form}&format=xlsx")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(answer.data), read_only=True).worksheets[0]
    cells = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert any("Hòa Thành" in c for c in cells) and not any(v in c for c in cells for v in DENOUNCER.values())


def test_a_report_also_comes_as_csv(world, person, call):
    answer = call(person("leader"), "GET", f"/api/v1/reports?unit=HT&period={TODAY.year}&form=figures&format=csv")
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/csv")
    assert answer.data.startswith(b"\xef\xbb\xbf")  # Excel opens UTF-8 Vietnamese correctly with a BOM


@pytest.mark.parametrize(("query", "status"), [
    ("unit=HT&period=2026-H3&form=01/XLD", 400),  # not the shape of a period
    ("unit=HT&period=2026-02-30..2026-03-31&form=01/XLD", 422),  # the shape, but no such day
    ("unit=HT&period=2026&form=02/XLD", 400),
    ("unit=HT&period=2026&form=01/XLD&format=pdf", 400),
    ("unit=BT&period=2026&form=01/XLD", 403),
])
def test_bad_report_requests_get_a_clear_error(person, call, query, status):
    answer = call(person("leader"), "GET", f"/api/v1/reports?{query}")
    assert answer.status_code == status and is_error_body(answer.get_json())


def test_the_forms_offered_are_the_official_ones_and_the_trackers_figures(person, call):
    assert call(person("reception"), "GET", "/api/v1/reports/forms").get_json()["items"] == [
        "01/KQGQ", "01/TCD", "01/XLD", "03/KQGQ", "figures"]
