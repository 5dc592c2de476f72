"""Delivery through rq with a real Redis, a real `tracker worker` process and a real SMTP
server: nothing is lost when Redis is down or a worker dies, and nothing arrives twice."""
from __future__ import annotations

import datetime as dt
import fcntl
import os
import signal
import subprocess
import threading
from pathlib import Path
from typing import Any

from redis import Redis
from rq import Queue, Worker
from sqlalchemy import func, select, text

from tests.notifications.conftest import seed_area, tracker_command
from tracker import database
from tracker.models import OutboxDelivery, OutboxMessage, User
from tracker.notify import run_sweep
from tracker.schemas import CaseIn
from tracker.services import cases

VN = dt.timezone(dt.timedelta(hours=7))
DAY = dt.date(2026, 3, 3)


def _assign_new_case(app: Any, desk_id: int, n: int) -> str:
    with app.app_context(), database(app).transaction() as s:
        desk = s.get(User, desk_id)
        case = cases.intake(s, desk, CaseIn.model_validate({
            "kind": "complaint", "channel": "mail", "received_unit": "HT", "assigned_unit": "HT-TNMT",
            "subject": f"Khiếu nại số {n}", "content": "Nội dung", "received_at": dt.datetime(2026, 3, 2, 8, tzinfo=VN),
            "petitioners": [{"full_name": "Nguyễn Văn An"}]}))
        return case.tracking_code


def _rows(app: Any, status: str) -> int:
    with database(app).transaction() as s:
        return s.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.status == status)) or 0


def _work_burst(app: Any, log: Any) -> None:
    done = subprocess.run([tracker_command(), "worker", "--burst"], env=app.config["WORKER_ENV"], stdout=log, stderr=log,
                          timeout=300, check=False)
    assert done.returncode == 0


def test_messages_written_while_redis_is_down_all_arrive_once_it_is_back_and_the_sweep_runs(
        live_app, own_redis, smtp, tmp_path):
    mailbox, smtp_url = smtp
    app = live_app(REDIS_URL=own_redis.url, SMTP_URL=smtp_url, NOTIFY_QUEUE="notifications")
    people = seed_area(app)

    own_redis.stop()
    codes = [_assign_new_case(app, people["desk"], n) for n in range(3)]  # the changes themselves succeed
    assert _rows(app, "pending") == 6  # inbox and e-mail for each case, waiting

    own_redis.start()
    with (tmp_path / "worker.log").open("ab") as log:
        report = run_sweep(app, DAY)
        assert report.counts["requeue_pending"] == 6
        _work_burst(app, log)
        messages = mailbox.wait_for(3)
        run_sweep(app, DAY)  # again: nothing is pending, nothing is sent twice
        _work_burst(app, log)
    assert sorted(code for m in messages for code in codes if code in str(m["Subject"])) == sorted(codes)
    assert len(mailbox.messages) == 3 and (_rows(app, "pending"), _rows(app, "sent")) == (0, 6)


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _wait_until_lock_is_free(app: Any, row_id: int) -> None:
    """Block until nobody holds the row's delivery lock (the killed worker's is freed by the OS
    or by PostgreSQL when its connection is gone)."""
    engine = database(app).engine
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SET statement_timeout = 60000"))
            conn.execute(text("SELECT pg_advisory_lock(110001, :id)"), {"id": row_id})
            conn.execute(text("SELECT pg_advisory_unlock(110001, :id)"), {"id": row_id})
        return
    fd = os.open(f"{engine.url.database}.outbox-locks", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX, 1, row_id)
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, row_id)
    finally:
        os.close(fd)


def test_a_worker_killed_in_the_middle_of_a_delivery_still_delivers_the_message_once(
        live_app, shared_redis, queue_name, smtp, tmp_path):
    mailbox, smtp_url = smtp
    app = live_app(REDIS_URL=shared_redis, SMTP_URL=smtp_url, NOTIFY_QUEUE=queue_name)
    people = seed_area(app)
    release = mailbox.hold = threading.Event()

    with (tmp_path / "worker.log").open("ab") as log:
        worker = subprocess.Popen([tracker_command(), "worker", "--name", queue_name], env=app.config["WORKER_ENV"],
                                  stdout=log, stderr=log, start_new_session=True)
        try:
            code = _assign_new_case(app, people["desk"], 1)
            assert mailbox.holding.wait(120), "the worker never started delivering"
        finally:
            # rq delivers in a forked "horse" with a process group of its own: kill it and the worker.
            for pid in [*_children(worker.pid), worker.pid]:
                os.kill(pid, signal.SIGKILL)
            worker.wait(timeout=60)
        # The SMTP session died with the worker: once the server has seen it go, that message can
        # never be accepted, whatever the held DATA does next.
        assert mailbox.dropped.wait(60), "the SMTP server never saw the killed worker's connection drop"
        release.set()
        redis = Redis.from_url(shared_redis)
        for dead in Worker.all(queue=Queue(queue_name, connection=redis)):
            dead.register_death()
        with database(app).transaction() as s:
            email_row = s.scalar(select(OutboxMessage).where(OutboxMessage.channel == "email"))
            assert email_row is not None and email_row.status == "pending"
            row_id = email_row.id
        assert mailbox.messages == []
        _wait_until_lock_is_free(app, row_id)

        run_sweep(app, DAY)
        _work_burst(app, log)
    messages = mailbox.wait_for(1)
    assert len(messages) == 1 and code in str(messages[0]["Subject"]) and "officer@tracker.test" in str(messages[0]["To"])
    with database(app).transaction() as s:
        assert s.get(OutboxMessage, row_id).status == "sent"
        assert s.scalar(select(func.count(OutboxDelivery.id)).where(OutboxDelivery.outbox_id == row_id)) == 1
