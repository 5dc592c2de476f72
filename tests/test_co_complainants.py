"""Several people complaining together (DOMAIN.md §3, "Procedure from 2026-07-01"): all
co-complainants withdrawing terminates the case; one withdrawing does not, the others go on.
On SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt

import pytest

from tracker.services.errors import Refused

D = dt.date
VN = dt.timezone(dt.timedelta(hours=7))
THREE = [{"full_name": "Nguyễn Văn An", "id_number": "079090001111"},
         {"full_name": "Trần Thị Bình", "id_number": "079090002222"},
         {"full_name": "Lê Văn Cường", "id_number": "079090003333"}]


@pytest.fixture()
def joint_complaint(clerk, intake, move, clock_at):
    """A complaint three neighbours signed together, accepted at the town's office on 03/03/2026."""
    clock_at(D(2026, 3, 20))

    def make():
        case = intake(clerk, received_at=dt.datetime(2026, 3, 2, 9, tzinfo=VN), petitioners=THREE)
        return move(clerk, case, "accept", D(2026, 3, 3), unit="HT-TNMT")
    return make


def test_one_co_complainant_withdrawing_does_not_end_the_case(clerk, joint_complaint, move):
    case = joint_complaint()
    case = move(clerk, case, "withdraw", D(2026, 3, 10), note="Ông An xin rút đơn", petitioner=1)
    assert case.state == "accepted"
    assert [p.withdrawn_on for p in case.petitioners] == [D(2026, 3, 10), None, None]


def test_the_last_co_complainant_withdrawing_ends_the_case(clerk, joint_complaint, move):
    case = joint_complaint()
    case = move(clerk, case, "withdraw", D(2026, 3, 10), note="Ông An xin rút", petitioner=1)
    case = move(clerk, case, "withdraw", D(2026, 3, 11), note="Bà Bình xin rút", petitioner=2)
    assert case.state == "accepted"
    case = move(clerk, case, "withdraw", D(2026, 3, 12), note="Ông Cường xin rút", petitioner=3)
    assert (case.state, case.final_on) == ("withdrawn", D(2026, 3, 12))
    assert [p.withdrawn_on for p in case.petitioners] == [D(2026, 3, 10), D(2026, 3, 11), D(2026, 3, 12)]


def test_all_co_complainants_withdrawing_together_ends_the_case(clerk, joint_complaint, move):
    case = move(clerk, joint_complaint(), "withdraw", D(2026, 3, 10), note="Cả ba người cùng xin rút đơn")
    assert case.state == "withdrawn"
    assert {p.withdrawn_on for p in case.petitioners} == {D(2026, 3, 10)}


def test_a_complainant_who_already_withdrew_cannot_withdraw_again(session, clerk, joint_complaint, move):
    case = joint_complaint()
    case = move(clerk, case, "withdraw", D(2026, 3, 10), note="Ông An xin rút", petitioner=1)
    version = case.version
    with pytest.raises(Refused) as refused:
        move(clerk, case, "withdraw", D(2026, 3, 11), note="Lại xin rút", petitioner=1)
    assert refused.value.details["fields"] == {"petitioner": "not a co-complainant still in the case"}
    session.refresh(case)
    assert (case.version, case.state) == (version, "accepted")


def test_a_number_beyond_the_list_of_petitioners_is_refused(clerk, joint_complaint, move):
    with pytest.raises(Refused):
        move(clerk, joint_complaint(), "withdraw", D(2026, 3, 10), note="Xin rút", petitioner=4)


def test_the_user_cannot_say_how_many_go_on(clerk, joint_complaint, move):
    """How many co-complainants remain is the tracker's to count, never the caller's."""
    case = move(clerk, joint_complaint(), "withdraw", D(2026, 3, 10), note="Xin rút", petitioners_remaining=2)
    assert case.state == "withdrawn"


def test_a_petitioner_that_is_not_a_number_is_a_clear_error(clerk, joint_complaint, move):
    with pytest.raises(Refused):
        move(clerk, joint_complaint(), "withdraw", D(2026, 3, 10), note="Xin rút", petitioner="ông An")
