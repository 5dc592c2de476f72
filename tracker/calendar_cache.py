"""The working-day calendar (holidays plus the administrators' overrides), kept per process
on PostgreSQL instead of read on every request, and dropped the moment the overrides change.

Invalidation across processes and machines uses PostgreSQL itself: a change to
`calendar_overrides` sends `NOTIFY tracker_calendar` inside its transaction (delivered when
it commits), and each process keeps one connection that LISTENs and bumps a generation
number on every notification. A calendar is served from memory only when it was read under
the current generation while the listener was connected; while the listener is down (the
database restarting) every call reads the table again, as without a cache, and the next call
starts a new listener. The transaction
that changes the overrides reads the table itself until it ends, so the recount it runs sees
its own change. A process learns of a change a few milliseconds after the commit, as a
transaction that had read the table just before the commit would have.

SQLite is read once per transaction: a change made through another connection has no
notification to send, but a SQLite transaction here holds the write lock from its start. The
read is one prepared Core statement of two columns, and the calendar built from it is kept
beside the rows it was built from: the same rows read again give the same calendar without
building it again (issue 13: the ORM read and the build were a sixth of a transition).
"""
from __future__ import annotations

import os
import threading
import time
from typing import Any, cast

from sqlalchemy import Table, event, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Mapper, Session

from tracker.models import CalendarOverride
from workflows.calendar import WorkingCalendar

CHANNEL = "tracker_calendar"
CHANGED = "tracker.calendar_changed"  # on a connection whose transaction changed the overrides
IN_TRANSACTION = "tracker.calendar"  # the calendar the connection's current transaction read
RETRY_SECONDS = 1.0


OVERRIDES = cast(Table, CalendarOverride.__table__)
_READ = select(OVERRIDES.c.day, OVERRIDES.c.kind)
# The rows last read and the calendar built from them, replaced as one tuple (threads see
# either the old pair or the new one, never a mix).
_built: tuple[tuple[Any, ...], WorkingCalendar] | None = None


def read_calendar(session: Session) -> WorkingCalendar:
    """The calendar as the table holds it now."""
    global _built
    rows = tuple(session.connection().execute(_READ))
    built = _built
    if built is not None and built[0] == rows:
        return built[1]
    calendar = WorkingCalendar.with_overrides(
        days_off=[day for day, kind in rows if kind == "day_off"],
        working_days=[day for day, kind in rows if kind == "working_day"],
    )
    _built = (rows, calendar)
    return calendar


class _Listener:
    """One LISTEN connection per process and engine, and the calendar read under its generation."""

    def __init__(self, dsn: str):
        self.dsn = dsn
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.generation = 0
        self.listening = False
        self.alive = True
        self.ended_at = 0.0
        self.cached: tuple[int, WorkingCalendar] | None = None
        self.changed = threading.Condition(self.lock)
        self.stopped = threading.Event()
        threading.Thread(target=self._run, name="calendar-listener", daemon=True).start()

    def _run(self) -> None:
        import psycopg

        try:
            with psycopg.connect(self.dsn, autocommit=True, connect_timeout=5) as conn:
                conn.execute(f"LISTEN {CHANNEL}")
                self._bump(listening=True)  # what changed before LISTEN is unknown: read again
                for _ in conn.notifies():
                    if self.stopped.is_set():
                        break
                    self._bump(listening=True)
        except psycopg.Error:
            pass  # the database went away: serve nothing from memory; the next call starts anew
        finally:
            self._bump(listening=False)
            self.ended_at = time.monotonic()
            self.alive = False

    def _bump(self, *, listening: bool) -> None:
        with self.lock:
            self.generation += 1
            self.listening = listening
            self.cached = None
            self.changed.notify_all()

    def wait_until(self, *, listening: bool = True, past: int = -1, timeout: float = 10.0) -> bool:
        """Block until the listener is (not) listening with a generation above `past`."""
        with self.lock:
            return self.changed.wait_for(lambda: self.listening == listening and self.generation > past, timeout)

    def calendar(self, session: Session) -> WorkingCalendar:
        with self.lock:
            generation, listening, cached = self.generation, self.listening, self.cached
        if listening and cached is not None and cached[0] == generation:
            return cached[1]
        calendar = read_calendar(session)
        with self.lock:
            if self.listening and self.generation == generation:
                self.cached = (generation, calendar)
        return calendar


_listeners: dict[str, _Listener] = {}  # by database
_listeners_lock = threading.Lock()


def _listener(engine: Engine) -> _Listener:
    dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with _listeners_lock:
        listener = _listeners.get(dsn)
        # A forked worker starts its own; a listener whose connection ended is replaced, at most
        # once a second while the database stays away (meanwhile every call reads the table).
        ended = listener is not None and not listener.alive and time.monotonic() - listener.ended_at > RETRY_SECONDS
        if listener is None or listener.pid != os.getpid() or ended:
            listener = _listeners[dsn] = _Listener(dsn)
        return listener


def working_calendar(session: Session) -> WorkingCalendar:
    """The calendar with the administrators' overrides, from memory when it is known current.

    Within one transaction it is read once (SQLite's transactions hold the write lock, so no
    one else can change it meanwhile; on PostgreSQL the process's copy is checked first)."""
    connection = session.connection()
    if connection.info.get(CHANGED):
        return read_calendar(session)
    known: WorkingCalendar | None = connection.info.get(IN_TRANSACTION)
    if known is None:
        if connection.dialect.name == "postgresql":
            known = _listener(connection.engine).calendar(session)
        else:
            known = read_calendar(session)
        connection.info[IN_TRANSACTION] = known
    return known


def stop_listeners() -> None:
    """Stop every listener of this process (their connections end with the next notification)."""
    with _listeners_lock:
        for listener in _listeners.values():
            listener.stopped.set()
        _listeners.clear()


@event.listens_for(CalendarOverride, "after_insert")
@event.listens_for(CalendarOverride, "after_update")
@event.listens_for(CalendarOverride, "after_delete")
def _changed(_mapper: Mapper[Any], connection: Connection, _target: CalendarOverride) -> None:
    connection.info[CHANGED] = True
    connection.info.pop(IN_TRANSACTION, None)
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"NOTIFY {CHANNEL}")


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _transaction_ended(connection: Connection) -> None:
    connection.info.pop(CHANGED, None)
    connection.info.pop(IN_TRANSACTION, None)
