"""What an intake writes, and what the case it returns holds: the case row, its first history
entry and the chain's head, its petitioners (one statement for all of them), and an object that
says exactly what the rows say, with nothing left to load (issue 13: intake is the hot write)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, inspect, select

from tracker.models import Case, HistoryEntry, OutboxMessage, Petitioner
from tracker.services.history import verify_case

TWO = [{"full_name": "Nguyễn Văn An", "id_number": "079090001111", "address": "Ấp Long Bình"},
       {"full_name": "Trần Thị Bích", "phone": "0909 123 456"}]


@contextmanager
def statements_sent(connection: Any) -> Iterator[list[str]]:
    """The statements sent on the test's connection, each as its first words."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        words = statement.split()
        sent.append(" ".join(words[:3] if words[0] == "INSERT" else words[:2]))

    event.listen(connection, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(connection, "before_cursor_execute", record)


def columns(obj: Any) -> dict[str, Any]:
    return {attr.key: getattr(obj, attr.key) for attr in inspect(type(obj)).column_attrs}


def test_an_intake_sends_one_insert_per_table_and_moves_the_head_once(session, connection, clerk, intake):
    intake(clerk)  # the calendar and the desk's unit are read once per process and session
    with statements_sent(connection) as sent:
        intake(clerk, petitioners=TWO)
    assert list(dict.fromkeys(sent)) == ["INSERT INTO cases", "INSERT INTO history_entries", "UPDATE cases",
                                         "INSERT INTO petitioners"]
    # SQLite cannot say in which order a multi-row INSERT returned its ids: a row each there.
    assert len(sent) == (4 if connection.dialect.name == "postgresql" else 5)


def test_the_case_an_intake_returns_holds_what_its_rows_hold(session, connection, clerk, intake):
    case = intake(clerk, kind="complaint", petitioners=TWO, subject="Khiếu nại về đất đai", crowd_size=2)
    assert inspect(case).persistent and not inspect(case).expired_attributes
    assert not session.dirty and not session.new  # nothing left for a flush to write
    written = columns(case)
    people = [columns(p) for p in case.petitioners]
    session.expunge_all()
    again = session.get_one(Case, written["id"])
    assert columns(again) == written
    assert [columns(p) for p in again.petitioners] == people
    assert [(p["position"], p["full_name"], p["name_search"]) for p in people] == [
        (0, "Nguyễn Văn An", "nguyen van an"), (1, "Trần Thị Bích", "tran thi bich")]
    assert (again.last_seq, again.province_id, again.version, again.crowd_size) == (1, again.received_unit.ancestor_ids[0], 1, 2)
    assert verify_case(session, again) is None


def test_an_intake_naming_another_answering_unit_tells_that_unit_once(session, tree, clerk, officer, intake):
    case = intake(clerk, kind="feedback", assigned_unit="HT-TNMT")
    entry = session.scalars(select(HistoryEntry).where(HistoryEntry.case_id == case.id)).one()
    assert (entry.seq, entry.trigger, entry.unit_id, entry.data["unit"]) == (1, "intake", tree["HT-TNMT"].id, "HT")
    rows = session.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case.id)).all()
    assert rows and {(r.template, r.recipient_unit_id) for r in rows if r.channel != "webhook"} == {
        ("case_assigned", tree["HT-TNMT"].id)}
    assert case.assigned_unit is tree["HT-TNMT"] and case.resolving_unit is tree["HT-TNMT"]


def test_a_case_from_intake_can_be_changed_in_the_same_session(session, clerk, intake, move):
    case = intake(clerk, petitioners=TWO)
    case.complex_reason = "Nhiều người, nhiều nơi"  # an ordinary ORM change of the new object is written
    session.flush()
    assert session.scalar(select(Case.complex_reason).where(Case.id == case.id)) == "Nhiều người, nhiều nơi"
    moved = move(clerk, case, "accept", dt.date(2026, 3, 4), unit="HT-TNMT")
    assert moved.version == 2 and verify_case(session, moved) is None
    assert session.scalar(select(Petitioner.id).where(Petitioner.case_id == case.id).limit(1)) == case.petitioners[0].id


def test_an_intake_rolled_back_to_a_savepoint_leaves_nothing_in_the_way_of_the_next(session, clerk, intake):
    # A register's dry run: its cases are written, then rolled back. SQLite gives their ids again,
    # and the next intake's case takes the place of the stale object in the session.
    with session.begin_nested() as dry_run:
        tried = intake(clerk, petitioners=TWO)
        tried_id = tried.id
        dry_run.rollback()
    case = intake(clerk, petitioners=TWO)
    if session.connection().dialect.name == "sqlite":
        assert case.id == tried_id
    assert session.get_one(Case, case.id) is case
    assert [p.full_name for p in case.petitioners] == [p["full_name"] for p in TWO]
