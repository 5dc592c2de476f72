"""Reports for a unit and period (DOMAIN.md §8): the official periodic forms (01/TCD, 01/XLD,
01/KQGQ, 03/KQGQ) laid out as the forms are, and the tracker's own figures, as Excel or CSV,
written to a stream; and exports of the records behind a count. Anyone may produce them for a
unit in their area; an the operator at the command line acts as policy.SYSTEM.

Period tokens (tracker.metrics.periods): for the official forms a bare token is an official
reporting period (2026-H1 = 15/12/2025-14/06/2026); for the tracker's figures a calendar one.
`official:` or `calendar:` in front of a token chooses explicitly.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import IO

from sqlalchemy.orm import Session

from tracker.auth.policy import Actor
from tracker.metrics.by_unit import compute
from tracker.metrics.figures import Window
from tracker.metrics.periods import CALENDAR, OFFICIAL, Period
from tracker.reports.check import Finding, check_tables
from tracker.reports.layout import form_codes, forms_in_force, layout_for
from tracker.reports.table import Table, figures_table, form_table
from tracker.reports.writers import write_csv, write_rows_csv, write_rows_xlsx, write_xlsx
from tracker.services import metrics as metrics_service
from tracker.services.errors import BadRequest

FIGURES_FORM = "figures"
CONTENT_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv; charset=utf-8"}


@dataclass(frozen=True)
class ReportFile:
    """What was written: a suggested file name, its content type, what it holds."""

    filename: str
    content_type: str
    form: str  # "01/XLD:2021", "figures", or the figure of a drill-down export
    start: dt.date
    end: dt.date
    rows: int


def forms() -> tuple[str, ...]:
    """The reports there are: the official forms, then the tracker's own figures."""
    return (*form_codes(), FIGURES_FORM)


def _check_format(fmt: str) -> None:
    if fmt not in CONTENT_TYPES:
        raise BadRequest(f"Định dạng không hỗ trợ / unknown format {fmt!r}: one of {', '.join(CONTENT_TYPES)}",
                         {"fields": {"format": list(CONTENT_TYPES)}})


def build_report(session: Session, actor: Actor, unit_code: str, period: str, form: str,
                 subunits: bool = True) -> tuple[Table, Period, str]:
    """The report as a Table, the period it covers and the form version used."""
    official = form != FIGURES_FORM
    if official and form.partition(":")[0] not in form_codes():
        raise BadRequest(f"Không có biểu mẫu {form} / no form {form}: one of {', '.join(forms())}", {"fields": {"form": forms()}})
    resolved = metrics_service.period_for(session, actor, unit_code, period, OFFICIAL if official else CALENDAR)
    unit = metrics_service.unit_for(session, actor, unit_code)
    if not official:
        metrics = compute(session, unit, Window.of(resolved.start, resolved.end), subunits)
        return figures_table(metrics, resolved), resolved, FIGURES_FORM
    try:
        layout = layout_for(form, resolved.end)
    except LookupError as error:
        raise BadRequest(str(error), {"fields": {"form": form}}) from error
    return form_table(session, layout, unit, subunits, resolved), resolved, layout.key


def report(session: Session, actor: Actor, unit_code: str, period: str, form: str, fmt: str, stream: IO[bytes],
           subunits: bool = True) -> ReportFile:
    """Write the report `form` ("01/TCD", "01/XLD", "01/KQGQ", "03/KQGQ", a version as
    "01/XLD:2021", or "figures") for a unit (and, with subunits, one row per unit below it) over
    the period a token names, as `fmt` ("xlsx" or "csv"), to a binary stream."""
    _check_format(fmt)
    table, resolved, version = build_report(session, actor, unit_code, period, form, subunits)
    (write_xlsx if fmt == "xlsx" else write_csv)(table, stream)
    name = f"{unit_code}_{version.replace('/', '-').replace(':', '-')}_{resolved.slug}.{fmt}"
    return ReportFile(name, CONTENT_TYPES[fmt], version, resolved.start, resolved.end, len(table.rows))


@dataclass(frozen=True)
class ReportCheck:
    """What `check_report` found: the forms of the report, the period, and every rule that fails."""

    unit: str
    period: Period
    forms: tuple[str, ...]
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        """True when every rule holds."""
        return not self.findings


def check_report(session: Session, actor: Actor, unit_code: str, period: str, subunits: bool = True) -> ReportCheck:
    """Make every form in force for the period (official periods by default) for the unit and
    its units, and check each form's sum rules and inequalities in every row, and the
    cross-form rules between them (tracker.reports.check)."""
    resolved = metrics_service.period_for(session, actor, unit_code, period, OFFICIAL)
    unit = metrics_service.unit_for(session, actor, unit_code)
    layouts = forms_in_force(resolved.end)
    tables = [(layout, form_table(session, layout, unit, subunits, resolved)) for layout in layouts]
    return ReportCheck(unit.code, resolved, tuple(layout.key for layout in layouts), tuple(check_tables(tables)))


def export_drilldown(session: Session, actor: Actor, unit_code: str, date_from: dt.date, date_to: dt.date,
                     subunits: bool, group: str, figure: str, fmt: str, stream: IO[bytes],
                     row_unit: str | None = None) -> ReportFile:
    """Every record behind one count, streamed to an xlsx or csv file with bounded memory."""
    _check_format(fmt)
    found, header, rows = metrics_service.drilldown_rows(session, actor, unit_code, date_from, date_to, subunits, group,
                                                         figure, row_unit)
    count = (write_rows_xlsx(found.path, header, rows, stream) if fmt == "xlsx" else write_rows_csv(header, rows, stream))
    name = f"{unit_code}_{found.path}_{date_from.isoformat()}_{date_to.isoformat()}.{fmt}"
    return ReportFile(name, CONTENT_TYPES[fmt], found.path, date_from, date_to, count)
