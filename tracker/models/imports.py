"""Rows of old registers already imported, so importing the same register twice creates nothing twice."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import Base
from tracker.models.types import UTCDateTime, utcnow


class ImportedRow(Base):
    """One register row turned into a case: the row's content fingerprint and the case made from it."""

    __tablename__ = "imported_rows"
    __table_args__ = (UniqueConstraint("unit_id", "row_key", name="uq_imported_rows_unit_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    row_key: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    source: Mapped[str] = mapped_column(String(255))
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
