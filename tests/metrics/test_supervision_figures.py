"""Supervision figures (DOMAIN.md §7): supervisions and their recommendations, by board unit."""
from __future__ import annotations

from tests.metrics.conftest import D
from tests.metrics.test_case_figures import Q1, rows


def test_sessions_count_supervisions_started_in_the_period_by_board(world):
    world.supervision("LH-TTND", D(2026, 1, 10))
    world.supervision("HT-MT", D(2026, 3, 31))
    world.supervision("HT-MT", D(2026, 4, 1))  # after the quarter
    m = world.metrics("HT", *Q1)
    assert m.totals.supervisions.sessions == 2
    assert rows(m, "supervisions", "sessions") == {"HT-LH": 1, "HT-MT": 1}  # a ward's board is in the ward's row


def test_recommendations_belong_to_the_board_not_to_the_addressee(world):
    supervision = world.supervision("LH-TTND", D(2026, 1, 10))
    world.recommendation(supervision, "HT-TNMT", D(2026, 1, 12))
    world.recommendation(supervision, "TN-TTR", D(2026, 2, 12))  # addressed to a provincial agency
    world.recommendation(supervision, "HT-LH", D(2026, 4, 1))  # issued after the quarter
    m = world.metrics("HT", *Q1)
    assert m.totals.supervisions.recommendations == 2
    assert rows(m, "supervisions", "recommendations") == {"HT-LH": 2}


def test_answered_counts_recommendations_answered_by_the_end_of_the_period(world):
    supervision = world.supervision("LH-TTND", D(2026, 1, 10))
    answered = world.recommendation(supervision, "HT-LH", D(2026, 1, 12))
    world.act(world.act(answered, "answer", D(2026, 1, 20)), "accept", D(2026, 2, 1))
    world.act(world.recommendation(supervision, "HT-LH", D(2026, 1, 12)), "answer", D(2026, 4, 2))  # answered after
    returned = world.act(world.recommendation(supervision, "HT-LH", D(2026, 1, 12)), "answer", D(2026, 1, 20))
    world.act(returned, "return", D(2026, 2, 1), due_on=D(2026, 2, 20))  # sent back, not answered again by 31/03
    world.recommendation(supervision, "HT-LH", D(2026, 1, 12))  # never answered
    s = world.metrics("HT", *Q1).totals.supervisions
    assert (s.recommendations, s.answered, s.answer_rate) == (4, 1, 0.25)


def test_answered_on_time_judges_the_standing_answer_against_the_due_date_in_force_when_given(world):
    supervision = world.supervision("LH-TTND", D(2026, 1, 10))
    on_time = world.recommendation(supervision, "HT-LH", D(2026, 1, 12), due=D(2026, 1, 27))
    world.act(on_time, "answer", D(2026, 1, 27))
    late = world.recommendation(supervision, "HT-LH", D(2026, 1, 12), due=D(2026, 1, 27))
    world.act(late, "answer", D(2026, 1, 28))
    second_try = world.recommendation(supervision, "HT-LH", D(2026, 1, 12), due=D(2026, 1, 27))
    second_try = world.act(world.act(second_try, "answer", D(2026, 1, 20)), "return", D(2026, 2, 1), due_on=D(2026, 2, 20))
    world.act(second_try, "answer", D(2026, 2, 18))  # on time for the new due date set on return
    returned_after = world.recommendation(supervision, "HT-LH", D(2026, 1, 12), due=D(2026, 1, 27))
    returned_after = world.act(returned_after, "answer", D(2026, 1, 25))
    world.act(returned_after, "return", D(2026, 4, 3), due_on=D(2026, 4, 20))  # its answer stood on 31/03
    s = world.metrics("HT", *Q1).totals.supervisions
    assert (s.answered, s.answered_on_time) == (4, 3)
