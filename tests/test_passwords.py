"""A new password has at least 12 characters, is not a common password or an easy variation
of one, and does not contain the username: checked when a user is created and when a person
changes their password; a refused one changes nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import TEST_PASSWORD
from tracker.auth.passwords import problem
from tracker.auth.policy import SYSTEM
from tracker.models import User
from tracker.schemas import UserIn
from tracker.services import accounts, admin
from tracker.services.errors import Refused

GOOD = "Một câu mật khẩu dài 2026"


@pytest.mark.parametrize(("password", "why"), [
    ("Ngan-2026", "at least 12"),
    ("password1234", "too common"),
    ("P@ssw0rd1234", "too common"),
    ("123456789012", "too common"),
    ("aaaaaaaaaaaaaaaa", "too common"),
    ("qwertyuiopasdf", "too common"),
    ("tiepdan.ht-Mua-Xuan-2026", "username"),
    ("TIEPDAN.HT-mua-xuan-2026", "username"),
])
def test_a_weak_password_is_refused_with_the_reason(password, why):
    assert why in (problem(password, "tiepdan.ht") or "")


@pytest.mark.parametrize("password", [GOOD, TEST_PASSWORD, "demo-2026-tracker", "Bình Thạnh có 20 phường"])
def test_a_long_uncommon_password_is_accepted(password):
    assert problem(password, "tiepdan.ht") is None


def test_creating_a_user_with_a_weak_password_creates_nothing(session, tree):
    before = session.scalar(select(func.count(User.id)))
    with pytest.raises(Refused) as refused:
        admin.create_user(session, SYSTEM, UserIn(username="tiepdan.ht", role="reception", unit="HT", password="password1234"))
    assert refused.value.details["fields"].keys() == {"password"}
    assert session.scalar(select(func.count(User.id))) == before


def test_changing_to_a_weak_password_keeps_the_old_one(session, tree, make_user):
    user = make_user("reception", tree["HT"], username="tiepdan.ht")
    with pytest.raises(Refused):
        accounts.change_own_password(session, user, TEST_PASSWORD, "tiepdan.ht-2026-xyz", keep=None)
    assert admin.check_password(user, TEST_PASSWORD)
    accounts.change_own_password(session, user, TEST_PASSWORD, GOOD, keep=None)
    assert admin.check_password(user, GOOD)
