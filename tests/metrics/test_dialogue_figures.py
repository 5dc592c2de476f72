"""Dialogue figures (DOMAIN.md §7): sessions, opinions and plans, by host unit."""
from __future__ import annotations

from tests.metrics.conftest import D
from tests.metrics.test_case_figures import Q1, rows


def test_sessions_and_units_with_session_count_sessions_held_in_the_period_by_host(world):
    world.dialogue("HT-LH", D(2026, 1, 15))
    world.dialogue("HT-LH", D(2026, 3, 31))
    world.dialogue("HT", D(2026, 4, 1))  # after the quarter
    world.dialogue("BT-P1", D(2026, 2, 1))  # another district
    d = world.metrics("HT", *Q1).totals.dialogues
    assert (d.sessions, d.units_with_session) == (2, 1)
    assert world.metrics("TN", *Q1).totals.dialogues.units_with_session == 2


def test_opinions_settled_on_spot_and_assigned_belong_to_the_session_host(world):
    session = world.dialogue("HT-LH", D(2026, 2, 10))
    for settled in (True, True, True, False):
        world.opinion(session, settled=settled, unit="HT-TNMT")
    world.opinion(world.dialogue("HT-LH", D(2026, 4, 2)), settled=True)  # a session after the quarter
    m = world.metrics("HT", *Q1)
    d = m.totals.dialogues
    assert (d.opinions, d.settled_on_spot, d.assigned, d.settled_on_spot_share) == (4, 3, 1, 0.75)
    assert rows(m, "dialogues", "opinions") == {"HT-LH": 4}  # not the assigned agency's


def test_an_opinion_reopened_by_supervision_stays_settled_on_the_spot_and_counts_as_reopened(world, make_user):
    board = make_user("supervisor", world.tree["LH-TTND"])  # the ward's People's Inspection Board
    session = world.dialogue("HT-LH", D(2026, 2, 10))
    reopened = world.opinion(session, settled=True)
    world.act(reopened, "reopen", D(2026, 3, 1), by=board, unit="HT-LH", due_on=D(2026, 3, 20))
    reopened_later = world.opinion(session, settled=True)
    world.act(reopened_later, "reopen", D(2026, 4, 5), unit="HT-TNMT", due_on=D(2026, 4, 30))
    d = world.metrics("HT", *Q1).totals.dialogues
    assert (d.opinions, d.settled_on_spot, d.settled_on_spot_share, d.reopened) == (2, 2, 1.0, 1)
    assert world.metrics("HT", D(2026, 1, 1), D(2026, 6, 30)).totals.dialogues.reopened == 2


def test_assigned_resolved_counts_assignments_answered_by_the_end_of_the_period(world):
    session = world.dialogue("HT-LH", D(2026, 1, 20))
    in_time = world.opinion(session, settled=False)
    world.act(in_time, "resolve", D(2026, 2, 1))
    after = world.opinion(session, settled=False)
    world.act(after, "resolve", D(2026, 4, 2))  # answered after the period
    redone = world.act(world.opinion(session, settled=False), "resolve", D(2026, 2, 1))
    world.act(redone, "reopen", D(2026, 3, 1), unit="HT-TNMT", due_on=D(2026, 4, 30))  # not answered again by 31/03
    kept = world.act(world.opinion(session, settled=False), "resolve", D(2026, 2, 1))
    kept = world.act(kept, "close", D(2026, 2, 15))
    world.act(kept, "reopen", D(2026, 4, 10), unit="HT-TNMT", due_on=D(2026, 5, 10))  # reopened after the period
    d = world.metrics("HT", *Q1).totals.dialogues
    assert (d.assigned, d.assigned_resolved, d.reopened) == (4, 2, 1)


def test_plans_count_plans_for_a_year_overlapping_the_period_and_the_distinct_units_making_them(world):
    world.plan("HT-LH", 2026)
    world.plan("HT", 2026)
    world.plan("HT-LH", 2025)
    world.plan("BT-P1", 2026)  # another district
    d = world.metrics("HT", *Q1).totals.dialogues
    assert (d.plans, d.units_with_plan) == (2, 2)
    across = world.metrics("HT", D(2025, 12, 1), D(2026, 1, 31)).totals.dialogues
    assert (across.plans, across.units_with_plan) == (3, 2)
