"""The writes of one step of a case: the case row (guarded by the version read), its next history
entry and the outbox rows the step calls for, in as few round trips as the database allows.

On PostgreSQL the three are one statement: the guarded UPDATE in a data-modifying CTE, the
history INSERT and the outbox INSERT selecting from it, so that nothing is inserted when the
guard finds the case changed. Three round trips were most of a transition's time on the
server's side (issue 13). Elsewhere (SQLite, in the process: no round trip to save, and no
data-modifying CTE) they are three prepared statements, the UPDATE first. Either way the rows
are the same, and a guard that finds the case changed leaves nothing written.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, cast

from sqlalchemy import JSON, Select, Table, Update, bindparam, func, insert, inspect, literal_column, or_, select, true, update
from sqlalchemy.orm import Session

from tracker.models import Case, HistoryEntry, OutboxMessage
from tracker.models.types import utcnow
from tracker.services.history import holds_chain
from tracker.services.outbox import dispatch_after_commit

# The columns a step may change (`cases.apply_step` gives each its new value).
STEP_COLUMNS = (
    "state", "due_on", "clock_started_on", "paused_on", "period_end_on", "suspended_days", "extensions_used", "rule_set",
    "complex", "remote", "last_effective_on", "assigned_unit_id", "accepted_on", "reopened_count", "urged_count",
    "final_on", "decided_on", "delivered_on", "other_provinces", "version", "updated_at",
)
# Written by every step, changed or not (a frozen clock gives the same `updated_at` again).
ALWAYS_WRITTEN = frozenset({"version", "updated_at"})
CASES = cast(Table, Case.__table__)
HISTORY = cast(Table, HistoryEntry.__table__)
OUTBOX = cast(Table, OutboxMessage.__table__)
_ADD_ENTRY = insert(HISTORY)
_ADD_ROWS = insert(OUTBOX).returning(OUTBOX.c.id)

ENTRY_COLUMNS = ("case_id", "seq", "at", "effective_on", "trigger", "from_state", "to_state", "actor_id", "actor_name",
                 "note", "data", "due_on", "unit_id", "rule_set", "prev_hash", "hash")
# Every column `outbox.write` fills, and the defaults a Core INSERT of its rows would add.
ROW_COLUMNS = ("event", "template", "case_id", "channel", "idempotency_key", "payload", "recipient_unit_id",
               "recipient_role", "recipient_user_id", "status", "attempts", "created_at")


def changed_columns(session: Session, case: Case, values: dict[str, Any]) -> dict[str, Any]:
    """Of a step's new column values, those to write: the ones that differ from the row when the
    case was read under its row lock in this transaction with no change of the ORM's pending on
    it (its loaded values are then the row as it is), else all of them. An unchanged column is
    not written because SQLite rewrites the entries of every index on a column the UPDATE sets,
    whatever its value (an `accept` sets 9 of the 21 columns, touching 4 of the indexes on cases instead of 8)."""
    state = inspect(case)
    if state.modified or not holds_chain(session, case):
        return dict(values)
    loaded = state.dict
    return {column: value for column, value in values.items()
            if column in ALWAYS_WRITTEN or column not in loaded or loaded[column] != value}


def write_step(session: Session, case_id: int, expected: int, case_values: dict[str, Any], entry: dict[str, Any],
               rows: list[dict[str, Any]]) -> bool:
    """Write the case's new column values (`case_values`: some of STEP_COLUMNS and the chain's
    head) if its version is still `expected`, with the history entry and the outbox rows; False,
    and nothing written, when the version moved. The rows' ids go to delivery after the commit."""
    columns = tuple(case_values)
    params = {"case_id": case_id, "expected": expected, **{f"new_{column}": value for column, value in case_values.items()}}
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        if connection.execute(_update(columns), params).rowcount != 1:
            return False
        connection.execute(_ADD_ENTRY, entry)
        if rows:
            dispatch_after_commit(session, list(connection.execute(_ADD_ROWS, rows).scalars()))
        return True
    params.update({f"h_{column}": entry[column] for column in ENTRY_COLUMNS})
    created_at = utcnow().isoformat()  # the column's default, as a Core INSERT of the rows would add it
    params["rows"] = [{**{column: row.get(column) for column in ROW_COLUMNS}, "status": "pending", "attempts": 0,
                       "created_at": created_at} for row in rows]
    result = connection.execute(_one_statement(columns), params).all()
    if not result:
        return False
    dispatch_after_commit(session, [row_id for _, row_id in result if row_id is not None])
    return True


@lru_cache(maxsize=256)
def _update(columns: tuple[str, ...]) -> Update:
    """The guarded UPDATE of these columns (one per set of columns a kind of step changes).

    `other_provinces` is only ever set: a unit moved to another province marks the cases it
    touched without a new version (the cases themselves did not change), so a step computed
    from a read made before that mark passes the version guard and must not clear it."""
    return (update(CASES).where(CASES.c.id == bindparam("case_id"), CASES.c.version == bindparam("expected"))
            .values({column: _new_value(column) for column in columns}))


def _new_value(column: str) -> Any:
    if column == "other_provinces":
        return or_(CASES.c.other_provinces, bindparam("new_other_provinces"))
    return bindparam(f"new_{column}")


@lru_cache(maxsize=256)
def _one_statement(columns: tuple[str, ...]) -> Select[Any]:
    """PostgreSQL: the UPDATE, the entry and the outbox rows as one statement, answering one row
    per outbox row (the case's id and the row's id; one row with no row id when there are none),
    or no row when the guard found the case changed. The outbox rows are one JSON parameter
    (`json_populate_recordset` over the table's own row type): few parameters and one text
    whatever their number, so that psycopg keeps the statement parsed and prepared (it does
    not past 50 parameters or 4,096 characters)."""
    updated = _update(columns).returning(CASES.c.id).cte("updated")
    entry = insert(HISTORY).from_select(
        list(ENTRY_COLUMNS),
        select(*(bindparam(f"h_{column}", type_=HISTORY.c[column].type) for column in ENTRY_COLUMNS)).select_from(updated),
    ).cte("entry")
    source = (func.json_populate_recordset(literal_column(f"NULL::{OUTBOX.name}"), bindparam("rows", type_=JSON))
              .table_valued(*ROW_COLUMNS).alias("message"))
    added = (insert(OUTBOX).from_select(list(ROW_COLUMNS), select(*(source.c[column] for column in ROW_COLUMNS))
                                        .select_from(updated.join(source, true())))
             .returning(OUTBOX.c.id).cte("added"))
    return (select(updated.c.id, added.c.id.label("row_id")).select_from(updated.outerjoin(added, true()))
            .add_cte(entry).order_by(added.c.id))

