"""A list filtered by a unit holds the cases received or resolved anywhere in its tree, whether
the tree is small (its units named by their ids) or large (a subquery over the unit paths), and
a list stays inside the actor's area whichever form it takes."""
from __future__ import annotations

import datetime as dt

import pytest

from tracker.services import cases
from tracker.services.cases import CaseQuery, list_cases

D = dt.date


@pytest.fixture()
def wide(tree, make_unit):
    """Hòa Thành with seventy communes more: a tree too large to name by ids."""
    return [make_unit(f"HT-X{n:02d}", kind="commune", parent=tree["HT"]) for n in range(70)]


@pytest.fixture()
def spread(wide, tree, make_user, intake, move, clock_at):
    """A case received at the last of the new communes, one received at Hòa Thành and resolved
    there by the last commune, and one in Bình Thạnh."""
    clock_at(D(2026, 3, 10))
    far = intake(make_user("reception", wide[-1]))
    desk = make_user("reception", tree["HT"])
    forwarded = move(desk, intake(desk), "accept", D(2026, 3, 4), unit=wide[-1].code)
    elsewhere = intake(make_user("reception", tree["BT-P1"]))
    return far, forwarded, elsewhere


@pytest.mark.parametrize("as_values", [cases.UNITS_AS_VALUES, 0])
def test_a_units_list_holds_the_cases_of_its_whole_tree(session, tree, make_user, spread, monkeypatch, as_values):
    monkeypatch.setattr(cases, "UNITS_AS_VALUES", as_values)
    far, forwarded, elsewhere = spread
    leader = make_user("leader", tree["TN"])
    found, total = list_cases(session, leader, CaseQuery(unit="HT"))
    assert {c.id for c in found} == {far.id, forwarded.id} and total == 2
    found, total = list_cases(session, leader, CaseQuery(unit="HT-X69"))
    assert {c.id for c in found} == {far.id, forwarded.id} and total == 2
    assert {c.id for c in list_cases(session, leader, CaseQuery())[0]} == {far.id, forwarded.id, elsewhere.id}


@pytest.mark.parametrize("as_values", [cases.UNITS_AS_VALUES, 0])
def test_a_unit_outside_the_area_lists_only_what_the_actor_may_see(session, tree, wide, make_user, spread, monkeypatch,
                                                                    as_values):
    monkeypatch.setattr(cases, "UNITS_AS_VALUES", as_values)
    far, forwarded, _ = spread
    commune = make_user("reception", wide[-1])
    found, total = list_cases(session, commune, CaseQuery(unit="HT"))
    assert {c.id for c in found} == {far.id, forwarded.id} and total == 2
    found, total = list_cases(session, make_user("reception", tree["BT"]), CaseQuery(unit="HT"))
    assert (found, total) == ([], 0)


def test_the_overdue_list_is_the_cases_past_due_oldest_first(session, tree, make_user, spread, clock_at):
    far, forwarded, elsewhere = spread
    late = sorted([far, forwarded, elsewhere], key=lambda c: (c.due_on, c.id))
    leader = make_user("leader", tree["TN"])
    found, total = list_cases(session, leader, CaseQuery(overdue=True), today=D(2027, 1, 1))
    assert [c.id for c in found] == [c.id for c in late] and total == 3
    found, _ = list_cases(session, leader, CaseQuery(overdue=True, sort="-urgency"), today=D(2027, 1, 1))
    assert [c.id for c in found] == [c.id for c in reversed(late)]
    assert list_cases(session, leader, CaseQuery(overdue=True), today=D(2026, 3, 10)) == ([], 0)
