"""Administration: units, users, API tokens and the working-day calendar (with the recount a
change of the calendar causes, previewed before it is made)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.auth import passwords, policy
from tracker.auth.policy import Actor, Operation
from tracker.models import ApiToken, CalendarOverride, Case, Unit, User
from tracker.schemas import UnitIn, UserIn
from tracker.services.common import unit_by_code, working_calendar
from tracker.services.errors import Conflict, Forbidden, NotFound, Refused
from tracker.services.recount import Moved, Recount, preview_recount, recount_due_dates
from workflows.definitions.base import Role

_hasher = PasswordHasher()

# The tree: province > district > commune (communes sit directly under the province once
# districts are abolished, DOMAIN.md §1); agencies and boards attach to a level of government.
_GOVERNMENT = ("province", "district", "commune")
ALLOWED_PARENTS: dict[str, tuple[str, ...]] = {
    "province": (),
    "district": ("province",),
    "commune": ("province", "district"),
    "agency": _GOVERNMENT,
    "front_committee": _GOVERNMENT,
    "inspection_board": ("commune", "district", "agency"),  # also in state agencies and enterprises
    # Set up in a commune by its Front committee to watch the projects carried out there (DCCS 2022).
    "investment_board": ("commune",),
}


def _require_admin(actor: Actor, operation: Operation = Operation.CREATE_UNIT) -> None:
    if not policy.may(actor, operation):
        raise Forbidden("Chỉ quản trị viên / administrators only")


def create_unit(session: Session, actor: Actor, data: UnitIn) -> Unit:
    """Add a unit under its parent (the first unit, a province, has none)."""
    _require_admin(actor)
    if session.scalar(select(Unit.id).where(Unit.code == data.code)):
        raise Conflict(f"Mã đơn vị {data.code} đã có / unit code {data.code} exists", code="duplicate")
    parent = unit_by_code(session, data.parent_code, field="parent_code") if data.parent_code else None
    if parent is None and data.kind == "province" and not policy.may_create_unit_under(actor, None):
        raise Forbidden("Chỉ quản trị viên quốc gia tạo tỉnh / only the national administrator creates a province")
    if parent is not None and not policy.may_create_unit_under(actor, parent):
        raise Forbidden("Đơn vị cha ngoài phạm vi / the parent unit is outside your jurisdiction")
    if parent is None and data.kind != "province":
        raise Refused("Chỉ cấp tỉnh không có đơn vị cha / only a province has no parent", {"fields": {"parent_code": "required"}})
    allowed = ALLOWED_PARENTS[data.kind]
    if parent is not None and parent.kind not in allowed:
        raise Refused(f"Đơn vị {data.kind} không thể thuộc {parent.kind} / a {data.kind} cannot sit under a {parent.kind}",
                      {"fields": {"parent_code": f"must be one of: {', '.join(allowed) or 'none'}"}})
    unit = Unit(code=data.code, name=data.name, kind=data.kind, parent=parent, settings={})
    session.add(unit)
    session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    session.flush()
    return unit


def check_role_fits_unit(role: str, unit: Unit) -> None:
    """A supervisor belongs to a supervisory board, and a board's members are supervisors (its users
    must never hold a petitioner's identity, DOMAIN.md §5); nobody joins a closed unit."""
    if role == Role.SUPERVISOR and not unit.is_board:
        raise Refused("Vai trò giám sát thuộc Ban giám sát / a supervisor belongs to a supervisory board",
                      {"fields": {"unit": "not a board"}})
    if role != Role.SUPERVISOR and unit.is_board:
        raise Refused("Thành viên Ban giám sát có vai trò giám sát / a supervisory board's members are supervisors",
                      {"fields": {"role": "a board's member is a supervisor"}})
    if unit.closed_on is not None:
        raise Refused(f"Đơn vị {unit.code} đã giải thể / unit {unit.code} is closed", {"fields": {"unit": "closed"}})


