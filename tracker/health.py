"""`GET /healthz`: can this worker serve? It checks the database (one `SELECT 1`) and, when
`REDIS_URL` is set, Redis (one `PING`), each with a short timeout.

- 200 `ok`: both answer.
- 200 `degraded`: the database answers, Redis does not. Writes still succeed and their
  messages wait in the outbox (DESIGN.md's data path), so a load balancer must keep the
  worker; monitoring should alert on it.
- 503 `unavailable` with `Retry-After`: the database does not answer; nothing can be served.

No sign-in, nothing personal, never cached; the answer is the same for every caller.
"""
from __future__ import annotations

from typing import Literal

from flask import Blueprint, Flask, Response, current_app

bp = Blueprint("health", __name__)
Check = Literal["ok", "down", "not_configured"]
REDIS_TIMEOUT_SECONDS = 1.0
RETRY_AFTER_SECONDS = 5


def _database() -> Check:
    # A bare DBAPI connection: no transaction (SQLite's BEGIN IMMEDIATE would wait for writers).
    try:
        connection = current_app.extensions["db"].engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute("SELECT 1")
            cursor.fetchall()
            cursor.close()
        finally:
            connection.close()
    except Exception:  # noqa: BLE001 - any failure means the database cannot serve
        current_app.logger.warning("healthz: database unreachable")
        return "down"
    return "ok"


def _redis() -> Check:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return "not_configured"
    import redis

    client = current_app.extensions.get("healthz_redis")
    if client is None:
        client = redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS)
        current_app.extensions["healthz_redis"] = client
    try:
        client.ping()
    except redis.RedisError:
        current_app.logger.warning("healthz: redis unreachable")
        return "down"
    return "ok"


@bp.get("/healthz")
def healthz() -> Response:
    """The database's and Redis's state, and the worker's verdict."""
    database, redis_state = _database(), _redis()
    status = "unavailable" if database == "down" else "degraded" if redis_state == "down" else "ok"
    response = current_app.json.response({"status": status, "database": database, "redis": redis_state})
    response.headers["Cache-Control"] = "no-store"
    if status == "unavailable":
        response.status_code = 503
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def init_app(app: Flask) -> None:
    """Register /healthz."""
    app.register_blueprint(bp)
