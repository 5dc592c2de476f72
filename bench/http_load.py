"""Benchmark: HTTP intake (POST /api/v1/cases) and the case page (GET /api/v1/cases/{id}) under
gunicorn with 2 sync workers on PostgreSQL, driven by `wrk` on the loopback, against the
minimal Flask floor (bench/floor_app.py) served the same way, in the same run.

    python bench/http_load.py                          # a throw-away PostgreSQL database on 127.0.0.1:5432
    python bench/http_load.py --rounds 5 --seconds 10 --connections 8

Each round runs wrk once per (server, path) pair, alternating which server goes first;
printed: the median requests per second over the rounds, the p99 latency of the median round,
the project's share of the floor's throughput (target: at least 50%), and the CPU time each
server (master and workers) spent per answered request, which a busy machine moves far less.
`wrk` comes from Debian (`apt-get install wrk`; `make bench` installs it when missing).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from bench.common import throwaway_postgres  # noqa: E402
from tracker.db import Database  # noqa: E402
from tracker.migrate import upgrade  # noqa: E402
from tracker.models import Unit, User  # noqa: E402
from tracker.schemas import CaseIn  # noqa: E402
from tracker.services import cases  # noqa: E402
from tracker.services.admin import new_token  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BODY = {"kind": "feedback", "channel": "online", "received_unit": "D1", "subject": "Phản ánh đèn đường hỏng",
        "content": "Đèn đường hẻm 12 đường Lý Thường Kiệt không sáng từ tuần trước",
        "petitioners": [{"full_name": "Phạm Thị Hoa", "phone": "0909000111", "address": "Hẻm 12 Lý Thường Kiệt"}]}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """gunicorn in a child process, ready once every worker says so in its log.

    The log goes to a file, as a production server's would: the benchmark's own process does
    not read the project's request lines (one JSON line per request) while it is measured."""

    def __init__(self, argv: list[str], env: dict[str, str], workers: int, ready_line: str, log: Path):
        self.port = _free_port()
        self.log = log
        with log.open("w") as stream:
            self.process = subprocess.Popen(
                [*argv, "--port" if argv[0].endswith("tracker") else "--bind",
                 str(self.port) if argv[0].endswith("tracker") else f"127.0.0.1:{self.port}"],
                env=env, stdout=subprocess.DEVNULL, stderr=stream, text=True, cwd=ROOT)
        deadline = time.monotonic() + 120
        while log.read_text(errors="replace").count(ready_line) < workers:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{argv} did not start:\n{log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by gunicorn's master and its workers (Linux /proc)."""
        children = subprocess.run(["ps", "--ppid", str(self.process.pid), "-o", "pid="], capture_output=True,
                                  text=True).stdout.split()
        ticks = 0
        for pid in [self.process.pid, *map(int, children)]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)


def _setup(url: str, count: int) -> tuple[str, list[int]]:
    upgrade(url)
    db = Database(url)
    with db.transaction() as session:
        district = Unit(code="D1", name="Quận 1", kind="district", settings={})
        session.add(district)
        session.flush()
        district.path = f"/{district.id}/"
        desk = User(username="tiepdan", password_hash="x", role="reception", unit=district, full_name="Cán bộ tiếp dân")
        session.add(desk)
        session.flush()
        token = new_token(session, desk)[1]
        received = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
        ids = [cases.intake(session, desk, CaseIn.model_validate({**BODY, "received_at": received})).id for _ in range(count)]
        session.execute(text("CREATE TABLE floor_cases (id serial PRIMARY KEY, subject text NOT NULL, body text NOT NULL)"))
    db.engine.dispose()
    return token, ids


