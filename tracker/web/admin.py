"""The administration pages, /admin: an administrator keeps the units and users of their own area
(a province's administrator the whole province), with the same services and policy as the API and
the `tracker` command. A refusal is shown on the page it came from, with nothing changed."""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask import session as cookie_session
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker import boundary, clock
from tracker.auth import policy
from tracker.boundary import request_session
from tracker.schemas import UnitCloseIn, UnitIn, UserIn
from tracker.services import accounts, admin, reorganisation
from tracker.services.errors import ServiceError
from tracker.web.blueprint import bp
from tracker.web.i18n import pick
from tracker.web.pages import Invalid, form_csrf_ok, optional, refusal_text, signed_in, validated
from workflows.definitions.base import Role

F = TypeVar("F", bound=Callable[..., Any])
USERNAME = "<string(minlength=2, maxlength=80):username>"
CODE = "<string(minlength=1, maxlength=50):code>"
# A province is created by the operator at the command line only (tracker units create).
UNIT_KINDS = ("commune", "agency", "front_committee", "inspection_board", "investment_board", "district")
# Offered in this order: the most common first, an administrator's rights last (never a default).
ROLES = tuple(r.value for r in (Role.RECEPTION, Role.AGENCY, Role.LEADER, Role.SUPERVISOR, Role.ADMIN))


def admin_pages() -> set[str]:
    """The endpoints of the administration pages this app serves (for the section links)."""
    return {name for name in current_app.view_functions if name.startswith("web.admin_")}


def admin_only(view: F) -> F:
    """Signed in, and an administrator: anyone else gets a 403 page."""

    @functools.wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not policy.may_administer(current_user):
            abort(403)
        return view(*args, **kwargs)

    return signed_in(guarded)  # type: ignore[return-value]


