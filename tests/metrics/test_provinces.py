"""A province's figures read only its own cases (`cases.province_id` leads the indexes they use,
README "Beyond one province"), and still count, exactly as before, the cases a unit of another
province resolves or once resolved: a transfer to a successor elsewhere, a unit moved between
provinces."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.metrics.conftest import D, World
from tracker.auth.policy import SYSTEM
from tracker.models import Case
from tracker.services.reorganisation import close_unit

H1 = (D(2026, 1, 1), D(2026, 6, 30))
H2 = (D(2026, 7, 1), D(2026, 12, 31))


@pytest.fixture(autouse=True)
def _today(clock_at):
    clock_at(D(2026, 9, 1))


@pytest.fixture()
def other(world, make_unit, make_user):
    """A second province, Bình Phước, with a district and a commune, and its own administrator."""
    bp = make_unit("BP", kind="province", name="Tỉnh Bình Phước")
    district = make_unit("BP-D", kind="district", parent=bp, name="Thị xã Đồng Xoài")
    tree = {"BP": bp, "BP-D": district, "BP-X": make_unit("BP-X", kind="commune", parent=district, name="Phường Tân Phú")}
    return World(world.session, {**world.tree, **tree}, make_user("admin", bp, full_name="Quản trị tỉnh Bình Phước"))


def _province(world, case):
    return world.session.execute(select(Case.province_id, Case.other_provinces).where(Case.id == case.id)).one()


def test_a_case_belongs_to_its_receiving_units_province(world, other):
    here = world.petition("complaint", "HT-LH", D(2026, 1, 5))
    there = other.petition("complaint", "BP-X", D(2026, 1, 5))
    assert tuple(_province(world, here)) == (world.tree["TN"].id, False)
    assert tuple(_province(world, there)) == (other.tree["BP"].id, False)


def test_a_provinces_figures_leave_out_the_other_provinces_cases(world, other):
    world.petition("complaint", "HT-LH", D(2026, 1, 5))
    for day in (5, 6, 7):
        other.petition("complaint", "BP-X", D(2026, 2, day))
    assert world.metrics("TN", *H1).totals.cases.received == 1
    assert other.metrics("BP", *H1).totals.cases.received == 3


def test_a_case_transferred_to_a_successor_in_another_province_counts_in_each_where_it_stood(world, other):
    case = world.act(world.petition("complaint", "HT-LH", D(2026, 1, 5)), "accept", D(2026, 1, 8))
    close_unit(world.session, SYSTEM, "LH-TTND", on=D(2026, 7, 1), successor="HT-MT")
    close_unit(world.session, SYSTEM, "HT-LH", on=D(2026, 7, 1), successor="BP-X")
    world.session.flush()
    assert tuple(_province(world, case)) == (world.tree["TN"].id, True)
    # Open at Long Hoa on 30/06, at the Bình Phước commune on 31/12.
    assert world.metrics("TN", *H1).totals.cases.open == 1
    assert other.metrics("BP", *H1).totals.cases.open == 0
    assert world.metrics("TN", *H2).totals.cases.open == 0
    assert other.metrics("BP", *H2).totals.cases.open == 1


def test_cases_of_a_unit_moved_to_another_province_follow_it(world, other):
    received = world.petition("complaint", "HT-LH", D(2026, 1, 5))
    stays = world.petition("complaint", "TN-TTR", D(2026, 1, 6))
    close_unit(world.session, SYSTEM, "HT", on=D(2026, 7, 1), successor="BP-D", children_to="BP-D")
    world.session.flush()
    assert tuple(_province(world, received)) == (other.tree["BP"].id, True)
    assert tuple(_province(world, stays)) == (world.tree["TN"].id, False)
    # Figures follow today's tree: Long Hoa's complaint is now Bình Phước's.
    assert world.metrics("TN", *H1).totals.cases.received == 1
    assert other.metrics("BP", *H1).totals.cases.received == 1
