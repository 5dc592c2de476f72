"""The community investment supervision board (DOMAIN.md §6): a board like the others in every
rule, the investment projects of a commune it watches, and its supervisions of them with the
same recommendation loop as every board's. Through the services, on both backends."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tracker.auth import policy
from tracker.auth.policy import SYSTEM
from tracker.models import Project
from tracker.models.units import BOARD_KINDS
from tracker.schemas import DialogueIn, OpinionIn, ProjectIn, RecommendationIn, SupervisionIn, UnitIn, UserIn
from tracker.services import activity, admin, cases, projects
from tracker.services.activity import ListQuery
from tracker.services.errors import Conflict, Forbidden, NotFound, Refused

D = dt.date
VN = dt.timezone(dt.timedelta(hours=7))


@pytest.fixture(autouse=True)
def _today(clock_at):
    """These tests happen on 30/06/2026."""
    clock_at(D(2026, 6, 30))


@pytest.fixture()
def places(tree, make_unit):
    """Long Hoa ward (Hòa Thành) and Ward 1 (Bình Thạnh), each with its investment supervision
    board; Long Hoa also with its land office."""
    return {
        **tree,
        "LH-GSDT": make_unit("LH-GSDT", kind="investment_board", parent=tree["HT-LH"], name="Ban GSĐTCĐ phường Long Hoa"),
        "LH-DC": make_unit("LH-DC", kind="agency", parent=tree["HT-LH"], name="Địa chính phường Long Hoa"),
        "P1-GSDT": make_unit("P1-GSDT", kind="investment_board", parent=tree["BT-P1"], name="Ban GSĐTCĐ phường 1"),
    }


@pytest.fixture()
def chair(places, make_user):
    """The chair of Long Hoa's community investment supervision board."""
    return make_user("supervisor", places["LH-GSDT"], full_name="Trưởng ban GSĐTCĐ Long Hoa")


@pytest.fixture()
def ward_leader(places, make_user):
    return make_user("leader", places["HT-LH"])


def project_in(**fields):
    body = {"unit": "HT-LH", "name": "Nâng cấp đường Phạm Văn Đồng", "investor": "UBND phường Long Hoa",
            "investor_unit": "HT-LH", "location": "Khu phố Long Bình", "budget_vnd": 4_500_000_000,
            "started_on": "2026-02-01", "planned_completion_on": "2026-12-31"} | fields
    return ProjectIn.model_validate_json(json.dumps(body))


@pytest.fixture()
def road(session, ward_leader):
    return projects.create_project(session, ward_leader, project_in())


def supervision_in(board="LH-GSDT", project=None, **fields):
    body = {"board_unit": board, "subject": "Giám sát chất lượng thi công", "started_on": "2026-03-02"} | fields
    if project is not None:
        body["scope"] = {"project_id": project.id}
    return SupervisionIn.model_validate_json(json.dumps(body))


# -- the unit kind ----------------------------------------------------------------------------------

def test_investment_board_is_one_of_the_board_kinds_every_rule_reads(places):
    assert "investment_board" in BOARD_KINDS
    assert places["LH-GSDT"].is_board


def test_an_investment_board_is_set_up_under_a_commune_only(session, tree):
    board = admin.create_unit(session, SYSTEM, UnitIn(code="LH-GS", name="Ban GSĐTCĐ", kind="investment_board", parent_code="HT-LH"))
    assert (board.kind, board.parent.code) == ("investment_board", "HT-LH")
    for parent in ("HT", "TN", "HT-TNMT", "HT-MT"):
        with pytest.raises(Refused):
            admin.create_unit(session, SYSTEM, UnitIn(code=f"X-{parent}", name="Ban", kind="investment_board", parent_code=parent))


def test_the_database_accepts_the_investment_board_kind_and_refuses_unknown_kinds(session, tree):
    session.execute(text("INSERT INTO units (code, name, kind, parent_id, path, settings, created_at) VALUES "
                         "('DB-GS', 'Ban', 'investment_board', :p, '/x/', '{}', CURRENT_TIMESTAMP)"), {"p": tree["HT-LH"].id})
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(text("INSERT INTO units (code, name, kind, path, settings, created_at) VALUES "
                             "('DB-XX', 'Ban', 'investment_committee', '/y/', '{}', CURRENT_TIMESTAMP)"))


