"""The inbox page: a person's messages (marking them read), their notification choices, and
for administrators the messages that could not be delivered, with a retry button."""
from __future__ import annotations

from flask import Flask, Response, abort, redirect, render_template, request, url_for
from flask_login import current_user

from tracker import boundary, clock
from tracker.auth import policy
from tracker.auth.policy import Operation
from tracker.boundary import request_session
from tracker.services import inbox
from tracker.web.blueprint import bp
from tracker.web.signin import _form_csrf_ok


def _signed_in() -> Response | None:
    if not current_user.is_authenticated:
        return redirect(url_for("web.login", next=request.path))
    return None


@bp.get("/inbox")
def inbox_page() -> Response | str:
    """Unread messages first page, newest first; the choices below."""
    if (away := _signed_in()) is not None:
        return away
    session = request_session()
    entries, total = inbox.list_inbox(session, current_user, page=1, per_page=100)
    return render_template("inbox.html", entries=entries, total=total, prefs=inbox.preferences(session, current_user),
                           is_admin=policy.may(current_user, Operation.MANAGE_OUTBOX), local_tz=clock.LOCAL)


@bp.post("/inbox/<int:item_id>/read")
def inbox_read(item_id: int) -> Response:
    """Mark one message read (a stale form changes nothing)."""
    if (away := _signed_in()) is not None:
        return away
    if _form_csrf_ok():
        inbox.mark_read(request_session(), current_user, item_id)
        boundary.commit()
    target = request.form.get("open")
    return redirect(target if target and target.startswith("/cases/") else url_for("web.inbox_page"))


@bp.post("/inbox/preferences")
def inbox_preferences() -> Response:
    """Save the choices form."""
    if (away := _signed_in()) is not None:
        return away
    if _form_csrf_ok():
        inbox.set_preferences(request_session(), current_user, inbox=request.form.get("inbox") == "on",
                              email=request.form.get("email"), language=request.form.get("language"))
        boundary.commit()
    return redirect(url_for("web.inbox_page"))


@bp.route("/inbox/failed", methods=["GET", "POST"])
def outbox_failed() -> Response | str:
    """Administrators: messages that failed, and sending them again."""
    if (away := _signed_in()) is not None:
        return away
    if not policy.may(current_user, Operation.MANAGE_OUTBOX):
        abort(403)
    session = request_session()
    if request.method == "POST":
        if _form_csrf_ok():
            ids = [int(v) for v in request.form.getlist("row_id") if v.isdigit()]
            if ids:
                inbox.retry(session, current_user, ids)
                boundary.commit()
        return redirect(url_for("web.outbox_failed"))
    return render_template("outbox_failed.html", rows=inbox.undelivered(session, current_user, status="failed"))


def unread_badge() -> int | None:
    """The header's unread count for a signed-in person."""
    if not current_user.is_authenticated:
        return None
    return inbox.unread_count(request_session(), current_user)


def init_app(app: Flask) -> None:
    """Give every template the unread count."""
    app.context_processor(lambda: {"inbox_unread": unread_badge})
