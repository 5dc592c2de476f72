"""Reception visits and the leaders' reception days. A visit with a new petition is logged
from the intake form; this page logs a visit about cases already on file (a repeat visit, a
delegation following up) and lists a day's visits. The schedule page shows a unit's leaders'
reception days for a month with the legal minimum checked, and adds days to it."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker import boundary, clock
from tracker.boundary import request_session
from tracker.models.activity import RECEPTION_KINDS
from tracker.schemas import ReceptionDayIn, VisitIn
from tracker.services import activity, admin, reception
from tracker.services.cases import CaseQuery, list_cases, tracking_code_key
from tracker.services.errors import ServiceError
from tracker.web.blueprint import bp
from tracker.web.i18n import pick
from tracker.web.pages import Invalid, checked, form_csrf_ok, optional, refusal_text, signed_in, text, validated

EXPIRED = "Biểu mẫu đã hết hạn; hãy thử lại / the form expired; try again"


def _units() -> list[Any]:
    units = admin.list_units(request_session(), current_user)
    return sorted((u for u in units if not u.is_board), key=lambda u: (len(u.ancestor_ids), u.name))


def _day(raw: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(raw) if raw else default
    except ValueError:
        return default


def _date_or_text(raw: str) -> Any:
    """A posted date; the text itself when it is not one (the schema then names the field)."""
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        return raw


@bp.get("/visits")
@signed_in
def visits(error: str | None = None, posted: dict[str, str] | None = None, status: int = 200) -> tuple[str, int]:
    """The visits of a day (today unless ?on=YYYY-MM-DD) and the form to log one."""
    on = _day(request.args.get("on"), clock.today())
    rows, _ = activity.list_visits(request_session(), current_user, activity.ListQuery(date_from=on, date_to=on, per_page=200))
    return render_template("visits.html", visits=rows, on=on, units=_units(), receptions=RECEPTION_KINDS, error=error,
                           posted=posted or {"unit": current_user.unit.code, "visited_on": on.isoformat(), "repeat": "on"}), status


@bp.post("/visits")
@signed_in
def create_visit() -> Any:
    """Log a visit about the cases whose tracking codes are given."""
    posted = {k: v for k, v in request.form.items() if k != "csrf_token"}
    if not form_csrf_ok():
        return visits(error=pick(EXPIRED), posted=posted, status=400)
    session = request_session()
    try:
        case_ids = [_case_id(code) for code in request.form.get("cases", "").replace(";", ",").split(",") if code.strip()]
        persons = request.form.get("persons", "").strip()
        visit = activity.record_visit(session, current_user, validated(VisitIn, {
            "unit": request.form.get("unit", ""), "visited_on": _date_or_text(request.form.get("visited_on", "")),
            "reception": request.form.get("reception", ""),
            "persons": int(persons) if persons.isdigit() and len(persons) < 6 else persons,
            "delegation": checked("delegation"), "repeat": checked("repeat"), "case_ids": case_ids, "note": optional("note"),
        }))
    except (ServiceError, Invalid) as refused:
        session.rollback()
        return visits(error=refusal_text(refused), posted=posted, status=getattr(refused, "status", 400))
    boundary.commit()
    flash(pick("Đã ghi lượt tiếp / visit logged"), "ok")
    return redirect(url_for("web.visits", on=visit.visited_on.isoformat()))


def _case_id(code: str) -> int:
    """The case a typed tracking code names in the user's area (the same search as the queue)."""
    wanted = tracking_code_key(code)
    rows, _ = list_cases(request_session(), current_user, CaseQuery(q=wanted, per_page=5))
    for case in rows:
        if case.tracking_code == wanted:
            return case.id
    raise Invalid(f"Không tìm thấy hồ sơ {code.strip()} / no case {code.strip()}", {"cases": code.strip()[:40]})


# The periods the minimum is checked over: a month, or the quarter the month lies in.
SPANS = {"month": 1, "quarter": 3}


@bp.get("/reception-days")
@signed_in
def reception_days(error: str | None = None, posted: dict[str, str] | None = None, status: int = 200) -> tuple[str, int]:
    """A unit's leaders' reception days in a month or a quarter, by leader, with the legal
    minimum checked for it and for every unit below it that the law gives one."""
    today = clock.today()
    month = request.args.get("month", "")
    try:
        year, number = (int(part) for part in month.split("-")) if month else (today.year, today.month)
        first = dt.date(year, number, 1)
    except ValueError:
        first = today.replace(day=1)
    span = request.args.get("span", "month")
    span = span if span in SPANS else "month"
    if span == "quarter":
        first = first.replace(month=(first.month - 1) // 3 * 3 + 1)
    months = SPANS[span]
    unit = request.args.get("unit") or (posted or {}).get("unit") or current_user.unit.code
    session = request_session()
    try:
        plan = reception.schedule(session, current_user, unit[:50], first.year, first.month, months)
        below = reception.compliance(session, current_user, plan.unit.code, first.year, first.month, months)
    except ServiceError as refused:
        return render_template("reception_days.html", plan=None, units=_units(), unit=unit, first=first, span=span,
                               error=refusal_text(refused), posted=posted or {}), refused.status
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    if span == "quarter":
        previous = previous.replace(month=(previous.month - 1) // 3 * 3 + 1)
    following = (plan.last or first) + dt.timedelta(days=1)
    return render_template("reception_days.html", plan=plan, below=[s for s in below if s.unit.id != plan.unit.id],
                           units=_units(), unit=plan.unit.code, first=first, span=span, previous=previous,
                           following=following, error=error, posted=posted or {"held_on": today.isoformat()}), status


@bp.post("/reception-days")
@signed_in
def add_reception_day() -> Any:
    """Put a day on the schedule."""
    posted = {k: v for k, v in request.form.items() if k != "csrf_token"}
    if not form_csrf_ok():
        return reception_days(error=pick(EXPIRED), posted=posted, status=400)
    session = request_session()
    try:
        day = reception.schedule_day(session, current_user, validated(ReceptionDayIn, {
            "unit": request.form.get("unit", ""), "held_on": _date_or_text(request.form.get("held_on", "")),
            "leader": text("leader", 255), "note": optional("note"),
        }))
    except (ServiceError, Invalid) as refused:
        session.rollback()
        return reception_days(error=refusal_text(refused), posted=posted, status=getattr(refused, "status", 400))
    boundary.commit()
    return redirect(url_for("web.reception_days", unit=day.unit.code, month=day.held_on.strftime("%Y-%m")))
