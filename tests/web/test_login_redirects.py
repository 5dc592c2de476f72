"""After signing in, `next` leads only to a page of this site: parsed, never string-checked,
and never a 500 whatever it holds."""
from __future__ import annotations

import re

import pytest

from tests.web.test_pages import csrf_of, sign_in

HOSTILE = ["/%09/evil.example", "/\t/evil.example", "/%0D%0Ax", "/\r\nLocation: https://evil.example", "/\\evil.example",
           "https://evil.example/", "//evil.example/x", "///evil.example", "javascript:alert(1)", "/%5C%5Cevil.example",
           "\x00/", "/" + "a" * 5000, "http:/evil.example", "/\u2028/evil.example"]


@pytest.mark.parametrize("target", HOSTILE)
def test_a_signed_in_user_is_never_sent_to_another_site(client, clerk, target):
    sign_in(client, clerk.username)
    answer = client.get("/login", query_string={"next": target})
    assert answer.status_code == 302 and answer.headers["Location"] == "/"


@pytest.mark.parametrize("target", HOSTILE)
def test_signing_in_never_sends_anyone_to_another_site(client, clerk, target):
    answer = sign_in(client, clerk.username, next_page=target)
    assert answer.status_code == 302 and answer.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/dashboard?unit=HT&period=2026-Q1", "/track"])
def test_a_page_of_this_site_is_where_the_user_goes_back_to(client, clerk, target):
    answer = sign_in(client, clerk.username, next_page=target)
    assert answer.status_code == 302 and answer.headers["Location"] == target


def test_the_sign_in_form_carries_only_a_safe_next(client):
    page = client.get("/login", query_string={"next": "/%09/evil.example"}).get_data(as_text=True)
    values = re.findall(r'name="next" value="([^"]*)"', page)  # the sign-in form's, and the language switch's
    assert "/" in values and all(v.startswith("/") and not v.startswith("//") and "\t" not in v for v in values)
    assert csrf_of(page)