class Refusal(Exception):
    """A posted form that was not carried out: the page shows `message` with this status."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message, self.status = message, status


def refusal(error: ServiceError | Invalid) -> str:
    """A refusal in the page's language. A service's message says what is wrong in both languages;
    its field notes are the API's (English, for programs), so only a form's own field notes are added."""
    return refusal_text(error) if isinstance(error, Invalid) else pick(error.message)


def carry_out(action: Callable[[], str]) -> str | None:
    """Run a posted form's `action` (which returns the message to flash) and commit; on a refusal
    roll back and return what to show instead. A stale form (CSRF) is refused first."""
    if not form_csrf_ok():
        raise Refusal(pick("Biểu mẫu đã hết hạn; hãy thử lại / the form expired; try again"), 400)
    session = request_session()
    try:
        done = action()
    except (ServiceError, Invalid) as refused:
        session.rollback()
        raise Refusal(refusal(refused), getattr(refused, "status", 400)) from None
    boundary.commit()
    flash(done, "ok")
    return None


def as_date(raw: str) -> dt.date | str | None:
    """A posted YYYY-MM-DD date as a date (the schemas are strict); other text as it came, for the
    schema to name; blank as None."""
    text = raw.strip()[:40]
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return text


def posted() -> dict[str, str]:
    """The posted fields (for the form shown again after a refusal), without the CSRF token or a password."""
    return {k: v for k, v in request.form.items() if k != "csrf_token" and "password" not in k}


# -- the overview ----------------------------------------------------------------------------------

@bp.get("/admin")
@admin_only
def admin_home() -> str:
    """What an administrator keeps, each opening its page."""
    return render_template("admin/index.html", area=policy.area_root(current_user))


# -- units -----------------------------------------------------------------------------------------

def _units_page(*, error: str | None = None, failed: str | None = None, status: int = 200) -> tuple[str, int]:
    session = request_session()
    rows = admin.unit_tree(session, current_user)
    open_units = [r.unit for r in rows if r.unit.closed_on is None]
    return render_template("admin/units.html", rows=rows, open_units=open_units, kinds=UNIT_KINDS, error=error,
                           failed=failed, posted=posted() if error else {}, today=clock.today(),
                           manageable=lambda u: policy.may_manage_unit(current_user, u)), status


@bp.get("/admin/units")
@admin_only
def admin_units() -> tuple[str, int]:
    """The units of the area as a tree, with the forms to add, rename and close them."""
    return _units_page()


def _on_units(action: Callable[[], str], failed: str) -> Response | tuple[str, int]:
    try:
        carry_out(action)
    except Refusal as refusal:
        return _units_page(error=refusal.message, failed=failed, status=refusal.status)
    return redirect(url_for("web.admin_units"))


@bp.post("/admin/units")
@admin_only
def admin_create_unit() -> Response | tuple[str, int]:
    """Add a unit under a unit of the area (the same checks as `tracker units create`)."""
    def create() -> str:
        body = validated(UnitIn, {"code": request.form.get("code", "").strip(), "name": request.form.get("name", "").strip(),
                                  "kind": request.form.get("kind", ""), "parent_code": optional("parent_code")})
        unit = admin.create_unit(request_session(), current_user, body)
        return pick("Đã thêm đơn vị / unit added") + f": {unit.name} ({unit.code})"

    return _on_units(create, "create")


@bp.post(f"/admin/units/{CODE}/rename")
@admin_only
def admin_rename_unit(code: str) -> Response | tuple[str, int]:
    """Give a unit of the area a new name."""
    def rename() -> str:
        name = request.form.get("name", "").strip()
        if not name or len(name) > 255:
            raise Invalid(pick("Tên đơn vị từ 1 đến 255 ký tự / a unit's name has 1 to 255 characters"), {"name": "1-255"}, 422)
        unit = admin.rename_unit(request_session(), current_user, code, name)
        return pick("Đã đổi tên đơn vị / unit renamed") + f": {unit.name} ({unit.code})"

    return _on_units(rename, f"rename-{code}")


@bp.post(f"/admin/units/{CODE}/close")
@admin_only
def admin_close_unit(code: str) -> Response | tuple[str, int]:
    """Close a unit with its successor: the same service as `tracker units close --successor`."""
    def close() -> str:
        body = validated(UnitCloseIn, {"on": as_date(request.form.get("on", "")),
                                       "successor": request.form.get("successor", "").strip(),
                                       "children_to": optional("children_to")})
        done = reorganisation.close_unit(request_session(), current_user, code, on=body.on, successor=body.successor,
                                         children_to=body.children_to)
        return (pick("Đã giải thể đơn vị / unit closed") + f": {done.unit.name} → {done.successor.name}; "
                + pick("hồ sơ chuyển / cases moved") + f": {len(done.cases)}; "
                + pick("người dùng chuyển / users moved") + f": {len(done.users)}")

    return _on_units(close, f"close-{code}")


# -- users -----------------------------------------------------------------------------------------

def _users_page(*, error: str | None = None, status: int = 200) -> tuple[str, int]:
    session = request_session()
    units = [r for r in admin.unit_tree(session, current_user) if r.unit.closed_on is None]
    return render_template("admin/users.html", users=accounts.list_users(session, current_user), units=units, roles=ROLES,
                           error=error, posted=posted() if error else {}), status


@bp.get("/admin/users")
@admin_only
def admin_users() -> tuple[str, int]:
    """The users of the area, and the form to add one."""
    return _users_page()


@bp.post("/admin/users")
@admin_only
def admin_create_user() -> Response | tuple[str, int]:
    """Add a user with a role at a unit of the area; the password follows the password policy."""
    def create() -> str:
        body = validated(UserIn, {"username": request.form.get("username", "").strip(), "role": request.form.get("role", ""),
                                  "unit": request.form.get("unit", ""), "password": request.form.get("password", ""),
                                  "email": optional("email"), "full_name": optional("full_name")})
        user = admin.create_user(request_session(), current_user, body)
        return pick("Đã thêm người dùng / user added") + f": {user.username}"

    try:
        carry_out(create)
    except Refusal as refusal:
        return _users_page(error=refusal.message, status=refusal.status)
    return redirect(url_for("web.admin_users"))


def _user_page(username: str, *, error: str | None = None, status: int = 200) -> tuple[str, int]:
    session = request_session()
    try:
        user = accounts.managed_user(session, current_user, username)
    except ServiceError as missing:
        return render_template("error.html", status=missing.status, message=missing.message), missing.status
    units = [r for r in admin.unit_tree(session, current_user) if r.unit.closed_on is None]
    return render_template("admin/user.html", user=user, sessions=accounts.user_sessions(session, current_user, username),
                           units=units, roles=ROLES, error=error, posted=posted() if error else {}), status


@bp.get(f"/admin/users/{USERNAME}")
@admin_only
def admin_user(username: str) -> tuple[str, int]:
    """One user of the area: role and unit, a new password, live sessions, deactivation."""
    return _user_page(username)


def _on_user(username: str, action: Callable[[], str]) -> Response | tuple[str, int]:
    try:
        carry_out(action)
    except Refusal as refusal:
        return _user_page(username, error=refusal.message, status=refusal.status)
    return redirect(url_for("web.admin_user", username=username))


@bp.post(f"/admin/users/{USERNAME}/role")
@admin_only
def admin_change_role(username: str) -> Response | tuple[str, int]:
    """Another role or unit for the user; their sessions end so the change applies at once."""
    def change() -> str:
        role = request.form.get("role", "")
        if role not in ROLES:
            raise Invalid(pick("Vai trò không hợp lệ / unknown role"), {"role": role[:40]})
        user = accounts.change_role_and_unit(request_session(), current_user, username, role, request.form.get("unit", ""))
        return pick("Đã cập nhật vai trò và đơn vị / role and unit updated") + f": {user.username}"

    return _on_user(username, change)


@bp.post(f"/admin/users/{USERNAME}/password")
@admin_only
def admin_reset_password(username: str) -> Response | tuple[str, int]:
    """A new password for the user (the password policy applies); their sessions end."""
    def reset() -> str:
        password = request.form.get("password", "")
        if password != request.form.get("password_again", ""):
            raise Invalid(pick("Hai lần nhập mật khẩu không khớp / the two passwords differ"), {"password_again": "differs"})
        ended = accounts.reset_password(request_session(), current_user, username, password[:200])
        return pick("Đã đặt mật khẩu mới; số phiên đã kết thúc / password reset; sessions ended") + f": {ended}"

    return _on_user(username, reset)


@bp.post(f"/admin/users/{USERNAME}/sessions/<int(min=1, max=2147483647):session_id>/end")
@admin_only
def admin_end_session(username: str, session_id: int) -> Response | tuple[str, int]:
    """End one of the user's sessions: its cookie signs no one in from now on."""
    def end() -> str:
        accounts.end_user_session(request_session(), current_user, username, session_id)
        return pick("Đã kết thúc phiên đăng nhập / session ended")

    return _on_user(username, end)


