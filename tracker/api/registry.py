"""The API's routes, declared once: each records its method, path, parameters, body model,
response models and error statuses. The same record drives the request handling (sign-in,
CSRF, parsing and validating input, the commit, serialising the answer) and the OpenAPI
document, so the document says what the server does.

A view receives its validated input as keyword arguments (`actor`, `body`, `query`,
`headers` and the path's own arguments) and returns a response model, or a `Reply` with
another status or headers. Returning normally commits the request's work; raising leaves
it uncommitted (the boundary rolls it back).
"""
from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from flask import Blueprint, Response, current_app, request
from pydantic import BaseModel, ValidationError

from tracker import boundary
from tracker.api.errors import ApiError
from tracker.auth import sessions
from tracker.schemas import has_forbidden_chars
from tracker.services.errors import NotFound

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
Auth = Literal["public", "user", "session"]
_RULE_ARG = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


@dataclass(frozen=True)
class Header:
    """A request header an endpoint reads."""

    name: str
    description: str
    pattern: str
    max_length: int


@dataclass(frozen=True)
class Reply:
    """A response model with a status other than the endpoint's first, or extra headers."""

    model: BaseModel
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Endpoint:
    """One documented operation."""

    method: str
    rule: str  # the Flask rule under the API's prefix, e.g. "/cases/<int(min=1):case_id>"
    name: str
    tag: str
    summary: str
    description: str
    auth: Auth
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    responses: dict[int, tuple[type[BaseModel] | None, str]]
    errors: tuple[int, ...]
    headers: tuple[Header, ...]
    response_headers: dict[int, dict[str, str]]
    # Bodies that are not JSON (a workbook, a CSV file): status -> {media type: schema}.
    media: dict[int, dict[str, Any]] = field(default_factory=dict)
    # A multipart/form-data request body (a file upload): its JSON schema. The view reads it itself.
    upload: dict[str, Any] | None = None

    @property
    def path(self) -> str:
        """The OpenAPI path template, e.g. "/cases/{case_id}"."""
        return _RULE_ARG.sub(lambda m: "{" + m.group(2) + "}", self.rule)

    @property
    def path_params(self) -> list[tuple[str, str]]:
        """(name, converter) of each path argument."""
        return [(m.group(2), m.group(1) or "string") for m in _RULE_ARG.finditer(self.rule)]

    def error_statuses(self) -> list[int]:
        """Every error status the endpoint may answer, the derived ones included."""
        statuses = set(self.errors)
        if self.auth != "public":
            statuses.add(401)
            if self.method not in SAFE_METHODS:
                statuses.add(403)  # a cookie request without its CSRF token
        if self.body is not None or self.upload is not None:
            statuses |= {400, 413}
        if self.query is not None or self.headers:
            statuses.add(400)
        if self.path_params:
            statuses.add(404)
        return sorted(statuses)


class Api:
    """A blueprint whose routes are recorded for the OpenAPI document."""

    def __init__(self, blueprint: Blueprint, prefix: str):
        self.blueprint = blueprint
        self.prefix = prefix
        self.endpoints: list[Endpoint] = []

    def route(
        self, method: str, rule: str, *, tag: str, summary: str, responses: dict[int, tuple[type[BaseModel] | None, str]],
        description: str = "", auth: Auth = "user", body: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None, errors: tuple[int, ...] = (), headers: tuple[Header, ...] = (),
        response_headers: dict[int, dict[str, str]] | None = None, media: dict[int, dict[str, Any]] | None = None,
        upload: dict[str, Any] | None = None,
    ) -> Callable[[Callable[..., Any]], Callable[..., Response]]:
        """Register a view for `method rule`; see the module's docstring for what it receives."""

        def decorator(view: Callable[..., Any]) -> Callable[..., Response]:
            endpoint = Endpoint(method, rule, view.__name__, tag, summary, description or (view.__doc__ or "").strip(), auth,
                                body, query, responses, errors, headers, response_headers or {}, media or {}, upload)
            self.endpoints.append(endpoint)

            @functools.wraps(view)
            def handler(**path_args: Any) -> Response:
                return _handle(endpoint, view, path_args)

            self.blueprint.add_url_rule(rule, view.__name__, handler, methods=[method])
            return handler

        return decorator


def _handle(endpoint: Endpoint, view: Callable[..., Any], path_args: dict[str, Any]) -> Response:
    for value in path_args.values():
        if isinstance(value, str) and has_forbidden_chars(value):
            raise NotFound("Không tìm thấy / not found")
    _check_query_chars()
    kwargs: dict[str, Any] = dict(path_args)
    if endpoint.auth != "public":
        actor = sessions.require_user()
        if endpoint.auth == "session" and sessions.auth_method() != "session":
            raise ApiError("Cần đăng nhập bằng mật khẩu / this needs a signed-in person, not a token",
                           code="session_required", status=403)
        if endpoint.method not in SAFE_METHODS:
            sessions.check_csrf()
        kwargs["actor"] = actor
    if endpoint.headers:
        kwargs["headers"] = {h.name: _header(h) for h in endpoint.headers}
    if endpoint.query is not None:
        kwargs["query"] = parse_query(endpoint.query)
    if endpoint.body is not None:
        kwargs["body"] = parse_body(endpoint.body)
    result = view(**kwargs)
    boundary.commit()
    return _render(endpoint, result)


