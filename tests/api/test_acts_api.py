"""Written acts generated from the templates: every act for a sample case of its kind, read
back from the DOCX (python-docx) and, for a few, from the PDF (pdftotext); issuing numbers
from the unit's register and records the act; the template of the act's date; a denouncer's
identity only in the acts addressed to them."""
from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess

import docx
import pytest
from sqlalchemy import select

from tests.api.conftest import DENOUNCER, is_error_body
from tracker import clock
from tracker.acts.catalog import KEYS
from tracker.models import Document, HistoryEntry
from tracker.models.acts import IssuedAct

IN_CI = os.environ.get("CI", "").lower() == "true"


def docx_text(content: bytes) -> str:
    """Every paragraph of the document, its tables' cells included."""
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def pdf_text(content: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None or shutil.which("soffice") is None:
        message = "pdftotext (poppler-utils) or soffice (libreoffice-writer-nogui) is not installed"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    path = tmp_path / "act.pdf"
    path.write_bytes(content)
    raw = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, timeout=60).stdout.decode()
    return " ".join(raw.split())  # words as read, whatever the line breaks


def sample(steps, person, key: str):
    """A case in the state the act `key` is made in, and who makes it."""
    leader, agency, reception = person("leader"), person("agency"), person("reception")
    match key:
        case "receipt" | "acceptance_proposal":
            return steps.complaint("received"), reception if key == "receipt" else leader
        case "refusal_to_receive" | "complaint_refused":
            return steps.fire(steps.complaint("received"), "file", reason="ineligible"), leader
        case "complaint_accepted" | "urging_letter":
            return steps.complaint("accepted"), leader
        case "forwarding_slip":
            return steps.fire(steps.complaint("received", kind="recommendation"), "forward", unit="HT-LH"), leader
        case "guidance_slip":
            return steps.fire(steps.complaint("received"), "guide", to="Tòa án nhân dân tỉnh Tây Ninh"), leader
        case "denunciation_accepted" | "denunciation_acceptance_decision":
            return steps.denunciation(), agency
        case "denunciation_refused":
            case = steps.intake(reception.user, kind="denunciation", received_unit="HT", petitioners=[DENOUNCER],
                                subject="Tố cáo cán bộ địa chính")
            return steps.fire(case, "file", reason="duplicate"), reception
        case "suspension_decision":
            return steps.complaint("suspended"), agency
        case "resumption_decision":
            return steps.fire(steps.complaint("suspended"), "resume", reason="Đã có kết quả giám định"), agency
        case "extension_decision":
            case = steps.fire(steps.complaint("verifying"), "extend", due_on=(clock.today() + dt.timedelta(days=40)).isoformat(),
                              reason="Vụ việc phức tạp, nhiều hộ liên quan")
            return case, agency
        case "complaint_decision":
            return steps.complaint("resolved"), agency
        case "denunciation_conclusion":
            return steps.fire(steps.denunciation(), "resolve", outcome="partly_upheld", decision_no="12/KL-UBND",
                              summary="Tố cáo đúng một phần"), agency
        case "dialogue_minutes":
            case = steps.complaint("verifying")
            held = clock.today() - dt.timedelta(days=1)
            return steps.fire(case, "record_dialogue", held_on=held.isoformat(),
                              notified_on=(held - dt.timedelta(days=6)).isoformat(), complainant_present=True), agency
    raise AssertionError(key)


@pytest.mark.parametrize("key", KEYS)
def test_every_act_is_generated_for_a_sample_case_and_reads_back_from_the_docx(key, steps, person, call):
    if key == "dialogue_minutes" and not _has_trigger("record_dialogue"):
        pytest.skip("record_dialogue is part (3): its minutes are tested with it")
    case, maker = sample(steps, person, key)
    answer = call(maker, "GET", f"/api/v1/cases/{case.id}/acts/{key}.docx")
    assert answer.status_code == 200, answer.get_json()
    assert answer.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    text = docx_text(answer.data)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert case.subject in text or case.tracking_code in text
    assert "{{" not in text and "{%" not in text
    today = clock.today()
    assert f"ngày {today.day:02d} tháng" in text and f"năm {today.year}" in text
    assert "Số: ......./" in text  # a draft has no number yet
    document = docx.Document(io.BytesIO(answer.data))
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.left_margin.mm) == 30
    assert document.styles["Normal"].font.name == "Times New Roman"


def _has_trigger(name: str) -> bool:
    from workflows import definitions

    return definitions.latest("complaint").trigger(name) is not None


