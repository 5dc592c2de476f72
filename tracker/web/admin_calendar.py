"""The calendar pages of the administration: the administrators' overrides of the working-day
calendar (extra days off, make-up working days), each added or removed only after its recount is
shown (which open cases' due dates move, from and to: a preview that writes nothing), then applied
through the recount service; and a province's official reporting periods with its reporting
calendar (who has sent the current period's report, TT 06/2025 Art. 8)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker import clock
from tracker.auth import policy
from tracker.boundary import request_session
from tracker.metrics.periods import PRESETS
from tracker.services import admin, metrics
from tracker.services import reporting_calendar as calendar_service
from tracker.services.errors import ServiceError
from tracker.services.recount import Recount
from tracker.web.admin import Refusal, admin_only, carry_out, posted, refusal
from tracker.web.blueprint import bp
from tracker.web.i18n import pick
from tracker.web.pages import Invalid

KINDS = ("day_off", "working_day")


def _day(raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise Invalid(pick("Ngày không hợp lệ / not a date"), {"day": raw[:20] or "required"}) from None


def _kind(raw: str) -> str:
    if raw not in KINDS:
        raise Invalid(pick("Loại ngày không hợp lệ / kind must be day_off or working_day"), {"kind": raw[:20] or "required"})
    return raw


def _calendar_page(*, preview: Recount | None = None, removing: bool = False, error: str | None = None,
                   status: int = 200) -> tuple[str, int]:
    session = request_session()
    shown, elsewhere = admin.moved_in_area(session, current_user, preview) if preview else ([], 0)
    return render_template("admin/calendar.html", overrides=admin.list_calendar_days(session), preview=preview,
                           shown=shown, elsewhere=elsewhere, editable=policy.may_change_calendar(current_user),
                           removing=removing, error=error, posted=posted(), kinds=KINDS), status


@bp.get("/admin/calendar")
@admin_only
def admin_calendar() -> tuple[str, int]:
    """The overrides, and the form to add one."""
    return _calendar_page()


def _previewed(make_preview: Callable[[], Recount], removing: bool) -> tuple[str, int]:
    """The page with the recount the change would cause, and the form to confirm it."""
    try:
        preview = make_preview()
    except (ServiceError, Invalid) as refused:
        request_session().rollback()
        return _calendar_page(error=refusal(refused), status=getattr(refused, "status", 400))
    request_session().rollback()  # a preview writes nothing
    return _calendar_page(preview=preview, removing=removing)


def _applied(summary: str, recount: Recount) -> str:
    text = f"{summary}; " + pick("số hồ sơ đổi hạn / due dates moved") + f": {len(recount.moved)}"
    if recount.unresolved:
        text += "; " + pick("hồ sơ cần xem lại thủ công / cases to review by hand") + f": {len(recount.unresolved)}"
    return text


@bp.post("/admin/calendar")
@admin_only
def admin_add_calendar_day() -> Response | tuple[str, int]:
    """Without `confirm`: the recount the new override would cause, nothing written. With it: the
    override is recorded and the due dates recounted."""
    form = request.form
    if form.get("confirm") != "yes":
        return _previewed(lambda: admin.preview_calendar_day(request_session(), current_user, _day(form.get("day", "")),
                                                             _kind(form.get("kind", ""))), removing=False)

    def apply() -> str:
        change = admin.add_calendar_day(request_session(), current_user, _day(form.get("day", "")), _kind(form.get("kind", "")),
                                        form.get("note", "").strip()[:255])
        return _applied(pick("Đã thêm ngày điều chỉnh / override added") + f": {change.override.day:%d/%m/%Y}", change.recount)

    try:
        carry_out(apply)
    except Refusal as refusal:
        return _calendar_page(error=refusal.message, status=refusal.status)
    return redirect(url_for("web.admin_calendar"))


@bp.post("/admin/calendar/remove")
@admin_only
def admin_remove_calendar_day() -> Response | tuple[str, int]:
    """Removing an override: first its recount, then, confirmed, the removal and the recount."""
    form = request.form
    if form.get("confirm") != "yes":
        return _previewed(lambda: admin.preview_calendar_removal(request_session(), current_user, _day(form.get("day", ""))),
                          removing=True)

    def apply() -> str:
        day = _day(form.get("day", ""))
        recount = admin.remove_calendar_day(request_session(), current_user, day)
        return _applied(pick("Đã bỏ ngày điều chỉnh / override removed") + f": {day:%d/%m/%Y}", recount)

    try:
        carry_out(apply)
    except Refusal as refusal:
        return _calendar_page(error=refusal.message, status=refusal.status)
    return redirect(url_for("web.admin_calendar"))


# -- reporting periods -------------------------------------------------------------------------------

def _current_quarter() -> str:
    today = clock.today()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def _periods_page(*, error: str | None = None, status: int = 200) -> tuple[str, int]:
    session = request_session()
    province = metrics.province_of(session, policy.area_root(current_user))
    editable = policy.unit_in_area(current_user, province)
    period = request.args.get("period", "")[:40] or _current_quarter()
    reporting = None
    calendar_error = None
    if editable:
        try:
            reporting = calendar_service.reporting_calendar(session, current_user, province.code, period)
        except ServiceError as refused:
            calendar_error = pick(refused.message)
    return render_template("admin/periods.html", province=province, editable=editable,
                           periods=metrics.official_periods(session, province), presets=PRESETS, period=period,
                           reporting=reporting, calendar_error=calendar_error, error=error, posted=posted()), status


@bp.get("/admin/periods")
@admin_only
def admin_periods() -> tuple[str, int]:
    """The province's official periods and its reporting calendar for a period (this quarter by default)."""
    return _periods_page()


@bp.post("/admin/periods")
@admin_only
def admin_set_period() -> Response | tuple[str, int]:
    """Set one preset's dates (or, with preset M, the day monthly data start), or go back to TT 02/2021."""
    form = request.form
    session = request_session()
    province = metrics.province_of(session, policy.area_root(current_user))

    def change() -> str:
        if form.get("reset") == "yes":
            metrics.reset_reporting_periods(session, current_user, province.code)
            return pick("Đã trở về kỳ báo cáo theo TT 02/2021/TT-TTCP / back to the periods of TT 02/2021/TT-TTCP")
        preset = form.get("preset", "")[:4]
        metrics.set_reporting_period(session, current_user, province.code, preset, form.get("start", "").strip()[:10],
                                     form.get("end", "").strip()[:10])
        return pick("Đã đặt kỳ báo cáo / period set") + f": {preset}"

    try:
        carry_out(change)
    except Refusal as refusal:
        return _periods_page(error=refusal.message, status=refusal.status)
    return redirect(url_for("web.admin_periods"))
