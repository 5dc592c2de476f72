"""The services behind the desk pages: the queue's order and filters, search by ID number and
phone, earlier cases of the same person, the legal limits the case page shows, the leaders'
reception days against the law's minimum, and the public lookup by a code typed any way."""
from __future__ import annotations

import datetime as dt
from datetime import date as D

import pytest

from tracker.schemas import ReceptionDayIn
from tracker.services import casepage, cases, reception, similar, tracking
from tracker.services.errors import Conflict, Forbidden, Refused

VN = dt.timezone(dt.timedelta(hours=7))


def received(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 8, 0, tzinfo=VN)


# -- the queue ---------------------------------------------------------------------------------------

def test_the_queue_is_overdue_first_then_soonest_due_then_undated(session, clerk, intake, move):
    late = intake(clerk, received_at=received(D(2026, 2, 2)), subject="Cũ nhất")  # due 2026-02-26: overdue on 10/03
    soon = intake(clerk, received_at=received(D(2026, 3, 9)), subject="Mới")
    sooner = intake(clerk, received_at=received(D(2026, 3, 3)), subject="Vừa")
    filed = move(clerk, intake(clerk, received_at=received(D(2026, 1, 5))), "file", D(2026, 1, 6), reason="duplicate")
    found, total = cases.list_cases(session, clerk, cases.CaseQuery(), today=D(2026, 3, 10))
    assert [c.id for c in found][:3] == [late.id, sooner.id, soon.id] and total == 4
    assert found[0].is_overdue(D(2026, 3, 10)) and filed.id in [c.id for c in found]
    found, total = cases.list_cases(session, clerk, cases.CaseQuery(open=True), today=D(2026, 3, 10))
    assert filed.id not in [c.id for c in found] and total == 3
    found, _ = cases.list_cases(session, clerk, cases.CaseQuery(sort="-received_at"), today=D(2026, 3, 10))
    assert [c.id for c in found] == [soon.id, sooner.id, late.id, filed.id]


def test_several_states_and_a_due_date_bound_combine(session, clerk, intake, move):
    received_case = intake(clerk, received_at=received(D(2026, 3, 2)))
    accepted = move(clerk, intake(clerk, received_at=received(D(2026, 3, 2))), "accept", D(2026, 3, 3), unit="HT-TNMT")
    guided = move(clerk, intake(clerk, received_at=received(D(2026, 3, 2))), "guide", D(2026, 3, 3), to="Tòa án")
    found, _ = cases.list_cases(session, clerk, cases.CaseQuery(states=("received", "accepted")))
    assert {c.id for c in found} == {received_case.id, accepted.id}
    found, _ = cases.list_cases(session, clerk, cases.CaseQuery(due_before=received_case.due_on))
    assert {c.id for c in found} == {received_case.id, guided.id}  # the accepted case runs to April
    found, _ = cases.list_cases(session, clerk, cases.CaseQuery(due_before=received_case.due_on, open=True))
    assert {c.id for c in found} == {received_case.id}


@pytest.mark.parametrize("typed", ["079090001111", "0909 123 456", "0909-123-456", "0909123456"])
def test_the_queue_finds_a_citizen_by_id_number_or_phone(session, clerk, intake, typed):
    wanted = intake(clerk, petitioners=[{"full_name": "Nguyễn Văn An", "id_number": "079090001111", "phone": "0909.123.456"}])
    intake(clerk, petitioners=[{"full_name": "Trần Thị Bình", "id_number": "079090002222", "phone": "0912 000 111"}])
    found, total = cases.list_cases(session, clerk, cases.CaseQuery(q=typed))
    assert [c.id for c in found] == [wanted.id] and total == 1


def test_an_id_number_never_finds_another_units_denouncer(session, tree, clerk, officer, intake, move):
    denunciation = intake(clerk, kind="denunciation", petitioners=[{"full_name": "Phạm Văn Kín", "id_number": "079188002222"}])
    move(clerk, denunciation, "accept", D(2026, 3, 4), unit="HT-TNMT")
    assert cases.list_cases(session, clerk, cases.CaseQuery(q="079188002222"))[0] == []
    assert [c.id for c in cases.list_cases(session, officer, cases.CaseQuery(q="079188002222"))[0]] == [denunciation.id]


