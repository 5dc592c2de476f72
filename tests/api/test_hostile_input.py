"""Hostile and careless input: malformed JSON, wrong types, huge bodies, unknown fields, bad
dates, control characters, SQL and HTML in text, mixed NFC/NFD Vietnamese. Malformed input
is a 400 (too large: 413) with the error body, and changes nothing; text that is merely
unusual (SQL, HTML) is stored as plain text and never executed or rendered."""
from __future__ import annotations

import json
import unicodedata

import pytest
from sqlalchemy import func, select

from tests.api.conftest import is_error_body
from tracker.models import Case, HistoryEntry, IdempotencyKey, Unit

GOOD = {"kind": "complaint", "channel": "in_person", "received_unit": "HT", "subject": "Khiếu nại thu hồi đất",
        "content": "Đề nghị xem xét lại", "petitioners": [{"full_name": "Nguyễn Văn An"}]}


def counts(session):
    return tuple(session.scalar(select(func.count()).select_from(m)) for m in (Case, HistoryEntry, Unit, IdempotencyKey))


def post_raw(call, caller, data, content_type="application/json", path="/api/v1/cases", headers=None):
    return call(caller, "POST", path, data=data, headers={"Content-Type": content_type, **(headers or {})})


BAD_BODIES = {
    "not JSON": ("{kind: complaint", 400, "malformed_json"),
    "truncated": ('{"kind": "complaint"', 400, "malformed_json"),
    "empty": ("", 400, "malformed_json"),
    "NaN": ('{"kind": NaN}', 400, "malformed_json"),
    "deeply nested": ("[" * 100_000 + "]" * 100_000, 400, "malformed_json"),
    "a list, not an object": (json.dumps([GOOD]), 400, "invalid_input"),
    "unknown field": (json.dumps({**GOOD, "is_admin": True}), 400, "invalid_input"),
    "wrong type (number as string)": (json.dumps({**GOOD, "crowd_size": "7"}), 400, "invalid_input"),
    "wrong type (bool as string)": (json.dumps({**GOOD, "anonymous": "false"}), 400, "invalid_input"),
    "wrong type (object for text)": (json.dumps({**GOOD, "subject": {"$ne": ""}}), 400, "invalid_input"),
    "unknown kind": (json.dumps({**GOOD, "kind": "complaint' OR '1'='1"}), 400, "invalid_input"),
    "bad date": (json.dumps({**GOOD, "received_at": "2026-02-30T08:00:00+07:00"}), 400, "invalid_input"),
    "date without offset": (json.dumps({**GOOD, "received_at": "2026-03-02T08:00:00"}), 400, "invalid_input"),
    "date as number": (json.dumps({**GOOD, "received_at": 1767225600}), 400, "invalid_input"),
    "subject too long": (json.dumps({**GOOD, "subject": "x" * 501}), 400, "invalid_input"),
    "blank subject": (json.dumps({**GOOD, "subject": "   "}), 400, "invalid_input"),
    "NUL in text": (json.dumps({**GOOD, "content": "a\u0000b"}), 400, "invalid_characters"),
    "control character in a key": (json.dumps({**GOOD, "x\u0007": 1}), 400, "invalid_characters"),
    "lone surrogate": ('{"kind": "complaint", "subject": "\\ud800"}', 400, "invalid_characters"),
    "id beyond 32 bits": (json.dumps({**GOOD, "visit_id": 2**63}), 400, "invalid_input"),
    "SQL in a unit code": (json.dumps({**GOOD, "received_unit": "HT'; DROP TABLE cases;--"}), 400, "invalid_input"),
}


@pytest.mark.parametrize("name", BAD_BODIES)
def test_malformed_bodies_get_a_400_with_the_error_body_and_change_nothing(name, call, person, session):
    data, status, code = BAD_BODIES[name]
    clerk = person("reception")
    before = counts(session)
    response = post_raw(call, clerk, data, headers={"Idempotency-Key": f"k-{len(name)}"})
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert is_error_body(response.get_json(), code)
    assert counts(session) == before


