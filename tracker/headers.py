"""Security headers on every answer: no sniffing, no framing, no referrer (a tracking code
in a URL must not leak to another site), no caching of case data, and a content policy
that lets pages load only their own assets. Behind a TLS proxy, `TRUSTED_PROXIES` (how many
proxies set X-Forwarded-For/-Proto/-Host) makes addresses and the Secure cookie right."""
from __future__ import annotations

from flask import Flask, Response, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_POLICY = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"


def _secure(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "no-referrer")
    # A signed-in page shows case data: no browser or proxy may keep it (ASVS 8.2.1). The API and
    # the tracking pages are never kept, so who is signed in is asked (a lookup) only for the rest.
    path = request.path
    if path.startswith(("/api/", "/track/")) or (not path.startswith("/static/") and current_user.is_authenticated):
        headers["Cache-Control"] = "no-store"
    if response.mimetype == "text/html":
        headers.setdefault("Content-Security-Policy", CONTENT_POLICY)
    return response


def init_app(app: Flask) -> None:
    """Add the headers to every response; trust the configured number of proxies."""
    app.after_request(_secure)
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        # Only then: X-Forwarded-* from a client talking to us directly would be a lie.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]
