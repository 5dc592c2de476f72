"""A unit's notification settings (administrators): its webhook and how early its officers are
reminded of a due date. Both live in the unit's `settings`."""
from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from tracker.auth import policy
from tracker.auth.policy import Actor, Operation
from tracker.services.common import unit_by_code
from tracker.services.errors import BadRequest, Forbidden


def _require_admin(actor: Actor) -> None:
    if not policy.may(actor, Operation.MANAGE_OUTBOX):
        raise Forbidden("Chỉ quản trị viên / administrators only")


def set_webhook(session: Session, actor: Actor, code: str, url: str | None) -> str | None:
    """Point the unit's events at `url` with a new signing secret (returned, shown once), or
    remove the webhook when `url` is None."""
    _require_admin(actor)
    unit = unit_by_code(session, code)
    settings = dict(unit.settings or {})
    if url is None:
        settings.pop("webhook", None)
        unit.settings = settings
        session.flush()
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadRequest("Địa chỉ webhook phải là http(s)://... / the webhook must be an http(s) URL", {"fields": {"url": url}})
    secret = secrets.token_hex(32)
    settings["webhook"] = {"url": url, "secret": secret}
    unit.settings = settings
    session.flush()
    return secret


def set_reminder_days(session: Session, actor: Actor, code: str, days: int) -> None:
    """Remind the unit's officers `days` working days before a due date."""
    _require_admin(actor)
    if not 0 <= days <= 30:
        raise BadRequest("Số ngày từ 0 đến 30 / between 0 and 30 days", {"fields": {"days": days}})
    unit = unit_by_code(session, code)
    unit.settings = {**(unit.settings or {}), "reminder_days": days}
    session.flush()
