"""Written acts of a case: drafts (DOCX or PDF) and issuing (numbered from the unit's yearly
register of outgoing documents, stored as a document of the case, recorded in its history).

Who may produce an act is who may fire the step it belongs to (the desk's receipt: who may log
a petition); acts naming a denouncer are for those who may see the denouncer's identity.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tracker import clock
from tracker.acts import context as act_context
from tracker.acts import render
from tracker.acts.catalog import BY_KEY, KEYS, Act, version_for
from tracker.auth import policy
from tracker.auth.policy import Actor
from tracker.files.storage import Storage
from tracker.models import Case, Document, HistoryEntry, Supervision, Unit
from tracker.models.acts import ActRegister, IssuedAct
from tracker.services.cases import get_case_for
from tracker.services.common import effective_date, working_calendar
from tracker.services.documents import store_case_file
from tracker.services.errors import Forbidden, NotFound, Refused
from tracker.services.history import append_entry
from workflows.definitions.base import Effect

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"


@dataclass(frozen=True)
class RenderedAct:
    """A generated act: its file name, media type and bytes."""

    filename: str
    media_type: str
    content: bytes


def act_for(key: str) -> Act:
    """The act called `key`, or a 404 naming the known keys."""
    act = BY_KEY.get(key)
    if act is None:
        raise NotFound(f"Không có mẫu văn bản {key!r} / no act {key!r}", {"known": list(KEYS)})
    return act


def _board_of(session: Session, case: Case) -> int | None:
    if case.supervision_id is None:
        return None
    return session.scalar(select(Supervision.board_unit_id).where(Supervision.id == case.supervision_id))


def _authorise(session: Session, actor: Actor, case: Case, act: Act) -> None:
    if case.kind not in act.kinds:
        raise Refused(f"Văn bản này không dùng cho loại hồ sơ {case.kind} / this act is not made for a {case.kind}",
                      {"kinds": list(act.kinds)}, code="act_not_for_kind")
    if act.step == "intake":
        allowed = policy.may_draft_intake_act(actor)
    else:
        trigger = case.workflow.trigger(act.step) or case.workflow.trigger("resolve")
        allowed = trigger is not None and policy.may_fire(actor, case, trigger, _board_of(session, case))
    if not allowed:
        raise Forbidden("Bạn không được lập văn bản này / you may not make this act", {"act": act.key}, code="role_not_allowed")
    if not policy.may_read_denunciation(actor, case):
        raise Forbidden("Văn bản này ghi nội dung tố cáo / this act states what the denunciation is about",
                        code="matter_protected")
    if case.kind == "denunciation" and act.names_denouncer and not policy.can_see_identity(actor, case):
        raise Forbidden("Văn bản này ghi thông tin người tố cáo / this act names the denouncer", code="identity_protected")


def _issuer(actor: Actor, case: Case, act: Act) -> Unit:
    if not policy.acts_for_all_units(actor):
        return actor.unit
    return case.received_unit if act.step in ("intake", "file", "forward", "guide", "urge") else case.resolving_unit


def _render(session: Session, actor: Actor, case: Case, act: Act, on: dt.date, seq: int | None,
            templates_dir: str | None) -> tuple[bytes, str]:
    entries = list(session.scalars(select(HistoryEntry).where(HistoryEntry.case_id == case.id).order_by(HistoryEntry.seq)))
    papers = list(session.execute(select(Document.filename, Document.kind).where(
        Document.case_id == case.id, Document.withdrawn_at.is_(None), Document.kind.in_(("petition_letter", "evidence",
                                                                                          "identity")))))

    def unit_name(code: str) -> str:
        unit = session.scalar(select(Unit).where(Unit.code == code))
        return act_context.body_name(unit) if unit else code

    identity = case.kind != "denunciation" or (act.names_denouncer and policy.can_see_identity(actor, case))
    facts = act_context.Facts(case=case, act=act, issuer=_issuer(actor, case, act), issued_on=on, seq=seq,
                              identity=identity, entries=entries, officer_name=actor.display_name, unit_name=unit_name,
                              documents=[(name if identity else "Tài liệu", "Bản chính") for name, _ in papers])
    try:
        values = act_context.build(facts)
    except act_context.ActDataMissing as missing:
        raise Refused(missing.message, {"fields": {missing.field: "required before this act"}}, code="act_data_missing") from None
    if act.send_within_working_days:
        values["send_due_date"] = act_context.dmy(working_calendar(session).add_working_days(on, act.send_within_working_days))
    version = version_for(on)
    return render.render_docx(render.template_path(act.key, version, templates_dir), values), version


def draft(session: Session, actor: Actor, case_id: int, key: str, fmt: str, *, on: dt.date | None = None,
          templates_dir: str | None = None) -> RenderedAct:
    """The act as it would be issued today (or `on`), unnumbered, as DOCX or PDF."""
    act = act_for(key)
    case = get_case_for(session, actor, case_id)
    _authorise(session, actor, case, act)
    docx, _ = _render(session, actor, case, act, on or clock.today(), None, templates_dir)
    name = f"{act.key}-{case.tracking_code}"
    if fmt == "pdf":
        try:
            return RenderedAct(f"{name}.pdf", PDF, render.to_pdf(docx))
        except render.PdfUnavailable as error:
            raise Refused("Không tạo được PDF trên máy chủ này / PDF conversion is unavailable on this server",
                          {"reason": str(error)[:200]}, code="pdf_unavailable") from None
    return RenderedAct(f"{name}.docx", DOCX, docx)


def next_number(session: Session, unit: Unit, year: int) -> int:
    """The next number of the unit's register for `year`: the register row is locked until the
    transaction ends, so concurrent issuers queue and no number is skipped or repeated."""
    query = select(ActRegister).where(ActRegister.unit_id == unit.id, ActRegister.year == year).with_for_update()
    register = session.scalar(query)
    if register is None:
        try:
            with session.begin_nested():
                session.add(ActRegister(unit_id=unit.id, year=year, last_number=0))
                session.flush()
        except IntegrityError:
            pass  # another issuer opened the year's register first: use theirs
        register = session.scalar(query.execution_options(populate_existing=True))
        assert register is not None
    register.last_number += 1
    session.flush()
    return register.last_number


def issue(session: Session, actor: Actor, storage: Storage, case_id: int, key: str, *, issued_on: dt.date | None = None,
          templates_dir: str | None = None) -> IssuedAct:
    """Issue an act: number it, store its DOCX with the case, record `issue_act` in the history,
    and for an act the citizen must receive, track when it must be sent and when it was received."""
    act = act_for(key)
    case = get_case_for(session, actor, case_id)
    _authorise(session, actor, case, act)
    on = effective_date(issued_on, not_before=case.last_effective_on, field="issued_on")
    issuer = _issuer(actor, case, act)
    seq = next_number(session, issuer, on.year)
    docx, version = _render(session, actor, case, act, on, seq, templates_dir)
    number = act_context.format_number(seq, act, issuer)
    sha256 = hashlib.sha256(docx).hexdigest()
    document = store_case_file(session, actor, storage, case, kind=act.document_kind,
                               filename=f"{number.replace('/', '-')} {act.key}.docx", media_type=DOCX, size=len(docx),
                               sha256=sha256, source=io.BytesIO(docx), note=f"Văn bản {number} / act {number}")
    send_due = working_calendar(session).add_working_days(on, act.send_within_working_days) \
        if act.send_within_working_days else None
    issued = IssuedAct(case_id=case.id, unit_id=issuer.id, year=on.year, seq=seq, number=number, key=act.key,
                       template_version=version, issued_on=on, document_id=document.id, to_citizen=act.to_citizen,
                       send_due_on=send_due, delivered_on=on if act.key == "receipt" else None,
                       issued_by_id=actor.id)
    session.add(issued)
    session.flush()
    case.version += 1
    case.last_effective_on = on
    append_entry(session, case, trigger="issue_act", from_state=case.state, actor=actor, effective_on=on,
                 note=f"{act.title or 'Văn bản'} số {number}",
                 data={"template": act.key, "number": number, "issued_on": on, "document_id": document.id,
                       "sha256": sha256, "template_version": version, "send_due_on": send_due})
    session.flush()
    return issued


def delivered_on(session: Session, issued: IssuedAct) -> dt.date | None:
    """The day the citizen received the act. A decision's delivery is the case's own date, recorded
    once by `deliver` (or with `resolve`), where the second-complaint window and finality read it
    (DOMAIN.md §3): the act shows that date and keeps no second copy. Other acts keep their own."""
    act = BY_KEY.get(issued.key)
    case = session.get_one(Case, issued.case_id)
    workflow = case.workflow
    step = workflow.trigger(act.step) if act is not None else None
    delivered_by_the_case = any(Effect.DELIVER in t.effects for t in workflow.triggers if t.dest is None)
    if step is not None and Effect.DECIDE in step.effects and delivered_by_the_case:
        return case.delivered_on
    return issued.delivered_on


def issued_acts(session: Session, actor: Actor, case_id: int) -> list[IssuedAct]:
    """The acts issued for a case, in order."""
    get_case_for(session, actor, case_id)
    return list(session.scalars(select(IssuedAct).where(IssuedAct.case_id == case_id).order_by(IssuedAct.id)))
