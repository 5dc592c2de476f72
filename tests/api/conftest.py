"""API fixtures: the tree of the root conftest with an agency in the 'other' district, users by
role inside and outside the Hòa Thành jurisdiction, bearer tokens, and a `call` helper.

Inside (area HT):  admin@HT, reception@HT, agency@HT-TNMT, supervisor@HT-MT (the town's Front
committee watches the town), leader@HT. Outside (area BT): the same roles at BT, BT-TNMT, BT-MT.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tracker import clock
from tracker.models import Case, Project, Unit, User
from tracker.schemas import DialogueIn, OpinionIn, ProjectIn, RecommendationIn, SupervisionIn, TransitionIn
from tracker.services import activity, cases, projects
from tracker.services.admin import new_token

ROLES = ("admin", "reception", "agency", "supervisor", "leader")
HOME = {"inside": {"admin": "HT", "reception": "HT", "agency": "HT-TNMT", "supervisor": "HT-MT", "leader": "HT"},
        "outside": {"admin": "BT", "reception": "BT", "agency": "BT-TNMT", "supervisor": "BT-MT", "leader": "BT"}}
# The day the API tests happen on (a working Wednesday): "this year" and "yesterday" are stated, not real.
TODAY = dt.date(2026, 11, 18)
DENOUNCER = {"full_name": "Trần Thị Bích", "id_number": "079188002222", "phone": "0909123456", "address": "Số 12 Đường Lý Thường Kiệt"}


@pytest.fixture(autouse=True)
def _api_day(clock_at: Callable[[dt.date], None]) -> None:
    clock_at(TODAY)


@pytest.fixture()
def units(tree: dict[str, Unit], make_unit: Callable[..., Unit]) -> dict[str, Unit]:
    """The root tree plus an agency of the other district."""
    return {**tree, "BT-TNMT": make_unit("BT-TNMT", kind="agency", parent=tree["BT"], name="Phòng TNMT quận Bình Thạnh")}


@dataclass
class Caller:
    """A user with a bearer token."""

    user: User
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture()
def person(session: Session, units: dict[str, Unit], make_user: Callable[..., User]) -> Callable[..., Caller]:
    """person("agency", "inside") -> the agency officer of HT-TNMT with a token (made once per test)."""
    made: dict[tuple[str, str], Caller] = {}

    def get(role: str, place: str = "inside", unit: str | None = None) -> Caller:
        code = unit or HOME[place][role]
        key = (role, code)
        if key not in made:
            user = make_user(role, units[code], full_name=f"Cán bộ {role} {code}")
            made[key] = Caller(user, new_token(session, user)[1])
        return made[key]

    return get


@pytest.fixture()
def call(client: Any) -> Callable[..., Any]:
    """call(caller_or_None, "GET", "/api/v1/...", json=...) with the caller's bearer token."""

    def do(caller: Caller | None, method: str, path: str, **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", {}) or {})
        if caller is not None:
            headers.update(caller.headers)
        return client.open(path, method=method, headers=headers, **kwargs)

    return do


def is_error_body(body: Any, code: str | None = None) -> bool:
    """True for `{"error": {"code", "message", "details"}}` (with that code, if given)."""
    ok = isinstance(body, dict) and set(body) == {"error"} and {"code", "message", "details"} <= set(body["error"])
    return ok and (code is None or body["error"]["code"] == code)


@dataclass
class Steps:
    """Move cases along with the services, as the people who may."""

    session: Session
    person: Callable[..., Caller]
    intake: Callable[..., Case]

    def fire(self, case: Case, trigger: str, actor: User | None = None, **data: Any) -> Case:
        actor = actor or self.person("admin").user
        return cases.fire(self.session, actor, case.id, TransitionIn(trigger=trigger, version=case.version, data=data))

    def complaint(self, state: str = "received", **overrides: Any) -> Case:
        """A complaint received at HT; accepted/verifying/... at HT-TNMT."""
        case = self.intake(self.person("reception").user, received_unit="HT", received_at=_now(), **overrides)
        if state == "received":
            return case
        case = self.fire(case, "accept", unit="HT-TNMT")
        if state == "accepted":
            return case
        if state == "resolved":
            return self.fire(case, "resolve", outcome="upheld", decision_no="1/QĐ-UBND", summary="Giải quyết xong")
        case = self.fire(case, "start_verification")
        if state == "verifying":
            return case
        assert state == "suspended", state
        return self.fire(case, "suspend", reason="Chờ giám định")

    def denunciation(self, **overrides: Any) -> Case:
        """A named denunciation received at HT and accepted for resolution by HT-TNMT."""
        case = self.intake(self.person("reception").user, **{
            "kind": "denunciation", "received_unit": "HT", "received_at": _now(), "petitioners": [DENOUNCER],
            "subject": "Tố cáo cán bộ địa chính", **overrides})
        return self.fire(case, "accept", unit="HT-TNMT")

    def dialogue(self) -> Any:
        return activity.open_dialogue(self.session, self.person("reception").user, DialogueIn(
            host_unit="HT", held_on=TODAY - dt.timedelta(days=1), chair="Chủ tịch UBND thị xã", topic="Bồi thường"))

    def opinion(self, state: str = "settled_on_spot") -> Case:
        dialogue = self.dialogue()
        settled = state == "settled_on_spot"
        case = activity.record_opinion(self.session, self.person("reception").user, dialogue.id, OpinionIn(
            subject="Giá bồi thường", content="Đề nghị công khai", settled_on_spot=settled, answer="Đã trả lời" if settled else None,
            assigned_unit=None if settled else "HT-TNMT", due_on=None if settled else TODAY + dt.timedelta(days=20)))
        if state in ("settled_on_spot", "assigned"):
            return case
        case = self.fire(case, "resolve", summary="Đã xử lý")
        if state == "resolved":
            return case
        return self.fire(case, "close")

    def supervision(self, board: str = "HT-MT") -> Any:
        return activity.open_supervision(self.session, self.person("supervisor", unit=board).user, SupervisionIn(
            board_unit=board, subject="Giám sát công khai bồi thường", started_on=TODAY - dt.timedelta(days=5)))

    def recommendation(self, state: str = "issued", board: str = "HT-MT", addressee: str = "HT-TNMT") -> Case:
        supervision = self.supervision(board)
        case = activity.issue_recommendation(self.session, self.person("supervisor", unit=board).user, supervision.id,
                                             RecommendationIn(addressee_unit=addressee, content="Đề nghị niêm yết phương án"))
        if state == "issued":
            return case
        return self.fire(case, "answer", summary="Đã niêm yết")

    def project(self) -> Project:
        """An investment project of Long Hoa ward, invested in by the ward."""
        return projects.create_project(self.session, self.person("admin").user, ProjectIn(
            unit="HT-LH", name="Nâng cấp đường Phạm Văn Đồng", investor="UBND phường Long Hoa", investor_unit="HT-LH",
            budget_vnd=4_500_000_000))


def _now() -> dt.datetime:
    return clock.now() - dt.timedelta(minutes=5)


@pytest.fixture()
def steps(session: Session, person: Callable[..., Caller], intake: Callable[..., Case]) -> Steps:
    return Steps(session, person, intake)
