"""Dialogues and their opinions, dialogue plans, supervisions and their recommendations,
and reception visits (DOMAIN.md §6, §8)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy import case as when
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tracker import clock
from tracker.auth import policy
from tracker.auth.policy import Actor, Operation
from tracker.models import Case, Dialogue, DialoguePlan, Project, ReceptionVisit, Supervision, Unit
from tracker.schemas import DialogueIn, OpinionIn, PlanIn, RecommendationIn, SupervisionIn, VisitIn
from tracker.services.cases import add_petitioners, new_case
from tracker.services.common import case_unit, effective_date, engine_for, get_or_404, unit_by_code
from tracker.services.errors import ENGINE_REFUSALS, Conflict, Forbidden, NotFound, Refused, from_workflow

T = TypeVar("T")


def _require(actor: Actor, operation: Operation, what: str) -> None:
    if not policy.may(actor, operation):
        raise Forbidden(f"Vai trò {actor.role} không được {what} / role {actor.role} may not {what}")


def _own_unit(session: Session, actor: Actor, code: str, field: str) -> Unit:
    unit = unit_by_code(session, code, field=field)
    if not policy.unit_in_area(actor, unit):
        raise Forbidden("Đơn vị ngoài phạm vi của bạn / that unit is outside your jurisdiction", {"fields": {field: "outside"}})
    return unit


# -- dialogues ---------------------------------------------------------------------------------

def create_plan(session: Session, actor: Actor, data: PlanIn) -> DialoguePlan:
    """Record a unit's yearly dialogue plan; one per unit and year."""
    _require(actor, Operation.PLAN_DIALOGUES, "lập kế hoạch đối thoại / make a dialogue plan")
    unit = _own_unit(session, actor, data.unit, "unit")
    if session.scalar(select(DialoguePlan.id).where(DialoguePlan.unit_id == unit.id, DialoguePlan.year == data.year)):
        raise Conflict("Đơn vị đã có kế hoạch năm này / the unit already has a plan for that year", code="duplicate")
    plan = DialoguePlan(unit=unit, year=data.year, planned_sessions=data.planned_sessions)
    session.add(plan)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as error:
        raise Conflict("Đơn vị đã có kế hoạch năm này / the unit already has a plan for that year", code="duplicate") from error
    return plan


def open_dialogue(session: Session, actor: Actor, data: DialogueIn) -> Dialogue:
    """Record a dialogue session held by a unit (it may belong to the unit's plan)."""
    _require(actor, Operation.RECORD_DIALOGUE, "ghi nhận buổi đối thoại / record a dialogue")
    host = case_unit(_own_unit(session, actor, data.host_unit, "host_unit"), field="host_unit")
    held_on = effective_date(data.held_on, field="held_on")
    if data.plan_id is not None:
        plan = session.get(DialoguePlan, data.plan_id)
        if plan is None or plan.unit_id != host.id:
            raise Refused("Kế hoạch không thuộc đơn vị chủ trì / the plan is not the host unit's", {"fields": {"plan_id": "unknown"}})
    dialogue = Dialogue(host_unit=host, held_on=held_on, chair=data.chair, topic=data.topic, attendees=data.attendees,
                        plan_id=data.plan_id, created_by_id=actor.id)
    session.add(dialogue)
    session.flush()
    return dialogue


def get_dialogue(session: Session, actor: Actor, dialogue_id: int) -> tuple[Dialogue, list[Case]]:
    """A dialogue in the actor's area with its opinions."""
    dialogue = session.get(Dialogue, dialogue_id)
    if dialogue is None or not policy.unit_in_area(actor, dialogue.host_unit):
        raise NotFound("Không tìm thấy buổi đối thoại / dialogue not found")
    opinions = list(session.scalars(select(Case).where(Case.dialogue_id == dialogue.id).order_by(Case.id)))
    return dialogue, opinions


