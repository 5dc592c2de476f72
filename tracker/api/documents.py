"""Documents on cases, dialogue sessions and supervisions (API.md "Documents"): upload as
multipart/form-data (`file`, `kind`), list, download (streamed), withdraw with a reason."""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Response, current_app, request, stream_with_context
from pydantic import Field
from werkzeug.datastructures import FileStorage

from tracker.api import out
from tracker.api.blueprint import api
from tracker.api.errors import ApiError
from tracker.boundary import request_session
from tracker.files.storage import Storage
from tracker.files.types import ACCEPTED
from tracker.files.upload import UploadRefused, receive
from tracker.models import User
from tracker.models.documents import DOCUMENT_KINDS, Document
from tracker.schemas import Input, Text
from tracker.services import documents

TAG = "documents"
CASE_ID = "<int(min=1, max=2147483647):case_id>"
DOC_ID = "<int(min=1, max=2147483647):doc_id>"
# Room for the multipart framing and the `kind` field around the file itself.
FORM_OVERHEAD = 64 * 1024
UPLOAD = {
    "type": "object", "required": ["file", "kind"],
    "properties": {
        "file": {"type": "string", "format": "binary", "description": "The file. Its type is read from its content: images, "
                 "PDF, Word/Excel/ODF documents; a name that claims another type is refused."},
        "kind": {"type": "string", "enum": list(DOCUMENT_KINDS), "description": "What the document is."},
    },
}
CONTENT_MEDIA = {media: {"type": "string", "format": "binary"} for media in ACCEPTED}


class DocumentOut(out.Out):
    id: int
    kind: str
    filename: str | None = Field(description="Sanitised name; null on a denunciation's document for those who may not "
                                             "see the denouncer's identity.")
    media_type: str = Field(description="Read from the content, not from the name.")
    size: int
    sha256: str
    added_by: str | None
    added_at: out.Timestamp
    withdrawn: bool
    withdrawn_at: out.Timestamp | None
    withdrawn_reason: str | None
    content_url: str


class DocumentList(out.Out):
    items: list[DocumentOut]
    identity_withheld: bool = Field(description="True when the names are withheld (a denunciation, DOMAIN.md §5).")


class WithdrawIn(Input):
    reason: Text(2000)  # type: ignore[valid-type]


def document_out(document: Document, *, name_visible: bool = True) -> DocumentOut:
    """The API's view of a document."""
    who = document.added_by
    return DocumentOut(
        id=document.id, kind=document.kind, filename=document.filename if name_visible else None,
        media_type=document.media_type, size=document.size, sha256=document.sha256,
        added_by=(who.full_name or who.username) if who else None, added_at=document.added_at,
        withdrawn=document.withdrawn, withdrawn_at=document.withdrawn_at, withdrawn_reason=document.withdrawn_reason,
        content_url=f"/api/v1/documents/{document.id}/content",
    )


def _storage() -> Storage:
    storage: Storage = current_app.extensions["files"]
    return storage


def _form() -> tuple[FileStorage, str]:
    """The upload's `file` and `kind`, checked before anything is read into storage."""
    limit = int(current_app.config["DOCUMENT_MAX_BYTES"])
    if request.mimetype != "multipart/form-data":
        raise ApiError("Cần gửi multipart/form-data với trường file và kind / send multipart/form-data with `file` and `kind`",
                       {"content_type": request.mimetype or None}, code="bad_content_type")
    if request.content_length is not None and request.content_length > limit + FORM_OVERHEAD:
        raise ApiError(f"Tệp quá lớn (tối đa {limit // (1024 * 1024)} MiB) / the file is too large "
                       f"(at most {limit // (1024 * 1024)} MiB)", {"max_bytes": limit}, code="too_large", status=413)
    # Werkzeug spools the file part to a temporary file past 500 KiB, and stops at this limit.
    request.max_content_length = limit + FORM_OVERHEAD
    file = request.files.get("file")
    kind = request.form.get("kind")
    problems = {}
    if file is None:
        problems["file"] = "required"
    if kind is None:
        problems["kind"] = "required"
    elif kind not in DOCUMENT_KINDS:
        problems["kind"] = f"one of {', '.join(DOCUMENT_KINDS)}"
    if problems:
        raise ApiError("Dữ liệu không hợp lệ / invalid input", {"fields": problems}, code="invalid_input")
    assert file is not None and kind is not None
    return file, kind


def _upload(actor: User, add: Any) -> DocumentOut:
    file, kind = _form()
    try:
        with receive(file.stream, file.filename, max_bytes=int(current_app.config["DOCUMENT_MAX_BYTES"])) as received:
            document = add(kind, received)
            return document_out(document, name_visible=documents.name_visible(request_session(), actor, document))
    except UploadRefused as refused:
        status = 413 if refused.code == "too_large" else 422
        raise ApiError(refused.message, refused.details, code=refused.code, status=status) from None


