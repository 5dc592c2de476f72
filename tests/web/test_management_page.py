"""The 06/QLKNTC management records page (/management): a leader records a managing document, a training session
and a responsibility inspection through the same services as the API and sees them listed; bad
input is refused on the page and writes nothing; other roles see the records but no forms."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from tests.web.test_pages import csrf_of, sign_in
from tracker.models.management import ManagementDocument, ResponsibilityInspection, TrainingSession


def _post(client, kind: str, **form):
    token = csrf_of(client.get("/management").get_data(as_text=True))
    return client.post(f"/management/{kind}", data={"csrf_token": token, **form})


def test_a_leader_records_a_document_a_training_and_an_inspection(client, tree, make_user, session, clock_at):
    clock_at(dt.date(2026, 5, 20))
    leader = make_user("leader", tree["HT"])
    sign_in(client, leader.username)
    assert _post(client, "document", unit="HT", issued_on="2026-05-04", number="15/QĐ-UBND", action="issued",
                 title="Quy chế tiếp công dân").status_code == 302
    assert _post(client, "training", unit="HT", held_on="2026-05-12", attendees="45",
                 topic="Phổ biến Luật Khiếu nại sửa đổi").status_code == 302
    assert _post(client, "inspection", unit="HT", started_on="2026-05-15", units_inspected="3",
                 subject="Trách nhiệm thực hiện Luật Tiếp công dân").status_code == 302
    page = client.get("/management?year=2026").get_data(as_text=True)
    for text in ("15/QĐ-UBND", "Quy chế tiếp công dân", "Phổ biến Luật Khiếu nại sửa đổi", "45",
                 "Trách nhiệm thực hiện Luật Tiếp công dân", "04/05/2026", "15/05/2026"):
        assert text in page
    assert session.scalar(select(TrainingSession.attendees)) == 45


def test_bad_input_is_refused_on_the_page_and_writes_nothing(client, tree, make_user, session, clock_at):
    clock_at(dt.date(2026, 5, 20))
    sign_in(client, make_user("leader", tree["HT"]).username)
    future = _post(client, "document", unit="HT", issued_on="2026-06-30", number="1/QĐ", action="issued", title="Sau")
    no_people = _post(client, "training", unit="HT", held_on="2026-05-12", attendees="0", topic="Không ai dự")
    not_a_date = _post(client, "inspection", unit="HT", started_on="15/05", subject="Ngày sai")
    outside = _post(client, "training", unit="BT", held_on="2026-05-12", attendees="5", topic="Ngoài địa bàn")
    for answer in (future, no_people, not_a_date, outside):
        assert 400 <= answer.status_code < 500 and 'role="alert"' in answer.get_data(as_text=True)
    for model in (ManagementDocument, TrainingSession, ResponsibilityInspection):
        assert session.scalar(select(func.count()).select_from(model)) == 0


def test_a_receptionist_sees_the_records_without_the_forms(client, tree, make_user, clock_at):
    clock_at(dt.date(2026, 5, 20))
    sign_in(client, make_user("reception", tree["HT"]).username)
    page = client.get("/management")
    assert page.status_code == 200 and 'id="new-document"' not in page.get_data(as_text=True)
    token = csrf_of(client.get("/visits").get_data(as_text=True))
    refused = client.post("/management/training", data={"csrf_token": token, "unit": "HT", "held_on": "2026-05-12",
                                                     "attendees": "5", "topic": "Tập huấn"})
    assert refused.status_code == 403
