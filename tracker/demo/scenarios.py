"""Case histories for the demo, driven through the real services by the demo's users, so
every case, history chain, deadline and outbox row is exactly what the application makes.

Each history moves forward from its start date with random gaps and stops at the run's
horizon (today, or the eve of the 2025 reorganisation for what came before it): what has not
happened by then stays open. Old cases are decided like at a working office; only recent ones
are still being worked on, a few of them late by some weeks.
"""
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.demo import texts
from tracker.demo.tree import DemoTree
from tracker.models import Case, Unit, User
from tracker.schemas import CaseIn, DialogueIn, OpinionIn, PlanIn, RecommendationIn, SupervisionIn, TransitionIn, VisitIn
from tracker.services import activity, cases
from tracker.services.errors import ServiceError
from workflows.definitions.petitions import DIALOGUE_NOTICE_DAYS, dialogue_required

T = TypeVar("T")
LOCAL = dt.timezone(dt.timedelta(hours=7))

# After the 2025 reorganisation a district's offices' work goes to the province's departments.
PROVINCE_DEPARTMENT = {"TNMT": "TN-STNMT", "LDTBXH": "TN-SNV", "TTR": "TN-TTR"}
KIND_WEIGHTS = {"complaint": 30, "denunciation": 10, "recommendation": 25, "feedback": 25, "voter_opinion": 10}
CHANNEL_WEIGHTS = {"in_person": 45, "mail": 25, "online": 15, "hotline": 5, "forwarded": 10}


