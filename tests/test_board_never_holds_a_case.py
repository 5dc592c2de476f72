"""A supervisory board is never a case's receiving or resolving unit: its users must not hold
a petitioner's identity. The services refuse it with a 422 and the database refuses it on
every path (a trigger on both backends), for every kind in BOARD_KINDS. The one case a board
stands at is the recommendation it issued itself."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from tracker.models import Case, Unit
from tracker.models.units import BOARD_KINDS
from tracker.schemas import DialogueIn
from tracker.services import activity
from tracker.services.errors import Refused

D = dt.date


def case_count(session) -> int:
    return session.scalar(select(func.count(Case.id))) or 0


@pytest.fixture(params=BOARD_KINDS)
def board(request, make_unit, tree) -> Unit:
    """A board of each kind, attached to the town."""
    return make_unit(f"HT-B-{request.param}", kind=request.param, parent=tree["HT"])


@pytest.fixture()
def admin(make_user, tree):
    return make_user("admin", tree["HT"])


@pytest.mark.parametrize("field", ["received_unit", "assigned_unit"])
def test_intake_refuses_a_board_as_the_cases_unit(session, admin, board, intake, field):
    before = case_count(session)
    with pytest.raises(Refused) as refused:
        intake(admin, **{"received_unit": "HT", field: board.code})
    assert refused.value.details == {"fields": {field: "a supervisory board"}}
    assert case_count(session) == before


@pytest.mark.parametrize("trigger", ["accept", "forward"])
def test_a_trigger_never_sends_a_case_to_a_board(session, admin, board, intake, move, trigger):
    case = intake(admin, received_unit="HT")
    with pytest.raises(Refused):
        move(admin, case, trigger, D(2026, 3, 4), unit=board.code)
    assert session.get(Case, case.id).assigned_unit_id is None


def test_a_second_complaint_never_goes_to_a_board(session, admin, board, intake, move):
    case = move(admin, intake(admin, received_unit="HT"), "accept", D(2026, 3, 2), unit="HT-TNMT")
    case = move(admin, case, "resolve", D(2026, 3, 20), outcome="rejected", decision_no="2/QĐ", summary="Không có cơ sở")
    before = case_count(session)
    with pytest.raises(Refused):
        move(admin, case, "recomplain", D(2026, 3, 25), unit=board.code)
    assert case_count(session) == before


def test_a_board_does_not_host_a_dialogue_whose_opinions_become_cases(session, admin, board):
    with pytest.raises(Refused):
        activity.open_dialogue(session, admin, DialogueIn(host_unit=board.code, held_on=D(2026, 3, 2), chair="Chủ tịch",
                                                          topic="Bồi thường"))


@pytest.mark.parametrize("column", ["received_unit_id", "assigned_unit_id"])
def test_the_database_refuses_a_board_as_a_cases_unit_on_update(session, admin, board, intake, column):
    case = intake(admin, received_unit="HT")
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(update(Case).where(Case.id == case.id).values({column: board.id}))
    session.expire_all()
    assert session.get(Case, case.id).received_unit.code == "HT"


def test_the_database_refuses_a_board_as_a_cases_unit_on_insert(session, admin, board, intake):
    model = intake(admin, received_unit="HT")
    copy = {c.key: getattr(model, c.key) for c in Case.__table__.columns if c.key not in ("id", "tracking_code")}
    before = case_count(session)
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(Case(**{**copy, "tracking_code": "BOAR-DXXX-XXXX", "received_unit_id": board.id}))
        session.flush()
    assert case_count(session) == before


def test_the_database_refuses_turning_a_unit_that_holds_cases_into_a_board(session, admin, tree, intake):
    intake(admin, received_unit="HT-LH")
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(update(Unit).where(Unit.code == "HT-LH").values(kind=BOARD_KINDS[0]))


def test_a_board_still_issues_its_own_recommendations(session, tree, make_user):
    from tracker.schemas import RecommendationIn, SupervisionIn

    supervisor = make_user("supervisor", tree["HT-MT"])
    supervision = activity.open_supervision(session, supervisor, SupervisionIn(board_unit="HT-MT", subject="Giám sát",
                                                                                started_on=D(2026, 3, 1)))
    case = activity.issue_recommendation(session, supervisor, supervision.id,
                                         RecommendationIn(addressee_unit="HT-TNMT", content="Đề nghị niêm yết"))
    assert (case.received_unit.code, case.assigned_unit.code) == ("HT-MT", "HT-TNMT")
