"""Supervisions held by the boards, and the recommendations they issue."""
from __future__ import annotations

from tracker.api import out
from tracker.api.blueprint import api
from tracker.api.queries import ActivityQuery
from tracker.boundary import request_session
from tracker.models import User
from tracker.schemas import RecommendationIn, SupervisionIn
from tracker.services import activity

TAG = "supervisions"
SUPERVISION_ID = "<int(min=1, max=2147483647):supervision_id>"


@api.route("POST", "/supervisions", tag=TAG, body=SupervisionIn, errors=(403, 422),
           summary="Open a supervision (supervisor of the board, admin)", responses={201: (out.SupervisionOut, "The supervision.")})
def create_supervision(actor: User, body: SupervisionIn) -> out.SupervisionOut:
    """A supervisor opens supervisions for their own board only (403 otherwise)."""
    return out.supervision_out(activity.open_supervision(request_session(), actor, body))


@api.route("GET", "/supervisions", tag=TAG, query=ActivityQuery, errors=(422,), summary="Supervisions in your area",
           responses={200: (out.SupervisionList, "One page of supervisions, newest first.")})
def list_supervisions(actor: User, query: ActivityQuery) -> out.SupervisionList:
    """Filter by the board's unit tree and the start date."""
    rows, total = activity.list_supervisions(request_session(), actor, activity.ListQuery(
        query.unit, query.date_from, query.date_to, query.page, query.per_page))
    return out.SupervisionList(items=[out.supervision_out(s) for s in rows], total=total, page=query.page, per_page=query.per_page)


@api.route("GET", f"/supervisions/{SUPERVISION_ID}", tag=TAG, summary="A supervision with its recommendations",
           responses={200: (out.SupervisionDetailOut, "The supervision and the recommendations it issued.")})
def get_supervision(actor: User, supervision_id: int) -> out.SupervisionDetailOut:
    """A board outside your area is a 404 (a board always sees its own)."""
    session = request_session()
    supervision = activity.get_supervision(session, actor, supervision_id)
    return out.supervision_detail_out(actor, supervision, activity.recommendations_of(session, supervision))


@api.route("POST", f"/supervisions/{SUPERVISION_ID}/recommendations", tag=TAG, body=RecommendationIn, errors=(403, 422),
           summary="Issue a recommendation (the board that holds the supervision, admin)",
           responses={201: (out.CaseOut, "A `supervision_recommendation` case, state `issued`.")})
def issue_recommendation(actor: User, supervision_id: int, body: RecommendationIn) -> out.CaseOut:
    """The addressee must be a unit of the same province (422); the addressee answers with
    trigger `answer`, the board then fires `accept` or `return`."""
    return out.case_out(actor, activity.issue_recommendation(request_session(), actor, supervision_id, body))
