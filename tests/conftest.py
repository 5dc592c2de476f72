"""Shared fixtures: a real database per backend (SQLite file and a throw-away PostgreSQL
database), the schema built once by the migrations, and a rollback per test.

Every test that uses `session` (or `app`) runs once on SQLite and once on PostgreSQL.
Under CI=true a PostgreSQL server that cannot be reached fails the run instead of
skipping it.
"""
from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from tracker import clock, create_app
from tracker.db import Database
from tracker.migrate import upgrade
from tracker.models import Unit, User
from tracker.schemas import CaseIn
from tracker.services import cases as case_services

PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() == "true"
# One Argon2 hash computed once: hashing per created user would dominate test time.
TEST_PASSWORD = "Mat-khau-2026"
_HASH_CACHE: dict[str, str] = {}


def _password_hash() -> str:
    if "h" not in _HASH_CACHE:
        from tracker.services.admin import hash_password

        _HASH_CACHE["h"] = hash_password(TEST_PASSWORD)
    return _HASH_CACHE["h"]


def _postgres_database() -> Iterator[str]:
    name = f"tracker_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001 - any connection failure means "no server"
        admin.dispose()
        message = f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {error}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        upgrade(url)
        yield url
        return
    gen = _postgres_database()
    url = next(gen)
    upgrade(url)
    yield url
    try:
        next(gen)
    except StopIteration:
        pass


@pytest.fixture(scope="session")
def database(db_url: str) -> Iterator[Database]:
    """The database object the app would make."""
    db = Database(db_url)
    yield db
    db.engine.dispose()


@pytest.fixture()
def connection(database: Database) -> Iterator[Any]:
    """A connection inside a transaction that is rolled back after the test."""
    conn = database.engine.connect()
    outer = conn.begin()
    try:
        yield conn
    finally:
        outer.rollback()
        conn.close()


@pytest.fixture()
def session(connection: Any) -> Iterator[Session]:
    """An ORM session whose commits are savepoints inside the test's transaction."""
    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    with factory() as s:
        yield s


@pytest.fixture()
def app(db_url: str, connection: Any, tmp_path: Any):  # type: ignore[no-untyped-def]
    """The Flask app on the test database; its sessions join the test's transaction."""
    application = create_app({"DATABASE_URL": db_url, "TESTING": True, "SECRET_KEY": "test-secret", "REDIS_URL": None,
                              "FILES_DIR": str(tmp_path / "files")})
    db: Database = application.extensions["db"]
    db.sessions = sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    return application


@pytest.fixture()
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture()
def runner(app):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


# -- the clock ---------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def _clock_runs_again_after_each_test() -> Iterator[None]:
    """A test that sets the clock leaves it running for the next one."""
    yield
    clock.set_to(None)


@pytest.fixture()
def clock_at() -> Callable[[dt.date | dt.datetime], None]:
    """Set the application's clock for this test: clock_at(date(2026, 3, 9)) (09:00 in Vietnam)."""
    return clock.set_to


# -- factories ---------------------------------------------------------------------------------

@pytest.fixture()
def make_unit(session: Session) -> Callable[..., Unit]:
    """Create a unit: make_unit("HT-LH", kind="commune", parent=ht)."""

    def make(code: str, *, kind: str = "commune", parent: Unit | None = None, name: str | None = None) -> Unit:
        unit = Unit(code=code, name=name or f"Đơn vị {code}", kind=kind, parent=parent, settings={})
        session.add(unit)
        session.flush()
        unit.path = f"{parent.path if parent else '/'}{unit.id}/"
        session.flush()
        return unit

    return make


