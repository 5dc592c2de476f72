"""Computing the figures: one aggregate query per source, grouped by report row in SQL.

Every count of a source is one `SUM(CASE WHEN <condition> THEN 1 ELSE 0 END)` (or a distinct
count) over the source's rows joined to the unit-to-row mapping, so each source is read once
for all its figures and all the rows. Totals are the sums of the rows (the rows partition the
records); shares are recomputed per row from the counts; medians are computed per row and for
the total by the same window query.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import Integer, Select, case, distinct, func, literal, select, union_all
from sqlalchemy.orm import Session

from tracker.metrics import FIGURES
from tracker.metrics.figures import Figure, Kind, Source, Window, share
from tracker.metrics.results import GROUP_TYPES, FigureRow, Metrics
from tracker.metrics.scope import UnitRef, row_units, unit_rows
from tracker.models import Unit

Values = dict[str, int | float | None]


def count_query(source: Source, figures: Iterable[Figure], window: Window, rows: object) -> Select[tuple[object, ...]]:
    """One row per report row: the row id, then each figure's count, labelled by its path."""
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
    return (
        select(rows.c.row_id, *columns)  # type: ignore[attr-defined]
        .select_from(facts.join(rows, rows.c.unit_id == facts.c.unit_id))  # type: ignore[attr-defined]
        .group_by(rows.c.row_id)  # type: ignore[attr-defined]
    )


def median_query(figure: Figure, window: Window, rows: object) -> Select[tuple[object, ...]]:
    """(row_id, median) per report row, and (NULL, median) over all rows."""
    assert figure.source is not None and figure.where is not None and figure.value is not None
    facts = figure.source.build(window).subquery("facts")
    values = (
        select(rows.c.row_id.label("row_id"), figure.value(facts.c).label("v"))  # type: ignore[attr-defined]
        .select_from(facts.join(rows, rows.c.unit_id == facts.c.unit_id))  # type: ignore[attr-defined]
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
        select(ranked.c.row_id, func.avg(ranked.c.v).label("median"))
        .where(ranked.c.rn.in_([(ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2]))
        .group_by(ranked.c.row_id)
    )
    overall = select(literal(None, Integer).label("row_id"), func.avg(ranked.c.v).label("median")).where(
        ranked.c.total_rn.in_([(ranked.c.total_n + 1) // 2, (ranked.c.total_n + 2) // 2])
    )
    return union_all(per_row, overall)  # type: ignore[return-value]


def _by_source(figures: Iterable[Figure]) -> dict[str, tuple[Source, list[Figure]]]:
    grouped: dict[str, tuple[Source, list[Figure]]] = {}
    for figure in figures:
        if figure.kind is Kind.COUNT and figure.source is not None:
            grouped.setdefault(figure.source.name, (figure.source, []))[1].append(figure)
    return grouped


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
    """Every figure for `root` (with its tree when `subunits`) over `window`."""
    refs = row_units(session, root, subunits)
    rows = unit_rows(root, subunits)
    counts: dict[int, Values] = defaultdict(dict)
    for source, figures in _by_source(FIGURES).values():
        for record in session.execute(count_query(source, figures, window, rows)).mappings():
            counts[record["row_id"]].update({f.path: int(record[f.path]) for f in figures})
    medians: dict[int | None, float | None] = {}
    for figure in (f for f in FIGURES if f.kind is Kind.MEDIAN):
        for row_id, median in session.execute(median_query(figure, window, rows)):
            medians[row_id] = float(median) if median is not None else None
        for ref in refs:
            counts[ref.id][figure.path] = medians.get(ref.id)
        counts[-1][figure.path] = medians.get(None)
    count_paths = [f.path for f in FIGURES if f.kind is Kind.COUNT]
    for ref in refs:
        for path in count_paths:
            counts[ref.id].setdefault(path, 0)
    total: Values = {path: sum(int(counts[ref.id][path] or 0) for ref in refs) for path in count_paths}
    total.update({f.path: counts[-1].get(f.path) for f in FIGURES if f.kind is Kind.MEDIAN})
    by_unit = [_figure_row(ref, ref.id == root.id, counts[ref.id]) for ref in refs]
    return Metrics(refs[0], window.start, window.end, subunits, _figure_row(refs[0], not subunits, total), by_unit)
