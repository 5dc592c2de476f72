"""Servers a test starts for itself, on free loopback ports in its temp dir, and stops: the
tracker under gunicorn, a PostgreSQL cluster of its own (never the shared one on 5432, which
other test runs use) and a Redis of its own. Each start waits for the server's own "ready"
message or answer, bounded in time."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
TRACKER = str(Path(sys.executable).with_name("tracker"))


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Gunicorn:
    """`tracker serve --production` in a child process; its log lines collected as they come."""

    def __init__(self, database_url: str, *, workers: int = 2, redis_url: str | None = None, env: dict[str, str] | None = None):
        self.port = free_port()
        self.lines: list[str] = []
        self.workers = workers
        self._ready = threading.Event()
        environ = {**os.environ, "SECRET_KEY": "s" * 64, "DATABASE_URL": database_url, **(env or {})}
        environ.pop("REDIS_URL", None)
        if redis_url:
            environ["REDIS_URL"] = redis_url
        self.process = subprocess.Popen(
            [TRACKER, "serve", "--production", "--workers", str(workers), "--port", str(self.port)],
            env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        if not self._ready.wait(60) or self.process.poll() is not None:
            self.stop()
            raise RuntimeError("gunicorn did not start:\n" + "\n".join(self.lines))

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))
            if sum('"worker ready"' in seen for seen in self.lines) >= self.workers:
                self._ready.set()  # every worker has built its app
        self._ready.set()  # the process ended: wake whoever waits

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self._reader.join(10)


def run_as_postgres(args: list[str], **kwargs) -> subprocess.CompletedProcess:  # type: ignore[no-untyped-def]
    """PostgreSQL's tools refuse to run as root: run them as the `postgres` user then."""
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


class PostgresCluster:
    """A throw-away PostgreSQL cluster in `folder`, listening on 127.0.0.1 only, trust auth."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.data = folder / "pgdata"
        self.port = free_port()
        folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres")
        run_as_postgres([str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync",
                         "-E", "UTF8", "--locale=C"], timeout=120)
        (self.data / "postgresql.auto.conf").write_text(
            f"listen_addresses = '127.0.0.1'\nport = {self.port}\nunix_socket_directories = '{folder}'\n"
            "fsync = off\nshared_buffers = 32MB\nmax_connections = 60\n")
        self.start()

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        # -w waits until the server accepts connections (pg_ctl's own readiness check).
        run_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"), "-w", "-t", "60",
                         "start"], timeout=90)

    def stop(self, mode: str = "fast") -> None:
        run_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop"], timeout=90)

    def restart(self) -> None:
        run_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "restart",
                         "-l", str(self.folder / "log")], timeout=120)


@contextmanager
def postgres_cluster() -> Iterator[PostgresCluster]:
    """A cluster of the test's own, stopped (immediately) and deleted when the test ends.

    Its folder is a new one under the system's temp dir: pytest's own temp dirs belong to
    whoever runs the tests and are closed to the `postgres` user."""
    folder = Path(tempfile.mkdtemp(prefix="tracker-pg-"))
    try:
        cluster = PostgresCluster(folder)
        try:
            yield cluster
        finally:
            try:
                cluster.stop("immediate")
            except subprocess.CalledProcessError:
                pass  # already stopped by the test
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class RedisServer:
    """A redis-server of the test's own, no persistence."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(folder)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert self.process.stdout is not None
        for line in self.process.stdout:  # its own "Ready to accept connections"
            if "Ready to accept connections" in line:
                break
        else:
            raise RuntimeError("redis-server did not start")
        threading.Thread(target=self.process.stdout.read, daemon=True).start()  # keep the pipe drained

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(20)
