"""Supervision figures (DOMAIN.md §7, group `supervisions`): supervisions held by the supervisory
boards (Fatherland Front committees, People's Inspection Boards, community investment
supervision boards) and the recommendations they issued, in all and by kind of board. A
supervision and its recommendations belong to the board's unit."""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import ColumnElement, Select, and_, case, select, true

from tracker.metrics.figures import Definition, Facts, Figure, Kind, Source, Text, Window
from tracker.metrics.scope import in_province
from tracker.metrics.sql import entry_at_end
from tracker.models import Case, Supervision, Unit
from tracker.models.units import BOARD_KINDS

ANSWERED_STATES = ("answered", "accepted")


def _supervisions(window: Window) -> Select[tuple[object, ...]]:
    return (
        select(Supervision.id.label("record_id"), Supervision.board_unit_id.label("unit_id"), Unit.kind.label("board_kind"))
        .join(Unit, Unit.id == Supervision.board_unit_id)
        .where(Supervision.started_on.between(window.start, window.end))
    )


def _recommendations(window: Window) -> Select[tuple[object, ...]]:
    end = window.end
    at_end = entry_at_end(end, Case.last_effective_on > end, window.dialect)
    return (
        select(
            # A recommendation is received, when issued, by the board that issued it.
            Case.id.label("record_id"), Case.received_unit_id.label("unit_id"),
            case((at_end.found, at_end.to_state), else_=Case.state).label("state_at_end"),
            # The answer standing at the end: the entry in force then when it is the answer itself,
            # else the case's last answer (nothing leaves `accepted`, so that answer is the same).
            case((and_(at_end.found, at_end.to_state == "answered"), at_end.effective_on), else_=Case.decided_on)
            .label("answered_on"),
            case((at_end.found, at_end.due_on), else_=Case.due_on).label("due_at_end"),
            Unit.kind.label("board_kind"),
        )
        .select_from(Case)
        .join(Unit, Unit.id == Case.received_unit_id)
        .outerjoin(at_end.target, at_end.onclause)
        .where(in_province(), Case.kind == "supervision_recommendation", Case.received_on.between(window.start, end))
    )


SUPERVISIONS = Source("supervisions", "supervision", _supervisions)
RECOMMENDATIONS = Source("supervision_recommendations", "case", _recommendations)

_BOARD = Text("Ban giám sát (Ủy ban MTTQ, Ban thanh tra nhân dân, Ban giám sát đầu tư của cộng đồng) thực hiện giám sát",
              "the board (Fatherland Front committee, People's Inspection Board, community investment supervision "
              "board) that held the supervision")
_ISSUED = Text("ngày ban hành kiến nghị", "the date the recommendation was issued")


def _answered(f, w):  # type: ignore[no-untyped-def]
    return f.state_at_end.in_(ANSWERED_STATES)


