"""Administrators' changes to the working-day calendar."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import Base
from tracker.models.types import UTCDateTime, check_in, utcnow

OVERRIDE_KINDS = ("day_off", "working_day")


class CalendarOverride(Base):
    """An extra day off (e.g. a Tết bridge day) or a make-up working day the government decided."""

    __tablename__ = "calendar_overrides"
    __table_args__ = (CheckConstraint(check_in("kind", OVERRIDE_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
