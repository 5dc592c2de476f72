"""The Flask application: app factory, configuration, request boundary."""
from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from tracker.db import Database


def default_database_url(instance_path: str) -> str:
    """The embedded SQLite file in the instance folder."""
    return f"sqlite:///{Path(instance_path) / 'tracker.db'}"


def _secret_key(instance_path: str) -> str:
    # A key kept in the instance folder survives restarts without anyone having to set one.
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then the environment, then `config` (tests)."""
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        DATABASE_URL=default_database_url(app.instance_path),
        REDIS_URL=None,
        SECRET_KEY=None,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # A signed-in session ends after a working day, checked on the server (the cookie is signed with its age).
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=12),
        MAX_CONTENT_LENGTH=1024 * 1024,
        JSON_SORT_KEYS=False,
    )
    from tracker import notify

    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", *notify.ENVIRONMENT):
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    if config:
        app.config.update(config)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _secret_key(app.instance_path)

    app.extensions["db"] = Database(app.config["DATABASE_URL"])
    notify.init_app(app)

    from tracker import api, headers, ratelimit, web

    headers.init_app(app)
    api.init_app(app)  # the request boundary, sign-in and error bodies the pages use too
    web.init_app(app)
    ratelimit.init_app(app)  # last: it wraps the public lookups of both
    return app


def database(app: Flask) -> Database:
    """The app's database."""
    return app.extensions["db"]  # type: ignore[no-any-return]
