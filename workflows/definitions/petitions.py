"""Petitions: complaints, denunciations, recommendations, feedback and voters' opinions.

The procedure (DOMAIN.md §3, §4): reception processes a petition within the processing
period (TCD Art. 28) by accepting it for resolution, forwarding it to the competent unit,
guiding the citizen elsewhere or filing it away; the resolving unit verifies, may extend
or suspend within the law, and resolves with a decision; a complainant may take a
first decision to the next level (KN Art. 33).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from workflows.definitions.base import (
    Clock,
    DueRule,
    Effect,
    Field,
    FieldType,
    Flags,
    Role,
    Scope,
    State,
    Trigger,
    UnitTarget,
    Workflow,
)

R, A, L, SYS = Role.RECEPTION, Role.AGENCY, Role.LEADER, Role.SYSTEM

STATES = (
    State("received", "Đã tiếp nhận", "Received"),
    State("accepted", "Đã thụ lý", "Accepted"),
    State("verifying", "Đang xác minh", "Verifying"),
    State("suspended", "Tạm đình chỉ", "Suspended", Clock.PAUSED),
    State("resolved", "Đã giải quyết", "Resolved", Clock.STOPPED),
    State("closed", "Đã kết thúc", "Closed", Clock.STOPPED, final=True),
    State("escalated", "Đã khiếu nại lần hai", "Escalated", Clock.STOPPED, final=True),
    State("withdrawn", "Đã rút đơn", "Withdrawn", Clock.STOPPED, final=True),
    State("guided", "Đã hướng dẫn", "Guided", Clock.STOPPED, final=True),
    State("filed", "Đã lưu đơn", "Filed", Clock.STOPPED, final=True),
)
OPEN = ("received", "accepted", "verifying", "suspended")
UNDECIDED = ("accepted", "verifying", "suspended")

FILE_REASONS = ("duplicate", "anonymous", "ineligible", "time_barred", "already_final")
OUTCOMES = ("upheld", "partly_upheld", "rejected")

REASON = Field("reason", FieldType.TEXT, label="Lý do / Reason")
DELIVERED_ON = Field("delivered_on", FieldType.DATE, label="Ngày người khiếu nại nhận quyết định / Day the decision was received")
DELIVERED_ON_OPTIONAL = Field("delivered_on", FieldType.DATE, required=False, label=DELIVERED_ON.label)
NOTE = Field("note", FieldType.TEXT, label="Ghi chú / Note")

# Decision data the official result forms (01/KQGQ, 03/KQGQ) count, DOMAIN.md §8.
DECISION_FIELDS = (
    Field("outcome", FieldType.CHOICE, choices=OUTCOMES, label="Kết quả / Outcome"),
    Field("decision_no", FieldType.TEXT, max_length=100, label="Số quyết định / Decision number"),
    Field("summary", FieldType.TEXT, label="Tóm tắt / Summary"),
    Field("recovered_money_vnd", FieldType.AMOUNT, required=False),
    Field("recovered_land_m2", FieldType.AMOUNT, required=False),
    Field("returned_money_vnd", FieldType.AMOUNT, required=False),
    Field("returned_land_m2", FieldType.AMOUNT, required=False),
    Field("returned_to", FieldType.CHOICE, required=False, choices=("organisation", "individual"),
          label="Trả lại cho tổ chức hay cá nhân / Returned to an organisation or an individual"),
    Field("people_disciplined", FieldType.COUNT, required=False),
    Field("organisations_disciplined", FieldType.COUNT, required=False,
          label="Số tổ chức bị kiến nghị xử lý / Organisations recommended for sanctions"),
    Field("civil_servants_disciplined", FieldType.COUNT, required=False,
          label="Trong đó cán bộ, công chức, viên chức / Of whom civil servants"),
    Field("referred_for_investigation", FieldType.COUNT, required=False,
          label="Số người chuyển cơ quan điều tra / People referred for investigation"),
    Field("civil_servants_referred", FieldType.COUNT, required=False,
          label="Trong đó cán bộ, công chức, viên chức / Of whom civil servants"),
)


def _civil_servants_among_people(data: Mapping[str, object]) -> dict[str, str]:
    # The "of whom civil servants" columns of 01/KQGQ and 03/KQGQ are part of the people counted.
    def count(name: str) -> int:
        value = data.get(name)
        return value if isinstance(value, int) else 0

    errors = {}
    for part, whole in (("civil_servants_disciplined", "people_disciplined"), ("civil_servants_referred", "referred_for_investigation")):
        if count(part) > count(whole):
            errors[part] = f"Không lớn hơn {whole} / at most {whole}"
    return errors

PETITIONER_INTAKE = (
    Field("multi_place", FieldType.BOOL, required=False, label="Phải xác minh nhiều nơi / Checked in several places"),
)


def _flag_needs_reason(data: Mapping[str, object]) -> dict[str, str]:
    # "Complex" and "remote area" choose the longer period, so they are recorded with a reason.
    if (data.get("complex") or data.get("remote")) and not data.get("reason"):
        return {"reason": "Cần nêu lý do khi đánh dấu phức tạp hoặc vùng sâu, vùng xa / a reason is required with complex or remote"}
    return {}


def _processing_triggers() -> tuple[Trigger, ...]:
    desk = {R: Scope.AREA, L: Scope.AREA}
    return (
        Trigger(
            "accept", ("received",), "accepted", desk, "Thụ lý", "Accept",
            fields=(
                Field("unit", FieldType.UNIT, required=False, label="Đơn vị giải quyết / Resolving unit"),
                Field("complex", FieldType.BOOL, required=False, label="Vụ việc phức tạp / Complex"),
                Field("remote", FieldType.BOOL, required=False, label="Vùng sâu, vùng xa / Remote area"),
                Field("reason", FieldType.TEXT, required=False, label="Lý do / Reason"),
            ),
            due=DueRule.RESOLUTION, source="KN Art. 27; TC Art. 29", checks=(_flag_needs_reason,),
            effects=frozenset({Effect.ACCEPT, Effect.ASSIGN, Effect.FIND_COMPLEX}), unit_target=UnitTarget.AT_OR_BELOW,
        ),
        Trigger(
            "forward", ("received",), None, desk, "Chuyển đơn", "Forward",
            fields=(Field("unit", FieldType.UNIT, label="Đơn vị có thẩm quyền / Competent unit"),),
            due=DueRule.PROCESSING, source="TCD Art. 28: the processing period restarts at the competent unit",
            effects=frozenset({Effect.ASSIGN}), unit_target=UnitTarget.ELSEWHERE,
        ),
        Trigger(
            "guide", ("received",), "guided", desk, "Hướng dẫn", "Guide",
            fields=(Field("to", FieldType.TEXT, max_length=500, label="Cơ quan có thẩm quyền / Competent body"),),
            source="TCD Art. 28",
        ),
        Trigger(
            "file", ("received",), "filed", desk, "Lưu đơn", "File away",
            fields=(Field("reason", FieldType.CHOICE, choices=FILE_REASONS, label="Lý do / Reason"),),
            source="TC Art. 25 (anonymous); KN Art. 11 (ineligible)",
        ),
    )


# Law 136/2025/QH15 and ND 155/2026/NĐ-CP: in the second round a dialogue is mandatory, notified in
# writing at least 5 days before and recorded in minutes, for complaints accepted from this day.
SECOND_ROUND_DIALOGUE_FROM = dt.date(2026, 7, 1)
DIALOGUE_NOTICE_DAYS = 5
# ND 155/2026/NĐ-CP (KN Art. 11a as amended): a suspension decision is sent within 3 working days.
SUSPENSION_SEND_WORKING_DAYS = 3


def dialogue_required(kind: str, round_: int, accepted_on: dt.date | None) -> bool:
    """A second-round complaint accepted on or after 2026-07-01 is resolved only after a dialogue."""
    return kind == "complaint" and round_ >= 2 and accepted_on is not None and accepted_on >= SECOND_ROUND_DIALOGUE_FROM


def _dialogue_notified_ahead(data: Mapping[str, object]) -> dict[str, str]:
    # The dialogue is notified in writing at least 5 days before it is held (ND 155/2026).
    held, notified = data.get("held_on"), data.get("notified_on")
    if isinstance(held, dt.date) and isinstance(notified, dt.date) and (held - notified).days < DIALOGUE_NOTICE_DAYS:
        return {"notified_on": f"Phải thông báo trước ít nhất {DIALOGUE_NOTICE_DAYS} ngày / must be at least "
                               f"{DIALOGUE_NOTICE_DAYS} days before held_on"}
    return {}


RECORD_DIALOGUE_FIELDS = (
    Field("held_on", FieldType.DATE, label="Ngày đối thoại / Held on"),
    Field("notified_on", FieldType.DATE, label="Ngày thông báo đối thoại / Notified on"),
    Field("complainant_present", FieldType.BOOL, label="Người khiếu nại có mặt / Complainant present"),
    Field("absence_reason", FieldType.TEXT, required=False, max_length=1000,
          label="Lý do vắng mặt (nếu có) / Reason for the absence, if any"),
    Field("content", FieldType.TEXT, required=False, label="Nội dung đối thoại / What was discussed"),
    Field("result", FieldType.TEXT, required=False, label="Kết quả: điểm thống nhất, điểm còn ý kiến khác / Agreed and disputed points"),
)


def _resolution_triggers(kind: str) -> tuple[Trigger, ...]:
    resolver = {A: Scope.ASSIGNED, L: Scope.AREA}
    decision_fields: tuple[Field, ...] = DECISION_FIELDS
    if kind == "complaint":
        decision_fields += (DELIVERED_ON_OPTIONAL,)
    withdraw_fields: tuple[Field, ...] = (Field("note", FieldType.TEXT, label="Đơn xin rút / The citizen's written request"),)
    if kind == "denunciation":
        withdraw_fields += (Field("continue", FieldType.BOOL, required=False,
                                  label="Vẫn tiếp tục giải quyết (có dấu hiệu vi phạm, bị ép buộc) / Resolution continues"),)
    if kind == "complaint":
        # Only all co-complainants withdrawing terminates the case (Law 136/2025; DOMAIN.md §3).
        withdraw_fields += (
            Field("petitioner", FieldType.COUNT, required=False,
                  label="Người khiếu nại rút đơn: số thứ tự trong danh sách (nếu nhiều người cùng khiếu nại) / "
                        "The co-complainant who withdraws: their number in the list, 1 for the first"),
            Field("petitioners_remaining", FieldType.COUNT, required=False, system=True),
        )
    triggers = [
        Trigger("start_verification", ("accepted",), "verifying", resolver, "Xác minh", "Start verification"),
        Trigger(
            "extend", ("accepted", "verifying"), None, resolver, "Gia hạn", "Extend",
            fields=(Field("due_on", FieldType.DATE, label="Hạn mới / New due date"), REASON),
            due=DueRule.EXTEND, source="TC Art. 30; KN Art. 28, 37", effects=frozenset({Effect.FIND_COMPLEX}),
        ),
        Trigger("suspend", ("verifying",), "suspended", resolver, "Tạm đình chỉ", "Suspend", fields=(REASON,), due=DueRule.PAUSE,
                source="KN Art. 11a (ND 155/2026/NĐ-CP): the decision is sent within 3 working days",
                effects=frozenset({Effect.SEND_DECISION}), send_within_working_days=SUSPENSION_SEND_WORKING_DAYS),
        Trigger("resume", ("suspended",), "verifying", resolver, "Tiếp tục", "Resume", fields=(REASON,), due=DueRule.RESUME),
        Trigger("resolve", ("accepted", "verifying"), "resolved", resolver, "Ra quyết định", "Resolve", fields=decision_fields,
                checks=(_civil_servants_among_people,), needs_dialogue=kind == "complaint",
                effects=frozenset({Effect.DECIDE, Effect.RECORD_DECISION} | ({Effect.DELIVER} if kind == "complaint" else set()))),
        Trigger(
            "close", ("resolved",), "closed", {A: Scope.ASSIGNED, L: Scope.AREA, SYS: Scope.ANY}, "Kết thúc", "Close",
            source="KN Art. 44: a first decision not challenged within 30 days becomes final",
        ),
        Trigger(
            "withdraw", OPEN, "withdrawn", {R: Scope.AREA, A: Scope.ASSIGNED, L: Scope.AREA}, "Rút đơn", "Withdraw",
            fields=withdraw_fields, source="KN Art. 10; TC Art. 33",
            stays_when={"denunciation": "continue", "complaint": "petitioners_remaining"}.get(kind),
            effects=frozenset({Effect.PETITIONER_WITHDRAWS}) if kind == "complaint" else frozenset(),
        ),
        Trigger(
            "urge", OPEN, None, {R: Scope.ABOVE_RESOLVING, L: Scope.ABOVE_RESOLVING}, "Đôn đốc", "Urge", fields=(NOTE,),
            source="TT 02/2021/TT-TTCP: urging notices are counted in the reports", effects=frozenset({Effect.URGE}),
        ),
        Trigger(
            "transfer", OPEN + ("resolved",), None, {SYS: Scope.ANY}, "Chuyển giao", "Transfer",
            fields=(Field("unit", FieldType.UNIT, label="Đơn vị kế thừa / Successor unit"),),
            source="NQ 202/2025/QH15; Luật TCCQĐP 72/2025: a closed unit's cases go to its successor",
            effects=frozenset({Effect.TRANSFER, Effect.ASSIGN}), unit_target=UnitTarget.SUCCESSOR,
        ),
    ]
    if kind == "complaint":
        triggers += [
            Trigger(
                "deliver", ("resolved",), None, resolver, "Giao quyết định", "Record delivery",
                fields=(DELIVERED_ON,), source="KN Art. 33: the second-complaint window runs from receipt of the decision",
                effects=frozenset({Effect.DELIVER}),
            ),
            Trigger(
                "recomplain", ("resolved",) + UNDECIDED, "escalated", {R: Scope.AREA, L: Scope.AREA},
                "Khiếu nại lần hai", "Complain again",
                fields=(Field("unit", FieldType.UNIT, required=False, label="Cấp trên trực tiếp / Superior unit"),),
                source="KN Art. 33: within 30 days (remote 45) of receiving the first decision, or of its deadline passing",
                effects=frozenset({Effect.OPEN_LINKED_CASE}), unit_target=UnitTarget.SUPERIOR, max_round=1,
                after_deadline_from=UNDECIDED, window="complaint.recomplaint_window",
            ),
            Trigger(
                "record_dialogue", ("accepted", "verifying"), None, resolver, "Ghi biên bản đối thoại", "Record a dialogue",
                fields=RECORD_DIALOGUE_FIELDS, checks=(_dialogue_notified_ahead,),
                source="KN Art. 30, 39; ND 155/2026/NĐ-CP (Mẫu 14): mandatory in the second round from 2026-07-01",
                effects=frozenset({Effect.RECORD_DIALOGUE}),
            ),
        ]
    if kind == "denunciation":
        triggers.append(
            Trigger(
                "redenounce", ("resolved",) + UNDECIDED, "escalated", {R: Scope.AREA, L: Scope.AREA},
                "Tố cáo tiếp", "Denounce again",
                fields=(Field("unit", FieldType.UNIT, required=False, label="Cấp trên của người giải quyết / Superior unit"),),
                source="TC Art. 37: to the resolver's superior, when the deadline passed or the conclusion is thought unlawful",
                effects=frozenset({Effect.OPEN_LINKED_CASE}), unit_target=UnitTarget.SUPERIOR, after_deadline_from=UNDECIDED,
            )
        )
    return tuple(triggers)


def _complaint_resolution(flags: Flags) -> str:
    suffix = ("_remote" if flags.remote else "") + ("_complex" if flags.complex else "")
    return f"complaint.resolution.round{2 if flags.round >= 2 else 1}{suffix}"


COMPLAINT = Workflow(
    kind="complaint", version=1, label_vi="Khiếu nại", label_en="Complaint",
    states=STATES, initial=("received",),
    triggers=_processing_triggers() + _resolution_triggers("complaint"),
    processing_period=lambda flags: "complaint.processing",
    resolution_period=_complaint_resolution,
)

DENUNCIATION = Workflow(
    kind="denunciation", version=1, label_vi="Tố cáo", label_en="Denunciation",
    states=STATES, initial=("received",),
    triggers=_processing_triggers() + _resolution_triggers("denunciation"),
    processing_period=lambda flags: "denunciation.processing_multi_place" if flags.multi_place else "denunciation.processing",
    # TC 2011 (until 2018): 60 days, 90 when complex; TC 2018: 30 days, complexity is an extension.
    resolution_period=lambda flags: "denunciation.resolution_complex" if flags.complex else "denunciation.resolution",
    intake_fields=PETITIONER_INTAKE,
)

RECOMMENDATION = Workflow(
    kind="recommendation", version=1, label_vi="Kiến nghị", label_en="Recommendation",
    states=STATES, initial=("received",),
    triggers=_processing_triggers() + _resolution_triggers("recommendation"),
    processing_period=lambda flags: "recommendation.processing",
    resolution_period=lambda flags: "recommendation.resolution",
)

FEEDBACK = Workflow(
    kind="feedback", version=1, label_vi="Phản ánh", label_en="Feedback",
    states=STATES, initial=("received",),
    triggers=_processing_triggers() + _resolution_triggers("feedback"),
    processing_period=lambda flags: "feedback.processing",
    resolution_period=lambda flags: "feedback.resolution",
)

# A voters' recommendation passed on after a meeting with deputies starts accepted at the
# unit that must answer (QĐ 33/2017): 40 days, 50 when several agencies answer.
VOTER_OPINION = Workflow(
    kind="voter_opinion", version=1, label_vi="Ý kiến, kiến nghị cử tri", label_en="Voters' opinion",
    states=STATES, initial=("accepted",),
    triggers=_resolution_triggers("voter_opinion"),
    resolution_period=lambda flags: "voter_opinion.resolution_multi_agency" if flags.multi_agency else "voter_opinion.resolution",
    intake_fields=(Field("multi_agency", FieldType.BOOL, required=False, label="Nhiều cơ quan trả lời / Several agencies"),),
)
