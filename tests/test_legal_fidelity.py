"""The law around the periods (DOMAIN.md §1-§4 as amended): decisions that become final, two
complaint rounds then the court, the window counted from delivery, suspensions moving the due
date and the legal maximum, the superior of an agency, the 2012 rule set, denunciations that
go on after a withdrawal and re-denunciations. Every test runs on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tracker import clock
from tracker.models import Case, HistoryEntry
from tracker.schemas import DialogueIn, OpinionIn, RecommendationIn, SupervisionIn
from tracker.services import activity, sweep
from tracker.services.errors import Refused

D = dt.date
VN = dt.timezone(dt.timedelta(hours=7))
MAR_9 = D(2026, 3, 9)


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 0), VN)


@pytest.fixture(autouse=True)
def _today(clock_at):
    clock_at(D(2026, 9, 15))


@pytest.fixture()
def decided(clerk, officer, intake, move):
    """A first-round complaint at the town's Natural Resources office, decided on 09/03/2026."""
    def make(decided_on: dt.date = MAR_9, **data):
        case = move(clerk, intake(clerk, received_at=at(D(2026, 3, 2))), "accept", D(2026, 3, 2), unit="HT-TNMT")
        return move(officer, case, "resolve", decided_on, outcome="rejected", decision_no="9/QĐ-UBND", summary="Bác đơn",
                    **data)
    return make


def entries(session, case):
    return list(session.scalars(select(HistoryEntry).where(HistoryEntry.case_id == case.id).order_by(HistoryEntry.seq)))


# -- 1. decisions become final ----------------------------------------------------------------------

def test_a_first_round_decision_becomes_final_30_days_after_it_was_received_and_the_sweep_closes_it(session, decided):
    case = decided()  # 09/03 + 30 days = Wed 08/04, the last day for a second complaint: final on 09/04
    assert sweep.run(session, D(2026, 4, 8)).counts["close_final_decisions"] == 0
    report = sweep.run(session, D(2026, 6, 1))  # the sweep ran late: the dates are the law's
    assert report.counts["close_final_decisions"] == 1 and report.steps[0].name == "close_final_decisions"
    assert (case.state, case.final_on) == ("closed", D(2026, 4, 9))
    close = entries(session, case)[-1]
    assert (close.trigger, close.effective_on, close.actor_id) == ("close", D(2026, 4, 9), None)


def test_the_sweep_is_safe_to_run_twice(session, decided):
    case = decided()
    assert sweep.run(session).counts["close_final_decisions"] == 1
    version = case.version
    assert sweep.run(session).counts["close_final_decisions"] == 0 and case.version == version


def test_finality_runs_from_the_day_the_decision_was_received(session, officer, decided, move):
    case = decided()
    case = move(officer, case, "deliver", D(2026, 3, 20), delivered_on="2026-03-20")
    assert case.delivered_on == D(2026, 3, 20)
    sweep.run(session, D(2026, 4, 20))  # 20/03 + 30 = Sun 19/04, rolled to Mon 20/04: still open that day
    assert case.state == "resolved"
    sweep.run(session, D(2026, 4, 21))
    assert (case.state, case.final_on) == ("closed", D(2026, 4, 21))


def test_a_remote_area_has_45_days_before_a_decision_is_final(session, clerk, officer, intake, move):
    case = move(clerk, intake(clerk, received_at=at(D(2026, 3, 2))), "accept", D(2026, 3, 2), unit="HT-TNMT",
                remote=True, reason="Xã đặc biệt khó khăn")
    case = move(officer, case, "resolve", D(2026, 3, 9), outcome="rejected", decision_no="9/QĐ", summary="Bác")
    sweep.run(session, D(2026, 4, 23))  # 09/03 + 45 = Thu 23/04
    assert case.state == "resolved"
    sweep.run(session, D(2026, 4, 24))
    assert (case.state, case.final_on) == ("closed", D(2026, 4, 24))


def test_a_second_round_decision_is_final_when_issued(session, tree, clerk, officer, make_user, decided, move):
    first = move(clerk, decided(), "recomplain", D(2026, 3, 20))
    second = session.scalar(select(Case).where(Case.parent_case_id == first.id))
    leader = make_user("leader", tree["HT"])
    second = move(leader, move(leader, second, "accept", D(2026, 3, 23)), "resolve", D(2026, 4, 20), outcome="rejected",
                  decision_no="12/QĐ-UBND", summary="Công nhận quyết định lần đầu")
    sweep.run(session, D(2026, 4, 20))
    assert (second.state, second.final_on) == ("closed", D(2026, 4, 20))


