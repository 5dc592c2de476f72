"""Documents on cases, dialogue sessions and supervisions: add, list, download, withdraw,
and check that every stored file is still the one recorded.

Adding a file to a case writes its SHA-256 into the case's hash-chained history, so a file
changed in the storage (or a document row changed in the database) is found by
`tracker history verify`. A denunciation's files go only where the denouncer's identity
may go, and every download of one is written to the history (DOMAIN.md §5). Nothing is
ever deleted: a document is withdrawn with a reason and its bytes are kept.
"""
from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker import clock
from tracker.auth import policy
from tracker.auth.policy import Actor
from tracker.files.storage import Storage
from tracker.files.upload import Received
from tracker.models import Case, Dialogue, HistoryEntry, Supervision, Unit
from tracker.models.documents import DOCUMENT_KINDS, Document, DocumentDownload
from tracker.services.cases import get_case_for
from tracker.services.errors import BadRequest, Forbidden, NotFound, Refused
from tracker.services.history import append_entry

Owner = Literal["case", "dialogue", "supervision"]
ADDED = "add_document"
WITHDRAWN = "withdraw_document"
DOWNLOADED = "download_document"


def _check_kind(kind: str) -> None:
    if kind not in DOCUMENT_KINDS:
        raise BadRequest("Loại tài liệu không hợp lệ / unknown document kind",
                         {"fields": {"kind": f"one of {', '.join(DOCUMENT_KINDS)}"}}, code="invalid_input")


def _board_of(session: Session, case: Case) -> int | None:
    if case.supervision_id is None:
        return None
    return session.scalar(select(Supervision.board_unit_id).where(Supervision.id == case.supervision_id))


def _new_key() -> str:
    return uuid.uuid4().hex


def store_case_file(session: Session, actor: Actor, storage: Storage, case: Case, *, kind: str, filename: str,
                    media_type: str, size: int, sha256: str, source: BinaryIO, note: str | None = None) -> Document:
    """Store bytes already checked as a document of `case`, with its history entry. Used by
    uploads and by the acts the tracker issues; authorisation is the caller's."""
    _check_kind(kind)
    document = Document(case_id=case.id, kind=kind, filename=filename, media_type=media_type, size=size, sha256=sha256,
                        storage_key=_new_key(), added_by_id=actor.id, added_at=clock.now())
    session.add(document)
    session.flush()
    # The name stays out of the history: a denouncer's file name may carry their name.
    append_entry(session, case, trigger=ADDED, from_state=case.state, actor=actor, effective_on=clock.today(),
                 note=note or "Thêm tài liệu / document added",
                 data={"document_id": document.id, "kind": kind, "media_type": media_type, "size": size, "sha256": sha256})
    session.flush()
    storage.put(document.storage_key, source)
    return document


def add_case_document(session: Session, actor: Actor, storage: Storage, case_id: int, kind: str, received: Received) -> Document:
    """Add an uploaded file to a case the actor may add to."""
    _check_kind(kind)
    case = get_case_for(session, actor, case_id)
    if not policy.may_add_document(actor, case, _board_of(session, case)):
        raise Forbidden("Bạn không được thêm tài liệu vào hồ sơ này / you may not add documents to this case")
    with received.open() as source:
        return store_case_file(session, actor, storage, case, kind=kind, filename=received.filename,
                               media_type=received.media_type, size=received.size, sha256=received.sha256, source=source)


def _activity_unit(session: Session, actor: Actor, owner: Owner, owner_id: int) -> Unit:
    if owner == "dialogue":
        dialogue = session.get(Dialogue, owner_id)
        if dialogue is None or not policy.unit_in_area(actor, dialogue.host_unit):
            raise NotFound("Không tìm thấy buổi đối thoại / dialogue not found")
        return dialogue.host_unit
    supervision = session.get(Supervision, owner_id)
    if supervision is None or not (policy.unit_in_area(actor, supervision.board_unit) or supervision.board_unit_id == actor.unit.id):
        raise NotFound("Không tìm thấy cuộc giám sát / supervision not found")
    return supervision.board_unit


def add_activity_document(session: Session, actor: Actor, storage: Storage, owner: Owner, owner_id: int, kind: str,
                          received: Received) -> Document:
    """Add an uploaded file to a dialogue session or a supervision."""
    _check_kind(kind)
    unit = _activity_unit(session, actor, owner, owner_id)
    if not policy.may_add_activity_document(actor, unit):
        raise Forbidden("Bạn không được thêm tài liệu ở đây / you may not add documents here")
    document = Document(kind=kind, filename=received.filename, media_type=received.media_type, size=received.size,
                        sha256=received.sha256, storage_key=_new_key(), added_by_id=actor.id, added_at=clock.now(),
                        dialogue_id=owner_id if owner == "dialogue" else None,
                        supervision_id=owner_id if owner == "supervision" else None)
    session.add(document)
    session.flush()
    with received.open() as source:
        storage.put(document.storage_key, source)
    return document


@dataclass(frozen=True)
class DocumentList:
    """The documents of one owner, and whether their names may be shown to the actor."""

    documents: list[Document]
    names_visible: bool


def list_documents(session: Session, actor: Actor, owner: Owner, owner_id: int) -> DocumentList:
    """Every document of a case, dialogue or supervision the actor may see, withdrawn ones included."""
    visible = True
    if owner == "case":
        case = get_case_for(session, actor, owner_id)
        visible = policy.may_download_document(actor, case)
        where = Document.case_id == owner_id
    else:
        _activity_unit(session, actor, owner, owner_id)
        where = (Document.dialogue_id if owner == "dialogue" else Document.supervision_id) == owner_id
    rows = list(session.scalars(select(Document).where(where).order_by(Document.id)))
    return DocumentList(rows, visible)


