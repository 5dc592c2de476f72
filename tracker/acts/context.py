"""What a template is filled with: the case's data as an act prints it (ND 30/2020 dates,
issuing body names in capitals, numbers with a leading zero). A denouncer's identity goes
only into acts addressed to the denouncer or kept in the sealed file; everything else says it
is withheld (TC Art. 47; NOTICES.md: never in a forwarding slip's copy list)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from tracker import clock
from tracker.acts.catalog import Act
from tracker.models import Case, HistoryEntry, Unit

WITHHELD = "(thông tin người tố cáo được giữ bí mật)"
UNKNOWN = "(không rõ)"
PEOPLES_COMMITTEES = ("province", "district", "commune")
KIND_LABELS = {"complaint": "Đơn khiếu nại", "denunciation": "Đơn tố cáo", "recommendation": "Đơn kiến nghị",
               "feedback": "Đơn phản ánh", "voter_opinion": "Ý kiến cử tri"}
FILE_REASONS = {
    "duplicate": "đơn trùng nội dung đã được xem xét",
    "anonymous": "đơn không rõ họ tên, địa chỉ người gửi",
    "ineligible": "đơn không đủ điều kiện thụ lý theo quy định",
    "time_barred": "đã hết thời hiệu",
    "already_final": "vụ việc đã có quyết định giải quyết có hiệu lực pháp luật",
}
OUTCOMES = {"upheld": "đúng", "partly_upheld": "đúng một phần", "rejected": "sai"}


class ActDataMissing(Exception):
    """The case lacks what the act must state (no acceptance yet, no decision yet...)."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.message, self.field = message, field


def date_line(on: dt.date) -> str:
    """ND 30/2020: "ngày 05 tháng 01 năm 2026" (a day under 10 and the months 1-2 take a leading 0)."""
    month = f"{on.month:02d}" if on.month < 3 else str(on.month)
    return f"ngày {on.day:02d} tháng {month} năm {on.year}"


def dmy(on: dt.date | None) -> str:
    """dd/mm/yyyy, or dots to fill in by hand."""
    return on.strftime("%d/%m/%Y") if on else "..../..../........"


def body_name(unit: Unit) -> str:
    """The body as it signs: a People's Committee by its territory, an agency by its name."""
    settings = unit.settings or {}
    if settings.get("body_name"):
        return str(settings["body_name"])
    if unit.kind in PEOPLES_COMMITTEES:
        return f"Ủy ban nhân dân {unit.name[0].lower()}{unit.name[1:]}"
    return unit.name


def abbreviation(unit: Unit) -> str:
    """The issuing body's abbreviation in a number ("UBND" in 05/TB-UBND)."""
    settings = unit.settings or {}
    if settings.get("abbreviation"):
        return str(settings["abbreviation"])
    if unit.kind in PEOPLES_COMMITTEES:
        return "UBND"
    return unit.code.rsplit("-", 1)[-1].upper()


def format_number(seq: int | None, act: Act, unit: Unit) -> str:
    """"05/TB-UBND" (numbers under 10 take a leading 0); a letter has no type; a draft has dots."""
    head = f"{seq:02d}" if seq is not None else "......."
    return f"{head}/{act.type_code}-{abbreviation(unit)}" if act.type_code else f"{head}/{abbreviation(unit)}"


def place(unit: Unit) -> str:
    """Where acts are dated: the province's name ("Tây Ninh")."""
    settings = unit.settings or {}
    if settings.get("place"):
        return str(settings["place"])
    root = unit
    while root.parent is not None:
        root = root.parent
    for prefix in ("Thành phố ", "Tỉnh ", "TP. "):
        if root.name.startswith(prefix):
            return root.name[len(prefix):]
    return root.name


def _signer(unit: Unit) -> tuple[str, str, str]:
    settings = unit.settings or {}
    if unit.kind in PEOPLES_COMMITTEES:
        authority, title = "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"
    else:
        authority, title = "", "THỦ TRƯỞNG CƠ QUAN"
    return (str(settings.get("signer_authority", authority)), str(settings.get("signer_title", title)),
            str(settings.get("signer_name", "")))


