"""Leaders' reception days (lịch tiếp công dân của lãnh đạo): the days the head of a unit
receives citizens in person, which the desk works from and which the law sets a minimum for
(TCD 2013 Art. 12-15, 18). Form 01/TCD of TT 06/2025/TT-TTCP counts the days that were publicly
announced (columns 10 and 16), apart for the head and for a person the head authorised."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base
from tracker.models.types import UTCDateTime, check_in, utcnow
from tracker.models.units import Unit

RECEPTION_HOSTS = ("head", "authorised")


class ReceptionDay(Base):
    """One day a unit's head (or their deputy) receives citizens, planned or held."""

    __tablename__ = "reception_days"
    __table_args__ = (
        UniqueConstraint("unit_id", "held_on", name="uq_reception_days_unit_day"),
        CheckConstraint(check_in("host", RECEPTION_HOSTS), name="host"),
        # A day is announced before it is held (the public schedule), never after.
        CheckConstraint("announced_on IS NULL OR announced_on <= held_on", name="announced_before_held"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    leader: Mapped[str] = mapped_column(String(255))  # who receives, with their title
    note: Mapped[str | None] = mapped_column(Text)
    # The head receives, or a person the head authorised (01/TCD "Ủy quyền tiếp").
    host: Mapped[str] = mapped_column(String(20), default="head", server_default="head")
    announced_on: Mapped[dt.date | None] = mapped_column(Date)  # when the schedule was made public
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")
