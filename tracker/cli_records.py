"""`tracker records ...`: entering the records the TT 06/2025 report forms read from the command
line (the same services as the API, as the operator): reception days, eligibility reviews,
execution of decisions, documents, training sessions, responsibility inspections. And the
reporting calendar: `tracker report submit`, `tracker report calendar`, `tracker report consolidate`."""
from __future__ import annotations

import datetime as dt
from typing import Any

import click
from flask import Flask

from tracker import database
from tracker.auth.policy import SYSTEM
from tracker.cli import _date, main, report_command, with_app


def _day(value: str | None, option: str) -> dt.date | None:
    return None if value is None else _date(value, option)


@main.group("records")
def records_group() -> None:
    """The records the TT 06/2025 report forms read: reception days, eligibility reviews, execution
    of decisions, documents, training sessions, responsibility inspections."""


def _echo_record(kind: str, ident: int, text: str) -> None:
    click.echo(f"{kind}\t{ident}\t{text}")


@records_group.command("reception-day")
@click.option("--unit", "unit_code", required=True)
@click.option("--on", "held_on", required=True, help="the day of reception, YYYY-MM-DD")
@click.option("--host", type=click.Choice(["head", "authorised"]), required=True, help="the head, or an authorised person")
@click.option("--leader", required=True, help="who receives, with their title")
@click.option("--announced-on", default=None, help="when the schedule was made public, YYYY-MM-DD")
@with_app
def records_reception_day(app: Flask, unit_code: str, held_on: str, host: str, leader: str,
                          announced_on: str | None) -> None:
    """Schedule a leader's reception day (01/TCD counts the announced ones)."""
    from tracker.schemas_reports import AnnouncedDayIn
    from tracker.services.report_records import schedule_reception_day

    data = AnnouncedDayIn(unit=unit_code, held_on=_date(held_on, "--on"), host=host, leader=leader,
                          announced_on=_day(announced_on, "--announced-on"))
    with database(app).transaction() as session:
        day = schedule_reception_day(session, SYSTEM, data)
        _echo_record("reception_day", day.id, f"{unit_code}\t{day.held_on:%d/%m/%Y}\t{host}")


@records_group.command("review")
@click.argument("case_id", type=int)
@click.option("--on", "found_on", default=None, help="the day it was found competent, YYYY-MM-DD (default: today)")
@with_app
def records_review(app: Flask, case_id: int, found_on: str | None) -> None:
    """Record that a petition being processed is eligible and within the unit's competence (02/XLD)."""
    from tracker.schemas_reports import ReviewIn
    from tracker.services.report_records import record_review

    with database(app).transaction() as session:
        review = record_review(session, SYSTEM, case_id, ReviewIn(found_on=_day(found_on, "--on")))
        _echo_record("eligibility_review", review.id, f"case {case_id}\t{review.found_on:%d/%m/%Y}")


@records_group.command("execution")
@click.argument("case_id", type=int)
@click.option("--on", "recorded_on", default=None, help="YYYY-MM-DD (default: today)")
@click.option("--recovered-money-vnd", default="0")
@click.option("--recovered-land-m2", default="0")
@click.option("--returned-money-vnd", default="0")
@click.option("--returned-land-m2", default="0")
@click.option("--organisations-disciplined", default=0, type=int)
@click.option("--people-disciplined", default=0, type=int)
@click.option("--civil-servants-disciplined", default=0, type=int)
@click.option("--prosecuted-cases", default=0, type=int)
@click.option("--prosecuted-people", default=0, type=int)
@click.option("--prosecuted-civil-servants", default=0, type=int)
@click.option("--finished", is_flag=True, help="execution of the decision is complete")
@with_app
def records_execution(app: Flask, case_id: int, recorded_on: str | None, **amounts: Any) -> None:
    """Record a step of executing a case's decision or conclusion (05/KQTH)."""
    from tracker.schemas_reports import ExecutionIn
    from tracker.services.report_records import record_execution

    data = ExecutionIn.model_validate({**amounts, "recorded_on": _day(recorded_on, "--on")})
    with database(app).transaction() as session:
        record = record_execution(session, SYSTEM, case_id, data)
        _echo_record("execution", record.id, f"case {case_id}\t{record.recorded_on:%d/%m/%Y}\t"
                     f"{'finished' if record.finished else 'in progress'}")


