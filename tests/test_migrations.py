"""The migrations are the schema: they build what the models declare, on both backends,
and running them again changes nothing."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from tracker.db import Base
from tracker.migrate import upgrade


def test_migrations_build_exactly_what_the_models_declare(database):
    with database.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_running_the_migrations_twice_changes_nothing(db_url, database):
    before = sorted(inspect(database.engine).get_table_names())
    upgrade(db_url)
    assert sorted(inspect(database.engine).get_table_names()) == before
    assert "cases" in before and "history_entries" in before
