"""The head of each case's history chain (its last entry's number and hash) is kept on the case
row, so that a write reads no history: it must always be the chain's last entry, whoever wrote
it, however many wrote at once, and `tracker history verify` holds the row to it."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import delete, event, func, select, text, update

from tracker.db import Database
from tracker.migrate import alembic_config, upgrade
from tracker.models import Case, HistoryEntry, OutboxMessage, Unit, User
from tracker.models.history import GENESIS
from tracker.schemas import CaseIn, TransitionIn
from tracker.services import cases
from tracker.services.errors import Conflict
from tracker.services.history import verify_case, verify_chains

D = dt.date
RECEIVED = dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC)


def last_entry(session, case_id: int) -> tuple[int, str]:
    entry = session.scalars(select(HistoryEntry).where(HistoryEntry.case_id == case_id)
                            .order_by(HistoryEntry.seq.desc()).limit(1)).one()
    return entry.seq, entry.hash


def head(session, case_id: int) -> tuple[int, str]:
    return tuple(session.execute(select(Case.last_seq, Case.last_hash).where(Case.id == case_id)).one())


def test_the_case_row_holds_its_chains_last_entry_after_every_kind_of_write(session, tree, clerk, officer, make_user,
                                                                           intake, move):
    case = intake(clerk)
    assert head(session, case.id) == last_entry(session, case.id) and head(session, case.id)[0] == 1
    case = move(clerk, case, "accept", D(2026, 3, 4), unit="HT-TNMT")
    case = move(officer, case, "resolve", D(2026, 3, 20), outcome="rejected", decision_no="9/QĐ", summary="Bác")
    case = move(clerk, case, "recomplain", D(2026, 4, 10))
    second = session.scalar(select(Case).where(Case.parent_case_id == case.id))
    for written in (case, second):
        assert head(session, written.id) == last_entry(session, written.id)
        assert (written.last_seq, written.last_hash) == last_entry(session, written.id)  # the object says the same
    assert head(session, case.id)[0] == 4 and head(session, second.id)[0] == 1
    assert verify_chains(session)[1] == []


def test_a_view_of_a_denouncers_identity_moves_the_head_and_changes_nothing_else(session, clerk, officer, intake, move):
    case = move(clerk, intake(clerk, kind="denunciation"), "accept", D(2026, 3, 4), unit="HT-TNMT")
    version, updated_at = case.version, case.updated_at
    cases.view_case(session, officer, case.id)
    cases.view_case(session, officer, case.id)
    session.expire_all()
    case = session.get(Case, case.id)
    assert head(session, case.id) == last_entry(session, case.id) and case.last_seq == 4
    assert (case.version, case.updated_at) == (version, updated_at)
    # and the next change follows the views in the chain
    case = move(officer, case, "resolve", D(2026, 3, 20), outcome="upheld", decision_no="1/QĐ", summary="Đúng")
    assert head(session, case.id) == last_entry(session, case.id) and case.last_seq == 5
    assert verify_case(session, case) is None


def test_verify_names_a_chain_whose_last_entries_were_removed(session, clerk, intake, move):
    case = move(clerk, intake(clerk), "accept", D(2026, 3, 4), unit="HT-TNMT")
    session.flush()
    # Removing the tail of a chain leaves a chain that holds: only the case row shows it.
    session.execute(delete(HistoryEntry.__table__).where(HistoryEntry.case_id == case.id, HistoryEntry.seq == 2))
    broken = verify_case(session, case)
    assert broken is not None and broken.reason == "entries 2 to 2 are missing"
    assert [(b.case_id, b.reason) for b in verify_chains(session)[1]] == [(case.id, "entries 2 to 2 are missing")]


def test_a_head_written_apart_from_its_chain_is_named(session, clerk, intake):
    case = intake(clerk)
    session.flush()
    session.execute(Case.__table__.update().where(Case.__table__.c.id == case.id).values(last_hash=GENESIS))
    session.expire_all()
    case = session.get(Case, case.id)
    assert verify_case(session, case).reason == "the case's chain head does not match its last entry"


def _district(db: Database) -> tuple[int, int]:
    with db.transaction() as session:
        unit = Unit(code="HT", name="Thị xã Hòa Thành", kind="district", path="", settings={})
        session.add(unit)
        session.flush()
        unit.path = f"/{unit.id}/"
        clerk = User(username="tiepdan", password_hash="x", role="reception", unit=unit)
        session.add(clerk)
        session.flush()
        case_id = cases.intake(session, clerk, CaseIn(
            kind="denunciation", channel="mail", received_unit="HT", subject="Tố cáo", content="Nội dung",
            received_at=RECEIVED, petitioners=[{"full_name": "Lê Văn Tám"}])).id
        return clerk.id, case_id


def test_concurrent_entries_on_one_case_each_follow_the_last(empty_db_url):
    upgrade(empty_db_url)
    db = Database(empty_db_url)
    try:
        clerk_id, case_id = _district(db)
        errors: list[BaseException] = []
        start = threading.Barrier(6)

        def view() -> None:
            try:
                start.wait(10)
                for _ in range(3):
                    with db.transaction() as session:
                        # the desk that received a denunciation sees who made it: each view is written
                        cases.view_case(session, session.get_one(User, clerk_id), case_id)
            except BaseException as error:  # noqa: BLE001 - the test reports whatever happened
                errors.append(error)

        threads = [threading.Thread(target=view) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert errors == []
        with db.sessions() as session:
            assert session.scalar(select(func.count()).select_from(HistoryEntry).where(HistoryEntry.case_id == case_id)) == 19
            assert head(session, case_id) == last_entry(session, case_id) == (19, last_entry(session, case_id)[1])
            assert verify_chains(session)[1] == []
    finally:
        db.engine.dispose()


def test_a_case_read_before_another_writer_changed_it_is_refused_not_written_over(empty_db_url):
    upgrade(empty_db_url)
    db = Database(empty_db_url)
    try:
        clerk_id, case_id = _district(db)
        with db.sessions() as stale_session:
            stale = stale_session.get_one(Case, case_id)  # read, no lock, and kept
            clerk = stale_session.get_one(User, clerk_id)
            stale_session.commit()
            with db.transaction() as session:
                cases.fire(session, session.get_one(User, clerk_id), case_id,
                           TransitionIn(trigger="accept", version=1, effective_on=D(2026, 3, 4), data={}))
            # a step computed on the stale read, written as the services write every step
            with pytest.raises(Conflict), stale_session.begin():
                step = cases.engine_for(stale_session).fire(stale, "accept", effective_on=D(2026, 3, 5), data={})
                cases.record_step(stale_session, clerk, stale, step, None)
        with db.sessions() as session:
            case = session.get_one(Case, case_id)
            assert (case.state, case.version) == ("accepted", 2)
            assert head(session, case_id) == last_entry(session, case_id) == (2, last_entry(session, case_id)[1])
            assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
            assert verify_chains(session)[1] == []
    finally:
        db.engine.dispose()


def test_a_stale_step_writes_nothing_even_when_its_conflict_is_caught(empty_db_url):
    upgrade(empty_db_url)
    db = Database(empty_db_url)
    try:
        clerk_id, case_id = _district(db)
        with db.sessions() as stale_session:
            stale = stale_session.get_one(Case, case_id)
            clerk = stale_session.get_one(User, clerk_id)
            unit = stale_session.scalars(select(Unit).where(Unit.code == "HT")).one()
            stale_session.commit()
            with db.transaction() as session:
                cases.fire(session, session.get_one(User, clerk_id), case_id,
                           TransitionIn(trigger="accept", version=1, effective_on=D(2026, 3, 4), data={}))
            # naming the unit: the step calls for outbox rows; the caller catches the conflict and commits
            with stale_session.begin():
                step = cases.engine_for(stale_session).fire(stale, "accept", effective_on=D(2026, 3, 5), data={"unit": "HT"})
                with pytest.raises(Conflict):
                    cases.record_step(stale_session, clerk, stale, step, unit)
        with db.sessions() as session:
            assert session.scalar(select(func.count()).select_from(HistoryEntry).where(HistoryEntry.case_id == case_id)) == 2
            assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
            assert session.get_one(Case, case_id).version == 2
            assert verify_chains(session)[1] == []
    finally:
        db.engine.dispose()


def test_a_step_computed_before_a_case_was_marked_as_another_provinces_keeps_the_mark(empty_db_url):
    upgrade(empty_db_url)
    db = Database(empty_db_url)
    try:
        clerk_id, case_id = _district(db)
        with db.sessions() as stale_session:
            stale = stale_session.get_one(Case, case_id)  # read, no lock: the step writes every column
            clerk = stale_session.get_one(User, clerk_id)
            stale_session.commit()
            with db.transaction() as session:
                # as a unit moved to another province marks the cases it touched: no new version
                session.execute(update(Case).where(Case.id == case_id).values(other_provinces=True))
            with stale_session.begin():
                step = cases.engine_for(stale_session).fire(stale, "accept", effective_on=D(2026, 3, 5), data={})
                cases.record_step(stale_session, clerk, stale, step, None)
        with db.sessions() as session:
            case = session.get_one(Case, case_id)
            assert (case.state, case.version, case.other_provinces) == ("accepted", 2, True)
    finally:
        db.engine.dispose()


def test_a_step_on_a_case_read_under_its_lock_writes_only_the_columns_it_changes(empty_db_url):
    upgrade(empty_db_url)
    db = Database(empty_db_url)
    try:
        clerk_id, case_id = _district(db)
        updates: list[str] = []
        event.listen(db.engine, "before_cursor_execute",
                     lambda _c, _cur, statement, *_: updates.append(statement) if "UPDATE cases" in statement else None)
        with db.transaction() as session:
            cases.fire(session, session.get_one(User, clerk_id), case_id,
                       TransitionIn(trigger="accept", version=1, effective_on=D(2026, 3, 4), data={}))
        assert len(updates) == 1
        assert "state=" in updates[0] and "version=" in updates[0] and "last_hash=" in updates[0]
        assert "decided_on=" not in updates[0] and "final_on=" not in updates[0]  # unchanged: not written
        with db.sessions() as session:
            case = session.get_one(Case, case_id)
            assert (case.state, case.version, case.accepted_on) == ("accepted", 2, D(2026, 3, 4))
            assert case.updated_at is not None
            assert verify_chains(session)[1] == []
    finally:
        db.engine.dispose()


def test_upgrading_a_database_with_history_fills_each_cases_head(empty_db_url):
    upgrade(empty_db_url)
    db = Database(empty_db_url)
    try:
        clerk_id, case_id = _district(db)
        with db.transaction() as session:
            cases.fire(session, session.get_one(User, clerk_id), case_id,
                       TransitionIn(trigger="accept", version=1, effective_on=D(2026, 3, 4), data={}))
        config = alembic_config(empty_db_url)
        before = ScriptDirectory.from_config(config).get_revision("0019_case_chain_head").down_revision
        command.downgrade(config, str(before))
        copied = [c for c in Case.__table__.columns.keys() if c not in ("id", "tracking_code", "last_seq", "last_hash")]
        with db.engine.begin() as conn:  # a case with no history at all keeps the genesis head
            conn.execute(text(f"INSERT INTO cases ({', '.join(copied)}, tracking_code) "
                              f"SELECT {', '.join(copied)}, tracking_code || 'X' FROM cases"))
        upgrade(empty_db_url)
        db.engine.dispose()
        with db.sessions() as session:
            assert head(session, case_id) == last_entry(session, case_id) and head(session, case_id)[0] == 2
            empty = session.scalar(select(Case.id).where(Case.id != case_id))
            assert head(session, empty) == (0, GENESIS)
    finally:
        db.engine.dispose()
