"""The worked examples of DOMAIN.md §7, from the seed articles."""
from __future__ import annotations

import datetime as dt

from tests.metrics.conftest import D


def test_hoa_thanh_2020_settled_47_of_50_opinions_on_the_spot_and_had_all_8_recommendations_answered(world, make_unit):
    board = make_unit("HT-TTND", kind="inspection_board", parent=world.tree["HT"], name="Ban thanh tra nhân dân thị xã")
    opinions = [12, 13, 12, 13]  # four sessions, 50 opinions
    for n, count in enumerate(opinions):
        dialogue = world.dialogue("HT", D(2020, 3 * n + 2, 10))
        for i in range(count):
            world.opinion(dialogue, settled=not (n == 3 and i < 3), unit="HT-TNMT")
    supervisions = [world.supervision(board.code, D(2020, 1, 6) + dt.timedelta(days=9 * i)) for i in range(38)]
    for i in range(8):
        recommendation = world.recommendation(supervisions[i], "HT-LH", D(2020, 6, 1) + dt.timedelta(days=i))
        world.act(recommendation, "answer", D(2020, 6, 10) + dt.timedelta(days=i))
    m = world.metrics("HT", D(2020, 1, 1), D(2020, 12, 31))
    d, s = m.totals.dialogues, m.totals.supervisions
    assert (d.sessions, d.opinions, d.settled_on_spot, d.settled_on_spot_share) == (4, 50, 47, 0.94)
    assert (s.sessions, s.recommendations, s.answered, s.answer_rate) == (38, 8, 8, 1.0)


def test_ky_anh_first_quarter_2023_had_11_units_with_a_plan_and_3_with_a_session(world, make_unit):
    town = make_unit("KA", kind="district", parent=world.tree["TN"], name="Thị xã Kỳ Anh")
    wards = [make_unit(f"KA-{i:02d}", parent=town, name=f"Xã {i}") for i in range(1, 13)]
    for ward in wards[:11]:
        world.plan(ward.code, 2023)
    for ward, held in ((wards[0], D(2023, 1, 12)), (wards[0], D(2023, 3, 2)), (wards[4], D(2023, 2, 20)),
                       (wards[11], D(2023, 3, 31)), (wards[2], D(2023, 4, 3))):
        world.dialogue(ward.code, held)
    d = world.metrics("KA", D(2023, 1, 1), D(2023, 3, 31)).totals.dialogues
    assert (d.plans, d.units_with_plan, d.sessions, d.units_with_session) == (11, 11, 4, 3)
