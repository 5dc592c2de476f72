"""Dialogues and their opinions, dialogue plans, supervisions and their recommendations,
and reception visits (DOMAIN.md §4, §6, §8), through the services on both backends."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from tracker.models import Case, DialoguePlan, HistoryEntry
from tracker.schemas import DialogueIn, OpinionIn, PlanIn, RecommendationIn, SupervisionIn, VisitIn
from tracker.services import activity, cases
from tracker.services.errors import Conflict, Forbidden, NotFound, Refused

D = dt.date


@pytest.fixture()
def board(tree, make_user):
    """A member of the People's Inspection Board of Long Hoa ward."""
    return make_user("supervisor", tree["LH-TTND"])


@pytest.fixture()
def dialogue(session, clerk):
    return activity.open_dialogue(session, clerk, DialogueIn(host_unit="HT-LH", held_on=D(2026, 3, 10), chair="Chủ tịch UBND phường",
                                                             topic="Đối thoại về bồi thường"))


def opinion(session, clerk, dialogue, **fields):
    body = {"subject": "Giá bồi thường", "content": "Đề nghị công khai đơn giá.", "settled_on_spot": True,
            "answer": "Đã công khai."} | fields
    return activity.record_opinion(session, clerk, dialogue.id, OpinionIn.model_validate_json(json.dumps(body)))


# -- dialogues --------------------------------------------------------------------------------------

def test_an_opinion_answered_at_the_session_is_settled_on_the_spot_and_final(session, clerk, dialogue):
    case = opinion(session, clerk, dialogue)
    assert (case.kind, case.state, case.received_on, case.settled_on_spot, case.due_on) == (
        "dialogue_opinion", "settled_on_spot", D(2026, 3, 10), True, None)
    assert case.is_final


def test_an_assigned_opinion_is_resolved_by_its_unit_then_closed(session, tree, clerk, dialogue, make_user, move):
    case = opinion(session, clerk, dialogue, settled_on_spot=False, answer=None, assigned_unit="HT-TNMT", due_on="2026-04-10")
    assert (case.state, case.assigned_unit.code, case.due_on) == ("assigned", "HT-TNMT", D(2026, 4, 10))
    officer = make_user("agency", tree["HT-TNMT"])
    case = move(officer, case, "resolve", D(2026, 4, 1), summary="Đã bố trí tái định cư")
    case = move(officer, case, "close", D(2026, 4, 5))
    assert (case.state, case.decided_on, case.final_on) == ("closed", D(2026, 4, 1), D(2026, 4, 5))


def test_a_board_reopens_an_unsatisfactory_answer_which_counts_as_reopened(session, clerk, board, dialogue, move):
    case = opinion(session, clerk, dialogue)
    case = move(board, case, "reopen", D(2026, 4, 1), reason="Chưa thỏa đáng", unit="HT-LH", due_on="2026-04-30")
    assert (case.state, case.reopened_count, case.settled_on_spot, case.due_on) == ("assigned", 1, True, D(2026, 4, 30))


def test_a_board_may_not_resolve_an_opinion(session, tree, clerk, board, dialogue, move):
    case = opinion(session, clerk, dialogue, settled_on_spot=False, answer=None, assigned_unit="HT-LH", due_on="2026-04-10")
    with pytest.raises(Forbidden):
        move(board, case, "resolve", D(2026, 4, 1), summary="x")


def test_an_opinion_not_settled_needs_a_unit_and_a_due_date_after_the_session(session, clerk, dialogue):
    with pytest.raises(ValueError):
        OpinionIn.model_validate_json('{"subject": "x", "content": "y", "settled_on_spot": false}')
    with pytest.raises(Refused):
        opinion(session, clerk, dialogue, settled_on_spot=False, answer=None, assigned_unit="HT-TNMT", due_on="2026-03-10")
    with pytest.raises(Refused):
        opinion(session, clerk, dialogue, settled_on_spot=False, answer=None, assigned_unit="HT-MT", due_on="2026-04-10")


def test_a_dialogue_lists_its_opinions(session, clerk, dialogue):
    opinion(session, clerk, dialogue)
    opinion(session, clerk, dialogue, settled_on_spot=False, answer=None, assigned_unit="HT-LH", due_on="2026-04-10")
    found, opinions = activity.get_dialogue(session, clerk, dialogue.id)
    assert found.id == dialogue.id and [o.state for o in opinions] == ["settled_on_spot", "assigned"]


def test_a_dialogue_outside_the_area_does_not_exist_for_the_user(session, tree, dialogue, make_user):
    with pytest.raises(NotFound):
        activity.get_dialogue(session, make_user("reception", tree["BT"]), dialogue.id)


def test_a_unit_has_one_dialogue_plan_a_year(session, clerk):
    plan = activity.create_plan(session, clerk, PlanIn(unit="HT-LH", year=2026, planned_sessions=2))
    with pytest.raises(Conflict):
        activity.create_plan(session, clerk, PlanIn(unit="HT-LH", year=2026, planned_sessions=1))
    assert session.scalar(select(func.count(DialoguePlan.id))) == 1 and plan.planned_sessions == 2


def test_a_dialogue_names_only_its_own_units_plan(session, clerk):
    plan = activity.create_plan(session, clerk, PlanIn(unit="HT", year=2026, planned_sessions=1))
    with pytest.raises(Refused):
        activity.open_dialogue(session, clerk, DialogueIn(host_unit="HT-LH", held_on=D(2026, 3, 1), chair="x", topic="y", plan_id=plan.id))


