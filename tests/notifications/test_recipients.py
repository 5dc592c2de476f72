"""Who hears about what, counted as the SMTP server, the inbox and the webhook receiver got it:
assignment, due-soon, overdue (twice: when overdue and after 30 days late) and decision
messages reach the people they concern and nobody else, and none carries a denouncer."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import select

from tracker.auth.policy import SYSTEM
from tracker.models import HistoryEntry, InboxItem, OutboxMessage
from tracker.notify import run_sweep
from tracker.schemas import CaseIn, TransitionIn
from tracker.services import cases
from tracker.services.common import working_calendar
from tracker.services.unit_notifications import set_webhook

VN = dt.timezone(dt.timedelta(hours=7))
DENOUNCER = {"full_name": "Trần Thị Bí Mật", "id_number": "079123456789", "phone": "0901234567",
             "address": "Số 7 hẻm Kín, ấp Long Bình"}
SECRETS = ("Bí Mật", "079123456789", "0901234567", "hẻm Kín", "Tố cáo cán bộ địa chính nhận tiền")


@pytest.fixture()
def people(tree: dict[str, Any], make_user: Any, session: Any) -> dict[str, Any]:
    made = {
        "desk": make_user("reception", tree["HT"]),
        "officer1": make_user("agency", tree["HT-TNMT"]),
        "officer2": make_user("agency", tree["HT-TNMT"]),
        "head": make_user("leader", tree["HT-TNMT"]),
        "board": make_user("supervisor", tree["HT-MT"]),
        "elsewhere_officer": make_user("agency", tree["TN-TTR"]),
        "elsewhere_board": make_user("supervisor", tree["BT-MT"]),
        "commune_board": make_user("supervisor", tree["LH-TTND"]),
        "province_head": make_user("leader", tree["TN"]),
    }
    for name, user in made.items():
        user.email = f"{name}@tracker.test"
    session.flush()
    return made


def _fire(s: Any, actor: Any, case_id: int, trigger: str, on: dt.date, **data: Any) -> Any:
    case = cases.get_case_for(s, actor, case_id)
    return cases.fire(s, actor, case_id, TransitionIn(trigger=trigger, version=case.version, effective_on=on, data=data))


def _no_secret(text: str) -> bool:
    return not any(secret in text for secret in SECRETS)


def test_assignment_reminder_escalations_and_decision_reach_the_right_people_only_once(
        make_app, act, people, session, smtp, webhook):
    mailbox, smtp_url = smtp
    receiver, hook_url = webhook
    app = make_app(SMTP_URL=smtp_url)
    receiver.secret = act(app, lambda s: set_webhook(s, SYSTEM, "HT-TNMT", hook_url))
    desk, officer = people["desk"], people["officer1"]

    case_id = act(app, lambda s: cases.intake(s, desk, CaseIn.model_validate({
        "kind": "denunciation", "channel": "in_person", "received_unit": "HT", "subject": SECRETS[-1],
        "content": "Nội dung tố cáo", "received_at": dt.datetime(2026, 3, 2, 8, tzinfo=VN), "petitioners": [DENOUNCER]})).id)
    assert mailbox.messages == []  # logged at the desk by the desk: nobody else to tell yet

    due_on = act(app, lambda s: _fire(s, desk, case_id, "accept", dt.date(2026, 3, 4), unit="HT-TNMT").due_on)
    mailbox.wait_for(2)
    calendar = act(app, working_calendar)
    day_before = due_on - dt.timedelta(days=1)
    while not calendar.is_working_day(day_before):
        day_before -= dt.timedelta(days=1)

    for _ in range(2):  # a second run the same day sends nothing new
        run_sweep(app, day_before)
    mailbox.wait_for(4)
    for _ in range(2):
        run_sweep(app, due_on + dt.timedelta(days=1))
    mailbox.wait_for(6)
    run_sweep(app, due_on + dt.timedelta(days=20))  # still level 1: nothing new
    for _ in range(2):
        run_sweep(app, due_on + dt.timedelta(days=31))
    mailbox.wait_for(8)
    act(app, lambda s: _fire(s, officer, case_id, "resolve", due_on + dt.timedelta(days=32), outcome="rejected",
                             decision_no="12/QĐ-UBND", summary="Không có căn cứ"))
    messages = mailbox.wait_for(9)

    received = Counter(str(m["To"]).split("<")[-1].rstrip(">") for m in messages)
    assert received == {"officer1@tracker.test": 2, "officer2@tracker.test": 2, "head@tracker.test": 2,
                        "board@tracker.test": 2, "desk@tracker.test": 1}
    assert len(messages) == 9 and mailbox.refusals == 0
    subjects = Counter((str(m["To"]).split("<")[-1].rstrip(">"), str(m["Subject"]).split(":")[0].split(" ")[0]) for m in messages)
    assert subjects[("head@tracker.test", "Quá")] == 1 and subjects[("head@tracker.test", "Vẫn")] == 1
    code = session.scalar(select(OutboxMessage.payload).where(OutboxMessage.case_id == case_id).limit(1))["tracking_code"]
    for message in messages:
        text = mailbox.full_text(message)
        assert code in str(message["Subject"]) and f"https://tracker.test/cases/{case_id}" in text
        assert _no_secret(text), text

    # The webhook of the resolving unit got each event once, signed; none carries the denouncer.
    assert [event["event"] for event in receiver.accepted] == ["case_assigned", "due_soon", "overdue", "overdue", "case_decided"]
    assert receiver.refused == 0
    assert all(_no_secret(body.decode()) for _, body in receiver.raw)

    inbox = Counter(session.scalars(select(InboxItem.user_id)))
    assert inbox == {people["officer1"].id: 2, people["officer2"].id: 2, people["head"].id: 2, people["board"].id: 2,
                     people["desk"].id: 1}
    escalations = session.scalars(select(HistoryEntry).where(HistoryEntry.case_id == case_id, HistoryEntry.trigger == "escalate")
                                  .order_by(HistoryEntry.seq)).all()
    assert [(e.data["level"], e.effective_on) for e in escalations] == [
        (1, due_on + dt.timedelta(days=1)), (2, due_on + dt.timedelta(days=31))]
    assert session.scalar(select(OutboxMessage.id).where(OutboxMessage.status != "sent", OutboxMessage.case_id == case_id)) is None


def test_a_person_who_chose_english_and_a_daily_digest_gets_one_english_mail_a_day(make_app, act, people, smtp):
    from tracker.services.inbox import set_preferences

    mailbox, smtp_url = smtp
    app = make_app(SMTP_URL=smtp_url)
    desk, reader = people["desk"], people["officer2"]
    act(app, lambda s: set_preferences(s, reader, email="digest", language="en"))
    ids = []
    for n in range(2):
        ids.append(act(app, lambda s, n=n: cases.intake(s, desk, CaseIn.model_validate({
            "kind": "complaint", "channel": "mail", "received_unit": "HT", "assigned_unit": "HT-TNMT",
            "subject": f"Khiếu nại số {n}", "content": "Nội dung", "received_at": dt.datetime(2026, 3, 2, 8, tzinfo=VN),
            "petitioners": [{"full_name": "Nguyễn Văn An"}]})).id))
    mailbox.wait_for(2)  # officer1 gets one mail per case at once
    assert all("officer1@tracker.test" in str(m["To"]) for m in mailbox.messages)
    run_sweep(app, dt.date(2026, 3, 3))
    run_sweep(app, dt.date(2026, 3, 3))
    messages = mailbox.wait_for(3)
    assert len(messages) == 3
    digest = messages[-1]
    assert "officer2@tracker.test" in str(digest["To"]) and str(digest["Subject"]).startswith("Daily digest 03/03/2026: 2 message(s)")
    assert "assigned to" in mailbox.full_text(digest)
