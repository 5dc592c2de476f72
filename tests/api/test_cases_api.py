"""Cases over the API: idempotent intake, lists with filters and pages, the case page,
transitions carrying `effective_on`, and the public tracking lookup."""
from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlalchemy import func, select

from tests.api.conftest import TODAY, is_error_body
from tracker import clock
from tracker.models import Case, IdempotencyKey
from tracker.schemas import CaseIn
from tracker.services import cases as case_services
from tracker.services.common import new_tracking_code

GOOD = {"kind": "complaint", "channel": "in_person", "received_unit": "HT", "subject": "Khiếu nại thu hồi đất",
        "content": "Đề nghị xem xét lại", "petitioners": [{"full_name": "Nguyễn Văn An", "id_number": "079090001111"}]}


def case_count(session):
    return session.scalar(select(func.count(Case.id)))


# -- idempotency ----------------------------------------------------------------------------------

def test_a_retried_intake_with_the_same_key_returns_the_first_case(call, person, session):
    clerk = person("reception")
    first = call(clerk, "POST", "/api/v1/cases", json=GOOD, headers={"Idempotency-Key": "desk-1-0001"})
    again = call(clerk, "POST", "/api/v1/cases", json=GOOD, headers={"Idempotency-Key": "desk-1-0001"})
    assert first.status_code == 201 and again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["id"] == first.get_json()["id"]
    assert case_count(session) == 1


def test_the_same_key_with_another_body_is_a_409(call, person, session):
    clerk = person("reception")
    call(clerk, "POST", "/api/v1/cases", json=GOOD, headers={"Idempotency-Key": "k1"})
    other = call(clerk, "POST", "/api/v1/cases", json={**GOOD, "subject": "Khác"}, headers={"Idempotency-Key": "k1"})
    assert other.status_code == 409 and is_error_body(other.get_json(), "idempotency_key_reused")
    assert case_count(session) == 1


def test_keys_are_per_user(call, person, make_user, units, session):
    first = call(person("reception"), "POST", "/api/v1/cases", json=GOOD, headers={"Idempotency-Key": "shared"})
    second = call(person("admin"), "POST", "/api/v1/cases", json=GOOD, headers={"Idempotency-Key": "shared"})
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.get_json()["id"] != second.get_json()["id"]


def test_without_a_key_every_post_is_a_new_case(call, person, session):
    for _ in range(2):
        assert call(person("reception"), "POST", "/api/v1/cases", json=GOOD).status_code == 201
    assert case_count(session) == 2


def test_a_refused_intake_does_not_burn_the_key(call, person, session):
    clerk = person("reception")
    refused = call(clerk, "POST", "/api/v1/cases", json={**GOOD, "received_unit": "BT"}, headers={"Idempotency-Key": "k2"})
    assert refused.status_code == 403
    assert session.scalar(select(func.count(IdempotencyKey.id))) == 0
    assert call(clerk, "POST", "/api/v1/cases", json=GOOD, headers={"Idempotency-Key": "k2"}).status_code == 201


def test_a_key_inserted_by_a_concurrent_request_wins_and_ours_is_undone(session, person, monkeypatch):
    """Two requests with one key race: the loser's insert hits the unique index, its case is
    rolled back with its savepoint, and it answers with the winner's case."""
    clerk = person("reception").user
    data = CaseIn.model_validate(GOOD)
    winner, created = case_services.intake_once(session, clerk, data, "race")
    assert created
    lookups = itertools.count()
    real = case_services.stored_idempotency_key

    def late_lookup(*args):  # the first lookup ran before the winner committed
        return None if next(lookups) == 0 else real(*args)

    monkeypatch.setattr(case_services, "stored_idempotency_key", late_lookup)
    loser, created = case_services.intake_once(session, clerk, data, "race")
    assert not created and loser.id == winner.id
    assert case_count(session) == 1


# -- lists ---------------------------------------------------------------------------------------

def test_lists_page_and_count(steps, call, person):
    for _ in range(5):
        steps.complaint()
    page = call(person("admin"), "GET", "/api/v1/cases?per_page=2&page=2").get_json()
    assert (page["total"], page["page"], page["per_page"], len(page["items"])) == (5, 2, 2, 2)
    last = call(person("admin"), "GET", "/api/v1/cases?per_page=2&page=3").get_json()
    assert len(last["items"]) == 1
    beyond = call(person("admin"), "GET", "/api/v1/cases?per_page=2&page=9").get_json()
    assert beyond["items"] == [] and beyond["total"] == 5


@pytest.mark.parametrize(("query", "expected"), [
    ("kind=complaint", {"complaint-received", "complaint-accepted"}),
    ("kind=feedback", {"feedback"}),
    ("state=accepted", {"complaint-accepted"}),
    ("unit=HT-TNMT", {"complaint-accepted"}),
    ("overdue=false", {"complaint-received", "complaint-accepted", "feedback"}),
    ("overdue=true", set()),
    ("q=den duong", {"feedback"}),
])
def test_list_filters(query, expected, steps, call, person):
    made = {"complaint-received": steps.complaint(), "complaint-accepted": steps.complaint("accepted"),
            "feedback": steps.intake(person("reception").user, kind="feedback", received_unit="HT", petitioners=[],
                                     subject="Đèn đường hỏng", received_at=clock.now())}
    ids = {item["id"] for item in call(person("admin"), "GET", f"/api/v1/cases?{query}").get_json()["items"]}
    assert ids == {made[name].id for name in expected}


def test_a_filter_on_an_unknown_unit_is_a_422(call, person):
    response = call(person("admin"), "GET", "/api/v1/cases?unit=NOPE")
    assert response.status_code == 422 and is_error_body(response.get_json(), "unknown_unit")


