"""The permission matrix: every role against every endpoint and every trigger, inside the Hòa
Thành jurisdiction and outside it (Bình Thạnh), with the status each cell must get.

The tables are the rules (DESIGN.md "Who uses it", DOMAIN.md §4 and §6), written out by hand:
they are not computed from the policy they check. Outside your area a case, dialogue or
supervision does not exist for you (404); inside it, what your role may not do is a 403.
"""
from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.api.conftest import ROLES, TODAY, is_error_body
from tracker import clock

LATER = (TODAY + dt.timedelta(days=25)).isoformat()

# -- endpoints ----------------------------------------------------------------------------------
# name: {role: (status inside, status outside)}; every authenticated endpoint answers 401 to nobody.
A, R, G, S, L = ROLES  # admin, reception, agency, supervisor, leader
EVERYONE_200 = {role: (200, 200) for role in ROLES}


def _only(created: int, allowed: tuple[str, ...], outside_allowed: int = 403, outside_other: int = 403,
          inside_other: int = 403) -> dict[str, tuple[int, int]]:
    return {role: ((created, outside_allowed) if role in allowed else (inside_other, outside_other)) for role in ROLES}


ENDPOINT_MATRIX: dict[str, dict[str, tuple[int, int]]] = {
    "list units": EVERYONE_200,
    "create unit": _only(201, (A,)),
    "list cases": EVERYONE_200,
    "create case": _only(201, (A, R)),
    "read case": {role: (200, 404) for role in ROLES},
    "track case": EVERYONE_200,
    "create visit": _only(201, (A, R, L)),
    "list visits": EVERYONE_200,
    "create dialogue": _only(201, (A, R, L)),
    "list dialogues": EVERYONE_200,
    # An agency's area is its own unit: the town's sessions are not in it.
    "read dialogue": {A: (200, 404), R: (200, 404), G: (404, 404), S: (200, 404), L: (200, 404)},
    "record opinion": _only(201, (A, R, L), outside_allowed=404),
    "create plan": _only(201, (A, R, L)),
    "list plans": EVERYONE_200,
    "create supervision": _only(201, (A, S)),
    "list supervisions": EVERYONE_200,
    "read supervision": {A: (200, 404), R: (200, 404), G: (404, 404), S: (200, 404), L: (200, 404)},
    "issue recommendation": _only(201, (A, S), outside_allowed=404),
    "list workflows": EVERYONE_200,
    "who am I": EVERYONE_200,
    "csrf token": EVERYONE_200,
    # Tokens are made by people signed in with a password, never by another token.
    "create token": {role: (403, 403) for role in ROLES},
    "list tokens": EVERYONE_200,
    "openapi": EVERYONE_200,
    # Figures are for a unit of your area: the town's for everyone there but an agency, whose
    # area is its own unit; units are listed openly, so another area's figures are a 403.
    "metrics": {A: (200, 403), R: (200, 403), G: (403, 403), S: (200, 403), L: (200, 403)},
    "metric definitions": EVERYONE_200,
    "drilldown": {A: (200, 403), R: (200, 403), G: (403, 403), S: (200, 403), L: (200, 403)},
    "drilldown export": {A: (200, 403), R: (200, 403), G: (403, 403), S: (200, 403), L: (200, 403)},
    "report": {A: (200, 403), R: (200, 403), G: (403, 403), S: (200, 403), L: (200, 403)},
    "report forms": EVERYONE_200,
}
PUBLIC = {"track case", "openapi"}


@dataclass
class Request:
    method: str
    path: str
    body: dict[str, Any] | None = None