def record_opinion(session: Session, actor: Actor, dialogue_id: int, data: OpinionIn) -> Case:
    """An opinion raised at a session: settled on the spot, or assigned to a unit with a due date."""
    _require(actor, Operation.RECORD_OPINION, "ghi ý kiến đối thoại / record an opinion")
    dialogue = session.get(Dialogue, dialogue_id)
    if dialogue is None or not policy.unit_in_area(actor, dialogue.host_unit):
        raise NotFound("Không tìm thấy buổi đối thoại / dialogue not found")
    case_unit(dialogue.host_unit, field="host_unit")
    assigned = None
    if not data.settled_on_spot:
        assigned = case_unit(unit_by_code(session, data.assigned_unit or "", field="assigned_unit"), field="assigned_unit")
    try:
        step = engine_for(session).start(
            "dialogue_opinion", effective_on=dialogue.held_on,
            state="settled_on_spot" if data.settled_on_spot else "assigned", due_on=data.due_on,
        )
    except ENGINE_REFUSALS as error:
        raise from_workflow(error) from error
    case = new_case(
        session, actor, kind="dialogue_opinion", step=step, received_unit=dialogue.host_unit, subject=data.subject,
        content=data.content, channel="dialogue", received_at=clock.now(), assigned_unit=assigned,
        dialogue_id=dialogue.id, settled_on_spot=data.settled_on_spot, answer=data.answer,
        decided_on=dialogue.held_on if data.settled_on_spot else None,
        final_on=dialogue.held_on if data.settled_on_spot else None,
    )
    add_petitioners(case, data.petitioners)
    session.flush()
    return case


# -- supervisions ------------------------------------------------------------------------------

def open_supervision(session: Session, actor: Actor, data: SupervisionIn) -> Supervision:
    """A supervision held by a board over a unit, a list of cases or an investment project (the
    scope of every supervision of a community investment supervision board)."""
    _require(actor, Operation.OPEN_SUPERVISION, "mở cuộc giám sát / open a supervision")
    board = unit_by_code(session, data.board_unit, field="board_unit")
    if not board.is_board:
        raise Refused("Đơn vị giám sát phải là Ban giám sát / the board unit must be a supervisory board (front committee, "
                      "inspection board or investment supervision board)", {"fields": {"board_unit": "not a board"}})
    if not policy.may_work_for_board(actor, board):
        raise Forbidden("Chỉ mở giám sát cho Ban của mình / you may open supervisions for your own board only")
    started = effective_date(data.started_on, field="started_on")
    supervision = Supervision(board_unit=board, subject=data.subject, started_on=started, ended_on=data.ended_on,
                              findings=data.findings, created_by_id=actor.id)
    if board.kind == "investment_board" and (data.scope is None or data.scope.project_id is None):
        raise Refused("Ban giám sát đầu tư của cộng đồng giám sát một dự án: nêu scope.project_id / a community investment "
                      "supervision board supervises a project: name scope.project_id",
                      {"fields": {"scope.project_id": "required"}})
    if data.scope is not None:
        if data.scope.project_id is not None:
            project = session.get(Project, data.scope.project_id)
            # Only a project the actor may see and the board watches; any other does not exist for them.
            if project is None or not policy.unit_in_area(actor, project.unit) or not policy.board_watches(board, project.unit):
                raise Refused(f"Không có dự án {data.scope.project_id} / no project {data.scope.project_id}",
                              {"fields": {"scope.project_id": "unknown project"}})
            supervision.project = project
        if data.scope.unit:
            supervision.scope_unit = unit_by_code(session, data.scope.unit, field="scope.unit")
        for case_id in data.scope.case_ids:
            case = session.get(Case, case_id)
            if case is None or not policy.can_view(actor, case):
                raise Refused(f"Không có hồ sơ {case_id} / no case {case_id}", {"fields": {"scope.case_ids": case_id}})
            supervision.scope_cases.append(case)
    session.add(supervision)
    session.flush()
    return supervision


