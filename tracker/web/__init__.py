"""Server-rendered pages for the desk and the case (Vietnamese by default, English by a
remembered switch): the signed-in home, intake with its receipt, the queue, the case page
with the actions the user may take, visits and leaders' reception days, dialogue sessions,
the leaders' dashboard, administration (/admin), sign-in and the public tracking lookup. Every page calls the same
services and policy as the API."""
from __future__ import annotations

from flask import Flask, render_template
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from tracker import clock
from tracker.auth import policy
from tracker.boundary import request_session
from tracker.services import activity
from tracker.services.cases import CaseQuery, list_cases
from tracker.services.overview import desk_overview
from tracker.web import (  # noqa: F401 - register their pages
    admin,
    admin_calendar,
    admin_tools,
    case,
    dashboard,
    dialogues,
    i18n,
    inbox,
    intake,
    management,
    projects,
    queue,
    signin,
    supervision,
    track,
    visits,
)
from tracker.web.blueprint import bp
from tracker.web.pages import DUE_SOON_DAYS, can, contact_shown, identity_listed, matter_shown, may_administer, signed_in
from workflows.definitions.base import Role


@bp.get("/")
@signed_in
def index() -> str:
    """Today's work: for reception the intake button and today's visits; for an agency its
    queue; for a leader or a board what is late in its area. Every code opens its case."""
    session = request_session()
    today = clock.today()
    context: dict[str, object] = {"today": today}
    role = current_user.role
    if role in (Role.RECEPTION, Role.ADMIN):
        context["visits"] = activity.list_visits(session, current_user, activity.ListQuery(date_from=today, date_to=today))[0]
        context["received"] = list_cases(session, current_user, CaseQuery(sort="-received_at", per_page=15))[0]
    if role == Role.AGENCY:
        rows, total = list_cases(session, current_user, CaseQuery(unit=current_user.unit.code, open=True, per_page=20))
        context["queue"], context["queue_total"] = rows, total
    if role in (Role.LEADER, Role.SUPERVISOR, Role.ADMIN):
        rows, total = list_cases(session, current_user, CaseQuery(overdue=True, per_page=20))
        context["late"], context["late_total"] = rows, total
        context["overview"] = desk_overview(session, current_user)
    context["area"] = policy.area_root(current_user)
    return render_template("index.html", **context)


def init_app(app: Flask) -> None:
    """Register the pages and what every template may use."""
    i18n.init_app(app)
    app.register_blueprint(bp)
    app.context_processor(lambda: {"csrf_token": generate_csrf, "can": can, "identity_listed": identity_listed,
                                   "matter_shown": matter_shown, "contact_shown": contact_shown,
                                   "due_soon_days": DUE_SOON_DAYS, "today": clock.today(),
                                   "admin_pages": admin.admin_pages, "may_administer": may_administer})
    inbox.init_app(app)
