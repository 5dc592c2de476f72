"""The records the report forms of TT 06/2025/TT-TTCP need besides cases and visits
(REPORT-FORMS-2025.md): the schedule of leaders' reception days (01/TCD), eligibility reviews of
petitions (02/XLD, 03/GQKN, 04/GQTC), the execution of decisions and conclusions (05/KQTH), and a
unit's documents, training sessions and responsibility inspections (06/QLKNTC).

Each function authorises the actor, validates, writes and flushes; the caller's boundary commits.
Dates are legal dates: never in the future (tracker.clock), never before what they follow."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tracker.auth import policy
from tracker.auth.policy import Actor, Operation
from tracker.models import (
    Case,
    Decision,
    EligibilityReview,
    ExecutionRecord,
    ManagementDocument,
    ReceptionDay,
    ResponsibilityInspection,
    TrainingSession,
    Unit,
)
from tracker.models.executions import AMOUNTS, COUNTS
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
from tracker.services.common import effective_date, get_or_404, unit_by_code
from tracker.services.errors import Conflict, Forbidden, NotFound, Refused

PETITIONS = ("complaint", "denunciation", "recommendation", "feedback")
EXECUTED_KINDS = ("complaint", "denunciation")
# What a decision requires, by the execution record's amount it is reached with.
REQUIRED_BY = {"recovered_money_vnd": "recovered_money_vnd", "recovered_land_m2": "recovered_land_m2",
               "returned_money_vnd": "returned_money_vnd", "returned_land_m2": "returned_land_m2"}


def _require(actor: Actor, operation: Operation, what: str) -> None:
    if not policy.may(actor, operation):
        raise Forbidden(f"Vai trò {actor.role} không được {what} / role {actor.role} may not {what}")


def _in_area(actor: Actor, unit: Unit) -> bool:
    return policy.unit_in_area(actor, unit)


def _area_path(actor: Actor) -> str:
    return policy.area_root_path(actor)


def _actor_id(actor: Actor) -> int | None:
    return actor.id


def _unit_in_area(session: Session, actor: Actor, code: str) -> Unit:
    unit = unit_by_code(session, code)
    if not _in_area(actor, unit):
        raise Forbidden("Đơn vị ngoài phạm vi của bạn / that unit is outside your jurisdiction", {"fields": {"unit": "outside"}})
    return unit


def _flush_unique(session: Session, row: object, message: str) -> None:
    # A savepoint, so that a duplicate refused by the unique constraint leaves the session usable.
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError as error:
        raise Conflict(message) from error


def _case_in_area(session: Session, actor: Actor, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None or (not policy.can_view(actor, case)):
        raise NotFound("Không tìm thấy hồ sơ / case not found")
    return case


# -- 01/TCD: leaders' reception days -------------------------------------------------------------

def schedule_reception_day(session: Session, actor: Actor, data: AnnouncedDayIn) -> ReceptionDay:
    """A day of the head's (or an authorised person's) reception on a unit's schedule (the record
    of tracker.services.reception), with `announced_on` when it was made public (only announced
    days count in 01/TCD)."""
    _require(actor, Operation.SCHEDULE_RECEPTION, "lập lịch tiếp công dân / schedule reception days")
    unit = _unit_in_area(session, actor, data.unit)
    if data.announced_on is not None:
        effective_date(data.announced_on, field="announced_on")
    day = ReceptionDay(unit=unit, held_on=data.held_on, host=data.host, leader=data.leader, announced_on=data.announced_on,
                       note=data.note, created_by_id=_actor_id(actor))
    _flush_unique(session, day, f"Đơn vị {unit.code} đã có lịch tiếp ngày {data.held_on:%d/%m/%Y} / that unit already "
                                "receives citizens that day")
    return day


def announce_reception_day(session: Session, actor: Actor, day_id: int, data: AnnouncementIn) -> ReceptionDay:
    """Record that a scheduled day was publicly announced (on or before the day)."""
    _require(actor, Operation.SCHEDULE_RECEPTION, "lập lịch tiếp công dân / schedule reception days")
    day = get_or_404(session, ReceptionDay, day_id, "ngày tiếp / reception day")
    if not _in_area(actor, day.unit):
        raise NotFound("Không tìm thấy ngày tiếp / reception day not found")
    announced = effective_date(data.announced_on, field="announced_on")
    if announced > day.held_on:
        raise Refused("Ngày thông báo sau ngày tiếp / announced after the day itself", {"fields": {"announced_on": "<= held_on"}})
    day.announced_on = announced
    session.flush()
    return day


def list_reception_days(session: Session, actor: Actor, unit_code: str | None, date_from: dt.date | None,
                        date_to: dt.date | None) -> list[ReceptionDay]:
    """The reception days of a unit's tree (default: the actor's area), in date order."""
    prefix = _area_path(actor) if not unit_code else _unit_in_area(session, actor, unit_code).path
    stmt = select(ReceptionDay).join(Unit, Unit.id == ReceptionDay.unit_id).where(Unit.path.startswith(prefix))
    if date_from is not None:
        stmt = stmt.where(ReceptionDay.held_on >= date_from)
    if date_to is not None:
        stmt = stmt.where(ReceptionDay.held_on <= date_to)
    return list(session.scalars(stmt.order_by(ReceptionDay.held_on, ReceptionDay.id).limit(5_000)))


# -- 02/XLD: eligibility reviews -------------------------------------------------------------------

def record_review(session: Session, actor: Actor, case_id: int, data: ReviewIn) -> EligibilityReview:
    """Record that the unit processing a petition found it eligible and within its competence;
    acceptance is then decided by `accept` (or `file` as time-barred / already final)."""
    _require(actor, Operation.REVIEW_ELIGIBILITY, "xem xét điều kiện xử lý đơn / review a petition")
    case = _case_in_area(session, actor, case_id)
    if case.kind not in PETITIONS:
        raise Refused("Chỉ xem xét đơn khiếu nại, tố cáo, kiến nghị, phản ánh / only petitions are reviewed",
                      {"fields": {"case": case.kind}})
    if case.state != "received":
        raise Refused("Đơn đã được xử lý / the petition's processing has ended", {"fields": {"state": case.state}})
    unit = case.resolving_unit
    if not _in_area(actor, unit):
        raise Forbidden("Đơn vị xử lý ngoài phạm vi của bạn / the processing unit is outside your jurisdiction")
    found_on = effective_date(data.found_on, not_before=case.last_effective_on, field="found_on")
    review = EligibilityReview(case_id=case.id, unit_id=unit.id, found_on=found_on, note=data.note, created_by_id=_actor_id(actor))
    _flush_unique(session, review, "Đơn đã được xác định thuộc thẩm quyền tại đơn vị này / already reviewed at this unit")
    return review


def review_of(session: Session, actor: Actor, case_id: int) -> EligibilityReview | None:
    """The petition's review at the unit now processing it, if any."""
    case = _case_in_area(session, actor, case_id)
    return session.scalar(select(EligibilityReview).where(EligibilityReview.case_id == case.id,
                                                          EligibilityReview.unit_id == case.resolving_unit.id))


