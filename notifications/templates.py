"""The words of each message: Vietnamese, or English for people who chose it; a subject,
plain text and HTML, each naming the case by its tracking code and linking to its page.

A template reads only the payload the outbox row carries (codes, kinds, units, dates), which
never holds a petitioner's identity."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import escape

KIND_LABELS = {
    "complaint": ("khiếu nại", "complaint"),
    "denunciation": ("tố cáo", "denunciation"),
    "recommendation": ("kiến nghị", "recommendation"),
    "feedback": ("phản ánh", "feedback"),
    "dialogue_opinion": ("ý kiến tại buổi đối thoại", "dialogue opinion"),
    "voter_opinion": ("ý kiến cử tri", "voter opinion"),
    "supervision_recommendation": ("kiến nghị sau giám sát", "supervision recommendation"),
}


@dataclass(frozen=True)
class Rendered:
    """A message ready for a channel."""

    subject: str
    text: str
    html: str


def _date(value: object) -> str:
    if not value:
        return "—"
    return dt.date.fromisoformat(str(value)).strftime("%d/%m/%Y")


def _kind(p: Mapping[str, Any], lang: str) -> str:
    vi, en = KIND_LABELS.get(str(p.get("kind")), (str(p.get("kind")), str(p.get("kind"))))
    return vi if lang == "vi" else en


Lines = tuple[str, list[str]]


def _assigned(p: Mapping[str, Any], lang: str) -> Lines:
    if lang == "en":
        return (f"Case {p['tracking_code']} assigned to {p['unit_name']}",
                [f"The {_kind(p, lang)} {p['tracking_code']} has been assigned to {p['unit_name']}.",
                 f"Due date: {_date(p.get('due_on'))}."])
    return (f"Hồ sơ {p['tracking_code']} được giao cho {p['unit_name']}",
            [f"Hồ sơ {_kind(p, lang)} {p['tracking_code']} đã được giao cho {p['unit_name']} giải quyết.",
             f"Hạn giải quyết: {_date(p.get('due_on'))}."])


def _decided(p: Mapping[str, Any], lang: str) -> Lines:
    if lang == "en":
        return (f"Case {p['tracking_code']} decided by {p['unit_name']}",
                [f"{p['unit_name']} has answered the {_kind(p, lang)} {p['tracking_code']} on {_date(p.get('effective_on'))}.",
                 "Please inform the petitioner and follow up."])
    return (f"Hồ sơ {p['tracking_code']} đã có kết quả giải quyết",
            [f"{p['unit_name']} đã giải quyết hồ sơ {_kind(p, lang)} {p['tracking_code']} ngày {_date(p.get('effective_on'))}.",
             "Đề nghị thông báo cho người gửi đơn và theo dõi."])


def _due_soon(p: Mapping[str, Any], lang: str) -> Lines:
    if lang == "en":
        return (f"Case {p['tracking_code']} is due on {_date(p.get('due_on'))}",
                [f"The {_kind(p, lang)} {p['tracking_code']} at {p['unit_name']} is due on {_date(p.get('due_on'))} "
                 f"({p.get('working_days_left')} working day(s) left)."])
    return (f"Hồ sơ {p['tracking_code']} sắp đến hạn {_date(p.get('due_on'))}",
            [f"Hồ sơ {_kind(p, lang)} {p['tracking_code']} tại {p['unit_name']} đến hạn ngày {_date(p.get('due_on'))} "
             f"(còn {p.get('working_days_left')} ngày làm việc)."])


def _overdue(p: Mapping[str, Any], lang: str) -> Lines:
    level = int(p.get("level", 1))
    if lang == "en":
        head = "Overdue" if level == 1 else f"Still overdue after {p.get('days_late')} days"
        return (f"{head}: case {p['tracking_code']} at {p['unit_name']}",
                [f"The {_kind(p, lang)} {p['tracking_code']} at {p['unit_name']} was due on {_date(p.get('due_on'))} "
                 f"and is {p.get('days_late')} day(s) late.",
                 f"Escalation level {level}: sent to the head of the unit and the supervisory board."])
    head = "Quá hạn" if level == 1 else f"Vẫn quá hạn sau {p.get('days_late')} ngày"
    return (f"{head}: hồ sơ {p['tracking_code']} tại {p['unit_name']}",
            [f"Hồ sơ {_kind(p, lang)} {p['tracking_code']} tại {p['unit_name']} đến hạn ngày {_date(p.get('due_on'))}, "
             f"đã quá hạn {p.get('days_late')} ngày.",
             f"Báo cáo lần {level}: gửi thủ trưởng đơn vị và Ban giám sát."])


def _due_changed(p: Mapping[str, Any], lang: str) -> Lines:
    if lang == "en":
        return (f"New due date for case {p['tracking_code']}",
                [f"The calendar changed: the {_kind(p, lang)} {p['tracking_code']} is now due on {_date(p.get('due_on'))}."])
    return (f"Hạn mới của hồ sơ {p['tracking_code']}",
            [f"Lịch làm việc thay đổi: hồ sơ {_kind(p, lang)} {p['tracking_code']} nay đến hạn ngày {_date(p.get('due_on'))}."])


TEMPLATES: dict[str, Callable[[Mapping[str, Any], str], Lines]] = {
    "case_assigned": _assigned,
    "case_decided": _decided,
    "due_soon": _due_soon,
    "overdue": _overdue,
    "due_changed": _due_changed,
}


def case_url(base_url: str, payload: Mapping[str, Any]) -> str:
    """The case's page."""
    return f"{base_url.rstrip('/')}/cases/{payload['case_id']}"


def render(template: str, payload: Mapping[str, Any], language: str, base_url: str) -> Rendered:
    """One message in `language` ("vi" or "en")."""
    lang = "en" if language == "en" else "vi"
    subject, lines = TEMPLATES[template](payload, lang)
    url = case_url(base_url, payload)
    link_label = "Open the case" if lang == "en" else "Xem hồ sơ"
    footer = ("Petition & Dialogue Tracker — you receive this because of your role at the unit."
              if lang == "en" else "Theo dõi đơn thư và đối thoại — bạn nhận thư này theo vai trò tại đơn vị.")
    text = "\n".join([*lines, "", f"{link_label}: {url}", "", footer]) + "\n"
    html = (
        f'<!doctype html><html lang="{lang}"><body>'
        + "".join(f"<p>{escape(line)}</p>" for line in lines)
        + f'<p><a href="{escape(url)}">{escape(link_label)} {escape(payload["tracking_code"])}</a></p>'
        + f'<p style="color:#5b6473">{escape(footer)}</p></body></html>'
    )
    return Rendered(subject, text, html)


def render_digest(items: list[tuple[str, Mapping[str, Any]]], language: str, base_url: str, day: dt.date) -> Rendered:
    """One mail listing the day's messages of a person who chose a daily digest."""
    lang = "en" if language == "en" else "vi"
    parts = [(render(template, payload, lang, base_url), case_url(base_url, payload)) for template, payload in items]
    subject = (f"Daily digest {day:%d/%m/%Y}: {len(parts)} message(s)" if lang == "en"
               else f"Tổng hợp ngày {day:%d/%m/%Y}: {len(parts)} thông báo")
    text = "\n".join(f"- {r.subject}\n  {url}" for r, url in parts) + "\n"
    html = ("<!doctype html><html><body><ul>"
            + "".join(f'<li><a href="{escape(url)}">{escape(r.subject)}</a></li>' for r, url in parts)
            + "</ul></body></html>")
    return Rendered(subject, text, html)
