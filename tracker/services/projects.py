"""Investment projects of a commune, which its community investment supervision board watches
(DCCS 2022, DOMAIN.md §6): record one, correct it, list those of an area, read one with its
supervisions."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tracker import clock
from tracker.auth import policy
from tracker.auth.policy import Actor
from tracker.models import Case, Project, Supervision, Unit
from tracker.schemas import ProjectIn
from tracker.services.activity import ListQuery
from tracker.services.activity import _page as page_of
from tracker.services.activity import _tree_prefix as tree_prefix
from tracker.services.common import unit_by_code
from tracker.services.errors import Conflict, Forbidden, NotFound, Refused

_DUPLICATE = "Xã đã có dự án cùng tên / the commune already has a project of that name"


def _project_unit(session: Session, code: str) -> Unit:
    """The unit a project is recorded at: a commune, or an agency of a commune."""
    unit = unit_by_code(session, code, field="unit")
    if unit.kind == "commune" or (unit.kind == "agency" and unit.parent is not None and unit.parent.kind == "commune"):
        return unit
    raise Refused("Dự án thuộc một xã (hoặc cơ quan của xã) / a project belongs to a commune or an agency of a commune",
                  {"fields": {"unit": "not a commune"}})


def _investor_unit(session: Session, code: str, unit: Unit) -> Unit:
    """The investor's unit: any unit of the same province but a board (boards invest in nothing)."""
    investor = unit_by_code(session, code, field="investor_unit")
    if investor.is_board or investor.ancestor_ids[:1] != unit.ancestor_ids[:1]:
        raise Refused("Chủ đầu tư phải là đơn vị cùng tỉnh, không phải Ban giám sát / the investor must be a unit of the same "
                      "province, not a board", {"fields": {"investor_unit": "not an investor"}})
    return investor


def create_project(session: Session, actor: Actor, data: ProjectIn) -> Project:
    """Record an investment project of a commune (the commune, its agencies, administrators; None
    is the operator at the command line)."""
    unit = _project_unit(session, data.unit)
    if not policy.may_record_project(actor, unit):
        raise Forbidden("Chỉ xã, cơ quan của xã và quản trị viên ghi dự án của xã / only the commune, its agencies and "
                        "administrators record its projects", {"fields": {"unit": "not yours"}})
    investor_unit = _investor_unit(session, data.investor_unit, unit) if data.investor_unit else None
    if session.scalar(select(Project.id).where(Project.unit_id == unit.id, Project.name == data.name)):
        raise Conflict(_DUPLICATE, code="duplicate")
    status = data.status or ("in_progress" if data.started_on and data.started_on <= clock.today() else "preparing")
    project = Project(unit=unit, name=data.name, investor=data.investor, investor_unit=investor_unit, location=data.location,
                      budget_vnd=data.budget_vnd, started_on=data.started_on,
                      planned_completion_on=data.planned_completion_on, status=status, created_by_id=actor.id)
    session.add(project)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as error:
        raise Conflict(_DUPLICATE, code="duplicate") from error
    return project


def update_project(session: Session, actor: Actor, project_id: int, data: ProjectIn) -> Project:
    """Correct a project's record (name, investor, place, budget, dates, status): whoever may record
    the commune's projects. A project stays with its commune: another unit is refused."""
    project = get_project(session, actor, project_id)
    if not policy.may_record_project(actor, project.unit):
        raise Forbidden("Chỉ xã, cơ quan của xã và quản trị viên ghi dự án của xã / only the commune, its agencies and "
                        "administrators record its projects", {"fields": {"unit": "not yours"}})
    if data.unit != project.unit.code:
        raise Refused("Dự án không chuyển sang đơn vị khác / a project stays with its commune", {"fields": {"unit": "changed"}})
    investor_unit = _investor_unit(session, data.investor_unit, project.unit) if data.investor_unit else None
    if session.scalar(select(Project.id).where(Project.unit_id == project.unit_id, Project.name == data.name,
                                               Project.id != project.id)):
        raise Conflict(_DUPLICATE, code="duplicate")
    project.name, project.investor, project.investor_unit = data.name, data.investor, investor_unit
    project.location, project.budget_vnd = data.location, data.budget_vnd
    project.started_on, project.planned_completion_on = data.started_on, data.planned_completion_on
    if data.status:
        project.status = data.status
    session.flush()
    return project


