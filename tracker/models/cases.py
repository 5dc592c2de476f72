"""Cases: every tracked petition, dialogue opinion and supervision recommendation, with
its petitioners (stored apart from the case, DOMAIN.md §5) and its decisions."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Connection, Date, ForeignKey, Index, Integer, Numeric, String, Text, case, event, text
from sqlalchemy import false as sql_false
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from tracker.db import Base
from tracker.models.history import GENESIS
from tracker.models.types import UTCDateTime, check_in, utcnow
from tracker.models.units import Unit, province_of
from workflows import definitions
from workflows.definitions.base import Workflow

KINDS = definitions.KINDS
STATES = tuple(dict.fromkeys(s.name for w in definitions.ALL for s in w.states))
CHANNELS = ("in_person", "mail", "online", "hotline", "dialogue", "voter_contact", "forwarded", "supervision")
SUBJECT_AREAS = ("land_housing", "policy_benefits", "justice", "party", "civil_service", "corruption", "other")
OUTCOMES = ("upheld", "partly_upheld", "rejected")
RETURNED_TO = ("organisation", "individual")
# A petition signed by this many people or more is a many-person petition (reported apart).
MANY_PERSON_THRESHOLD = 5


class Case(Base):
    """One tracked case. Its workflow version and rule set are pinned when it starts."""

    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(check_in("kind", KINDS), name="kind"),
        CheckConstraint(check_in("state", STATES), name="state"),
        CheckConstraint(check_in("channel", CHANNELS), name="channel"),
        CheckConstraint(f"subject_area IS NULL OR {check_in('subject_area', SUBJECT_AREAS)}", name="subject_area"),
        CheckConstraint("crowd_size >= 1", name="crowd_size"),
        CheckConstraint("version >= 1", name="version"),
        # An assigned dialogue opinion always names its unit and due date (DOMAIN.md §4).
        CheckConstraint("state <> 'assigned' OR (assigned_unit_id IS NOT NULL AND due_on IS NOT NULL)", name="assigned_has_unit"),
        Index("ix_cases_kind_state", "kind", "state"),
        Index("ix_cases_received_unit_received_on", "received_unit_id", "received_on"),
        Index("ix_cases_assigned_unit_state", "assigned_unit_id", "state"),
        # Reporting periods: what a kind received in a period, what was still not final at its end.
        Index("ix_cases_kind_received_on", "kind", "received_on"),
        Index("ix_cases_final_on", "final_on"),
        # One province's figures read only its own rows (README, "Beyond one province").
        Index("ix_cases_province_kind_received_on", "province_id", "kind", "received_on"),
        Index("ix_cases_province_final_on", "province_id", "final_on"),
        Index("ix_cases_other_provinces", "other_provinces", postgresql_where=text("other_provinces"),
              sqlite_where=text("other_provinces")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    workflow_version: Mapped[int] = mapped_column(Integer, default=1)
    rule_set: Mapped[str | None] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(30))
    channel: Mapped[str] = mapped_column(String(20))
    received_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    # The root of the receiving unit's tree (its province), leading the indexes the figures read so
    # that one province's statements touch only its own rows. Written on INSERT from the receiving
    # unit (`_province_on_intake` below, whatever path makes the case) and kept in step when a unit
    # moves to another province (services/reorganisation.py).
    province_id: Mapped[int] = mapped_column(Integer)
    # True once a unit outside that province resolved the case (a transfer to a successor in another
    # province, a unit moved between provinces): every province's figures read these few cases too,
    # since the history may put them in either province at the end of a period.
    other_provinces: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sql_false())
    assigned_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    subject: Mapped[str] = mapped_column(String(500))
    subject_search: Mapped[str] = mapped_column(String(500), default="")
    content: Mapped[str] = mapped_column(Text, default="")
    subject_area: Mapped[str | None] = mapped_column(String(30))
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    crowd_size: Mapped[int] = mapped_column(Integer, default=1)
    complex: Mapped[bool] = mapped_column(Boolean, default=False)
    remote: Mapped[bool] = mapped_column(Boolean, default=False)
    # The written finding that the case is complex (ND 155/2026): the reason given with the flag.
    complex_reason: Mapped[str | None] = mapped_column(Text)
    multi_place: Mapped[bool] = mapped_column(Boolean, default=False)
    multi_agency: Mapped[bool] = mapped_column(Boolean, default=False)
    round: Mapped[int] = mapped_column(Integer, default=1)
    # Legal dates (Asia/Ho_Chi_Minh) that put the case in a reporting period.
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    received_on: Mapped[dt.date] = mapped_column(Date, index=True)
    accepted_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    decided_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    # The day the petitioner received the decision (KN Art. 33): the second-complaint window and
    # the decision's finality run from it; None when unknown (the decision date counts then).
    delivered_on: Mapped[dt.date | None] = mapped_column(Date)
    final_on: Mapped[dt.date | None] = mapped_column(Date)  # when it reached a final state
    # The deadline: current due date, start of the running period, pause.
    due_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    clock_started_on: Mapped[dt.date | None] = mapped_column(Date)
    paused_on: Mapped[dt.date | None] = mapped_column(Date)
    # The period's own last day before any roll-over to a working day (a suspension moves it),
    # and the days the clock lost to suspensions since the period started (DOMAIN.md §2).
    period_end_on: Mapped[dt.date | None] = mapped_column(Date)
    suspended_days: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    extensions_used: Mapped[int] = mapped_column(Integer, default=0)
    reopened_count: Mapped[int] = mapped_column(Integer, default=0)
    urged_count: Mapped[int] = mapped_column(Integer, default=0)
    last_effective_on: Mapped[dt.date] = mapped_column(Date)
    # Links: the first-round complaint, the dialogue or supervision a case came from.
    parent_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    dialogue_id: Mapped[int | None] = mapped_column(ForeignKey("dialogues.id"), index=True)
    supervision_id: Mapped[int | None] = mapped_column(ForeignKey("supervisions.id"), index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("reception_visits.id"))
    settled_on_spot: Mapped[bool] = mapped_column(Boolean, default=False)
    answer: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The head of the case's history chain (its last entry's number and hash), written in the
    # same transaction as the entry, so that appending the next one reads no history.
    last_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS, server_default=GENESIS)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    received_unit: Mapped[Unit] = relationship(foreign_keys=[received_unit_id])
    assigned_unit: Mapped[Unit | None] = relationship(foreign_keys=[assigned_unit_id])
    petitioners: Mapped[list[Petitioner]] = relationship(
        back_populates="case", order_by="Petitioner.position", cascade="all, delete-orphan"
    )
    decisions: Mapped[list[Decision]] = relationship(back_populates="case", order_by="Decision.id")

    def __init__(self, **columns: object):
        # A new case has no petitioners yet: say so, so that adding the first one after the
        # INSERT does not load an empty collection from the database.
        columns.setdefault("petitioners", [])
        super().__init__(**columns)

    @property
    def resolving_unit(self) -> Unit:
        """The unit that must resolve the case: the assigned unit, else the receiving one."""
        return self.assigned_unit or self.received_unit

    @property
    def many_person(self) -> bool:
        """Signed by five or more people (reported apart, DOMAIN.md §4)."""
        return self.crowd_size >= MANY_PERSON_THRESHOLD

    @property
    def workflow(self) -> Workflow:
        """The workflow version the case is pinned to."""
        return definitions.get(self.kind, self.workflow_version)

    @property
    def is_final(self) -> bool:
        """True in a state no ordinary trigger leaves."""
        return self.state in self.workflow.final_states

    def is_overdue(self, today: dt.date) -> bool:
        """Open with its clock running and `today` after its due date (derived, never stored)."""
        return self.workflow.is_overdue(self.state, self.due_on, today)

    @property
    def latest_decision(self) -> Decision | None:
        """The decision that resolved the case most recently."""
        return self.decisions[-1] if self.decisions else None


@event.listens_for(Case, "before_insert")
def _province_on_intake(_mapper: Mapper[Case], _connection: Connection, target: Case) -> None:
    """A new case belongs to its receiving unit's province: read from the unit when it is loaded,
    else computed inside the INSERT itself (no statement of its own)."""
    if target.province_id is not None:
        return
    unit = target.__dict__.get("received_unit")
    if unit is not None and unit.id == target.received_unit_id and unit.path:
        target.province_id = unit.province_id
    else:
        target.province_id = province_of(target.received_unit_id)  # type: ignore[assignment]


@event.listens_for(Case, "before_update")
def _mark_other_provinces(_mapper: Mapper[Case], _connection: Connection, target: Case) -> None:
    """A case now resolved by a unit of another province is marked (once) as read by every province."""
    state: Any = sa_inspect(target)
    if target.__dict__.get("other_provinces") is True or not state.attrs.assigned_unit_id.history.has_changes():
        return
    unit_id = target.assigned_unit_id
    if unit_id is None:
        return
    unit, province = target.__dict__.get("assigned_unit"), target.__dict__.get("province_id")
    if unit is not None and unit.id == unit_id and unit.path and isinstance(province, int):
        if unit.province_id != province:
            target.other_provinces = True
    else:
        target.other_provinces = case(  # type: ignore[assignment]
            (province_of(unit_id) != Case.province_id, True), else_=Case.other_provinces)


class Petitioner(Base):
    """A person who brought the case. For a denunciation these fields are confidential."""

    __tablename__ = "petitioners"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    full_name: Mapped[str] = mapped_column(String(255))
    name_search: Mapped[str] = mapped_column(String(255), index=True, default="")
    id_number: Mapped[str | None] = mapped_column(String(30), index=True)
    phone: Mapped[str | None] = mapped_column(String(30))
    address: Mapped[str | None] = mapped_column(String(500))
    # A co-complainant who withdrew while the others go on (DOMAIN.md §3).
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date)

    case: Mapped[Case] = relationship(back_populates="petitioners")


class Decision(Base):
    """What a `resolve` decided, with the amounts and counts the result forms report."""

    __tablename__ = "decisions"
    __table_args__ = (
        CheckConstraint(f"outcome IS NULL OR {check_in('outcome', OUTCOMES)}", name="outcome"),
        CheckConstraint(f"returned_to IS NULL OR {check_in('returned_to', RETURNED_TO)}", name="returned_to"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    effective_on: Mapped[dt.date] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(20))
    decision_no: Mapped[str | None] = mapped_column(String(100))
    summary: Mapped[str] = mapped_column(Text, default="")
    on_time: Mapped[bool] = mapped_column(Boolean, default=True)
    recovered_money_vnd: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))
    recovered_land_m2: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))
    returned_money_vnd: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))
    returned_land_m2: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))
    # Forms 01/KQGQ and 03/KQGQ split what is returned between organisations and individuals,
    # and count the civil servants among the people disciplined or referred.
    returned_to: Mapped[str | None] = mapped_column(String(20))
    people_disciplined: Mapped[int | None] = mapped_column(Integer)
    # Form 04/GQTC (TT 06/2025) counts the organisations recommended for sanctions apart.
    organisations_disciplined: Mapped[int | None] = mapped_column(Integer)
    civil_servants_disciplined: Mapped[int | None] = mapped_column(Integer)
    referred_for_investigation: Mapped[int | None] = mapped_column(Integer)
    civil_servants_referred: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="decisions")


class IdempotencyKey(Base):
    """The case a retried intake must return instead of creating a second one."""

    __tablename__ = "idempotency_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("uq_idempotency_user_key", "user_id", "key", unique=True),)
