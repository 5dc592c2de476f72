"""Sign-in endpoints: password sign-in and sign-out for people, who-am-I, the CSRF token,
a person's own sessions (listed, ended) and password, and their own API tokens (created and
shown once, listed, revoked)."""
from __future__ import annotations

import datetime as dt

from flask import request
from pydantic import Field

from tracker import clock
from tracker.api import out
from tracker.api.blueprint import api
from tracker.api.registry import Reply
from tracker.auth import sessions
from tracker.boundary import request_session
from tracker.models import User, UserSession
from tracker.schemas import LoginIn, PasswordChangeIn
from tracker.services import accounts, signin

TAG = "auth"


class SignedOut(out.Out):
    signed_out: bool


class SessionOut(out.Out):
    id: int
    created_at: out.Timestamp
    last_seen_at: out.Timestamp
    expires_at: out.Timestamp
    ended_at: out.Timestamp | None
    address: str
    user_agent: str
    current: bool = Field(description="True for the session this request came with.")


class SessionList(out.Out):
    items: list[SessionOut]


class PasswordChanged(out.Out):
    sessions_ended: int = Field(description="How many of your other sessions the change ended.")


def _local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(clock.LOCAL)


def _session_out(row: UserSession) -> SessionOut:
    current = sessions.current_session()
    return SessionOut(id=row.id, created_at=_local(row.created_at), last_seen_at=_local(row.last_seen_at),
                      expires_at=_local(row.expires_at),
                      ended_at=_local(row.ended_at) if row.ended_at else None,
                      address=row.address, user_agent=row.user_agent, current=current is not None and current.id == row.id)


@api.route("POST", "/auth/login", tag=TAG, auth="public", body=LoginIn, errors=(401, 422, 429),
           summary="Sign in with username and password (session cookie)",
           responses={200: (out.LoginOut, "Signed in: the session cookie is set; send `csrf_token` as X-CSRF-Token on writes.")},
           response_headers={429: {"Retry-After": "Seconds to wait before trying again."}})
def login(body: LoginIn) -> Reply | out.LoginOut:
    """Repeated failures for one username or address are slowed down, then refused for a while (429).
    A wrong password and an unknown username get the same answer."""
    user = signin.authenticate(request_session(), body.username, body.password, request.remote_addr or "unknown")
    if user is None:
        # Returned, not raised: the recorded failure must be committed.
        error = out.ErrorOut(error=out.ErrorDetail(code="invalid_credentials", details={},
                                                    message="Sai tên đăng nhập hoặc mật khẩu / wrong username or password"))
        return Reply(error, status=401)
    token = sessions.start_session(user)
    return out.LoginOut(user=out.user_out(user, "session"), csrf_token=token)


@api.route("POST", "/auth/logout", tag=TAG, summary="Sign out (ends the session)",
           responses={200: (SignedOut, "Signed out.")})
def logout(actor: User) -> SignedOut:
    """Ends the session; a bearer token stays valid (revoke it with DELETE /auth/tokens/{id})."""
    sessions.end_session()
    return SignedOut(signed_out=True)


@api.route("GET", "/auth/me", tag=TAG, summary="Who is signed in", responses={200: (out.UserOut, "The signed-in user.")})
def me(actor: User) -> out.UserOut:
    """The user this request is authenticated as, and how."""
    return out.user_out(actor, sessions.auth_method() or "session")


@api.route("GET", "/auth/csrf", tag=TAG, summary="The session's CSRF token",
           responses={200: (out.CsrfOut, "Send it as the X-CSRF-Token header on cookie-authenticated writes.")})
def csrf(actor: User) -> out.CsrfOut:
    """The token cookie-authenticated POST/PUT/PATCH/DELETE requests must carry."""
    return out.CsrfOut(csrf_token=sessions.csrf_token())


@api.route("POST", "/auth/tokens", tag=TAG, auth="session", summary="Create an API token for yourself",
           responses={201: (out.NewTokenOut, "The token, shown this once; only its hash is kept.")})
def create_token(actor: User) -> out.NewTokenOut:
    """Only a person signed in with a password may create tokens (a token cannot make more)."""
    row, token = signin.issue_own_token(request_session(), actor)
    return out.NewTokenOut(**out.token_out(row).model_dump(), token=token)


@api.route("GET", "/auth/tokens", tag=TAG, summary="Your API tokens (never the tokens themselves)",
           responses={200: (out.TokenList, "Your tokens, newest first.")})
def list_tokens(actor: User) -> out.TokenList:
    """Ids and dates of your tokens."""
    return out.TokenList(items=[out.token_out(t) for t in signin.list_own_tokens(request_session(), actor)])


@api.route("DELETE", "/auth/tokens/<int(min=1, max=2147483647):token_id>", tag=TAG, summary="Revoke one of your API tokens",
           responses={200: (out.TokenInfoOut, "The token, revoked: it no longer signs anyone in.")})
def revoke_token(actor: User, token_id: int) -> out.TokenInfoOut:
    """A revoked token gets 401 from then on."""
    return out.token_out(signin.revoke_own_token(request_session(), actor, token_id))


@api.route("GET", "/auth/sessions", tag=TAG, summary="Your signed-in sessions",
           responses={200: (SessionList, "Your live sessions, newest first.")})
def list_sessions(actor: User) -> SessionList:
    """Every browser you are signed in on, with where and when it was last seen."""
    return SessionList(items=[_session_out(row) for row in accounts.list_own_sessions(request_session(), actor)])


@api.route("DELETE", "/auth/sessions/<int(min=1, max=2147483647):session_id>", tag=TAG, summary="End one of your sessions",
           responses={200: (SessionOut, "The session, ended: its cookie signs no one in from now on.")})
def end_session(actor: User, session_id: int) -> SessionOut:
    """Ends the session at once, for every copy of its cookie (someone else's session is a 404)."""
    return _session_out(accounts.end_own_session(request_session(), actor, session_id))


@api.route("POST", "/auth/password", tag=TAG, auth="session", body=PasswordChangeIn, errors=(422,),
           summary="Change your password", responses={200: (PasswordChanged, "Changed; your other sessions have ended.")})
def change_password(actor: User, body: PasswordChangeIn) -> PasswordChanged:
    """Needs the current password; the new one must pass the password rules. Every other
    session of yours ends; your API tokens stay valid (revoke them apart)."""
    current = sessions.current_session()
    ended = accounts.change_own_password(request_session(), actor, body.current_password, body.new_password,
                                         keep=current.id if current else None)
    return PasswordChanged(sessions_ended=ended)
