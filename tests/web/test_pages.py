"""The pages: the front desk needs a signed-in user and shows only their area; sign-in goes
through the same throttled check as the API; the tracking lookup is public and impersonal."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.conftest import TEST_PASSWORD


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in(client, username: str, password: str = TEST_PASSWORD, next_page: str = "/"):
    token = csrf_of(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token, "next": next_page})


@pytest.fixture()
def clerk(tree, make_user):
    return make_user("reception", tree["HT"], full_name="Lê Thị Tiếp Dân")


def test_the_front_desk_sends_a_stranger_to_sign_in(client):
    answer = client.get("/")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")


def test_a_signed_in_receptionist_sees_the_work_of_their_own_area_only(client, tree, clerk, make_user, intake, session):
    ours = intake(clerk)
    stranger = make_user("reception", tree["BT"])
    theirs = intake(stranger, received_unit="BT", subject="Phản ánh ở Bình Thạnh")
    answer = sign_in(client, clerk.username)
    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Lê Thị Tiếp Dân" in page and "Nhận đơn mới" in page and f'/cases/{ours.id}"' in page
    assert ours.tracking_code in page and theirs.tracking_code not in page


def test_a_wrong_password_is_refused_and_counted(client, clerk, clock_at):
    clock_at(dt.datetime(2026, 11, 18, 9, 0, tzinfo=dt.UTC))  # the delay does not run out while a slow machine signs in
    answer = sign_in(client, clerk.username, "sai-mat-khau")
    assert answer.status_code == 401 and "Sai tên đăng nhập hoặc mật khẩu" in answer.get_data(as_text=True)
    for _ in range(2):
        sign_in(client, clerk.username, "sai-mat-khau")
    assert sign_in(client, clerk.username).status_code == 429  # slowed down, even with the right password


def test_sign_in_without_the_forms_csrf_token_is_refused(client, clerk):
    client.get("/login")
    answer = client.post("/login", data={"username": clerk.username, "password": TEST_PASSWORD})
    assert answer.status_code == 400 and client.get("/").status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_sign_in_never_redirects_to_another_site(client, clerk, target):
    answer = sign_in(client, clerk.username, next_page=target)
    assert answer.status_code == 302 and answer.headers["Location"] == "/"


def test_sign_out_ends_the_session(client, clerk):
    sign_in(client, clerk.username)
    page = client.get("/").get_data(as_text=True)
    assert client.post("/logout", data={"csrf_token": csrf_of(page)}).status_code == 302
    assert client.get("/").status_code == 302


def test_the_public_lookup_form_leads_to_the_cases_page(client, clerk, intake):
    case = intake(clerk)
    assert client.get("/track").status_code == 200
    answer = client.get(f"/track?code={case.tracking_code.lower()}")
    assert answer.status_code == 302 and answer.headers["Location"] == f"/track/{case.tracking_code}"
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Đã tiếp nhận" in page and "Nguyễn Văn An" not in page and case.subject not in page


# -- the dashboard -------------------------------------------------------------------------------

def test_the_dashboard_needs_a_signed_in_user(client):
    assert client.get("/dashboard").status_code == 302
    assert client.get("/dashboard/records").status_code == 302


def test_the_dashboard_shows_the_areas_figures_with_every_definition(client, clerk, intake):
    from tracker.services import metrics as metrics_service

    intake(clerk)
    intake(clerk, kind="feedback", subject="Phản ánh đèn đường")
    sign_in(client, clerk.username)
    page = client.get("/dashboard?year=2026&part=H1").get_data(as_text=True)
    assert "Số liệu tính từ ngày 01/01/2026 đến ngày 30/06/2026" in page
    for figure in metrics_service.definitions():
        assert figure.label.vi in page and figure.definition.parts("en")[0][1] in page.replace("&#39;", "'")
    links = re.findall(r'href="(/dashboard/records\?[^"]*figure=cases\.received[^"]*)"', page)
    assert links  # every count opens its records


def test_a_count_opens_the_cases_behind_it_without_a_denouncers_name(client, clerk, intake):
    import html

    intake(clerk, kind="denunciation", petitioners=[{"full_name": "Phạm Văn Kín"}], subject="Tố cáo sai phạm")
    intake(clerk)
    sign_in(client, clerk.username)
    page = client.get("/dashboard?year=2026").get_data(as_text=True)
    total = re.search(r'href="(/dashboard/records\?[^"]*figure=cases\.received[^"]*row=&[^"]*)"', page).group(1)
    records = client.get(html.unescape(total)).get_data(as_text=True)
    assert records.count("<tr>") == 1 + 2  # the heading and the two cases
    assert "Phạm Văn Kín" not in records and "Tố cáo sai phạm" not in records


def test_the_dashboard_refuses_a_unit_outside_the_area_on_the_page(client, clerk):
    sign_in(client, clerk.username)
    answer = client.get("/dashboard?unit=BT")
    assert answer.status_code == 403 and "ngoài phạm vi" in answer.get_data(as_text=True)
    assert client.get("/dashboard/records?unit=HT&figure=cases.received&from=x&to=y").status_code == 400
