"""The front desk in a real browser: a receptionist logs a complaint with its visit, gets the
receipt to print, is warned of the same citizen's earlier case while logging a denunciation,
logs a dialogue session's opinions and a visit about a case on file; every page fits 390 px."""
from __future__ import annotations

import re

from tests.browser.conftest import PHONE, no_sideways_scroll, shot


def _fill_person(page, index: int, name: str, id_number: str = "", phone: str = "") -> None:
    page.fill(f"input[name=p-{index}-full_name]", name)
    if id_number:
        page.fill(f"input[name=p-{index}-id_number]", id_number)
    if phone:
        page.fill(f"input[name=p-{index}-phone]", phone)


def test_the_desk_logs_a_complaint_and_a_denunciation_and_warns_of_the_same_citizen(world, sign_in):
    page = sign_in("reception_ht")
    assert page.locator("h1").inner_text().startswith("Việc hôm nay")
    page.click("text=Nhận đơn mới")
    page.select_option("select[name=kind]", "complaint")
    _fill_person(page, 0, "Nguyễn Văn An", "079090001111", "0909 123 456")
    page.click("#add-person")
    _fill_person(page, 1, "Nguyễn Thị Bình")
    page.select_option("select[name=subject_area]", "land_housing")
    page.fill("input[name=subject]", "Khiếu nại quyết định thu hồi đất")
    page.fill("textarea[name=content]", "Đề nghị xem xét lại mức bồi thường.")
    page.check("input[name=delegation]")
    shot(page, "intake")
    page.click("button:has-text('Lưu và in giấy biên nhận')")
    page.wait_for_url(re.compile(r".*/cases/\d+/receipt$"))
    code = page.locator(".receipt .code").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    receipt = page.locator(".receipt").inner_text()
    assert "Nguyễn Văn An" in receipt and "Nguyễn Thị Bình" in receipt
    assert "24/03/2026" in receipt  # 10 working days after Tue 10/03/2026
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible() and page.locator(".receipt").is_visible()
    shot(page, "receipt-print")
    page.emulate_media(media="screen")

    # The same citizen comes back with a denunciation: the desk sees the earlier case while typing.
    page.goto("/cases/new")
    page.select_option("select[name=kind]", "denunciation")
    page.fill("input[name=p-0-full_name]", "nguyen van an")
    page.locator("#similar li").first.wait_for()
    assert code in page.locator("#similar").inner_text() and "cùng họ tên" in page.locator("#similar").inner_text()
    page.fill("input[name=p-0-id_number]", "079090001111")
    page.locator("#similar", has_text="cùng số CCCD").wait_for()
    shot(page, "intake-duplicate-warning")
    page.fill("input[name=subject]", "Tố cáo cán bộ địa chính")
    page.fill("textarea[name=content]", "Cán bộ địa chính nhận tiền.")
    page.select_option("#visit-choice", index=1)  # the visit logged with the complaint
    page.click("button:has-text('Lưu và in giấy biên nhận')")
    page.wait_for_url(re.compile(r".*/receipt$"))
    assert "Tố cáo" in page.locator(".receipt").inner_text()

    page.goto("/")
    visits = page.locator("table").first.inner_text()
    assert code in visits and "2" in visits  # one visit, two people, both cases
    page.set_viewport_size(PHONE)
    for path in ("/", "/cases/new", "/cases", page.locator("table a").first.get_attribute("href")):
        page.goto(path)
        assert no_sideways_scroll(page), path
    page.goto("/cases/new")
    shot(page, "intake-390")


def test_a_blank_intake_is_refused_on_the_page_and_keeps_what_was_typed(world, sign_in):
    page = sign_in("reception_ht")
    page.goto("/cases/new")
    page.fill("input[name=subject]", "Khiếu nại không tên")
    page.fill("textarea[name=content]", "Nội dung")
    page.click("button:has-text('Lưu và in giấy biên nhận')")
    alert = page.locator("[role=alert]")
    assert "ít nhất một người" in alert.inner_text() or "petitioner" in alert.inner_text()
    assert page.input_value("input[name=subject]") == "Khiếu nại không tên"


def test_a_dialogue_session_records_three_opinions_with_the_running_share(world, sign_in):
    page = sign_in("reception_ht", viewport=PHONE)
    page.goto("/dialogues")
    page.fill("input[name=chair]", "Chủ tịch UBND thị xã")
    page.fill("input[name=topic]", "Bồi thường giải phóng mặt bằng")
    page.click("button:has-text('Tạo buổi đối thoại')")
    page.wait_for_url(re.compile(r".*/dialogues/\d+$"))
    for subject, answer in (("Giá bồi thường thấp", "Đã giải thích khung giá"), ("Chậm chi trả", "Chi trả trong tuần")):
        page.fill("input[name=subject]", subject)
        page.fill("textarea[name=answer]", answer)
        page.click("button:has-text('Ghi ý kiến')")
        page.locator("#opinions", has_text=subject).wait_for()
    page.fill("input[name=subject]", "Đường nội bộ xuống cấp")
    page.check("input[value=assigned]")
    page.select_option("select[name=assigned_unit]", "HT-TNMT")
    page.fill("input[name=due_on]", "2026-04-10")
    page.click("button:has-text('Ghi ý kiến')")
    page.locator("#opinions", has_text="Đường nội bộ").wait_for()
    assert page.locator("#settled-share").inner_text() == "66.7%"
    assert "Phòng Tài nguyên và Môi trường" in page.locator("#opinions").inner_text()
    assert no_sideways_scroll(page)
    shot(page, "dialogue-390")


def test_a_visit_about_a_case_on_file_and_the_leaders_schedule_checked_against_the_law(world, sign_in):
    page = sign_in("reception_ht")
    page.goto("/cases/new")
    page.fill("input[name=p-0-full_name]", "Võ Thị Cúc")
    page.fill("input[name=subject]", "Khiếu nại cấp giấy chứng nhận")
    page.fill("textarea[name=content]", "Chậm cấp giấy.")
    page.select_option("#visit-choice", "")
    page.click("button:has-text('Lưu và in giấy biên nhận')")
    code = page.locator(".receipt .code").inner_text()
    page.goto("/visits")
    page.fill("input[name=cases]", code.replace("-", "").lower())
    page.fill("input[name=persons]", "3")
    page.click("button:has-text('Ghi lượt tiếp')")
    page.locator("#visits", has_text=code).wait_for()
    assert "nhiều lần" in page.locator("#visits").inner_text()

    page.goto("/reception-days?unit=HT-LH&month=2026-03")
    page.fill("input[name=held_on]", "2026-03-12")
    page.fill("input[name=leader]", "Ông Lê Văn Tư, Chủ tịch UBND phường")
    page.click("button:has-text('Thêm')")
    page.locator("#days", has_text="12/03/2026").wait_for()
    minimum = page.locator("#minimum").inner_text()
    assert "1 ngày mỗi tuần" in minimum and "Lịch tiếp chưa đủ" in minimum  # only one week of five has a day
    page.set_viewport_size(PHONE)
    assert no_sideways_scroll(page)
    shot(page, "reception-days-390")
    page.goto("/visits")
    assert no_sideways_scroll(page)
    shot(page, "visits-390")
