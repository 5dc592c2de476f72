"""The desk pages over HTTP: they call the same services and policy as the API, refuse bad
input on the page with a 4xx and change nothing, and speak Vietnamese unless asked otherwise."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.web.test_pages import csrf_of, sign_in
from tracker.models import Case, ReceptionVisit


@pytest.fixture()
def desk(client, clerk):
    sign_in(client, clerk.username)
    return client


def intake_form(client, **fields):
    token = csrf_of(client.get("/cases/new").get_data(as_text=True))
    data = {"csrf_token": token, "kind": "complaint", "channel": "in_person", "received_unit": "HT",
            "subject": "Khiếu nại thu hồi đất", "content": "Đề nghị xem xét lại.", "p-0-full_name": "Nguyễn Văn An",
            "p-0-id_number": "079090001111", "visit": "new", "reception": "staff", "delegation": "on"}
    data.update(fields)
    return client.post("/cases/new", data={k: v for k, v in data.items() if v is not None})


def test_intake_logs_the_case_and_its_visit_together_and_leads_to_the_receipt(desk, session):
    answer = intake_form(desk, **{"p-1-full_name": "Nguyễn Thị Bình"})
    assert answer.status_code == 302 and re.fullmatch(r"/cases/\d+/receipt", answer.headers["Location"])
    case = session.scalar(select(Case).order_by(Case.id.desc()))
    visit = session.scalar(select(ReceptionVisit))
    assert [p.full_name for p in case.petitioners] == ["Nguyễn Văn An", "Nguyễn Thị Bình"]
    assert visit.persons == 2 and visit.delegation and [c.id for c in visit.cases] == [case.id]
    receipt = desk.get(answer.headers["Location"]).get_data(as_text=True)
    assert case.tracking_code in receipt and "Giấy biên nhận" in receipt and case.due_on.strftime("%d/%m/%Y") in receipt


def test_a_refused_intake_writes_neither_case_nor_visit(desk, session):
    answer = intake_form(desk, **{"p-0-full_name": None, "p-0-id_number": None})
    assert answer.status_code == 422 and "Khiếu nại thu hồi đất" in answer.get_data(as_text=True)
    assert session.scalar(select(func.count(Case.id))) == 0 and session.scalar(select(func.count(ReceptionVisit.id))) == 0


def test_an_agency_officer_may_not_log_a_petition(client, officer, session):
    sign_in(client, officer.username)
    answer = intake_form(client, received_unit="HT-TNMT", visit="")
    assert answer.status_code == 403 and session.scalar(select(func.count(Case.id))) == 0


def test_a_form_without_its_csrf_token_changes_nothing(desk, session):
    answer = desk.post("/cases/new", data={"kind": "complaint", "subject": "x", "content": "y", "p-0-full_name": "A"})
    assert answer.status_code == 400 and session.scalar(select(func.count(Case.id))) == 0


def test_a_case_outside_the_area_does_not_exist_for_the_page(client, tree, make_user, intake):
    theirs = intake(make_user("reception", tree["BT"]), received_unit="BT")
    sign_in(client, make_user("reception", tree["HT"]).username)
    assert client.get(f"/cases/{theirs.id}").status_code == 404


def test_an_action_with_a_stale_version_is_a_409_page_with_the_fresh_case(desk, clerk, intake, session):
    case = intake(clerk)
    page = desk.get(f"/cases/{case.id}").get_data(as_text=True)
    token = csrf_of(page)
    first = desk.post(f"/cases/{case.id}/actions/accept", data={"csrf_token": token, "version": "1", "data.unit": "HT-TNMT"})
    assert first.status_code == 302
    again = desk.post(f"/cases/{case.id}/actions/guide", data={"csrf_token": token, "version": "1", "data.to": "Tòa án"})
    text = again.get_data(as_text=True)
    assert again.status_code == 409 and "vừa được người khác cập nhật" in text and "Đã thụ lý" in text
    session.expire_all()
    assert session.get(Case, case.id).state == "accepted"


def test_the_queue_shows_a_bad_filter_on_the_page(desk):
    answer = desk.get("/cases?due_before=10/03/2026")
    assert answer.status_code == 400 and 'role="alert"' in answer.get_data(as_text=True)


def test_the_queue_never_lists_another_units_denouncer(desk, clerk, intake, move):
    import datetime as dt

    case = intake(clerk, kind="denunciation", petitioners=[{"full_name": "Phạm Văn Kín", "id_number": "079188002222"}])
    move(clerk, case, "accept", dt.date(2026, 3, 4), unit="HT-TNMT")
    page = desk.get("/cases?open=all").get_data(as_text=True)
    assert case.tracking_code in page and "Phạm Văn Kín" not in page
    assert case.tracking_code not in desk.get("/cases?q=079188002222").get_data(as_text=True)


def test_pages_speak_vietnamese_until_english_is_chosen_and_remember_it(client):
    assert "<h1>Đăng nhập</h1>" in client.get("/login").get_data(as_text=True)
    token = csrf_of(client.get("/login").get_data(as_text=True))
    answer = client.post("/language", data={"lang": "en", "next": "/track", "csrf_token": token})
    assert answer.status_code == 302 and answer.headers["Location"] == "/track"
    assert "lang=en" in answer.headers["Set-Cookie"] and "Max-Age=31536000" in answer.headers["Set-Cookie"]
    assert "<h1>Sign in</h1>" in client.get("/login").get_data(as_text=True)
    assert client.post("/language", data={"lang": "en", "next": "https://evil.example/", "csrf_token": token}).headers[
        "Location"] == "/"
