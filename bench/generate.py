"""Realistic data for the metrics benchmark, bulk-inserted (COPY on PostgreSQL, batched
executemany on SQLite) without going through the services, but shaped exactly as the services
write it: every case has the history entries its state implies (state, due date and unit after
each entry, effective dates in chain order), decisions for resolved petitions, dialogue
sessions with their opinions, plans, supervisions with their recommendations.

A province of 10 districts of 20 communes, each district with 5 agencies and a Fatherland Front
committee, each commune with a People's Inspection Board, 12 provincial agencies. Cases are
received uniformly from 2023-01-01 to yesterday: 80% petitions (complaints, denunciations,
recommendations, feedback, voters' opinions), 16% dialogue opinions (sessions of 5-20, 90%
settled on the spot), 4% supervision recommendations.
"""
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text
from tqdm import tqdm

FIRST_DAY = dt.date(2023, 1, 1)
DUMMY_HASH = "0" * 64
VN = dt.timezone(dt.timedelta(hours=7))

CASE_COLUMNS = (
    "id", "tracking_code", "kind", "workflow_version", "rule_set", "state", "channel", "received_unit_id", "assigned_unit_id",
    "province_id", "subject", "subject_search", "content", "subject_area", "anonymous", "crowd_size", "complex", "remote",
    "multi_place", "multi_agency", "round", "received_at", "received_on", "accepted_on", "decided_on", "final_on", "due_on",
    "clock_started_on", "paused_on", "extensions_used", "reopened_count", "urged_count", "last_effective_on", "parent_case_id",
    "dialogue_id", "supervision_id", "visit_id", "settled_on_spot", "answer", "version", "created_by_id", "created_at",
    "updated_at",
)
HISTORY_COLUMNS = (
    "case_id", "seq", "at", "effective_on", "trigger", "from_state", "to_state", "actor_id", "actor_name", "note", "data",
    "due_on", "unit_id", "rule_set", "prev_hash", "hash",
)
DECISION_COLUMNS = ("case_id", "effective_on", "outcome", "decision_no", "summary", "on_time", "recovered_money_vnd",
                    "returned_money_vnd", "returned_to", "people_disciplined", "created_at")
DIALOGUE_COLUMNS = ("id", "host_unit_id", "held_on", "chair", "topic", "attendees", "plan_id", "created_by_id", "created_at")
SUPERVISION_COLUMNS = ("id", "board_unit_id", "subject", "started_on", "ended_on", "scope_unit_id", "findings", "created_by_id",
                       "created_at")
PLAN_COLUMNS = ("unit_id", "year", "planned_sessions", "created_at")
UNIT_COLUMNS = ("id", "code", "name", "kind", "parent_id", "path", "settings", "closed_on", "created_at")
USER_COLUMNS = ("id", "username", "password_hash", "role", "unit_id", "email", "full_name", "active", "created_at")


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 0), tzinfo=VN).astimezone(dt.UTC)


@dataclass
class Unit:
    id: int
    code: str
    kind: str
    parent: Unit | None
    path: str
    children: list[Unit] = field(default_factory=list)


@dataclass
class Batch:
    """Rows waiting to be written, by table."""

    cases: list[tuple[Any, ...]] = field(default_factory=list)
    history: list[tuple[Any, ...]] = field(default_factory=list)
    decisions: list[tuple[Any, ...]] = field(default_factory=list)
    dialogues: list[tuple[Any, ...]] = field(default_factory=list)
    supervisions: list[tuple[Any, ...]] = field(default_factory=list)

    def size(self) -> int:
        return len(self.cases)


class Life:
    """One case's history as it is written: each entry records the state, due date and unit after it."""

    def __init__(self, today: dt.date, on: dt.date, state: str, due: dt.date | None, unit: int):
        self.today = today
        self.t = on
        self.state, self.due, self.unit = state, due, unit
        self.entries: list[tuple[dt.date, str, str | None, str, dt.date | None, int]] = [(on, "intake", None, state, due, unit)]

    def wait(self, days: int) -> bool:
        """Move the clock on; False when that day has not come yet."""
        then = self.t + dt.timedelta(days=days)
        if then > self.today:
            return False
        self.t = then
        return True

    def fire(self, trigger: str, state: str | None = None, due: Any = "keep", unit: int | None = None) -> None:
        before = self.state
        self.state = state or self.state
        if due != "keep":
            self.due = due
        if unit is not None:
            self.unit = unit
        self.entries.append((self.t, trigger, before, self.state, self.due, self.unit))


