"""Documents on cases over the API: round trips with identical bytes, the type read from the
content, the size limit, sanitised names, SHA-256 in the history, a denouncer's files kept to
the resolving authority (and each download logged), withdraw-not-delete."""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.api.conftest import is_error_body
from tests.files import samples
from tracker.models import Document, DocumentDownload, HistoryEntry


def upload(call, caller, path, content: bytes, name: str, kind: str = "evidence"):
    return call(caller, "POST", path, data={"file": (io.BytesIO(content), name), "kind": kind},
                content_type="multipart/form-data")


def stored_files(app) -> list[Path]:
    root = Path(app.config["FILES_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_scan_uploaded_to_a_case_downloads_as_the_same_bytes_with_its_hash_in_the_history(call, person, steps, session):
    case = steps.complaint("accepted")
    content = samples.pdf(padding=1_500_000)  # larger than the API's 1 MiB JSON limit
    made = upload(call, person("reception"), f"/api/v1/cases/{case.id}/documents", content, "Đơn khiếu nại.pdf",
                  kind="petition_letter")
    assert made.status_code == 201, made.get_json()
    doc = made.get_json()
    assert doc["media_type"] == "application/pdf" and doc["size"] == len(content)
    assert doc["sha256"] == hashlib.sha256(content).hexdigest() and doc["filename"] == "Đơn khiếu nại.pdf"
    assert doc["added_by"] == "Cán bộ reception HT"

    got = call(person("agency"), "GET", doc["content_url"])
    assert got.status_code == 200 and got.data == content and got.mimetype == "application/pdf"
    assert "filename*=UTF-8''%C4%90%C6%A1n" in got.headers["Content-Disposition"]

    entry = session.scalars(select(HistoryEntry).where(HistoryEntry.case_id == case.id, HistoryEntry.trigger == "add_document")).one()
    assert entry.data == {"document_id": doc["id"], "kind": "petition_letter", "media_type": "application/pdf",
                          "size": len(content), "sha256": doc["sha256"]}
    listed = call(person("leader"), "GET", f"/api/v1/cases/{case.id}/documents").get_json()
    assert [d["id"] for d in listed["items"]] == [doc["id"]] and listed["identity_withheld"] is False


@pytest.mark.parametrize(("content", "name", "code"), [
    (samples.HTML_PRETENDING_TO_BE_PDF, "quyet-dinh.pdf", "type_not_accepted"),
    (samples.EXECUTABLE, "anh-chup.jpg", "type_not_accepted"),
    (samples.png(), "bien-ban.pdf", "type_mismatch"),
    (b"", "rong.pdf", "empty"),
])
def test_a_file_whose_content_is_not_what_it_claims_is_refused_and_nothing_is_written(call, person, steps, session, app,
                                                                                        content, name, code):
    case = steps.complaint("accepted")
    version, entries = case.version, session.scalar(select(func.count()).where(HistoryEntry.case_id == case.id))
    refused = upload(call, person("reception"), f"/api/v1/cases/{case.id}/documents", content, name)
    assert refused.status_code == 422 and is_error_body(refused.get_json(), code)
    assert " / " in refused.get_json()["error"]["message"]
    assert session.scalar(select(func.count(Document.id))) == 0
    assert session.scalar(select(func.count()).where(HistoryEntry.case_id == case.id)) == entries
    assert stored_files(app) == [] and case.version == version


def test_an_oversize_file_is_refused_with_a_clear_error_and_nothing_is_written(call, person, steps, session, app):
    app.config["DOCUMENT_MAX_BYTES"] = 200_000
    case = steps.complaint("accepted")
    refused = upload(call, person("reception"), f"/api/v1/cases/{case.id}/documents", samples.pdf(padding=300_000), "to.pdf")
    assert refused.status_code == 413 and is_error_body(refused.get_json(), "too_large")
    assert "0.19" in refused.get_json()["error"]["message"] or "MiB" in refused.get_json()["error"]["message"]
    assert session.scalar(select(func.count(Document.id))) == 0 and stored_files(app) == []
    # just under the limit is taken
    assert upload(call, person("reception"), f"/api/v1/cases/{case.id}/documents", samples.pdf(padding=150_000),
                  "vua.pdf").status_code == 201


def test_file_names_are_sanitised_and_take_the_extension_of_the_content(call, person, steps):
    case = steps.complaint("accepted")
    path = f"/api/v1/cases/{case.id}/documents"
    assert upload(call, person("reception"), path, samples.pdf(), "../../etc/Đơn <khiếu> nại?.pdf").get_json()["filename"] \
        == "Đơn _khiếu_ nại_.pdf"
    assert upload(call, person("reception"), path, samples.png(), "/home/can-bo/Scan/anh chup").get_json()["filename"] == "anh chup.png"
    assert upload(call, person("reception"), path, samples.docx(), "").get_json()["filename"] == "tai-lieu.docx"


def test_bad_upload_requests_are_400(call, person, steps):
    case = steps.complaint("accepted")
    path = f"/api/v1/cases/{case.id}/documents"
    no_kind = call(person("reception"), "POST", path, data={"file": (io.BytesIO(samples.pdf()), "a.pdf")},
                   content_type="multipart/form-data")
    assert no_kind.status_code == 400 and no_kind.get_json()["error"]["details"]["fields"] == {"kind": "required"}
    bad_kind = upload(call, person("reception"), path, samples.pdf(), "a.pdf", kind="bribe")
    assert bad_kind.status_code == 400
    as_json = call(person("reception"), "POST", path, json={"kind": "evidence"})
    assert as_json.status_code == 400 and is_error_body(as_json.get_json(), "bad_content_type")


def test_documents_follow_the_case_jurisdiction(call, person, steps):
    case = steps.complaint("accepted")
    path = f"/api/v1/cases/{case.id}/documents"
    assert upload(call, person("reception", "outside"), path, samples.pdf(), "a.pdf").status_code == 404
    assert upload(call, person("supervisor"), path, samples.pdf(), "a.pdf").status_code == 403
    doc = upload(call, person("agency"), path, samples.pdf(), "a.pdf").get_json()
    assert call(person("agency", "outside"), "GET", doc["content_url"]).status_code == 404
    assert call(person("leader", "outside"), "GET", path).status_code == 404


def test_a_denunciations_files_go_only_where_the_denouncers_identity_goes_and_each_download_is_logged(
        call, person, steps, session):
    case = steps.denunciation()  # resolved by HT-TNMT
    doc = upload(call, person("reception"), f"/api/v1/cases/{case.id}/documents", samples.pdf("Trần Thị Bích"),
                 "Đơn tố cáo - Trần Thị Bích.pdf", kind="petition_letter").get_json()
    assert doc["filename"] is None  # the desk may file it, not read the denouncer's name back

    listed = call(person("leader"), "GET", f"/api/v1/cases/{case.id}/documents").get_json()
    assert listed["identity_withheld"] is True and listed["items"][0]["filename"] is None
    refused = call(person("leader"), "GET", doc["content_url"])
    assert refused.status_code == 403 and is_error_body(refused.get_json(), "identity_protected")
    assert "Bích" not in refused.get_data(as_text=True)

    resolver = person("agency")
    assert call(resolver, "GET", f"/api/v1/cases/{case.id}/documents").get_json()["items"][0]["filename"] \
        == "Đơn tố cáo - Trần Thị Bích.pdf"
    assert call(resolver, "GET", doc["content_url"]).status_code == 200
    assert call(person("admin"), "GET", doc["content_url"]).status_code == 200
    logged = session.scalars(select(HistoryEntry).where(HistoryEntry.case_id == case.id,
                                                        HistoryEntry.trigger == "download_document")).all()
    assert [e.actor_id for e in logged] == [resolver.user.id, person("admin").user.id]
    assert session.scalar(select(func.count(DocumentDownload.id)).where(DocumentDownload.document_id == doc["id"])) == 2


def test_a_document_is_withdrawn_with_a_reason_never_deleted(call, person, steps, session):
    case = steps.complaint("accepted")
    doc = upload(call, person("reception"), f"/api/v1/cases/{case.id}/documents", samples.png(), "anh.png").get_json()
    path = f"/api/v1/documents/{doc['id']}/withdraw"
    assert call(person("reception"), "POST", path, json={"reason": " "}).status_code == 400
    done = call(person("reception"), "POST", path, json={"reason": "Nộp nhầm hồ sơ / filed on the wrong case"})
    assert done.status_code == 200 and done.get_json()["withdrawn"] is True
    again = call(person("reception"), "POST", path, json={"reason": "lần nữa"})
    assert again.status_code == 422 and is_error_body(again.get_json(), "already_withdrawn")
    listed = call(person("reception"), "GET", f"/api/v1/cases/{case.id}/documents").get_json()["items"]
    assert listed[0]["withdrawn_reason"] == "Nộp nhầm hồ sơ / filed on the wrong case"
    assert call(person("reception"), "GET", doc["content_url"]).data == samples.png()
    assert session.scalars(select(HistoryEntry.trigger).where(HistoryEntry.case_id == case.id)).all()[-1] == "withdraw_document"
    assert call(person("agency", "outside"), "POST", path, json={"reason": "x"}).status_code == 404


def test_dialogue_sessions_and_supervisions_hold_documents_too(call, person, steps):
    dialogue = steps.dialogue()
    made = upload(call, person("reception"), f"/api/v1/dialogues/{dialogue.id}/documents", samples.docx(), "Biên bản.docx",
                  kind="minutes")
    assert made.status_code == 201
    assert [d["filename"] for d in call(person("leader"), "GET", f"/api/v1/dialogues/{dialogue.id}/documents").get_json()["items"]] \
        == ["Biên bản.docx"]
    assert call(person("leader", "outside"), "GET", f"/api/v1/dialogues/{dialogue.id}/documents").status_code == 404
    supervision = steps.supervision()
    made = upload(call, person("supervisor"), f"/api/v1/supervisions/{supervision.id}/documents", samples.pdf(), "ket-luan.pdf",
                  kind="conclusion")
    assert made.status_code == 201
    assert call(person("leader"), "GET", made.get_json()["content_url"]).data == samples.pdf()
    assert call(person("agency"), "GET", made.get_json()["content_url"]).status_code == 404  # outside its area
