"""Metrics, drill-down and reporting periods (DOMAIN.md §7, §8), for the API, the pages and the
CLI alike. Figures are read-only: any user may compute them for a unit in their area; an
the operator at the command line acts as policy.SYSTEM.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, fields
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from tracker.auth import policy
from tracker.auth.policy import Actor
from tracker.metrics import FIGURES, GROUPS
from tracker.metrics import figure as figure_named
from tracker.metrics.by_unit import compute
from tracker.metrics.drilldown import (
    CaseItem,
    Item,
    PlanItem,
    SessionItem,
    SupervisionItem,
    UnitItem,
    drill_select,
    export_select,
    load_items,
)
from tracker.metrics.figures import Figure, Kind, Window
from tracker.metrics.periods import CALENDAR, PRESETS, MonthDay, OfficialPeriods, Period, PeriodError, parse_period, well_formed
from tracker.metrics.readable import COLUMNS, readable_select
from tracker.metrics.results import Metrics
from tracker.metrics.scope import UnitRef, root_values, unit_rows
from tracker.models import Unit
from tracker.services.common import unit_by_code
from tracker.services.errors import BadRequest, Forbidden, Refused

MAX_PER_PAGE = 500
EXPORT_BATCH = 1000
ITEM_TYPES: dict[str, type] = {"case": CaseItem, "dialogue": SessionItem, "plan": PlanItem, "supervision": SupervisionItem,
                               "unit": UnitItem}


def unit_for(session: Session, actor: Actor, unit_code: str) -> Unit:
    """The unit named `unit_code` if it lies in the actor's area (403 otherwise)."""
    unit = unit_by_code(session, unit_code, field="unit")
    if not policy.unit_in_area(actor, unit):
        raise Forbidden("Đơn vị ngoài phạm vi của bạn / that unit is outside your jurisdiction", {"fields": {"unit": "outside"}})
    return unit


def _window(session: Session, date_from: dt.date, date_to: dt.date) -> Window:
    if date_to < date_from:
        raise Refused("Ngày cuối trước ngày đầu / 'to' is before 'from'", {"fields": {"to": f">= {date_from.isoformat()}"}})
    return Window.of(date_from, date_to, session.get_bind().dialect.name)


def metrics(session: Session, actor: Actor, unit_code: str, date_from: dt.date, date_to: dt.date,
            subunits: bool = True) -> Metrics:
    """Every figure of API.md's metrics section for a unit (with its tree when `subunits`) over
    [date_from, date_to], with one row for the unit's own records and, with subunits, one row
    per direct child (rows add up to the totals). `tracker.metrics.results.to_json` gives the
    document."""
    unit = unit_for(session, actor, unit_code)
    return compute(session, unit, _window(session, date_from, date_to), subunits)


# A trend chart has at most this many months (two years).
MAX_MONTHS = 24