def _last(entries: Sequence[HistoryEntry], trigger: str) -> HistoryEntry | None:
    return next((e for e in reversed(entries) if e.trigger == trigger), None)


def _need(entry: HistoryEntry | None, what: str, field: str) -> HistoryEntry:
    if entry is None:
        raise ActDataMissing(f"Hồ sơ chưa có {what} / the case has no {field} step yet", field)
    return entry


@dataclass(frozen=True)
class Facts:
    """What the service hands the context builder besides the case."""

    case: Case
    act: Act
    issuer: Unit
    issued_on: dt.date
    seq: int | None
    identity: bool  # the denouncer's identity may be printed in this act
    entries: Sequence[HistoryEntry]
    officer_name: str
    unit_name: Callable[[str], str]  # a unit code -> the body's name
    documents: Sequence[tuple[str, str]] = ()  # (name, form) of the papers received


def build(f: Facts) -> dict[str, Any]:
    """The template's variables."""
    case, act, issuer = f.case, f.act, f.issuer
    first = case.petitioners[0] if case.petitioners else None
    hidden = case.kind == "denunciation" and not f.identity
    if hidden:
        name = ident = address = WITHHELD
    else:
        name = first.full_name if first else UNKNOWN
        ident, address = (first.id_number or UNKNOWN, first.address or UNKNOWN) if first else (UNKNOWN, UNKNOWN)
    others = len(case.petitioners) - 1
    line = WITHHELD if hidden else (f"ông/bà {name}, địa chỉ {address}" + (f" và {others} người khác" if others > 0 else ""))
    authority, title, signer = _signer(issuer)
    received_local = case.received_at.astimezone(clock.LOCAL)
    ctx: dict[str, Any] = {
        "parent_body": body_name(issuer.parent).upper() if issuer.parent and issuer.kind not in PEOPLES_COMMITTEES else "",
        "issuing_body": body_name(issuer).upper(), "issuing_body_name": body_name(issuer),
        "number": format_number(f.seq, act, issuer), "place": place(issuer), "date_line": date_line(f.issued_on),
        "issued_date": dmy(f.issued_on), "act_subject": act.subject,
        "signer_authority": authority, "signer_title": title, "signer_name": signer or "................................",
        "tracking_code": case.tracking_code, "track_url": "/track", "kind_label": KIND_LABELS.get(case.kind, case.kind),
        "received_date": dmy(case.received_on), "received_time": received_local.strftime("%H giờ %M"),
        "place_received": body_name(case.received_unit),
        "case_subject": case.subject, "case_content": case.content,
        "petitioner_name": name, "petitioner_id": ident, "petitioner_address": address, "petitioner_line": line,
        "round_label": "lần hai" if case.round >= 2 else "lần đầu",
        "resolving_unit_name": body_name(case.resolving_unit), "accepted_date": dmy(case.accepted_on),
        "due_date": dmy(case.due_on), "officer_name": f.officer_name, "officer_title": "cán bộ tiếp công dân",
        "received_documents": [{"name": n, "pages": "", "form": form} for n, form in f.documents]
                              or [{"name": KIND_LABELS.get(case.kind, "Đơn"), "pages": "", "form": "Bản chính"}],
        "addressee": body_name(case.resolving_unit) if act.key == "urging_letter" else f"Ông/Bà {name}",
        "copies": ["Như trên;", f"Lưu: VT, hồ sơ {case.tracking_code}."],
        "earlier_resolution": "chưa có", "reason": "", "team": "Trưởng đoàn, thành viên do Thủ trưởng cơ quan phân công",
    }
    return ctx | _for_act(f, ctx)


