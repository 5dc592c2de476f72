"""When the database cannot do the work — down or restarting, read-only, its disk full, or
SQLite's write lock held too long — the answer is a clear 503 with `Retry-After`, in the same
error body as every other error, never a 500. The request's transaction is rolled back by the
boundary, so nothing is half written; retrying later succeeds once the database is back.

After PostgreSQL restarts, the first statement on each pooled connection fails; SQLAlchemy
then discards the whole pool, so one request per worker gets this 503 and the next one
connects afresh (cheaper than pinging the server before every checkout).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, Response, current_app, request
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, PendingRollbackError
from werkzeug.exceptions import InternalServerError

from tracker.api.errors import _page, _wants_html, error_response, handle_http_exception, handle_unexpected


@dataclass(frozen=True)
class Outage:
    """What is wrong, as the error body says it, and when to try again."""

    code: str
    message: str
    retry_after: int


UNREACHABLE = Outage("database_unavailable", "Cơ sở dữ liệu tạm thời không truy cập được; thử lại sau / "
                     "the database is temporarily unavailable; try again shortly", 5)
READ_ONLY = Outage("database_read_only", "Cơ sở dữ liệu đang ở chế độ chỉ đọc, không ghi được; báo quản trị viên / "
                   "the database is read-only and nothing can be saved now; tell the administrator", 60)
FULL = Outage("storage_full", "Bộ nhớ của cơ sở dữ liệu đã đầy, không ghi được; báo quản trị viên / "
              "the database's disk is full and nothing can be saved now; tell the administrator", 60)
BUSY = Outage("database_busy", "Cơ sở dữ liệu đang bận; thử lại sau / the database is busy; try again shortly", 2)

# PostgreSQL SQLSTATEs (psycopg's `sqlstate`) and SQLite's messages for the outages above.
_PG_STATES = {"25006": READ_ONLY, "53100": FULL, "53000": FULL, "53200": BUSY, "55P03": BUSY, "40P01": BUSY}
_SQLITE_MESSAGES = (("readonly database", READ_ONLY), ("read-only", READ_ONLY), ("disk is full", FULL),
                    ("disk i/o error", FULL), ("database is locked", BUSY))


def classify(error: DBAPIError) -> Outage | None:
    """The outage a database error stands for, or None when it is a bug (a constraint, bad SQL)."""
    sqlstate = getattr(error.orig, "sqlstate", None)
    if sqlstate in _PG_STATES:
        return _PG_STATES[sqlstate]
    text = str(error.orig).lower()
    for fragment, outage in _SQLITE_MESSAGES:
        if fragment in text:
            return outage
    if isinstance(error, OperationalError | InterfaceError) or error.connection_invalidated:
        return UNREACHABLE
    return None


def outage_behind(error: BaseException) -> Outage | None:
    """The outage an error stands for, looking through what it was raised from or while handling.

    A lost connection surfaces not only as the driver's error: the session then refuses to go on
    (`PendingRollbackError`: "Can't reconnect until invalid transaction is rolled back"), and the
    rollback of a savepoint on a dead connection raises while the first error is being handled.
    Those are the same outage, not bugs.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, DBAPIError):
            outage = classify(current)
            if outage is not None:
                return outage
        elif isinstance(current, PendingRollbackError) and "invalid" in str(current).lower():
            return UNREACHABLE
        current = current.__cause__ or current.__context__
    return None


def _answer(error: Exception) -> Response:
    outage = outage_behind(error)
    if outage is None:
        return handle_unexpected(error)
    # No statement text, no parameters: only what went wrong and where.
    current_app.logger.warning("database %s on %s %s: %s", outage.code, request.method,
                               request.url_rule.rule if request.url_rule else "-", type(error).__name__)
    response = _page(503, outage.message) if _wants_html() else error_response(503, outage.code, outage.message)
    response.headers["Retry-After"] = str(outage.retry_after)
    return response


def _after_the_view(error: InternalServerError) -> Response:
    # An outage met after the view returned (a hook that writes once the answer is built) reaches
    # Flask as a bare 500 wrapping it: it is an outage all the same.
    original = error.original_exception
    if original is not None and outage_behind(original) is not None:
        return _answer(original)
    return handle_http_exception(error)


def init_app(app: Flask) -> None:
    """Answer database outages with 503 and Retry-After; must follow the API's `init_app`."""
    # In place of the bare "unexpected error" handler (registered before this one by the API): an
    # error of any type may stand for an outage through what it was raised from.
    app.register_error_handler(Exception, _answer)
    app.register_error_handler(InternalServerError, _after_the_view)
