"""The investment projects pages: a community investment supervision board's member sees the
projects of its commune, its supervisions and its recommendations, and nothing of another
commune; the dashboard splits the supervision figures by kind of board."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.web.test_pages import sign_in
from tracker.schemas import ProjectIn, RecommendationIn, SupervisionIn
from tracker.services import activity, cases, projects

D = dt.date


@pytest.fixture(autouse=True)
def _today(clock_at):
    """These pages are read on 30/06/2026."""
    clock_at(D(2026, 6, 30))


@pytest.fixture()
def boards(tree, make_unit):
    return {"LH-GSDT": make_unit("LH-GSDT", kind="investment_board", parent=tree["HT-LH"], name="Ban GSĐTCĐ phường Long Hoa"),
            "P1-GSDT": make_unit("P1-GSDT", kind="investment_board", parent=tree["BT-P1"], name="Ban GSĐTCĐ phường 1")}


@pytest.fixture()
def chair(boards, make_user):
    return make_user("supervisor", boards["LH-GSDT"], full_name="Trưởng ban Nguyễn Văn Giám")


def _project(session, user, unit, name):
    return projects.create_project(session, user, ProjectIn(
        unit=unit, name=name, investor=f"UBND {unit}", investor_unit=unit, budget_vnd=4_500_000_000,
        started_on=D(2026, 2, 1), planned_completion_on=D(2026, 12, 31)))


def test_a_boards_page_shows_its_projects_supervisions_and_recommendations_and_no_other_communes(
        client, session, tree, boards, chair, make_user):
    admin = make_user("admin", tree["TN"])
    road = _project(session, admin, "HT-LH", "Nâng cấp đường Phạm Văn Đồng")
    theirs = _project(session, admin, "BT-P1", "Trường tiểu học phường 1")
    supervision = activity.open_supervision(session, chair, SupervisionIn(
        board_unit="LH-GSDT", subject="Giám sát chất lượng thi công", started_on=D(2026, 3, 2),
        scope={"project_id": road.id}))
    recommendation = activity.issue_recommendation(session, chair, supervision.id, RecommendationIn(
        content="Đề nghị khắc phục mặt đường bị nứt", issued_on=D(2026, 3, 5), due_on=D(2026, 4, 5)))
    sign_in(client, chair.username, next_page="/projects")
    page = client.get("/projects").get_data(as_text=True)
    assert "Ban GSĐTCĐ phường Long Hoa" in page and "Nâng cấp đường Phạm Văn Đồng" in page and "4.500.000.000" in page
    assert "Giám sát chất lượng thi công" in page and recommendation.tracking_code in page and "05/04/2026" in page
    assert "Trường tiểu học phường 1" not in page
    detail = client.get(f"/projects/{road.id}").get_data(as_text=True)
    assert "Đề nghị khắc phục mặt đường bị nứt" in detail and "Phường Long Hoa" in detail
    assert client.get(f"/projects/{theirs.id}").status_code == 404
    answered = cases.fire(session, make_user("leader", tree["HT-LH"]), recommendation.id, _answer(recommendation))
    assert answered.state == "answered"
    assert "Đã trả lời" in client.get("/projects").get_data(as_text=True)


def _answer(case):
    from tracker.schemas import TransitionIn

    return TransitionIn(trigger="answer", version=case.version, effective_on=D(2026, 3, 20), data={"summary": "Đã sửa"})


def test_the_projects_page_needs_a_signed_in_user(client):
    answer = client.get("/projects")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")


def test_the_dashboard_splits_supervisions_by_kind_of_board(client, tree, clerk):
    sign_in(client, clerk.username)
    page = client.get("/dashboard?unit=HT&year=2026").get_data(as_text=True)
    for words in ("Số cuộc giám sát: Ủy ban MTTQ", "Số cuộc giám sát: Ban thanh tra nhân dân",
                  "Số cuộc giám sát: Ban giám sát đầu tư của cộng đồng"):
        assert words in page
