"""The case page as the API serves it, read in one statement.

`cases.view_case` reads the case, its petitioners and decisions through the ORM (one
statement) and its history (another); the page of a busy installation is read far more often
than anything else, and most of that work was the ORM's and the driver's, per column and per
row. Here one statement sends the case, its two units, the board that issued it (if it is a
recommendation), its petitioners, decisions and history as one JSON document
(tracker/services/rowjson.py), made back into the same model objects, detached. The checks
and the answer are view_case's: the same policy functions decide on the same values.

A view that must write (a denouncer's identity shown to the resolving unit is written to the
history) goes through `view_case`, in the request's session.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, func, select
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from tracker import clock
from tracker.auth import policy
from tracker.auth.policy import Actor
from tracker.models import Case, Decision, HistoryEntry, Petitioner, Supervision, Unit
from tracker.services.cases import CaseView, view_case
from tracker.services.common import engine_for
from tracker.services.errors import NotFound
from tracker.services.rowjson import loaded, loaded_if_any, record, records


@dataclass(frozen=True)
class _Page:
    case: Case
    board: int | None  # the unit of the board that issued the case, for a recommendation
    history: list[HistoryEntry]


_STATEMENTS: dict[str, Select[Any]] = {}


def _statement(dialect: Dialect) -> Select[Any]:
    """One row, one column: [case, received unit, assigned unit, board, petitioners, decisions, history]."""
    found = _STATEMENTS.get(dialect.name)
    if found is not None:
        return found
    cases, units = Case.__table__, Unit.__table__
    received, assigned = units.alias("received"), units.alias("assigned")
    supervisions = Supervision.__table__
    petitioners, decisions, history = Petitioner.__table__, Decision.__table__, HistoryEntry.__table__
    parts: list[ColumnElement[Any]] = [
        record(cases, dialect), record(received, dialect), record(assigned, dialect), supervisions.c.board_unit_id,
        records(select(record(petitioners, dialect)).where(petitioners.c.case_id == cases.c.id), dialect),
        records(select(record(decisions, dialect)).where(decisions.c.case_id == cases.c.id), dialect),
        records(select(record(history, dialect)).where(history.c.case_id == cases.c.id), dialect),
    ]
    array = func.json_build_array if dialect.name == "postgresql" else func.json_array
    found = _STATEMENTS[dialect.name] = (
        select(array(*parts))
        .select_from(cases.join(received, received.c.id == cases.c.received_unit_id)
                     .outerjoin(assigned, assigned.c.id == cases.c.assigned_unit_id)
                     .outerjoin(supervisions, supervisions.c.id == cases.c.supervision_id))
        .where(cases.c.id == bindparam("case_id"))
    )
    return found


def _read(session: Session, case_id: int) -> _Page | None:
    connection = session.connection()
    dialect = connection.dialect
    document = connection.execute(_statement(dialect), {"case_id": case_id}).scalar()
    if document is None:
        return None
    if isinstance(document, str):  # SQLite sends the text; psycopg parses JSON itself
        document = json.loads(document)
    case_row, received_row, assigned_row, board, petitioner_rows, decision_rows, history_rows = document
    received, assigned = loaded(Unit, dialect, received_row), loaded_if_any(Unit, dialect, assigned_row)
    petitioners = sorted((loaded(Petitioner, dialect, row) for row in petitioner_rows), key=lambda p: p.position)
    decisions = sorted((loaded(Decision, dialect, row) for row in decision_rows), key=lambda d: d.id)
    history = sorted((loaded(HistoryEntry, dialect, row) for row in history_rows), key=lambda h: h.seq)
    case = loaded(Case, dialect, case_row, received_unit=received, assigned_unit=assigned, petitioners=petitioners,
                  decisions=decisions)
    return _Page(case, board, history)


def case_page(session: Session, actor: Actor, case_id: int, *, today: dt.date | None = None) -> CaseView:
    """What `cases.view_case` answers (a 404 outside the actor's area), read in one statement."""
    page = _read(session, case_id)
    if page is None or not policy.can_view(actor, page.case, page.board):
        raise NotFound("Không tìm thấy hồ sơ / case not found")
    case = page.case
    identity = policy.can_see_identity(actor, case)
    if identity and case.kind == "denunciation" and case.petitioners:
        return view_case(session, actor, case_id, today=today)  # the view is written to the history
    triggers = [t.name for t in engine_for(session).triggers_from(case) if policy.may_fire(actor, case, t, page.board)]
    return CaseView(case, identity, triggers, page.history, case.is_overdue(today or clock.today()))
