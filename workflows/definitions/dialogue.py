"""Opinions raised at a direct dialogue (TCD Art. 18.4; DCCS Art. 32).

The chair answers an opinion on the spot or concludes with an assignment to a unit and a
due date; the unit resolves it; a supervisory board or a leader that finds the answer
unsatisfactory reopens it, which counts as reopened and never undoes 'settled on the spot'.
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

DIALOGUE_OPINION = Workflow(
    kind="dialogue_opinion", version=1, label_vi="Ý kiến tại buổi đối thoại", label_en="Dialogue opinion",
    states=(
        State("settled_on_spot", "Đã giải quyết tại chỗ", "Settled on the spot", Clock.STOPPED, final=True),
        State("assigned", "Đã giao xử lý", "Assigned"),
        State("resolved", "Đã giải quyết", "Resolved", Clock.STOPPED),
        State("closed", "Đã kết thúc", "Closed", Clock.STOPPED, final=True),
    ),
    initial=("settled_on_spot", "assigned"),
    triggers=(
        Trigger(
            "resolve", ("assigned",), "resolved", {Role.AGENCY: Scope.ASSIGNED, Role.LEADER: Scope.AREA}, "Trả lời", "Resolve",
            fields=(Field("summary", FieldType.TEXT, label="Nội dung trả lời / Answer"),), effects=frozenset({Effect.DECIDE}),
        ),
        Trigger("close", ("resolved",), "closed", {Role.AGENCY: Scope.ASSIGNED, Role.LEADER: Scope.AREA}, "Kết thúc", "Close"),
        Trigger(
            "reopen", ("settled_on_spot", "resolved", "closed"), "assigned",
            {Role.SUPERVISOR: Scope.BOARD_AREA, Role.LEADER: Scope.AREA}, "Yêu cầu xử lý lại", "Reopen",
            fields=(
                Field("reason", FieldType.TEXT, label="Lý do / Reason"),
                Field("unit", FieldType.UNIT, label="Đơn vị xử lý / Unit"),
                Field("due_on", FieldType.DATE, label="Hạn xử lý / Due date"),
            ),
            due=DueRule.FROM_DATA, effects=frozenset({Effect.UNDECIDE, Effect.REOPEN, Effect.ASSIGN}),
            unit_target=UnitTarget.IN_AREA,
        ),
        Trigger(
            "transfer", ("assigned", "resolved"), None, {Role.SYSTEM: Scope.ANY}, "Chuyển giao", "Transfer",
            fields=(Field("unit", FieldType.UNIT, label="Đơn vị kế thừa / Successor unit"),),
            effects=frozenset({Effect.TRANSFER, Effect.ASSIGN}), unit_target=UnitTarget.SUCCESSOR,
        ),
    ),
)
