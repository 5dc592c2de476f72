"""A hypothesis state machine fires random triggers with generated data at every workflow, and
checks the invariants the procedure must never break (who may fire what is the tracker's policy,
tested in tests/test_policy.py)."""
from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from tests.test_workflow_rules import FakeCase, valid_value
from workflows import definitions
from workflows.definitions.base import Clock
from workflows.engine import Engine, WorkflowError
from workflows.rules import shipped_rulebook

ENGINE = Engine()
TRIGGERS = sorted({t.name for w in definitions.ALL for t in w.triggers})


class WorkflowMachine(RuleBasedStateMachine):
    """One case of a random kind, moved by whatever hypothesis throws at it."""

    @initialize(kind=st.sampled_from(definitions.KINDS), start=st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 1)))
    def start(self, kind: str, start: dt.date) -> None:
        workflow = definitions.latest(kind)
        state = workflow.initial[-1]
        due = start + dt.timedelta(days=20) if kind in ("dialogue_opinion",) else None
        step = ENGINE.start(kind, effective_on=start, state=state, due_on=due)
        self.workflow = workflow
        self.today = start
        self.case = FakeCase(kind=kind, state=step.to_state, due_on=step.due_on, clock_started_on=step.clock_started_on,
                             rule_set=step.rule_set, decided_on=None)
        self.left_final = False

    @rule(data=st.data(), days=st.integers(0, 40), shift=st.integers(1, 40))
    def fire_an_available_trigger(self, data: st.DataObject, days: int, shift: int) -> None:
        """Mostly what a user would do: a trigger the state allows."""
        available = ENGINE.triggers_from(self.case)
        if not available:
            return
        spec = data.draw(st.sampled_from(available))
        self.fire(spec.name, days, True, shift)

    @rule(trigger=st.sampled_from(TRIGGERS), days=st.integers(0, 40),
          use_valid_data=st.booleans(), shift=st.integers(1, 40))
    def fire(self, trigger: str, days: int, use_valid_data: bool, shift: int) -> None:
        """Anything at all: unknown triggers, wrong states, missing data must be refused cleanly."""
        self.today += dt.timedelta(days=days)
        spec = self.workflow.trigger(trigger)
        data = {}
        if spec is not None and use_valid_data:
            data = {f.name: valid_value(f) for f in spec.fields if f.required}
            if "due_on" in data:
                base = self.case.due_on if trigger == "extend" and self.case.due_on else self.today
                data["due_on"] = (base + dt.timedelta(days=shift)).isoformat()
        was_final = self.case.state in self.workflow.final_states
        try:
            step = ENGINE.fire(self.case, trigger, effective_on=self.today, data=data)
        except WorkflowError:
            return
        if was_final and step.to_state != self.case.state:
            self.left_final = trigger != "reopen"
        self.case = self.case.after(step)

    @invariant()
    def the_state_is_a_declared_state(self) -> None:
        assert self.case.state in {s.name for s in self.workflow.states}

    @invariant()
    def only_a_reopening_leaves_a_final_state(self) -> None:
        assert not self.left_final

    @invariant()
    def a_running_clock_always_has_a_due_date(self) -> None:
        if self.workflow.state(self.case.state).clock is Clock.RUNNING and not self.workflow.state(self.case.state).final:
            assert self.case.due_on is not None

    @invariant()
    def a_suspended_case_remembers_when_it_paused(self) -> None:
        if self.case.state == "suspended":
            assert self.case.paused_on is not None

    @invariant()
    def extensions_stay_within_the_legal_number(self) -> None:
        rule_set = shipped_rulebook().by_id(self.case.rule_set) if self.case.rule_set else None
        rule = rule_set.extension(self.case.kind) if rule_set else None
        assert self.case.extensions_used <= (rule.max_times if rule else 0)


WorkflowMachine.TestCase.settings = settings(
    max_examples=200, stateful_step_count=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
test_workflows_keep_their_invariants = WorkflowMachine.TestCase

