"""Jurisdiction and permissions (DOMAIN.md §4-§6), the one place they are decided.

A user's area is their unit and every unit below it; a supervisory board's area is the tree
of the unit it is attached to, plus the recommendations it issued. A case is in an area
when its receiving or its resolving unit is. Outside your area a case does not exist
for you (404); inside it, a trigger your role or scope does not allow is a 403.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from sqlalchemy import ColumnElement, and_, false, func, or_, select, true
from sqlalchemy.orm import aliased

from tracker.models import Case, Supervision, Unit
from workflows.definitions.base import Role, Scope, Trigger


class Actor(Protocol):
    """Whoever acts: a signed-in user, a program's token, or the sweep."""

    @property
    def id(self) -> int | None: ...
    @property
    def role(self) -> str: ...
    @property
    def unit(self) -> Unit: ...
    @property
    def display_name(self) -> str: ...


class SystemHasNoUnit(LookupError):
    """Raised when code asks the system actor for its unit: it stands above every unit, and
    only this module decides what that allows."""


class System:
    """The installation acting on its own authority: the operator at the command line, the
    periodic sweep, the demo and register imports. It is not a person and has no unit; the
    functions below recognise it by name, so no missing actor ever means "anything goes"."""

    id: None = None
    role: str = Role.SYSTEM.value
    display_name: str = "Hệ thống / system"

    @property
    def unit(self) -> Unit:
        raise SystemHasNoUnit("the system actor has no unit; ask tracker.auth.policy")

    def __repr__(self) -> str:
        return "SYSTEM"


# The one system actor: the CLI, the sweep, the demo and imports pass it.
SYSTEM = System()


def is_system(actor: Actor) -> bool:
    """True for the installation itself (policy.SYSTEM)."""
    return actor is SYSTEM


class HasUnit(Protocol):
    """Anything that belongs to a unit (a user, a session's user)."""

    @property
    def unit(self) -> Unit: ...


class Operation(StrEnum):
    """What a user asks to do, besides firing triggers (those are the workflows' `who`)."""

    CREATE_UNIT = "create_unit"
    CREATE_USER = "create_user"
    INTAKE = "intake"
    RECORD_VISIT = "record_visit"
    SCHEDULE_RECEPTION = "schedule_reception"
    PLAN_DIALOGUES = "plan_dialogues"
    RECORD_DIALOGUE = "record_dialogue"
    RECORD_OPINION = "record_opinion"
    OPEN_SUPERVISION = "open_supervision"
    ISSUE_RECOMMENDATION = "issue_recommendation"
    MANAGE_OUTBOX = "manage_outbox"
    RECORD_PROJECT = "record_project"
    # The records the TT 06/2025 report forms read (tracker.services.report_records).
    REVIEW_ELIGIBILITY = "review_eligibility"
    RECORD_EXECUTION = "record_execution"
    RECORD_MANAGEMENT = "record_management"
    SUBMIT_REPORT = "submit_report"


_DESK = frozenset({Role.RECEPTION, Role.LEADER, Role.ADMIN})
_BOARD = frozenset({Role.SUPERVISOR, Role.ADMIN})

# Who may do what (DESIGN.md "Who uses it"): reception logs petitions at the desk; the desk,
# its leaders and admins record visits, plans, sessions and opinions; boards supervise.
ALLOWED: dict[Operation, frozenset[Role]] = {
    Operation.CREATE_UNIT: frozenset({Role.ADMIN}),
    Operation.CREATE_USER: frozenset({Role.ADMIN}),
    Operation.INTAKE: frozenset({Role.RECEPTION, Role.ADMIN}),
    Operation.RECORD_VISIT: _DESK,
    Operation.SCHEDULE_RECEPTION: _DESK,
    Operation.PLAN_DIALOGUES: _DESK,
    Operation.RECORD_DIALOGUE: _DESK,
    Operation.RECORD_OPINION: _DESK,
    Operation.OPEN_SUPERVISION: _BOARD,
    Operation.ISSUE_RECOMMENDATION: _BOARD,
    # Failed deliveries: seeing them and sending them again.
    Operation.MANAGE_OUTBOX: frozenset({Role.ADMIN}),
    # A commune's investment projects are recorded by the commune and its agencies (DCCS 2022).
    Operation.RECORD_PROJECT: frozenset({Role.RECEPTION, Role.LEADER, Role.AGENCY, Role.ADMIN}),
    # The desk processes petitions; the resolving agency records execution; leaders (report
    # writers) enter the unit's management work and send its reports.
    Operation.REVIEW_ELIGIBILITY: _DESK,
    Operation.RECORD_EXECUTION: frozenset({Role.AGENCY, Role.LEADER, Role.ADMIN}),
    Operation.RECORD_MANAGEMENT: frozenset({Role.LEADER, Role.ADMIN}),
    Operation.SUBMIT_REPORT: frozenset({Role.LEADER, Role.ADMIN}),
}