# -- 05/KQTH: execution ----------------------------------------------------------------------------

def _decision_to_execute(session: Session, actor: Actor, case_id: int) -> tuple[Case, Decision]:
    case = _case_in_area(session, actor, case_id)
    if case.kind not in EXECUTED_KINDS:
        raise Refused("Chỉ thi hành quyết định giải quyết khiếu nại, kết luận tố cáo / only complaint decisions and "
                      "denunciation conclusions are executed", {"fields": {"case": case.kind}})
    decision = case.latest_decision
    if decision is None:
        raise Refused("Hồ sơ chưa có quyết định, kết luận / the case has no decision yet", {"fields": {"state": case.state}})
    return case, decision


def record_execution(session: Session, actor: Actor, case_id: int, data: ExecutionIn) -> ExecutionRecord:
    """One dated step of executing the case's decision: what was recovered or returned, who was
    disciplined or prosecuted; `finished` when execution is complete (nothing may follow)."""
    _require(actor, Operation.RECORD_EXECUTION, "ghi kết quả thi hành / record execution")
    case, decision = _decision_to_execute(session, actor, case_id)
    if not _in_area(actor, case.resolving_unit):
        raise Forbidden("Đơn vị giải quyết ngoài phạm vi của bạn / the resolving unit is outside your jurisdiction")
    records = executions_of(session, actor, case_id)
    if any(r.finished for r in records):
        raise Refused("Quyết định đã thi hành xong / execution of this decision has already finished",
                      {"fields": {"finished": True}})
    last = max([decision.effective_on, *(r.recorded_on for r in records)])
    recorded_on = effective_date(data.recorded_on, not_before=last, field="recorded_on")
    for name, required in REQUIRED_BY.items():
        so_far = sum((getattr(r, name) for r in records), start=Decimal(0)) + getattr(data, name)
        limit = getattr(decision, required) or Decimal(0)
        if so_far > limit:
            raise Refused(f"Vượt quá số quyết định yêu cầu ({limit}) / more than the decision requires ({limit})",
                          {"fields": {name: f"<= {limit - (so_far - getattr(data, name))}"}})
    record = ExecutionRecord(decision_id=decision.id, recorded_on=recorded_on, finished=data.finished, note=data.note,
                             created_by_id=_actor_id(actor), **{name: getattr(data, name) for name in AMOUNTS + COUNTS})
    session.add(record)
    session.flush()
    return record


