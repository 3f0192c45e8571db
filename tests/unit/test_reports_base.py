"""The shared report frame: fonts, formatting, long tables, cover, reproducibility."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from ledger_reports.base import ReportDoc, note_lines
from ledger_reports.fmt import wan, yuan
from ledger_reports.fonts import FALLBACK_FONT, FontNotUsable, face_names, find_cjk_font
from ledger_reports.models import LogAnchor, ReportContext
from ledger_reports.tables import Col, FullRow

from ledger.note import Checkpoint, Note, add_signature, cosign, sign_note
from tests.helpers.pdf import (
    cjk_font_or_skip,
    missing_glyphs,
    page_count,
    pdf_fonts,
    pdf_text,
    poppler,
)

ORIGIN = "ledger.report.example/commitments"
ROOT = hashlib.sha256(b"root").digest()
LONG_NAME = "岳阳市城市管理和综合执法局城区园林绿化养护管理所第二科室"


def _note() -> str:
    body = Checkpoint(ORIGIN, 1234, ROOT).text()
    log = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    witness = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
    note = Note(body, (sign_note(body, ORIGIN, log),))
    return add_signature(note, cosign(body, "audit-bureau", witness, 1_790_000_000)).encode()


def _ctx() -> ReportContext:
    return ReportContext(
        as_of=dt.date(2026, 10, 31),
        generated_at=dt.datetime(2026, 11, 1, 2, 3, 4, tzinfo=dt.UTC),
        anchor=LogAnchor(ORIGIN, 1234, ROOT, _note(), 1234),
    )


def _build(rows: int) -> bytes:
    doc = ReportDoc("拖欠账款审计报告", _ctx(), cjk_font_or_skip(), subtitle="测试")
    cols = [Col("承诺编号", 1.2), Col("持有机关", 2.4), Col("未付金额（元）", 1.4, "RIGHT")]
    groups = [
        [
            [f"HT-{i:05d}", f"{LONG_NAME}{i}", yuan(i * 1_234_567)],
            FullRow(f"证据 #{i} " + "ab" * 32),
        ]
        for i in range(rows)
    ]
    return doc.build([*doc.h1("一、明细"), doc.grouped_table(cols, groups)])


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (0, "0.00"),
        (5, "0.05"),
        (100, "1.00"),
        (123_456_789, "1,234,567.89"),
        (-150, "-1.50"),
        (2**53 - 1, "90,071,992,547,409.91"),
    ],
)
def test_yuan_is_exact_with_thousands_separators(fen: int, text: str) -> None:
    assert yuan(fen) == text


def test_yuan_refuses_non_integers() -> None:
    with pytest.raises(TypeError):
        yuan(True)


def test_wan_rounds_half_up_to_the_hundredth() -> None:
    # 1 万元 = 1,000,000 fen; 12,345,000 fen = 12.345万 -> 12.35万 (half up)
    assert wan(12_345_000) == "12.35万"
    assert wan(12_344_999) == "12.34万"
    assert wan(0) == "0.00万"


def test_note_lines_wrap_long_lines_only() -> None:
    assert note_lines("a\nbbbbbb\n\n— x\n", 4) == ["a", "bbbb", "bb", "", "— x"]


def test_font_found_is_an_embeddable_truetype_with_a_mono_face() -> None:
    choice = cjk_font_or_skip()
    assert choice.path is not None and choice.embedded and choice.warning is None
    assert choice.mono != "Courier"


def test_ttc_face_names_and_explicit_face_index() -> None:
    choice = cjk_font_or_skip()
    assert choice.path is not None
    if choice.path.endswith(".ttc"):
        names = face_names(choice.path)
        assert len(names) >= 1
        other = find_cjk_font(f"{choice.path}#{len(names) - 1}")
        assert other.subfont_index == len(names) - 1


def test_explicit_font_must_be_usable(tmp_path: Path) -> None:
    bogus = tmp_path / "nope.ttf"
    bogus.write_bytes(b"not a font")
    with pytest.raises(FontNotUsable, match="nope.ttf"):
        find_cjk_font(str(bogus))
    with pytest.raises(FontNotUsable, match="no such font file"):
        find_cjk_font(str(tmp_path / "missing.ttf"))
    latin = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if latin.is_file():
        with pytest.raises(FontNotUsable, match="not a CJK font"):
            find_cjk_font(str(latin))


def test_fallback_is_the_builtin_cid_font_with_a_warning() -> None:
    choice = find_cjk_font(search=False)
    assert choice.name == FALLBACK_FONT and not choice.embedded and choice.fallback
    assert choice.warning is not None and "--font" in choice.warning
    doc = ReportDoc("账本完整性核验证明", _ctx(), choice)
    text = pdf_text(doc.build([doc.para("回退字体")]))
    assert "回退字体" in text


def test_long_table_repeats_its_header_on_every_page_and_keeps_every_row() -> None:
    pdf = _build(400)
    pages = page_count(pdf)
    assert pages > 5
    text = pdf_text(pdf)
    assert text.count("承诺编号") >= pages - 1  # the header row on every page of the table
    assert f"共 {pages} 页" in text and f"第 {pages} 页" in text
    found = [int(m) for m in re.findall(r"HT-(\d{5})", text)]
    assert found == list(range(400))  # nothing lost, nothing repeated, in order
    assert yuan(399 * 1_234_567) in text


def test_cover_carries_root_hash_checkpoint_and_metadata() -> None:
    pdf = _build(3)
    text = pdf_text(pdf)
    assert ROOT.hex() in text
    assert ORIGIN in text and "1,234" in text
    assert "— audit-bureau" in text
    assert "2026-11-01T02:03:04Z" in text
    import io

    from pypdf import PdfReader

    info = PdfReader(io.BytesIO(pdf)).metadata
    assert info is not None and info.title == "拖欠账款审计报告"
    assert str(info.get("/CreationDate", "")).startswith("D:20261101020304")


def test_same_inputs_give_identical_bytes() -> None:
    assert _build(60) == _build(60)


def test_fonts_are_embedded_and_no_glyph_is_missing() -> None:
    choice = cjk_font_or_skip()
    pdf = _build(30)
    fonts = pdf_fonts(pdf)
    assert fonts and all(f["embedded"] for f in fonts), fonts
    assert all(f["subtype"] == "/TrueType" for f in fonts)
    assert not missing_glyphs(pdf_text(pdf), [choice.name, choice.mono])


def test_poppler_sees_embedded_fonts_and_the_text(tmp_path: Path) -> None:
    cjk_font_or_skip()
    pdf = _build(10)
    listing = poppler("pdffonts", pdf, tmp_path)
    rows = [line.split() for line in listing.splitlines()[2:] if line.strip()]
    assert rows and all("yes" == r[-5] for r in rows), listing  # the "emb" column
    assert ROOT.hex() in poppler("pdftotext", pdf, tmp_path)


def test_cover_qr_code_decodes_to_the_signed_note(tmp_path: Path) -> None:
    if not (shutil.which("pdftoppm") and shutil.which("zbarimg")):
        pytest.skip("pdftoppm and zbarimg (zbar-tools) are needed to decode the QR code")
    cjk_font_or_skip()
    (tmp_path / "r.pdf").write_bytes(_build(1))
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "150",
            "-f",
            "1",
            "-l",
            "1",
            "-png",
            str(tmp_path / "r.pdf"),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    png = next(tmp_path.glob("p*.png"))
    out = subprocess.run(
        ["zbarimg", "-q", "--raw", str(png)], check=False, capture_output=True, text=True
    )
    assert out.stdout.strip() == _note().strip()


def test_site_url_adds_a_second_qr_code_opening_the_receipt_check(tmp_path: Path) -> None:
    if not (shutil.which("pdftoppm") and shutil.which("zbarimg")):
        pytest.skip("pdftoppm and zbarimg (zbar-tools) are needed to decode the QR code")
    import dataclasses

    ctx = dataclasses.replace(_ctx(), site_url="https://ledger.example.gov.cn/commitments/")
    doc = ReportDoc("拖欠账款审计报告", ctx, cjk_font_or_skip(), subtitle="测试")
    (tmp_path / "r.pdf").write_bytes(doc.build([doc.para("正文")]))
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "150",
            "-f",
            "1",
            "-l",
            "1",
            "-png",
            str(tmp_path / "r.pdf"),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    png = next(tmp_path.glob("p*.png"))
    out = subprocess.run(
        ["zbarimg", "-q", "--raw", str(png)], check=False, capture_output=True, text=True
    )
    codes = set(out.stdout.strip().split("\n"))
    assert "https://ledger.example.gov.cn/commitments/verify.html" in codes
    assert any(c.startswith(ORIGIN) for c in codes)  # the signed note's QR is still there
