"""Signing in: password checks slowed down and then refused after repeated failures, and the
API tokens programs sign in with (stored hashed, shown once, revocable).

Failures are counted per username and address pair, per username and per address, in
`login_throttles`, each count moved by one atomic INSERT ... ON CONFLICT DO UPDATE that
also reserves the attempt: of any number of simultaneous attempts only those the rules allow
reach the password check. After a few failures of a pair, each further attempt must wait a
delay that doubles with every failure (answered 429 with `Retry-After`, without checking the
password); after more, the pair is refused until the window has passed. An address failing
for many usernames is slowed down and then refused the same way. A username failing from
many addresses is slowed down, but only for addresses that have been failing themselves:
nobody can keep an account locked, and the right password from an address that has not
been failing always works. A success clears the pair's and the username's failures. Every
answer is the same whether or not the username exists.
"""
from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import ColumnElement, Select, Table, bindparam, case, delete, func, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import InternalError, OperationalError
from sqlalchemy.orm import Session

from tracker import clock
from tracker.auth.policy import Actor
from tracker.models import ApiToken, LoginThrottle, Unit, User
from tracker.models.types import UTCDateTime
from tracker.services.admin import check_password, hash_password, new_token, token_digest
from tracker.services.errors import NotFound, TooManyAttempts
from tracker.services.rowjson import attached, loaded, record, values


@dataclass(frozen=True)
class Throttle:
    """How many failures slow down, then refuse (None: never), sign-ins for one key within `window`."""

    scope: str
    slow_after: int
    refuse_after: int | None
    window: dt.timedelta = dt.timedelta(minutes=15)
    max_delay: int = 60  # seconds

    def delay(self, failures: int) -> dt.timedelta:
        """How long the key must wait after its `failures`-th failure."""
        if self.refuse_after is not None and failures >= self.refuse_after:
            return self.window
        if failures < self.slow_after:
            return dt.timedelta(0)
        return dt.timedelta(seconds=min(self.max_delay, 2 ** (failures - self.slow_after)))

    @property
    def steps(self) -> int:
        """The failure count from which the delay no longer changes."""
        if self.refuse_after is not None:
            return self.refuse_after
        return self.slow_after + math.ceil(math.log2(self.max_delay)) + 1


# A username and address pair is what guessing looks like; an office's staff may share one
# address, so an address gets more room; a username alone is only ever slowed down.
BY_PAIR = Throttle("pair", slow_after=3, refuse_after=10)
BY_ADDRESS = Throttle("address", slow_after=10, refuse_after=50)
BY_USERNAME = Throttle("username", slow_after=10, refuse_after=None)
TOKEN_TOUCH_INTERVAL = dt.timedelta(minutes=1)

# Checked against when the username is unknown, so both cases take an Argon2 verification.
_DUMMY_HASH: list[str] = []


def _dummy_hash() -> str:
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_password("not-a-password-of-anyone"))
    return _DUMMY_HASH[0]


def _at(moment: dt.datetime) -> ColumnElement[dt.datetime]:
    return literal(moment, UTCDateTime)


def _count(session: Session, rule: Throttle, key: str, now: dt.datetime, *, gated: bool = True) -> int | None:
    """Count one more attempt for `key`, in one statement; None (nothing counted) when the key
    must still wait. The new count otherwise."""
    table = LoginThrottle.__table__
    assert isinstance(table, Table)
    insert = (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)(table)
    expired = table.c.window_started_at < _at(now - rule.window)
    failures = case((expired, 1), else_=table.c.failures + 1)
    blocked_until = case(*[(failures == n, _at(now + rule.delay(n))) for n in range(1, rule.steps)],
                         else_=_at(now + rule.delay(rule.steps)))
    upsert = insert.values(scope=rule.scope, key=key, failures=1, window_started_at=now, blocked_until=now + rule.delay(1))
    stmt = upsert.on_conflict_do_update(
        index_elements=["scope", "key"],
        set_={"failures": failures, "window_started_at": case((expired, _at(now)), else_=table.c.window_started_at),
              "blocked_until": blocked_until},
        where=or_(expired, table.c.blocked_until <= _at(now)) if gated else None,
    ).returning(table.c.failures)
    row = session.execute(stmt).first()
    return None if row is None else int(row[0])


def _wait(session: Session, rule: Throttle, key: str, now: dt.datetime) -> int:
    until = session.scalar(select(LoginThrottle.blocked_until).where(LoginThrottle.scope == rule.scope,
                                                                      LoginThrottle.key == key))
    return max(1, math.ceil(((until or now) - now).total_seconds()))


def _keys(username: str, address: str) -> dict[str, str]:
    return {"pair": f"{username[:80]} {address[:64]}", "username": username[:80], "address": address[:64]}


