"""The procedure from 2026-07-01 (DOMAIN.md §3): a second-round complaint accepted from that day
is not resolved without a recorded dialogue notified at least 5 days ahead; a suspension decision
is due to be sent within 3 working days; a case found complex keeps the written reason."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tracker.models import Case, HistoryEntry
from tracker.services.errors import Refused

D = dt.date


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 0), dt.timezone(dt.timedelta(hours=7)))


@pytest.fixture()
def second_round(session, tree, make_user, intake, move, clock_at):
    """A second-round complaint at the province, accepted on `accepted_on` and verified by its inspectorate."""
    clock_at(D(2026, 10, 30))
    clerk, leader = make_user("reception", tree["HT"]), make_user("leader", tree["HT"])
    officer, province = make_user("agency", tree["HT-TNMT"]), make_user("leader", tree["TN"])
    inspector = make_user("agency", tree["TN-TTR"])

    def make(accepted_on: dt.date) -> tuple[Case, object]:
        start = accepted_on - dt.timedelta(days=40)
        first = intake(clerk, received_at=at(start))
        first = move(leader, first, "accept", start + dt.timedelta(days=1), unit="HT-TNMT")
        first = move(officer, first, "resolve", start + dt.timedelta(days=20), outcome="rejected", decision_no="5/QĐ-TNMT",
                     summary="Giữ nguyên")
        move(clerk, first, "recomplain", start + dt.timedelta(days=25), unit="TN")
        second = session.scalar(select(Case).where(Case.parent_case_id == first.id))
        second = move(province, second, "accept", accepted_on, unit="TN-TTR")
        return move(inspector, second, "start_verification", accepted_on), inspector

    return make


def test_a_second_round_complaint_accepted_from_2026_07_01_is_not_resolved_without_a_dialogue(second_round, move):
    case, inspector = second_round(D(2026, 8, 3))
    with pytest.raises(Refused) as refused:
        move(inspector, case, "resolve", D(2026, 8, 20), outcome="upheld", decision_no="9/QĐ-UBND", summary="Công nhận")
    assert refused.value.code == "dialogue_required"
    case = move(inspector, case, "record_dialogue", D(2026, 8, 14), held_on="2026-08-14", notified_on="2026-08-07",
                complainant_present=False, absence_reason="Ốm, có giấy xác nhận")
    assert move(inspector, case, "resolve", D(2026, 8, 20), outcome="upheld", decision_no="9/QĐ-UBND",
                summary="Công nhận").state == "resolved"


def test_a_second_round_complaint_accepted_before_2026_07_01_keeps_the_old_rule(second_round, move):
    case, inspector = second_round(D(2026, 6, 29))
    assert move(inspector, case, "resolve", D(2026, 7, 20), outcome="rejected", decision_no="3/QĐ-UBND",
                summary="Bác đơn").state == "resolved"


def test_a_dialogue_is_notified_at_least_5_days_before_it_is_held(second_round, move):
    case, inspector = second_round(D(2026, 8, 3))
    with pytest.raises(Refused) as refused:
        move(inspector, case, "record_dialogue", D(2026, 8, 14), held_on="2026-08-14", notified_on="2026-08-10",
             complainant_present=True)
    assert "notified_on" in refused.value.details["fields"]


def test_a_suspension_records_the_day_its_decision_must_be_sent_by(session, clerk, officer, tree, make_user, intake, move,
                                                                    clock_at):
    clock_at(D(2026, 10, 30))
    leader = make_user("leader", tree["HT"])
    case = move(leader, intake(clerk, received_at=at(D(2026, 8, 3))), "accept", D(2026, 8, 4), unit="HT-TNMT")
    case = move(officer, case, "start_verification", D(2026, 8, 5))
    move(officer, case, "suspend", D(2026, 8, 28), reason="Chờ kết quả giám định")  # Friday; 31/08, 01/09 and 02/09 are off
    entry = session.scalars(select(HistoryEntry).where(HistoryEntry.case_id == case.id, HistoryEntry.trigger == "suspend")).one()
    assert entry.data["decision_send_due_on"] == "2026-09-07"  # Thu 03, Fri 04, Mon 07


def test_a_case_found_complex_keeps_the_written_reason(session, clerk, tree, make_user, intake, move, clock_at):
    clock_at(D(2026, 10, 30))
    leader = make_user("leader", tree["HT"])
    case = move(leader, intake(clerk, received_at=at(D(2026, 8, 3))), "accept", D(2026, 8, 4), unit="HT-TNMT",
                complex=True, reason="Liên quan 40 hộ dân và nhiều thời kỳ quản lý đất đai")
    assert (case.complex, case.complex_reason) == (True, "Liên quan 40 hộ dân và nhiều thời kỳ quản lý đất đai")
