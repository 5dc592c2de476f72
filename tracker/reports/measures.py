"""The named measures the official forms' columns take (the form files in `forms/` say which
column takes which measure, and why). Each measure is a count or a sum over the rows of a
source, computed in SQL per report row exactly as the metrics are (one aggregate query per
source, rows from the stored unit paths).

Sources:
- `visits`: reception visits on a day of the period (01/TCD), by the unit that received.
- `reception_days`: the distinct days a unit's head, or someone the head authorised, received
  citizens (a day with at least one visit recorded).
- `xld_items`: petition handling (01/XLD). A petition is handled at each unit it reaches: on
  intake at the unit that must process it, or on arrival at the unit it was forwarded to; its
  handling is the next processing act there (accept, forward, guide, file, or a withdrawal
  before acceptance). An urging notice (`urge`) a unit sends about a petition it does not
  resolve is an item handled the same day by that unit. An item counts in a period when it
  arrived in it, or arrived before and was not handled before it began.
- `xld_replies`: forwards answered: the unit the petition was forwarded to recorded its own
  processing act in the period (the system informs the forwarding unit: that is its reply).
- `resolution_complaint`, `resolution_denunciation`: complaints / denunciations to resolve in
  the period (accepted in it, or accepted before and neither decided nor withdrawn when it
  began), by resolving unit, with the decision that resolved them.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import CTE, ColumnElement, Select, and_, case, func, literal, or_, select, true, union_all
from sqlalchemy.orm import Session, aliased

from tracker.metrics.figures import Facts, Window
from tracker.metrics.sql import resolving_unit_id
from tracker.models import Case, Decision, HistoryEntry, ReceptionVisit, User, visit_cases
from tracker.models.cases import MANY_PERSON_THRESHOLD

PETITIONS = ("complaint", "denunciation", "recommendation", "feedback")
CAPACITIES = {"staff": ("staff",), "head": ("head_scheduled", "head_ad_hoc"), "authorised": ("authorised",)}
MILLION = Decimal(1_000_000)


@dataclass(frozen=True)
class MeasureSource:
    """A query with one row per record that may count in a window, with `unit_id`."""

    name: str
    build: Callable[[Window], Select[tuple[object, ...]]]


@dataclass(frozen=True)
class Measure:
    """A count of the source's rows meeting `where`, or the sum of `value` over them (/ `scale`)."""

    key: str
    source: MeasureSource
    where: Callable[[Facts, Window], ColumnElement[bool]]
    value: Callable[[Facts], ColumnElement[object]] | None = None
    amount: bool = False  # money or land: a decimal, not a whole number
    scale: Decimal = Decimal(1)  # e.g. VND -> million VND
    distinct: bool = False  # count distinct records (matters), not rows (petitions at each unit)


# -- sources -----------------------------------------------------------------------------------

def _capacity(column: ColumnElement[str]) -> ColumnElement[str]:
    return case(*[(column.in_(kinds), name) for name, kinds in CAPACITIES.items()], else_="staff")


def _visits(window: Window) -> Select[tuple[object, ...]]:
    linked = select(func.count()).where(visit_cases.c.visit_id == ReceptionVisit.id).scalar_subquery()
    return select(
        ReceptionVisit.id.label("record_id"), ReceptionVisit.unit_id.label("unit_id"),
        _capacity(ReceptionVisit.reception).label("capacity"), ReceptionVisit.persons, ReceptionVisit.delegation,
        ReceptionVisit.repeat,
        # The matters a visit concerns: the cases linked to it, at least one (a visit is about something).
        case((linked > 1, linked), else_=1).label("matters"),
    ).where(ReceptionVisit.visited_on.between(window.start, window.end))


def _reception_days(window: Window) -> Select[tuple[object, ...]]:
    capacity = _capacity(ReceptionVisit.reception)
    return (
        select(ReceptionVisit.unit_id.label("unit_id"), ReceptionVisit.visited_on, capacity.label("capacity"))
        .where(ReceptionVisit.visited_on.between(window.start, window.end))
        .group_by(ReceptionVisit.unit_id, ReceptionVisit.visited_on, capacity)
    )


def _processing_act(entry: type[HistoryEntry]) -> ColumnElement[bool]:
    """An entry that ends a petition's processing at a unit."""
    return or_(entry.trigger.in_(("accept", "forward", "guide", "file")),
               and_(entry.trigger == "withdraw", entry.from_state == "received"))


