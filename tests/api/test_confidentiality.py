"""A denouncer's identity (DOMAIN.md §5): shown only on the case page of the resolving unit and
to admins, each view written to the history; never in lists, search, other responses, the
public lookup, notifications or logs. Each test looks for the denouncer's name, identity
number, phone and address anywhere in what a path returns."""
from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from tests.api.conftest import DENOUNCER, ROLES
from tracker.models import HistoryEntry, OutboxMessage
from tracker.serving import PathOnlyLogHandler

SECRETS = tuple(DENOUNCER.values())
# The resolving authority (HT-TNMT, after `accept`) and admins; the rest of the jurisdiction may not.
ALLOWED = {"admin", "agency"}


def leaks(text: str) -> list[str]:
    return [value for value in SECRETS if value in text]


def view_entries(session, case):
    return session.scalars(select(HistoryEntry).where(HistoryEntry.case_id == case.id, HistoryEntry.trigger == "view_identity")).all()


@pytest.mark.parametrize("role", ROLES)
def test_the_case_page_shows_a_denouncer_only_to_the_resolving_unit_and_admins(role, steps, person, call, session):
    case = steps.denunciation()
    response = call(person(role), "GET", f"/api/v1/cases/{case.id}")
    body = response.get_json()
    assert response.status_code == 200
    if role in ALLOWED:
        assert body["petitioners"] == [{**DENOUNCER}] and body["identity_withheld"] is False
        assert [e.actor_id for e in view_entries(session, case)] == [person(role).user.id]
    else:
        assert body["petitioners"] == [] and body["identity_withheld"] is True
        assert leaks(response.get_data(as_text=True)) == []
        assert view_entries(session, case) == []


def test_every_view_of_a_denouncer_is_written_to_the_history(steps, person, call, session):
    case = steps.denunciation()
    for _ in range(3):
        call(person("agency"), "GET", f"/api/v1/cases/{case.id}")
    entries = view_entries(session, case)
    assert len(entries) == 3 and all(e.actor_name == person("agency").user.display_name for e in entries)
    history = call(person("admin"), "GET", f"/api/v1/cases/{case.id}").get_json()["history"]
    assert [h["trigger"] for h in history].count("view_identity") == 4


def test_the_receiving_desk_loses_sight_of_the_denouncer_once_another_unit_resolves(steps, person, call):
    case = steps.intake(person("reception").user, kind="denunciation", received_unit="HT", petitioners=[DENOUNCER])
    before = call(person("reception"), "GET", f"/api/v1/cases/{case.id}").get_json()
    assert before["petitioners"] == [DENOUNCER]  # HT resolves it while it has not been assigned
    steps.fire(case, "accept", unit="HT-TNMT")
    after = call(person("reception"), "GET", f"/api/v1/cases/{case.id}")
    assert after.get_json()["petitioners"] == [] and leaks(after.get_data(as_text=True)) == []


@pytest.mark.parametrize("role", ROLES)
def test_lists_never_show_a_denouncer_not_even_to_the_resolving_unit(role, steps, person, call):
    steps.denunciation()
    response = call(person(role), "GET", "/api/v1/cases?kind=denunciation")
    items = response.get_json()["items"]
    assert len(items) == 1 and items[0]["petitioners"] == [] and items[0]["identity_withheld"] is True
    assert leaks(response.get_data(as_text=True)) == []


@pytest.mark.parametrize("role", ROLES)
def test_search_by_a_denouncers_name_finds_nothing_for_those_who_may_not_know_it(role, steps, person, call):
    steps.denunciation()
    response = call(person(role), "GET", "/api/v1/cases?q=Tran Thi Bich")
    found = response.get_json()["total"]
    assert found == (1 if role in ALLOWED else 0)
    assert leaks(response.get_data(as_text=True)) == []


