"""The case page in a real browser: an agency officer finds the case in the unit's queue,
starts verification, extends to the limit the page shows, and resolves; two windows on the
same case meet a version conflict that is explained, never a crash; the public lookup takes a
code typed without dashes; the language switch is remembered."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.browser.conftest import PHONE, no_sideways_scroll, shot
from tracker.schemas import CaseIn, TransitionIn
from tracker.services import cases


@pytest.fixture()
def accepted_complaint(complaint, world, browser_db):
    """The complaint received at the town's desk on Mon 02/03/2026, accepted for the environment office on 03/03."""
    with browser_db.transaction() as session:
        clerk = session.merge(world.users["reception"])
        case = cases.get_case_for(session, clerk, complaint["id"])
        case = cases.fire(session, clerk, case.id, TransitionIn(trigger="accept", version=case.version,
                                                                 effective_on=dt.date(2026, 3, 3), data={"unit": "HT-TNMT"}))
        return {"id": case.id, "code": case.tracking_code, "due_on": case.due_on}


def test_the_withdraw_form_asks_which_complainant_only_when_several_complained(complaint, world, browser_db, sign_in):
    page = sign_in("reception_ht", viewport=PHONE)
    page.goto(f"/cases/{complaint['id']}")
    assert page.locator("#action-withdraw").count() == 1
    assert page.locator("#action-withdraw select[name='data.petitioner']").count() == 0  # one complainant
    with browser_db.transaction() as session:
        together = cases.intake(session, session.merge(world.users["reception"]), CaseIn.model_validate({
            "kind": "complaint", "channel": "in_person", "received_unit": "HT", "subject": "Khiếu nại chung về ranh đất",
            "content": "Hai hộ cùng khiếu nại.", "received_at": dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC),
            "petitioners": [{"full_name": "Nguyễn Văn An"}, {"full_name": "Lê Thị Bình"}]}))
    page.goto(f"/cases/{together.id}")
    chooser = page.locator("#action-withdraw select[name='data.petitioner']")
    assert chooser.count() == 1 and "Lê Thị Bình" in chooser.inner_text()
    assert no_sideways_scroll(page)
    shot(page, "case-withdraw-co-complainants")


def test_an_agency_verifies_extends_to_the_shown_limit_and_resolves(accepted_complaint, sign_in):
    page = sign_in("agency_ht")
    page.click(f"text={accepted_complaint['code']}")  # the unit's queue on the home page
    page.wait_for_url(re.compile(rf".*/cases/{accepted_complaint['id']}$"))
    assert accepted_complaint["due_on"].strftime("%d/%m/%Y") in page.locator("dl.facts").first.inner_text()
    page.click("#action-start_verification button[type=submit]")
    page.locator("[role=status]", has_text="Đã ghi nhận").wait_for()
    assert "Đang xác minh" in page.locator("h1 + p").inner_text()

    extend = page.locator("#action-extend")
    limit = re.search(r"(\d{2})/(\d{2})/(\d{4})", extend.locator(".notice").inner_text())
    limit_iso = f"{limit.group(3)}-{limit.group(2)}-{limit.group(1)}"
    assert extend.locator("input[name='data.due_on']").get_attribute("max") == limit_iso
    extend.locator("input[name='data.due_on']").fill(limit_iso)
    extend.locator("[name='data.reason']").fill("Vụ việc phức tạp, cần giám định")
    shot(page, "case-extend")
    extend.locator("button[type=submit]").click()
    page.locator("[role=status]", has_text="Gia hạn").wait_for()
    assert limit.group(0) in page.locator("dl.facts").first.inner_text()
    assert "Không được gia hạn thêm" in page.locator("#action-extend").inner_text()  # a complaint is extended once

    resolve = page.locator("#action-resolve")
    resolve.locator("select[name='data.outcome']").select_option("partly_upheld")
    resolve.locator("input[name='data.decision_no']").fill("12/QĐ-UBND")
    resolve.locator("[name='data.summary']").fill("Chấp nhận một phần")
    resolve.locator("button[type=submit]").click()
    page.locator("[role=status]", has_text="Ra quyết định").wait_for()
    decision = page.locator("section.card:not(#documents)", has_text="Quyết định").inner_text()
    assert "12/QĐ-UBND" in decision and "Đúng một phần" in decision
    timeline = page.locator("ol.timeline").inner_text()
    for step in ("Ra quyết định", "Gia hạn", "Xác minh", "Thụ lý", "Tiếp nhận"):
        assert step in timeline
    page.set_viewport_size(PHONE)
    assert no_sideways_scroll(page)
    shot(page, "case-resolved-390")
    page.goto("/cases")
    assert no_sideways_scroll(page)
    shot(page, "queue-390")


