"""Server-rendered pages (Vietnamese first, English second)."""
from __future__ import annotations

from flask import Flask, current_app, render_template

from tracker.services.overview import desk_overview
from tracker.web import track  # noqa: F401 - registers the tracking page
from tracker.web.blueprint import bp


@bp.get("/")
def index() -> str:
    """The front desk: cases by kind and state, and the most overdue cases."""
    with current_app.extensions["db"].transaction() as session:
        overview = desk_overview(session)
    return render_template("index.html", overview=overview)


def init_app(app: Flask) -> None:
    """Register the pages."""
    app.register_blueprint(bp)
