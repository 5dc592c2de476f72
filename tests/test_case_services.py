"""The case services follow DESIGN.md's data path: authorise, check the version the caller read,
ask the engine, write the case, one history entry and the outbox rows — or refuse and write
nothing. Every test runs on SQLite and on PostgreSQL."""
from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from sqlalchemy import func, select

from tracker.auth.policy import SYSTEM
from tracker.models import Case, Decision, HistoryEntry, OutboxMessage, Petitioner
from tracker.schemas import CaseIn, TransitionIn
from tracker.services import cases
from tracker.services.admin import add_calendar_day
from tracker.services.errors import Conflict, Forbidden, NotFound, Refused

D = dt.date
VN = dt.timezone(dt.timedelta(hours=7))


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 0), VN)


def footprint(session):
    """Everything a write leaves behind, to prove a refusal left nothing."""
    return (session.scalar(select(func.count(Case.id))), session.scalar(select(func.count(HistoryEntry.id))),
            session.scalar(select(func.count(OutboxMessage.id))), session.scalar(select(func.count(Decision.id))),
            session.scalar(select(func.max(Case.version))))


# -- deadlines through the services ---------------------------------------------------------------

def test_a_complaint_received_before_tet_2026_is_due_after_it(session, clerk, intake):
    case = intake(clerk, received_at=at(D(2026, 2, 9)))
    assert (case.state, case.due_on, case.rule_set) == ("received", D(2026, 3, 2), "vn-2019-01-01")


def test_a_recommendation_received_before_tet_2027_is_due_after_it(session, clerk, intake, clock_at):
    clock_at(D(2027, 3, 1))
    case = intake(clerk, kind="recommendation", received_at=at(D(2027, 2, 1)))
    assert (case.due_on, case.rule_set) == (D(2027, 2, 22), "vn-2026-07-01")


def test_a_complaint_received_from_2026_07_01_is_accepted_or_refused_within_7_working_days(session, clerk, intake, clock_at):
    clock_at(D(2026, 8, 3))
    before = intake(clerk, received_at=at(D(2026, 6, 30)))
    after = intake(clerk, received_at=at(D(2026, 7, 1)))
    assert (before.due_on, before.rule_set) == (D(2026, 7, 14), "vn-2019-01-01")  # 10 working days
    assert (after.due_on, after.rule_set) == (D(2026, 7, 10), "vn-2026-07-01")  # 7 working days (ND 155/2026)


def test_an_administrator_day_off_counts_for_cases_received_before_and_after_it(session, clerk, intake):
    before = intake(clerk, received_at=at(D(2026, 3, 2)))
    add_calendar_day(session, SYSTEM, D(2026, 3, 10), "day_off", "QĐ nghỉ bù (thử nghiệm)")
    after = intake(clerk, received_at=at(D(2026, 3, 2)))
    session.refresh(before)
    assert (before.due_on, after.due_on) == (D(2026, 3, 17), D(2026, 3, 17))


def test_acceptance_counts_30_days_and_rolls_over_the_april_holidays(session, clerk, officer, intake, move):
    case = intake(clerk, received_at=at(D(2026, 3, 30)))
    case = move(clerk, case, "accept", D(2026, 3, 31), unit="HT-TNMT")
    assert (case.state, case.accepted_on, case.due_on) == ("accepted", D(2026, 3, 31), D(2026, 5, 4))


def test_a_case_accepted_the_day_before_law_136_keeps_the_rule_set_then_in_force(session, clerk, intake, move):
    old = move(clerk, intake(clerk, received_at=at(D(2026, 6, 29))), "accept", D(2026, 6, 30))
    new = move(clerk, intake(clerk, received_at=at(D(2026, 6, 29))), "accept", D(2026, 7, 1))
    assert (old.rule_set, new.rule_set) == ("vn-2019-01-01", "vn-2026-07-01")
    history = session.scalars(select(HistoryEntry.rule_set).where(HistoryEntry.case_id == old.id).order_by(HistoryEntry.seq))
    assert list(history) == ["vn-2019-01-01", "vn-2019-01-01"]


