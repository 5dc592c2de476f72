"""Small factories for the metrics tests. Every record is made through the real services with
its legal dates, so the history the figures read is the one the tracker writes.

    world.petition("complaint", "HT", on=D(2026, 1, 5))           # received at HT
    world.act(case, "accept", D(2026, 1, 8), unit="HT-TNMT")       # any trigger, with its data
    world.dialogue("HT-LH", D(2026, 2, 1)); world.opinion(d, settled=True)
    world.supervision("LH-TTND", D(2026, 3, 1)); world.recommendation(s, "HT-LH", D(2026, 3, 2))
    world.metrics("HT", D(2026, 1, 1), D(2026, 6, 30))
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tracker.metrics.results import Metrics
from tracker.models import Case, Dialogue, Project, Supervision, Unit, User
from tracker.schemas import (
    CaseIn,
    DialogueIn,
    OpinionIn,
    PlanIn,
    ProjectIn,
    RecommendationIn,
    SupervisionIn,
    TransitionIn,
    VisitIn,
)
from tracker.services import activity, cases, metrics, projects

D = dt.date
VN = dt.timezone(dt.timedelta(hours=7))
# Default dates of the factories (2026).
_FEB_10 = D(2026, 2, 10)
_FEB_2 = D(2026, 2, 2)
_JAN_20 = D(2026, 1, 20)
_JAN_5 = D(2026, 1, 5)
_JAN_8 = D(2026, 1, 8)
_MAR_1 = D(2026, 3, 1)
_MAR_5 = D(2026, 3, 5)

# What each trigger needs when a test does not say.
DEFAULT_DATA: dict[str, dict[str, Any]] = {
    "resolve": {"outcome": "upheld", "decision_no": "01/QĐ-UBND", "summary": "Giải quyết"},
    "suspend": {"reason": "Chờ giám định"},
    "resume": {"reason": "Đã có kết quả giám định"},
    "extend": {"reason": "Vụ việc phức tạp"},
    "withdraw": {"note": "Đơn xin rút"},
    "guide": {"to": "Tòa án nhân dân"},
    "file": {"reason": "duplicate"},
    "urge": {"note": "Đề nghị giải quyết"},
    "reopen": {"reason": "Trả lời chưa thỏa đáng"},
    "answer": {"summary": "Đã khắc phục"},
    "return": {"reason": "Chưa khắc phục"},
}


@dataclass
class World:
    session: Session
    tree: dict[str, Unit]
    admin: User

    def petition(self, kind: str = "complaint", unit: str = "HT", on: dt.date = _JAN_5, **fields: Any) -> Case:
        body: dict[str, Any] = {
            "kind": kind, "channel": "in_person", "received_unit": unit, "subject": f"Đơn {kind}", "content": "Nội dung đơn",
            "received_at": dt.datetime.combine(on, dt.time(9, 0), tzinfo=VN),
            "petitioners": [] if fields.get("anonymous") else [{"full_name": "Nguyễn Văn An", "id_number": "079090001111"}],
        }
        body.update(fields)
        return cases.intake(self.session, self.admin, CaseIn.model_validate(body))

    def act(self, case: Case, trigger: str, on: dt.date, *, by: User | None = None, **data: Any) -> Case:
        """Fire `trigger` on `on`, as the administrator unless `by` says who."""
        defaults = {"summary": "Đã trả lời"} if (case.kind, trigger) == ("dialogue_opinion", "resolve") else DEFAULT_DATA.get(trigger, {})
        payload = {**defaults, **{k: v.isoformat() if isinstance(v, dt.date) else v for k, v in data.items()}}
        return cases.fire(self.session, by or self.admin, case.id,
                          TransitionIn(trigger=trigger, version=case.version, effective_on=on, data=payload))

    def resolved(self, kind: str = "complaint", unit: str = "HT", received: dt.date = _JAN_5,
                 accepted: dt.date = _JAN_8, decided: dt.date = _JAN_20, resolver: str | None = None,
                 **decision: Any) -> Case:
        case = self.petition(kind, unit, received)
        case = self.act(case, "accept", accepted, **({"unit": resolver} if resolver else {}))
        return self.act(case, "resolve", decided, **decision)

    def dialogue(self, host: str = "HT-LH", held: dt.date = _FEB_10, plan_id: int | None = None) -> Dialogue:
        return activity.open_dialogue(self.session, self.admin, DialogueIn(
            host_unit=host, held_on=held, chair="Chủ tịch UBND", topic="Đối thoại về đất đai", plan_id=plan_id))

    def opinion(self, dialogue: Dialogue, settled: bool = True, unit: str = "HT-TNMT", due: dt.date | None = None) -> Case:
        data: dict[str, Any] = {"subject": "Ý kiến về đường giao thông", "content": "Nội dung", "settled_on_spot": settled}
        if not settled:
            data.update(assigned_unit=unit, due_on=due or dialogue.held_on + dt.timedelta(days=30))
        return activity.record_opinion(self.session, self.admin, dialogue.id, OpinionIn.model_validate(data))

    def plan(self, unit: str, year: int = 2026) -> Any:
        return activity.create_plan(self.session, self.admin, PlanIn(unit=unit, year=year, planned_sessions=2))

    def supervision(self, board: str = "LH-TTND", started: dt.date = _MAR_1, project: Project | None = None) -> Supervision:
        return activity.open_supervision(self.session, self.admin, SupervisionIn(
            board_unit=board, subject="Giám sát việc giải quyết đơn thư", started_on=started,
            scope={"project_id": project.id} if project else None))

    def project(self, unit: str = "HT-LH", name: str = "Đường giao thông nông thôn ấp Long Bình",
                investor_unit: str | None = "HT-LH") -> Project:
        return projects.create_project(self.session, self.admin, ProjectIn(
            unit=unit, name=name, investor="UBND phường", investor_unit=investor_unit, budget_vnd=4_500_000_000,
            started_on=D(2019, 9, 1), planned_completion_on=D(2021, 6, 30)))

    def recommendation(self, supervision: Supervision, addressee: str = "HT-LH", issued: dt.date = _MAR_5,
                       due: dt.date | None = None) -> Case:
        return activity.issue_recommendation(self.session, self.admin, supervision.id, RecommendationIn(
            addressee_unit=addressee, content="Kiến nghị khắc phục", issued_on=issued, due_on=due))

    def visit(self, unit: str = "HT", on: dt.date = _FEB_2, reception: str = "staff", persons: int = 1,
              **fields: Any) -> Any:
        return activity.record_visit(self.session, self.admin, VisitIn(
            unit=unit, visited_on=on, reception=reception, persons=persons, **fields))

    def metrics(self, unit: str, start: dt.date, end: dt.date, subunits: bool = True) -> Metrics:
        return metrics.metrics(self.session, self.admin, unit, start, end, subunits)


@pytest.fixture()
def world(session: Session, tree: dict[str, Unit], make_user: Callable[..., User]) -> World:
    """The Tây Ninh tree of tests/conftest.py and an administrator of the province who does everything."""
    return World(session, tree, make_user("admin", tree["TN"], full_name="Quản trị tỉnh"))


def random_history(world: World, seed: int, petitions: int = 60) -> None:
    """A plausible stretch of work in the Tây Ninh tree from October 2025 to August 2026, made
    through the services: petitions processed every way the workflows allow (accepted, forwarded,
    guided, filed, withdrawn, extended, suspended, resolved with amounts, complained again,
    urged), reception visits in every capacity, dialogues, supervisions."""
    import random

    rng = random.Random(seed)
    units = ["TN", "HT", "HT-LH", "HT-TNMT", "BT", "BT-P1", "TN-TTR"]
    start = D(2025, 10, 1)

    def day(after: dt.date, most: int = 40) -> dt.date:
        return min(after + dt.timedelta(days=rng.randint(0, most)), D(2026, 8, 31))

    made: list[Case] = []
    for _ in range(petitions):
        kind = rng.choice(["complaint", "complaint", "denunciation", "recommendation", "feedback"])
        unit = rng.choice(units)
        on = day(start, 300)
        fields: dict[str, Any] = {"crowd_size": rng.choice([1, 1, 1, 3, 6])}
        if kind == "denunciation" and rng.random() < 0.2:
            fields = {"anonymous": True}
        case = world.petition(kind, unit, on, **fields)
        last = on
        roll = rng.random()
        if roll < 0.1:
            world.act(case, "file", day(last, 5))
            continue
        if roll < 0.2:
            world.act(case, "guide", day(last, 5))
            continue
        if roll < 0.35:
            targets = [u for u in units if u != world.tree[unit].code and not world.tree[u].is_board]
            last = day(last, 10)
            case = world.act(case, "forward", last, unit=rng.choice(targets))
        if 0.35 <= roll < 0.4:
            made.append(case)
            continue
        last = day(last, 10)
        resolving = case.resolving_unit
        below = [u for u in units if resolving.contains(world.tree[u])]
        case = world.act(case, "accept", last, unit=rng.choice(below))
        if rng.random() < 0.2:
            last = day(last, 20)
            case = world.act(case, "start_verification", last)
            last = day(last, 10)
            case = world.act(case, "suspend", last)
            last = day(last, 20)
            case = world.act(case, "resume", last)
        if kind != "complaint" and rng.random() < 0.2:
            last = day(last, 10)
            case = world.act(case, "extend", last, due_on=case.due_on + dt.timedelta(days=10))
        fate = rng.random()
        if fate < 0.1:
            world.act(case, "withdraw", day(last, 30))
            continue
        if fate < 0.3:
            made.append(case)
            continue
        last = day(last, 50)
        decision: dict[str, Any] = {"outcome": rng.choice(["upheld", "rejected", "partly_upheld"])}
        if rng.random() < 0.4:
            decision.update(recovered_money_vnd=str(rng.randint(1, 90) * 1_000_000), recovered_land_m2="120.5",
                            returned_money_vnd=str(rng.randint(1, 9) * 500_000), returned_to=rng.choice(["organisation", "individual"]),
                            people_disciplined=2, civil_servants_disciplined=1, referred_for_investigation=rng.choice([0, 1]))
        case = world.act(case, "resolve", last, **decision)
        level = case.resolving_unit
        while level.kind == "agency" and level.parent is not None:
            level = level.parent  # an agency decides in its People's Committee's name
        if kind == "complaint" and level.parent is not None and rng.random() < 0.3:
            world.act(case, "recomplain", day(last, 20))
        elif rng.random() < 0.5:
            world.act(case, "close", day(last, 40))
    for case in made[: len(made) // 2]:
        world.act(case, "urge", day(case.last_effective_on, 30))
    for _ in range(petitions // 3):
        world.visit(rng.choice(units), day(start, 300), rng.choice(["staff", "staff", "head_scheduled", "head_ad_hoc", "authorised"]),
                    persons=rng.choice([1, 1, 2, 8]), delegation=rng.random() < 0.2, repeat=rng.random() < 0.3,
                    case_ids=[c.id for c in rng.sample(made, min(len(made), rng.choice([0, 1, 2])))])
    for _ in range(4):
        dialogue = world.dialogue(rng.choice(["HT", "HT-LH", "BT-P1"]), day(start, 300))
        for _ in range(rng.randint(1, 5)):
            world.opinion(dialogue, settled=rng.random() < 0.8)
    supervision = world.supervision("LH-TTND", day(start, 200))
    for _ in range(3):
        world.recommendation(supervision, "HT-LH", day(supervision.started_on, 30))