def _next_act_seq(entry: type[HistoryEntry]) -> ColumnElement[int]:
    nxt = aliased(HistoryEntry, name="next_act")
    return (select(func.min(nxt.seq)).where(nxt.case_id == entry.case_id, nxt.seq > entry.seq, _processing_act(nxt))
            .scalar_subquery())


def _signer(case_: type[Case]) -> ColumnElement[str]:
    return case((case_.anonymous, "other"), (case_.crowd_size >= MANY_PERSON_THRESHOLD, "many"), else_="one")


def _xld_items(window: Window) -> Select[tuple[object, ...]]:
    start, end = window.start, window.end
    arrival, act = aliased(HistoryEntry, name="arrival"), aliased(HistoryEntry, name="act")
    left_processing_on = func.coalesce(Case.accepted_on, Case.final_on)
    arrived = (
        select(
            arrival.case_id, arrival.effective_on.label("arrived_on"),
            func.coalesce(arrival.unit_id, resolving_unit_id()).label("unit_id"),
            Case.kind, _signer(Case).label("signer"), Case.round, _next_act_seq(arrival).label("act_seq"),
        )
        .join(Case, Case.id == arrival.case_id)
        .where(
            Case.kind.in_(PETITIONS), arrival.trigger.in_(("intake", "forward")), arrival.effective_on <= end,
            # A case that left processing for good before the period has nothing to count in it.
            or_(left_processing_on.is_(None), left_processing_on >= start),
        )
        .subquery("arrived")
    )
    arrivals = (
        select(
            arrived.c.case_id.label("record_id"), arrived.c.unit_id, arrived.c.kind, arrived.c.signer, arrived.c.round,
            arrived.c.arrived_on, act.effective_on.label("handled_on"), act.trigger.label("outcome"),
        )
        .select_from(arrived.outerjoin(act, and_(act.case_id == arrived.c.case_id, act.seq == arrived.c.act_seq)))
        .where(or_(arrived.c.arrived_on >= start, act.id.is_(None), act.effective_on >= start))
    )
    urge = aliased(HistoryEntry, name="urge")
    urges = (
        select(
            urge.case_id.label("record_id"), User.unit_id.label("unit_id"), Case.kind, _signer(Case).label("signer"),
            Case.round, urge.effective_on.label("arrived_on"), urge.effective_on.label("handled_on"),
            literal("urge").label("outcome"),
        )
        .join(Case, Case.id == urge.case_id)
        .join(User, User.id == urge.actor_id)
        .where(urge.trigger == "urge", Case.kind.in_(PETITIONS), urge.effective_on.between(start, end))
    )
    items = union_all(arrivals, urges).subquery("items")
    return select(*items.c)


def _xld_replies(window: Window) -> Select[tuple[object, ...]]:
    forward, before, act = (aliased(HistoryEntry, name=n) for n in ("fwd", "before_fwd", "act"))
    forwarding_unit = (
        select(func.coalesce(before.unit_id, Case.received_unit_id))
        .where(before.case_id == forward.case_id, before.seq == forward.seq - 1).scalar_subquery()
    )
    forwards = (
        select(forward.case_id, forwarding_unit.label("unit_id"), _next_act_seq(forward).label("act_seq"))
        .join(Case, Case.id == forward.case_id)
        .where(forward.trigger == "forward", Case.kind.in_(PETITIONS), forward.effective_on <= window.end,
               Case.last_effective_on >= window.start)
        .subquery("forwards")
    )
    return (
        select(forwards.c.case_id.label("record_id"), forwards.c.unit_id)
        .join(act, and_(act.case_id == forwards.c.case_id, act.seq == forwards.c.act_seq))
        .where(act.effective_on.between(window.start, window.end))
    )


def _resolution(kind: str) -> Callable[[Window], Select[tuple[object, ...]]]:
    def build(window: Window) -> Select[tuple[object, ...]]:
        settled_on = func.coalesce(Case.decided_on, Case.final_on)
        return (
            select(
                Case.id.label("record_id"), resolving_unit_id().label("unit_id"), Case.round, Case.parent_case_id,
                Case.accepted_on,
                Case.decided_on, Case.final_on, Case.due_on, Case.state, Case.crowd_size, Decision.outcome,
                Decision.recovered_money_vnd, Decision.recovered_land_m2, Decision.returned_money_vnd,
                Decision.returned_land_m2, Decision.returned_to, Decision.people_disciplined, Decision.organisations_disciplined,
                Decision.civil_servants_disciplined, Decision.referred_for_investigation, Decision.civil_servants_referred,
            )
            .outerjoin(Decision, and_(Decision.case_id == Case.id, Decision.effective_on == Case.decided_on))
            .where(Case.kind == kind, Case.accepted_on <= window.end,
                   or_(Case.accepted_on >= window.start, settled_on.is_(None), settled_on >= window.start))
        )

    return build


