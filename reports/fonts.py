"""Finding and registering a CJK font that reportlab can embed.

Reports are Chinese throughout, so they need a font with CJK glyphs that
reportlab can *embed*: a TrueType-outline font (``glyf`` table), as a
``.ttf`` or one face of a ``.ttc`` collection (which needs its subfont
index).  OpenType fonts with CFF outlines (Noto Sans CJK / Source Han
``.otf``, and their ``.ttc`` collections) cannot be embedded by reportlab and
are skipped.

Order: an explicit path (``--font PATH`` or ``LEDGER_REPORT_FONT``, which the
CLI passes in; ``PATH#N`` picks face N of a collection), then well-known
locations (Debian's fonts-wqy-zenhei and fonts-wqy-microhei first), then any
font file under the usual font folders whose name suggests CJK.  Only when
none is usable does :func:`find_cjk_font` fall back to reportlab's built-in
``STSong-Light`` CID font, which is *not embedded* (the reader's viewer must
supply a substitute); the returned :class:`FontChoice` says so and carries
the warning for the caller to print.
"""

from __future__ import annotations

import hashlib
import os
import re
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.pdfbase.ttfonts import TTFError, TTFont

__all__ = [
    "FALLBACK_FONT",
    "FontChoice",
    "FontNotUsable",
    "candidate_paths",
    "face_names",
    "find_cjk_font",
    "load_font",
    "with_mono",
]

FALLBACK_FONT = "STSong-Light"
"""reportlab's built-in Adobe-GB1 CID font: always available, never embedded."""

PROBE = "账本完整性核验证明拖欠新官不理旧账第页共岳阳"
"""Characters a usable font must have (every report prints them)."""

KNOWN_FONTS: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0),
    ("/System/Library/Fonts/STHeiti Light.ttc", 0),
    ("/Library/Fonts/Arial Unicode.ttf", 0),
    ("C:/Windows/Fonts/simhei.ttf", 0),
    ("C:/Windows/Fonts/simsun.ttc", 0),
)
"""Well-known TrueType CJK fonts, best first (path, subfont index)."""

FONT_DIRS: tuple[str, ...] = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
    "C:/Windows/Fonts",
)
_CJK_NAME = re.compile(
    r"wqy|wenquan|droidsansfallback|uming|ukai|arphic|cjk|han|sc-|tc-|[-_]sc\b|"
    r"simsun|simhei|msyh|yahei|fang|kai|hei|song|ming|heiti|sarasa|zcool|lxgw",
    re.IGNORECASE,
)
_MAX_FACES = 16

MONO_PROBE = "0123456789abcdefABCDEF+/=\u2014#"
"""A monospace font must have these (hashes, base64, the signature em dash)."""

KNOWN_MONO: tuple[str, ...] = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationMono-Regular.ttf",
    "/Library/Fonts/Courier New.ttf",
    "C:/Windows/Fonts/consola.ttf",
)
"""Monospace TrueType fonts to embed when the CJK collection has no Mono face."""


class FontNotUsable(Exception):
    """A font file that cannot serve the reports (message says why)."""


@dataclass(frozen=True, slots=True)
class FontChoice:
    """The font the reports use, registered with reportlab under ``name``."""

    name: str
    """reportlab font name to use in styles."""
    path: str | None
    """The font file, or None for the built-in CID fallback."""
    subfont_index: int
    embedded: bool
    """True for a TrueType font (subset embedded in the PDF)."""
    face_name: str
    """The font's own (PostScript) name."""
    warning: str | None = None
    """What the caller should print on stderr (set for the fallback)."""
    mono: str = "Courier"
    """reportlab name of the monospace font for hashes and signed notes."""

    @property
    def fallback(self) -> bool:
        """Whether this is the non-embedded built-in STSong-Light."""
        return not self.embedded


