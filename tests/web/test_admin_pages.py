"""The administration pages over HTTP: administrators only, each inside their own area; they call
the same services as the API and the CLI, and a refusal is a clear message on the page that
changes nothing."""
from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from sqlalchemy import func, select

from tests.web.test_pages import csrf_of, sign_in
from tracker.auth.policy import SYSTEM
from tracker.models import ApiToken, CalendarOverride, Case, HistoryEntry, Unit, User, UserSession
from tracker.services.admin import check_password

D = dt.date
STRONG = "ngọn-đèn-bên-sông-2026"


@pytest.fixture(autouse=True)
def _today(clock_at):
    """These pages are used on Tuesday 10/03/2026."""
    clock_at(D(2026, 3, 10))


@pytest.fixture()
def town_admin(tree, make_user):
    """The administrator of Hòa Thành town (the district HT and the units below it)."""
    return make_user("admin", tree["HT"], username="admin_ht", full_name="Quản trị thị xã")


@pytest.fixture()
def admin_client(client, town_admin):
    sign_in(client, town_admin.username)
    return client


def post(client, path: str, **fields: str):
    """Post a form of `path`'s page with its CSRF token."""
    token = csrf_of(client.get("/admin").get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **fields})


def text(answer) -> str:
    return html.unescape(answer.get_data(as_text=True))


# -- who may come in ---------------------------------------------------------------------------------

