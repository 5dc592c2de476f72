"""The leaders' dashboard: every figure of DOMAIN.md §7 for a unit of the user's area and a
period, one row per unit below it, each count opening the records behind it, each figure's
definition in the words the reports use, and the periodic reports to download.

The page only parses what the user chose and calls the metrics services; refusals (a unit
outside the area, a period that names none) are shown on the page, never as a crash.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from typing import Any

from flask import Response, redirect, render_template, request, send_file, url_for
from flask_babel import gettext
from flask_login import current_user

from tracker import clock
from tracker.auth import policy
from tracker.boundary import request_session
from tracker.metrics.figures import Figure, Kind
from tracker.metrics.periods import CALENDAR, OFFICIAL
from tracker.models import Unit
from tracker.models.units import BOARD_KINDS
from tracker.reports.writers import write_rows_csv, write_rows_xlsx
from tracker.services import admin, reporting_calendar
from tracker.services import metrics as metrics_service
from tracker.services import reports as report_service
from tracker.services.errors import ServiceError
from tracker.services.reports import CONTENT_TYPES
from tracker.web import charts
from tracker.web.blueprint import bp
from tracker.web.i18n import _n, kind_label, state_label, unit_kind_label, words

GROUPS = (("cases", "Đơn thư", "Petitions"), ("dialogues", "Đối thoại", "Dialogues"),
          ("supervisions", "Giám sát", "Supervision"))
PARTS = (("", "Cả năm", "Year"), ("H1", "6 tháng đầu năm", "First half"), ("H2", "6 tháng cuối năm", "Second half"),
         ("9M", "9 tháng", "Nine months"), ("Q1", "Quý I", "Q1"), ("Q2", "Quý II", "Q2"), ("Q3", "Quý III", "Q3"),
         ("Q4", "Quý IV", "Q4"))
SCHEMES = ((CALENDAR, "Theo lịch", "Calendar"), (OFFICIAL, "Kỳ báo cáo (15 đến 14)", "Official (15th to 14th)"))


@dataclass(frozen=True)
class Choice:
    """What the user asked for, as read from the query string."""

    unit: str
    year: int
    part: str
    scheme: str
    subunits: bool

    @property
    def token(self) -> str:
        return f"{self.scheme}:{self.year}" + (f"-{self.part}" if self.part else "")


def _choice() -> Choice:
    args = request.args
    year = args.get("year", "")
    part = args.get("part", "")
    scheme = args.get("scheme", CALENDAR)
    return Choice(
        unit=(args.get("unit") or policy.area_root(current_user).code)[:50],
        year=int(year) if year.isdigit() and 1900 <= int(year) <= 2199 else clock.today().year,
        part=part if part in {p for p, _, _ in PARTS} else "",
        scheme=scheme if scheme in (CALENDAR, OFFICIAL) else CALENDAR,
        subunits=args.get("subunits", "true") != "false",
    )


def _figures() -> dict[str, list[Figure]]:
    return {group: [f for f in metrics_service.definitions() if f.group == group] for group, _, _ in GROUPS}


@bp.get("/dashboard")
def dashboard() -> Response | str | tuple[str, int]:
    """The figures of a unit for a period, with their definitions and the reports."""
    if not current_user.is_authenticated:
        return redirect(url_for("web.login", next=request.full_path))
    session = request_session()
    choice = _choice()
    context: dict[str, Any] = {"choice": choice, "groups": GROUPS, "figures": _figures(), "parts": PARTS,
                               "schemes": SCHEMES, "forms": report_service.forms(), "Kind": Kind,
                               "units": _units_in_area(session)}
    try:
        period = metrics_service.period_for(session, current_user, choice.unit, choice.token)
        result = metrics_service.metrics(session, current_user, choice.unit, period.start, period.end, choice.subunits)
    except ServiceError as refused:
        return render_template("dashboard.html", error=refused.message, **context), refused.status
    charts = _charts(session, choice, result)
    reporting = reporting_calendar.next_due(session, current_user, choice.unit)
    return render_template("dashboard.html", period=period, result=result, charts=charts, reporting=reporting, **context)


# The month-by-month trend: received, resolved, resolved on time, and overdue at each month's end.
TREND = (("cases.received", "trend-received"), ("cases.resolved", "trend-resolved"),
         ("cases.resolved_on_time", "trend-on-time"), ("cases.overdue_open", "trend-overdue"))
UNITS_CHARTED = 15
COMPARED = (("cases.received", "trend-received"), ("cases.resolved", "trend-resolved"), ("cases.overdue_open", "trend-overdue"))


def _records_link(choice: Choice, path: str, start: dt.date, end: dt.date, row: str | None = None) -> str:
    # No `row` for the totals: the drill-down then lists the whole count.
    return url_for("web.drilldown", unit=choice.unit, subunits="true" if choice.subunits else "false", figure=path, row=row,
                   **{"from": start.isoformat(), "to": end.isoformat()})


def _charts(session: Any, choice: Choice, result: Any) -> dict[str, Any]:
    """The trend, the settled-on-the-spot share by month and the units compared, each point a
    link to the records behind it, with the numbers for the table beside each chart."""
    # A year still running is drawn up to today: a month to come has no figures yet.
    end = min(result.end, clock.today())
    months = metrics_service.monthly(session, current_user, choice.unit, result.start, end, choice.subunits) \
        if end >= result.start else []
    labels = [m.start.strftime("%m/%Y") for m in months]
    named = {f.path: f.label for f in metrics_service.definitions()}
    trend = [charts.Series(words(named[path]), style, [float(m.totals.value(path) or 0) for m in months],
                           [_records_link(choice, path, m.start, m.end) for m in months]) for path, style in TREND]
    share = charts.Series(words(named["dialogues.settled_on_spot_share"]), "trend-share",
                          [_as_float(m.totals.value("dialogues.settled_on_spot_share")) for m in months],
                          [_records_link(choice, "dialogues.settled_on_spot", m.start, m.end) for m in months])
    # A board is never a case's unit: its row would only ever hold zeros. Units with nothing to
    # show are left to the table; the busiest come first, at most UNITS_CHARTED of them.
    rows = [r for r in result.by_unit if r.unit.kind not in BOARD_KINDS and any(r.value(path) for path, _ in COMPARED)]
    rows.sort(key=lambda r: tuple(-(r.value(path) or 0) for path, _ in COMPARED))
    rows = rows[:UNITS_CHARTED]
    compared = [charts.Series(words(named[path]), style, [float(r.value(path) or 0) for r in rows],
                              [_records_link(choice, path, result.start, result.end, r.unit.code) for r in rows])
                for path, style in COMPARED]
    unit_labels = [r.unit.name + (f" ({gettext('own')})" if r.own and len(result.by_unit) > 1 else "") for r in rows]
    return {
        "labels": labels, "trend": charts.line_chart(labels, trend), "trend_series": trend,
        "share": charts.line_chart(labels, [share], percent=True), "share_series": share,
        "opinions": [m.totals.value("dialogues.opinions") for m in months],
        "units": charts.bar_chart(unit_labels, compared), "unit_labels": unit_labels, "unit_series": compared,
        "limit": UNITS_CHARTED,
    }


def _as_float(value: object) -> float | None:
    return float(value) if isinstance(value, (int, float)) else None


def _units_in_area(session: Any) -> list[Unit]:
    """The units the user may ask figures for, in tree order (boards report within their unit)."""
    units = [u for u in admin.list_units(session, current_user) if not u.is_board]
    return sorted(units, key=lambda u: (len(u.ancestor_ids), u.name))


DRILLDOWN_KEYS = ("unit", "from", "to", "subunits", "figure", "row")


def _drill_args() -> tuple[dt.date, dt.date, str, str] | None:
    """The period and the figure a drill-down link names; None when its dates are not dates."""
    args = request.args
    group, _, key = args.get("figure", "").partition(".")
    try:
        return dt.date.fromisoformat(args.get("from", "")), dt.date.fromisoformat(args.get("to", "")), group, key
    except ValueError:
        return None


@bp.get("/dashboard/records")
def drilldown() -> Response | str | tuple[str, int]:
    """The records behind one count of the dashboard (same unit, period and definition):
    numbered, units by name, days late filled in, the latest first, each case a link."""
    if not current_user.is_authenticated:
        return redirect(url_for("web.login", next=request.full_path))
    args = request.args
    page = int(args["page"]) if args.get("page", "").isdigit() and 0 < int(args["page"]) < 100_000 else 1
    asked = _drill_args()
    if asked is None:
        return render_template("drilldown.html", error="Ngày không hợp lệ / invalid dates", args=args), 400
    start, end, group, key = asked
    try:
        found = metrics_service.records(request_session(), current_user, args.get("unit", "")[:50], start, end,
                                        args.get("subunits", "true") != "false", group, key, today=clock.today(),
                                        page=page, per_page=50, row_unit=args.get("row") or None)
    except ServiceError as refused:
        return render_template("drilldown.html", error=refused.message, args=args), refused.status
    # Only the drill-down's own keys go back into links: url_for reads others (`_external`,
    # `_method`, `endpoint`...) as its own arguments.
    base = {k: args[k][:100] for k in DRILLDOWN_KEYS if k in args}
    pages = -(-found.total // found.per_page)
    previous = url_for("web.drilldown", **base, page=page - 1) if page > 1 else None
    following = url_for("web.drilldown", **base, page=page + 1) if page < pages else None
    rows = [(number, case_id, _in_words(found.columns, values)) for number, case_id, values in found.rows]
    return render_template("drilldown.html", found=found, args=args, base=base, pages=pages, previous=previous,
                           next=following, headings=headings(found.columns), rows=rows)


@bp.get("/dashboard/records.<any(xlsx, csv):fmt>")
def drilldown_download(fmt: str) -> Response | str | tuple[str, int]:
    """Every record behind a count as Excel or CSV, with the page's columns in the page's
    language (text a spreadsheet could run is made inert by the writers)."""
    if not current_user.is_authenticated:
        return redirect(url_for("web.login", next=request.full_path))
    args = request.args
    asked = _drill_args()
    if asked is None:
        return render_template("drilldown.html", error="Ngày không hợp lệ / invalid dates", args=args), 400
    start, end, group, key = asked
    unit = args.get("unit", "")[:50]
    try:
        found, columns, stream = metrics_service.all_records(
            request_session(), current_user, unit, start, end, args.get("subunits", "true") != "false", group, key,
            today=clock.today(), row_unit=args.get("row") or None)
    except ServiceError as refused:
        return render_template("drilldown.html", error=refused.message, args=args), refused.status
    header = [title for title in headings(columns)]
    rows = ((number, *_in_words(columns, values)) for number, values in stream)
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - send_file closes it
    if fmt == "xlsx":
        write_rows_xlsx(found.path, header, rows, spool)
    else:
        write_rows_csv(header, rows, spool)
    spool.seek(0)
    name = f"{unit}_{found.path}_{start.isoformat()}_{end.isoformat()}.{fmt}"
    return send_file(spool, mimetype=CONTENT_TYPES[fmt], as_attachment=True, download_name=name)


# Column headings of the records a drill-down lists (message ids; the catalogues translate them).
HEADINGS = {
    "number": _n("No."), "tracking_code": _n("Tracking code"), "kind": _n("Kind"), "state": _n("State"),
    "unit": _n("Unit"), "received_on": _n("Received"), "decided_on": _n("Decided"), "due_on": _n("Due"),
    "days_late": _n("Days late"), "subject": _n("Subject"), "days": _n("Days"), "held_on": _n("Held on"),
    "chair": _n("Chair"), "topic": _n("Topic"), "year": _n("Year"), "planned_sessions": _n("Planned sessions"),
    "started_on": _n("Started"), "ended_on": _n("Ended"), "name": _n("Name"),
}


def headings(columns: tuple[str, ...]) -> list[str]:
    """The row number's heading, then each column's, in the page's language."""
    return [gettext(HEADINGS[name]) for name in ("number", *columns)]


def _in_words(columns: tuple[str, ...], values: tuple[object, ...]) -> list[object]:
    """A case's kind and state, a unit's kind, in the page's language."""
    named = dict(zip(columns, values, strict=True))
    if "state" in named and isinstance(named.get("kind"), str):
        kind = str(named["kind"])
        named["state"] = state_label(kind, str(named["state"]))
        named["kind"] = kind_label(kind)
    elif "kind" in named:
        named["kind"] = unit_kind_label(str(named["kind"]))
    return [named[name] for name in columns]