VISITS = MeasureSource("visits", _visits)
RECEPTION_DAYS = MeasureSource("reception_days", _reception_days)
XLD_ITEMS = MeasureSource("xld_items", _xld_items)
XLD_REPLIES = MeasureSource("xld_replies", _xld_replies)
RESOLUTION = {kind: MeasureSource(f"resolution_{kind}", _resolution(kind)) for kind in ("complaint", "denunciation")}


# -- measures ------------------------------------------------------------------------------------

def _all(f: Facts, w: Window) -> ColumnElement[bool]:
    return true()


Where = Callable[[Facts, Window], ColumnElement[bool]]


def _visit(capacity: str | None = None, delegation: bool = False, repeat: bool | None = None) -> Where:
    def where(f: Facts, w: Window) -> ColumnElement[bool]:
        parts: list[ColumnElement[bool]] = [true()]
        if capacity is not None:
            parts.append(f.capacity == capacity)
        if delegation:
            parts.append(f.delegation)
        if repeat is not None:
            parts.append(f.repeat if repeat else ~f.repeat)
        return and_(*parts)

    return where


def _tcd_measures() -> list[Measure]:
    def persons(f: Facts) -> ColumnElement[object]:
        return f.persons

    def matters(f: Facts) -> ColumnElement[object]:
        return f.matters

    found = [Measure("tcd.all.visits", VISITS, _visit()), Measure("tcd.all.persons", VISITS, _visit(), value=persons),
             Measure("tcd.all.matters", VISITS, _visit(), value=matters)]
    for name in CAPACITIES:
        found += [
            Measure(f"tcd.{name}.visits", VISITS, _visit(name)),
            Measure(f"tcd.{name}.persons", VISITS, _visit(name), value=persons),
            Measure(f"tcd.{name}.matters_first", VISITS, _visit(name, repeat=False), value=matters),
            Measure(f"tcd.{name}.matters_repeat", VISITS, _visit(name, repeat=True), value=matters),
            Measure(f"tcd.{name}.delegations", VISITS, _visit(name, delegation=True)),
            Measure(f"tcd.{name}.delegation_persons", VISITS, _visit(name, delegation=True), value=persons),
            Measure(f"tcd.{name}.delegation_first", VISITS, _visit(name, delegation=True, repeat=False), value=matters),
            Measure(f"tcd.{name}.delegation_repeat", VISITS, _visit(name, delegation=True, repeat=True), value=matters),
            Measure(f"tcd.{name}.days", RECEPTION_DAYS, _visit(name)),
        ]
    return found


ELIGIBLE = ("accept", "forward", "guide", "urge")
NOT_COMPETENT = ("forward", "guide", "urge")
KIND_GROUPS = {"complaint": ("complaint",), "denunciation": ("denunciation",), "other": ("recommendation", "feedback")}


def _handled(f: Facts, w: Window) -> ColumnElement[bool]:
    return and_(f.handled_on.is_not(None), f.handled_on <= w.end)


def _eligible(f: Facts, w: Window) -> ColumnElement[bool]:
    return and_(_handled(f, w), f.outcome.in_(ELIGIBLE))


