"""More administration pages: each workflow drawn from its definition (SVG, tracker/web/diagrams.py)
with its steps and who may take them; the communes' investment projects (issue 16) recorded and
corrected; and the import of an existing register (issue 15) from an uploaded workbook, with the
report of every row not taken. Safe to run twice: a row already imported is counted, not repeated."""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from flask import redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker import boundary
from tracker.boundary import request_session
from tracker.imports.register import RegisterError
from tracker.models import Project
from tracker.models.projects import PROJECT_STATUSES
from tracker.schemas import ProjectIn
from tracker.services import admin, projects
from tracker.services.activity import ListQuery
from tracker.services.errors import ServiceError
from tracker.services.imports import ImportReport, import_register
from tracker.web.admin import Refusal, admin_only, as_date, carry_out, posted, refusal
from tracker.web.blueprint import bp
from tracker.web.diagrams import workflow_svg
from tracker.web.i18n import in_language, pick, state_label, trigger_label
from tracker.web.pages import form_csrf_ok, optional, validated
from workflows import definitions

PROJECT_ID = "<int(min=1, max=2147483647):project_id>"
# An old register runs to thousands of rows: a larger upload than the API's default allows.
REGISTER_LIMIT = 20 * 1024 * 1024


# -- workflows -------------------------------------------------------------------------------------

def _from_many(step: str, count: int) -> str:
    return gettext("← %(step)s, from %(n)s states", step=step, n=count)


@bp.get("/admin/workflows")
@admin_only
def admin_workflows() -> str:
    """Every workflow in force, drawn from its definition, with its steps in a table."""
    drawn = []
    for workflow in definitions.ALL:
        title = in_language(workflow.label_vi, workflow.label_en) + f" (v{workflow.version})"
        drawn.append((workflow, title, workflow_svg(workflow, lambda s, w=workflow: state_label(w.kind, s),
                                                    lambda t, w=workflow: trigger_label(w.kind, t), title, _from_many)))
    return render_template("admin/workflows.html", drawn=drawn)


# -- investment projects ---------------------------------------------------------------------------

def _communes() -> list[Any]:
    """The units of the area a project may be recorded at: communes and their agencies, open."""
    rows = admin.unit_tree(request_session(), current_user)
    return [r for r in rows if r.unit.closed_on is None and (r.unit.kind == "commune" or (
        r.unit.kind == "agency" and r.unit.parent is not None and r.unit.parent.kind == "commune"))]


def _project_body(unit: str) -> ProjectIn:
    form = request.form
    budget = form.get("budget_vnd", "").strip().replace(".", "").replace(",", "").replace(" ", "")
    return validated(ProjectIn, {
        "unit": unit, "name": form.get("name", "").strip(), "investor": form.get("investor", "").strip(),
        "investor_unit": optional("investor_unit"), "location": optional("location"),
        "budget_vnd": int(budget) if budget.isdigit() and len(budget) < 17 else (budget or None),
        "started_on": as_date(form.get("started_on", "")), "planned_completion_on": as_date(form.get("planned_completion_on", "")),
        "status": optional("status"),
    })


def _projects_page(*, error: str | None = None, status: int = 200, editing: Project | None = None) -> tuple[str, int]:
    session = request_session()
    found, _total = projects.list_projects(session, current_user, ListQuery(per_page=500))
    units = [r for r in admin.unit_tree(session, current_user) if r.unit.closed_on is None and not r.unit.is_board]
    return render_template("admin/projects.html", projects=found, communes=_communes(), units=units, statuses=PROJECT_STATUSES,
                           editing=editing, error=error, posted=posted() if error else {}), status


@bp.get("/admin/projects")
@admin_only
def admin_projects() -> tuple[str, int]:
    """The projects of the area's communes, and the form to record one."""
    return _projects_page()


@bp.post("/admin/projects")
@admin_only
def admin_create_project() -> Response | tuple[str, int]:
    """Record a commune's project (the same service as POST /api/v1/projects)."""
    def create() -> str:
        project = projects.create_project(request_session(), current_user, _project_body(request.form.get("unit", "")))
        return pick("Đã ghi dự án / project recorded") + f": {project.name}"

    try:
        carry_out(create)
    except Refusal as refusal:
        return _projects_page(error=refusal.message, status=refusal.status)
    return redirect(url_for("web.admin_projects"))


@bp.get(f"/admin/projects/{PROJECT_ID}")
@admin_only
def admin_project(project_id: int) -> tuple[str, int]:
    """The form to correct one project of the area (404 elsewhere)."""
    try:
        project = projects.get_project(request_session(), current_user, project_id)
    except ServiceError as missing:
        return render_template("error.html", status=missing.status, message=missing.message), missing.status
    return _projects_page(editing=project)


@bp.post(f"/admin/projects/{PROJECT_ID}")
@admin_only
def admin_update_project(project_id: int) -> Response | tuple[str, int]:
    """Correct a project's record."""
    session = request_session()
    try:
        project = projects.get_project(session, current_user, project_id)
    except ServiceError as missing:
        return render_template("error.html", status=missing.status, message=missing.message), missing.status

    def update() -> str:
        done = projects.update_project(session, current_user, project_id, _project_body(project.unit.code))
        return pick("Đã cập nhật dự án / project updated") + f": {done.name}"

    try:
        carry_out(update)
    except Refusal as refusal:
        return _projects_page(error=refusal.message, status=refusal.status,
                              editing=projects.get_project(session, current_user, project_id))
    return redirect(url_for("web.admin_projects"))


# -- register import -------------------------------------------------------------------------------

def _import_page(*, report: ImportReport | None = None, dry_run: bool = False, error: str | None = None,
                 status: int = 200) -> tuple[str, int]:
    units = [r for r in admin.unit_tree(request_session(), current_user)
             if r.unit.closed_on is None and not r.unit.is_board]
    return render_template("admin/import.html", units=units, report=report, dry_run=dry_run, error=error,
                           posted=posted()), status


@bp.get("/admin/import")
@admin_only
def admin_import() -> tuple[str, int]:
    """The form to upload a register (an .xlsx workbook)."""
    return _import_page()


@bp.post("/admin/import")
@admin_only
def admin_run_import() -> tuple[str, int]:
    """Import the uploaded register for a unit of the area (or, as a trial, check every row and
    write nothing); the report lists every row not taken with its reason."""
    request.max_content_length = REGISTER_LIMIT
    if not form_csrf_ok():
        return _import_page(error=pick("Biểu mẫu đã hết hạn; hãy thử lại / the form expired; try again"), status=400)
    upload = request.files.get("register")
    if upload is None or not upload.filename:
        return _import_page(error=pick("Hãy chọn tệp sổ (.xlsx) / choose the register file (.xlsx)"), status=400)
    dry_run = request.form.get("dry_run") in ("on", "yes")
    session = request_session()
    with tempfile.TemporaryDirectory(prefix="register-") as folder:
        # Kept under its own (sanitised) name: the import remembers the file each row came from.
        path = Path(folder) / (Path(upload.filename).name[-120:].replace("/", "_") or "register.xlsx")
        upload.save(path)
        try:
            report = import_register(session, current_user, path, request.form.get("unit", "")[:50])
        except RegisterError as unreadable:
            session.rollback()
            return _import_page(error=pick(str(unreadable)), status=422)
        except ServiceError as refused:
            session.rollback()
            return _import_page(error=refusal(refused), status=refused.status)
    if dry_run:
        session.rollback()
    else:
        boundary.commit()
    return _import_page(report=report, dry_run=dry_run)

