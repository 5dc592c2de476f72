"""The dialogue session screen: create a session, then enter the opinions raised one after
another, each settled on the spot (with the answer given) or assigned to a unit chosen by name
with a due date, with the session's running settled-on-the-spot share."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker import boundary, clock
from tracker.boundary import request_session
from tracker.schemas import DialogueIn, OpinionIn
from tracker.services import activity, admin
from tracker.services.errors import ServiceError
from tracker.web.blueprint import bp
from tracker.web.i18n import pick
from tracker.web.pages import Invalid, form_csrf_ok, optional, refusal_text, signed_in, text, validated

DIALOGUE_ID = "<int(min=1, max=2147483647):dialogue_id>"
EXPIRED = "Biểu mẫu đã hết hạn; hãy thử lại / the form expired; try again"


def _units() -> list[Any]:
    units = admin.list_units(request_session(), current_user)
    return sorted((u for u in units if not u.is_board), key=lambda u: (len(u.ancestor_ids), u.name))


def _date(raw: str) -> Any:
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        return raw  # the schema names the field


def _count(raw: str) -> Any:
    raw = raw.strip()
    if not raw:
        return None
    return int(raw) if raw.isdigit() and len(raw) < 9 else raw


@bp.get("/dialogues")
@signed_in
def dialogues(error: str | None = None, posted: dict[str, str] | None = None, status: int = 200) -> tuple[str, int]:
    """The sessions of the user's area, newest first, and the form to record a new one."""
    session = request_session()
    rows, total = activity.list_dialogues(session, current_user, activity.ListQuery(per_page=30))
    counts = activity.opinion_counts(session, [d.id for d in rows])
    return render_template("dialogues.html", dialogues=rows, total=total, counts=counts, units=_units(), error=error,
                           posted=posted or {"host_unit": current_user.unit.code, "held_on": clock.today().isoformat()}), status


@bp.post("/dialogues")
@signed_in
def create_dialogue() -> Any:
    """Record the session, then go to its screen to enter the opinions."""
    posted = {k: v for k, v in request.form.items() if k != "csrf_token"}
    if not form_csrf_ok():
        return dialogues(error=pick(EXPIRED), posted=posted, status=400)
    session = request_session()
    try:
        dialogue = activity.open_dialogue(session, current_user, validated(DialogueIn, {
            "host_unit": request.form.get("host_unit", ""), "held_on": _date(request.form.get("held_on", "")),
            "chair": text("chair", 255), "topic": text("topic", 500), "attendees": _count(request.form.get("attendees", "")),
        }))
    except (ServiceError, Invalid) as refused:
        session.rollback()
        return dialogues(error=refusal_text(refused), posted=posted, status=getattr(refused, "status", 400))
    boundary.commit()
    return redirect(url_for("web.dialogue_page", dialogue_id=dialogue.id))


def _session_page(dialogue_id: int, *, error: str | None = None, posted: dict[str, str] | None = None,
                  status: int = 200) -> tuple[str, int]:
    dialogue, opinions = activity.get_dialogue(request_session(), current_user, dialogue_id)
    settled = sum(1 for o in opinions if o.settled_on_spot)
    return render_template("dialogue.html", dialogue=dialogue, opinions=opinions, settled=settled, units=_units(),
                           error=error, posted=posted or {"outcome": "settled"},
                           default_due=clock.today() + dt.timedelta(days=30)), status


@bp.get(f"/dialogues/{DIALOGUE_ID}")
@signed_in
def dialogue_page(dialogue_id: int) -> tuple[str, int]:
    """The session with its opinions and the form for the next one."""
    return _session_page(dialogue_id)


@bp.post(f"/dialogues/{DIALOGUE_ID}/opinions")
@signed_in
def add_opinion(dialogue_id: int) -> Any:
    """Record one opinion; back to the session for the next."""
    posted = {k: v for k, v in request.form.items() if k != "csrf_token"}
    if not form_csrf_ok():
        return _session_page(dialogue_id, error=pick(EXPIRED), posted=posted, status=400)
    settled = request.form.get("outcome") == "settled"
    name = optional("petitioner")
    session = request_session()
    try:
        if settled and not optional("answer"):
            raise Invalid("Ghi câu trả lời đã đưa ra tại buổi đối thoại / write the answer given at the session",
                          {"answer": pick("Bắt buộc / required")})
        activity.record_opinion(session, current_user, dialogue_id, validated(OpinionIn, {
            "subject": text("subject", 500), "content": text("content") or text("subject", 500),
            "petitioners": [{"full_name": name}] if name else [], "settled_on_spot": settled,
            "answer": optional("answer") if settled else None,
            "assigned_unit": None if settled else (request.form.get("assigned_unit") or None),
            "due_on": None if settled else (_date(request.form.get("due_on", "")) or None),
        }))
    except (ServiceError, Invalid) as refused:
        session.rollback()
        return _session_page(dialogue_id, error=refusal_text(refused), posted=posted, status=getattr(refused, "status", 400))
    boundary.commit()
    flash(pick("Đã ghi ý kiến / opinion recorded"), "ok")
    return redirect(url_for("web.dialogue_page", dialogue_id=dialogue_id, _anchor="next-opinion"))
