"""What form 03/KQGQ and the figures count of the amended law (DOMAIN.md §3, §8): a re-denunciation
is counted as one ("tố cáo tiếp"), a withdrawal that does not end the denunciation is not
counted as withdrawn, and a decision closed by the sweep is no longer open from the day it
became final."""
from __future__ import annotations

from tests.metrics.conftest import D
from tracker.metrics.periods import parse_period
from tracker.reports.layout import layout_for
from tracker.reports.table import form_table
from tracker.services import sweep

H1 = parse_period("2026-H1", default_scheme="official")  # 15/12/2025 - 14/06/2026


def kqgq03(world, session):  # type: ignore[no-untyped-def]
    layout = layout_for("03/KQGQ:2021", H1.end)  # superseded from 30/09/2025: named by its version
    table = form_table(session, layout, world.tree["HT"], True, H1)
    return dict(enumerate(table.total.values, start=1))


def test_a_re_denunciation_is_counted_apart_and_a_continued_withdrawal_is_not_a_withdrawal(world, session, clock_at):
    clock_at(D(2026, 7, 1))
    first = world.resolved("denunciation", "HT-LH", received=D(2026, 1, 5), accepted=D(2026, 1, 8), decided=D(2026, 1, 20),
                           outcome="rejected")
    world.act(first, "redenounce", D(2026, 2, 10))
    again = world.session.query(type(first)).filter_by(parent_case_id=first.id).one()
    assert (again.round, again.received_unit.code) == (2, "HT")
    again = world.act(again, "accept", D(2026, 2, 12))
    world.act(again, "resolve", D(2026, 3, 10), outcome="upheld")
    kept = world.act(world.petition("denunciation", "HT", D(2026, 1, 6)), "accept", D(2026, 1, 9))
    kept = world.act(kept, "withdraw", D(2026, 2, 1), **{"continue": True})
    world.act(kept, "resolve", D(2026, 3, 1), outcome="partly_upheld")
    ended = world.act(world.petition("denunciation", "HT", D(2026, 1, 6)), "accept", D(2026, 1, 9))
    world.act(ended, "withdraw", D(2026, 2, 2))
    columns = kqgq03(world, session)
    assert (columns[1], columns[5]) == (4, 1)  # four to resolve, one of them a re-denunciation
    assert (columns[7], columns[8], columns[9]) == (2, 1, 1)  # decided first time, decided re-denunciation, withdrawn


def test_a_resolved_complaint_stops_being_open_the_day_its_decision_became_final(world, session, clock_at):
    clock_at(D(2026, 7, 1))
    world.resolved("complaint", "HT", received=D(2026, 3, 2), accepted=D(2026, 3, 2), decided=D(2026, 3, 9))
    sweep.run(session, D(2026, 7, 1))
    assert world.metrics("HT", D(2026, 4, 1), D(2026, 4, 8)).totals.cases.open == 1
    assert world.metrics("HT", D(2026, 4, 1), D(2026, 4, 9)).totals.cases.open == 0
