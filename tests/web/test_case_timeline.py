"""The case page's timeline: every step has a name in the page's language (the tracker's own
steps too, such as an overdue escalation), and what the tracker wrote in both languages, its
notes and its own name, shows in the page's language only, while a person's note shows as written."""
from __future__ import annotations

import datetime as dt

from tests.web.test_pages import sign_in
from tracker.schemas import TransitionIn
from tracker.services import cases
from tracker.services.reminders import escalate_overdue


def _timeline(client, case_id: int) -> str:
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    return page.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]


def test_the_trackers_own_words_show_in_the_pages_language_and_a_persons_note_as_written(client, session, clerk, officer,
                                                                                         intake, move, clock_at):
    clock_at(dt.date(2026, 3, 4))
    case = move(clerk, intake(clerk), "accept", dt.date(2026, 3, 3), unit="HT-TNMT")
    case = cases.fire(session, officer, case.id, TransitionIn(trigger="start_verification", version=case.version,
                                                              effective_on=dt.date(2026, 3, 4), note="Đo lại ranh / mốc giới"))
    late = case.due_on + dt.timedelta(days=3)
    clock_at(late)
    assert escalate_overdue(session, late) == 1
    session.flush()
    sign_in(client, clerk.username)

    timeline = _timeline(client, case.id)
    escalation = timeline.split("<li>")[1]  # the latest entry first
    assert "Quá hạn: báo cáo lên cấp trên" in escalation and "escalate" not in escalation
    assert "Báo cáo quá hạn lần 1" in escalation and "overdue escalation" not in escalation
    assert "Hệ thống" in escalation and "system" not in escalation
    assert "Đo lại ranh / mốc giới" in timeline  # a person's note, slash and all

    client.set_cookie("lang", "en")
    escalation = _timeline(client, case.id).split("<li>")[1]
    assert "Overdue: reported to the level above" in escalation and "overdue escalation, level 1" in escalation
    assert "system" in escalation and "Hệ thống" not in escalation and "Báo cáo quá hạn" not in escalation
    assert "Đo lại ranh / mốc giới" in _timeline(client, case.id)