def _xld_measures() -> list[Measure]:
    found = [
        Measure("xld.total", XLD_ITEMS, _all),
        Measure("xld.carried", XLD_ITEMS, lambda f, w: f.arrived_on < w.start),
        Measure("xld.new", XLD_ITEMS, lambda f, w: f.arrived_on >= w.start),
        Measure("xld.handled", XLD_ITEMS, _handled),
        Measure("xld.unhandled", XLD_ITEMS, lambda f, w: or_(f.handled_on.is_(None), f.handled_on > w.end)),
        Measure("xld.eligible", XLD_ITEMS, _eligible),
        Measure("xld.status.resolved_once", XLD_ITEMS, lambda f, w: and_(_eligible(f, w), f.round == 2)),
        Measure("xld.status.resolved_many", XLD_ITEMS, lambda f, w: and_(_eligible(f, w), f.round >= 3)),
        Measure("xld.status.unresolved", XLD_ITEMS, lambda f, w: and_(_eligible(f, w), f.round <= 1)),
        Measure("xld.status.in_progress", XLD_ITEMS, lambda f, w: and_(_eligible(f, w), f.round <= 1, f.outcome == "urge")),
        Measure("xld.status.not_started", XLD_ITEMS, lambda f, w: and_(_eligible(f, w), f.round <= 1, f.outcome != "urge")),
        Measure("xld.competent", XLD_ITEMS, lambda f, w: and_(_eligible(f, w), f.outcome == "accept")),
        Measure("xld.not_competent", XLD_ITEMS, lambda f, w: and_(_eligible(f, w), f.outcome.in_(NOT_COMPETENT))),
        Measure("xld.replies", XLD_REPLIES, _all),
    ]
    for outcome in NOT_COMPETENT:
        found.append(Measure(f"xld.not_competent.{outcome}", XLD_ITEMS,
                             lambda f, w, o=outcome: and_(_eligible(f, w), f.outcome == o)))
    for signer in ("many", "one", "other"):
        found += [
            Measure(f"xld.carried.{signer}", XLD_ITEMS, lambda f, w, s=signer: and_(f.arrived_on < w.start, f.signer == s)),
            Measure(f"xld.new.{signer}", XLD_ITEMS, lambda f, w, s=signer: and_(f.arrived_on >= w.start, f.signer == s)),
        ]
    for group, kinds in KIND_GROUPS.items():
        found += [
            Measure(f"xld.eligible.{group}", XLD_ITEMS, lambda f, w, k=kinds: and_(_eligible(f, w), f.kind.in_(k))),
            Measure(f"xld.competent.{group}", XLD_ITEMS,
                    lambda f, w, k=kinds: and_(_eligible(f, w), f.outcome == "accept", f.kind.in_(k))),
        ]
    return found


def _decided(f: Facts, w: Window) -> ColumnElement[bool]:
    return f.decided_on.between(w.start, w.end)


def _ended_undecided(f: Facts, w: Window) -> ColumnElement[bool]:
    return and_(f.decided_on.is_(None), f.final_on.between(w.start, w.end))


def _returned(f: Facts) -> ColumnElement[bool]:
    return or_(func.coalesce(f.returned_money_vnd, 0) > 0, func.coalesce(f.returned_land_m2, 0) > 0)


def _to_organisation(f: Facts) -> ColumnElement[bool]:
    return func.coalesce(f.returned_to, "individual") == "organisation"


