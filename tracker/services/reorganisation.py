"""Closing a unit with a successor: the 2025 reorganisation of local government (DOMAIN.md §1).

On 2025-07-01 districts were abolished; offices carried their cases and registers into the new
tree. Closing a unit records `closed_on` and `successor`, moves each of its open cases to the
successor with a `transfer` history entry (state, due date and clock untouched) and moves its
users; the closed unit stays with its records, so figures for a period before the closing
still show it (the history says where each case was then) and figures after it show the
successor. A unit whose units below it are still open is closed only once each of them is
closed with its own successor, or when they are moved under another unit (`children_to`).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, exists, or_, select, update
from sqlalchemy.orm import Session

from tracker.auth import policy
from tracker.auth.policy import Actor, Operation
from tracker.models import Case, HistoryEntry, Unit, User
from tracker.services.admin import ALLOWED_PARENTS
from tracker.services.cases import fire_as_system
from tracker.services.common import effective_date, unit_by_code
from tracker.services.errors import Forbidden, Refused
from workflows import definitions


@dataclass
class Closing:
    """What closing a unit did."""

    unit: Unit
    successor: Unit
    on: dt.date
    cases: list[str] = field(default_factory=list)  # tracking codes moved to the successor
    users: list[str] = field(default_factory=list)  # usernames moved to the successor
    children: list[str] = field(default_factory=list)  # units moved under `children_to`


def _not_final() -> ColumnElement[bool]:
    """Cases in a state their own workflow does not end in."""
    return or_(*[and_(Case.kind == w.kind, Case.state.in_(sorted(s.name for s in w.states if not s.final)))
                 for w in definitions.ALL])


def close_unit(session: Session, actor: Actor, code: str, *, on: dt.date, successor: str,
               children_to: str | None = None) -> Closing:
    """Close unit `code` on `on`; its open cases and its users go to `successor`. The operator at
    the command line acts as policy.SYSTEM."""
    if not policy.may(actor, Operation.CREATE_UNIT):
        raise Forbidden("Chỉ quản trị viên / administrators only")
    unit = unit_by_code(session, code, field="code")
    heir = unit_by_code(session, successor, field="successor")
    if not (policy.unit_in_area(actor, unit) and policy.unit_in_area(actor, heir)):
        raise Forbidden("Đơn vị ngoài phạm vi của bạn / that unit is outside your jurisdiction")
    on = effective_date(on, field="on")
    if unit.closed_on is not None:
        raise Refused(f"Đơn vị {unit.code} đã giải thể từ {unit.closed_on:%d/%m/%Y} / unit {unit.code} was already closed "
                      f"on {unit.closed_on.isoformat()}", {"fields": {"code": "already closed"}})
    if heir.id == unit.id or unit.contains(heir):
        raise Refused("Đơn vị kế thừa phải nằm ngoài đơn vị bị giải thể / the successor must lie outside the unit closed",
                      {"fields": {"successor": "inside the unit closed"}})
    if heir.closed_on is not None:
        raise Refused(f"Đơn vị kế thừa {heir.code} đã giải thể / the successor {heir.code} is closed",
                      {"fields": {"successor": "closed"}})
    if heir.is_board != unit.is_board:
        raise Refused("Ban giám sát chỉ được kế thừa bởi ban giám sát / a board's successor is a board, and only a board's",
                      {"fields": {"successor": "board and non-board"}})
    closing = Closing(unit, heir, on)
    children = list(session.scalars(select(Unit).where(Unit.parent_id == unit.id, Unit.closed_on.is_(None)).order_by(Unit.code)))
    if children and children_to is None:
        raise Refused(
            f"Còn {len(children)} đơn vị trực thuộc chưa giải thể: {', '.join(c.code for c in children)}; giải thể từng đơn vị "
            f"với đơn vị kế thừa, hoặc chuyển chúng sang đơn vị khác / {len(children)} unit(s) below it are still open: close "
            f"each with its successor first, or move them under another unit (children_to)",
            {"fields": {"code": "open units below it"}, "open_children": [c.code for c in children]},
        )
    if children:
        assert children_to is not None
        new_parent = unit_by_code(session, children_to, field="children_to")
        if new_parent.closed_on is not None or unit.contains(new_parent):
            raise Refused("Đơn vị cấp trên mới không hợp lệ / the new parent must be open and outside the unit closed",
                          {"fields": {"children_to": "closed or inside the unit closed"}})
        for child in children:
            if new_parent.kind not in ALLOWED_PARENTS[child.kind]:
                raise Refused(f"Đơn vị {child.kind} không thể thuộc {new_parent.kind} / a {child.kind} cannot sit under a "
                              f"{new_parent.kind}", {"fields": {"children_to": f"not a parent for {child.code}"}})
        for child in children:
            _move_subtree(session, child, new_parent)
            closing.children.append(child.code)
    unit.closed_on, unit.successor_id = on, heir.id
    resolving_here = or_(Case.assigned_unit_id == unit.id, and_(Case.assigned_unit_id.is_(None), Case.received_unit_id == unit.id))
    moving = session.scalars(select(Case).where(resolving_here, _not_final()).order_by(Case.id)
                             .with_for_update(of=Case.__table__))
    for case in moving:
        fire_as_system(session, case, "transfer", max(on, case.last_effective_on), data={"unit": heir.code}, target=heir,
                       note=f"Đơn vị {unit.code} giải thể ngày {on:%d/%m/%Y}; {heir.code} kế thừa / {unit.code} closed on "
                            f"{on.isoformat()}, {heir.code} carries on")
        closing.cases.append(case.tracking_code)
    for user in session.scalars(select(User).where(User.unit_id == unit.id).order_by(User.username)):
        user.unit = heir
        closing.users.append(user.username)
    session.flush()
    return closing


def _move_subtree(session: Session, unit: Unit, new_parent: Unit) -> None:
    """Put `unit` (and everything below it) under `new_parent`: the paths of the subtree change."""
    old = unit.path
    new = f"{new_parent.path}{unit.id}/"
    unit.parent = new_parent
    session.flush()
    for below in session.scalars(select(Unit).where(Unit.path.like(old + "%"))):
        below.path = new + below.path[len(old):]
    session.flush()
    if new_parent.province_id != int(old.split("/")[1]):
        _cases_change_province(session, new, new_parent.province_id)


def _cases_change_province(session: Session, path: str, province_id: int) -> None:
    """Keep `cases.province_id` in step with a subtree (at `path`) moved to another province: the
    cases received there now belong to it, and every case the subtree's units received, resolve or
    once resolved is marked as read by every province's figures (its history names units of both)."""
    units = select(Unit.id).where(Unit.path.like(path + "%"))
    touched = or_(Case.received_unit_id.in_(units), Case.assigned_unit_id.in_(units),
                  exists().where(HistoryEntry.case_id == Case.id, HistoryEntry.unit_id.in_(units)))
    # updated_at stays: the case itself did not change.
    session.execute(update(Case).where(Case.received_unit_id.in_(units))
                    .values(province_id=province_id, updated_at=Case.updated_at).execution_options(synchronize_session="fetch"))
    session.execute(update(Case).where(touched).values(other_provinces=True, updated_at=Case.updated_at)
                    .execution_options(synchronize_session="fetch"))
