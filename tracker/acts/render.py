"""Filling a template (docxtpl, Jinja inside the DOCX: never string replacement in its XML)
and converting the result to PDF with LibreOffice headless (Debian `libreoffice-writer-nogui`)."""
from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate

PACKAGED = Path(__file__).with_name("templates")
PDF_TIMEOUT_SECONDS = 180


class PdfUnavailable(RuntimeError):
    """LibreOffice is not installed, or did not produce a PDF."""


def template_path(key: str, version: str, override_dir: str | None = None) -> Path:
    """The province's own template when it has one (`ACTS_TEMPLATES_DIR/<version>/<key>.docx`,
    or `ACTS_TEMPLATES_DIR/<key>.docx` for every version), else the packaged one."""
    if override_dir:
        for candidate in (Path(override_dir) / version / f"{key}.docx", Path(override_dir) / f"{key}.docx"):
            if candidate.is_file():
                return candidate
    return PACKAGED / version / f"{key}.docx"


def render_docx(template: Path, context: dict[str, Any]) -> bytes:
    """The filled document's bytes. Values are escaped by docxtpl's autoescape."""
    document = DocxTemplate(str(template))
    document.render(context, autoescape=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def soffice() -> str | None:
    """The LibreOffice binary, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx: bytes) -> bytes:
    """Convert a DOCX to PDF in a private temporary folder (its own LibreOffice profile, so
    conversions may run side by side)."""
    binary = soffice()
    if binary is None:
        raise PdfUnavailable("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="act-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / "act.docx"
        source.write_bytes(docx)
        result = subprocess.run(
            [binary, f"-env:UserInstallation=file://{folder / 'profile'}", "--headless", "--norestore",
             "--convert-to", "pdf", "--outdir", str(folder), str(source)],
            capture_output=True, timeout=PDF_TIMEOUT_SECONDS, check=False,
        )
        target = folder / "act.pdf"
        if result.returncode != 0 or not target.is_file():
            raise PdfUnavailable(f"LibreOffice failed ({result.returncode}): {result.stderr.decode(errors='replace')[:300]}")
        return target.read_bytes()
