"""What a supervisory board's page shows (DOMAIN.md §6): the overdue cases of the area it
watches, grouped by unit and by how late they are; the dialogue answers it may reopen; its
supervisions with their recommendations, due dates and answers; and the choices its forms
offer. It only reads: the forms go through activity.open_supervision,
activity.issue_recommendation and cases.fire, which decide and record.

A board never sees a denouncer's identity, nor a denunciation's subject (it may name the
people accused): the page lists cases by code, kind, unit and dates.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.auth import policy
from tracker.auth.policy import Actor
from tracker.models import Case, HistoryEntry, Project, Supervision, Unit
from tracker.models.units import BOARD_KINDS
from tracker.services.cases import overdue_clause
from tracker.services.common import tracking_code_key, unit_by_code
from tracker.services.errors import Forbidden, NotFound, Refused
from workflows import definitions

# How late an overdue case is, as the page groups them: over 90 days, 30 to 90, under 30.
BANDS = ("over_90", "30_to_90", "under_30")
# At most this many overdue cases (the oldest first) and supervisions are listed.
LIMIT = 500
# At most this many answers to reopen are listed, the latest first: older ones are on the case pages.
ANSWERS_LIMIT = 100


def band(days_late: int) -> str:
    """The lateness band of a case `days_late` days past its due date."""
    if days_late > 90:
        return "over_90"
    if days_late >= 30:
        return "30_to_90"
    return "under_30"


def board_for(session: Session, actor: Actor, code: str | None = None) -> Unit:
    """The board whose page this is: a member's own board, or for an administrator the board
    named by `code` (else the first board of their area). 403 for anyone else."""
    if policy.may_choose_board(actor):
        if code:
            board = unit_by_code(session, code, field="board")
        else:
            prefix = policy.area_root_path(actor) + "%"
            found = session.scalar(select(Unit).where(Unit.path.like(prefix), Unit.kind.in_(BOARD_KINDS))
                                   .order_by(Unit.path).limit(1))
            if found is None:
                raise NotFound("Không có Ban giám sát trong phạm vi / no supervisory board in your area")
            board = found
    else:
        board = actor.unit  # a member's own board; anyone else is refused just below
    if not policy.may_work_for_board(actor, board):
        raise Forbidden("Trang này dành cho Ban giám sát / this page is for supervisory boards")
    return board


def boards_of_area(session: Session, actor: Actor) -> list[Unit]:
    """The boards an administrator may open the page of (a member: their own board)."""
    if not policy.may_choose_board(actor):
        return [actor.unit] if policy.may_work_for_board(actor, actor.unit) else []
    prefix = policy.area_root_path(actor) + "%"
    return list(session.scalars(select(Unit).where(Unit.path.like(prefix), Unit.kind.in_(BOARD_KINDS)).order_by(Unit.path)))


@dataclass(frozen=True)
class LateCase:
    """An overdue case and how many days past its due date it is."""

    case: Case
    days_late: int


@dataclass
class UnitLate:
    """The overdue cases of one resolving unit, by lateness band, the oldest first in each."""

    unit: Unit
    bands: dict[str, list[LateCase]] = field(default_factory=lambda: {b: [] for b in BANDS})

    @property
    def total(self) -> int:
        """How many overdue cases the unit has."""
        return sum(len(cases) for cases in self.bands.values())

    @property
    def oldest(self) -> int:
        """Days late of its oldest overdue case."""
        return max((c.days_late for cases in self.bands.values() for c in cases), default=0)


def overdue_by_unit(session: Session, actor: Actor, today: dt.date) -> list[UnitLate]:
    """The overdue cases the actor may see (a board: the area it watches), by resolving unit,
    the unit with the oldest case first; within a unit by band (over 90 days first), the
    oldest first. Recommendations are left out: they are the board's own, listed with its
    supervisions."""
    stmt = (select(Case).where(policy.visible_filter(actor), overdue_clause(today),
                               Case.kind != "supervision_recommendation")
            .order_by(Case.due_on, Case.id).limit(LIMIT))
    groups: dict[int, UnitLate] = {}
    for case in session.scalars(stmt):
        unit = case.resolving_unit
        assert case.due_on is not None
        late = (today - case.due_on).days
        groups.setdefault(unit.id, UnitLate(unit)).bands[band(late)].append(LateCase(case, late))
    return sorted(groups.values(), key=lambda g: (-g.oldest, g.unit.name))


def reopenable_answers(session: Session, actor: Actor) -> list[Case]:
    """The dialogue opinions answered (on the spot or later) that the actor may reopen, the
    latest answer first."""
    workflow = definitions.latest("dialogue_opinion")
    reopen = workflow.trigger("reopen")
    assert reopen is not None
    stmt = (select(Case).where(policy.visible_filter(actor), Case.kind == "dialogue_opinion",
                               Case.state.in_(sorted(reopen.sources)))
            .order_by(Case.decided_on.desc(), Case.id.desc()).limit(ANSWERS_LIMIT))
    return [case for case in session.scalars(stmt) if policy.may_fire(actor, case, reopen)]


@dataclass(frozen=True)
class SupervisionSheet:
    """A supervision with the recommendations it issued."""

    supervision: Supervision
    recommendations: list[Case]


def supervisions_of_board(session: Session, board: Unit) -> list[SupervisionSheet]:
    """The board's supervisions, the latest first, each with its recommendations in order."""
    supervisions = list(session.scalars(select(Supervision).where(Supervision.board_unit_id == board.id)
                                        .order_by(Supervision.started_on.desc(), Supervision.id.desc()).limit(LIMIT)))
    issued: dict[int, list[Case]] = {s.id: [] for s in supervisions}
    if supervisions:
        for case in session.scalars(select(Case).where(Case.supervision_id.in_(issued))
                                    .order_by(Case.id)):
            assert case.supervision_id is not None
            issued[case.supervision_id].append(case)
    return [SupervisionSheet(s, issued[s.id]) for s in supervisions]


