"""Case operations: intake, firing a trigger, reading and searching cases.

Every write follows DESIGN.md's data path in one transaction: authorise, check the version
the caller read, ask the engine, write the case (version + 1), one history entry and the
outbox rows. Services flush; the caller's boundary commits once.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Date, String, bindparam, exists, func, literal_column, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session, joinedload, object_session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from tracker import clock
from tracker.auth import policy
from tracker.auth.policy import Actor, Operation
from tracker.models import Case, Decision, HistoryEntry, IdempotencyKey, Petitioner, ReceptionVisit, Supervision, Unit
from tracker.schemas import CaseIn, PetitionerIn, TransitionIn
from tracker.services import procedure
from tracker.services.case_rows import insert_case, insert_petitioners
from tracker.services.common import (
    case_unit,
    check_version,
    effective_date,
    engine_for,
    find_unit,
    get_or_404,
    new_tracking_code,
    remember_unit,
    tracking_code_key,
    unit_by_code,
)
from tracker.services.errors import ENGINE_REFUSALS, Conflict, Forbidden, NotFound, Refused, from_workflow
from tracker.services.history import append_entry, entry_row, hold_chain
from tracker.services.outbox import notify_unit, remember_role, role_present
from tracker.services.step_write import changed_columns, write_step
from tracker.text import fold
from workflows import definitions
from workflows.definitions.base import Effect, Flags, Role, Trigger, UnitTarget
from workflows.engine import Step, WorkflowError


def add_petitioners(case: Case, petitioners: list[PetitionerIn]) -> None:
    """Insert the petitioners of a case `new_case` just made, with their accent-free search keys."""
    session = object_session(case)
    assert session is not None, "a case new_case made is in its session"
    insert_petitioners(session, case, [
        {"full_name": p.full_name, "name_search": search_key(p.full_name, Petitioner.name_search),
         "id_number": p.id_number, "phone": p.phone, "address": p.address} for p in petitioners])


def search_key(text: str, column: InstrumentedAttribute[str]) -> str:
    """The accent-free search key of `text`, cut to its column: folding can lengthen text
    (a Hangul syllable becomes two or three letters), and PostgreSQL refuses an overlong value."""
    length = getattr(column.type, "length", None)
    key = fold(text)
    return key[:length] if length else key


def _board_of(session: Session, case: Case) -> int | None:
    if case.supervision_id is None:
        return None
    return session.scalar(select(Supervision.board_unit_id).where(Supervision.id == case.supervision_id))


def new_case(session: Session, actor: Actor, *, kind: str, step: Step, received_unit: Unit, subject: str,
             content: str, channel: str, received_at: dt.datetime, assigned_unit: Unit | None = None,
             **columns: object) -> Case:
    """Insert a case the engine has started, with its first history entry and outbox row.

    The case row is one prepared INSERT and the object is made from what was written
    (services/case_rows.py): no unit of work, nothing to load again for the answer (issue 13)."""
    case = insert_case(
        session, received_unit, assigned_unit,
        tracking_code=new_tracking_code(), kind=kind, workflow_version=definitions.latest(kind).version,
        state=step.to_state, channel=channel,
        subject=subject, subject_search=search_key(subject, Case.subject_search), content=content,
        received_at=received_at, received_on=step.effective_on, last_effective_on=step.effective_on,
        due_on=step.due_on, clock_started_on=step.clock_started_on, period_end_on=step.period_end_on, rule_set=step.rule_set,
        round=step.flags.round, created_by_id=actor.id, **columns,
    )
    hold_chain(session, case)  # inserted by this transaction: its chain starts here
    entry = append_entry(session, case, trigger="intake", from_state=None, actor=actor, effective_on=step.effective_on,
                 data={"kind": kind, "channel": channel, "unit": received_unit.code,
                       "period": step.period.key if step.period else None})
    notify_unit(session, case, "case_received", entry)
    return case


def intake(session: Session, actor: Actor, data: CaseIn) -> Case:
    """Log a petition received at a desk, by mail, online..., in state `received`
    (a voters' opinion starts `accepted` at the unit that must answer)."""
    if not policy.may(actor, Operation.INTAKE):
        raise Forbidden("Chỉ bộ phận tiếp dân được nhận đơn / only reception staff log petitions")
    _known_own_unit(session, actor)
    unit = case_unit(unit_by_code(session, data.received_unit, field="received_unit"), field="received_unit")
    if not policy.unit_in_area(actor, unit):
        raise Forbidden("Đơn vị ngoài phạm vi của bạn / that unit is outside your jurisdiction",
                        {"fields": {"received_unit": "outside your jurisdiction"}})
    received_at = clock.as_utc(data.received_at) if data.received_at else clock.now()
    received_on = effective_date(clock.local_date(received_at), field="received_at")
    assigned = (case_unit(unit_by_code(session, data.assigned_unit, field="assigned_unit"), field="assigned_unit")
                if data.assigned_unit else None)
    if assigned is not None and not unit.contains(assigned):
        raise Refused("Đơn vị giải quyết phải thuộc đơn vị tiếp nhận / the answering unit must be at or below the receiving unit",
                      {"fields": {"assigned_unit": "outside the receiving unit"}})
    visit = None
    if data.visit_id is not None:
        visit = session.get(ReceptionVisit, data.visit_id)
        if visit is None or not policy.unit_in_area(actor, visit.unit):
            raise Refused("Không có lượt tiếp này / no such reception visit", {"fields": {"visit_id": "unknown visit"}})
    flags = Flags(multi_place=data.multi_place and data.kind == "denunciation",
                  multi_agency=data.multi_agency and data.kind == "voter_opinion")
    answering = assigned or unit
    try:
        step = engine_for(session).start(data.kind, effective_on=received_on, flags=flags,
                                         overrides=answering.period_overrides())
    except ENGINE_REFUSALS as error:
        raise from_workflow(error) from error
    case = new_case(
        session, actor, kind=data.kind, step=step, received_unit=unit, subject=data.subject, content=data.content,
        channel=data.channel, received_at=received_at, subject_area=data.subject_area, anonymous=data.anonymous,
        crowd_size=data.crowd_size or max(1, len(data.petitioners)), multi_place=flags.multi_place,
        multi_agency=flags.multi_agency, assigned_unit=assigned,
        accepted_on=received_on if step.to_state == "accepted" else None, visit_id=visit.id if visit else None,
    )
    add_petitioners(case, data.petitioners)
    if visit is not None:
        visit.cases.append(case)
        session.flush()
    return case


def _known_own_unit(session: Session, actor: Actor) -> None:
    """A desk mostly logs what its own unit received: the unit its sign-in loaded in this session
    is the one a code names, with no statement to find it again."""
    if policy.is_system(actor):
        return
    own = actor.unit
    if own is not None and object_session(own) is session:
        remember_unit(session, own)


def intake_once(session: Session, actor: Actor, data: CaseIn, key: str | None) -> tuple[Case, bool]:
    """Intake made safe to retry: with an `Idempotency-Key`, the same user sending the same
    key and body again gets the first case back (created is False), never a second one;
    the same key with another body is a 409. Keys are per user.

    Race-safe: the key is inserted with the case inside a savepoint; when a concurrent request
    inserted the same key first, the unique index refuses ours, the savepoint (our case with
    it) is rolled back and the winner's case is returned."""
    if key is None:
        return intake(session, actor, data), True
    digest = hashlib.sha256(json.dumps(data.model_dump(mode="json"), sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    stored = stored_idempotency_key(session, actor, key)
    if stored is not None:
        return _replay(session, actor, stored, digest), False
    try:
        with session.begin_nested():
            case = intake(session, actor, data)
            session.add(IdempotencyKey(user_id=actor.id, key=key, request_hash=digest, case_id=case.id))
            session.flush()
    except IntegrityError:
        stored = stored_idempotency_key(session, actor, key)
        if stored is None:
            raise
        return _replay(session, actor, stored, digest), False
    return case, True


def stored_idempotency_key(session: Session, actor: Actor, key: str) -> IdempotencyKey | None:
    """The key this user already used, if any."""
    return session.scalar(select(IdempotencyKey).where(IdempotencyKey.user_id == actor.id, IdempotencyKey.key == key))


def _replay(session: Session, actor: Actor, stored: IdempotencyKey, digest: str) -> Case:
    if stored.request_hash != digest:
        raise Conflict("Khóa Idempotency-Key đã dùng cho một yêu cầu khác / this Idempotency-Key was used for a different request",
                       {"case_id": stored.case_id}, code="idempotency_key_reused")
    return get_case_for(session, actor, stored.case_id)


def _resolve_target_unit(session: Session, actor: Actor, case: Case, trigger: Trigger, step: Step) -> Unit | None:
    """The unit a trigger's `unit` field names, checked against where its declaration says it may be."""
    code = step.data.get("unit")
    if trigger.unit_target is UnitTarget.SUPERIOR:
        return superior_unit(session, case, code)
    if code is None or trigger.unit_target is None:
        return None
    target = case_unit(unit_by_code(session, str(code), field="unit"), field="unit")
    if target.closed_on is not None:
        raise Refused(f"Đơn vị {target.code} đã giải thể từ {target.closed_on:%d/%m/%Y} / unit {target.code} was closed on "
                      f"{target.closed_on.isoformat()}", {"fields": {"unit": "closed"}})
    match trigger.unit_target:
        case UnitTarget.AT_OR_BELOW if not case.resolving_unit.contains(target):
            raise Refused("Đơn vị giải quyết phải là đơn vị mình hoặc cấp dưới / the resolving unit must be this unit or one below it",
                          {"fields": {"unit": "not at or below the unit processing the case"}})
        case UnitTarget.ELSEWHERE if target.id == case.resolving_unit.id:
            raise Refused("Đơn đã ở đơn vị này / the case is already at that unit", {"fields": {"unit": "same unit"}})
        case UnitTarget.ELSEWHERE if not same_province(target, case.resolving_unit):
            raise Refused("Chỉ chuyển đơn trong tỉnh; ngoài tỉnh thì hướng dẫn / forward only within the province; "
                          "guide the citizen to a body elsewhere", {"fields": {"unit": "outside the province"}})
        case UnitTarget.IN_AREA if not policy.may_name_unit(actor, target):
            raise Refused("Đơn vị ngoài phạm vi / that unit is outside your area", {"fields": {"unit": "outside your area"}})
        case UnitTarget.SUCCESSOR if target.id == case.resolving_unit.id:
            raise Refused("Hồ sơ đã ở đơn vị này / the case is already at that unit", {"fields": {"unit": "same unit"}})
    return target


# Units that decide in the name of the People's Committee they belong to (KN Art. 18, 21).
AGENCY_KINDS = ("agency",)


def superior_unit(session: Session, case: Case, code: object) -> Unit:
    """Where the next round goes: the named unit above the decider, else the level right above it.
    A decision by the head of an agency (a department of a district or province, a commune's
    office) goes to the chair of the People's Committee the agency belongs to, its parent unit; a
    decision by a People's Committee goes to the parent of that committee's unit (DOMAIN.md §3)."""
    decider = case.resolving_unit
    if code is not None:
        target = case_unit(unit_by_code(session, str(code), field="unit"), field="unit")
        if not (target.contains(decider) and target.id != decider.id) or target.kind in AGENCY_KINDS:
            raise Refused("Phải là cấp trên của đơn vị đã giải quyết / must be a unit above the one that decided",
                          {"fields": {"unit": "not a superior"}})
        return _in_office(session, target)
    if decider.parent is None:
        raise Refused("Không có cấp trên trong hệ thống; nêu đơn vị / no superior unit in the system: name one",
                      {"fields": {"unit": "required"}})
    return case_unit(_in_office(session, decider.parent), field="unit")


def _in_office(session: Session, unit: Unit) -> Unit:
    """The unit itself, or when it was closed, the successor that carries its work on."""
    seen: set[int] = set()
    while unit.closed_on is not None and unit.successor_id is not None and unit.id not in seen:
        seen.add(unit.id)
        unit = session.get_one(Unit, unit.successor_id)
    return unit


def same_province(one: Unit, other: Unit) -> bool:
    """True when both units belong to the tree of the same province."""
    return one.ancestor_ids[:1] == other.ancestor_ids[:1]


def load_for_change(session: Session, case_id: int, named_unit: object = None) -> Case | None:
    """The case, its row locked until the transaction ends (and read again if the session held
    it already: what is checked and written over is the row as it is now). With `named_unit`,
    the code of the unit a trigger names, the same statement reads that unit and whether it has
    agency officers, which the change's notification asks (a round trip less)."""
    if not isinstance(named_unit, str) or not named_unit:
        case = session.scalar(_LOAD, {"case_id": case_id})
    else:
        row = session.execute(_LOAD_NAMING, {"case_id": case_id, "unit_code": named_unit}).first()
        case = row[0] if row else None
        if row is not None and row[1] is not None:
            remember_unit(session, row[1])
            remember_role(session, row[1].id, Role.AGENCY.value, bool(row[2]))
    if case is not None:
        hold_chain(session, case)
    return case


_LOAD = (select(Case).where(Case.id == bindparam("case_id")).with_for_update(of=Case.__table__)
         .execution_options(populate_existing=True))
_LOAD_NAMING = (
    select(Case, Unit, role_present(Unit.id, Role.AGENCY.value)).outerjoin(Unit, Unit.code == bindparam("unit_code"))
    .where(Case.id == bindparam("case_id")).with_for_update(of=Case.__table__).execution_options(populate_existing=True)
)


def fire(session: Session, actor: Actor, case_id: int, data: TransitionIn) -> Case:
    """Fire a trigger on a case the actor may act on, if its state and the law allow it."""
    case = load_for_change(session, case_id, data.data.get("unit"))
    board = _board_of(session, case) if case else None
    if case is None or not policy.can_view(actor, case, board):
        raise NotFound("Không tìm thấy hồ sơ / case not found")
    engine = engine_for(session)
    spec = case.workflow.trigger(data.trigger)
    if spec is not None and not policy.may_fire(actor, case, spec, board):
        raise Forbidden(f"Bạn không được thực hiện {data.trigger} trên hồ sơ này / you may not fire {data.trigger} on this case",
                        {"trigger": data.trigger}, code="role_not_allowed")
    check_version(case, data.version)
    procedure.check_before(session, case, spec)
    effective_on = effective_date(data.effective_on, not_before=case.last_effective_on)
    fields = data.data
    if spec is not None and Effect.PETITIONER_WITHDRAWS in spec.effects:
        fields = _who_withdraws(case, fields)
    try:
        step = engine.fire(case, data.trigger, effective_on=effective_on, data=fields,
                           overrides=_overrides_for(session, case, spec, data))
    except ENGINE_REFUSALS as error:
        raise from_workflow(error) from error
    if step.delivered_on is not None and step.delivered_on != case.delivered_on:
        effective_date(step.delivered_on, field="delivered_on")  # never in the future
    target = _resolve_target_unit(session, actor, case, spec, step) if spec else None
    return record_step(session, actor, case, step, target, note=data.note)


def _who_withdraws(case: Case, data: dict[str, Any]) -> dict[str, Any]:
    """A withdrawal's data with how many co-complainants go on after it: none when no one is named
    (everyone still in withdraws), else all but the one named (by their number in the case's list
    of petitioners, 1 for the first), who must be one of them."""
    still_in = [p.position + 1 for p in case.petitioners if p.withdrawn_on is None]
    named = data.get("petitioner")
    fields = {k: v for k, v in data.items() if k != "petitioners_remaining"}  # never the user's to say
    if named is None or named == "":
        return {**fields, "petitioners_remaining": 0}
    try:
        named_id = int(str(named))
    except ValueError:
        return fields  # not a number: the engine refuses it with the field's message
    if named_id not in still_in:
        raise Refused("Người này không phải người khiếu nại còn theo đơn / not a complainant of this case who is still in",
                      {"fields": {"petitioner": "not a co-complainant still in the case"}, "petitioners": still_in})
    return {**fields, "petitioners_remaining": len(still_in) - 1}


def _withdraw_petitioners(case: Case, step: Step) -> None:
    named = step.data.get("petitioner")
    for petitioner in case.petitioners:
        if petitioner.withdrawn_on is None and (named is None or petitioner.position + 1 == named):
            petitioner.withdrawn_on = step.effective_on


def record_step(session: Session, actor: Actor, case: Case, step: Step, target: Unit | None, *,
                note: str | None = None) -> Case:
    """Write a step the engine allowed: the case (version + 1), its declared effects, one history
    entry and the outbox rows. `actor` is policy.SYSTEM for the sweep and a unit's closing.

    The case row is one prepared UPDATE guarded by the version read (with the chain's new head) of
    the columns the step changes, the entry and the outbox rows prepared INSERTs, sent together
    (tracker/services/step_write.py): no unit of work for them (issue 13). The case
    object is left holding what was written; what an effect adds through the ORM (a decision, the
    next round's case, a petitioner's withdrawal) is flushed at the end."""
    from_state, expected = case.state, case.version
    values = apply_step(case, step, target)
    values["version"], values["updated_at"] = expected + 1, clock.now()
    changed = changed_columns(session, case, values)
    for column, value in values.items():
        set_committed_value(case, column, value)
    if "assigned_unit_id" in values and target is not None and Effect.ASSIGN in step.effects:
        set_committed_value(case, "assigned_unit", target)
    if Effect.RECORD_DECISION in step.effects:
        _record_decision(session, case, step)
    if Effect.PETITIONER_WITHDRAWS in step.effects:
        _withdraw_petitioners(case, step)
    if Effect.OPEN_LINKED_CASE in step.effects:
        _open_next_round(session, actor, case, target, step)
    recorded = procedure.recorded_with(session, case, step)
    row, entry = entry_row(session, case, trigger=step.trigger, from_state=from_state, actor=actor,
                           effective_on=step.effective_on, note=note, data={**step.data, **recorded})
    messages: list[dict[str, Any]] = []
    notify_unit(session, case, f"case_{step.trigger}", entry, into=messages)
    changed.update(last_seq=case.last_seq, last_hash=case.last_hash)
    if not write_step(session, case.id, expected, changed, row, messages):
        # never under the row lock: a case read outside it, changed since
        raise Conflict("Hồ sơ đã được cập nhật bởi người khác; tải lại / the case changed since you read it; reload",
                       {"your_version": expected})
    session.flush()
    return case


def fire_as_system(session: Session, case: Case, trigger: str, effective_on: dt.date, *, data: dict[str, object] | None = None,
                   note: str | None = None, target: Unit | None = None) -> Case:
    """Fire a trigger the law itself (or an administrator's command line) performs, e.g. closing a
    decision that became final: no user's jurisdiction is checked; the workflow must name the
    system among who may fire it."""
    spec = case.workflow.trigger(trigger)
    if spec is not None and not policy.may_fire(policy.SYSTEM, case, spec):
        raise Forbidden(f"Hệ thống không thực hiện {trigger} / the system does not fire {trigger}", {"trigger": trigger},
                        code="role_not_allowed")
    try:
        step = engine_for(session).fire(case, trigger, effective_on=effective_on, data=data)
    except WorkflowError as error:
        raise from_workflow(error) from error
    return record_step(session, policy.SYSTEM, case, step, target, note=note)


def _overrides_for(session: Session, case: Case, spec: Trigger | None, data: TransitionIn) -> dict[str, int]:
    # A configurable period is the resolving unit's own setting: on acceptance, the unit named.
    unit = case.resolving_unit
    if spec is not None and Effect.ACCEPT in spec.effects and isinstance(data.data.get("unit"), str):
        named = find_unit(session, data.data["unit"])
        unit = named or unit
    return unit.period_overrides()


def apply_step(case: Case, step: Step, target: Unit | None) -> dict[str, Any]:
    """What the engine decided, and the effects the trigger declares, as the case's new column
    values (all of STEP_COLUMNS but `version` and `updated_at`, which the writer sets)."""
    effects = step.effects
    assigned = target if target is not None and Effect.ASSIGN in effects else None
    final_on = case.final_on
    if Effect.REOPEN in effects:
        final_on = None
    if step.to_state in case.workflow.final_states:
        final_on = step.effective_on
    return {
        "state": step.to_state, "due_on": step.due_on, "clock_started_on": step.clock_started_on,
        "paused_on": step.paused_on, "period_end_on": step.period_end_on, "suspended_days": step.suspended_days,
        "extensions_used": step.extensions_used, "rule_set": step.rule_set, "complex": step.flags.complex,
        "remote": step.flags.remote, "last_effective_on": step.effective_on,
        "assigned_unit_id": assigned.id if assigned is not None else case.assigned_unit_id,
        "accepted_on": step.effective_on if Effect.ACCEPT in effects else case.accepted_on,
        "reopened_count": case.reopened_count + 1 if Effect.REOPEN in effects else case.reopened_count,
        "urged_count": case.urged_count + 1 if Effect.URGE in effects else case.urged_count,
        "final_on": final_on, "decided_on": step.decided_on, "delivered_on": step.delivered_on,
        # resolved by a unit of another province: read by every province's figures from now on
        "other_provinces": case.other_provinces or (assigned is not None and assigned.province_id != case.province_id),
    }


def _record_decision(session: Session, case: Case, step: Step) -> None:
    d = step.data
    # On time: decided on or before the due date in force then, extensions included.
    on_time = case.due_on is None or step.effective_on <= case.due_on
    session.add(Decision(
        case=case, effective_on=step.effective_on, outcome=d.get("outcome"), decision_no=d.get("decision_no"),
        summary=d.get("summary", ""), on_time=on_time,
        recovered_money_vnd=d.get("recovered_money_vnd"), recovered_land_m2=d.get("recovered_land_m2"),
        returned_money_vnd=d.get("returned_money_vnd"), returned_land_m2=d.get("returned_land_m2"),
        returned_to=d.get("returned_to"),
        people_disciplined=d.get("people_disciplined"), organisations_disciplined=d.get("organisations_disciplined"),
        civil_servants_disciplined=d.get("civil_servants_disciplined"),
        referred_for_investigation=d.get("referred_for_investigation"), civil_servants_referred=d.get("civil_servants_referred"),
    ))


def _open_next_round(session: Session, actor: Actor, first: Case, superior: Unit | None, step: Step) -> Case:
    """The linked case at the superior unit: a second-round complaint, a re-denunciation."""
    assert superior is not None
    next_round = first.round + 1
    try:
        start = engine_for(session).start(first.kind, effective_on=step.effective_on,
                                          flags=Flags(round=next_round, remote=first.remote, multi_place=first.multi_place))
    except WorkflowError as error:
        raise from_workflow(error) from error
    # Received the day the citizen's request took effect, not the moment the row was typed.
    received_at = clock.now() if step.effective_on == clock.today() else clock.moment_of(step.effective_on)
    second = new_case(
        session, actor, kind=first.kind, step=start, received_unit=superior, subject=first.subject,
        content=first.content, channel=first.channel, received_at=received_at, subject_area=first.subject_area,
        crowd_size=first.crowd_size, remote=first.remote, multi_place=first.multi_place, anonymous=first.anonymous,
        parent_case_id=first.id,
    )
    add_petitioners(second, [PetitionerIn(full_name=p.full_name, id_number=p.id_number, phone=p.phone, address=p.address)
                             for p in first.petitioners])
    step.data["second_case_id"] = second.id  # type: ignore[index]
    return second


# -- reading ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class CaseView:
    """A case as one actor may see it."""

    case: Case
    identity_visible: bool
    available_triggers: list[str]
    history: list[HistoryEntry]
    overdue: bool


def view_case(session: Session, actor: Actor, case_id: int, *, today: dt.date | None = None) -> CaseView:
    """A case with its history and the triggers the actor may fire; a view of a denouncer's
    identity is itself written to the history."""
    # One statement for the case, its petitioners and its decisions (few of each, so joining both
    # multiplies few rows); the history, which grows, comes in a second one.
    case = session.get(Case, case_id, options=[joinedload(Case.petitioners), joinedload(Case.decisions)])
    board = _board_of(session, case) if case else None
    if case is None or not policy.can_view(actor, case, board):
        raise NotFound("Không tìm thấy hồ sơ / case not found")
    identity = policy.can_see_identity(actor, case)
    if identity and case.kind == "denunciation" and case.petitioners:
        append_entry(session, case, trigger="view_identity", from_state=case.state, actor=actor,
                     effective_on=clock.today(), note="Xem thông tin người tố cáo / viewed the denouncer's identity")
        session.flush()
    triggers = [t.name for t in engine_for(session).triggers_from(case) if policy.may_fire(actor, case, t, board)]
    history = list(session.scalars(select(HistoryEntry).where(HistoryEntry.case_id == case.id).order_by(HistoryEntry.seq)))
    return CaseView(case, identity, triggers, history, case.is_overdue(today or clock.today()))


# How a list may be ordered: urgency (overdue first, then soonest due) or a column, "-" for descending.
SORTS = ("urgency", "due_on", "received_at")


@dataclass(frozen=True)
class CaseQuery:
    """Filters of a case list. `states` is any of several states; `open` keeps the cases not yet
    in a final state; `due_before` the cases due on or before that date."""

    kind: str | None = None
    states: tuple[str, ...] = ()
    unit: str | None = None
    overdue: bool | None = None
    open: bool | None = None
    due_before: dt.date | None = None
    q: str | None = None
    sort: str = "urgency"
    page: int = 1
    per_page: int = 50


def list_cases(session: Session, actor: Actor, query: CaseQuery, *, today: dt.date | None = None) -> tuple[list[Case], int]:
    """One page of the cases the actor may see, in the order asked (most urgent first by default), and the total."""
    today = today or clock.today()
    stmt = select(Case)
    tree = _unit_tree(session, query.unit) if query.unit else None
    if tree is not None:
        stmt = stmt.where(tree.cases())
    # A unit inside the actor's area holds only cases the actor may see.
    if tree is None or not tree.path.startswith(policy.area_root_path(actor)):
        stmt = stmt.where(_visible(actor))
    if query.kind:
        stmt = stmt.where(Case.kind == query.kind)
    if query.states:
        stmt = stmt.where(Case.state.in_(query.states))
    if query.overdue is not None:
        overdue = overdue_clause(today)
        stmt = stmt.where(overdue if query.overdue else ~overdue)
    if query.open is not None:
        stmt = stmt.where(open_clause() if query.open else ~open_clause())
    if query.due_before is not None:
        stmt = stmt.where(Case.due_on.is_not(None), Case.due_on <= query.due_before)
    if query.q:
        stmt = stmt.where(_search_clause(actor, query.q))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.options(selectinload(Case.petitioners))
        .order_by(*_order(query.sort, today, only_overdue=query.overdue is True))
        .offset((query.page - 1) * query.per_page).limit(query.per_page)
    )
    return list(rows), total


def _search_clause(actor: Actor, text: str) -> ColumnElement[bool]:
    """Tracking code for everyone; the subject (accent-insensitive) on the cases whose matter the
    actor may read; a petitioner's name only on the cases whose petitioners the actor may search
    by (DOMAIN.md §5), and their ID number or phone only for those who see contact details."""
    key = f"%{fold(text)}%"
    wanted = text.strip()
    digits = "".join(ch for ch in wanted if ch.isdigit())
    by_person: ColumnElement[bool] = Petitioner.name_search.like(key)
    # a CCCD has 12 digits, a phone 10: shorter runs of digits match too much
    if len(digits) >= 6 and policy.sees_contact_details(actor):
        by_person = or_(by_person, Petitioner.id_number == wanted, phone_digits(Petitioner.phone) == digits)
    person = exists().where(Petitioner.case_id == Case.id, by_person)
    return or_(Case.subject_search.like(key) & policy.readable_filter(actor), Case.tracking_code == tracking_code_key(wanted),
               person & policy.identity_search_filter(actor))


def phone_digits(column: ColumnElement[str | None] | InstrumentedAttribute[str | None]) -> ColumnElement[str | None]:
    """A phone number as its digits, in SQL: "0909 123-456" and "0909123456" are the same phone."""
    digits: ColumnElement[str | None] = func.coalesce(column, "")
    for separator in (" ", "-", ".", "(", ")", "+"):
        digits = func.replace(digits, separator, "")
    return digits


def _order(sort: str, today: dt.date, only_overdue: bool = False) -> tuple[ColumnElement[Any] | InstrumentedAttribute[Any], ...]:
    descending = sort.startswith("-")
    name = sort.lstrip("-")
    if name == "urgency" and only_overdue:
        # Every case of the list is overdue with its clock running: the due date decides alone,
        # and the database can read the cases in that order from its index instead of sorting them.
        return (Case.due_on.desc(), Case.id.desc()) if descending else (Case.due_on, Case.id)
    if name == "urgency":
        # Overdue first, then the running clocks soonest due, then the rest (paused, decided,
        # finished) by due date; no due date last. "-urgency" is the reverse.
        overdue, running, undated = overdue_clause(today), running_clause(), Case.due_on.is_(None)
        if descending:
            return (overdue.asc(), running.asc(), undated.desc(), Case.due_on.desc(), Case.id.desc())
        return (overdue.desc(), running.desc(), undated.asc(), Case.due_on.asc(), Case.id.asc())
    column = Case.due_on if name == "due_on" else Case.received_at
    return (column.is_(None), column.desc() if descending else column, Case.id.desc() if descending else Case.id)


def _named(value: str) -> ColumnElement[str]:
    """A kind or state of the workflow definitions written into the statement as a constant, not
    bound: the lists' clauses name about seventy of them, each a parameter to send and convert on
    every call, and a plan made for unknown values is a poor one."""
    return literal_column("'" + value.replace("'", "''") + "'")


def _in_states(kind: str, states: frozenset[str], *, negate: bool = False) -> ColumnElement[bool]:
    """The cases of `kind` in (or, negated, not in) `states`."""
    named = [_named(state) for state in sorted(states)]
    return (Case.kind == _named(kind)) & (Case.state.not_in(named) if negate else Case.state.in_(named))


@cache
def open_clause() -> ColumnElement[bool]:
    """Not yet in a final state of the case's workflow (built once: every list reads it)."""
    return or_(*[_in_states(w.kind, w.final_states, negate=True) for w in definitions.ALL])


# Up to this many units, a list names their ids as values: the database reaches their cases
# through the indexes on the receiving and the resolving unit, knowing how many there are. A
# larger tree (a district, a province) is a subquery instead, which the database hashes once and
# probes per case: hundreds of values would cost more to plan than the list takes to run.
UNITS_AS_VALUES = 64


@dataclass(frozen=True)
class _UnitTree:
    """A unit named by a list's filter: its path and the ids of its tree (itself included)."""

    path: str
    ids: list[int]

    def cases(self) -> ColumnElement[bool]:
        """Cases received or resolved in the tree."""
        if len(self.ids) <= UNITS_AS_VALUES:
            return or_(Case.received_unit_id.in_(self.ids), Case.assigned_unit_id.in_(self.ids))
        subtree = select(Unit.id).where(Unit.path.like(self.path + "%"))
        return or_(Case.received_unit_id.in_(subtree), Case.assigned_unit_id.in_(subtree))


def _unit_tree(session: Session, code: str) -> _UnitTree:
    """The unit with `code` and the units below it, read by one statement; a 422 when there is none."""
    root_path = select(Unit.path).where(Unit.code == code).scalar_subquery()
    rows = session.execute(select(Unit.id, Unit.code, Unit.path).where(Unit.path.like(root_path + "%"))).all()
    path = next((row.path for row in rows if row.code == code), None)
    if path is None:
        unit_by_code(session, code, field="unit")  # says there is no such unit
    assert path is not None
    return _UnitTree(path, [row.id for row in rows])


def _visible(actor: Actor) -> ColumnElement[bool]:
    """policy.visible_filter (the same cases), as a test the database makes once per area rather
    than once per case: a case's units are in the set of the area's units."""
    if policy.is_system(actor) or actor.role == Role.SUPERVISOR:
        return policy.visible_filter(actor)
    # The area's path is written into the statement: a statement PostgreSQL prepares and plans
    # once for every area (a generic plan) tests every case against the subquery again.
    prefix = bindparam("area", policy.area_root_path(actor) + "%", type_=String, unique=True, literal_execute=True)
    area = select(Unit.id).where(Unit.path.like(prefix))
    return or_(Case.received_unit_id.in_(area), Case.assigned_unit_id.in_(area))


@cache
def running_clause() -> ColumnElement[bool]:
    """The case's clock runs in its state (it can become overdue); built once."""
    return or_(*[_in_states(w.kind, w.running_states) for w in definitions.ALL])


def overdue_clause(today: dt.date) -> ColumnElement[bool]:
    """Overdue is derived: a running-clock state and a due date before today. The day is written
    into the statement: planned for an unknown day (a prepared statement's generic plan),
    PostgreSQL takes a third of all cases for overdue and reads the whole table to count them."""
    day = bindparam("today", today, type_=Date, unique=True, literal_execute=True)
    return running_clause() & Case.due_on.is_not(None) & (Case.due_on < day)


def get_case_for(session: Session, actor: Actor, case_id: int) -> Case:
    """The case if the actor may see it, else a 404."""
    case = get_or_404(session, Case, case_id, "hồ sơ / case")
    if not policy.can_view(actor, case, _board_of(session, case)):
        raise NotFound("Không tìm thấy hồ sơ / case not found")
    return case
