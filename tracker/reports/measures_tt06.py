"""The measures the forms of TT 06/2025/TT-TTCP (in force from 30/09/2025) add to those of
`measures.py`; the form files in `forms/*.tt06-2025.toml` say which column takes which, and why
(shared/REPORT-FORMS-2025.md gives the annex).

Sources added:
- `announced_days`: the days of the schedule of leaders' reception days held in the period that
  had been publicly announced (01/TCD columns 10 and 16), by the unit and who hosts them.
- `tt06_xld_items`: petition handling as form 02/XLD counts it, and the competent petitions
  forms 03/GQKN and 04/GQTC analyse. A petition counts at each unit it reaches (on intake, or on
  arrival by forwarding) when it arrived in the period, or arrived before and its eligibility
  review there was not finished when the period began. The review finishes with the next
  processing act at that unit (accept, forward, guide, file, withdraw) or with an eligibility
  review record (tracker.models.reviews) finding the petition competent there. Urging notices are
  not petitions: unlike 01/XLD, this form does not count them.
- `tt06_executions`: every complaint decision and denunciation conclusion issued by the period's
  end whose execution had not finished when the period began, at the case's resolving unit, with
  what its execution records (tracker.models.executions) reached before and during the period.
- `tt06_documents`, `tt06_trainings`, `tt06_inspections`: the records of form 06/QLKNTC
  (tracker.models.management) dated in the period; inspections also when carried over without a
  conclusion, or when the execution of their conclusion was recorded in the period.
"""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select, true
from sqlalchemy.orm import aliased

from tracker.metrics.figures import Facts, Window
from tracker.metrics.sql import resolving_unit_id
from tracker.models import (
    Case,
    Decision,
    EligibilityReview,
    ExecutionRecord,
    HistoryEntry,
    ManagementDocument,
    ReceptionDay,
    ResponsibilityInspection,
    TrainingSession,
)
from tracker.models.cases import MANY_PERSON_THRESHOLD
from tracker.models.executions import AMOUNTS, COUNTS
from tracker.reports.measures import (
    CAPACITIES,
    MILLION,
    PETITIONS,
    RESOLUTION,
    VISITS,
    Measure,
    MeasureSource,
    _next_act_seq,
)

Where = Callable[[Facts, Window], ColumnElement[bool]]
# A competent complaint filed as time-barred or already decided by a final decision was not
# accepted (KN Art. 11); duplicate, anonymous or ineligible petitions were never eligible.
NOT_ACCEPTED_REASONS = ("time_barred", "already_final")
# States in which a petition's resolution ended without a decision: withdrawn, or terminated.
ENDED_STATES = ("withdrawn", "terminated")


def _announced_days(window: Window) -> Select[tuple[object, ...]]:
    return select(ReceptionDay.id.label("record_id"), ReceptionDay.unit_id, ReceptionDay.host).where(
        ReceptionDay.held_on.between(window.start, window.end), ReceptionDay.announced_on.is_not(None))


def _xld_items(window: Window) -> Select[tuple[object, ...]]:
    start, end = window.start, window.end
    arrival, act = aliased(HistoryEntry, name="arrival"), aliased(HistoryEntry, name="act")
    left_processing_on = func.coalesce(Case.accepted_on, Case.final_on)
    arrived = (
        select(
            arrival.case_id, arrival.effective_on.label("arrived_on"),
            func.coalesce(arrival.unit_id, resolving_unit_id()).label("unit_id"), Case.kind, Case.round,
            Case.parent_case_id, Case.subject_area, Case.state, Case.final_on, _next_act_seq(arrival).label("act_seq"),
        )
        .join(Case, Case.id == arrival.case_id)
        .where(
            Case.kind.in_(PETITIONS), arrival.trigger.in_(("intake", "forward")), arrival.effective_on <= end,
            or_(left_processing_on.is_(None), left_processing_on >= start),
        )
        .subquery("arrived")
    )
    reviewed_on = (
        select(func.min(EligibilityReview.found_on))
        .where(EligibilityReview.case_id == arrived.c.case_id, EligibilityReview.unit_id == arrived.c.unit_id,
               EligibilityReview.found_on >= arrived.c.arrived_on)
        .scalar_subquery()
    )
    return (
        select(
            arrived.c.case_id.label("record_id"), arrived.c.unit_id, arrived.c.kind, arrived.c.round,
            arrived.c.parent_case_id, arrived.c.subject_area, arrived.c.state, arrived.c.final_on, arrived.c.arrived_on,
            act.effective_on.label("act_on"), act.trigger.label("act"), act.data["reason"].as_string().label("reason"),
            reviewed_on.label("reviewed_on"),
        )
        .select_from(arrived.outerjoin(act, and_(act.case_id == arrived.c.case_id, act.seq == arrived.c.act_seq)))
        .where(or_(arrived.c.arrived_on >= start,
                   and_(or_(act.id.is_(None), act.effective_on >= start), or_(reviewed_on.is_(None), reviewed_on >= start))))
    )


