"""The public tracking page, /track/<code>: what a citizen may learn about their case (the
state, the unit handling it, the dates that matter, the outcome once decided). Nothing
personal; rate-limited with the JSON lookup. A code is accepted in any case, with or without
dashes."""
from __future__ import annotations

from flask import Response, redirect, render_template, request, url_for

from tracker.boundary import request_session
from tracker.services import tracking
from tracker.services.common import tracking_code_key
from tracker.services.errors import NotFound
from tracker.web.blueprint import bp


@bp.get("/track/<string(maxlength=40):tracking_code>")
def track_page(tracking_code: str) -> Response:
    """The case's kind, state and dates; an unknown code gets the not-found page (404)."""
    try:
        found = tracking.track(request_session(), tracking_code)
    except NotFound:
        return Response(render_template("track.html", found=None), status=404, mimetype="text/html")
    return Response(render_template("track.html", found=found), mimetype="text/html")


@bp.get("/track")
def track_lookup() -> Response:
    """The lookup form; a submitted code goes to its page."""
    code = tracking_code_key(request.args.get("code") or "")
    if code and len(code) <= 40:
        return redirect(url_for("web.track_page", tracking_code=code))
    return Response(render_template("track.html", found=None, form_only=True), mimetype="text/html")