def test_a_supervisor_may_belong_to_an_investment_board(session, places):
    user = admin.create_user(session, SYSTEM, UserIn(username="gsdt.longhoa", role="supervisor", unit="LH-GSDT", password="Mat-khau-2026"))
    assert user.unit.is_board


def test_an_investment_boards_area_is_its_communes_tree(places, chair):
    assert policy.area_root(chair).code == "HT-LH"
    assert policy.unit_in_area(chair, places["LH-DC"])
    assert not policy.unit_in_area(chair, places["HT"])
    assert not policy.unit_in_area(chair, places["BT-P1"])


def test_an_investment_board_fires_no_petition_trigger(session, places, chair, clerk, intake):
    case = intake(clerk, received_unit="HT-LH")
    assert cases.view_case(session, chair, case.id).available_triggers == []  # in its area: it reads, never acts
    for trigger, data in (("accept", {"unit": "HT-LH"}), ("file", {"reason": "duplicate"}), ("guide", {"to": "Tòa án"})):
        with pytest.raises(Forbidden):
            cases.fire(session, chair, case.id, _transition(case, trigger, data))


def test_no_case_is_assigned_to_an_investment_board(session, places, clerk, intake, make_user, move):
    case = intake(clerk, received_unit="HT")
    with pytest.raises(Refused):
        move(make_user("leader", places["HT"]), case, "accept", D(2026, 3, 3), unit="LH-GSDT")
    dialogue = activity.open_dialogue(session, clerk, DialogueIn(host_unit="HT-LH", held_on=D(2026, 3, 10), chair="Chủ tịch",
                                                                 topic="Đường giao thông"))
    with pytest.raises(Refused):
        activity.record_opinion(session, clerk, dialogue.id, OpinionIn(
            subject="Đường xuống cấp", content="Đề nghị sửa", settled_on_spot=False, assigned_unit="LH-GSDT", due_on=D(2026, 4, 10)))


def test_an_investment_board_never_sees_a_denouncers_identity(session, places, chair, clerk, intake):
    case = intake(clerk, kind="denunciation", received_unit="HT-LH",
                  received_at=dt.datetime(2026, 3, 2, 8, 0, tzinfo=VN))
    view = cases.view_case(session, chair, case.id)
    assert not view.identity_visible
    assert not policy.identity_shown(chair, case, case_page=True)


# -- projects ---------------------------------------------------------------------------------------

def test_a_commune_records_its_investment_project(session, ward_leader):
    project = projects.create_project(session, ward_leader, project_in())
    assert (project.unit.code, project.name, project.investor_unit.code, project.budget_vnd, project.status) == (
        "HT-LH", "Nâng cấp đường Phạm Văn Đồng", "HT-LH", 4_500_000_000, "in_progress")
    assert (project.started_on, project.planned_completion_on) == (D(2026, 2, 1), D(2026, 12, 31))


def test_a_project_not_yet_started_is_in_preparation(session, ward_leader):
    project = projects.create_project(session, ward_leader, project_in(started_on=None, planned_completion_on=None, budget_vnd=None))
    assert project.status == "preparing"


def test_an_agency_of_the_commune_and_an_administrator_may_record_projects(session, places, make_user):
    by_agency = projects.create_project(session, make_user("agency", places["LH-DC"]), project_in(name="Kênh mương nội đồng"))
    by_admin = projects.create_project(session, make_user("admin", places["TN"]), project_in(unit="LH-DC", name="Trường mầm non"))
    assert (by_agency.unit.code, by_admin.unit.code) == ("HT-LH", "LH-DC")


@pytest.mark.parametrize("role, unit", [("leader", "HT"), ("reception", "BT-P1"), ("supervisor", "LH-GSDT"),
                                        ("agency", "HT-TNMT"), ("admin", "BT")])
