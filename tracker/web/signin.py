"""Signing in and out on the pages: the same throttled password check, session and CSRF
token as the API (tracker.services.signin, tracker.auth.sessions), through an HTML form."""
from __future__ import annotations

from flask import Response, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from pydantic import ValidationError
from wtforms.validators import ValidationError as CsrfError

from tracker import boundary
from tracker.auth import sessions
from tracker.boundary import request_session
from tracker.schemas import LoginIn
from tracker.services import signin
from tracker.services.errors import TooManyAttempts
from tracker.web.blueprint import bp
from tracker.web.redirects import safe_next


def _safe_next(target: str | None) -> str:
    # Only a page of this site: an open redirect would hand a signed-in user to anyone.
    return safe_next(target, url_for("web.index"))


def _form_csrf_ok() -> bool:
    try:
        validate_csrf(request.form.get("csrf_token", ""))
    except CsrfError:
        return False
    return True


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | tuple[str, int] | str:
    """The sign-in form; after a success, back to where the user was going."""
    next_page = _safe_next(request.values.get("next"))
    if request.method == "GET":
        return redirect(next_page) if current_user.is_authenticated else render_template("login.html", next=next_page)
    if not _form_csrf_ok():
        return render_template("login.html", next=next_page,
                               error="Phiên làm việc đã hết hạn; hãy thử lại / the form expired; try again"), 400
    try:
        form = LoginIn.model_validate({"username": request.form.get("username", ""),
                                       "password": request.form.get("password", "")})
    except ValidationError:
        return render_template("login.html", next=next_page,
                               error="Hãy nhập tên đăng nhập và mật khẩu / enter your username and password"), 400
    try:
        user = signin.authenticate(request_session(), form.username, form.password, request.remote_addr or "unknown")
    except TooManyAttempts as refused:
        return render_template("login.html", next=next_page, error=refused.message, retry_after=refused.retry_after), 429
    boundary.commit()  # a failure is recorded for the throttle even though the answer is a refusal
    if user is None:
        return render_template("login.html", next=next_page, username=form.username,
                               error="Sai tên đăng nhập hoặc mật khẩu / wrong username or password"), 401
    sessions.start_session(user)
    boundary.commit()  # the session's row, which the next request looks up
    return redirect(next_page)


@bp.post("/logout")
def logout() -> Response:
    """Sign out (the form carries the CSRF token, so no other site can sign anyone out)."""
    if _form_csrf_ok():
        sessions.end_session()
        boundary.commit()
    return redirect(url_for("web.login"))
