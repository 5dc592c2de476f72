"""Recommendations a supervisory board issues after a supervision (DCCS 10/2022).

The addressee answers (by default within 15 days); the issuing board accepts the answer
or returns it with a new due date.
"""
from __future__ import annotations

from workflows.definitions.base import (
    Clock,
    DueRule,
    Effect,
    Field,
    FieldType,
    Role,
    Scope,
    State,
    Trigger,
    UnitTarget,
    Workflow,
)

SUPERVISION_RECOMMENDATION = Workflow(
    kind="supervision_recommendation", version=1, label_vi="Kiến nghị sau giám sát", label_en="Supervision recommendation",
    states=(
        State("issued", "Đã kiến nghị", "Issued"),
        State("answered", "Đã trả lời", "Answered", Clock.STOPPED),
        State("accepted", "Đã chấp nhận", "Accepted", Clock.STOPPED, final=True),
    ),
    initial=("issued",),
    triggers=(
        Trigger(
            "answer", ("issued",), "answered", {Role.AGENCY: Scope.ASSIGNED, Role.LEADER: Scope.ASSIGNED}, "Trả lời", "Answer",
            fields=(Field("summary", FieldType.TEXT, label="Nội dung trả lời / Answer"),), effects=frozenset({Effect.DECIDE}),
        ),
        Trigger("accept", ("answered",), "accepted", {Role.SUPERVISOR: Scope.ISSUING_BOARD}, "Chấp nhận", "Accept"),
        Trigger(
            "return", ("answered",), "issued", {Role.SUPERVISOR: Scope.ISSUING_BOARD}, "Trả lại", "Return",
            fields=(
                Field("reason", FieldType.TEXT, label="Lý do / Reason"),
                Field("due_on", FieldType.DATE, label="Hạn mới / New due date"),
            ),
            due=DueRule.FROM_DATA, effects=frozenset({Effect.UNDECIDE}),
        ),
        Trigger(
            "transfer", ("issued", "answered"), None, {Role.SYSTEM: Scope.ANY}, "Chuyển giao", "Transfer",
            fields=(Field("unit", FieldType.UNIT, label="Đơn vị kế thừa / Successor unit"),),
            effects=frozenset({Effect.TRANSFER, Effect.ASSIGN}), unit_target=UnitTarget.SUCCESSOR,
        ),
    ),
    default_period="supervision_recommendation.answer",
)