def test_a_suspension_moves_the_due_date_by_the_days_it_lasted(session, clerk, officer, intake, move):
    case = move(clerk, intake(clerk), "accept", D(2026, 3, 2), unit="HT-TNMT")
    assert case.due_on == D(2026, 4, 1)
    case = move(officer, case, "start_verification", D(2026, 3, 3))
    case = move(officer, case, "suspend", D(2026, 3, 10), reason="Chờ giám định")
    assert case.is_overdue(D(2026, 5, 1)) is False  # the clock does not run while suspended
    case = move(officer, case, "resume", D(2026, 3, 20), reason="Có kết quả giám định")
    assert (case.state, case.due_on, case.paused_on) == ("verifying", D(2026, 4, 13), None)


def test_a_decision_after_the_due_date_is_recorded_late(session, clerk, officer, intake, move):
    case = move(clerk, intake(clerk), "accept", D(2026, 3, 2), unit="HT-TNMT")
    case = move(officer, case, "resolve", D(2026, 4, 2), outcome="rejected", decision_no="5/QĐ-UBND", summary="Bác đơn",
                people_disciplined=0, returned_money_vnd="1500000")
    decision = case.latest_decision
    assert (decision.on_time, decision.outcome, str(decision.returned_money_vnd)) == (False, "rejected", "1500000.00")


# -- optimistic concurrency and refusals ------------------------------------------------------------

def test_a_stale_version_is_refused_and_writes_nothing(session, clerk, intake, move):
    case = intake(clerk)
    move(clerk, case, "accept", D(2026, 3, 4), unit="HT-TNMT")
    before = footprint(session)
    with pytest.raises(Conflict) as refused:
        cases.fire(session, clerk, case.id, TransitionIn(trigger="urge", version=1, data={"note": "x"}))
    assert refused.value.status == 409 and refused.value.details == {"current_version": 2, "your_version": 1}
    assert footprint(session) == before


@pytest.mark.parametrize(("trigger", "data", "error"), [
    ("recomplain", {}, Refused),  # a desk's step, but only after a decision
    ("accept", {"unit": "NO-SUCH-UNIT"}, Refused),
    ("accept", {"unit": "BT-P1"}, Refused),  # not at or below the unit processing the case
    ("accept", {"unit": "HT-MT"}, Refused),  # a board never resolves a case
    ("accept", {"complex": True}, Refused),  # a longer period needs its reason
    ("fly_away", {}, Refused),
    ("start_verification", {}, Forbidden),  # an agency's step, not reception's
])
def test_a_refused_trigger_changes_nothing(session, clerk, intake, trigger, data, error):
    case = intake(clerk)
    before = footprint(session)
    with pytest.raises(error):
        cases.fire(session, clerk, case.id, TransitionIn(trigger=trigger, version=1, effective_on=D(2026, 3, 4), data=data))
    assert footprint(session) == before and session.get(Case, case.id).state == "received"


def test_an_effective_date_may_not_precede_the_previous_entry_nor_lie_in_the_future(session, clerk, intake, move, clock_at):
    clock_at(D(2026, 3, 10))
    case = intake(clerk)
    for day in (D(2026, 3, 1), D(2026, 3, 12)):
        with pytest.raises(Refused):
            move(clerk, case, "accept", day)
    assert session.get(Case, case.id).version == 1


def test_a_case_outside_the_actors_jurisdiction_does_not_exist_for_them(session, tree, clerk, make_user, intake, move):
    stranger = make_user("reception", tree["BT"])
    case = intake(clerk)
    with pytest.raises(NotFound):
        cases.view_case(session, stranger, case.id)
    with pytest.raises(NotFound):
        move(stranger, case, "accept", D(2026, 3, 4))


def test_intake_at_a_unit_outside_the_desks_area_is_refused(session, tree, clerk, intake):
    before = footprint(session)
    with pytest.raises(Forbidden):
        intake(clerk, received_unit="BT")
    assert footprint(session) == before


def test_only_reception_and_admins_log_petitions(session, tree, make_user, intake):
    with pytest.raises(Forbidden):
        intake(make_user("agency", tree["HT-TNMT"]), received_unit="HT-TNMT")


