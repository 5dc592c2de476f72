"""The file types a case may hold, decided from the content (libmagic), never from the name
or the browser's Content-Type: scans and photos, PDFs, office documents."""
from __future__ import annotations

from pathlib import PurePath

import magic

# media type -> the file name extensions that may carry it
ACCEPTED: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/tiff": (".tif", ".tiff"),
    "image/webp": (".webp",),
    "image/heic": (".heic",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/msword": (".doc",),
    "application/vnd.ms-excel": (".xls",),
    "application/vnd.oasis.opendocument.text": (".odt",),
    "application/vnd.oasis.opendocument.spreadsheet": (".ods",),
}
# libmagic names some older office files by their container
ALIASES = {"application/CDFV2": "application/msword", "application/x-ole-storage": "application/msword"}


def detect(path: str) -> str:
    """The media type of the file at `path`, read from its bytes."""
    found = magic.from_file(path, mime=True)
    return ALIASES.get(found, found)


def extension_for(media_type: str) -> str:
    """The usual extension of an accepted type."""
    return ACCEPTED[media_type][0]


def name_matches(filename: str, media_type: str) -> bool:
    """False when the name claims another accepted type than the content is (a PDF named .docx)."""
    suffix = PurePath(filename).suffix.lower()
    claimed = [t for t, exts in ACCEPTED.items() if suffix in exts]
    return not claimed or media_type in claimed
