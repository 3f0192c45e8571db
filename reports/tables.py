"""Long tables that split page by page in linear time.

reportlab's :class:`~reportlab.platypus.Table` re-measures every remaining
row each time it splits at a page end, so a 10,000-row table costs time
quadratic in its length, and its per-cell drawing is several times slower
than the text itself.  :class:`PagedTable` measures each row once, then cuts
one page's worth of rows at a time into a piece drawn directly (backgrounds,
the grid as one path, each line of text), with the header row repeated on
every page (what ``Table(repeatRows=1)`` does) and rows grouped so that a
finding and its evidence lines stay on one page.

Cells are broken into lines once, by :class:`ledger_reports.linebreak.LineBreaker`
(the rules of reportlab's ``wordWrap='CJK'``: long Chinese names break
between characters and never run outside the cell, identifiers stay whole,
closing punctuation never starts a line), and drawn as plain lines; header
cells are ``Paragraph``s with ``wordWrap='CJK'``.  Amount columns are
right-aligned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ledger_reports.linebreak import LineBreaker
from reportlab.lib import colors
from reportlab.platypus import Flowable
from reportlab.platypus.flowables import Flowable as _Flowable

__all__ = ["Col", "FullRow", "PagedTable", "TableTheme", "escape"]

_PAD_X = 3.0
_PAD_Y = 2.5
HEADER_BG = colors.HexColor("#E8ECF2")
ZEBRA_BG = colors.HexColor("#FAFBFC")
FULLROW_BG = colors.HexColor("#F6F7F9")
GRID = colors.HexColor("#9AA3AE")


# Full-width punctuation that must not start a line (GB/T 15834; JIS X 4051 "kinsoku").
# reportlab's CJK wrap keeps a character listed here at the end of the line
# instead of pushing it to the next, but its list has only the ASCII comma and
# a few Japanese marks; add the Chinese ones.
_NO_LINE_START = "，；：？！、。）》」』】〕〉”’…—％·"


def _teach_cjk_punctuation() -> None:
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    for module in (textsplit, paragraph):  # both keep a copy of the list
        # through the module's namespace: the stubs declare the list Final in
        # textsplit and leave paragraph's copy out, and patching it is the point
        namespace = vars(module)
        have: str = namespace["ALL_CANNOT_START"]
        extra = "".join(ch for ch in _NO_LINE_START if ch not in have)
        if extra:
            namespace["ALL_CANNOT_START"] = have + extra


_teach_cjk_punctuation()


def escape(text: str) -> str:
    """Escape text for Paragraph markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass(frozen=True, slots=True)
class Col:
    """A column: its header, share of the table width, alignment."""

    title: str
    share: float
    """Relative width; the shares of a table are scaled to its width."""
    align: str = "LEFT"
    """LEFT, RIGHT (amounts, counts) or CENTER."""
    mono: bool = False
    """Print in the monospace font (hashes, ids that must be read exactly)."""


@dataclass(frozen=True, slots=True)
class FullRow:
    """A row with one cell spanning every column (evidence lines, notes)."""

    text: str
    mono: bool = False


Row = Sequence[str] | FullRow


@dataclass(frozen=True, slots=True)
class _FullCell:
    value: Any
    mono: bool


@dataclass(frozen=True, slots=True)
class TableTheme:
    """Fonts and sizes of table cells."""

    font: str
    mono: str
    size: float = 7.8
    leading: float = 10.0
    header_font: str | None = None