def _request(name: str, steps: Any, counter: itertools.count) -> Request:  # type: ignore[type-arg]
    n = next(counter)
    match name:
        case "list units":
            return Request("GET", "/api/v1/units")
        case "create unit":
            return Request("POST", "/api/v1/units", {"code": f"HT-X{n}", "name": "Phường mới", "kind": "commune", "parent_code": "HT"})
        case "list cases":
            return Request("GET", "/api/v1/cases?per_page=5")
        case "create case":
            return Request("POST", "/api/v1/cases", {"kind": "feedback", "channel": "online", "received_unit": "HT",
                                                      "subject": "Đèn đường hỏng", "content": "Đề nghị sửa đèn đường."})
        case "read case":
            return Request("GET", f"/api/v1/cases/{steps.complaint('accepted').id}")
        case "track case":
            return Request("GET", f"/api/v1/track/{steps.complaint().tracking_code}")
        case "create visit":
            return Request("POST", "/api/v1/reception-visits", {"unit": "HT", "visited_on": TODAY.isoformat(), "reception": "staff",
                                                                "persons": 1})
        case "list visits":
            return Request("GET", "/api/v1/reception-visits")
        case "create dialogue":
            return Request("POST", "/api/v1/dialogues", {"host_unit": "HT", "held_on": TODAY.isoformat(), "chair": "Chủ tịch",
                                                         "topic": "Giải phóng mặt bằng"})
        case "list dialogues":
            return Request("GET", "/api/v1/dialogues")
        case "read dialogue":
            return Request("GET", f"/api/v1/dialogues/{steps.dialogue().id}")
        case "record opinion":
            return Request("POST", f"/api/v1/dialogues/{steps.dialogue().id}/opinions",
                           {"subject": "Đường ngập", "content": "Đề nghị nạo vét", "settled_on_spot": True, "answer": "Đã giao"})
        case "create plan":
            return Request("POST", "/api/v1/dialogue-plans", {"unit": "HT", "year": 2027, "planned_sessions": 2})
        case "list plans":
            return Request("GET", "/api/v1/dialogue-plans")
        case "create supervision":
            return Request("POST", "/api/v1/supervisions", {"board_unit": "HT-MT", "subject": "Giám sát", "started_on": TODAY.isoformat()})
        case "list supervisions":
            return Request("GET", "/api/v1/supervisions")
        case "read supervision":
            return Request("GET", f"/api/v1/supervisions/{steps.supervision().id}")
        case "issue recommendation":
            return Request("POST", f"/api/v1/supervisions/{steps.supervision().id}/recommendations",
                           {"addressee_unit": "HT-TNMT", "content": "Đề nghị công khai", "due_on": LATER})
        case "list workflows":
            return Request("GET", "/api/v1/workflows")
        case "who am I":
            return Request("GET", "/api/v1/auth/me")
        case "csrf token":
            return Request("GET", "/api/v1/auth/csrf")
        case "create token":
            return Request("POST", "/api/v1/auth/tokens")
        case "list tokens":
            return Request("GET", "/api/v1/auth/tokens")
        case "openapi":
            return Request("GET", "/api/v1/openapi.json")
        case "metrics":
            return Request("GET", f"/api/v1/metrics?unit=HT&from={TODAY.year}-01-01&to={TODAY.year}-12-31")
        case "metric definitions":
            return Request("GET", "/api/v1/metrics/definitions")
        case "drilldown":
            return Request("GET", f"/api/v1/metrics/drilldown?unit=HT&from={TODAY.year}-01-01&to={TODAY.year}-12-31"
                                  "&figure=cases.received")
        case "drilldown export":
            return Request("GET", f"/api/v1/metrics/drilldown/export?unit=HT&from={TODAY.year}-01-01&to={TODAY.year}-12-31"
                                  "&figure=cases.received&format=csv")
        case "report":
            return Request("GET", f"/api/v1/reports?unit=HT&period={TODAY.year}-H1&form=01/XLD&format=csv")
        case "report forms":
            return Request("GET", "/api/v1/reports/forms")
    raise AssertionError(name)


CELLS = [(name, role, place) for name in ENDPOINT_MATRIX for role in ROLES for place in ("inside", "outside")]


@pytest.mark.parametrize(("endpoint", "role", "place"), CELLS)
def test_endpoint_answers_each_role_as_the_rules_say(endpoint, role, place, steps, person, call):
    expected = ENDPOINT_MATRIX[endpoint][role][0 if place == "inside" else 1]
    req = _request(endpoint, steps, itertools.count(1))
    response = call(person(role, place), req.method, req.path, json=req.body)
    assert response.status_code == expected, response.get_json()
    if expected >= 400:
        assert is_error_body(response.get_json())