ADMIN_PAGES = ["/admin", "/admin/units", "/admin/users", "/admin/tokens", "/admin/calendar", "/admin/periods"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_a_stranger_is_sent_to_sign_in(client, path):
    answer = client.get(path)
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")


@pytest.mark.parametrize("role", ["reception", "agency", "leader"])
def test_anyone_but_an_administrator_gets_403_and_changes_nothing(client, session, tree, make_user, role):
    user = make_user(role, tree["HT-TNMT"] if role == "agency" else tree["HT"])
    sign_in(client, user.username)
    for path in ADMIN_PAGES:
        assert client.get(path).status_code == 403, path
    token = csrf_of(client.get("/").get_data(as_text=True))
    answer = client.post("/admin/units", data={"csrf_token": token, "code": "HT-X", "name": "X", "kind": "commune",
                                               "parent_code": "HT"})
    assert answer.status_code == 403
    assert session.scalar(select(Unit).where(Unit.code == "HT-X")) is None
    assert "/admin" not in client.get("/").get_data(as_text=True)


def test_the_administrator_sees_the_tree_of_their_own_area_only(admin_client):
    page = text(admin_client.get("/admin/units"))
    assert "Phường Long Hoa" in page and "Phòng Tài nguyên và Môi trường" in page
    assert "Phường 1" not in page and "Quận Bình Thạnh" not in page and "Thanh tra tỉnh" not in page
    assert page.index("Thị xã Hòa Thành") < page.index("Phường Long Hoa") < page.index("Ban thanh tra nhân dân phường Long Hoa")


def test_an_administrator_of_another_area_cannot_touch_its_units(admin_client, session, tree):
    answer = post(admin_client, "/admin/units/BT-P1/rename", name="Phường Một")
    assert answer.status_code == 404
    answer = post(admin_client, "/admin/units/BT-P1/close", on="2026-03-01", successor="HT-LH")
    assert answer.status_code == 403
    answer = post(admin_client, "/admin/units", code="BT-P9", name="Phường 9", kind="commune", parent_code="BT")
    assert answer.status_code == 403 and "ngoài phạm vi" in text(answer)
    session.refresh(tree["BT-P1"])
    assert tree["BT-P1"].name == "Phường 1" and tree["BT-P1"].closed_on is None
    assert session.scalar(select(Unit).where(Unit.code == "BT-P9")) is None


def test_an_administrator_does_not_rename_the_top_of_their_own_area(admin_client, session, tree):
    answer = post(admin_client, "/admin/units/HT/rename", name="Thành phố Hòa Thành")
    assert answer.status_code == 403
    session.refresh(tree["HT"])
    assert tree["HT"].name == "Thị xã Hòa Thành"


def test_an_administrator_of_another_area_cannot_touch_its_users(admin_client, session, tree, make_user):
    stranger = make_user("reception", tree["BT"], username="le_bt")
    assert admin_client.get("/admin/users/le_bt").status_code == 404
    assert "le_bt" not in text(admin_client.get("/admin/users"))
    assert post(admin_client, "/admin/users/le_bt/deactivate").status_code == 404
    assert post(admin_client, "/admin/users/le_bt/password", password=STRONG, password_again=STRONG).status_code == 404
    answer = post(admin_client, "/admin/users", username="new_bt", role="reception", unit="BT-P1", password=STRONG)
    assert answer.status_code == 403
    session.refresh(stranger)
    assert stranger.active and session.scalar(select(User).where(User.username == "new_bt")) is None
    answer = post(admin_client, "/admin/users/" + "reception1_ht/role", role="reception", unit="BT")
    assert answer.status_code == 404


# -- units -------------------------------------------------------------------------------------------

def test_an_administrator_adds_and_renames_a_unit(admin_client, session):
    answer = post(admin_client, "/admin/units", code="HT-LT", name="Phường Long Thành", kind="commune", parent_code="HT")
    assert answer.status_code == 302
    unit = session.scalar(select(Unit).where(Unit.code == "HT-LT"))
    assert unit.parent.code == "HT" and unit.path.startswith("/")
    assert post(admin_client, "/admin/units/HT-LT/rename", name="Phường Long Thành Bắc").status_code == 302
    session.refresh(unit)
    assert unit.name == "Phường Long Thành Bắc"
    assert "Phường Long Thành Bắc" in text(admin_client.get("/admin/units"))


@pytest.mark.parametrize(("fields", "status", "words"), [
    ({"code": "", "name": "Phường mới", "kind": "commune", "parent_code": "HT"}, 400, "code"),
    ({"code": "HT-LH", "name": "Trùng mã", "kind": "commune", "parent_code": "HT"}, 409, "đã có"),
    ({"code": "HT-ZZ", "name": "Ban sai chỗ", "kind": "investment_board", "parent_code": "HT"}, 422, "không thể thuộc"),
    ({"code": "HT-ZZ", "name": "Loại lạ", "kind": "planet", "parent_code": "HT"}, 400, "kind"),
])
def test_a_bad_new_unit_is_refused_on_the_page_and_nothing_is_added(admin_client, session, fields, status, words):
    before = session.scalar(select(func.count(Unit.id)))
    answer = post(admin_client, "/admin/units", **fields)
    assert answer.status_code == status and words in text(answer)
    assert 'id="refusal"' in text(answer)
    assert session.scalar(select(func.count(Unit.id))) == before


def test_a_unit_closed_with_a_successor_hands_over_its_open_cases_and_users(admin_client, session, tree, make_user, intake):
    clerk = make_user("reception", tree["HT-LH"], username="tiepdan_lh")
    case = intake(clerk, received_unit="HT-LH")
    answer = post(admin_client, "/admin/units/HT-LH/close", on="2026-03-09", successor="HT", children_to="HT")
    assert answer.status_code == 302
    follow = text(admin_client.get("/admin/units"))
    assert "Đã giải thể đơn vị" in follow and "09/03/2026" in follow
    session.refresh(tree["HT-LH"])
    session.refresh(case)
    session.refresh(clerk)
    assert tree["HT-LH"].closed_on == D(2026, 3, 9) and tree["HT-LH"].successor.code == "HT"
    assert case.resolving_unit.code == "HT" and clerk.unit.code == "HT"
    assert session.scalar(select(HistoryEntry.trigger).where(HistoryEntry.case_id == case.id)
                          .order_by(HistoryEntry.seq.desc()).limit(1)) == "transfer"


def test_closing_a_unit_with_open_units_below_and_no_successor_for_them_is_refused_on_the_page(admin_client, session, tree):
    answer = post(admin_client, "/admin/units/HT-LH/close", on="2026-03-09", successor="HT-TNMT")
    page = text(answer)
    assert answer.status_code == 422 and "LH-TTND" in page and "chưa giải thể" in page
    session.refresh(tree["HT-LH"])
    assert tree["HT-LH"].closed_on is None


def test_a_closing_date_in_the_future_is_refused(admin_client, session, tree):
    answer = post(admin_client, "/admin/units/HT-TNMT/close", on="2026-04-01", successor="HT")
    assert answer.status_code == 422 and "tương lai" in text(answer)
    session.refresh(tree["HT-TNMT"])
    assert tree["HT-TNMT"].closed_on is None


# -- users -------------------------------------------------------------------------------------------

def test_an_administrator_adds_a_user_of_their_area(admin_client, session):
    answer = post(admin_client, "/admin/users", username="tran_lh", role="reception", unit="HT-LH", password=STRONG,
                  full_name="Trần Thị Tiếp")
    assert answer.status_code == 302
    user = session.scalar(select(User).where(User.username == "tran_lh"))
    assert user.unit.code == "HT-LH" and user.role == "reception" and check_password(user, STRONG)


@pytest.mark.parametrize(("fields", "words"), [
    ({"password": "ngắn-quá"}, "password"),
    ({"password": "tran_lh-tran_lh-2026"}, "tên đăng nhập"),
    ({"role": "supervisor"}, "Ban giám sát"),
    ({"unit": "HT-NONE"}, "HT-NONE"),
])
def test_a_bad_new_user_is_refused_on_the_page_and_nobody_is_added(admin_client, session, fields, words):
    data = {"username": "tran_lh", "role": "reception", "unit": "HT-LH", "password": STRONG, **fields}
    answer = post(admin_client, "/admin/users", **data)
    assert 400 <= answer.status_code < 500 and words in text(answer)
    assert session.scalar(select(User).where(User.username == "tran_lh")) is None


def test_changing_a_users_role_and_unit_ends_their_sessions(app, admin_client, session, tree, make_user):
    officer = make_user("agency", tree["HT-TNMT"], username="officer_ht")
    theirs = app.test_client()
    sign_in(theirs, officer.username)
    assert theirs.get("/").status_code == 200
    answer = post(admin_client, "/admin/users/officer_ht/role", role="leader", unit="HT")
    assert answer.status_code == 302
    session.refresh(officer)
    assert (officer.role, officer.unit.code) == ("leader", "HT")
    assert theirs.get("/").status_code == 302  # signed out: the new rights apply from the next sign-in


def test_a_member_of_a_board_must_be_a_supervisor(admin_client, session, tree, make_user):
    make_user("agency", tree["HT-TNMT"], username="officer_ht")
    answer = post(admin_client, "/admin/users/officer_ht/role", role="agency", unit="LH-TTND")
    assert answer.status_code == 422 and "giám sát" in text(answer)
    assert session.scalar(select(User).where(User.username == "officer_ht")).unit.code == "HT-TNMT"


def test_an_administrator_sees_a_users_sessions_and_ends_one(app, admin_client, session, tree, make_user):
    officer = make_user("agency", tree["HT-TNMT"], username="officer_ht")
    first, second = app.test_client(), app.test_client()
    sign_in(first, officer.username)
    sign_in(second, officer.username)
    page = text(admin_client.get("/admin/users/officer_ht"))
    live = session.scalars(select(UserSession).where(UserSession.user_id == officer.id, UserSession.ended_at.is_(None))
                           .order_by(UserSession.id)).all()
    assert len(live) == 2 and page.count(f"/admin/users/officer_ht/sessions/{live[0].id}/end") == 1
    assert post(admin_client, f"/admin/users/officer_ht/sessions/{live[0].id}/end").status_code == 302
    assert first.get("/").status_code == 302 and second.get("/").status_code == 200
    assert post(admin_client, "/admin/users/officer_ht/sessions/end").status_code == 302
    assert second.get("/").status_code == 302


def test_a_reset_password_follows_the_password_policy_and_ends_the_sessions(app, admin_client, session, tree, make_user):
    officer = make_user("agency", tree["HT-TNMT"], username="officer_ht")
    theirs = app.test_client()
    sign_in(theirs, officer.username)
    old_hash = officer.password_hash
    answer = post(admin_client, "/admin/users/officer_ht/password", password="123456789012", password_again="123456789012")
    assert answer.status_code == 422 and 'id="refusal"' in text(answer)
    answer = post(admin_client, "/admin/users/officer_ht/password", password=STRONG, password_again=STRONG + "x")
    assert answer.status_code == 400 and "không khớp" in text(answer)
    session.refresh(officer)
    assert officer.password_hash == old_hash and theirs.get("/").status_code == 200
    assert post(admin_client, "/admin/users/officer_ht/password", password=STRONG, password_again=STRONG).status_code == 302
    session.refresh(officer)
    assert check_password(officer, STRONG) and theirs.get("/").status_code == 302


def test_a_deactivated_user_cannot_sign_in_and_an_administrator_cannot_deactivate_themselves(
        app, admin_client, session, tree, make_user, town_admin):
    officer = make_user("agency", tree["HT-TNMT"], username="officer_ht")
    assert post(admin_client, "/admin/users/officer_ht/deactivate").status_code == 302
    session.refresh(officer)
    assert not officer.active and sign_in(app.test_client(), officer.username).status_code != 302
    assert post(admin_client, "/admin/users/admin_ht/deactivate").status_code == 422
    session.refresh(town_admin)
    assert town_admin.active


def test_a_form_without_its_csrf_token_changes_nothing(admin_client, session, tree):
    answer = admin_client.post("/admin/units/HT-TNMT/rename", data={"name": "Phòng khác"})
    assert answer.status_code == 400
    session.refresh(tree["HT-TNMT"])
    assert tree["HT-TNMT"].name == "Phòng Tài nguyên và Môi trường"


# -- API tokens --------------------------------------------------------------------------------------

def test_a_new_token_is_shown_once_works_and_can_be_revoked(app, admin_client, session, tree, make_user):
    officer = make_user("agency", tree["HT-TNMT"], username="officer_ht")
    answer = post(admin_client, "/admin/tokens", username="officer_ht")
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/admin/tokens")
    page = text(admin_client.get(answer.headers["Location"]))
    assert 'id="new-token"' in page
    secret = page.split('<code class="secret">')[1].split("</code>")[0]
    api = app.test_client()
    assert api.get("/api/v1/units", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    assert secret not in text(admin_client.get("/admin/tokens"))
    row = session.scalar(select(ApiToken).where(ApiToken.user_id == officer.id))
    assert post(admin_client, f"/admin/tokens/{row.id}/revoke").status_code == 302
    assert api.get("/api/v1/units", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_reloading_the_page_after_making_a_token_makes_no_other_token_and_hides_the_secret(admin_client, session, tree,
                                                                                             make_user):
    officer = make_user("agency", tree["HT-TNMT"], username="officer_ht")
    answer = admin_client.post("/admin/tokens", data={"csrf_token": csrf_of(text(admin_client.get("/admin/tokens"))),
                                                      "username": "officer_ht"}, follow_redirects=True)
    assert answer.status_code == 200 and answer.request.method == "GET" and 'id="new-token"' in text(answer)
    reloaded = admin_client.get(answer.request.path)  # what a browser's reload repeats: the GET, not the POST
    assert reloaded.status_code == 200 and 'id="new-token"' not in text(reloaded)
    assert len(session.scalars(select(ApiToken).where(ApiToken.user_id == officer.id)).all()) == 1


def test_tokens_of_another_area_are_neither_listed_nor_revoked(admin_client, session, tree, make_user):
    from tracker.services.admin import new_token

    stranger = make_user("agency", tree["BT"], username="officer_bt")
    row, _secret = new_token(session, stranger)
    assert "officer_bt" not in text(admin_client.get("/admin/tokens"))
    assert post(admin_client, f"/admin/tokens/{row.id}/revoke").status_code == 404
    assert post(admin_client, "/admin/tokens", username="officer_bt").status_code == 404
    session.refresh(row)
    assert row.revoked_at is None


# -- the calendar ------------------------------------------------------------------------------------

@pytest.fixture()
def province_client(client, tree, make_user):
    """Signed in as the administrator of the province: the working-day calendar is the country's."""
    sign_in(client, make_user("admin", tree["TN"], username="admin_tn").username)
    return client


@pytest.fixture()
def open_complaint(tree, clerk, intake):
    """A complaint received on Monday 02/03/2026: its processing period spans Thursday 12/03."""
    return intake(clerk)


def _entries(session) -> int:
    return session.scalar(select(func.count(HistoryEntry.id)))


def test_a_day_off_shows_its_recount_first_and_writes_nothing_until_confirmed(province_client, session, open_complaint):
    due, version, entries = open_complaint.due_on, open_complaint.version, _entries(session)
    answer = post(province_client, "/admin/calendar", day="2026-03-12", kind="day_off", note="Nghỉ bù")
    page = text(answer)
    assert answer.status_code == 200 and 'id="preview"' in page and open_complaint.tracking_code in page
    assert due.strftime("%d/%m/%Y") in page
    session.refresh(open_complaint)
    assert (open_complaint.due_on, open_complaint.version, _entries(session)) == (due, version, entries)
    assert session.scalar(select(func.count(CalendarOverride.id))) == 0
    answer = post(province_client, "/admin/calendar", day="2026-03-12", kind="day_off", note="Nghỉ bù", confirm="yes")
    assert answer.status_code == 302
    session.refresh(open_complaint)
    assert open_complaint.due_on > due and open_complaint.version == version + 1
    assert session.scalar(select(CalendarOverride.note)) == "Nghỉ bù"


def test_removing_a_day_off_is_previewed_then_recounts_back(province_client, session, open_complaint):
    due = open_complaint.due_on
    post(province_client, "/admin/calendar", day="2026-03-12", kind="day_off", confirm="yes")
    session.refresh(open_complaint)
    moved = open_complaint.due_on
    page = text(post(province_client, "/admin/calendar/remove", day="2026-03-12"))
    assert 'id="preview"' in page and moved.strftime("%d/%m/%Y") in page and due.strftime("%d/%m/%Y") in page
    assert session.scalar(select(func.count(CalendarOverride.id))) == 1
    assert post(province_client, "/admin/calendar/remove", day="2026-03-12", confirm="yes").status_code == 302
    session.refresh(open_complaint)
    assert open_complaint.due_on == due and session.scalar(select(func.count(CalendarOverride.id))) == 0


@pytest.mark.parametrize(("fields", "status", "words"), [
    ({"day": "12/03/2026", "kind": "day_off"}, 400, "Ngày không hợp lệ"),
    ({"day": "2026-03-14", "kind": "day_off"}, 422, "đã là ngày nghỉ"),
    ({"day": "2026-03-12", "kind": "holiday"}, 400, "Loại ngày"),
])
def test_a_bad_calendar_day_is_refused_on_the_page(province_client, session, fields, status, words):
    for confirm in ("", "yes"):
        answer = post(province_client, "/admin/calendar", confirm=confirm, **fields)
        assert answer.status_code == status and words in text(answer)
    assert session.scalar(select(func.count(CalendarOverride.id))) == 0


def test_a_district_administrator_reads_the_calendar_but_does_not_change_it(admin_client, session, open_complaint):
    page = text(admin_client.get("/admin/calendar"))
    assert 'id="calendar-keeper"' in page and 'id="new-day"' not in page
    for path in ("/admin/calendar", "/admin/calendar/remove"):
        for confirm in ("", "yes"):
            answer = post(admin_client, path, day="2026-03-12", kind="day_off", confirm=confirm)
            assert answer.status_code == 403 and "cấp tỉnh" in text(answer)
    assert session.scalar(select(func.count(CalendarOverride.id))) == 0


def test_the_preview_names_only_the_cases_of_the_administrators_area(province_client, session, make_unit, make_user,
                                                                     intake, open_complaint):
    other = make_unit("BD", kind="province", name="Tỉnh Bình Dương")
    theirs = intake(make_user("reception", other), received_unit="BD")
    page = text(post(province_client, "/admin/calendar", day="2026-03-12", kind="day_off"))
    assert open_complaint.tracking_code in page and theirs.tracking_code not in page
    assert "2 hồ sơ" in page and 'id="elsewhere"' in page


# -- reporting periods -------------------------------------------------------------------------------

def test_the_provinces_administrator_sets_a_reporting_period_and_a_bad_one_is_refused(client, session, tree, make_user):
    province_admin = make_user("admin", tree["TN"], username="admin_tn")
    sign_in(client, province_admin.username)
    page = text(client.get("/admin/periods"))
    assert "Tỉnh Tây Ninh" in page and "12-15" in page and 'id="reporting"' in page
    assert post(client, "/admin/periods", preset="Q1", start="12-20", end="03-19").status_code == 302
    session.refresh(tree["TN"])
    assert tree["TN"].settings["reporting_periods"]["ranges"]["Q1"] == ["12-20", "03-19"]
    answer = post(client, "/admin/periods", preset="Q7", start="01-01", end="03-31")
    assert answer.status_code == 422 and "Kỳ không hợp lệ" in text(answer)
    assert post(client, "/admin/periods", reset="yes").status_code == 302
    session.refresh(tree["TN"])
    assert "reporting_periods" not in tree["TN"].settings


def test_a_district_administrator_reads_the_provinces_periods_but_does_not_set_them(admin_client, session, tree):
    page = text(admin_client.get("/admin/periods"))
    assert "Tỉnh Tây Ninh" in page and 'id="set-period"' not in page
    assert post(admin_client, "/admin/periods", preset="Q1", start="12-20", end="03-19").status_code == 403
    session.refresh(tree["TN"])
    assert "reporting_periods" not in (tree["TN"].settings or {})


# -- the audit view on the case page -----------------------------------------------------------------

def test_a_leader_sees_that_a_cases_history_chain_holds_and_where_it_was_altered(client, session, tree, clerk, intake,
                                                                                  make_user, move):
    from sqlalchemy import update

    case = intake(clerk)
    move(clerk, case, "accept", D(2026, 3, 4))
    leader = make_user("leader", tree["HT"])
    sign_in(client, leader.username)
    page = text(client.get(f"/cases/{case.id}"))
    assert 'id="chain-valid"' in page and 'id="chain-broken"' not in page
    session.execute(update(HistoryEntry).where(HistoryEntry.case_id == case.id, HistoryEntry.seq == 2)
                    .values(note="sửa lén"))
    page = text(client.get(f"/cases/{case.id}"))
    assert 'id="chain-broken"' in page and "2" in page.split('id="chain-broken"')[1].split("</p>")[0]


@pytest.mark.parametrize("role", ["reception", "agency"])
def test_the_desk_and_agencies_do_not_get_the_audit(client, tree, clerk, intake, make_user, role):
    case = intake(clerk)
    user = clerk if role == "reception" else make_user("agency", tree["HT-TNMT"])
    if role == "agency":
        case = intake(clerk, kind="feedback", subject="Phản ánh")
    sign_in(client, user.username)
    answer = client.get(f"/cases/{case.id}")
    assert answer.status_code in (200, 404) and 'id="audit"' not in text(answer)


def test_who_viewed_a_denouncers_identity_is_shown_to_the_resolving_unit_and_admins_only(app, client, tree, clerk, intake,
                                                                                        make_user, town_admin):
    case = intake(clerk, kind="denunciation", subject="Tố cáo sai phạm", petitioners=[{"full_name": "Phạm Văn Kín"}])
    head = make_user("leader", tree["HT"], full_name="Chủ tịch Hòa Thành")
    sign_in(client, head.username)
    page = text(client.get(f"/cases/{case.id}"))
    assert "Phạm Văn Kín" in page and 'id="identity-views"' in page and "Chủ tịch Hòa Thành" in page.split('id="identity-views"')[1]
    admin_page = app.test_client()
    sign_in(admin_page, town_admin.username)
    seen = text(admin_page.get(f"/cases/{case.id}")).split('id="identity-views"')[1]
    assert "Chủ tịch Hòa Thành" in seen and "Quản trị thị xã" in seen
    province_leader = make_user("leader", tree["TN"])
    other = app.test_client()
    sign_in(other, province_leader.username)
    page = text(other.get(f"/cases/{case.id}"))
    assert 'id="audit"' in page and 'id="identity-views"' not in page and "Phạm Văn Kín" not in page


# -- workflows, projects, register import ------------------------------------------------------------

def test_every_workflow_is_drawn_from_its_definition(admin_client):
    from workflows import definitions

    page = admin_client.get("/admin/workflows").get_data(as_text=True)
    for workflow in definitions.ALL:
        drawn = page.split(f'id="workflow-{workflow.kind}"')[1].split("</svg>")[0]
        assert "<svg" in drawn
        assert {s.name for s in workflow.states} == set(re.findall(r'data-state="([a-z_]+)"', drawn))
    complaint = page.split('id="workflow-complaint"')[1].split("</section>")[0]
    assert "Thụ lý" in complaint  # the accept step, named in the page's language


def test_an_administrator_records_and_corrects_a_communes_project(admin_client, session, tree):
    from tracker.models import Project

    answer = post(admin_client, "/admin/projects", unit="HT-LH", name="Nâng cấp đường Phạm Văn Đồng", investor="UBND phường",
                  investor_unit="HT-LH", budget_vnd="4.500.000.000", started_on="2026-02-01",
                  planned_completion_on="2026-12-31")
    assert answer.status_code == 302
    project = session.scalar(select(Project))
    assert (project.unit.code, project.budget_vnd, project.status) == ("HT-LH", 4_500_000_000, "in_progress")
    assert "4.500.000.000" in text(admin_client.get("/admin/projects"))
    assert admin_client.get(f"/admin/projects/{project.id}").status_code == 200
    answer = post(admin_client, f"/admin/projects/{project.id}", name="Nâng cấp đường Phạm Văn Đồng (giai đoạn 2)",
                  investor="UBND phường", budget_vnd="5000000000", started_on="2026-02-01", status="suspended")
    assert answer.status_code == 302
    session.refresh(project)
    assert project.name.endswith("(giai đoạn 2)") and project.budget_vnd == 5_000_000_000 and project.status == "suspended"


@pytest.mark.parametrize(("fields", "words"), [
    ({"unit": "HT"}, "thuộc một xã"),
    ({"unit": "BT-P1"}, "quản trị viên"),
    ({"started_on": "2026-05-01", "planned_completion_on": "2026-01-01"}, "planned_completion_on"),
    ({"budget_vnd": "-5"}, "budget_vnd"),
])
def test_a_bad_project_is_refused_on_the_page_and_nothing_is_recorded(admin_client, session, fields, words):
    from tracker.models import Project

    data = {"unit": "HT-LH", "name": "Trường mầm non", "investor": "UBND phường", **fields}
    answer = post(admin_client, "/admin/projects", **data)
    assert 400 <= answer.status_code < 500 and words in text(answer)
    assert session.scalar(select(func.count(Project.id))) == 0


def test_another_areas_project_is_not_found(admin_client, session, tree, make_user):
    from tracker.schemas import ProjectIn
    from tracker.services import projects

    theirs = projects.create_project(session, SYSTEM, ProjectIn(unit="BT-P1", name="Trường tiểu học phường 1", investor="UBND"))
    assert admin_client.get(f"/admin/projects/{theirs.id}").status_code == 404
    assert post(admin_client, f"/admin/projects/{theirs.id}", name="Đổi tên", investor="X").status_code == 404
    assert "Trường tiểu học phường 1" not in text(admin_client.get("/admin/projects"))


def _upload(client, path, unit="HT", dry_run=False):
    token = csrf_of(client.get("/admin/import").get_data(as_text=True))
    data = {"csrf_token": token, "unit": unit, "register": (path.open("rb"), path.name)}
    if dry_run:
        data["dry_run"] = "on"
    return client.post("/admin/import", data=data, content_type="multipart/form-data")


def test_a_register_is_tried_then_imported_once_with_its_refused_rows_reported(admin_client, session, tmp_path, clock_at):
    from tests.imports.registers import write_register

    clock_at(D(2025, 12, 31))
    path = tmp_path / "so-tiep-cong-dan-2025.xlsx"
    wrong = write_register(path, 12)
    trial = text(_upload(admin_client, path, dry_run=True))
    assert 'id="rows-created">13<' in trial and session.scalar(select(func.count(Case.id))) == 0
    page = text(_upload(admin_client, path))
    assert 'id="rows-created">13<' in page and f'id="rows-refused">{len(wrong)}<' in page
    assert "Ngày tiếp không hợp lệ (32/13/2025)" in page
    assert session.scalar(select(func.count(Case.id))) == 13
    again = text(_upload(admin_client, path))
    assert 'id="rows-created">0<' in again and 'id="rows-again">13<' in again
    assert session.scalar(select(func.count(Case.id))) == 13


def test_a_file_that_is_no_register_or_a_unit_outside_the_area_is_refused(admin_client, session, tmp_path, clock_at):
    from tests.imports.registers import write_register

    clock_at(D(2025, 12, 31))
    junk = tmp_path / "ghi-chu.xlsx"
    junk.write_bytes(b"not a workbook at all")
    answer = _upload(admin_client, junk)
    assert answer.status_code == 422 and "Không đọc được tệp Excel" in text(answer)
    path = tmp_path / "so.xlsx"
    write_register(path, 3, bad=False)
    assert _upload(admin_client, path, unit="BT").status_code == 403
    assert session.scalar(select(func.count(Case.id))) == 0


def test_the_administration_speaks_vietnamese_first_and_english_on_the_switch(admin_client):
    page = text(admin_client.get("/admin/units"))
    assert "Thêm đơn vị" in page and "Đổi tên hoặc giải thể" in page
    admin_client.set_cookie("lang", "en")
    page = text(admin_client.get("/admin/units"))
    assert "Add a unit" in page and "Rename or close" in page and "Thêm đơn vị" not in page
