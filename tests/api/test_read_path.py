"""The case page as a program reads it, on the hot path of a busy installation: its token and
the case in three SELECTs (the token with its user and unit; the case with its petitioners and
decisions; the history), and no session cookie read or written for a token request."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event


@contextmanager
def selects_sent(connection: Any) -> Iterator[list[str]]:
    """The SELECT statements sent on the test's connection (which the app's sessions join)."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append(statement)

    event.listen(connection, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(connection, "before_cursor_execute", record)


def test_a_case_page_read_with_a_token_costs_three_selects(call, person, intake, connection):
    desk = person("reception")
    case = intake(desk.user, kind="complaint")
    assert call(desk, "GET", f"/api/v1/cases/{case.id}").status_code == 200  # the token's first use is recorded
    with selects_sent(connection) as sent:
        answer = call(desk, "GET", f"/api/v1/cases/{case.id}")
    assert answer.status_code == 200
    assert [p["full_name"] for p in answer.get_json()["petitioners"]] == ["Nguyễn Văn An"]
    assert [h["trigger"] for h in answer.get_json()["history"]] == ["intake"]
    assert len(sent) == 3, sent


def test_a_token_request_neither_reads_nor_sets_a_session_cookie(call, person, intake):
    desk = person("reception")
    case = intake(desk.user, kind="complaint")
    answer = call(desk, "GET", f"/api/v1/cases/{case.id}")
    assert answer.status_code == 200 and "Set-Cookie" not in answer.headers


def test_a_deactivated_users_token_is_refused_on_the_very_next_read(call, person, intake, session):
    desk = person("reception")
    case = intake(desk.user, kind="complaint")
    assert call(desk, "GET", f"/api/v1/cases/{case.id}").status_code == 200
    desk.user.active = False
    session.flush()
    assert call(desk, "GET", f"/api/v1/cases/{case.id}").status_code == 401
