"""Dialogue figures (DOMAIN.md §7, group `dialogues`): sessions and the opinions raised at them,
and the yearly dialogue plans. A session and its opinions belong to the host unit, a plan to
its unit."""
from __future__ import annotations

from sqlalchemy import Select, and_, case, exists, select, true
from sqlalchemy.orm import aliased

from tracker.metrics.figures import Definition, Figure, Kind, Source, Text, Window
from tracker.metrics.scope import in_province
from tracker.metrics.sql import entry_at_end
from tracker.models import Case, Dialogue, DialoguePlan, HistoryEntry

RESOLVED_STATES = ("resolved", "closed")


def _sessions(window: Window) -> Select[tuple[object, ...]]:
    return select(Dialogue.id.label("record_id"), Dialogue.host_unit_id.label("unit_id")).where(
        Dialogue.held_on.between(window.start, window.end)
    )


def _opinions(window: Window) -> Select[tuple[object, ...]]:
    end = window.end
    reopen = aliased(HistoryEntry, name="h_reopen")
    reopened_by_end = exists().where(reopen.case_id == Case.id, reopen.trigger == "reopen", reopen.effective_on <= end)
    at_end = entry_at_end(end, Case.last_effective_on > end, window.dialect)
    # An opinion is received by its session's host on the day of the session (record_opinion),
    # so its own columns say which session period and host unit it belongs to.
    return (
        select(
            Case.id.label("record_id"), Case.received_unit_id.label("unit_id"), Case.settled_on_spot,
            # reopened_count is cheap and 0 for most opinions; the history says whether it was by the end.
            case((Case.reopened_count == 0, 0), (Case.last_effective_on <= end, 1), (reopened_by_end, 1), else_=0)
            .label("reopened_by_end"),
            case((at_end.found, at_end.to_state), else_=Case.state).label("state_at_end"),
        )
        .select_from(Case)
        .outerjoin(at_end.target, at_end.onclause)
        .where(in_province(), Case.kind == "dialogue_opinion", Case.received_on.between(window.start, end))
    )


def _plans(window: Window) -> Select[tuple[object, ...]]:
    return select(DialoguePlan.id.label("record_id"), DialoguePlan.unit_id.label("unit_id")).where(
        DialoguePlan.year.between(window.first_year, window.last_year)
    )


SESSIONS = Source("dialogue_sessions", "dialogue", _sessions)
OPINIONS = Source("dialogue_opinions", "case", _opinions)
PLANS = Source("dialogue_plans", "plan", _plans)

_HOST = Text("đơn vị chủ trì buổi đối thoại", "the unit hosting the session")
_HELD = Text("ngày tổ chức buổi đối thoại", "the date the session was held")

