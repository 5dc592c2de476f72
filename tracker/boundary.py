"""The request boundary: one database session per request, committed once.

A view (or the sign-in machinery before it) takes the request's session with
`request_session()`; services flush into it. The API's route wrapper calls `commit()` when
the view returned normally; anything raised leaves the work uncommitted, and the session
is rolled back and closed when the request ends, so a refused request writes nothing.
A request that wrote nothing (most reads) is not committed: its transaction ends with the
rollback at teardown (the round trip a COMMIT would have cost, without the session's commit
work), and a read can never write by accident. "Wrote" is decided on what was sent to the
database — any statement but a SELECT — so writes made through the ORM, Core or the raw
connection are all committed.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

WROTE = "tracker.wrote"  # on a connection whose current transaction sent something but a read
_READS = ("SELECT", "BEGIN")


@event.listens_for(Engine, "before_cursor_execute")
def _sent(conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
    if not statement.lstrip()[:6].upper().startswith(_READS):
        conn.info[WROTE] = True


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _ended(conn: Connection) -> None:
    conn.info.pop(WROTE, None)


def request_session() -> Session:
    """The current request's session, opened on first use."""
    session: Session | None = g.get("db_session")
    if session is None:
        session = current_app.extensions["db"].sessions()
        g.db_session = session
    return session


def commit() -> None:
    """Commit the request's work, if it did any."""
    session: Session | None = g.get("db_session")
    if session is None or session.get_transaction() is None:
        return
    if session.new or session.dirty or session.deleted or session.connection().info.get(WROTE):
        session.commit()


def _close(_error: BaseException | None) -> None:
    session: Session | None = g.pop("db_session", None)
    if session is None:
        return
    try:
        # Nothing left uncommitted survives the request: closing ends the session's transaction,
        # rolled back as its connection returns to the pool (without first expiring every object
        # the session held, which a rollback would do for a session about to be dropped).
        session.close()
    except SQLAlchemyError:
        # The connection died under the request (a database restart): the answer was already
        # made (a 503); the server dropped the transaction, and the pool drops the connection.
        session.invalidate()
        session.close()


def init_app(app: Flask) -> None:
    """Close (and roll back) each request's session when its context ends."""
    app.teardown_appcontext(_close)
