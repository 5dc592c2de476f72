"""Checking a period's report before it is sent (`tracker report check` over HTTP): every sum rule,
inequality and cross-form rule of the forms in force, in every row."""
from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import ConfigDict, Field

from tracker.api import out
from tracker.api.blueprint import api
from tracker.api.metrics import Subunits
from tracker.api.queries import Query
from tracker.boundary import request_session
from tracker.metrics.periods import SYNTAX as PERIOD_SYNTAX
from tracker.models import User
from tracker.schemas import UnitCode
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
