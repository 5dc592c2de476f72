"""The schedule of leaders' reception days (TCD Art. 12, 15, 18): the days a unit's head, or a
person the head authorised, receives citizens, and when each day was publicly announced. Form
01/TCD of TT 06/2025/TT-TTCP counts the announced days (columns 10 and 16)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base
from tracker.models.types import UTCDateTime, check_in, utcnow
from tracker.models.units import Unit

RECEPTION_HOSTS = ("head", "authorised")


class ReceptionDay(Base):
    """One day of a leader's reception at a unit, by the head or by someone the head authorised."""

    __tablename__ = "reception_days"
    __table_args__ = (
        CheckConstraint(check_in("host", RECEPTION_HOSTS), name="host"),
        # A day is announced before it is held (the public schedule), never after.
        CheckConstraint("announced_on IS NULL OR announced_on <= held_on", name="announced_before_held"),
        UniqueConstraint("unit_id", "held_on", "host", name="uq_reception_days_unit_day_host"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    host: Mapped[str] = mapped_column(String(20))
    host_name: Mapped[str] = mapped_column(String(255), default="")
    announced_on: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")