@pytest.mark.parametrize("typed", ["{code}", "{code_lower}", "{code_plain}", " {code_plain_lower} "])
def test_a_tracking_code_is_found_with_or_without_dashes(session, clerk, intake, typed):
    case = intake(clerk)
    code = case.tracking_code
    text = typed.format(code=code, code_lower=code.lower(), code_plain=code.replace("-", ""),
                        code_plain_lower=code.replace("-", "").lower())
    assert [c.id for c in cases.list_cases(session, clerk, cases.CaseQuery(q=text))[0]] == [case.id]
    assert tracking.track(session, text).tracking_code == code


def test_the_public_lookup_names_the_unit_the_effective_dates_and_the_outcome(session, clerk, officer, intake, move):
    case = move(clerk, intake(clerk), "accept", D(2026, 3, 4), unit="HT-TNMT")
    found = tracking.track(session, case.tracking_code)
    assert (found.unit_name, found.accepted_on, found.outcome, found.last_update_on) == \
        ("Phòng Tài nguyên và Môi trường", D(2026, 3, 4), None, D(2026, 3, 4))
    move(officer, case, "resolve", D(2026, 3, 20), outcome="partly_upheld", decision_no="3/QĐ", summary="Một phần")
    found = tracking.track(session, case.tracking_code)
    assert (found.decided_on, found.outcome, found.last_update_on) == (D(2026, 3, 20), "partly_upheld", D(2026, 3, 20))


# -- earlier cases of the same person ---------------------------------------------------------------

def test_earlier_cases_of_the_same_person_are_found_accent_insensitively(session, clerk, intake):
    first = intake(clerk, petitioners=[{"full_name": "Nguyễn Văn An", "id_number": "079090001111", "phone": "0909 123 456"}])
    intake(clerk, petitioners=[{"full_name": "Trần Thị Bình"}], subject="Phản ánh đèn đường")
    by_name = similar.similar_cases(session, clerk, name="nguyen van an")
    assert [(m.case.id, m.same_name, m.same_id_number) for m in by_name] == [(first.id, True, False)]
    by_phone = similar.similar_cases(session, clerk, phone="0909123456")
    assert [(m.case.id, m.same_phone) for m in by_phone] == [(first.id, True)]
    by_id = similar.similar_cases(session, clerk, id_number="079090001111", name="Someone Else")
    assert by_id[0].case.id == first.id and by_id[0].same_id_number
    assert similar.similar_cases(session, clerk, name="An") == []  # too short to mean a person


def test_a_likely_duplicate_is_found_by_its_subject(session, clerk, intake):
    first = intake(clerk, subject="Khiếu nại quyết định thu hồi đất", petitioners=[{"full_name": "Lê Văn Cường"}])
    found = similar.similar_cases(session, clerk, subject="khieu nai quyet dinh thu hoi dat")
    assert [(m.case.id, m.same_subject, m.same_person) for m in found] == [(first.id, True, False)]


def test_the_desk_is_never_told_that_a_person_denounced_at_another_unit(session, tree, clerk, officer, intake, move):
    denunciation = intake(clerk, kind="denunciation", subject="Tố cáo sai phạm",
                          petitioners=[{"full_name": "Phạm Văn Kín", "id_number": "079188002222"}])
    move(clerk, denunciation, "accept", D(2026, 3, 4), unit="HT-TNMT")
    assert similar.similar_cases(session, clerk, name="Pham Van Kin", id_number="079188002222") == []
    found = similar.similar_cases(session, officer, name="Pham Van Kin")
    assert [(m.case.id, m.same_name) for m in found] == [(denunciation.id, True)]


# -- legal limits on the case page --------------------------------------------------------------------

def test_the_extension_limit_shown_is_the_last_date_the_law_accepts(session, clerk, officer, intake, move):
    case = move(clerk, intake(clerk), "accept", D(2026, 3, 3), unit="HT-TNMT")
    limit = casepage.legal_limits(session, case).extension_until
    assert limit is not None and limit > case.due_on
    with pytest.raises(Refused):
        move(officer, case, "extend", D(2026, 3, 10), due_on=(limit + dt.timedelta(days=1)).isoformat(), reason="Phức tạp")
    case = move(officer, case, "extend", D(2026, 3, 10), due_on=limit.isoformat(), reason="Phức tạp")
    assert case.due_on == limit and casepage.legal_limits(session, case).extension_until is None