FIGURES: tuple[Figure, ...] = (
    Figure(
        "supervisions", "sessions", Text("Số cuộc giám sát", "Supervisions"),
        Definition(counts=Text("cuộc giám sát bắt đầu trong kỳ", "supervisions started in the period"),
                   date=Text("ngày bắt đầu giám sát", "the date the supervision started"), unit=_BOARD),
        source=SUPERVISIONS, where=lambda f, w: true(),
    ),
    Figure(
        "supervisions", "recommendations", Text("Số kiến nghị", "Recommendations"),
        Definition(counts=Text("kiến nghị sau giám sát ban hành trong kỳ", "recommendations issued in the period"),
                   date=_ISSUED, unit=_BOARD),
        source=RECOMMENDATIONS, where=lambda f, w: true(),
    ),
    Figure(
        "supervisions", "answered", Text("Số kiến nghị đã được trả lời", "Answered"),
        Definition(
            counts=Text("trong số kiến nghị đó, kiến nghị đã được trả lời vào ngày cuối kỳ (đã trả lời hoặc Ban đã chấp nhận)",
                        "of those recommendations, the ones answered on the last day of the period (answered, or the "
                        "answer accepted by the board)"),
            date=Text("ngày ban hành kiến nghị; tình trạng đọc vào ngày cuối kỳ", "the issue date; the state on the last day"),
            unit=_BOARD,
            notes=(Text("kiến nghị bị Ban trả lại mà đến cuối kỳ chưa trả lời lại thì không được tính; trả lời sau kỳ không "
                        "được tính", "a recommendation the board returned and not answered again by the end does not "
                        "count; an answer after the period does not count"),),
        ),
        source=RECOMMENDATIONS, where=_answered,
    ),
    Figure(
        "supervisions", "answered_on_time", Text("Số kiến nghị trả lời đúng hạn", "Answered on time"),
        Definition(
            counts=Text("trong số kiến nghị đã được trả lời, kiến nghị có câu trả lời đúng hạn", "of the answered "
                        "recommendations, those answered on time"),
            date=Text("ngày ban hành kiến nghị; tình trạng đọc vào ngày cuối kỳ", "the issue date; the state on the last day"),
            unit=_BOARD,
            on_time=Text("câu trả lời đang có hiệu lực cuối kỳ được đưa ra không muộn hơn hạn trả lời đang áp dụng lúc đó; "
                         "kiến nghị bị trả lại được xét theo hạn mới Ban đặt khi trả lại",
                         "the answer standing at the end was given on or before the due date in force when it was given; a "
                         "returned recommendation is judged against the new due date the board set when returning it"),
        ),
        source=RECOMMENDATIONS, where=lambda f, w: and_(_answered(f, w), f.answered_on <= f.due_at_end),
    ),
    Figure(
        "supervisions", "answer_rate", Text("Tỷ lệ kiến nghị được trả lời", "Answer rate"),
        Definition(counts=Text("số kiến nghị đã được trả lời (answered)", "answered recommendations"),
                   denominator=Text("số kiến nghị ban hành trong kỳ (recommendations); để trống khi bằng 0",
                                    "recommendations issued in the period; empty (null) when 0"),
                   date=_ISSUED, unit=_BOARD),
        kind=Kind.SHARE, numerator="answered", denominator="recommendations",
    ),
)


# -- by kind of board -----------------------------------------------------------------------------
# The same counts for each kind of board, so a report can say, as Hòa Thành's did, how many of
# the supervisions its People's Inspection Boards and its investment supervision boards held.

BOARD_KIND_NAMES: dict[str, Text] = {
    "front_committee": Text("Ủy ban MTTQ", "Fatherland Front committees"),
    "inspection_board": Text("Ban thanh tra nhân dân", "People's Inspection Boards"),
    "investment_board": Text("Ban giám sát đầu tư của cộng đồng", "community investment supervision boards"),
}


Condition = Callable[[Facts, Window], ColumnElement[bool]]


def _of_kind(kind: str, condition: Condition | None = None) -> Condition:
    """`condition` (every row when None) for the boards of one kind only."""
    if condition is None:
        return lambda f, w: f.board_kind == kind
    return lambda f, w: and_(f.board_kind == kind, condition(f, w))


def _kind_figures(key: str, label: Text, counts: Text, date: Text, source: Source,
                  condition: Condition | None = None) -> tuple[Figure, ...]:
    """One count figure per kind of board, `<key>_<kind>`, each counting that kind's share of `key`."""
    figures = []
    for kind in BOARD_KINDS:
        name = BOARD_KIND_NAMES[kind]
        figures.append(Figure(
            "supervisions", f"{key}_{kind}", Text(f"{label.vi}: {name.vi}", f"{label.en}: {name.en}"),
            Definition(counts=Text(f"{counts.vi}, do {name.vi} thực hiện", f"{counts.en}, by {name.en}"), date=date,
                       unit=_BOARD),
            source=source, where=_of_kind(kind, condition),
        ))
    return tuple(figures)


FIGURES += (
    _kind_figures("sessions", Text("Số cuộc giám sát", "Supervisions"),
                  Text("cuộc giám sát bắt đầu trong kỳ", "supervisions started in the period"),
                  Text("ngày bắt đầu giám sát", "the date the supervision started"), SUPERVISIONS)
    + _kind_figures("recommendations", Text("Số kiến nghị", "Recommendations"),
                    Text("kiến nghị sau giám sát ban hành trong kỳ", "recommendations issued in the period"), _ISSUED,
                    RECOMMENDATIONS)
    + _kind_figures("answered", Text("Số kiến nghị đã được trả lời", "Answered"),
                    Text("kiến nghị ban hành trong kỳ đã được trả lời vào ngày cuối kỳ",
                         "recommendations issued in the period and answered on its last day"),
                    Text("ngày ban hành kiến nghị; tình trạng đọc vào ngày cuối kỳ", "the issue date; the state on the last day"),
                    RECOMMENDATIONS, _answered)
)