def test_only_the_commune_its_agencies_and_administrators_over_it_record_its_projects(session, places, make_user, role, unit):
    with pytest.raises(Forbidden):
        projects.create_project(session, make_user(role, places[unit]), project_in())
    assert session.query(Project).count() == 0


@pytest.mark.parametrize("unit", ["HT", "TN", "HT-TNMT", "LH-GSDT", "HT-MT"])
def test_a_project_belongs_to_a_commune_or_an_agency_of_one(session, places, make_user, unit):
    with pytest.raises(Refused):
        projects.create_project(session, make_user("admin", places["TN"]), project_in(unit=unit))


def test_the_investor_unit_is_no_board_and_in_the_same_province(session, ward_leader, make_unit):
    with pytest.raises(Refused):
        projects.create_project(session, ward_leader, project_in(investor_unit="LH-GSDT"))
    make_unit("DN", kind="province", name="Tỉnh Đồng Nai")
    with pytest.raises(Refused):
        projects.create_project(session, ward_leader, project_in(investor_unit="DN"))
    with pytest.raises(Refused):
        projects.create_project(session, ward_leader, project_in(investor_unit="NOPE"))


def test_a_second_project_of_the_same_name_in_the_commune_is_a_conflict(session, ward_leader, road):
    with pytest.raises(Conflict):
        projects.create_project(session, ward_leader, project_in())


@pytest.mark.parametrize("fields", [{"budget_vnd": -1}, {"started_on": "2026-05-01", "planned_completion_on": "2026-04-30"},
                                    {"budget_vnd": "4500000000"}, {"status": "abandoned"}, {"name": "   "},
                                    {"investor": ""}, {"budget_vnd": 10**16}])
def test_bad_project_input_is_refused_before_anything_is_written(fields):
    with pytest.raises(ValidationError):
        project_in(**fields)


def test_the_database_refuses_a_negative_budget_and_reversed_dates(session, road):
    for column, value in (("budget_vnd", -5), ("planned_completion_on", "2026-01-01")):
        with pytest.raises(IntegrityError), session.begin_nested():
            session.execute(text(f"UPDATE projects SET {column} = :v WHERE id = :id"), {"v": value, "id": road.id})


def test_a_board_sees_the_projects_of_its_commune_and_not_another_communes(session, places, chair, road, make_user):
    other = projects.create_project(session, make_user("leader", places["BT-P1"]), project_in(unit="BT-P1", investor_unit="BT-P1"))
    rows, total = projects.list_projects(session, chair, ListQuery())
    assert ([p.id for p in rows], total) == ([road.id], 1)
    assert projects.list_projects(session, chair, ListQuery(unit="BT-P1")) == ([], 0)
    assert projects.get_project(session, chair, road.id).id == road.id
    with pytest.raises(NotFound):
        projects.get_project(session, chair, other.id)
    their_board = make_user("supervisor", places["P1-GSDT"])
    assert [p.id for p in projects.list_projects(session, their_board, ListQuery())[0]] == [other.id]


def test_the_town_sees_the_projects_of_all_its_communes(session, places, road, make_user):
    rows, _ = projects.list_projects(session, make_user("leader", places["HT"]), ListQuery())
    assert [p.id for p in rows] == [road.id]
    assert projects.list_projects(session, make_user("leader", places["BT"]), ListQuery()) == ([], 0)


# -- supervisions of projects -------------------------------------------------------------------------

def test_a_board_supervises_a_project_of_its_commune(session, chair, road):
    supervision = activity.open_supervision(session, chair, supervision_in(project=road))
    assert (supervision.project_id, supervision.board_unit.code) == (road.id, "LH-GSDT")
    assert projects.supervisions_of(session, road) == [(supervision, [])]


def test_an_investment_boards_supervision_must_name_a_project(session, chair):
    with pytest.raises(Refused) as refused:
        activity.open_supervision(session, chair, supervision_in(scope={"unit": "HT-LH"}))
    assert "scope.project_id" in refused.value.details["fields"]


