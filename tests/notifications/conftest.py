"""Real servers for the notification tests: an SMTP server (aiosmtpd) and a webhook receiver
in the test process, a Redis server of our own that a test may stop and start, and a
database whose data is really committed (for workers in other processes).

Messages are counted as the servers received them."""
from __future__ import annotations

import asyncio
import email
import email.policy
import http.server
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from redis import Redis
from redis.exceptions import RedisError

from notifications.verify import Verifier
from tests.conftest import IN_CI

SHARED_REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- SMTP ------------------------------------------------------------------------------------

@dataclass
class Mailbox:
    """What the SMTP server accepted, and how it behaves."""

    messages: list[EmailMessage] = field(default_factory=list)
    refusals: int = 0
    refuse_next: int = 0  # answer 451 to this many messages first
    hold: threading.Event | None = None  # when set up, the next DATA waits for it
    holding: threading.Event = field(default_factory=threading.Event)
    dropped: threading.Event = field(default_factory=threading.Event)  # a connection dropped while holding
    received: threading.Condition = field(default_factory=threading.Condition)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse_next > 0:
            self.refuse_next -= 1
            self.refusals += 1
            return "451 4.3.0 Thử lại sau / try again later"
        if self.hold is not None and not self.holding.is_set():
            hold = self.hold
            self.holding.set()
            # Cancelled when the client's connection drops: the message is then never accepted.
            await asyncio.get_running_loop().run_in_executor(None, hold.wait)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.received:
            self.messages.append(message)  # type: ignore[arg-type]
            self.received.notify_all()
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 60) -> list[EmailMessage]:
        """Wait until `count` messages arrived (fails on timeout)."""
        with self.received:
            assert self.received.wait_for(lambda: len(self.messages) >= count, timeout), \
                f"{len(self.messages)} message(s) arrived, {count} expected"
        return list(self.messages)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]

    @staticmethod
    def full_text(message: EmailMessage) -> str:
        parts = [str(message["Subject"])]
        for part in message.walk():
            if part.get_content_maintype() == "text":
                parts.append(part.get_content())
        return "\n".join(parts)


class _Server(SMTP):
    """aiosmtpd's server, telling the mailbox when a held client's connection is gone (aiosmtpd
    then cancels the held DATA, so that message is never accepted)."""

    def connection_lost(self, error: Exception | None) -> None:
        super().connection_lost(error)
        mailbox = self.event_handler
        if isinstance(mailbox, Mailbox) and mailbox.holding.is_set():
            mailbox.dropped.set()


class _Controller(Controller):
    def factory(self) -> SMTP:
        return _Server(self.handler, **self.SMTP_kwargs)


@pytest.fixture()
def smtp() -> Iterator[tuple[Mailbox, str]]:
    """A real SMTP server on a free port: (mailbox, SMTP_URL)."""
    mailbox = Mailbox()
    port = free_port()
    controller = _Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, f"smtp://127.0.0.1:{port}"
    finally:
        if mailbox.hold is not None:
            mailbox.hold.set()
        controller.stop()


# -- webhooks ----------------------------------------------------------------------------------

@dataclass
class Receiver:
    """A unit's webhook endpoint running the reference verifier."""

    secret: str = ""
    accepted: list[dict[str, Any]] = field(default_factory=list)
    refused: int = 0
    raw: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    verifier: Verifier | None = None
    now: Callable[[], float] = time.time


@pytest.fixture()
def webhook() -> Iterator[tuple[Receiver, str]]:
    """A real HTTP server that verifies signatures: (receiver, URL)."""
    receiver = Receiver()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = {k: v for k, v in self.headers.items()}
            receiver.raw.append((headers, body))
            verifier = receiver.verifier or Verifier(receiver.secret)
            receiver.verifier = verifier
            if verifier.accept(headers, body, now=receiver.now()):
                receiver.accepted.append(json.loads(body))
                self.send_response(204)
            else:
                receiver.refused += 1
                self.send_response(401)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver, f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()


# -- Redis -------------------------------------------------------------------------------------

@pytest.fixture()
def shared_redis() -> str:
    """The machine's Redis (shared: tests use their own queue names and never flush it)."""
    try:
        Redis.from_url(SHARED_REDIS, socket_connect_timeout=2).ping()
    except RedisError as error:
        if IN_CI:
            pytest.fail(f"Redis is not reachable at {SHARED_REDIS}: {error}")
        pytest.skip(f"Redis is not reachable at {SHARED_REDIS}: {error}")
    return SHARED_REDIS