def authenticate(session: Session, username: str, password: str, address: str) -> User | None:
    """The active user with this username and password, or None (the failure stays counted).

    Raises TooManyAttempts, without checking the password, while the pair, the address, or
    (for an address that has been failing) the username must wait; the caller's rollback
    then uncounts the attempt."""
    now = clock.now()
    keys = _keys(username, address)
    # Always in this order (address, pair, username), so parallel attempts queue on the same rows.
    by_address = _count(session, BY_ADDRESS, keys["address"], now)
    if by_address is None:
        raise _too_many(_wait(session, BY_ADDRESS, keys["address"], now))
    if _count(session, BY_PAIR, keys["pair"], now) is None:
        raise _too_many(_wait(session, BY_PAIR, keys["pair"], now))
    address_was_failing = by_address > 1
    if _count(session, BY_USERNAME, keys["username"], now, gated=address_was_failing) is None:
        raise _too_many(_wait(session, BY_USERNAME, keys["username"], now))
    session.flush()
    user = session.scalar(select(User).where(User.username == username))
    if user is not None and user.active and check_password(user, password):
        _forget_success(session, keys, now)
        return user
    if user is None or not user.active:
        _verify_dummy(password)
    session.execute(delete(LoginThrottle).where(LoginThrottle.window_started_at < now - dt.timedelta(days=1)))
    return None


def _forget_success(session: Session, keys: dict[str, str], now: dt.datetime) -> None:
    # The pair's and the username's failures are cleared; the address's count loses only this
    # attempt, so one colleague signing in does not clear a guesser's count at a shared address.
    session.execute(delete(LoginThrottle).where(
        or_(*[(LoginThrottle.scope == scope) & (LoginThrottle.key == keys[scope]) for scope in ("pair", "username")])))
    remaining = LoginThrottle.failures - 1
    session.execute(update(LoginThrottle).where(LoginThrottle.scope == "address", LoginThrottle.key == keys["address"])
                    .values(failures=remaining,
                            blocked_until=case((remaining < BY_ADDRESS.slow_after, _at(now)), else_=LoginThrottle.blocked_until)))


def _too_many(wait: int) -> TooManyAttempts:
    return TooManyAttempts("Đăng nhập sai quá nhiều lần; thử lại sau / too many failed sign-ins; try again later", wait)


def _verify_dummy(password: str) -> None:
    try:
        PasswordHasher().verify(_dummy_hash(), password)
    except Exception:  # noqa: BLE001 - the answer is always "no"; only the time spent matters
        pass


# -- tokens --------------------------------------------------------------------------------

_TOKEN_STATEMENTS: dict[str, Select[Any]] = {}


def _token_statement(dialect: Dialect) -> Select[Any]:
    """The live token with this digest, its active user and the user's unit, as one JSON value
    (tracker/services/rowjson.py): [token, user, unit]."""
    found = _TOKEN_STATEMENTS.get(dialect.name)
    if found is None:
        tokens, users, units = ApiToken.__table__, User.__table__, Unit.__table__
        array = func.json_build_array if dialect.name == "postgresql" else func.json_array
        found = _TOKEN_STATEMENTS[dialect.name] = (
            select(array(record(tokens, dialect), record(users, dialect), record(units, dialect)))
            .select_from(tokens.join(users, users.c.id == tokens.c.user_id).join(units, units.c.id == users.c.unit_id))
            .where(tokens.c.token_hash == bindparam("digest"), tokens.c.revoked_at.is_(None), users.c.active.is_(True))
        )
    return found


def user_for_token(session: Session, token: str) -> User | None:
    """The active user a token belongs to, if it is valid and not revoked.

    One statement finds the token, its user and the user's unit (which every authorisation
    check reads), sent as one JSON value: the driver describes one column and the ORM builds
    no loader, a third of what loading the three through the ORM cost. The user and its unit
    join the session as if it had loaded them. The use is recorded with a plain UPDATE at most
    once a minute, so busy programs do not write on every request."""
    connection = session.connection()
    dialect = connection.dialect
    document = connection.execute(_token_statement(dialect), {"digest": token_digest(token)}).scalar()
    if document is None:
        return None
    if isinstance(document, str):  # SQLite sends the text; psycopg parses JSON itself
        document = json.loads(document)
    token_row, user_row, unit_row = document
    found = values(ApiToken.__table__, dialect, token_row)
    user = attached(session, loaded(User, dialect, user_row, unit=attached(session, loaded(Unit, dialect, unit_row))))
    now = clock.now()
    last_used_at = found["last_used_at"]
    if last_used_at is None or now - last_used_at > TOKEN_TOUCH_INTERVAL:
        # In a savepoint: a database that cannot write now (read-only, full) must still serve reads.
        try:
            with session.begin_nested():
                session.execute(update(ApiToken).where(ApiToken.id == found["id"]).values(last_used_at=now))
        except OperationalError as error:
            if error.connection_invalidated:
                raise  # the connection is gone (a restart): the request cannot go on, it is a 503
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
