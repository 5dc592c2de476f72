"""Units: the administrative tree (province > district > commune) and the agencies,
Fatherland Front committees and People's Inspection Boards attached to it."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base
from tracker.models.types import UTCDateTime, check_in, utcnow

UNIT_KINDS = ("province", "district", "commune", "agency", "front_committee", "inspection_board")
# The supervisory boards: they watch units and cases, never receive or resolve one. The one
# definition of the set; adding a kind also takes a migration that recreates the database's
# guard with the new list (tracker/models/board_guard.py).
BOARD_KINDS = ("front_committee", "inspection_board")


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
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], lazy="joined", join_depth=1)

    @property
    def is_board(self) -> bool:
        """True for a Fatherland Front committee or a People's Inspection Board."""
        return self.kind in BOARD_KINDS

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this unit, itself included."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def contains(self, other: Unit) -> bool:
        """True when `other` is this unit or lies below it."""
        return other.path.startswith(self.path)

    def period_overrides(self) -> dict[str, int]:
        """The unit's own values for configurable periods."""
        return {k: int(v) for k, v in (self.settings or {}).get("periods", {}).items()}
