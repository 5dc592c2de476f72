"""The JSON API under /api/v1 (API.md), with its OpenAPI 3.1 document at /api/v1/openapi.json.

One module per resource adds its routes to the registry in `blueprint`; `init_app` wires the
request boundary, sign-in, error bodies, rate limits and the document into an app.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, current_app

from tracker import boundary
from tracker.api import (  # noqa: F401 - routes
    auth,
    cases,
    dialogues,
    errors,
    inbox,
    metrics,
    projects,
    supervisions,
    track,
    units,
    visits,
    workflows,
)
from tracker.api.blueprint import api, bp
from tracker.api.openapi import build
from tracker.auth import sessions


@api.route("GET", "/openapi.json", tag="meta", auth="public", summary="This document (OpenAPI 3.1)",
           responses={200: (None, "The OpenAPI document.")})
def openapi_document() -> Any:
    """Built once from the route registry and the pydantic models."""
    document = current_app.extensions.get("openapi")
    if document is None:
        document = current_app.extensions["openapi"] = build(api, current_app.config.get("API_VERSION", "1.0.0"))
    return current_app.json.response(document)


def init_app(app: Flask) -> None:
    """Register the API and everything it stands on."""
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    boundary.init_app(app)
    sessions.init_app(app)
    errors.init_app(app)
    app.register_blueprint(bp)
