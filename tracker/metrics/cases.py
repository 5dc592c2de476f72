"""Petition figures (DOMAIN.md §7, group `cases`): complaints, denunciations, recommendations,
feedback and voters' opinions.

`received` belongs to the receiving unit; every other figure to the unit resolving the case at
the end of the period. A petition's workflow only moves forward (received, accepted, verifying
or suspended, resolved, then a final state; nothing leaves a final state), so its dates of
acceptance, decision and reaching a final state say most of what held at the end of a period.
What they cannot say, whether it was suspended, its due date and its unit then, is read from
the history entry in force at the end, for the cases still undecided then that changed after.
"""
from __future__ import annotations

from sqlalchemy import Select, and_, case, func, or_, select, true

from tracker.metrics.figures import Definition, Figure, Kind, Source, Text, Window
from tracker.metrics.scope import in_province
from tracker.metrics.sql import days_between, entry_at_end, resolving_unit_id
from tracker.models import Case
from workflows import definitions

KINDS = ("complaint", "denunciation", "recommendation", "feedback", "voter_opinion")
_WORKFLOW = definitions.latest("complaint")  # every petition kind shares these states
FINAL_STATES = tuple(sorted(_WORKFLOW.final_states))
RUNNING_STATES = tuple(sorted(_WORKFLOW.running_states))


def _received(window: Window) -> Select[tuple[object, ...]]:
    return select(Case.id.label("record_id"), Case.received_unit_id.label("unit_id"), Case.kind).where(
        in_province(), Case.kind.in_(KINDS), Case.received_on.between(window.start, window.end)
    )


def _petitions(window: Window) -> Select[tuple[object, ...]]:
    start, end = window.start, window.end
    not_final_at_end = or_(Case.final_on.is_(None), Case.final_on > end)
    undecided_at_end = or_(Case.decided_on.is_(None), Case.decided_on > end)
    # The day a case stopped needing a resolution: its decision, else its withdrawal.
    settled_on = func.coalesce(Case.decided_on, Case.final_on)
    carried_over = and_(Case.accepted_on < start, or_(settled_on.is_(None), settled_on >= start))
    # Only a case undecided at the end that changed after it needs its history read.
    at_end = entry_at_end(end, and_(Case.last_effective_on > end, not_final_at_end, undecided_at_end), window.dialect)
    current_unit = resolving_unit_id()
    decided_not_final = and_(Case.decided_on <= end, not_final_at_end)
    return (
        select(
            Case.id.label("record_id"),
            case((at_end.found, func.coalesce(at_end.unit_id, current_unit)), else_=current_unit).label("unit_id"),
            Case.kind, Case.round, Case.received_on, Case.accepted_on, Case.decided_on, Case.final_on, Case.due_on,
            # Decided by the end but not final then: it was `resolved`, whatever came after.
            case((at_end.found, at_end.to_state), (decided_not_final, "resolved"), else_=Case.state).label("state_at_end"),
            case((at_end.found, at_end.due_on), else_=Case.due_on).label("due_at_end"),
        )
        .select_from(Case)
        .outerjoin(at_end.target, at_end.onclause)
        .where(
            # The province's cases not finished before the period, read from (province_id, final_on).
            in_province(Case.final_on.is_(None), Case.final_on >= start),
            Case.kind.in_(KINDS),
            Case.received_on <= end,
            # Implied by each branch below; lets the database skip cases finished before the period.
            or_(Case.final_on.is_(None), Case.final_on >= start),
            or_(
                Case.accepted_on.between(start, end), Case.decided_on.between(start, end), carried_over, not_final_at_end,
                and_(Case.round >= 2, Case.received_on >= start),
            ),
        )
    )


RECEIVED = Source("petitions_received", "case", _received)
PETITIONS = Source("petitions", "case", _petitions)

_RESOLVING_UNIT = Text(
    "đơn vị giải quyết hồ sơ vào ngày cuối kỳ (đơn vị được giao, nếu không có thì đơn vị tiếp nhận); hồ sơ chuyển đi "
    "sau kỳ vẫn tính cho đơn vị giữ hồ sơ vào cuối kỳ",
    "the unit resolving the case on the last day of the period (the assigned unit, else the receiving unit); a case "
    "forwarded after the period still counts where it was at the end",
)
_KINDS_NOTE = Text(
    "đơn thư gồm khiếu nại, tố cáo, kiến nghị, phản ánh và ý kiến, kiến nghị cử tri",
    "petitions are complaints, denunciations, recommendations, feedback and voters' opinions",
)


def _resolved(f, w):  # type: ignore[no-untyped-def]
    return f.decided_on.between(w.start, w.end)


