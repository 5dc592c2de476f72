"""Per-unit rows: one for the unit's own records, one per direct child with its tree, and the
rows add up to the totals. The property test checks each row against an independent call
for that row's units, so a record counted twice, or in the wrong row, is caught."""
from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.metrics.conftest import D
from tracker.metrics import FIGURES
from tracker.metrics.figures import Kind

COUNTS = [f.path for f in FIGURES if f.kind is Kind.COUNT]
Q1 = (D(2026, 1, 1), D(2026, 3, 31))


def test_rows_are_the_unit_itself_then_each_direct_child(world):
    m = world.metrics("HT", *Q1)
    assert [(r.unit.code, r.own) for r in m.by_unit] == [("HT", True), ("HT-LH", False), ("HT-TNMT", False), ("HT-MT", False)]
    assert [r.unit.code for r in world.metrics("HT", *Q1, subunits=False).by_unit] == ["HT"]


def test_without_subunits_only_the_units_own_records_count(world):
    world.petition("complaint", "HT", D(2026, 1, 5))
    world.petition("complaint", "HT-LH", D(2026, 1, 5))
    assert world.metrics("HT", *Q1, subunits=False).totals.cases.received == 1
    assert world.metrics("HT", *Q1, subunits=True).totals.cases.received == 2


def test_shares_are_recomputed_for_each_row(world):
    session = world.dialogue("HT-LH", D(2026, 2, 1))
    world.opinion(session, settled=True)
    world.opinion(session, settled=False)
    world.opinion(world.dialogue("HT", D(2026, 2, 1)), settled=True)
    m = world.metrics("HT", *Q1)
    assert [r.dialogues.settled_on_spot_share for r in m.by_unit] == [1.0, 0.5, None, None]
    assert m.totals.dialogues.settled_on_spot_share == 2 / 3


UNITS = ["HT", "HT-LH", "HT-TNMT", "BT", "BT-P1", "TN", "TN-TTR"]
BOARDS = ["HT-MT", "LH-TTND", "BT-MT"]
days = st.integers(min_value=0, max_value=150).map(lambda n: D(2025, 12, 1) + dt.timedelta(days=n))


@st.composite
def records(draw):  # type: ignore[no-untyped-def]
    """A few petitions with a random life, sessions with opinions, supervisions with recommendations."""
    return {
        "petitions": draw(st.lists(st.tuples(st.sampled_from(["complaint", "denunciation", "feedback", "voter_opinion"]),
                                             st.sampled_from(UNITS), days, st.sampled_from(UNITS + [None]),
                                             st.integers(0, 4), st.integers(1, 40)), max_size=6)),
        "sessions": draw(st.lists(st.tuples(st.sampled_from(UNITS), days, st.lists(st.booleans(), max_size=3)), max_size=3)),
        "supervisions": draw(st.lists(st.tuples(st.sampled_from(BOARDS), days, st.integers(0, 2), st.booleans()), max_size=2)),
        "plans": draw(st.lists(st.sampled_from(UNITS), max_size=3, unique=True)),
    }


def _build(world, data):  # type: ignore[no-untyped-def]
    for kind, unit, received, resolver, steps, gap in data["petitions"]:
        step = dt.timedelta(days=gap)
        if kind == "voter_opinion":
            case = world.petition(kind, unit, received)
        else:
            case = world.petition(kind, unit, received)
            if steps == 0:
                continue
            if steps == 1:
                world.act(case, "guide", received + step)
                continue
            target = resolver if resolver and world.tree[unit].contains(world.tree[resolver]) else None
            case = world.act(case, "accept", received + step, **({"unit": target} if target else {}))
        if steps >= 3:
            case = world.act(case, "resolve", received + 2 * step)
        if steps >= 4:
            world.act(case, "close", received + 3 * step)
    for host, held, settled in data["sessions"]:
        dialogue = world.dialogue(host, held)
        for flag in settled:
            world.opinion(dialogue, settled=flag, unit="HT-TNMT")
    for board, started, count, answer in data["supervisions"]:
        supervision = world.supervision(board, started)
        for _ in range(count):
            rec = world.recommendation(supervision, "HT-LH" if board != "BT-MT" else "BT-P1", started)
            if answer:
                world.act(rec, "answer", started + dt.timedelta(days=5))
    for unit in data["plans"]:
        world.plan(unit, 2026)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=records(), root=st.sampled_from(["TN", "HT"]))
def test_per_unit_rows_add_up_to_the_parent_totals(world, session, data, root):
    nested = session.begin_nested()
    try:
        _build(world, data)
        whole = world.metrics(root, *Q1)
        own = world.metrics(root, *Q1, subunits=False)
        children = {r.unit.code: world.metrics(r.unit.code, *Q1) for r in whole.by_unit if not r.own}
        for path in COUNTS:
            assert whole.totals.value(path) == sum(r.value(path) for r in whole.by_unit), path
            assert whole.by_unit[0].value(path) == own.totals.value(path), path
            for row in whole.by_unit[1:]:
                assert row.value(path) == children[row.unit.code].totals.value(path), (path, row.unit.code)
    finally:
        nested.rollback()