def test_a_board_cannot_supervise_another_communes_project(session, places, chair, make_user):
    other = projects.create_project(session, make_user("leader", places["BT-P1"]), project_in(unit="BT-P1", investor_unit="BT-P1"))
    with pytest.raises(Refused):
        activity.open_supervision(session, chair, supervision_in(project=other))
    with pytest.raises(Refused):  # not even through an administrator of the province
        activity.open_supervision(session, make_user("admin", places["TN"]), supervision_in(project=other))


def test_a_recommendation_goes_to_the_investor_unless_another_body_is_named(session, chair, road):
    supervision = activity.open_supervision(session, chair, supervision_in(project=road))
    to_investor = activity.issue_recommendation(session, chair, supervision.id, RecommendationIn(
        content="Đề nghị công khai dự toán công trình", issued_on=D(2026, 3, 5)))
    to_competent = activity.issue_recommendation(session, chair, supervision.id, RecommendationIn(
        addressee_unit="HT-TNMT", content="Đề nghị kiểm tra việc đổ đất thải", issued_on=D(2026, 3, 5)))
    assert (to_investor.assigned_unit.code, to_competent.assigned_unit.code) == ("HT-LH", "HT-TNMT")
    assert (to_investor.state, to_investor.received_unit.code) == ("issued", "LH-GSDT")
    with pytest.raises(Refused):
        activity.issue_recommendation(session, chair, supervision.id, RecommendationIn(
            addressee_unit="P1-GSDT", content="Một Ban khác", issued_on=D(2026, 3, 5)))


def test_a_recommendation_without_addressee_and_without_investor_unit_is_refused(session, chair, ward_leader):
    project = projects.create_project(session, ward_leader, project_in(name="Nhà văn hóa", investor_unit=None))
    supervision = activity.open_supervision(session, chair, supervision_in(project=project))
    with pytest.raises(Refused):
        activity.issue_recommendation(session, chair, supervision.id, RecommendationIn(content="Kiến nghị", issued_on=D(2026, 3, 5)))


def test_the_investor_answers_and_the_board_returns_then_accepts(session, places, chair, road, ward_leader, make_user, move):
    supervision = activity.open_supervision(session, chair, supervision_in(project=road))
    case = activity.issue_recommendation(session, chair, supervision.id, RecommendationIn(
        content="Đề nghị khắc phục mặt đường bị nứt", issued_on=D(2026, 3, 5), due_on=D(2026, 4, 5)))
    case = move(ward_leader, case, "answer", D(2026, 3, 20), summary="Đã yêu cầu nhà thầu sửa chữa")
    assert case.state == "answered"
    another_board = make_user("supervisor", places["LH-TTND"])
    with pytest.raises(Forbidden):  # only the board that issued it judges the answer
        move(another_board, case, "accept", D(2026, 3, 22))
    case = move(chair, case, "return", D(2026, 3, 22), reason="Chưa sửa xong", due_on="2026-04-15")
    assert (case.state, case.due_on) == ("issued", D(2026, 4, 15))
    case = move(ward_leader, case, "answer", D(2026, 4, 10), summary="Đã sửa xong mặt đường")
    case = move(chair, case, "accept", D(2026, 4, 12))
    assert case.state == "accepted" and case.is_final
    (listed, recommendations), = projects.supervisions_of(session, road)
    assert (listed.id, [r.id for r in recommendations]) == (supervision.id, [case.id])


def _transition(case, trigger, data):
    from tracker.schemas import TransitionIn

    return TransitionIn(trigger=trigger, version=case.version, effective_on=D(2026, 3, 3), data=data)


def test_a_board_sees_the_recommendations_it_issued_even_outside_its_commune(session, places, chair, road, move):
    supervision = activity.open_supervision(session, chair, supervision_in(project=road))
    case = activity.issue_recommendation(session, chair, supervision.id, RecommendationIn(
        addressee_unit="HT-TNMT", content="Đề nghị kiểm tra", issued_on=D(2026, 3, 5)))
    assert not policy.unit_in_area(chair, places["HT-TNMT"])
    assert cases.get_case_for(session, chair, case.id).id == case.id