def test_an_act_not_made_for_the_kind_or_missing_its_data_is_a_422(steps, person, call):
    complaint = steps.complaint("received")
    wrong = call(person("leader"), "GET", f"/api/v1/cases/{complaint.id}/acts/denunciation_conclusion.docx")
    assert wrong.status_code == 422 and is_error_body(wrong.get_json(), "act_not_for_kind")
    early = call(person("leader"), "GET", f"/api/v1/cases/{complaint.id}/acts/complaint_decision.docx")
    assert early.status_code == 422 and is_error_body(early.get_json(), "act_data_missing")
    assert call(person("leader"), "GET", f"/api/v1/cases/{complaint.id}/acts/nonsense.docx").status_code == 404
    assert call(person("leader", "outside"), "GET", f"/api/v1/cases/{complaint.id}/acts/receipt.docx").status_code == 404


def test_a_denouncers_identity_is_only_in_acts_addressed_to_them(steps, person, call):
    case = steps.denunciation()
    forwarded = steps.fire(steps.intake(person("reception").user, kind="denunciation", received_unit="HT",
                                        petitioners=[DENOUNCER], subject="Tố cáo cán bộ thuế"), "forward", unit="HT-LH")
    slip = docx_text(call(person("admin"), "GET", f"/api/v1/cases/{forwarded.id}/acts/forwarding_slip.docx").data)
    assert not [v for v in DENOUNCER.values() if v in slip] and "giữ bí mật" in slip
    decision = docx_text(call(person("agency"), "GET", f"/api/v1/cases/{case.id}/acts/denunciation_acceptance_decision.docx").data)
    assert not [v for v in DENOUNCER.values() if v in decision]
    notice = docx_text(call(person("agency"), "GET", f"/api/v1/cases/{case.id}/acts/denunciation_accepted.docx").data)
    assert DENOUNCER["full_name"] in notice and DENOUNCER["id_number"] in notice
    refused = call(person("leader"), "GET", f"/api/v1/cases/{case.id}/acts/denunciation_accepted.docx")
    assert refused.status_code == 403 and is_error_body(refused.get_json(), "identity_protected")


def test_issuing_numbers_acts_from_the_units_register_stores_them_and_records_them(steps, person, call, session):
    leader = person("leader")
    first = steps.complaint("accepted")
    second = steps.complaint("accepted")
    made = call(leader, "POST", f"/api/v1/cases/{first.id}/acts", json={"key": "complaint_accepted"})
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["number"] == "01/TB-UBND" and made.get_json()["to_citizen"] is True
    assert call(leader, "POST", f"/api/v1/cases/{second.id}/acts", json={"key": "acceptance_proposal"}).get_json()["number"] \
        == "02/PĐX-UBND"
    letter = call(leader, "POST", f"/api/v1/cases/{first.id}/acts", json={"key": "urging_letter"}).get_json()
    assert letter["number"] == "03/UBND"  # a letter has no type in its number
    # the issued file is the numbered act, kept with the case, hashed in its history
    stored = call(leader, "GET", made.get_json()["document"]["content_url"])
    assert "Số: 01/TB-UBND" in docx_text(stored.data)
    entry = session.scalars(select(HistoryEntry).where(HistoryEntry.case_id == first.id, HistoryEntry.trigger == "issue_act")
                            .order_by(HistoryEntry.seq)).first()
    assert entry.data["number"] == "01/TB-UBND" and entry.data["template"] == "complaint_accepted"
    assert entry.data["sha256"] == made.get_json()["document"]["sha256"]
    listed = call(leader, "GET", f"/api/v1/cases/{first.id}/acts").get_json()["items"]
    assert [a["number"] for a in listed] == ["01/TB-UBND", "03/UBND"]
    assert session.scalar(select(Document.kind).where(Document.id == made.get_json()["document"]["id"])) == "notice"


def test_a_suspension_decision_must_be_sent_within_3_working_days(steps, person, call, session):
    case = steps.complaint("suspended")
    made = call(person("agency"), "POST", f"/api/v1/cases/{case.id}/acts", json={"key": "suspension_decision"}).get_json()
    issued = session.get(IssuedAct, made["id"])
    assert issued.send_due_on is not None and issued.send_due_on > issued.issued_on
    assert (issued.send_due_on - issued.issued_on).days >= 3
    assert made["number"] == "01/QĐ-TNMT"