def test_a_body_over_the_limit_is_a_413_with_the_error_body(call, person, session):
    before = counts(session)
    response = post_raw(call, person("reception"), json.dumps({**GOOD, "content": "x" * (1024 * 1024 + 1)}))
    assert response.status_code == 413 and is_error_body(response.get_json(), "too_large")
    assert counts(session) == before


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"])
def test_a_body_that_is_not_declared_json_is_refused(content_type, call, person, session):
    before = counts(session)
    response = post_raw(call, person("reception"), json.dumps(GOOD), content_type=content_type)
    assert response.status_code == 400 and is_error_body(response.get_json(), "bad_content_type")
    assert counts(session) == before


def test_a_rule_across_fields_is_a_422_not_a_400(call, person, session):
    before = counts(session)
    response = call(person("reception"), "POST", "/api/v1/cases", json={**GOOD, "petitioners": []})
    assert response.status_code == 422 and is_error_body(response.get_json(), "unprocessable")
    assert "(body)" in response.get_json()["error"]["details"]["fields"]
    assert counts(session) == before


def test_the_error_names_the_field_but_never_echoes_the_input(call, person):
    response = call(person("reception"), "POST", "/api/v1/cases", json={**GOOD, "crowd_size": "0909123456"})
    body = response.get_json()
    assert "crowd_size" in body["error"]["details"]["fields"]
    assert "0909123456" not in response.get_data(as_text=True)


@pytest.mark.parametrize("text", [
    "Robert'); DROP TABLE cases;--",
    "' OR 1=1 --",
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
])
def test_sql_and_html_in_text_are_kept_as_plain_text(text, call, person, client, session):
    response = call(person("reception"), "POST", "/api/v1/cases", json={**GOOD, "subject": text, "content": text})
    assert response.status_code == 201
    case_id = response.get_json()["id"]
    page = call(person("admin"), "GET", f"/api/v1/cases/{case_id}")
    assert page.get_json()["subject"] == text and page.mimetype == "application/json"
    assert session.scalar(select(func.count(Case.id))) == 1  # the table is still there, with one case
    tracking = client.get(f"/track/{response.get_json()['tracking_code']}").get_data(as_text=True)
    assert "<script>" not in tracking and "onerror=" not in tracking


def test_a_search_with_sql_matches_only_what_it_says(call, person, steps):
    steps.complaint()
    response = call(person("admin"), "GET", "/api/v1/cases", query_string={"q": "' OR 1=1 --"})
    assert response.status_code == 200 and response.get_json()["total"] == 0


def test_nfd_vietnamese_is_stored_nfc_and_found_both_ways(call, person):
    nfd = unicodedata.normalize("NFD", "Khiếu nại về đền bù")
    assert nfd != unicodedata.normalize("NFC", nfd)
    response = call(person("reception"), "POST", "/api/v1/cases", json={
        **GOOD, "subject": nfd, "petitioners": [{"full_name": unicodedata.normalize("NFD", "Nguyễn Thị Hoà")}]})
    body = response.get_json()
    assert response.status_code == 201 and body["subject"] == unicodedata.normalize("NFC", nfd)
    assert body["petitioners"][0]["full_name"] == unicodedata.normalize("NFC", "Nguyễn Thị Hoà")
    for q in (nfd, unicodedata.normalize("NFC", nfd), "khieu nai ve den bu"):
        assert call(person("reception"), "GET", "/api/v1/cases", query_string={"q": q}).get_json()["total"] == 1


