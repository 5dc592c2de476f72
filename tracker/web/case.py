"""The case page, /cases/<id>: the case, its petitioners as the policy allows, its timeline
with effective dates, its decision, its linked cases, and one small form per action the user
may take now, each built from the trigger's declared fields, with the legal limit shown
before submitting. A posted action goes through the same service as the API; a refusal is
shown on the page with the fresh case (a stale version included), never as a crash. Leaders,
boards and admins also see the case's audit: the history chain's verification, and (resolving
unit and admins only) who viewed a denouncer's identity and when."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from tracker import boundary
from tracker.auth import policy
from tracker.boundary import request_session
from tracker.files.storage import Storage
from tracker.files.upload import UploadRefused, receive
from tracker.models import Case, HistoryEntry
from tracker.models.documents import DOCUMENT_KINDS
from tracker.schemas import TransitionIn
from tracker.services import casepage, cases, documents, history
from tracker.services.errors import Conflict, ServiceError
from tracker.web.blueprint import bp
from tracker.web.i18n import FIELD_NAMES, pick
from tracker.web.pages import Invalid, form_csrf_ok, refusal_text, signed_in, validated
from workflows.definitions.base import Field, FieldType, Trigger

CASE_ID = "<int(min=1, max=2147483647):case_id>"


def _page(case_id: int, *, error: str | None = None, failed: str | None = None, posted: dict[str, str] | None = None,
          status: int = 200) -> tuple[str, int]:
    """The page for the case as it is now in the database, with an optional refusal."""
    session = request_session()
    view = cases.view_case(session, current_user, case_id)
    boundary.commit()  # a view of a denouncer's identity is itself recorded
    case = view.case
    actions = [t for t in (case.workflow.trigger(name) for name in view.available_triggers) if t is not None]
    units = {t.name: casepage.unit_choices(session, current_user, case, t.name)
             for t in actions if any(f.type is FieldType.UNIT for f in t.fields)}
    return render_template(
        "case.html", view=view, case=case, actions=actions, units=units, limits=casepage.legal_limits(session, case),
        links=casepage.links(session, current_user, case), error=error, failed=failed, posted=posted or {},
        FieldType=FieldType, field_label=field_label, optional_fields=optional_fields, audit=_audit(view),
        files=documents.list_documents(session, current_user, "case", case_id), document_kinds=DOCUMENT_KINDS,
    ), status


@dataclass(frozen=True)
class Audit:
    """The audit of a case for leaders, boards and admins: whether its history chain holds (else
    its first broken entry) and, for the resolving unit and admins, who viewed a denouncer's identity."""

    broken: history.BrokenLink | None
    identity_views: list[HistoryEntry] | None  # None: not for this user (or not a denunciation)


def _audit(view: cases.CaseView) -> Audit | None:
    case = view.case
    if not policy.may_see_audit(current_user, case):
        return None
    views = None
    if case.kind == "denunciation" and policy.may_see_identity_views(current_user, case):
        views = [entry for entry in view.history if entry.trigger == "view_identity"]
    return Audit(history.verify_case(request_session(), case), views)


@bp.get(f"/cases/{CASE_ID}")
@signed_in
def case_page(case_id: int) -> tuple[str, int]:
    """The case; a case outside the user's area is not found (404)."""
    return _page(case_id)


@bp.post(f"/cases/{CASE_ID}/documents")
@signed_in
def case_upload(case_id: int) -> Any:
    """Add a file to the case (dropped on the page or chosen with the file input) through the
    documents service: its type from its content, the size limit, its hash in the history."""
    if not form_csrf_ok():
        return _page(case_id, error=pick("Biểu mẫu đã hết hạn; hãy thử lại / the form expired; try again"), status=400)
    file, kind = request.files.get("file"), request.form.get("kind", "")
    if file is None or not file.filename:
        return _page(case_id, error=pick("Hãy chọn hoặc kéo thả một tệp / choose or drop a file"), status=422)
    if kind not in DOCUMENT_KINDS:
        return _page(case_id, error=pick("Hãy chọn loại tài liệu / choose the kind of document"), status=422)
    session = request_session()
    storage: Storage = current_app.extensions["files"]
    try:
        with receive(file.stream, file.filename, max_bytes=int(current_app.config["DOCUMENT_MAX_BYTES"])) as received:
            documents.add_case_document(session, current_user, storage, case_id, kind, received)
    except UploadRefused as refused:
        session.rollback()
        return _page(case_id, error=refused.message, status=413 if refused.code == "too_large" else 422)
    except ServiceError as refused:
        session.rollback()
        return _page(case_id, error=refusal_text(refused), status=getattr(refused, "status", 400))
    boundary.commit()
    flash(pick("Đã thêm tài liệu / file added") + f": {file.filename}", "ok")
    return redirect(url_for("web.case_page", case_id=case_id) + "#documents")


