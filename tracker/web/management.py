"""The records form 06/QLKNTC counts, entered on a page of their own (/management): the managing
documents a unit issued, amended or repealed, the training sessions it held and the
responsibility inspections it started, listed for a year of the user's area. Each form goes
through the same service as the API (tracker/services/report_records.py); a refusal is shown on
the page and writes nothing."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from pydantic import BaseModel

from tracker import boundary, clock
from tracker.boundary import request_session
from tracker.models.management import DOCUMENT_ACTIONS
from tracker.schemas_reports import DocumentIn, InspectionIn, TrainingIn
from tracker.services import report_records
from tracker.services.errors import ServiceError
from tracker.web.blueprint import bp
from tracker.web.i18n import pick
from tracker.web.pages import Invalid, form_csrf_ok, refusal_text, signed_in, validated
from tracker.web.visits import EXPIRED, _date_or_text, _units

# Which form each record kind posts, and the service that records it.
FORMS: dict[str, tuple[type[BaseModel], Any, tuple[str, ...], str]] = {
    "document": (DocumentIn, report_records.record_document, ("issued_on",), "Đã ghi văn bản / document recorded"),
    "training": (TrainingIn, report_records.record_training, ("held_on",), "Đã ghi buổi tập huấn / training recorded"),
    "inspection": (InspectionIn, report_records.open_inspection, ("started_on",),
                   "Đã ghi cuộc thanh tra trách nhiệm / inspection recorded"),
}


def _year() -> int:
    raw = request.args.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2199 else clock.today().year


@bp.get("/management")
@signed_in
def management(error: str | None = None, failed: str | None = None, posted: dict[str, str] | None = None,
            status: int = 200) -> tuple[str, int]:
    """The year's records of the user's area, and the forms to add one."""
    year = _year()
    documents, trainings, inspections = report_records.list_management(
        request_session(), current_user, None, dt.date(year, 1, 1), dt.date(year, 12, 31))
    return render_template("management.html", year=year, documents=documents, trainings=trainings, inspections=inspections,
                           units=_units(), actions=DOCUMENT_ACTIONS, error=error, failed=failed,
                           posted=posted or {}), status


@bp.post("/management/<any(document, training, inspection):kind>")
@signed_in
def add_management_record(kind: str) -> Any:
    """Record one document, training session or inspection."""
    posted = {k: v for k, v in request.form.items() if k != "csrf_token"}
    if not form_csrf_ok():
        return management(error=pick(EXPIRED), failed=kind, posted=posted, status=400)
    schema, record, dates, done = FORMS[kind]
    body: dict[str, Any] = {k: v.strip() for k, v in posted.items() if v.strip()}
    for name in dates:
        body[name] = _date_or_text(body.get(name, ""))
    for name in ("attendees", "units_inspected"):
        if name in body and body[name].isdigit() and len(body[name]) < 10:
            body[name] = int(body[name])
    session = request_session()
    try:
        made = record(session, current_user, validated(schema, body))
    except (ServiceError, Invalid) as refused:
        session.rollback()
        return management(error=refusal_text(refused), failed=kind, posted=posted, status=getattr(refused, "status", 400))
    boundary.commit()
    flash(pick(done), "ok")
    on = next(getattr(made, name) for name in dates)
    return redirect(url_for("web.management", year=on.year) + f"#{kind}s")