def test_mixed_nfc_and_nfd_retries_are_the_same_request(call, person, session):
    nfc_body = {**GOOD, "subject": "Khiếu nại đền bù"}
    nfd_body = {**GOOD, "subject": unicodedata.normalize("NFD", "Khiếu nại đền bù")}
    first = call(person("reception"), "POST", "/api/v1/cases", json=nfc_body, headers={"Idempotency-Key": "same"})
    again = call(person("reception"), "POST", "/api/v1/cases", json=nfd_body, headers={"Idempotency-Key": "same"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["id"] == again.get_json()["id"]


BAD_QUERIES = {
    "page zero": {"page": "0"},
    "page negative": {"page": "-1"},
    "page not a number": {"page": "two"},
    "page fractional": {"page": "1.5"},
    "per_page too large": {"per_page": "201"},
    "per_page zero": {"per_page": "0"},
    "unknown kind": {"kind": "petition"},
    "unknown state": {"state": "open"},
    "overdue not a boolean": {"overdue": "yes"},
    "unit with SQL": {"unit": "HT' OR '1'='1"},
    "q too long": {"q": "x" * 201},
    "NUL in q": {"q": "a\x00b"},
}


@pytest.mark.parametrize("name", BAD_QUERIES)
def test_bad_list_parameters_get_a_400_with_the_error_body(name, call, person):
    response = call(person("admin"), "GET", "/api/v1/cases", query_string=BAD_QUERIES[name])
    assert response.status_code == 400 and is_error_body(response.get_json())


@pytest.mark.parametrize("path", ["/api/v1/reception-visits?from=2026-13-01", "/api/v1/dialogues?to=01/02/2026",
                                  "/api/v1/dialogue-plans?year=99", "/api/v1/supervisions?per_page=1000"])
def test_bad_activity_list_parameters_get_a_400(path, call, person):
    response = call(person("admin"), "GET", path)
    assert response.status_code == 400 and is_error_body(response.get_json())


@pytest.mark.parametrize("path", ["/api/v1/cases/0", "/api/v1/cases/99999999999999999999", "/api/v1/cases/abc",
                                  "/api/v1/dialogues/-1", "/api/v1/no-such-thing", "/no-such-page"])
def test_paths_that_name_nothing_are_a_404_with_the_error_body(path, call, person):
    response = call(person("admin"), "GET", path)
    assert response.status_code == 404 and is_error_body(response.get_json(), "not_found")


def test_a_wrong_method_is_a_405_with_the_error_body_and_allow_header(call, person):
    response = call(person("admin"), "PUT", "/api/v1/cases")
    assert response.status_code == 405 and is_error_body(response.get_json()) and "GET" in response.headers["Allow"]


@pytest.mark.parametrize("data", [{"unit": ["HT"]}, {"unit": {"code": "HT"}}, {"Unit": "HT"}, {"people_disciplined": 10**40}])
def test_trigger_data_of_the_wrong_shape_is_refused_and_changes_nothing(data, steps, person, call, session):
    case = steps.complaint()
    before = counts(session)
    response = call(person("admin"), "POST", f"/api/v1/cases/{case.id}/transitions",
                    json={"trigger": "accept", "version": case.version, "data": data})
    assert response.status_code in (400, 422) and is_error_body(response.get_json())
    assert counts(session) == before


@pytest.mark.parametrize("body", [
    {"trigger": "accept", "version": 1, "effective_on": "2099-01-01"},
    {"trigger": "no_such_trigger", "version": 1},
    {"trigger": "resolve", "version": 1, "data": {"outcome": "upheld"}},
])
def test_a_trigger_the_domain_refuses_is_a_422_and_changes_nothing(body, steps, person, call, session):
    case = steps.complaint()
    before = counts(session)
    response = call(person("admin"), "POST", f"/api/v1/cases/{case.id}/transitions", json=body)
    assert response.status_code == 422 and is_error_body(response.get_json())
    session.refresh(case)
    assert counts(session) == before and case.version == 1 and case.state == "received"


def test_a_stale_version_is_a_409_and_changes_nothing(steps, person, call, session):
    case = steps.complaint("accepted")
    before = counts(session)
    response = call(person("admin"), "POST", f"/api/v1/cases/{case.id}/transitions", json={"trigger": "resolve", "version": 1})
    assert response.status_code == 409 and is_error_body(response.get_json(), "version_conflict")
    assert response.get_json()["error"]["details"] == {"current_version": 2, "your_version": 1}
    assert counts(session) == before


@pytest.mark.parametrize("key", ["", "x" * 201, "khóa có dấu", "a b"])
def test_a_malformed_idempotency_key_is_a_400(key, call, person, session):
    before = counts(session)
    response = call(person("reception"), "POST", "/api/v1/cases", json=GOOD, headers={"Idempotency-Key": key})
    assert response.status_code == 400 and is_error_body(response.get_json(), "invalid_header")
    assert counts(session) == before
