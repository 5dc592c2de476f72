"""Files on the case page in a real browser: a scan dropped on the drop zone is stored through the
documents service and listed; the plain file input does the same without dragging; the page has
no sideways scroll at 390 px."""
from __future__ import annotations

import base64
import re

from tests.browser.conftest import PHONE, no_sideways_scroll, shot
from tests.files.samples import pdf

DROP = """([name, b64]) => {
  const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, {type: "application/pdf"}));
  const zone = document.getElementById("dropzone");
  for (const type of ["dragenter", "dragover", "drop"]) {
    zone.dispatchEvent(new DragEvent(type, {dataTransfer: transfer, bubbles: true, cancelable: true}));
  }
}"""


def test_a_file_dropped_on_the_case_page_is_stored_and_listed(complaint, sign_in):
    page = sign_in("reception_ht", viewport=PHONE)
    page.goto(f"/cases/{complaint['id']}")
    page.locator("select[name=kind]").select_option("petition_letter")
    with page.expect_navigation(url=re.compile(rf".*/cases/{complaint['id']}#documents$")):
        page.evaluate(DROP, ["don-khieu-nai.pdf", base64.b64encode(pdf()).decode()])
    listed = page.locator("#documents ul.documents").inner_text()
    assert "don-khieu-nai.pdf" in listed and "Đơn" in listed
    assert page.locator("#documents a", has_text="don-khieu-nai.pdf").get_attribute("href").startswith("/api/v1/documents/")
    assert no_sideways_scroll(page)
    shot(page, "case-documents-phone")


def test_the_plain_file_input_uploads_without_dragging(complaint, sign_in, tmp_path):
    scan = tmp_path / "chung-cu.pdf"
    scan.write_bytes(pdf("Chứng cứ"))
    page = sign_in("reception_ht")
    page.goto(f"/cases/{complaint['id']}")
    page.set_input_files("#upload-file", str(scan))
    page.click("#upload button[type=submit]")
    page.locator("[role=status]", has_text="chung-cu.pdf").wait_for()
    assert "chung-cu.pdf" in page.locator("#documents ul.documents").inner_text()


def test_a_file_that_lies_about_its_type_is_refused_on_the_page(complaint, sign_in, tmp_path):
    fake = tmp_path / "don.pdf"
    fake.write_bytes(b"<!DOCTYPE html><html><body>not a pdf</body></html>")
    page = sign_in("reception_ht")
    page.goto(f"/cases/{complaint['id']}")
    page.set_input_files("#upload-file", str(fake))
    page.click("#upload button[type=submit]")
    assert "don.pdf" not in page.locator("#documents ul.documents").inner_text()
    assert page.locator(".error, [role=alert]").count() >= 1


def test_the_timeline_names_an_added_file_and_its_note_in_the_pages_language(complaint, sign_in, tmp_path):
    scan = tmp_path / "bien-ban.pdf"
    scan.write_bytes(pdf("Biên bản"))
    page = sign_in("reception_ht")
    page.goto(f"/cases/{complaint['id']}")
    page.set_input_files("#upload-file", str(scan))
    page.click("#upload button[type=submit]")
    page.locator("[role=status]", has_text="bien-ban.pdf").wait_for()
    latest = page.locator("ol.timeline li").first
    assert "Thêm tài liệu" in latest.inner_text()
    assert "add_document" not in latest.inner_text() and "document added" not in latest.inner_text()
    shot(page, "case-timeline-file-added")
    page.click("header >> text=English")
    page.locator("h2", has_text="Timeline").wait_for()
    latest = page.locator("ol.timeline li").first
    assert "File added" in latest.inner_text() and "document added" in latest.inner_text()
    assert "Thêm tài liệu" not in latest.inner_text()
    shot(page, "case-timeline-file-added-english")
