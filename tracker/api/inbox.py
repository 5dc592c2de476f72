"""The in-app inbox: your messages, marking one read, your notification choices; and for
administrators the deliveries that failed, with a retry."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict

from tracker.api.blueprint import api
from tracker.api.out import Out
from tracker.api.queries import PageQuery, Query, _boolean
from tracker.boundary import request_session
from tracker.models import OutboxMessage, User
from tracker.services import inbox

TAG = "inbox"
ITEM_ID = "<int(min=1, max=2147483647):item_id>"
ROW_ID = "<int(min=1, max=2147483647):row_id>"


class InboxQuery(PageQuery):
    unread: Annotated[bool, BeforeValidator(_boolean)] | None = None


class InboxItemOut(Out):
    id: int
    created_at: dt.datetime
    read_at: dt.datetime | None
    template: str
    subject: str
    text: str
    case_id: int | None
    tracking_code: str | None


class InboxList(Out):
    items: list[InboxItemOut]
    total: int
    unread: int
    page: int
    per_page: int


class PreferencesOut(Out):
    inbox: bool
    email: Literal["each", "digest", "off"]
    language: Literal["vi", "en"]


class PreferencesIn(BaseModel):
    """Your choices; what you leave out stays as it was."""

    model_config = ConfigDict(extra="forbid", strict=True)
    inbox: bool | None = None
    email: Literal["each", "digest", "off"] | None = None
    language: Literal["vi", "en"] | None = None


class OutboxRowOut(Out):
    id: int
    event: str
    template: str | None
    channel: str
    case_id: int | None
    recipient_unit_id: int | None
    recipient_role: str | None
    recipient_user_id: int | None
    status: str
    attempts: int
    last_error: str | None
    created_at: dt.datetime


class OutboxList(Out):
    items: list[OutboxRowOut]


class OutboxQuery(Query):
    status: Literal["failed", "skipped", "pending"] = "failed"


def _item(entry: inbox.InboxEntry) -> InboxItemOut:
    return InboxItemOut(id=entry.id, created_at=entry.created_at, read_at=entry.read_at, template=entry.template,
                        subject=entry.subject, text=entry.text, case_id=entry.case_id, tracking_code=entry.tracking_code)


def _row(row: OutboxMessage) -> OutboxRowOut:
    return OutboxRowOut(id=row.id, event=row.event, template=row.template, channel=row.channel, case_id=row.case_id,
                        recipient_unit_id=row.recipient_unit_id, recipient_role=row.recipient_role,
                        recipient_user_id=row.recipient_user_id, status=row.status, attempts=row.attempts,
                        last_error=row.last_error, created_at=row.created_at)


@api.route("GET", "/inbox", tag=TAG, query=InboxQuery, summary="Your messages, newest first",
           responses={200: (InboxList, "One page of your messages, with how many are unread.")})
def list_inbox(actor: User, query: InboxQuery) -> InboxList:
    """`unread=true` lists only the unread ones."""
    session = request_session()
    entries, total = inbox.list_inbox(session, actor, unread_only=bool(query.unread), page=query.page, per_page=query.per_page)
    return InboxList(items=[_item(e) for e in entries], total=total, unread=inbox.unread_count(session, actor),
                     page=query.page, per_page=query.per_page)


@api.route("POST", f"/inbox/{ITEM_ID}/read", tag=TAG, summary="Mark a message read",
           responses={200: (InboxItemOut, "The message, read (marking it again changes nothing).")})
def read_item(actor: User, item_id: int) -> InboxItemOut:
    """Someone else's message is a 404."""
    return _item(inbox.mark_read(request_session(), actor, item_id))


@api.route("GET", "/inbox/preferences", tag=TAG, summary="What you receive",
           responses={200: (PreferencesOut, "Your choices per channel, digest and language.")})
def get_preferences(actor: User) -> PreferencesOut:
    """Until you choose: everything, one mail per event, in Vietnamese."""
    p = inbox.preferences(request_session(), actor)
    return PreferencesOut(inbox=p.inbox, email=p.email, language=p.language)  # type: ignore[arg-type]


@api.route("PUT", "/inbox/preferences", tag=TAG, body=PreferencesIn, summary="Choose what you receive",
           responses={200: (PreferencesOut, "Your choices now.")})
def put_preferences(actor: User, body: PreferencesIn) -> PreferencesOut:
    """`email`: `each` (one mail per event), `digest` (one mail a day) or `off`; `inbox`: true or false;
    `language`: `vi` or `en`."""
    p = inbox.set_preferences(request_session(), actor, inbox=body.inbox, email=body.email, language=body.language)
    return PreferencesOut(inbox=p.inbox, email=p.email, language=p.language)  # type: ignore[arg-type]


@api.route("GET", "/outbox", tag=TAG, query=OutboxQuery, errors=(403,), summary="Undelivered messages (admin)",
           responses={200: (OutboxList, "Rows that failed (default), were skipped, or are still pending, newest first.")})
def list_outbox(actor: User, query: OutboxQuery) -> OutboxList:
    """Administrators only (403)."""
    return OutboxList(items=[_row(r) for r in inbox.undelivered(request_session(), actor, status=query.status)])


@api.route("POST", f"/outbox/{ROW_ID}/retry", tag=TAG, errors=(403,), summary="Send a failed message again (admin)",
           responses={200: (OutboxRowOut, "The row, pending again; it is delivered after this request.")})
def retry_row(actor: User, row_id: int) -> OutboxRowOut:
    """People it already reached do not get it twice. Administrators only (403)."""
    return _row(inbox.retry(request_session(), actor, [row_id])[0])