def name_visible(session: Session, actor: Actor, document: Document) -> bool:
    """Whether the actor may see the document's name (a denunciation's: only the resolving authority)."""
    if document.case_id is None:
        return True
    case = session.get(Case, document.case_id)
    return case is not None and policy.may_download_document(actor, case)


def _document_for(session: Session, actor: Actor, document_id: int) -> tuple[Document, Case | None]:
    document = session.get(Document, document_id)
    if document is None:
        raise NotFound("Không tìm thấy tài liệu / document not found")
    if document.case_id is not None:
        try:
            return document, get_case_for(session, actor, document.case_id)
        except NotFound:
            raise NotFound("Không tìm thấy tài liệu / document not found") from None
    owner: Owner = "dialogue" if document.dialogue_id is not None else "supervision"
    try:
        _activity_unit(session, actor, owner, document.dialogue_id or document.supervision_id or 0)
    except NotFound:
        raise NotFound("Không tìm thấy tài liệu / document not found") from None
    return document, None


def open_document(session: Session, actor: Actor, storage: Storage, document_id: int) -> tuple[Document, Iterator[bytes]]:
    """The document's bytes, streamed; the download is logged (in the case's history too
    for a denunciation). Withdrawn documents stay readable: they are part of the file."""
    document, case = _document_for(session, actor, document_id)
    if case is not None and not policy.may_download_document(actor, case):
        raise Forbidden("Tài liệu của đơn tố cáo chỉ dành cho người giải quyết / a denunciation's files are for the "
                        "resolving authority only", code="identity_protected")
    try:
        chunks = storage.chunks(document.storage_key)
    except FileNotFoundError:
        raise NotFound("Tệp không còn trong kho lưu trữ / the file is missing from the storage",
                       code="file_missing") from None
    session.add(DocumentDownload(document_id=document.id, user_id=actor.id, at=clock.now()))
    if case is not None and case.kind == "denunciation":
        append_entry(session, case, trigger=DOWNLOADED, from_state=case.state, actor=actor, effective_on=clock.today(),
                     note="Tải tài liệu của đơn tố cáo / downloaded a denunciation's document",
                     data={"document_id": document.id})
    session.flush()
    return document, chunks


def withdraw_document(session: Session, actor: Actor, document_id: int, reason: str) -> Document:
    """Withdraw a document with a reason; the file and its row are kept."""
    if not reason.strip():
        raise Refused("Cần nêu lý do rút tài liệu / a reason is required", {"fields": {"reason": "required"}})
    document, case = _document_for(session, actor, document_id)
    if case is not None:
        allowed = policy.may_add_document(actor, case, _board_of(session, case))
    else:
        allowed = policy.may_add_activity_document(actor, _activity_unit(
            session, actor, "dialogue" if document.dialogue_id else "supervision", document.dialogue_id or document.supervision_id or 0))
    if not allowed:
        raise Forbidden("Bạn không được rút tài liệu này / you may not withdraw this document")
    if document.withdrawn:
        raise Refused("Tài liệu đã được rút / the document is already withdrawn", code="already_withdrawn")
    document.withdrawn_at, document.withdrawn_by_id, document.withdrawn_reason = clock.now(), actor.id, reason.strip()
    if case is not None:
        append_entry(session, case, trigger=WITHDRAWN, from_state=case.state, actor=actor, effective_on=clock.today(),
                     note=reason.strip(), data={"document_id": document.id})
    session.flush()
    return document


# -- verification -------------------------------------------------------------------------------

@dataclass(frozen=True)
class DocumentProblem:
    """A stored file that is not the one its case's history recorded."""

    document_id: int
    case_id: int | None
    reason: str


def file_digest(storage: Storage, key: str) -> str:
    """SHA-256 of the stored bytes, read in chunks."""
    digest = hashlib.sha256()
    for chunk in storage.chunks(key):
        digest.update(chunk)
    return digest.hexdigest()


def verify_documents(session: Session, storage: Storage) -> tuple[int, list[DocumentProblem]]:
    """Re-hash every stored document; compare with the hash its case's history recorded (the
    chain itself is checked by `verify_chains`) and with the document's row."""
    recorded: dict[int, str] = {}
    for data in session.scalars(select(HistoryEntry.data).where(HistoryEntry.trigger == ADDED)):
        if isinstance(data, dict) and "document_id" in data:
            recorded[int(data["document_id"])] = str(data.get("sha256"))
    problems: list[DocumentProblem] = []
    checked = 0
    for document in session.scalars(select(Document).order_by(Document.id).execution_options(yield_per=500)):
        checked += 1
        expected = recorded.get(document.id) if document.case_id is not None else document.sha256
        if expected is None:
            problems.append(DocumentProblem(document.id, document.case_id, "not in the case's history"))
            continue
        if expected != document.sha256:
            problems.append(DocumentProblem(document.id, document.case_id, "its row differs from the history"))
            continue
        try:
            actual = file_digest(storage, document.storage_key)
        except FileNotFoundError:
            problems.append(DocumentProblem(document.id, document.case_id, "the file is missing"))
            continue
        if actual != expected:
            problems.append(DocumentProblem(document.id, document.case_id, "the file was altered"))
    return checked, problems
