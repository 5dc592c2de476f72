"""The Flask application: app factory, configuration, request boundary."""
from __future__ import annotations

import datetime as dt
import os
import secrets
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from tracker import settings
from tracker.db import Database


def default_database_url(instance_path: str) -> str:
    """The embedded SQLite file in the instance folder."""
    return f"sqlite:///{Path(instance_path) / 'tracker.db'}"


def _secret_key(instance_path: str) -> str:
    # A key kept in the instance folder survives restarts without anyone having to set one.
    # Created exclusively, so processes starting together all read the one key written first.
    path = Path(instance_path) / "secret_key"
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(handle, "w") as stream:
            stream.write(secrets.token_hex(32))
    for _ in range(100):  # another process may be between creating the file and writing it
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.01)
    raise RuntimeError(f"{path} is empty: delete it, or set SECRET_KEY")


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
        # How many reverse proxies (a TLS terminator) stand in front and set X-Forwarded-*; 0: none.
        TRUSTED_PROXIES=0,
        JSON_SORT_KEYS=False,
        # Documents on cases (tracker.files): disk under the instance folder, or S3-compatible storage.
        FILES_STORAGE="disk",
        FILES_DIR=None,
        DOCUMENT_MAX_BYTES=25 * 1024 * 1024,
        S3_ENDPOINT_URL=None,
        S3_BUCKET=None,
        S3_REGION=None,
        S3_ACCESS_KEY=None,
        S3_SECRET_KEY=None,
        # A province's own act templates (<dir>/<version>/<key>.docx), else the packaged ones.
        ACTS_TEMPLATES_DIR=None,
    )
    from tracker import notify

    settings.from_environment(app.config, os.environ)
    if config:
        app.config.update(config)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _secret_key(app.instance_path)

    app.extensions["db"] = Database(app.config["DATABASE_URL"])
    notify.init_app(app)

    from tracker import api, files, headers, health, ratelimit, requestlog, unavailable, web

    files.init_app(app)

    requestlog.init_app(app)  # first: the request id exists before anything else may log
    headers.init_app(app)
    api.init_app(app)  # the request boundary, sign-in and error bodies the pages use too
    unavailable.init_app(app)
    health.init_app(app)
    web.init_app(app)
    ratelimit.init_app(app)  # last: it wraps the public lookups of both
    return app


def database(app: Flask) -> Database:
    """The app's database."""
    return app.extensions["db"]  # type: ignore[no-any-return]
