"""Input that is legal in form but extreme gets a clear 4xx or is handled, never a 500:
instants at the edges of the calendar, dates before any rule set, names whose search key
folds longer than the name, and query keys that url_for would read as its own."""
from __future__ import annotations

import pytest

from tests.api.conftest import is_error_body
from tests.web.test_pages import sign_in

BODY = {"kind": "complaint", "channel": "in_person", "received_unit": "HT", "subject": "Khiếu nại thu hồi đất",
        "content": "Đề nghị xem xét lại", "petitioners": [{"full_name": "Nguyễn Văn An"}]}


@pytest.mark.parametrize("received_at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
def test_an_instant_with_no_utc_time_is_refused(call, person, received_at):
    answer = call(person("reception"), "POST", "/api/v1/cases", json={**BODY, "received_at": received_at})
    assert answer.status_code == 422 and is_error_body(answer.get_json(), "unprocessable")
    assert "received_at" in str(answer.get_json()["error"]["details"])


@pytest.mark.parametrize("received_at", ["0001-01-02T00:00:00+07:00", "1990-06-01T08:00:00+07:00"])
def test_a_date_before_any_rule_set_is_refused_cleanly(call, person, received_at):
    answer = call(person("reception"), "POST", "/api/v1/cases", json={**BODY, "received_at": received_at})
    assert 400 <= answer.status_code < 500 and is_error_body(answer.get_json())


def test_a_name_whose_search_key_folds_longer_than_the_column_is_stored_and_found(call, person):
    name = "한" * 255  # each syllable folds to two or three letters
    subject = "갈등" * 250
    created = call(person("reception"), "POST", "/api/v1/cases",
                   json={**BODY, "subject": subject, "petitioners": [{"full_name": name}]})
    assert created.status_code == 201, created.get_json()
    found = call(person("reception"), "GET", "/api/v1/cases", query_string={"q": "한한"})
    assert found.status_code == 200 and [c["id"] for c in found.get_json()["items"]] == [created.get_json()["id"]]


@pytest.mark.parametrize("extra", ["_method=POST", "endpoint=x", "_external=1", "_scheme=javascript", "_anchor=x", "page=2&_external=1"])
def test_the_records_page_never_passes_foreign_query_keys_to_its_links(client, clerk, extra):
    client.environ_base["HTTP_HOST"] = "evil.example"  # the Host header an attacker chose
    sign_in(client, clerk.username)
    answer = client.get(f"/dashboard/records?unit=HT&from=2026-01-01&to=2026-12-31&figure=cases.received&{extra}")
    assert answer.status_code == 200
    assert "evil.example" not in answer.get_data(as_text=True)