def list_projects(session: Session, actor: Actor, query: ListQuery) -> tuple[list[Project], int]:
    """Projects of the communes in the actor's area (a board: the commune it watches), by name."""
    prefix = tree_prefix(session, actor, query.unit)
    if prefix is None:
        return [], 0
    stmt = select(Project).join(Unit, Unit.id == Project.unit_id).where(Unit.path.like(prefix + "%"))
    if query.date_from:
        stmt = stmt.where(Project.started_on >= query.date_from)
    if query.date_to:
        stmt = stmt.where(Project.started_on <= query.date_to)
    return page_of(session, stmt, (Unit.code, Project.name, Project.id), query)


def all_projects(session: Session, unit_code: str | None = None) -> list[Project]:
    """Every project, or those of a unit's tree, by unit and name (for the operator's command line)."""
    stmt = select(Project).join(Unit, Unit.id == Project.unit_id)
    if unit_code:
        stmt = stmt.where(Unit.path.like(unit_by_code(session, unit_code).path + "%"))
    return list(session.scalars(stmt.order_by(Unit.code, Project.name, Project.id)))


def get_project(session: Session, actor: Actor, project_id: int) -> Project:
    """A project in the actor's area; elsewhere it does not exist for them (404)."""
    project = session.get(Project, project_id)
    if project is None or not policy.unit_in_area(actor, project.unit):
        raise NotFound("Không tìm thấy dự án / project not found")
    return project


def supervisions_of(session: Session, project: Project) -> list[tuple[Supervision, list[Case]]]:
    """The supervisions of a project, oldest first, each with the recommendations it issued."""
    supervisions = list(session.scalars(
        select(Supervision).where(Supervision.project_id == project.id).order_by(Supervision.started_on, Supervision.id)))
    recommendations: dict[int, list[Case]] = {s.id: [] for s in supervisions}
    if supervisions:
        for case in session.scalars(select(Case).where(Case.supervision_id.in_(recommendations)).order_by(Case.id)):
            assert case.supervision_id is not None
            recommendations[case.supervision_id].append(case)
    return [(s, recommendations[s.id]) for s in supervisions]


@dataclass(frozen=True)
class BoardView:
    """What a board's page shows: the projects of its area with how many times it supervised
    each, and (for a board's member) the board's supervisions and the recommendations it issued."""

    projects: list[tuple[Project, int]]
    supervisions: list[Supervision]
    recommendations: list[Case]
    today: dt.date


def board_view(session: Session, actor: Actor, limit: int = 200) -> BoardView:
    """The projects of the actor's area; for a board member, also the board's own supervisions
    and recommendations, newest first."""
    rows, _ = list_projects(session, actor, ListQuery(per_page=limit))
    board_id = actor.unit.id if actor.unit.is_board else None
    counts: dict[int, int] = {}
    supervisions: list[Supervision] = []
    recommendations: list[Case] = []
    if board_id is not None:
        counted = session.execute(
            select(Supervision.project_id, func.count(Supervision.id))
            .where(Supervision.board_unit_id == board_id, Supervision.project_id.is_not(None))
            .group_by(Supervision.project_id)).all()
        counts = {project_id: n for project_id, n in counted if project_id is not None}
        supervisions = list(session.scalars(select(Supervision).where(Supervision.board_unit_id == board_id)
                                            .order_by(Supervision.started_on.desc(), Supervision.id.desc()).limit(limit)))
        recommendations = list(session.scalars(
            select(Case).join(Supervision, Supervision.id == Case.supervision_id)
            .where(Supervision.board_unit_id == board_id).order_by(Case.received_on.desc(), Case.id.desc()).limit(limit)))
    return BoardView([(p, counts.get(p.id, 0)) for p in rows], supervisions, recommendations, clock.today())
