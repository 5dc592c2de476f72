"""Every error answer has the same body, `{"error": {"code", "message", "details"}}`: the
services' refusals, the API's input checks, and what Flask or Werkzeug answer themselves
(404, 405, 413, 429...). A 5xx is always a bug: it is logged (method and path only, never
the body or query, which may name a petitioner) and answered without internals.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from tracker.services.errors import ServiceError

HTTP_CODES = {
    400: ("bad_request", "Yêu cầu không hợp lệ / malformed request"),
    401: ("not_signed_in", "Chưa đăng nhập / not signed in"),
    403: ("forbidden", "Không được phép / not allowed"),
    404: ("not_found", "Không tìm thấy / not found"),
    405: ("method_not_allowed", "Phương thức không được hỗ trợ / method not allowed"),
    409: ("conflict", "Xung đột / conflict"),
    413: ("too_large", "Dữ liệu gửi lên quá lớn / request body too large"),
    415: ("bad_content_type", "Kiểu dữ liệu không được hỗ trợ / unsupported content type"),
    422: ("unprocessable", "Không thể xử lý / refused"),
    429: ("rate_limited", "Quá nhiều yêu cầu; thử lại sau / too many requests; try again later"),
}


class ApiError(ServiceError):
    """An input problem the API finds before any service runs (400 by default)."""

    def __init__(self, message: str, details: Mapping[str, object] | None = None, *, code: str = "bad_request",
                 status: int = 400):
        super().__init__(message, details, code=code)
        self.status = status


def error_response(status: int, code: str, message: str, details: Mapping[str, Any] | None = None) -> Response:
    """A JSON error answer."""
    response = current_app.json.response({"error": {"code": code, "message": message, "details": dict(details or {})}})
    response.status_code = status
    return response


def _wants_html() -> bool:
    # Citizens reach /track/<code> with a browser; everything else speaks JSON.
    if request.path.startswith("/api/"):
        return False
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html" and request.accept_mimetypes[best] > request.accept_mimetypes["application/json"]


def _page(status: int, message: str) -> Response:
    html = render_template("error.html", status=status, message=message)
    return Response(html, status=status, mimetype="text/html")


def handle_service_error(error: ServiceError) -> Response:
    """A refusal from a service or the API's checks."""
    if _wants_html():
        response = _page(error.status, error.message)
    else:
        response = error_response(error.status, error.code, error.message, error.details)
    retry_after = getattr(error, "retry_after", None)
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


def handle_http_exception(error: HTTPException) -> Response:
    """Werkzeug's own answers (404, 405, 413, 429...) with the error body, their headers kept."""
    status = error.code or 500
    if status < 400:  # redirects (e.g. a missing trailing slash) pass through untouched
        return error.get_response()
    code, message = HTTP_CODES.get(status, ("http_error", error.name))
    response = _page(status, message) if _wants_html() else error_response(status, code, message)
    for name, value in error.get_response().headers.items():
        if name.lower() in ("allow", "retry-after", "www-authenticate") or name.lower().startswith("x-ratelimit"):
            response.headers[name] = value
    return response


def handle_unexpected(error: Exception) -> Response:
    """A bug: logged without request data, answered without internals."""
    current_app.logger.error("unhandled %s on %s %s", type(error).__name__, request.method, request.path, exc_info=error)
    message = "Lỗi hệ thống / internal error"
    return _page(500, message) if _wants_html() else error_response(500, "internal_error", message)


def init_app(app: Flask) -> None:
    """Give every error the same body, app-wide."""
    app.register_error_handler(ServiceError, handle_service_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
