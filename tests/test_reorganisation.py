"""Closing a unit with a successor (DOMAIN.md §1, the 2025 reorganisation): open cases and users
move with a `transfer` entry and the clock untouched; the closed unit keeps its records and the
figures before the closing; a unit with open units below it is refused. SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from tracker.auth.policy import SYSTEM
from tracker.cli import main
from tracker.models import Case, HistoryEntry, Unit, User
from tracker.services.errors import Forbidden, Refused
from tracker.services.metrics import metrics
from tracker.services.reorganisation import close_unit

D = dt.date
VN = dt.timezone(dt.timedelta(hours=7))


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 0), VN)


@pytest.fixture(autouse=True)
def _today(clock_at):
    clock_at(D(2025, 9, 1))


@pytest.fixture()
def lh_case(tree, make_user, intake, move):
    """An accepted complaint resolved by the ward of Long Hoa, received 02/06/2025."""
    desk = make_user("reception", tree["HT-LH"])
    return move(desk, intake(desk, received_at=at(D(2025, 6, 2))), "accept", D(2025, 6, 3))


def test_closing_a_unit_moves_its_open_cases_with_the_clock_untouched_and_its_users(session, tree, make_user, lh_case, intake):
    officer = make_user("agency", tree["HT-LH"])
    finished = intake(make_user("reception", tree["HT-LH"]), received_at=at(D(2025, 6, 2)))
    finished.state = "filed"  # a final case stays where it was
    session.flush()
    due, state, clock_started = lh_case.due_on, lh_case.state, lh_case.clock_started_on
    board = make_user("supervisor", tree["LH-TTND"])
    close_unit(session, SYSTEM, "LH-TTND", on=D(2025, 7, 1), successor="HT-MT")
    closing = close_unit(session, SYSTEM, "HT-LH", on=D(2025, 7, 1), successor="HT")
    assert closing.cases == [lh_case.tracking_code] and officer.username in closing.users
    assert (lh_case.resolving_unit.code, lh_case.state, lh_case.due_on, lh_case.clock_started_on) == ("HT", state, due, clock_started)
    assert finished.resolving_unit.code == "HT-LH"
    entry = session.scalars(select(HistoryEntry).where(HistoryEntry.case_id == lh_case.id).order_by(HistoryEntry.seq.desc())).first()
    assert (entry.trigger, entry.effective_on, entry.data["unit"]) == ("transfer", D(2025, 7, 1), "HT")
    assert (session.get(User, officer.id).unit.code, board.unit.code) == ("HT", "HT-MT")
    unit = session.scalar(select(Unit).where(Unit.code == "HT-LH"))
    assert (unit.closed_on, unit.successor.code) == (D(2025, 7, 1), "HT")


def test_figures_before_the_closing_show_the_closed_unit_and_after_it_the_successor(session, tree, make_user, lh_case):
    admin = make_user("admin", tree["TN"])
    close_unit(session, SYSTEM, "LH-TTND", on=D(2025, 7, 1), successor="HT-MT")
    close_unit(session, SYSTEM, "HT-LH", on=D(2025, 7, 1), successor="HT")
    june = {row.unit.code: row.cases.open for row in metrics(session, admin, "HT", D(2025, 6, 1), D(2025, 6, 30), True).by_unit}
    august = {row.unit.code: row.cases.open for row in metrics(session, admin, "HT", D(2025, 8, 1), D(2025, 8, 31), True).by_unit}
    assert (june.get("HT-LH"), june.get("HT")) == (1, 0)
    assert (august.get("HT-LH"), august.get("HT")) == (0, 1)


def test_a_unit_with_open_units_below_it_is_not_closed(session, tree, lh_case):
    with pytest.raises(Refused) as refused:
        close_unit(session, SYSTEM, "HT", on=D(2025, 7, 1), successor="TN")
    assert "HT-LH" in refused.value.message and "HT-TNMT" in refused.value.message
    assert session.scalar(select(Unit.closed_on).where(Unit.code == "HT")) is None


def test_units_below_a_closed_district_can_be_moved_under_the_province(session, tree, lh_case):
    for code, heir in (("HT-TNMT", "TN-TTR"), ("HT-MT", "BT-MT")):
        close_unit(session, SYSTEM, code, on=D(2025, 7, 1), successor=heir)
    closing = close_unit(session, SYSTEM, "HT", on=D(2025, 7, 1), successor="TN", children_to="TN")
    assert closing.children == ["HT-LH"]
    ward = session.scalar(select(Unit).where(Unit.code == "HT-LH"))
    board = session.scalar(select(Unit).where(Unit.code == "LH-TTND"))
    assert ward.parent.code == "TN" and ward.path == f"{tree['TN'].path}{ward.id}/" and board.path.startswith(ward.path)


@pytest.mark.parametrize(("code", "successor", "why"), [
    ("HT-LH", "HT-LH", "outside"),  # itself
    ("HT", "HT-LH", "outside"),  # below itself
    ("HT-TNMT", "HT-MT", "board"),  # a board carrying on an agency's work
    ("HT-TNMT", "NOPE", "NOPE"),
])
def test_a_successor_that_cannot_carry_the_work_on_is_refused(session, tree, code, successor, why):
    with pytest.raises(Refused) as refused:
        close_unit(session, SYSTEM, code, on=D(2025, 7, 1), successor=successor)
    assert why in refused.value.message or why in str(refused.value.details)


def test_a_unit_cannot_be_closed_twice_nor_in_the_future(session, tree):
    with pytest.raises(Refused):
        close_unit(session, SYSTEM, "HT-TNMT", on=D(2025, 9, 2), successor="TN-TTR")
    close_unit(session, SYSTEM, "HT-TNMT", on=D(2025, 7, 1), successor="TN-TTR")
    with pytest.raises(Refused):
        close_unit(session, SYSTEM, "HT-TNMT", on=D(2025, 7, 2), successor="TN-TTR")


def test_only_administrators_close_units(session, tree, make_user):
    with pytest.raises(Forbidden):
        close_unit(session, make_user("leader", tree["TN"]), "HT-TNMT", on=D(2025, 7, 1), successor="TN-TTR")


def test_a_closed_unit_is_not_given_new_cases(session, tree, make_user, intake, move):
    close_unit(session, SYSTEM, "HT-TNMT", on=D(2025, 7, 1), successor="TN-TTR")
    desk = make_user("reception", tree["HT"])
    case = intake(desk, received_at=at(D(2025, 8, 4)))
    with pytest.raises(Refused):
        move(desk, case, "accept", D(2025, 8, 5), unit="HT-TNMT")


def test_a_second_complaint_against_a_closed_districts_decision_goes_to_its_successor(session, tree, make_user, intake, move):
    desk = make_user("reception", tree["HT-LH"])
    case = move(desk, intake(desk, received_at=at(D(2025, 6, 2))), "accept", D(2025, 6, 3))
    case = move(make_user("leader", tree["HT-LH"]), case, "resolve", D(2025, 6, 20), outcome="rejected", decision_no="1/QĐ",
                summary="Bác")
    close_unit(session, SYSTEM, "HT-TNMT", on=D(2025, 7, 1), successor="TN-TTR")
    close_unit(session, SYSTEM, "HT-MT", on=D(2025, 7, 1), successor="BT-MT")
    close_unit(session, SYSTEM, "HT", on=D(2025, 7, 1), successor="TN", children_to="TN")
    case = move(desk, case, "recomplain", D(2025, 7, 15))
    second = session.scalar(select(Case).where(Case.parent_case_id == case.id))
    assert second.received_unit.code == "TN"


def test_an_administrator_closes_a_unit_over_the_api(app, session, tree, make_user, lh_case):
    from tracker.services.admin import new_token

    admin = make_user("admin", tree["TN"])
    token = new_token(session, admin)[1]
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    refused = client.post("/api/v1/units/HT/close", json={"on": "2025-07-01", "successor": "TN"}, headers=headers)
    assert refused.status_code == 422 and "HT-LH" in refused.get_json()["error"]["message"]
    client.post("/api/v1/units/LH-TTND/close", json={"on": "2025-07-01", "successor": "HT-MT"}, headers=headers)
    answer = client.post("/api/v1/units/HT-LH/close", json={"on": "2025-07-01", "successor": "HT"}, headers=headers)
    body = answer.get_json()
    assert answer.status_code == 200, body
    assert (body["unit"]["closed_on"], body["unit"]["successor_code"], body["cases"]) == ("2025-07-01", "HT", [lh_case.tracking_code])


def test_the_command_line_closes_a_unit_and_refuses_clearly(empty_db_url, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(main, [*args, "--database-url", empty_db_url], catch_exceptions=False)

    assert run("init").exit_code == 0
    run("units", "create", "TN", "--name", "Tỉnh", "--kind", "province")
    run("units", "create", "HT", "--name", "Thị xã", "--kind", "district", "--parent", "TN")
    run("units", "create", "HT-LH", "--name", "Phường", "--kind", "commune", "--parent", "HT")
    refused = run("units", "close", "HT", "--on", "2025-07-01", "--successor", "TN")
    assert refused.exit_code == 1 and "HT-LH" in refused.output and "Traceback" not in refused.output
    done = run("units", "close", "HT", "--on", "2025-07-01", "--successor", "TN", "--children-to", "TN")
    assert done.exit_code == 0 and "closed HT on 2025-07-01" in done.output
