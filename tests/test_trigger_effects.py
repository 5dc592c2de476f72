"""Trigger effects live on the trigger (issue 9, item 3): what a step does besides moving the case
is declared in its definition in workflows/, and the services apply the declaration, so a new
trigger is one declaration and no service matches trigger names as strings."""
from __future__ import annotations

import ast
import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from tracker.models import HistoryEntry
from workflows import definitions
from workflows.definitions.base import Effect

D = dt.date
SERVICES = Path(__file__).resolve().parents[1] / "tracker" / "services"
TRIGGER_NAMES = frozenset(t.name for w in definitions.ALL for t in w.triggers)


def _string_constants(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return []


def _compares_a_trigger_by_name(node: ast.Compare) -> bool:
    """`x.trigger == "suspend"`, `spec.name in ("accept", "extend")`, `trigger != "resolve"`..."""
    def is_trigger_name(side: ast.expr) -> bool:
        return (isinstance(side, ast.Attribute) and side.attr in ("trigger", "name")) or \
            (isinstance(side, ast.Name) and side.id == "trigger")
    sides = [node.left, *node.comparators]
    names = [s for side in sides for s in _string_constants(side)]
    return any(is_trigger_name(side) for side in sides) and any(n in TRIGGER_NAMES for n in names)


@pytest.mark.parametrize("module", sorted(p.name for p in SERVICES.glob("*.py")))
def test_no_service_decides_what_a_trigger_does_by_its_name(module):
    tree = ast.parse((SERVICES / module).read_text(encoding="utf-8"))
    found = [f"{module}:{node.lineno}" for node in ast.walk(tree)
             if isinstance(node, ast.Compare) and _compares_a_trigger_by_name(node)]
    assert found == [], f"declare the effect on the trigger in workflows/ instead: {found}"


def test_the_2026_procedure_is_declared_on_the_triggers():
    complaint = definitions.latest("complaint")
    assert complaint.trigger("resolve").needs_dialogue
    assert Effect.RECORD_DIALOGUE in complaint.trigger("record_dialogue").effects
    suspend = complaint.trigger("suspend")
    assert Effect.SEND_DECISION in suspend.effects and suspend.send_within_working_days == 3
    assert Effect.FIND_COMPLEX in complaint.trigger("accept").effects
    assert Effect.FIND_COMPLEX in complaint.trigger("extend").effects
    # A denunciation's conclusion has no second-round dialogue.
    assert not definitions.latest("denunciation").trigger("resolve").needs_dialogue


def test_a_suspension_without_the_declared_effect_records_no_send_date(session, clerk, officer, tree, make_user, intake,
                                                                      move, clock_at, monkeypatch):
    """The service reads the declaration: take the effect off `suspend` and nothing is recorded."""
    clock_at(D(2026, 10, 30))
    workflow = definitions.latest("complaint")
    bare = replace(workflow.trigger("suspend"), effects=frozenset(), send_within_working_days=None)
    monkeypatch.setitem(workflow._by_name, "suspend", bare)
    leader = make_user("leader", tree["HT"])
    case = move(leader, intake(clerk, received_at=dt.datetime(2026, 8, 3, 2, tzinfo=dt.UTC)), "accept", D(2026, 8, 4),
                unit="HT-TNMT")
    case = move(officer, case, "start_verification", D(2026, 8, 5))
    case = move(officer, case, "suspend", D(2026, 8, 28), reason="Chờ kết quả giám định")
    entry = session.scalar(select(HistoryEntry).where(HistoryEntry.case_id == case.id, HistoryEntry.trigger == "suspend"))
    assert "decision_send_due_on" not in (entry.data or {})

