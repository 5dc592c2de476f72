"""The engine: applies a trigger to a case and reports what happens. It never writes.

One `transitions` machine per workflow version serves every case (the library's "static
machine" pattern): a machine per case costs about 25 times more CPU per transition.
The engine decides the next state, validates the trigger's data against the definition
and computes the new due date under the rule set in force on the effective date.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from threading import Lock
from typing import Any

from transitions import Machine, MachineError

from workflows import definitions
from workflows.calendar import WorkingCalendar
from workflows.definitions.base import CaseFacts, DueRule, Effect, Field, FieldType, Flags, Trigger, Workflow
from workflows.rules import Period, RuleBook, RuleSet, RuleSetError, shipped_rulebook


class WorkflowError(Exception):
    """A trigger or its data was refused; nothing happened."""

    code = "workflow_error"

    def __init__(self, message: str, details: Mapping[str, object] | None = None):
        super().__init__(message)
        self.message = message
        self.details = dict(details or {})


class UnknownTrigger(WorkflowError):
    """The workflow has no trigger of that name."""

    code = "unknown_trigger"


class TriggerNotAllowed(WorkflowError):
    """The trigger exists but cannot be fired from the case's state."""

    code = "trigger_not_allowed"




class InvalidData(WorkflowError):
    """The data is missing, malformed or outside the law."""

    code = "invalid_data"


@dataclass(frozen=True)
class Step:
    """What a trigger (or the start of a case) does: the engine's whole answer."""

    trigger: str
    from_state: str | None
    to_state: str
    effective_on: dt.date
    due_on: dt.date | None
    clock_started_on: dt.date | None
    paused_on: dt.date | None
    extensions_used: int
    rule_set: str | None
    period: Period | None
    flags: Flags
    data: Mapping[str, Any] = field(default_factory=dict)
    effects: frozenset[Effect] = frozenset()
    decided_on: dt.date | None = None  # the date of the decision (or answer) in force after the step
    delivered_on: dt.date | None = None  # the day the petitioner received that decision
    period_end_on: dt.date | None = None  # the period's own last day, before any roll-over to a working day
    suspended_days: int = 0  # days the clock lost to suspensions since the period started

    @property
    def opens_next_round(self) -> bool:
        """True when the step opens the linked case of the next round at the superior unit."""
        return Effect.OPEN_LINKED_CASE in self.effects


@dataclass(frozen=True)
class Facts:
    """A plain record of what the engine reads of a case (CaseFacts), e.g. while replaying it."""

    kind: str
    workflow_version: int
    state: str
    due_on: dt.date | None = None
    clock_started_on: dt.date | None = None
    paused_on: dt.date | None = None
    extensions_used: int = 0
    round: int = 1
    complex: bool = False
    remote: bool = False
    multi_place: bool = False
    multi_agency: bool = False
    decided_on: dt.date | None = None
    rule_set: str | None = None
    delivered_on: dt.date | None = None
    period_end_on: dt.date | None = None
    suspended_days: int = 0

    def after(self, step: Step) -> Facts:
        """The facts once `step` has happened."""
        return replace(
            self, state=step.to_state, due_on=step.due_on, clock_started_on=step.clock_started_on, paused_on=step.paused_on,
            extensions_used=step.extensions_used, rule_set=step.rule_set, complex=step.flags.complex,
            remote=step.flags.remote, decided_on=step.decided_on, delivered_on=step.delivered_on,
            period_end_on=step.period_end_on, suspended_days=step.suspended_days,
        )


@dataclass(frozen=True)
class Replayed:
    """One recorded step of a case, as its history keeps it."""

    trigger: str
    effective_on: dt.date
    data: Mapping[str, Any]


class _Token:
    """A stand-in the shared machine moves, so the case itself is never touched."""

    def __init__(self, state: str):
        self.state = state


_machines: dict[tuple[str, int], Machine] = {}
_machines_lock = Lock()


