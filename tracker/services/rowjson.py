"""Model rows that the database hands over as JSON, and the model objects made back from them.

A hot read (the case page, a program's token) wants several rows of several tables in one
round trip, and the cost of reading them is mostly per column and per row on the client: the
driver describes every column, the ORM builds a loader for every entity. Read as one JSON
text per statement instead, they cost one column; `record` writes the SQL that turns a row of
a table into JSON (every column, so that no attribute of the objects made from it is missing),
and `loaded` turns that JSON back into the object the ORM would have loaded, with the same
values of the same types (the types' own result processing is applied, as for a loaded row).

The objects are detached, with their identity: a relationship not given to `loaded` is
expired, so reading it raises instead of answering None; `Session.add` attaches such an
object to a session as if the session had loaded it.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import JSON, Column, ColumnElement, Date, DateTime, Numeric, Select, String, cast, func, literal_column
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session, configure_mappers, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state, set_committed_value
from sqlalchemy.sql import FromClause

from tracker.db import Base

M = TypeVar("M", bound=Base)
Decoder = Callable[[Any], Any]

# PostgreSQL's json_build_object takes at most 100 arguments (50 columns): a wide row is built
# as an array of objects of at most this many columns each.
_COLUMNS_PER_OBJECT = 40


def record(table: FromClause, dialect: Dialect) -> ColumnElement[Any]:
    """In SQL, a row of `table` (a model's table or an alias of it) as a JSON array of objects
    that together map every column's name to its value."""
    columns = list(table.columns)
    postgresql = dialect.name == "postgresql"
    build, array = (func.json_build_object, func.json_build_array) if postgresql else (func.json_object, func.json_array)
    parts = []
    for start in range(0, len(columns), _COLUMNS_PER_OBJECT):
        pairs: list[Any] = []
        for column in columns[start:start + _COLUMNS_PER_OBJECT]:
            pairs += [literal_column(f"'{column.key}'"), _sent(column, postgresql)]
        parts.append(build(*pairs))
    return array(*parts)


def _sent(column: ColumnElement[Any], postgresql: bool) -> ColumnElement[Any]:
    # PostgreSQL writes numerics and JSON into JSON as numbers and objects; sent as text they
    # come back exactly as the driver returns them (a Decimal of the column's scale, floats
    # inside a JSON document as floats). SQLite's values are already what its driver returns.
    if postgresql and isinstance(column.type, Numeric | JSON):
        return cast(column, String)
    return column


def records(query: Select[Any], dialect: Dialect) -> ColumnElement[Any]:
    """In SQL, the JSON array of what `query` selects (one column, made by `record`) over its
    rows, in no particular order; an empty array when there are none. A scalar subquery: its
    WHERE may name the enclosing query's tables."""
    value = query.selected_columns[0]
    if dialect.name == "postgresql":
        return func.coalesce(query.with_only_columns(func.json_agg(value)).scalar_subquery(), literal_column("'[]'::json"))
    # json(): a value read from a subquery is text to SQLite's JSON functions until it is parsed again
    return func.json(query.with_only_columns(func.json_group_array(value)).scalar_subquery())


_DECODERS: dict[tuple[Any, str, str], tuple[tuple[str, Decoder | None], ...]] = {}


def _decoders(table: Any, dialect: Dialect) -> tuple[tuple[str, Decoder | None], ...]:
    # Per table and driver, not per engine: every engine of one driver decodes alike.
    key = (table, dialect.name, dialect.driver)
    found = _DECODERS.get(key)
    if found is None:
        # The objects are made without a query, which is what configures the mappers otherwise:
        # in a fresh process their attributes would not work yet.
        configure_mappers()
        postgresql = dialect.name == "postgresql"
        found = _DECODERS[key] = tuple((column.key, _decoder(column, postgresql, dialect)) for column in table.columns)
    return found


def _decoder(column: Column[Any], postgresql: bool, dialect: Dialect) -> Decoder | None:
    kind = column.type
    if postgresql:
        # From JSON's text to what psycopg returns; then the type's own processing, as for a row.
        if isinstance(kind, Numeric):
            return Decimal
        if isinstance(kind, JSON):
            return json.loads
        processor = kind.dialect_impl(dialect).result_processor(dialect, None)
        driver: Decoder | None = None
        stored = getattr(kind, "impl", kind)  # a TypeDecorator's own type
        if isinstance(stored, DateTime):
            driver = dt.datetime.fromisoformat
        elif isinstance(stored, Date):
            driver = dt.date.fromisoformat
        return _chain(driver, processor)
    return kind.dialect_impl(dialect).result_processor(dialect, None)


def _chain(first: Decoder | None, then: Decoder | None) -> Decoder | None:
    if first is None or then is None:
        return first or then
    return lambda value: then(first(value))


def values(table: Any, dialect: Dialect, parts: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The column values of one row sent by `record`, as a loaded row of `table` holds them."""
    raw: dict[str, Any] = {}
    for part in parts:
        raw.update(part)
    out: dict[str, Any] = {}
    for key, decode in _decoders(table, dialect):
        value = raw[key]
        out[key] = decode(value) if decode is not None and value is not None else value
    return out


def loaded(model: type[M], dialect: Dialect, parts: list[Mapping[str, Any]], **related: Any) -> M:
    """The detached object of `model` with the row `record` sent, and the related objects or
    lists given by relationship name."""
    return as_loaded(model, values(model.__table__, dialect, parts), related)


def loaded_if_any(model: type[M], dialect: Dialect, parts: list[Mapping[str, Any]]) -> M | None:
    """`loaded`, or None for the missing row of an outer join (every column null)."""
    row = values(model.__table__, dialect, parts)
    if all(row[column.key] is None for column in model.__table__.primary_key):
        return None
    return as_loaded(model, row, {})


def as_loaded(model: type[M], row: dict[str, Any], related: dict[str, Any]) -> M:
    """The detached object of `model` holding `row` (every column, its id included) and the
    `related` objects or lists by relationship name, as a query would have loaded it."""
    # What the ORM's loader does with a row: the values go into the instance's dict as loaded;
    # the identity makes it detached, and whatever was not given (a relationship) expired.
    obj: M = model._sa_class_manager.new_instance()  # type: ignore[attr-defined]
    obj.__dict__.update(row)
    for name, value in related.items():
        set_committed_value(obj, name, value)
    make_transient_to_detached(obj)
    return obj


def attached(session: Session, obj: M) -> M:
    """`obj` (from `loaded`) made part of `session` as if the session had loaded it; the
    session's own object instead when it holds one with the same identity already."""
    held = session.identity_map.get(instance_state(obj).key)  # type: ignore[arg-type]
    if held is not None:
        return held
    session.add(obj)
    return obj