@records_group.command("document")
@click.option("--unit", "unit_code", required=True)
@click.option("--action", type=click.Choice(["issued", "amended", "repealed"]), required=True)
@click.option("--on", "issued_on", required=True, help="YYYY-MM-DD")
@click.option("--number", required=True)
@click.option("--title", required=True)
@with_app
def records_document(app: Flask, unit_code: str, action: str, issued_on: str, number: str, title: str) -> None:
    """Record a managing document issued, amended or repealed (06/QLKNTC)."""
    from tracker.schemas_reports import DocumentIn
    from tracker.services.report_records import record_document

    data = DocumentIn(unit=unit_code, action=action, issued_on=_date(issued_on, "--on"), number=number, title=title)
    with database(app).transaction() as session:
        document = record_document(session, SYSTEM, data)
        _echo_record("document", document.id, f"{unit_code}\t{action}\t{number}")


@records_group.command("training")
@click.option("--unit", "unit_code", required=True)
@click.option("--on", "held_on", required=True, help="YYYY-MM-DD")
@click.option("--topic", required=True)
@click.option("--attendees", required=True, type=int)
@with_app
def records_training(app: Flask, unit_code: str, held_on: str, topic: str, attendees: int) -> None:
    """Record a training or legal-education session (06/QLKNTC)."""
    from tracker.schemas_reports import TrainingIn
    from tracker.services.report_records import record_training

    data = TrainingIn(unit=unit_code, held_on=_date(held_on, "--on"), topic=topic, attendees=attendees)
    with database(app).transaction() as session:
        training = record_training(session, SYSTEM, data)
        _echo_record("training", training.id, f"{unit_code}\t{attendees}")


@records_group.command("inspection")
@click.option("--unit", "unit_code", required=True)
@click.option("--subject", required=True)
@click.option("--on", "started_on", required=True, help="the day it started, YYYY-MM-DD")
@click.option("--units-inspected", default=1, type=int)
@with_app
def records_inspection(app: Flask, unit_code: str, subject: str, started_on: str, units_inspected: int) -> None:
    """Open a responsibility inspection (06/QLKNTC)."""
    from tracker.schemas_reports import InspectionIn
    from tracker.services.report_records import open_inspection

    data = InspectionIn(unit=unit_code, subject=subject, started_on=_date(started_on, "--on"), units_inspected=units_inspected)
    with database(app).transaction() as session:
        inspection = open_inspection(session, SYSTEM, data)
        _echo_record("inspection", inspection.id, f"{unit_code}\tversion {inspection.version}")


@records_group.command("conclude")
@click.argument("inspection_id", type=int)
@click.option("--version", required=True, type=int, help="the version you read")
@click.option("--on", "concluded_on", required=True, help="YYYY-MM-DD")
@click.option("--number", "conclusion_no", required=True, help="the conclusion's number, e.g. 05/KL-TTr")
@click.option("--recommended-organisations", default=0, type=int)
@click.option("--recommended-people", default=0, type=int)
@click.option("--referred-organisations", default=0, type=int)
@click.option("--referred-people", default=0, type=int)
@with_app
def records_conclude(app: Flask, inspection_id: int, concluded_on: str, **fields: Any) -> None:
    """Record a responsibility inspection's conclusion (06/QLKNTC)."""
    from tracker.schemas_reports import ConclusionIn
    from tracker.services.report_records import conclude_inspection

    data = ConclusionIn.model_validate({**fields, "concluded_on": _date(concluded_on, "--on")})
    with database(app).transaction() as session:
        inspection = conclude_inspection(session, SYSTEM, inspection_id, data)
        _echo_record("inspection", inspection.id, f"concluded {inspection.concluded_on:%d/%m/%Y}\tversion {inspection.version}")


