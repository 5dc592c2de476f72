"""Dialogue sessions, the opinions raised at them, and units' yearly dialogue plans."""
from __future__ import annotations

from tracker.api import out
from tracker.api.blueprint import api
from tracker.api.queries import ActivityQuery, PlanQuery
from tracker.boundary import request_session
from tracker.models import User
from tracker.schemas import DialogueIn, OpinionIn, PlanIn
from tracker.services import activity

TAG = "dialogues"
DIALOGUE_ID = "<int(min=1, max=2147483647):dialogue_id>"


@api.route("POST", "/dialogues", tag=TAG, body=DialogueIn, errors=(403, 422),
           summary="Record a dialogue session (reception, leader, admin)", responses={201: (out.DialogueOut, "The session.")})
def create_dialogue(actor: User, body: DialogueIn) -> out.DialogueOut:
    """The host unit must lie in your area; `plan_id` must be the host unit's plan."""
    dialogue = activity.open_dialogue(request_session(), actor, body)
    return out.dialogue_out(actor, dialogue, [])


@api.route("GET", "/dialogues", tag=TAG, query=ActivityQuery, errors=(422,), summary="Dialogue sessions in your area",
           responses={200: (out.DialogueList, "One page of sessions, newest first, with their settled-on-the-spot share.")})
def list_dialogues(actor: User, query: ActivityQuery) -> out.DialogueList:
    """Filter by host unit tree and by the date held."""
    session = request_session()
    rows, total = activity.list_dialogues(session, actor, activity.ListQuery(query.unit, query.date_from, query.date_to,
                                                                               query.page, query.per_page))
    counts = activity.opinion_counts(session, [d.id for d in rows])
    return out.DialogueList(items=[out.dialogue_summary_out(d, counts.get(d.id, (0, 0))) for d in rows], total=total,
                            page=query.page, per_page=query.per_page)


@api.route("GET", f"/dialogues/{DIALOGUE_ID}", tag=TAG, summary="A dialogue session with its opinions",
           responses={200: (out.DialogueOut, "The session, its opinions and its settled-on-the-spot share.")})
def get_dialogue(actor: User, dialogue_id: int) -> out.DialogueOut:
    """A session hosted outside your area is a 404."""
    dialogue, opinions = activity.get_dialogue(request_session(), actor, dialogue_id)
    return out.dialogue_out(actor, dialogue, opinions)


@api.route("POST", f"/dialogues/{DIALOGUE_ID}/opinions", tag=TAG, body=OpinionIn, errors=(403, 422),
           summary="Record an opinion raised at the session",
           responses={201: (out.CaseOut, "A `dialogue_opinion` case: `settled_on_spot`, or `assigned` with its unit and due date.")})
def record_opinion(actor: User, dialogue_id: int, body: OpinionIn) -> out.CaseOut:
    """Not settled on the spot: `assigned_unit` and `due_on` are required (422)."""
    return out.case_out(actor, activity.record_opinion(request_session(), actor, dialogue_id, body))


@api.route("POST", "/dialogue-plans", tag=TAG, body=PlanIn, errors=(403, 409, 422),
           summary="Record a unit's yearly dialogue plan (reception, leader, admin)", responses={201: (out.PlanOut, "The plan.")})
def create_plan(actor: User, body: PlanIn) -> out.PlanOut:
    """One plan per unit and year (409 for a second)."""
    return out.plan_out(activity.create_plan(request_session(), actor, body))


@api.route("GET", "/dialogue-plans", tag=TAG, query=PlanQuery, errors=(422,), summary="Dialogue plans in your area",
           responses={200: (out.PlanList, "One page of plans, latest year first.")})
def list_plans(actor: User, query: PlanQuery) -> out.PlanList:
    """Filter by unit tree and year."""
    rows, total = activity.list_plans(request_session(), actor, activity.ListQuery(query.unit, None, None, query.page,
                                                                                     query.per_page), query.year)
    return out.PlanList(items=[out.plan_out(p) for p in rows], total=total, page=query.page, per_page=query.per_page)
