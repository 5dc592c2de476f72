"""Computing the figures: one aggregate query per source, grouped by report row in SQL.

Every count of a source is one `SUM(CASE WHEN <condition> THEN 1 ELSE 0 END)` (or a distinct
count) over the source's rows joined to the unit-to-row mapping, so each source is read once
for all its figures and all the rows. Totals are the sums of the rows (the rows partition the
records); shares are recomputed per row from the counts. A median is computed per row and
over all rows: on PostgreSQL by `percentile_cont` in its source's query, grouped also over all
rows (GROUPING SETS); elsewhere by a window query of its own.

The statements are built once per (subunits, dialect) with bound parameters for the period and
the unit, and reused: building them costs more than running most of them.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import CTE, Integer, Select, case, distinct, func, literal, select, text, tuple_, union_all
from sqlalchemy.orm import Session

from tracker.metrics import FIGURES
from tracker.metrics.figures import Figure, Kind, Source, Window, share
from tracker.metrics.results import GROUP_TYPES, FigureRow, Metrics
from tracker.metrics.scope import UnitRef, root_values, row_units, unit_rows
from tracker.models import Unit

Values = dict[str, int | float | None]
TOTAL = None  # the row_id of a grouping over all rows


def count_query(source: Source, figures: Iterable[Figure], window: Window, rows: CTE,
                medians: Iterable[Figure] = ()) -> Select[tuple[Any, ...]]:
    """One row per report row: the row id, then each figure's count, labelled by its path; with
    `medians` (PostgreSQL), their medians too, and a last row (row id NULL) over all rows."""
    facts = source.build(window).subquery("facts")
    columns = []
    for figure in figures:
        assert figure.where is not None
        condition = figure.where(facts.c, window)
        if figure.distinct:
            value = func.count(distinct(case((condition, facts.c[figure.distinct]), else_=None)))
        else:
            value = func.coalesce(func.sum(case((condition, 1), else_=0)), 0)
        columns.append(value.label(figure.path))
    medians = list(medians)
    for figure in medians:
        assert figure.where is not None and figure.value is not None
        columns.append(func.percentile_cont(0.5).within_group(figure.value(facts.c)).filter(figure.where(facts.c, window))
                       .label(figure.path))
    stmt = select(rows.c.row_id, *columns).select_from(facts.join(rows, rows.c.unit_id == facts.c.unit_id))
    if medians:
        return stmt.group_by(func.grouping_sets(tuple_(rows.c.row_id), tuple_()))
    return stmt.group_by(rows.c.row_id)


def median_query(figure: Figure, window: Window, rows: CTE) -> Select[tuple[Any, ...]]:
    """(row_id, median) per report row, and (NULL, median) over all rows, by window functions."""
    assert figure.source is not None and figure.where is not None and figure.value is not None
    facts = figure.source.build(window).subquery("facts")
    values = (
        select(rows.c.row_id.label("row_id"), figure.value(facts.c).label("v"))
        .select_from(facts.join(rows, rows.c.unit_id == facts.c.unit_id))
        .where(figure.where(facts.c, window))
        .subquery("vals")
    )
    ranked = select(
        values.c.row_id, values.c.v,
        func.row_number().over(partition_by=values.c.row_id, order_by=values.c.v).label("rn"),
        func.count().over(partition_by=values.c.row_id).label("n"),
        func.row_number().over(order_by=values.c.v).label("total_rn"),
        func.count().over().label("total_n"),
    ).subquery("ranked")
    # The middle value, or the mean of the two middle values of an even count.
    per_row = (
        select(ranked.c.row_id, func.avg(ranked.c.v).label(figure.path))
        .where(ranked.c.rn.in_([(ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2]))
        .group_by(ranked.c.row_id)
    )
    overall = select(literal(None, Integer).label("row_id"), func.avg(ranked.c.v).label(figure.path)).where(
        ranked.c.total_rn.in_([(ranked.c.total_n + 1) // 2, (ranked.c.total_n + 2) // 2])
    )
    return union_all(per_row, overall)  # type: ignore[return-value]


@dataclass(frozen=True)
class Query:
    """A statement and the figures its columns hold."""

    statement: Select[tuple[Any, ...]]
    counts: tuple[Figure, ...]
    medians: tuple[Figure, ...]


@cache
def queries(subunits: bool, dialect: str) -> tuple[Query, ...]:
    """Every statement a metrics call runs, built once for bound parameters."""
    window = Window.parameters(dialect)
    rows = unit_rows(subunits)
    counts: dict[str, tuple[Source, list[Figure]]] = {}
    medians: dict[str, list[Figure]] = defaultdict(list)
    for figure in FIGURES:
        if figure.source is None:
            continue
        if figure.kind is Kind.COUNT:
            counts.setdefault(figure.source.name, (figure.source, []))[1].append(figure)
        elif figure.kind is Kind.MEDIAN:
            medians[figure.source.name].append(figure)
    folded = dialect == "postgresql"
    found = [
        Query(count_query(source, figures, window, rows, medians[name] if folded else ()), tuple(figures),
              tuple(medians[name]) if folded else ())
        for name, (source, figures) in counts.items()
    ]
    if not folded:
        found += [Query(median_query(f, window, rows), (), (f,)) for fs in medians.values() for f in fs]  # type: ignore[arg-type]
    return tuple(found)


def _figure_row(unit: UnitRef, own: bool, values: Values) -> FigureRow:
    groups = {}
    for group, cls in GROUP_TYPES.items():
        figures = [f for f in FIGURES if f.group == group]
        for f in figures:
            if f.kind is Kind.SHARE:
                values[f.path] = share(int(values[f"{group}.{f.numerator}"] or 0), int(values[f"{group}.{f.denominator}"] or 0))
        groups[group] = cls(**{f.key: values.get(f.path) for f in figures})
    return FigureRow(unit, own, **groups)


def compute(session: Session, root: Unit, window: Window, subunits: bool) -> Metrics:
    """Every figure for `root` (with its tree when `subunits`) over `window` (actual dates)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        # Each of these statements runs in milliseconds; PostgreSQL's JIT would spend tens of
        # milliseconds compiling each one. Off for this transaction only.
        session.execute(text("SET LOCAL jit = off"))
    refs = row_units(session, root, subunits)
    params = {**window.values(), **root_values(root)}
    by_row: dict[int | None, Values] = defaultdict(dict)
    for query in queries(subunits, dialect):
        for record in session.execute(query.statement, params).mappings():
            row = by_row[record["row_id"]]
            row.update({f.path: int(record[f.path]) for f in query.counts})
            row.update({f.path: None if record[f.path] is None else float(record[f.path]) for f in query.medians})
    count_paths = [f.path for f in FIGURES if f.kind is Kind.COUNT]
    median_paths = [f.path for f in FIGURES if f.kind is Kind.MEDIAN]
    rows: dict[int, Values] = {}
    for ref in refs:
        found = by_row.get(ref.id, {})
        rows[ref.id] = {**{p: found.get(p, 0) for p in count_paths}, **{p: found.get(p) for p in median_paths}}
    total: Values = {p: sum(int(rows[ref.id][p] or 0) for ref in refs) for p in count_paths}
    total.update({p: by_row.get(TOTAL, {}).get(p) for p in median_paths})
    by_unit = [_figure_row(ref, ref.id == root.id, rows[ref.id]) for ref in refs]
    return Metrics(refs[0], window.start, window.end, subunits, _figure_row(refs[0], not subunits, total), by_unit)
