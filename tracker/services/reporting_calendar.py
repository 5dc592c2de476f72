"""The reporting calendar of a province (TT 06/2025/TT-TTCP Art. 8): communes and provincial
departments send each period's report to the province by the 17th of the period's last month, the
province consolidates and sends by the 20th. A unit sends its report once it adds up (`tracker
report check`); what it sent is kept, and the province's consolidated report is built from its
units' figures: as sent, or, for a unit that has not sent yet, as the tracker computes them (the
row says so).

The reporting units of a province are the units right under it, open at the period's end, that
report to it: its communes (xã, phường, đặc khu), its departments (agencies), and for a period
before districts were abolished its districts (whose communes reported through them). Each
reports for its whole tree, so the rows never overlap and add up to the province's totals."""
from __future__ import annotations

import calendar as _calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tracker import clock
from tracker.auth import policy
from tracker.auth.policy import Actor, Operation
from tracker.metrics.periods import OFFICIAL, Period
from tracker.models import ReportSubmission, Unit
from tracker.reports.layout import FormLayout, forms_in_force, layout_for
from tracker.reports.table import Column, Row, Table, Value, form_table
from tracker.reports.writers import write_csv, write_xlsx
from tracker.services import metrics as metrics_service
from tracker.services.errors import BadRequest, Conflict, Forbidden, Refused, ServiceError
from tracker.services.reports import CONTENT_TYPES, ReportFile, check_report

UNIT_DUE_DAY = 17  # communes and departments send to the province by the 17th
PROVINCE_DUE_DAY = 20  # the province sends to the Government Inspectorate by the 20th
REPORTING_KINDS = ("commune", "agency", "district")


def due_on(period_end: dt.date, day: int) -> dt.date:
    """The `day` of the period's last month (the month after, for a period ending after that day)."""
    if period_end.day <= day:
        return period_end.replace(day=day)
    year, month = (period_end.year + 1, 1) if period_end.month == 12 else (period_end.year, period_end.month + 1)
    return dt.date(year, month, min(day, _calendar.monthrange(year, month)[1]))


def _province(session: Session, actor: Actor, code: str) -> Unit:
    unit = metrics_service.unit_for(session, actor, code)
    if unit.kind != "province":
        raise BadRequest(f"{code} không phải tỉnh / {code} is not a province", {"fields": {"province": unit.kind}})
    return unit


def reporting_units(session: Session, province: Unit, on: dt.date) -> list[Unit]:
    """The units that send the province a report for a period ending `on`, in tree order."""
    return list(session.scalars(
        select(Unit).where(Unit.parent_id == province.id, Unit.kind.in_(REPORTING_KINDS),
                           (Unit.closed_on.is_(None)) | (Unit.closed_on > on))
        .order_by(Unit.id)
    ))


@dataclass(frozen=True)
class CalendarRow:
    """One reporting unit's report for the period: when due, when sent."""

    unit: Unit
    due_on: dt.date
    submission: ReportSubmission | None
    as_of: dt.date  # the day the calendar was read

    @property
    def status(self) -> str:
        """submitted (on time), late (sent after the due date), overdue (not sent, due date past), pending."""
        if self.submission is not None:
            sent_on = clock.local_date(self.submission.submitted_at)
            return "submitted" if sent_on <= self.due_on else "late"
        return "overdue" if self.as_of > self.due_on else "pending"


@dataclass(frozen=True)
class ReportingCalendar:
    province: Unit
    period: Period
    units_due_on: dt.date
    province_due_on: dt.date
    rows: tuple[CalendarRow, ...]
    province_submission: ReportSubmission | None

    @property
    def missing(self) -> tuple[CalendarRow, ...]:
        """The units that have not sent their report."""
        return tuple(row for row in self.rows if row.submission is None)


def _submissions(session: Session, units: list[Unit], period: Period) -> dict[int, ReportSubmission]:
    found = session.scalars(select(ReportSubmission).where(
        ReportSubmission.unit_id.in_([u.id for u in units]), ReportSubmission.period_start == period.start,
        ReportSubmission.period_end == period.end))
    return {s.unit_id: s for s in found}


def reporting_calendar(session: Session, actor: Actor, province_code: str, period: str) -> ReportingCalendar:
    """When each reporting unit's report for the period is due, and who has sent theirs."""
    province = _province(session, actor, province_code)
    resolved = metrics_service.period_for(session, actor, province_code, period, OFFICIAL)
    units = reporting_units(session, province, resolved.end)
    sent = _submissions(session, [*units, province], resolved)
    unit_due = due_on(resolved.end, UNIT_DUE_DAY)
    return ReportingCalendar(province, resolved, unit_due, due_on(resolved.end, PROVINCE_DUE_DAY),
                             tuple(CalendarRow(u, unit_due, sent.get(u.id), clock.today()) for u in units),
                             sent.get(province.id))


def next_due(session: Session, actor: Actor, unit_code: str) -> ReportingCalendar | None:
    """The calendar of the unit's province for the official quarter whose reports are due next
    (the one running, or just ended while its reports are still due), or None when the actor may
    not see that province's calendar."""
    try:
        unit = metrics_service.unit_for(session, actor, unit_code)
        province = unit if unit.parent_id is None else session.get_one(Unit, unit.ancestor_ids[0])
        today = clock.today()
        for year in (today.year, today.year + 1):
            for quarter in (1, 2, 3, 4):
                token = f"{year}-Q{quarter}"
                period = metrics_service.period_for(session, actor, province.code, token, OFFICIAL)
                if due_on(period.end, PROVINCE_DUE_DAY) >= today:
                    return reporting_calendar(session, actor, province.code, token)
    except ServiceError:
        return None
    return None


