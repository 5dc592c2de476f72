"""What every desk page shares: the signed-in guard, the form's CSRF check, reading a form
into the schema the services take, and showing a service's refusal in the page's language."""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import redirect, request, url_for
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from pydantic import BaseModel, ValidationError
from wtforms.validators import ValidationError as CsrfError

from tracker.auth import policy
from tracker.auth.policy import Operation
from tracker.models import Case
from tracker.services.errors import ServiceError
from tracker.web.i18n import pick

F = TypeVar("F", bound=Callable[..., Any])
M = TypeVar("M", bound=BaseModel)
# A case due within this many days gets the "due soon" badge.
DUE_SOON_DAYS = 5


def signed_in(view: F) -> F:
    """Send a stranger to the sign-in form, then back here."""

    @functools.wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return redirect(url_for("web.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return guarded  # type: ignore[return-value]


def form_csrf_ok() -> bool:
    """True when the posted form carries this session's CSRF token."""
    try:
        validate_csrf(request.form.get("csrf_token", ""))
    except CsrfError:
        return False
    return True


class Invalid(Exception):
    """A form that does not validate: a message and the fields it names, for the page."""

    def __init__(self, message: str, fields: dict[str, str] | None = None, status: int = 400):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.status = status


def validated(model: type[M], data: dict[str, Any]) -> M:
    """`data` read by the same schema the API uses; Invalid (with each field's problem) otherwise."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        fields = {".".join(str(p) for p in e["loc"]) or "form": e["msg"].removeprefix("Value error, ")
                  for e in error.errors(include_url=False)}
        # As in the API: a rule across fields (a complaint with no petitioner) refuses well-formed input, 422.
        status = 422 if all(e["type"] == "value_error" for e in error.errors()) else 400
        raise Invalid("Dữ liệu chưa hợp lệ / some fields need attention", fields, status) from None


def refusal_text(error: ServiceError | Invalid) -> str:
    """A refusal in the page's language, with the fields it names."""
    message = pick(error.message)
    details = getattr(error, "details", None) or {}
    fields = error.fields if isinstance(error, Invalid) else details.get("fields") or {}
    if isinstance(fields, dict) and fields:
        message += " (" + "; ".join(f"{name}: {pick(str(text))}" for name, text in fields.items()) + ")"
    return message


def can(operation: str) -> bool:
    """Whether the signed-in user's role may perform `operation` (the policy's answer)."""
    return current_user.is_authenticated and policy.may(current_user, Operation(operation))


def may_administer() -> bool:
    """Whether the signed-in user may open the administration pages (the policy's answer)."""
    return current_user.is_authenticated and policy.may_administer(current_user)


def identity_listed(case: Case) -> bool:
    """Whether a list may name this case's petitioners for the signed-in user (never a denouncer)."""
    return policy.identity_shown(current_user, case, case_page=False)


def matter_shown(case: Case) -> bool:
    """Whether a page may show this case's subject and content to the signed-in user (a
    denunciation's name the person accused: policy.may_read_denunciation)."""
    return policy.may_read_denunciation(current_user, case)


def contact_shown() -> bool:
    """Whether pages may show petitioners' ID numbers, phones and addresses to the signed-in
    user (never to a supervisory board: policy.sees_contact_details)."""
    return policy.sees_contact_details(current_user)


def text(name: str, limit: int = 20_000) -> str:
    """A posted text field, at most `limit` characters (the schema says what is too long)."""
    return request.form.get(name, "")[: limit + 1]


def optional(name: str) -> str | None:
    """A posted text field, None when blank."""
    value = request.form.get(name, "").strip()
    return value or None


def checked(name: str) -> bool:
    """A posted checkbox."""
    return request.form.get(name) in ("on", "true", "1", "yes")
