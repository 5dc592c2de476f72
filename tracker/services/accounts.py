"""People's accounts: the signed-in sessions kept on the server, changing one's password,
and an administrator's hold on the users of their area: their role and unit, a new password,
their sessions (seen and ended), their API tokens, deactivating them.

A session ends at once, for every copy of its cookie, when its row is ended: on signing
out, when the user ends it from their list, changes their password (every other session),
is deactivated, or an administrator revokes their sessions.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from tracker import clock
from tracker.auth import passwords, policy
from tracker.auth.policy import Actor
from tracker.models import ApiToken, Unit, User, UserSession
from tracker.services.admin import check_password, check_role_fits_unit, hash_password, new_token
from tracker.services.common import unit_by_code
from tracker.services.errors import Forbidden, NotFound, Refused

# last_seen_at is written at most this often, so browsing does not write on every request.
TOUCH_INTERVAL = dt.timedelta(minutes=1)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def start_session(session: Session, user: User, *, lifetime: dt.timedelta, address: str, user_agent: str
                  ) -> tuple[UserSession, str]:
    """A new live session for `user` and its secret (for the cookie; only its hash is kept)."""
    secret = secrets.token_urlsafe(32)
    now = clock.now()
    row = UserSession(user_id=user.id, secret_hash=_digest(secret), created_at=now, last_seen_at=now,
                      expires_at=now + lifetime, address=address[:64], user_agent=user_agent[:200])
    session.add(row)
    session.flush()
    return row, secret


def live_session(session: Session, secret: str) -> UserSession | None:
    """The live session a cookie's secret names, if it has not ended or expired and its user is active."""
    if not secret or len(secret) > 100:
        return None
    row = session.scalar(select(UserSession).where(UserSession.secret_hash == _digest(secret),
                                                   UserSession.ended_at.is_(None)))
    now = clock.now()
    if row is None or row.expires_at <= now or not row.user.active:
        return None
    if now - row.last_seen_at > TOUCH_INTERVAL:
        row.last_seen_at = now
    return row


def end_session(session: Session, row: UserSession, reason: str) -> UserSession:
    """End one session (nothing happens to one already ended)."""
    if row.ended_at is None:
        row.ended_at, row.end_reason = clock.now(), reason
        session.flush()
    return row