class DemoRun:
    """One run of the demo: a random source, the tree, and today's date."""

    def __init__(self, session: Session, tree: DemoTree, rng: random.Random, today: dt.date):
        self.session, self.tree, self.rng, self.today = session, tree, rng, today
        self.not_before = dt.date.min  # dialogues and supervisions of a later phase start here

    # -- who acts --------------------------------------------------------------------------
    def _users(self, role: str, unit: Unit, *, exact: bool = False, strictly_above: bool = False) -> list[User]:
        found = [u for u in self.tree.users if u.role == role and unit.path.startswith(u.unit.path)]
        if exact:
            found = [u for u in found if u.unit.id == unit.id]
        if strictly_above:
            found = [u for u in found if u.unit.id != unit.id]
        return sorted(found, key=lambda u: -len(u.unit.path))  # the nearest first

    def desk(self, unit: Unit) -> User:
        """The nearest reception desk whose area holds `unit`."""
        return self._users("reception", unit)[0]

    def resolver(self, unit: Unit) -> User:
        """Who works a case resolved by `unit`: its own officer, else its leader, else the leader above."""
        for candidates in (self._users("agency", unit, exact=True), self._users("leader", unit)):
            if candidates:
                return candidates[0]
        raise LookupError(f"no one resolves cases of {unit.code}")

    def board_member(self, unit: Unit) -> User | None:
        """A supervisor of a board watching `unit`, if the demo has one."""
        boards = [u for u in self.tree.users if u.role == "supervisor" and u.unit.parent is not None
                  and unit.path.startswith(u.unit.parent.path)]
        return self.rng.choice(boards) if boards else None

    # -- dates and choices ---------------------------------------------------------------------
    def after(self, day: dt.date, low: int, high: int) -> dt.date | None:
        """A day `low`..`high` days after `day`, or None when that lies after today."""
        later = day + dt.timedelta(days=self.rng.randint(low, high))
        return later if later <= self.today else None

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def weighted(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def person(self) -> dict[str, str]:
        rng = self.rng
        name = f"{rng.choice(texts.FAMILY_NAMES)} {rng.choice(texts.MIDDLE_NAMES)} {rng.choice(texts.GIVEN_NAMES)}"
        address = (f"{rng.randint(1, 300)} {rng.choice(texts.STREETS)}" if rng.random() < .6 else rng.choice(texts.HAMLETS))
        return {"full_name": name, "id_number": f"0{rng.randint(10, 96)}{rng.randint(0, 999_999_999):09d}",
                "phone": f"09{rng.randint(0, 99_999_999):08d}", "address": address}

    def attempt(self, action: Callable[[], T]) -> T | None:
        """Run an optional step; a refusal by the law leaves nothing behind."""
        try:
            with self.session.begin_nested():
                return action()
        except ServiceError:
            return None

    def fire(self, case: Case, actor: User, trigger: str, on: dt.date, data: dict[str, object] | None = None,
             note: str | None = None) -> Case:
        return cases.fire(self.session, actor, case.id, TransitionIn(trigger=trigger, version=case.version, effective_on=on,
                                                                     data=data or {}, note=note))

    # -- petitions -------------------------------------------------------------------------------
    def petition(self, received_on: dt.date) -> None:
        """One petition from the desk to wherever it has got by today."""
        rng = self.rng
        kind = self.weighted(KIND_WEIGHTS)
        level = rng.random()
        district = rng.choice(self.tree.districts)
        communes = self.tree.communes_of[district.code]
        province = self.tree.units["TN"]
        if self.abolished(district, received_on):  # two-level local government: province and commune
            unit = rng.choice(communes) if level < .8 else province
            if kind == "voter_opinion":
                unit = province
        else:
            unit = rng.choice(communes) if level < .55 else district if level < .93 else province
            if kind == "voter_opinion":
                unit = district
        desk = self.desk(unit)
        channel = "voter_contact" if kind == "voter_opinion" else self.weighted(CHANNEL_WEIGHTS)
        anonymous = kind == "denunciation" and self.chance(.15)
        crowd = rng.randint(5, 40) if self.chance(.04) else None
        petitioners = [] if anonymous else [self.person() for _ in range(1 if crowd is None else rng.randint(2, 3))]
        area = rng.choice(texts.AREAS_BY_KIND[kind])
        received_at = dt.datetime.combine(received_on, dt.time(rng.randint(7, 16), rng.randint(0, 59)), LOCAL)
        visit = None
        if channel == "in_person":
            visit = activity.record_visit(self.session, desk, VisitIn(
                unit=unit.code, visited_on=received_on, reception="head_scheduled" if self.chance(.15) else "staff",
                persons=max(1, len(petitioners)) if crowd is None else min(crowd, 10), delegation=crowd is not None,
                repeat=self.chance(.2)))
        body = CaseIn(
            kind=kind, channel=channel, received_unit=unit.code, subject=rng.choice(texts.SUBJECTS[area]),
            content=" ".join(rng.sample(texts.CONTENT, 2)), received_at=received_at, petitioners=petitioners,
            anonymous=anonymous, crowd_size=crowd, subject_area=area,
            multi_place=kind == "denunciation" and self.chance(.2),
            multi_agency=kind == "voter_opinion" and self.chance(.2),
            assigned_unit=self._agency_for(district, area).code if kind == "voter_opinion" else None,
            visit_id=visit.id if visit else None,
        )
        case = cases.intake(self.session, desk, body)
        if case.state == "received":
            self.process(case)
        else:
            self.resolution(case, case.received_on)

    @staticmethod
    def abolished(unit: Unit, on: dt.date) -> bool:
        return unit.closed_on is not None and on >= unit.closed_on

    def _agency_for(self, district: Unit, area: str) -> Unit:
        suffix = {"land_housing": "TNMT", "policy_benefits": "LDTBXH", "civil_service": "TTR", "corruption": "TTR"}
        chosen = suffix.get(area, self.rng.choice(('TNMT', 'LDTBXH')))
        if district.kind == "province" or district.closed_on is not None:
            return self.tree.units[PROVINCE_DEPARTMENT[chosen]]
        return self.tree.units[f"{district.code}-{chosen}"]

    def process(self, case: Case, forwarded: bool = False) -> None:
        """The processing period at the desk: accept, forward, guide or file (TCD Art. 28)."""
        on = self.after(case.received_on if not forwarded else case.last_effective_on, 1, 13)
        if on is None:
            return
        unit = case.resolving_unit
        desk = self.desk(unit)
        r = self.rng.random()
        if case.anonymous:
            if r < .85:
                self.fire(case, desk, "file", on, {"reason": "anonymous"})
                return
        elif r < .08:
            self.fire(case, desk, "file", on, {"reason": self.rng.choice(("duplicate", "ineligible", "time_barred"))})
            return
        elif r < .15:
            self.fire(case, desk, "guide", on, {"to": self.rng.choice(texts.GUIDE_TO)})
            return
        elif r < .22 and not forwarded and unit.kind == "commune":
            district = self.session.get(Unit, unit.parent_id)
            assert district is not None
            case = self.fire(case, desk, "forward", on, {"unit": district.code}, note="Chuyển đơn đến cơ quan có thẩm quyền")
            self.process(case, forwarded=True)
            return
        data: dict[str, object] = {}
        if unit.kind in ("district", "province"):
            district = unit if unit.kind == "district" else self.rng.choice(self.tree.districts)
            data["unit"] = self._agency_for(district, case.subject_area or "other").code if unit.kind == "district" else (
                self.rng.choice(("TN-TTR", "TN-STNMT")))
        if self.chance(.1):
            data |= {"complex": True, "reason": self.rng.choice(texts.REASONS)}
        if unit.code.startswith("KA-") and self.chance(.15):
            data |= {"remote": True, "reason": "Địa bàn xã vùng sâu, đi lại khó khăn"}
        case = self.fire(case, desk, "accept", on, data)
        self.resolution(case, on)

    def resolution(self, case: Case, since: dt.date) -> None:
        """From acceptance to a decision, with what happens on the way."""
        officer = self.resolver(case.resolving_unit)
        if self.chance(.04):
            on = self.after(since, 3, 20)
            if on:
                self.fire(case, officer, "withdraw", on, {"note": "Công dân có đơn xin rút khiếu nại"})
            return
        on = self.after(since, 1, 8)
        if on is None:
            return
        if self.chance(.85):
            case = self.fire(case, officer, "start_verification", on)
            if self.chance(.05) and (pause := self.after(on, 2, 10)):
                case = self.fire(case, officer, "suspend", pause, {"reason": self.rng.choice(texts.REASONS)})
                resume = self.after(pause, 5, 25)
                if resume is None:
                    return
                case = self.fire(case, officer, "resume", resume, {"reason": "Đã có kết quả giám định"})
                on = resume
        if self.chance(.1) and case.due_on and (ext_on := self.after(on, 5, 20)) and ext_on <= case.due_on:
            new_due = case.due_on + dt.timedelta(days=self.rng.randint(5, 15))
            case = self.attempt(lambda: self.fire(case, officer, "extend", ext_on, {"due_on": new_due.isoformat(),
                                                                                   "reason": self.rng.choice(texts.REASONS)})) or case
            on = ext_on
        recent = case.due_on is not None and case.due_on >= self.today - dt.timedelta(days=40)
        if recent and self.chance(.14):
            self.urge_if_late(case)
            return  # still being worked on today
        self.decide(case, officer, on)

    def decide(self, case: Case, officer: User, since: dt.date) -> None:
        """The decision, and what the citizen does with it. A complaint's decision is closed by
        the sweep when it becomes final; other kinds are closed by the unit."""
        decided = self._decision_day(case, since)
        if decided is None:
            self.urge_if_late(case)
            return
        if dialogue_required(case.kind, case.round, case.accepted_on):
            case = self.hold_dialogue(case, officer, since, decided)
        case = self.fire(case, officer, "resolve", decided, self._decision(case))
        if case.kind == "complaint" and self.chance(.5) and (delivered := self.after(decided, 0, 6)):
            case = self.fire(case, officer, "deliver", delivered, {"delivered_on": delivered.isoformat()})
        if case.kind == "complaint" and case.round == 1 and self.chance(.12) and (again := self.after(decided, 3, 25)):
            desk = self.desk(case.received_unit)
            self.next_round(self.attempt(lambda: self.fire(case, desk, "recomplain", again,
                                                           note="Công dân không đồng ý, khiếu nại lần hai")))
            return
        if case.kind == "denunciation" and self.chance(.06) and (again := self.after(decided, 5, 40)):
            desk = self.desk(case.received_unit)
            self.next_round(self.attempt(lambda: self.fire(case, desk, "redenounce", again, note="Người tố cáo tố cáo tiếp")))
            return
        if case.kind != "complaint" and self.chance(.7) and (closed := self.after(decided, 30, 45)):
            self.fire(case, officer, "close", closed)

    def hold_dialogue(self, case: Case, officer: User, since: dt.date, decided: dt.date) -> Case:
        """The dialogue a second-round complaint must have before its decision (from 2026-07-01),
        notified in writing some days before it is held."""
        held = decided - dt.timedelta(days=self.rng.randint(0, max(0, min(10, (decided - since).days))))
        notified = held - dt.timedelta(days=self.rng.randint(DIALOGUE_NOTICE_DAYS, DIALOGUE_NOTICE_DAYS + 5))
        present = self.chance(.85)
        data: dict[str, object] = {"held_on": held.isoformat(), "notified_on": notified.isoformat(),
                                   "complainant_present": present,
                                   "content": "Đối thoại về căn cứ của quyết định giải quyết lần đầu",
                                   "result": "Các bên thống nhất một phần; còn ý kiến khác về mức bồi thường"}
        if not present:
            data["absence_reason"] = "Vắng mặt có lý do (ốm, có giấy xác nhận)"
        return self.fire(case, officer, "record_dialogue", held, data)

    def next_round(self, escalated: Case | None) -> None:
        """The superior unit's desk processes the second-round complaint or re-denunciation."""
        if escalated is None:
            return
        second = self.session.scalars(select(Case).where(Case.parent_case_id == escalated.id)).first()
        if second is not None:
            self.process(second)

    def carry_on(self, case: Case, admin: User) -> None:
        """A case a closed unit handed over: its successor takes it up from the day it arrived."""
        since = case.last_effective_on
        if case.kind in ("dialogue_opinion", "supervision_recommendation"):
            trigger = "resolve" if case.state == "assigned" else "answer" if case.state == "issued" else "accept"
            on = self.after(since, 3, 30)
            if on is not None and case.state != "resolved":
                data = {"summary": self.rng.choice(texts.ANSWERS)} if trigger != "accept" else {}
                self.attempt(lambda: self.fire(case, admin, trigger, on, data))
            return
        match case.state:
            case "received":
                self.process(case, forwarded=True)
            case "accepted" | "verifying":
                self.decide(case, self.resolver(case.resolving_unit), since)
            case "suspended":
                officer = self.resolver(case.resolving_unit)
                if (resume := self.after(since, 3, 20)) is not None:
                    case = self.fire(case, officer, "resume", resume, {"reason": "Đã có kết quả giám định"})
                    self.decide(case, officer, resume)
            case "resolved" if case.kind != "complaint" and (closed := self.after(since, 10, 40)):
                self.fire(case, self.resolver(case.resolving_unit), "close", closed)

    def _decision_day(self, case: Case, since: dt.date) -> dt.date | None:
        due = case.due_on or since + dt.timedelta(days=30)
        if self.chance(.8) and due > since + dt.timedelta(days=2):
            day = since + dt.timedelta(days=self.rng.randint(2, (due - since).days))
        else:
            day = max(due, since) + dt.timedelta(days=self.rng.randint(1, 25))
        return day if day <= self.today else None

    def _decision(self, case: Case) -> dict[str, object]:
        rng = self.rng
        data: dict[str, object] = {
            "outcome": rng.choices(("upheld", "partly_upheld", "rejected"), weights=(20, 30, 50))[0],
            "decision_no": f"{rng.randint(1, 999)}/QĐ-UBND", "summary": rng.choice(texts.DECISION_SUMMARIES),
        }
        if case.kind in ("complaint", "denunciation") and data["outcome"] != "rejected" and rng.random() < .3:
            data |= {"returned_money_vnd": str(rng.randint(5, 900) * 1_000_000), "returned_land_m2": str(rng.randint(0, 300)),
                     "people_disciplined": rng.randint(0, 2)}
            if case.kind == "denunciation" and rng.random() < .2:
                data |= {"recovered_money_vnd": str(rng.randint(50, 5000) * 1_000_000), "referred_for_investigation": 1}
        return data

    def urge_if_late(self, case: Case) -> None:
        """A unit above sends an urging notice (đôn đốc) to a unit that is late."""
        if case.due_on is None or case.due_on >= self.today or not self.chance(.5):
            return
        above = self._users("leader", case.resolving_unit, strictly_above=True)
        on = self.after(case.due_on, 1, 10)
        if above and on and on >= case.last_effective_on:
            self.fire(case, above[0], "urge", on, {"note": "Đề nghị khẩn trương giải quyết, báo cáo kết quả"})

    # -- dialogues ---------------------------------------------------------------------------------
    def dialogues(self, host: Unit, year: int) -> None:
        """A host unit's plan for `year` and the sessions it held, each with its opinions."""
        rng = self.rng
        leader = self._users("leader", host)[0]
        plan = None
        if self.chance(.85) and self.not_before.year < year:
            plan = activity.create_plan(self.session, leader, PlanIn(unit=host.code, year=year,
                                                                     planned_sessions=rng.randint(1, 3)))
        sessions = (plan.planned_sessions if plan and self.chance(.75) else rng.randint(0, 1))
        for _ in range(sessions):
            held_on = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(14, 350))
            if held_on > self.today or held_on < self.not_before:
                continue
            dialogue = activity.open_dialogue(self.session, self.desk(host), DialogueIn(
                host_unit=host.code, held_on=held_on, chair=f"Chủ tịch UBND {host.name}", topic=rng.choice(texts.DIALOGUE_TOPICS),
                attendees=rng.randint(30, 150), plan_id=plan.id if plan else None))
            for _ in range(rng.randint(4, 14)):
                self.opinion(dialogue.id, host, held_on)

    def opinion(self, dialogue_id: int, host: Unit, held_on: dt.date) -> None:
        subject, content = self.rng.choice(texts.OPINIONS)
        settled = self.chance(.9)
        assigned = None
        if not settled:
            district = host if host.kind in ("district", "province") else self.session.get(Unit, host.parent_id)
            assert district is not None
            assigned = self._agency_for(district, "other") if self.chance(.6) else host
        case = activity.record_opinion(self.session, self.desk(host), dialogue_id, OpinionIn(
            subject=subject, content=content, settled_on_spot=settled, petitioners=[self.person()] if self.chance(.5) else [],
            answer=self.rng.choice(texts.ANSWERS) if settled else None, assigned_unit=assigned.code if assigned else None,
            due_on=held_on + dt.timedelta(days=self.rng.randint(15, 45)) if not settled else None))
        on = held_on
        if not settled and assigned is not None:
            # Only a recent opinion may still wait for its answer.
            answered = self.after(held_on, 5, 50) if self.chance(.8) or held_on < self.today - dt.timedelta(days=60) else None
            if answered is None:
                return
            officer = self.resolver(assigned)
            case = self.fire(case, officer, "resolve", answered, {"summary": self.rng.choice(texts.ANSWERS)})
            on = answered
            if self.chance(.5) and (closed := self.after(answered, 3, 20)):
                case = self.fire(case, officer, "close", closed)
                on = closed
        if self.chance(.04):
            supervisor = self.board_member(host)
            reopened = self.after(on, 10, 60)
            if supervisor and reopened:
                case = self.fire(case, supervisor, "reopen", reopened, {
                    "reason": "Người dân phản ánh nội dung trả lời chưa thỏa đáng", "unit": host.code,
                    "due_on": (reopened + dt.timedelta(days=20)).isoformat()})
                if again := self.after(reopened, 5, 25):
                    self.fire(case, self.resolver(host), "resolve", again, {"summary": self.rng.choice(texts.ANSWERS)})

    # -- supervisions ------------------------------------------------------------------------------
    def supervisions(self, member: User, year: int) -> None:
        """A board's supervisions in `year` and the recommendations they led to."""
        rng = self.rng
        board = member.unit
        addressee = board.parent
        assert addressee is not None
        for _ in range(rng.randint(1, 4)):
            started = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(10, 340))
            if started > self.today or started < self.not_before:
                continue
            ended = started + dt.timedelta(days=rng.randint(1, 15))
            supervision = activity.open_supervision(self.session, member, SupervisionIn(
                board_unit=board.code, subject=rng.choice(texts.SUPERVISION_SUBJECTS), started_on=started,
                ended_on=ended if ended <= self.today else None, scope={"unit": addressee.code}))
            for _ in range(rng.choices((0, 1, 2), weights=(5, 3, 2))[0]):
                issued = self.after(started, 1, 15)
                if issued is None:
                    continue
                case = activity.issue_recommendation(self.session, member, supervision.id, RecommendationIn(
                    addressee_unit=addressee.code, content=rng.choice(texts.RECOMMENDATIONS), issued_on=issued))
                self.answer(case, member, issued)

    def answer(self, case: Case, member: User, issued: dt.date) -> None:
        officer = self.resolver(case.resolving_unit)
        on: dt.date | None = issued
        for attempt in range(3):
            # Only a recent recommendation may still wait for its answer.
            waiting = on is not None and on >= self.today - dt.timedelta(days=30) and not self.chance(.85)
            on = self.after(on, 3, 20) if on and not waiting else None
            if on is None:
                return
            case = self.fire(case, officer, "answer", on, {"summary": self.rng.choice(texts.ANSWERS)})
            on = self.after(on, 2, 10)
            if on is None:
                return
            if self.chance(.85) or attempt == 2:
                self.fire(case, member, "accept", on)
                return
            case = self.fire(case, member, "return", on, {"reason": "Nội dung trả lời chưa đầy đủ",
                                                           "due_on": (on + dt.timedelta(days=15)).isoformat()})