def test_two_windows_on_one_case_get_a_clear_conflict_and_the_fresh_case(accepted_complaint, sign_in):
    first = sign_in("agency_ht")
    second = sign_in("agency_ht")
    for page in (first, second):
        page.goto(f"/cases/{accepted_complaint['id']}")
    first.click("#action-start_verification button[type=submit]")
    first.locator("[role=status]").wait_for()

    second.locator("#action-withdraw [name='data.note']").fill("Đơn xin rút ngày 10/03")
    second.locator("#action-withdraw button[type=submit]").click()
    alert = second.locator("[role=alert]")
    assert "vừa được người khác cập nhật" in alert.inner_text()
    assert "Đang xác minh" in second.locator("h1 + p").inner_text()  # the fresh case, not the stale one
    assert second.input_value("#action-withdraw [name='data.note']") == "Đơn xin rút ngày 10/03"  # kept to retry
    shot(second, "case-conflict")


def test_the_public_lookup_takes_a_code_without_dashes_and_the_language_switch_is_remembered(accepted_complaint, sign_in):
    page = sign_in(None, viewport=PHONE)
    page.goto("/track")
    page.fill("input[name=code]", accepted_complaint["code"].replace("-", "").lower())
    page.click("button:has-text('Tra cứu')")
    page.wait_for_url(re.compile(rf".*/track/{accepted_complaint['code']}$"))
    found = page.locator("#tracking").inner_text()
    assert "Đã thụ lý" in found and "Phòng Tài nguyên và Môi trường" in found and "03/03/2026" in found
    assert "Nguyễn Văn An" not in page.content() and "bồi thường" not in page.content()
    assert no_sideways_scroll(page)
    shot(page, "track-390")

    page.click("button[lang=en]")
    page.locator("h1", has_text="Case lookup").wait_for()
    assert "Accepted" in page.locator("#tracking").inner_text()
    page.goto("/login")
    assert page.locator("h1").inner_text() == "Sign in"  # remembered on the next page
    shot(page, "login-en-390")
    page.click("button[lang=vi]")
    page.locator("h1", has_text="Đăng nhập").wait_for()


def test_a_leader_sees_what_is_late_in_the_area_and_the_figures_fit_a_phone(world, browser_db, sign_in):
    with browser_db.transaction() as session:
        late = cases.intake(session, session.merge(world.users["reception"]), CaseIn.model_validate({
            "kind": "feedback", "channel": "online", "received_unit": "HT-LH", "subject": "Đèn đường hỏng",
            "content": "Đèn đường hỏng đã lâu.", "received_at": dt.datetime(2026, 2, 2, 1, 0, tzinfo=dt.UTC)}))
        code = late.tracking_code
    page = sign_in("leader_ht", viewport=PHONE)
    late_list = page.locator("table.cases").first
    assert code in late_list.inner_text() and "Quá hạn" in late_list.inner_text()
    assert no_sideways_scroll(page)
    shot(page, "home-leader-390")
    page.click(f"text={code}")
    page.wait_for_url(re.compile(r".*/cases/\d+$"))
    assert page.locator("#action-accept").is_visible()  # a leader processes what the desk received
    page.goto("/dashboard?year=2026")
    assert no_sideways_scroll(page)
    shot(page, "dashboard-390")
