"""Figures, the records behind them, and the periodic reports (API.md "Metrics"; DOMAIN.md §7, §8).

Every figure is computed in SQL by `tracker.services.metrics`; its definition is written once,
beside its query, and served here (GET /metrics/definitions) as on the dashboard. Reports and
drill-down exports are written by `tracker.services.reports` to a spooled file (memory up to a
few MiB, then disk), so a large export never sits whole in memory.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from typing import Annotated, Any, Literal

from flask import Response, send_file
from pydantic import BeforeValidator, ConfigDict, Field

from tracker.api import out
from tracker.api.blueprint import api
from tracker.api.queries import PageQuery, Query, QueryDate, _boolean
from tracker.boundary import request_session
from tracker.metrics.drilldown import CaseItem, PlanItem, SessionItem, SupervisionItem, UnitItem
from tracker.metrics.figures import Kind
from tracker.metrics.periods import SYNTAX as PERIOD_SYNTAX
from tracker.metrics.results import CaseFigures, DialogueFigures, SupervisionFigures, to_json
from tracker.models import User
from tracker.reports.layout import all_layouts
from tracker.schemas import UnitCode
from tracker.services import metrics as metrics_service
from tracker.services import reports as report_service
from tracker.services.errors import Refused

TAG = "metrics"
SPOOL_BYTES = 4 * 1024 * 1024
Subunits = Annotated[bool, Field(description="`true` (default): the unit with its whole tree; `false`: its own records."),
                     BeforeValidator(_boolean)]
FORMS = (*report_service.forms(), *(layout.key for layout in all_layouts()))
COUNTS = tuple(f.path for f in metrics_service.definitions() if f.kind is not Kind.SHARE)
FILE_MEDIA = {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"type": "string", "format": "binary"},
              "text/csv": {"type": "string"}}


class MetricsQuery(Query):
    unit: UnitCode = Field(description="The unit the figures are for (inside your area).")
    date_from: QueryDate = Field(alias="from", description="First day of the period, inclusive (YYYY-MM-DD).")
    date_to: QueryDate = Field(alias="to", description="Last day of the period, inclusive (YYYY-MM-DD).")
    subunits: Subunits = True


class FiguresQuery(Query):
    unit: UnitCode = Field(description="The unit the figures are for (inside your area).")
    date_from: QueryDate | None = Field(default=None, alias="from", description="First day of the period, inclusive (YYYY-MM-DD).")
    date_to: QueryDate | None = Field(default=None, alias="to", description="Last day of the period, inclusive (YYYY-MM-DD).")
    period: Annotated[str, Field(max_length=40, pattern=PERIOD_SYNTAX, description=(
        "Instead of `from` and `to`: a period token as the reports take it (`2026`, `2026-Q3`, `2026-H1`, `2026-9M`, "
        "`2026-07`, `2026-01-01..2026-03-31`), a calendar period unless prefixed `official:`."))] | None = None
    subunits: Subunits = True


class Row(out.Out):
    """The figures of one unit: its own records (`own`), or a direct child with its whole tree."""

    unit: str
    name: str
    own: bool
    cases: CaseFigures
    dialogues: DialogueFigures
    supervisions: SupervisionFigures


class MetricsOut(out.Out):
    """API.md's metrics document; shares are in [0, 1] or null when their denominator is 0."""

    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True, validate_by_alias=True)

    unit: str
    date_from: dt.date = Field(alias="from")
    date_to: dt.date = Field(alias="to")
    subunits: bool
    cases: CaseFigures
    dialogues: DialogueFigures
    supervisions: SupervisionFigures
    by_unit: list[Row] = Field(description="One row for the unit's own records and, with subunits, one per direct child; "
                                           "counts add up to the totals.")


@api.route("GET", "/metrics", tag=TAG, query=FiguresQuery, errors=(403, 422),
           summary="Every figure for a unit and a period, with per-unit rows",
           responses={200: (MetricsOut, "The figures (definitions: GET /metrics/definitions).")})
def get_metrics(actor: User, query: FiguresQuery) -> MetricsOut:
    """The period is `from` and `to`, or a `period` token (one of the two, 422 otherwise). 403: the unit is
    outside your area; 422: no such unit, or a token that names no period; 400: `to` before `from`."""
    session = request_session()
    if query.period is not None:
        if query.date_from is not None or query.date_to is not None:
            raise Refused("Chọn kỳ hoặc từ ngày, đến ngày, không cả hai / give `period` or `from` and `to`, not both",
                          {"fields": {"period": "with from/to"}})
        period = metrics_service.period_for(session, actor, query.unit, query.period)
        start, end = period.start, period.end
    elif query.date_from is None or query.date_to is None:
        raise Refused("Cần kỳ (period) hoặc từ ngày và đến ngày / give `period`, or both `from` and `to`",
                      {"fields": {"period": "required without from and to"}})
    else:
        start, end = query.date_from, query.date_to
    result = metrics_service.metrics(session, actor, query.unit, start, end, query.subunits)
    return MetricsOut.model_validate(to_json(result))


class Definition(out.Out):
    group: str
    figure: str
    kind: str
    label: dict[str, str]
    definition: dict[str, str] = Field(description="What is counted, the date that puts it in a period, the unit it "
                                                   "belongs to, the denominator: in Vietnamese (`vi`) and English (`en`).")
    numerator: str | None
    denominator: str | None
    drilldown: str | None = Field(description="What the drill-down lists: case, dialogue, plan, supervision, unit.")