@bp.post(f"/cases/{CASE_ID}/actions/<string(maxlength=40):trigger>")
@signed_in
def case_action(case_id: int, trigger: str) -> Any:
    """Fire `trigger` with the form's data and the version the user read."""
    posted = {k: v for k, v in request.form.items() if k != "csrf_token"}
    if not form_csrf_ok():
        return _page(case_id, error=pick("Biểu mẫu đã hết hạn; hãy thử lại / the form expired; try again"), failed=trigger,
                     posted=posted, status=400)
    session = request_session()
    case = cases.get_case_for(session, current_user, case_id)
    spec = case.workflow.trigger(trigger)
    try:
        body = validated(TransitionIn, {
            "trigger": trigger, "version": _whole(request.form.get("version", "")),
            "note": request.form.get("note") or None, "data": _data(spec) if spec else {},
            "effective_on": _date(request.form.get("effective_on", "")),
        })
        cases.fire(session, current_user, case_id, body)
    except Conflict:
        session.rollback()
        message = pick("Hồ sơ vừa được người khác cập nhật; dưới đây là hồ sơ mới nhất, hãy kiểm tra rồi thực hiện lại / "
                       "someone else updated this case meanwhile; here it is as it is now: check it and try again")
        return _page(case_id, error=message, failed=trigger, posted=posted, status=409)
    except (ServiceError, Invalid) as refused:
        session.rollback()
        return _page(case_id, error=refusal_text(refused), failed=trigger, posted=posted,
                     status=getattr(refused, "status", 400))
    boundary.commit()
    flash(pick("Đã ghi nhận / done") + f": {_label(spec, trigger)}", "ok")
    return redirect(url_for("web.case_page", case_id=case_id))


def _label(spec: Trigger | None, name: str) -> str:
    if spec is None:
        return name
    return pick(f"{spec.label_vi} / {spec.label_en}")


def _data(spec: Trigger) -> dict[str, Any]:
    """The trigger's fields from the form, typed as the API would send them."""
    data: dict[str, Any] = {}
    for f in spec.fields:
        raw = request.form.get(f"data.{f.name}", "")
        if f.type is FieldType.BOOL:
            if raw:
                data[f.name] = True
            continue
        if not raw.strip():
            continue
        if f.type is FieldType.COUNT:
            data[f.name] = _whole(raw)
        else:
            data[f.name] = raw  # dates as YYYY-MM-DD, amounts as decimal text: the engine reads both
    return data


def _whole(raw: str) -> Any:
    text = raw.strip()
    return int(text) if text.isdigit() and len(text) < 10 else text


def _date(raw: str) -> dt.date | None | str:
    text = raw.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return text  # the schema names it


def optional_fields(case: Case, action: Trigger) -> list[Field]:
    """The optional fields of an action's form. Choosing which co-complainant withdraws only
    means something while more than one complainant is still in the case."""
    fields = [f for f in action.fields if not f.required and not f.system]
    if sum(1 for p in case.petitioners if p.withdrawn_on is None) < 2:
        fields = [f for f in fields if f.name != "petitioner"]
    return fields


def field_label(f: Field) -> str:
    """A field's label in the page's language (fields declared without one use their name)."""
    if f.label:
        return pick(f.label)
    return gettext(FIELD_NAMES.get(f.name, f.name))

