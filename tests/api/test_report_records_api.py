"""The API of the records the TT 06/2025 report forms read: each can be made and listed by those
who may, bad input is a clear 4xx that changes nothing."""
from __future__ import annotations

import datetime as dt

from tests.api.conftest import is_error_body
from tracker import clock


def _day(days_ago: int) -> str:
    return (clock.today() - dt.timedelta(days=days_ago)).isoformat()


def test_a_reception_day_is_scheduled_announced_and_listed(person, call):
    desk = person("reception")
    made = call(desk, "POST", "/api/v1/reception-days", json={"unit": "HT", "held_on": _day(2), "host": "head", "leader": "Chủ tịch UBND"})
    assert made.status_code == 201, made.get_json()
    day = made.get_json()
    assert (day["unit"], day["host"], day["announced_on"]) == ("HT", "head", None)
    announced = call(desk, "POST", f"/api/v1/reception-days/{day['id']}/announcement", json={"announced_on": _day(9)})
    assert announced.status_code == 200 and announced.get_json()["announced_on"] == _day(9)
    again = call(desk, "POST", "/api/v1/reception-days", json={"unit": "HT", "held_on": _day(2), "host": "head", "leader": "Chủ tịch UBND"})
    assert again.status_code == 409 and is_error_body(again.get_json())
    listed = call(desk, "GET", "/api/v1/reception-days?unit=HT").get_json()["items"]
    assert [d["id"] for d in listed] == [day["id"]]
    late = call(desk, "POST", "/api/v1/reception-days",
                json={"unit": "HT", "held_on": _day(3), "host": "authorised", "leader": "Phó Chủ tịch", "announced_on": _day(1)})
    assert late.status_code in (400, 422) and is_error_body(late.get_json())


def test_a_petition_is_reviewed_once_while_received(steps, person, call):
    case = steps.complaint()
    desk = person("reception")
    made = call(desk, "POST", f"/api/v1/cases/{case.id}/eligibility-review", json={})
    assert made.status_code == 201 and made.get_json()["unit"] == "HT"
    assert call(desk, "POST", f"/api/v1/cases/{case.id}/eligibility-review", json={}).status_code == 409
    accepted = steps.complaint("accepted")
    refused = call(desk, "POST", f"/api/v1/cases/{accepted.id}/eligibility-review", json={})
    assert refused.status_code == 422 and is_error_body(refused.get_json())


def test_execution_steps_of_a_decision_are_recorded_by_the_agency_and_listed(steps, person, call):
    case = steps.complaint("resolved")
    agency = person("agency", unit="HT-TNMT")
    step = call(agency, "POST", f"/api/v1/cases/{case.id}/executions",
                json={"people_disciplined": 2, "civil_servants_disciplined": 1, "finished": True})
    assert step.status_code == 201, step.get_json()
    assert step.get_json()["finished"] is True
    assert call(agency, "POST", f"/api/v1/cases/{case.id}/executions", json={}).status_code == 422  # already finished
    assert [s["people_disciplined"] for s in call(agency, "GET", f"/api/v1/cases/{case.id}/executions").get_json()["items"]] == [2]
    too_much = call(agency, "POST", f"/api/v1/cases/{steps.complaint('resolved').id}/executions",
                    json={"recovered_money_vnd": 1000})
    assert too_much.status_code == 422 and is_error_body(too_much.get_json())
    assert call(person("reception"), "POST", f"/api/v1/cases/{case.id}/executions", json={}).status_code == 403
    fresh = steps.complaint("resolved")
    bad = call(agency, "POST", f"/api/v1/cases/{fresh.id}/executions", json={"people_disciplined": 1, "civil_servants_disciplined": 5})
    assert bad.status_code == 422 and is_error_body(bad.get_json())
    assert call(agency, "GET", f"/api/v1/cases/{fresh.id}/executions").get_json()["items"] == []


def test_management_work_is_entered_by_a_leader_and_an_inspection_is_concluded_then_executed(person, call):
    leader = person("leader")
    assert call(leader, "POST", "/api/v1/management/documents", json={
        "unit": "HT", "action": "issued", "issued_on": _day(10), "number": "01/KH-UBND", "title": "Kế hoạch"}).status_code == 201
    assert call(leader, "POST", "/api/v1/management/trainings", json={
        "unit": "HT", "held_on": _day(10), "topic": "Luật Khiếu nại", "attendees": 40}).status_code == 201
    opened = call(leader, "POST", "/api/v1/management/inspections",
                  json={"unit": "HT", "subject": "Thanh tra trách nhiệm", "started_on": _day(30), "units_inspected": 2})
    assert opened.status_code == 201
    ident = opened.get_json()["id"]
    concluded = call(leader, "POST", f"/api/v1/management/inspections/{ident}/conclusion",
                     json={"version": 1, "concluded_on": _day(5), "conclusion_no": "05/KL-TTr", "recommended_people": 1})
    assert concluded.status_code == 200 and concluded.get_json()["version"] == 2
    stale = call(leader, "POST", f"/api/v1/management/inspections/{ident}/execution", json={"version": 1, "executed_on": _day(1)})
    assert stale.status_code == 409
    done = call(leader, "POST", f"/api/v1/management/inspections/{ident}/execution",
                json={"version": 2, "executed_on": _day(1), "sanctioned_people": 1})
    assert done.status_code == 200 and done.get_json()["sanctioned_people"] == 1
    listed = call(leader, "GET", "/api/v1/management?unit=HT").get_json()
    assert (len(listed["documents"]), len(listed["trainings"]), len(listed["inspections"])) == (1, 1, 1)
    assert call(person("reception"), "POST", "/api/v1/management/trainings", json={
        "unit": "HT", "held_on": _day(10), "topic": "x", "attendees": 4}).status_code == 403
    assert call(leader, "POST", "/api/v1/management/trainings", json={
        "unit": "BT", "held_on": _day(10), "topic": "x", "attendees": 4}).status_code == 403