def test_the_intake_answer_does_not_echo_a_denouncer(call, person):
    response = call(person("reception"), "POST", "/api/v1/cases", json={
        "kind": "denunciation", "channel": "in_person", "received_unit": "HT", "subject": "Tố cáo sai phạm",
        "content": "Nội dung tố cáo", "petitioners": [DENOUNCER]})
    assert response.status_code == 201
    assert response.get_json()["petitioners"] == [] and leaks(response.get_data(as_text=True)) == []


@pytest.mark.parametrize("role", ["admin", "agency", "leader"])
def test_the_transition_answer_does_not_show_a_denouncer(role, steps, person, call):
    case = steps.denunciation()
    response = call(person(role), "POST", f"/api/v1/cases/{case.id}/transitions",
                    json={"trigger": "start_verification", "version": case.version})
    assert response.status_code == 200 and leaks(response.get_data(as_text=True)) == []


def test_the_public_lookup_shows_nothing_personal_and_no_subject(steps, client):
    case = steps.denunciation()
    for path in (f"/api/v1/track/{case.tracking_code}", f"/track/{case.tracking_code}"):
        response = client.get(path)
        text = response.get_data(as_text=True)
        assert response.status_code == 200
        assert leaks(text) == [] and case.subject not in text and "Nội dung" not in text
    body = client.get(f"/api/v1/track/{case.tracking_code}").get_json()
    # The unit handling it is a public body; the dates are the legal (effective) ones; the outcome a word.
    assert set(body) == {"tracking_code", "kind", "kind_label_vi", "kind_label_en", "state", "state_label_vi", "state_label_en",
                         "final", "unit_name", "received_on", "accepted_on", "due_on", "overdue", "decided_on", "outcome",
                         "final_on", "last_update_on"}


@pytest.mark.parametrize("role", ROLES)
def test_dialogue_supervision_and_visit_answers_carry_no_denouncer(role, steps, person, call):
    case = steps.denunciation()
    dialogue = steps.dialogue()
    supervision = steps.supervision()
    caller = person(role)
    paths = [f"/api/v1/dialogues/{dialogue.id}", "/api/v1/dialogues", f"/api/v1/supervisions/{supervision.id}",
             "/api/v1/supervisions", "/api/v1/reception-visits"]
    if role in ("admin", "reception", "leader"):
        visit = call(caller, "POST", "/api/v1/reception-visits", json={"unit": "HT", "visited_on": case.received_on.isoformat(),
                                                                       "reception": "staff", "persons": 1, "case_ids": [case.id]})
        assert visit.status_code == 201 and leaks(visit.get_data(as_text=True)) == []
    for path in paths:
        assert leaks(call(caller, "GET", path).get_data(as_text=True)) == []


def test_notifications_carry_no_denouncer_and_no_subject(steps, session):
    case = steps.denunciation()
    steps.fire(case, "start_verification")
    messages = session.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case.id)).all()
    assert messages
    for message in messages:
        assert leaks(str(message.payload)) == [] and message.payload.get("subject") is None


def test_logs_never_carry_a_denouncer(steps, person, call, caplog):
    caplog.set_level(logging.DEBUG)
    case = steps.denunciation()
    call(person("agency"), "GET", f"/api/v1/cases/{case.id}")
    call(person("leader"), "GET", "/api/v1/cases?q=Trần Thị Bích")
    call(person("reception"), "POST", "/api/v1/cases", json={"kind": "denunciation", "channel": "mail", "received_unit": "HT",
                                                              "subject": "x", "content": "y", "petitioners": [DENOUNCER],
                                                              "crowd_size": "not a number"})
    assert leaks(caplog.text) == []


def test_the_server_log_leaves_out_query_strings():
    lines: list[str] = []

    class Fake(PathOnlyLogHandler):
        def __init__(self) -> None:  # no socket: only the log line is under test
            self.path, self.command, self.request_version = "/api/v1/cases?q=Trần Thị Bích", "GET", "HTTP/1.1"

        def log(self, type: str, message: str, *args: object) -> None:  # noqa: A002 - werkzeug's signature
            lines.append(message % args)

    Fake().log_request(200, 10)
    assert lines == ['"GET /api/v1/cases HTTP/1.1" 200 10']
