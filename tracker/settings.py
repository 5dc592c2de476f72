"""The settings an operator gives in the environment, in one list: the app factory reads them
and README's settings table documents each (a test checks that the two agree)."""
from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any


def _flag(value: str) -> bool:
    if value.strip().lower() in ("1", "true", "yes", "on"):
        return True
    if value.strip().lower() in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"expected true or false, not {value!r}")


@dataclass(frozen=True)
class Setting:
    """One environment variable the app reads, and how."""

    name: str
    parse: Callable[[str], Any] = str


FROM_ENVIRONMENT = (
    Setting("DATABASE_URL"),
    Setting("REDIS_URL"),
    Setting("SMTP_URL"),
    Setting("SECRET_KEY"),
    Setting("TRACK_RATE_LIMIT"),
    Setting("SESSION_COOKIE_SECURE", _flag),
    # How many reverse proxies (a TLS terminator) stand in front; tracker/headers.py applies ProxyFix.
    Setting("TRUSTED_PROXIES", int),
    # Delivery of notifications (tracker/notify.py holds their defaults and parses them).
    Setting("MAIL_FROM"),
    Setting("BASE_URL"),
    Setting("NOTIFY_QUEUE"),
    Setting("NOTIFY_MAX_ATTEMPTS"),
    Setting("NOTIFY_BACKOFF"),
    Setting("NOTIFY_REQUEUE_AFTER"),
    Setting("WEBHOOK_TIMEOUT"),
    Setting("SWEEP_CRON"),
    # Documents on cases and written acts (tracker/files, tracker/acts).
    Setting("FILES_STORAGE"),
    Setting("FILES_DIR"),
    Setting("S3_ENDPOINT_URL"),
    Setting("S3_BUCKET"),
    Setting("S3_REGION"),
    Setting("S3_ACCESS_KEY"),
    Setting("S3_SECRET_KEY"),
    Setting("DOCUMENT_MAX_BYTES", int),
    Setting("ACTS_TEMPLATES_DIR"),
)
# Read by `tracker serve --production` (and gunicorn itself), not by the app.
SERVER_SETTINGS = ("WEB_CONCURRENCY",)
# Read by the application's clock (tracker/clock.py).
CLOCK_SETTINGS = ("TRACKER_TODAY",)


def from_environment(config: MutableMapping[str, Any], environ: Mapping[str, str]) -> None:
    """Copy each setting present (and not empty) in `environ` into `config`, parsed."""
    for setting in FROM_ENVIRONMENT:
        raw = environ.get(setting.name)
        if raw:
            try:
                config[setting.name] = setting.parse(raw)
            except ValueError as error:
                raise RuntimeError(f"{setting.name}: {error}") from None