def test_the_second_complaint_window_is_shown_once_decided(session, clerk, officer, intake, move):
    case = move(clerk, intake(clerk), "accept", D(2026, 3, 3), unit="HT-TNMT")
    assert casepage.legal_limits(session, case).recomplaint_until is None
    case = move(officer, case, "resolve", D(2026, 3, 20), outcome="rejected", decision_no="4/QĐ", summary="Bác")
    last = casepage.legal_limits(session, case).recomplaint_until
    assert last is not None and last > D(2026, 3, 20)
    with pytest.raises(Refused):
        move(clerk, case, "recomplain", last + dt.timedelta(days=1))


def test_a_stale_version_is_refused_and_changes_nothing(session, clerk, officer, intake, move):
    case = move(clerk, intake(clerk), "accept", D(2026, 3, 3), unit="HT-TNMT")
    stale = case.version
    move(officer, case, "start_verification", D(2026, 3, 5))
    from tracker.schemas import TransitionIn

    with pytest.raises(Conflict):
        cases.fire(session, officer, case.id, TransitionIn(trigger="withdraw", version=stale, data={"note": "Rút"}))
    assert case.state == "verifying"


# -- leaders' reception days ---------------------------------------------------------------------------

def test_a_commune_chair_must_receive_one_day_every_week(session, tree, make_user):
    desk = make_user("reception", tree["HT"])
    for day in (D(2026, 3, 3), D(2026, 3, 12), D(2026, 3, 17)):
        reception.schedule_day(session, desk, ReceptionDayIn(unit="HT-LH", held_on=day, leader="Chủ tịch UBND phường"))
    plan = reception.schedule(session, desk, "HT-LH", 2026, 3)
    # March 2026's weeks are those whose Thursday is in March: 02/03 to 29/03; the week of 23/03 has no day.
    assert [(s.start, s.scheduled) for s in plan.stretches] == [
        (D(2026, 3, 2), 1), (D(2026, 3, 9), 1), (D(2026, 3, 16), 1), (D(2026, 3, 23), 0)]
    assert not plan.met and plan.minimum.source == "TCD 2013 Art. 15"
    reception.schedule_day(session, desk, ReceptionDayIn(unit="HT-LH", held_on=D(2026, 3, 26), leader="Phó Chủ tịch"))
    assert reception.schedule(session, desk, "HT-LH", 2026, 3).met


@pytest.mark.parametrize(("unit", "needed"), [("TN", 1), ("HT", 2), ("HT-TNMT", 1)])
def test_province_district_and_agency_heads_have_a_monthly_minimum(session, tree, make_user, unit, needed):
    admin = make_user("admin", tree["TN"])
    reception.schedule_day(session, admin, ReceptionDayIn(unit=unit, held_on=D(2026, 4, 15), leader="Thủ trưởng"))
    plan = reception.schedule(session, admin, unit, 2026, 4)
    assert [(s.required, s.scheduled) for s in plan.stretches] == [(needed, 1)]
    assert plan.met == (needed == 1)


def test_a_reception_day_is_refused_twice_and_outside_the_area(session, tree, clerk, make_user):
    reception.schedule_day(session, clerk, ReceptionDayIn(unit="HT", held_on=D(2026, 3, 12), leader="Chủ tịch"))
    with pytest.raises(Conflict):
        reception.schedule_day(session, clerk, ReceptionDayIn(unit="HT", held_on=D(2026, 3, 12), leader="Phó Chủ tịch"))
    with pytest.raises(Forbidden):
        reception.schedule_day(session, clerk, ReceptionDayIn(unit="BT", held_on=D(2026, 3, 12), leader="Chủ tịch"))
    with pytest.raises(Forbidden):
        reception.schedule_day(session, make_user("agency", tree["HT-TNMT"]),
                               ReceptionDayIn(unit="HT-TNMT", held_on=D(2026, 3, 13), leader="Trưởng phòng"))
