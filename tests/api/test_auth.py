"""Sign-in: sessions with CSRF for people, bearer tokens for programs, revocation, and
password guessing slowed down and then refused."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from tests.api.conftest import is_error_body
from tests.conftest import TEST_PASSWORD
from tracker.cli import main
from tracker.models import ApiToken, LoginThrottle
from tracker.services import signin


def login(client, username, password=TEST_PASSWORD, **kwargs):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password}, **kwargs)


def session_cookie(response):
    return next((h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")), "")


def test_a_person_signs_in_and_gets_a_csrf_token(client, person):
    user = person("reception").user
    response = login(client, user.username)
    body = response.get_json()
    assert response.status_code == 200
    assert body["user"]["username"] == user.username and body["user"]["auth"] == "session" and body["csrf_token"]
    me = client.get("/api/v1/auth/me")
    assert me.status_code == 200 and me.get_json()["username"] == user.username


def test_the_session_cookie_is_httponly_and_samesite_and_not_secure_over_http(client, person):
    cookie = session_cookie(login(client, person("reception").user.username))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert "Expires=" in cookie  # a signed-in session ends by itself (PERMANENT_SESSION_LIFETIME)


def test_the_session_cookie_is_secure_over_https(client, person):
    cookie = session_cookie(login(client, person("reception").user.username, base_url="https://localhost"))
    assert "Secure" in cookie and "HttpOnly" in cookie


@pytest.mark.parametrize("username", ["reception-known", "nobody-at-all"])
def test_a_wrong_password_and_an_unknown_username_get_the_same_answer(client, person, username):
    name = person("reception").user.username if username == "reception-known" else username
    response = login(client, name, "wrong-password")
    assert response.status_code == 401
    assert response.get_json() == {"error": {"code": "invalid_credentials", "details": {},
                                             "message": "Sai tên đăng nhập hoặc mật khẩu / wrong username or password"}}
    assert session_cookie(response) == ""


def test_a_failed_sign_in_is_recorded_even_though_the_answer_is_an_error(client, session, person):
    name = person("reception").user.username
    login(client, name, "wrong-password")
    assert session.scalar(select(LoginThrottle.failures).where(LoginThrottle.scope == "username", LoginThrottle.key == name)) == 1


def test_a_cookie_write_without_csrf_token_is_refused_and_writes_nothing(client, person, session):
    login(client, person("reception").user.username)
    body = {"kind": "feedback", "channel": "online", "received_unit": "HT", "subject": "Đèn đường", "content": "Hỏng"}
    response = client.post("/api/v1/cases", json=body)
    assert response.status_code == 403 and is_error_body(response.get_json(), "csrf_failed")
    wrong = client.post("/api/v1/cases", json=body, headers={"X-CSRF-Token": "not-the-token"})
    assert wrong.status_code == 403
    listing = client.get("/api/v1/cases").get_json()
    assert listing["total"] == 0


def test_a_cookie_write_with_the_csrf_token_goes_through(client, person):
    token = login(client, person("reception").user.username).get_json()["csrf_token"]
    body = {"kind": "feedback", "channel": "online", "received_unit": "HT", "subject": "Đèn đường", "content": "Hỏng"}
    response = client.post("/api/v1/cases", json=body, headers={"X-CSRF-Token": token})
    assert response.status_code == 201
    again = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
    assert client.post("/api/v1/cases", json=body, headers={"X-CSRF-Token": again}).status_code == 201


def test_a_bearer_write_needs_no_csrf_token(call, person):
    body = {"kind": "feedback", "channel": "online", "received_unit": "HT", "subject": "Đèn đường", "content": "Hỏng"}
    assert call(person("reception"), "POST", "/api/v1/cases", json=body).status_code == 201


def test_a_bearer_token_overrides_a_session_cookie(client, person):
    """A request carrying a token is judged by the token alone: a bad token with a good cookie is a 401."""
    login(client, person("admin").user.username)
    response = client.get("/api/v1/auth/me", headers={"Authorization": "Bearer pdt_not-a-token"})
    assert response.status_code == 401


def test_logout_ends_the_session(client, person):
    token = login(client, person("leader").user.username).get_json()["csrf_token"]
    assert client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": token}).status_code == 200
    assert client.get("/api/v1/auth/me").status_code == 401


@pytest.mark.parametrize("header", ["Bearer ", "Bearer pdt_wrong", "Basic dXNlcjpwYXNz", "pdt_no_scheme", "Bearer " + "x" * 500])
def test_a_bad_authorization_header_is_a_401(call, header):
    response = call(None, "GET", "/api/v1/cases", headers={"Authorization": header})
    assert response.status_code == 401 and is_error_body(response.get_json(), "not_signed_in")


def test_tokens_are_stored_hashed_and_shown_once(client, person, session):
    user = person("agency").user
    csrf = login(client, user.username).get_json()["csrf_token"]
    created = client.post("/api/v1/auth/tokens", headers={"X-CSRF-Token": csrf})
    token = created.get_json()["token"]
    assert created.status_code == 201 and token.startswith("pdt_")
    stored = session.scalars(select(ApiToken.token_hash).where(ApiToken.user_id == user.id)).all()
    assert token not in stored and all(len(h) == 64 for h in stored)
    listing = client.get("/api/v1/auth/tokens").get_json()["items"]
    assert listing and all("token" not in item for item in listing)
    fresh = client.application.test_client()
    assert fresh.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).get_json()["auth"] == "bearer"


def test_a_revoked_token_gets_401(call, person, client):
    agency = person("agency")
    assert call(agency, "GET", "/api/v1/auth/me").status_code == 200
    token_id = call(agency, "GET", "/api/v1/auth/tokens").get_json()["items"][0]["id"]
    revoked = call(agency, "DELETE", f"/api/v1/auth/tokens/{token_id}")
    assert revoked.status_code == 200 and revoked.get_json()["revoked_at"]
    assert call(agency, "GET", "/api/v1/auth/me").status_code == 401


def test_someone_elses_token_cannot_be_revoked(call, person):
    other = person("leader")
    token_id = call(other, "GET", "/api/v1/auth/tokens").get_json()["items"][0]["id"]
    assert call(person("admin"), "DELETE", f"/api/v1/auth/tokens/{token_id}").status_code == 404
    assert call(other, "GET", "/api/v1/auth/me").status_code == 200


def test_revoking_a_users_tokens_signs_their_programs_out(call, person, session):
    agency = person("agency")
    assert signin.revoke_tokens(session, agency.user.username) == 1
    assert call(agency, "GET", "/api/v1/auth/me").status_code == 401


def test_the_operator_revokes_tokens_from_the_command_line(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()

    def run(*args, stdin=None):
        return runner.invoke(main, [*args, "--database-url", url], input=stdin)

    assert run("init").exit_code == 0
    assert run("units", "create", "TN", "--name", "Tỉnh", "--kind", "province").exit_code == 0
    assert run("users", "create", "op1", "--role", "admin", "--unit", "TN", "--password-stdin", stdin="Mat-khau-2026\n").exit_code == 0
    assert run("users", "token", "op1").exit_code == 0
    revoked = run("users", "revoke-tokens", "op1")
    assert revoked.exit_code == 0 and "1 token(s) revoked" in revoked.output
    unknown = run("users", "revoke-tokens", "nobody")
    assert unknown.exit_code != 0 and "Traceback" not in unknown.output
