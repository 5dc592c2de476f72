"""The stores and the upload check, below the API: disk and a real S3-compatible server (moto's
server, run as a subprocess on a free port), streamed in chunks; the size limit stops reading
as soon as it is passed."""
from __future__ import annotations

import hashlib
import io

import pytest

from tests.files import samples
from tracker.files.storage import CHUNK, DiskStorage
from tracker.files.upload import UploadRefused, receive, safe_name


class CountingReader(io.RawIOBase):
    """A source that says how much of it was read."""

    def __init__(self, size: int):
        self.size, self.read_bytes = size, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        n = min(len(buffer), self.size - self.read_bytes)
        buffer[:n] = b"\x25" * n
        self.read_bytes += n
        return n


@pytest.mark.parametrize("store", ["disk", "s3"])
def test_a_large_file_goes_in_and_comes_out_identical_in_chunks(store, tmp_path, request):
    storage = DiskStorage(tmp_path) if store == "disk" else request.getfixturevalue("s3")
    content = samples.pdf(padding=12 * 1024 * 1024)  # several S3 parts and many chunks
    storage.put("a1b2c3d4", io.BytesIO(content))
    chunks = list(storage.chunks("a1b2c3d4"))
    assert len(chunks) > 1 and max(len(c) for c in chunks) <= CHUNK
    assert hashlib.sha256(b"".join(chunks)).digest() == hashlib.sha256(content).digest()
    with pytest.raises(FileNotFoundError):
        list(storage.chunks("ffff0000"))


def test_disk_keys_cannot_leave_the_storage_folder(tmp_path):
    with pytest.raises(ValueError):
        DiskStorage(tmp_path).put("../../etc/x", io.BytesIO(b"x"))


def test_the_size_limit_stops_reading_at_the_limit_not_at_the_end(tmp_path):
    source = CountingReader(50 * 1024 * 1024)
    with pytest.raises(UploadRefused) as refused, receive(source, "scan.pdf", max_bytes=1024 * 1024, tmp_dir=str(tmp_path)):
        pass
    assert refused.value.code == "too_large" and source.read_bytes <= 1024 * 1024 + CHUNK
    assert list(tmp_path.iterdir()) == []  # the temporary file is gone


def test_the_type_comes_from_the_content_and_the_name_follows_it(tmp_path):
    with receive(io.BytesIO(samples.docx()), "bien-ban", max_bytes=10**7, tmp_dir=str(tmp_path)) as received:
        assert received.media_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        assert received.filename == "bien-ban.docx"
    assert safe_name("C:\\Scan\\Đơn\x00 khiếu nại.PDF", "application/pdf") == "Đơn_ khiếu nại.PDF"
    assert safe_name("x" * 400 + ".pdf", "application/pdf") == "x" * 196 + ".pdf"
    assert safe_name("virus.exe", "image/png") == "virus.exe.png"