def _for_act(f: Facts, ctx: dict[str, Any]) -> dict[str, Any]:
    case, key, entries = f.case, f.act.key, f.entries
    if key in ("complaint_accepted", "denunciation_accepted", "denunciation_acceptance_decision") and case.accepted_on is None:
        raise ActDataMissing("Hồ sơ chưa được thụ lý / the case has not been accepted", "accept")
    if key in ("refusal_to_receive", "complaint_refused", "denunciation_refused"):
        filed = _need(_last(entries, "file"), "quyết định không thụ lý (lưu đơn)", "file")
        return {"reason": FILE_REASONS.get(str(filed.data.get("reason")), str(filed.data.get("reason")))
                + (f"; {filed.note}" if filed.note else "")}
    if key == "forwarding_slip":
        forward = _need(_last(entries, "forward"), "bước chuyển đơn", "forward")
        target = f.unit_name(str(forward.data.get("unit")))
        copies = [f"{target};"]
        # A recommendation's copy to the petitioner serves as the reply; a denouncer is never copied.
        if case.kind in ("recommendation", "feedback") and ctx["petitioner_name"] not in (UNKNOWN, WITHHELD):
            copies.append(f"Ông/Bà {ctx['petitioner_name']} (thay trả lời);")
        copies.append("Lưu: VT, hồ sơ.")
        return {"forward_to": target, "addressee": target, "copies": copies,
                "petitioner_line": WITHHELD if case.kind == "denunciation" else ctx["petitioner_line"]}
    if key == "guidance_slip":
        guide = _need(_last(entries, "guide"), "bước hướng dẫn", "guide")
        return {"guide_to": str(guide.data.get("to"))}
    if key == "urging_letter":
        forward = _last(entries, "forward") or _last(entries, "accept")
        return {"forwarded_date": dmy(forward.effective_on if forward else case.received_on),
                "copies": ["Như trên;", "Lưu: VT, hồ sơ."]}
    if key == "suspension_decision":
        suspend = _need(_last(entries, "suspend"), "bước tạm đình chỉ", "suspend")
        return {"reason": str(suspend.data.get("reason", suspend.note or "")), "send_due_date": ctx.get("send_due_date", "")}
    if key == "resumption_decision":
        resume = _need(_last(entries, "resume"), "bước tiếp tục giải quyết", "resume")
        return {"reason": str(resume.data.get("reason", resume.note or ""))}
    if key == "extension_decision":
        extend = _need(_last(entries, "extend"), "bước gia hạn", "extend")
        return {"reason": str(extend.data.get("reason", ""))}
    if key == "dialogue_minutes":
        held = _need(_last(entries, "record_dialogue"), "biên bản đối thoại", "record_dialogue")
        d = held.data
        present = "có mặt" if d.get("complainant_present") else f"vắng mặt: {d.get('absence_reason') or 'không có lý do'}"
        return {"dialogue_date": dmy(dt.date.fromisoformat(str(d["held_on"]))) if d.get("held_on") else dmy(held.effective_on),
                "notified_date": dmy(dt.date.fromisoformat(str(d["notified_on"]))) if d.get("notified_on") else dmy(None),
                "dialogue_time": "...... giờ ......", "dialogue_end": "...... giờ ......",
                "chair": str(d.get("chair") or ctx["signer_name"]), "clerk": str(d.get("clerk") or f.officer_name),
                "complainant_presence": present, "dialogue_content": str(d.get("content") or held.note or ""),
                "dialogue_result": str(d.get("result") or "")}
    if key in ("complaint_decision", "denunciation_conclusion"):
        decision = case.latest_decision
        if decision is None:
            raise ActDataMissing("Hồ sơ chưa có quyết định giải quyết / the case has no decision yet", "resolve")
        amounts = []
        if decision.recovered_money_vnd:
            amounts.append(f"Thu hồi cho Nhà nước {decision.recovered_money_vnd:,.0f} đồng".replace(",", "."))
        if decision.returned_money_vnd:
            amounts.append(f"Trả lại {decision.returned_money_vnd:,.0f} đồng".replace(",", "."))
        if decision.recovered_land_m2:
            amounts.append(f"thu hồi {decision.recovered_land_m2} m² đất")
        if decision.returned_land_m2:
            amounts.append(f"trả lại {decision.returned_land_m2} m² đất")
        second = case.round >= 2
        remote = case.remote
        return {"decision_summary": decision.summary, "outcome_label": OUTCOMES.get(decision.outcome or "", ""),
                "amounts_line": ("; ".join(amounts) + ".") if amounts else "",
                "appeal_days": "30" if second else ("45" if remote else "30"),
                "appeal_right": "khởi kiện vụ án hành chính tại Tòa án" if second
                else "khiếu nại lần hai đến cấp trên hoặc khởi kiện vụ án hành chính tại Tòa án"}
    return {}
