"""Benchmark: one transition (`accept`, naming the resolving agency) through the services,
against the database floor for the same writes, in the same run.

    python bench/transition.py                                  # PostgreSQL, a throw-away database
    python bench/transition.py --database-url sqlite:///bench-transition.db
    python bench/transition.py --rounds 9 --per-round 200

The project: `tracker.services.cases.fire(...)` in its own transaction (`Database.transaction`),
as a request or job runs it: load the case for update, authorise, check the version, ask the
engine, write the case, the next history entry (hash-chained) and the outbox row, commit.
The floor: the same writes as prepared Core statements in one transaction — a guarded UPDATE
of the case (id, version and state in the WHERE), the SELECT of the previous history hash, the
history INSERT and the outbox INSERT — with no ORM, no engine, no authorisation.
Both run on received complaints made by the services; rounds alternate which goes first; the
median per transition over the rounds is compared (target: at most 1.5x).
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from sqlalchemy import bindparam, func, insert, select, update
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import interleaved, ratio_line, throwaway_postgres, timed  # noqa: E402
from tracker import clock  # noqa: E402
from tracker.db import Database  # noqa: E402
from tracker.migrate import upgrade  # noqa: E402
from tracker.models import Case, HistoryEntry, OutboxMessage, Unit, User  # noqa: E402
from tracker.models.history import GENESIS, entry_hash  # noqa: E402
from tracker.schemas import CaseIn, TransitionIn  # noqa: E402
from tracker.services import cases  # noqa: E402

CASE, HISTORY, OUTBOX = Case.__table__, HistoryEntry.__table__, OutboxMessage.__table__


def build(db: Database, count: int) -> tuple[User, int, list[int]]:
    """A district with a reception desk and an agency; `count` complaints received there."""
    with db.transaction() as session:
        district = Unit(code="D", name="Quận Một", kind="district", settings={})
        session.add(district)
        session.flush()
        district.path = f"/{district.id}/"
        agency = Unit(code="D-TNMT", name="Phòng Tài nguyên và Môi trường", kind="agency", parent=district, settings={})
        session.add(agency)
        session.flush()
        agency.path = f"{district.path}{agency.id}/"
        desk = User(username="tiepdan", password_hash="x", role="reception", unit=district, full_name="Cán bộ tiếp dân")
        session.add(desk)
        session.flush()
        desk_id, agency_id = desk.id, agency.id
    received_at = dt.datetime.combine(clock.today() - dt.timedelta(days=3), dt.time(9), tzinfo=dt.UTC)
    ids: list[int] = []
    for start in tqdm(range(0, count, 200), desc="complaints", unit=" x200"):
        with db.transaction() as session:
            actor = session.get(User, desk_id)
            for _ in range(min(200, count - start)):
                ids.append(cases.intake(session, actor, CaseIn(
                    kind="complaint", channel="in_person", received_unit="D", subject="Khiếu nại bồi thường đất",
                    content="Đề nghị xem xét lại", received_at=received_at,
                    petitioners=[{"full_name": "Nguyễn Văn An", "id_number": "079090001111"}])).id)
    with db.sessions() as session:
        actor = session.get(User, desk_id)
        assert actor is not None
        _ = actor.unit.path  # loaded once, as the request's sign-in loads it
    return actor, agency_id, ids


def service_transition(db: Database, actor: User, case_id: int) -> None:
    """`accept` through the services, in its own transaction."""
    with db.transaction() as session:
        actor = session.merge(actor, load=False)  # in the session with its unit, as a request's sign-in leaves it
        cases.fire(session, actor, case_id, TransitionIn(trigger="accept", version=1, data={"unit": "D-TNMT"}))


GUARDED_UPDATE = (
    update(CASE).where(CASE.c.id == bindparam("case_id"), CASE.c.version == bindparam("expected"),
                       CASE.c.state == "received")
    .values(state="accepted", version=CASE.c.version + 1, assigned_unit_id=bindparam("unit_id"),
            accepted_on=bindparam("on"), last_effective_on=bindparam("on"), due_on=bindparam("due_on"),
            updated_at=bindparam("now"))
    .returning(CASE.c.tracking_code, CASE.c.kind, CASE.c.rule_set)
)
PREVIOUS = (select(HISTORY.c.seq, HISTORY.c.hash).where(HISTORY.c.case_id == bindparam("case_id"))
            .order_by(HISTORY.c.seq.desc()).limit(1))
ADD_ENTRY = insert(HISTORY)
ADD_MESSAGE = insert(OUTBOX)


def floor_transition(db: Database, actor: User, agency_id: int, case_id: int) -> None:
    """The same writes as prepared Core statements, in one transaction."""
    on, now = clock.today(), clock.now()
    due = on + dt.timedelta(days=30)
    with db.engine.begin() as conn:
        code, kind, rule_set = conn.execute(GUARDED_UPDATE, {"case_id": case_id, "expected": 1, "unit_id": agency_id, "on": on,
                                                             "due_on": due, "now": now}).one()
        seq, prev = conn.execute(PREVIOUS, {"case_id": case_id}).one_or_none() or (0, GENESIS)
        content = {"case_id": case_id, "seq": seq + 1, "at": now.isoformat(timespec="microseconds"),
                   "effective_on": on.isoformat(), "trigger": "accept", "from_state": "received", "to_state": "accepted",
                   "actor_id": actor.id, "actor_name": actor.display_name, "note": None, "data": {"unit": "D-TNMT"},
                   "due_on": due.isoformat(), "rule_set": rule_set, "unit_id": agency_id}
        conn.execute(ADD_ENTRY, {"case_id": case_id, "seq": seq + 1, "at": now, "effective_on": on, "trigger": "accept",
                                 "from_state": "received", "to_state": "accepted", "actor_id": actor.id,
                                 "actor_name": actor.display_name, "note": None, "data": {"unit": "D-TNMT"}, "due_on": due,
                                 "unit_id": agency_id, "rule_set": rule_set, "prev_hash": prev,
                                 "hash": entry_hash(content, prev)})
        conn.execute(ADD_MESSAGE, {"event": "case_accept", "case_id": case_id, "channel": "inbox",
                                   "recipient_unit_id": agency_id, "status": "pending", "attempts": 0, "created_at": now,
                                   "payload": {"case_id": case_id, "tracking_code": code, "kind": kind, "state": "accepted",
                                               "unit": "D-TNMT", "due_on": due.isoformat(), "subject": None}})


def run(url: str, rounds: int, per_round: int) -> float:
    upgrade(url)
    db = Database(url)
    try:
        actor, agency_id, ids = build(db, 2 * per_round * (rounds + 1))
        batches = iter(ids[i:i + per_round] for i in range(0, len(ids), per_round))

        def project(_round: int) -> float:
            batch = next(batches)
            return timed(lambda: [service_transition(db, actor, case_id) for case_id in batch]) / len(batch)

        def floor(_round: int) -> float:
            batch = next(batches)
            return timed(lambda: [floor_transition(db, actor, agency_id, case_id) for case_id in batch]) / len(batch)

        service_time, floor_time = interleaved(rounds, project, floor)
        with db.sessions() as session:
            accepted = session.scalar(select(func.count()).select_from(CASE).where(CASE.c.state == "accepted"))
        assert accepted == 2 * per_round * (rounds + 1), accepted
        print(f"database {db.engine.dialect.name}; {rounds} rounds of {per_round} transitions each, median per transition")
        print(ratio_line("transition accept", service_time.median * 1000, floor_time.median * 1000, "ms", "target <= 1.5"))
        print(f"  best rounds: project {service_time.best * 1000:.3f} ms, floor {floor_time.best * 1000:.3f} ms")
        return service_time.median / floor_time.median
    finally:
        db.engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="an empty database (default: a throw-away PostgreSQL one)")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--per-round", type=int, default=150)
    args = parser.parse_args(argv)
    if args.database_url:
        run(args.database_url, args.rounds, args.per_round)
    else:
        with throwaway_postgres() as url:
            run(url, args.rounds, args.per_round)
    return 0


if __name__ == "__main__":
    sys.exit(main())
