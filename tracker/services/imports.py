"""Importing an office's old register: each row goes through the desk's own services (a reception
visit, the intake, then the handling the register ticked), so deadlines, rule sets and history
are what the application makes for the row's date. Safe to run twice: a row already imported
for the unit is skipped. A row any service refuses is reported with the reason; the others go in."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker import clock
from tracker.auth import policy
from tracker.auth.policy import Actor, Operation
from tracker.imports.register import Register, RegisterRow, RowProblem, read
from tracker.models import Case, ImportedRow, Unit
from tracker.schemas import CaseIn, TransitionIn, VisitIn
from tracker.services import activity, cases
from tracker.services.common import unit_by_code
from tracker.services.errors import Forbidden, ServiceError
from workflows.definitions.base import Role
from workflows.rules import RuleSetError

# Registers are kept in office hours; a row's date becomes a receipt at 08:00 that day.
RECEIVED_AT = dt.time(8, 0)
SUBJECT_LENGTH = 200


@dataclass(frozen=True)
class RegisterImporter:
    """The actor of an import run from the command line: an administrator of the unit."""

    unit: Unit
    id: int | None = None
    role: str = Role.ADMIN.value
    display_name: str = "Nhập sổ cũ / register import"


@dataclass
class ImportReport:
    """What an import did."""

    rows: int = 0
    created: int = 0
    already_imported: int = 0
    problems: list[RowProblem] = field(default_factory=list)


def _subject(row: RegisterRow) -> str:
    text = row.content
    return text if len(text) <= SUBJECT_LENGTH else text[: SUBJECT_LENGTH - 1].rsplit(" ", 1)[0] + "…"


def _content(row: RegisterRow) -> str:
    notes = [row.content]
    if row.kind_written and row.kind_written.lower() not in row.content.lower():
        notes.append(f"[Loại đơn trong sổ / kind in the register: {row.kind_written}]")
    if row.note:
        notes.append(f"[Ghi chú / note: {row.note}]")
    return "\n".join(notes)


def _take(session: Session, actor: Actor, unit: Unit, row: RegisterRow, reception: bool) -> Case:
    visit_id = None
    if reception:
        visit = activity.record_visit(session, actor, VisitIn(
            unit=unit.code, visited_on=row.received_on, reception="head_scheduled" if row.leader else "staff",
            persons=row.persons, delegation=row.persons >= 5,
            note=f"Lãnh đạo tiếp / received by: {row.leader}" if row.leader else None))
        visit_id = visit.id
    petitioners = [{"full_name": row.full_name, "id_number": row.id_number, "address": row.address}] if row.full_name else []
    case = cases.intake(session, actor, CaseIn.model_validate({
        "kind": row.kind, "channel": "in_person" if reception else "mail", "received_unit": unit.code,
        "subject": _subject(row), "content": _content(row),
        "received_at": dt.datetime.combine(row.received_on, RECEIVED_AT, clock.LOCAL),
        "petitioners": petitioners, "anonymous": not petitioners, "crowd_size": row.persons, "visit_id": visit_id,
    }))
    elsewhere = row.guided_to or row.forwarded_to
    if elsewhere:
        case = cases.fire(session, actor, case.id, TransitionIn(trigger="guide", version=case.version, effective_on=row.received_on,
                                                                data={"to": elsewhere[:500]}))
    elif row.accepted:
        case = cases.fire(session, actor, case.id, TransitionIn(trigger="accept", version=case.version, effective_on=row.received_on))
    return case


# Rows taken together in one savepoint; when one of them is refused, the chunk is rolled back and
# taken again row by row, so a refused row never takes its neighbours with it.
CHUNK = 200


def _take_chunk(session: Session, actor: Actor, unit: Unit, rows: list[RegisterRow], reception: bool, source: str,
                report: ImportReport, done: set[str]) -> None:
    if not rows:
        return
    if len(rows) > 1:
        try:
            with session.begin_nested():
                for row in rows:
                    case = _take(session, actor, unit, row, reception)
                    session.add(ImportedRow(unit_id=unit.id, row_key=row.key, case_id=case.id, source=source))
                session.flush()
        except (ServiceError, RuleSetError, ValidationError):
            pass  # a row was refused: find which, row by row
        else:
            report.created += len(rows)
            done.update(row.key for row in rows)
            return
    for row in rows:
        problem = _take_one(session, actor, unit, row, reception, source)
        if problem is None:
            report.created += 1
            done.add(row.key)
        else:
            report.problems.append(RowProblem(row.line, problem))


def _take_one(session: Session, actor: Actor, unit: Unit, row: RegisterRow, reception: bool, source: str) -> str | None:
    """Take one row in a savepoint of its own; the reason when it is refused."""
    try:
        with session.begin_nested():
            case = _take(session, actor, unit, row, reception)
            session.add(ImportedRow(unit_id=unit.id, row_key=row.key, case_id=case.id, source=source))
            session.flush()
    except ServiceError as error:
        return error.message
    except RuleSetError as error:
        # No rule set covers the row's date (before 2012-07-01): refused, named by its date.
        return (f"Không có quy định áp dụng cho ngày {row.received_on.isoformat()} / "
                f"no rule set in force on that date ({error})")
    except ValidationError as error:
        fields = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors(include_input=False))
        return f"Dữ liệu không hợp lệ / invalid data: {fields}"
    return None


def import_register(session: Session, actor: Actor, path: str | Path, unit_code: str, *,
                    progress: Callable[[Iterable[RegisterRow]], Iterable[RegisterRow]] | None = None) -> ImportReport:
    """Import every row of the register at `path` for the unit; the caller commits (or, for a
    dry run, rolls back: every check has run all the same)."""
    unit = unit_by_code(session, unit_code, field="unit")
    if not (policy.may(actor, Operation.INTAKE) and policy.unit_in_area(actor, unit)):
        raise Forbidden("Chỉ bộ phận tiếp dân của đơn vị được nhập sổ / only the unit's desk may import its register")
    # The operator's import acts as an administrator of the unit, whose history names the register.
    importer: Actor = RegisterImporter(unit) if policy.is_system(actor) else actor
    register: Register = read(path)
    report = ImportReport(rows=register.seen, problems=list(register.problems))
    source = Path(path).name[:255]
    # The keys already imported for the unit, read once (a query per row cost more than the row).
    done = set(session.scalars(select(ImportedRow.row_key).where(ImportedRow.unit_id == unit.id)))
    chunk: dict[str, RegisterRow] = {}
    for row in (progress(register.rows) if progress else register.rows):
        if row.key in chunk:  # the same row twice in one file: the first copy goes in first
            _take_chunk(session, importer, unit, list(chunk.values()), register.reception, source, report, done)
            chunk = {}
        if row.key in done:
            report.already_imported += 1
            continue
        chunk[row.key] = row
        if len(chunk) == CHUNK:
            _take_chunk(session, importer, unit, list(chunk.values()), register.reception, source, report, done)
            chunk = {}
    _take_chunk(session, importer, unit, list(chunk.values()), register.reception, source, report, done)
    report.problems.sort(key=lambda p: p.line)
    return report
