"""The `tracker` command: schema, units, users, calendar, projects, history, demo data, server.

Every command takes --database-url and otherwise reads DATABASE_URL (default: the SQLite
file in the instance folder). A refused command prints why and exits 1, never a traceback.
"""
from __future__ import annotations

import datetime as dt
import functools
import sys
from collections.abc import Callable
from typing import Any

import click
from flask import Flask
from pydantic import ValidationError

from tracker import create_app, database
from tracker.auth.policy import SYSTEM
from tracker.services.errors import ServiceError


def _app(database_url: str | None) -> Flask:
    from notifications.channels import ConfigError

    try:
        return create_app({"DATABASE_URL": database_url} if database_url else None)
    except ConfigError as error:
        raise click.ClickException(str(error)) from None


def with_app(command: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command --database-url and turn refusals into a message and exit code 1."""

    @click.option("--database-url", envvar="DATABASE_URL", default=None, help="SQLAlchemy URL; default: SQLite in the instance folder")
    @functools.wraps(command)
    def wrapper(database_url: str | None, **kwargs: Any) -> Any:
        app = _app(database_url)
        try:
            # In the app's context, so that rows a command commits are handed to delivery.
            with app.app_context():
                return command(app, **kwargs)
        except ServiceError as error:
            raise click.ClickException(error.message) from None
        except ValidationError as error:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'input'}: {e['msg']}" for e in error.errors())
            raise click.ClickException(f"Dữ liệu không hợp lệ / invalid input: {problems}") from None

    return wrapper


@click.group()
def main() -> None:
    """Petition & Dialogue Tracker / Theo dõi đơn thư và đối thoại."""


@main.command()
@with_app
def init(app: Flask) -> None:
    """Create or upgrade the schema (safe to run twice)."""
    from tracker.migrate import upgrade

    upgrade(app.config["DATABASE_URL"])
    click.echo("Cơ sở dữ liệu đã sẵn sàng / database is up to date")


@main.group()
def units() -> None:
    """Units of the tree."""


@units.command("create")
@click.argument("code")
@click.option("--name", required=True)
@click.option("--kind", required=True)
@click.option("--parent", "parent_code", default=None)
@with_app
def units_create(app: Flask, code: str, name: str, kind: str, parent_code: str | None) -> None:
    """Add a unit (the first ones, before any user exists)."""
    from tracker.schemas import UnitIn
    from tracker.services.admin import create_unit

    data = UnitIn(code=code, name=name, kind=kind, parent_code=parent_code)
    with database(app).transaction() as session:
        unit = create_unit(session, SYSTEM, data)
        click.echo(f"{unit.code}\t{unit.name}")


@units.command("close")
@click.argument("code")
@click.option("--on", "on", required=True, help="the first day the unit no longer exists, YYYY-MM-DD")
@click.option("--successor", required=True, help="the unit that carries on its work")
@click.option("--children-to", default=None, help="move the units below it that stay open under this unit")
@with_app
def units_close(app: Flask, code: str, on: str, successor: str, children_to: str | None) -> None:
    """Close a unit (the 2025 reorganisation): its open cases and users go to the successor."""
    from tracker.services.reorganisation import close_unit

    with database(app).transaction() as session:
        closing = close_unit(session, SYSTEM, code, on=_date(on, "--on"), successor=successor, children_to=children_to)
        for tracking_code in closing.cases:
            click.echo(f"  {tracking_code} -> {closing.successor.code}")
        click.echo(f"Đã giải thể {closing.unit.code} từ {closing.on:%d/%m/%Y}; chuyển {len(closing.cases)} hồ sơ, "
                   f"{len(closing.users)} người dùng, {len(closing.children)} đơn vị trực thuộc sang {closing.successor.code} / "
                   f"closed {closing.unit.code} on {closing.on.isoformat()}: {len(closing.cases)} case(s), "
                   f"{len(closing.users)} user(s) moved to {closing.successor.code}, {len(closing.children)} unit(s) moved")


@main.group()
def users() -> None:
    """Users and their API tokens."""


@users.command("create")
@click.argument("username")
@click.option("--role", required=True)
@click.option("--unit", "unit_code", required=True)
@click.option("--email", default=None)
@click.option("--full-name", default=None)
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
@with_app
def users_create(app: Flask, username: str, role: str, unit_code: str, email: str | None, full_name: str | None,
                 password_stdin: bool) -> None:
    """Add a user with a role at a unit."""
    from tracker.schemas import UserIn
    from tracker.services.admin import create_user

    if not password_stdin:
        raise click.UsageError("--password-stdin is required: passwords are never taken on the command line")
    password = sys.stdin.readline().rstrip("\r\n")
    data = UserIn(username=username, role=role, unit=unit_code, email=email, full_name=full_name, password=password)
    with database(app).transaction() as session:
        user = create_user(session, SYSTEM, data)
        click.echo(f"{user.username}\t{user.role}\t{unit_code}")


@users.command("token")
@click.argument("username")
@with_app
def users_token(app: Flask, username: str) -> None:
    """Print a new API token for USERNAME, and nothing else."""
    from tracker.services.admin import issue_token

    with database(app).transaction() as session:
        token = issue_token(session, username)
    click.echo(token)


@users.command("revoke-tokens")
@click.argument("username")
@with_app
def users_revoke_tokens(app: Flask, username: str) -> None:
    """Revoke every API token of USERNAME; programs using them get 401 from then on."""
    from tracker.services.signin import revoke_tokens

    with database(app).transaction() as session:
        count = revoke_tokens(session, username)
    click.echo(f"{count} mã truy cập đã thu hồi / {count} token(s) revoked")


@users.command("end-sessions")
@click.argument("username")
@with_app
def users_end_sessions(app: Flask, username: str) -> None:
    """End every signed-in session of USERNAME at once (its cookies sign no one in any more)."""
    from tracker.services.accounts import revoke_sessions

    with database(app).transaction() as session:
        count = revoke_sessions(session, SYSTEM, username)
    click.echo(f"{count} phiên đăng nhập đã kết thúc / {count} session(s) ended")


@users.command("deactivate")
@click.argument("username")
@with_app
def users_deactivate(app: Flask, username: str) -> None:
    """Deactivate USERNAME: their sessions end at once and their tokens are refused."""
    from tracker.services.accounts import deactivate_user

    with database(app).transaction() as session:
        deactivate_user(session, SYSTEM, username)
    click.echo(f"{username}: đã vô hiệu hóa / deactivated")


@main.group()
def calendar() -> None:
    """Administrators' changes to the working-day calendar."""


def _calendar_add(kind: str) -> Callable[..., None]:
    @click.argument("day", type=click.DateTime(formats=["%Y-%m-%d", "%d/%m/%Y"]))
    @click.option("--note", default="", help="the decision behind it")
    @with_app
    def add(app: Flask, day: dt.datetime, note: str) -> None:
        from tracker.services.admin import add_calendar_day

        with database(app).transaction() as session:
            change = add_calendar_day(session, SYSTEM, day.date(), kind, note)
        row = change.override
        click.echo(f"{row.day:%d/%m/%Y}\t{row.kind}\t{row.note}")
        for moved in change.recount.moved:
            new = f"{moved.new_due_on:%d/%m/%Y}" if moved.new_due_on else "-"
            click.echo(f"  {moved.tracking_code}: hạn / due {moved.old_due_on:%d/%m/%Y} -> {new}")
        if change.recount.unresolved:
            click.echo(f"  {len(change.recount.unresolved)} hồ sơ cần xem lại thủ công / case(s) to review by hand: "
                       + ", ".join(map(str, change.recount.unresolved)), err=True)
        click.echo(f"Đã tính lại hạn của {len(change.recount.moved)} hồ sơ / recounted the due date of "
                   f"{len(change.recount.moved)} case(s)")

    return add


calendar.command("add-day-off", help="Add an extra day off (e.g. a Tết bridge day).")(_calendar_add("day_off"))
calendar.command("add-working-day", help="Add a make-up working day (e.g. a Saturday).")(_calendar_add("working_day"))


@calendar.command("list")
@with_app
def calendar_list(app: Flask) -> None:
    """List the administrators' overrides."""
    from tracker.services.admin import list_calendar_days

    with database(app).transaction() as session:
        for row in list_calendar_days(session):
            click.echo(f"{row.day:%d/%m/%Y}\t{row.kind}\t{row.note}")


@main.group()
def projects() -> None:
    """Investment projects of the communes, watched by community investment supervision boards."""


@projects.command("create")
@click.option("--unit", "unit_code", required=True, help="the commune (or its agency) the project belongs to")
@click.option("--name", required=True)
@click.option("--investor", required=True, help="the investor as the investment decision names it")
@click.option("--investor-unit", default=None, help="the investor's unit code, when it is a unit of the tracker")
@click.option("--location", default=None)
@click.option("--budget-vnd", type=int, default=None, help="total investment in đồng")
@click.option("--started-on", default=None, help="YYYY-MM-DD")
@click.option("--planned-completion-on", default=None, help="YYYY-MM-DD")
@click.option("--status", default=None, help="preparing, in_progress, suspended or completed")
@with_app
def projects_create(app: Flask, unit_code: str, name: str, investor: str, investor_unit: str | None, location: str | None,
                    budget_vnd: int | None, started_on: str | None, planned_completion_on: str | None,
                    status: str | None) -> None:
    """Record an investment project of a commune; prints its id."""
    from tracker.schemas import ProjectIn
    from tracker.services.projects import create_project

    data = ProjectIn(unit=unit_code, name=name, investor=investor, investor_unit=investor_unit, location=location,
                     budget_vnd=budget_vnd, status=status,
                     started_on=_date(started_on, "--started-on") if started_on else None,
                     planned_completion_on=_date(planned_completion_on, "--planned-completion-on") if planned_completion_on
                     else None)
    with database(app).transaction() as session:
        project = create_project(session, SYSTEM, data)
        click.echo(f"{project.id}\t{project.unit.code}\t{project.name}")


@projects.command("list")
@click.option("--unit", "unit_code", default=None, help="only the projects of this unit's tree")
@with_app
def projects_list(app: Flask, unit_code: str | None) -> None:
    """List the projects (id, unit, status, start, planned completion, budget, name)."""
    from tracker.services.projects import all_projects

    with database(app).transaction() as session:
        for p in all_projects(session, unit_code):
            budget = f"{p.budget_vnd:,}".replace(",", ".") if p.budget_vnd is not None else "-"
            dates = "\t".join(f"{d:%d/%m/%Y}" if d else "-" for d in (p.started_on, p.planned_completion_on))
            click.echo(f"{p.id}\t{p.unit.code}\t{p.status}\t{dates}\t{budget}\t{p.name}")


@main.group()
def history() -> None:
    """The tamper-evident case history."""


@history.command("verify")
@with_app
def history_verify(app: Flask) -> None:
    """Walk every case's chain; exit 1 naming each case whose history was altered."""
    from tracker.services.documents import verify_documents
    from tracker.services.history import verify_chains

    with database(app).transaction() as session:
        checked, broken = verify_chains(session)
        files_checked, altered = verify_documents(session, app.extensions["files"])
    for link in broken:
        click.echo(f"BROKEN case {link.case_id} ({link.tracking_code}) at entry {link.seq}: {link.reason}", err=True)
    for problem in altered:
        click.echo(f"BROKEN document {problem.document_id} of case {problem.case_id}: {problem.reason}", err=True)
    if broken or altered:
        click.echo(f"{len(broken)} case(s) with a broken history, {len(altered)} document(s) not as recorded / "
                   f"{checked} entries, {files_checked} documents checked", err=True)
        sys.exit(1)
    click.echo(f"OK: {checked} entries, {files_checked} documents, every chain intact / lịch sử nguyên vẹn")


@main.command("sweep")
@click.option("--on", "on", default=None, help="the day to sweep for, YYYY-MM-DD (default: today)")
@with_app
def sweep_command(app: Flask, on: str | None) -> None:
    """Do what the law does as days pass: close decisions that became final, remind before
    deadlines, escalate overdue cases, hand on pending deliveries. Safe to run twice and at any time.

    Without `tracker worker --cron`, schedule it with the system's cron, e.g.
    `*/15 * * * * cd /srv/tracker && .venv/bin/tracker sweep >> /var/log/tracker-sweep.log 2>&1`."""
    from tracker.notify import run_sweep

    report = run_sweep(app, _date(on, "--on") if on else None)
    for step in report.steps:
        click.echo(f"{step.name}\t{step.changed}")
        for item in step.items:
            click.echo(f"  {item}")
    click.echo(f"Quét ngày {report.on:%d/%m/%Y}: {report.changed} thay đổi / swept {report.on.isoformat()}: "
               f"{report.changed} change(s)")


@main.command()
@click.option("--cases", "case_count", default=3000, show_default=True, help="how many petitions to generate")
@click.option("--seed", default=2026, show_default=True)
@click.option("--if-empty", is_flag=True, help="do nothing when the database already has units")
@with_app
def demo(app: Flask, case_count: int, seed: int, if_empty: bool) -> None:
    """Fill the database with realistic Vietnamese demo data."""
    from tracker.demo import load_demo

    load_demo(app, cases=case_count, seed=seed, if_empty=if_empty)


PERIOD_HELP = ("a period: 2026, 2026-H1, 2026-Q2, 2026-9M, 2026-03 or 2026-01-01..2026-06-30; prefix official: or "
               "calendar: to choose the scheme")


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.ClickException(f"{option}: ngày dạng YYYY-MM-DD / a date as YYYY-MM-DD, not {value!r}") from None


@main.command("metrics")
@click.option("--unit", "unit_code", required=True, help="the unit's code")
@click.option("--from", "date_from", default=None, help="first day, YYYY-MM-DD")
@click.option("--to", "date_to", default=None, help="last day, YYYY-MM-DD")
@click.option("--period", default=None, help=f"instead of --from/--to, {PERIOD_HELP} (calendar by default)")
@click.option("--subunits/--no-subunits", default=True, show_default=True,
              help="with the units below (one by_unit row per direct child), or the unit's own records only")
@click.option("--drilldown", "figure", default=None, help="list the records behind a count instead, e.g. cases.open")
@click.option("--row", "row_unit", default=None, help="with --drilldown: the by_unit row (a unit code) to open")
@click.option("--page", default=1, show_default=True, type=int, help="with --drilldown: the page (500 records each)")
@with_app
def metrics_command(app: Flask, unit_code: str, date_from: str | None, date_to: str | None, period: str | None,
                    subunits: bool, figure: str | None, row_unit: str | None, page: int) -> None:
    """Print the metrics document of API.md (JSON) for a unit and period, or a drill-down."""
    import json

    from tracker.metrics.results import to_json
    from tracker.services import metrics as service

    with database(app).transaction() as session:
        if period is not None:
            resolved = service.period_for(session, SYSTEM, unit_code, period)
            start, end = resolved.start, resolved.end
        elif date_from and date_to:
            start, end = _date(date_from, "--from"), _date(date_to, "--to")
        else:
            raise click.ClickException("Cần --from và --to, hoặc --period / give --from and --to, or --period")
        if figure is not None:
            group, _, key = figure.partition(".")
            found = service.drilldown(session, SYSTEM, unit_code, start, end, subunits, group, key, page=page, per_page=500,
                                      row_unit=row_unit)
            document = found.to_json()
        else:
            document = to_json(service.metrics(session, SYSTEM, unit_code, start, end, subunits))
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


@main.group("report", invoke_without_command=True)
@click.option("--unit", "unit_code", default=None, help="the reporting unit's code")
@click.option("--period", default=None, help=f"{PERIOD_HELP}; official periods (15th to 14th) for the official forms, "
              "calendar periods for 'figures'")
@click.option("--form", default=None, help="01/TCD, 02/XLD, 03/GQKN, 04/GQTC, 05/KQTH, 06/QLKNTC (the forms in force from "
              "30/09/2025); an older form by its version (01/XLD:2024), or figures")
@click.option("--format", "fmt", default="xlsx", show_default=True, help="xlsx or csv")
@click.option("--output", default=None, help="file to write ('-' for standard output); default: a name in this folder")
@click.option("--subunits/--no-subunits", default=True, show_default=True,
              help="one row per unit below the reporting unit, or the unit's own records only")
@click.option("--database-url", envvar="DATABASE_URL", default=None, help="SQLAlchemy URL; default: SQLite in the instance folder")
@click.pass_context
def report_command(ctx: click.Context, unit_code: str | None, period: str | None, form: str | None, fmt: str,
                   output: str | None, subunits: bool, database_url: str | None) -> None:
    """Write an official periodic report, or the tracker's own figures, as Excel or CSV;
    `tracker report check` checks a report's sum and cross-form rules before it is sent."""
    if ctx.invoked_subcommand is not None:
        return
    missing = [name for name, value in (("--unit", unit_code), ("--period", period), ("--form", form)) if not value]
    if missing:
        raise click.UsageError(f"Thiếu / missing {', '.join(missing)}")
    with_app(_write_report)(database_url=database_url, unit_code=unit_code, period=period, form=form, fmt=fmt,
                            output=output, subunits=subunits)


def _write_report(app: Flask, unit_code: str, period: str, form: str, fmt: str, output: str | None, subunits: bool) -> None:
    import os
    import tempfile
    from pathlib import Path

    from tracker.services.reports import report

    with database(app).transaction() as session:
        if output == "-":
            report(session, SYSTEM, unit_code, period, form, fmt, sys.stdout.buffer, subunits)
            return
        folder = Path(output).parent if output else Path.cwd()
        try:
            handle, partial = tempfile.mkstemp(dir=folder, prefix=".report-", suffix=f".{fmt}")
        except OSError as error:
            raise click.ClickException(f"Không ghi được vào / cannot write to {folder}: {error.strerror}") from None
        try:
            with os.fdopen(handle, "wb") as stream:
                written = report(session, SYSTEM, unit_code, period, form, fmt, stream, subunits)
            target = Path(output) if output else folder / written.filename
            os.replace(partial, target)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    click.echo(f"{target}\t{written.form}\t{written.start:%d/%m/%Y}-{written.end:%d/%m/%Y}\t{written.rows} rows")


@report_command.command("check")
@click.option("--unit", "unit_code", required=True, help="the reporting unit's code")
@click.option("--period", required=True, help=f"{PERIOD_HELP} (official periods by default)")
@click.option("--subunits/--no-subunits", default=True, show_default=True,
              help="one row per unit below the reporting unit, or the unit's own records only")
@with_app
def report_check(app: Flask, unit_code: str, period: str, subunits: bool) -> None:
    """Check every form of a period's report: the sum rules and inequalities in every row, and
    the cross-form rules. Prints what does not add up (unit, form, rule, values); exits 1 then."""
    from tracker.services.reports import check_report

    with database(app).transaction() as session:
        result = check_report(session, SYSTEM, unit_code, period, subunits)
    click.echo(f"{result.unit}\t{result.period.start:%d/%m/%Y}-{result.period.end:%d/%m/%Y}\t{', '.join(result.forms)}")
    for finding in result.findings:
        click.echo(finding.message)
    if not result.ok:
        click.echo(f"{len(result.findings)} quy tắc không thỏa / rules that do not hold", err=True)
        sys.exit(1)
    click.echo("Mọi quy tắc đều thỏa / every rule holds")


@main.group()
def periods() -> None:
    """A province's official reporting periods (TT 02/2021/TT-TTCP unless it sets its own)."""


@periods.command("show")
@click.argument("province")
@with_app
def periods_show(app: Flask, province: str) -> None:
    """Print the province's official periods (MM-DD to MM-DD; M: the day monthly data start)."""
    from tracker.services.metrics import official_periods, unit_for

    with database(app).transaction() as session:
        current = official_periods(session, unit_for(session, SYSTEM, province))
    for preset, (start, end) in current.ranges.items():
        click.echo(f"{preset}\t{start} -> {end}")
    click.echo(f"M\t{current.month_start_day:02d} (of the month before)")


@periods.command("set")
@click.argument("province")
@click.argument("preset")
@click.argument("start")
@click.argument("end", required=False, default="")
@with_app
def periods_set(app: Flask, province: str, preset: str, start: str, end: str) -> None:
    """Set PRESET (Q1..Q4, H1, H2, 9M, Y) to run from START to END (MM-DD), or with preset M the day
    monthly data start (e.g. `tracker periods set TN Q1 10-15 01-14`, `tracker periods set TN M 20`)."""
    from tracker.services.metrics import set_reporting_period

    with database(app).transaction() as session:
        set_reporting_period(session, SYSTEM, province, preset, start, end)
    click.echo(f"{province}\t{preset}\t{start} {end}".rstrip())


@periods.command("reset")
@click.argument("province")
@with_app
def periods_reset(app: Flask, province: str) -> None:
    """Go back to the periods of TT 02/2021/TT-TTCP."""
    from tracker.services.metrics import reset_reporting_periods

    with database(app).transaction() as session:
        reset_reporting_periods(session, SYSTEM, province)
    click.echo(f"{province}\tTT 02/2021/TT-TTCP")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--production", is_flag=True, help="gunicorn with several worker processes and JSON logs (README: Production)")
@click.option("--workers", default=None, type=click.IntRange(min=1),
              help="with --production: worker processes [default: WEB_CONCURRENCY, else 2]")
@click.option("--database-url", envvar="DATABASE_URL", default=None, help="SQLAlchemy URL; default: SQLite in the instance folder")
def serve(host: str, port: int, production: bool, workers: int | None, database_url: str | None) -> None:
    """Run the web application: the development server, or gunicorn with --production."""
    import os

    if production:
        from tracker import production as prod

        if database_url:
            os.environ["DATABASE_URL"] = database_url  # the workers build their apps from the environment
        count = workers or int(os.environ.get("WEB_CONCURRENCY") or prod.DEFAULT_WORKERS)
        try:
            prod.check_settings(count, os.environ)
        except prod.ProductionConfigError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"http://{host}:{port}/ ({count} workers)", err=True)
        prod.serve(workers=count, bind=f"{host}:{port}")
        return
    if workers is not None:
        raise click.UsageError("--workers needs --production")
    from werkzeug.serving import run_simple

    from tracker.serving import PathOnlyLogHandler

    app = _app(database_url)
    click.echo(f"http://{host}:{port}/")
    run_simple(host, port, app, threaded=True, use_reloader=False, request_handler=PathOnlyLogHandler)