@api.route("POST", f"/cases/{CASE_ID}/documents", tag=TAG, upload=UPLOAD, errors=(403, 422),
           summary="Add a file to a case (multipart: `file`, `kind`)",
           responses={201: (DocumentOut, "The stored document; its SHA-256 is in the case's history.")})
def add_case_document(actor: User, case_id: int) -> DocumentOut:
    """413: over the size limit (`DOCUMENT_MAX_BYTES`, 25 MiB by default); 422: the content is not an accepted
    type (`type_not_accepted`), or not what the name says (`type_mismatch`), or empty. Nothing is stored then."""
    return _upload(actor, lambda kind, received: documents.add_case_document(
        request_session(), actor, _storage(), case_id, kind, received))


@api.route("GET", f"/cases/{CASE_ID}/documents", tag=TAG, summary="The documents of a case",
           responses={200: (DocumentList, "Every document, withdrawn ones included.")})
def list_case_documents(actor: User, case_id: int) -> DocumentList:
    """A denunciation's document names are shown only to the resolving unit and admins."""
    found = documents.list_documents(request_session(), actor, "case", case_id)
    return DocumentList(items=[document_out(d, name_visible=found.names_visible) for d in found.documents],
                        identity_withheld=not found.names_visible)


DIALOGUE_ID = "<int(min=1, max=2147483647):dialogue_id>"
SUPERVISION_ID = "<int(min=1, max=2147483647):supervision_id>"


@api.route("POST", f"/dialogues/{DIALOGUE_ID}/documents", tag=TAG, upload=UPLOAD, errors=(403, 422),
           summary="Add a file to a dialogue session (multipart: `file`, `kind`)",
           responses={201: (DocumentOut, "The stored document.")})
def add_dialogue_document(actor: User, dialogue_id: int) -> DocumentOut:
    """The host unit's desk, leaders and admins; same checks as a case's upload."""
    return _upload(actor, lambda kind, received: documents.add_activity_document(
        request_session(), actor, _storage(), "dialogue", dialogue_id, kind, received))


@api.route("GET", f"/dialogues/{DIALOGUE_ID}/documents", tag=TAG, summary="The documents of a dialogue session",
           responses={200: (DocumentList, "Every document, withdrawn ones included.")})
def list_dialogue_documents(actor: User, dialogue_id: int) -> DocumentList:
    """Outside your area: 404."""
    found = documents.list_documents(request_session(), actor, "dialogue", dialogue_id)
    return DocumentList(items=[document_out(d) for d in found.documents], identity_withheld=False)


@api.route("POST", f"/supervisions/{SUPERVISION_ID}/documents", tag=TAG, upload=UPLOAD, errors=(403, 422),
           summary="Add a file to a supervision (multipart: `file`, `kind`)",
           responses={201: (DocumentOut, "The stored document.")})
def add_supervision_document(actor: User, supervision_id: int) -> DocumentOut:
    """The supervising board itself, or the desk, leaders and admins above it; same checks as a case's upload."""
    return _upload(actor, lambda kind, received: documents.add_activity_document(
        request_session(), actor, _storage(), "supervision", supervision_id, kind, received))


@api.route("GET", f"/supervisions/{SUPERVISION_ID}/documents", tag=TAG, summary="The documents of a supervision",
           responses={200: (DocumentList, "Every document, withdrawn ones included.")})
def list_supervision_documents(actor: User, supervision_id: int) -> DocumentList:
    """Outside your area: 404."""
    found = documents.list_documents(request_session(), actor, "supervision", supervision_id)
    return DocumentList(items=[document_out(d) for d in found.documents], identity_withheld=False)


@api.route("GET", f"/documents/{DOC_ID}/content", tag=TAG, summary="Download a document", media={200: CONTENT_MEDIA},
           errors=(403,), responses={200: (None, "The file's bytes, streamed, with its media type and name.")})
def document_content(actor: User, doc_id: int) -> Response:
    """403: a denunciation's file for someone who may not see the denouncer's identity. Every download is logged;
    a denunciation's in its case history."""
    document, chunks = documents.open_document(request_session(), actor, _storage(), doc_id)
    response = Response(stream_with_context(chunks), mimetype=document.media_type)
    response.headers["Content-Length"] = str(document.size)
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(document.filename)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@api.route("POST", f"/documents/{DOC_ID}/withdraw", tag=TAG, body=WithdrawIn, errors=(403, 422),
           summary="Withdraw a document (it is kept, with the reason)",
           responses={200: (DocumentOut, "The withdrawn document.")})
def withdraw_document(actor: User, doc_id: int, body: WithdrawIn) -> DocumentOut:
    """422: already withdrawn. A document is never deleted."""
    session = request_session()
    document = documents.withdraw_document(session, actor, doc_id, body.reason)
    return document_out(document, name_visible=documents.name_visible(session, actor, document))

