"""Browser fixtures: Debian's Chromium driven by Playwright (no browser download), a real
server of the app on 127.0.0.1 and a free port, on a database of its own per backend (the
pages commit, so they cannot share the rolled-back database of the other tests).

The application's clock is set to a fixed working day, so no test depends on today's date.
Screenshots go to artifacts/screenshots/ (git-ignored; CI keeps them as artefacts).
Without Chromium or Playwright the tests are skipped, except under CI=true, where that fails.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, text

from tests.conftest import IN_CI, TEST_PASSWORD, _password_hash, _postgres_database
from tracker import clock, create_app
from tracker.db import Base, Database
from tracker.migrate import upgrade
from tracker.models import Unit, User
from tracker.schemas import CaseIn
from tracker.services import cases

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
# A Tuesday in Vietnam: the desk's working day in every test.
NOW = dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

pytestmark = pytest.mark.xdist_group("browser")


def _unavailable(message: str) -> None:
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium per test session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def browser_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A migrated database of the browser tests' own, on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'pages.db'}"
        upgrade(url)
        db = Database(url)
        yield db
        db.engine.dispose()
        return
    databases = _postgres_database()
    url = next(databases)
    upgrade(url)
    db = Database(url)
    yield db
    db.engine.dispose()
    next(databases, None)


@pytest.fixture(scope="module")
def server(browser_db: Database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served on 127.0.0.1 and a free port; its base URL. Uploaded files go to a folder of its own."""
    from werkzeug.serving import make_server

    app = create_app({"DATABASE_URL": browser_db.url, "TESTING": True, "SECRET_KEY": "browser-secret", "REDIS_URL": None,
                      "FILES_DIR": str(tmp_path_factory.mktemp("files"))})
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    thread.join()
    app.extensions["db"].engine.dispose()


@pytest.fixture(autouse=True)
def fixed_clock() -> Iterator[dt.datetime]:
    """The application's clock stands on NOW (the server runs in this process)."""
    with clock.frozen_at(NOW):
        yield NOW


@dataclass
class World:
    """The units and users a test works with, committed to the browser database."""

    units: dict[str, Unit]
    users: dict[str, User]


@pytest.fixture()
def world(browser_db: Database) -> Iterator[World]:
    """Hòa Thành town with a ward and its environment office; a receptionist, an agency
    officer and a leader of the town. Every row is removed after the test."""
    with browser_db.transaction() as session:
        def unit(code: str, kind: str, name: str, parent: Unit | None) -> Unit:
            made = Unit(code=code, name=name, kind=kind, parent=parent, settings={})
            session.add(made)
            session.flush()
            made.path = f"{parent.path if parent else '/'}{made.id}/"
            session.flush()
            return made

        tn = unit("TN", "province", "Tỉnh Tây Ninh", None)
        ht = unit("HT", "district", "Thị xã Hòa Thành", tn)
        units = {"TN": tn, "HT": ht, "HT-LH": unit("HT-LH", "commune", "Phường Long Hoa", ht),
                 "HT-TNMT": unit("HT-TNMT", "agency", "Phòng Tài nguyên và Môi trường", ht)}
        users = {}
        for role, code, name in (("reception", "HT", "Lê Thị Tiếp Dân"), ("agency", "HT-TNMT", "Trần Văn Xử Lý"),
                                 ("leader", "HT", "Phạm Lãnh Đạo")):
            users[role] = User(username=f"{role}_ht", password_hash=_password_hash(), role=role, unit=units[code],
                               full_name=name)
            session.add(users[role])
        session.flush()
    yield World(units, users)
    _empty(browser_db)


@pytest.fixture()
def complaint(world: World, browser_db: Database) -> dict[str, Any]:
    """A complaint of one complainant received at the town's desk on Mon 02/03/2026: its id and
    tracking code."""
    with browser_db.transaction() as session:
        clerk = session.merge(world.users["reception"])
        case = cases.intake(session, clerk, CaseIn.model_validate({
            "kind": "complaint", "channel": "in_person", "received_unit": "HT", "subject": "Khiếu nại bồi thường đất",
            "content": "Đề nghị xem xét lại.", "received_at": dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC),
            "petitioners": [{"full_name": "Nguyễn Văn An", "id_number": "079090001111"}]}))
        return {"id": case.id, "code": case.tracking_code}


def _empty(db: Database) -> None:
    """Remove every row. The server may still be delivering the last request's notifications
    in its own thread, so on PostgreSQL one TRUNCATE takes every table at once: deleting table
    by table let a delivery committed in between refer to an outbox row about to go."""
    with db.transaction() as session:
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
            session.execute(text(f"TRUNCATE {names} CASCADE"))
            return
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(delete(table))


@pytest.fixture()
def sign_in(browser: Any, server: str) -> Callable[..., Any]:
    """sign_in("reception", viewport=PHONE) -> a page of a fresh browser context, signed in."""
    contexts: list[Any] = []

    def open_page(username: str | None, *, viewport: dict[str, int] = DESKTOP) -> Any:
        context = browser.new_context(viewport=viewport, base_url=server, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        if username is not None:
            page.goto("/login")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", TEST_PASSWORD)
            page.click("form.card button[type=submit]")
            page.wait_for_url(f"{server}/")
        return page

    yield open_page
    for context in contexts:
        context.close()


def shot(page: Any, name: str) -> None:
    """Keep a screenshot of the page for the CI artefacts."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def no_sideways_scroll(page: Any) -> bool:
    """True when nothing on the page is wider than the window."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))