FIGURES: tuple[Figure, ...] = (
    Figure(
        "dialogues", "sessions", Text("Số buổi đối thoại", "Sessions"),
        Definition(counts=Text("buổi đối thoại trực tiếp tổ chức trong kỳ", "dialogue sessions held in the period"),
                   date=_HELD, unit=_HOST),
        source=SESSIONS, where=lambda f, w: true(),
    ),
    Figure(
        "dialogues", "opinions", Text("Số ý kiến", "Opinions"),
        Definition(counts=Text("ý kiến, kiến nghị nêu tại các buổi đối thoại tổ chức trong kỳ",
                               "opinions raised at the sessions held in the period"), date=_HELD, unit=_HOST),
        source=OPINIONS, where=lambda f, w: true(),
    ),
    Figure(
        "dialogues", "settled_on_spot", Text("Số ý kiến giải quyết tại chỗ", "Settled on the spot"),
        Definition(
            counts=Text("trong số ý kiến đó, ý kiến được trả lời, giải quyết ngay tại buổi đối thoại",
                        "of those opinions, the ones answered at the session itself"),
            date=_HELD, unit=_HOST,
            notes=(Text("ý kiến bị yêu cầu xử lý lại sau đó vẫn được tính là giải quyết tại chỗ, và được đếm thêm ở "
                        "'reopened'", "an opinion reopened later still counts as settled on the spot, and counts in "
                        "'reopened' as well"),),
        ),
        source=OPINIONS, where=lambda f, w: f.settled_on_spot,
    ),
    Figure(
        "dialogues", "settled_on_spot_share", Text("Tỷ lệ giải quyết tại chỗ", "Share settled on the spot"),
        Definition(counts=Text("số ý kiến giải quyết tại chỗ (settled_on_spot)", "opinions settled on the spot"),
                   denominator=Text("số ý kiến (opinions); để trống khi bằng 0", "opinions; empty (null) when 0"),
                   date=_HELD, unit=_HOST),
        kind=Kind.SHARE, numerator="settled_on_spot", denominator="opinions",
    ),
    Figure(
        "dialogues", "assigned", Text("Số ý kiến giao xử lý", "Assigned"),
        Definition(counts=Text("trong số ý kiến đó, ý kiến được kết luận giao cho đơn vị xử lý, có hạn",
                               "of those opinions, the ones the chair concluded with an assignment to a unit and a due date"),
                   date=_HELD, unit=_HOST),
        source=OPINIONS, where=lambda f, w: ~f.settled_on_spot,
    ),
    Figure(
        "dialogues", "assigned_resolved", Text("Số ý kiến giao xử lý đã giải quyết", "Assigned and resolved"),
        Definition(
            counts=Text("trong số ý kiến giao xử lý, ý kiến đã được trả lời, giải quyết vào ngày cuối kỳ",
                        "of the assigned opinions, those answered (resolved or closed) on the last day of the period"),
            date=Text("ngày tổ chức buổi đối thoại; tình trạng đọc vào ngày cuối kỳ", "the date of the session; the state "
                      "on the last day of the period"),
            unit=_HOST,
            notes=(Text("trả lời sau kỳ không được tính; ý kiến bị yêu cầu xử lý lại trước cuối kỳ mà chưa trả lời lại thì "
                        "không được tính; yêu cầu xử lý lại sau kỳ không làm mất việc đã giải quyết trong kỳ",
                        "an answer after the period does not count; an opinion reopened before the end and not answered "
                        "again does not count; a reopening after the period does not undo that it was resolved by then"),),
        ),
        source=OPINIONS, where=lambda f, w: and_(~f.settled_on_spot, f.state_at_end.in_(RESOLVED_STATES)),
    ),
    Figure(
        "dialogues", "reopened", Text("Số ý kiến phải xử lý lại", "Reopened"),
        Definition(
            counts=Text("trong số ý kiến nêu tại các buổi đối thoại trong kỳ, ý kiến bị Ban giám sát hoặc lãnh đạo yêu cầu "
                        "xử lý lại ít nhất một lần đến ngày cuối kỳ",
                        "of the opinions raised at the sessions held in the period, those a board or a leader reopened at "
                        "least once by the last day of the period"),
            date=Text("ngày tổ chức buổi đối thoại; lần yêu cầu xử lý lại có hiệu lực đến ngày cuối kỳ",
                      "the date of the session; a reopening effective by the last day"),
            unit=_HOST,
        ),
        source=OPINIONS, where=lambda f, w: f.reopened_by_end == 1,
    ),
    Figure(
        "dialogues", "plans", Text("Số kế hoạch đối thoại", "Plans"),
        Definition(counts=Text("kế hoạch đối thoại hằng năm của năm có ngày thuộc kỳ", "yearly dialogue plans for a year "
                               "that overlaps the period"),
                   date=Text("năm của kế hoạch", "the plan's year"), unit=Text("đơn vị lập kế hoạch", "the plan's unit")),
        source=PLANS, where=lambda f, w: true(),
    ),
    Figure(
        "dialogues", "units_with_plan", Text("Số đơn vị có kế hoạch", "Units with a plan"),
        Definition(counts=Text("số đơn vị khác nhau có kế hoạch đối thoại như trên", "distinct units with such a plan"),
                   date=Text("năm của kế hoạch", "the plan's year"), unit=Text("đơn vị lập kế hoạch", "the plan's unit")),
        source=PLANS, where=lambda f, w: true(), distinct="unit_id",
    ),
    Figure(
        "dialogues", "units_with_session", Text("Số đơn vị đã tổ chức đối thoại", "Units with a session"),
        Definition(counts=Text("số đơn vị khác nhau chủ trì ít nhất một buổi đối thoại trong kỳ",
                               "distinct host units with at least one session in the period"), date=_HELD, unit=_HOST),
        source=SESSIONS, where=lambda f, w: true(), distinct="unit_id",
    ),
)