def addressee_choices(session: Session, board: Unit) -> list[Unit]:
    """The units a recommendation may go to: the open units of the board's province (never a
    board), in tree order, to be chosen by name."""
    province = board.ancestor_ids[0]
    found = session.scalars(select(Unit).where(Unit.path.like(f"/{province}/%"), Unit.kind.not_in(BOARD_KINDS)))
    return sorted((u for u in found if u.closed_on is None), key=lambda u: (u.path.count("/"), u.name))


def scope_unit_choices(session: Session, board: Unit) -> list[Unit]:
    """The units a supervision may look at: those of the tree the board watches (never a board)."""
    watched = board.parent or board
    found = session.scalars(select(Unit).where(Unit.path.like(watched.path + "%"), Unit.kind.not_in(BOARD_KINDS)))
    return sorted((u for u in found if u.closed_on is None), key=lambda u: (u.path.count("/"), u.name))


def projects_watched(session: Session, board: Unit) -> list[Project]:
    """The investment projects of the commune a community investment supervision board watches."""
    if board.kind != "investment_board" or board.parent is None:
        return []
    return list(session.scalars(select(Project).join(Unit, Unit.id == Project.unit_id)
                                .where(Unit.path.like(board.parent.path + "%")).order_by(Project.name)))


def may_fire_here(actor: Actor, case: Case, trigger: str, board_unit_id: int | None = None) -> bool:
    """True when `trigger` may be fired on the case now: its state allows it and the policy lets
    the actor (the page shows a form only then)."""
    spec = case.workflow.trigger(trigger)
    return spec is not None and case.state in spec.sources and policy.may_fire(actor, case, spec, board_unit_id)


# The steps by which a unit answers a recommendation or a dialogue opinion.
ANSWERING = ("answer", "resolve")


def answers_of(session: Session, cases: list[Case]) -> dict[int, str]:
    """What the unit answered each case, by case id: the summary of its latest answering step,
    else the answer given on the spot at the dialogue."""
    found = {case.id: case.answer for case in cases if case.answer}
    if cases:
        entries = session.execute(
            select(HistoryEntry.case_id, HistoryEntry.data).where(
                HistoryEntry.case_id.in_([c.id for c in cases]), HistoryEntry.trigger.in_(ANSWERING))
            .order_by(HistoryEntry.case_id, HistoryEntry.seq))
        for case_id, data in entries:
            summary = (data or {}).get("summary")
            if summary:
                found[case_id] = str(summary)
    return found


def case_ids_for_codes(session: Session, actor: Actor, text: str) -> list[int]:
    """The cases named by tracking codes typed in a list (commas, spaces or new lines between
    them); a code unknown to the actor is refused by name (422), as if it did not exist."""
    codes = [tracking_code_key(code) for code in re.split(r"[\s,;]+", text) if code.strip()]
    ids: list[int] = []
    for code in dict.fromkeys(codes):
        case = session.scalar(select(Case).where(Case.tracking_code == code))
        if case is None or not policy.can_view(actor, case):
            raise Refused(f"Không có hồ sơ mã {code} / no case with code {code}", {"fields": {"scope.case_codes": code}})
        ids.append(case.id)
    return ids