class OwnRedis:
    """A redis-server of this test's own, on a free port, that the test may stop and start."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            message = "redis-server is not installed"
            if IN_CI:
                pytest.fail(message)
            pytest.skip(message)
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert self.process.stdout is not None
        # The server says when it is ready; EOF means it died.
        for line in self.process.stdout:
            if b"Ready to accept connections" in line:
                break
        else:
            raise RuntimeError(f"redis-server on port {self.port} did not start")
        threading.Thread(target=self.process.stdout.read, daemon=True).start()  # keep its pipe drained

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None


@pytest.fixture()
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    server = OwnRedis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture()
def queue_name() -> Iterator[str]:
    """A queue of this test's own on a shared Redis, removed afterwards (nothing else is touched)."""
    name = f"test-notifications-{uuid.uuid4().hex[:10]}"
    yield name
    try:
        from rq import Queue

        Queue(name, connection=Redis.from_url(SHARED_REDIS, socket_connect_timeout=2)).delete(delete_jobs=True)
    except RedisError:
        pass


# -- the application -----------------------------------------------------------------------------

@pytest.fixture()
def make_app(db_url: str, connection: Any) -> Callable[..., Any]:
    """The app on the test's database (its sessions join the test's transaction), with
    notification settings: make_app(SMTP_URL=..., NOTIFY_BACKOFF="0")."""
    from sqlalchemy.orm import sessionmaker

    from tracker import create_app

    def make(**config: Any) -> Any:
        settings = {"DATABASE_URL": db_url, "TESTING": True, "SECRET_KEY": "test-secret", "REDIS_URL": None,
                    "BASE_URL": "https://tracker.test", "MAIL_FROM": "tracker@tracker.test", "NOTIFY_BACKOFF": "0"}
        application = create_app(settings | config)
        application.extensions["db"].sessions = sessionmaker(bind=connection, join_transaction_mode="create_savepoint",
                                                             expire_on_commit=False)
        return application

    return make


@pytest.fixture()
def act() -> Callable[..., Any]:
    """Run a service in one committed transaction of the app, as a command would:
    act(app, lambda s: cases.fire(s, ...)). Rows it writes are handed to delivery after the commit."""
    from tracker import database

    def run(app: Any, work: Callable[[Any], Any]) -> Any:
        with app.app_context(), database(app).transaction() as s:
            return work(s)

    return run


# -- a database really committed to, for workers in other processes ------------------------------

@pytest.fixture()
def live_app(empty_db_url: str) -> Iterator[Callable[..., Any]]:
    """make(**config) -> an app on a migrated database of its own (both backends), and the
    environment a `tracker worker` subprocess needs to work on the same database and queue."""
    from tracker import create_app
    from tracker.migrate import upgrade

    upgrade(empty_db_url)
    made: list[Any] = []

    def make(**config: Any) -> Any:
        settings = {"DATABASE_URL": empty_db_url, "TESTING": True, "SECRET_KEY": "test-secret",
                    "BASE_URL": "https://tracker.test", "MAIL_FROM": "tracker@tracker.test", "NOTIFY_BACKOFF": "0",
                    "NOTIFY_REQUEUE_AFTER": "0"}
        app = create_app(settings | config)
        app.config["WORKER_ENV"] = {**os.environ, **{k: str(v) for k, v in (settings | config).items() if v is not None
                                                     and k != "TESTING"}}
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["db"].engine.dispose()


def seed_area(app: Any) -> dict[str, int]:
    """Committed: TN > HT > HT-TNMT, a desk at HT and an officer at HT-TNMT with an address."""
    from tracker import database
    from tracker.models import Unit, User
    from tracker.services.admin import hash_password

    with database(app).transaction() as s:
        units: dict[str, Unit] = {}
        for code, kind, parent in (("TN", "province", None), ("HT", "district", "TN"), ("HT-TNMT", "agency", "HT")):
            unit = Unit(code=code, name=f"Đơn vị {code}", kind=kind, parent=units.get(parent or ""), settings={})
            s.add(unit)
            s.flush()
            unit.path = f"{units[parent].path if parent else '/'}{unit.id}/"
            units[code] = unit
        password = hash_password("Mat-khau-2026")
        desk = User(username="desk", password_hash=password, role="reception", unit=units["HT"], email="desk@tracker.test")
        officer = User(username="officer", password_hash=password, role="agency", unit=units["HT-TNMT"],
                       email="officer@tracker.test")
        s.add_all([desk, officer])
        s.flush()
        return {"desk": desk.id, "officer": officer.id}


def tracker_command() -> str:
    import sys

    return str(Path(sys.executable).with_name("tracker"))
