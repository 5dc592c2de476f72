"""Intake at the desk, /cases/new: one keyboard-friendly form for a petition, its petitioners
(one or many: a delegation), and the reception visit it belongs to (a new visit logged in the
same submit, or one already logged today). While the officer types, /cases/similar lists the
same person's earlier cases and likely duplicates. After saving, the printable receipt."""
from __future__ import annotations

import re
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker import boundary, clock
from tracker.boundary import request_session
from tracker.models.activity import RECEPTION_KINDS
from tracker.models.cases import CHANNELS, SUBJECT_AREAS
from tracker.schemas import PETITION_KINDS, CaseIn, VisitIn
from tracker.services import activity, admin, cases, similar
from tracker.services.errors import ServiceError
from tracker.web.blueprint import bp
from tracker.web.i18n import pick
from tracker.web.pages import Invalid, checked, form_csrf_ok, optional, refusal_text, signed_in, text, validated

PERSON_FIELD = re.compile(r"^p-(\d{1,3})-(full_name|id_number|phone|address)$")
MAX_PETITIONERS = 100


def _form_context(posted: dict[str, Any]) -> dict[str, Any]:
    session = request_session()
    today = clock.today()
    units = sorted((u for u in admin.list_units(session, current_user) if not u.is_board),
                   key=lambda u: (len(u.ancestor_ids), u.name))
    visits = activity.list_visits(session, current_user, activity.ListQuery(date_from=today, date_to=today))[0]
    return {"units": units, "kinds": PETITION_KINDS, "channels": CHANNELS, "subject_areas": SUBJECT_AREAS,
            "receptions": RECEPTION_KINDS, "visits": visits, "posted": posted, "petitioners": _posted_people() or [{}]}


@bp.get("/cases/new")
@signed_in
def new_case() -> str:
    """The intake form."""
    return render_template("intake.html", **_form_context({"received_unit": current_user.unit.code, "visit": "new"}))


@bp.post("/cases/new")
@signed_in
def create_case() -> Any:
    """Log the petition (and its visit); a refusal keeps what was typed and says what is wrong."""
    posted = {k: v for k, v in request.form.items() if k != "csrf_token"}
    if not form_csrf_ok():
        return render_template("intake.html", error=pick("Biểu mẫu đã hết hạn; hãy thử lại / the form expired; try again"),
                               **_form_context(posted)), 400
    session = request_session()
    try:
        case = _intake(session)
    except (ServiceError, Invalid) as refused:
        session.rollback()
        fields = refused.fields if isinstance(refused, Invalid) else (refused.details.get("fields") or {})
        return render_template("intake.html", error=refusal_text(refused), fields=fields,
                               **_form_context(posted)), getattr(refused, "status", 400)
    boundary.commit()
    flash(pick("Đã nhận đơn / petition logged") + f": {case.tracking_code}", "ok")
    return redirect(url_for("web.receipt", case_id=case.id))


def _intake(session: Any) -> Any:
    people = [{k: v for k, v in p.items() if v} for p in _posted_people()]
    people = [p for p in people if p]
    anonymous = checked("anonymous")
    data: dict[str, Any] = {
        "kind": request.form.get("kind", ""), "channel": request.form.get("channel", ""),
        "received_unit": request.form.get("received_unit", ""), "subject": text("subject", 500),
        "content": text("content"), "petitioners": [] if anonymous else people, "anonymous": anonymous,
        "subject_area": optional("subject_area"), "multi_place": checked("multi_place"),
    }
    crowd = request.form.get("crowd_size", "").strip()
    if crowd:
        data["crowd_size"] = int(crowd) if crowd.isdigit() and len(crowd) < 7 else crowd
    visit_choice = request.form.get("visit", "")
    if visit_choice == "new":
        persons = request.form.get("visit_persons", "").strip() or str(max(1, len(people)))
        visit = activity.record_visit(session, current_user, validated(VisitIn, {
            "unit": data["received_unit"], "visited_on": clock.today(), "reception": request.form.get("reception", ""),
            "persons": int(persons) if persons.isdigit() and len(persons) < 6 else persons,
            "delegation": checked("delegation"), "repeat": checked("repeat"),
        }))
        data["visit_id"] = visit.id
    elif visit_choice.isdigit() and len(visit_choice) < 10:
        data["visit_id"] = int(visit_choice)
    return cases.intake(session, current_user, validated(CaseIn, data))


def _posted_people() -> list[dict[str, str]]:
    """The petitioner rows of the form, in their order (blank rows dropped)."""
    rows: dict[int, dict[str, str]] = {}
    for key, value in request.form.items():
        match = PERSON_FIELD.match(key)
        if match and int(match.group(1)) < MAX_PETITIONERS:
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = value.strip()
    return [rows[i] for i in sorted(rows) if any(rows[i].values())]


@bp.get("/cases/similar")
@signed_in
def similar_list() -> str:
    """Earlier cases of the person being typed in and likely duplicates (an HTML fragment)."""
    args = request.args
    found = similar.similar_cases(request_session(), current_user, id_number=args.get("id_number", "")[:30],
                                  phone=args.get("phone", "")[:30], name=args.get("name", "")[:255],
                                  subject=args.get("subject", "")[:500])
    return render_template("_similar.html", found=found)


@bp.get("/cases/<int(min=1, max=2147483647):case_id>/receipt")
@signed_in
def receipt(case_id: int) -> str:
    """The receipt (giấy biên nhận) to print on A5 and hand to the citizen."""
    view = cases.view_case(request_session(), current_user, case_id)
    boundary.commit()  # reading a denouncer's identity is recorded
    return render_template("receipt.html", view=view, case=view.case, printed_at=clock.now())