def _to_resolve(f, w):  # type: ignore[no-untyped-def]
    settled_on = func.coalesce(f.decided_on, f.final_on)
    return and_(f.accepted_on <= w.end, or_(f.accepted_on >= w.start, settled_on.is_(None), settled_on >= w.start))


FIGURES: tuple[Figure, ...] = (
    Figure(
        "cases", "received", Text("Số đơn tiếp nhận", "Received"),
        Definition(
            counts=Text("đơn thư tiếp nhận trong kỳ, kể cả đơn khiếu nại lần hai", "petitions received in the period, "
                        "second-round complaints included"),
            date=Text("ngày tiếp nhận đơn", "the date the petition was received"),
            unit=Text("đơn vị tiếp nhận; đơn được chuyển đến đơn vị khác vẫn chỉ tính một lần, tại nơi tiếp nhận",
                      "the receiving unit; a petition forwarded to another unit still counts once, where it was received"),
            notes=(_KINDS_NOTE,),
        ),
        source=RECEIVED, where=lambda f, w: true(),
    ),
    Figure(
        "cases", "accepted", Text("Số vụ việc thụ lý", "Accepted"),
        Definition(
            counts=Text("đơn thư được thụ lý giải quyết trong kỳ (ý kiến cử tri: ngày tiếp nhận là ngày thụ lý)",
                        "petitions accepted for resolution in the period (a voters' opinion is accepted when received)"),
            date=Text("ngày quyết định thụ lý có hiệu lực", "the date the acceptance took effect"),
            unit=_RESOLVING_UNIT,
        ),
        source=PETITIONS, where=lambda f, w: f.accepted_on.between(w.start, w.end),
    ),
    Figure(
        "cases", "resolved", Text("Số vụ việc đã giải quyết", "Resolved"),
        Definition(
            counts=Text("đơn thư có quyết định (kết luận) giải quyết có hiệu lực trong kỳ",
                        "petitions whose decision took effect in the period"),
            date=Text("ngày quyết định giải quyết có hiệu lực", "the date the decision took effect"),
            unit=_RESOLVING_UNIT,
        ),
        source=PETITIONS, where=_resolved,
    ),
    Figure(
        "cases", "resolved_on_time", Text("Số vụ việc giải quyết đúng hạn", "Resolved on time"),
        Definition(
            counts=Text("trong số đã giải quyết trong kỳ, vụ việc có quyết định trong hạn", "of the petitions resolved in the "
                        "period, those decided on time"),
            date=Text("ngày quyết định giải quyết có hiệu lực", "the date the decision took effect"),
            unit=_RESOLVING_UNIT,
            on_time=Text("ngày quyết định không muộn hơn hạn giải quyết đang áp dụng vào ngày đó, kể cả gia hạn đã có",
                         "decided on or before the due date in force that day, extensions made by then included"),
        ),
        source=PETITIONS, where=lambda f, w: and_(_resolved(f, w), or_(f.due_on.is_(None), f.decided_on <= f.due_on)),
    ),
    Figure(
        "cases", "to_resolve", Text("Số vụ việc phải giải quyết", "To be resolved"),
        Definition(
            counts=Text("vụ việc thụ lý trong kỳ, cộng vụ việc thụ lý từ trước mà đến đầu kỳ chưa có quyết định giải quyết "
                        "và chưa rút (kỳ trước chuyển sang)",
                        "petitions accepted in the period, plus those accepted earlier that had neither a decision nor a "
                        "withdrawal when the period began (carried over)"),
            date=Text("ngày thụ lý; với vụ việc kỳ trước chuyển sang: ngày quyết định hoặc ngày rút đơn, nếu có, từ ngày đầu "
                      "kỳ trở đi", "the acceptance date; for cases carried over, a decision or withdrawal on or after the "
                      "first day, if any"),
            unit=_RESOLVING_UNIT,
        ),
        source=PETITIONS, where=_to_resolve,
    ),
    Figure(
        "cases", "resolution_rate", Text("Tỷ lệ giải quyết", "Resolution rate"),
        Definition(
            counts=Text("số vụ việc đã giải quyết trong kỳ (resolved)", "petitions resolved in the period (resolved)"),
            denominator=Text("số vụ việc phải giải quyết (to_resolve); để trống khi bằng 0",
                             "petitions to be resolved (to_resolve); empty (null) when 0"),
            date=Text("như hai chỉ số trên", "as for the two figures it divides"),
            unit=_RESOLVING_UNIT,
        ),
        kind=Kind.SHARE, numerator="resolved", denominator="to_resolve",
    ),
    Figure(
        "cases", "on_time_rate", Text("Tỷ lệ giải quyết đúng hạn", "On-time rate"),
        Definition(
            counts=Text("số vụ việc giải quyết đúng hạn (resolved_on_time)", "petitions resolved on time (resolved_on_time)"),
            denominator=Text("số vụ việc đã giải quyết trong kỳ (resolved); để trống khi bằng 0",
                             "petitions resolved in the period (resolved); empty (null) when 0"),
            date=Text("ngày quyết định giải quyết có hiệu lực", "the date the decision took effect"),
            unit=_RESOLVING_UNIT,
        ),
        kind=Kind.SHARE, numerator="resolved_on_time", denominator="resolved",
    ),
    Figure(
        "cases", "open", Text("Số hồ sơ chưa kết thúc cuối kỳ", "Open at the end"),
        Definition(
            counts=Text("đơn thư đã tiếp nhận mà vào ngày cuối kỳ chưa ở trạng thái kết thúc: đang xử lý, đang giải quyết, "
                        "tạm đình chỉ, hoặc đã có quyết định nhưng quyết định chưa có hiệu lực pháp luật (trạng thái kết thúc: "
                        "đã kết thúc, đã khiếu nại lần hai, đã rút, đã hướng dẫn, đã lưu đơn)",
                        "petitions received by the last day of the period and not in a final state that day: being "
                        "processed or resolved, suspended, or decided with the decision not yet final (final states: "
                        "closed, escalated to a second round, withdrawn, guided elsewhere, filed away)"),
            date=Text("tình trạng vào ngày cuối kỳ, đọc từ lịch sử hồ sơ: việc xảy ra sau kỳ (giải quyết, rút đơn...) không "
                      "làm thay đổi số này", "the state on the last day, read from the case history: what happened "
                      "after the period (a decision, a withdrawal...) does not change it"),
            unit=_RESOLVING_UNIT,
        ),
        source=PETITIONS, where=lambda f, w: f.state_at_end.not_in(FINAL_STATES),
    ),
    Figure(
        "cases", "overdue_open", Text("Số hồ sơ quá hạn cuối kỳ", "Overdue at the end"),
        Definition(
            counts=Text("trong số chưa kết thúc cuối kỳ, hồ sơ đang tính hạn (đang xử lý, đã thụ lý, đang xác minh; không "
                        "tính hồ sơ tạm đình chỉ hay đã có quyết định) mà ngày cuối kỳ đã qua hạn",
                        "of those open at the end, cases with the clock running (received, accepted, verifying; not "
                        "suspended, not decided) whose due date had passed by the last day"),
            date=Text("tình trạng và hạn vào ngày cuối kỳ, đọc từ lịch sử hồ sơ", "state and due date on the last day, read "
                      "from the case history"),
            unit=_RESOLVING_UNIT,
            on_time=Text("quá hạn khi ngày cuối kỳ sau hạn đang áp dụng vào ngày đó; gia hạn sau kỳ không được tính",
                         "overdue when the last day is after the due date in force that day; an extension granted after "
                         "the period does not count"),
        ),
        source=PETITIONS, where=lambda f, w: and_(f.state_at_end.in_(RUNNING_STATES), f.due_at_end < w.end),
    ),
    Figure(
        "cases", "median_days_to_resolve", Text("Số ngày giải quyết (trung vị)", "Median days to resolve"),
        Definition(
            counts=Text("trung vị số ngày lịch từ ngày tiếp nhận đến ngày quyết định, trên các vụ việc đã giải quyết trong kỳ "
                        "(số chẵn vụ việc: trung bình hai giá trị giữa); để trống khi không có vụ việc nào",
                        "the median of calendar days from receipt to decision, over the petitions resolved in the period "
                        "(an even number: the mean of the two middle values); empty (null) when none"),
            date=Text("ngày quyết định giải quyết có hiệu lực", "the date the decision took effect"),
            unit=_RESOLVING_UNIT,
        ),
        kind=Kind.MEDIAN, source=PETITIONS, where=_resolved, value=lambda f: days_between(f.received_on, f.decided_on),
    ),
    Figure(
        "cases", "recomplaints", Text("Số khiếu nại lần hai", "Second-round complaints"),
        Definition(
            counts=Text("khiếu nại lần hai tiếp nhận trong kỳ (mở khi người khiếu nại không đồng ý quyết định lần đầu)",
                        "second-round complaints received in the period (opened when the complainant challenged the first "
                        "decision)"),
            date=Text("ngày tiếp nhận khiếu nại lần hai", "the date the second complaint was received"),
            unit=_RESOLVING_UNIT,
        ),
        source=PETITIONS,
        where=lambda f, w: and_(f.kind == "complaint", f.round >= 2, f.received_on.between(w.start, w.end)),
    ),
)
