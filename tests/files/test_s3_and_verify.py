"""S3-compatible storage chosen by a setting, end to end through the API; and a stored file
altered behind the tracker's back, found by `tracker history verify`."""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from tests.files import samples
from tracker.cli import main
from tracker.db import Database
from tracker.files import S3Storage, storage_for
from tracker.models import Document, Unit, User
from tracker.schemas import CaseIn
from tracker.services import cases
from tracker.services.admin import hash_password, new_token


def test_with_files_storage_s3_uploads_and_downloads_go_through_the_bucket(app, client, session, tree, make_user, intake,
                                                                          s3_server):
    storage = storage_for({"FILES_STORAGE": "s3", "S3_ENDPOINT_URL": s3_server, "S3_BUCKET": "ho-so-ht",
                           "S3_ACCESS_KEY": "testing", "S3_SECRET_KEY": "testing"}, app.instance_path)
    assert isinstance(storage, S3Storage)
    storage.client.create_bucket(Bucket="ho-so-ht")
    app.extensions["files"] = storage
    clerk = make_user("reception", tree["HT"])
    case = intake(clerk)
    headers = {"Authorization": f"Bearer {new_token(session, clerk)[1]}"}
    content = samples.pdf(padding=2_000_000)
    made = client.post(f"/api/v1/cases/{case.id}/documents", headers=headers, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(content), "don.pdf"), "kind": "petition_letter"})
    assert made.status_code == 201, made.get_json()
    key = session.scalar(select(Document.storage_key).where(Document.id == made.get_json()["id"]))
    assert storage.client.head_object(Bucket="ho-so-ht", Key=key)["ContentLength"] == len(content)
    assert not Path(app.config["FILES_DIR"]).exists()  # nothing went to disk
    assert client.get(made.get_json()["content_url"], headers=headers).data == content


def _case_with_user(url: str) -> tuple[int, str]:
    with Database(url).transaction() as s:
        unit = Unit(code="HT", name="Thị xã Hòa Thành", kind="district", settings={})
        s.add(unit)
        s.flush()
        unit.path = f"/{unit.id}/"
        clerk = User(username="tiepdan", password_hash=hash_password("Mat-khau-2026"), role="reception", unit=unit)
        s.add(clerk)
        s.flush()
        case = cases.intake(s, clerk, CaseIn.model_validate({
            "kind": "complaint", "channel": "in_person", "received_unit": "HT", "subject": "Khiếu nại bồi thường",
            "content": "Đề nghị xem xét", "received_at": dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC),
            "petitioners": [{"full_name": "Nguyễn Văn An"}]}))
        return case.id, case.tracking_code


def test_a_file_altered_on_disk_is_named_by_history_verify(empty_db_url, tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("FILES_DIR", str(tmp_path / "files"))
    runner = CliRunner()
    run = lambda *args: runner.invoke(main, [*args, "--database-url", empty_db_url], catch_exceptions=False)  # noqa: E731
    assert run("init").exit_code == 0
    case_id, _ = _case_with_user(empty_db_url)
    scan = tmp_path / "bien-nhan.png"
    scan.write_bytes(samples.png())
    added = run("documents", "add", str(case_id), str(scan), "--kind", "receipt", "--user", "tiepdan")
    assert added.exit_code == 0, added.output
    document_id = int(added.output.split("\t")[0])
    assert run("history", "verify").output.startswith("OK: ") and "1 documents" in run("history", "verify").output

    [stored] = [p for p in (tmp_path / "files").rglob("*") if p.is_file()]
    stored.write_bytes(stored.read_bytes()[:-1] + b"\x00")  # one byte changed
    result = run("history", "verify")
    assert result.exit_code == 1
    assert f"document {document_id} of case {case_id}: the file was altered" in result.output

    stored.unlink()
    assert f"document {document_id} of case {case_id}: the file is missing" in run("history", "verify").output


def test_the_command_line_refuses_a_lying_file_and_fetches_a_stored_one(empty_db_url, tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("FILES_DIR", str(tmp_path / "files"))
    runner = CliRunner()
    run = lambda *args: runner.invoke(main, [*args, "--database-url", empty_db_url], catch_exceptions=False)  # noqa: E731
    run("init")
    case_id, _ = _case_with_user(empty_db_url)
    fake = tmp_path / "quyet-dinh.pdf"
    fake.write_bytes(samples.HTML_PRETENDING_TO_BE_PDF)
    refused = run("documents", "add", str(case_id), str(fake), "--kind", "decision", "--user", "tiepdan")
    assert refused.exit_code == 1 and "not accepted" in refused.output and "Traceback" not in refused.output
    real = tmp_path / "bien-ban.docx"
    real.write_bytes(samples.docx())
    document_id = run("documents", "add", str(case_id), str(real), "--kind", "minutes", "--user", "tiepdan").output.split("\t")[0]
    out = tmp_path / "out.docx"
    assert run("documents", "get", document_id, "--user", "tiepdan", "-o", str(out)).exit_code == 0
    assert out.read_bytes() == real.read_bytes()
    assert "bien-ban.docx" in run("documents", "list", str(case_id), "--user", "tiepdan").output