@main.command()
@click.option("--burst", is_flag=True, help="deliver what is queued, then stop")
@click.option("--cron", "with_cron", is_flag=True, help="also run rq's cron scheduler, enqueuing the sweep on SWEEP_CRON")
@click.option("--name", default=None, help="the worker's name in rq (default: host and process id)")
@with_app
def worker(app: Flask, burst: bool, with_cron: bool, name: str | None) -> None:
    """Run an rq worker delivering notifications (needs REDIS_URL)."""
    import multiprocessing

    from redis.exceptions import RedisError

    from notifications.channels import ConfigError, DeliveryError, check_smtp
    from tracker.notify import make_worker, notifier, run_cron

    try:
        rq_worker = make_worker(app, name=name)
        rq_worker.connection.ping()
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    except RedisError as error:
        raise click.ClickException(f"Không kết nối được Redis / cannot reach Redis at REDIS_URL: {error}") from None
    smtp = notifier(app).settings.smtp
    if smtp is None:
        click.echo("SMTP_URL chưa đặt: thư điện tử không được gửi / SMTP_URL is not set: e-mail rows are skipped", err=True)
    else:
        try:
            check_smtp(smtp)
        except DeliveryError as error:
            click.echo(f"{error} — thư chờ gửi lại / mail waits and is retried", err=True)
    scheduler = None
    if with_cron:
        scheduler = multiprocessing.get_context("fork").Process(target=run_cron, args=(app,), daemon=True)
        scheduler.start()
    try:
        rq_worker.work(burst=burst, with_scheduler=True)
    finally:
        if scheduler is not None:
            scheduler.terminate()


