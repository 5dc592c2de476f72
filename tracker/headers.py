"""Security headers on every answer: no sniffing, no framing, no referrer (a tracking code
in a URL must not leak to another site), no caching of case data, and a content policy
that lets pages load only their own assets."""
from __future__ import annotations

from flask import Flask, Response, request

CONTENT_POLICY = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"


def _secure(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "no-referrer")
    if request.path.startswith("/api/") or request.path.startswith("/track/"):
        headers.setdefault("Cache-Control", "no-store")
    if response.mimetype == "text/html":
        headers.setdefault("Content-Security-Policy", CONTENT_POLICY)
    return response


def init_app(app: Flask) -> None:
    """Add the headers to every response."""
    app.after_request(_secure)