@records_group.command("inspection-execution")
@click.argument("inspection_id", type=int)
@click.option("--version", required=True, type=int, help="the version you read")
@click.option("--on", "executed_on", required=True, help="YYYY-MM-DD")
@click.option("--sanctioned-organisations", default=0, type=int)
@click.option("--sanctioned-people", default=0, type=int)
@click.option("--prosecuted-cases", default=0, type=int)
@click.option("--prosecuted-people", default=0, type=int)
@with_app
def records_inspection_execution(app: Flask, inspection_id: int, executed_on: str, **fields: Any) -> None:
    """Record what came of a responsibility inspection's conclusion (06/QLKNTC)."""
    from tracker.schemas_reports import InspectionExecutionIn
    from tracker.services.report_records import record_inspection_execution

    data = InspectionExecutionIn.model_validate({**fields, "executed_on": _date(executed_on, "--on")})
    with database(app).transaction() as session:
        inspection = record_inspection_execution(session, SYSTEM, inspection_id, data)
        _echo_record("inspection", inspection.id, f"executed {inspection.executed_on:%d/%m/%Y}\tversion {inspection.version}")


@report_command.command("submit")
@click.option("--unit", "unit_code", required=True)
@click.option("--period", required=True, help="an official period token, e.g. 2026-Q1")
@click.option("--number", "report_no", default=None, help="the report's number, e.g. 15/BC-UBND")
@with_app
def report_submit(app: Flask, unit_code: str, period: str, report_no: str | None) -> None:
    """Send a unit's report for a period to the province (refused unless every rule holds)."""
    from tracker.services.reporting_calendar import submit_report

    with database(app).transaction() as session:
        sent = submit_report(session, SYSTEM, unit_code, period, report_no)
        click.echo(f"{unit_code}\t{sent.period_start:%d/%m/%Y}-{sent.period_end:%d/%m/%Y}\t{', '.join(sent.figures)}")


@report_command.command("calendar")
@click.option("--province", "province_code", required=True)
@click.option("--period", required=True, help="an official period token, e.g. 2026-Q1")
@with_app
def report_calendar(app: Flask, province_code: str, period: str) -> None:
    """When each unit's report for the period is due (17th), the province's (20th), who has sent."""
    from tracker.services.reporting_calendar import reporting_calendar

    with database(app).transaction() as session:
        found = reporting_calendar(session, SYSTEM, province_code, period)
        click.echo(f"{found.province.code}\t{found.period.start:%d/%m/%Y}-{found.period.end:%d/%m/%Y}\t"
                   f"units by {found.units_due_on:%d/%m/%Y}\tprovince by {found.province_due_on:%d/%m/%Y}")
        for row in found.rows:
            sent = "" if row.submission is None else f"{row.submission.submitted_at:%Y-%m-%d %H:%M}Z"
            click.echo(f"{row.unit.code}\t{row.unit.name}\t{row.due_on:%d/%m/%Y}\t{row.status}\t{sent}")
        click.echo(f"{len(found.missing)} đơn vị chưa gửi / units have not sent")


@report_command.command("consolidate")
@click.option("--province", "province_code", required=True)
@click.option("--period", required=True, help="an official period token, e.g. 2026-Q1")
@click.option("--form", required=True, help="a form in force, e.g. 02/XLD")
@click.option("--format", "fmt", default="xlsx", show_default=True, help="xlsx or csv")
@click.option("--output", required=True, help="file to write ('-' for standard output)")
@with_app
def report_consolidate(app: Flask, province_code: str, period: str, form: str, fmt: str, output: str) -> None:
    """The province's consolidated form: its own row, one row per reporting unit (as sent), totals."""
    import sys

    from tracker.services.reporting_calendar import consolidated_report

    with database(app).transaction() as session:
        if output == "-":
            consolidated_report(session, SYSTEM, province_code, period, form, fmt, sys.stdout.buffer)
            return
        try:
            with open(output, "wb") as stream:
                written = consolidated_report(session, SYSTEM, province_code, period, form, fmt, stream)
        except OSError as error:
            raise click.ClickException(f"Không ghi được / cannot write {output}: {error.strerror}") from None
    click.echo(f"{output}\t{written.form}\t{written.rows} rows")