@pytest.mark.parametrize("endpoint", sorted(set(ENDPOINT_MATRIX) - PUBLIC))
def test_endpoint_refuses_anyone_not_signed_in(endpoint, steps, call):
    req = _request(endpoint, steps, itertools.count(1))
    response = call(None, req.method, req.path, json=req.body)
    assert response.status_code == 401 and is_error_body(response.get_json(), "not_signed_in")


# -- triggers -----------------------------------------------------------------------------------
# trigger: (how to make a case it can be fired on, its data, {role: status inside}). Outside, every
# cell is 404: the case does not exist for those users.
Setup = Callable[[Any], Any]
ALL_DESK = {A: 200, R: 200, G: 403, S: 403, L: 200}
RESOLVER = {A: 200, R: 403, G: 200, S: 403, L: 200}
BOARD = {A: 200, R: 403, G: 403, S: 200, L: 403}

TRIGGER_MATRIX: dict[str, tuple[Setup, dict[str, Any], dict[str, int]]] = {
    # Petitions: processing at the desk (the case is at HT, not yet assigned: the agency cannot see it).
    "accept": (lambda s: s.complaint("received"), {"unit": "HT-TNMT"}, {**ALL_DESK, G: 404}),
    "forward": (lambda s: s.complaint("received"), {"unit": "HT-LH"}, {**ALL_DESK, G: 404}),
    "guide": (lambda s: s.complaint("received"), {"to": "Tòa án nhân dân tỉnh"}, {**ALL_DESK, G: 404}),
    "file": (lambda s: s.complaint("received"), {"reason": "duplicate"}, {**ALL_DESK, G: 404}),
    # Resolution by the assigned unit (HT-TNMT) or a leader of the area.
    "start_verification": (lambda s: s.complaint("accepted"), {}, RESOLVER),
    "extend": (lambda s: s.complaint("accepted"), "extend", RESOLVER),
    "suspend": (lambda s: s.complaint("verifying"), {"reason": "Chờ giám định"}, RESOLVER),
    "resume": (lambda s: s.complaint("suspended"), {"reason": "Đã có kết quả giám định"}, RESOLVER),
    "resolve": (lambda s: s.complaint("accepted"), {"outcome": "partly_upheld", "decision_no": "12/QĐ", "summary": "Một phần"},
                RESOLVER),
    "close": (lambda s: s.complaint("resolved"), {}, RESOLVER),
    "withdraw": (lambda s: s.complaint("accepted"), {"note": "Đơn xin rút ngày hôm nay"}, {A: 200, R: 200, G: 200, S: 403, L: 200}),
    # Urging comes from above the resolving unit: HT is above HT-TNMT; the agency itself may not.
    "urge": (lambda s: s.complaint("accepted"), {"note": "Đề nghị khẩn trương"}, {A: 200, R: 200, G: 403, S: 403, L: 200}),
    "recomplain": (lambda s: s.complaint("resolved"), {}, {A: 200, R: 200, G: 403, S: 403, L: 200}),
    # Dialogue opinions.
    "opinion.resolve": (lambda s: s.opinion("assigned"), {"summary": "Đã nạo vét"}, RESOLVER),
    "opinion.close": (lambda s: s.opinion("resolved"), {}, RESOLVER),
    "opinion.reopen": (lambda s: s.opinion("settled_on_spot"), {"reason": "Chưa thỏa đáng", "unit": "HT-TNMT", "due_on": LATER},
                       {A: 200, R: 403, G: 404, S: 200, L: 200}),
    # Supervision recommendations: the addressee answers; only the issuing board accepts or returns.
    "recommendation.answer": (lambda s: s.recommendation("issued"), {"summary": "Đã niêm yết"}, {A: 200, R: 403, G: 200, S: 403, L: 403}),
    "recommendation.accept": (lambda s: s.recommendation("answered"), {}, BOARD),
    "recommendation.return": (lambda s: s.recommendation("answered"), {"reason": "Chưa đủ", "due_on": LATER}, BOARD),
}