@bp.post(f"/admin/users/{USERNAME}/sessions/end")
@admin_only
def admin_end_sessions(username: str) -> Response | tuple[str, int]:
    """End every session of the user."""
    def end() -> str:
        count = accounts.revoke_sessions(request_session(), current_user, username)
        return pick("Số phiên đã kết thúc / sessions ended") + f": {count}"

    return _on_user(username, end)


@bp.post(f"/admin/users/{USERNAME}/deactivate")
@admin_only
def admin_deactivate(username: str) -> Response | tuple[str, int]:
    """Deactivate the user: their sessions end and their tokens are refused."""
    def deactivate() -> str:
        if username == current_user.username:
            raise Invalid(pick("Không thể tự vô hiệu hóa tài khoản của mình / you cannot deactivate yourself"), {}, 422)
        accounts.deactivate_user(request_session(), current_user, username)
        return pick("Đã vô hiệu hóa / deactivated") + f": {username}"

    return _on_user(username, deactivate)


# -- API tokens ------------------------------------------------------------------------------------

def _tokens_page(*, secret: str | None = None, owner: str | None = None, error: str | None = None,
                 status: int = 200) -> tuple[str, int]:
    session = request_session()
    users = [u for u in accounts.list_users(session, current_user) if u.active]
    return render_template("admin/tokens.html", tokens=accounts.list_tokens(session, current_user), users=users,
                           secret=secret, owner=owner, error=error), status


# The secret of a token just made waits here for the page the creation redirects to, which
# takes it out: shown once, and a reload of that page makes no other token (post/redirect/get).
NEW_TOKEN = "new_token"


@bp.get("/admin/tokens")
@admin_only
def admin_tokens() -> tuple[str, int]:
    """The API tokens of the area's users, and the form to make one; right after a token was
    made, its secret, this once."""
    made = cookie_session.pop(NEW_TOKEN, None)
    if isinstance(made, dict):
        return _tokens_page(secret=str(made.get("secret", "")), owner=str(made.get("owner", "")))
    return _tokens_page()


@bp.post("/admin/tokens")
@admin_only
def admin_create_token() -> Response | tuple[str, int]:
    """A new token for a user of the area; the answer redirects to the tokens page, which shows
    its secret once, never again."""
    made: dict[str, str] = {}

    def create() -> str:
        username = request.form.get("username", "")[:80]
        made["secret"] = accounts.issue_token_for(request_session(), current_user, username)[1]
        made["owner"] = username
        return pick("Đã tạo mã truy cập / token created") + f": {username}"

    try:
        carry_out(create)
    except Refusal as refusal:
        return _tokens_page(error=refusal.message, status=refusal.status)
    cookie_session[NEW_TOKEN] = made
    return redirect(url_for("web.admin_tokens"), 303)


@bp.post("/admin/tokens/<int(min=1, max=2147483647):token_id>/revoke")
@admin_only
def admin_revoke_token(token_id: int) -> Response | tuple[str, int]:
    """Revoke a token: programs using it get 401 from then on."""
    def revoke() -> str:
        row = accounts.revoke_token(request_session(), current_user, token_id)
        return pick("Đã thu hồi mã truy cập / token revoked") + f": {row.user.username} #{row.id}"

    try:
        carry_out(revoke)
    except Refusal as refusal:
        return _tokens_page(error=refusal.message, status=refusal.status)
    return redirect(url_for("web.admin_tokens"))