def _executions(window: Window) -> Select[tuple[object, ...]]:
    start, end = window.start, window.end
    rec = ExecutionRecord
    before, during = rec.recorded_on < start, rec.recorded_on.between(start, end)
    done = (
        select(
            rec.decision_id, func.min(case((rec.finished.is_(True), rec.recorded_on), else_=None)).label("finished_on"),
            *(func.sum(case((before, getattr(rec, name)), else_=0)).label(f"{name}_before") for name in AMOUNTS),
            *(func.sum(case((during, getattr(rec, name)), else_=0)).label(name) for name in AMOUNTS + COUNTS),
        )
        .where(rec.recorded_on <= end)
        .group_by(rec.decision_id)
        .subquery("done")
    )

    def still_due(required: ColumnElement[object], name: str) -> ColumnElement[object]:
        return (func.coalesce(required, 0) - func.coalesce(done.c[f"{name}_before"], 0)).label(f"{name}_due")

    return (
        select(
            Decision.id.label("record_id"), resolving_unit_id().label("unit_id"), Case.kind, done.c.finished_on,
            still_due(Decision.recovered_money_vnd, "recovered_money_vnd"),
            still_due(Decision.recovered_land_m2, "recovered_land_m2"),
            still_due(Decision.returned_money_vnd, "returned_money_vnd"),
            still_due(Decision.returned_land_m2, "returned_land_m2"),
            *(func.coalesce(done.c[name], 0).label(name) for name in AMOUNTS + COUNTS),
        )
        .join(Case, Case.id == Decision.case_id)
        .outerjoin(done, done.c.decision_id == Decision.id)
        .where(Case.kind.in_(("complaint", "denunciation")), Decision.effective_on <= end,
               or_(done.c.finished_on.is_(None), done.c.finished_on >= start))
    )


def _documents(window: Window) -> Select[tuple[object, ...]]:
    return select(ManagementDocument.id.label("record_id"), ManagementDocument.unit_id, ManagementDocument.action).where(
        ManagementDocument.issued_on.between(window.start, window.end))


def _trainings(window: Window) -> Select[tuple[object, ...]]:
    return select(TrainingSession.id.label("record_id"), TrainingSession.unit_id, TrainingSession.attendees).where(
        TrainingSession.held_on.between(window.start, window.end))


def _inspections(window: Window) -> Select[tuple[object, ...]]:
    i = ResponsibilityInspection
    return select(i.id.label("record_id"), *(c for c in i.__table__.c if c.name != "id")).where(
        or_(and_(i.started_on <= window.end, or_(i.concluded_on.is_(None), i.concluded_on >= window.start)),
            i.executed_on.between(window.start, window.end)))


ANNOUNCED_DAYS = MeasureSource("announced_days", _announced_days)
XLD_ITEMS = MeasureSource("tt06_xld_items", _xld_items)
EXECUTIONS = MeasureSource("tt06_executions", _executions)
DOCUMENTS = MeasureSource("tt06_documents", _documents)
TRAININGS = MeasureSource("tt06_trainings", _trainings)
INSPECTIONS = MeasureSource("tt06_inspections", _inspections)


# -- 01/TCD --------------------------------------------------------------------------------------

def _crowd(f: Facts) -> ColumnElement[bool]:
    """A delegation (đoàn đông người) is a visit of five people or more (TT 06/2025, 01/TCD)."""
    return f.persons >= MANY_PERSON_THRESHOLD


