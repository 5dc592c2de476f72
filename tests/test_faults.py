"""What happens when a server under the tracker fails: PostgreSQL restarted during a burst of
requests, Redis down, a read-only database, a full disk. Each answer is a clear 503 with
Retry-After (never a 500), nothing is half written, and work succeeds again once the server
is back. The servers stopped here are the test's own, on free ports in its temp dir."""
from __future__ import annotations

import http.client
import json
import subprocess
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

from tests.conftest import _postgres_database
from tests.servers import TRACKER, Gunicorn, RedisServer, postgres_cluster
from tracker import create_app
from tracker.db import Database
from tracker.migrate import upgrade
from tracker.models import Case, HistoryEntry, OutboxMessage, Petitioner, Unit, User
from tracker.services.admin import new_token
from tracker.unavailable import FULL, READ_ONLY, UNREACHABLE, classify

INTAKE = {"kind": "feedback", "channel": "online", "received_unit": "D1", "subject": "Phản ánh đèn đường hỏng",
          "content": "Đèn đường hẻm 12 không sáng", "petitioners": [{"full_name": "Phạm Thị Hoa", "phone": "0909000111"}]}


def _desk(url: str) -> str:
    """A district with a reception desk; the desk's API token."""
    upgrade(url)
    db = Database(url)
    try:
        with db.transaction() as session:
            district = Unit(code="D1", name="Quận 1", kind="district", settings={})
            session.add(district)
            session.flush()
            district.path = f"/{district.id}/"
            desk = User(username="tiepdan", password_hash="x", role="reception", unit=district)
            session.add(desk)
            session.flush()
            return new_token(session, desk)[1]
    finally:
        db.engine.dispose()


# -- PostgreSQL restarted during a burst -----------------------------------------------------------

@dataclass
class Burst:
    """What the clients saw: every answer's status, Retry-After of each 503, the case of each key."""

    statuses: list[tuple[int, str]] = field(default_factory=list)  # (status, "before"/"during"/"after" the restart)
    failures: list[str] = field(default_factory=list)  # what a client could not make sense of
    retry_after: list[str | None] = field(default_factory=list)
    case_of_key: dict[str, int] = field(default_factory=dict)
    restarting: threading.Event = field(default_factory=threading.Event)
    restarted: threading.Event = field(default_factory=threading.Event)
    before: threading.Event = field(default_factory=threading.Event)
    after: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, status: int, retry_after: str | None, key: str, case_id: int | None) -> None:
        with self.lock:
            phase = "after" if self.restarted.is_set() else "during" if self.restarting.is_set() else "before"
            self.statuses.append((status, phase))
            if status == 503:
                self.retry_after.append(retry_after)
            if case_id is not None:
                assert self.case_of_key.setdefault(key, case_id) == case_id  # a retried key never makes a second case
                done = sum(1 for s, p in self.statuses if s in (200, 201) and p == phase)
                if done >= 10 and phase != "during":
                    (self.after if phase == "after" else self.before).set()


def _intake_client(port: int, token: str, burst: Burst) -> None:
    """Log petitions one after another; a 503 is retried with the same Idempotency-Key."""
    key = uuid.uuid4().hex
    while not burst.stop.is_set():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request("POST", "/api/v1/cases", body=json.dumps(INTAKE), headers={
                "Authorization": f"Bearer {token}", "Content-Type": "application/json", "Idempotency-Key": key})
            answer = conn.getresponse()
            raw = answer.read()
            body = json.loads(raw)
        except Exception as error:  # noqa: BLE001 - the test fails on it, with what was seen
            burst.failures.append(f"{type(error).__name__}: {error}; {locals().get('raw', b'')[:300]!r}")
            return
        finally:
            conn.close()
        created = answer.status in (200, 201)
        burst.record(answer.status, answer.getheader("Retry-After"), key, body["id"] if created else None)
        if created:
            key = uuid.uuid4().hex


def test_postgresql_restarted_during_a_burst_gets_503s_then_succeeds_and_writes_nothing_by_halves():
    with postgres_cluster() as cluster:
        url = cluster.url
        token = _desk(url)
        server = Gunicorn(url, workers=2)
        burst = Burst()
        clients = [threading.Thread(target=_intake_client, args=(server.port, token, burst)) for _ in range(6)]
        try:
            for client in clients:
                client.start()
            assert burst.before.wait(60), "no petition was logged before the restart"
            burst.restarting.set()
            cluster.restart()  # every connection of both workers' pools is cut
            burst.restarted.set()
            assert burst.after.wait(60), f"petitions were not logged again after the restart: {Counter(burst.statuses)}"
        finally:
            burst.stop.set()
            for client in clients:
                client.join(60)
            server.stop()

        assert not burst.failures, burst.failures
        statuses = Counter(burst.statuses)
        errors = [line for line in server.lines if '"status": 500' in line or "Traceback" in line or "Error" in line]
        assert {s for s, _ in statuses} <= {200, 201, 503}, (statuses, errors[-20:])  # never a 500
        assert statuses[(503, "during")] + statuses[(503, "after")] >= 1, statuses  # the restart was answered 503...
        assert statuses[(503, "before")] == 0, statuses
        assert all(value is not None and int(value) > 0 for value in burst.retry_after)  # ...with Retry-After
        assert statuses[(201, "after")] + statuses[(200, "after")] >= 10  # and the same workers serve again

        db = Database(url)
        with db.sessions() as session:
            case_ids = set(session.scalars(select(Case.id)))
            # Every case was answered to its client (none was made and lost), and is whole.
            assert case_ids == set(burst.case_of_key.values())
            # (An intake at the desk calls for no message: the outbox is checked by the notification tests.)
            for table in (HistoryEntry, Petitioner):
                having = set(session.scalars(select(table.case_id).distinct()))
                assert having == case_ids, table.__tablename__
            assert session.scalar(select(func.count(HistoryEntry.id))) == len(case_ids)
        db.engine.dispose()
        verify = subprocess.run([TRACKER, "history", "verify", "--database-url", url], capture_output=True, text=True,
                                timeout=120)
        assert verify.returncode == 0, verify.stderr


