"""Output models of the API, declared once: they shape every response and are published in
the OpenAPI document. The builders here decide nothing about access: what a response may
carry about a denouncer is asked of `tracker.auth.policy`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any, Literal, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, create_model

from tracker import clock
from tracker.auth import policy
from tracker.auth.policy import Actor
from tracker.models import ApiToken, Case, Dialogue, DialoguePlan, HistoryEntry, Petitioner, ReceptionVisit, Supervision, Unit, User
from tracker.services.cases import CaseView
from tracker.services.tracking import Tracking
from workflows import definitions
from workflows.definitions.base import Workflow

Timestamp = dt.datetime


class Out(BaseModel):
    """Base of every response model."""

    model_config = ConfigDict(extra="forbid")


class ErrorDetail(Out):
    code: str = Field(description="Machine-readable code, e.g. `invalid_input`, `version_conflict`, `not_found`.")
    message: str = Field(description="Human text, Vietnamese first, then English (`... / ...`).")
    details: dict[str, Any] = Field(description="What went wrong where, e.g. `{\"fields\": {\"due_on\": \"...\"}}`.")


class ErrorOut(Out):
    """The body of every 4xx and 5xx answer."""

    error: ErrorDetail


# -- people and units ----------------------------------------------------------------------------

class UnitOut(Out):
    code: str
    name: str
    kind: str
    parent_code: str | None
    closed_on: dt.date | None
    successor_code: str | None = None


class UnitList(Out):
    items: list[UnitOut]


class UnitClosingOut(Out):
    unit: UnitOut
    successor: UnitOut
    cases: list[str] = Field(description="Tracking codes of the open cases moved to the successor (a `transfer` entry each).")
    users: list[str] = Field(description="Usernames moved to the successor.")
    children: list[str] = Field(description="Codes of the units moved under `children_to`.")


class UserOut(Out):
    id: int
    username: str
    full_name: str | None
    role: str
    unit: str = Field(description="The code of the user's unit.")
    unit_name: str
    auth: Literal["session", "bearer"] = Field(description="How this request was authenticated.")


class LoginOut(Out):
    user: UserOut
    csrf_token: str = Field(description="Send it as the `X-CSRF-Token` header on every POST/PUT/PATCH/DELETE made with the cookie.")


class CsrfOut(Out):
    csrf_token: str


class TokenInfoOut(Out):
    id: int
    created_at: Timestamp
    last_used_at: Timestamp | None
    revoked_at: Timestamp | None


class NewTokenOut(TokenInfoOut):
    token: str = Field(description="The bearer token. Shown this once; only its hash is kept.")


class TokenList(Out):
    items: list[TokenInfoOut]


# -- cases ---------------------------------------------------------------------------------------

class PetitionerOut(Out):
    full_name: str
    id_number: str | None
    phone: str | None
    address: str | None


MATTER_DOC = (
    "A denunciation's subject and content name the person accused: they are null except for the resolving unit, the "
    "leaders above it and admins (Decree 13/2023/NĐ-CP); others see its kind, state and dates only."
)
PETITIONERS_DOC = (
    "A supervisory board's users get each petitioner's `full_name` with `id_number`, `phone` and `address` null. "
    "The people who brought the case. For a `denunciation` the denouncer's identity is secret (DOMAIN.md §5): "
    "it is listed only by GET /api/v1/cases/{id} for users of the resolving unit and admins (each such view is written "
    "to the history). Everywhere else — lists, search, intake and transition responses, dialogues, supervisions, other "
    "users — a denunciation's `petitioners` is an empty list and `identity_withheld` is true."
)


class CaseOut(Out):
    """A case as lists and write responses show it."""

    id: int
    tracking_code: str
    kind: str
    kind_label: str
    state: str
    state_label: str
    final: bool
    channel: str
    received_unit: str
    assigned_unit: str | None
    resolving_unit: str = Field(description="The assigned unit, else the receiving unit.")
    subject: str | None = Field(description=MATTER_DOC)
    subject_area: str | None
    anonymous: bool
    crowd_size: int
    many_person: bool
    complex: bool
    remote: bool
    round: int
    received_at: Timestamp
    received_on: dt.date
    accepted_on: dt.date | None
    decided_on: dt.date | None
    due_on: dt.date | None = Field(description="The legal due date (Asia/Ho_Chi_Minh).")
    due_at: Timestamp | None = Field(description="The end of the due date, 23:59:59 Asia/Ho_Chi_Minh.")
    overdue: bool = Field(description="Open, with its clock running, and today after the due date (derived, never stored).")
    extensions_used: int
    reopened_count: int
    urged_count: int
    rule_set: str | None
    workflow_version: int
    version: int = Field(description="Send it back as `version` with the next transition (optimistic concurrency).")
    updated_at: Timestamp
    parent_case_id: int | None
    dialogue_id: int | None
    supervision_id: int | None
    visit_id: int | None
    settled_on_spot: bool
    answer: str | None
    petitioners: list[PetitionerOut] = Field(description=PETITIONERS_DOC)
    identity_withheld: bool = Field(
        description="True for a denunciation whose petitioners this response leaves out (`petitioners` is then []).")


class HistoryOut(Out):
    seq: int
    at: Timestamp = Field(description="When the entry was recorded.")
    effective_on: dt.date = Field(description="The date the act took legal effect.")
    trigger: str
    from_state: str | None
    to_state: str
    actor: str
    note: str | None
    due_on: dt.date | None
    data: dict[str, Any]


class DecisionOut(Out):
    effective_on: dt.date
    outcome: str | None
    decision_no: str | None
    summary: str | None = Field(description=MATTER_DOC)
    on_time: bool


class CaseDetailOut(CaseOut):
    """A case with its content, history, decisions and what the caller may do next."""

    content: str | None = Field(description=MATTER_DOC)
    history: list[HistoryOut]
    decisions: list[DecisionOut]
    available_triggers: list[str] = Field(description="Triggers the caller may fire now (state, role and place allow them).")


class CaseList(Out):
    items: list[CaseOut]
    total: int
    page: int
    per_page: int


# What anyone holding the tracking code may learn: exactly the fields of the public lookup
# (tracker.services.tracking.Tracking), nothing personal, no free text.
TrackOut = create_model("TrackOut", __base__=Out, __doc__=Tracking.__doc__,
                        **{name: (hint, ...) for name, hint in get_type_hints(Tracking).items()})  # type: ignore[call-overload]


# -- activity ------------------------------------------------------------------------------------

class VisitOut(Out):
    id: int
    unit: str
    visited_on: dt.date
    reception: str
    persons: int
    delegation: bool
    repeat: bool
    note: str | None
    case_ids: list[int]
    created_at: Timestamp


class VisitList(Out):
    items: list[VisitOut]
    total: int
    page: int
    per_page: int


class PlanOut(Out):
    id: int
    unit: str
    year: int
    planned_sessions: int
    created_at: Timestamp


class PlanList(Out):
    items: list[PlanOut]
    total: int
    page: int
    per_page: int


class DialogueSummaryOut(Out):
    id: int
    host_unit: str
    held_on: dt.date
    chair: str
    topic: str
    attendees: int | None
    plan_id: int | None
    opinion_count: int
    settled_on_spot_count: int
    settled_on_spot_share: float | None = Field(description="settled_on_spot_count / opinion_count; null when no opinion.")


class DialogueOut(DialogueSummaryOut):
    opinions: list[CaseOut]


class DialogueList(Out):
    items: list[DialogueSummaryOut]
    total: int
    page: int
    per_page: int


class SupervisionOut(Out):
    id: int
    board_unit: str
    board_kind: str = Field(description="`front_committee`, `inspection_board` or `investment_board`.")
    subject: str
    started_on: dt.date
    ended_on: dt.date | None
    scope_unit: str | None
    scope_case_ids: list[int]
    scope_project_id: int | None = Field(description="The investment project supervised, if any (GET /projects/{id}).")
    findings: str | None
    created_at: Timestamp


class SupervisionDetailOut(SupervisionOut):
    recommendations: list[CaseOut]


class SupervisionList(Out):
    items: list[SupervisionOut]
    total: int
    page: int
    per_page: int


# -- workflows -----------------------------------------------------------------------------------

class StateOut(Out):
    name: str
    label_vi: str
    label_en: str
    clock: str
    final: bool


class FieldOut(Out):
    name: str
    type: str
    required: bool
    choices: list[str]
    max_length: int
    label: str


class TriggerOut(Out):
    name: str
    label_vi: str
    label_en: str
    sources: list[str]
    dest: str | None = Field(description="null: the case stays in its state.")
    roles: dict[str, str] = Field(description="Role -> where it may fire the trigger (area, assigned, above_resolving, "
                                              "issuing_board, board_area). `admin` may fire any trigger in its area.")
    fields: list[FieldOut] = Field(description="What `data` carries for this trigger.")
    source: str


class WorkflowOut(Out):
    kind: str
    version: int
    label_vi: str
    label_en: str
    initial: list[str]
    states: list[StateOut]
    triggers: list[TriggerOut]


class WorkflowList(Out):
    items: list[WorkflowOut]


# -- builders ------------------------------------------------------------------------------------

def _local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(clock.LOCAL)


def unit_out(unit: Unit) -> UnitOut:
    return UnitOut(code=unit.code, name=unit.name, kind=unit.kind, parent_code=unit.parent.code if unit.parent else None,
                   closed_on=unit.closed_on, successor_code=unit.successor.code if unit.successor else None)


def user_out(user: User, auth: Literal["session", "bearer"]) -> UserOut:
    return UserOut(id=user.id, username=user.username, full_name=user.full_name, role=user.role, unit=user.unit.code,
                   unit_name=user.unit.name, auth=auth)


def token_out(row: ApiToken) -> TokenInfoOut:
    return TokenInfoOut(id=row.id, created_at=_local(row.created_at),
                        last_used_at=_local(row.last_used_at) if row.last_used_at else None,
                        revoked_at=_local(row.revoked_at) if row.revoked_at else None)


def _case_fields(actor: Actor, case: Case, *, case_page: bool, today: dt.date) -> dict[str, Any]:
    workflow = case.workflow
    state = workflow.state(case.state)
    shown = policy.disclosure(actor, case, case_page=case_page)
    due_at = dt.datetime.combine(case.due_on, dt.time(23, 59, 59), clock.LOCAL) if case.due_on else None
    return dict(
        id=case.id, tracking_code=case.tracking_code, kind=case.kind,
        kind_label=f"{workflow.label_vi} / {workflow.label_en}", state=case.state,
        state_label=f"{state.label_vi} / {state.label_en}", final=state.final, channel=case.channel,
        received_unit=case.received_unit.code, assigned_unit=case.assigned_unit.code if case.assigned_unit else None,
        resolving_unit=case.resolving_unit.code, subject=case.subject if shown.matter else None, subject_area=case.subject_area,
        anonymous=case.anonymous, crowd_size=case.crowd_size, many_person=case.many_person, complex=case.complex,
        remote=case.remote, round=case.round, received_at=_local(case.received_at), received_on=case.received_on,
        accepted_on=case.accepted_on, decided_on=case.decided_on, due_on=case.due_on, due_at=due_at,
        overdue=case.is_overdue(today), extensions_used=case.extensions_used, reopened_count=case.reopened_count,
        urged_count=case.urged_count, rule_set=case.rule_set, workflow_version=case.workflow_version, version=case.version,
        updated_at=_local(case.updated_at), parent_case_id=case.parent_case_id, dialogue_id=case.dialogue_id,
        supervision_id=case.supervision_id, visit_id=case.visit_id, settled_on_spot=case.settled_on_spot,
        answer=case.answer if shown.matter else None,
        petitioners=[petitioner_out(p, contact=shown.contact) for p in case.petitioners] if shown.identity else [],
        identity_withheld=not shown.identity,
    )


def petitioner_out(person: Petitioner, *, contact: bool) -> PetitionerOut:
    """A petitioner: the name, and the contact details where the policy shows them."""
    if not contact:
        return PetitionerOut(full_name=person.full_name, id_number=None, phone=None, address=None)
    return PetitionerOut(full_name=person.full_name, id_number=person.id_number, phone=person.phone, address=person.address)


def case_out(actor: Actor, case: Case, *, today: dt.date | None = None) -> CaseOut:
    """A case for lists and write responses: never a denouncer's identity."""
    return CaseOut(**_case_fields(actor, case, case_page=False, today=today or clock.today()))


