"""The legal procedure as the engine encodes it (DOMAIN.md §2-§4): deadlines, extensions,
suspensions, second complaints, and who may fire what from which state."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from workflows import definitions
from workflows.calendar import DayUnit, WorkingCalendar
from workflows.definitions.base import Field, FieldType, Flags, Role
from workflows.engine import Engine, Facts, InvalidData, TriggerNotAllowed, UnknownTrigger, machine_for
from workflows.rules import RuleBook, RuleSetError, parse_ruleset, shipped_rulebook

D = dt.date


DUE = D(2026, 3, 16)


def FakeCase(**facts: Any) -> Facts:  # noqa: N802 - reads as the record it makes
    """What the engine reads of a case: a complaint received 02/03/2026, unless told otherwise."""
    defaults: dict[str, Any] = {"kind": "complaint", "workflow_version": 1, "state": "received", "due_on": DUE,
                                "clock_started_on": D(2026, 3, 2), "rule_set": "vn-2019-01-01"}
    return Facts(**(defaults | facts))


def valid_value(field: Field) -> Any:
    return {
        FieldType.TEXT: "Nội dung", FieldType.UNIT: "HT", FieldType.DATE: "2026-12-31",
        FieldType.CHOICE: field.choices[0] if field.choices else None, FieldType.BOOL: False,
        FieldType.COUNT: 1, FieldType.AMOUNT: "1000",
    }[field.type]


def valid_data(kind: str, trigger: str) -> dict[str, Any]:
    spec = definitions.latest(kind).trigger(trigger)
    assert spec is not None
    data = {f.name: valid_value(f) for f in spec.fields if f.required}
    if trigger == "extend":  # one day past FakeCase's due date is within every legal maximum
        data["due_on"] = (DUE + dt.timedelta(days=1)).isoformat()
    if trigger == "record_dialogue":  # notified at least 5 days before it is held
        data["notified_on"] = "2026-12-24"
    return data


engine = Engine()
ON = D(2026, 4, 1)


# -- counting days -------------------------------------------------------------------------------

@pytest.mark.parametrize(("event", "days", "unit", "due"), [
    (D(2026, 2, 9), 10, DayUnit.WORKING, D(2026, 3, 2)),  # Tết 16-20/02/2026 is off
    (D(2027, 2, 1), 10, DayUnit.WORKING, D(2027, 2, 22)),  # Tết 04-10/02/2027 is off
    (D(2026, 3, 31), 30, DayUnit.CALENDAR, D(2026, 5, 4)),  # 30/04, 01/05 holidays, 02-03/05 weekend
    (D(2026, 11, 20), 1, DayUnit.WORKING, D(2026, 11, 23)),  # Friday -> Monday
    (D(2026, 11, 23), 1, DayUnit.WORKING, D(2026, 11, 25)),  # 24/11 Vietnam Culture Day, from 2026
])
def test_worked_examples_of_the_law(event, days, unit, due):
    assert WorkingCalendar().add(event, days, unit) == due


def test_a_period_starts_the_day_after_the_event():
    calendar = WorkingCalendar()
    assert calendar.add_calendar_days(D(2026, 6, 1), 1) == D(2026, 6, 2)
    assert calendar.add_working_days(D(2026, 6, 1), 0) == D(2026, 6, 1)


def test_the_make_up_saturday_known_to_the_package_is_worked_and_its_monday_is_off():
    calendar = WorkingCalendar()
    assert calendar.is_working_day(D(2026, 8, 22))
    assert not calendar.is_working_day(D(2026, 8, 31))


def test_an_administrator_day_off_moves_a_working_day_deadline_by_one_day():
    plain = WorkingCalendar().add_working_days(D(2026, 12, 1), 10)
    bridged = WorkingCalendar.with_overrides(days_off=[D(2026, 12, 4)]).add_working_days(D(2026, 12, 1), 10)
    assert (plain, bridged) == (D(2026, 12, 15), D(2026, 12, 16))


def test_an_administrator_make_up_saturday_shortens_a_working_day_deadline():
    calendar = WorkingCalendar.with_overrides(working_days=[D(2026, 12, 5)])
    assert calendar.add_working_days(D(2026, 12, 1), 10) == D(2026, 12, 14)


def test_days_between_counts_after_the_start_up_to_the_end():
    calendar = WorkingCalendar()
    assert calendar.days_between(D(2026, 2, 13), D(2026, 2, 23), DayUnit.WORKING) == 1
    assert calendar.days_between(D(2026, 2, 13), D(2026, 2, 23), DayUnit.CALENDAR) == 10
    assert calendar.days_between(D(2026, 2, 23), D(2026, 2, 13), DayUnit.CALENDAR) == 0


def test_a_negative_period_is_refused():
    with pytest.raises(ValueError):
        WorkingCalendar().add_working_days(D(2026, 1, 5), -1)


# -- dated rule sets ---------------------------------------------------------------------------

def test_the_shipped_rule_sets_change_on_the_day_law_136_2025_takes_effect():
    book = shipped_rulebook()
    assert book.in_force(D(2026, 6, 30)).id == "vn-2019-01-01"
    assert book.in_force(D(2026, 7, 1)).id == "vn-2026-07-01"
    assert all(p.source for s in book.sets for p in s.periods.values())
    amended = ("Luật Tiếp công dân", "Luật Khiếu nại", "Luật Tố cáo")
    new_periods = [p for p in book.by_id("vn-2026-07-01").periods.values() if p.source.startswith(amended)]
    assert new_periods and all("136/2025" in p.source for p in new_periods)


def test_every_period_a_workflow_can_ask_for_exists_in_every_rule_set():
    every_flags = [Flags(r, c, m, p, a) for r in (1, 2) for c in (False, True) for m in (False, True)
                   for p in (False, True) for a in (False, True)]
    for workflow in definitions.ALL:
        keys = {workflow.default_period} - {None}
        for flags in every_flags:
            for chooser in (workflow.processing_period, workflow.resolution_period):
                if chooser:
                    keys.add(chooser(flags))
        for rule_set in shipped_rulebook().sets:
            for key in keys:
                assert rule_set.period(key).days > 0


def _with_shorter_law() -> RuleBook:
    newer = parse_ruleset("""
        id = "test-2026-07-01"
        effective_from = 2026-07-01
        [periods."complaint.resolution.round1"]
        days = 20
        unit = "calendar"
        source = "a law that shortened the period"
        [periods."complaint.resolution.round1_complex"]
        days = 25
        unit = "calendar"
        source = "same"
        [extensions.complaint]
        max_times = 1
        cap_period = "complex"
    """)
    return RuleBook([shipped_rulebook().by_id("vn-2019-01-01"), newer])


def test_a_case_accepted_before_the_law_changed_keeps_the_old_period():
    engine_ = Engine(rulebook=_with_shorter_law())
    before = engine_.fire(FakeCase(), "accept", effective_on=D(2026, 6, 30), data={})
    after = engine_.fire(FakeCase(), "accept", effective_on=D(2026, 7, 1), data={})
    assert (before.rule_set, before.due_on) == ("vn-2019-01-01", D(2026, 7, 30))
    assert (after.rule_set, after.due_on) == ("test-2026-07-01", D(2026, 7, 21))


def test_an_extension_is_judged_under_the_rule_set_the_period_started_under():
    engine_ = Engine(rulebook=_with_shorter_law())
    accepted = FakeCase(state="verifying", due_on=D(2026, 7, 30), clock_started_on=D(2026, 6, 30), rule_set="vn-2019-01-01")
    # Old law: the complex period is 45 days from 30/06 -> 14/08; the new law's 25 days would refuse it.
    step = engine_.fire(accepted, "extend", effective_on=D(2026, 7, 20),
                        data={"due_on": "2026-08-14", "reason": "Phức tạp"})
    assert step.due_on == D(2026, 8, 14)


def test_a_malformed_rule_set_is_refused():
    with pytest.raises(RuleSetError):
        parse_ruleset('id = "x"\neffective_from = "not a date"')
    with pytest.raises(RuleSetError):
        RuleBook([]).in_force(D(2026, 1, 1))


# -- states and triggers -----------------------------------------------------------------------

PETITION_TRIGGERS = {"accept", "forward", "guide", "file", "start_verification", "extend", "suspend", "resume", "resolve",
                     "close", "withdraw", "urge", "transfer"}


def test_states_and_triggers_carry_the_names_of_domain_section_4():
    petition_states = {"received", "accepted", "verifying", "suspended", "resolved", "closed", "escalated", "withdrawn", "guided", "filed"}
    for kind in ("complaint", "denunciation", "recommendation", "feedback"):
        workflow = definitions.latest(kind)
        assert {s.name for s in workflow.states} == petition_states
        own = {"complaint": {"deliver", "recomplain", "record_dialogue"}, "denunciation": {"redenounce"}}
        expected = PETITION_TRIGGERS | own.get(kind, set())
        assert {t.name for t in workflow.triggers} == expected
    assert definitions.latest("voter_opinion").initial == ("accepted",)
    opinion = definitions.latest("dialogue_opinion")
    assert {s.name for s in opinion.states} == {"settled_on_spot", "assigned", "resolved", "closed"}
    assert {t.name for t in opinion.triggers} == {"resolve", "close", "reopen", "transfer"}
    recommendation = definitions.latest("supervision_recommendation")
    assert {s.name for s in recommendation.states} == {"issued", "answered", "accepted"}
    assert {t.name for t in recommendation.triggers} == {"answer", "accept", "return", "transfer"}


ALL_TRIGGER_NAMES = sorted({t.name for w in definitions.ALL for t in w.triggers})
MATRIX = [(w.kind, s.name, t) for w in definitions.ALL for s in w.states for t in ALL_TRIGGER_NAMES]


@pytest.mark.parametrize(("kind", "state", "trigger"), MATRIX)
def test_a_trigger_moves_a_case_only_from_the_states_the_procedure_allows(kind, state, trigger):
    workflow = definitions.latest(kind)
    spec = workflow.trigger(trigger)
    case = FakeCase(kind=kind, state=state, paused_on=ON if state == "suspended" else None, decided_on=ON)
    data = valid_data(kind, trigger) if spec else {}
    if spec is None:
        with pytest.raises(UnknownTrigger):
            engine.fire(case, trigger, effective_on=ON, data=data)
    elif state in spec.sources:
        step = engine.fire(case, trigger, effective_on=ON, data=data)
        assert step.to_state == (spec.dest or state)
    else:
        with pytest.raises(TriggerNotAllowed):
            engine.fire(case, trigger, effective_on=ON, data=data)


def test_supervisory_boards_fire_only_reopen_and_accept_or_return_on_their_recommendations():
    allowed = {(w.kind, t.name) for w in definitions.ALL for t in w.triggers if Role.SUPERVISOR in t.who}
    assert allowed == {("dialogue_opinion", "reopen"), ("supervision_recommendation", "accept"), ("supervision_recommendation", "return")}


def test_one_machine_serves_every_case_of_a_workflow_version_and_the_case_is_not_touched():
    workflow = definitions.latest("complaint")
    assert machine_for(workflow) is machine_for(workflow)
    case = FakeCase()
    snapshot = replace(case)
    engine.fire(case, "accept", effective_on=ON, data={"unit": "HT"})
    assert case == snapshot


# -- required data -------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "trigger", "field"), [
    (w.kind, t.name, f.name) for w in definitions.ALL for t in w.triggers for f in t.fields if f.required
])
def test_every_required_field_is_required(kind, trigger, field):
    spec = definitions.latest(kind).trigger(trigger)
    data = valid_data(kind, trigger)
    del data[field]
    case = FakeCase(kind=kind, state=spec.sources[0], paused_on=ON, decided_on=ON)
    with pytest.raises(InvalidData) as refused:
        engine.fire(case, trigger, effective_on=ON, data=data)
    assert field in refused.value.details["fields"]


@pytest.mark.parametrize(("data", "field"), [
    ({"unit": "HT", "bogus": 1}, "bogus"),
    ({"unit": "HT", "complex": "yes", "reason": "x"}, "complex"),
    ({"unit": 12}, "unit"),
    ({"unit": "HT", "complex": True}, "reason"),  # a longer period needs its reason recorded
])
def test_malformed_accept_data_is_refused_naming_the_field(data, field):
    with pytest.raises(InvalidData) as refused:
        engine.fire(FakeCase(), "accept", effective_on=ON, data=data)
    assert field in refused.value.details["fields"]


@pytest.mark.parametrize(("field", "value"), [
    ("outcome", "maybe"), ("people_disciplined", True), ("people_disciplined", -1), ("recovered_money_vnd", "-5"),
    ("recovered_money_vnd", "lots"), ("decision_no", "x" * 101),
])
def test_malformed_decision_data_is_refused(field, value):
    data = valid_data("complaint", "resolve") | {field: value}
    with pytest.raises(InvalidData):
        engine.fire(FakeCase(state="verifying"), "resolve", effective_on=ON, data=data)


def test_a_bad_date_is_refused():
    with pytest.raises(InvalidData):
        engine.fire(FakeCase(state="verifying"), "extend", effective_on=ON, data={"due_on": "31/12/2026", "reason": "x"})


# -- deadlines by kind -----------------------------------------------------------------------

@pytest.mark.parametrize(("round_", "complex_", "remote", "days"), [
    (1, False, False, 30), (1, True, False, 45), (1, False, True, 45), (1, True, True, 60),
    (2, False, False, 45), (2, True, False, 60), (2, False, True, 60), (2, True, True, 70),
])
def test_complaint_resolution_periods_of_articles_28_and_37(round_, complex_, remote, days):
    data = {"complex": complex_, "remote": remote} | ({"reason": "Địa bàn xa"} if complex_ or remote else {})
    step = engine.fire(FakeCase(round=round_), "accept", effective_on=D(2026, 3, 2), data=data)
    assert step.period.days == days
    assert step.due_on == WorkingCalendar().add_calendar_days(D(2026, 3, 2), days)


def test_a_denunciation_is_processed_in_7_working_days_or_10_when_checked_in_several_places():
    assert engine.start("denunciation", effective_on=D(2026, 3, 2)).due_on == D(2026, 3, 11)
    assert engine.start("denunciation", effective_on=D(2026, 3, 2), flags=Flags(multi_place=True)).due_on == D(2026, 3, 16)


def test_a_voters_opinion_starts_accepted_with_40_days_or_50_for_several_agencies():
    one = engine.start("voter_opinion", effective_on=D(2026, 3, 2))
    several = engine.start("voter_opinion", effective_on=D(2026, 3, 2), flags=Flags(multi_agency=True))
    assert (one.to_state, one.due_on, several.due_on) == ("accepted", D(2026, 4, 13), D(2026, 4, 21))


def test_a_recommendation_after_supervision_is_answered_in_15_days_unless_the_board_says_otherwise():
    assert engine.start("supervision_recommendation", effective_on=D(2026, 3, 2)).due_on == D(2026, 3, 17)
    assert engine.start("supervision_recommendation", effective_on=D(2026, 3, 2), due_on=D(2026, 4, 1)).due_on == D(2026, 4, 1)


def test_an_assigned_dialogue_opinion_needs_a_due_date_after_the_session():
    with pytest.raises(InvalidData):
        engine.start("dialogue_opinion", effective_on=D(2026, 3, 2), state="assigned")
    with pytest.raises(InvalidData):
        engine.start("dialogue_opinion", effective_on=D(2026, 3, 2), state="assigned", due_on=D(2026, 3, 2))
    assert engine.start("dialogue_opinion", effective_on=D(2026, 3, 2), state="settled_on_spot").due_on is None


def test_forwarding_restarts_the_processing_period_at_the_competent_unit():
    step = engine.fire(FakeCase(), "forward", effective_on=D(2026, 3, 9), data={"unit": "BT"})
    assert (step.to_state, step.due_on, step.clock_started_on) == ("received", D(2026, 3, 23), D(2026, 3, 9))


def test_a_configurable_period_takes_the_units_own_value():
    step = engine.fire(FakeCase(kind="feedback"), "accept", effective_on=D(2026, 3, 2),
                       data={}, overrides={"feedback.resolution": 20})
    assert step.due_on == D(2026, 3, 23)
    fixed = engine.fire(FakeCase(), "accept", effective_on=D(2026, 3, 2), data={},
                        overrides={"complaint.resolution.round1": 5})
    assert fixed.period.days == 30  # the law's periods are not a unit's to change


# -- extensions, suspension, second complaints -------------------------------------------------------

def test_a_denunciation_is_extended_at_most_twice_by_at_most_30_days_each():
    case = FakeCase(kind="denunciation", state="verifying", due_on=D(2026, 4, 1), clock_started_on=D(2026, 3, 2))
    with pytest.raises(InvalidData):
        engine.fire(case, "extend", effective_on=D(2026, 3, 20), data={"due_on": "2026-05-05", "reason": "x"})
    for expected in (D(2026, 5, 1), D(2026, 5, 29)):
        step = engine.fire(case, "extend", effective_on=D(2026, 3, 20),
                           data={"due_on": expected.isoformat(), "reason": "x"})
        case = replace(case, due_on=step.due_on, extensions_used=step.extensions_used)
        assert case.due_on == expected
    with pytest.raises(InvalidData):
        engine.fire(case, "extend", effective_on=D(2026, 3, 20), data={"due_on": "2026-06-05", "reason": "x"})


def test_a_complaint_is_extended_once_and_not_beyond_the_complex_period():
    case = FakeCase(state="verifying", due_on=D(2026, 4, 1), clock_started_on=D(2026, 3, 2))
    with pytest.raises(InvalidData):
        engine.fire(case, "extend", effective_on=D(2026, 3, 20), data={"due_on": "2026-04-17", "reason": "x"})
    step = engine.fire(case, "extend", effective_on=D(2026, 3, 20), data={"due_on": "2026-04-16", "reason": "x"})
    with pytest.raises(InvalidData):
        engine.fire(replace(case, due_on=step.due_on, extensions_used=1), "extend",
                    effective_on=D(2026, 3, 20), data={"due_on": "2026-04-16", "reason": "x"})


def test_an_extension_must_move_the_due_date_later():
    case = FakeCase(kind="denunciation", state="verifying", due_on=D(2026, 4, 1))
    with pytest.raises(InvalidData):
        engine.fire(case, "extend", effective_on=D(2026, 3, 20), data={"due_on": "2026-04-01", "reason": "x"})


def test_the_clock_does_not_run_while_a_case_is_suspended():
    case = FakeCase(state="verifying", due_on=D(2026, 4, 1), clock_started_on=D(2026, 3, 2))
    paused = engine.fire(case, "suspend", effective_on=D(2026, 3, 10), data={"reason": "Chờ giám định"})
    assert (paused.to_state, paused.paused_on) == ("suspended", D(2026, 3, 10))
    resumed = engine.fire(replace(case, state="suspended", paused_on=D(2026, 3, 10)), "resume",
                          effective_on=D(2026, 3, 20), data={"reason": "Có kết quả giám định"})
    assert (resumed.to_state, resumed.paused_on, resumed.due_on) == ("verifying", None, D(2026, 4, 13))  # 11/04 is a Saturday


def test_a_second_complaint_is_allowed_within_30_days_of_the_first_decision_and_opens_the_next_round():
    resolved = FakeCase(state="resolved", decided_on=D(2026, 3, 2))
    step = engine.fire(resolved, "recomplain", effective_on=D(2026, 4, 1), data={})
    assert (step.to_state, step.opens_next_round) == ("escalated", True)
    with pytest.raises(InvalidData):
        engine.fire(resolved, "recomplain", effective_on=D(2026, 4, 2), data={})
    assert engine.fire(replace(resolved, remote=True), "recomplain", effective_on=D(2026, 4, 16), data={})


def test_a_petition_cannot_be_withdrawn_after_its_decision():
    with pytest.raises(TriggerNotAllowed):
        engine.fire(FakeCase(state="resolved"), "withdraw", effective_on=ON, data={"note": "Đơn xin rút"})
