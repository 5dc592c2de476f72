"""What an operator relies on in production: /healthz, one JSON log line per request with its
id and nothing personal, the SECRET_KEY rule for several workers, gunicorn serving the app,
a wheel that carries every file the app reads, and dependencies pinned for CI."""
from __future__ import annotations

import concurrent.futures
import json
import logging
import os
import shutil
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.servers import TRACKER, Gunicorn, free_port
from tracker import _secret_key, create_app
from tracker.cli import main
from tracker.production import ProductionConfigError, check_settings
from tracker.requestlog import LOGGER, JsonFormatter

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("tracker", "workflows", "notifications")


# -- /healthz ------------------------------------------------------------------------------------

def test_healthz_is_ok_when_the_database_answers_and_redis_is_not_configured(client):
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json == {"status": "ok", "database": "ok", "redis": "not_configured"}
    assert answer.headers["Cache-Control"] == "no-store"


def test_healthz_checks_redis_when_it_is_configured(app, client):
    app.config["REDIS_URL"] = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    answer = client.get("/healthz")
    if answer.json["redis"] == "down" and os.environ.get("CI", "").lower() != "true":
        pytest.skip("no Redis at 127.0.0.1:6379")
    assert (answer.status_code, answer.json["redis"], answer.json["status"]) == (200, "ok", "ok")


def test_healthz_with_redis_down_says_degraded_but_keeps_the_worker_in_service(app, client):
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json == {"status": "degraded", "database": "ok", "redis": "down"}


def test_healthz_with_the_database_down_is_503_with_retry_after(tmp_path):
    app = create_app({"DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nothing", "SECRET_KEY": "k"})
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 503
    assert answer.json["status"] == "unavailable" and answer.json["database"] == "down"
    assert int(answer.headers["Retry-After"]) > 0


# -- request logs ----------------------------------------------------------------------------------

def _log_lines(caplog: pytest.LogCaptureFixture) -> list[dict]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == LOGGER]


def test_each_request_logs_one_json_line_with_its_id_and_no_query_or_tracking_code(client, caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)
    searched = client.get("/api/v1/cases?q=Nguy%E1%BB%85n%20V%C4%83n%20An", headers={"X-Request-Id": "proxy-id-12345"})
    tracked = client.get("/track/K7QD-3MXA-P2RW")
    lines = _log_lines(caplog)
    assert len(lines) == 2
    first, second = lines
    assert first["request_id"] == "proxy-id-12345" == searched.headers["X-Request-Id"]
    assert (first["method"], first["route"], first["status"]) == ("GET", "/api/v1/cases", 401)
    assert second["request_id"] == tracked.headers["X-Request-Id"] and len(second["request_id"]) == 32
    assert second["route"].startswith("/track/<")
    text = json.dumps(lines, ensure_ascii=False)
    assert "Nguyễn" not in text and "Nguy" not in text and "K7QD" not in text and "?" not in text


def test_a_malformed_incoming_request_id_is_replaced(client):
    answer = client.get("/healthz", headers={"X-Request-Id": "bad id\" with spaces"})
    assert answer.headers["X-Request-Id"] != "bad id\" with spaces"
    assert len(answer.headers["X-Request-Id"]) == 32


def test_the_log_line_names_the_signed_in_user_by_id_only(client, caplog, session, clerk):
    from tracker.services.admin import new_token

    token = new_token(session, clerk)[1]
    caplog.set_level(logging.INFO, logger=LOGGER)
    assert client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    (line,) = _log_lines(caplog)
    assert line["user_id"] == clerk.id
    assert clerk.username not in json.dumps(line)


# -- the SECRET_KEY rule -------------------------------------------------------------------------

def test_several_workers_without_a_secret_key_refuse_to_start():
    with pytest.raises(ProductionConfigError, match="SECRET_KEY"):
        check_settings(4, {})
    check_settings(4, {"SECRET_KEY": "a" * 64})
    check_settings(1, {})  # one worker keeps the key file of the instance folder


def test_tracker_serve_production_refuses_several_workers_without_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    result = CliRunner().invoke(main, ["serve", "--production", "--workers", "2", "--port", str(free_port()),
                                       "--database-url", f"sqlite:///{tmp_path / 'x.db'}"])
    assert result.exit_code == 1
    assert "SECRET_KEY" in result.output and "Traceback" not in result.output


def test_processes_starting_together_share_one_generated_key(tmp_path):
    with concurrent.futures.ProcessPoolExecutor(4) as pool:
        keys = set(pool.map(_secret_key, [str(tmp_path)] * 8))
    assert len(keys) == 1 and len(keys.pop()) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


# -- gunicorn ------------------------------------------------------------------------------------

def test_tracker_serve_production_runs_gunicorn_workers_that_answer_and_log_json(tmp_path):
    url = f"sqlite:///{tmp_path / 'prod.db'}"
    subprocess.run([TRACKER, "init", "--database-url", url], check=True, capture_output=True, timeout=60)
    server = Gunicorn(url, workers=2)
    try:
        with urllib.request.urlopen(f"{server.url}/healthz", timeout=30) as answer:
            assert answer.status == 200
            assert json.load(answer)["status"] == "ok"
            request_id = answer.headers["X-Request-Id"]
    finally:
        server.stop()
    assert sum("Booting worker" in line for line in server.lines) == 2
    logged = [json.loads(line) for line in server.lines if line.startswith("{") and '"tracker.requests"' in line]
    assert [(r["route"], r["status"], r["request_id"]) for r in logged] == [("/healthz", 200, request_id)]


