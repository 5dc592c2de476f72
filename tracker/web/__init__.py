"""Server-rendered pages (Vietnamese first, English second): sign-in, the front desk's
overview for a signed-in user, and the public tracking lookup."""
from __future__ import annotations

from flask import Flask, Response, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from tracker.boundary import request_session
from tracker.services.overview import desk_overview
from tracker.web import dashboard, projects, signin, track  # noqa: F401 - register their pages
from tracker.web.blueprint import bp


@bp.get("/")
def index() -> Response | str:
    """The front desk: cases of the user's area by kind, and the most overdue ones."""
    if not current_user.is_authenticated:
        return redirect(url_for("web.login", next=request.path))
    return render_template("index.html", overview=desk_overview(request_session(), current_user))


def init_app(app: Flask) -> None:
    """Register the pages and what every template may use."""
    app.register_blueprint(bp)
    app.context_processor(lambda: {"csrf_token": generate_csrf})
