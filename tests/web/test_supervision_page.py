"""The supervisory board's page: what it lists (overdue cases of its area by unit and by how
late, the dialogue answers it may reopen, its supervisions and recommendations), the forms it
offers only when the policy allows, and bad input refused on the page with nothing changed."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.web.test_pages import csrf_of, sign_in
from tracker.models import Case, Supervision
from tracker.schemas import DialogueIn, OpinionIn, RecommendationIn, SupervisionIn
from tracker.services import activity

VN = dt.timezone(dt.timedelta(hours=7))
TODAY = dt.date(2026, 9, 1)


@pytest.fixture()
def board(tree, make_user):
    """A member of the town's Fatherland Front committee."""
    return make_user("supervisor", tree["HT-MT"], full_name="Trưởng ban Lê Văn Giám")


@pytest.fixture()
def world(session, tree, clerk, officer, intake, make_user, move, board, clock_at):
    """Cases late by about 170, 50 and 5 days in the town, one in another district; a dialogue
    answer settled on the spot; a supervision of the board whose recommendation the agency answered."""
    clock_at(TODAY)
    leader = make_user("leader", tree["HT"])
    made = {}
    for name, received in (("old", dt.datetime(2026, 3, 2, 8, tzinfo=VN)), ("middle", dt.datetime(2026, 6, 1, 8, tzinfo=VN)),
                           ("fresh", dt.datetime(2026, 8, 10, 8, tzinfo=VN))):
        made[name] = intake(clerk, received_at=received, subject=f"Khiếu nại {name}")
    made["denunciation"] = intake(clerk, kind="denunciation", received_at=dt.datetime(2026, 3, 3, 8, tzinfo=VN),
                                  subject="Tố cáo ông Trần Văn Bị", petitioners=[{"full_name": "Phạm Văn Kín"}])
    made["elsewhere"] = intake(make_user("reception", tree["BT"]), received_unit="BT", subject="Khiếu nại Bình Thạnh",
                               received_at=dt.datetime(2026, 3, 2, 8, tzinfo=VN))
    dialogue = activity.open_dialogue(session, leader, DialogueIn(host_unit="HT", held_on=dt.date(2026, 4, 10),
                                                                  chair="Chủ tịch UBND thị xã", topic="Đất đai"))
    made["answer"] = activity.record_opinion(session, leader, dialogue.id, OpinionIn(
        subject="Đường vào ấp bị ngập", content="Đề nghị nạo vét mương", settled_on_spot=True,
        answer="Sẽ nạo vét trong tháng 5"))
    supervision = activity.open_supervision(session, board, SupervisionIn(
        board_unit="HT-MT", subject="Giám sát giải quyết khiếu nại đất đai", started_on=dt.date(2026, 5, 4),
        scope={"unit": "HT-TNMT"}))
    recommendation = activity.issue_recommendation(session, board, supervision.id, RecommendationIn(
        addressee_unit="HT-TNMT", content="Đề nghị giải quyết dứt điểm các đơn tồn đọng", due_on=dt.date(2026, 6, 1),
        issued_on=dt.date(2026, 5, 5)))
    made["recommendation"] = move(officer, recommendation, "answer", dt.date(2026, 5, 25), summary="Đã giải quyết 12 đơn")
    made["supervision"] = supervision
    session.flush()
    return made


def _section(page: str, anchor: str) -> str:
    return page.split(f'id="{anchor}"', 1)[1].split("<h2", 1)[0]


def test_a_board_sees_the_overdue_cases_of_its_area_by_unit_and_lateness_oldest_first(client, board, world):
    sign_in(client, board.username)
    answer = client.get("/supervision")
    assert answer.status_code == 200
    overdue = _section(answer.get_data(as_text=True), "overdue")
    codes = re.findall(r'href="/cases/\d+">([A-Z0-9-]+)</a>', overdue)
    candidates = [world[n] for n in ("old", "denunciation", "middle", "fresh") if world[n].due_on < TODAY]
    late = [c.tracking_code for c in sorted(candidates, key=lambda c: c.due_on)]
    assert len(late) == 4
    assert codes == late and world["elsewhere"].tracking_code not in overdue
    assert "Hơn 90 ngày" in overdue and "Dưới 30 ngày" in overdue
    assert "Phạm Văn Kín" not in overdue and "Trần Văn Bị" not in overdue  # never a denouncer, nor the accused


def test_the_overdue_list_withholds_a_denunciations_subject_by_the_same_policy_as_the_case_page(app, client, tree, make_user,
                                                                                                 board, world):
    sign_in(client, board.username)
    overdue = _section(client.get("/supervision").get_data(as_text=True), "overdue")
    row = overdue.split(world["denunciation"].tracking_code, 1)[1].split("</tr>", 1)[0]
    assert "Không hiển thị" in row and "Trần Văn Bị" not in row  # the board: not for it
    admin = app.test_client()
    sign_in(admin, make_user("admin", tree["TN"]).username)
    overdue = _section(admin.get("/supervision?board=HT-MT").get_data(as_text=True), "overdue")
    row = overdue.split(world["denunciation"].tracking_code, 1)[1].split("</tr>", 1)[0]
    assert "Tố cáo ông Trần Văn Bị" in row  # an administrator reads it, here as on the case page
    assert "Tố cáo ông Trần Văn Bị" in admin.get(f"/cases/{world['denunciation'].id}").get_data(as_text=True)