# -- packaging -----------------------------------------------------------------------------------

def test_the_wheel_carries_every_template_form_ruleset_and_migration_the_app_reads(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "wsgi.py"):
        shutil.copy(ROOT / name, source / name)
    for package in PACKAGES:
        shutil.copytree(ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path / "dist"), str(source)],
                   check=True, capture_output=True, timeout=300)
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    in_wheel = set(zipfile.ZipFile(wheel).namelist())
    needed = {str(path.relative_to(source)) for package in PACKAGES for path in (source / package).rglob("*")
              if path.is_file()}
    assert not needed - in_wheel, f"missing from the wheel: {sorted(needed - in_wheel)}"
    assert any(name.startswith("tracker/web/templates/") and name.endswith(".html") for name in in_wheel)

    # Installed from the wheel alone (a pure-Python wheel installs by unpacking), the app builds
    # its schema and renders its pages: nothing is read from the source tree.
    installed = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(installed)
    script = ("import tracker, sys; from tracker import create_app; from tracker.migrate import upgrade; "
              f"url = 'sqlite:///{tmp_path / 'wheel.db'}'; upgrade(url); "
              "app = create_app({'DATABASE_URL': url, 'SECRET_KEY': 'k'}); c = app.test_client(); "
              "print(tracker.__file__, c.get('/login').status_code, c.get('/track').status_code)")
    shown = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(installed)},
                           check=True, capture_output=True, text=True, timeout=120).stdout.split()
    assert shown == [str(installed / "tracker" / "__init__.py"), "200", "200"]


def test_every_dependency_is_pinned_in_the_constraints_file_within_its_bounds():
    import tomllib

    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [Requirement(r) for r in project["dependencies"] + [r for rs in project["optional-dependencies"].values() for r in rs]]
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[_normal(name)] = version.strip()
    unpinned = [str(r) for r in wanted if _normal(r.name) not in pins]
    assert not unpinned, f"not in constraints.txt (run `make lock`): {unpinned}"
    outside = [f"{r} pinned {pins[_normal(r.name)]}" for r in wanted if not r.specifier.contains(pins[_normal(r.name)], True)]
    assert not outside, f"pinned outside pyproject's bounds (run `make lock`): {outside}"


def _normal(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def test_readme_settings_table_documents_every_setting_the_app_reads():
    from tracker.settings import CLOCK_SETTINGS, FROM_ENVIRONMENT, SERVER_SETTINGS

    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("### Settings"):]
    table = table[:table.index("\n### ")]
    documented = {line.split("`")[1] for line in table.splitlines() if line.startswith("| `")}
    assert documented == {s.name for s in FROM_ENVIRONMENT} | set(SERVER_SETTINGS) | set(CLOCK_SETTINGS)


def test_settings_from_the_environment_are_parsed_and_a_bad_value_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "true")
    monkeypatch.setenv("TRUSTED_PROXIES", "1")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}", "SECRET_KEY": "k"})
    assert app.config["SESSION_COOKIE_SECURE"] is True and app.config["TRUSTED_PROXIES"] == 1
    forwarded = app.test_client().get("/healthz", headers={"X-Forwarded-For": "203.0.113.9"})
    assert forwarded.status_code == 200
    monkeypatch.setenv("TRUSTED_PROXIES", "two")
    with pytest.raises(RuntimeError, match="TRUSTED_PROXIES"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}", "SECRET_KEY": "k"})


def test_a_request_that_only_reads_is_not_committed_and_one_that_writes_is(tmp_path):
    from sqlalchemy import event

    from tracker.db import Database
    from tracker.migrate import upgrade
    from tracker.models import Unit, User
    from tracker.services.admin import new_token

    url = f"sqlite:///{tmp_path / 'commits.db'}"
    upgrade(url)
    db = Database(url)
    with db.transaction() as session:
        unit = Unit(code="D1", name="Quận 1", kind="district", path="/1/", settings={})
        session.add(unit)
        session.flush()
        user = User(username="tiepdan", password_hash="x", role="reception", unit=unit)
        session.add(user)
        session.flush()
        token = new_token(session, user)[1]
    db.engine.dispose()
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "k"})
    commits: list[object] = []
    event.listen(app.extensions["db"].engine, "commit", commits.append)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200  # records the token's first use
    assert len(commits) == 1
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200  # within the minute: reads only
    assert len(commits) == 1
    assert client.post("/api/v1/cases", headers=headers, json={
        "kind": "feedback", "channel": "online", "received_unit": "D1", "subject": "Phản ánh", "content": "Nội dung",
        "petitioners": [{"full_name": "Lê Văn Tám"}]}).status_code == 201
    assert len(commits) == 2
    app.extensions["db"].engine.dispose()
