"""Two people acting on the same case at the same moment: one wins, the other is told the
case changed (409) — on SQLite as on PostgreSQL, never a database error."""
from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import func, select

from tracker.db import Database
from tracker.migrate import upgrade
from tracker.models import Case, HistoryEntry, Unit, User
from tracker.schemas import CaseIn, TransitionIn
from tracker.services import cases
from tracker.services.errors import Conflict


def test_two_writers_on_the_same_version_one_wins_the_other_gets_a_conflict(empty_db_url):
    upgrade(empty_db_url)
    db = Database(empty_db_url)
    with db.transaction() as session:
        unit = Unit(code="HT", name="Thị xã Hòa Thành", kind="district", path="", settings={})
        session.add(unit)
        session.flush()
        unit.path = f"/{unit.id}/"
        clerk = User(username="tiepdan", password_hash="x", role="reception", unit=unit)
        session.add(clerk)
        session.flush()
        case_id = cases.intake(session, clerk, CaseIn(
            kind="feedback", channel="mail", received_unit="HT", subject="Phản ánh", content="Nội dung",
            received_at=dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC), petitioners=[{"full_name": "Lê Văn Tám"}])).id
        clerk_id = clerk.id

    first_wrote = threading.Event()
    outcomes: dict[str, object] = {}

    def act(name: str, trigger: str, data: dict[str, object], hold: bool) -> None:
        try:
            with db.transaction() as session:
                actor = session.get(User, clerk_id)
                cases.fire(session, actor, case_id, TransitionIn(trigger=trigger, version=1, effective_on=dt.date(2026, 3, 4),
                                                                 data=data))
                if hold:
                    first_wrote.set()
                    threading.Event().wait(0.3)  # keep the transaction open while the other one starts
            outcomes[name] = "ok"
        except Exception as error:  # noqa: BLE001 - the test records whatever happens
            outcomes[name] = error
            first_wrote.set()

    first = threading.Thread(target=act, args=("first", "accept", {}, True))
    first.start()
    first_wrote.wait(10)
    second = threading.Thread(target=act, args=("second", "guide", {"to": "Tòa án nhân dân"}, False))
    second.start()
    first.join(30)
    second.join(30)

    assert outcomes["first"] == "ok"
    assert isinstance(outcomes["second"], Conflict), repr(outcomes["second"])
    with db.transaction() as session:
        case = session.get(Case, case_id)
        assert (case.state, case.version) == ("accepted", 2)
        assert session.scalar(select(func.count(HistoryEntry.id)).where(HistoryEntry.case_id == case_id)) == 2
    db.engine.dispose()