def case_detail_out(actor: Actor, view: CaseView) -> CaseDetailOut:
    """The case page: identity only where the service decided it is shown (and logged the view)."""
    case = view.case
    fields = _case_fields(actor, case, case_page=view.identity_visible, today=clock.today())
    fields["overdue"] = view.overdue
    matter = policy.may_read_denunciation(actor, case)
    return CaseDetailOut(
        **fields, content=case.content if matter else None,
        history=[history_out(h, matter=matter) for h in view.history],
        decisions=[DecisionOut(effective_on=d.effective_on, outcome=d.outcome, decision_no=d.decision_no,
                               summary=d.summary if matter else None, on_time=d.on_time) for d in case.decisions],
        available_triggers=view.available_triggers,
    )


def history_out(entry: HistoryEntry, *, matter: bool = True) -> HistoryOut:
    """One history entry; without the case's matter, its note and data (a decision's summary,
    a reason) are left out and only what happened when remains."""
    return HistoryOut(seq=entry.seq, at=_local(entry.at), effective_on=entry.effective_on, trigger=entry.trigger,
                      from_state=entry.from_state, to_state=entry.to_state, actor=entry.actor_name,
                      note=entry.note if matter else None, due_on=entry.due_on, data=(entry.data or {}) if matter else {})


def track_out(tracking: Tracking) -> TrackOut:
    return TrackOut(**asdict(tracking))


