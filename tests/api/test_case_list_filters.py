"""The JSON list takes the queue's filters and order (API.md, second release): open only,
several states, due_before, sort; an unknown parameter is a 400, never silently ignored.
The metrics document takes a period token like the reports."""
from __future__ import annotations

import pytest

from tests.api.conftest import is_error_body


@pytest.fixture()
def made(steps, person):
    return {"received": steps.complaint(), "accepted": steps.complaint("accepted"), "resolved": steps.complaint("resolved"),
            "verifying": steps.complaint("verifying")}


def ids(call, person, query):
    answer = call(person("admin"), "GET", f"/api/v1/cases?{query}")
    assert answer.status_code == 200, answer.get_json()
    return [item["id"] for item in answer.get_json()["items"]]


def test_several_states_are_any_of_them(made, call, person):
    assert set(ids(call, person, "state=accepted,verifying")) == {made["accepted"].id, made["verifying"].id}


def test_open_keeps_the_cases_not_yet_final_and_due_before_bounds_the_due_date(made, steps, call, person):
    closed = steps.fire(made["resolved"], "close")
    assert closed.id not in ids(call, person, "open=true") and closed.id in ids(call, person, "open=false")
    bound = made["received"].due_on.isoformat()
    assert set(ids(call, person, f"due_before={bound}&open=true")) == {made["received"].id}


def test_the_default_order_is_urgency_and_sort_can_ask_for_another(made, call, person):
    by_urgency = ids(call, person, "open=true")
    assert by_urgency[0] == made["received"].id  # its processing period ends first
    newest = ids(call, person, "sort=-received_at")
    assert newest == sorted(newest, reverse=True)  # made one after another


@pytest.mark.parametrize("query", ["stat=accepted", "kind=complaint&overdue_only=true", "sort=priority",
                                   "state=accepted,nonsense", "open=yes", "due_before=10/03/2026"])
def test_an_unknown_or_malformed_parameter_is_a_400(query, call, person):
    answer = call(person("admin"), "GET", f"/api/v1/cases?{query}")
    assert answer.status_code == 400 and is_error_body(answer.get_json(), "invalid_query")


def test_metrics_take_a_period_token_and_give_the_same_figures_as_its_dates(steps, call, person):
    steps.complaint()
    by_dates = call(person("leader"), "GET", "/api/v1/metrics?unit=HT&from=2026-01-01&to=2026-12-31")
    by_token = call(person("leader"), "GET", "/api/v1/metrics?unit=HT&period=2026")
    assert by_token.status_code == 200 and by_token.get_json() == by_dates.get_json()
    quarter = call(person("leader"), "GET", "/api/v1/metrics?unit=HT&period=2026-Q3").get_json()
    assert (quarter["from"], quarter["to"]) == ("2026-07-01", "2026-09-30")