def test_the_sweep_refuses_a_day_after_today(session):
    with pytest.raises(Refused):
        sweep.run(session, D(2026, 9, 16))


def test_a_closed_case_is_no_longer_open_in_the_figures(session, tree, make_user, decided):
    from tracker.services.metrics import metrics

    decided()
    sweep.run(session)
    admin = make_user("admin", tree["TN"])
    assert metrics(session, admin, "HT", D(2026, 4, 1), D(2026, 4, 8), True).totals.cases.open == 1
    assert metrics(session, admin, "HT", D(2026, 4, 1), D(2026, 4, 30), True).totals.cases.open == 0


# -- 2, 3, 4, 7, 8. the second round --------------------------------------------------------------------

def test_a_second_round_goes_to_the_peoples_committee_the_deciding_agency_belongs_to(session, clerk, decided, move):
    first = move(clerk, decided(), "recomplain", D(2026, 3, 20))
    second = session.scalar(select(Case).where(Case.parent_case_id == first.id))
    assert (second.round, second.received_unit.code) == (2, "HT")


def test_a_third_complaint_round_is_refused(session, tree, clerk, make_user, decided, move):
    first = move(clerk, decided(), "recomplain", D(2026, 3, 20))
    second = session.scalar(select(Case).where(Case.parent_case_id == first.id))
    leader = make_user("leader", tree["HT"])
    second = move(leader, move(leader, second, "accept", D(2026, 3, 23)), "resolve", D(2026, 4, 20), outcome="rejected",
                  decision_no="12/QĐ", summary="Công nhận")
    provincial_desk = make_user("reception", tree["TN"])
    with pytest.raises(Refused) as refused:
        move(provincial_desk, second, "recomplain", D(2026, 4, 22), unit="TN")
    assert refused.value.status == 422 and "Tòa án" in refused.value.message
    assert session.scalar(select(Case).where(Case.parent_case_id == second.id)) is None


def test_a_second_complaint_may_follow_a_first_round_that_lapsed_without_a_decision(session, clerk, intake, move):
    case = move(clerk, intake(clerk, received_at=at(D(2026, 3, 2))), "accept", D(2026, 3, 2), unit="HT-TNMT")
    assert case.due_on == D(2026, 4, 1)
    with pytest.raises(Refused):
        move(clerk, case, "recomplain", D(2026, 4, 1))  # the deadline has not passed yet
    case = move(clerk, case, "recomplain", D(2026, 4, 2))
    second = session.scalar(select(Case).where(Case.parent_case_id == case.id))
    assert (case.state, second.round, second.received_unit.code) == ("escalated", 2, "HT")


def test_a_lapsed_first_round_leaves_30_days_for_the_second_complaint(session, clerk, intake, move):
    case = move(clerk, intake(clerk, received_at=at(D(2026, 3, 2))), "accept", D(2026, 3, 2), unit="HT-TNMT")
    with pytest.raises(Refused):
        move(clerk, case, "recomplain", D(2026, 5, 5))  # 01/04 + 30 = Fri 01/05 (holiday) -> Mon 04/05


def test_the_second_complaint_window_runs_from_the_day_the_decision_was_received(session, clerk, decided, move):
    late = decided(delivered_on="2026-03-25")
    assert late.delivered_on == D(2026, 3, 25)
    move(clerk, late, "recomplain", D(2026, 4, 24))  # 25/03 + 30 = Fri 24/04
    unknown = decided()
    with pytest.raises(Refused):
        move(clerk, unknown, "recomplain", D(2026, 4, 9))  # no delivery known: 09/03 + 30 = 08/04


def test_a_delivery_before_the_decision_or_in_the_future_is_refused(session, officer, decided, move):
    case = decided()
    for day in ("2026-03-08", "2026-09-16"):
        with pytest.raises(Refused):
            move(officer, case, "deliver", D(2026, 3, 20), delivered_on=day)
    assert case.delivered_on is None


