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
        # Atoms never split across lines unless wider than one: a Latin word or one
        # character, with an opening bracket glued to what follows (spaces included) and
        # closing punctuation to what precedes (across a space, which may disappear at a break).
        atoms: list[str] = []
        pending = ""
        for tok in _TOKEN.findall(text):
            if tok in NO_LINE_END or (pending and tok.isspace()):
                pending += tok
                continue
            tok = pending + tok
            pending = ""
            if atoms and tok[0] in NO_LINE_START:
                if atoms[-1].isspace() and len(atoms) > 1:
                    tok = atoms.pop() + tok
                atoms[-1] += tok
            else:
                atoms.append(tok)
        if pending:
            if atoms:
                atoms[-1] += pending
            else:
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
            pieces = self._cut(atom.lstrip(), avail)  # wider than a whole line
            lines.extend(pieces[:-1])
            line = pieces[-1]
            used = self.width(line)
        if line.strip():
            lines.append(line.rstrip())
        return lines or [""]

    def _cut(self, text: str, avail: float) -> list[str]:
        """Cut one piece wider than a line, character by character, keeping the kinsoku rules.

        Each line takes as many characters as fit, then steps back to the last place
        where a break is allowed (not before closing punctuation, not after an opening
        bracket).  Where no such place exists within the line, the line runs on to the
        next allowed break: punctuation hangs past the margin rather than break a rule.
        """
        out: list[str] = []
        start, n = 0, len(text)
        while start < n:
            used, end = 0.0, start
            while end < n and (end == start or used + self.char_width(text[end]) <= avail):
                used += self.char_width(text[end])
                end += 1
            if end >= n:
                out.append(text[start:])
                break
            cut = end
            while cut > start and not _may_break(text, cut):
                cut -= 1
            if cut == start:  # nowhere to break within the line: hang to the next place
                cut = end + 1
                while cut < n and not _may_break(text, cut):
                    cut += 1
            out.append(text[start:cut])
            start = cut
        return out


def _may_break(text: str, i: int) -> bool:
    """Whether a line may end before ``text[i]`` (kinsoku: GB/T 15834)."""
    return text[i] not in NO_LINE_START and text[i - 1] not in NO_LINE_END and not text[i].isspace()
