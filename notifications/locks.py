"""A per-row delivery lock that dies with the process holding it.

Two workers must not deliver the same row at once (it may be enqueued twice: once after the
commit, once more by the sweep), yet a worker killed in the middle of a delivery must not
leave the row locked. So the lock lives where the operating system or the database frees
it when its holder dies: a PostgreSQL session advisory lock on a connection of its own, or
on SQLite (one machine) a POSIX byte-range lock on a file next to the database, one byte
per row.

In-process delivery takes the locks of a whole batch of rows at once (`hold_many`): one
connection or one file descriptor for the batch, not one per row."""
from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

# The first key of PostgreSQL's two-key advisory lock: "outbox rows".
_PG_NAMESPACE = 11_0001


class RowLocks:
    """Non-blocking locks on outbox row ids for one database."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._local: set[int] = set()  # POSIX locks do not exclude threads of one process
        self._guard = threading.Lock()
        self._file: Path | None = None
        if engine.dialect.name == "sqlite":
            database = engine.url.database or ""
            self._file = Path(f"{database}.outbox-locks") if database and database != ":memory:" else None

    @contextmanager
    def hold(self, row_id: int) -> Iterator[bool]:
        """Yield True when this process now holds the row's lock, False when someone else does."""
        with self._guard:
            if row_id in self._local:
                yield False
                return
            self._local.add(row_id)
        try:
            if self.engine.dialect.name == "postgresql":
                with self._pg(row_id) as held:
                    yield held
            elif self._file is not None:
                with self._posix(row_id) as held:
                    yield held
            else:
                yield True
        finally:
            with self._guard:
                self._local.discard(row_id)

    @contextmanager
    def hold_many(self, row_ids: Sequence[int]) -> Iterator[set[int]]:
        """Yield the rows among `row_ids` whose locks this process now holds (the others are
        being delivered by someone else), and release them all afterwards."""
        with self._guard:
            mine = {row_id for row_id in row_ids if row_id not in self._local}
            self._local |= mine
        try:
            if not mine:
                yield set()
            elif self.engine.dialect.name == "postgresql":
                with self._pg_many(sorted(mine)) as held:
                    yield held
            elif self._file is not None:
                with self._posix_many(sorted(mine)) as held:
                    yield held
            else:
                yield set(mine)
        finally:
            with self._guard:
                self._local -= mine

    @contextmanager
    def _pg_many(self, row_ids: list[int]) -> Iterator[set[int]]:
        with self.engine.connect() as conn:
            held = set(conn.scalars(text("SELECT id FROM unnest(CAST(:ids AS integer[])) AS id "
                                         "WHERE pg_try_advisory_lock(:ns, id)"), {"ns": _PG_NAMESPACE, "ids": row_ids}))
            conn.commit()
            try:
                yield held
            finally:
                if held:
                    conn.execute(text("SELECT pg_advisory_unlock(:ns, id) FROM unnest(CAST(:ids AS integer[])) AS id"),
                                 {"ns": _PG_NAMESPACE, "ids": sorted(held)})
                    conn.commit()

    @contextmanager
    def _posix_many(self, row_ids: list[int]) -> Iterator[set[int]]:
        assert self._file is not None
        fd = os.open(self._file, os.O_RDWR | os.O_CREAT, 0o600)
        held: set[int] = set()
        try:
            for row_id in row_ids:
                try:
                    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, row_id)
                except OSError:
                    continue
                held.add(row_id)
            yield held
        finally:
            for row_id in held:
                fcntl.lockf(fd, fcntl.LOCK_UN, 1, row_id)
            os.close(fd)

    @contextmanager
    def _pg(self, row_id: int) -> Iterator[bool]:
        with self.engine.connect() as conn:
            held = bool(conn.scalar(text("SELECT pg_try_advisory_lock(:ns, :id)"), {"ns": _PG_NAMESPACE, "id": row_id}))
            conn.commit()
            try:
                yield held
            finally:
                if held:
                    conn.execute(text("SELECT pg_advisory_unlock(:ns, :id)"), {"ns": _PG_NAMESPACE, "id": row_id})
                    conn.commit()

    @contextmanager
    def _posix(self, row_id: int) -> Iterator[bool]:
        assert self._file is not None
        fd = os.open(self._file, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, row_id)
            except OSError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.lockf(fd, fcntl.LOCK_UN, 1, row_id)
        finally:
            os.close(fd)