def _render(endpoint: Endpoint, result: BaseModel | Reply | Response) -> Response:
    if isinstance(result, Response):
        return result
    reply = result if isinstance(result, Reply) else Reply(result, status=min(endpoint.responses))
    response = current_app.json.response(reply.model.model_dump(mode="json"))
    response.status_code = reply.status
    response.headers.update(reply.headers)
    return response


def _check_query_chars() -> None:
    for key, value in request.args.items(multi=True):
        if has_forbidden_chars(key) or has_forbidden_chars(value):
            raise ApiError("Tham số chứa ký tự không hợp lệ / a query parameter holds a control character",
                           {"fields": {key: "control character"}}, code="invalid_characters")


def _header(header: Header) -> str | None:
    value = request.headers.get(header.name)
    if value is None:
        return None
    if len(value) > header.max_length or not re.fullmatch(header.pattern, value):
        raise ApiError(f"Tiêu đề {header.name} không hợp lệ / invalid {header.name} header",
                       {"fields": {header.name: f"must match {header.pattern}, at most {header.max_length} characters"}},
                       code="invalid_header")
    return value


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _first_forbidden(value: Any, path: str = "") -> str | None:
    """The path of the first string (key or value) holding a control character or a lone surrogate."""
    if isinstance(value, str):
        return path or "(body)" if has_forbidden_chars(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if has_forbidden_chars(key):
                return where
            found = _first_forbidden(item, where)
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _first_forbidden(item, f"{path}.{index}" if path else str(index))
            if found:
                return found
    return None


def parse_body(model: type[BaseModel]) -> BaseModel:
    """The request's JSON body validated by `model`: 400 when it is not JSON, holds control
    characters or does not match the schema; 422 when it matches but a rule across fields
    refuses it; 413 (from Werkzeug) when it is too large."""
    if request.mimetype != "application/json" and not request.mimetype.endswith("+json"):
        raise ApiError("Cần gửi JSON (Content-Type: application/json) / send JSON with Content-Type: application/json",
                       {"content_type": request.mimetype or None}, code="bad_content_type")
    raw = request.get_data(cache=True)
    try:
        parsed = json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise ApiError("JSON không hợp lệ / malformed JSON", code="malformed_json") from None
    bad = _first_forbidden(parsed)
    if bad:
        raise ApiError("Văn bản chứa ký tự điều khiển / text holds a control character",
                       {"fields": {bad: "control character or invalid code point"}}, code="invalid_characters")
    try:
        return model.model_validate_json(raw)
    except ValidationError as error:
        raise _validation_error(error) from None


def parse_query(model: type[BaseModel]) -> BaseModel:
    """The query string validated by `model` (400 on any problem); unknown parameters are ignored,
    unless the model forbids extra fields (then they are a 400 too)."""
    values: dict[str, str] = {}
    if model.model_config.get("extra") == "forbid":
        known = {info.alias or name for name, info in model.model_fields.items()}
        unknown = sorted(set(request.args) - known)
        if unknown:
            raise ApiError(f"Tham số không được hỗ trợ: {', '.join(unknown)} / unknown query parameters: {', '.join(unknown)}",
                           {"fields": {name: "unknown parameter" for name in unknown}}, code="invalid_query")
    for name, info in model.model_fields.items():
        key = info.alias or name
        given = request.args.getlist(key)
        if len(given) > 1:
            raise ApiError(f"Tham số {key} lặp lại / `{key}` is given more than once", {"fields": {key: "repeated"}},
                           code="invalid_query")
        if given:
            values[key] = given[0]
    try:
        return model.model_validate(values)
    except ValidationError as error:
        raise ApiError("Tham số không hợp lệ / invalid query parameters", {"fields": _fields(error)}, code="invalid_query") from None


def _fields(error: ValidationError) -> dict[str, str]:
    return {".".join(str(part) for part in e["loc"]) or "(body)": e["msg"] for e in error.errors(include_input=False)}


def _validation_error(error: ValidationError) -> ApiError:
    # A rule the JSON schema cannot express (a complaint with no petitioner, an assignment
    # without its due date) refuses valid-looking input: that is the domain's 422.
    if all(e["type"] == "value_error" for e in error.errors()):
        return ApiError("Dữ liệu bị từ chối / the input is refused", {"fields": _fields(error)}, code="unprocessable",
                        status=422)
    return ApiError("Dữ liệu không hợp lệ / invalid input", {"fields": _fields(error)}, code="invalid_input")
