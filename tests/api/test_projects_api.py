"""Investment projects and the community investment supervision board over the API: record a
project, list and read those of your area, supervise one, and the same recommendation loop."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.api.conftest import is_error_body
from tracker.models import Project, Supervision

GOOD = {"unit": "HT-LH", "name": "Nâng cấp đường Phạm Văn Đồng", "investor": "UBND phường Long Hoa", "investor_unit": "HT-LH",
        "location": "Khu phố Long Bình", "budget_vnd": 4_500_000_000, "started_on": "2026-02-01",
        "planned_completion_on": "2026-12-31"}


@pytest.fixture()
def units(tree, make_unit):
    """The API tree with an investment supervision board in Long Hoa ward and in Ward 1."""
    return {
        **tree,
        "BT-TNMT": make_unit("BT-TNMT", kind="agency", parent=tree["BT"], name="Phòng TNMT quận Bình Thạnh"),
        "LH-GSDT": make_unit("LH-GSDT", kind="investment_board", parent=tree["HT-LH"], name="Ban GSĐTCĐ phường Long Hoa"),
        "P1-GSDT": make_unit("P1-GSDT", kind="investment_board", parent=tree["BT-P1"], name="Ban GSĐTCĐ phường 1"),
    }


def project_count(session):
    return session.scalar(select(func.count(Project.id)))


@pytest.fixture()
def road(call, person):
    response = call(person("leader", unit="HT-LH"), "POST", "/api/v1/projects", json=GOOD)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_commune_records_a_project_and_gets_it_back(road):
    assert {k: road[k] for k in GOOD} == GOOD
    assert (road["unit_name"], road["status"]) == ("Phường Long Hoa", "in_progress")


def test_the_smallest_project_needs_a_unit_a_name_and_an_investor(call, person):
    response = call(person("leader", unit="HT-LH"), "POST", "/api/v1/projects",
                    json={"unit": "HT-LH", "name": "Trường mầm non", "investor": "Ban QLDA thị xã"})
    body = response.get_json()
    assert response.status_code == 201
    assert (body["budget_vnd"], body["started_on"], body["investor_unit"], body["status"]) == (None, None, None, "preparing")


@pytest.mark.parametrize("change, status", [
    ({"budget_vnd": -1}, 400), ({"budget_vnd": "4500000000"}, 400), ({"started_on": "01/02/2026"}, 400),
    ({"name": ""}, 400), ({"contractor": "Công ty A"}, 400),
    ({"planned_completion_on": "2026-01-31"}, 422), ({"unit": "HT"}, 422), ({"unit": "NOPE"}, 422),
    ({"investor_unit": "LH-GSDT"}, 422),
])
def test_bad_project_input_is_refused_and_changes_nothing(change, status, call, person, session):
    response = call(person("admin"), "POST", "/api/v1/projects", json={**GOOD, **change})
    assert response.status_code == status and is_error_body(response.get_json())
    assert project_count(session) == 0


@pytest.mark.parametrize("role, unit", [("leader", "HT"), ("supervisor", "LH-GSDT"), ("reception", "BT-P1"), ("admin", "BT")])
def test_only_the_commune_its_agencies_and_its_administrators_record_its_projects(role, unit, call, person, session):
    response = call(person(role, unit=unit), "POST", "/api/v1/projects", json=GOOD)
    assert response.status_code == 403 and is_error_body(response.get_json())
    assert project_count(session) == 0


def test_a_second_project_of_the_same_name_is_a_409(road, call, person, session):
    response = call(person("admin"), "POST", "/api/v1/projects", json=GOOD)
    assert response.status_code == 409 and is_error_body(response.get_json(), "duplicate")
    assert project_count(session) == 1


def test_a_board_lists_its_communes_projects_and_never_another_communes(road, call, person):
    other = call(person("leader", unit="BT-P1"), "POST", "/api/v1/projects", json={**GOOD, "unit": "BT-P1", "investor_unit": "BT-P1"})
    assert other.status_code == 201
    board = person("supervisor", unit="LH-GSDT")
    listed = call(board, "GET", "/api/v1/projects").get_json()
    assert ([p["id"] for p in listed["items"]], listed["total"]) == ([road["id"]], 1)
    assert call(board, "GET", "/api/v1/projects?unit=HT-LH").get_json()["total"] == 1
    assert call(board, "GET", "/api/v1/projects?unit=BT-P1").get_json()["items"] == []
    hidden = call(board, "GET", f"/api/v1/projects/{other.get_json()['id']}")
    assert hidden.status_code == 404 and is_error_body(hidden.get_json(), "not_found")
    theirs = call(person("supervisor", unit="P1-GSDT"), "GET", "/api/v1/projects").get_json()
    assert [p["id"] for p in theirs["items"]] == [other.get_json()["id"]]


def test_a_board_supervises_a_project_and_the_investor_answers_its_recommendation(road, call, person, session):
    board = person("supervisor", unit="LH-GSDT")
    opened = call(board, "POST", "/api/v1/supervisions", json={
        "board_unit": "LH-GSDT", "subject": "Giám sát chất lượng thi công", "started_on": "2026-03-02",
        "scope": {"project_id": road["id"]}})
    assert opened.status_code == 201, opened.get_json()
    supervision = opened.get_json()
    assert (supervision["board_kind"], supervision["scope_project_id"]) == ("investment_board", road["id"])
    issued = call(board, "POST", f"/api/v1/supervisions/{supervision['id']}/recommendations", json={
        "content": "Đề nghị khắc phục mặt đường bị nứt", "issued_on": "2026-03-05", "due_on": "2026-04-05"})
    assert issued.status_code == 201, issued.get_json()
    recommendation = issued.get_json()
    assert (recommendation["kind"], recommendation["state"], recommendation["assigned_unit"]) == (
        "supervision_recommendation", "issued", "HT-LH")
    investor = person("leader", unit="HT-LH")
    answered = call(investor, "POST", f"/api/v1/cases/{recommendation['id']}/transitions", json={
        "trigger": "answer", "version": recommendation["version"], "effective_on": "2026-03-20",
        "data": {"summary": "Nhà thầu đã sửa chữa"}}).get_json()
    assert answered["state"] == "answered"
    accepted = call(board, "POST", f"/api/v1/cases/{recommendation['id']}/transitions", json={
        "trigger": "accept", "version": answered["version"], "effective_on": "2026-03-22"})
    assert accepted.status_code == 200 and accepted.get_json()["state"] == "accepted"
    detail = call(board, "GET", f"/api/v1/projects/{road['id']}").get_json()
    assert [s["id"] for s in detail["supervisions"]] == [supervision["id"]]
    assert [(r["id"], r["state"]) for r in detail["supervisions"][0]["recommendations"]] == [(recommendation["id"], "accepted")]


def test_an_investment_boards_supervision_without_a_project_is_a_422(call, person, session):
    response = call(person("supervisor", unit="LH-GSDT"), "POST", "/api/v1/supervisions", json={
        "board_unit": "LH-GSDT", "subject": "Giám sát", "started_on": "2026-03-02", "scope": {"unit": "HT-LH"}})
    assert response.status_code == 422 and "scope.project_id" in response.get_json()["error"]["details"]["fields"]
    assert session.scalar(select(func.count(Supervision.id))) == 0


def test_a_board_cannot_name_another_communes_project(call, person, session):
    other = call(person("admin", "outside"), "POST", "/api/v1/projects", json={**GOOD, "unit": "BT-P1", "investor_unit": "BT-P1"})
    assert other.status_code == 201
    response = call(person("supervisor", unit="LH-GSDT"), "POST", "/api/v1/supervisions", json={
        "board_unit": "LH-GSDT", "subject": "Giám sát", "started_on": "2026-03-02", "scope": {"project_id": other.get_json()["id"]}})
    assert response.status_code == 422 and is_error_body(response.get_json())
    assert session.scalar(select(func.count(Supervision.id))) == 0


def test_a_unit_of_kind_investment_board_is_created_under_a_commune(call, person):
    admin = person("admin")
    made = call(admin, "POST", "/api/v1/units", json={"code": "LH-GS2", "name": "Ban giám sát đầu tư của cộng đồng",
                                                      "kind": "investment_board", "parent_code": "HT-LH"})
    assert made.status_code == 201 and made.get_json()["kind"] == "investment_board"
    refused = call(admin, "POST", "/api/v1/units", json={"code": "HT-GS", "name": "Ban", "kind": "investment_board",
                                                         "parent_code": "HT"})
    assert refused.status_code == 422 and is_error_body(refused.get_json())


def test_the_document_describes_projects_and_the_project_scope(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert {"post", "get"} <= set(document["paths"]["/api/v1/projects"])
    assert "get" in document["paths"]["/api/v1/projects/{project_id}"]
    schemas = document["components"]["schemas"]
    assert "project_id" in schemas["ScopeIn"]["properties"]
    assert schemas["ProjectIn"]["properties"]["budget_vnd"]["anyOf"][0]["minimum"] == 0
    assert "investment_board" in schemas["UnitIn"]["properties"]["kind"]["enum"]
