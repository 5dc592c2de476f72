"""Units: the administrative tree (province > district > commune) and the agencies and
supervisory boards attached to it: Fatherland Front committees, People's Inspection Boards and
community investment supervision boards."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ColumnElement, Date, ForeignKey, Integer, String, cast, func, select
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


class first_segment(FunctionElement[str]):  # noqa: N801 - reads as the SQL function it compiles to
    """The text before the first '/' of a string ('' when it starts with '/' or is empty): with
    `substr`, one id out of a unit's path ("/1/4/17/")."""

    name = "first_segment"
    type = String()
    inherit_cache = True


@compiles(first_segment)
def _first_segment(element: first_segment, compiler: Any, **kw: Any) -> str:
    (value,) = list(element.clauses)
    return f"split_part({compiler.process(value, **kw)}, '/', 1)"


@compiles(first_segment, "sqlite")
def _first_segment_sqlite(element: first_segment, compiler: Any, **kw: Any) -> str:
    (value,) = list(element.clauses)
    text = compiler.process(value, **kw)
    return f"substr({text}, 1, instr({text}, '/') - 1)"


def province_of(unit_id: Any) -> ColumnElement[int]:
    """In SQL, the province (tree root) of the unit with id `unit_id`: a scalar subquery."""
    root_id = cast(first_segment(func.substr(Unit.path, 2)), Integer)  # "/1/4/17/" gives 1
    return select(root_id).where(Unit.id == unit_id).scalar_subquery()
