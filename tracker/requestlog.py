"""Structured logs: one JSON line per request, with a request id, and every other log record
of the app as a JSON line carrying the same id.

A line names the route (`/api/v1/cases/<case_id>`, `/track/<tracking_code>`), never the raw
path or the query string: a search such as `?q=Nguyễn Văn An` or a citizen's tracking code
must not reach the logs (DOMAIN.md §5). Only the signed-in user's id is written, never a name.
The id comes from a well-formed `X-Request-Id` sent by a proxy in front, else a new one, and is
sent back in the answer's `X-Request-Id` so a user's report can be matched to its line.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
import uuid
from typing import Any

from flask import Flask, Response, g, has_request_context, request
from sqlalchemy import inspect

LOGGER = "tracker.requests"
HEADER = "X-Request-Id"
_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def request_id() -> str | None:
    """The current request's id (None outside a request)."""
    return g.get("request_id") if has_request_context() else None


def _start() -> None:
    incoming = request.headers.get(HEADER, "")
    g.request_id = incoming if _INCOMING_ID.fullmatch(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _route() -> str:
    rule = request.url_rule
    if rule is not None:
        return rule.rule
    # Unmatched: the path's first segment only, since the rest may be anything a client typed.
    first = request.path.split("/", 2)[1] if request.path.count("/") else ""
    return f"/{first}/…" if first else "/"


def _user_id(user: Any) -> int | None:
    # From the identity key, which survives a failed transaction that expired the object.
    state = inspect(user, raiseerr=False) if user is not None else None
    identity = getattr(state, "identity", None)
    return int(identity[0]) if identity else None


def _finish(response: Response) -> Response:
    started = g.get("request_started")
    if started is None:  # an error before `_start` ran
        return response
    response.headers[HEADER] = g.request_id
    user_id = _user_id(g.get("_login_user"))
    logging.getLogger(LOGGER).info("request", extra={"fields": {
        "request_id": g.request_id,
        "method": request.method,
        "route": _route(),
        "endpoint": request.endpoint,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
        "bytes": response.calculate_content_length(),
        "user_id": user_id,
    }})
    return response


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, the record's fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        rid = request_id()
        if rid is not None:
            line["request_id"] = rid
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_json_logging(level: int = logging.INFO) -> None:
    """Send the app's log records to standard error as JSON lines (production servers)."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Flask gives its app logger ("tracker") a plain-text handler when none was configured yet.
    from flask.logging import default_handler

    logging.getLogger("tracker").removeHandler(default_handler)


def init_app(app: Flask) -> None:
    """Give every request an id and log one line when it ends."""
    app.before_request(_start)
    app.after_request(_finish)
