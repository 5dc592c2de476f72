"""The API's blueprint under /api/v1 and the registry every resource module adds its routes to."""
from __future__ import annotations

from flask import Blueprint

from tracker.api.registry import Api

PREFIX = "/api/v1"
bp = Blueprint("api", __name__, url_prefix=PREFIX)
api = Api(bp, PREFIX)