def test_lists_stay_inside_the_jurisdiction(steps, call, person):
    steps.complaint()
    assert call(person("reception", "outside"), "GET", "/api/v1/cases").get_json()["total"] == 0
    assert call(person("reception", "outside"), "GET", "/api/v1/cases?unit=HT").get_json()["total"] == 0


def test_units_list_the_callers_area_with_parent_codes(call, person):
    items = call(person("admin"), "GET", "/api/v1/units").get_json()["items"]
    by_code = {u["code"]: u for u in items}
    assert set(by_code) == {"HT", "HT-LH", "HT-TNMT", "HT-MT", "LH-TTND"}
    assert by_code["HT-LH"]["parent_code"] == "HT" and by_code["HT"]["parent_code"] == "TN"


def test_a_board_lists_the_units_it_watches(call, person):
    items = call(person("supervisor", unit="LH-TTND"), "GET", "/api/v1/units").get_json()["items"]
    assert {u["code"] for u in items} == {"HT-LH", "LH-TTND"}


def test_an_admin_adds_a_unit_and_a_duplicate_is_a_409(call, person):
    body = {"code": "HT-P2", "name": "Phường 2", "kind": "commune", "parent_code": "HT"}
    assert call(person("admin"), "POST", "/api/v1/units", json=body).status_code == 201
    duplicate = call(person("admin"), "POST", "/api/v1/units", json=body)
    assert duplicate.status_code == 409 and is_error_body(duplicate.get_json(), "duplicate")
    wrong = call(person("admin"), "POST", "/api/v1/units", json={**body, "code": "HT-P3", "kind": "province"})
    assert wrong.status_code == 422


# -- the case page and transitions ------------------------------------------------------------------

def test_the_case_page_shows_history_and_available_triggers(steps, call, person):
    case = steps.complaint("accepted")
    page = call(person("agency"), "GET", f"/api/v1/cases/{case.id}").get_json()
    assert [h["trigger"] for h in page["history"]] == ["intake", "accept"]
    assert {"at", "effective_on", "trigger", "from_state", "to_state", "actor", "note"} <= set(page["history"][-1])
    assert "resolve" in page["available_triggers"]
    assert page["due_at"].startswith(page["due_on"]) and page["due_at"].endswith("+07:00")


def test_effective_on_is_carried_to_the_history(steps, call, person):
    case = steps.intake(person("reception").user, received_unit="HT", received_at=clock.now() - dt.timedelta(days=3))
    day = TODAY - dt.timedelta(days=1)
    moved = call(person("admin"), "POST", f"/api/v1/cases/{case.id}/transitions",
                 json={"trigger": "accept", "version": 1, "effective_on": day.isoformat(), "data": {"unit": "HT-TNMT"}})
    assert moved.status_code == 200 and moved.get_json()["accepted_on"] == day.isoformat()
    history = call(person("admin"), "GET", f"/api/v1/cases/{case.id}").get_json()["history"]
    assert history[-1]["effective_on"] == day.isoformat()


def test_the_workflows_are_published_from_the_definitions(call, person):
    items = call(person("leader"), "GET", "/api/v1/workflows").get_json()["items"]
    complaint = next(w for w in items if w["kind"] == "complaint")
    accept = next(t for t in complaint["triggers"] if t["name"] == "accept")
    assert accept["roles"] == {"reception": "area", "leader": "area"}
    assert {f["name"] for f in accept["fields"]} == {"unit", "complex", "remote", "reason"}


# -- public tracking -----------------------------------------------------------------------------

def test_tracking_by_code_answers_kind_state_and_dates(steps, client):
    case = steps.complaint("accepted")
    body = client.get(f"/api/v1/track/{case.tracking_code.lower()}").get_json()
    assert body["state"] == "accepted" and body["kind"] == "complaint" and body["state_label_en"] == "Accepted"
    assert body["received_on"] == case.received_on.isoformat() and body["due_on"] == case.due_on.isoformat()
    page = client.get(f"/track/{case.tracking_code}")
    assert page.status_code == 200 and "Đã thụ lý" in page.get_data(as_text=True)


@pytest.mark.parametrize("code", ["AAAA-BBBB-CCCC", "not-a-code", "' OR 1=1 --", "x" * 40])
def test_an_unknown_tracking_code_is_a_404_like_any_other_miss(code, client):
    response = client.get(f"/api/v1/track/{code}")
    assert response.status_code == 404
    assert response.get_json() == {"error": {"code": "not_found", "details": {},
                                             "message": "Không tìm thấy mã tra cứu / no case with that tracking code"}}
    page = client.get(f"/track/{code}", headers={"Accept": "text/html"})
    assert page.status_code == 404 and "<html" in page.get_data(as_text=True)


def test_tracking_codes_cannot_be_guessed_from_one_another():
    codes = [new_tracking_code() for _ in range(300)]
    assert len(set(codes)) == 300
    # No shared structure between neighbours: no common 6-character prefix, no counter.
    assert len({c[:7] for c in codes}) == 300
    assert codes != sorted(codes)


def test_the_public_lookup_is_rate_limited_per_address(app, steps):
    app.config["TRACK_RATE_LIMIT"] = "3 per minute"
    case = steps.complaint()
    client = app.test_client()
    answers = [client.get(f"/api/v1/track/{case.tracking_code}").status_code for _ in range(3)]
    answers.append(client.get(f"/track/{case.tracking_code}").status_code)
    over = client.get(f"/api/v1/track/{case.tracking_code}")
    assert answers == [200, 200, 200, 429]
    assert over.status_code == 429 and is_error_body(over.get_json(), "rate_limited") and "Retry-After" in over.headers
    other = client.get(f"/api/v1/track/{case.tracking_code}", environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert other.status_code == 200
