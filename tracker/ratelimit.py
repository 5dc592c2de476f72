"""Rate limits on what anyone may call without signing in: the public tracking lookups.

flask-limiter counts per client address, in Redis when `REDIS_URL` is set (so every worker
shares one count), otherwise in memory. One limiter per app: tests get a fresh count.
Over the limit the answer is 429 with the error body and `Retry-After`.
"""
from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

# Endpoints that share the public-lookup limit: the JSON lookup and the HTML page.
PUBLIC_LOOKUPS = ("api.track_case", "web.track_page")


def init_app(app: Flask) -> Limiter:
    """Make the app's limiter and put the public lookups under one shared limit."""
    app.config.setdefault("TRACK_RATE_LIMIT", "30 per minute")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    # Redis down must not take the public lookup with it: fall back to counting in memory.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    limiter = Limiter(key_func=get_remote_address, app=app, default_limits=[])
    shared = limiter.shared_limit(lambda: app.config["TRACK_RATE_LIMIT"], scope="public-lookup")
    for endpoint in PUBLIC_LOOKUPS:
        if endpoint in app.view_functions:
            app.view_functions[endpoint] = shared(app.view_functions[endpoint])
    # The decorated views check their limit themselves; the limiter's own hook before every
    # request would only look for default or application-wide limits, and there are none, so
    # every other request (the whole API) skips it.
    app.before_request_funcs[None].remove(limiter._check_request_limit)
    app.extensions["tracker_limiter"] = limiter
    return limiter