def _data(case: Any, data: Any) -> dict[str, Any]:
    if data == "extend":
        return {"due_on": (case.due_on + dt.timedelta(days=1)).isoformat(), "reason": "Vụ việc phức tạp"}
    return data


@pytest.mark.parametrize(("trigger", "role", "place"),
                         [(t, role, place) for t in TRIGGER_MATRIX for role in ROLES for place in ("inside", "outside")])
def test_trigger_answers_each_role_as_the_rules_say(trigger, role, place, steps, person, call, session):
    setup, data, inside = TRIGGER_MATRIX[trigger]
    case = setup(steps)
    version = case.version
    response = call(person(role, place), "POST", f"/api/v1/cases/{case.id}/transitions",
                    json={"trigger": trigger.split(".")[-1], "version": version, "data": _data(case, data)})
    expected = inside[role] if place == "inside" else 404
    assert response.status_code == expected, response.get_json()
    session.refresh(case)
    if expected == 200:
        assert response.get_json()["version"] == version + 1 == case.version
    else:
        assert is_error_body(response.get_json())
        assert case.version == version  # a refused trigger changes nothing


def test_an_agency_cannot_act_on_a_case_in_its_area_assigned_elsewhere(steps, person, call):
    """Received at the agency's own unit, then sent to the ward: the agency sees it, may not work it."""
    case = steps.intake(person("reception").user, received_unit="HT-TNMT", received_at=clock.now())
    case = steps.fire(case, "forward", unit="HT-LH")
    case = steps.fire(case, "accept", unit="HT-LH")
    agency = person("agency")
    assert call(agency, "GET", f"/api/v1/cases/{case.id}").status_code == 200
    response = call(agency, "POST", f"/api/v1/cases/{case.id}/transitions",
                    json={"trigger": "start_verification", "version": case.version})
    assert response.status_code == 403 and is_error_body(response.get_json(), "role_not_allowed")


def test_a_board_cannot_accept_another_boards_recommendation_it_can_see(steps, person, call):
    """The ward's inspection board issued it; the town's Front committee sees it but may not close it."""
    case = steps.recommendation("answered", board="LH-TTND", addressee="HT-LH")
    town_board = person("supervisor")
    assert call(town_board, "GET", f"/api/v1/cases/{case.id}").status_code == 200
    response = call(town_board, "POST", f"/api/v1/cases/{case.id}/transitions", json={"trigger": "accept", "version": case.version})
    assert response.status_code == 403


def test_a_board_sees_its_own_recommendation_addressed_outside_its_area(steps, person, call):
    case = steps.recommendation("issued", board="LH-TTND", addressee="HT-TNMT")
    ward_board = person("supervisor", unit="LH-TTND")
    assert call(ward_board, "GET", f"/api/v1/cases/{case.id}").status_code == 200


@pytest.mark.parametrize("trigger", ["accept", "forward", "start_verification", "resolve", "withdraw", "urge"])
def test_a_supervisory_board_never_fires_a_petitions_trigger(trigger, steps, person, call):
    case = steps.complaint("received" if trigger in ("accept", "forward") else "accepted")
    response = call(person("supervisor"), "POST", f"/api/v1/cases/{case.id}/transitions",
                    json={"trigger": trigger, "version": case.version, "data": {}})
    assert response.status_code == 403


def test_available_triggers_list_only_what_the_caller_may_fire(steps, person, call):
    case = steps.complaint("accepted")
    by_role = {role: set(call(person(role), "GET", f"/api/v1/cases/{case.id}").get_json()["available_triggers"]) for role in ROLES}
    assert by_role["supervisor"] == set()
    assert {"start_verification", "resolve", "extend", "withdraw"} <= by_role["agency"]
    assert "urge" not in by_role["agency"] and "urge" in by_role["reception"]
    assert "resolve" not in by_role["reception"]