def test_a_board_sees_its_supervisions_with_the_answers_and_the_forms_the_policy_allows(client, board, world):
    sign_in(client, board.username)
    page = client.get("/supervision").get_data(as_text=True)
    sheet = _section(page, "supervisions")
    assert "Giám sát giải quyết khiếu nại đất đai" in sheet and "Đã giải quyết 12 đơn" in sheet
    assert "Phòng Tài nguyên và Môi trường" in sheet
    recommendation = world["recommendation"]
    assert f"/supervision/cases/{recommendation.id}/accept" in sheet and f"/supervision/cases/{recommendation.id}/return" in sheet
    assert f"/supervision/cases/{world['answer'].id}/reopen" in _section(page, "answers")
    assert 'action="/supervision/open"' in page


def test_a_board_returns_an_answer_with_a_reason_and_a_new_due_date(client, session, board, world):
    sign_in(client, board.username)
    page = client.get("/supervision").get_data(as_text=True)
    recommendation = world["recommendation"]
    answer = client.post(f"/supervision/cases/{recommendation.id}/return", data={
        "csrf_token": csrf_of(page), "version": recommendation.version, "data.reason": "Chưa nêu kết quả từng đơn",
        "data.due_on": "2026-09-30"})
    assert answer.status_code == 302
    session.expire_all()
    returned = session.get(Case, recommendation.id)
    assert returned.state == "issued" and returned.due_on == dt.date(2026, 9, 30)


def test_a_board_accepts_an_answer(client, session, board, world):
    sign_in(client, board.username)
    page = client.get("/supervision").get_data(as_text=True)
    recommendation = world["recommendation"]
    answer = client.post(f"/supervision/cases/{recommendation.id}/accept",
                         data={"csrf_token": csrf_of(page), "version": recommendation.version})
    assert answer.status_code == 302
    session.expire_all()
    assert session.get(Case, recommendation.id).state == "accepted"


def test_a_return_without_a_due_date_is_refused_on_the_page_and_changes_nothing(client, session, board, world):
    sign_in(client, board.username)
    page = client.get("/supervision").get_data(as_text=True)
    recommendation = world["recommendation"]
    answer = client.post(f"/supervision/cases/{recommendation.id}/return", data={
        "csrf_token": csrf_of(page), "version": recommendation.version, "data.reason": "Chưa đạt"})
    assert 400 <= answer.status_code < 500 and 'role="alert"' in answer.get_data(as_text=True)
    session.expire_all()
    assert session.get(Case, recommendation.id).state == "answered"


def test_a_stale_form_is_refused_with_a_conflict(client, session, board, world):
    sign_in(client, board.username)
    page = client.get("/supervision").get_data(as_text=True)
    recommendation = world["recommendation"]
    answer = client.post(f"/supervision/cases/{recommendation.id}/accept",
                         data={"csrf_token": csrf_of(page), "version": recommendation.version - 1})
    assert answer.status_code == 409
    session.expire_all()
    assert session.get(Case, recommendation.id).state == "answered"


def test_a_board_reopens_a_dialogue_answer(client, session, board, world):
    sign_in(client, board.username)
    page = client.get("/supervision").get_data(as_text=True)
    opinion = world["answer"]
    answer = client.post(f"/supervision/cases/{opinion.id}/reopen", data={
        "csrf_token": csrf_of(page), "version": opinion.version, "data.reason": "Mương vẫn chưa được nạo vét",
        "data.unit": "HT-TNMT", "data.due_on": "2026-10-15"})
    assert answer.status_code == 302
    session.expire_all()
    reopened = session.get(Case, opinion.id)
    assert reopened.state == "assigned" and reopened.resolving_unit.code == "HT-TNMT" and reopened.settled_on_spot


def test_a_board_opens_a_supervision_over_a_list_of_cases_and_issues_a_recommendation_by_name(client, session, board, world):
    sign_in(client, board.username)
    page = client.get("/supervision").get_data(as_text=True)
    codes = f"{world['old'].tracking_code.lower()}, {world['middle'].tracking_code.replace('-', '')}"
    answer = client.post("/supervision/open", data={
        "csrf_token": csrf_of(page), "subject": "Giám sát đơn quá hạn", "started_on": "2026-09-01",
        "scope_kind": "cases", "case_codes": codes})
    assert answer.status_code == 302
    opened = session.query(Supervision).filter_by(subject="Giám sát đơn quá hạn").one()
    assert {c.id for c in opened.scope_cases} == {world["old"].id, world["middle"].id}
    page = client.get("/supervision").get_data(as_text=True)
    assert "<option value=\"HT-LH\">· · Phường Long Hoa</option>" in page  # the addressee is chosen by name
    answer = client.post(f"/supervision/{opened.id}/recommendations", data={
        "csrf_token": csrf_of(page), "addressee_unit": "HT-LH", "content": "Đề nghị trả lời công dân"})
    assert answer.status_code == 302
    issued = session.query(Case).filter_by(supervision_id=opened.id).one()
    assert issued.resolving_unit.code == "HT-LH" and issued.state == "issued"


