"""Retries, failures an administrator can see and send again, bad configuration, the webhook
signature and its replay protection, and the inbox — against real SMTP and HTTP servers."""
from __future__ import annotations

import datetime as dt
import json
import time
import urllib.error
import urllib.request
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from notifications.channels import ConfigError
from tests.notifications.conftest import Mailbox, free_port
from tracker import create_app
from tracker.auth.policy import SYSTEM
from tracker.models import InboxItem, OutboxMessage
from tracker.notify import run_sweep
from tracker.schemas import CaseIn
from tracker.services import cases
from tracker.services.admin import issue_token
from tracker.services.unit_notifications import set_webhook

VN = dt.timezone(dt.timedelta(hours=7))
DAY = dt.date(2026, 3, 3)


@pytest.fixture()
def staff(tree: dict[str, Any], make_user: Any, session: Any) -> dict[str, Any]:
    made = {"desk": make_user("reception", tree["HT"]), "officer": make_user("agency", tree["HT-TNMT"]),
            "admin": make_user("admin", tree["TN"]), "other": make_user("agency", tree["TN-TTR"])}
    for name, user in made.items():
        user.email = f"{name}@tracker.test"
    session.flush()
    return made


def _assign(app: Any, act: Any, desk: Any, subject: str = "Khiếu nại về bồi thường") -> int:
    return act(app, lambda s: cases.intake(s, desk, CaseIn.model_validate({
        "kind": "complaint", "channel": "mail", "received_unit": "HT", "assigned_unit": "HT-TNMT", "subject": subject,
        "content": "Nội dung", "received_at": dt.datetime(2026, 3, 2, 8, tzinfo=VN),
        "petitioners": [{"full_name": "Nguyễn Văn An"}]})).id)


def _email_row(session: Any, case_id: int) -> OutboxMessage:
    row = session.scalar(select(OutboxMessage).where(OutboxMessage.case_id == case_id, OutboxMessage.channel == "email"))
    session.refresh(row)
    return row


def test_a_mail_server_refusing_for_a_while_gets_the_message_once_after_retries(make_app, act, staff, session, smtp):
    mailbox, smtp_url = smtp
    mailbox.refuse_next = 2
    app = make_app(SMTP_URL=smtp_url)
    case_id = _assign(app, act, staff["desk"])
    row = _email_row(session, case_id)
    assert (row.status, row.attempts, mailbox.refusals) == ("pending", 1, 1) and "451" in row.last_error
    run_sweep(app, DAY)  # second try: refused again
    run_sweep(app, DAY)  # third try: accepted
    messages = mailbox.wait_for(1)
    row = _email_row(session, case_id)
    assert (row.status, row.attempts, mailbox.refusals, len(messages)) == ("sent", 3, 2, 1)
    run_sweep(app, DAY)
    assert len(mailbox.messages) == 1