@pytest.fixture()
def tree(make_unit: Callable[..., Unit]) -> dict[str, Unit]:
    """The Tây Ninh tree of the contract check, plus a second district for outside-jurisdiction cases.

    TN province
    ├── HT district (Hòa Thành)        ├── BT district (Bình Thạnh, the 'other' jurisdiction)
    │   ├── HT-LH commune (Long Hoa)    │   ├── BT-P1 commune
    │   │   └── LH-TTND inspection board │   └── BT-MT front committee
    │   ├── HT-TNMT agency
    │   └── HT-MT front committee
    └── TN-TTR agency (provincial inspectorate)
    """
    tn = make_unit("TN", kind="province", name="Tỉnh Tây Ninh")
    ht = make_unit("HT", kind="district", parent=tn, name="Thị xã Hòa Thành")
    lh = make_unit("HT-LH", kind="commune", parent=ht, name="Phường Long Hoa")
    bt = make_unit("BT", kind="district", parent=tn, name="Quận Bình Thạnh")
    return {
        "TN": tn, "HT": ht, "HT-LH": lh, "BT": bt,
        "HT-TNMT": make_unit("HT-TNMT", kind="agency", parent=ht, name="Phòng Tài nguyên và Môi trường"),
        "HT-MT": make_unit("HT-MT", kind="front_committee", parent=ht, name="Ủy ban MTTQ thị xã"),
        "LH-TTND": make_unit("LH-TTND", kind="inspection_board", parent=lh, name="Ban thanh tra nhân dân phường Long Hoa"),
        "BT-P1": make_unit("BT-P1", kind="commune", parent=bt, name="Phường 1"),
        "BT-MT": make_unit("BT-MT", kind="front_committee", parent=bt, name="Ủy ban MTTQ quận Bình Thạnh"),
        "TN-TTR": make_unit("TN-TTR", kind="agency", parent=tn, name="Thanh tra tỉnh"),
    }


@pytest.fixture()
def make_user(session: Session) -> Callable[..., User]:
    """Create a user: make_user("reception", tree["HT"]); the password is TEST_PASSWORD."""
    counter = iter(range(1, 10_000))

    def make(role: str, unit: Unit, *, username: str | None = None, full_name: str | None = None) -> User:
        user = User(username=username or f"{role}{next(counter)}_{unit.code.lower()}", password_hash=_password_hash(),
                    role=role, unit=unit, email=None, full_name=full_name)
        session.add(user)
        session.flush()
        return user

    return make


@pytest.fixture()
def intake(session: Session) -> Callable[..., Any]:
    """Log a petition through the service: intake(actor, kind="complaint", received_unit="HT", ...)."""

    def make(actor: User, **overrides: Any) -> Any:
        body: dict[str, Any] = {
            "kind": "complaint", "channel": "in_person", "received_unit": actor.unit.code,
            "subject": "Khiếu nại quyết định thu hồi đất", "content": "Đề nghị xem xét lại mức bồi thường.",
            "received_at": dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))),
            "petitioners": [{"full_name": "Nguyễn Văn An", "id_number": "079090001111", "address": "Ấp Long Bình"}],
        }
        body.update(overrides)
        return case_services.intake(session, actor, CaseIn.model_validate(body))

    return make


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    """A database of its own, with no schema, for commands that open their own connections."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'cli.db'}"
        return
    yield from _postgres_database()


@pytest.fixture()
def clerk(tree: dict[str, Unit], make_user: Callable[..., User]) -> User:
    """The reception desk of Hòa Thành town."""
    return make_user("reception", tree["HT"])


@pytest.fixture()
def officer(tree: dict[str, Unit], make_user: Callable[..., User]) -> User:
    """An officer of the town's Natural Resources and Environment office."""
    return make_user("agency", tree["HT-TNMT"])


@pytest.fixture()
def move(session: Session) -> Callable[..., Any]:
    """Fire a trigger through the service: move(actor, case, "accept", date(2026, 3, 4), unit="HT-TNMT")."""
    from tracker.schemas import TransitionIn

    def fire(actor: User, case: Any, trigger: str, on: dt.date, **data: Any) -> Any:
        return case_services.fire(session, actor, case.id, TransitionIn(trigger=trigger, version=case.version,
                                                                         effective_on=on, data=data))

    return fire
