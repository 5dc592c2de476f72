"""A person's in-app inbox and notification choices, and the administrators' view of
deliveries that failed, with the retry that sends them again."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from notifications.templates import render
from tracker import clock
from tracker.auth import policy
from tracker.auth.policy import Actor, Operation
from tracker.models import InboxItem, NotificationPreference, OutboxMessage
from tracker.models.outbox import EMAIL_MODES, LANGUAGES
from tracker.services.errors import BadRequest, Forbidden, NotFound
from tracker.services.outbox import dispatch_after_commit


@dataclass(frozen=True)
class InboxEntry:
    """One message as its reader sees it."""

    id: int
    created_at: dt.datetime
    read_at: dt.datetime | None
    template: str
    subject: str
    text: str
    case_id: int | None
    tracking_code: str | None


@dataclass(frozen=True)
class Preferences:
    """What a person chose to receive."""

    inbox: bool
    email: str
    language: str


def _entry(item: InboxItem, message: OutboxMessage, language: str) -> InboxEntry:
    template = message.template or message.event
    rendered = render(template, message.payload, language, base_url="")
    return InboxEntry(item.id, item.created_at, item.read_at, template, rendered.subject, rendered.text.split("\n\n")[0],
                      message.case_id, str(message.payload.get("tracking_code") or "") or None)


def preferences(session: Session, actor: Actor) -> Preferences:
    """The actor's choices (everything, in Vietnamese, until they choose)."""
    pref = session.get(NotificationPreference, actor.id) if actor.id is not None else None
    return Preferences(pref.inbox, pref.email, pref.language) if pref else Preferences(True, "each", "vi")


def set_preferences(session: Session, actor: Actor, *, inbox: bool | None = None, email: str | None = None,
                    language: str | None = None) -> Preferences:
    """Change the actor's choices; what is not given stays."""
    if actor.id is None:
        raise Forbidden("Chỉ người dùng có tài khoản / only a signed-in person has choices")
    if email is not None and email not in EMAIL_MODES:
        raise BadRequest("Chế độ thư không hợp lệ / unknown mail mode", {"fields": {"email": f"one of {', '.join(EMAIL_MODES)}"}})
    if language is not None and language not in LANGUAGES:
        raise BadRequest("Ngôn ngữ không hợp lệ / unknown language", {"fields": {"language": "vi or en"}})
    pref = session.get(NotificationPreference, actor.id)
    if pref is None:
        pref = NotificationPreference(user_id=actor.id, inbox=True, email="each", language="vi")
        session.add(pref)
    if inbox is not None:
        pref.inbox = inbox
    if email is not None:
        pref.email = email
    if language is not None:
        pref.language = language
    session.flush()
    return Preferences(pref.inbox, pref.email, pref.language)


def unread_count(session: Session, actor: Actor) -> int:
    """How many of the actor's messages are unread (the header's badge)."""
    return session.scalar(select(func.count(InboxItem.id)).where(InboxItem.user_id == actor.id, InboxItem.read_at.is_(None))) or 0


def list_inbox(session: Session, actor: Actor, *, unread_only: bool = False, page: int = 1,
               per_page: int = 50) -> tuple[list[InboxEntry], int]:
    """One page of the actor's messages, newest first, and how many there are."""
    stmt = select(InboxItem, OutboxMessage).join(OutboxMessage, OutboxMessage.id == InboxItem.outbox_id).where(
        InboxItem.user_id == actor.id)
    if unread_only:
        stmt = stmt.where(InboxItem.read_at.is_(None))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    language = preferences(session, actor).language
    rows = session.execute(stmt.order_by(InboxItem.id.desc()).offset((page - 1) * per_page).limit(per_page))
    return [_entry(item, message, language) for item, message in rows], total


def mark_read(session: Session, actor: Actor, item_id: int) -> InboxEntry:
    """Mark one of the actor's messages read (again: nothing changes); someone else's is a 404."""
    found = session.execute(select(InboxItem, OutboxMessage).join(OutboxMessage, OutboxMessage.id == InboxItem.outbox_id)
                            .where(InboxItem.id == item_id, InboxItem.user_id == actor.id)).first()
    if found is None:
        raise NotFound("Không có thông báo này / no such message")
    item, message = found
    if item.read_at is None:
        item.read_at = clock.now()
        session.flush()
    return _entry(item, message, preferences(session, actor).language)


# -- administrators: deliveries that did not go --------------------------------------------------

def _require_admin(actor: Actor) -> None:
    if not policy.may(actor, Operation.MANAGE_OUTBOX):
        raise Forbidden("Chỉ quản trị viên / administrators only")


def undelivered(session: Session, actor: Actor, *, status: str = "failed", limit: int = 200) -> list[OutboxMessage]:
    """Rows that failed (or were skipped, or are still pending), newest first; the CLI passes policy.SYSTEM."""
    _require_admin(actor)
    if status not in ("failed", "skipped", "pending"):
        raise BadRequest("Trạng thái không hợp lệ / unknown status", {"fields": {"status": "failed, skipped or pending"}})
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.status == status)
                                .order_by(OutboxMessage.id.desc()).limit(limit)))


def retry(session: Session, actor: Actor, row_ids: list[int]) -> list[OutboxMessage]:
    """Send failed or skipped rows again: back to pending with a fresh count of attempts,
    handed to delivery after the commit. People already reached are not sent it twice."""
    _require_admin(actor)
    rows = list(session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(row_ids))))
    if len(rows) != len(set(row_ids)):
        raise NotFound("Không có thông báo này / no such outbox row")
    for row in rows:
        if row.status == "sent":
            continue
        row.status, row.attempts, row.next_attempt_at, row.enqueued_at = "pending", 0, None, None
    session.flush()
    dispatch_after_commit(session, [row.id for row in rows if row.status == "pending"], requeue=True)
    return rows