def months_of(date_from: dt.date, date_to: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The calendar months [date_from, date_to] covers, each clipped to the range."""
    spans = []
    first = date_from.replace(day=1)
    while first <= date_to:
        following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        spans.append((max(first, date_from), min(following - dt.timedelta(days=1), date_to)))
        first = following
    return spans


def monthly(session: Session, actor: Actor, unit_code: str, date_from: dt.date, date_to: dt.date,
            subunits: bool = True) -> list[Metrics]:
    """The figures of each calendar month of [date_from, date_to] (the last MAX_MONTHS months of
    a longer range), for the month-by-month trend: each month is counted as `metrics` counts a
    period, so a month's point opens the same records as its drill-down."""
    unit = unit_for(session, actor, unit_code)
    spans = months_of(date_from, date_to)[-MAX_MONTHS:]
    return [compute(session, unit, _window(session, start, end), subunits) for start, end in spans]


@dataclass(frozen=True)
class Drilldown:
    """One page of the records behind a count."""

    figure: Figure
    unit: UnitRef
    row: UnitRef | None
    start: dt.date
    end: dt.date
    subunits: bool
    total: int
    page: int
    per_page: int
    items: list[Item]

    def to_json(self) -> dict[str, Any]:
        """The drill-down as the API returns it."""
        return {
            "unit": self.unit.code, "row": self.row.code if self.row else None, "from": self.start.isoformat(),
            "to": self.end.isoformat(), "subunits": self.subunits, "group": self.figure.group, "figure": self.figure.key,
            "record": self.figure.record, "definition": {"vi": self.figure.definition.text("vi"),
                                                         "en": self.figure.definition.text("en")},
            "total": self.total, "page": self.page, "per_page": self.per_page,
            "items": [{k: v.isoformat() if isinstance(v, dt.date) else v for k, v in asdict(item).items()} for item in self.items],
        }


def _drill_figure(group: str, key: str) -> Figure:
    found = figure_named(f"{group}.{key}")
    if found is None:
        raise BadRequest(f"Không có chỉ số {group}.{key} / no figure {group}.{key}",
                         {"fields": {"figure": [f.path for f in FIGURES]}})
    if found.kind is Kind.SHARE:
        raise Refused(f"{found.path} là tỷ lệ, không phải số đếm; xem {found.group}.{found.numerator} và "
                      f"{found.group}.{found.denominator} / a share is not a count: open its numerator or denominator",
                      {"numerator": f"{found.group}.{found.numerator}", "denominator": f"{found.group}.{found.denominator}"})
    return found


def _row_for(session: Session, unit: Unit, subunits: bool, row_unit: str | None) -> Unit | None:
    if row_unit is None:
        return None
    row = unit_by_code(session, row_unit, field="row")
    if row.id != unit.id and not (subunits and row.parent_id == unit.id):
        raise Refused("Hàng không thuộc bảng số liệu này / that unit is not a row of these figures", {"fields": {"row": row_unit}})
    return row


@dataclass(frozen=True)
class _Drill:
    figure: Figure
    unit: Unit
    row: Unit | None
    window: Window
    statement: Select[tuple[Any, ...]]
    params: dict[str, object]


def _drill(session: Session, actor: Actor, unit_code: str, date_from: dt.date, date_to: dt.date, subunits: bool,
           group: str, figure: str, row_unit: str | None) -> _Drill:
    unit = unit_for(session, actor, unit_code)
    window = _window(session, date_from, date_to)
    found = _drill_figure(group, figure)
    row = _row_for(session, unit, subunits, row_unit)
    statement = drill_select(found, window, unit_rows(subunits), row.id if row else None)
    return _Drill(found, unit, row, window, statement, root_values(unit))


def drilldown(session: Session, actor: Actor, unit_code: str, date_from: dt.date, date_to: dt.date,
              subunits: bool, group: str, figure: str, page: int = 1, per_page: int = 50,
              row_unit: str | None = None) -> Drilldown:
    """The records behind one count of `metrics(...)` with the same arguments: the totals' count,
    or with `row_unit` the count of that by_unit row. Lists cases for case figures, sessions,
    plans or supervisions for those counts, units for the "units with ..." counts."""
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise BadRequest(f"page >= 1, 1 <= per_page <= {MAX_PER_PAGE}")
    d = _drill(session, actor, unit_code, date_from, date_to, subunits, group, figure, row_unit)
    total = session.scalar(select(func.count()).select_from(d.statement.order_by(None).subquery()), d.params) or 0
    found = [tuple(r) for r in session.execute(d.statement.offset((page - 1) * per_page).limit(per_page), d.params)]
    items = load_items(session, d.figure.record, found)
    unit = UnitRef(d.unit.id, d.unit.code, d.unit.name, d.unit.kind)
    row = UnitRef(d.row.id, d.row.code, d.row.name, d.row.kind) if d.row else None
    return Drilldown(d.figure, unit, row, d.window.start, d.window.end, subunits, total, page, per_page, items)


def drilldown_items(session: Session, actor: Actor, unit_code: str, date_from: dt.date, date_to: dt.date,
                    subunits: bool, group: str, figure: str, row_unit: str | None = None) -> tuple[Figure, Iterator[Item]]:
    """Every record behind a count, read in batches (for exports of any size)."""
    d = _drill(session, actor, unit_code, date_from, date_to, subunits, group, figure, row_unit)

    def stream() -> Iterator[Item]:
        result = session.execute(d.statement.execution_options(yield_per=EXPORT_BATCH), d.params)
        for batch in result.partitions():
            yield from load_items(session, d.figure.record, [tuple(r) for r in batch])

    return d.figure, stream()


def drilldown_rows(session: Session, actor: Actor, unit_code: str, date_from: dt.date, date_to: dt.date,
                   subunits: bool, group: str, figure: str,
                   row_unit: str | None = None) -> tuple[Figure, list[str], Iterator[Sequence[object]]]:
    """Every record behind a count as plain rows, for an export of any size: the figure, the
    header (the item's field names) and the rows, read by one statement through a server-side
    cursor in batches of EXPORT_BATCH, so memory stays bounded and no ORM object is built."""
    d = _drill(session, actor, unit_code, date_from, date_to, subunits, group, figure, row_unit)
    statement = export_select(d.figure.record, d.statement)
    header = [f.name for f in fields(ITEM_TYPES[d.figure.record])]

    def stream() -> Iterator[Sequence[object]]:
        options = {"stream_results": True, "yield_per": EXPORT_BATCH}
        result = session.execute(statement.execution_options(**options), d.params)
        for batch in result.partitions():
            yield from batch

    return d.figure, header, stream()


@dataclass(frozen=True)
class Records:
    """The records behind a count as people read them (tracker.metrics.readable): `columns` names
    the values of each row after its number; `case_ids` holds each row's case (None for other
    records), for links to the case page."""

    figure: Figure
    unit: UnitRef
    row: UnitRef | None
    start: dt.date
    end: dt.date
    total: int
    page: int
    per_page: int
    columns: tuple[str, ...]
    rows: list[tuple[int, int | None, tuple[object, ...]]]  # (number, case id, values)


def _readable(d: _Drill, today: dt.date) -> tuple[tuple[str, ...], Select[tuple[Any, ...]]]:
    with_value = d.figure.value is not None and d.figure.record == "case"  # a median's days
    columns = COLUMNS[d.figure.record] + (("days",) if with_value else ())
    return columns, readable_select(d.figure.record, d.statement, today, with_value)


def _plain(value: Any) -> Any:
    # Day counts come as Decimal (PostgreSQL) or float (SQLite): shown as whole days.
    return int(value) if isinstance(value, (float, Decimal)) and float(value).is_integer() else (
        float(value) if isinstance(value, Decimal) else value)


def _dated(value: Any) -> Any:
    # SQLite returns dates of a raw select as text.
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return _plain(value)


def records(session: Session, actor: Actor, unit_code: str, date_from: dt.date, date_to: dt.date, subunits: bool,
            group: str, figure: str, *, today: dt.date, page: int = 1, per_page: int = 50,
            row_unit: str | None = None) -> Records:
    """One page of the records behind a count of `metrics(...)`, numbered, units by name, cases
    sorted by days late as of `today` (the same records as `drilldown`)."""
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise BadRequest(f"page >= 1, 1 <= per_page <= {MAX_PER_PAGE}")
    d = _drill(session, actor, unit_code, date_from, date_to, subunits, group, figure, row_unit)
    total = session.scalar(select(func.count()).select_from(d.statement.order_by(None).subquery()), d.params) or 0
    columns, statement = _readable(d, today)
    first = (page - 1) * per_page
    found = session.execute(statement.offset(first).limit(per_page), d.params)
    is_case = d.figure.record == "case"
    rows = [(first + i + 1, row[0] if is_case else None, tuple(_dated(v) for v in row[1:])) for i, row in enumerate(found)]
    unit = UnitRef(d.unit.id, d.unit.code, d.unit.name, d.unit.kind)
    row = UnitRef(d.row.id, d.row.code, d.row.name, d.row.kind) if d.row else None
    return Records(d.figure, unit, row, d.window.start, d.window.end, total, page, per_page, columns, rows)


def all_records(session: Session, actor: Actor, unit_code: str, date_from: dt.date, date_to: dt.date,
                subunits: bool, group: str, figure: str, *, today: dt.date,
                row_unit: str | None = None) -> tuple[Figure, tuple[str, ...], Iterator[tuple[int, tuple[object, ...]]]]:
    """Every record behind a count as `records` lists them, numbered, read in batches through a
    server-side cursor (for the page's downloads, whatever their size)."""
    d = _drill(session, actor, unit_code, date_from, date_to, subunits, group, figure, row_unit)
    columns, statement = _readable(d, today)

    def stream() -> Iterator[tuple[int, tuple[object, ...]]]:
        result = session.execute(statement.execution_options(stream_results=True, yield_per=EXPORT_BATCH), d.params)
        number = 0
        for batch in result.partitions():
            for row in batch:
                number += 1
                yield number, tuple(_dated(v) for v in row[1:])

    return d.figure, columns, stream()


def definitions() -> tuple[Figure, ...]:
    """Every figure with its definition, in document order (for the dashboard and reports)."""
    return FIGURES


def definitions_document() -> list[dict[str, Any]]:
    """The definitions as JSON: what the dashboard shows beside each figure."""
    return [
        {"group": f.group, "figure": f.key, "kind": f.kind.value, "label": {"vi": f.label.vi, "en": f.label.en},
         "definition": {"vi": f.definition.text("vi"), "en": f.definition.text("en")},
         "numerator": f"{f.group}.{f.numerator}" if f.numerator else None,
         "denominator": f"{f.group}.{f.denominator}" if f.denominator else None, "drilldown": f.record or None}
        for f in FIGURES
    ]


# -- reporting periods ---------------------------------------------------------------------------

def province_of(session: Session, unit: Unit) -> Unit:
    """The province (root of the tree) a unit belongs to."""
    root_id = unit.ancestor_ids[0]
    return unit if unit.id == root_id else session.get_one(Unit, root_id)


def official_periods(session: Session, unit: Unit) -> OfficialPeriods:
    """The official data periods of the unit's province (TT 02/2021 unless it set its own)."""
    return OfficialPeriods.from_settings(province_of(session, unit).settings)


def period_for(session: Session, actor: Actor, unit_code: str, token: str, default_scheme: str = CALENDAR) -> Period:
    """The period a token names for a unit, with its province's official presets."""
    unit = unit_for(session, actor, unit_code)
    try:
        return parse_period(token, default_scheme=default_scheme, official=official_periods(session, unit))
    except PeriodError as error:
        # A token of the right shape that names no period is refused by the rules (422); any
        # other text is malformed (400).
        refusal = Refused if well_formed(token) else BadRequest
        raise refusal(str(error), {"fields": {"period": token}}) from error


def _province_for_admin(session: Session, actor: Actor, province_code: str) -> Unit:
    if not policy.may_set_reporting_periods(actor):
        raise Forbidden("Chỉ quản trị viên / administrators only")
    province = unit_for(session, actor, province_code)
    if province.parent_id is not None:
        raise Refused("Kỳ báo cáo đặt cho cấp tỉnh / reporting periods are set for a province",
                      {"fields": {"province": "not a province"}})
    return province


def _store(province: Unit, periods: OfficialPeriods) -> OfficialPeriods:
    settings = dict(province.settings or {})
    stored = periods.to_settings()
    if stored:
        settings["reporting_periods"] = stored
    else:
        settings.pop("reporting_periods", None)
    province.settings = settings  # a new dict: the JSON column does not track changes inside
    return periods


def set_reporting_period(session: Session, actor: Actor, province_code: str, preset: str, start: str,
                         end: str) -> OfficialPeriods:
    """Set one official preset of a province ("Q1", "H1"... from "MM-DD" to "MM-DD"), or with
    preset "M" the day monthly data start (e.g. start "20": the 20th of the month before)."""
    province = _province_for_admin(session, actor, province_code)
    try:
        current = official_periods(session, province)
        if preset == "M":
            periods = current.with_month_start(int(start))
        elif preset in PRESETS:
            periods = current.with_range(preset, MonthDay.parse(start), MonthDay.parse(end))
        else:
            raise PeriodError(f"Kỳ không hợp lệ / unknown preset {preset!r}; one of M, {', '.join(PRESETS)}")
    except (PeriodError, ValueError) as error:
        raise Refused(str(error), {"fields": {"preset": preset}}) from error
    result = _store(province, periods)
    session.flush()
    return result


def reset_reporting_periods(session: Session, actor: Actor, province_code: str) -> OfficialPeriods:
    """Go back to the periods of TT 02/2021/TT-TTCP."""
    province = _province_for_admin(session, actor, province_code)
    result = _store(province, OfficialPeriods())
    session.flush()
    return result


__all__ = [
    "Drilldown", "GROUPS", "Records", "all_records", "definitions", "definitions_document", "drilldown", "drilldown_items",
    "metrics", "monthly", "months_of", "records",
    "official_periods", "period_for", "reset_reporting_periods", "set_reporting_period", "unit_for",
]