def _split_index(spec: str) -> tuple[str, int | None]:
    """``/path/font.ttc#2`` → (path, 2); a plain path → (path, None)."""
    path, sep, idx = spec.rpartition("#")
    if sep and idx.isdigit() and path:
        return path, int(idx)
    return spec, None


def _register_name(path: str, index: int) -> str:
    digest = hashlib.sha256(f"{os.path.abspath(path)}#{index}".encode()).hexdigest()[:10]
    return f"LedgerCJK-{digest}"


def load_font(path: str, subfont_index: int = 0) -> FontChoice:
    """Register one TrueType face and check it has the CJK glyphs the reports print.

    Raises :class:`FontNotUsable` naming the reason: missing file, CFF
    outlines (``.otf``), a face index beyond the collection, or missing glyphs.
    """
    p = Path(path)
    if not p.is_file():
        raise FontNotUsable(f"{path}: no such font file")
    name = _register_name(path, subfont_index)
    # getFont of an unknown name searches every AFM file on the machine: ask first
    font: pdfmetrics.Font | TTFont
    if name in pdfmetrics.getRegisteredFontNames():
        font = pdfmetrics.getFont(name)
    else:
        try:
            font = TTFont(name, str(p), subfontIndex=subfont_index)
        except TTFError as exc:
            why = str(exc)
            if "postscript" in why.lower() or "cff" in why.lower():
                why = "it has PostScript (CFF) outlines, which reportlab cannot embed"
            raise FontNotUsable(f"{path}#{subfont_index}: {why}") from exc
        except (OSError, ValueError, IndexError, KeyError) as exc:
            raise FontNotUsable(f"{path}#{subfont_index}: cannot read it ({exc})") from exc
        missing = [ch for ch in PROBE if ord(ch) not in font.face.charToGlyph]
        if missing:
            raise FontNotUsable(
                f"{path}#{subfont_index}: no glyphs for {''.join(missing[:8])} (not a CJK font)"
            )
        pdfmetrics.registerFont(font)
        registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)
    assert isinstance(font, TTFont)
    face = font.face.name
    face_name = face.decode("latin-1") if isinstance(face, bytes) else str(face)
    return FontChoice(name, str(p), subfont_index, True, face_name)


def face_names(path: str) -> list[str]:
    """PostScript names of the faces in a TrueType collection (``.ttc``), in order.

    Reads only the TTC header and each face's ``name`` table (OpenType spec,
    "Font Collections" and "name" table), so probing a 20 MB collection is cheap.
    """
    try:
        data = Path(path).read_bytes()
    except OSError:
        return []
    if data[:4] != b"ttcf":
        return []
    (count,) = struct.unpack_from(">I", data, 8)
    names: list[str] = []
    for k in range(min(count, _MAX_FACES)):
        (off,) = struct.unpack_from(">I", data, 12 + 4 * k)
        (num_tables,) = struct.unpack_from(">H", data, off + 4)
        name = ""
        for t in range(num_tables):
            tag, _sum, toff, _len = struct.unpack_from(">4sIII", data, off + 12 + 16 * t)
            if tag != b"name":
                continue
            _fmt, n, strings = struct.unpack_from(">HHH", data, toff)
            for r in range(n):
                plat, enc, _lang, nid, ln, so = struct.unpack_from(
                    ">HHHHHH", data, toff + 6 + 12 * r
                )
                if nid != 6:
                    continue
                raw = data[toff + strings + so : toff + strings + so + ln]
                name = raw.decode("utf-16-be" if plat in (0, 3) else "latin-1", "replace")
                if plat == 3 and enc == 1:
                    break
        names.append(name)
    return names


def _mono_face(path: str, index: int) -> str | None:
    """Register a monospace TrueType face; its reportlab name, or None if unusable."""
    name = _register_name(path, index) + "-mono"
    if name in pdfmetrics.getRegisteredFontNames():
        return name
    try:
        font = TTFont(name, path, subfontIndex=index)
    except (TTFError, OSError, ValueError, IndexError, KeyError):
        return None
    if any(ord(ch) not in font.face.charToGlyph for ch in MONO_PROBE):
        return None
    widths = {font.face.charWidths.get(ord(ch)) for ch in "0aW+/="}
    if len(widths) != 1:
        return None
    pdfmetrics.registerFont(font)
    registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)
    return name