def _tcd_measures() -> list[Measure]:
    def in_capacity(name: str, crowd: bool = False) -> Where:
        return lambda f, w: and_(f.capacity == name, _crowd(f) if crowd else true())

    found = [Measure("tcd.all.crowds", VISITS, lambda f, w: _crowd(f))]
    for name in CAPACITIES:
        found += [
            Measure(f"tcd.{name}.matters", VISITS, in_capacity(name), value=lambda f: f.matters),
            Measure(f"tcd.{name}.crowds", VISITS, in_capacity(name, crowd=True)),
            Measure(f"tcd.{name}.crowd_persons", VISITS, in_capacity(name, crowd=True), value=lambda f: f.persons),
        ]
    for host in ("head", "authorised"):
        found.append(Measure(f"tcd.{host}.announced_days", ANNOUNCED_DAYS, lambda f, w, h=host: f.host == h))
    return found


# -- 02/XLD, and the status analysis of 03/GQKN and 04/GQTC ------------------------------------------

def _act_done(f: Facts, w: Window) -> ColumnElement[bool]:
    return and_(f.act_on.is_not(None), f.act_on <= w.end)


def _act_pending(f: Facts, w: Window) -> ColumnElement[bool]:
    return or_(f.act_on.is_(None), f.act_on > w.end)


def _reviewed(f: Facts, w: Window) -> ColumnElement[bool]:
    return and_(f.reviewed_on.is_not(None), f.reviewed_on <= w.end)


def _handled(f: Facts, w: Window) -> ColumnElement[bool]:
    return or_(_act_done(f, w), _reviewed(f, w))


def _competent(f: Facts, w: Window) -> ColumnElement[bool]:
    """Eligible and within the unit's competence by the period's end: accepted; not accepted
    (time-barred, already final); or found competent and then still considered or withdrawn."""
    return or_(
        and_(_act_done(f, w), f.act == "accept"),
        and_(_act_done(f, w), f.act == "file", f.reason.in_(NOT_ACCEPTED_REASONS)),
        and_(_reviewed(f, w), or_(_act_pending(f, w), f.act == "withdraw")),
    )


def _not_competent(f: Facts, w: Window) -> ColumnElement[bool]:
    return and_(_act_done(f, w), f.act.in_(("guide", "forward")))


def _ended(f: Facts, w: Window) -> ColumnElement[bool]:
    return and_(f.state.in_(ENDED_STATES), f.final_on.is_not(None), f.final_on <= w.end)


def _not_ended(f: Facts, w: Window) -> ColumnElement[bool]:
    return or_(f.state.not_in(ENDED_STATES), f.final_on.is_(None), f.final_on > w.end)


def _area(f: Facts, areas: tuple[str, ...] | None, others: tuple[str, ...] = ()) -> ColumnElement[bool]:
    """The petition's area of law is one of `areas`; with None, none of `others` (or not given)."""
    if areas is not None:
        return f.subject_area.in_(areas)
    return or_(f.subject_area.is_(None), f.subject_area.not_in(others))


KIND_GROUPS = {"complaint": ("complaint",), "denunciation": ("denunciation",), "other": ("recommendation", "feedback")}
LAND, POLICY = ("land_housing",), ("policy_benefits",)
# A denunciation's "administrative" area covers policies, land and the civil service (the annex's note).
ADMINISTRATIVE = ("policy_benefits", "land_housing", "civil_service")
AREAS: dict[str, dict[str, tuple[str, ...] | None]] = {
    "complaint": {"land": LAND, "policy": POLICY, "other": None},
    "denunciation": {"administrative": ADMINISTRATIVE, "corruption": ("corruption",), "justice": ("justice",), "other": None},
    "other": {"policy": POLICY, "land": LAND, "other": None},
}


def _repeat(f: Facts) -> ColumnElement[bool]:
    """A second-round complaint, or a denunciation made again to the superior (TC Art. 37)."""
    return or_(f.round >= 2, f.parent_case_id.is_not(None))


def _first(f: Facts) -> ColumnElement[bool]:
    return and_(f.round <= 1, f.parent_case_id.is_(None))


