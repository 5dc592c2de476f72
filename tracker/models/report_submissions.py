"""Reports a unit has sent for a period (TT 06/2025/TT-TTCP Art. 8: communes and departments send
theirs to the province by the 17th of the period's last month, the province to the Government
Inspectorate by the 20th). A submission keeps the figures the unit sent, form by form, so the
province consolidates what its units reported, and the reporting calendar shows who has not."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base
from tracker.models.types import UTCDateTime, utcnow
from tracker.models.units import Unit


class ReportSubmission(Base):
    """A unit's report for the period [period_start, period_end], as sent."""

    __tablename__ = "report_submissions"
    __table_args__ = (
        UniqueConstraint("unit_id", "period_start", "period_end", name="uq_report_submissions_unit_period"),
        CheckConstraint("period_end >= period_start", name="period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date, index=True)
    report_no: Mapped[str | None] = mapped_column(String(100))
    # {"02/XLD:2025": [values of the unit's own row, with its whole tree, column by column], ...}
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    unit: Mapped[Unit] = relationship(lazy="joined")
