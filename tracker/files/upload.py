"""Receiving an uploaded file: copied in chunks to a temporary file while it is hashed and
counted (stopping as soon as it passes the size limit), its type read from the content, its
name made safe. Nothing reaches the storage until every check has passed."""
from __future__ import annotations

import hashlib
import os
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePath, PureWindowsPath
from typing import BinaryIO

from pathvalidate import sanitize_filename

from tracker.files import types
from tracker.files.storage import CHUNK

DEFAULT_NAME = "tai-lieu"
MAX_NAME = 200


class UploadRefused(Exception):
    """The file may not be stored: too large, empty, or of a type the tracker does not take."""

    def __init__(self, code: str, message: str, details: dict[str, object] | None = None):
        super().__init__(message)
        self.code, self.message, self.details = code, message, details or {}


@dataclass(frozen=True)
class Received:
    """A checked upload waiting in a temporary file."""

    path: str
    filename: str
    media_type: str
    size: int
    sha256: str

    def open(self) -> BinaryIO:
        """The bytes, to hand to the storage."""
        return open(self.path, "rb")  # noqa: SIM115 - the caller closes it


def safe_name(raw: str | None, media_type: str) -> str:
    """A file name fit to show and to offer for download: the last path component only,
    NFC, no control or reserved characters, at most 200 characters, ending in the extension
    of the type the content really is."""
    name = unicodedata.normalize("NFC", raw or "")
    name = PureWindowsPath(PurePath(name).name).name  # "C:\\scan\\đơn.pdf" and "../../x.pdf" alike
    name = sanitize_filename(name, replacement_text="_", platform="universal").strip(" .")
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    stem, suffix = os.path.splitext(name)
    if suffix.lower() not in types.ACCEPTED.get(media_type, ()):
        stem, suffix = (name if suffix.lower() not in _ALL_EXTENSIONS else stem), types.extension_for(media_type)
    stem = stem.strip(" .") or DEFAULT_NAME
    return stem[: MAX_NAME - len(suffix)] + suffix


_ALL_EXTENSIONS = {ext for exts in types.ACCEPTED.values() for ext in exts}


@contextmanager
def receive(source: BinaryIO, filename: str | None, *, max_bytes: int, tmp_dir: str | None = None) -> Iterator[Received]:
    """Spool `source` to a temporary file and check it; the file is removed on leaving.

    Raises UploadRefused (`too_large`, `empty`, `type_not_accepted`, `type_mismatch`)."""
    handle = tempfile.NamedTemporaryFile(prefix="upload-", dir=tmp_dir, delete=False)  # noqa: SIM115 - removed below
    try:
        digest, size = hashlib.sha256(), 0
        with handle:
            while chunk := source.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise UploadRefused(
                        "too_large", f"Tệp quá lớn (tối đa {_mib(max_bytes)}) / the file is too large (at most {_mib(max_bytes)})",
                        {"max_bytes": max_bytes})
                digest.update(chunk)
                handle.write(chunk)
        if size == 0:
            raise UploadRefused("empty", "Tệp rỗng / the file is empty")
        media_type = types.detect(handle.name)
        if media_type not in types.ACCEPTED:
            raise UploadRefused(
                "type_not_accepted",
                "Loại tệp không được chấp nhận (chỉ ảnh, PDF, văn bản Word/Excel/ODF) / "
                "this file type is not accepted (images, PDF, Word/Excel/ODF documents only)",
                {"detected": media_type})
        if filename and not types.name_matches(filename, media_type):
            raise UploadRefused(
                "type_mismatch", "Nội dung tệp không đúng với tên tệp / the file's content is not what its name says",
                {"detected": media_type, "filename_extension": PurePath(filename).suffix.lower()})
        yield Received(handle.name, safe_name(filename, media_type), media_type, size, digest.hexdigest())
    finally:
        os.unlink(handle.name)


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):g} MiB"