def test_a_supervision_naming_an_unknown_case_is_refused_and_nothing_is_opened(client, session, board, world):
    sign_in(client, board.username)
    page = client.get("/supervision").get_data(as_text=True)
    answer = client.post("/supervision/open", data={
        "csrf_token": csrf_of(page), "subject": "Giám sát thử", "started_on": "2026-09-01", "scope_kind": "cases",
        "case_codes": f"{world['old'].tracking_code}, {world['elsewhere'].tracking_code}"})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 422 and world["elsewhere"].tracking_code in text and 'role="alert"' in text
    assert session.query(Supervision).filter_by(subject="Giám sát thử").count() == 0
    answer = client.post("/supervision/open", data={"csrf_token": csrf_of(page), "subject": "", "started_on": "hôm qua",
                                                    "scope_kind": "unit", "scope_unit": "HT"})
    assert answer.status_code in (400, 422) and session.query(Supervision).count() == 1


def test_the_page_is_for_boards_only(client, clerk, world):
    sign_in(client, clerk.username)
    assert client.get("/supervision").status_code == 403
    assert "/supervision" not in client.get("/").get_data(as_text=True).split("<main>")[0]


def test_a_board_of_another_area_can_neither_see_nor_act_on_this_areas_records(client, session, tree, make_user, world):
    other = make_user("supervisor", tree["BT-MT"])
    sign_in(client, other.username)
    page = client.get("/supervision").get_data(as_text=True)
    assert world["old"].tracking_code not in page and world["elsewhere"].tracking_code in page
    assert "Giám sát giải quyết khiếu nại đất đai" not in page and world["answer"].tracking_code not in page
    recommendation, opinion = world["recommendation"], world["answer"]
    token = csrf_of(page)
    assert client.post(f"/supervision/cases/{recommendation.id}/accept",
                       data={"csrf_token": token, "version": recommendation.version}).status_code == 404
    assert client.post(f"/supervision/cases/{opinion.id}/reopen", data={
        "csrf_token": token, "version": opinion.version, "data.reason": "x", "data.unit": "BT-P1",
        "data.due_on": "2026-10-01"}).status_code == 404
    assert client.post(f"/supervision/{world['supervision'].id}/recommendations", data={
        "csrf_token": token, "addressee_unit": "BT-P1", "content": "Kiến nghị"}).status_code == 404
    session.expire_all()
    assert session.get(Case, recommendation.id).state == "answered" and session.get(Case, opinion.id).state == "settled_on_spot"


def test_the_page_speaks_english_when_asked(client, board, world):
    sign_in(client, board.username)
    client.set_cookie("lang", "en")
    page = client.get("/supervision").get_data(as_text=True)
    assert "Overdue cases in the area" in page and "More than 90 days late" in page


def test_an_administrator_opens_the_page_of_a_board_of_their_area_only(client, tree, make_user, world):
    sign_in(client, make_user("admin", tree["HT"]).username)
    page = client.get("/supervision?board=HT-MT")
    assert page.status_code == 200 and "Giám sát giải quyết khiếu nại đất đai" in page.get_data(as_text=True)
    assert client.get("/supervision?board=BT-MT").status_code == 403
    assert client.get("/supervision?board=HT-TNMT").status_code == 403  # not a board


def test_an_investment_board_supervises_a_project_of_its_commune(client, session, tree, make_unit, make_user, clock_at):
    from tracker.schemas import ProjectIn
    from tracker.services import projects

    clock_at(TODAY)
    board_unit = make_unit("LH-GSDT", kind="investment_board", parent=tree["HT-LH"], name="Ban giám sát đầu tư phường Long Hoa")
    member = make_user("supervisor", board_unit)
    road = projects.create_project(session, make_user("leader", tree["HT-LH"]), ProjectIn(
        unit="HT-LH", name="Nâng cấp đường Long Hoa 3", investor="UBND phường Long Hoa", investor_unit="HT-LH"))
    sign_in(client, member.username)
    page = client.get("/supervision").get_data(as_text=True)
    assert f'<option value="{road.id}">Nâng cấp đường Long Hoa 3</option>' in page and 'value="cases"' not in page
    answer = client.post("/supervision/open", data={"csrf_token": csrf_of(page), "subject": "Giám sát thi công",
                                                    "started_on": "2026-08-20", "scope_kind": "unit", "scope_unit": "HT-LH"})
    assert answer.status_code == 422 and session.query(Supervision).count() == 0  # a project, not a unit
    answer = client.post("/supervision/open", data={"csrf_token": csrf_of(page), "subject": "Giám sát thi công",
                                                    "started_on": "2026-08-20", "scope_kind": "project", "project_id": road.id})
    assert answer.status_code == 302
    assert session.query(Supervision).one().project_id == road.id
