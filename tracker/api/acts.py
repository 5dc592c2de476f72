"""Written acts of a case (API.md "Written acts"): a draft as DOCX or PDF, issuing one
(numbered, stored, recorded in the history), and the acts issued so far."""
from __future__ import annotations

import datetime as dt
from typing import Literal
from urllib.parse import quote

from flask import Response, current_app
from pydantic import Field

from tracker.acts.catalog import KEYS
from tracker.api import out
from tracker.api.blueprint import api
from tracker.api.documents import DocumentOut, document_out
from tracker.boundary import request_session
from tracker.models import User
from tracker.models.acts import IssuedAct
from tracker.schemas import Input
from tracker.services import acts, documents

TAG = "acts"
CASE_ID = "<int(min=1, max=2147483647):case_id>"
KEY = "<any(" + ", ".join(KEYS) + "):key>"
DOCX_MEDIA = {acts.DOCX: {"type": "string", "format": "binary"}}
PDF_MEDIA = {acts.PDF: {"type": "string", "format": "binary"}}


class ActIn(Input):
    key: Literal[KEYS] = Field(description="Which act (NOTICES.md).")  # type: ignore[valid-type]
    issued_on: dt.date | None = Field(default=None, description="The act's date; default today; not in the future nor "
                                                                "before the case's last entry.")


class IssuedActOut(out.Out):
    id: int
    key: str
    number: str = Field(description="From the issuing unit's yearly register, e.g. `05/TB-UBND`.")
    issued_on: dt.date
    template_version: str = Field(description="`2026` for acts dated from 2026-07-01, else `2021`.")
    to_citizen: bool
    send_due_on: dt.date | None = Field(description="By when it must be sent (a suspension decision: 3 working days).")
    delivered_on: dt.date | None = Field(description="When the citizen received it; for a decision, the case's own "
                                                     "`delivered_on` (recorded by `deliver`).")
    document: DocumentOut


class IssuedActList(out.Out):
    items: list[IssuedActOut]


def _out(issued: IssuedAct, name_visible: bool) -> IssuedActOut:
    return IssuedActOut(id=issued.id, key=issued.key, number=issued.number, issued_on=issued.issued_on,
                        template_version=issued.template_version, to_citizen=issued.to_citizen,
                        send_due_on=issued.send_due_on, delivered_on=acts.delivered_on(request_session(), issued),
                        document=document_out(issued.document, name_visible=name_visible))


def _file(made: acts.RenderedAct) -> Response:
    response = Response(made.content, mimetype=made.media_type)
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(made.filename)}"
    return response


@api.route("GET", f"/cases/{CASE_ID}/acts/{KEY}.docx", tag=TAG, errors=(403, 422), media={200: DOCX_MEDIA},
           summary="A draft of a written act, as an editable DOCX",
           responses={200: (None, "The act filled from the case, unnumbered, dated today.")})
def act_docx(actor: User, case_id: int, key: str) -> Response:
    """403: you may not fire the act's step, or the act names a denouncer you may not see; 422: the act is not made
    for this kind of case, or the case lacks what it must state (`act_data_missing`)."""
    return _file(acts.draft(request_session(), actor, case_id, key, "docx",
                            templates_dir=current_app.config.get("ACTS_TEMPLATES_DIR")))


@api.route("GET", f"/cases/{CASE_ID}/acts/{KEY}.pdf", tag=TAG, errors=(403, 422), media={200: PDF_MEDIA},
           summary="A draft of a written act, as PDF (LibreOffice)",
           responses={200: (None, "The same draft as the DOCX, converted to PDF.")})
def act_pdf(actor: User, case_id: int, key: str) -> Response:
    """As the DOCX draft; 422 `pdf_unavailable` when the server has no LibreOffice."""
    return _file(acts.draft(request_session(), actor, case_id, key, "pdf",
                            templates_dir=current_app.config.get("ACTS_TEMPLATES_DIR")))


@api.route("POST", f"/cases/{CASE_ID}/acts", tag=TAG, body=ActIn, errors=(403, 422),
           summary="Issue a written act: numbered, stored with the case, recorded in its history",
           responses={201: (IssuedActOut, "The issued act and its stored DOCX.")})
def issue_act(actor: User, case_id: int, body: ActIn) -> IssuedActOut:
    """The number comes from the issuing unit's register of the act's year, without gaps or repeats."""
    session = request_session()
    issued = acts.issue(session, actor, current_app.extensions["files"], case_id, body.key, issued_on=body.issued_on,
                        templates_dir=current_app.config.get("ACTS_TEMPLATES_DIR"))
    return _out(issued, documents.name_visible(session, actor, issued.document))


@api.route("GET", f"/cases/{CASE_ID}/acts", tag=TAG, summary="The acts issued for a case",
           responses={200: (IssuedActList, "In the order they were issued.")})
def list_acts(actor: User, case_id: int) -> IssuedActList:
    """Outside your area: 404."""
    session = request_session()
    rows = acts.issued_acts(session, actor, case_id)
    return IssuedActList(items=[_out(a, documents.name_visible(session, actor, a.document)) for a in rows])
