"""What a new password must be (ASVS 2.1): at least 12 characters, not a common password nor
an easily guessed variation of one, and not containing the username.

Common passwords and their variations (l33t spellings, repeats, keyboard runs, years) are
judged by zxcvbn, which ships the leaked-password frequency lists: a password that zxcvbn
scores below 2, or that is one common password as a whole, is refused.
"""
from __future__ import annotations

from zxcvbn import zxcvbn  # type: ignore[import-untyped]

MIN_LENGTH = 12
MIN_SCORE = 2  # zxcvbn: 0-1 "too guessable" / "very guessable"


def problem(password: str, username: str) -> str | None:
    """Why `password` may not be used by `username` ("Vietnamese / English"), or None."""
    if len(password) < MIN_LENGTH:
        return f"Mật khẩu phải có ít nhất {MIN_LENGTH} ký tự / a password needs at least {MIN_LENGTH} characters"
    if username and username.casefold() in password.casefold():
        return "Mật khẩu không được chứa tên đăng nhập / a password may not contain the username"
    judged = zxcvbn(password[:100], user_inputs=[username])
    matches = judged["sequence"]
    whole_common = len(matches) == 1 and matches[0].get("dictionary_name") == "passwords"
    if whole_common or judged["score"] < MIN_SCORE:
        return "Mật khẩu quá phổ biến hoặc dễ đoán / the password is too common or too easy to guess"
    return None