def test_a_petition_cannot_be_received_in_the_future(session, clerk, intake, clock_at):
    clock_at(D(2026, 3, 10))
    with pytest.raises(Refused):
        intake(clerk, received_at=at(D(2026, 3, 13)))


@pytest.mark.parametrize("body", [
    {"kind": "complaint", "petitioners": []},
    {"kind": "denunciation", "petitioners": []},
    {"kind": "denunciation", "anonymous": True, "petitioners": [{"full_name": "Lê Văn B"}]},
    {"kind": "opinion"},
    {"subject": "   "},
    {"crowd_size": 0},
    {"extra_field": 1},
])
def test_malformed_intake_data_is_refused_before_anything_happens(clerk, body):
    base = {"kind": "complaint", "channel": "mail", "received_unit": "HT", "subject": "Đơn", "content": "Nội dung",
            "petitioners": [{"full_name": "Nguyễn Văn An"}]}
    with pytest.raises(ValueError):
        CaseIn.model_validate(base | body)


# -- the write path ---------------------------------------------------------------------------------

def test_each_change_writes_the_case_one_history_entry_and_the_outbox_rows_of_whom_it_concerns(session, clerk, intake, move):
    case = intake(clerk)
    before = footprint(session)
    case = move(clerk, case, "accept", D(2026, 3, 4), unit="HT-TNMT")
    cases_, entries, outbox, decisions, _ = footprint(session)
    assert (cases_, entries, outbox, decisions) == (before[0], before[1] + 1, before[2] + 2, before[3])
    assert case.version == 2
    messages = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(2)).all()
    assert {(m.event, m.channel, m.recipient_unit_id, m.payload["state"]) for m in messages} == {
        ("case_accept", "inbox", case.assigned_unit_id, "accepted"), ("case_accept", "email", case.assigned_unit_id, "accepted")}


def test_outbox_rows_of_a_denunciation_carry_no_identity(session, clerk, intake, move):
    case = intake(clerk, kind="denunciation", subject="Tố cáo cán bộ địa chính",
                  petitioners=[{"full_name": "Trần Thị Bí Mật", "id_number": "079123456789", "phone": "0901234567"}])
    case = move(clerk, case, "accept", D(2026, 3, 4), unit="HT-TNMT")
    payloads = session.scalars(select(OutboxMessage.payload).where(OutboxMessage.case_id == case.id)).all()
    text = repr(payloads)
    assert payloads and "Bí Mật" not in text and "079123456789" not in text and "0901234567" not in text
    assert all(p["subject"] is None for p in payloads)


def test_a_second_complaint_opens_the_next_round_at_the_superior_unit(session, tree, clerk, officer, make_user, intake, move):
    first = move(clerk, intake(clerk), "accept", D(2026, 3, 2), unit="HT-TNMT")
    first = move(officer, first, "resolve", D(2026, 3, 20), outcome="rejected", decision_no="9/QĐ", summary="Bác")
    first = move(clerk, first, "recomplain", D(2026, 4, 10))
    second = session.scalar(select(Case).where(Case.parent_case_id == first.id))
    assert first.state == "escalated"
    # The town's Natural Resources office decided in the name of the town's People's Committee (KN Art. 21).
    assert (second.kind, second.state, second.round, second.received_unit.code) == ("complaint", "received", 2, "HT")
    assert [p.full_name for p in second.petitioners] == ["Nguyễn Văn An"]
    accepted = move(make_user("leader", tree["HT"]), second, "accept", D(2026, 4, 13))
    assert accepted.due_on == D(2026, 5, 28)  # 45 days for a second round (KN Art. 37)


def test_a_withdrawal_after_a_decision_is_refused(session, clerk, officer, intake, move):
    case = move(clerk, intake(clerk), "accept", D(2026, 3, 2), unit="HT-TNMT")
    case = move(officer, case, "resolve", D(2026, 3, 20), outcome="upheld", decision_no="1/QĐ", summary="Chấp nhận")
    with pytest.raises(Refused) as refused:
        move(clerk, case, "withdraw", D(2026, 3, 21), note="Xin rút đơn")
    assert refused.value.status == 422


# -- Vietnamese text --------------------------------------------------------------------------------

