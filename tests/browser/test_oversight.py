"""The pages of those who watch cases, in a real browser: a Fatherland Front committee audits
the overdue cases of its area and returns an answer to its recommendation; it reopens a
dialogue answer; a leader follows a chart point to the records behind it and downloads them as
Excel (read back with openpyxl); every new page fits a 390 px phone without sideways scrolling."""
from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest

from tests.browser.conftest import PHONE, SCREENSHOTS, no_sideways_scroll, shot
from tests.conftest import _password_hash
from tracker.models import Case, Unit, User
from tracker.schemas import CaseIn, DialogueIn, OpinionIn, RecommendationIn, SupervisionIn, TransitionIn
from tracker.services import activity, cases


@pytest.fixture()
def watched(world, browser_db):
    """The town's Front committee and one of its members; three complaints received at the town
    in November, January and February, none processed (today is 10/03/2026); a dialogue opinion
    settled on the spot; a supervision whose recommendation the environment office answered."""
    with browser_db.transaction() as session:
        ht = session.merge(world.units["HT"])
        board = Unit(code="HT-MT", name="Ủy ban MTTQ thị xã Hòa Thành", kind="front_committee", parent=ht, settings={})
        session.add(board)
        session.flush()
        board.path = f"{ht.path}{board.id}/"
        member = User(username="board_ht", password_hash=_password_hash(), role="supervisor", unit=board,
                      full_name="Trưởng ban Lê Văn Giám")
        session.add(member)
        session.flush()
        clerk, leader, officer = (session.merge(world.users[r]) for r in ("reception", "leader", "agency"))
        made: dict[str, object] = {}
        for name, received in (("old", dt.datetime(2025, 11, 3, 1, tzinfo=dt.UTC)),
                               ("middle", dt.datetime(2026, 1, 5, 1, tzinfo=dt.UTC)),
                               ("fresh", dt.datetime(2026, 2, 9, 1, tzinfo=dt.UTC))):
            case = cases.intake(session, clerk, CaseIn.model_validate({
                "kind": "complaint", "channel": "in_person", "received_unit": "HT", "subject": f"Khiếu nại đất đai ({name})",
                "content": "Đề nghị xem xét lại.", "received_at": received,
                "petitioners": [{"full_name": "Nguyễn Văn An", "id_number": "079090001111"}]}))
            made[name] = case.tracking_code
        dialogue = activity.open_dialogue(session, leader, DialogueIn(host_unit="HT", held_on=dt.date(2026, 2, 3),
                                                                      chair="Chủ tịch UBND thị xã", topic="Hạ tầng"))
        opinion = activity.record_opinion(session, leader, dialogue.id, OpinionIn(
            subject="Mương thoát nước ấp Long Bình bị tắc", content="Đề nghị nạo vét", settled_on_spot=True,
            answer="Thị xã sẽ nạo vét trong tháng 2"))
        made["opinion"] = opinion.id
        supervision = activity.open_supervision(session, member, SupervisionIn(
            board_unit="HT-MT", subject="Giám sát giải quyết khiếu nại về đất đai", started_on=dt.date(2026, 2, 2),
            scope={"unit": "HT-TNMT"}))
        recommendation = activity.issue_recommendation(session, member, supervision.id, RecommendationIn(
            addressee_unit="HT-TNMT", content="Đề nghị trả lời các đơn tồn đọng", issued_on=dt.date(2026, 2, 3),
            due_on=dt.date(2026, 2, 27)))
        cases.fire(session, officer, recommendation.id, TransitionIn(
            trigger="answer", version=recommendation.version, effective_on=dt.date(2026, 2, 25),
            data={"summary": "Đã trả lời 5 đơn"}))
        made["recommendation"] = recommendation.id
    return made


