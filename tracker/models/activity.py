"""Reception visits, dialogues with their plans, and supervisions (DOMAIN.md §6, §8)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, Column, Date, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base
from tracker.models.projects import Project
from tracker.models.types import UTCDateTime, check_in, utcnow
from tracker.models.units import Unit

RECEPTION_KINDS = ("staff", "head_scheduled", "head_ad_hoc", "authorised")

visit_cases = Table(
    "visit_cases",
    Base.metadata,
    Column("visit_id", ForeignKey("reception_visits.id", ondelete="CASCADE"), primary_key=True),
    Column("case_id", ForeignKey("cases.id"), primary_key=True, index=True),
)

supervision_cases = Table(
    "supervision_cases",
    Base.metadata,
    Column("supervision_id", ForeignKey("supervisions.id", ondelete="CASCADE"), primary_key=True),
    Column("case_id", ForeignKey("cases.id"), primary_key=True),
)


class ReceptionVisit(Base):
    """A citizen's (or a delegation's) visit to a reception desk, counted on form 01/TCD."""

    __tablename__ = "reception_visits"
    __table_args__ = (
        CheckConstraint(check_in("reception", RECEPTION_KINDS), name="reception"),
        CheckConstraint("persons >= 1", name="persons"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    visited_on: Mapped[dt.date] = mapped_column(Date, index=True)
    reception: Mapped[str] = mapped_column(String(20))
    persons: Mapped[int] = mapped_column(Integer, default=1)
    delegation: Mapped[bool] = mapped_column(Boolean, default=False)
    repeat: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship()
    cases = relationship("Case", secondary=visit_cases)


class DialoguePlan(Base):
    """A unit's yearly plan of dialogue conferences (DCCS Art. 32: at least one a year)."""

    __tablename__ = "dialogue_plans"
    __table_args__ = (
        UniqueConstraint("unit_id", "year", name="uq_dialogue_plans_unit_year"),
        CheckConstraint("planned_sessions >= 1", name="planned_sessions"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    planned_sessions: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship()


class Dialogue(Base):
    """A direct dialogue session (đối thoại trực tiếp) hosted by a unit."""

    __tablename__ = "dialogues"

    id: Mapped[int] = mapped_column(primary_key=True)
    host_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    chair: Mapped[str] = mapped_column(String(255))
    topic: Mapped[str] = mapped_column(String(500))
    attendees: Mapped[int | None] = mapped_column(Integer)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("dialogue_plans.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    host_unit: Mapped[Unit] = relationship()


class Supervision(Base):
    """A supervision held by a board over a unit, a list of cases or an investment project."""

    __tablename__ = "supervisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    board_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    subject: Mapped[str] = mapped_column(String(500))
    started_on: Mapped[dt.date] = mapped_column(Date, index=True)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    scope_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    # What a community investment supervision board supervises (DOMAIN.md §6).
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), index=True)
    findings: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    board_unit: Mapped[Unit] = relationship(foreign_keys=[board_unit_id])
    scope_unit: Mapped[Unit | None] = relationship(foreign_keys=[scope_unit_id])
    scope_cases = relationship("Case", secondary=supervision_cases)
    project: Mapped[Project | None] = relationship()