def test_the_second_round_is_received_on_the_day_the_second_complaint_took_effect(session, clerk, decided, move):
    first = move(clerk, decided(), "recomplain", D(2026, 3, 20))
    second = session.scalar(select(Case).where(Case.parent_case_id == first.id))
    assert (second.received_on, clock.local_date(second.received_at)) == (D(2026, 3, 20), D(2026, 3, 20))


# -- 5, 6. suspensions ----------------------------------------------------------------------------------

def test_resuming_moves_the_periods_own_last_day_and_rolls_over_once(session, clerk, officer, intake, move):
    case = move(clerk, intake(clerk, received_at=at(D(2026, 3, 2))), "accept", D(2026, 3, 5), unit="HT-TNMT")
    assert case.due_on == D(2026, 4, 6)  # day 30 is Sat 04/04
    case = move(officer, move(officer, case, "start_verification", D(2026, 3, 6)), "suspend", D(2026, 3, 10), reason="Giám định")
    case = move(officer, case, "resume", D(2026, 3, 20), reason="Có kết quả")
    assert case.due_on == D(2026, 4, 14)  # 04/04 + 10 (DOMAIN.md §2), not 16/04


def test_the_legal_maximum_of_an_extension_moves_by_the_days_suspended(session, clerk, officer, intake, move):
    case = move(clerk, intake(clerk, received_at=at(D(2026, 3, 2))), "accept", D(2026, 3, 3), unit="HT-TNMT")
    case = move(officer, move(officer, case, "start_verification", D(2026, 3, 4)), "suspend", D(2026, 3, 10), reason="Giám định")
    case = move(officer, case, "resume", D(2026, 3, 20), reason="Có kết quả")
    with pytest.raises(Refused) as refused:
        move(officer, case, "extend", D(2026, 3, 25), due_on="2026-04-29", reason="Phức tạp")
    # 03/03 + 45 = 17/04, + 10 days suspended = 27/04, the day off for the Hùng Kings (26/04 is a Sunday): 28/04
    assert "28/04/2026" in refused.value.message
    case = move(officer, case, "extend", D(2026, 3, 25), due_on="2026-04-27", reason="Phức tạp")
    assert case.due_on == D(2026, 4, 27)


# -- 9. the 2012 rule set ---------------------------------------------------------------------------------

def test_a_denunciation_of_2015_follows_the_denunciation_law_of_2011(session, clerk, officer, intake, move):
    case = intake(clerk, kind="denunciation", received_at=at(D(2015, 3, 2)))
    assert (case.rule_set, case.due_on) == ("vn-2012-07-01", D(2015, 3, 12))  # 10 days to accept
    case = move(clerk, case, "accept", D(2015, 3, 5), unit="HT-TNMT")
    assert case.due_on == D(2015, 5, 4)  # 60 days: Sat 02/05 -> Mon 04/05
    complex_case = move(clerk, intake(clerk, kind="denunciation", received_at=at(D(2015, 3, 2))), "accept", D(2015, 3, 5),
                        unit="HT-TNMT", complex=True, reason="Nhiều nội dung")
    assert complex_case.due_on == D(2015, 6, 3)  # 90 days


def test_a_complaint_of_2013_keeps_todays_complaint_periods(session, clerk, intake, move):
    case = move(clerk, intake(clerk, received_at=at(D(2013, 3, 4))), "accept", D(2013, 3, 5), unit="HT-TNMT")
    assert (case.rule_set, case.due_on) == ("vn-2012-07-01", D(2013, 4, 4))


def test_a_petition_received_before_the_earliest_rule_set_is_a_clear_refusal(session, clerk, intake):
    with pytest.raises(Refused) as refused:
        intake(clerk, kind="denunciation", received_at=at(D(2012, 6, 30)))
    assert refused.value.status == 422 and "01/07/2012" in refused.value.message
    assert session.scalar(select(Case.id)) is None