def _lua(folder: Path, token: str, ids: list[int]) -> tuple[Path, Path, Path, Path]:
    body = json.dumps(BODY, ensure_ascii=False).replace("\\", "\\\\").replace('"', '\\"')
    auth = f'wrk.headers["Authorization"] = "Bearer {token}"\n'
    post = 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = "' + body + '"\n'
    ids_lua = "ids = {" + ",".join(map(str, ids)) + "}\n"
    scripts = {
        "project_post.lua": auth + post,
        "floor_post.lua": post,
        "project_get.lua": auth + ids_lua + 'request = function() return wrk.format("GET", "/api/v1/cases/" .. '
                                             'ids[math.random(#ids)]) end\n',
        "floor_get.lua": ids_lua + 'request = function() return wrk.format("GET", "/cases/" .. ids[math.random(#ids)]) end\n',
    }
    for name, script in scripts.items():
        (folder / name).write_text(script)
    return tuple(folder / name for name in scripts)  # type: ignore[return-value]


def _wrk(url: str, script: Path, seconds: int, connections: int) -> tuple[float, float, int]:
    """Requests per second, p99 in ms, and the number of non-2xx answers."""
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rps, p99, int(bad.group(1)) if bad else 0


def run(url: str, rounds: int, seconds: int, connections: int) -> None:
    token, ids = _setup(url, 300)
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "b" * 64}
    env.pop("REDIS_URL", None)
    tracker = str(Path(sys.executable).with_name("tracker"))
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    folder = Path(tempfile.mkdtemp(prefix="tracker-wrk-"))
    project = Server([tracker, "serve", "--production", "--workers", "2"], env, 2, "worker ready", folder / "project.log")
    floor = Server([gunicorn, "--workers", "2", "bench.floor_app:app"],
                   {**env, "PYTHONPATH": str(ROOT)}, 2, "Booting worker", folder / "floor.log")
    try:
        project_post, floor_post, project_get, floor_get = _lua(folder, token, ids)
        runs = {"POST project": (project, project_post), "POST floor": (floor, floor_post),
                "GET project": (project, project_get), "GET floor": (floor, floor_get)}
        results: dict[str, list[tuple[float, float, int]]] = {name: [] for name in runs}
        # The server's own CPU per answered request: unlike requests per second, it does not move
        # with what else the machine is running at the time.
        cpu: dict[str, list[float]] = {name: [] for name in runs}
        for r in range(rounds):
            names = list(runs)
            if r % 2:
                names = [names[1], names[0], names[3], names[2]]
            for name in names:
                server, script = runs[name]
                path = "/api/v1/cases" if name.endswith("project") else "/cases"
                before = server.cpu_seconds()
                results[name].append(_wrk(f"http://127.0.0.1:{server.port}{path}", script, seconds, connections))
                cpu[name].append((server.cpu_seconds() - before) / max(1.0, results[name][-1][0] * seconds))
        print(f"gunicorn 2 sync workers each, PostgreSQL, wrk -t2 -c{connections} -d{seconds}s, {rounds} rounds; "
              f"cpus: {os.cpu_count()}")
        for verb in ("POST", "GET"):
            mine, base = results[f"{verb} project"], results[f"{verb} floor"]
            m_rps, b_rps = statistics.median(r[0] for r in mine), statistics.median(r[0] for r in base)
            m_p99 = statistics.median(r[1] for r in mine)
            b_p99 = statistics.median(r[1] for r in base)
            errors = sum(r[2] for r in mine)
            label = "POST /api/v1/cases" if verb == "POST" else "GET /api/v1/cases/{id}"
            m_cpu = statistics.median(cpu[f"{verb} project"]) * 1000
            b_cpu = statistics.median(cpu[f"{verb} floor"]) * 1000
            print(f"{label}: project {m_rps:.0f} req/s (p99 {m_p99:.1f} ms, non-2xx {errors}), floor {b_rps:.0f} req/s "
                  f"(p99 {b_p99:.1f} ms), project/floor {m_rps / b_rps:.0%} (target >= 50%); server CPU per request: "
                  f"project {m_cpu:.2f} ms, floor {b_cpu:.2f} ms")
    finally:
        project.stop()
        floor.stop()
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="an empty PostgreSQL database (default: a throw-away one)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install wrk (make bench does it)", file=sys.stderr)
        return 1
    if args.database_url:
        run(args.database_url, args.rounds, args.seconds, args.connections)
    else:
        with throwaway_postgres() as url:
            run(url, args.rounds, args.seconds, args.connections)
    return 0


if __name__ == "__main__":
    sys.exit(main())
