"""Reception visits (form 01/TCD): record one, list them."""
from __future__ import annotations

from tracker.api import out
from tracker.api.blueprint import api
from tracker.api.queries import ActivityQuery
from tracker.boundary import request_session
from tracker.models import User
from tracker.schemas import VisitIn
from tracker.services import activity

TAG = "reception"


@api.route("POST", "/reception-visits", tag=TAG, body=VisitIn, errors=(403, 422),
           summary="Record a reception visit (reception, leader, admin)", responses={201: (out.VisitOut, "The visit.")})
def create_visit(actor: User, body: VisitIn) -> out.VisitOut:
    """The unit must lie in your area; `case_ids` must be cases you may see (422)."""
    return out.visit_out(activity.record_visit(request_session(), actor, body))


@api.route("GET", "/reception-visits", tag=TAG, query=ActivityQuery, errors=(422,), summary="Reception visits in your area",
           responses={200: (out.VisitList, "One page of visits, newest first.")})
def list_visits(actor: User, query: ActivityQuery) -> out.VisitList:
    """Filter by unit tree and visit date."""
    rows, total = activity.list_visits(request_session(), actor, activity.ListQuery(
        query.unit, query.date_from, query.date_to, query.page, query.per_page))
    return out.VisitList(items=[out.visit_out(v) for v in rows], total=total, page=query.page, per_page=query.per_page)