def may(actor: Actor, operation: Operation) -> bool:
    """True when the actor's role may perform `operation` at all (where is checked apart);
    the operator at the command line may do everything an administrator may."""
    return is_system(actor) or actor.role in ALLOWED[operation]


def may_create_unit_under(actor: Actor, parent: Unit | None) -> bool:
    """An administrator adds units inside their area; a new province (no parent) is for the
    national administrator alone: the operator of the installation, at the command line."""
    if is_system(actor):
        return True
    return parent is not None and may(actor, Operation.CREATE_UNIT) and unit_in_area(actor, parent)


def may_manage_user(actor: Actor, user: HasUnit) -> bool:
    """An administrator manages (ends the sessions of, deactivates) the users of their area."""
    return is_system(actor) or (actor.role == Role.ADMIN and unit_in_area(actor, user.unit))


def may_set_reporting_periods(actor: Actor) -> bool:
    """A province's official reporting periods are set by its administrators (and the operator)."""
    return is_system(actor) or actor.role == Role.ADMIN


def may_draft_intake_act(actor: Actor) -> bool:
    """The acts of intake (a receipt, a notice of acceptance) are made at the desk: reception,
    its leaders and admins."""
    return may(actor, Operation.INTAKE) or actor.role == Role.LEADER


def acts_for_all_units(actor: Actor) -> bool:
    """An administrator issues acts in the name of the unit the step belongs to; everyone else
    in the name of their own unit."""
    return is_system(actor) or actor.role == Role.ADMIN


def may_name_unit(actor: Actor, target: Unit) -> bool:
    """A unit a user names as a case's next unit (assigning it, reopening an opinion) lies in their
    area; an administrator (or the operator) may name any unit of the installation."""
    return is_system(actor) or actor.role == Role.ADMIN or unit_in_area(actor, target)


def area_root(actor: Actor) -> Unit:
    """The unit at the top of the actor's area: their own, or for a board the unit it watches."""
    unit = actor.unit
    if actor.role == Role.SUPERVISOR and unit.is_board and unit.parent is not None:
        return unit.parent
    return unit


def area_root_path(actor: Actor) -> str:
    """The path prefix of the actor's area ("" for the system: every unit)."""
    return "" if is_system(actor) else area_root(actor).path


def board_watches(board: Unit, unit: Unit) -> bool:
    """True when `unit` lies in the tree a board watches (the unit it is attached to)."""
    watched = board.parent or board
    return unit.path.startswith(watched.path)


def unit_in_area(actor: Actor, unit: Unit) -> bool:
    """True when `unit` lies in the actor's area (every unit for the system)."""
    return is_system(actor) or unit.path.startswith(area_root_path(actor))


def may_record_project(actor: Actor, unit: Unit) -> bool:
    """True when the actor may record a project of `unit` (a commune, or an agency of a commune):
    users of that commune or of its agencies, and administrators whose area holds it."""
    if not may(actor, Operation.RECORD_PROJECT):
        return False
    if is_system(actor) or actor.role == Role.ADMIN:
        return unit_in_area(actor, unit)
    commune = unit if unit.kind == "commune" else unit.parent
    own = actor.unit
    return commune is not None and (own.id == commune.id or (own.kind == "agency" and own.parent_id == commune.id))


def can_act_in_area(actor: Actor, case: Case) -> bool:
    """True when the case's resolving unit lies in the actor's area: the power to act on a
    case follows it when it is forwarded, the unit that received it keeps only read access."""
    return unit_in_area(actor, case.resolving_unit)


def issued_by_actor_board(actor: Actor, case: Case, board_unit_id: int | None) -> bool:
    """True when the case is a recommendation the actor's board issued."""
    return not is_system(actor) and actor.role == Role.SUPERVISOR and board_unit_id is not None and board_unit_id == actor.unit.id


def can_view(actor: Actor, case: Case, board_unit_id: int | None = None) -> bool:
    """True when the case is in the actor's area (or is a recommendation their board issued)."""
    if unit_in_area(actor, case.received_unit) or unit_in_area(actor, case.resolving_unit):
        return True
    return issued_by_actor_board(actor, case, board_unit_id)


