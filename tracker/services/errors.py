"""Errors a service raises. Each carries the HTTP status and machine code of API.md, so the
API, the pages and the CLI report the same refusal the same way. Nothing is written when
one is raised: the boundary rolls the transaction back."""
from __future__ import annotations

from collections.abc import Mapping

from workflows.engine import WorkflowError
from workflows.rules import RuleSetError

# What the engine raises when it refuses: a step, or a date no rule set covers.
ENGINE_REFUSALS = (WorkflowError, RuleSetError)


class ServiceError(Exception):
    """A refused request."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, details: Mapping[str, object] | None = None, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.details = dict(details or {})
        if code:
            self.code = code


class BadRequest(ServiceError):
    """Malformed input (400)."""


class NotSignedIn(ServiceError):
    """No valid session or token (401)."""

    status, code = 401, "not_signed_in"


class Forbidden(ServiceError):
    """The actor's role may not do this (403)."""

    status, code = 403, "forbidden"


class NotFound(ServiceError):
    """No such thing, or not visible to the actor (404)."""

    status, code = 404, "not_found"


class Conflict(ServiceError):
    """The version the caller read is stale, or the thing exists already (409)."""

    status, code = 409, "version_conflict"


class Refused(ServiceError):
    """Valid input the domain refuses: wrong state, missing data, outside the law (422)."""

    status, code = 422, "unprocessable"


class TooManyAttempts(ServiceError):
    """Too many recent failures or requests; try again after `retry_after` seconds (429)."""

    status, code = 429, "too_many_attempts"

    def __init__(self, message: str, retry_after: int, details: Mapping[str, object] | None = None):
        super().__init__(message, {**(details or {}), "retry_after": retry_after})
        self.retry_after = retry_after


def from_workflow(error: WorkflowError | RuleSetError) -> ServiceError:
    """The service error for an engine refusal."""
    if isinstance(error, RuleSetError):
        return Refused(f"Không có quy định áp dụng cho ngày này / {error}", {"rule_set": "none in force"})
    return Refused(error.message, error.details, code=error.code)