class DefinitionList(out.Out):
    items: list[Definition]


@api.route("GET", "/metrics/definitions", tag=TAG, summary="How each figure is defined",
           responses={200: (DefinitionList, "Every figure, in document order.")})
def get_definitions(actor: User) -> DefinitionList:
    """The same words the dashboard and the reports' definitions sheet show."""
    return DefinitionList(items=[Definition(**d) for d in metrics_service.definitions_document()])


class DrilldownQuery(MetricsQuery, PageQuery):
    figure: Literal[COUNTS] = Field(description="The count to open, as `group.figure` (a share: open its numerator "  # type: ignore[valid-type]
                                                "or denominator).")
    row: UnitCode | None = Field(default=None, description="A by_unit row (the unit or a direct child): only that row's records.")


class DrilldownOut(out.Out):
    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True, validate_by_alias=True)

    unit: str
    row: str | None
    date_from: dt.date = Field(alias="from")
    date_to: dt.date = Field(alias="to")
    subunits: bool
    group: str
    figure: str
    record: str
    definition: dict[str, str]
    total: int
    page: int
    per_page: int
    items: list[CaseItem | SessionItem | PlanItem | SupervisionItem | UnitItem] = Field(
        description="The records behind the count. Cases carry no petitioner, and a denunciation no subject.")


def _drill_args(query: DrilldownQuery) -> tuple[Any, ...]:
    group, figure = query.figure.split(".", 1)
    return query.unit, query.date_from, query.date_to, query.subunits, group, figure


@api.route("GET", "/metrics/drilldown", tag=TAG, query=DrilldownQuery, errors=(403, 422),
           summary="The records behind one count (same filters, same definition)",
           responses={200: (DrilldownOut, "One page of the cases, sessions, plans, supervisions or units counted.")})
def get_drilldown(actor: User, query: DrilldownQuery) -> DrilldownOut:
    """`total` equals the count in GET /metrics with the same unit, dates and subunits (or that row's)."""
    unit, start, end, subunits, group, figure = _drill_args(query)
    page = metrics_service.drilldown(request_session(), actor, unit, start, end, subunits, group, figure,
                                     page=query.page, per_page=query.per_page, row_unit=query.row)
    return DrilldownOut.model_validate(page.to_json())


Format = Annotated[Literal["xlsx", "csv"], Field(description="`xlsx` (Excel) or `csv` (UTF-8 with BOM).")]


class ExportQuery(MetricsQuery):
    figure: Literal[COUNTS] = Field(description="The count to export, as `group.figure`.")  # type: ignore[valid-type]
    row: UnitCode | None = None
    format: Format = "xlsx"


def _file(write: Any) -> Response:
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - send_file closes it
    made = write(spool)
    spool.seek(0)
    return send_file(spool, mimetype=made.content_type, as_attachment=True, download_name=made.filename)


@api.route("GET", "/metrics/drilldown/export", tag=TAG, query=ExportQuery, errors=(403, 422),
           summary="Every record behind one count, as a file", media={200: FILE_MEDIA},
           responses={200: (None, "The records, one per row.")})
def export_drilldown(actor: User, query: ExportQuery) -> Response:
    """Written in batches to a write-only workbook or CSV, whatever the number of records."""
    group, figure = query.figure.split(".", 1)
    return _file(lambda stream: report_service.export_drilldown(
        request_session(), actor, query.unit, query.date_from, query.date_to, query.subunits, group, figure, query.format,
        stream, row_unit=query.row))


class ReportQuery(Query):
    unit: UnitCode = Field(description="The reporting unit: one row per unit below it, then the totals.")
    period: Annotated[str, Field(max_length=40, pattern=PERIOD_SYNTAX, description=(
        "`2026`, `2026-H1`, `2026-Q2`, `2026-9M`, `2026-03` or `2026-01-01..2026-06-30`. Official forms read a bare "
        "token as the official reporting period (15th to 14th, the province's presets); `figures` as a calendar period. "
        "Prefix `official:` or `calendar:` to choose. A token of this shape that names no period is a 422."))]
    form: Literal[FORMS] = Field(description=(  # type: ignore[valid-type]
        "`01/TCD`, `01/XLD`, `01/KQGQ`, `03/KQGQ` (the version in force at the period's end, or one named as "
        "`CODE:VERSION`), or `figures` for the tracker's own figures (definitions on a second sheet)."))
    format: Format = "xlsx"
    subunits: Subunits = True


@api.route("GET", "/reports", tag=TAG, query=ReportQuery, errors=(403, 422), media={200: FILE_MEDIA},
           summary="A periodic report: an official form or the tracker's figures",
           responses={200: (None, "The report, laid out as the form (title, period line, headings, MS row, rows, totals).")})
def get_report(actor: User, query: ReportQuery) -> Response:
    """400: an unknown form, period or format; 403: the unit is outside your area; 422: no such unit."""
    return _file(lambda stream: report_service.report(request_session(), actor, query.unit, query.period, query.form,
                                                      query.format, stream, query.subunits))


class FormList(out.Out):
    items: list[str]


@api.route("GET", "/reports/forms", tag=TAG, summary="The reports there are",
           responses={200: (FormList, "Official forms, then `figures`.")})
def list_forms(actor: User) -> FormList:
    """Each official form as its code; a version may be asked for as `CODE:YEAR`."""
    return FormList(items=list(report_service.forms()))
