"""The request boundary: one database session per request, committed once.

A view (or the sign-in machinery before it) takes the request's session with
`request_session()`; services flush into it. The API's route wrapper calls `commit()` when
the view returned normally; anything raised leaves the work uncommitted, and the session
is rolled back and closed when the request ends, so a refused request writes nothing.
A request that wrote nothing (most reads) sends no COMMIT: its transaction ends with the
rollback at teardown, which costs no round trip once nothing is pending.
"""
from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

WROTE = "tracker.wrote"


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _flush: UOWTransaction) -> None:
    session.info[WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[WROTE] = True


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
    if session is not None and (session.info.get(WROTE) or session.new or session.dirty or session.deleted):
        session.commit()
        session.info.pop(WROTE, None)


def _close(_error: BaseException | None) -> None:
    session: Session | None = g.pop("db_session", None)
    if session is None:
        return
    try:
        session.rollback()  # nothing left uncommitted survives the request
        session.close()
    except SQLAlchemyError:
        # The connection died under the request (a database restart): the answer was already
        # made (a 503); the server dropped the transaction, and the pool drops the connection.
        session.invalidate()
        session.close()


def init_app(app: Flask) -> None:
    """Close (and roll back) each request's session when its context ends."""
    app.teardown_appcontext(_close)
