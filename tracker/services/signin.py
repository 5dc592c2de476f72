"""Signing in: password checks slowed down and then refused after repeated failures, and the
API tokens programs sign in with (stored hashed, shown once, revocable).

Failures are counted per username and per client address over a window. After a few, each
further attempt must wait a delay that doubles with every failure (answered 429 with
`Retry-After`, without checking the password); after more, the name or address is refused
until the window has passed. A success clears the username's failures. Every answer is
the same whether or not the username exists.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from argon2 import PasswordHasher
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import InternalError, OperationalError
from sqlalchemy.orm import InstrumentedAttribute, Session, contains_eager

from tracker import clock
from tracker.auth.policy import Actor
from tracker.models import ApiToken, LoginFailure, User
from tracker.services.admin import check_password, hash_password, new_token, token_digest
from tracker.services.errors import NotFound, TooManyAttempts


@dataclass(frozen=True)
class Throttle:
    """How many failures slow down, then refuse, sign-ins for one key within `window`."""

    slow_after: int
    refuse_after: int
    window: dt.timedelta = dt.timedelta(minutes=15)
    max_delay: int = 60  # seconds


# An office's staff may share one address, so an address gets more room than a username.
BY_USERNAME = Throttle(slow_after=3, refuse_after=10)
BY_ADDRESS = Throttle(slow_after=10, refuse_after=50)
TOKEN_TOUCH_INTERVAL = dt.timedelta(minutes=1)

# Checked against when the username is unknown, so both cases take an Argon2 verification.
_DUMMY_HASH: list[str] = []


def _dummy_hash() -> str:
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_password("not-a-password-of-anyone"))
    return _DUMMY_HASH[0]


def _wait_for(session: Session, column: InstrumentedAttribute[str], value: str, rule: Throttle, now: dt.datetime) -> int:
    """Seconds the key must still wait before another attempt (0: go ahead)."""
    since = now - rule.window
    count, last = session.execute(
        select(func.count(LoginFailure.id), func.max(LoginFailure.at)).where(column == value, LoginFailure.at >= since)
    ).one()
    if not count or count < rule.slow_after:
        return 0
    last_at = last if last.tzinfo else last.replace(tzinfo=dt.UTC)
    if count >= rule.refuse_after:
        until = last_at + rule.window
    else:
        until = last_at + dt.timedelta(seconds=min(rule.max_delay, 2 ** (count - rule.slow_after)))
    return max(0, int((until - now).total_seconds() + 0.999))


def authenticate(session: Session, username: str, password: str, address: str) -> User | None:
    """The active user with this username and password, or None (a failure is recorded).

    Raises TooManyAttempts, without checking the password, while the username or the
    address must wait."""
    now = clock.now()
    wait = max(_wait_for(session, LoginFailure.username, username, BY_USERNAME, now),
               _wait_for(session, LoginFailure.address, address, BY_ADDRESS, now))
    if wait:
        raise TooManyAttempts("Đăng nhập sai quá nhiều lần; thử lại sau / too many failed sign-ins; try again later", wait)
    user = session.scalar(select(User).where(User.username == username))
    if user is not None and user.active and check_password(user, password):
        session.execute(delete(LoginFailure).where(LoginFailure.username == username))
        return user
    if user is None or not user.active:
        _verify_dummy(password)
    session.execute(delete(LoginFailure).where(LoginFailure.at < now - dt.timedelta(days=1)))
    session.add(LoginFailure(username=username[:80], address=address[:64], at=now))
    session.flush()
    return None


def _verify_dummy(password: str) -> None:
    try:
        PasswordHasher().verify(_dummy_hash(), password)
    except Exception:  # noqa: BLE001 - the answer is always "no"; only the time spent matters
        pass


# -- tokens --------------------------------------------------------------------------------

def user_for_token(session: Session, token: str) -> User | None:
    """The active user a token belongs to, if it is valid and not revoked.

    One statement finds the token, its user and the user's unit (which every authorisation
    check reads); the use is recorded with a plain UPDATE at most once a minute, so busy
    programs do not write on every request."""
    found = session.execute(
        select(User, ApiToken.id, ApiToken.last_used_at)
        .join(ApiToken, ApiToken.user_id == User.id)
        .join(User.unit)
        .options(contains_eager(User.unit))
        .where(ApiToken.token_hash == token_digest(token), ApiToken.revoked_at.is_(None), User.active.is_(True))
    ).first()
    if found is None:
        return None
    user, token_id, last_used_at = found
    now = clock.now()
    if last_used_at is None or now - last_used_at > TOKEN_TOUCH_INTERVAL:
        # In a savepoint: a database that cannot write now (read-only, full) must still serve reads.
        try:
            with session.begin_nested():
                session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
        except OperationalError:
            pass
        except InternalError as error:
            if getattr(error.orig, "sqlstate", None) != "25006":  # read-only transaction
                raise
    return user


def issue_own_token(session: Session, actor: Actor) -> tuple[ApiToken, str]:
    """A new token for the actor themself: the row and the token, which is never shown again."""
    user = session.get(User, actor.id)
    if user is None:
        raise NotFound("Không có người dùng / no such user")
    return new_token(session, user)


def list_own_tokens(session: Session, actor: Actor) -> list[ApiToken]:
    """The actor's tokens (never the tokens themselves), newest first."""
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == actor.id).order_by(ApiToken.id.desc())))


def revoke_own_token(session: Session, actor: Actor, token_id: int) -> ApiToken:
    """Revoke one of the actor's tokens; someone else's token is a 404."""
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != actor.id:
        raise NotFound("Không tìm thấy mã truy cập / token not found")
    if row.revoked_at is None:
        row.revoked_at = clock.now()
        session.flush()
    return row


def revoke_tokens(session: Session, username: str) -> int:
    """Revoke every live token of a user (the operator's command); how many were revoked."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"Không có người dùng {username} / no user {username}")
    rows = list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))))
    now = clock.now()
    for row in rows:
        row.revoked_at = now
    session.flush()
    return len(rows)
