"""Alembic environment: runs migrations for the URL the caller configured."""
from __future__ import annotations

from alembic import context

import tracker.models  # noqa: F401  (registers every table on the metadata)
from tracker.db import Base, make_engine

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            _run_without_foreign_keys(connection)
        else:
            _run(connection)
    engine.dispose()


def _run_without_foreign_keys(connection) -> None:  # type: ignore[no-untyped-def]
    # SQLite alters a table by copying it, dropping the old one and renaming the copy; dropping
    # a table other rows refer to fails while foreign keys are enforced. SQLite's documented
    # procedure: turn them off (only possible outside a transaction), make the change, check
    # every reference before committing, turn them back on.
    raw = connection.connection.driver_connection
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                          compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"the migration left rows referring to missing rows: {broken[:5]}")
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    # render_as_batch lets ALTER TABLE work on SQLite, where it is limited.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
