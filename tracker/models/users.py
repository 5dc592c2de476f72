"""Users, their roles and the API tokens programs sign in with."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base
from tracker.models.types import UTCDateTime, check_in, utcnow
from tracker.models.units import Unit

ROLES = ("admin", "reception", "agency", "supervisor", "leader")
# Why a session ended: the user signed out or ended it from their list, changed their
# password, an administrator revoked it, or the user was deactivated.
THROTTLE_SCOPES = ("pair", "username", "address")
END_REASONS = ("signed_out", "ended_by_user", "password_changed", "revoked", "deactivated")


class User(Base):
    """A person who signs in: reception staff, agency officers, boards, leaders, admins."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(check_in("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    email: Mapped[str | None] = mapped_column(String(255))
    full_name: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")

    # flask-login's protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    @property
    def display_name(self) -> str:
        """The name shown in history and pages."""
        return self.full_name or self.username


class ApiToken(Base):
    """A bearer token for a program; only its SHA-256 is stored, the token is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")


class LoginThrottle(Base):
    """Failed sign-ins of one key within a window: a username and address pair, a username, or
    an address (tracker/services/signin.py). `blocked_until` is when the key may try again."""

    __tablename__ = "login_throttles"
    __table_args__ = (UniqueConstraint("scope", "key"),
                      CheckConstraint(check_in("scope", THROTTLE_SCOPES), name="scope"))

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(150))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    blocked_until: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class UserSession(Base):
    """A person's signed-in session, kept on the server so that it can end at once.

    The cookie carries only a random secret; its SHA-256 is stored. A session is live while
    `ended_at` is empty and `expires_at` is ahead; signing out, a password change, an
    administrator's revocation and deactivating the user set `ended_at` and `end_reason`."""

    __tablename__ = "user_sessions"
    __table_args__ = (CheckConstraint(f"end_reason IS NULL OR {check_in('end_reason', END_REASONS)}", name="end_reason"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User] = relationship(lazy="joined")
