"""What a list holds, not only its status (issue 8 item 8): with the same records in both
districts, every list, search, queue, drill-down, export and inbox answers a user with rows of
their own area only — a list that answers 200 but carries a row of the other district fails.
Each check also asks that the caller's own rows are there, so an empty answer cannot pass."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from tests.api.conftest import HOME, TODAY
from tests.web.test_pages import sign_in
from tracker.schemas import DialogueIn, ProjectIn, SupervisionIn, TransitionIn, VisitIn
from tracker.services import activity, cases, projects

AREA = {"inside": {"HT", "HT-LH", "HT-TNMT", "HT-MT", "LH-TTND"}, "outside": {"BT", "BT-P1", "BT-TNMT", "BT-MT"}}
OTHER = {"inside": "outside", "outside": "inside"}
DISTRICT = {"inside": "HT", "outside": "BT"}
COMMUNE = {"inside": "HT-LH", "outside": "BT-P1"}
YEAR = {"from": "2026-01-01", "to": "2026-12-31"}
# Everyone whose area is the whole district (an agency's area is its own unit).
DISTRICT_WIDE = ("admin", "reception", "supervisor", "leader")


@dataclass
class Area:
    """The records seeded in one district."""

    overdue_code: str  # received in March, never processed: overdue
    assigned_code: str  # accepted for resolution by the district's agency
    dialogue_id: int
    supervision_id: int
    project_id: int
    visit_id: int


@pytest.fixture()
def world(session, person, intake):
    """The same records in Hòa Thành (inside) and Bình Thạnh (outside)."""
    seeded = {}
    for place in ("inside", "outside"):
        home = HOME[place]
        desk, admin = person("reception", place).user, person("admin", place).user
        overdue = intake(desk, received_unit=home["reception"])
        fresh = intake(desk, received_unit=home["reception"], received_at=dt.datetime(2026, 11, 16, 8, tzinfo=dt.UTC))
        assigned = cases.fire(session, admin, fresh.id, TransitionIn(trigger="accept", version=fresh.version,
                                                                      data={"unit": home["agency"]}))
        dialogue = activity.open_dialogue(session, desk, DialogueIn(
            host_unit=home["reception"], held_on=TODAY - dt.timedelta(days=1), chair="Chủ tịch UBND", topic="Bồi thường"))
        supervision = activity.open_supervision(session, person("supervisor", place).user, SupervisionIn(
            board_unit=home["supervisor"], subject="Giám sát bồi thường", started_on=TODAY - dt.timedelta(days=5)))
        project = projects.create_project(session, admin, ProjectIn(
            unit=COMMUNE[place], name=f"Đường giao thông {place}", investor="UBND", investor_unit=COMMUNE[place],
            budget_vnd=1_000_000_000))
        visit = activity.record_visit(session, desk, VisitIn(unit=home["reception"], visited_on=TODAY, reception="staff",
                                                             persons=1))
        seeded[place] = Area(overdue.tracking_code, assigned.tracking_code, dialogue.id, supervision.id, project.id, visit.id)
    session.commit()
    return seeded


def codes_of(world, place):  # type: ignore[no-untyped-def]
    return {world[place].overdue_code, world[place].assigned_code}


CASE_LISTS = {
    "list": {},
    "search": {"q": "thu hoi dat"},
    "queue": {"open": "true", "sort": "urgency"},
    "overdue": {"overdue": "true"},
}


@pytest.mark.parametrize("place", ["inside", "outside"])
@pytest.mark.parametrize("role", ["admin", "reception", "agency", "supervisor", "leader"])
@pytest.mark.parametrize("name", list(CASE_LISTS))
def test_case_lists_search_and_queue_hold_only_the_callers_area(name, role, place, world, person, call):
    answer = call(person(role, place), "GET", "/api/v1/cases", query_string=CASE_LISTS[name])
    items = answer.get_json()["items"]
    assert answer.status_code == 200
    assert {c["tracking_code"] for c in items} & codes_of(world, OTHER[place]) == set()
    assert all(c["received_unit"] in AREA[place] or c["resolving_unit"] in AREA[place] for c in items)
    own = {c["tracking_code"] for c in items}
    if name == "overdue":
        expected = {world[place].overdue_code} if role in DISTRICT_WIDE else set()
    else:
        expected = codes_of(world, place) if role in DISTRICT_WIDE else {world[place].assigned_code}
    assert expected <= own


ACTIVITY_LISTS = {"/api/v1/dialogues": "host_unit", "/api/v1/supervisions": "board_unit", "/api/v1/projects": "unit",
                  "/api/v1/reception-visits": "unit"}


@pytest.mark.parametrize("place", ["inside", "outside"])
@pytest.mark.parametrize("role", DISTRICT_WIDE)
@pytest.mark.parametrize("path", list(ACTIVITY_LISTS))
def test_dialogue_supervision_project_and_visit_lists_hold_only_the_callers_area(path, role, place, world, person, call):
    answer = call(person(role, place), "GET", path)
    items = answer.get_json()["items"]
    assert answer.status_code == 200 and items
    assert {item[ACTIVITY_LISTS[path]] for item in items} <= AREA[place]


@pytest.mark.parametrize("place", ["inside", "outside"])
def test_an_agency_lists_no_session_supervision_or_visit_of_the_other_district(place, world, person, call):
    for path, field in ACTIVITY_LISTS.items():
        items = call(person("agency", place), "GET", path).get_json()["items"]
        assert {item[field] for item in items} <= AREA[place], path


@pytest.mark.parametrize("place", ["inside", "outside"])
@pytest.mark.parametrize("role", ["admin", "leader", "supervisor"])
def test_the_figures_and_their_drill_down_hold_only_the_callers_area(role, place, world, person, call):
    caller = person(role, place)
    unit = DISTRICT[place]
    figures = call(caller, "GET", "/api/v1/metrics", query_string={"unit": unit, **YEAR}).get_json()
    assert figures["cases"]["received"] >= 2
    assert {row["unit"] for row in figures["by_unit"]} <= AREA[place]
    drill = call(caller, "GET", "/api/v1/metrics/drilldown", query_string={"unit": unit, "figure": "cases.received", **YEAR})
    listed = {item["tracking_code"] for item in drill.get_json()["items"]}
    assert codes_of(world, place) <= listed and listed & codes_of(world, OTHER[place]) == set()
    for fmt in ("csv", "xlsx"):
        export = call(caller, "GET", "/api/v1/metrics/drilldown/export",
                      query_string={"unit": unit, "figure": "cases.received", "format": fmt, **YEAR})
        assert export.status_code == 200
        if fmt == "csv":
            text = export.get_data(as_text=True)
            assert all(code in text for code in codes_of(world, place))
            assert not any(code in text for code in codes_of(world, OTHER[place]))
    # The other district's figures are not theirs to read (nor, then, to drill into).
    assert call(caller, "GET", "/api/v1/metrics", query_string={"unit": DISTRICT[OTHER[place]], **YEAR}).status_code == 403


@pytest.mark.parametrize("place", ["inside", "outside"])
def test_the_inbox_holds_only_messages_about_the_callers_area(place, person, call, intake, app):
    from tracker import database

    assigned = {}
    officers = {where: person("agency", where) for where in ("inside", "outside")}  # there to be told
    for where in ("inside", "outside"):  # committed as a request would: its messages are delivered after the commit
        home = HOME[where]
        case = intake(person("reception", where).user, received_unit=home["reception"],
                      received_at=dt.datetime(2026, 11, 16, 8, tzinfo=dt.UTC))
        admin = person("admin", where).user
        with app.app_context(), database(app).transaction() as s:
            cases.fire(s, s.get(type(admin), admin.id), case.id,
                       TransitionIn(trigger="accept", version=case.version, data={"unit": home["agency"]}))
        assigned[where] = case.id
    items = call(officers[place], "GET", "/api/v1/inbox").get_json()["items"]
    assert {item["case_id"] for item in items} == {assigned[place]}


@pytest.mark.parametrize("place", ["inside", "outside"])
def test_the_queue_page_and_the_records_download_hold_only_the_callers_area(place, world, person, client):
    sign_in(client, person("leader", place).user.username)
    queue = client.get("/cases").get_data(as_text=True)
    download = client.get("/dashboard/records.csv", query_string={"unit": DISTRICT[place], "figure": "cases.received",
                                                                 **YEAR}).get_data(as_text=True)
    for page in (queue, download):
        assert all(code in page for code in codes_of(world, place))
        assert not any(code in page for code in codes_of(world, OTHER[place]))