@main.group()
def outbox() -> None:
    """Messages waiting, failed or skipped; sending them again."""


@outbox.command("list")
@click.option("--status", type=click.Choice(["failed", "skipped", "pending"]), default="failed", show_default=True)
@with_app
def outbox_list(app: Flask, status: str) -> None:
    """Rows in that status, newest first: id, template, channel, case, tries, last error."""
    from tracker.services.inbox import undelivered

    with database(app).transaction() as session:
        for row in undelivered(session, SYSTEM, status=status):
            click.echo(f"{row.id}\t{row.template or row.event}\t{row.channel}\t{row.payload.get('tracking_code', '')}\t"
                       f"{row.attempts}\t{row.last_error or ''}")


@outbox.command("retry")
@click.argument("row_ids", nargs=-1, type=int)
@click.option("--all-failed", is_flag=True, help="every failed row")
@with_app
def outbox_retry(app: Flask, row_ids: tuple[int, ...], all_failed: bool) -> None:
    """Send failed (or skipped) rows again; people already reached do not get them twice."""
    from tracker.services.inbox import retry, undelivered

    with database(app).transaction() as session:
        ids = list(row_ids) + ([r.id for r in undelivered(session, SYSTEM, status="failed", limit=100_000)] if all_failed else [])
        if not ids:
            raise click.UsageError("name row ids or --all-failed")
        rows = retry(session, SYSTEM, ids)
    click.echo(f"{sum(1 for r in rows if r.status == 'pending')} hàng gửi lại / row(s) sent again")


