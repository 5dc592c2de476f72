"""Answers for signed-in people are never cached; behind a declared number of TLS proxies the
client's address and scheme come from X-Forwarded-*, and from nobody else; only the national
administrator (the operator, at the command line) creates a province."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.api.test_auth import login, session_cookie
from tests.web.test_pages import sign_in
from tracker import create_app
from tracker.models import LoginThrottle


def test_a_signed_in_page_is_never_cached(client, clerk):
    sign_in(client, clerk.username)
    for path in ("/", "/dashboard"):
        assert client.get(path).headers["Cache-Control"] == "no-store"


def test_every_api_answer_is_never_cached(call, person):
    assert call(person("reception"), "GET", "/api/v1/units").headers["Cache-Control"] == "no-store"
    assert call(None, "GET", "/api/v1/auth/me").headers["Cache-Control"] == "no-store"


@pytest.fixture()
def proxied(app):
    """The app as it runs behind one TLS proxy."""
    behind = create_app({**app.config, "TRUSTED_PROXIES": 1})
    behind.extensions["db"].sessions = app.extensions["db"].sessions
    return behind


FORWARDED = {"X-Forwarded-For": "198.51.100.23", "X-Forwarded-Proto": "https"}


def test_behind_a_trusted_proxy_the_cookie_is_secure_and_the_address_is_the_clients(proxied, person, session):
    user = person("reception").user
    client = proxied.test_client()
    assert "Secure" in session_cookie(login(client, user.username, headers=FORWARDED))
    login(client, user.username, "wrong", headers=FORWARDED)
    keys = session.scalars(select(LoginThrottle.key).where(LoginThrottle.scope == "address")).all()
    assert keys == ["198.51.100.23"]


def test_without_trusted_proxies_forwarded_headers_are_ignored(client, person, session):
    user = person("reception").user
    assert "Secure" not in session_cookie(login(client, user.username, headers=FORWARDED))
    login(client, user.username, "wrong", headers=FORWARDED)
    keys = session.scalars(select(LoginThrottle.key).where(LoginThrottle.scope == "address")).all()
    assert keys == ["127.0.0.1"]


@pytest.mark.parametrize("unit", ["TN", "HT"])
def test_no_administrator_in_the_app_creates_a_province(call, person, unit):
    answer = call(person("admin", unit=unit), "POST", "/api/v1/units", json={"code": "DN", "name": "Tỉnh Đồng Nai", "kind": "province"})
    assert answer.status_code == 403
