"""Demo records for the report forms of TT 06/2025/TT-TTCP: in the last completed official quarter,
in one commune and the unit above it, the petitions, visits, reception days, eligibility reviews,
decisions, execution steps, documents, training sessions and responsibility inspections that give
every column of every form a figure (REPORT-FORMS-2025.md), made through the same services as real
work, by the province's administrator."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.demo.tree import DemoTree
from tracker.metrics.periods import Period, parse_period
from tracker.models import Case, Unit, User
from tracker.schemas import CaseIn, TransitionIn, VisitIn
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
from tracker.services import activity, cases
from tracker.services import report_records as records
from workflows import definitions

LOCAL = dt.timezone(dt.timedelta(hours=7))
MILLION = 1_000_000


def last_completed_quarter(today: dt.date) -> Period:
    """The latest official quarter (15th to 14th) that ended before today."""
    for year in (today.year, today.year - 1):
        for quarter in (4, 3, 2, 1):
            period = parse_period(f"{year}-Q{quarter}", default_scheme="official")
            if period.end < today:
                return period
    raise ValueError(f"no quarter before {today}")  # pragma: no cover - today is always after some quarter


class FormsDemo:
    """Makes the records, dated `offset` days into the quarter."""

    def __init__(self, session: Session, tree: DemoTree, today: dt.date):
        self.session = session
        self.admin: User = next(u for u in tree.users if u.role == "admin")
        self.quarter = last_completed_quarter(today)
        self.commune: Unit = tree.communes[-1]
        self.superior: Unit = self.commune.parent or tree.units["TN"]
        self.neighbour: Unit = tree.communes[0]

    def day(self, offset: int) -> dt.date:
        return self.quarter.start + dt.timedelta(days=offset)

    def petition(self, kind: str, on: dt.date, area: str | None, unit: Unit | None = None, crowd: int | None = None) -> Case:
        body = CaseIn(kind=kind, channel="in_person", received_unit=(unit or self.commune).code,
                      subject=f"Đơn {kind} mẫu cho báo cáo quý", content="Nội dung đơn (dữ liệu mẫu)",
                      received_at=dt.datetime.combine(on, dt.time(9, 0), LOCAL),
                      petitioners=[{"full_name": "Nguyễn Văn Bình", "id_number": "079090002222"}],
                      crowd_size=crowd, subject_area=area)
        return cases.intake(self.session, self.admin, body)

    def act(self, case: Case, trigger: str, on: dt.date, **data: Any) -> Case:
        return cases.fire(self.session, self.admin, case.id, TransitionIn(trigger=trigger, version=case.version,
                                                                          effective_on=on, data=data))

    def decide(self, case: Case, accepted: dt.date, decided: dt.date, outcome: str, **amounts: Any) -> Case:
        case = self.act(case, "accept", accepted)
        return self.act(case, "resolve", decided, outcome=outcome, decision_no="15/QĐ-UBND",
                        summary="Quyết định giải quyết (dữ liệu mẫu)", **amounts)

    # -- 01/TCD ---------------------------------------------------------------------------------
    def reception(self, about: Case) -> None:
        for reception, persons, offset in (("staff", 1, 5), ("staff", 6, 6), ("head_scheduled", 7, 20), ("head_ad_hoc", 2, 20),
                                           ("authorised", 5, 21)):
            activity.record_visit(self.session, self.admin, VisitIn(
                unit=self.commune.code, visited_on=self.day(offset), reception=reception, persons=persons,
                delegation=persons >= 5, case_ids=[about.id]))
        for host, offset in (("head", 20), ("authorised", 21)):
            day = records.schedule_reception_day(self.session, self.admin, AnnouncedDayIn(
                unit=self.commune.code, held_on=self.day(offset), host=host,
                leader="Chủ tịch UBND" if host == "head" else "Phó Chủ tịch UBND (được ủy quyền)"))
            records.announce_reception_day(self.session, self.admin, day.id, AnnouncementIn(announced_on=self.day(offset - 10)))

    # -- 02/XLD, 03/GQKN, 04/GQTC ------------------------------------------------------------------
    def complaints(self) -> list[Case]:
        land = self.decide(self.petition("complaint", self.day(2), "land_housing"), self.day(3), self.day(30), "upheld",
                           recovered_money_vnd=str(80 * MILLION), recovered_land_m2="250", returned_money_vnd=str(30 * MILLION),
                           returned_land_m2="60", returned_to="individual", people_disciplined=3,
                           civil_servants_disciplined=2, referred_for_investigation=2, civil_servants_referred=1)
        policy = self.decide(self.petition("complaint", self.day(2), "policy_benefits"), self.day(3), self.day(31), "rejected")
        other = self.decide(self.petition("complaint", self.day(2), "other"), self.day(3), self.day(32), "partly_upheld",
                            returned_money_vnd=str(12 * MILLION), returned_land_m2="15", returned_to="organisation")
        records.record_review(self.session, self.admin, self.petition("complaint", self.day(70), "policy_benefits").id,
                              ReviewIn(found_on=self.day(75)))
        self.act(self.petition("complaint", self.day(4), "land_housing"), "file", self.day(8), reason="time_barred")
        self.act(self.act(self.petition("complaint", self.day(4), "other"), "accept", self.day(6)), "withdraw", self.day(25),
                 note="Đơn xin rút toàn bộ nội dung khiếu nại")
        for outcome in ("rejected", "upheld"):  # second round: recognising, then annulling the first decision
            first = self.decide(self.petition("complaint", self.day(-60), "land_housing"), self.day(-58), self.day(-25), "rejected")
            self.act(first, "recomplain", self.day(2))
            second = self.session.scalar(select(Case).where(Case.parent_case_id == first.id))
            assert second is not None
            self.decide(second, self.day(4), self.day(45), outcome)
        return [land, policy, other]

    def denunciations(self) -> list[Case]:
        made = [
            self.decide(self.petition("denunciation", self.day(3), "civil_service"), self.day(5), self.day(35), "upheld",
                        recovered_money_vnd=str(40 * MILLION), recovered_land_m2="120", returned_money_vnd=str(9 * MILLION),
                        returned_land_m2="30", returned_to="individual", organisations_disciplined=1, people_disciplined=2,
                        civil_servants_disciplined=2, referred_for_investigation=1, civil_servants_referred=1),
            self.decide(self.petition("denunciation", self.day(3), "corruption"), self.day(5), self.day(36), "rejected"),
            self.decide(self.petition("denunciation", self.day(3), "justice"), self.day(5), self.day(37), "partly_upheld",
                        returned_money_vnd=str(5 * MILLION), returned_to="organisation"),
        ]
        self.decide(self.petition("denunciation", self.day(3), "party"), self.day(5), self.day(38), "rejected")
        records.record_review(self.session, self.admin, self.petition("denunciation", self.day(72), "other").id,
                              ReviewIn(found_on=self.day(74)))
        self.act(self.petition("denunciation", self.day(4), "land_housing"), "file", self.day(9), reason="time_barred")
        self.act(self.act(self.petition("denunciation", self.day(4), "policy_benefits"), "accept", self.day(6)), "withdraw",
                 self.day(26), note="Đơn xin rút tố cáo")
        if any(t.name == "redenounce" for t in definitions.latest("denunciation").triggers):
            for outcome in ("upheld", "rejected", "partly_upheld"):  # re-denunciations to the superior (TC Art. 37)
                first = self.decide(self.petition("denunciation", self.day(-70), "civil_service"), self.day(-68),
                                    self.day(-30), "rejected")
                self.act(first, "redenounce", self.day(3))
                again = self.session.scalar(select(Case).where(Case.parent_case_id == first.id))
                assert again is not None
                self.decide(again, self.day(5), self.day(50), outcome)
        return made

    def other_petitions(self) -> None:
        for kind, area in (("recommendation", "policy_benefits"), ("feedback", "land_housing"), ("feedback", "other")):
            self.act(self.petition(kind, self.day(10), area), "accept", self.day(12))
        self.act(self.petition("feedback", self.day(10), "justice"), "guide", self.day(12), to="Tòa án nhân dân")
        self.act(self.petition("recommendation", self.day(10), "other"), "forward", self.day(12), unit=self.neighbour.code)

    def settle_what_the_quarter_left(self, today: dt.date) -> None:
        """A working office: what the quarter left waiting (the forms count it at the quarter's end)
        is accepted and decided in the weeks after it, never before the quarter closed."""
        units = [self.commune.id, self.superior.id, self.neighbour.id]
        waiting = self.session.scalars(
            select(Case).where(Case.received_on.between(self.quarter.start, self.quarter.end),
                               Case.state.in_(("received", "accepted", "verifying")),
                               Case.kind.in_(("complaint", "denunciation", "recommendation", "feedback")),
                               (Case.assigned_unit_id.in_(units)) | (Case.received_unit_id.in_(units)))
            .order_by(Case.id))
        for case in list(waiting):
            accepted = self.quarter.end + dt.timedelta(days=3)
            decided = min(self.quarter.end + dt.timedelta(days=20), today)
            if accepted >= decided:
                continue
            if case.state == "received":
                case = self.act(case, "accept", accepted)
            self.act(case, "resolve", decided, outcome="partly_upheld", decision_no="21/QĐ-UBND",
                     summary="Quyết định giải quyết (dữ liệu mẫu)")

    # -- 05/KQTH --------------------------------------------------------------------------------------
    def executions(self, complaints: list[Case], denunciations: list[Case]) -> None:
        land, policy, _ = complaints
        records.record_execution(self.session, self.admin, land.id, ExecutionIn(
            recorded_on=self.day(50), recovered_money_vnd=Decimal(40 * MILLION), recovered_land_m2=Decimal(100),
            returned_money_vnd=Decimal(20 * MILLION), returned_land_m2=Decimal(30), people_disciplined=3,
            civil_servants_disciplined=2, prosecuted_cases=1, prosecuted_people=2, prosecuted_civil_servants=1))
        records.record_execution(self.session, self.admin, policy.id, ExecutionIn(recorded_on=self.day(60), finished=True))
        upheld, rejected, _ = denunciations
        records.record_execution(self.session, self.admin, upheld.id, ExecutionIn(
            recorded_on=self.day(55), recovered_money_vnd=Decimal(15 * MILLION), recovered_land_m2=Decimal(50),
            returned_money_vnd=Decimal(9 * MILLION), returned_land_m2=Decimal(30), organisations_disciplined=1,
            people_disciplined=2, civil_servants_disciplined=1, prosecuted_cases=1, prosecuted_people=1,
            prosecuted_civil_servants=1))
        records.record_execution(self.session, self.admin, rejected.id, ExecutionIn(recorded_on=self.day(65), finished=True))

    # -- 06/QLKNTC ------------------------------------------------------------------------------------
    def management(self) -> None:
        unit = self.superior.code
        for action, offset, number, title in (
                ("issued", 5, "12/KH-UBND", "Kế hoạch tiếp công dân, giải quyết khiếu nại, tố cáo"),
                ("amended", 30, "20/QĐ-UBND", "Sửa đổi quy chế tiếp công dân"),
                ("repealed", 60, "25/QĐ-UBND", "Bãi bỏ quy định cũ về xử lý đơn")):
            records.record_document(self.session, self.admin, DocumentIn(unit=unit, action=action,
                                                                          issued_on=self.day(offset), number=number, title=title))
        records.record_training(self.session, self.admin, TrainingIn(
            unit=unit, held_on=self.day(15), topic="Tập huấn Luật Khiếu nại, Luật Tố cáo sửa đổi", attendees=85))
        carried = records.open_inspection(self.session, self.admin, InspectionIn(
            unit=unit, subject="Thanh tra trách nhiệm thực hiện pháp luật về tiếp công dân", started_on=self.day(-30),
            units_inspected=3))
        carried = records.conclude_inspection(self.session, self.admin, carried.id, ConclusionIn(
            version=carried.version, concluded_on=self.day(30), conclusion_no="08/KL-TTr", recommended_organisations=1,
            recommended_people=2, referred_organisations=1, referred_people=1))
        records.record_inspection_execution(self.session, self.admin, carried.id, InspectionExecutionIn(
            version=carried.version, executed_on=self.day(70), sanctioned_organisations=1, sanctioned_people=2,
            prosecuted_cases=1, prosecuted_people=1))
        records.open_inspection(self.session, self.admin, InspectionIn(
            unit=unit, subject="Thanh tra trách nhiệm giải quyết khiếu nại, tố cáo", started_on=self.day(40), units_inspected=2))


def add_report_forms_demo(session: Session, tree: DemoTree, today: dt.date) -> Period:
    """Add the records; the quarter they fill."""
    demo = FormsDemo(session, tree, today)
    complaints = demo.complaints()
    denunciations = demo.denunciations()
    demo.other_petitions()
    demo.reception(complaints[0])
    demo.executions(complaints, denunciations)
    demo.management()
    demo.settle_what_the_quarter_left(today)
    session.flush()
    return demo.quarter
