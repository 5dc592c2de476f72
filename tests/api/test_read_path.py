"""The case page as a program reads it, on the hot path of a busy installation: its token and
the case in two SELECTs (the token with its user and unit; the case with its units, petitioners,
decisions and history as one JSON document), and no session cookie read or written for a token
request. The page read that way loads what the ORM loads and answers what view_case answers."""
from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from tracker.api import out
from tracker.models import Case
from tracker.services import case_read, cases
from tracker.services.errors import NotFound


@contextmanager
def selects_sent(connection: Any) -> Iterator[list[str]]:
    """The SELECT statements sent on the test's connection (which the app's sessions join)."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append(statement)

    event.listen(connection, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(connection, "before_cursor_execute", record)


def test_a_case_page_read_with_a_token_costs_two_selects(call, person, intake, connection):
    desk = person("reception")
    case = intake(desk.user, kind="complaint")
    assert call(desk, "GET", f"/api/v1/cases/{case.id}").status_code == 200  # the token's first use is recorded
    with selects_sent(connection) as sent:
        answer = call(desk, "GET", f"/api/v1/cases/{case.id}")
    assert answer.status_code == 200
    assert [p["full_name"] for p in answer.get_json()["petitioners"]] == ["Nguyễn Văn An"]
    assert [h["trigger"] for h in answer.get_json()["history"]] == ["intake"]
    assert len(sent) == 2, sent


def test_a_token_request_neither_reads_nor_sets_a_session_cookie(call, person, intake):
    desk = person("reception")
    case = intake(desk.user, kind="complaint")
    answer = call(desk, "GET", f"/api/v1/cases/{case.id}")
    assert answer.status_code == 200 and "Set-Cookie" not in answer.headers


def test_a_deactivated_users_token_is_refused_on_the_very_next_read(call, person, intake, session):
    desk = person("reception")
    case = intake(desk.user, kind="complaint")
    assert call(desk, "GET", f"/api/v1/cases/{case.id}").status_code == 200
    desk.user.active = False
    session.flush()
    assert call(desk, "GET", f"/api/v1/cases/{case.id}").status_code == 401


def _columns(obj: Any) -> dict[str, Any]:
    """Every column attribute of a model object, with the type of its value."""
    return {attr.key: (getattr(obj, attr.key), type(getattr(obj, attr.key))) for attr in inspect(type(obj)).column_attrs}


def _same_objects(read: Any, loaded: Any) -> None:
    assert _columns(read) == _columns(loaded), type(loaded).__name__


def test_the_page_read_as_json_holds_the_values_and_types_the_orm_loads(session: Session, steps, person):
    case = steps.complaint("accepted", petitioners=[{"full_name": "Nguyễn Văn An", "id_number": "079090001111"},
                                                    {"full_name": "Lê Thị Hoa", "phone": "0909000111", "address": "Ấp 3"}])
    case = steps.fire(case, "resolve", outcome="rejected", decision_no="5/QĐ-UBND", summary="Bác đơn", people_disciplined=0,
                      returned_money_vnd="1500000.5")
    officer = person("agency").user
    view = case_read.case_page(session, officer, case.id)
    session.expire_all()
    fresh = session.get_one(Case, case.id)
    _same_objects(view.case, fresh)
    _same_objects(view.case.received_unit, fresh.received_unit)
    _same_objects(view.case.assigned_unit, fresh.assigned_unit)
    assert len(view.case.petitioners) == 2 and len(view.case.decisions) == 1
    for read, loaded in [*zip(view.case.petitioners, fresh.petitioners, strict=True),
                         *zip(view.case.decisions, fresh.decisions, strict=True),
                         *zip(view.history, cases.view_case(session, officer, case.id).history, strict=True)]:
        _same_objects(read, loaded)
    assert str(view.case.decisions[0].returned_money_vnd) == "1500000.50"


@pytest.mark.parametrize("role, place", [("agency", "inside"), ("reception", "inside"), ("supervisor", "inside"),
                                         ("leader", "inside"), ("admin", "inside"), ("agency", "outside")])
@pytest.mark.parametrize("kind", ["complaint", "denunciation", "recommendation"])
def test_the_page_read_in_one_statement_answers_what_view_case_answers(session: Session, steps, person, role, place, kind):
    made = {"complaint": lambda: steps.complaint("verifying"), "denunciation": steps.denunciation,
            "recommendation": steps.recommendation}[kind]()
    actor = person(role, place).user
    try:
        expected = out.case_detail_out(actor, cases.view_case(session, actor, made.id)).model_dump(mode="json")
    except NotFound:
        with pytest.raises(NotFound):
            case_read.case_page(session, actor, made.id)
        return
    session.expire_all()
    answer = out.case_detail_out(actor, case_read.case_page(session, actor, made.id)).model_dump(mode="json")
    if expected["history"][-1]["trigger"] == "view_identity":  # each view of a denouncer's identity is written down
        assert answer["history"][-1]["trigger"] == "view_identity"
        answer["history"].pop()
    assert answer == expected


def test_an_unknown_case_is_a_404(session: Session, person):
    with pytest.raises(NotFound):
        case_read.case_page(session, person("admin").user, 2_000_000_000)


def test_objects_are_made_from_json_in_a_process_that_ran_no_query_yet():
    # A worker's first request: no query has configured the mappers before the token's objects are made.
    program = (
        "from sqlalchemy import create_engine\n"
        "from tracker.models import Unit\n"
        "from tracker.services.rowjson import loaded\n"
        "unit = loaded(Unit, create_engine('sqlite://').dialect, [{'id': 7, 'code': 'HT', 'name': 'Hòa Thành', 'kind': 'district',"
        " 'parent_id': None, 'path': '/7/', 'settings': '{}', 'closed_on': None, 'successor_id': None,"
        " 'created_at': '2026-03-02 01:00:00.000000'}])\n"
        "print(unit.code, unit.path, unit.settings, unit.created_at.isoformat())\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=False)
    assert done.stdout.strip() == "HT /7/ {} 2026-03-02T01:00:00+00:00", done.stderr
