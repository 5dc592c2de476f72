"""A lost database connection is a 503 with Retry-After whatever shape it reaches the app in:
the driver's error, the session refusing to go on after it, or an error raised while the first
one was being handled (a savepoint rolled back on a dead connection). A bug stays a 500."""
from __future__ import annotations

import pytest
from sqlalchemy.exc import InvalidRequestError, OperationalError, PendingRollbackError

from tracker import create_app


class _Lost(Exception):
    """What psycopg raises when the server closed the connection."""


def _dead_connection() -> OperationalError:
    return OperationalError("SELECT 1", {}, _Lost("server closed the connection unexpectedly"))


def _session_refuses_to_go_on() -> None:
    raise PendingRollbackError("Can't reconnect until invalid transaction is rolled back. "
                               "Please rollback() fully before proceeding")


def _raised_while_rolling_back() -> None:
    try:
        raise _dead_connection()
    except OperationalError:
        raise InvalidRequestError("This session is in 'inactive' state") from None


def _raised_from_the_outage() -> None:
    try:
        raise _dead_connection()
    except OperationalError as lost:
        raise RuntimeError("the hook could not finish") from lost


def _a_bug() -> None:
    raise InvalidRequestError("Entity namespace for \"case\" has no property \"nope\"")


@pytest.fixture
def app(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 't.db'}", "SECRET_KEY": "k", "TESTING": False})
    for name, raiser in {"refuses": _session_refuses_to_go_on, "rolling_back": _raised_while_rolling_back,
                         "from_outage": _raised_from_the_outage, "bug": _a_bug}.items():
        app.add_url_rule(f"/_t/{name}", name, lambda raiser=raiser: raiser() or "")
    return app


@pytest.mark.parametrize("route", ["refuses", "rolling_back"])
def test_an_error_that_follows_a_lost_connection_is_a_503_with_retry_after(app, route):
    answer = app.test_client().get(f"/_t/{route}", headers={"Accept": "application/json"})
    assert answer.status_code == 503, answer.get_data(as_text=True)
    assert answer.json["error"]["code"] == "database_unavailable"
    assert int(answer.headers["Retry-After"]) > 0


def test_an_error_raised_from_a_lost_connection_after_the_view_is_a_503(app):
    answer = app.test_client().get("/_t/from_outage", headers={"Accept": "application/json"})
    assert answer.status_code == 503


def test_a_session_misuse_that_is_not_an_outage_stays_a_500(app):
    answer = app.test_client().get("/_t/bug", headers={"Accept": "application/json"})
    assert answer.status_code == 500 and "Retry-After" not in answer.headers
