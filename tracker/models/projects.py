"""Investment projects carried out in a commune (roads, schools, irrigation, compensation and
resettlement), the records a community investment supervision board watches (DCCS 2022,
DOMAIN.md §6)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base
from tracker.models.types import UTCDateTime, check_in, utcnow
from tracker.models.units import Unit

# preparing: chuẩn bị đầu tư; in_progress: đang thực hiện; suspended: tạm dừng; completed: hoàn thành.
PROJECT_STATUSES = ("preparing", "in_progress", "suspended", "completed")


class Project(Base):
    """An investment project recorded at a commune (or an agency of it): what it is, who invests,
    where, for how much and when, and how far it has got."""

    __tablename__ = "projects"
    __table_args__ = (
        UniqueConstraint("unit_id", "name", name="uq_projects_unit_name"),
        CheckConstraint(check_in("status", PROJECT_STATUSES), name="status"),
        CheckConstraint("budget_vnd IS NULL OR budget_vnd >= 0", name="budget_vnd"),
        CheckConstraint("planned_completion_on IS NULL OR started_on IS NULL OR planned_completion_on >= started_on",
                        name="dates_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    name: Mapped[str] = mapped_column(String(500))
    # The investor as the decision names it (a project management board, the commune's People's Committee...).
    investor: Mapped[str] = mapped_column(String(255))
    # The investor's unit when it is one of the tracker's: the default addressee of recommendations.
    investor_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    location: Mapped[str | None] = mapped_column(String(500))
    budget_vnd: Mapped[int | None] = mapped_column(BigInteger)
    started_on: Mapped[dt.date | None] = mapped_column(Date)
    planned_completion_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id], lazy="joined")
    investor_unit: Mapped[Unit | None] = relationship(foreign_keys=[investor_unit_id], lazy="joined")