def _resolution_measures(kind: str) -> list[Measure]:
    src, p = RESOLUTION[kind], f"kq.{kind}"

    def decided(extra: Callable[[Facts], ColumnElement[bool]]) -> Callable[[Facts, Window], ColumnElement[bool]]:
        return lambda f, w: and_(_decided(f, w), extra(f))

    def amount(key: str, column: str, extra: Callable[[Facts], ColumnElement[bool]] = lambda f: true(),
               scale: Decimal = Decimal(1)) -> Measure:
        return Measure(f"{p}.{key}", src, decided(extra), value=lambda f: f[column], amount=True, scale=scale)

    def people(key: str, column: str) -> Measure:
        return Measure(f"{p}.{key}", src, decided(lambda f: true()), value=lambda f: f[column])

    found = [
        Measure(f"{p}.total", src, _all),
        Measure(f"{p}.carried", src, lambda f, w: f.accepted_on < w.start),
        Measure(f"{p}.new", src, lambda f, w: f.accepted_on >= w.start),
        Measure(f"{p}.repeat", src, lambda f, w: f.round >= 2),
        Measure(f"{p}.decided", src, _decided),
        Measure(f"{p}.decided.first", src, decided(lambda f: f.round <= 1)),
        Measure(f"{p}.decided.repeat", src, decided(lambda f: f.round >= 2)),
        Measure(f"{p}.finished", src, lambda f, w: or_(_decided(f, w), _ended_undecided(f, w))),
        Measure(f"{p}.withdrawn", src, lambda f, w: and_(_ended_undecided(f, w), f.state == "withdrawn")),
        Measure(f"{p}.terminated", src, lambda f, w: and_(_ended_undecided(f, w), f.state != "withdrawn")),
        amount("recovered_money", "recovered_money_vnd", scale=MILLION),
        amount("recovered_land", "recovered_land_m2"),
        amount("returned_org_money", "returned_money_vnd", _to_organisation, MILLION),
        amount("returned_org_land", "returned_land_m2", _to_organisation),
        amount("returned_person_money", "returned_money_vnd", lambda f: ~_to_organisation(f), MILLION),
        amount("returned_person_land", "returned_land_m2", lambda f: ~_to_organisation(f)),
        Measure(f"{p}.organisations_returned", src, decided(lambda f: and_(_returned(f), _to_organisation(f)))),
        Measure(f"{p}.people_returned", src, decided(lambda f: and_(_returned(f), ~_to_organisation(f))),
                value=lambda f: f.crowd_size),
        people("disciplined", "people_disciplined"),
        people("disciplined_civil_servants", "civil_servants_disciplined"),
        Measure(f"{p}.referred_cases", src, decided(lambda f: func.coalesce(f.referred_for_investigation, 0) > 0)),
        people("referred_people", "referred_for_investigation"),
        people("referred_civil_servants", "civil_servants_referred"),
        Measure(f"{p}.on_time", src, decided(lambda f: or_(f.due_on.is_(None), f.decided_on <= f.due_on))),
        Measure(f"{p}.late", src, decided(lambda f: and_(f.due_on.is_not(None), f.decided_on > f.due_on))),
    ]
    for outcome in ("upheld", "rejected", "partly_upheld"):
        found += [
            Measure(f"{p}.{outcome}", src, decided(lambda f, o=outcome: f.outcome == o)),
            Measure(f"{p}.{outcome}.first", src, decided(lambda f, o=outcome: and_(f.outcome == o, f.round <= 1))),
            Measure(f"{p}.{outcome}.repeat", src, decided(lambda f, o=outcome: and_(f.outcome == o, f.round >= 2))),
        ]
    # A second-round decision either recognises the first decision (the complaint is rejected)
    # or annuls or amends it (the complaint is upheld, wholly or in part).
    found.append(Measure(f"{p}.second.recognised", src, decided(lambda f: and_(f.round >= 2, f.outcome == "rejected"))))
    found.append(Measure(f"{p}.second.overturned", src,
                         decided(lambda f: and_(f.round >= 2, f.outcome.in_(("upheld", "partly_upheld"))))))
    return found


MEASURES: dict[str, Measure] = {
    m.key: m for m in _tcd_measures() + _xld_measures() + _resolution_measures("complaint") + _resolution_measures("denunciation")
}


def all_measures() -> dict[str, Measure]:
    """Every measure a form file may name: these and those the TT 06/2025 forms added."""
    from tracker.reports.measures_tt06 import TT06_MEASURES  # builds on the sources above

    return {**MEASURES, **TT06_MEASURES}


# -- computing -----------------------------------------------------------------------------------

def _aggregate(measure: Measure, facts: Facts, window: Window) -> ColumnElement[object]:
    condition = measure.where(facts, window)
    if measure.distinct:
        return func.count(func.distinct(case((condition, facts.record_id), else_=None)))
    if measure.value is None:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)
    return func.coalesce(func.sum(case((condition, measure.value(facts)), else_=None)), 0)


def measure_values(session: Session, keys: Iterable[str], window: Window, rows: CTE,
                   params: dict[str, object]) -> dict[int, dict[str, int | Decimal]]:
    """{row_id: {measure key: value}} for the measures named, one query per source (`params`
    name the report's root unit for `rows`)."""
    known = all_measures()
    by_source: dict[str, list[Measure]] = defaultdict(list)
    for key in dict.fromkeys(keys):
        by_source[known[key].source.name].append(known[key])
    values: dict[int, dict[str, int | Decimal]] = defaultdict(dict)
    for measures in by_source.values():
        facts = measures[0].source.build(window).subquery("facts")
        columns = [_aggregate(m, facts.c, window).label(f"m{i}") for i, m in enumerate(measures)]
        stmt = (
            select(rows.c.row_id, *columns)
            .select_from(facts.join(rows, rows.c.unit_id == facts.c.unit_id))
            .group_by(rows.c.row_id)
        )
        for row_id, *results in session.execute(stmt, params):
            for measure, result in zip(measures, results, strict=True):
                values[row_id][measure.key] = _number(result, measure)
    return values


def _number(result: object, measure: Measure) -> int | Decimal:
    if not measure.amount:
        return int(result or 0)  # type: ignore[call-overload]
    return Decimal(str(result or 0)) / measure.scale