def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_text_typed_in_nfd_is_stored_in_nfc(session, clerk, officer, intake, move):
    case = intake(clerk, subject=nfd("Khiếu nại về đền bù"), petitioners=[{"full_name": nfd("Nguyễn Thị Hường")}])
    case = move(clerk, case, "accept", D(2026, 3, 4), unit="HT-TNMT")
    case = move(officer, case, "resolve", D(2026, 3, 20), outcome="upheld", decision_no="2/QĐ",
                summary=nfd("Đồng ý điều chỉnh"))
    assert case.subject == "Khiếu nại về đền bù" and unicodedata.is_normalized("NFC", case.subject)
    assert case.petitioners[0].full_name == "Nguyễn Thị Hường"
    assert case.latest_decision.summary == "Đồng ý điều chỉnh"


@pytest.mark.parametrize("query", ["Nguyen Van An", "nguyễn văn an", nfd("Nguyễn"), "NGUYEN", "dat"])
def test_search_finds_names_and_subjects_without_accents(session, clerk, intake, query):
    wanted = intake(clerk, subject="Khiếu nại thu hồi đất")
    intake(clerk, subject="Phản ánh tiếng ồn", petitioners=[{"full_name": "Trần Thị Bình"}])
    found, total = cases.list_cases(session, clerk, cases.CaseQuery(q=query))
    assert [c.id for c in found] == [wanted.id] and total == 1


def test_search_by_name_does_not_reveal_another_units_denouncer(session, tree, clerk, make_user, intake, move):
    denunciation = intake(clerk, kind="denunciation", petitioners=[{"full_name": "Phạm Văn Kín"}])
    move(clerk, denunciation, "accept", D(2026, 3, 4), unit="HT-TNMT")
    found, _ = cases.list_cases(session, clerk, cases.CaseQuery(q="Pham Van Kin"))
    assert found == []
    officer = make_user("agency", tree["HT-TNMT"])
    found, _ = cases.list_cases(session, officer, cases.CaseQuery(q="Pham Van Kin"))
    assert [c.id for c in found] == [denunciation.id]


def test_the_resolving_units_view_of_a_denouncer_is_written_to_the_history(session, tree, clerk, officer, make_user, intake, move):
    case = intake(clerk, kind="denunciation", petitioners=[{"full_name": "Phạm Văn Kín"}])
    case = move(clerk, case, "accept", D(2026, 3, 4), unit="HT-TNMT")
    leader = make_user("leader", tree["HT"])
    assert cases.view_case(session, leader, case.id).identity_visible is False
    view = cases.view_case(session, officer, case.id)
    assert view.identity_visible is True
    assert [h.trigger for h in view.history][-1] == "view_identity"
    assert view.history[-1].actor_id == officer.id


def test_petitioners_are_stored_apart_from_the_case(session, clerk, intake):
    case = intake(clerk, petitioners=[{"full_name": "Võ Văn Tư", "id_number": "012345678901"}])
    row = session.scalar(select(Petitioner).where(Petitioner.case_id == case.id))
    assert row.full_name == "Võ Văn Tư" and not hasattr(Case, "full_name")


def test_a_case_stays_on_the_workflow_version_it_started_under(session, clerk, intake, monkeypatch, move):
    from dataclasses import replace as copy

    from workflows import definitions

    old = intake(clerk)
    v1 = definitions.get("complaint", 1)
    # Version 2 of the procedure drops `guide`; cases started under version 1 keep it.
    v2 = copy(v1, version=2, triggers=tuple(t for t in v1.triggers if t.name != "guide"))
    monkeypatch.setitem(definitions.REGISTRY, ("complaint", 2), v2)
    new = intake(clerk)
    assert (old.workflow_version, new.workflow_version) == (1, 2)
    assert "guide" in cases.view_case(session, clerk, old.id).available_triggers
    assert "guide" not in cases.view_case(session, clerk, new.id).available_triggers
    with pytest.raises(Refused):
        move(clerk, new, "guide", D(2026, 3, 4), to="Tòa án")
    assert move(clerk, old, "guide", D(2026, 3, 4), to="Tòa án").state == "guided"
