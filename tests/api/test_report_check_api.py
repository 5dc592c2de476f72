"""GET /api/v1/reports/check: the forms in force for a period, checked row by row, inside the
caller's area only."""
from __future__ import annotations

import datetime as dt

from tests.api.conftest import is_error_body


def test_report_check_answers_the_forms_checked_and_no_findings_for_consistent_records(steps, person, call):
    steps.complaint("accepted")
    answer = call(person("leader"), "GET", "/api/v1/reports/check?unit=HT&period=2026-Q1")
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert (body["from"], body["to"], body["ok"], body["findings"]) == ("2025-12-15", "2026-03-14", True, [])
    assert body["forms"] == ["01/TCD:2025", "02/XLD:2025", "03/GQKN:2025", "04/GQTC:2025", "05/KQTH:2025", "06/QLKNTC:2025"]


def test_report_check_is_refused_outside_the_area_and_for_a_bad_period(person, call):
    assert call(person("leader"), "GET", "/api/v1/reports/check?unit=BT&period=2026-Q1").status_code == 403
    bad = call(person("leader"), "GET", "/api/v1/reports/check?unit=HT&period=2026-Q9")
    assert bad.status_code == 400 and is_error_body(bad.get_json())


def test_a_leader_sends_a_units_report_and_the_province_sees_its_calendar_and_consolidated_form(person, call, clock_at):
    clock_at(dt.date(2026, 3, 16))
    sent = call(person("leader", unit="HT"), "POST", "/api/v1/reports/submissions", json={"unit": "HT", "period": "2026-Q1"})
    assert sent.status_code == 201, sent.get_json()
    assert sent.get_json()["forms"][1] == "02/XLD:2025"
    assert call(person("leader", unit="HT"), "POST", "/api/v1/reports/submissions",
                json={"unit": "HT", "period": "2026-Q1"}).status_code == 409
    assert call(person("reception"), "POST", "/api/v1/reports/submissions",
                json={"unit": "HT", "period": "2026-Q1"}).status_code == 403
    province = person("leader", unit="TN")
    body = call(province, "GET", "/api/v1/reports/calendar?province=TN&period=2026-Q1").get_json()
    assert (body["units_due_on"], body["province_due_on"]) == ("2026-03-17", "2026-03-20")
    assert {u["unit"]: u["status"] for u in body["units"]}["HT"] == "submitted" and "HT" not in body["missing"]
    sheet = call(province, "GET", "/api/v1/reports/consolidated?province=TN&period=2026-Q1&form=02/XLD&format=csv")
    assert sheet.status_code == 200 and "chưa gửi báo cáo" in sheet.data.decode("utf-8-sig")
    assert call(province, "GET", "/api/v1/reports/calendar?province=HT&period=2026-Q1").status_code == 400
