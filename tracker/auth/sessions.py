"""Who is asking: flask-login sessions for people, bearer tokens for programs, and the CSRF
check that cookie-authenticated writes need.

A person's session lives on the server (tracker.services.accounts): the signed cookie
carries a random secret naming a row of `user_sessions`, and a cookie whose row has ended
(signed out, password changed, revoked, user deactivated) or expired signs no one in, even
a copy taken before.

A request that carries `Authorization: Bearer ...` is authenticated by that token alone
(a session cookie sent with it is ignored), so a program never needs a CSRF token. A
request authenticated by the session cookie must send `X-CSRF-Token` on every
POST/PUT/PATCH/DELETE. The session cookie is HttpOnly, SameSite=Lax, and Secure whenever
the request came over HTTPS.
"""
from __future__ import annotations

from typing import Literal

from flask import Flask, Request, current_app, g, request, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf, validate_csrf
from wtforms.validators import ValidationError

from tracker.boundary import request_session
from tracker.models import User, UserSession
from tracker.services import accounts, signin
from tracker.services.errors import Forbidden, NotSignedIn

CSRF_HEADER = "X-CSRF-Token"
SESSION_KEY = "sid"  # the cookie's key holding the server-side session's secret


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed cookie session, marked Secure when the request itself came over HTTPS."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        # Most API requests (a program's, with its token) send no cookie: an empty session
        # needs no signature check, so the signer is not even built for them.
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or (request and request.is_secure))


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _load_session_user(user_id: str) -> User | None:
    if request.headers.get("Authorization") is not None:
        return None  # a request with a token is judged by the token alone
    if not user_id.isdigit():
        return None
    row = accounts.live_session(request_session(), str(session.get(SESSION_KEY, "")))
    if row is None or row.user_id != int(user_id):
        return None
    g.auth_method = "session"
    g.user_session = row
    return row.user


def _load_bearer_user(_request: object) -> User | None:
    token = _bearer_token()
    if not token or len(token) > 200:
        return None
    user = signin.user_for_token(request_session(), token)
    if user is not None:
        g.auth_method = "bearer"
    return user


def _judge_by_token() -> None:
    # A request with an Authorization header is judged by its token alone (see the module's
    # docstring), so it is looked up directly: flask-login's session machinery (the signed
    # cookie, session protection, the remember cookie) has nothing to decide for it. The
    # token is still checked on every request, so a revocation or deactivation holds at once.
    if "_login_user" in g or request.headers.get("Authorization") is None:
        return
    user = _load_bearer_user(request)
    g._login_user = user if user is not None else current_app.login_manager.anonymous_user()  # type: ignore[attr-defined]


def require_user() -> User:
    """The signed-in user, or a 401."""
    _judge_by_token()
    if not current_user.is_authenticated:
        raise NotSignedIn("Chưa đăng nhập hoặc mã truy cập không hợp lệ / not signed in, or the token is invalid or revoked")
    user: User = current_user._get_current_object()  # type: ignore[attr-defined]
    return user


def auth_method() -> Literal["session", "bearer"] | None:
    """How the current request was authenticated."""
    return g.get("auth_method")


def check_csrf() -> None:
    """A cookie-authenticated write must carry the session's CSRF token (403 otherwise)."""
    if auth_method() != "session":
        return
    try:
        validate_csrf(request.headers.get(CSRF_HEADER, ""))
    except ValidationError:
        raise Forbidden(f"Thiếu hoặc sai mã CSRF (tiêu đề {CSRF_HEADER}) / missing or wrong CSRF token ({CSRF_HEADER} header)",
                        code="csrf_failed") from None


def start_session(user: User) -> str:
    """Sign a person in with a fresh session, recorded on the server; the CSRF token for it."""
    session.clear()  # nothing from before the sign-in survives it
    row, secret = accounts.start_session(
        request_session(), user, lifetime=current_app.permanent_session_lifetime,
        address=request.remote_addr or "", user_agent=request.headers.get("User-Agent", ""))
    login_user(user)
    session[SESSION_KEY] = secret
    session.permanent = True  # the cookie expires with the row, after PERMANENT_SESSION_LIFETIME
    g.auth_method = "session"
    g.user_session = row
    return generate_csrf()


def current_session() -> UserSession | None:
    """The server-side session the current request was authenticated by, if any."""
    return g.get("user_session")


def end_session() -> None:
    """Sign out: end the session on the server (every copy of its cookie) and forget it."""
    row = current_session()
    if row is not None:
        accounts.end_session(request_session(), row, "signed_out")
    logout_user()
    session.clear()


def csrf_token() -> str:
    """The CSRF token of the current session."""
    return generate_csrf()


def init_app(app: Flask) -> None:
    """Set up flask-login, the session cookie and CSRF settings."""
    app.session_interface = SessionCookies()
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # bound to the session, which expires itself
    manager = LoginManager()
    manager.init_app(app)
    manager.user_loader(_load_session_user)
    manager.request_loader(_load_bearer_user)
    manager.session_protection = "basic"