def machine_for(workflow: Workflow) -> Machine:
    """The one machine that serves every case of this workflow version."""
    key = (workflow.kind, workflow.version)
    with _machines_lock:
        machine = _machines.get(key)
        if machine is None:
            transitions = [
                {"trigger": t.name, "source": src, "dest": t.dest or src} for t in workflow.triggers for src in t.sources
            ]
            machine = Machine(
                model=None,
                states=[s.name for s in workflow.states],
                transitions=transitions,
                initial=workflow.initial[0],
                auto_transitions=False,
                ignore_invalid_triggers=False,
            )
            _machines[key] = machine
        return machine


def clean_data(fields: tuple[Field, ...], data: Mapping[str, Any] | None) -> dict[str, Any]:
    """Check `data` against the declared fields; the typed values, or InvalidData naming each problem."""
    data = dict(data or {})
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    declared = {f.name: f for f in fields}
    for name in data:
        if name not in declared:
            errors[name] = "Trường không được hỗ trợ / unknown field"
    for f in fields:
        value = data.get(f.name)
        if value is None or (isinstance(value, str) and not value.strip() and f.type is not FieldType.BOOL):
            if f.required:
                errors[f.name] = "Bắt buộc / required"
            continue
        try:
            cleaned[f.name] = _coerce(f, value)
        except ValueError as exc:
            errors[f.name] = str(exc)
    if errors:
        raise InvalidData("Dữ liệu không hợp lệ / invalid data", {"fields": errors})
    return cleaned


def _coerce(f: Field, value: Any) -> Any:
    match f.type:
        case FieldType.TEXT | FieldType.UNIT:
            if not isinstance(value, str):
                raise ValueError("Phải là chuỗi / must be a string")
            # Vietnamese arrives as NFC or NFD depending on the keyboard; store one form.
            text = unicodedata.normalize("NFC", value).strip()
            if len(text) > f.max_length:
                raise ValueError(f"Dài quá {f.max_length} ký tự / longer than {f.max_length} characters")
            return text
        case FieldType.DATE:
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                return value
            if isinstance(value, str):
                try:
                    return dt.date.fromisoformat(value)
                except ValueError:
                    pass
            raise ValueError("Ngày dạng YYYY-MM-DD / a date as YYYY-MM-DD")
        case FieldType.CHOICE:
            if value not in f.choices:
                raise ValueError(f"Một trong / one of: {', '.join(f.choices)}")
            return value
        case FieldType.BOOL:
            if not isinstance(value, bool):
                raise ValueError("Phải là true/false / must be true or false")
            return value
        case FieldType.COUNT:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError("Số nguyên không âm / a whole number >= 0")
            return value
        case FieldType.AMOUNT:
            if isinstance(value, bool):
                raise ValueError("Phải là số / must be a number")
            try:
                amount = Decimal(str(value))
            except InvalidOperation:
                raise ValueError("Phải là số / must be a number") from None
            if not amount.is_finite() or amount < 0 or amount > Decimal("1e15"):
                raise ValueError("Số không âm, hữu hạn / a finite number >= 0")
            return amount
    raise ValueError(f"unsupported field type {f.type}")  # pragma: no cover - every type is matched above


