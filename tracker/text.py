"""Vietnamese text on the way in and in search: NFC normalisation and accent folding."""
from __future__ import annotations

import unicodedata


def nfc(text: str) -> str:
    """`text` in Unicode NFC with surrounding white space removed (input may arrive as NFD)."""
    return unicodedata.normalize("NFC", text).strip()


def fold(text: str) -> str:
    """A search key: lower case, accents removed, đ -> d, white space collapsed ("Nguyễn" -> "nguyen")."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.replace("đ", "d").split())
