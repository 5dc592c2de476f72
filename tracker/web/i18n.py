"""The pages' language and formats: Vietnamese by default, English by a switch the browser
remembers (a cookie), through Flask-Babel message catalogues; dates as dd/mm/yyyy and times
in Asia/Ho_Chi_Minh whatever the language.

The catalogues are kept as `.po` text in `tracker/translations/`; the compiled `.mo` files are
not committed: `compile_catalogues` writes them when the app starts and a `.po` is newer than
its `.mo` (or the `.mo` is missing), so a fresh clone works with no extra step. Where the package
folder is read-only, they are compiled into the instance folder instead.
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, Response, redirect, request, url_for
from flask_babel import Babel, get_locale, gettext

from tracker import clock
from tracker.web.blueprint import bp
from workflows import definitions

if TYPE_CHECKING:
    from tracker.models import HistoryEntry

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
COOKIE = "lang"
CATALOGUES = Path(__file__).resolve().parent.parent / "translations"


def _n(message: str) -> str:
    """Marks a message id for extraction; it is translated where it is shown."""
    return message


def compile_catalogues(source: Path, target: Path) -> None:
    """Compile every `source/<lang>/LC_MESSAGES/*.po` into `target/...mo` when it is stale."""
    for po in source.glob("*/LC_MESSAGES/*.po"):
        mo = target / po.relative_to(source).with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as text:
            catalogue = read_po(text, locale=po.parent.parent.name)
        partial = mo.with_suffix(f".mo.{os.getpid()}.partial")
        with partial.open("wb") as binary:
            write_mo(binary, catalogue)
        partial.replace(mo)  # atomic: a second worker never reads half a file


def language() -> str:
    """The language of this request: the remembered choice, else Vietnamese."""
    chosen = request.cookies.get(COOKIE, "")
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def pick(text: str | None) -> str:
    """One language of a "Vietnamese / English" text (the services' messages and labels)."""
    if not text:
        return ""
    vi, separator, en = str(text).partition(" / ")
    if not separator:
        return str(text)
    return en if language() == "en" else vi


def in_language(vi: str, en: str) -> str:
    """The Vietnamese or the English of a pair, by the page's language."""
    return en if language() == "en" else vi


def words(text: object) -> str:
    """The page's language of an object carrying `.vi` and `.en` (a figure's label)."""
    return str(getattr(text, "en" if language() == "en" else "vi"))


def date_text(value: dt.date | dt.datetime | None) -> str:
    """dd/mm/yyyy; a timestamp is first put in Vietnam's time."""
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        value = clock.local_date(value)
    return value.strftime("%d/%m/%Y")


def time_text(value: dt.datetime | None) -> str:
    """dd/mm/yyyy HH:MM in Asia/Ho_Chi_Minh."""
    if value is None:
        return "—"
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(clock.LOCAL).strftime("%d/%m/%Y %H:%M")


def kind_label(kind: str) -> str:
    """A case kind's name in the page's language."""
    workflow = definitions.latest(kind)
    return workflow.label_en if language() == "en" else workflow.label_vi


def state_label(kind: str, state: str) -> str:
    """A state's name in the page's language."""
    for workflow in definitions.ALL:
        if workflow.kind == kind:
            found = next((s for s in workflow.states if s.name == state), None)
            if found is not None:
                return found.label_en if language() == "en" else found.label_vi
    return state


def trigger_label(kind: str, trigger: str) -> str:
    """A trigger's name in the page's language (history entries name other steps too)."""
    spec = definitions.latest(kind).trigger(trigger)
    if spec is not None:
        return spec.label_en if language() == "en" else spec.label_vi
    return gettext(OTHER_STEPS.get(trigger, trigger))


# The words for the values the pages show, as English message ids (the catalogues translate them).
LABELS: dict[str, dict[str, str]] = {
    "document_kind": {"petition_letter": _n("Petition letter"), "evidence": _n("Evidence"), "identity": _n("Identity papers"),
                      "receipt": _n("Receipt"), "notice": _n("Notice"), "slip": _n("Slip"), "decision": _n("Decision"),
                      "minutes": _n("Minutes"), "conclusion": _n("Conclusion"), "report": _n("Report or reply"),
                      "other": _n("Other")},
    "channel": {"in_person": _n("At the desk"), "mail": _n("By post"), "online": _n("Online"), "hotline": _n("Hotline"),
                "dialogue": _n("At a dialogue"), "voter_contact": _n("Meeting with voters"), "forwarded": _n("Forwarded by another body"),
                "supervision": _n("From a supervision")},
    "subject_area": {"land_housing": _n("Land and housing"), "policy_benefits": _n("Policies and benefits"), "justice": _n("Justice"),
                     "party": _n("Party"), "civil_service": _n("Civil service"), "corruption": _n("Corruption"), "other": _n("Other")},
    "reception": {"staff": _n("Regular reception by staff"), "head_scheduled": _n("Head's scheduled reception day"),
                  "head_ad_hoc": _n("Head's ad-hoc reception"), "authorised": _n("Reception by someone the head authorised")},
    "outcome": {"upheld": _n("Upheld (right)"), "partly_upheld": _n("Partly upheld"), "rejected": _n("Rejected (wrong)")},
    "reason": {"duplicate": _n("Duplicate"), "anonymous": _n("Anonymous"), "ineligible": _n("Ineligible"), "time_barred": _n("Out of time"),
               "already_final": _n("Already decided with final effect")},
    "returned_to": {"organisation": _n("An organisation"), "individual": _n("An individual")},
    "unit_kind": {"province": _n("Province"), "district": _n("District"), "commune": _n("Commune"), "agency": _n("Agency"),
                  "front_committee": _n("Fatherland Front committee"), "inspection_board": _n("People's Inspection Board"),
                  "investment_board": _n("Community investment supervision board")},
}


# Names of trigger fields declared without a label.
FIELD_NAMES = {
    "recovered_money_vnd": _n("Money recovered for the State (VND)"), "recovered_land_m2": _n("Land recovered for the State (m²)"),
    "returned_money_vnd": _n("Money returned (VND)"), "returned_land_m2": _n("Land returned (m²)"),
    "people_disciplined": _n("People recommended for discipline"),
}


def label(group: str, value: str | None) -> str:
    """The word for `value` of `group` (a channel, a subject area...) in the page's language."""
    if value is None:
        return "—"
    return gettext(LABELS.get(group, {}).get(value, value))


def unit_kind_label(value: str) -> str:
    """A kind of unit (a commune, a People's Inspection Board...) in words."""
    return label("unit_kind", value)


def reception_label(value: str) -> str:
    """Who received a visit, in words."""
    return label("reception", value)


# Entries of the history that are not triggers of a workflow.
OTHER_STEPS = {"intake": _n("Received"), "view_identity": _n("Viewed the petitioner's identity"),
               "recount": _n("Deadlines recounted"), "escalate": _n("Overdue: reported to the level above"),
               "issue_act": _n("Document issued"), "add_document": _n("File added"),
               "withdraw_document": _n("File withdrawn"), "download_document": _n("File downloaded")}
# Steps whose history note the services write themselves, in both languages ("vi / en"); a
# person's own note (a transition's, a withdrawn file's reason) is shown as they wrote it.
SERVICE_NOTES = frozenset({"view_identity", "recount", "escalate", "add_document", "download_document"})


def history_note(entry: HistoryEntry) -> str:
    """A history entry's note in the page's language when the tracker wrote it (the system's
    own steps, and the steps of SERVICE_NOTES); a person's note as written."""
    if entry.actor_id is None or entry.trigger in SERVICE_NOTES:
        return pick(entry.note)
    return str(entry.note or "")


def history_actor(entry: HistoryEntry) -> str:
    """Who made a history entry: a person's name as recorded, the system's in the page's language."""
    return pick(entry.actor_name) if entry.actor_id is None else str(entry.actor_name or "")


@bp.post("/language")
def switch_language() -> Response:
    """Remember the chosen language for a year and go back where the user was."""
    chosen = request.form.get("lang", "")
    target = request.form.get("next", "")
    if not (target.startswith("/") and not target.startswith("//") and "\\" not in target):
        target = url_for("web.index")
    answer = redirect(target)
    from tracker.web.pages import form_csrf_ok  # pages reads the language: imported here, not at the top

    if chosen in LANGUAGES and form_csrf_ok():
        answer.set_cookie(COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return answer  # type: ignore[return-value]


def init_app(app: Flask) -> None:
    """Flask-Babel on the compiled catalogues, and what every template may use."""
    target = CATALOGUES
    try:
        compile_catalogues(CATALOGUES, CATALOGUES)
    except OSError:
        target = Path(app.instance_path) / "translations"
        compile_catalogues(CATALOGUES, target)
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Ho_Chi_Minh")
    Babel(app, locale_selector=language, default_translation_directories=str(target))
    app.jinja_env.filters.update(pick=pick, d=date_text, t=time_text, words=words)
    app.jinja_env.globals.update(kind_label=kind_label, state_label=state_label, trigger_label=trigger_label,
                                 history_note=history_note, history_actor=history_actor, label=label, reception_label=reception_label,
                                 unit_kind_label=unit_kind_label, labels=LABELS, in_language=in_language,
                                 languages=LANGUAGES, get_locale=get_locale, language=language)
