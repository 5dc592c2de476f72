"""An administrator's hold on the users of their area: ending all of a user's sessions at
once, and deactivating a user (which ends them too)."""
from __future__ import annotations

from tracker.api import out
from tracker.api.blueprint import api
from tracker.boundary import request_session
from tracker.models import User
from tracker.services import accounts

TAG = "users"
USERNAME = "<string(minlength=2, maxlength=80):username>"


class SessionsEnded(out.Out):
    username: str
    sessions_ended: int


class UserDeactivated(out.Out):
    username: str
    active: bool


@api.route("DELETE", f"/users/{USERNAME}/sessions", tag=TAG, errors=(403,), summary="End every session of a user (admin)",
           responses={200: (SessionsEnded, "Every live session of the user has ended.")})
def revoke_sessions(actor: User, username: str) -> SessionsEnded:
    """A user outside your area is a 404; a role other than admin is a 403. Their API tokens
    stay valid (the operator's `tracker users revoke-tokens` revokes them)."""
    count = accounts.revoke_sessions(request_session(), actor, username)
    return SessionsEnded(username=username, sessions_ended=count)


@api.route("POST", f"/users/{USERNAME}/deactivate", tag=TAG, errors=(403,), summary="Deactivate a user (admin)",
           responses={200: (UserDeactivated, "The user can no longer sign in; their sessions and tokens sign no one in.")})
def deactivate(actor: User, username: str) -> UserDeactivated:
    """Ends the user's sessions at once; their tokens are refused from then on."""
    user = accounts.deactivate_user(request_session(), actor, username)
    return UserDeactivated(username=user.username, active=user.active)
