"""Who may do what, decided in one place (tracker.auth.policy; issue 8 item 8): a trigger only by
the roles its workflow names, where its scope puts them; the installation itself (policy.SYSTEM)
only what the law does by itself, and never a denouncer's identity. Plain objects stand for
units and cases: these are rules, not queries."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from tracker.auth import policy
from workflows import definitions
from workflows.definitions.base import Role, Scope

PEOPLE = (Role.RECEPTION, Role.AGENCY, Role.LEADER, Role.SUPERVISOR)


def unit(uid: int, kind: str, parent=None):  # type: ignore[no-untyped-def]
    path = f"{parent.path if parent else '/'}{uid}/"
    return SimpleNamespace(id=uid, kind=kind, parent=parent, parent_id=parent.id if parent else None, path=path,
                           is_board=kind in ("front_committee", "inspection_board", "investment_board"))


DISTRICT = unit(1, "district")
AGENCY = unit(2, "agency", DISTRICT)
BOARD = unit(3, "front_committee", DISTRICT)


def person(role: str, at):  # type: ignore[no-untyped-def]
    return SimpleNamespace(id=7, role=str(role), unit=at, display_name="x")


def case(kind: str):  # type: ignore[no-untyped-def]
    return SimpleNamespace(kind=kind, received_unit=DISTRICT, assigned_unit=AGENCY, resolving_unit=AGENCY,
                           assigned_unit_id=AGENCY.id, received_unit_id=DISTRICT.id)


# Where a scope puts the user relative to a case resolved by AGENCY under DISTRICT (its board BOARD).
PLACE = {Scope.ANY: AGENCY, Scope.AREA: DISTRICT, Scope.BOARD_AREA: BOARD, Scope.ASSIGNED: AGENCY,
         Scope.ABOVE_RESOLVING: DISTRICT, Scope.ISSUING_BOARD: BOARD}
MATRIX = [(w.kind, t, role) for w in definitions.ALL for t in w.triggers for role in PEOPLE]


@pytest.mark.parametrize(("kind", "trigger", "role"), MATRIX, ids=[f"{k}-{t.name}-{r}" for k, t, r in MATRIX])
def test_only_the_roles_a_trigger_names_may_fire_it_and_only_where_its_scope_says(kind, trigger, role):
    target = case(kind)
    if role in trigger.who:
        assert policy.may_fire(person(role, PLACE[trigger.who[role]]), target, trigger, board_unit_id=BOARD.id)
    else:
        assert not any(policy.may_fire(person(role, place), target, trigger, board_unit_id=BOARD.id)
                       for place in (AGENCY, DISTRICT, BOARD))


def test_an_assigned_agency_acts_only_on_the_cases_of_its_own_unit():
    resolve = definitions.latest("complaint").trigger("resolve")
    elsewhere = unit(9, "agency", DISTRICT)
    assert policy.may_fire(person(Role.AGENCY, AGENCY), case("complaint"), resolve)
    assert not policy.may_fire(person(Role.AGENCY, elsewhere), case("complaint"), resolve)


@pytest.mark.parametrize("workflow", definitions.ALL, ids=[w.kind for w in definitions.ALL])
def test_the_system_fires_only_what_the_law_does_by_itself(workflow):
    fired = {t.name for t in workflow.triggers if policy.may_fire(policy.SYSTEM, case(workflow.kind), t)}
    assert fired == {t.name for t in workflow.triggers if Role.SYSTEM in t.who}
    assert fired <= {"close", "transfer"}


def test_the_system_sees_every_unit_but_never_a_denouncer():
    assert policy.unit_in_area(policy.SYSTEM, AGENCY) and policy.area_root_path(policy.SYSTEM) == ""
    assert policy.can_view(policy.SYSTEM, case("denunciation"))
    assert not policy.can_see_identity(policy.SYSTEM, case("denunciation"))
    assert not policy.may_read_denunciation(policy.SYSTEM, case("denunciation"))


def test_the_system_has_no_unit_to_be_mistaken_for_a_user():
    with pytest.raises(policy.SystemHasNoUnit):
        policy.SYSTEM.unit  # noqa: B018
    assert policy.is_system(policy.SYSTEM) and not policy.is_system(person(Role.ADMIN, DISTRICT))


def test_only_the_operator_creates_a_province():
    assert policy.may_create_unit_under(policy.SYSTEM, None)
    assert not policy.may_create_unit_under(person(Role.ADMIN, DISTRICT), None)
    assert policy.may_create_unit_under(person(Role.ADMIN, DISTRICT), AGENCY)


def test_a_board_member_works_for_their_own_board_only():
    other = unit(4, "inspection_board", DISTRICT)
    assert policy.may_work_for_board(person(Role.SUPERVISOR, BOARD), BOARD)
    assert not policy.may_work_for_board(person(Role.SUPERVISOR, BOARD), other)
    assert policy.may_work_for_board(person(Role.ADMIN, DISTRICT), other)
    assert not policy.may_work_for_board(person(Role.LEADER, DISTRICT), BOARD)
    assert not policy.may_work_for_board(person(Role.ADMIN, DISTRICT), AGENCY)  # not a board


def test_a_board_sees_names_but_not_contact_details():
    assert not policy.sees_contact_details(person(Role.SUPERVISOR, BOARD))
    assert policy.sees_contact_details(person(Role.LEADER, DISTRICT))


@pytest.mark.parametrize(("role", "at", "reads"), [
    (Role.AGENCY, AGENCY, True), (Role.LEADER, DISTRICT, True), (Role.ADMIN, DISTRICT, True),
    (Role.RECEPTION, DISTRICT, False), (Role.SUPERVISOR, BOARD, False), (Role.AGENCY, unit(9, "agency", DISTRICT), False),
])
def test_a_denunciations_words_go_to_the_resolving_unit_the_leaders_above_and_admins(role, at, reads):
    assert policy.may_read_denunciation(person(role, at), case("denunciation")) is reads
    assert policy.may_read_denunciation(person(role, at), case("complaint"))
