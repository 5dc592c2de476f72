"""Supervision figures by kind of board (DOMAIN.md §6, §7): every board's supervisions and
recommendations count in `supervisions`, and the same counts are split by kind of board."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from tests.metrics.conftest import D
from tracker.metrics import FIGURES
from tracker.metrics.results import SupervisionFigures
from tracker.models.units import BOARD_KINDS
from tracker.services import metrics as service

SPLIT = ("sessions", "recommendations", "answered")


@pytest.fixture(autouse=True)
def _today(clock_at):
    """These tests happen on 01/07/2026."""
    clock_at(D(2026, 7, 1))


def _by_kind(figures: SupervisionFigures, key: str) -> dict[str, int]:
    return {kind: getattr(figures, f"{key}_{kind}") for kind in BOARD_KINDS}


def test_every_kind_of_board_has_its_supervision_figures_defined_once():
    keys = {f.key for f in FIGURES if f.group == "supervisions"}
    assert {f"{key}_{kind}" for key in SPLIT for kind in BOARD_KINDS} <= keys
    assert {f.name for f in dataclasses.fields(SupervisionFigures)} == keys


def test_hoa_thanh_2020_held_38_supervisions_between_its_two_boards_and_had_all_8_recommendations_answered(world, make_unit):
    # "Ban thanh tra nhân dân và Ban giám sát đầu tư cộng đồng … tổ chức được 38 cuộc giám sát; … kiến nghị … 08 nội dung
    # và được trả lời" (the seed article, DOMAIN.md §6, §7).
    inspection = make_unit("LH-TTND2", kind="inspection_board", parent=world.tree["HT-LH"], name="Ban TTND phường Long Hoa")
    investment = make_unit("LH-GSDT", kind="investment_board", parent=world.tree["HT-LH"], name="Ban GSĐTCĐ phường Long Hoa")
    projects = [world.project(name=f"Công trình số {n}") for n in range(1, 4)]
    held = [world.supervision(inspection.code, D(2020, 1, 6) + dt.timedelta(days=13 * i)) for i in range(23)]
    held += [world.supervision(investment.code, D(2020, 2, 3) + dt.timedelta(days=19 * i), project=projects[i % 3])
             for i in range(15)]
    for i, supervision in enumerate(held[:5] + held[23:26]):
        recommendation = world.recommendation(supervision, "HT-LH", D(2020, 6, 1) + dt.timedelta(days=i))
        world.act(recommendation, "answer", D(2020, 6, 15) + dt.timedelta(days=i))
    s = world.metrics("HT", D(2020, 1, 1), D(2020, 12, 31)).totals.supervisions
    assert (s.sessions, s.recommendations, s.answered, s.answer_rate) == (38, 8, 8, 1.0)
    assert _by_kind(s, "sessions") == {"front_committee": 0, "inspection_board": 23, "investment_board": 15}
    assert _by_kind(s, "recommendations") == {"front_committee": 0, "inspection_board": 5, "investment_board": 3}
    assert _by_kind(s, "answered") == {"front_committee": 0, "inspection_board": 5, "investment_board": 3}


def test_the_split_adds_up_to_the_totals_in_every_row(world, make_unit):
    make_unit("LH-GSDT", kind="investment_board", parent=world.tree["HT-LH"], name="Ban GSĐTCĐ phường Long Hoa")
    road = world.project()
    for board, on in (("HT-MT", D(2026, 1, 10)), ("LH-TTND", D(2026, 2, 10)), ("BT-MT", D(2026, 3, 10))):
        world.recommendation(world.supervision(board, on), "TN-TTR", on + dt.timedelta(days=3))
    watched = world.supervision("LH-GSDT", D(2026, 4, 10), project=road)
    world.act(world.recommendation(watched, "HT-LH", D(2026, 4, 12)), "answer", D(2026, 4, 20))
    m = world.metrics("TN", D(2026, 1, 1), D(2026, 6, 30))
    for row in [m.totals, *m.by_unit]:
        s = row.supervisions
        for key in SPLIT:
            assert sum(_by_kind(s, key).values()) == getattr(s, key), (row.unit.code, key)
    assert _by_kind(m.totals.supervisions, "sessions") == {"front_committee": 2, "inspection_board": 1, "investment_board": 1}
    assert _by_kind(m.totals.supervisions, "answered") == {"front_committee": 0, "inspection_board": 0, "investment_board": 1}


def test_the_drilldown_of_a_kind_lists_that_kinds_supervisions_only(world, make_unit, session):
    make_unit("LH-GSDT", kind="investment_board", parent=world.tree["HT-LH"], name="Ban GSĐTCĐ phường Long Hoa")
    watched = world.supervision("LH-GSDT", D(2026, 4, 10), project=world.project())
    world.supervision("LH-TTND", D(2026, 4, 11))
    page = service.drilldown(session, world.admin, "HT", D(2026, 1, 1), D(2026, 6, 30), True, "supervisions",
                             "sessions_investment_board")
    assert [item.id for item in page.items] == [watched.id]


def test_the_figures_document_defines_each_split_in_both_languages():
    document = {f["figure"]: f for f in service.definitions_document() if f["group"] == "supervisions"}
    investment = document["sessions_investment_board"]
    assert investment["label"] == {"vi": "Số cuộc giám sát: Ban giám sát đầu tư của cộng đồng",
                                   "en": "Supervisions: community investment supervision boards"}
    assert "Ban giám sát đầu tư của cộng đồng" in investment["definition"]["vi"]
    assert "community investment supervision boards" in investment["definition"]["en"]
    assert (investment["kind"], investment["drilldown"]) == ("count", "supervision")
    assert document["answered_front_committee"]["drilldown"] == "case"
