"""The vocabulary workflow definitions are written in: states, triggers, fields, scopes.

A definition is data. The engine turns it into a `transitions` machine; the tracker reads
the same objects to authorise a request, validate its data and list what a user may do.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Protocol


class Role(StrEnum):
    """What a user does in the system (DESIGN.md, 'Who uses it')."""

    ADMIN = "admin"
    RECEPTION = "reception"
    AGENCY = "agency"
    SUPERVISOR = "supervisor"
    LEADER = "leader"
    # The periodic sweep, acting for the law itself (a decision becoming final).
    SYSTEM = "system"


class Scope(StrEnum):
    """Where a role may fire a trigger, relative to the case; the tracker checks it."""

    AREA = "area"  # the case is in the user's area: their unit and every unit below it
    ASSIGNED = "assigned"  # the user's unit is the case's resolving (assigned) unit
    ABOVE_RESOLVING = "above_resolving"  # the user's unit is strictly above the resolving unit
    ISSUING_BOARD = "issuing_board"  # the user's board issued the recommendation
    BOARD_AREA = "board_area"  # the case lies in the area the user's board watches
    ANY = "any"  # no unit condition (the sweep)


class Clock(StrEnum):
    """What a state does to the case's legal deadline."""

    RUNNING = "running"  # the due date counts; the case can become overdue
    PAUSED = "paused"  # suspended: the clock does not run (DOMAIN.md §2)
    STOPPED = "stopped"  # the act the deadline asked for has been done


class FieldType(StrEnum):
    """Types of the data a trigger carries."""

    TEXT = "text"
    UNIT = "unit"  # a unit code, resolved by the tracker
    DATE = "date"
    CHOICE = "choice"
    BOOL = "bool"
    COUNT = "count"  # a whole number >= 0
    AMOUNT = "amount"  # a decimal number >= 0 (money in VND, land in m²)


class DueRule(StrEnum):
    """What a trigger does to the due date."""

    KEEP = "keep"
    PROCESSING = "processing"  # (re)start the processing period of the kind
    RESOLUTION = "resolution"  # start the resolution period of the kind
    FROM_DATA = "from_data"  # the actor sets `due_on`
    DEFAULT_OR_DATA = "default_or_data"  # `due_on` if given, else the kind's default period
    EXTEND = "extend"  # `due_on`, within the legal maximum
    PAUSE = "pause"
    RESUME = "resume"


class Effect(StrEnum):
    """What a trigger does to the case besides its state and due date. The tracker applies each
    effect a trigger declares, so a new trigger is one declaration (DOMAIN.md §4)."""

    ACCEPT = "accept"  # the petition is accepted for resolution: `accepted_on`
    ASSIGN = "assign"  # the unit named in `unit` becomes the resolving unit
    DECIDE = "decide"  # a decision or answer takes effect: `decided_on`
    RECORD_DECISION = "record_decision"  # its data (outcome, amounts, people) is kept for the result forms
    UNDECIDE = "undecide"  # a reopening or a returned answer undoes the decision
    DELIVER = "deliver"  # the day the petitioner received the decision: `delivered_on` (KN Art. 33)
    OPEN_LINKED_CASE = "open_linked_case"  # the next round at the superior unit (`parent_case_id`, round + 1)
    REOPEN = "reopen"  # counted as reopened
    URGE = "urge"  # counted as an urging notice
    TRANSFER = "transfer"  # the successor unit takes the case over; state and clock untouched
    RECORD_DIALOGUE = "record_dialogue"  # a dialogue with the complainant is on record (the second round's duty)
    FIND_COMPLEX = "find_complex"  # flagging the case complex keeps the step's reason as the written finding
    # One of several co-petitioners withdraws (`petitioner`); the case ends only with the last one
    # (`petitioners_remaining`, set by the tracker, keeps it where it is while others go on).
    PETITIONER_WITHDRAWS = "petitioner_withdraws"
    SEND_DECISION = "send_decision"  # the step is a decision the law gives a time to send (`send_within_working_days`)


class UnitTarget(StrEnum):
    """Where the unit named in a trigger's `unit` field may be, relative to the case."""

    AT_OR_BELOW = "at_or_below"  # the resolving unit or a unit below it (accept)
    ELSEWHERE = "elsewhere"  # any unit but the one holding the case (forward)
    IN_AREA = "in_area"  # a unit in the actor's area (reopen)
    SUPERIOR = "superior"  # a unit above the decider; by default the level right above (KN Art. 18, 21)
    SUCCESSOR = "successor"  # the unit that took over a closed unit's work (transfer)


@dataclass(frozen=True)
class Field:
    """One piece of data a trigger takes."""

    name: str
    type: FieldType
    required: bool = True
    choices: tuple[str, ...] = ()
    max_length: int = 10_000
    label: str = ""
    # Filled in by the tracker from what it knows (never typed by a user), recorded with the step.
    system: bool = False


@dataclass(frozen=True)
class State:
    """A state of a workflow, with what it does to the clock."""

    name: str
    label_vi: str
    label_en: str
    clock: Clock = Clock.RUNNING
    final: bool = False


