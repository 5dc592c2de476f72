"""Petition figures (DOMAIN.md §7), each on a small fixture computed by hand. The period is the
first quarter of 2026 unless a test says otherwise."""
from __future__ import annotations

import datetime as dt

from tests.metrics.conftest import D

Q1 = (D(2026, 1, 1), D(2026, 3, 31))


def rows(metrics, group, key):  # type: ignore[no-untyped-def]
    """{unit code: value} of the by_unit rows that are not zero."""
    return {r.unit.code: getattr(getattr(r, group), key) for r in metrics.by_unit if getattr(getattr(r, group), key)}


def test_an_empty_period_has_zero_counts_and_null_shares(world):
    m = world.metrics("TN", *Q1)
    assert (m.totals.cases.received, m.totals.cases.open, m.totals.cases.to_resolve) == (0, 0, 0)
    assert m.totals.cases.resolution_rate is None and m.totals.cases.on_time_rate is None
    assert m.totals.cases.median_days_to_resolve is None
    assert m.totals.dialogues.settled_on_spot_share is None and m.totals.supervisions.answer_rate is None


def test_received_counts_petitions_received_in_the_period_at_the_receiving_unit(world):
    world.petition("complaint", "HT", D(2026, 1, 5))
    world.petition("feedback", "HT-LH", D(2026, 3, 31))
    world.petition("voter_opinion", "HT", D(2026, 2, 1))
    world.petition("complaint", "HT", D(2025, 12, 31))  # before the period
    world.petition("complaint", "HT", D(2026, 4, 1))  # after it
    world.petition("complaint", "BT", D(2026, 1, 5))  # another district
    world.opinion(world.dialogue("HT", D(2026, 2, 2)))  # a dialogue opinion is not a petition
    m = world.metrics("HT", *Q1)
    assert m.totals.cases.received == 3
    assert rows(m, "cases", "received") == {"HT": 2, "HT-LH": 1}


def test_a_forwarded_case_counts_as_received_where_received_and_as_open_where_it_was_at_the_end(world):
    case = world.petition("recommendation", "HT-LH", D(2026, 3, 2))
    world.act(case, "forward", D(2026, 4, 10), unit="HT-TNMT")
    q1 = world.metrics("HT", *Q1)
    assert rows(q1, "cases", "received") == {"HT-LH": 1}
    assert rows(q1, "cases", "open") == {"HT-LH": 1}  # forwarded only after the quarter ended
    h1 = world.metrics("HT", D(2026, 1, 1), D(2026, 6, 30))
    assert rows(h1, "cases", "received") == {"HT-LH": 1}
    assert rows(h1, "cases", "open") == {"HT-TNMT": 1}


def test_accepted_counts_acceptances_effective_in_the_period_at_the_resolving_unit(world):
    early = world.petition("complaint", "HT", D(2025, 12, 20))
    world.act(early, "accept", D(2026, 1, 3), unit="HT-TNMT")
    late = world.petition("complaint", "HT", D(2026, 3, 25))
    world.act(late, "accept", D(2026, 4, 2))
    world.petition("voter_opinion", "HT", D(2026, 2, 1), assigned_unit="HT-LH")  # accepted when received
    m = world.metrics("HT", *Q1)
    assert m.totals.cases.accepted == 2
    assert rows(m, "cases", "accepted") == {"HT-TNMT": 1, "HT-LH": 1}


def test_resolved_on_time_judges_the_decision_against_the_due_date_in_force_then(world):
    extended = world.act(world.petition("denunciation", "HT", D(2026, 1, 5)), "accept", D(2026, 1, 6))
    first_due = extended.due_on
    extended = world.act(extended, "extend", D(2026, 2, 1), due_on=first_due + dt.timedelta(days=20))
    world.act(extended, "resolve", first_due + dt.timedelta(days=10))  # late for the first due date, on time after
    late = world.act(world.petition("complaint", "HT", D(2026, 1, 5)), "accept", D(2026, 1, 6))
    world.act(late, "resolve", late.due_on + dt.timedelta(days=1))
    world.resolved(received=D(2026, 3, 1), accepted=D(2026, 3, 2), decided=D(2026, 4, 1))  # decided after the period
    c = world.metrics("HT", *Q1).totals.cases
    assert (c.resolved, c.resolved_on_time, c.on_time_rate) == (2, 1, 0.5)


