"""PDF checks shared by the report tests: text, fonts, glyph coverage."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest


def pdf_text(pdf: bytes) -> str:
    """All text of a PDF, page by page (pypdf: works on a fresh machine)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def page_count(pdf: bytes) -> int:
    """Number of pages."""
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def pdf_fonts(pdf: bytes) -> list[dict[str, object]]:
    """Every font dictionary on every page: BaseFont, Subtype and whether a font file is embedded."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    seen: dict[str, dict[str, object]] = {}
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            f = ref.get_object()
            base = str(f.get("/BaseFont"))
            desc = f.get("/FontDescriptor")
            if desc is None and "/DescendantFonts" in f:
                desc = f["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            desc = desc.get_object() if desc is not None else {}
            embedded = any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            seen[base] = {"base": base, "subtype": str(f.get("/Subtype")), "embedded": embedded}
    return list(seen.values())


def missing_glyphs(text: str, font_names: list[str]) -> set[str]:
    """Characters of ``text`` that none of the (registered TrueType) fonts has: tofu boxes."""
    from reportlab.pdfbase import pdfmetrics

    cmaps = [pdfmetrics.getFont(n).face.charToGlyph for n in font_names]
    return {ch for ch in set(text) if not ch.isspace() and not any(ord(ch) in cm for cm in cmaps)}


def cjk_font_or_skip():  # type: ignore[no-untyped-def]
    """The CJK TrueType font the reports would embed, or skip the test."""
    from ledger_reports.fonts import find_cjk_font

    choice = find_cjk_font()
    if not choice.embedded:
        pytest.skip("no CJK TrueType font on this machine (install fonts-wqy-zenhei)")
    return choice


def poppler(tool: str, pdf: bytes, tmp_path: Path, *args: str) -> str:
    """Run a poppler tool (pdftotext, pdffonts) on ``pdf``, or skip when it is not installed."""
    exe = shutil.which(tool)
    if exe is None:
        pytest.skip(f"{tool} is not installed (apt-get install poppler-utils)")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        [exe, *args, str(path), *(["-"] if tool == "pdftotext" else [])],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout
