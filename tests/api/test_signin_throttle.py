"""Password guessing is throttled per username and address pair, per address, and (for
addresses that have been failing) per username; every count moves in one atomic statement,
so parallel guesses get no more password checks than the rules allow; nobody can lock the
owner out. The clock is the application's, set by each test."""
from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.api.conftest import is_error_body
from tests.api.test_auth import login
from tests.conftest import TEST_PASSWORD
from tracker import clock
from tracker.db import Database
from tracker.migrate import upgrade
from tracker.models import LoginThrottle, Unit, User
from tracker.services import signin
from tracker.services.admin import hash_password
from tracker.services.errors import TooManyAttempts

START = dt.datetime(2026, 3, 9, 2, 0, tzinfo=dt.UTC)
PAIR, ADDRESS = signin.BY_PAIR, signin.BY_ADDRESS


def from_address(client, name, password, address):
    return login(client, name, password, environ_base={"REMOTE_ADDR": address})


def test_failures_of_a_pair_slow_down_then_refuse_it(client, person, clock_at):
    name = person("reception").user.username
    moment = START
    clock_at(moment)
    for _ in range(PAIR.slow_after):
        assert login(client, name, "wrong").status_code == 401
    slowed = login(client, name)
    assert slowed.status_code == 429 and slowed.headers["Retry-After"] == "1"
    assert is_error_body(slowed.get_json(), "too_many_attempts")
    for failures in range(PAIR.slow_after, PAIR.refuse_after - 1):
        moment += PAIR.delay(failures)
        clock_at(moment)
        assert login(client, name, "wrong").status_code == 401
    moment += PAIR.delay(PAIR.refuse_after - 1)
    clock_at(moment)
    assert login(client, name, "wrong").status_code == 401  # the last failure the pair is allowed
    clock_at(moment + dt.timedelta(seconds=PAIR.max_delay + 1))
    refused = login(client, name)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > PAIR.max_delay
    clock_at(moment + PAIR.window)
    assert login(client, name).status_code == 200


def test_a_locked_out_pair_does_not_lock_the_owner_out_from_another_address(client, person, clock_at):
    name = person("reception").user.username
    clock_at(START)
    for _ in range(PAIR.slow_after):
        from_address(client, name, "wrong", "203.0.113.9")
    assert from_address(client, name, TEST_PASSWORD, "203.0.113.9").status_code == 429
    assert from_address(client, name, TEST_PASSWORD, "198.51.100.7").status_code == 200


def test_guessing_one_username_from_many_addresses_never_refuses_the_owners_clean_address(client, person, clock_at):
    name = person("reception").user.username
    clock_at(START)
    for n in range(signin.BY_USERNAME.slow_after + 5):
        from_address(client, name, "wrong", f"203.0.113.{n}")
    assert from_address(client, name, TEST_PASSWORD, "198.51.100.7").status_code == 200


def test_a_username_failing_from_many_addresses_slows_down_the_addresses_that_fail(client, person, clock_at):
    name = person("reception").user.username
    clock_at(START)
    for n in range(signin.BY_USERNAME.slow_after):
        assert from_address(client, name, "wrong", f"203.0.113.{n}").status_code == 401
    assert from_address(client, name, "wrong", "203.0.113.1").status_code == 429


def test_a_success_clears_the_pairs_and_the_usernames_failures(client, person, session, clock_at):
    name = person("reception").user.username
    clock_at(START)
    login(client, name, "wrong")
    assert login(client, name).status_code == 200
    scopes = session.scalars(select(LoginThrottle.scope).where(LoginThrottle.key.startswith(name))).all()
    assert scopes == []


def test_an_address_trying_many_usernames_is_slowed_down(client, clock_at):
    clock_at(START)
    for n in range(ADDRESS.slow_after):
        assert login(client, f"guess{n}", "wrong").status_code == 401
    assert login(client, "guess-next", "wrong").status_code == 429


def test_throttling_an_unknown_username_looks_like_throttling_a_known_one(client, person, clock_at):
    clock_at(START)
    known = person("reception").user.username
    for name in (known, "ghost-user"):
        for _ in range(PAIR.slow_after):
            login(client, name, "wrong")
    a, b = login(client, known, "wrong"), login(client, "ghost-user", "wrong")
    assert a.status_code == b.status_code == 429
    assert a.get_json() == b.get_json() and a.headers["Retry-After"] == b.headers["Retry-After"]


# -- the race, on PostgreSQL: every attempt in its own connection and transaction ------------------

@pytest.fixture()
def committed_user(empty_db_url):
    if not empty_db_url.startswith("postgresql"):
        pytest.skip("the race is PostgreSQL's: SQLite takes its write lock when a transaction begins")
    upgrade(empty_db_url)
    database = Database(empty_db_url)
    with Session(database.engine) as s:
        unit = Unit(code="TN", name="Tỉnh", kind="province", settings={}, path="/1/")
        s.add(unit)
        s.flush()
        s.add(User(username="target", password_hash=hash_password(TEST_PASSWORD), role="reception", unit=unit))
        s.commit()
    yield database
    database.engine.dispose()


def test_parallel_wrong_passwords_get_only_the_checks_the_rules_allow(committed_user):
    attempts = 20
    clock.set_to(START)
    barrier = threading.Barrier(attempts)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def guess() -> None:
        with Session(committed_user.engine) as s:
            barrier.wait()
            try:
                result = "checked" if signin.authenticate(s, "target", "wrong", "203.0.113.5") is None else "signed in"
                s.commit()
            except TooManyAttempts:
                s.rollback()
                result = "refused"
        with lock:
            outcomes[result] += 1

    threads = [threading.Thread(target=guess) for _ in range(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert outcomes == {"checked": PAIR.slow_after, "refused": attempts - PAIR.slow_after}
    with Session(committed_user.engine) as s:
        assert s.scalar(select(LoginThrottle.failures).where(LoginThrottle.scope == "pair")) == PAIR.slow_after
