"""Units of the tree: list the ones you may see, add one under a unit of your area (admins)."""
from __future__ import annotations

from tracker.api import out
from tracker.api.blueprint import api
from tracker.boundary import request_session
from tracker.models import User
from tracker.schemas import UnitCloseIn, UnitIn
from tracker.services import admin, reorganisation

TAG = "units"


@api.route("GET", "/units", tag=TAG, summary="The units of your area",
           responses={200: (out.UnitList, "Your unit and every unit below it (a board: the tree it watches).")})
def list_units(actor: User) -> out.UnitList:
    """Units you may see, by code."""
    return out.UnitList(items=[out.unit_out(u) for u in admin.list_units(request_session(), actor)])


@api.route("POST", "/units", tag=TAG, body=UnitIn, errors=(403, 409, 422), summary="Add a unit (admin)",
           responses={201: (out.UnitOut, "The new unit.")})
def create_unit(actor: User, body: UnitIn) -> out.UnitOut:
    """`parent_code` must lie in your area; a duplicate code is a 409; a kind that cannot sit
    under that parent is a 422."""
    return out.unit_out(admin.create_unit(request_session(), actor, body))


@api.route("POST", "/units/<code>/close", tag=TAG, body=UnitCloseIn, errors=(403, 404, 422),
           summary="Close a unit, its work going to a successor (admin)",
           responses={200: (out.UnitClosingOut, "The closed unit, its successor and what moved.")})
def close_unit(actor: User, code: str, body: UnitCloseIn) -> out.UnitClosingOut:
    """The 2025 reorganisation (DOMAIN.md §1): every open case of the unit goes to `successor`
    with a `transfer` history entry (state, due date and clock untouched), and its users with
    them; the closed unit keeps its records. Units below it that are still open must be closed
    first with their own successors, or moved with `children_to`, else a 422 names them."""
    closing = reorganisation.close_unit(request_session(), actor, code, on=body.on, successor=body.successor,
                                        children_to=body.children_to)
    return out.UnitClosingOut(unit=out.unit_out(closing.unit), successor=out.unit_out(closing.successor),
                              cases=closing.cases, users=closing.users, children=closing.children)
