"""Eligibility reviews: the finding, during the processing of a petition at a unit, that it is
eligible and within that unit's competence, before the unit decides whether to accept it.

The workflow records how processing ends (accept, forward, guide, file, withdraw). What it does
not record is the time between the finding "competent" and the acceptance decision, which form
02/XLD counts as handled and competent and forms 03/GQKN and 04/GQTC count as "under review for
acceptance" (TT 06/2025/TT-TTCP). A petition is handled at a unit when its review there found it
competent or when a processing act ended it there; otherwise its review is not finished."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import Base
from tracker.models.types import UTCDateTime, utcnow


class EligibilityReview(Base):
    """A petition found eligible and within the competence of `unit_id` on `found_on`."""

    __tablename__ = "eligibility_reviews"
    __table_args__ = (UniqueConstraint("case_id", "unit_id", name="uq_eligibility_reviews_case_unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    found_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