def _addressee(session: Session, supervision: Supervision, code: str | None) -> Unit:
    """The unit a recommendation goes to: the one named, else the investor of the supervised project."""
    if code is not None:
        return unit_by_code(session, code, field="addressee_unit")
    if supervision.project is not None and supervision.project.investor_unit is not None:
        return supervision.project.investor_unit
    raise Refused("Nêu đơn vị nhận kiến nghị / name the addressee_unit", {"fields": {"addressee_unit": "required"}})


def issue_recommendation(session: Session, actor: Actor, supervision_id: int, data: RecommendationIn) -> Case:
    """A recommendation the board addresses to a unit of the same province (by default, for a
    project's supervision, the project's investor), state `issued`."""
    _require(actor, Operation.ISSUE_RECOMMENDATION, "kiến nghị / issue recommendations")
    supervision = session.get(Supervision, supervision_id)
    if supervision is None or not policy.may_work_for_board(actor, supervision.board_unit):
        raise NotFound("Không tìm thấy cuộc giám sát / supervision not found")
    addressee = _addressee(session, supervision, data.addressee_unit)
    board = supervision.board_unit
    if addressee.ancestor_ids[:1] != board.ancestor_ids[:1] or addressee.is_board:
        raise Refused("Đơn vị nhận kiến nghị phải thuộc cùng tỉnh / the addressee must be a unit of the same province",
                      {"fields": {"addressee_unit": "outside the province"}})
    issued_on = effective_date(data.issued_on or clock.today(), field="issued_on")
    if issued_on < supervision.started_on:
        raise Refused("Kiến nghị trước ngày giám sát / issued before the supervision started", {"fields": {"issued_on": "too early"}})
    try:
        step = engine_for(session).start("supervision_recommendation", effective_on=issued_on, due_on=data.due_on)
    except ENGINE_REFUSALS as error:
        raise from_workflow(error) from error
    subject = data.content if len(data.content) <= 200 else data.content[:197] + "..."
    return new_case(
        session, actor, kind="supervision_recommendation", step=step, received_unit=board, subject=subject,
        content=data.content, channel="supervision", received_at=clock.now(), assigned_unit=addressee,
        supervision_id=supervision.id,
    )


# -- reception ----------------------------------------------------------------------------------

def record_visit(session: Session, actor: Actor, data: VisitIn) -> ReceptionVisit:
    """A visit to a reception desk (form 01/TCD), linked to the cases it concerns."""
    _require(actor, Operation.RECORD_VISIT, "ghi lượt tiếp / record a visit")
    unit = _own_unit(session, actor, data.unit, "unit")
    visited_on = effective_date(data.visited_on, field="visited_on")
    visit = ReceptionVisit(unit=unit, visited_on=visited_on, reception=data.reception, persons=data.persons,
                           delegation=data.delegation, repeat=data.repeat, note=data.note, received_by_id=actor.id)
    for case_id in dict.fromkeys(data.case_ids):
        case = session.get(Case, case_id)
        if case is None or not policy.can_view(actor, case):
            raise Refused(f"Không có hồ sơ {case_id} / no case {case_id}", {"fields": {"case_ids": case_id}})
        visit.cases.append(case)
    session.add(visit)
    session.flush()
    return visit


@dataclass(frozen=True)
class ListQuery:
    """The filters every activity list shares: a unit's tree, a date range, a page."""

    unit: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    page: int = 1
    per_page: int = 50


def _tree_prefix(session: Session, actor: Actor, unit_code: str | None) -> str | None:
    """The path prefix to list under: the named unit's tree inside the actor's area, or the area.
    None when the named unit lies outside the area (the list is then empty)."""
    area = policy.area_root_path(actor)
    if not unit_code:
        return area
    path = unit_by_code(session, unit_code).path
    if path.startswith(area):
        return path
    return None


def _page(session: Session, stmt: Select[T], order: tuple[Any, ...], query: ListQuery) -> tuple[list[T], int]:
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(*order).offset((query.page - 1) * query.per_page).limit(query.per_page))
    return list(rows), total


