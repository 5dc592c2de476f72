"""The working-day calendar is read once per process on PostgreSQL and read again as soon as
any process changes the overrides; the transaction making a change sees it at once."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import event

from tests.conftest import _postgres_database
from tracker import calendar_cache
from tracker.db import Database
from tracker.migrate import upgrade
from tracker.models import CalendarOverride

BRIDGE_DAY = dt.date(2027, 2, 12)  # a Friday, made a day off


@pytest.fixture()
def pg_database() -> Iterator[Database]:
    for url in _postgres_database():
        upgrade(url)
        db = Database(url)
        yield db
        db.engine.dispose()


def _reads(db: Database) -> list[str]:
    seen: list[str] = []
    event.listen(db.engine, "before_cursor_execute",
                 lambda _c, _cur, statement, *_: seen.append(statement) if "calendar_overrides" in statement else None)
    return seen


def test_the_calendar_is_served_from_memory_until_another_process_changes_it(pg_database):
    listener = calendar_cache._listener(pg_database.engine)
    assert listener.wait_until(listening=True)
    reads = _reads(pg_database)
    for _ in range(2):
        with pg_database.transaction() as session:
            assert calendar_cache.working_calendar(session).is_working_day(BRIDGE_DAY)
    assert len(reads) == 1  # the second transaction did not go to the database

    generation = listener.generation
    other = Database(pg_database.url)  # another engine: as another worker would write it
    with other.transaction() as session:
        session.add(CalendarOverride(day=BRIDGE_DAY, kind="day_off", note="QĐ nghỉ bù"))
    other.engine.dispose()
    assert listener.wait_until(past=generation)  # the NOTIFY sent at commit arrived

    with pg_database.transaction() as session:
        assert not calendar_cache.working_calendar(session).is_working_day(BRIDGE_DAY)
    assert len(reads) == 2


def test_while_the_listener_is_down_every_call_reads_the_table(pg_database):
    listener = calendar_cache._listener(pg_database.engine)
    assert listener.wait_until(listening=True)
    with listener.lock:
        listener.listening = False  # as when its connection has just been lost
        listener.cached = None
    reads = _reads(pg_database)
    for _ in range(2):
        with pg_database.transaction() as session:
            calendar_cache.working_calendar(session)
            calendar_cache.working_calendar(session)  # within one transaction: read once
    assert len(reads) == 2


def test_the_transaction_that_changes_the_overrides_sees_its_change(session):
    assert calendar_cache.working_calendar(session).is_working_day(BRIDGE_DAY)
    session.add(CalendarOverride(day=BRIDGE_DAY, kind="day_off", note="QĐ nghỉ bù"))
    session.flush()
    assert not calendar_cache.working_calendar(session).is_working_day(BRIDGE_DAY)


@pytest.fixture()
def sqlite_database(tmp_path) -> Iterator[Database]:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'calendar.db'}"
    upgrade(url)
    db = Database(url)
    yield db
    db.engine.dispose()


def test_on_sqlite_a_change_through_another_connection_is_seen_by_the_next_transaction(sqlite_database):
    with sqlite_database.transaction() as session:
        first = calendar_cache.working_calendar(session)
        assert first.is_working_day(BRIDGE_DAY)
    with sqlite_database.transaction() as session:
        assert calendar_cache.working_calendar(session) is first  # the same rows: not built again

    other = Database(sqlite_database.url)  # another engine and connection: as another process would write it
    with other.transaction() as session:
        session.add(CalendarOverride(day=BRIDGE_DAY, kind="day_off", note="QĐ nghỉ bù"))
    other.engine.dispose()

    reads = _reads(sqlite_database)
    with sqlite_database.transaction() as session:
        assert not calendar_cache.working_calendar(session).is_working_day(BRIDGE_DAY)
        assert not calendar_cache.working_calendar(session).is_working_day(BRIDGE_DAY)
    assert len(reads) == 1  # read once in the transaction

    other = Database(sqlite_database.url)
    with other.transaction() as session:
        session.query(CalendarOverride).delete()  # a bulk delete: no ORM event on the other side either
    other.engine.dispose()
    with sqlite_database.transaction() as session:
        assert calendar_cache.working_calendar(session).is_working_day(BRIDGE_DAY)
