"""The administration pages in a real browser: an administrator closes a ward with its successor
(refused first, on the page, while a unit below it is still open), and adds a day off after
seeing which due dates it moves (a province's administrator); every administration page fits a 390 px phone."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from tests.browser.conftest import PHONE, no_sideways_scroll, shot
from tests.conftest import _password_hash
from tracker.models import Case, Unit, User
from tracker.schemas import CaseIn
from tracker.services import cases


@pytest.fixture()
def town_admin(world, browser_db):
    """The administrators of Hòa Thành town and of the province, and a receptionist of the ward Long Hoa."""
    with browser_db.transaction() as session:
        ht, lh = session.get(Unit, world.units["HT"].id), session.get(Unit, world.units["HT-LH"].id)
        tn = session.get(Unit, world.units["TN"].id)
        session.add_all([User(username="admin_ht", password_hash=_password_hash(), role="admin", unit=ht,
                              full_name="Quản trị thị xã"),
                         User(username="admin_tn", password_hash=_password_hash(), role="admin", unit=tn,
                              full_name="Quản trị tỉnh"),
                         User(username="reception_lh", password_hash=_password_hash(), role="reception", unit=lh,
                              full_name="Tiếp dân Long Hoa")])
    return "admin_ht"


def _intake(session, username: str, unit: str, subject: str) -> Case:
    clerk = session.scalar(select(User).where(User.username == username))
    return cases.intake(session, clerk, CaseIn.model_validate({
        "kind": "complaint", "channel": "in_person", "received_unit": unit, "subject": subject,
        "content": "Đề nghị xem xét lại.", "received_at": dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC),
        "petitioners": [{"full_name": "Nguyễn Văn An"}]}))


def test_an_administrator_closes_a_ward_with_its_successor(town_admin, browser_db, sign_in):
    with browser_db.transaction() as session:
        case = _intake(session, "reception_lh", "HT-LH", "Phản ánh đường hư hỏng")
        code, case_id = case.tracking_code, case.id
    page = sign_in(town_admin)
    page.click("header >> text=Quản trị")
    page.click("main h2 >> text=Đơn vị")
    # A People's Inspection Board is set up in the ward first.
    form = page.locator("#new-unit")
    form.locator("[name=code]").fill("LH-TTND")
    form.locator("[name=name]").fill("Ban thanh tra nhân dân phường Long Hoa")
    form.locator("[name=kind]").select_option("inspection_board")
    form.locator("[name=parent_code]").select_option("HT-LH")
    form.locator("button[type=submit]").click()
    page.locator("[role=status]", has_text="Đã thêm đơn vị").wait_for()

    row = page.locator("#unit-HT-LH")
    row.locator("summary").click()
    row.locator("form.close [name=successor]").select_option("HT")
    row.locator("form.close button[type=submit]").click()
    refusal = page.locator("#refusal")
    refusal.wait_for()
    assert "LH-TTND" in refusal.inner_text() and "chưa giải thể" in refusal.inner_text()
    shot(page, "admin-close-refused")

    row = page.locator("#unit-HT-LH")
    assert row.locator("details").get_attribute("open") is not None  # the refused form stays open
    row.locator("form.close [name=successor]").select_option("HT")
    row.locator("form.close [name=children_to]").select_option("HT")
    row.locator("form.close button[type=submit]").click()
    page.locator("[role=status]", has_text="Đã giải thể đơn vị").wait_for()
    assert "hồ sơ chuyển: 1" in page.locator("[role=status]").inner_text()
    assert "Giải thể từ 10/03/2026" in page.locator("#unit-HT-LH").inner_text()
    shot(page, "admin-unit-closed")

    page.goto(f"/cases/{case_id}")
    assert "Thị xã Hòa Thành" in page.locator("dl.facts").first.inner_text()
    assert code in page.locator("h1").inner_text()
    # The audit: the case's history chain, its transfer included, still holds.
    assert "Chuỗi lịch sử nguyên vẹn: 2 mục" in page.locator("#audit #chain-valid").inner_text()
    shot(page, "admin-case-audit")


def test_an_administrator_adds_a_day_off_after_seeing_the_due_dates_it_moves(town_admin, browser_db, sign_in):
    with browser_db.transaction() as session:
        # Received on Monday 02/03/2026: its processing period, in working days, spans Thursday 12/03.
        case = _intake(session, "reception_ht", "HT", "Khiếu nại bồi thường đất")
        code, case_id, due = case.tracking_code, case.id, case.due_on
    page = sign_in("admin_tn")  # the working-day calendar is the country's: a province's administrator keeps it
    page.goto("/admin/calendar")
    form = page.locator("#new-day")
    form.locator("[name=day]").fill("2026-03-12")
    form.locator("[name=kind]").select_option("day_off")
    form.locator("[name=note]").fill("Quyết định nghỉ bù của Thủ tướng")
    form.locator("button[type=submit]").click()
    preview = page.locator("#preview")
    preview.wait_for()
    moves = preview.locator("table").inner_text()
    assert code in moves and due.strftime("%d/%m/%Y") in moves
    new_due = re.findall(r"\d{2}/\d{2}/\d{4}", preview.locator("td.moved").first.inner_text())[0]
    assert new_due != due.strftime("%d/%m/%Y")
    assert "Chưa có gì thay đổi" in preview.inner_text()
    shot(page, "admin-calendar-preview")
    with browser_db.transaction() as session:
        assert session.get(Case, case_id).due_on == due  # the preview wrote nothing

    preview.locator("button[name=confirm]").click()
    page.locator("[role=status]", has_text="Đã thêm ngày điều chỉnh").wait_for()
    assert "số hồ sơ đổi hạn: 1" in page.locator("[role=status]").inner_text()
    assert "12/03/2026" in page.locator("#overrides").inner_text()
    with browser_db.transaction() as session:
        assert session.get(Case, case_id).due_on.strftime("%d/%m/%Y") == new_due
    page.goto(f"/cases/{case_id}")
    assert new_due in page.locator("dl.facts").first.inner_text()


ADMIN_PAGES = ["/admin", "/admin/units", "/admin/users", "/admin/users/leader_ht", "/admin/tokens", "/admin/calendar",
               "/admin/periods", "/admin/workflows", "/admin/projects", "/admin/import"]


def test_every_administration_page_fits_a_phone(town_admin, sign_in):
    page = sign_in(town_admin, viewport=PHONE)
    for path in ADMIN_PAGES:
        answer = page.goto(path)
        assert answer.status == 200, path
        assert no_sideways_scroll(page), path
        shot(page, "admin-phone-" + (path.strip("/").replace("/", "-") or "home"))
    page.goto("/admin/units")
    page.locator("#unit-HT-LH summary").click()
    assert no_sideways_scroll(page)
    shot(page, "admin-phone-units-open")
    page.goto("/admin/tokens")
    page.locator("select[name=username]").select_option("agency_ht")
    page.click("text=Tạo mã truy cập")
    secret = page.locator("#new-token code.secret").inner_text()
    assert secret.startswith("pdt_") and no_sideways_scroll(page)
    shot(page, "admin-phone-token-created")
    page.click("header >> text=English")
    page.locator("h1", has_text="API tokens").wait_for()
    assert secret not in page.content() and no_sideways_scroll(page)  # shown once only
    page.goto("/admin/users")
    assert "Add a user" in page.content() and no_sideways_scroll(page)
    shot(page, "admin-phone-users-english")


def test_reloading_the_page_that_shows_a_new_token_makes_no_other_token(town_admin, sign_in):
    page = sign_in(town_admin)
    page.goto("/admin/tokens")
    page.locator("select[name=username]").select_option("agency_ht")
    page.click("text=Tạo mã truy cập")
    secret = page.locator("#new-token code.secret").inner_text()
    assert page.url.endswith("/admin/tokens") and page.locator("#tokens tbody tr").count() == 1
    page.reload()  # the browser repeats the GET the creation redirected to, not the POST
    page.locator("h1", has_text="Mã truy cập").wait_for()
    assert page.locator("#new-token").count() == 0 and secret not in page.content()
    assert page.locator("#tokens tbody tr").count() == 1
    shot(page, "admin-token-page-reloaded")