def list_visits(session: Session, actor: Actor, query: ListQuery) -> tuple[list[ReceptionVisit], int]:
    """Visits in the actor's area, newest first."""
    prefix = _tree_prefix(session, actor, query.unit)
    if prefix is None:
        return [], 0
    stmt = select(ReceptionVisit).join(Unit, Unit.id == ReceptionVisit.unit_id).where(Unit.path.like(prefix + "%"))
    if query.date_from:
        stmt = stmt.where(ReceptionVisit.visited_on >= query.date_from)
    if query.date_to:
        stmt = stmt.where(ReceptionVisit.visited_on <= query.date_to)
    return _page(session, stmt, (ReceptionVisit.visited_on.desc(), ReceptionVisit.id.desc()), query)


def list_dialogues(session: Session, actor: Actor, query: ListQuery) -> tuple[list[Dialogue], int]:
    """Dialogue sessions hosted in the actor's area, newest first."""
    prefix = _tree_prefix(session, actor, query.unit)
    if prefix is None:
        return [], 0
    stmt = select(Dialogue).join(Unit, Unit.id == Dialogue.host_unit_id).where(Unit.path.like(prefix + "%"))
    if query.date_from:
        stmt = stmt.where(Dialogue.held_on >= query.date_from)
    if query.date_to:
        stmt = stmt.where(Dialogue.held_on <= query.date_to)
    return _page(session, stmt, (Dialogue.held_on.desc(), Dialogue.id.desc()), query)


def opinion_counts(session: Session, dialogue_ids: list[int]) -> dict[int, tuple[int, int]]:
    """For each dialogue: how many opinions were raised and how many settled on the spot."""
    if not dialogue_ids:
        return {}
    rows = session.execute(
        select(Case.dialogue_id, func.count(Case.id), func.sum(when((Case.settled_on_spot.is_(True), 1), else_=0)))
        .where(Case.dialogue_id.in_(dialogue_ids)).group_by(Case.dialogue_id)
    ).all()
    return {dialogue_id: (int(total), int(settled or 0)) for dialogue_id, total, settled in rows}


def list_plans(session: Session, actor: Actor, query: ListQuery, year: int | None = None) -> tuple[list[DialoguePlan], int]:
    """Dialogue plans of units in the actor's area, latest year first."""
    prefix = _tree_prefix(session, actor, query.unit)
    if prefix is None:
        return [], 0
    stmt = select(DialoguePlan).join(Unit, Unit.id == DialoguePlan.unit_id).where(Unit.path.like(prefix + "%"))
    if year is not None:
        stmt = stmt.where(DialoguePlan.year == year)
    return _page(session, stmt, (DialoguePlan.year.desc(), Unit.code, DialoguePlan.id), query)


def list_supervisions(session: Session, actor: Actor, query: ListQuery) -> tuple[list[Supervision], int]:
    """Supervisions held by boards in the actor's area (a board always sees its own), newest first."""
    prefix = _tree_prefix(session, actor, query.unit)
    if prefix is None:
        return [], 0
    stmt = select(Supervision).join(Unit, Unit.id == Supervision.board_unit_id).where(
        or_(Unit.path.like(prefix + "%"), Supervision.board_unit_id == actor.unit.id) if not query.unit
        else Unit.path.like(prefix + "%"))
    if query.date_from:
        stmt = stmt.where(Supervision.started_on >= query.date_from)
    if query.date_to:
        stmt = stmt.where(Supervision.started_on <= query.date_to)
    return _page(session, stmt, (Supervision.started_on.desc(), Supervision.id.desc()), query)


def recommendations_of(session: Session, supervision: Supervision) -> list[Case]:
    """The recommendations a supervision issued, in order."""
    return list(session.scalars(select(Case).where(Case.supervision_id == supervision.id).order_by(Case.id)))


def get_supervision(session: Session, actor: Actor, supervision_id: int) -> Supervision:
    """A supervision the actor may see."""
    supervision = get_or_404(session, Supervision, supervision_id, "cuộc giám sát / supervision")
    if not policy.unit_in_area(actor, supervision.board_unit) and supervision.board_unit_id != actor.unit.id:
        raise NotFound("Không tìm thấy cuộc giám sát / supervision not found")
    return supervision
