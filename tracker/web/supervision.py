"""The supervisory board's page, /supervision: the overdue cases of the area it watches by unit
and by how late, the dialogue answers it may reopen, its supervisions with their
recommendations, due dates and answers, and the forms to open a supervision, issue a
recommendation, accept or return an answer and reopen a dialogue answer. Each form is shown
only when the policy allows it and goes through the same service as the API; a refusal is
shown on the page and changes nothing."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker import boundary, clock
from tracker.boundary import request_session
from tracker.schemas import RecommendationIn, SupervisionIn, TransitionIn
from tracker.services import activity, cases, oversight
from tracker.services.errors import Conflict, ServiceError
from tracker.web.blueprint import bp
from tracker.web.i18n import pick
from tracker.web.pages import Invalid, form_csrf_ok, optional, refusal_text, signed_in, text, validated

ID = "<int(min=1, max=2147483647):{}>"
# The steps of a recommendation or a dialogue answer this page offers.
PAGE_TRIGGERS = ("accept", "return", "reopen")
EXPIRED = "Biểu mẫu đã hết hạn; hãy thử lại / the form expired; try again"


def _board_code() -> str | None:
    return (request.values.get("board") or "")[:50] or None


def _page(*, error: str | None = None, failed: str | None = None, posted: dict[str, str] | None = None,
          status: int = 200) -> tuple[str, int]:
    """The board's page as the database holds it now, with an optional refusal."""
    session = request_session()
    try:
        board = oversight.board_for(session, current_user, _board_code())
    except ServiceError as refused:
        return render_template("supervision.html", board=None, error=refused.message), refused.status
    today = clock.today()

    def may(case: Any, trigger: str, board_unit_id: int | None = None) -> bool:
        return oversight.may_fire_here(current_user, case, trigger, board_unit_id)

    answers = oversight.reopenable_answers(session, current_user)
    sheets = oversight.supervisions_of_board(session, board)
    answered = oversight.answers_of(session, answers + [r for sheet in sheets for r in sheet.recommendations])
    return render_template(
        "supervision.html", board=board, boards=oversight.boards_of_area(session, current_user),
        late=oversight.overdue_by_unit(session, current_user, today), bands=oversight.BANDS,
        answers=answers, answers_limit=oversight.ANSWERS_LIMIT, sheets=sheets,
        addressees=oversight.addressee_choices(session, board), scope_units=oversight.scope_unit_choices(session, board),
        projects=oversight.projects_watched(session, board), answered=answered, may=may,
        error=error, failed=failed, posted=posted or {}, today=today,
    ), status


def _back(anchor: str) -> Any:
    return redirect(url_for("web.supervision", board=_board_code(), _anchor=anchor))


def _refused(refused: ServiceError | Invalid, failed: str) -> tuple[str, int]:
    request_session().rollback()
    posted = {k: v for k, v in request.form.items() if k != "csrf_token"}
    return _page(error=refusal_text(refused), failed=failed, posted=posted, status=getattr(refused, "status", 400))


@bp.get("/supervision")
@signed_in
def supervision() -> tuple[str, int]:
    """The board's page; 403 for a user who is not of a board (or an administrator of its area)."""
    return _page()


@bp.post("/supervision/open")
@signed_in
def open_supervision() -> Any:
    """Open a supervision of the board over a unit, a list of cases or an investment project."""
    if not form_csrf_ok():
        return _page(error=pick(EXPIRED), failed="open", status=400)
    session = request_session()
    try:
        board = oversight.board_for(session, current_user, _board_code())
        scope: dict[str, Any] = {}
        match request.form.get("scope_kind", ""):
            case "unit":
                scope["unit"] = text("scope_unit", 50)
            case "cases":
                scope["case_ids"] = oversight.case_ids_for_codes(session, current_user, text("case_codes", 20_000))
                if not scope["case_ids"]:
                    raise Invalid("Dữ liệu chưa hợp lệ / some fields need attention",
                                  {"scope.case_codes": "Nêu ít nhất một mã hồ sơ / name at least one tracking code"}, 422)
            case "project":
                scope["project_id"] = _whole(request.form.get("project_id", ""))
            case _:
                raise Invalid("Dữ liệu chưa hợp lệ / some fields need attention",
                              {"scope": "Chọn phạm vi giám sát / choose what the supervision covers"})
        body = validated(SupervisionIn, {"board_unit": board.code, "subject": text("subject", 500),
                                         "started_on": _date("started_on"), "ended_on": _date("ended_on"),
                                         "findings": optional("findings"), "scope": scope})
        activity.open_supervision(session, current_user, body)
    except (ServiceError, Invalid) as refused:
        return _refused(refused, "open")
    boundary.commit()
    flash(pick("Đã mở cuộc giám sát / supervision opened"), "ok")
    return _back("supervisions")


@bp.post(f"/supervision/{ID.format('supervision_id')}/recommendations")
@signed_in
def issue_recommendation(supervision_id: int) -> Any:
    """Issue a recommendation of a supervision to a unit chosen by name."""
    if not form_csrf_ok():
        return _page(error=pick(EXPIRED), failed=f"recommend-{supervision_id}", status=400)
    session = request_session()
    try:
        oversight.board_for(session, current_user, _board_code())
        body = validated(RecommendationIn, {"addressee_unit": optional("addressee_unit"), "content": text("content"),
                                            "due_on": _date("due_on")})
        activity.issue_recommendation(session, current_user, supervision_id, body)
    except (ServiceError, Invalid) as refused:
        return _refused(refused, f"recommend-{supervision_id}")
    boundary.commit()
    flash(pick("Đã gửi kiến nghị / recommendation issued"), "ok")
    return _back(f"supervision-{supervision_id}")


@bp.post(f"/supervision/cases/{ID.format('case_id')}/<any(accept, return, reopen):trigger>")
@signed_in
def supervision_step(case_id: int, trigger: str) -> Any:
    """Accept or return a recommendation's answer, or reopen a dialogue answer, with the
    version the user read (a stale form is refused and the page shows the case as it is)."""
    failed = f"{trigger}-{case_id}"
    if not form_csrf_ok():
        return _page(error=pick(EXPIRED), failed=failed, status=400)
    session = request_session()
    data = {name: request.form.get(f"data.{name}", "").strip() for name in ("reason", "due_on", "unit")}
    try:
        oversight.board_for(session, current_user, _board_code())
        body = validated(TransitionIn, {"trigger": trigger, "version": _whole(request.form.get("version", "")),
                                        "data": {k: v for k, v in data.items() if v}})
        cases.fire(session, current_user, case_id, body)
    except Conflict:
        session.rollback()
        return _page(error=pick("Hồ sơ vừa được người khác cập nhật; hãy xem lại rồi thực hiện lại / someone else "
                                "updated this case meanwhile: check it and try again"), failed=failed, status=409)
    except (ServiceError, Invalid) as refused:
        return _refused(refused, failed)
    boundary.commit()
    done = {"accept": "Đã chấp nhận trả lời / answer accepted", "return": "Đã trả lại trả lời / answer returned",
            "reopen": "Đã yêu cầu xử lý lại / answer reopened"}[trigger]
    flash(pick(done), "ok")
    return _back("answers" if trigger == "reopen" else "supervisions")


def _whole(raw: str) -> Any:
    value = raw.strip()
    return int(value) if value.isdigit() and len(value) < 10 else value


def _date(name: str) -> dt.date | str | None:
    raw = request.form.get(name, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return raw[:40]  # the schema names it
