"""The OpenAPI 3.1 document, built from the route registry and the pydantic models the
routes validate and answer with; nothing in it is written twice."""
from __future__ import annotations

from http import HTTPStatus
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from tracker.api import out
from tracker.api.registry import Api, Endpoint
from tracker.schemas import MAX_ID

REF = "#/components/schemas/{model}"
SECURITY = [{"bearerAuth": []}, {"sessionCookie": []}]
DESCRIPTION = """\
JSON API of the Petition & Dialogue Tracker (Theo dõi đơn thư và đối thoại).

* **Sign-in**: programs send `Authorization: Bearer <token>` (`tracker users token USERNAME`, or POST /auth/tokens);
  people sign in with POST /auth/login and get a session cookie. Cookie-authenticated POST/PUT/PATCH/DELETE must send
  the `X-CSRF-Token` header (from the login answer or GET /auth/csrf); bearer requests need none.
* **Errors**: every 4xx/5xx body is `{"error": {"code", "message", "details"}}`. 400 malformed (not JSON, wrong
  content type, wrong types, unknown fields, bad dates, too long, control characters); 401 not signed in; 403 your
  role may not do this (or the CSRF token is missing); 404 not found or outside your area; 409 stale `version` or
  duplicate; 413 body over 1 MiB; 422 valid input the domain refuses; 429 too many attempts. A 5xx is a bug.
* **Confidentiality**: a denunciation's petitioners appear only on GET /cases/{id} for the resolving unit and
  admins; everywhere else `petitioners` is `[]` and `identity_withheld` is true.
* Text is normalised to Unicode NFC; dates are `YYYY-MM-DD` (Asia/Ho_Chi_Minh), times ISO 8601 with an offset.
"""


def _clean(schema: dict[str, Any]) -> dict[str, Any]:
    """A query or path parameter's schema: no `null` branch, no title or default of None."""
    schema = dict(schema)
    branches = schema.pop("anyOf", None)
    if branches:
        kept = [b for b in branches if b.get("type") != "null"]
        if len(kept) == 1:
            schema.update(kept[0])
        else:
            schema["anyOf"] = kept
    schema.pop("title", None)
    if schema.get("default", 0) is None:
        schema.pop("default")
    return schema


def _path_parameter(name: str, converter: str) -> dict[str, Any]:
    if converter == "int":
        schema: dict[str, Any] = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    else:
        schema = {"type": "string", "minLength": 1, "maxLength": 40, "pattern": "^[^/]+$"}
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(mode="validation")
    required = set(schema.get("required", []))
    params = []
    for name, prop in schema["properties"].items():
        param: dict[str, Any] = {"name": name, "in": "query", "required": name in required, "schema": _clean(prop)}
        if "description" in prop:
            param["description"] = prop["description"]
            param["schema"].pop("description", None)
        params.append(param)
    return params


def _json(ref: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": ref}}


def _operation(endpoint: Endpoint, refs: dict[tuple[type[BaseModel], str], dict[str, Any]]) -> dict[str, Any]:
    parameters = [_path_parameter(n, c) for n, c in endpoint.path_params]
    for header in endpoint.headers:
        parameters.append({"name": header.name, "in": "header", "required": False, "description": header.description,
                           "schema": {"type": "string", "minLength": 1, "maxLength": header.max_length,
                                      "pattern": header.pattern}})
    if endpoint.query is not None:
        parameters += _query_parameters(endpoint.query)
    responses: dict[str, Any] = {}
    for status, (model, description) in endpoint.responses.items():
        if status in endpoint.media:
            body = {media: {"schema": schema} for media, schema in endpoint.media[status].items()}
        else:
            body = _json(refs[(model, "serialization")]) if model else _json({"type": "object"})
        responses[str(status)] = {"description": description, "content": body}
    error_ref = refs[(out.ErrorOut, "serialization")]
    for status in endpoint.error_statuses():
        responses[str(status)] = {"description": HTTPStatus(status).phrase, "content": _json(error_ref)}
    for status, headers in endpoint.response_headers.items():
        responses[str(status)]["headers"] = {
            name: {"description": text, "schema": {"type": "string"}} for name, text in headers.items()
        }
    operation: dict[str, Any] = {
        "operationId": endpoint.name, "tags": [endpoint.tag], "summary": endpoint.summary, "responses": responses,
        "security": [] if endpoint.auth == "public" else SECURITY,
    }
    if endpoint.description:
        operation["description"] = endpoint.description
    if parameters:
        operation["parameters"] = parameters
    if endpoint.body is not None:
        operation["requestBody"] = {"required": True, "content": _json(refs[(endpoint.body, "validation")])}
    if endpoint.upload is not None:
        operation["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": endpoint.upload}}}
    return operation


def _tracking_page(error_ref: dict[str, Any]) -> dict[str, Any]:
    """The public HTML page beside the API: same lookup, same limit, for citizens' browsers."""
    page = {"text/html": {"schema": {"type": "string"}}}
    return {"get": {
        "operationId": "track_page", "tags": ["public"], "security": [],
        "summary": "Look up a case by its tracking code (public HTML page, Vietnamese then English)",
        "parameters": [_path_parameter("tracking_code", "string")],
        "responses": {
            "200": {"description": "The case's kind, state and dates.", "content": page},
            "404": {"description": "No case has that code.", "content": {**page, **_json(error_ref)}},
            "429": {"description": "Too Many Requests", "content": {**page, **_json(error_ref)},
                    "headers": {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "string"}}}},
        },
    }}


def build(api: Api, version: str) -> dict[str, Any]:
    """The whole document for every registered endpoint."""
    wanted: list[tuple[type[BaseModel], Any]] = [(out.ErrorOut, "serialization")]
    for endpoint in api.endpoints:
        if endpoint.body is not None:
            wanted.append((endpoint.body, "validation"))
        wanted += [(model, "serialization") for model, _ in endpoint.responses.values() if model is not None]
    refs, top = models_json_schema(list(dict.fromkeys(wanted)), ref_template=REF)
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in api.endpoints:
        paths.setdefault(api.prefix + endpoint.path, {})[endpoint.method.lower()] = _operation(endpoint, refs)
    paths["/track/{tracking_code}"] = _tracking_page(refs[(out.ErrorOut, "serialization")])
    return {
        "openapi": "3.1.0",
        "info": {"title": "Petition & Dialogue Tracker API", "version": version, "description": DESCRIPTION},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": top.get("$defs", {}),
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "description": "An API token (`tracker users token`)."},
                "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "session",
                                  "description": "The session cookie from POST /api/v1/auth/login."},
            },
        },
    }