@dataclass(frozen=True)
class Trigger:
    """A step of the procedure: from which states, to which, by whom, with what data."""

    name: str
    sources: tuple[str, ...]
    dest: str | None  # None: the case stays in the state it was in
    who: Mapping[Role, Scope]
    label_vi: str
    label_en: str
    fields: tuple[Field, ...] = ()
    due: DueRule = DueRule.KEEP
    source: str = ""  # the article this step comes from
    # Checks across fields: each returns {field: message} for what it finds wrong.
    checks: tuple[Callable[[Mapping[str, object]], dict[str, str]], ...] = ()
    # What else the step does (Effect), and where the unit it names may be.
    effects: frozenset[Effect] = frozenset()
    unit_target: UnitTarget | None = None
    # The highest round a case may fire the trigger in (a third complaint round is refused).
    max_round: int | None = None
    # States from which the trigger needs the case's deadline to have passed without a decision.
    after_deadline_from: tuple[str, ...] = ()
    # The rule-set period that bounds when the trigger may be fired after the decision (or the
    # deadline) it answers; its "_remote" variant applies in a remote area.
    window: str | None = None
    # A boolean field that, when true, records the step but keeps the case where it is.
    stays_when: str | None = None
    # The step needs a recorded dialogue (a step with Effect.RECORD_DIALOGUE) where the law makes
    # one mandatory (the second complaint round from 2026-07-01).
    needs_dialogue: bool = False
    # With Effect.SEND_DECISION: the working days the decision may take to reach the parties.
    send_within_working_days: int | None = None

    @property
    def opens_next_round(self) -> bool:
        """True when the step opens the linked case of the next round at the superior unit."""
        return Effect.OPEN_LINKED_CASE in self.effects

    def field(self, name: str) -> Field | None:
        """The declared field called `name`, if any."""
        return next((f for f in self.fields if f.name == name), None)


class CaseFacts(Protocol):
    """What the engine reads of a case. A tracker model satisfies it as it is."""

    @property
    def kind(self) -> str: ...
    @property
    def workflow_version(self) -> int: ...
    @property
    def state(self) -> str: ...
    @property
    def due_on(self) -> date | None: ...
    @property
    def clock_started_on(self) -> date | None: ...
    @property
    def paused_on(self) -> date | None: ...
    @property
    def extensions_used(self) -> int: ...
    @property
    def round(self) -> int: ...
    @property
    def complex(self) -> bool: ...
    @property
    def remote(self) -> bool: ...
    @property
    def multi_place(self) -> bool: ...
    @property
    def multi_agency(self) -> bool: ...
    @property
    def decided_on(self) -> date | None: ...
    @property
    def delivered_on(self) -> date | None: ...
    @property
    def period_end_on(self) -> date | None: ...
    @property
    def suspended_days(self) -> int: ...
    @property
    def rule_set(self) -> str | None: ...


@dataclass(frozen=True)
class Flags:
    """The facts that choose between a kind's periods."""

    round: int = 1
    complex: bool = False
    remote: bool = False
    multi_place: bool = False
    multi_agency: bool = False


@dataclass(frozen=True)
class Workflow:
    """One version of the procedure for one case kind."""

    kind: str
    version: int
    label_vi: str
    label_en: str
    states: tuple[State, ...]
    initial: tuple[str, ...]  # the states a new case may start in
    triggers: tuple[Trigger, ...]
    processing_period: Callable[[Flags], str] | None = None
    resolution_period: Callable[[Flags], str] | None = None
    # The period used when a case starts somewhere with no due date given (e.g. a board's default).
    default_period: str | None = None
    intake_fields: tuple[Field, ...] = ()
    _by_name: dict[str, Trigger] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = {s.name for s in self.states}
        for trig in self.triggers:
            unknown = (set(trig.sources) | ({trig.dest} if trig.dest else set())) - names
            if unknown:
                raise ValueError(f"{self.kind} v{self.version}: trigger {trig.name} names unknown states {unknown}")
            self._by_name[trig.name] = trig
        if set(self.initial) - names:
            raise ValueError(f"{self.kind}: unknown initial state")

    def trigger(self, name: str) -> Trigger | None:
        """The trigger called `name`, or None when this workflow has none."""
        return self._by_name.get(name)

    def state(self, name: str) -> State:
        """The state called `name`."""
        for s in self.states:
            if s.name == name:
                return s
        raise KeyError(name)

    @property
    def final_states(self) -> frozenset[str]:
        """States no ordinary trigger leaves (a reopening may)."""
        return frozenset(s.name for s in self.states if s.final)

    @property
    def running_states(self) -> frozenset[str]:
        """States in which the due date runs, so the case can be overdue."""
        return frozenset(s.name for s in self.states if s.clock is Clock.RUNNING and not s.final)

    def is_overdue(self, state: str, due_on: date | None, today: date) -> bool:
        """Overdue is derived, never stored: the clock runs in `state` and `today` is after the due date."""
        return state in self.running_states and due_on is not None and today > due_on