def executions_of(session: Session, actor: Actor, case_id: int) -> list[ExecutionRecord]:
    """The execution records of the case's latest decision, in date order."""
    _, decision = _decision_to_execute(session, actor, case_id)
    return list(session.scalars(select(ExecutionRecord).where(ExecutionRecord.decision_id == decision.id)
                                .order_by(ExecutionRecord.recorded_on, ExecutionRecord.id)))


# -- 06/QLKNTC: documents, training, responsibility inspections -------------------------------------------

def record_document(session: Session, actor: Actor, data: DocumentIn) -> ManagementDocument:
    """A managing or guiding document the unit issued, amended or repealed."""
    _require(actor, Operation.RECORD_MANAGEMENT, "ghi công tác quản lý / record management work")
    unit = _unit_in_area(session, actor, data.unit)
    document = ManagementDocument(unit=unit, action=data.action, issued_on=effective_date(data.issued_on, field="issued_on"),
                                  number=data.number, title=data.title, created_by_id=_actor_id(actor))
    session.add(document)
    session.flush()
    return document


def record_training(session: Session, actor: Actor, data: TrainingIn) -> TrainingSession:
    """A training, dissemination or legal-education session the unit held."""
    _require(actor, Operation.RECORD_MANAGEMENT, "ghi công tác quản lý / record management work")
    unit = _unit_in_area(session, actor, data.unit)
    training = TrainingSession(unit=unit, held_on=effective_date(data.held_on, field="held_on"), topic=data.topic,
                               attendees=data.attendees, created_by_id=_actor_id(actor))
    session.add(training)
    session.flush()
    return training


def open_inspection(session: Session, actor: Actor, data: InspectionIn) -> ResponsibilityInspection:
    """A responsibility inspection the unit started."""
    _require(actor, Operation.RECORD_MANAGEMENT, "ghi công tác quản lý / record management work")
    unit = _unit_in_area(session, actor, data.unit)
    inspection = ResponsibilityInspection(unit=unit, subject=data.subject, units_inspected=data.units_inspected,
                                          started_on=effective_date(data.started_on, field="started_on"),
                                          created_by_id=_actor_id(actor))
    session.add(inspection)
    session.flush()
    return inspection