def test_a_board_audits_the_overdue_cases_and_returns_an_answer(watched, sign_in, browser_db):
    page = sign_in("board_ht")
    page.click("header nav a:has-text('Giám sát')")
    page.wait_for_url(re.compile(r".*/supervision$"))
    overdue = page.locator("#overdue ~ section.card").first
    assert "Thị xã Hòa Thành" in overdue.inner_text()
    codes = overdue.locator("td a").all_inner_texts()
    assert codes == [watched["old"], watched["middle"], watched["fresh"]]  # the oldest first
    assert overdue.locator("h4").first.inner_text().startswith("Hơn 90 ngày")
    assert "079090001111" not in page.content()
    shot(page, "supervision-desktop")

    row = page.locator(f"#recommendation-{watched['recommendation']}")
    assert "Đã trả lời 5 đơn" in row.inner_text()
    row.locator("summary:has-text('Trả lại trả lời')").click()
    form = row.locator("form[action$='/return']")
    form.locator("[name='data.reason']").fill("Chưa nêu kết quả từng đơn")
    form.locator("[name='data.due_on']").fill("2026-03-31")
    form.locator("button[type=submit]").click()
    page.locator("[role=status]", has_text="Đã trả lại").wait_for()
    row = page.locator(f"#recommendation-{watched['recommendation']}")
    assert "Đã kiến nghị" in row.inner_text() and "31/03/2026" in row.inner_text()
    assert row.locator("form[action$='/accept']").count() == 0  # nothing to accept until the office answers again
    with browser_db.transaction() as session:
        assert session.get(Case, watched["recommendation"]).state == "issued"


def test_a_board_reopens_a_dialogue_answer(watched, sign_in, browser_db):
    page = sign_in("board_ht")
    page.goto("/supervision#answers")
    row = page.locator(f"#answer-{watched['opinion']}")
    assert "Thị xã sẽ nạo vét trong tháng 2" in row.inner_text()
    row.locator("summary").click()
    row.locator("[name='data.reason']").fill("Mương vẫn chưa được nạo vét")
    row.locator("select[name='data.unit']").select_option(label="Phòng Tài nguyên và Môi trường")
    row.locator("[name='data.due_on']").fill("2026-04-15")
    shot(page, "supervision-reopen")
    row.locator("button[type=submit]").click()
    page.locator("[role=status]", has_text="Đã yêu cầu xử lý lại").wait_for()
    assert page.locator(f"#answer-{watched['opinion']}").count() == 0  # no longer an answer to reopen
    with browser_db.transaction() as session:
        opinion = session.get(Case, watched["opinion"])
        assert opinion.state == "assigned" and opinion.due_on == dt.date(2026, 4, 15)


def test_a_leader_follows_a_chart_point_to_its_records_and_downloads_them(watched, sign_in):
    page = sign_in("leader_ht")
    page.goto("/dashboard?unit=HT&year=2026")
    january = page.locator("#chart-trend g.trend-received a.point").first
    assert january.locator("title").text_content().endswith("01/2026: 1")
    january.click()
    page.wait_for_url(re.compile(r".*/dashboard/records\?.*from=2026-01-01.*"))
    assert page.locator("h1").inner_text().endswith(": 1")
    row = page.locator("#records tbody tr").first.locator("td").all_inner_texts()
    assert row[0] == "1" and row[1] == watched["middle"] and row[4] == "Thị xã Hòa Thành" and int(row[8]) > 30
    with page.expect_download() as download:
        page.click("#download-xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("STT", "Mã tra cứu") and len(rows) == 2
    assert rows[1][0] == 1 and rows[1][1] == watched["middle"] and rows[1][4] == "Thị xã Hòa Thành" and rows[1][8] == int(row[8])
    page.goto("/dashboard?unit=HT&year=2026")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".charts").screenshot(path=str(SCREENSHOTS / "dashboard-charts.png"))


@pytest.mark.parametrize("path", ["/supervision", "/dashboard?unit=HT&year=2026",
                                  "/dashboard/records?unit=HT&figure=cases.received&from=2025-01-01&to=2026-12-31",
                                  "/reception-days?unit=HT&month=2026-03&span=quarter"])
def test_each_new_page_fits_a_phone(watched, sign_in, path):
    page = sign_in("board_ht" if path == "/supervision" else "leader_ht", viewport=PHONE)
    page.goto(path)
    assert page.locator("main h1").count() >= 1 and no_sideways_scroll(page)
    shot(page, "oversight-390-" + re.sub(r"\W+", "-", path.split("?")[0]).strip("-"))
