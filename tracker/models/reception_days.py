"""Leaders' reception days (lịch tiếp công dân của lãnh đạo): the days the head of a unit
receives citizens in person, which the desk works from and which the law sets a minimum for
(TCD 2013 Art. 12-15, 18)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base
from tracker.models.types import UTCDateTime, utcnow
from tracker.models.units import Unit


class ReceptionDay(Base):
    """One day a unit's head (or their deputy) receives citizens, planned or held."""

    __tablename__ = "reception_days"
    __table_args__ = (UniqueConstraint("unit_id", "held_on", name="uq_reception_days_unit_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    leader: Mapped[str] = mapped_column(String(255))  # who receives, with their title
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")
