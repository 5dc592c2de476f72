"""Data minimisation (Decree 13/2023/NĐ-CP; issue 8 item 9): a supervisory board sees a
complainant's name but never their ID number, phone or address; a denunciation's subject and
content (which name the person accused) go only to the resolving unit, the leaders above it and
admins, and everyone else who may see the case gets its kind, state and dates. In the API the
withheld fields stay present, as null."""
from __future__ import annotations

import pytest

from tests.api.conftest import DENOUNCER
from tests.web.test_pages import sign_in

COMPLAINANT = {"full_name": "Phạm Minh Châu", "id_number": "079077003333", "phone": "0912345678",
               "address": "Số 7 Đường Trần Phú"}
CONTACT = (COMPLAINANT["id_number"], COMPLAINANT["phone"], COMPLAINANT["address"])
# Words of the accusation that only the denunciation's subject and content carry.
ACCUSED_SUBJECT = "Tố cáo ông Lâm Quốc Trung nhận hối lộ"
ACCUSED_CONTENT = "Ông Lâm Quốc Trung, cán bộ địa chính, nhận tiền để cấp sổ."
# The resolving unit (HT-TNMT, after `accept`), the leader above it and admins read the matter.
READERS = {"admin", "agency", "leader"}


def complaint_with_contact(steps, person):
    return steps.intake(person("reception").user, received_unit="HT", petitioners=[COMPLAINANT])


def accused_denunciation(steps):
    return steps.denunciation(subject=ACCUSED_SUBJECT, content=ACCUSED_CONTENT)


def test_a_board_sees_a_complainants_name_but_not_their_id_number_phone_or_address(steps, person, call):
    case = complaint_with_contact(steps, person)
    detail = call(person("supervisor"), "GET", f"/api/v1/cases/{case.id}")
    assert detail.status_code == 200
    assert detail.get_json()["petitioners"] == [{"full_name": COMPLAINANT["full_name"], "id_number": None, "phone": None,
                                                 "address": None}]
    listed = call(person("supervisor"), "GET", "/api/v1/cases").get_json()["items"]
    assert [c["petitioners"] for c in listed if c["id"] == case.id] == [[{**detail.get_json()["petitioners"][0]}]]
    for answer in (detail, call(person("supervisor"), "GET", "/api/v1/cases")):
        assert [value for value in CONTACT if value in answer.get_data(as_text=True)] == []


def test_the_units_of_the_area_still_see_a_complainants_contact_details(steps, person, call):
    case = complaint_with_contact(steps, person)
    body = call(person("leader"), "GET", f"/api/v1/cases/{case.id}").get_json()
    assert body["petitioners"] == [COMPLAINANT]


@pytest.mark.parametrize("wanted", [COMPLAINANT["id_number"], COMPLAINANT["phone"]])
def test_a_board_cannot_find_a_complainant_by_id_number_or_phone(wanted, steps, person, call):
    case = complaint_with_contact(steps, person)
    found = call(person("supervisor"), "GET", "/api/v1/cases", query_string={"q": wanted}).get_json()["items"]
    assert [c["id"] for c in found] == []
    assert [c["id"] for c in call(person("reception"), "GET", "/api/v1/cases", query_string={"q": wanted})
            .get_json()["items"]] == [case.id]


def test_a_board_finds_a_complainant_by_name(steps, person, call):
    case = complaint_with_contact(steps, person)
    found = call(person("supervisor"), "GET", "/api/v1/cases", query_string={"q": "Pham Minh Chau"}).get_json()["items"]
    assert [c["id"] for c in found] == [case.id]


def test_the_case_page_shows_a_board_the_name_only(steps, person, client):
    case = complaint_with_contact(steps, person)
    sign_in(client, person("supervisor").user.username)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert COMPLAINANT["full_name"] in page
    assert [value for value in CONTACT if value in page] == []


@pytest.mark.parametrize("role", ["admin", "reception", "agency", "supervisor", "leader"])
def test_a_denunciations_subject_and_content_go_only_to_the_resolving_unit_the_leaders_above_and_admins(
        role, steps, person, call):
    case = accused_denunciation(steps)
    detail = call(person(role), "GET", f"/api/v1/cases/{case.id}")
    body = detail.get_json()
    assert detail.status_code == 200
    assert {"subject", "content"} <= set(body)
    listed = [c for c in call(person(role), "GET", "/api/v1/cases").get_json()["items"] if c["id"] == case.id]
    assert len(listed) == 1
    if role in READERS:
        assert (body["subject"], body["content"], listed[0]["subject"]) == (ACCUSED_SUBJECT, ACCUSED_CONTENT, ACCUSED_SUBJECT)
    else:
        assert (body["subject"], body["content"], listed[0]["subject"]) == (None, None, None)
        assert (body["kind"], body["state"], body["received_on"]) == ("denunciation", "accepted", case.received_on.isoformat())
        assert "Lâm Quốc Trung" not in detail.get_data(as_text=True)


@pytest.mark.parametrize("role", ["reception", "supervisor"])
def test_those_who_may_not_read_a_denunciation_cannot_find_it_by_its_words(role, steps, person, call):
    accused_denunciation(steps)
    found = call(person(role), "GET", "/api/v1/cases", query_string={"q": "Lam Quoc Trung"}).get_json()
    assert found["items"] == [] and found["total"] == 0


def test_the_resolving_unit_finds_a_denunciation_by_its_words(steps, person, call):
    case = accused_denunciation(steps)
    found = call(person("agency"), "GET", "/api/v1/cases", query_string={"q": "Lam Quoc Trung"}).get_json()
    assert [c["id"] for c in found["items"]] == [case.id]


def test_the_decision_and_the_history_of_a_denunciation_keep_their_words_from_others(steps, person, call):
    case = accused_denunciation(steps)
    steps.fire(case, "resolve", outcome="upheld", decision_no="9/QĐ-UBND", summary="Ông Lâm Quốc Trung có vi phạm")
    withheld = call(person("reception"), "GET", f"/api/v1/cases/{case.id}")
    body = withheld.get_json()
    assert [d["summary"] for d in body["decisions"]] == [None]
    assert all(h["note"] is None and h["data"] == {} for h in body["history"])
    assert "Lâm Quốc Trung" not in withheld.get_data(as_text=True)
    shown = call(person("leader"), "GET", f"/api/v1/cases/{case.id}").get_json()
    assert [d["summary"] for d in shown["decisions"]] == ["Ông Lâm Quốc Trung có vi phạm"]


@pytest.mark.parametrize(("role", "readable"), [("reception", False), ("supervisor", False), ("agency", True)])
def test_the_case_page_and_the_queue_keep_a_denunciations_words_for_its_readers(role, readable, steps, person, client):
    case = accused_denunciation(steps)
    sign_in(client, person(role).user.username)
    pages = [client.get(f"/cases/{case.id}").get_data(as_text=True), client.get("/cases").get_data(as_text=True)]
    assert case.tracking_code in pages[0]
    assert ["Lâm Quốc Trung" in page for page in pages] == [readable, readable]
    assert all(secret not in pages[1] for secret in DENOUNCER.values())
