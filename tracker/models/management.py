"""A unit's state-management work on citizen reception, complaints and denunciations (form
06/QLKNTC of TT 06/2025/TT-TTCP): the documents it issued, amended or repealed, its training
sessions, and its responsibility inspections (thanh tra trách nhiệm) with their conclusions and
the execution of those conclusions. These are not petitions: a unit enters them as they happen."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base
from tracker.models.types import UTCDateTime, check_in, utcnow
from tracker.models.units import Unit

DOCUMENT_ACTIONS = ("issued", "amended", "repealed")
INSPECTION_COUNTS = ("recommended_organisations", "recommended_people", "referred_organisations", "referred_people",
                     "sanctioned_organisations", "sanctioned_people", "prosecuted_cases", "prosecuted_people")


class ManagementDocument(Base):
    """A guiding or managing document a unit issued, amended or repealed."""

    __tablename__ = "management_documents"
    __table_args__ = (CheckConstraint(check_in("action", DOCUMENT_ACTIONS), name="action"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    issued_on: Mapped[dt.date] = mapped_column(Date, index=True)
    number: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")


class TrainingSession(Base):
    """A training, dissemination or legal-education session a unit held."""

    __tablename__ = "training_sessions"
    __table_args__ = (CheckConstraint("attendees >= 1", name="attendees"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    topic: Mapped[str] = mapped_column(String(500))
    attendees: Mapped[int] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")


class ResponsibilityInspection(Base):
    """An inspection of how units carry out the law on reception, complaints and denunciations,
    held by `unit_id`; its conclusion (KLTT) and what came of it."""

    __tablename__ = "responsibility_inspections"
    __table_args__ = (
        CheckConstraint("units_inspected >= 1", name="units_inspected"),
        *(CheckConstraint(f"{name} >= 0", name=name) for name in INSPECTION_COUNTS),
        CheckConstraint("concluded_on IS NULL OR concluded_on >= started_on", name="concluded_after_start"),
        CheckConstraint("executed_on IS NULL OR (concluded_on IS NOT NULL AND executed_on >= concluded_on)",
                        name="executed_after_conclusion"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    subject: Mapped[str] = mapped_column(String(500))
    started_on: Mapped[dt.date] = mapped_column(Date, index=True)
    units_inspected: Mapped[int] = mapped_column(Integer, default=1)
    concluded_on: Mapped[dt.date | None] = mapped_column(Date)
    conclusion_no: Mapped[str | None] = mapped_column(String(100))
    recommended_organisations: Mapped[int] = mapped_column(Integer, default=0)
    recommended_people: Mapped[int] = mapped_column(Integer, default=0)
    referred_organisations: Mapped[int] = mapped_column(Integer, default=0)
    referred_people: Mapped[int] = mapped_column(Integer, default=0)
    executed_on: Mapped[dt.date | None] = mapped_column(Date)
    sanctioned_organisations: Mapped[int] = mapped_column(Integer, default=0)
    sanctioned_people: Mapped[int] = mapped_column(Integer, default=0)
    prosecuted_cases: Mapped[int] = mapped_column(Integer, default=0)
    prosecuted_people: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")
