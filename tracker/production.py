"""Serving a province: gunicorn with several sync workers, JSON logs, and the checks that
must pass before any worker starts.

Two ways in, same checks and logs:

    tracker serve --production --workers 4 --bind 0.0.0.0:8000
    gunicorn -c python:tracker.production --workers 4 --bind 0.0.0.0:8000 wsgi:app

Each worker builds its own app (engine, pool) after the fork, so no connection is shared
between processes. Several workers must sign sessions with one key: without `SECRET_KEY` in
the environment each could end up with a key of its own (and a second machine certainly
would), signing people out at random, so the server refuses to start.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from tracker.requestlog import configure_json_logging

DEFAULT_WORKERS = 2
DEFAULT_BIND = "127.0.0.1:8000"


class ProductionConfigError(RuntimeError):
    """A setting that makes the server unsafe to start."""


def check_settings(workers: int, environ: Mapping[str, str]) -> None:
    """Refuse what must not run: several workers without a shared SECRET_KEY."""
    if workers > 1 and not environ.get("SECRET_KEY"):
        raise ProductionConfigError(
            f"SECRET_KEY chưa đặt: {workers} tiến trình sẽ ký phiên bằng các khóa khác nhau / SECRET_KEY is not set: "
            f"{workers} workers would sign sessions with different keys. Set it in the environment, e.g. "
            "SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')"
        )


# -- gunicorn hooks (also read by `gunicorn -c python:tracker.production`) --------------------

# The request lines are ours (tracker.requestlog): gunicorn's access log would write query strings.
accesslog = None
errorlog = "-"
worker_class = "sync"
timeout = 60
graceful_timeout = 30


def on_starting(server: Any) -> None:
    """Before the first fork: check the settings, switch the logs to JSON lines."""
    check_settings(server.cfg.workers, os.environ)
    configure_json_logging()


def post_fork(_server: Any, _worker: Any) -> None:
    """Each worker logs JSON lines too (gunicorn resets its own loggers when it forks)."""
    configure_json_logging()


def post_worker_init(worker: Any) -> None:
    """Say when a worker has built its app and takes requests."""
    import logging

    logging.getLogger("tracker.server").info("worker ready", extra={"fields": {"pid": worker.pid}})


def serve(*, workers: int, bind: str, extra: Mapping[str, Any] | None = None) -> None:
    """Run gunicorn in this process with `wsgi:app`'s factory (blocks until it stops)."""
    from gunicorn.app.base import BaseApplication

    check_settings(workers, os.environ)

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            settings = {"bind": bind, "workers": workers, "accesslog": accesslog, "errorlog": errorlog,
                        "worker_class": worker_class, "timeout": timeout, "graceful_timeout": graceful_timeout,
                        "on_starting": on_starting, "post_fork": post_fork, "post_worker_init": post_worker_init,
                        "proc_name": "tracker", **(extra or {})}
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from tracker import create_app

            return create_app()

    Server().run()