# -- supervisions -----------------------------------------------------------------------------------

@pytest.fixture()
def supervision(session, board):
    return activity.open_supervision(session, board, SupervisionIn(board_unit="LH-TTND", subject="Giám sát công khai bồi thường",
                                                                   started_on=D(2026, 3, 15), scope={"unit": "HT-LH"}))


def recommend(session, board, supervision, **fields):
    body = {"addressee_unit": "HT-LH", "content": "Đề nghị niêm yết phương án.", "issued_on": "2026-03-20"} | fields
    return activity.issue_recommendation(session, board, supervision.id, RecommendationIn.model_validate_json(json.dumps(body)))


def test_a_recommendation_is_due_in_15_days_by_default(session, board, supervision):
    case = recommend(session, board, supervision)
    assert (case.kind, case.state, case.assigned_unit.code, case.received_on, case.due_on) == (
        "supervision_recommendation", "issued", "HT-LH", D(2026, 3, 20), D(2026, 4, 6))  # 04/04 is a Saturday


def test_the_addressee_answers_and_the_board_accepts_or_returns(session, tree, board, supervision, make_user, move):
    leader = make_user("leader", tree["HT-LH"])
    case = recommend(session, board, supervision, due_on="2026-04-15")
    case = move(leader, case, "answer", D(2026, 4, 1), summary="Đã niêm yết")
    case = move(board, case, "return", D(2026, 4, 2), reason="Chưa đầy đủ", due_on="2026-04-20")
    assert (case.state, case.due_on, case.decided_on) == ("issued", D(2026, 4, 20), None)
    case = move(leader, case, "answer", D(2026, 4, 10), summary="Đã bổ sung")
    case = move(board, case, "accept", D(2026, 4, 11))
    assert (case.state, case.final_on) == ("accepted", D(2026, 4, 11))


def test_only_the_issuing_board_accepts_its_recommendation(session, tree, board, supervision, make_user, move):
    leader = make_user("leader", tree["HT-LH"])
    case = move(leader, recommend(session, board, supervision), "answer", D(2026, 4, 1), summary="Xong")
    front = make_user("supervisor", tree["HT-MT"])  # watches the whole town, but did not issue it
    with pytest.raises(Forbidden):
        move(front, case, "accept", D(2026, 4, 2))


def test_a_supervision_is_opened_by_a_member_of_the_board_only(session, tree, make_user, clerk):
    with pytest.raises(Forbidden):
        activity.open_supervision(session, clerk, SupervisionIn(board_unit="LH-TTND", subject="x", started_on=D(2026, 3, 1)))
    with pytest.raises(Forbidden):
        activity.open_supervision(session, make_user("supervisor", tree["HT-MT"]),
                                  SupervisionIn(board_unit="LH-TTND", subject="x", started_on=D(2026, 3, 1)))


def test_a_recommendation_goes_to_a_unit_of_the_same_province_and_not_before_the_supervision(session, board, supervision):
    with pytest.raises(Refused):
        recommend(session, board, supervision, addressee_unit="HT-MT")
    with pytest.raises(Refused):
        recommend(session, board, supervision, issued_on="2026-03-01")
    assert recommend(session, board, supervision, addressee_unit="TN-TTR").assigned_unit.code == "TN-TTR"


def test_a_board_sees_the_recommendations_it_issued_even_outside_its_area(session, board, supervision):
    case = recommend(session, board, supervision, addressee_unit="TN-TTR")
    assert cases.view_case(session, board, case.id).case.id == case.id


# -- reception visits -------------------------------------------------------------------------------

def test_a_visit_is_its_own_record_linked_to_the_cases_it_concerns(session, clerk, intake):
    case = intake(clerk)
    visit = activity.record_visit(session, clerk, VisitIn(unit="HT", visited_on=D(2026, 3, 2), reception="head_scheduled",
                                                          persons=6, delegation=True, case_ids=[case.id], repeat=True))
    assert [c.id for c in visit.cases] == [case.id]
    assert (visit.reception, visit.persons, visit.delegation, visit.repeat) == ("head_scheduled", 6, True, True)
    second = intake(clerk, visit_id=visit.id)
    assert second.visit_id == visit.id and {c.id for c in visit.cases} == {case.id, second.id}


def test_a_visit_cannot_name_a_case_the_desk_cannot_see(session, tree, clerk, make_user, intake):
    other = intake(make_user("reception", tree["BT"]), received_unit="BT")
    with pytest.raises(Refused):
        activity.record_visit(session, clerk, VisitIn(unit="HT", visited_on=D(2026, 3, 2), reception="staff", persons=1,
                                                      case_ids=[other.id]))


def test_every_opinion_and_recommendation_starts_its_own_history_chain(session, clerk, board, dialogue, supervision):
    made = [opinion(session, clerk, dialogue), recommend(session, board, supervision)]
    for case in made:
        entries = session.scalars(select(HistoryEntry).where(HistoryEntry.case_id == case.id)).all()
        assert [(e.seq, e.trigger, e.to_state) for e in entries] == [(1, "intake", case.state)]
    assert session.scalar(select(func.count(Case.id))) == 2
