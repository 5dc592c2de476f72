"""A new case's rows written as prepared statements, with the objects the session then holds.

Intake is the hot write of a busy installation (issue 13): the ORM's unit of work cost more than
the statements it sent. Here the case row and its petitioners are each one prepared INSERT, and
the objects are built from the values written and put in the session as loaded rows, so that the
answer, the history entry and the notifications read them without a flush or a reload, and a
later change in the same session (the demo fires triggers on the case it just made) finds them.
"""
from __future__ import annotations

from functools import cache
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session, configure_mappers
from sqlalchemy.orm.attributes import instance_state, set_committed_value

from tracker import clock
from tracker.models import Case, Petitioner, Unit
from tracker.models.units import province_of
from tracker.services.rowjson import M, as_loaded

CASES, PETITIONERS = cast(Table, Case.__table__), cast(Table, Petitioner.__table__)
_ADD_CASE = insert(CASES).returning(CASES.c.id)
_ADD_PETITIONERS = insert(PETITIONERS).returning(PETITIONERS.c.id, sort_by_parameter_order=True)
# The timestamps the models stamp on insert (`utcnow`), from the application's clock here.
_STAMPED = ("created_at", "updated_at")


@cache
def _defaults(table: Table) -> dict[str, Any]:
    """Every column of `table` but its id and stamps, with the value the model gives it when none
    is named: the INSERT names every column (one prepared statement whatever the caller gives),
    and the object holds every column as written (none left to load)."""
    # Read once per process, before the first object is made without a query (what configures
    # the mappers otherwise): in a fresh worker their relationships would not work yet.
    configure_mappers()
    values: dict[str, Any] = {}
    for column in table.c:
        if column.primary_key or column.key in _STAMPED:
            continue
        default = column.default
        if default is not None and not getattr(default, "is_scalar", False):
            raise TypeError(f"{table.name}.{column.key}: only constant defaults can be written ahead")
        values[column.key] = getattr(default, "arg", None)
    return values


def _loaded(session: Session, cls: type[M], values: dict[str, Any], row_id: int, **related: Any) -> M:
    """The object of a row just inserted with `values` and id `row_id`, put in the session as a
    loaded row, with its `related` objects and collections as loaded too (built the way a query's
    loading builds it: through its constructor it cost more than the INSERT)."""
    obj = as_loaded(cls, {**values, "id": row_id}, related)
    held = session.identity_map.get(instance_state(obj).key)  # type: ignore[arg-type]
    if held is not None:
        # The row of an insert rolled back to a savepoint (a register's dry run): SQLite gives its
        # id again, and the new row replaces the stale object, as a flush replaces it.
        session.expunge(held)
    session.add(obj)
    return obj


def insert_case(session: Session, received_unit: Unit, assigned_unit: Unit | None, **columns: Any) -> Case:
    """Insert a case row (one statement) and return it as a persistent, loaded object holding
    `received_unit`, `assigned_unit` and no petitioners or decisions yet."""
    # What the caller left pending (a unit or user made in this transaction) is written first,
    # as the flush of an ORM insert would have done: the case row refers to it.
    session.flush()
    now = clock.now()
    values = {**_defaults(CASES), **columns, "received_unit_id": received_unit.id,
              "assigned_unit_id": assigned_unit.id if assigned_unit is not None else None,
              "created_at": now, "updated_at": now}
    # A new case belongs to its receiving unit's province (the first id of the unit's path).
    values["province_id"] = (received_unit.province_id if received_unit.path
                             else session.scalar(select(province_of(received_unit.id))))
    case_id = session.connection().execute(_ADD_CASE, values).scalar_one()
    return _loaded(session, Case, values, case_id, received_unit=received_unit, assigned_unit=assigned_unit,
                   petitioners=[], decisions=[])


def insert_petitioners(session: Session, case: Case, rows: list[dict[str, Any]]) -> None:
    """Insert a new case's petitioners (one statement for all, numbered in the order given) and
    hand them to the case's collection as loaded rows."""
    if not rows:
        return
    held = list(case.petitioners)
    values = [{**_defaults(PETITIONERS), **row, "case_id": case.id, "position": position}
              for position, row in enumerate(rows)]
    ids = session.connection().execute(_ADD_PETITIONERS, values).scalars().all()
    held.extend(_loaded(session, Petitioner, row, row_id, case=case) for row_id, row in zip(ids, values, strict=True))
    set_committed_value(case, "petitioners", held)