class PagedTable(Flowable):
    """A long table cut page by page, header repeated, rows measured once."""

    def __init__(
        self,
        cols: Sequence[Col],
        groups: Sequence[Sequence[Row]],
        theme: TableTheme,
        *,
        zebra: bool = True,
        page_height: float | None = None,
        caption: Flowable | Sequence[Flowable] | None = None,
    ) -> None:
        super().__init__()
        if caption is None:
            caption = []
        self.captions: list[_Flowable] = (
            [caption] if isinstance(caption, _Flowable) else list(caption)
        )
        """Headings kept with the table's first rows (never left alone at a page foot)."""
        self._caption_h = 0.0
        self.cols = list(cols)
        self.theme = theme
        self.zebra = zebra
        self.page_height = page_height
        """The frame height: a group taller than this is cut between its rows."""
        self._groups = groups
        self._width: float | None = None
        self._widths: list[float] = []
        self._rows: list[list[Any] | _FullCell] = []
        self._heights: list[float] = []
        self._group_of: list[int] = []
        self._starts: list[int] = []  # row index where each group starts
        self._prefix: list[float] = [0.0]
        self._header: list[list[str]] = []
        self._header_h = 0.0
        self._r0 = 0  # first row not yet laid out
        self._breakers: dict[str, LineBreaker] = {}

    # ------------------------------------------------------------ measuring
    def _prepare(self, width: float) -> None:
        if self._width == width:
            return
        total = sum(c.share for c in self.cols)
        self._widths = [width * c.share / total for c in self.cols]
        self._width = width
        self._header = []
        n = 1
        for c, w in zip(self.cols, self._widths, strict=True):
            lines = self._breaker(False).lines(c.title, w - 2 * _PAD_X)
            self._header.append(lines)
            n = max(n, len(lines))
        self._header_h = self.theme.leading * n + 2 * _PAD_Y
        rows: list[list[Any] | _FullCell] = []
        heights: list[float] = []
        group_of: list[int] = []
        starts: list[int] = []
        for g, group in enumerate(self._groups):
            starts.append(len(rows))
            for row in group:
                cells, h = self._measure(row)
                rows.append(cells)
                heights.append(h)
                group_of.append(g)
        starts.append(len(rows))
        self._rows, self._heights, self._group_of, self._starts = rows, heights, group_of, starts
        prefix = [0.0]
        acc = 0.0
        for h in heights:
            acc += h
            prefix.append(acc)
        self._prefix = prefix
        self._caption_h = 0.0
        for cap in self.captions:
            _w, ch = cap.wrap(width, 10_000)
            self._caption_h += ch + cap.getSpaceBefore() + cap.getSpaceAfter()

    def _breaker(self, mono: bool) -> LineBreaker:
        key = self.theme.mono if mono else self.theme.font
        b = self._breakers.get(key)
        if b is None:
            b = self._breakers[key] = LineBreaker(key, self.theme.size)
        return b

    def _measure(self, row: Row) -> tuple[list[Any] | _FullCell, float]:
        th = self.theme
        if isinstance(row, FullRow):
            avail = sum(self._widths) - 2 * _PAD_X
            lines = self._breaker(row.mono).lines(row.text, avail)
            return _FullCell("\n".join(lines), row.mono), th.leading * len(lines) + 2 * _PAD_Y
        if len(row) != len(self.cols):
            raise ValueError(f"a row has {len(row)} cells, the table {len(self.cols)} columns")
        out: list[Any] = []
        n = 1
        for text, col, w in zip(row, self.cols, self._widths, strict=True):
            lines = self._breaker(col.mono).lines(text, w - 2 * _PAD_X)
            out.append("\n".join(lines))
            n = max(n, len(lines))
        return out, th.leading * n + 2 * _PAD_Y

    # -------------------------------------------------------------- layout
    def _height_of(self, r0: int, r1: int) -> float:
        return self._prefix[r1] - self._prefix[r0]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """The full remaining height (the frame splits when it does not fit)."""
        self._prepare(availWidth)
        n = len(self._rows)
        h = self._header_h + self._height_of(self._r0, n) if self._r0 < n else 0.0
        if self.captions:
            h += self._caption_h
        self.width, self.height = availWidth, h
        return availWidth, h

    def _fit(self, avail: float) -> int:
        """The row index to cut at: whole groups while they fit, else rows of one group."""
        n = len(self._rows)
        r0 = self._r0
        room = avail - self._header_h
        if room <= 0:
            return r0
        g = self._group_of[r0]
        cut = r0
        while g + 1 < len(self._starts):
            end = self._starts[g + 1]
            if self._height_of(r0, end) > room:
                break
            cut = end
            g += 1
        if cut > r0:
            return cut
        # The first group does not fit: cut inside it only if it would not fit a
        # page on its own either (else the frame moves it to the next page).
        frame = self.page_height
        group_end = self._starts[self._group_of[r0] + 1]
        if frame is not None and self._header_h + self._height_of(r0, group_end) <= frame:
            return r0
        r = r0
        while r < n and self._height_of(r0, r + 1) <= room:
            r += 1
        return r

    def split(self, availWidth: float, availHeight: float) -> list[_Flowable]:
        """One page's rows as a Table, and the rest as a PagedTable."""
        self._prepare(availWidth)
        caption_h = self._caption_h if self.captions else 0.0
        cut = self._fit(availHeight - caption_h)
        if cut <= self._r0:
            return []
        rest = PagedTable.__new__(PagedTable)
        rest.__dict__.update(self.__dict__)
        rest.__dict__.pop("_postponed", None)  # the doc's mark that *this* piece was deferred
        rest._r0 = cut
        rest.captions = []
        return [*self.captions, self._table(self._r0, cut), rest]

    def draw(self) -> None:
        """Draw all remaining rows (the frame found room for them)."""
        t = self._table(self._r0, len(self._rows))
        _w, th = t.wrapOn(self.canv, self.width, self.height)
        t.drawOn(self.canv, 0, 0)
        y = th
        for c in reversed(self.captions):
            _cw, ch = c.wrapOn(self.canv, self.width, self.height)
            y += c.getSpaceAfter()
            c.drawOn(self.canv, 0, y)
            y += ch + c.getSpaceBefore()

    # ------------------------------------------------------------- tables
    def _table(self, r0: int, r1: int) -> _Piece:
        return _Piece(self, r0, r1)


