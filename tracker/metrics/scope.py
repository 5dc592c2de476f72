"""Which report row a unit's records fall in, resolved in SQL from the stored unit paths.

With subunits, a unit's figures have one row for its own records and one row per direct child
with that child's whole tree, so the rows add up to the totals. Without, there is one row.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import CTE, ColumnElement, Integer, String, and_, bindparam, cast, func, or_, select
from sqlalchemy.orm import Session

from tracker.models import Case, Unit
from tracker.models.units import first_segment


@dataclass(frozen=True)
class UnitRef:
    """A unit as a report names it."""

    id: int
    code: str
    name: str
    kind: str


def unit_rows(subunits: bool) -> CTE:
    """(unit_id, row_id) for every unit whose records count: the root itself, and with
    subunits every unit of its tree mapped to the direct child it lies under, read from the
    stored path: below the root's "/1/4/", "/1/4/17/23/" lies under unit 17. The root is given
    by the parameters of `root_values`."""
    root_id = bindparam("root_id", type_=Integer)
    if not subunits:
        return select(root_id.label("unit_id"), root_id.label("row_id")).cte("unit_rows")
    child = first_segment(func.substr(Unit.path, bindparam("root_path_length", type_=Integer) + 1))
    row_id = func.coalesce(cast(func.nullif(child, ""), Integer), root_id)
    return (
        select(Unit.id.label("unit_id"), row_id.label("row_id"))
        .where(Unit.path.startswith(bindparam("root_path", type_=String)))
        .cte("unit_rows")
    )


def in_province(*alternatives: ColumnElement[bool]) -> ColumnElement[bool]:
    """The cases that may belong to the root's tree: those of its province (`cases.province_id`,
    leading the indexes the figures read, so the other provinces' rows are never visited) and the
    few a unit of another province has resolved. The root is given by `root_values`; which row a
    case counts in is still decided by its unit (`unit_rows`).

    With `alternatives`, the province's cases meeting one of them: each pair (province, condition)
    is one range of an index led by the province, which the database reads apart and adds up (a
    condition ORed beside the province would leave it the province's whole range to read). The
    statement keeps its own condition on the marked cases."""
    province = Case.province_id == bindparam("province_id", type_=Integer)
    if not alternatives:
        return or_(province, Case.other_provinces)
    return or_(*(and_(province, alternative) for alternative in alternatives), Case.other_provinces)


def root_values(root: Unit) -> dict[str, object]:
    """The parameters `unit_rows` and `in_province` read."""
    return {"root_id": root.id, "root_path": root.path, "root_path_length": len(root.path), "province_id": root.province_id}


def row_units(session: Session, root: Unit, subunits: bool) -> list[UnitRef]:
    """The units naming the rows: the root first, then its direct children in the order they
    were created (the order of the official unit lists)."""
    refs = [UnitRef(root.id, root.code, root.name, root.kind)]
    if subunits:
        children = session.execute(
            select(Unit.id, Unit.code, Unit.name, Unit.kind).where(Unit.parent_id == root.id).order_by(Unit.id)
        )
        refs += [UnitRef(*row) for row in children]
    return refs
