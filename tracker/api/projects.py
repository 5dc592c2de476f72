"""Investment projects of the communes, which community investment supervision boards watch:
record one, list those of your area, read one with its supervisions and recommendations."""
from __future__ import annotations

import datetime as dt

from pydantic import Field

from tracker import clock
from tracker.api import out
from tracker.api.blueprint import api
from tracker.api.queries import ActivityQuery
from tracker.auth.policy import Actor
from tracker.boundary import request_session
from tracker.models import Case, Project, Supervision, User
from tracker.schemas import ProjectIn
from tracker.services import activity, projects

TAG = "projects"
PROJECT_ID = "<int(min=1, max=2147483647):project_id>"


class ProjectOut(out.Out):
    id: int
    unit: str = Field(description="The commune (or its agency) the project is recorded at.")
    unit_name: str
    name: str
    investor: str
    investor_unit: str | None = Field(description="The investor's unit code, when it is a unit: recommendations go there by default.")
    location: str | None
    budget_vnd: int | None = Field(description="Total investment, in đồng.")
    started_on: dt.date | None
    planned_completion_on: dt.date | None
    status: str = Field(description="`preparing`, `in_progress`, `suspended` or `completed`.")
    created_at: out.Timestamp


class ProjectList(out.Out):
    items: list[ProjectOut]
    total: int
    page: int
    per_page: int


class ProjectDetailOut(ProjectOut):
    supervisions: list[out.SupervisionDetailOut] = Field(description="Its supervisions, oldest first, with their recommendations.")


def project_out(project: Project) -> ProjectOut:
    return ProjectOut(
        id=project.id, unit=project.unit.code, unit_name=project.unit.name, name=project.name, investor=project.investor,
        investor_unit=project.investor_unit.code if project.investor_unit else None, location=project.location,
        budget_vnd=project.budget_vnd, started_on=project.started_on, planned_completion_on=project.planned_completion_on,
        status=project.status, created_at=project.created_at.astimezone(clock.LOCAL),
    )


def project_detail_out(actor: Actor, project: Project, supervisions: list[tuple[Supervision, list[Case]]]) -> ProjectDetailOut:
    return ProjectDetailOut(**project_out(project).model_dump(),
                            supervisions=[out.supervision_detail_out(actor, s, recs) for s, recs in supervisions])


@api.route("POST", "/projects", tag=TAG, body=ProjectIn, errors=(403, 409, 422),
           summary="Record an investment project of a commune (the commune, its agencies, admin)",
           responses={201: (ProjectOut, "The project.")})
def create_project(actor: User, body: ProjectIn) -> ProjectOut:
    """`unit` must be a commune or an agency of one (422); only users of that commune or its agencies
    and administrators over it may record it (403); a second project of the same name there is a 409."""
    return project_out(projects.create_project(request_session(), actor, body))


@api.route("GET", "/projects", tag=TAG, query=ActivityQuery, errors=(422,), summary="Investment projects in your area",
           responses={200: (ProjectList, "One page of projects, by commune and name (a board: those of the commune it watches).")})
def list_projects(actor: User, query: ActivityQuery) -> ProjectList:
    """Filter by unit tree and by start date."""
    rows, total = projects.list_projects(request_session(), actor, activity.ListQuery(
        query.unit, query.date_from, query.date_to, query.page, query.per_page))
    return ProjectList(items=[project_out(p) for p in rows], total=total, page=query.page, per_page=query.per_page)


@api.route("GET", f"/projects/{PROJECT_ID}", tag=TAG, summary="A project with its supervisions and their recommendations",
           responses={200: (ProjectDetailOut, "The project, its supervisions and the recommendations they issued.")})
def get_project(actor: User, project_id: int) -> ProjectDetailOut:
    """A project outside your area is a 404."""
    session = request_session()
    project = projects.get_project(session, actor, project_id)
    return project_detail_out(actor, project, projects.supervisions_of(session, project))
