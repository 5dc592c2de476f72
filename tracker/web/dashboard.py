"""The leaders' dashboard: every figure of DOMAIN.md §7 for a unit of the user's area and a
period, one row per unit below it, each count opening the records behind it, each figure's
definition in the words the reports use, and the periodic reports to download.

The page only parses what the user chose and calls the metrics services; refusals (a unit
outside the area, a period that names none) are shown on the page, never as a crash.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from flask import Response, redirect, render_template, request, url_for
from flask_login import current_user

from tracker import clock
from tracker.auth import policy
from tracker.boundary import request_session
from tracker.metrics.drilldown import CaseItem
from tracker.metrics.figures import Figure, Kind
from tracker.metrics.periods import CALENDAR, OFFICIAL
from tracker.models import Unit
from tracker.services import admin
from tracker.services import metrics as metrics_service
from tracker.services import reports as report_service
from tracker.services.errors import ServiceError
from tracker.web.blueprint import bp
from tracker.web.i18n import kind_label, state_label

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
    return render_template("dashboard.html", period=period, result=result, **context)


def _units_in_area(session: Any) -> list[Unit]:
    """The units the user may ask figures for, in tree order (boards report within their unit)."""
    units = [u for u in admin.list_units(session, current_user) if not u.is_board]
    return sorted(units, key=lambda u: (len(u.ancestor_ids), u.name))


DRILLDOWN_KEYS = ("unit", "from", "to", "subunits", "figure", "row")


@bp.get("/dashboard/records")
def drilldown() -> Response | str | tuple[str, int]:
    """The records behind one count of the dashboard: same unit, period and definition."""
    if not current_user.is_authenticated:
        return redirect(url_for("web.login", next=request.full_path))
    args = request.args
    figure = args.get("figure", "")
    group, _, key = figure.partition(".")
    page = int(args["page"]) if args.get("page", "").isdigit() and 0 < int(args["page"]) < 100_000 else 1
    try:
        start, end = dt.date.fromisoformat(args.get("from", "")), dt.date.fromisoformat(args.get("to", ""))
    except ValueError:
        return render_template("drilldown.html", error="Ngày không hợp lệ / invalid dates", args=args), 400
    try:
        found = metrics_service.drilldown(request_session(), current_user, args.get("unit", "")[:50], start, end,
                                          args.get("subunits", "true") != "false", group, key, page=page, per_page=50,
                                          row_unit=args.get("row") or None)
    except ServiceError as refused:
        return render_template("drilldown.html", error=refused.message, args=args), refused.status
    headings, rows = _table(found.items)
    # Only the drill-down's own keys go back into links: url_for reads others (`_external`,
    # `_method`, `endpoint`...) as its own arguments.
    base = {k: args[k][:100] for k in DRILLDOWN_KEYS if k in args}
    pages = -(-found.total // found.per_page)
    previous = url_for("web.drilldown", **base, page=page - 1) if page > 1 else None
    following = url_for("web.drilldown", **base, page=page + 1) if page < pages else None
    return render_template("drilldown.html", found=found, args=args, base=base, pages=pages, previous=previous, next=following,
                           headings=headings, rows=rows)


# Column headings of the records a drill-down lists, Vietnamese then English.
HEADINGS = {
    "id": ("Số", "No."), "tracking_code": ("Mã tra cứu", "Tracking code"), "kind": ("Loại", "Kind"),
    "state": ("Trạng thái", "State"), "unit": ("Đơn vị", "Unit"), "received_on": ("Ngày nhận", "Received"),
    "accepted_on": ("Ngày thụ lý", "Accepted"), "decided_on": ("Ngày giải quyết", "Decided"), "due_on": ("Hạn", "Due"),
    "subject": ("Nội dung", "Subject"), "days": ("Số ngày", "Days"), "held_on": ("Ngày đối thoại", "Held on"),
    "chair": ("Chủ trì", "Chair"), "topic": ("Chủ đề", "Topic"), "year": ("Năm", "Year"),
    "planned_sessions": ("Số buổi dự kiến", "Planned sessions"), "started_on": ("Ngày bắt đầu", "Started"),
    "ended_on": ("Ngày kết thúc", "Ended"), "name": ("Tên", "Name"),
}


def _table(items: list[Any]) -> tuple[list[tuple[str, str]], list[list[Any]]]:
    """Headings and rows of the records, with a case's kind and state in words."""
    if not items:
        return [], []
    columns = [f.name for f in fields(items[0])]
    rows = []
    for item in items:
        values = {name: getattr(item, name) for name in columns}
        if isinstance(item, CaseItem):
            values["kind"] = kind_label(item.kind)
            values["state"] = state_label(item.kind, item.state)
        rows.append([values[name] for name in columns])
    return [HEADINGS.get(name, (name, name)) for name in columns], rows
