"""Helpers every service shares: units by code, the engine with today's calendar,
effective dates, and the optimistic-concurrency check."""
from __future__ import annotations

import datetime as dt
import secrets
from typing import TypeVar

from sqlalchemy import event, select
from sqlalchemy.orm import Session, SessionTransaction

from tracker import calendar_cache, clock
from tracker.models import Case, Unit
from tracker.services.errors import Conflict, NotFound, Refused
from workflows.calendar import WorkingCalendar
from workflows.engine import Engine

T = TypeVar("T")

# No 0/O, 1/I/L: codes are read aloud at a desk and typed from a receipt.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_tracking_code() -> str:
    """An unguessable tracking code such as "K7QD-3MXA-P2RW" (about 59 random bits)."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def tracking_code_key(text: str) -> str:
    """A tracking code as stored, from what a person typed: any case, with or without dashes or spaces."""
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}" if len(raw) == 12 else text.strip().upper()


_UNITS_BY_CODE = "tracker.units_by_code"


@event.listens_for(Session, "after_soft_rollback")
def _forget_units(session: Session, _previous: SessionTransaction) -> None:
    session.info.pop(_UNITS_BY_CODE, None)  # a unit created in what was rolled back is gone


def find_unit(session: Session, code: str) -> Unit | None:
    """The unit with `code`, or None; looked up once per session (a service often names the
    same unit several times: the period's settings, the target's checks, the payload)."""
    known: dict[str, Unit] = session.info.setdefault(_UNITS_BY_CODE, {})
    unit = known.get(code)
    if unit is None:
        unit = session.scalar(select(Unit).where(Unit.code == code))
        if unit is not None:
            known[code] = unit
    return unit


def remember_unit(session: Session, unit: Unit) -> None:
    """A unit this session loaded with another statement, so that `find_unit` need not read it."""
    session.info.setdefault(_UNITS_BY_CODE, {})[unit.code] = unit


def unit_by_code(session: Session, code: str, *, field: str = "unit") -> Unit:
    """The unit with `code`; a 422 naming `field` when there is none."""
    unit = find_unit(session, code)
    if unit is None:
        raise Refused(f"Không có đơn vị {code!r} / no unit {code!r}", {"fields": {field: "unknown unit"}}, code="unknown_unit")
    return unit


def case_unit(unit: Unit, *, field: str) -> Unit:
    """`unit`, if it may receive or resolve a case: never a supervisory board, whose users must
    not hold a petitioner's identity (DOMAIN.md §5); the database refuses it too."""
    if unit.is_board:
        raise Refused("Ban giám sát không tiếp nhận, giải quyết đơn / a supervisory board cannot receive or resolve a case",
                      {"fields": {field: "a supervisory board"}})
    return unit


def working_calendar(session: Session) -> WorkingCalendar:
    """The VN calendar with the administrators' overrides (cached per process, tracker/calendar_cache.py)."""
    return calendar_cache.working_calendar(session)


def engine_for(session: Session) -> Engine:
    """An engine that counts days on the current calendar."""
    return Engine(working_calendar(session))


def effective_date(value: dt.date | None, *, not_before: dt.date | None = None, field: str = "effective_on") -> dt.date:
    """The date an act took legal effect: today by default, never in the future nor before
    the case's previous entry."""
    today = clock.today()
    effective = value or today
    if effective > today:
        raise Refused("Ngày hiệu lực không được ở tương lai / the effective date may not lie in the future",
                      {"fields": {field: f"<= {today.isoformat()}"}})
    if not_before is not None and effective < not_before:
        raise Refused("Ngày hiệu lực trước bước trước đó / the effective date is before the case's previous entry",
                      {"fields": {field: f">= {not_before.isoformat()}"}})
    return effective


def check_version(case: Case, expected: int) -> None:
    """Refuse a write based on a stale read (409), before anything is written."""
    if case.version != expected:
        raise Conflict(
            "Hồ sơ đã được cập nhật bởi người khác; tải lại / the case changed since you read it; reload",
            {"current_version": case.version, "your_version": expected},
        )


def get_or_404(session: Session, model: type[T], ident: int, label: str) -> T:
    """The row of `model` with id `ident`, or a 404."""
    row = session.get(model, ident)
    if row is None:
        raise NotFound(f"Không tìm thấy {label} / {label} not found")
    return row