def visit_out(visit: ReceptionVisit) -> VisitOut:
    return VisitOut(id=visit.id, unit=visit.unit.code, visited_on=visit.visited_on, reception=visit.reception,
                    persons=visit.persons, delegation=visit.delegation, repeat=visit.repeat, note=visit.note,
                    case_ids=sorted(c.id for c in visit.cases), created_at=_local(visit.created_at))


def plan_out(plan: DialoguePlan) -> PlanOut:
    return PlanOut(id=plan.id, unit=plan.unit.code, year=plan.year, planned_sessions=plan.planned_sessions,
                   created_at=_local(plan.created_at))


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def dialogue_summary_out(dialogue: Dialogue, counts: tuple[int, int]) -> DialogueSummaryOut:
    total, settled = counts
    return DialogueSummaryOut(
        id=dialogue.id, host_unit=dialogue.host_unit.code, held_on=dialogue.held_on, chair=dialogue.chair, topic=dialogue.topic,
        attendees=dialogue.attendees, plan_id=dialogue.plan_id, opinion_count=total, settled_on_spot_count=settled,
        settled_on_spot_share=_share(settled, total),
    )


def dialogue_out(actor: Actor, dialogue: Dialogue, opinions: list[Case]) -> DialogueOut:
    settled = sum(1 for o in opinions if o.settled_on_spot)
    summary = dialogue_summary_out(dialogue, (len(opinions), settled))
    today = clock.today()
    return DialogueOut(**summary.model_dump(), opinions=[case_out(actor, o, today=today) for o in opinions])