def with_mono(choice: FontChoice) -> FontChoice:
    """``choice`` with an embeddable monospace font: the collection's Mono face
    (WenQuanYi Zen Hei Mono), else DejaVu Sans Mono or Liberation Mono, else Courier."""
    if not choice.embedded or choice.path is None:
        return choice
    if choice.path.lower().endswith(".ttc"):
        for i, face in enumerate(face_names(choice.path)):
            if "mono" in face.lower():
                got = _mono_face(choice.path, i)
                if got is not None:
                    return replace(choice, mono=got)
    for path in KNOWN_MONO:
        if Path(path).is_file():
            got = _mono_face(path, 0)
            if got is not None:
                return replace(choice, mono=got)
    return choice


def _faces(path: str, index: int | None) -> Iterator[int]:
    if index is not None:
        yield index
        return
    if not path.lower().endswith((".ttc", ".otc")):
        yield 0
        return
    yield from range(_MAX_FACES)


def candidate_paths(dirs: Iterable[str] = FONT_DIRS) -> list[str]:
    """Font files under ``dirs`` whose names suggest CJK, sorted for determinism."""
    found: list[str] = []
    for d in dirs:
        root = Path(d)
        if not root.is_dir():
            continue
        for dirpath, _dirs, files in os.walk(root):
            for f in files:
                if f.lower().endswith((".ttf", ".ttc")) and _CJK_NAME.search(f):
                    found.append(os.path.join(dirpath, f))
    return sorted(found)


def _try(path: str, index: int | None, tried: list[str]) -> FontChoice | None:
    for i in _faces(path, index):
        try:
            return load_font(path, i)
        except FontNotUsable as exc:
            tried.append(str(exc))
            if "beyond" in str(exc) or "subfont" in str(exc).lower():
                break
    return None


def find_cjk_font(
    explicit: str | None = None,
    *,
    search: bool = True,
    dirs: Iterable[str] = FONT_DIRS,
) -> FontChoice:
    """The font for the reports: an explicit path, else a CJK TrueType font found here.

    ``explicit`` (``--font`` / ``LEDGER_REPORT_FONT``, optionally ``PATH#N``
    for face N of a collection) must be usable: a bad explicit font raises
    :class:`FontNotUsable` rather than silently printing with another one.
    With ``search`` false only the explicit font is tried.  When nothing is
    found, returns the built-in ``STSong-Light`` with ``embedded`` false and
    a warning.
    """
    if explicit:
        path, index = _split_index(explicit)
        tried: list[str] = []
        got = _try(path, index, tried)
        if got is None:
            raise FontNotUsable(tried[0] if tried else f"{explicit}: not usable")
        return with_mono(got)
    tried = []
    if search:
        seen: set[str] = set()
        for path, index in KNOWN_FONTS:
            seen.add(path)
            got = _try(path, index, tried) if Path(path).is_file() else None
            if got is not None:
                return with_mono(got)
        for path in candidate_paths(dirs):
            if path in seen:
                continue
            got = _try(path, None, tried)
            if got is not None:
                return with_mono(got)
    return fallback_font()


def fallback_font() -> FontChoice:
    """reportlab's built-in STSong-Light (not embedded), with the warning to print."""
    if FALLBACK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    return FontChoice(
        FALLBACK_FONT,
        None,
        0,
        False,
        FALLBACK_FONT,
        warning=(
            "no CJK TrueType font found: using reportlab's built-in STSong-Light, which is "
            "not embedded (viewers substitute a font). Install fonts-wqy-zenhei or pass "
            "--font PATH (or set LEDGER_REPORT_FONT)"
        ),
    )