def test_dialogue_opinions_and_recommendations_before_2012_are_refused_too(session, tree, make_user):
    admin = make_user("admin", tree["TN"])
    dialogue = activity.open_dialogue(session, admin, DialogueIn(host_unit="HT", held_on=D(2011, 5, 4), chair="Chủ tịch",
                                                                 topic="Đất đai"))
    with pytest.raises(Refused) as refused:
        activity.record_opinion(session, admin, dialogue.id, OpinionIn(subject="Đường", content="Sửa đường",
                                                                       settled_on_spot=False, assigned_unit="HT-TNMT",
                                                                       due_on=D(2011, 6, 4)))
    assert "01/07/2012" in refused.value.message
    supervision = activity.open_supervision(session, admin, SupervisionIn(board_unit="HT-MT", subject="Giám sát",
                                                                          started_on=D(2011, 5, 4)))
    with pytest.raises(Refused) as refused:
        activity.issue_recommendation(session, admin, supervision.id, RecommendationIn(
            addressee_unit="HT-TNMT", content="Kiến nghị", issued_on=D(2011, 5, 5)))
    assert "01/07/2012" in refused.value.message


# -- 10. denunciations ------------------------------------------------------------------------------------

@pytest.fixture()
def denunciation(clerk, intake, move):
    def make():
        case = intake(clerk, kind="denunciation", received_at=at(D(2026, 3, 2)))
        return move(clerk, case, "accept", D(2026, 3, 4), unit="HT-TNMT")
    return make


def test_a_withdrawn_denunciation_goes_on_when_there_are_signs_of_a_violation(session, clerk, officer, denunciation, move):
    case = move(clerk, denunciation(), "withdraw", D(2026, 3, 10), note="Đơn xin rút", **{"continue": True})
    assert (case.state, case.final_on) == ("accepted", None)
    assert entries(session, case)[-1].trigger == "withdraw"
    case = move(officer, case, "resolve", D(2026, 3, 30), outcome="upheld", decision_no="3/KL", summary="Tố cáo đúng")
    assert case.state == "resolved"


def test_a_denunciation_withdrawn_without_more_ends(session, clerk, denunciation, move):
    assert move(clerk, denunciation(), "withdraw", D(2026, 3, 10), note="Đơn xin rút").state == "withdrawn"


def test_only_a_denunciation_can_continue_after_a_withdrawal(session, clerk, intake, move):
    case = move(clerk, intake(clerk, received_at=at(D(2026, 3, 2))), "accept", D(2026, 3, 4), unit="HT-TNMT")
    with pytest.raises(Refused):
        move(clerk, case, "withdraw", D(2026, 3, 10), note="Đơn xin rút", **{"continue": True})


def test_a_denouncer_may_denounce_again_to_the_superior_of_the_resolver(session, clerk, officer, denunciation, move):
    case = move(officer, denunciation(), "resolve", D(2026, 3, 30), outcome="rejected", decision_no="3/KL", summary="Sai")
    case = move(clerk, case, "redenounce", D(2026, 4, 15))
    again = session.scalar(select(Case).where(Case.parent_case_id == case.id))
    assert case.state == "escalated"
    assert (again.kind, again.state, again.round, again.received_unit.code, again.received_on) == (
        "denunciation", "received", 2, "HT", D(2026, 4, 15))


def test_a_denunciation_past_its_deadline_may_be_denounced_again_but_not_before(session, clerk, denunciation, move):
    case = denunciation()
    assert case.due_on == D(2026, 4, 3)
    with pytest.raises(Refused):
        move(clerk, case, "redenounce", D(2026, 4, 3))
    assert move(clerk, case, "redenounce", D(2026, 4, 6)).state == "escalated"


# -- trigger effects live on the trigger -------------------------------------------------------------------

def test_accepting_a_boards_answer_does_not_accept_anything_for_resolution(session, tree, make_user):
    admin = make_user("admin", tree["TN"])
    supervision = activity.open_supervision(session, admin, SupervisionIn(board_unit="HT-MT", subject="Giám sát",
                                                                          started_on=D(2026, 3, 2)))
    recommendation = activity.issue_recommendation(session, admin, supervision.id, RecommendationIn(
        addressee_unit="HT-TNMT", content="Kiến nghị", issued_on=D(2026, 3, 3)))
    from tracker.schemas import TransitionIn
    from tracker.services import cases

    for trigger, data in (("answer", {"summary": "Đã khắc phục"}), ("accept", {})):
        recommendation = cases.fire(session, admin, recommendation.id, TransitionIn(
            trigger=trigger, version=recommendation.version, effective_on=D(2026, 3, 10), data=data))
    assert (recommendation.state, recommendation.accepted_on, recommendation.decided_on) == ("accepted", None, D(2026, 3, 10))
