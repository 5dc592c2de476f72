"""The investment projects pages: `/projects`, the page of a community investment supervision
board's member (the commune's projects, the board's supervisions and the recommendations it
issued, with where each stands) and of anyone else the projects of their area; `/projects/<id>`,
one project with its supervisions and their recommendations."""
from __future__ import annotations

from flask import Response, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.boundary import request_session
from tracker.services import projects
from tracker.services.errors import NotFound
from tracker.web.blueprint import bp
from workflows import definitions

STATUS_LABELS = {"preparing": ("Chuẩn bị đầu tư", "Preparing"), "in_progress": ("Đang thực hiện", "In progress"),
                 "suspended": ("Tạm dừng", "Suspended"), "completed": ("Hoàn thành", "Completed")}


def _state_label(state: str) -> str:
    workflow = definitions.latest("supervision_recommendation")
    return next((s.label_vi for s in workflow.states if s.name == state), state)


def _vnd(amount: int | None) -> str:
    return "—" if amount is None else f"{amount:,}".replace(",", ".")


@bp.get("/projects")
def project_list() -> Response | str:
    """A board's page (its commune's projects, its supervisions and recommendations), or the
    projects of the user's area."""
    if not current_user.is_authenticated:
        return redirect(url_for("web.login", next=request.path))
    view = projects.board_view(request_session(), current_user)
    return render_template("projects.html", view=view, board=current_user.unit if current_user.unit.is_board else None,
                           statuses=STATUS_LABELS, state_label=_state_label, vnd=_vnd)


@bp.get("/projects/<int(min=1, max=2147483647):project_id>")
def project_page(project_id: int) -> Response | tuple[str, int] | str:
    """One project of the user's area with its supervisions and their recommendations (404 elsewhere)."""
    if not current_user.is_authenticated:
        return redirect(url_for("web.login", next=request.path))
    session = request_session()
    try:
        project = projects.get_project(session, current_user, project_id)
    except NotFound as missing:
        return render_template("error.html", status=404, message=missing.message), 404
    return render_template("project.html", project=project, supervisions=projects.supervisions_of(session, project),
                           statuses=STATUS_LABELS, state_label=_state_label, vnd=_vnd)
