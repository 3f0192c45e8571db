"""Fast line breaking of table cells, with the rules of reportlab's CJK word wrap.

A table of 10,000 findings has some 100,000 cells; measuring each through
a :class:`~reportlab.platypus.Paragraph` costs a Python call per character
(``stringWidth``) plus the paragraph machinery, several times over budget.
:class:`LineBreaker` breaks a cell's text into lines once, from a per-font
cache of glyph widths, following the same rules as ``wordWrap='CJK'``: a
line may break between any two CJK characters; a run of Latin letters,
digits and the punctuation inside identifiers (``HT-2024-00001``, a hash, a
vkey) stays whole unless it is wider than the line; punctuation that may
not start a line (，。、）》…) hangs at the end of the line instead (GB/T
15834, as reportlab does for its own list); an opening bracket never ends a
line.  The result is plain lines that the table draws directly.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from reportlab.pdfbase import pdfmetrics

__all__ = ["NO_LINE_END", "NO_LINE_START", "LineBreaker"]

NO_LINE_START = frozenset("，。、；：？！）》」』】〕〉”’…—％·,.;:?!)]}%")
"""Characters that hang at the end of a line rather than start the next."""

NO_LINE_END = frozenset("（《「『【〔〈“‘([{")
"""Characters that move to the next line rather than end this one."""

_TOKEN = re.compile(r"[A-Za-z0-9_\-+./:=#@&*~^$|\\']+|\s+|.", re.DOTALL)


class LineBreaker:
    """Measures and breaks text in one font at one size, caching glyph widths."""

    def __init__(self, font: str, size: float) -> None:
        self.font = font
        self.size = size
        self._widths: dict[str, float] = {}
        f = pdfmetrics.getFont(font)
        face = getattr(f, "face", None)
        char_widths = getattr(face, "charWidths", None)
        default = getattr(face, "defaultWidth", None)
        self._measure: Callable[[str], float]
        if isinstance(char_widths, dict) and default is not None:
            scale = size / 1000
            widths: dict[int, float] = char_widths
            fallback: float = default

            def measure(ch: str) -> float:
                return widths.get(ord(ch), fallback) * scale

            self._measure = measure
        else:  # a built-in or CID font: ask reportlab, once per character

            def measure_any(ch: str) -> float:
                w: float = pdfmetrics.stringWidth(ch, font, size)
                return w

            self._measure = measure_any

    def char_width(self, ch: str) -> float:
        """Width of one character in points."""
        w = self._widths.get(ch)
        if w is None:
            w = self._widths[ch] = self._measure(ch)
        return w

    def width(self, text: str) -> float:
        """Width of ``text`` in points."""
        cw = self._widths
        total = 0.0
        for ch in text:
            w = cw.get(ch)
            if w is None:
                w = self.char_width(ch)
            total += w
        return total

    def lines(self, text: str, avail: float) -> list[str]:
        """``text`` broken into lines no wider than ``avail`` (explicit newlines kept)."""
        out: list[str] = []
        for para in text.split("\n"):
            out.extend(self._break(para, avail))
        return out

    def _break(self, text: str, avail: float) -> list[str]:
        if self.width(text) <= avail:
            return [text]
        # Atoms never split across lines: a Latin word or one character, with an
        # opening bracket glued to what follows and closing punctuation to what precedes.
        atoms: list[str] = []
        pending = ""
        for tok in _TOKEN.findall(text):
            if tok in NO_LINE_END:
                pending += tok
                continue
            tok = pending + tok
            pending = ""
            if atoms and tok[0] in NO_LINE_START and not atoms[-1].isspace():
                atoms[-1] += tok
            else:
                atoms.append(tok)
        if pending:
            atoms.append(pending)
        lines: list[str] = []
        line = ""
        used = 0.0
        for atom in atoms:
            w = self.width(atom)
            if used + w <= avail:
                line += atom
                used += w
                continue
            if atom.isspace():  # a space at a break disappears
                lines.append(line)
                line, used = "", 0.0
                continue
            if line.strip():
                lines.append(line.rstrip())
            line, used = "", 0.0
            if w <= avail:
                line, used = atom, w
                continue
            for ch in atom:  # wider than a whole line: cut it
                cw = self.char_width(ch)
                if used + cw > avail and line:
                    lines.append(line)
                    line, used = "", 0.0
                line += ch
                used += cw
        if line.strip():
            lines.append(line.rstrip())
        return lines or [""]