def managed_unit(session: Session, actor: Actor, code: str) -> Unit:
    """A unit the administrator may rename or close: in their area, below its top (404 elsewhere)."""
    unit = unit_by_code(session, code, field="code")
    if not policy.unit_in_area(actor, unit):
        raise NotFound(f"Không có đơn vị {code} / no unit {code}")
    if not policy.may_manage_unit(actor, unit):
        raise Forbidden("Đơn vị cấp trên quản lý đơn vị này / the administrator above you manages this unit")
    return unit


def rename_unit(session: Session, actor: Actor, code: str, name: str) -> Unit:
    """Give a unit of the administrator's area a new name (its code, records and history stay)."""
    unit = managed_unit(session, actor, code)
    unit.name = name
    session.flush()
    return unit


@dataclass(frozen=True)
class TreeRow:
    """A unit in the tree of an area, with how deep it sits below the area's top."""

    unit: Unit
    depth: int


def unit_tree(session: Session, actor: Actor) -> list[TreeRow]:
    """The units of the actor's area in tree order (each unit followed by the units below it),
    closed units included: they keep their records."""
    units = list_units(session, actor)
    below: dict[int | None, list[Unit]] = {}
    for unit in units:
        below.setdefault(unit.parent_id, []).append(unit)
    root = policy.area_root(actor)
    rows: list[TreeRow] = []
    stack: list[tuple[Unit, int]] = [(root, 0)]
    while stack:
        unit, depth = stack.pop()
        rows.append(TreeRow(unit, depth))
        children = sorted(below.get(unit.id, []), key=lambda u: (u.closed_on is not None, u.name))
        stack.extend((child, depth + 1) for child in reversed(children))
    return rows


def list_units(session: Session, actor: Actor) -> list[Unit]:
    """The units of the actor's area, by code."""
    prefix = policy.area_root_path(actor)
    return list(session.scalars(select(Unit).where(Unit.path.like(prefix + "%")).order_by(Unit.code)))


def hash_password(password: str) -> str:
    """An Argon2id hash of `password`."""
    return _hasher.hash(password)


def check_password(user: User, password: str) -> bool:
    """True when `password` is the user's."""
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_user(session: Session, actor: Actor, data: UserIn, *, password_hash: str | None = None) -> User:
    """Add a user with a role at a unit. `password_hash`: the Argon2 hash of `data.password`
    made already (the demo's users share one password: one slow hash, not one per user)."""
    _require_admin(actor, Operation.CREATE_USER)
    if session.scalar(select(User.id).where(User.username == data.username)):
        raise Conflict(f"Tên đăng nhập {data.username} đã có / username {data.username} exists", code="duplicate")
    unit = unit_by_code(session, data.unit, field="unit")
    if not policy.unit_in_area(actor, unit):
        raise Forbidden("Đơn vị ngoài phạm vi của bạn / that unit is outside your jurisdiction")
    if (weak := passwords.problem(data.password, data.username)) is not None:
        raise Refused(weak, {"fields": {"password": weak}})
    check_role_fits_unit(data.role, unit)
    user = User(username=data.username, password_hash=password_hash or hash_password(data.password), role=data.role, unit=unit,
                email=data.email, full_name=data.full_name)
    session.add(user)
    session.flush()
    return user


def token_digest(token: str) -> str:
    """What is stored of a token: its SHA-256 (a token is random, so no slow hash is needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(session: Session, user: User) -> tuple[ApiToken, str]:
    """A new token row for `user` and the token itself, which is shown once and never stored."""
    token = "pdt_" + secrets.token_urlsafe(32)
    row = ApiToken(user=user, token_hash=token_digest(token))
    session.add(row)
    session.flush()
    return row, token


def issue_token(session: Session, username: str) -> str:
    """A new API token for the user; shown once, stored hashed."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"Không có người dùng {username} / no user {username}")
    return new_token(session, user)[1]


@dataclass(frozen=True)
class CalendarChange:
    """An administrator's override and what it did to the due dates of open cases."""

    override: CalendarOverride
    recount: Recount