def test_an_unreachable_mail_server_fails_the_row_visibly_and_an_admin_retry_delivers_it(make_app, act, staff, session):
    port = free_port()  # nobody listens here yet
    app = make_app(SMTP_URL=f"smtp://127.0.0.1:{port}", NOTIFY_MAX_ATTEMPTS=2)
    case_id = _assign(app, act, staff["desk"])
    run_sweep(app, DAY)
    row = _email_row(session, case_id)
    assert (row.status, row.attempts) == ("failed", 2) and "SMTP" in row.last_error
    client = app.test_client()
    token = act(app, lambda s: issue_token(s, staff["admin"].username))
    officer_token = act(app, lambda s: issue_token(s, staff["officer"].username))
    listed = client.get("/api/v1/outbox", headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200 and [r["id"] for r in listed.get_json()["items"]] == [row.id]
    assert client.get("/api/v1/outbox", headers={"Authorization": f"Bearer {officer_token}"}).status_code == 403

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        # buffered: the test client then closes the response as a server does, which runs what waits for it.
        retried = client.post(f"/api/v1/outbox/{row.id}/retry", headers={"Authorization": f"Bearer {token}"}, buffered=True)
        assert retried.status_code == 200 and retried.get_json()["status"] == "pending"
        messages = mailbox.wait_for(1)
    finally:
        controller.stop()
    assert len(messages) == 1 and "officer@tracker.test" in str(messages[0]["To"])
    assert _email_row(session, case_id).status == "sent"


def test_a_malformed_smtp_url_is_refused_when_the_app_starts(db_url):
    for url in ("http://mail.example:25", "smtp://", "smtp://host:port"):
        with pytest.raises(ConfigError, match="SMTP_URL"):
            create_app({"DATABASE_URL": db_url, "SECRET_KEY": "x", "SMTP_URL": url})


def test_the_cli_names_a_malformed_smtp_url_and_exits_1(db_url, monkeypatch):
    from click.testing import CliRunner

    from tracker.cli import main

    monkeypatch.setenv("SMTP_URL", "smtp//nohost")
    result = CliRunner().invoke(main, ["sweep", "--database-url", db_url])
    assert result.exit_code == 1 and "SMTP_URL" in result.output


def test_webhook_events_verify_and_a_replayed_or_altered_body_is_refused(make_app, act, staff, webhook):
    receiver, url = webhook
    app = make_app()
    receiver.secret = act(app, lambda s: set_webhook(s, SYSTEM, "HT-TNMT", url))
    case_id = _assign(app, act, staff["desk"])
    assert [e["event"] for e in receiver.accepted] == ["case_assigned"] and receiver.accepted[0]["case"]["case_id"] == case_id
    headers, body = receiver.raw[0]

    def post(headers: dict[str, str], body: bytes) -> int:
        request = urllib.request.Request(url, data=body, method="POST", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)

    wanted = {k: v for k, v in headers.items() if k.lower().startswith("x-tracker") or k.lower() == "content-type"}
    assert post(wanted, body) == 401  # the same event again: a replay
    altered = json.dumps({**json.loads(body), "event": "case_decided", "id": "other"}).encode()
    assert post(wanted, altered) == 401  # the signature no longer matches
    receiver.now = lambda: time.time() + 3600
    assert post(wanted, body) == 401  # an hour later: outside the window
    assert (len(receiver.accepted), receiver.refused) == (1, 3)


def test_the_inbox_lists_marks_read_and_hides_other_peoples_messages(make_app, act, staff, session):
    app = make_app()
    _assign(app, act, staff["desk"], "Khiếu nại thứ nhất")
    _assign(app, act, staff["desk"], "Khiếu nại thứ hai")
    client = app.test_client()
    token = act(app, lambda s: issue_token(s, staff["officer"].username))
    other = act(app, lambda s: issue_token(s, staff["other"].username))
    auth = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/inbox", headers=auth).get_json()
    assert (listed["total"], listed["unread"]) == (2, 2)
    first = listed["items"][0]
    assert first["subject"].startswith(f"Hồ sơ {first['tracking_code']} được giao cho")
    assert client.post(f"/api/v1/inbox/{first['id']}/read", headers={"Authorization": f"Bearer {other}"}).status_code == 404
    read = client.post(f"/api/v1/inbox/{first['id']}/read", headers=auth)
    assert read.status_code == 200 and read.get_json()["read_at"] is not None
    assert client.get("/api/v1/inbox?unread=true", headers=auth).get_json()["total"] == 1
    assert client.get("/api/v1/inbox", headers={"Authorization": f"Bearer {other}"}).get_json()["total"] == 0
    assert session.scalar(select(InboxItem.read_at).where(InboxItem.id == first["id"])) is not None


def test_the_inbox_page_shows_the_unread_count_in_the_header(make_app, act, staff):
    from tests.conftest import TEST_PASSWORD

    app = make_app()
    _assign(app, act, staff["desk"])
    client = app.test_client()
    page = client.get("/login")
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/login", data={"username": staff["officer"].username, "password": TEST_PASSWORD, "csrf_token": token})
    html = client.get("/inbox").get_data(as_text=True)
    assert 'id="inbox-unread"' in html and '>1</span>' in html.split('id="inbox-unread"')[1][:80]
    assert "được giao cho" in html


def test_a_change_made_through_the_api_is_delivered_after_the_response(make_app, act, staff, smtp):
    mailbox, smtp_url = smtp
    app = make_app(SMTP_URL=smtp_url)
    client = app.test_client()
    token = act(app, lambda s: issue_token(s, staff["desk"].username))
    response = client.post("/api/v1/cases", headers={"Authorization": f"Bearer {token}"}, buffered=True, json={
        "kind": "complaint", "channel": "mail", "received_unit": "HT", "assigned_unit": "HT-TNMT", "subject": "Khiếu nại",
        "content": "Nội dung", "petitioners": [{"full_name": "Nguyễn Văn An"}]})
    assert response.status_code == 201
    messages = mailbox.wait_for(1)
    assert len(messages) == 1 and response.get_json()["tracking_code"] in str(messages[0]["Subject"])
