"""Execution of complaint decisions and denunciation conclusions (form 05/KQTH of TT
06/2025/TT-TTCP): what has been recovered for the State and returned to organisations and
citizens so far, who was disciplined or prosecuted, and the day execution finished.

What must be recovered or returned is what the decision says (its amounts). Execution is
recorded in steps, each dated: several partial records, the last of which may say execution is
finished. A decision is "to execute" from its date until the day a record finishes it."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, Numeric, Text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import Base
from tracker.models.types import UTCDateTime, utcnow

AMOUNTS = ("recovered_money_vnd", "recovered_land_m2", "returned_money_vnd", "returned_land_m2")
COUNTS = ("organisations_disciplined", "people_disciplined", "civil_servants_disciplined", "prosecuted_cases",
          "prosecuted_people", "prosecuted_civil_servants")


class ExecutionRecord(Base):
    """One step of executing a decision, dated `recorded_on`."""

    __tablename__ = "execution_records"
    __table_args__ = (
        *(CheckConstraint(f"{name} >= 0", name=name) for name in AMOUNTS + COUNTS),
        CheckConstraint("civil_servants_disciplined <= people_disciplined", name="civil_servants_disciplined_among"),
        CheckConstraint("prosecuted_civil_servants <= prosecuted_people", name="prosecuted_civil_servants_among"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    recorded_on: Mapped[dt.date] = mapped_column(Date)
    recovered_money_vnd: Mapped[Decimal] = mapped_column(Numeric(20, 2), default=Decimal(0))
    recovered_land_m2: Mapped[Decimal] = mapped_column(Numeric(20, 2), default=Decimal(0))
    returned_money_vnd: Mapped[Decimal] = mapped_column(Numeric(20, 2), default=Decimal(0))
    returned_land_m2: Mapped[Decimal] = mapped_column(Numeric(20, 2), default=Decimal(0))
    organisations_disciplined: Mapped[int] = mapped_column(Integer, default=0)
    people_disciplined: Mapped[int] = mapped_column(Integer, default=0)
    civil_servants_disciplined: Mapped[int] = mapped_column(Integer, default=0)
    prosecuted_cases: Mapped[int] = mapped_column(Integer, default=0)
    prosecuted_people: Mapped[int] = mapped_column(Integer, default=0)
    prosecuted_civil_servants: Mapped[int] = mapped_column(Integer, default=0)
    finished: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
