"""The power to act on a case follows it to its resolving unit and that unit's superiors; the
unit that received and forwarded it keeps read access to what it received, nothing more.
A case is forwarded only within its province (elsewhere the citizen is guided)."""
from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import is_error_body

DECISION = {"outcome": "upheld", "decision_no": "1/QĐ-UBND", "summary": "Giải quyết xong"}
COMPLAINT = {"kind": "complaint", "channel": "in_person", "received_unit": "HT-LH", "subject": "Khiếu nại thu hồi đất",
             "content": "Đề nghị xem xét lại", "petitioners": [{"full_name": "Nguyễn Văn An", "id_number": "079090001111"}]}


class Case:
    """A case moved over the API, remembering the version each answer carried."""

    def __init__(self, call: Any, caller: Any, body: dict[str, Any]):
        self.call = call
        answer = call(caller, "POST", "/api/v1/cases", json=body)
        assert answer.status_code == 201, answer.get_json()
        self.id, self.version = answer.get_json()["id"], answer.get_json()["version"]

    def fire(self, caller: Any, trigger: str, **data: Any) -> Any:
        answer = self.call(caller, "POST", f"/api/v1/cases/{self.id}/transitions",
                           json={"trigger": trigger, "version": self.version, "data": data})
        if answer.status_code == 200:
            self.version = answer.get_json()["version"]
        return answer


@pytest.fixture()
def forwarded(call: Any, person: Any) -> Case:
    """A complaint received at the Long Hoa ward desk, forwarded to Bình Thạnh district, accepted there."""
    case = Case(call, person("reception", unit="HT-LH"), COMPLAINT)
    assert case.fire(person("reception", unit="HT-LH"), "forward", unit="BT").status_code == 200
    assert case.fire(person("reception", "outside"), "accept").status_code == 200
    return case


@pytest.mark.parametrize(("role", "unit", "trigger", "data"), [
    ("leader", "HT-LH", "resolve", DECISION),
    ("leader", "HT-LH", "extend", {"due_on": "2026-06-30", "reason": "Phức tạp"}),
    ("leader", "HT-LH", "withdraw", {"note": "Đơn xin rút"}),
    ("reception", "HT-LH", "withdraw", {"note": "Đơn xin rút"}),
    ("leader", "HT", "resolve", DECISION),  # the ward's superior has no power over the district it went to
    ("admin", "HT", "withdraw", {"note": "Đơn xin rút"}),
])
def test_the_unit_that_forwarded_a_case_can_no_longer_act_on_it(forwarded, call, person, session, role, unit, trigger, data):
    answer = forwarded.fire(person(role, unit=unit), trigger, **data)
    assert answer.status_code == 403 and is_error_body(answer.get_json(), "role_not_allowed")
    page = call(person("leader", unit="BT"), "GET", f"/api/v1/cases/{forwarded.id}").get_json()
    assert (page["state"], page["version"]) == ("accepted", forwarded.version)


def test_the_unit_that_forwarded_a_case_keeps_read_access_and_no_triggers(forwarded, call, person):
    page = call(person("leader", unit="HT-LH"), "GET", f"/api/v1/cases/{forwarded.id}")
    assert page.status_code == 200
    assert page.get_json()["available_triggers"] == []


@pytest.mark.parametrize(("role", "unit"), [("leader", "BT"), ("leader", "TN"), ("admin", "BT")])
def test_the_resolving_unit_and_its_superiors_act_on_a_forwarded_case(forwarded, person, role, unit):
    assert forwarded.fire(person(role, unit=unit), "resolve", **DECISION).status_code == 200


def test_a_case_is_forwarded_only_within_its_province(call, person, make_unit, session):
    other_province = make_unit("DN", kind="province", name="Tỉnh Đồng Nai")
    make_unit("DN-BH", kind="district", parent=other_province, name="Thành phố Biên Hòa")
    clerk = person("reception", unit="HT-LH")
    case = Case(call, clerk, COMPLAINT)
    refused = case.fire(clerk, "forward", unit="DN-BH")
    assert refused.status_code == 422 and refused.get_json()["error"]["details"]["fields"] == {"unit": "outside the province"}
    assert case.fire(clerk, "guide", to="UBND thành phố Biên Hòa, tỉnh Đồng Nai").status_code == 200
