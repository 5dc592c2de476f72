"""Many people at once on one installation: 16 clients firing conflicting and non-conflicting
triggers at 50 cases through gunicorn with several workers on PostgreSQL, for a bounded time.
Afterwards every accepted change has exactly one history entry and one outbox message, every
refused one got 409 and left nothing, and every case's chain verifies."""
from __future__ import annotations

import datetime as dt
import http.client
import json
import random
import subprocess
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from tests.conftest import _postgres_database
from tests.servers import TRACKER, Gunicorn
from tracker import clock
from tracker.db import Database
from tracker.migrate import upgrade
from tracker.models import Case, HistoryEntry, OutboxMessage, Unit, User
from tracker.schemas import CaseIn, TransitionIn
from tracker.services import cases
from tracker.services.admin import new_token

CLIENTS = 16
CASES = 50
HOT = 8  # half of the traffic goes to these, so that clients collide on them
TRANSITIONS = 300  # the run stops after this many POSTs...
SECONDS = 30.0  # ...or after this long, whichever comes first
# Triggers that keep a case open, so every case stays in play for the whole run.
TRIGGERS = {"urge": {"note": "Đề nghị khẩn trương giải quyết"}, "start_verification": {},
            "suspend": {"reason": "Chờ kết quả giám định"}, "resume": {"reason": "Đã có kết quả giám định"}}


@pytest.fixture()
def pg_url() -> Iterator[str]:
    """A throw-away PostgreSQL database of the shared server (this test never restarts it)."""
    yield from _postgres_database()


@dataclass
class Fired:
    case_id: int
    trigger: str
    version: int
    status: int
    new_version: int | None


def _setup(url: str) -> tuple[str, list[int]]:
    """50 accepted complaints at an agency of a district, and a token for the district's leader."""
    upgrade(url)
    db = Database(url)
    try:
        with db.transaction() as session:
            district = Unit(code="D1", name="Quận 1", kind="district", settings={})
            session.add(district)
            session.flush()
            district.path = f"/{district.id}/"
            agency = Unit(code="D1-TNMT", name="Phòng TNMT", kind="agency", parent=district, settings={})
            session.add(agency)
            session.flush()
            agency.path = f"{district.path}{agency.id}/"
            desk = User(username="tiepdan", password_hash="x", role="reception", unit=district)
            leader = User(username="lanhdao", password_hash="x", role="leader", unit=district, full_name="Lãnh đạo quận")
            session.add_all([desk, leader])
            session.flush()
            token = new_token(session, leader)[1]
            received = clock.now() - dt.timedelta(days=2)
            ids = []
            for n in range(CASES):
                case = cases.intake(session, desk, CaseIn(
                    kind="complaint", channel="mail", received_unit="D1", subject=f"Khiếu nại số {n}", content="Nội dung",
                    received_at=received, petitioners=[{"full_name": "Lê Văn Tám"}]))
                case = cases.fire(session, leader, case.id, TransitionIn(trigger="accept", version=1, data={"unit": "D1-TNMT"}))
                ids.append(case.id)
        return token, ids
    finally:
        db.engine.dispose()


def _client(port: int, token: str, ids: list[int], seed: int, stop: threading.Event, out: list[Fired],
            lock: threading.Lock) -> None:
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(method: str, path: str, body: object = None) -> tuple[int, dict]:
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        answer = conn.getresponse()
        return answer.status, json.loads(answer.read() or b"{}")

    try:
        while not stop.is_set():
            case_id = rng.choice(ids[:HOT]) if rng.random() < 0.5 else rng.choice(ids)
            status, case = call("GET", f"/api/v1/cases/{case_id}")
            assert status == 200, (status, case)
            choices = [t for t in case["available_triggers"] if t in TRIGGERS]
            trigger = rng.choice(choices)
            status, body = call("POST", f"/api/v1/cases/{case_id}/transitions",
                                {"trigger": trigger, "version": case["version"], "data": TRIGGERS[trigger]})
            with lock:
                out.append(Fired(case_id, trigger, case["version"], status, body.get("version") if status == 200 else None))
                if len(out) >= TRANSITIONS:
                    stop.set()
    finally:
        conn.close()


def test_sixteen_clients_on_fifty_cases_lose_nothing_and_write_nothing_twice(pg_url):
    token, ids = _setup(pg_url)
    db = Database(pg_url)
    with db.sessions() as session:
        entries_before = session.scalar(select(func.count(HistoryEntry.id)))
        messages_before = session.scalar(select(func.count(OutboxMessage.id)))
        last_message = session.scalar(select(func.max(OutboxMessage.id)))
    server = Gunicorn(pg_url, workers=3)
    fired: list[Fired] = []
    stop, lock = threading.Event(), threading.Lock()
    threads = [threading.Thread(target=_client, args=(server.port, token, ids, seed, stop, fired, lock))
               for seed in range(CLIENTS)]
    try:
        for thread in threads:
            thread.start()
        stop.wait(SECONDS)  # set by the clients after TRANSITIONS, else the time bound ends the run
        stop.set()
        for thread in threads:
            thread.join(60)
    finally:
        server.stop()

    statuses = Counter(f.status for f in fired)
    assert set(statuses) <= {200, 409}, statuses
    accepted = [f for f in fired if f.status == 200]
    assert statuses[200] >= CLIENTS and statuses[409] >= 1, statuses  # both happened, many times over
    # Two accepted changes never started from the same version of a case.
    assert len({(f.case_id, f.version) for f in accepted}) == len(accepted)
    assert all(f.new_version == f.version + 1 for f in accepted)

    with db.sessions() as session:
        versions = dict(session.execute(select(Case.id, Case.version).where(Case.id.in_(ids))).all())
        per_case = Counter(f.case_id for f in accepted)
        assert versions == {case_id: 2 + per_case[case_id] for case_id in ids}  # intake 1, accept 2, then one per change
        # One history entry per accepted change, none for a refused one.
        assert session.scalar(select(func.count(HistoryEntry.id))) == entries_before + len(accepted)
        written = Counter(session.execute(
            select(HistoryEntry.case_id, HistoryEntry.trigger).where(HistoryEntry.seq > 2)).all())
        assert written == Counter((f.case_id, f.trigger) for f in accepted)
        # Messages only for accepted changes (a refused change leaves none); which changes call for
        # one, and for whom, is the outbox's rule (tracker/services/outbox.py, tests/notifications).
        sent = Counter(session.execute(select(OutboxMessage.case_id, OutboxMessage.event)
                                       .where(OutboxMessage.id > last_message)).all())
        assert set(sent) <= {(f.case_id, f"case_{f.trigger}") for f in accepted}
        assert session.scalar(select(func.count(OutboxMessage.id))) == messages_before + sum(sent.values())
    db.engine.dispose()

    verify = subprocess.run([TRACKER, "history", "verify", "--database-url", pg_url], capture_output=True, text=True, timeout=120)
    assert verify.returncode == 0, verify.stderr
    assert f"OK: {entries_before + len(accepted)} entries" in verify.stdout