def _inspection(session: Session, actor: Actor, inspection_id: int, version: int) -> ResponsibilityInspection:
    _require(actor, Operation.RECORD_MANAGEMENT, "ghi công tác quản lý / record management work")
    inspection = get_or_404(session, ResponsibilityInspection, inspection_id, "cuộc thanh tra / inspection")
    if not _in_area(actor, inspection.unit):
        raise NotFound("Không tìm thấy cuộc thanh tra / inspection not found")
    if inspection.version != version:
        raise Conflict("Cuộc thanh tra đã được cập nhật; tải lại / the inspection changed since you read it; reload",
                       {"current_version": inspection.version, "your_version": version})
    return inspection


def conclude_inspection(session: Session, actor: Actor, inspection_id: int, data: ConclusionIn) -> ResponsibilityInspection:
    """The inspection's conclusion (KLTT) and the sanctions and referrals it recommends."""
    inspection = _inspection(session, actor, inspection_id, data.version)
    if inspection.concluded_on is not None:
        raise Refused("Cuộc thanh tra đã có kết luận / the inspection is already concluded", {"fields": {"concluded_on": "set"}})
    inspection.concluded_on = effective_date(data.concluded_on, not_before=inspection.started_on, field="concluded_on")
    inspection.conclusion_no = data.conclusion_no
    for name in ("recommended_organisations", "recommended_people", "referred_organisations", "referred_people"):
        setattr(inspection, name, getattr(data, name))
    inspection.version += 1
    session.flush()
    return inspection


def record_inspection_execution(session: Session, actor: Actor, inspection_id: int,
                                data: InspectionExecutionIn) -> ResponsibilityInspection:
    """What came of the conclusion: organisations and people sanctioned, cases prosecuted."""
    inspection = _inspection(session, actor, inspection_id, data.version)
    if inspection.concluded_on is None:
        raise Refused("Cuộc thanh tra chưa có kết luận / the inspection has no conclusion yet", {"fields": {"concluded_on": None}})
    if inspection.executed_on is not None:
        raise Refused("Đã ghi kết quả thực hiện kết luận / its execution is already recorded", {"fields": {"executed_on": "set"}})
    inspection.executed_on = effective_date(data.executed_on, not_before=inspection.concluded_on, field="executed_on")
    for name in ("sanctioned_organisations", "sanctioned_people", "prosecuted_cases", "prosecuted_people"):
        setattr(inspection, name, getattr(data, name))
    inspection.version += 1
    session.flush()
    return inspection


def list_management(session: Session, actor: Actor, unit_code: str | None, date_from: dt.date | None,
                    date_to: dt.date | None) -> tuple[list[ManagementDocument], list[TrainingSession], list[ResponsibilityInspection]]:
    """The documents, training sessions and inspections of a unit's tree (default: the actor's
    area) dated in the range (an inspection by its start)."""
    prefix = _area_path(actor) if not unit_code else _unit_in_area(session, actor, unit_code).path
    start, end = date_from or dt.date.min, date_to or dt.date.max

    in_tree = Unit.path.startswith(prefix)
    documents = session.scalars(
        select(ManagementDocument).join(Unit, Unit.id == ManagementDocument.unit_id)
        .where(in_tree, ManagementDocument.issued_on.between(start, end))
        .order_by(ManagementDocument.issued_on, ManagementDocument.id).limit(5_000))
    trainings = session.scalars(
        select(TrainingSession).join(Unit, Unit.id == TrainingSession.unit_id)
        .where(in_tree, TrainingSession.held_on.between(start, end))
        .order_by(TrainingSession.held_on, TrainingSession.id).limit(5_000))
    inspections = session.scalars(
        select(ResponsibilityInspection).join(Unit, Unit.id == ResponsibilityInspection.unit_id)
        .where(in_tree, ResponsibilityInspection.started_on.between(start, end))
        .order_by(ResponsibilityInspection.started_on, ResponsibilityInspection.id).limit(5_000))
    return list(documents), list(trainings), list(inspections)


__all__ = [
    "announce_reception_day", "conclude_inspection", "executions_of", "list_management", "list_reception_days",
    "open_inspection", "record_document", "record_execution", "record_inspection_execution", "record_review",
    "record_training", "review_of", "schedule_reception_day",
]
