"""Cases: intake (safe to retry with Idempotency-Key), lists with filters, the case page,
and transitions."""
from __future__ import annotations

from tracker.api import out
from tracker.api.blueprint import api
from tracker.api.queries import CaseListQuery
from tracker.api.registry import Header, Reply
from tracker.boundary import request_session
from tracker.models import User
from tracker.schemas import CaseIn, TransitionIn
from tracker.services import case_read, cases

TAG = "cases"
CASE_ID = "<int(min=1, max=2147483647):case_id>"
IDEMPOTENCY_KEY = Header(
    "Idempotency-Key", "Makes a retried POST safe: the same user sending the same key and body again gets the first case "
    "back (200, `Idempotent-Replayed: true`) instead of a second case; the same key with another body is a 409. Keys are per user.",
    pattern=r"^[\x21-\x7e]+$", max_length=200,
)


@api.route("POST", "/cases", tag=TAG, body=CaseIn, headers=(IDEMPOTENCY_KEY,), errors=(403, 409, 422),
           summary="Log a petition (reception, admin)",
           responses={201: (out.CaseOut, "The new case, state `received` (a voters' opinion: `accepted`)."),
                      200: (out.CaseOut, "A retry with the same Idempotency-Key and body: the case made the first time.")},
           response_headers={200: {"Idempotent-Replayed": "`true` on a replayed answer."}})
def create_case(actor: User, body: CaseIn, headers: dict[str, str | None]) -> Reply:
    """The receiving unit must lie in your area (else 403). A complaint or a named
    denunciation needs at least one petitioner (422)."""
    case, created = cases.intake_once(request_session(), actor, body, headers["Idempotency-Key"])
    if created:
        return Reply(out.case_out(actor, case), status=201)
    return Reply(out.case_out(actor, case), status=200, headers={"Idempotent-Replayed": "true"})


@api.route("GET", "/cases", tag=TAG, query=CaseListQuery, errors=(422,), summary="Cases you may see, most urgent first",
           responses={200: (out.CaseList, "One page of cases. A denunciation never shows its petitioners here.")})
def list_cases(actor: User, query: CaseListQuery) -> out.CaseList:
    """Filters combine; `unit` must name an existing unit (422 otherwise); an unknown parameter is a 400."""
    filters = cases.CaseQuery(kind=query.kind, states=query.states, unit=query.unit, overdue=query.overdue,
                              open=query.open, due_before=query.due_before, q=query.q, sort=query.sort,
                              page=query.page, per_page=query.per_page)
    rows, total = cases.list_cases(request_session(), actor, filters)
    return out.CaseList(items=[out.case_out(actor, c) for c in rows], total=total, page=query.page, per_page=query.per_page)


@api.route("GET", f"/cases/{CASE_ID}", tag=TAG, summary="The case page",
           responses={200: (out.CaseDetailOut, "The case with its history and the triggers you may fire.")})
def get_case(actor: User, case_id: int) -> out.CaseDetailOut:
    """A case outside your area is a 404. A denunciation's petitioners are shown only to the
    resolving unit and admins, and each such view is written to the history."""
    return out.case_detail_out(actor, case_read.case_page(request_session(), actor, case_id))


@api.route("POST", f"/cases/{CASE_ID}/transitions", tag=TAG, body=TransitionIn, errors=(403, 409, 422),
           summary="Fire a trigger",
           responses={200: (out.CaseOut, "The case after the trigger (version + 1).")})
def fire(actor: User, case_id: int, body: TransitionIn) -> out.CaseOut:
    """403: your role or place may not fire this trigger on this case; 409: `version` is stale;
    422: the state, the data or the law refuses it (unknown trigger, missing data, a date in the future...)."""
    return out.case_out(actor, cases.fire(request_session(), actor, case_id, body))
