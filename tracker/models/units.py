"""Units: the administrative tree (province > district > commune) and the agencies and
supervisory boards attached to it: Fatherland Front committees, People's Inspection Boards and
community investment supervision boards."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ColumnElement, Date, ForeignKey, Integer, String, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.functions import FunctionElement

from tracker.db import Base
from tracker.models.types import UTCDateTime, check_in, utcnow

# The supervisory boards (DOMAIN.md §6): they watch units and cases, never receive or resolve one.
# The one definition of the set every rule about boards reads; adding a kind also takes a
# migration that recreates the database's guard with the new list (tracker/models/board_guard.py).
BOARD_KINDS = ("front_committee", "inspection_board", "investment_board")
UNIT_KINDS = ("province", "district", "commune", "agency", *BOARD_KINDS)


class Unit(Base):
    """A unit of the tree. `path` ("/1/4/17/") lets SQL select a whole subtree with one LIKE."""

    __tablename__ = "units"
    __table_args__ = (CheckConstraint(check_in("kind", UNIT_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(30))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    path: Mapped[str] = mapped_column(String(1000), index=True, default="")
    # Per-unit values of configurable periods, e.g. {"recommendation.resolution": 20}.
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The 2025 reorganisation: the day the unit ceased to exist and the unit carrying its work on.
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], foreign_keys=[parent_id])
    successor: Mapped[Unit | None] = relationship(remote_side=[id], foreign_keys=[successor_id])

    @property
    def is_board(self) -> bool:
        """True for a supervisory board: a Fatherland Front committee, a People's Inspection Board
        or a community investment supervision board."""
        return self.kind in BOARD_KINDS

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this unit, itself included."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    @property
    def province_id(self) -> int:
        """The id of the root of the unit's tree (its province): the first id of its path."""
        return self.ancestor_ids[0]

    def contains(self, other: Unit) -> bool:
        """True when `other` is this unit or lies below it."""
        return other.path.startswith(self.path)

    def period_overrides(self) -> dict[str, int]:
        """The unit's own values for configurable periods."""
        return {k: int(v) for k, v in (self.settings or {}).get("periods", {}).items()}


class tree_root_id(FunctionElement[int]):  # noqa: N801 - reads as the SQL function it compiles to
    """In SQL, the id of the root of a unit's tree read from its path ("/1/4/17/" gives 1)."""

    name = "tree_root_id"
    type = Integer()
    inherit_cache = True


@compiles(tree_root_id)
def _tree_root_id(element: tree_root_id, compiler: Any, **kw: Any) -> str:
    (path,) = list(element.clauses)
    return f"CAST(split_part({compiler.process(path, **kw)}, '/', 2) AS INTEGER)"


@compiles(tree_root_id, "sqlite")
def _tree_root_id_sqlite(element: tree_root_id, compiler: Any, **kw: Any) -> str:
    (path,) = list(element.clauses)
    text = compiler.process(path, **kw)
    return f"CAST(substr({text}, 2, instr(substr({text}, 2), '/') - 1) AS INTEGER)"


def province_of(unit_id: Any) -> ColumnElement[int]:
    """In SQL, the province (tree root) of the unit with id `unit_id`: a scalar subquery."""
    return select(tree_root_id(Unit.path)).where(Unit.id == unit_id).scalar_subquery()