def _jsonable(value: Value) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def submit_report(session: Session, actor: Actor, unit_code: str, period: str,
                  report_no: str | None = None) -> ReportSubmission:
    """Send a unit's report for the period: every form in force, for the unit with its tree. A
    report that does not add up is refused (422, with what `tracker report check` finds); a unit
    sends once per period (409)."""
    if not policy.may(actor, Operation.SUBMIT_REPORT):
        raise Forbidden(f"Vai trò {actor.role} không được gửi báo cáo / role {actor.role} may not send reports")
    checked = check_report(session, actor, unit_code, period)
    if not checked.ok:
        raise Refused("Báo cáo chưa khớp số liệu / the report does not add up: "
                      + "; ".join(f.message for f in checked.findings[:10]),
                      {"findings": [f.message for f in checked.findings]})
    unit = metrics_service.unit_for(session, actor, unit_code)
    figures = {}
    for layout in forms_in_force(checked.period.end):
        table = form_table(session, layout, unit, True, checked.period)
        figures[layout.key] = [_jsonable(v) for v in table.total.values]
    submission = ReportSubmission(unit=unit, period_start=checked.period.start, period_end=checked.period.end,
                                  report_no=report_no, figures=figures, submitted_at=clock.now(),
                                  submitted_by_id=actor.id)
    try:
        with session.begin_nested():
            session.add(submission)
            session.flush()
    except IntegrityError as error:
        raise Conflict(f"{unit.code} đã gửi báo cáo kỳ này / {unit.code} already sent its report for this period") from error
    return submission


def _sent_values(submission: ReportSubmission, layout: FormLayout) -> list[Value] | None:
    stored = (submission.figures or {}).get(layout.key)
    if stored is None or len(stored) != len(layout.columns):
        return None
    return [Decimal(v) if isinstance(v, str) else v for v in stored]


def consolidated_table(session: Session, actor: Actor, province_code: str, period: str, form: str) -> Table:
    """The province's consolidated form for the period: its own records, then one row per
    reporting unit with the figures it sent (or, not sent yet, the tracker's, marked so), the totals."""
    calendar = reporting_calendar(session, actor, province_code, period)
    try:
        layout = layout_for(form, calendar.period.end)
    except LookupError as error:
        raise BadRequest(str(error), {"fields": {"form": form}}) from error
    own = form_table(session, layout, calendar.province, False, calendar.period)
    rows = [Row(calendar.province.code, f"{calendar.province.name} (trực tiếp)", own.rows[0].values)]
    missing = []
    for entry in calendar.rows:
        sent = _sent_values(entry.submission, layout) if entry.submission is not None else None
        if sent is not None:
            rows.append(Row(entry.unit.code, entry.unit.name, sent))
            continue
        live = form_table(session, layout, entry.unit, True, calendar.period).total.values
        rows.append(Row(entry.unit.code, f"{entry.unit.name} (chưa gửi báo cáo)", live))
        missing.append(entry.unit.name)
    total: list[Value] = [sum((r.values[i] or 0 for r in rows), start=0) for i in range(len(layout.columns))]
    notes = list(own.notes)
    notes.append(f"Báo cáo tổng hợp của {calendar.province.name}: {len(calendar.rows) - len(missing)}/{len(calendar.rows)} "
                 f"đơn vị đã gửi báo cáo (hạn {calendar.units_due_on:%d/%m/%Y}); hạn gửi Thanh tra Chính phủ "
                 f"{calendar.province_due_on:%d/%m/%Y}.")
    if missing:
        notes.append("Chưa gửi báo cáo, số liệu lấy từ hệ thống / not sent yet, the tracker's figures: " + ", ".join(missing))
    columns: list[Column] = own.columns
    return Table(sheet=own.sheet, reporting_unit=calendar.province.name, form_label=own.form_label, title=own.title,
                 data_line=own.data_line, unit_heading=own.unit_heading, columns=columns, rows=rows,
                 total=Row("", "Tổng cộng", total), notes=notes, attached_line=own.attached_line)


def consolidated_report(session: Session, actor: Actor, province_code: str, period: str, form: str, fmt: str,
                        stream: IO[bytes]) -> ReportFile:
    """Write the consolidated form as xlsx or csv."""
    if fmt not in CONTENT_TYPES:
        raise BadRequest(f"Định dạng không hỗ trợ / unknown format {fmt!r}", {"fields": {"format": list(CONTENT_TYPES)}})
    table = consolidated_table(session, actor, province_code, period, form)
    (write_xlsx if fmt == "xlsx" else write_csv)(table, stream)
    resolved = metrics_service.period_for(session, actor, province_code, period, OFFICIAL)
    layout = layout_for(form, resolved.end)
    name = f"{province_code}_tong-hop_{layout.key.replace('/', '-').replace(':', '-')}_{resolved.slug}.{fmt}"
    return ReportFile(name, CONTENT_TYPES[fmt], layout.key, resolved.start, resolved.end, len(table.rows))


__all__ = ["CalendarRow", "ReportingCalendar", "consolidated_report", "consolidated_table", "due_on", "reporting_calendar",
           "reporting_units", "submit_report"]