def _xld_measures() -> list[Measure]:
    p = "tt06.xld"
    found = [
        Measure(f"{p}.total", XLD_ITEMS, lambda f, w: true()),
        Measure(f"{p}.handled", XLD_ITEMS, _handled),
        Measure(f"{p}.eligible", XLD_ITEMS, lambda f, w: or_(_competent(f, w), _not_competent(f, w))),
        Measure(f"{p}.competent", XLD_ITEMS, _competent),
        Measure(f"{p}.competent_matters", XLD_ITEMS, _competent, distinct=True),
        Measure(f"{p}.not_competent", XLD_ITEMS, _not_competent),
    ]
    for act in ("guide", "forward"):
        found.append(Measure(f"{p}.not_competent.{act}", XLD_ITEMS, lambda f, w, a=act: and_(_act_done(f, w), f.act == a)))
    for group, kinds in KIND_GROUPS.items():
        def competent(f: Facts, w: Window, k: tuple[str, ...] = kinds) -> ColumnElement[bool]:
            return and_(_competent(f, w), f.kind.in_(k))

        found.append(Measure(f"{p}.{group}", XLD_ITEMS, competent))
        named = tuple(a for areas in AREAS[group].values() if areas for a in areas)
        for area, areas in AREAS[group].items():
            found.append(Measure(f"{p}.{group}.{area}", XLD_ITEMS,
                                 lambda f, w, c=competent, a=areas, n=named: and_(c(f, w), _area(f, a, n))))
        if group == "complaint":
            found += [Measure(f"{p}.complaint.first", XLD_ITEMS, lambda f, w, c=competent: and_(c(f, w), f.round <= 1)),
                      Measure(f"{p}.complaint.second", XLD_ITEMS, lambda f, w, c=competent: and_(c(f, w), f.round >= 2))]
        if group == "denunciation":
            found += [Measure(f"{p}.denunciation.first", XLD_ITEMS, lambda f, w, c=competent: and_(c(f, w), _first(f))),
                      Measure(f"{p}.denunciation.repeat", XLD_ITEMS, lambda f, w, c=competent: and_(c(f, w), _repeat(f)))]
    for kind in ("complaint", "denunciation"):
        def of_kind(f: Facts, w: Window, k: str = kind) -> ColumnElement[bool]:
            return and_(_competent(f, w), f.kind == k)

        def still(f: Facts, w: Window, k: Where = of_kind) -> ColumnElement[bool]:
            return and_(k(f, w), _not_ended(f, w))

        found += [
            Measure(f"tt06.gq.{kind}.matters", XLD_ITEMS, of_kind),
            # Found competent, no acceptance decision yet (a withdrawal that did not end the case counts here).
            Measure(f"tt06.gq.{kind}.reviewing", XLD_ITEMS,
                    lambda f, w, s=still: and_(s(f, w), or_(_act_pending(f, w), f.act == "withdraw"))),
            Measure(f"tt06.gq.{kind}.accepted", XLD_ITEMS, lambda f, w, s=still: and_(s(f, w), _act_done(f, w), f.act == "accept")),
            Measure(f"tt06.gq.{kind}.not_accepted", XLD_ITEMS,
                    lambda f, w, s=still: and_(s(f, w), _act_done(f, w), f.act == "file")),
            Measure(f"tt06.gq.{kind}.withdrawn", XLD_ITEMS, lambda f, w, k=of_kind: and_(k(f, w), _ended(f, w))),
        ]
    return found


# -- 03/GQKN and 04/GQTC: decisions and conclusions of the period ---------------------------------------

def _decided(f: Facts, w: Window) -> ColumnElement[bool]:
    return f.decided_on.between(w.start, w.end)


def _resolution_measures() -> list[Measure]:
    found = []
    for kind in ("complaint", "denunciation"):
        src, p = RESOLUTION[kind], f"tt06.kq.{kind}"
        found += [
            Measure(f"{p}.returned_money", src, _decided, value=lambda f: f.returned_money_vnd, amount=True, scale=MILLION),
            Measure(f"{p}.returned_land", src, _decided, value=lambda f: f.returned_land_m2, amount=True),
        ]
    src, p = RESOLUTION["denunciation"], "tt06.kq.denunciation"
    found.append(Measure(f"{p}.organisations_disciplined", src, _decided, value=lambda f: f.organisations_disciplined))
    for outcome in ("upheld", "rejected", "partly_upheld"):
        found += [
            Measure(f"{p}.{outcome}.first", src, lambda f, w, o=outcome: and_(_decided(f, w), f.outcome == o, _first(f))),
            Measure(f"{p}.{outcome}.repeat", src, lambda f, w, o=outcome: and_(_decided(f, w), f.outcome == o, _repeat(f))),
        ]
    return found