def test_the_template_in_force_on_the_acts_date_is_used(person, intake, move, call):
    clerk, leader = person("reception").user, person("leader")
    old = intake(clerk, received_at=dt.datetime(2026, 6, 22, 9, 0, tzinfo=dt.UTC))
    move(clerk, old, "accept", dt.date(2026, 6, 23), unit="HT-TNMT")
    before = call(leader, "POST", f"/api/v1/cases/{old.id}/acts", json={"key": "complaint_accepted", "issued_on": "2026-06-30"})
    assert before.status_code == 201, before.get_json()
    after = call(leader, "POST", f"/api/v1/cases/{old.id}/acts", json={"key": "complaint_accepted", "issued_on": "2026-07-01"})
    before, after = before.get_json(), after.get_json()
    assert (before["template_version"], after["template_version"]) == ("2021", "2026")
    old_text = docx_text(call(leader, "GET", before["document"]["content_url"]).data)
    new_text = docx_text(call(leader, "GET", after["document"]["content_url"]).data)
    assert "ngày 30 tháng 6 năm 2026" in old_text and "155/2026/NĐ-CP" not in old_text
    assert "ngày 01 tháng 7 năm 2026" in new_text and "155/2026/NĐ-CP" in new_text and "07 ngày làm việc" in new_text
    # an act dated before the case's last entry would rewrite what the history says held then
    late = call(leader, "POST", f"/api/v1/cases/{old.id}/acts", json={"key": "complaint_accepted", "issued_on": "2026-06-29"})
    assert late.status_code == 422


def test_a_province_can_replace_a_template(app, steps, person, call, tmp_path):
    own = docx.Document()
    own.add_paragraph("MẪU RIÊNG CỦA TỈNH — {{ issuing_body }} — {{ case_subject }}")
    (tmp_path / "2026").mkdir()
    own.save(str(tmp_path / "2026" / "receipt.docx"))
    app.config["ACTS_TEMPLATES_DIR"] = str(tmp_path)
    case = steps.complaint("received")
    text = docx_text(call(person("reception"), "GET", f"/api/v1/cases/{case.id}/acts/receipt.docx").data)
    assert text == f"MẪU RIÊNG CỦA TỈNH — ỦY BAN NHÂN DÂN THỊ XÃ HÒA THÀNH — {case.subject}"


@pytest.mark.parametrize("key", ["receipt", "forwarding_slip", "complaint_decision"])
def test_a_few_acts_as_pdf_read_back_with_pdftotext(key, steps, person, call, tmp_path, db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("LibreOffice is slow: the PDF is the same on both backends, converted once")
    case, maker = sample(steps, person, key)
    answer = call(maker, "GET", f"/api/v1/cases/{case.id}/acts/{key}.pdf")
    if answer.status_code == 422 and not IN_CI:
        pytest.skip(answer.get_json()["error"]["message"])
    assert answer.status_code == 200 and answer.mimetype == "application/pdf" and answer.data.startswith(b"%PDF")
    text = pdf_text(answer.data, tmp_path)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "ỦY BAN NHÂN DÂN THỊ XÃ HÒA THÀNH" in text or "PHÒNG TÀI NGUYÊN" in text
    assert case.tracking_code in text or case.subject in text


def test_a_decisions_delivery_is_the_one_the_deliver_trigger_records(steps, person, call, session):
    """One source of truth: the issued decision shows the case's `delivered_on`, which `deliver`
    records and from which the second-complaint window and finality run (DOMAIN.md §3)."""
    agency = person("agency")
    case = steps.complaint("resolved")
    made = call(agency, "POST", f"/api/v1/cases/{case.id}/acts", json={"key": "complaint_decision"})
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["delivered_on"] is None  # signed, not yet in the complainant's hands
    session.refresh(case)  # the agency reads the case again: issuing the act moved its version
    case = steps.fire(case, "deliver", agency.user, delivered_on=clock.today().isoformat())
    listed = call(agency, "GET", f"/api/v1/cases/{case.id}/acts").get_json()["items"]
    assert [(a["key"], a["delivered_on"]) for a in listed] == [("complaint_decision", clock.today().isoformat())]
    assert session.get(IssuedAct, made.get_json()["id"]).delivered_on is None  # no second copy of the date


def test_an_act_that_is_no_decision_keeps_its_own_delivery(steps, person, call):
    reception = person("reception")
    case = steps.complaint("received")
    receipt = call(reception, "POST", f"/api/v1/cases/{case.id}/acts", json={"key": "receipt"}).get_json()
    assert receipt["delivered_on"] == receipt["issued_on"]  # the desk hands the receipt over on the spot
