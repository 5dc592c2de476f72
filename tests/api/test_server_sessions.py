"""Sessions live on the server: signing out, ending a session from one's list, changing
one's password, an administrator's revocation and deactivation end them at once, for every
copy of the cookie; a session also ends by itself after PERMANENT_SESSION_LIFETIME."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from tests.conftest import TEST_PASSWORD
from tracker import create_app
from tracker.cli import main
from tracker.models import UserSession


class Browser:
    """A test client signed in as someone, with its CSRF token."""

    def __init__(self, app: Any, username: str, password: str = TEST_PASSWORD):
        self.client = app.test_client()
        answer = self.client.post("/api/v1/auth/login", json={"username": username, "password": password})
        assert answer.status_code == 200, answer.get_json()
        self.csrf = answer.get_json()["csrf_token"]

    def copy(self, app: Any) -> Any:
        """Another client holding a copy of this one's session cookie, as a thief would."""
        cookie = self.client.get_cookie("session")
        assert cookie is not None
        thief = app.test_client()
        thief.set_cookie("session", cookie.value, domain=cookie.domain)
        return thief

    def send(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.client.open(path, method=method, headers={"X-CSRF-Token": self.csrf}, **kwargs)


@pytest.fixture()
def browser(app: Any) -> Callable[..., Browser]:
    return lambda username, **kw: Browser(app, username, **kw)


def signed_in(client: Any) -> bool:
    return client.get("/api/v1/auth/me").status_code == 200


def test_signing_out_ends_every_copy_of_the_session(app, browser, person):
    me = browser(person("reception").user.username)
    thief = me.copy(app)
    assert signed_in(thief)
    assert me.send("POST", "/api/v1/auth/logout").status_code == 200
    assert not signed_in(thief) and not signed_in(me.client)


def test_a_person_lists_their_sessions_and_ends_one(app, browser, person):
    name = person("reception").user.username
    office, phone = browser(name), browser(name)
    listed = office.client.get("/api/v1/auth/sessions").get_json()["items"]
    assert len(listed) == 2 and [s["current"] for s in listed] == [False, True]
    phone_id = next(s["id"] for s in listed if not s["current"])
    ended = office.send("DELETE", f"/api/v1/auth/sessions/{phone_id}")
    assert ended.status_code == 200 and ended.get_json()["ended_at"] is not None
    assert not signed_in(phone.client) and signed_in(office.client)
    assert [s["id"] for s in office.client.get("/api/v1/auth/sessions").get_json()["items"]] != [phone_id]


def test_another_persons_session_cannot_be_ended(app, browser, person, session):
    victim = browser(person("leader").user.username)
    victim_id = session.scalar(select(UserSession.id).where(UserSession.user_id == person("leader").user.id))
    attacker = browser(person("reception").user.username)
    assert attacker.send("DELETE", f"/api/v1/auth/sessions/{victim_id}").status_code == 404
    assert signed_in(victim.client)


def test_changing_the_password_ends_the_other_sessions_and_needs_the_current_one(app, browser, person):
    name = person("reception").user.username
    here, elsewhere = browser(name), browser(name)
    thief = elsewhere.copy(app)
    wrong = here.send("POST", "/api/v1/auth/password", json={"current_password": "not-it", "new_password": "Một câu mật khẩu dài 2026"})
    assert wrong.status_code == 422 and signed_in(elsewhere.client)
    changed = here.send("POST", "/api/v1/auth/password",
                        json={"current_password": TEST_PASSWORD, "new_password": "Một câu mật khẩu dài 2026"})
    assert changed.status_code == 200 and changed.get_json() == {"sessions_ended": 1}
    assert signed_in(here.client) and not signed_in(elsewhere.client) and not signed_in(thief)
    assert app.test_client().post("/api/v1/auth/login", json={"username": name, "password": TEST_PASSWORD}).status_code == 401
    browser(name, password="Một câu mật khẩu dài 2026")


def test_an_administrator_ends_the_sessions_of_a_user_of_their_area(app, browser, person, call):
    target = browser(person("reception").user.username)
    outsider = call(person("admin", "outside"), "DELETE", f"/api/v1/users/{person('reception').user.username}/sessions")
    assert outsider.status_code == 404 and signed_in(target.client)
    not_admin = call(person("leader"), "DELETE", f"/api/v1/users/{person('reception').user.username}/sessions")
    assert not_admin.status_code == 403 and signed_in(target.client)
    done = call(person("admin"), "DELETE", f"/api/v1/users/{person('reception').user.username}/sessions")
    assert done.status_code == 200 and done.get_json()["sessions_ended"] == 1
    assert not signed_in(target.client)


def test_deactivating_a_user_ends_their_sessions_and_tokens(app, browser, person, call, session):
    clerk = person("reception")
    target = browser(clerk.user.username)
    answer = call(person("admin"), "POST", f"/api/v1/users/{clerk.user.username}/deactivate")
    assert answer.status_code == 200 and answer.get_json() == {"username": clerk.user.username, "active": False}
    assert not signed_in(target.client)
    assert call(clerk, "GET", "/api/v1/auth/me").status_code == 401
    reason = session.scalar(select(UserSession.end_reason).where(UserSession.user_id == clerk.user.id))
    assert reason == "deactivated"


def test_the_operator_ends_sessions_and_deactivates_from_the_command_line(empty_db_url):
    runner = CliRunner()

    def run(*args, stdin=None):
        return runner.invoke(main, [*args, "--database-url", empty_db_url], input=stdin)

    assert run("init").exit_code == 0
    assert run("units", "create", "TN", "--name", "Tỉnh", "--kind", "province").exit_code == 0
    assert run("users", "create", "op1", "--role", "admin", "--unit", "TN", "--password-stdin",
               stdin=TEST_PASSWORD + "\n").exit_code == 0
    app = create_app({"DATABASE_URL": empty_db_url, "TESTING": True, "SECRET_KEY": "test-secret", "REDIS_URL": None})
    target = Browser(app, "op1")
    ended = run("users", "end-sessions", "op1")
    assert ended.exit_code == 0 and "1 session(s) ended" in ended.output
    assert not signed_in(target.client)
    again = Browser(app, "op1")
    assert run("users", "deactivate", "op1").exit_code == 0
    assert not signed_in(again.client)
    unknown = run("users", "deactivate", "nobody")
    assert unknown.exit_code != 0 and "Traceback" not in unknown.output
    app.extensions["db"].engine.dispose()
