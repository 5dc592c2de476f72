"""Real files of the types a case holds, made in memory: a PDF, a PNG, a DOCX, and liars."""
from __future__ import annotations

import io
import struct
import zlib


def pdf(pages_text: str = "Đơn khiếu nại", padding: int = 0) -> bytes:
    """A small valid PDF; `padding` adds a comment of that many bytes (a large scan)."""
    body = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
            b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n")
    body += b"% " + pages_text.encode() + b"\n"
    if padding:
        body += b"%" + bytes((i * 7919) % 251 + 1 for i in range(padding)).replace(b"\n", b"x").replace(b"\r", b"y") + b"\n"
    return body + b"trailer << /Root 1 0 R >>\n%%EOF\n"


def png(width: int = 4, height: int = 4) -> bytes:
    """A valid PNG image (a photo of a document, in miniature)."""
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def docx(text: str = "Biên bản đối thoại") -> bytes:
    """A Word document."""
    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


HTML_PRETENDING_TO_BE_PDF = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
EXECUTABLE = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