class Engine:
    """Decides transitions and deadlines for every workflow, under a calendar and rule book."""

    def __init__(self, calendar: WorkingCalendar | None = None, rulebook: RuleBook | None = None):
        self.calendar = calendar or WorkingCalendar()
        self.rulebook = rulebook or shipped_rulebook()

    # -- what a user may do -------------------------------------------------------------
    @staticmethod
    def workflow(case: CaseFacts) -> Workflow:
        """The workflow version `case` is pinned to."""
        return definitions.get(case.kind, case.workflow_version)

    def triggers_from(self, case: CaseFacts) -> list[Trigger]:
        """The triggers the case's workflow allows from its current state."""
        workflow = self.workflow(case)
        names = machine_for(workflow).get_triggers(case.state)
        return [t for t in workflow.triggers if t.name in names]

    # -- the start of a case --------------------------------------------------------------
    def start(
        self,
        kind: str,
        *,
        effective_on: dt.date,
        state: str | None = None,
        flags: Flags | None = None,
        due_on: dt.date | None = None,
        overrides: Mapping[str, int] | None = None,
        version: int | None = None,
    ) -> Step:
        """How a new case of `kind` starts (under its latest workflow unless `version` is given):
        its state, its first due date and the rule set used."""
        workflow = definitions.latest(kind) if version is None else definitions.get(kind, version)
        flags = flags or Flags()
        state = state or workflow.initial[0]
        if state not in workflow.initial:
            raise TriggerNotAllowed(f"Không thể tạo hồ sơ ở trạng thái {state} / a {kind} cannot start as {state}")
        step = Step("intake", None, state, effective_on, None, None, None, 0, None, None, flags)
        if workflow.state(state).clock.value != "running":
            return step
        if due_on is not None:
            return self._due_from_data(step, due_on)
        if workflow.processing_period and state == "received":
            return self._start_period(step, workflow.processing_period(flags), overrides)
        if workflow.resolution_period:
            return self._start_period(step, workflow.resolution_period(flags), overrides)
        if workflow.default_period:
            return self._start_period(step, workflow.default_period, overrides)
        raise InvalidData("Cần hạn xử lý / a due date is required", {"fields": {"due_on": "Bắt buộc / required"}})

    # -- a trigger --------------------------------------------------------------------------
    def fire(
        self,
        case: CaseFacts,
        trigger: str,
        *,
        effective_on: dt.date,
        data: Mapping[str, Any] | None = None,
        overrides: Mapping[str, int] | None = None,
    ) -> Step:
        """What `trigger` does to `case` when fired on `effective_on` with `data`. Who may fire it
        (a trigger's `who`, the place of the user) is the tracker's policy to decide, before."""
        workflow = self.workflow(case)
        spec = workflow.trigger(trigger)
        if spec is None:
            raise UnknownTrigger(
                f"Không có thao tác {trigger!r} cho loại {case.kind} / no trigger {trigger!r} for a {case.kind}",
                {"triggers": [t.name for t in workflow.triggers]},
            )
        token = _Token(case.state)
        try:
            machine_for(workflow).events[trigger].trigger(token)
        except MachineError:
            raise TriggerNotAllowed(
                f"Không thể {trigger} khi hồ sơ đang ở trạng thái {case.state} / {trigger} is not allowed from {case.state}",
                {"state": case.state, "allowed": [t.name for t in self.triggers_from(case)]},
            ) from None
        cleaned = clean_data(spec.fields, data)
        errors: dict[str, str] = {}
        for check in spec.checks:
            errors.update(check(cleaned))
        if errors:
            raise InvalidData("Dữ liệu không hợp lệ / invalid data", {"fields": errors})

        flags = Flags(
            round=case.round,
            complex=bool(cleaned.get("complex", case.complex)),
            remote=bool(cleaned.get("remote", case.remote)),
            multi_place=case.multi_place,
            multi_agency=case.multi_agency,
        )
        step = self._effects(case, spec, token.state, effective_on, cleaned, flags)
        match spec.due:
            case DueRule.KEEP:
                return step
            case DueRule.PROCESSING:
                assert workflow.processing_period is not None
                return self._start_period(step, workflow.processing_period(flags), overrides)
            case DueRule.RESOLUTION:
                assert workflow.resolution_period is not None
                return self._start_period(step, workflow.resolution_period(flags), overrides)
            case DueRule.FROM_DATA | DueRule.DEFAULT_OR_DATA:
                return self._due_from_data(step, cleaned["due_on"])
            case DueRule.EXTEND:
                return self._extend(workflow, case, step, cleaned["due_on"])
            case DueRule.PAUSE:
                return replace(step, paused_on=effective_on)
            case DueRule.RESUME:
                return self._resume(workflow, case, step)
        raise AssertionError(spec.due)  # pragma: no cover

    def _effects(self, case: CaseFacts, spec: Trigger, to_state: str, effective_on: dt.date, cleaned: dict[str, Any],
                 flags: Flags) -> Step:
        """The step before its due-date rule: the state reached and the dates the trigger's
        declared effects set, after the checks the declaration asks for."""
        if spec.stays_when and cleaned.get(spec.stays_when):
            to_state = case.state  # e.g. a denunciation withdrawn under pressure is still resolved (TC Art. 33)
        if spec.max_round is not None and case.round > spec.max_round:
            raise InvalidData(
                "Đã giải quyết lần hai: công dân có quyền khởi kiện tại Tòa án hành chính (hướng dẫn) / "
                "a second-round complaint cannot go to a third round: the citizen may sue at the administrative court (guide)",
                {"round": case.round, "source": "KN Art. 33, 42"},
            )
        decided_on = case.decided_on
        if Effect.DECIDE in spec.effects:
            decided_on = effective_on
        elif Effect.UNDECIDE in spec.effects:
            decided_on = None
        delivered_on = case.delivered_on if decided_on is not None else None
        if Effect.DELIVER in spec.effects:
            delivered_on = cleaned.get("delivered_on", delivered_on)
            if delivered_on is not None and decided_on is not None and delivered_on < decided_on:
                raise InvalidData("Ngày nhận quyết định trước ngày ra quyết định / the decision was received before it was issued",
                                  {"fields": {"delivered_on": f">= {decided_on.isoformat()}"}})
        if case.state in spec.after_deadline_from and case.decided_on is None:
            self._check_deadline_passed(case, effective_on)
        if spec.window is not None:
            self._check_window(case, spec.window, effective_on)
        return Step(
            spec.name, case.state, to_state, effective_on, case.due_on, case.clock_started_on, case.paused_on,
            case.extensions_used, case.rule_set, None, flags, cleaned, spec.effects, decided_on, delivered_on,
            case.period_end_on, case.suspended_days,
        )

    # -- replaying a case ----------------------------------------------------------------------
    def replay(self, start: Facts, started_on: dt.date, steps: list[Replayed], *, due_on: dt.date | None = None,
               overrides: Mapping[str, int] | None = None) -> Facts:
        """Where a case's recorded steps lead under this engine's calendar and rule book: the
        deadlines recounted, e.g. after an administrator changed the calendar. Raises a
        WorkflowError when a step the law allowed then is refused now."""
        flags = Flags(round=start.round, multi_place=start.multi_place, multi_agency=start.multi_agency)
        step = self.start(start.kind, version=start.workflow_version, effective_on=started_on, state=start.state,
                          flags=flags, due_on=due_on, overrides=overrides)
        facts = start.after(replace(step, decided_on=start.decided_on, delivered_on=start.delivered_on))
        workflow = definitions.get(start.kind, start.workflow_version)
        for recorded in steps:
            spec = workflow.trigger(recorded.trigger)
            if spec is None:
                continue  # not a step of the procedure (a view of a denouncer's identity, a recount)
            declared = {f.name for f in spec.fields}
            data = {k: v for k, v in recorded.data.items() if k in declared}
            facts = facts.after(self.fire(facts, recorded.trigger, effective_on=recorded.effective_on,
                                          data=data, overrides=overrides))
        return facts

    # -- deadlines --------------------------------------------------------------------------
    def in_force(self, on: dt.date, field_name: str = "effective_on") -> RuleSet:
        """The rule set in force on `on`; a date before the earliest set is refused (422), naming it."""
        try:
            return self.rulebook.in_force(on)
        except RuleSetError:
            earliest = self.rulebook.sets[0]
            raise InvalidData(
                f"Ngày {on:%d/%m/%Y} trước ngày áp dụng của bộ quy định sớm nhất ({earliest.effective_from:%d/%m/%Y}) / "
                f"{on.isoformat()} is before the earliest rule set, in force from {earliest.effective_from.isoformat()}",
                {"fields": {field_name: f">= {earliest.effective_from.isoformat()}"}, "earliest": earliest.effective_from.isoformat(),
                 "rule_set": earliest.id},
            ) from None

    def _start_period(self, step: Step, key: str, overrides: Mapping[str, int] | None) -> Step:
        rule_set = self.in_force(step.effective_on)
        period = rule_set.period(key)
        if overrides and period.configurable and key in overrides:
            period = replace(period, days=int(overrides[key]), source=f"{period.source} (cấu hình của đơn vị / unit setting)")
        end = self.calendar.last_day(step.effective_on, period.days, period.unit)
        return replace(
            step, due_on=self.calendar.end_on_working_day(end, period.unit), clock_started_on=step.effective_on,
            paused_on=None, extensions_used=0, rule_set=rule_set.id, period=period, period_end_on=end, suspended_days=0,
        )

    def _due_from_data(self, step: Step, due_on: dt.date) -> Step:
        if due_on <= step.effective_on:
            raise InvalidData(
                "Hạn xử lý phải sau ngày giao / the due date must be after the date it is set",
                {"fields": {"due_on": f"> {step.effective_on.isoformat()}"}},
            )
        rule_set = self.in_force(step.effective_on).id
        return replace(step, due_on=due_on, clock_started_on=step.effective_on, paused_on=None, rule_set=rule_set,
                       period_end_on=due_on, suspended_days=0)

    def _rule_set_of(self, case: CaseFacts, fallback: dt.date) -> RuleSet:
        try:
            return self.rulebook.by_id(case.rule_set) if case.rule_set else self.in_force(fallback)
        except RuleSetError:
            return self.in_force(fallback)

    def extension_limit(self, case: CaseFacts, flags: Flags | None = None) -> dt.date | None:
        """The latest due date an extension of `case` may reach now, or None when it cannot be
        extended (the kind has no extension, no due date, or the extensions are used up)."""
        workflow = self.workflow(case)
        rule_set = self._rule_set_of(case, case.clock_started_on or case.due_on or dt.date.min)
        rule = rule_set.extension(workflow.kind)
        if rule is None or case.due_on is None or case.extensions_used >= rule.max_times:
            return None
        limits = []
        if rule.max_days_each is not None:
            limits.append(self.calendar.add_calendar_days(case.due_on, rule.max_days_each))
        if rule.cap_period is not None and workflow.resolution_period is not None:
            base = flags or Flags(round=case.round, complex=case.complex, remote=case.remote,
                                  multi_place=case.multi_place, multi_agency=case.multi_agency)
            cap = rule_set.period(workflow.resolution_period(replace(base, **{rule.cap_period: True})))
            # The legal maximum moves by the days the clock was suspended, as the due date does (DOMAIN.md §2).
            end = self.calendar.last_day(case.clock_started_on or case.due_on, cap.days, cap.unit)
            limits.append(self.calendar.end_on_working_day(self.calendar.shift(end, case.suspended_days, cap.unit), cap.unit))
        return min(limits) if limits else None

    def _extend(self, workflow: Workflow, case: CaseFacts, step: Step, new_due: dt.date) -> Step:
        started = case.clock_started_on or step.effective_on
        rule_set = self._rule_set_of(case, started)
        rule = rule_set.extension(workflow.kind)

        def refuse(message: str) -> InvalidData:
            return InvalidData(message, {"fields": {"due_on": message}, "rule_set": rule_set.id,
                                         "source": rule.source if rule else ""})

        if rule is None or case.due_on is None:
            raise refuse("Loại hồ sơ này không được gia hạn / this kind of case cannot be extended")
        if case.extensions_used >= rule.max_times:
            raise refuse(f"Đã gia hạn tối đa {rule.max_times} lần / already extended {rule.max_times} time(s), the legal maximum")
        if new_due <= case.due_on:
            raise refuse("Hạn mới phải sau hạn hiện tại / the new due date must be after the current one")
        limit = self.extension_limit(case, step.flags)
        if limit is not None and new_due > limit:
            raise refuse(f"Không quá thời hạn tối đa theo luật (đến {limit:%d/%m/%Y}) / "
                         f"not beyond the legal maximum ({limit.isoformat()})")
        return replace(step, due_on=new_due, extensions_used=case.extensions_used + 1, period_end_on=new_due)

    def _resume(self, workflow: Workflow, case: CaseFacts, step: Step) -> Step:
        if case.paused_on is None or case.due_on is None:
            return replace(step, paused_on=None)
        started = case.clock_started_on or case.paused_on
        unit = self._rule_set_of(case, started).period(workflow.resolution_period(step.flags)).unit \
            if workflow.resolution_period else None
        if unit is None:
            return replace(step, paused_on=None)
        # The clock did not run while suspended: the period's own last day (before any roll-over)
        # moves by the days it lost, counted the way the period is, then rolls over once (DOMAIN.md §2).
        lost = self.calendar.days_between(case.paused_on, step.effective_on, unit)
        if not lost:
            return replace(step, paused_on=None)
        end = self.calendar.shift(case.period_end_on or case.due_on, lost, unit)
        return replace(step, due_on=self.calendar.end_on_working_day(end, unit), paused_on=None, period_end_on=end,
                       suspended_days=case.suspended_days + lost)

    def _check_deadline_passed(self, case: CaseFacts, effective_on: dt.date) -> None:
        # Without a decision, the next round opens only once the deadline has passed (KN Art. 33, TC Art. 37);
        # a suspended case's deadline counts up to the day it was suspended.
        until = case.paused_on or effective_on
        if case.due_on is None or until <= case.due_on:
            due = f" ({case.due_on:%d/%m/%Y})" if case.due_on else ""
            raise InvalidData(
                f"Chưa có quyết định và chưa hết thời hạn giải quyết{due} / no decision yet and the deadline has not passed",
                {"fields": {"effective_on": f"> {case.due_on.isoformat()}" if case.due_on else "after the deadline"}},
            )

    def window_last_day(self, case: CaseFacts, key: str) -> dt.date | None:
        """The last day of a window (rule-set period `key`, "_remote" in a remote area) that runs
        from the day the decision was received (the decision date when unknown), or from the day the
        deadline passed without a decision (KN Art. 33); None when neither has happened."""
        base = (case.delivered_on or case.decided_on) if case.decided_on is not None else case.due_on
        if base is None:
            return None
        period = self.in_force(base).period(f"{key}_remote" if case.remote else key)
        return self.calendar.add(base, period.days, period.unit)

    def recomplaint_last_day(self, case: CaseFacts) -> dt.date | None:
        """The last day a second complaint may be lodged against the first decision, or None
        before a decision (then the window has not started)."""
        if case.decided_on is None:
            return None
        return self.window_last_day(case, "complaint.recomplaint_window")

    def _check_window(self, case: CaseFacts, key: str, effective_on: dt.date) -> None:
        last = self.window_last_day(case, key)
        if last is not None and effective_on > last:
            period = self.in_force(effective_on).period(key)
            raise InvalidData(
                f"Quá thời hạn khiếu nại lần hai ({last:%d/%m/%Y}) / "
                f"the second complaint is out of time (last day {last.isoformat()})",
                {"fields": {"effective_on": period.source}, "last_day": last.isoformat()},
            )

    def final_on(self, case: CaseFacts) -> dt.date | None:
        """The day a resolved case's decision becomes final (DOMAIN.md §3 "Final decisions"): a
        second-round decision on issue; a first-round complaint decision when the second-complaint
        window, counted from its delivery, has run out; None when the law sets no such day."""
        if case.state != "resolved" or case.decided_on is None:
            return None
        if case.kind != "complaint":
            return None
        if case.round >= 2:
            return case.decided_on
        base = case.delivered_on or case.decided_on
        key = "complaint.decision_final_remote" if case.remote else "complaint.decision_final"
        period = self.in_force(base).period(key)
        # "After 30 days" (KN Art. 44): the day after the last day a second complaint could be made.
        return self.calendar.add(base, period.days, period.unit) + dt.timedelta(days=1)
