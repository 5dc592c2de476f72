"""Database engine and sessions, made by the app factory and kept on `app.extensions`."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

# Named constraints let Alembic alter tables on SQLite (batch mode) and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# A database that does not answer must fail a request quickly (503), not hold a worker.
CONNECT_TIMEOUT_SECONDS = 5


class Base(DeclarativeBase):
    """Base class of every model."""

    metadata = MetaData(naming_convention=NAMING)


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets foreign keys enforced, a busy timeout and
    transactions that take the write lock when they begin.

    Statement parameters are kept out of error messages: they may hold a petitioner's
    identity, and error messages end up in logs (DOMAIN.md §5)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            # pysqlite would run SELECTs outside any transaction and BEGIN only before the
            # first write: a service could read version 1, wait for another writer, then
            # overwrite its work. We issue BEGIN ourselves (below) instead.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin_immediate(conn):  # type: ignore[no-untyped-def]
            # The write lock is taken when the transaction starts, so what a service reads is
            # what it writes over: SQLite's stand-in for PostgreSQL's SELECT ... FOR UPDATE.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    # No ping before every checkout (a round trip per request): a connection found dead is
    # reported as a disconnect, SQLAlchemy then discards the whole pool, and the request is
    # answered 503 with Retry-After (tracker/unavailable.py). A connection unused for half an
    # hour is replaced, before a firewall drops it silently.
    return create_engine(url, pool_pre_ping=False, pool_recycle=1800, hide_parameters=True,
                         connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS})


class Database:
    """An engine and its session factory."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work commits once at the end, or rolls back on any error."""
        with self.sessions() as session, session.begin():
            yield session