class _Piece(Flowable):
    """One page's rows of a :class:`PagedTable`, header first, drawn directly.

    The rows were measured and broken into lines already, so drawing is one
    pass: backgrounds, the grid as one path, then each line of text at its
    place (right-aligned columns measured with the cached glyph widths).
    """

    def __init__(self, table: PagedTable, r0: int, r1: int) -> None:
        super().__init__()
        self.t = table
        self.r0, self.r1 = r0, r1
        self.width = sum(table._widths)
        self.height = table._header_h + table._height_of(r0, r1)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """Its fixed size."""
        return self.width, self.height

    def draw(self) -> None:
        """Backgrounds, grid, header paragraphs, then the cells' lines."""
        t, c = self.t, self.canv
        th = t.theme
        widths = t._widths
        xs = [0.0]
        for w in widths:
            xs.append(xs[-1] + w)
        right = xs[-1]
        top = self.height
        # row boundaries, top down
        ys = [top, top - t._header_h]
        for i in range(self.r0, self.r1):
            ys.append(ys[-1] - t._heights[i])
        c.saveState()
        c.setFillColor(HEADER_BG)
        c.rect(0, ys[1], right, t._header_h, stroke=0, fill=1)
        for k, i in enumerate(range(self.r0, self.r1)):
            row = t._rows[i]
            if isinstance(row, _FullCell):
                c.setFillColor(FULLROW_BG)
            elif t.zebra and t._group_of[i] % 2 == 1:
                c.setFillColor(ZEBRA_BG)
            else:
                continue
            c.rect(0, ys[k + 2], right, ys[k + 1] - ys[k + 2], stroke=0, fill=1)
        c.setStrokeColor(GRID)
        c.setLineWidth(0.3)
        segs = [(0.0, y, right, y) for y in ys]
        for k in range(len(ys) - 1):
            full = k > 0 and isinstance(t._rows[self.r0 + k - 1], _FullCell)
            for x in xs if not full else (xs[0], xs[-1]):
                segs.append((x, ys[k], x, ys[k + 1]))
        c.lines(segs)
        c.setFillColor(colors.black)
        tx = c.beginText()
        tx.setFont(th.font, th.size, th.leading)
        font = th.font
        header = t._breaker(False)
        for x, w, lines in zip(xs, widths, t._header, strict=False):  # centred both ways
            y = ys[0] - (t._header_h - th.leading * len(lines)) / 2 - th.size
            for line in lines:
                tx.setTextOrigin(x + (w - header.width(line)) / 2, y)
                tx.textOut(line)
                y -= th.leading
        for k, i in enumerate(range(self.r0, self.r1)):
            row = t._rows[i]
            y0 = ys[k + 1] - _PAD_Y - th.size
            if isinstance(row, _FullCell):
                cells: list[tuple[str, float, float, str, bool]] = [
                    (row.value, 0.0, right, "LEFT", row.mono)
                ]
            else:
                cells = [
                    (text, xs[j], widths[j], col.align, col.mono)
                    for j, (text, col) in enumerate(zip(row, t.cols, strict=True))
                ]
            for text, x, w, align, mono in cells:
                if not text:
                    continue
                want = th.mono if mono else th.font
                if want != font:
                    tx.setFont(want, th.size, th.leading)
                    font = want
                lines = text.split("\n")
                if align == "LEFT":  # one origin per cell, then T* down by the leading
                    tx.setTextOrigin(x + _PAD_X, y0)
                    for line in lines[:-1]:
                        tx.textLine(line)
                    tx.textOut(lines[-1])
                    continue
                breaker = t._breaker(mono)
                y = y0
                for line in lines:
                    lw = breaker.width(line)
                    lx = x + w - _PAD_X - lw if align == "RIGHT" else x + (w - lw) / 2
                    tx.setTextOrigin(lx, y)
                    tx.textOut(line)
                    y -= th.leading
        c.drawText(tx)
        c.restoreState()