def supervision_out(supervision: Supervision) -> SupervisionOut:
    return SupervisionOut(
        id=supervision.id, board_unit=supervision.board_unit.code, board_kind=supervision.board_unit.kind,
        subject=supervision.subject, scope_project_id=supervision.project_id,
        started_on=supervision.started_on, ended_on=supervision.ended_on,
        scope_unit=supervision.scope_unit.code if supervision.scope_unit else None,
        scope_case_ids=sorted(c.id for c in supervision.scope_cases), findings=supervision.findings,
        created_at=_local(supervision.created_at),
    )


def supervision_detail_out(actor: Actor, supervision: Supervision, recommendations: list[Case]) -> SupervisionDetailOut:
    today = clock.today()
    return SupervisionDetailOut(**supervision_out(supervision).model_dump(),
                                recommendations=[case_out(actor, r, today=today) for r in recommendations])


def workflow_out(workflow: Workflow) -> WorkflowOut:
    return WorkflowOut(
        kind=workflow.kind, version=workflow.version, label_vi=workflow.label_vi, label_en=workflow.label_en,
        initial=list(workflow.initial),
        states=[StateOut(name=s.name, label_vi=s.label_vi, label_en=s.label_en, clock=s.clock.value, final=s.final)
                for s in workflow.states],
        triggers=[
            TriggerOut(
                name=t.name, label_vi=t.label_vi, label_en=t.label_en, sources=list(t.sources), dest=t.dest,
                roles={role.value: scope.value for role, scope in t.who.items()},
                fields=[FieldOut(name=f.name, type=f.type.value, required=f.required, choices=list(f.choices),
                                 max_length=f.max_length, label=f.label) for f in t.fields if not f.system],
                source=t.source,
            )
            for t in workflow.triggers
        ],
    )


def all_workflows() -> WorkflowList:
    return WorkflowList(items=[workflow_out(w) for w in definitions.ALL])
