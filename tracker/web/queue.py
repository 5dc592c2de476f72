"""The queue, /cases: the cases the user may see, open ones by default, most urgent first
(overdue, then due soonest), with the list API's filters and search (same query model, same
service, same confidentiality) and pages of 50."""
from __future__ import annotations

from flask import render_template, request
from flask_login import current_user
from pydantic import ValidationError

from tracker.api.queries import CaseListQuery
from tracker.boundary import request_session
from tracker.services import admin
from tracker.services.cases import CaseQuery, list_cases
from tracker.services.errors import ServiceError
from tracker.web.blueprint import bp
from tracker.web.pages import refusal_text, signed_in
from workflows import definitions

PER_PAGE = 50
FILTERS = ("kind", "state", "unit", "due_before", "overdue", "q", "open", "page", "sort")


@bp.get("/cases")
@signed_in
def queue() -> str | tuple[str, int]:
    """One page of the queue; a filter that does not validate is shown on the page (400)."""
    session = request_session()
    given = {k: v for k, v in request.args.items() if k in FILTERS and v != ""}
    given.setdefault("open", "true")
    given["open"] = None if given["open"] == "all" else given["open"]
    units = sorted((u for u in admin.list_units(session, current_user) if not u.is_board),
                   key=lambda u: (len(u.ancestor_ids), u.name))
    context = {"args": given, "units": units, "workflows": definitions.ALL,
               "states": list({s.name: w.kind for w in reversed(definitions.ALL) for s in w.states}.items())}
    try:
        query = CaseListQuery.model_validate({k: v for k, v in given.items() if v is not None} | {"per_page": str(PER_PAGE)})
        rows, total = list_cases(session, current_user, CaseQuery(
            kind=query.kind, states=query.states, unit=query.unit, overdue=query.overdue, open=query.open,
            due_before=query.due_before, q=query.q, sort=query.sort, page=query.page, per_page=PER_PAGE))
    except ValidationError as error:
        names = ", ".join(str(e["loc"][0]) for e in error.errors())
        return render_template("queue.html", error=f"{names}: " + refusal_text(_bad_filter()), cases=[], total=0, **context), 400
    except ServiceError as refused:
        return render_template("queue.html", error=refusal_text(refused), cases=[], total=0, **context), refused.status
    pages = max(1, -(-total // PER_PAGE))
    return render_template("queue.html", cases=rows, total=total, page=query.page, pages=pages, **context)


def _bad_filter() -> ServiceError:
    return ServiceError("Bộ lọc không hợp lệ / a filter is not valid")
