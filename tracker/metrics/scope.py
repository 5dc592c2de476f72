"""Which report row a unit's records fall in, resolved in SQL from the stored unit paths.

With subunits, a unit's figures have one row for its own records and one row per direct child
with that child's whole tree, so the rows add up to the totals. Without, there is one row.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Subquery, case, literal, select
from sqlalchemy.orm import Session, aliased

from tracker.models import Unit


@dataclass(frozen=True)
class UnitRef:
    """A unit as a report names it."""

    id: int
    code: str
    name: str
    kind: str


def unit_rows(root: Unit, subunits: bool) -> Subquery:
    """(unit_id, row_id) for every unit whose records count: the root itself, and with
    subunits every unit of its tree mapped to the direct child it lies under."""
    if not subunits:
        return select(literal(root.id).label("unit_id"), literal(root.id).label("row_id")).subquery("unit_rows")
    child = aliased(Unit, name="row_unit")
    under_child = (
        select(child.id).where(child.parent_id == root.id, Unit.path.startswith(child.path)).scalar_subquery()
    )
    return (
        select(Unit.id.label("unit_id"), case((Unit.id == root.id, root.id), else_=under_child).label("row_id"))
        .where(Unit.path.startswith(root.path))
        .subquery("unit_rows")
    )


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
