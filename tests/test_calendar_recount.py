"""An administrator's calendar change moves the due dates of the open cases whose periods
span the day, recorded like any other change (DOMAIN.md §2: overrides layered on `holidays`)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tracker.auth.policy import SYSTEM
from tracker.models import HistoryEntry, OutboxMessage
from tracker.schemas import DialogueIn, OpinionIn
from tracker.services import activity
from tracker.services.admin import add_calendar_day
from tracker.services.errors import Conflict, Refused
from tracker.services.history import verify_chains

D = dt.date
VN = dt.timezone(dt.timedelta(hours=7))


def test_a_bridge_day_off_moves_a_working_day_deadline_one_day_later_and_says_so(session, clerk, intake):
    case = intake(clerk, received_at=dt.datetime(2026, 3, 2, 9, tzinfo=VN))
    assert (case.due_on, case.version) == (D(2026, 3, 16), 1)
    change = add_calendar_day(session, SYSTEM, D(2026, 3, 13), "day_off", "QĐ của Thủ tướng (thử nghiệm)")
    session.refresh(case)
    assert (case.due_on, case.version) == (D(2026, 3, 17), 2)
    assert [(m.case_id, m.old_due_on, m.new_due_on) for m in change.recount.moved] == [(case.id, D(2026, 3, 16), D(2026, 3, 17))]
    entry = session.scalars(select(HistoryEntry).where(HistoryEntry.case_id == case.id).order_by(HistoryEntry.seq.desc())).first()
    assert (entry.trigger, entry.from_state, entry.to_state, entry.due_on) == ("recount", "received", "received", D(2026, 3, 17))
    assert entry.data == {"day": "2026-03-13", "old_due_on": "2026-03-16", "new_due_on": "2026-03-17"}
    assert session.scalars(select(OutboxMessage.event).where(OutboxMessage.case_id == case.id)).all()[-1] == "case_recount"
    assert verify_chains(session)[1] == []


def test_a_make_up_working_saturday_brings_a_working_day_deadline_forward(session, clerk, intake):
    case = intake(clerk, received_at=dt.datetime(2026, 3, 2, 9, tzinfo=VN))
    add_calendar_day(session, SYSTEM, D(2026, 3, 7), "working_day", "Làm bù (thử nghiệm)")
    session.refresh(case)
    assert case.due_on == D(2026, 3, 13)


def test_a_calendar_period_ending_on_a_day_off_now_worked_ends_that_day(session, clerk, intake, move):
    case = move(clerk, intake(clerk, received_at=dt.datetime(2026, 3, 30, 9, tzinfo=VN)), "accept", D(2026, 3, 31))
    assert case.due_on == D(2026, 5, 4)  # 30/04 and 01/05 are holidays, 02-03/05 a weekend
    add_calendar_day(session, SYSTEM, D(2026, 5, 2), "working_day", "Làm bù (thử nghiệm)")
    session.refresh(case)
    assert case.due_on == D(2026, 5, 2)


def test_the_recount_replays_suspensions_and_extensions(session, clerk, officer, intake, move):
    case = move(clerk, intake(clerk), "accept", D(2026, 3, 2), unit="HT-TNMT", complex=True, reason="Nhiều hộ")
    case = move(officer, case, "start_verification", D(2026, 3, 3))
    case = move(officer, case, "suspend", D(2026, 3, 10), reason="Chờ giám định")
    case = move(officer, case, "resume", D(2026, 3, 20), reason="Có kết quả")
    # 45 days -> 16/04; +10 days suspended -> 26/04, Hùng Kings' Day (a Sunday), 27/04 its compensation day -> 28/04
    assert case.due_on == D(2026, 4, 28)
    add_calendar_day(session, SYSTEM, D(2026, 4, 28), "day_off", "Nghỉ (thử nghiệm)")
    session.refresh(case)
    assert case.due_on == D(2026, 4, 29)


def test_cases_whose_period_does_not_span_the_day_and_due_dates_set_by_a_chair_stay(session, tree, clerk, intake, move):
    late = intake(clerk, received_at=dt.datetime(2026, 3, 20, 9, tzinfo=VN))
    finished = move(clerk, intake(clerk, received_at=dt.datetime(2026, 3, 2, 9, tzinfo=VN)), "guide", D(2026, 3, 3),
                    to="Tòa án")
    dialogue = activity.open_dialogue(session, clerk, DialogueIn(host_unit="HT", held_on=D(2026, 3, 2), chair="Chủ tịch", topic="Đất"))
    opinion = activity.record_opinion(session, clerk, dialogue.id, OpinionIn(subject="Tái định cư", content="Sớm bố trí",
                                                                             settled_on_spot=False, assigned_unit="HT-TNMT",
                                                                             due_on=D(2026, 3, 16)))
    change = add_calendar_day(session, SYSTEM, D(2026, 3, 13), "day_off", "Nghỉ (thử nghiệm)")
    assert change.recount.moved == []
    for case, due, version in ((late, D(2026, 4, 3), 1), (finished, D(2026, 3, 16), 2), (opinion, D(2026, 3, 16), 1)):
        session.refresh(case)
        assert (case.due_on, case.version) == (due, version)


def test_an_override_that_changes_nothing_or_repeats_a_date_is_refused(session):
    with pytest.raises(Refused):
        add_calendar_day(session, SYSTEM, D(2026, 3, 7), "day_off", "đã là thứ Bảy")
    with pytest.raises(Refused):
        add_calendar_day(session, SYSTEM, D(2026, 3, 9), "working_day", "đã là ngày làm việc")
    add_calendar_day(session, SYSTEM, D(2026, 3, 9), "day_off", "nghỉ")
    with pytest.raises(Conflict):
        add_calendar_day(session, SYSTEM, D(2026, 3, 9), "day_off", "lặp lại")