def visible_filter(actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause selecting the cases the actor may see, resolved in SQL."""
    if is_system(actor):
        return true()
    prefix = area_root_path(actor) + "%"
    received = aliased(Unit)
    resolving = aliased(Unit)
    in_area = or_(
        select(received.id).where(received.id == Case.received_unit_id, received.path.like(prefix)).exists(),
        select(resolving.id).where(resolving.id == Case.assigned_unit_id, resolving.path.like(prefix)).exists(),
    )
    if actor.role == Role.SUPERVISOR:
        issued = select(Supervision.id).where(
            Supervision.id == Case.supervision_id, Supervision.board_unit_id == actor.unit.id
        ).exists()
        return or_(in_area, issued)
    return in_area


def can_see_identity(actor: Actor, case: Case) -> bool:
    """A denouncer's identity is for the resolving authority and admins only (TC Art. 47);
    never for the system, whose work (notifications, exports, imports) must not carry it."""
    if case.kind != "denunciation":
        return True
    if is_system(actor):
        return False
    return actor.role == Role.ADMIN or actor.unit.id == case.resolving_unit.id


def identity_shown(actor: Actor, case: Case, *, case_page: bool) -> bool:
    """Whether a response may carry the case's petitioners' identity.

    A denouncer's identity appears only on the case page (GET /cases/{id}) of the resolving
    authority and admins, and each such view is written to the history; never in lists,
    search results, other responses, the public lookup or notifications (DOMAIN.md §5)."""
    if case.kind != "denunciation":
        return True
    return case_page and can_see_identity(actor, case)


# -- data minimisation (Decree 13/2023/NĐ-CP on personal data; TC Art. 47) -----------------------


def sees_contact_details(actor: Actor) -> bool:
    """A supervisory board audits how a case is handled, not who brought it: it sees a
    complainant's name, never their ID number, phone or address (Decree 13/2023, Art. 3)."""
    return is_system(actor) or not actor.unit.is_board


def may_read_denunciation(actor: Actor, case: Case) -> bool:
    """A denunciation's subject and content name the person accused: they go to the resolving
    unit, the leaders above it and the admins of its area; everyone else who may see the case
    (the unit that received it and forwarded it, boards, other units of the area) sees its kind,
    state and dates only."""
    if case.kind != "denunciation":
        return True
    if is_system(actor):
        return False
    resolving = case.resolving_unit
    if actor.role == Role.ADMIN:
        return unit_in_area(actor, resolving)
    if actor.unit.id == resolving.id:
        return True
    return actor.role == Role.LEADER and resolving.path.startswith(actor.unit.path)


def readable_filter(actor: Actor) -> ColumnElement[bool]:
    """The SQL twin of may_read_denunciation: the cases whose subject the actor may search in."""
    resolving = aliased(Unit)
    resolving_id = func.coalesce(Case.assigned_unit_id, Case.received_unit_id)
    if is_system(actor):
        return Case.kind != "denunciation"
    if actor.role == Role.ADMIN:
        prefix = area_root_path(actor)
    elif actor.role == Role.LEADER:
        prefix = actor.unit.path
    else:
        return or_(Case.kind != "denunciation", resolving_id == actor.unit.id)
    above = select(resolving.id).where(resolving.id == resolving_id, resolving.path.like(prefix + "%")).exists()
    return or_(Case.kind != "denunciation", above)


@dataclass(frozen=True)
class Disclosure:
    """What of a case a response may carry for one actor: its matter (subject, content, the
    decision's summary, the notes of its history), its petitioners at all, and their contact
    details (ID number, phone, address) besides their names."""

    matter: bool
    identity: bool
    contact: bool


def disclosure(actor: Actor, case: Case, *, case_page: bool) -> Disclosure:
    """The rules above, put together for one case in one response."""
    identity = identity_shown(actor, case, case_page=case_page)
    return Disclosure(matter=may_read_denunciation(actor, case), identity=identity,
                      contact=identity and sees_contact_details(actor))


def identity_search_filter(actor: Actor) -> ColumnElement[bool]:
    """Cases whose petitioners' names the actor may search by: not other units' denunciations."""
    if is_system(actor):
        return Case.kind != "denunciation"
    if actor.role == Role.ADMIN:
        return true()
    return or_(
        Case.kind != "denunciation",
        and_(Case.assigned_unit_id.is_(None), Case.received_unit_id == actor.unit.id),
        Case.assigned_unit_id == actor.unit.id,
    )


def may_search_identity(actor: Actor, case: Case) -> bool:
    """The case-by-case twin of identity_search_filter: may the actor find this case by its petitioners?"""
    if is_system(actor):
        return case.kind != "denunciation"
    if actor.role == Role.ADMIN or case.kind != "denunciation":
        return True
    if case.assigned_unit_id is None:
        return case.received_unit_id == actor.unit.id
    return case.assigned_unit_id == actor.unit.id


def scope_allows(actor: Actor, case: Case, scope: Scope, board_unit_id: int | None) -> bool:
    """True when the actor stands where `scope` asks, relative to the case."""
    resolving = case.resolving_unit
    match scope:
        case Scope.ANY:
            return True
        case Scope.AREA | Scope.BOARD_AREA:
            return can_act_in_area(actor, case)
        case Scope.ASSIGNED:
            return actor.unit.id == resolving.id
        case Scope.ABOVE_RESOLVING:
            return resolving.path.startswith(actor.unit.path) and resolving.id != actor.unit.id
        case Scope.ISSUING_BOARD:
            return issued_by_actor_board(actor, case, board_unit_id)
    return False


def may_fire(actor: Actor, case: Case, trigger: Trigger, board_unit_id: int | None = None) -> bool:
    """True when the actor's role and place allow `trigger` on `case` (the state is the engine's).
    The system fires only what the law does by itself (a decision becoming final, a transfer
    when a unit closes): the triggers whose `who` names it."""
    if is_system(actor):
        return Role.SYSTEM in trigger.who
    if actor.role == Role.ADMIN:
        return can_act_in_area(actor, case)
    scope = trigger.who.get(Role(actor.role))
    return scope is not None and scope_allows(actor, case, scope, board_unit_id)


def no_cases() -> ColumnElement[bool]:
    """A WHERE clause that selects nothing."""
    return false()


# -- documents on cases, dialogue sessions and supervisions (issue 15) -----------------------------

_DOCUMENT_WRITERS = frozenset({Role.RECEPTION, Role.AGENCY, Role.LEADER, Role.ADMIN})


def may_add_document(actor: Actor, case: Case, board_unit_id: int | None = None) -> bool:
    """The desk, leaders and admins of the area add documents to a case; an agency only to a
    case it resolves; a board only to the recommendations it issued."""
    if not can_view(actor, case, board_unit_id):
        return False
    if actor.role == Role.SUPERVISOR:
        return issued_by_actor_board(actor, case, board_unit_id)
    if actor.role == Role.AGENCY:
        return actor.unit.id == case.resolving_unit.id
    return actor.role in _DOCUMENT_WRITERS


def may_download_document(actor: Actor, case: Case) -> bool:
    """A denunciation's files (the letter, the denouncer's handwriting) go only where the
    denouncer's identity may go (TC Art. 47); other cases' files to whoever sees the case."""
    return can_see_identity(actor, case)


def may_add_activity_document(actor: Actor, unit: Unit) -> bool:
    """Documents of a dialogue session (its host unit) or a supervision (its board unit)."""
    if actor.role == Role.SUPERVISOR:
        return actor.unit.id == unit.id
    return actor.role in _DOCUMENT_WRITERS - {Role.AGENCY} and unit_in_area(actor, unit)


# -- the supervisory boards' page (issue 12) -------------------------------------------------------

def may_choose_board(actor: Actor) -> bool:
    """An administrator opens the page of any board of their area; a member only their own."""
    return is_system(actor) or actor.role == Role.ADMIN


def may_work_for_board(actor: Actor, board: Unit) -> bool:
    """A board's page and forms, its supervisions and recommendations are for its members, and
    for administrators whose area holds it (and the operator)."""
    if not board.is_board:
        return False
    if is_system(actor):
        return True
    if actor.role == Role.SUPERVISOR:
        return actor.unit.id == board.id
    return actor.role == Role.ADMIN and unit_in_area(actor, board)


# -- administration and the audit view (issue 12) --------------------------------------------------

_AUDITORS = frozenset({Role.LEADER, Role.SUPERVISOR, Role.ADMIN})


def may_administer(actor: Actor) -> bool:
    """The administration pages are for administrators; each manages only their own area."""
    return actor.role == Role.ADMIN


def may_manage_unit(actor: Actor, unit: Unit) -> bool:
    """An administrator renames and closes the units of their area, never the top of it (their own
    unit belongs to the administrator above them)."""
    return may_administer(actor) and unit_in_area(actor, unit) and unit.id != area_root(actor).id


def may_change_calendar(actor: Actor) -> bool:
    """The working-day calendar is the country's: its overrides are changed by the administrator of a
    province (the top of the tree; the operator at the command line too), never by one of a district."""
    return is_system(actor) or (may_administer(actor) and area_root(actor).parent_id is None)


def may_see_audit(actor: Actor, case: Case) -> bool:
    """Leaders, boards and admins who see a case see its audit: whether its history chain holds."""
    return actor.role in _AUDITORS


def may_see_identity_views(actor: Actor, case: Case) -> bool:
    """Who viewed a denouncer's identity, and when, is for the resolving unit and admins only."""
    return actor.role == Role.ADMIN or actor.unit.id == case.resolving_unit.id
