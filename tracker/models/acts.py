"""The yearly register of outgoing documents of each unit (ND 30/2020 Art. 15: numbers run
from 01 on the first day of the year, one sequence per issuing body) and the acts issued
from it for cases."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base
from tracker.models.documents import Document
from tracker.models.types import UTCDateTime, utcnow


class ActRegister(Base):
    """The last number a unit gave out in a year. Issuing locks this row, so numbers have no
    gap and no repeat even when two people issue at once."""

    __tablename__ = "act_registers"
    __table_args__ = (UniqueConstraint("unit_id", "year", name="uq_act_registers_unit_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    year: Mapped[int] = mapped_column(Integer)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class IssuedAct(Base):
    """An act issued for a case: its number, date, the stored file, and its delivery."""

    __tablename__ = "issued_acts"
    __table_args__ = (UniqueConstraint("unit_id", "year", "seq", name="uq_issued_acts_unit_year_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(60))  # "05/TB-UBND"
    key: Mapped[str] = mapped_column(String(60))
    template_version: Mapped[str] = mapped_column(String(10))
    issued_on: Mapped[dt.date] = mapped_column(Date)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    # The citizen must receive it: by when it must be sent (a suspension: 3 working days), and when they did.
    to_citizen: Mapped[bool] = mapped_column(Boolean, default=False)
    send_due_on: Mapped[dt.date | None] = mapped_column(Date)
    delivered_on: Mapped[dt.date | None] = mapped_column(Date)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    document: Mapped[Document] = relationship(lazy="joined")