# -- Redis down ----------------------------------------------------------------------------------

def _app_on(db_url: str, connection, **config):  # type: ignore[no-untyped-def]
    app = create_app({"DATABASE_URL": db_url, "TESTING": True, "SECRET_KEY": "test-secret", **config})
    app.extensions["db"].sessions = sessionmaker(bind=connection, join_transaction_mode="create_savepoint",
                                                 expire_on_commit=False)
    return app


def test_with_redis_down_petitions_are_still_logged_and_their_messages_wait_in_the_outbox(
        db_url, connection, session, clerk, tmp_path):
    redis = RedisServer(tmp_path)
    app = _app_on(db_url, connection, REDIS_URL=redis.url)
    client = app.test_client()
    token = new_token(session, clerk)[1]
    headers = {"Authorization": f"Bearer {token}"}
    body = {**INTAKE, "received_unit": clerk.unit.code}
    assert client.post("/api/v1/cases", json=body, headers=headers).status_code == 201
    redis.stop()

    # A petition handed straight to an agency calls for messages to its officers (issue 11's rules).
    created = client.post("/api/v1/cases", json={**body, "assigned_unit": "HT-TNMT"}, headers=headers)
    assert created.status_code == 201
    case_id = created.get_json()["id"]
    messages = session.execute(select(OutboxMessage.status).where(OutboxMessage.case_id == case_id)).all()
    assert messages and {m.status for m in messages} == {"pending"}
    # The public lookup counts its rate limit in memory meanwhile; the health check says so.
    assert client.get(f"/api/v1/track/{created.get_json()['tracking_code']}").status_code == 200
    health = client.get("/healthz")
    assert (health.status_code, health.get_json()["status"], health.get_json()["redis"]) == (200, "degraded", "down")


# -- read-only database, full disk ---------------------------------------------------------------

@pytest.fixture()
def pg_url() -> Iterator[str]:
    yield from _postgres_database()


def test_a_read_only_postgresql_database_answers_writes_with_503_and_still_serves_reads(pg_url):
    token = _desk(pg_url)
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        name = conn.execute(text("SELECT current_database()")).scalar_one()
        conn.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
    admin.dispose()
    app = create_app({"DATABASE_URL": pg_url, "SECRET_KEY": "k"})
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    refused = client.post("/api/v1/cases", json=INTAKE, headers=headers)
    assert refused.status_code == 503
    assert refused.get_json()["error"]["code"] == READ_ONLY.code
    assert "chỉ đọc" in refused.get_json()["error"]["message"] and "read-only" in refused.get_json()["error"]["message"]
    assert int(refused.headers["Retry-After"]) > 0
    assert client.get("/api/v1/cases", headers=headers).status_code == 200
    app.extensions["db"].engine.dispose()


def test_a_read_only_sqlite_file_is_answered_with_503_naming_it(tmp_path):
    path = tmp_path / "ro.db"
    token = _desk(f"sqlite:///{path}")
    app = create_app({"DATABASE_URL": f"sqlite:///file:{path}?mode=ro&uri=true", "SECRET_KEY": "k"})
    answer = app.test_client().post("/api/v1/cases", json=INTAKE, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 503
    assert answer.get_json()["error"]["code"] == READ_ONLY.code


def test_a_full_disk_is_answered_with_503_and_the_petition_is_not_half_written(tmp_path):
    url = f"sqlite:///{tmp_path / 'full.db'}"
    token = _desk(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "k"})
    engine = app.extensions["db"].engine

    @event.listens_for(engine, "connect")
    def _no_room(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        # The file may not grow by a single page: what SQLite reports when the disk is full.
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    body = {**INTAKE, "content": "x" * 19_000}  # several pages: more than the free room left in the file
    answer = app.test_client().post("/api/v1/cases", json=body, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 503
    assert answer.get_json()["error"]["code"] == FULL.code
    engine.dispose()
    check = create_engine(url)
    with check.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM cases")).scalar_one() == 0
        assert conn.execute(text("SELECT count(*) FROM history_entries")).scalar_one() == 0
    check.dispose()


def test_postgresql_outages_are_named_by_their_sqlstate():
    import psycopg.errors

    def error(orig: Exception) -> OperationalError:
        return OperationalError("statement", {}, orig)

    assert classify(error(psycopg.errors.DiskFull())) is FULL
    assert classify(error(psycopg.errors.AdminShutdown())) is UNREACHABLE
    assert classify(error(psycopg.errors.ReadOnlySqlTransaction())) is READ_ONLY


def test_a_database_error_that_is_not_an_outage_stays_a_500_bug():
    import sqlite3

    from sqlalchemy.exc import IntegrityError

    assert classify(IntegrityError("statement", {}, sqlite3.IntegrityError("UNIQUE constraint failed"))) is None