def _require_calendar_keeper(actor: Actor) -> None:
    # The working-day calendar is one for the whole country: the operator, or a province's administrator.
    if not policy.may_change_calendar(actor):
        raise Forbidden("Chỉ quản trị viên cấp tỉnh điều chỉnh lịch làm việc / only a province's administrator changes the "
                        "working-day calendar")


def _check_new_day(session: Session, actor: Actor, day: dt.date, kind: str) -> None:
    _require_calendar_keeper(actor)
    if kind not in ("day_off", "working_day"):
        raise Refused("Loại ngày không hợp lệ / kind must be day_off or working_day")
    if session.scalar(select(CalendarOverride.id).where(CalendarOverride.day == day)):
        raise Conflict(f"Ngày {day:%d/%m/%Y} đã được điều chỉnh / {day.isoformat()} already has an override", code="duplicate")
    working = working_calendar(session).is_working_day(day)
    if working == (kind == "working_day"):
        already = "ngày làm việc / a working day" if working else "ngày nghỉ / a day off"
        raise Refused(f"Ngày {day:%d/%m/%Y} đã là {already} already", {"fields": {"day": kind}})


def preview_calendar_day(session: Session, actor: Actor, day: dt.date, kind: str) -> Recount:
    """What adding the override would do to the due dates of open cases; nothing is written."""
    _check_new_day(session, actor, day, kind)
    current = working_calendar(session)
    if kind == "day_off":
        calendar = dataclasses.replace(current, extra_days_off=current.extra_days_off | {day})
    else:
        calendar = dataclasses.replace(current, extra_working_days=current.extra_working_days | {day})
    return preview_recount(session, calendar, day)


def add_calendar_day(session: Session, actor: Actor, day: dt.date, kind: str, note: str) -> CalendarChange:
    """Record an extra day off or a make-up working day (one entry per date), and recount the
    due dates of the open cases whose periods span it."""
    _check_new_day(session, actor, day, kind)
    row = CalendarOverride(day=day, kind=kind, note=note, created_by_id=actor.id)
    session.add(row)
    session.flush()
    return CalendarChange(row, recount_due_dates(session, actor, day))


def list_calendar_days(session: Session) -> list[CalendarOverride]:
    """Every administrator override, by date."""
    return list(session.scalars(select(CalendarOverride).order_by(CalendarOverride.day)))


def _override(session: Session, actor: Actor, day: dt.date) -> CalendarOverride:
    _require_calendar_keeper(actor)
    row = session.scalar(select(CalendarOverride).where(CalendarOverride.day == day))
    if row is None:
        raise NotFound(f"Ngày {day:%d/%m/%Y} không có điều chỉnh / {day.isoformat()} has no override")
    return row


def preview_calendar_removal(session: Session, actor: Actor, day: dt.date) -> Recount:
    """What removing the override of `day` would do to the due dates of open cases; nothing is written."""
    row = _override(session, actor, day)
    current = working_calendar(session)
    calendar = dataclasses.replace(current, extra_days_off=current.extra_days_off - {row.day},
                                   extra_working_days=current.extra_working_days - {row.day})
    return preview_recount(session, calendar, day)


def remove_calendar_day(session: Session, actor: Actor, day: dt.date) -> Recount:
    """Remove the override of `day` (the day is as the law's calendar has it again), and recount
    the due dates of the open cases whose periods span it."""
    session.delete(_override(session, actor, day))
    session.flush()
    return recount_due_dates(session, actor, day)


def moved_in_area(session: Session, actor: Actor, recount: Recount) -> tuple[list[Moved], int]:
    """The moves of a recount the actor may see case by case, and how many others (in other areas) there are."""
    ids = [m.case_id for m in recount.moved]
    if not ids:
        return [], 0
    visible = set(session.scalars(select(Case.id).where(Case.id.in_(ids), policy.visible_filter(actor))))
    mine = [m for m in recount.moved if m.case_id in visible]
    return mine, len(recount.moved) - len(mine)
