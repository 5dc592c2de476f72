"""Checking a period's report before it is sent (`tracker report check` over HTTP): every sum rule,
inequality and cross-form rule of the forms in force, in every row; sending it, the province's
reporting calendar and its consolidated report (tracker.services.reporting_calendar)."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from flask import Response
from pydantic import ConfigDict, Field

from tracker.api import out
from tracker.api.blueprint import api
from tracker.api.metrics import FILE_MEDIA, Subunits, _file
from tracker.api.queries import Query
from tracker.boundary import request_session
from tracker.metrics.periods import SYNTAX as PERIOD_SYNTAX
from tracker.models import User
from tracker.schemas import Input, OptionalText, UnitCode
from tracker.services import reporting_calendar as calendar_service
from tracker.services import reports as report_service

TAG = "metrics"


class CheckQuery(Query):
    unit: UnitCode = Field(description="The reporting unit: its own row and one row per unit below it.")
    period: Annotated[str, Field(max_length=40, pattern=PERIOD_SYNTAX, description=(
        "A period token (`2026-Q1`...), read as the official reporting period unless prefixed `calendar:`."))]
    subunits: Subunits = True


class FindingOut(out.Out):
    form: str = Field(description="The form and version, e.g. `03/GQKN:2025`.")
    unit: str = Field(description="The row's unit code; empty for the totals row.")
    unit_name: str
    rule: str = Field(description="As the form writes it: `2 = 3 + 4 + 5 + 6`, `1 >= 2`, `1 = 02/XLD 6`.")
    columns: dict[str, int | float] = Field(description="The values the rule read, by column (or `FORM column`).")
    message: str


class CheckOut(out.Out):
    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True, validate_by_alias=True)
    unit: str
    date_from: dt.date = Field(alias="from")
    date_to: dt.date = Field(alias="to")
    forms: list[str]
    ok: bool
    findings: list[FindingOut]


@api.route("GET", "/reports/check", tag=TAG, query=CheckQuery, errors=(403, 422),
           summary="Check a period's report: sum rules, inequalities and cross-form rules in every row",
           responses={200: (CheckOut, "The forms checked and every rule that does not hold (none when `ok`).")})
def check_report(actor: User, query: CheckQuery) -> CheckOut:
    """400: a period that is not a token; 403: the unit is outside your area; 422: no such unit or period."""
    result = report_service.check_report(request_session(), actor, query.unit, query.period, query.subunits)
    return CheckOut.model_validate({
        "unit": result.unit, "from": result.period.start, "to": result.period.end, "forms": list(result.forms), "ok": result.ok,
        "findings": [{"form": f.form, "unit": f.unit_code, "unit_name": f.unit, "rule": f.rule,
                      "columns": {k: float(v) if not isinstance(v, int) else v for k, v in f.columns.items()},
                      "message": f.message} for f in result.findings],
    })


class SubmissionIn(Input):
    unit: UnitCode
    period: Annotated[str, Field(max_length=40, pattern=PERIOD_SYNTAX)]
    report_no: OptionalText(100) = None  # type: ignore[valid-type]


class SubmissionOut(out.Out):
    unit: str
    period_start: dt.date
    period_end: dt.date
    report_no: str | None
    submitted_at: dt.datetime
    forms: list[str]


@api.route("POST", "/reports/submissions", tag=TAG, body=SubmissionIn, errors=(403, 409, 422),
           summary="Send a unit's report for a period to the province (leader, admin)",
           responses={201: (SubmissionOut, "What was sent: every form in force, the unit with its tree.")})
def submit_report(actor: User, body: SubmissionIn) -> SubmissionOut:
    """422: the report does not add up (the details list what `tracker report check` finds); 409: already sent."""
    sent = calendar_service.submit_report(request_session(), actor, body.unit, body.period, body.report_no)
    return SubmissionOut(unit=body.unit, period_start=sent.period_start, period_end=sent.period_end, report_no=sent.report_no,
                         submitted_at=sent.submitted_at, forms=list(sent.figures))


class CalendarQuery(Query):
    province: UnitCode
    period: Annotated[str, Field(max_length=40, pattern=PERIOD_SYNTAX, description="An official period token, e.g. `2026-Q1`.")]


class CalendarRowOut(out.Out):
    unit: str
    name: str
    kind: str
    due_on: dt.date
    status: str = Field(description="`submitted` (on time), `late`, `overdue` (not sent, past due) or `pending`.")
    submitted_at: dt.datetime | None


class CalendarOut(out.Out):
    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True, validate_by_alias=True)
    province: str
    date_from: dt.date = Field(alias="from")
    date_to: dt.date = Field(alias="to")
    units_due_on: dt.date
    province_due_on: dt.date
    province_submitted_at: dt.datetime | None
    units: list[CalendarRowOut]
    missing: list[str]


@api.route("GET", "/reports/calendar", tag=TAG, query=CalendarQuery, errors=(403, 422),
           summary="A province's reporting calendar for a period: due dates, who has sent",
           responses={200: (CalendarOut, "Units report by the 17th of the period's last month, the province by the 20th.")})
def reporting_calendar(actor: User, query: CalendarQuery) -> CalendarOut:
    """400: not a province or not a period; 403: outside your area."""
    found = calendar_service.reporting_calendar(request_session(), actor, query.province, query.period)
    return CalendarOut.model_validate({
        "province": found.province.code, "from": found.period.start, "to": found.period.end,
        "units_due_on": found.units_due_on, "province_due_on": found.province_due_on,
        "province_submitted_at": found.province_submission.submitted_at if found.province_submission else None,
        "units": [{"unit": r.unit.code, "name": r.unit.name, "kind": r.unit.kind, "due_on": r.due_on, "status": r.status,
                   "submitted_at": r.submission.submitted_at if r.submission else None} for r in found.rows],
        "missing": [r.unit.code for r in found.missing],
    })


class ConsolidatedQuery(Query):
    province: UnitCode
    period: Annotated[str, Field(max_length=40, pattern=PERIOD_SYNTAX)]
    form: Annotated[str, Field(max_length=30, pattern=r"^[0-9]{2}/[A-Z]{2,8}(:[0-9]{4})?$", description="e.g. `02/XLD`.")]
    format: Literal["xlsx", "csv"] = "xlsx"


@api.route("GET", "/reports/consolidated", tag=TAG, query=ConsolidatedQuery, errors=(403, 422), media={200: FILE_MEDIA},
           summary="A province's consolidated form: its units' figures as they sent them",
           responses={200: (None, "The form: the province's own row, one row per reporting unit, the totals.")})
def consolidated_report(actor: User, query: ConsolidatedQuery) -> Response:
    """400: not a province, an unknown form or period; 403: outside your area."""
    return _file(lambda stream: calendar_service.consolidated_report(request_session(), actor, query.province, query.period,
                                                                     query.form, query.format, stream))
