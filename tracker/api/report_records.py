"""The records the TT 06/2025 report forms read (REPORT-FORMS-2025.md): leaders' reception days
(01/TCD), eligibility reviews (02/XLD), execution of decisions and conclusions (05/KQTH), and a
unit's documents, training sessions and responsibility inspections (06/QLKNTC)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tracker.api import out
from tracker.api.blueprint import api
from tracker.api.queries import ActivityQuery
from tracker.boundary import request_session
from tracker.models import (
    EligibilityReview,
    ExecutionRecord,
    ManagementDocument,
    ReceptionDay,
    ResponsibilityInspection,
    TrainingSession,
    User,
)
from tracker.schemas_reports import (
    AnnouncedDayIn,
    AnnouncementIn,
    ConclusionIn,
    DocumentIn,
    ExecutionIn,
    InspectionExecutionIn,
    InspectionIn,
    ReviewIn,
    TrainingIn,
)
from tracker.services import report_records as records

TAG = "report records"
CASE = "/cases/<int(min=1,max=2147483647):case_id>"
DAY = "<int(min=1,max=2147483647):day_id>"
INSPECTION = "<int(min=1,max=2147483647):inspection_id>"


class ReceptionDayOut(out.Out):
    id: int
    unit: str
    held_on: dt.date
    host: str
    leader: str
    announced_on: dt.date | None
    note: str | None


class ReceptionDayList(out.Out):
    items: list[ReceptionDayOut]


def _day(day: ReceptionDay) -> ReceptionDayOut:
    return ReceptionDayOut(id=day.id, unit=day.unit.code, held_on=day.held_on, host=day.host, leader=day.leader,
                           announced_on=day.announced_on, note=day.note)


@api.route("POST", "/reception-days", tag=TAG, body=AnnouncedDayIn, errors=(403, 409, 422),
           summary="Schedule a leader's reception day (reception, leader, admin)",
           responses={201: (ReceptionDayOut, "The day; it counts on 01/TCD once announced.")})
def create_reception_day(actor: User, body: AnnouncedDayIn) -> ReceptionDayOut:
    """409: that unit already has a reception day that day; 422: announced after the day or in the future."""
    return _day(records.schedule_reception_day(request_session(), actor, body))


@api.route("POST", f"/reception-days/{DAY}/announcement", tag=TAG, body=AnnouncementIn, errors=(403, 404, 422),
           summary="Record that a scheduled reception day was publicly announced",
           responses={200: (ReceptionDayOut, "The day.")})
def announce_reception_day(actor: User, day_id: int, body: AnnouncementIn) -> ReceptionDayOut:
    """422: an announcement after the day itself, or in the future."""
    return _day(records.announce_reception_day(request_session(), actor, day_id, body))


@api.route("GET", "/reception-days", tag=TAG, query=ActivityQuery, errors=(403, 422),
           summary="Leaders' reception days in your area", responses={200: (ReceptionDayList, "In date order.")})
def list_reception_days(actor: User, query: ActivityQuery) -> ReceptionDayList:
    """Filter by unit tree and date."""
    rows = records.list_reception_days(request_session(), actor, query.unit, query.date_from, query.date_to)
    return ReceptionDayList(items=[_day(d) for d in rows])


class ReviewOut(out.Out):
    case_id: int
    unit: str
    found_on: dt.date
    note: str | None


def _review(review: EligibilityReview, unit: str) -> ReviewOut:
    return ReviewOut(case_id=review.case_id, unit=unit, found_on=review.found_on, note=review.note)


@api.route("POST", f"{CASE}/eligibility-review", tag=TAG, body=ReviewIn, errors=(403, 404, 409, 422),
           summary="Record that a petition is eligible and within the processing unit's competence",
           responses={201: (ReviewOut, "The review; acceptance is then decided by `accept` or `file`.")})
def create_review(actor: User, case_id: int, body: ReviewIn) -> ReviewOut:
    """422: not a petition, or its processing already ended; 409: already reviewed at this unit."""
    session = request_session()
    review = records.record_review(session, actor, case_id, body)
    return _review(review, session.get(records.Unit, review.unit_id).code)  # type: ignore[union-attr]


class ExecutionOut(out.Out):
    id: int
    recorded_on: dt.date
    recovered_money_vnd: Decimal
    recovered_land_m2: Decimal
    returned_money_vnd: Decimal
    returned_land_m2: Decimal
    organisations_disciplined: int
    people_disciplined: int
    civil_servants_disciplined: int
    prosecuted_cases: int
    prosecuted_people: int
    prosecuted_civil_servants: int
    finished: bool
    note: str | None


class ExecutionList(out.Out):
    items: list[ExecutionOut]


def _execution(record: ExecutionRecord) -> ExecutionOut:
    return ExecutionOut.model_validate(record, from_attributes=True)


@api.route("POST", f"{CASE}/executions", tag=TAG, body=ExecutionIn, errors=(403, 404, 422),
           summary="Record a step of executing a case's decision or conclusion (agency, leader, admin)",
           responses={201: (ExecutionOut, "The record.")})
def create_execution(actor: User, case_id: int, body: ExecutionIn) -> ExecutionOut:
    """422: no decision yet, execution already finished, a date before the last step, or more
    recovered or returned than the decision requires."""
    return _execution(records.record_execution(request_session(), actor, case_id, body))


@api.route("GET", f"{CASE}/executions", tag=TAG, errors=(404, 422), summary="The execution records of a case's decision",
           responses={200: (ExecutionList, "In date order.")})
def list_executions(actor: User, case_id: int) -> ExecutionList:
    """The steps recorded so far; the last one says whether execution finished."""
    return ExecutionList(items=[_execution(r) for r in records.executions_of(request_session(), actor, case_id)])


class DocumentOut(out.Out):
    id: int
    unit: str
    action: str
    issued_on: dt.date
    number: str
    title: str


class TrainingOut(out.Out):
    id: int
    unit: str
    held_on: dt.date
    topic: str
    attendees: int


class InspectionOut(out.Out):
    id: int
    unit: str
    subject: str
    started_on: dt.date
    units_inspected: int
    concluded_on: dt.date | None
    conclusion_no: str | None
    recommended_organisations: int
    recommended_people: int
    referred_organisations: int
    referred_people: int
    executed_on: dt.date | None
    sanctioned_organisations: int
    sanctioned_people: int
    prosecuted_cases: int
    prosecuted_people: int
    version: int


class ManagementList(out.Out):
    documents: list[DocumentOut]
    trainings: list[TrainingOut]
    inspections: list[InspectionOut]


def _document(d: ManagementDocument) -> DocumentOut:
    return DocumentOut(id=d.id, unit=d.unit.code, action=d.action, issued_on=d.issued_on, number=d.number, title=d.title)


def _training(t: TrainingSession) -> TrainingOut:
    return TrainingOut(id=t.id, unit=t.unit.code, held_on=t.held_on, topic=t.topic, attendees=t.attendees)


def _inspection(i: ResponsibilityInspection) -> InspectionOut:
    fields = {name: getattr(i, name) for name in InspectionOut.model_fields if name != "unit"}
    return InspectionOut(unit=i.unit.code, **fields)


@api.route("POST", "/management/documents", tag=TAG, body=DocumentIn, errors=(403, 422),
           summary="Record a document issued, amended or repealed (leader, admin; form 06/QLKNTC)",
           responses={201: (DocumentOut, "The document.")})
def create_document(actor: User, body: DocumentIn) -> DocumentOut:
    """422: a date in the future or an unknown unit."""
    return _document(records.record_document(request_session(), actor, body))


@api.route("POST", "/management/trainings", tag=TAG, body=TrainingIn, errors=(403, 422),
           summary="Record a training or legal-education session (leader, admin; form 06/QLKNTC)",
           responses={201: (TrainingOut, "The session.")})
def create_training(actor: User, body: TrainingIn) -> TrainingOut:
    """422: a date in the future or an unknown unit."""
    return _training(records.record_training(request_session(), actor, body))


@api.route("POST", "/management/inspections", tag=TAG, body=InspectionIn, errors=(403, 422),
           summary="Open a responsibility inspection (leader, admin; form 06/QLKNTC)",
           responses={201: (InspectionOut, "The inspection.")})
def create_inspection(actor: User, body: InspectionIn) -> InspectionOut:
    """422: a date in the future or an unknown unit."""
    return _inspection(records.open_inspection(request_session(), actor, body))


@api.route("POST", f"/management/inspections/{INSPECTION}/conclusion", tag=TAG, body=ConclusionIn, errors=(403, 404, 409, 422),
           summary="Record an inspection's conclusion and what it recommends", responses={200: (InspectionOut, "The inspection.")})
def conclude_inspection(actor: User, inspection_id: int, body: ConclusionIn) -> InspectionOut:
    """409: a stale `version`; 422: already concluded, or a date before the start or in the future."""
    return _inspection(records.conclude_inspection(request_session(), actor, inspection_id, body))


@api.route("POST", f"/management/inspections/{INSPECTION}/execution", tag=TAG, body=InspectionExecutionIn,
           errors=(403, 404, 409, 422), summary="Record what came of an inspection's conclusion",
           responses={200: (InspectionOut, "The inspection.")})
def execute_inspection(actor: User, inspection_id: int, body: InspectionExecutionIn) -> InspectionOut:
    """409: a stale `version`; 422: no conclusion yet, already recorded, or a date before the conclusion."""
    return _inspection(records.record_inspection_execution(request_session(), actor, inspection_id, body))


@api.route("GET", "/management", tag=TAG, query=ActivityQuery, errors=(403, 422),
           summary="Documents, training sessions and responsibility inspections in your area",
           responses={200: (ManagementList, "Each in date order.")})
def list_management(actor: User, query: ActivityQuery) -> ManagementList:
    """Filter by unit tree and date (an inspection by the day it started)."""
    documents, trainings, inspections = records.list_management(request_session(), actor, query.unit, query.date_from,
                                                                query.date_to)
    return ManagementList(documents=[_document(d) for d in documents], trainings=[_training(t) for t in trainings],
                          inspections=[_inspection(i) for i in inspections])