class Generator:
    """Writes the unit tree once, then any number of cases in chunks."""

    PETITION_MIX = (("complaint", 30), ("denunciation", 8), ("recommendation", 17), ("feedback", 20), ("voter_opinion", 5))

    def __init__(self, conn: Connection, seed: int = 2026, today: dt.date | None = None, commit: bool = True):
        self.conn = conn
        self.commit = commit  # False inside a test's transaction
        self.postgres = conn.dialect.name == "postgresql"
        self.rng = random.Random(seed)
        self.today = today or dt.date.today() - dt.timedelta(days=1)
        self.days = (self.today - FIRST_DAY).days
        self.next_case = self._next_id("cases")
        self.next_dialogue = self._next_id("dialogues")
        self.next_supervision = self._next_id("supervisions")
        self.units: dict[str, Unit] = {}
        self._by_kind: dict[str, list[Unit]] = {}
        self._by_id: dict[int | None, Unit] = {}
        self.users: dict[int, int] = {}  # district unit id -> a reception user there

    def _next_id(self, table: str) -> int:
        return int(self.conn.execute(text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar_one()) + 1

    # -- the tree -------------------------------------------------------------------------------
    def tree(self, districts: int = 10, communes: int = 20) -> Unit:
        """The province and everything under it (written once; read back when it exists)."""
        rows = self.conn.execute(text("SELECT id, code, kind, parent_id, path FROM units ORDER BY id")).all()
        if rows:
            for uid, code, kind, parent_id, path in rows:
                parent = next((u for u in self.units.values() if u.id == parent_id), None)
                unit = Unit(uid, code, kind, parent, path)
                self.units[code] = unit
                if parent:
                    parent.children.append(unit)
            self.users = dict(self.conn.execute(text("SELECT unit_id, id FROM users")).all())  # type: ignore[arg-type]
            return self.units["P"]
        new: list[Unit] = []

        def add(code: str, kind: str, parent: Unit | None) -> Unit:
            uid = len(new) + 1
            unit = Unit(uid, code, kind, parent, f"{parent.path if parent else '/'}{uid}/")
            if parent:
                parent.children.append(unit)
            new.append(unit)
            self.units[code] = unit
            return unit

        province = add("P", "province", None)
        for d in range(1, districts + 1):
            district = add(f"D{d:02d}", "district", province)
            for c in range(1, communes + 1):
                commune = add(f"D{d:02d}-C{c:02d}", "commune", district)
                add(f"{commune.code}-B", "inspection_board", commune)
            for a in range(1, 6):
                add(f"D{d:02d}-A{a}", "agency", district)
            add(f"D{d:02d}-MT", "front_committee", district)
        for a in range(1, 13):
            add(f"P-A{a:02d}", "agency", province)
        add("P-MT", "front_committee", province)
        created = _moment(FIRST_DAY)
        self._write("units", UNIT_COLUMNS, [
            (u.id, u.code, f"Đơn vị {u.code}", u.kind, u.parent.id if u.parent else None, u.path, "{}", None, created) for u in new
        ])
        users = [(i + 1, f"bench{u.code.lower()}", "x", "reception", u.id, None, None, True, created)
                 for i, u in enumerate(u for u in new if u.kind == "district")]
        self._write("users", USER_COLUMNS, users)
        self.users = {row[4]: row[0] for row in users}
        plans = [(u.id, year, 2, created) for year in range(FIRST_DAY.year, self.today.year + 1)
                 for u in new if u.kind in ("commune", "district") and self.rng.random() < 0.7]
        self._write("dialogue_plans", PLAN_COLUMNS, plans)
        if self.postgres:
            for table in ("units", "users"):
                self.conn.execute(text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"))
        return province

    # -- writing --------------------------------------------------------------------------------
    def _write(self, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
        if not rows:
            return
        if self.postgres:
            raw = self.conn.connection.dbapi_connection
            with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:  # type: ignore[union-attr]
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join("?" for _ in columns)
        self.conn.exec_driver_sql(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                                  [tuple(_sqlite(v) for v in row) for row in rows])

    def _flush(self, batch: Batch) -> None:
        self._write("dialogues", DIALOGUE_COLUMNS, batch.dialogues)
        self._write("supervisions", SUPERVISION_COLUMNS, batch.supervisions)
        self._write("cases", CASE_COLUMNS, batch.cases)
        self._write("history_entries", HISTORY_COLUMNS, batch.history)
        self._write("decisions", DECISION_COLUMNS, batch.decisions)

    def finish(self) -> None:
        """Sequences after explicit ids; fresh statistics for the planner."""
        if self.postgres:
            for table in ("cases", "dialogues", "supervisions"):
                self.conn.execute(text(f"SELECT setval('{table}_id_seq', greatest((SELECT max(id) FROM {table}), 1))"))
        self.conn.commit()
        if self.postgres:
            raw = self.conn.connection.dbapi_connection
            previous = raw.autocommit  # type: ignore[union-attr]
            raw.autocommit = True  # type: ignore[union-attr]
            with raw.cursor() as cursor:  # type: ignore[union-attr]
                cursor.execute("VACUUM ANALYZE")
            raw.autocommit = previous  # type: ignore[union-attr]
        else:
            self.conn.exec_driver_sql("ANALYZE")
            self.conn.commit()

    # -- cases ----------------------------------------------------------------------------------
    def generate(self, count: int, progress: Callable[[int], None] | None = None, chunk: int = 20_000) -> None:
        """About `count` more cases (second-round complaints come on top), in the order they were
        received, as a tracker fills up: the rows of a period lie together in the table. Written
        and committed in chunks."""
        # What happens, when: a petition arrives, a session is held (5-20 opinions, 12.5 on
        # average), a supervision starts (0-3 recommendations, 1.5 on average).
        events = ([(self._day(), 0) for _ in range(int(count * 0.80))] + [(self._day(), 1) for _ in range(int(count * 0.16 / 12.5))]
                  + [(self._day(), 2) for _ in range(int(count * 0.04 / 1.5))])
        events.sort()
        for first in range(0, len(events), chunk):
            batch = Batch()
            for on, what in events[first:first + chunk]:
                if what == 0:
                    kind = self.rng.choices([k for k, _ in self.PETITION_MIX], [w for _, w in self.PETITION_MIX])[0]
                    self._petition(batch, kind, self._receiving_unit(), on)
                elif what == 1:
                    self._session(batch, on)
                else:
                    self._supervision(batch, on)
            self._flush(batch)
            if self.commit:
                self.conn.commit()
            if progress:
                progress(batch.size())

    def _day(self) -> dt.date:
        return FIRST_DAY + dt.timedelta(days=self.rng.randrange(self.days))

    def _of_kind(self, kind: str) -> list[Unit]:
        if kind not in self._by_kind:
            self._by_kind[kind] = [u for u in self.units.values() if u.kind == kind]
        return self._by_kind[kind]

    def _receiving_unit(self) -> Unit:
        kind = self.rng.choices(("commune", "district", "agency", "province"), (70, 15, 10, 5))[0]
        return self.rng.choice(self._of_kind(kind))

    def _new_case(self, batch: Batch, life: Life, *, kind: str, received: Unit, assigned: int | None, **cols: Any) -> int:
        case_id = self.next_case
        self.next_case += 1
        on = life.entries[0][0]
        last = life.entries[-1][0]
        row = dict.fromkeys(CASE_COLUMNS)
        row.update(
            id=case_id, tracking_code=f"B{case_id:012d}", kind=kind, workflow_version=1, rule_set="vn-2019-01-01",
            state=life.state, channel="in_person", received_unit_id=received.id, assigned_unit_id=assigned,
            province_id=int(received.path.split("/")[1]),
            subject=f"Vụ việc {case_id}", subject_search=f"vu viec {case_id}", content="", anonymous=False, crowd_size=1,
            complex=False, remote=False, multi_place=False, multi_agency=False, round=1, received_at=_moment(on),
            received_on=on, due_on=life.due, clock_started_on=on, extensions_used=0, reopened_count=0, urged_count=0,
            last_effective_on=last, settled_on_spot=False, version=len(life.entries), created_at=_moment(on),
            updated_at=_moment(last),
        )
        row.update(cols)
        batch.cases.append(tuple(row[c] for c in CASE_COLUMNS))
        for seq, (day, trigger, before, after, due, unit) in enumerate(life.entries, start=1):
            batch.history.append((case_id, seq, _moment(day), day, trigger, before, after, None, "bench", None, "{}", due, unit,
                                  "vn-2019-01-01", DUMMY_HASH, DUMMY_HASH))
        return case_id

    def _below(self, unit: Unit) -> Unit:
        """The unit itself, or now and then a unit below it that will resolve the case."""
        options = [u for u in unit.children if u.kind in ("commune", "agency")]
        return self.rng.choice(options) if options and self.rng.random() < 0.3 else unit

    def _district_of(self, unit: Unit) -> Unit | None:
        level: Unit | None = unit
        while level is not None and level.kind != "district":
            level = level.parent
        return level

    def _petition(self, batch: Batch, kind: str, received: Unit, on: dt.date, round_: int = 1, parent: int | None = None) -> None:
        rng = self.rng
        voter = kind == "voter_opinion"
        life = Life(self.today, on, "accepted" if voter else "received", on + dt.timedelta(days=40 if voter else 14), received.id)
        assigned: int | None = None
        cols: dict[str, Any] = {"round": round_, "parent_case_id": parent, "crowd_size": rng.choice((1, 1, 1, 1, 2, 6)),
                                "accepted_on": on if voter else None, "anonymous": kind == "denunciation" and rng.random() < 0.1}
        if cols["anonymous"]:
            cols["crowd_size"] = 1
        if voter:
            assigned = self._below(received).id
            life.unit = assigned
            life.entries[0] = (on, "intake", None, "accepted", life.due, assigned)
        else:
            if rng.random() < 0.03 and life.wait(rng.randint(1, 5)):
                target = (received.parent or received)
                assigned = target.id
                life.fire("forward", due=life.t + dt.timedelta(days=14), unit=assigned)
            if not life.wait(rng.randint(1, 12)):
                self._finish(batch, life, kind, received, assigned, cols)
                return
            roll = rng.random()
            if roll < 0.09:
                life.fire("file" if roll < 0.04 else "guide", "filed" if roll < 0.04 else "guided")
                cols["final_on"] = life.t
                self._finish(batch, life, kind, received, assigned, cols)
                return
            resolver = self._below(self.units_by_id(assigned) if assigned else received)
            assigned = resolver.id
            cols["accepted_on"] = life.t
            life.fire("accept", "accepted", due=life.t + dt.timedelta(days=45 if rng.random() < 0.1 else 30), unit=assigned)
        accepted_on = cols["accepted_on"]
        if rng.random() < 0.75 and life.wait(rng.randint(1, 10)):
            life.fire("start_verification", "verifying")
            if rng.random() < 0.04 and life.wait(rng.randint(3, 15)):
                paused = life.t
                life.fire("suspend", "suspended")
                cols["paused_on"] = paused
                if life.wait(rng.randint(5, 30)):
                    assert life.due is not None
                    life.fire("resume", "verifying", due=life.due + (life.t - paused))
                    cols["paused_on"] = None
        if life.state in ("accepted", "verifying") and kind in ("denunciation", "recommendation", "feedback") \
                and rng.random() < 0.06 and life.wait(rng.randint(5, 20)):
            assert life.due is not None
            life.fire("extend", due=life.due + dt.timedelta(days=30))
            cols["extensions_used"] = 1
        if rng.random() < 0.05 and life.wait(rng.randint(20, 40)):
            life.fire("urge")  # a unit above sends an urging notice: same state, same due date
            cols["urged_count"] = 1
        if life.state == "suspended":
            self._finish(batch, life, kind, received, assigned, cols)
            return
        if rng.random() < 0.03 and life.wait(rng.randint(1, 20)):
            life.fire("withdraw", "withdrawn")
            cols["final_on"] = life.t
            self._finish(batch, life, kind, received, assigned, cols)
            return
        delay = max(1, int(rng.lognormvariate(3.2, 0.55)))
        if not life.wait(max(1, (accepted_on + dt.timedelta(days=delay) - life.t).days)):
            self._finish(batch, life, kind, received, assigned, cols)
            return
        life.fire("resolve", "resolved")
        cols["decided_on"] = life.t
        assert life.due is not None
        decision = (life.t, rng.choice(("upheld", "rejected", "rejected", "partly_upheld")), f"{rng.randint(1, 999)}/QĐ",
                    "", life.t <= life.due, 5_000_000 if rng.random() < 0.1 else None, None, None, None, _moment(life.t))
        second: tuple[Unit, dt.date] | None = None
        if kind == "complaint" and round_ == 1 and rng.random() < 0.06 and life.wait(rng.randint(5, 25)):
            superior = self._district_of(self.units_by_id(assigned)) if assigned else None
            superior = superior if superior and superior.id != assigned else self.units["P"]
            life.fire("recomplain", "escalated")
            cols["final_on"] = life.t
            second = (superior, life.t)
        elif rng.random() < 0.85 and life.wait(30 + rng.randint(0, 10) if kind == "complaint" else rng.randint(3, 30)):
            life.fire("close", "closed")
            cols["final_on"] = life.t
        case_id = self._finish(batch, life, kind, received, assigned, cols)
        batch.decisions.append((case_id, *decision))
        if second is not None:
            self._petition(batch, "complaint", second[0], second[1], round_=2, parent=case_id)

    def units_by_id(self, unit_id: int | None) -> Unit:
        if not self._by_id:
            self._by_id.update({u.id: u for u in self.units.values()})
        return self._by_id[unit_id]  # type: ignore[index]

    def _finish(self, batch: Batch, life: Life, kind: str, received: Unit, assigned: int | None, cols: dict[str, Any]) -> int:
        return self._new_case(batch, life, kind=kind, received=received, assigned=assigned, **cols)

    def _session(self, batch: Batch, held: dt.date) -> int:
        rng = self.rng
        host = self.rng.choice(self._of_kind("commune") * 3 + self._of_kind("district"))
        dialogue_id = self.next_dialogue
        self.next_dialogue += 1
        batch.dialogues.append((dialogue_id, host.id, held, "Chủ tịch UBND", "Đối thoại", None, None, None, _moment(held)))
        district = self._district_of(host) or self.units["P"]
        agencies = [u for u in district.children if u.kind == "agency"]
        size = rng.randint(5, 20)
        for _ in range(size):
            settled = rng.random() < 0.9
            cols: dict[str, Any] = {"dialogue_id": dialogue_id, "settled_on_spot": settled, "channel": "dialogue"}
            if settled:
                life = Life(self.today, held, "settled_on_spot", None, host.id)
                cols.update(decided_on=held, final_on=held)
                assigned = None
            else:
                agency = rng.choice(agencies)
                assigned = agency.id
                life = Life(self.today, held, "assigned", held + dt.timedelta(days=30), agency.id)
                if rng.random() < 0.7 and life.wait(rng.randint(5, 60)):
                    life.fire("resolve", "resolved")
                    cols.update(decided_on=life.t)
                    if rng.random() < 0.5 and life.wait(rng.randint(1, 20)):
                        life.fire("close", "closed")
                        cols.update(final_on=life.t)
            if life.state in ("settled_on_spot", "resolved", "closed") and rng.random() < 0.03 and life.wait(rng.randint(10, 60)):
                agency = rng.choice(agencies)
                assigned = agency.id
                life.fire("reopen", "assigned", due=life.t + dt.timedelta(days=30), unit=agency.id)
                cols.update(decided_on=None, final_on=None, reopened_count=1)
                if rng.random() < 0.5 and life.wait(rng.randint(5, 40)):
                    life.fire("resolve", "resolved")
                    cols.update(decided_on=life.t)
            cols["due_on"] = life.due
            self._new_case(batch, life, kind="dialogue_opinion", received=host, assigned=assigned, **cols)
        return size

    def _supervision(self, batch: Batch, started: dt.date) -> None:
        rng = self.rng
        board = rng.choice(self._of_kind("inspection_board") + self._of_kind("front_committee"))
        supervision_id = self.next_supervision
        self.next_supervision += 1
        batch.supervisions.append((supervision_id, board.id, "Giám sát", started, None, None, None, None, _moment(started)))
        addressee = board.parent or self.units["P"]
        for _ in range(rng.randint(0, 3)):
            issued = min(started + dt.timedelta(days=rng.randint(0, 20)), self.today)
            life = Life(self.today, issued, "issued", issued + dt.timedelta(days=15), addressee.id)
            cols: dict[str, Any] = {"supervision_id": supervision_id, "channel": "supervision"}
            if rng.random() < 0.85 and life.wait(rng.randint(3, 30)):
                life.fire("answer", "answered")
                cols["decided_on"] = life.t
                roll = rng.random()
                if roll < 0.05 and life.wait(rng.randint(1, 10)):
                    life.fire("return", "issued", due=life.t + dt.timedelta(days=15))
                    cols["decided_on"] = None
                    if rng.random() < 0.7 and life.wait(rng.randint(3, 20)):
                        life.fire("answer", "answered")
                        cols["decided_on"] = life.t
                elif roll < 0.75 and life.wait(rng.randint(1, 10)):
                    life.fire("accept", "accepted")
                    cols["final_on"] = life.t
            cols["due_on"] = life.due
            self._new_case(batch, life, kind="supervision_recommendation", received=board, assigned=addressee.id, **cols)


def filled(conn: Connection, size: int, *, desc: str = "cases", seed: int = 2026) -> Generator:
    """A province's unit tree and about `size` cases written through `conn` with a progress bar,
    committed, with fresh planner statistics: the starting point of most benchmarks."""
    generator = Generator(conn, seed=seed)
    generator.tree()
    conn.commit()
    with tqdm(total=size, unit="case", desc=desc) as bar:
        generator.generate(size, progress=bar.update)
    generator.finish()
    return generator


def _sqlite(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value
