"""The yearly register of outgoing documents: numbers without gaps or repeats when many
people issue at once (threads released together by a barrier, each in its own transaction),
a number given back when its transaction rolls back, a new sequence each year."""
from __future__ import annotations

import threading

from sqlalchemy import select

from tracker.db import Database
from tracker.migrate import upgrade
from tracker.models import Unit
from tracker.models.acts import ActRegister
from tracker.services.acts import next_number

THREADS = 8
ROUNDS = 3


def _unit(db: Database) -> int:
    with db.transaction() as s:
        unit = Unit(code="HT", name="Thị xã Hòa Thành", kind="district", settings={})
        s.add(unit)
        s.flush()
        unit.path = f"/{unit.id}/"
        return unit.id


def test_concurrent_issuers_get_every_number_once_with_no_gap(empty_db_url):
    upgrade(empty_db_url)
    db = Database(empty_db_url)
    try:
        unit_id = _unit(db)
        barrier = threading.Barrier(THREADS, timeout=120)
        taken: list[int] = []
        errors: list[BaseException] = []
        lock = threading.Lock()

        def issuer() -> None:
            try:
                for _ in range(ROUNDS):
                    barrier.wait()  # everyone asks for a number at the same moment
                    with db.transaction() as s:
                        number = next_number(s, s.get(Unit, unit_id), 2026)
                    with lock:
                        taken.append(number)
            except BaseException as error:  # noqa: BLE001 - reported by the main thread
                errors.append(error)
                barrier.abort()

        threads = [threading.Thread(target=issuer) for _ in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        assert not errors, errors
        assert sorted(taken) == list(range(1, THREADS * ROUNDS + 1))
    finally:
        db.engine.dispose()


def test_a_rolled_back_issue_gives_its_number_back_and_each_year_starts_at_one(empty_db_url):
    upgrade(empty_db_url)
    db = Database(empty_db_url)
    try:
        unit_id = _unit(db)
        with db.transaction() as s:
            assert next_number(s, s.get(Unit, unit_id), 2026) == 1
        try:
            with db.transaction() as s:
                assert next_number(s, s.get(Unit, unit_id), 2026) == 2
                raise RuntimeError("the act could not be stored")
        except RuntimeError:
            pass
        with db.transaction() as s:
            assert next_number(s, s.get(Unit, unit_id), 2026) == 2
            assert next_number(s, s.get(Unit, unit_id), 2027) == 1
            assert sorted(s.scalars(select(ActRegister.last_number))) == [1, 2]
    finally:
        db.engine.dispose()