def end_sessions(session: Session, user_id: int, reason: str, *, keep: int | None = None) -> int:
    """End every live session of a user (but `keep`); how many were ended."""
    stmt = update(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
    if keep is not None:
        stmt = stmt.where(UserSession.id != keep)
    result = session.execute(stmt.values(ended_at=clock.now(), end_reason=reason).execution_options(synchronize_session="fetch"))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def list_own_sessions(session: Session, actor: Actor) -> list[UserSession]:
    """The actor's live sessions, newest first."""
    return list(session.scalars(
        select(UserSession).where(UserSession.user_id == actor.id, UserSession.ended_at.is_(None),
                                  UserSession.expires_at > clock.now()).order_by(UserSession.id.desc())
    ))


def end_own_session(session: Session, actor: Actor, session_id: int) -> UserSession:
    """End one of the actor's sessions; someone else's is a 404."""
    row = session.get(UserSession, session_id)
    if row is None or row.user_id != actor.id:
        raise NotFound("Không tìm thấy phiên đăng nhập / session not found")
    return end_session(session, row, "ended_by_user")


def change_own_password(session: Session, actor: Actor, current: str, new: str, *, keep: int | None) -> int:
    """Change the actor's password after checking the current one; every other session of
    theirs ends (how many did)."""
    user = session.get(User, actor.id)
    if user is None:
        raise NotFound("Không có người dùng / no such user")
    if not check_password(user, current):
        raise Refused("Mật khẩu hiện tại không đúng / the current password is wrong",
                      {"fields": {"current_password": "wrong"}})
    if (weak := passwords.problem(new, user.username)) is not None:
        raise Refused(weak, {"fields": {"new_password": weak}})
    user.password_hash = hash_password(new)
    session.flush()
    return end_sessions(session, user.id, "password_changed", keep=keep)


def managed_user(session: Session, actor: Actor, username: str) -> User:
    """A user of the administrator's area (404 elsewhere, 403 for anyone but an administrator)."""
    return _managed_user(session, actor, username)


def _managed_user(session: Session, actor: Actor, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None or (not policy.unit_in_area(actor, user.unit)):
        raise NotFound(f"Không có người dùng {username} / no user {username}")
    if not policy.may_manage_user(actor, user):
        raise Forbidden("Chỉ quản trị viên / administrators only")
    return user


def revoke_sessions(session: Session, actor: Actor, username: str) -> int:
    """An administrator (or the operator, policy.SYSTEM) ends every session of a user of their area."""
    user = _managed_user(session, actor, username)
    return end_sessions(session, user.id, "revoked")


def deactivate_user(session: Session, actor: Actor, username: str) -> User:
    """An administrator (or the operator) deactivates a user of their area: every session ends
    and their tokens sign no one in from then on."""
    user = _managed_user(session, actor, username)
    user.active = False
    session.flush()
    end_sessions(session, user.id, "deactivated")
    return user


def list_users(session: Session, actor: Actor) -> list[User]:
    """The users of the administrator's area, active first, by unit then name."""
    if not policy.may_administer(actor):
        raise Forbidden("Chỉ quản trị viên / administrators only")

    prefix = policy.area_root_path(actor)
    return list(session.scalars(select(User).join(User.unit).where(Unit.path.like(prefix + "%"))
                                .order_by(User.active.desc(), Unit.path, User.username)))


def change_role_and_unit(session: Session, actor: Actor, username: str, role: str, unit_code: str) -> User:
    """Give a user of the area another role or unit (inside the area). Their sessions end, so
    the new rights apply from their next sign-in; an administrator does not change their own."""
    user = _managed_user(session, actor, username)
    if user.id == actor.id:
        raise Refused("Không thể tự đổi vai trò của mình / you cannot change your own role or unit",
                      {"fields": {"username": "yourself"}})
    unit = unit_by_code(session, unit_code, field="unit")
    if not policy.unit_in_area(actor, unit):
        raise Forbidden("Đơn vị ngoài phạm vi của bạn / that unit is outside your jurisdiction")
    check_role_fits_unit(role, unit)
    if (user.role, user.unit_id) != (role, unit.id):
        user.role, user.unit = role, unit
        session.flush()
        end_sessions(session, user.id, "revoked")
    return user


def reset_password(session: Session, actor: Actor, username: str, password: str) -> int:
    """An administrator sets a new password for a user of their area (the same rules as anyone's
    password); every session of the user ends (how many did)."""
    user = _managed_user(session, actor, username)
    if (weak := passwords.problem(password, user.username)) is not None:
        raise Refused(weak, {"fields": {"password": weak}})
    user.password_hash = hash_password(password)
    session.flush()
    return end_sessions(session, user.id, "password_changed")


def user_sessions(session: Session, actor: Actor, username: str) -> list[UserSession]:
    """A user's live sessions, newest first, for the administrator of their area."""
    user = _managed_user(session, actor, username)
    return list(session.scalars(
        select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None),
                                  UserSession.expires_at > clock.now()).order_by(UserSession.id.desc())
    ))


def end_user_session(session: Session, actor: Actor, username: str, session_id: int) -> UserSession:
    """An administrator ends one session of a user of their area."""
    user = _managed_user(session, actor, username)
    row = session.get(UserSession, session_id)
    if row is None or row.user_id != user.id:
        raise NotFound("Không tìm thấy phiên đăng nhập / session not found")
    return end_session(session, row, "revoked")


def list_tokens(session: Session, actor: Actor) -> list[ApiToken]:
    """The API tokens of the users of the administrator's area, live ones first, newest first."""
    users = {u.id for u in list_users(session, actor)}
    if not users:
        return []
    return list(session.scalars(select(ApiToken).options(selectinload(ApiToken.user)).where(ApiToken.user_id.in_(users))
                                .order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())))


def issue_token_for(session: Session, actor: Actor, username: str) -> tuple[ApiToken, str]:
    """A new API token for an active user of the area; the token itself is shown once, never stored."""
    user = _managed_user(session, actor, username)
    if not user.active:
        raise Refused(f"Người dùng {username} đã bị vô hiệu hóa / {username} is deactivated",
                      {"fields": {"username": "deactivated"}})
    return new_token(session, user)


def revoke_token(session: Session, actor: Actor, token_id: int) -> ApiToken:
    """Revoke one API token of a user of the area: programs using it get 401 from then on."""
    row = session.get(ApiToken, token_id)
    if row is None or not policy.may_manage_user(actor, row.user):
        raise NotFound("Không tìm thấy mã truy cập / token not found")
    if row.revoked_at is None:
        row.revoked_at = clock.now()
        session.flush()
    return row