# -- 05/KQTH ---------------------------------------------------------------------------------------------

def _execution_measures() -> list[Measure]:
    found = []
    for kind in ("complaint", "denunciation"):
        p = f"tt06.th.{kind}"

        def of_kind(f: Facts, w: Window, k: str = kind) -> ColumnElement[bool]:
            return f.kind == k

        def amount(key: str, column: str, money: bool, k: Where = of_kind, p: str = p) -> Measure:
            return Measure(f"{p}.{key}", EXECUTIONS, k, value=lambda f: f[column], amount=True,
                           scale=MILLION if money else Decimal(1))

        def count(key: str, column: str, k: Where = of_kind, p: str = p) -> Measure:
            return Measure(f"{p}.{key}", EXECUTIONS, k, value=lambda f: f[column])

        found += [
            Measure(f"{p}.total", EXECUTIONS, of_kind),
            Measure(f"{p}.finished", EXECUTIONS,
                    lambda f, w, k=of_kind: and_(k(f, w), f.finished_on.is_not(None), f.finished_on <= w.end)),
            amount("recover_due_money", "recovered_money_vnd_due", True),
            amount("recover_due_land", "recovered_land_m2_due", False),
            amount("recovered_money", "recovered_money_vnd", True),
            amount("recovered_land", "recovered_land_m2", False),
            amount("return_due_money", "returned_money_vnd_due", True),
            amount("return_due_land", "returned_land_m2_due", False),
            amount("returned_money", "returned_money_vnd", True),
            amount("returned_land", "returned_land_m2", False),
            count("disciplined_organisations", "organisations_disciplined"),
            count("disciplined_people", "people_disciplined"),
            count("disciplined_civil_servants", "civil_servants_disciplined"),
            count("prosecuted_cases", "prosecuted_cases"),
            count("prosecuted_people", "prosecuted_people"),
            count("prosecuted_civil_servants", "prosecuted_civil_servants"),
        ]
    return found


# -- 06/QLKNTC ------------------------------------------------------------------------------------------

def _management_measures() -> list[Measure]:
    def open_in(f: Facts, w: Window) -> ColumnElement[bool]:
        # Carried over without a conclusion, or started in the period.
        return and_(f.started_on <= w.end, or_(f.concluded_on.is_(None), f.concluded_on >= w.start))

    def concluded(f: Facts, w: Window) -> ColumnElement[bool]:
        return f.concluded_on.between(w.start, w.end)

    def executed(f: Facts, w: Window) -> ColumnElement[bool]:
        return f.executed_on.between(w.start, w.end)

    p = "tt06.ql"
    found = [Measure(f"{p}.documents.{action}", DOCUMENTS, lambda f, w, a=action: f.action == a)
             for action in ("issued", "amended", "repealed")]
    found += [
        Measure(f"{p}.training.sessions", TRAININGS, lambda f, w: true()),
        Measure(f"{p}.training.attendees", TRAININGS, lambda f, w: true(), value=lambda f: f.attendees),
        Measure(f"{p}.inspections", INSPECTIONS, open_in),
        Measure(f"{p}.inspections.units", INSPECTIONS, open_in, value=lambda f: f.units_inspected),
        Measure(f"{p}.inspections.concluded", INSPECTIONS, concluded),
        Measure(f"{p}.inspections.executed", INSPECTIONS, executed),
    ]
    for column in ("recommended_organisations", "recommended_people", "referred_organisations", "referred_people"):
        found.append(Measure(f"{p}.inspections.{column}", INSPECTIONS, concluded, value=lambda f, c=column: f[c]))
    for column in ("sanctioned_organisations", "sanctioned_people", "prosecuted_cases", "prosecuted_people"):
        found.append(Measure(f"{p}.inspections.{column}", INSPECTIONS, executed, value=lambda f, c=column: f[c]))
    return found


TT06_MEASURES: dict[str, Measure] = {
    m.key: m for m in _tcd_measures() + _xld_measures() + _resolution_measures() + _execution_measures()
    + _management_measures()
}
