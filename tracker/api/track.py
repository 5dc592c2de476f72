"""The public lookup by tracking code (no sign-in; rate-limited per address)."""
from __future__ import annotations

from tracker.api import out
from tracker.api.blueprint import api
from tracker.boundary import request_session
from tracker.services import tracking

TAG = "public"


@api.route("GET", "/track/<string(maxlength=40):tracking_code>", tag=TAG, auth="public", errors=(429,),
           summary="Look up a case by its tracking code (public)",
           responses={200: (out.TrackOut, "Kind, state, dates: nothing personal.")},
           response_headers={429: {"Retry-After": "Seconds to wait before trying again."}})
def track_case(tracking_code: str) -> out.TrackOut:
    """An unknown or malformed code is a 404, like any other miss."""
    return out.track_out(tracking.track(request_session(), tracking_code))