@units.command("webhook")
@click.argument("code")
@click.option("--url", default=None, help="where events are POSTed")
@click.option("--remove", is_flag=True)
@with_app
def units_webhook(app: Flask, code: str, url: str | None, remove: bool) -> None:
    """Set a unit's webhook; prints the signing secret once (a new one each time)."""
    from tracker.services.unit_notifications import set_webhook

    with database(app).transaction() as session:
        secret = set_webhook(session, SYSTEM, code, None if remove else url)
    click.echo(secret if secret else "đã gỡ / removed")


@units.command("reminders")
@click.argument("code")
@click.option("--days", type=click.IntRange(0, 30), required=True, help="working days before the due date")
@with_app
def units_reminders(app: Flask, code: str, days: int) -> None:
    """How many working days before a due date the unit's officers are reminded (default 3)."""
    from tracker.services.unit_notifications import set_reminder_days

    with database(app).transaction() as session:
        set_reminder_days(session, SYSTEM, code, days)
    click.echo(f"{code}\t{days}")


from tracker import cli_documents, cli_imports  # noqa: E402,F401 - register `tracker documents`, `tracker import`

if __name__ == "__main__":  # pragma: no cover
    main()


# The records of the TT 06/2025 report forms: `tracker records ...` (their own module).
from tracker import cli_records  # noqa: E402, F401