def test_resolution_rate_divides_by_cases_accepted_in_the_period_plus_those_carried_over_unresolved(world):
    world.resolved(received=D(2025, 12, 1), accepted=D(2025, 12, 10), decided=D(2026, 2, 1))  # carried over, resolved
    world.act(world.petition(on=D(2025, 12, 1)), "accept", D(2025, 12, 5))  # carried over, still open
    world.resolved(received=D(2025, 10, 1), accepted=D(2025, 11, 1), decided=D(2025, 12, 20))  # done before
    gone = world.act(world.petition(on=D(2025, 10, 2)), "accept", D(2025, 11, 2))
    world.act(gone, "withdraw", D(2025, 12, 15))  # withdrawn before
    world.resolved(received=D(2026, 1, 5), accepted=D(2026, 1, 10), decided=D(2026, 4, 5))  # decided after
    world.resolved(received=D(2026, 1, 25), accepted=D(2026, 2, 1), decided=D(2026, 3, 1))  # all in the period
    c = world.metrics("HT", *Q1).totals.cases
    assert (c.to_resolve, c.resolved, c.resolution_rate) == (4, 2, 0.5)


def test_open_counts_cases_not_in_a_final_state_at_the_end_whatever_happened_after(world):
    world.petition(on=D(2026, 1, 5))  # still being processed
    world.act(world.act(world.petition(on=D(2026, 1, 5)), "accept", D(2026, 1, 10)), "resolve", D(2026, 4, 10))
    decided = world.resolved(received=D(2026, 1, 5), accepted=D(2026, 1, 10), decided=D(2026, 2, 10))
    world.act(decided, "close", D(2026, 4, 1))  # not yet final on 31/03
    gone = world.act(world.petition(on=D(2026, 1, 5)), "accept", D(2026, 1, 10))
    world.act(gone, "withdraw", D(2026, 2, 15))
    world.act(world.petition(on=D(2026, 1, 5)), "guide", D(2026, 1, 7))
    world.petition(on=D(2026, 4, 2))  # received after the end
    closed = world.resolved(received=D(2026, 1, 5), accepted=D(2026, 1, 10), decided=D(2026, 2, 10))
    world.act(closed, "close", D(2026, 3, 15))
    assert world.metrics("HT", *Q1).totals.cases.open == 3


def test_overdue_open_uses_the_state_and_due_date_in_force_at_the_end(world):
    end = D(2026, 2, 28)
    world.petition(on=D(2026, 1, 5))  # processing period ran out in January
    extended_later = world.act(world.petition("denunciation", on=D(2026, 1, 5)), "accept", D(2026, 1, 6))
    assert extended_later.due_on < end
    world.act(extended_later, "extend", D(2026, 3, 2), due_on=extended_later.due_on + dt.timedelta(days=29))
    paused = world.act(world.act(world.petition(on=D(2026, 1, 5)), "accept", D(2026, 1, 6)), "start_verification",
                       D(2026, 1, 7))
    paused = world.act(paused, "suspend", D(2026, 2, 1))  # the clock stopped before the end
    world.act(paused, "resume", D(2026, 3, 10))
    late = world.act(world.petition(on=D(2026, 1, 5)), "accept", D(2026, 1, 6))
    world.act(late, "resolve", late.due_on + dt.timedelta(days=3))  # decided late, so no longer running
    fresh = world.petition(on=D(2026, 2, 20))
    assert fresh.due_on > end
    c = world.metrics("HT", D(2026, 1, 1), end).totals.cases
    assert (c.open, c.overdue_open) == (5, 2)


def test_median_days_to_resolve_is_the_middle_value_or_the_mean_of_the_two_middle_values(world):
    for days in (10, 20, 40):
        world.resolved(received=D(2026, 1, 1), accepted=D(2026, 1, 2), decided=D(2026, 1, 1) + dt.timedelta(days=days))
    assert world.metrics("HT", *Q1).totals.cases.median_days_to_resolve == 20
    world.resolved(unit="HT-LH", received=D(2026, 1, 1), accepted=D(2026, 1, 2), decided=D(2026, 1, 31))
    m = world.metrics("HT", *Q1)
    assert m.totals.cases.median_days_to_resolve == 25
    assert rows(m, "cases", "median_days_to_resolve") == {"HT": 20, "HT-LH": 30}


def test_recomplaints_counts_second_round_complaints_received_in_the_period(world):
    first = world.resolved(unit="HT-LH", received=D(2026, 1, 5), accepted=D(2026, 1, 6), decided=D(2026, 1, 20))
    world.act(first, "recomplain", D(2026, 2, 1))
    m = world.metrics("HT", *Q1)
    assert m.totals.cases.recomplaints == 1
    assert rows(m, "cases", "recomplaints") == {"HT": 1}  # the second round goes to the superior unit
    assert m.totals.cases.received == 2 and m.totals.cases.resolved == 1
    assert world.metrics("HT", D(2026, 4, 1), D(2026, 6, 30)).totals.cases.recomplaints == 0
