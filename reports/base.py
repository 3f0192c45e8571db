"""The shared document frame of every report.

A4 portrait, Chinese throughout, one CJK TrueType font embedded (subset) and
a monospace face for hashes and the signed checkpoint.  Every report opens
with the same cover block: title, ledger origin, as-of date, generated-at
time, tree size, root hash and the signed checkpoint note in a box beside a
QR code of the note, so a printed copy can be checked against the log.
Pages carry a header (report title, origin) and a footer (root hash, tree
size, 第 x 页 共 y 页: the total is known because the canvas keeps every
page until the end).

Output is byte-reproducible: reportlab's invariant mode fixes the document
ID, and the PDF dates are the caller's ``generated_at``, so the same inputs
give the same bytes and a report's hash can itself be recorded.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from ledger_reports.fmt import BEIJING, count, date_text, date_zh, instant_text, short_hash
from ledger_reports.fonts import FontChoice
from ledger_reports.models import ReportContext
from ledger_reports.tables import Col, PagedTable, Row, TableTheme, escape
from reportlab import rl_config
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

__all__ = ["ReportDoc", "note_lines", "qr_drawing", "receipt_check_url"]

PAGE = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 18 * mm
INK = colors.HexColor("#1F2933")
MUTED = colors.HexColor("#52606D")
ACCENT = colors.HexColor("#1F4E79")
BOX = colors.HexColor("#F4F6F8")
MARK = colors.HexColor("#B42318")


def qr_drawing(text: str, size: float, font: str) -> tuple[Drawing, bool]:
    """A QR code of ``text`` (UTF-8, level M), ``size`` points square.

    Returns the drawing and whether it holds the whole text: a note too long
    for one QR code (more than about 2,300 bytes) is cut to its text and first
    signature line, which is still enough to check the log's signature.
    """
    whole = True
    try:
        w = QrCodeWidget(text, barLevel="M", barBorder=2)
        w.getBounds()  # encodes now: too much data raises here
    except Exception:  # noqa: BLE001 - reportlab's encoder raises bare Exception on overflow
        body, _, sigs = text.partition("\n\n")
        w = QrCodeWidget(body + "\n\n" + sigs.split("\n", 1)[0] + "\n", barLevel="M", barBorder=2)
        whole = False
    w.barWidth = size
    w.barHeight = size
    w.x = 0
    w.y = 0
    # initialFontName: else the renderer selects Helvetica, a font we do not embed
    d = Drawing(size, size, initialFontName=font)
    d.add(w)
    return d, whole


def receipt_check_url(site_url: str) -> str:
    """The receipt check page of a published site (FORMATS.md §9: ``verify.html``)."""
    return site_url.rstrip("/") + "/verify.html"


def note_lines(note: str, per_line: int) -> list[str]:
    """Hard-wrap a signed note's lines at ``per_line`` characters (for a printed box)."""
    out: list[str] = []
    for line in note.rstrip("\n").split("\n"):
        if not line:
            out.append("")
            continue
        while len(line) > per_line:
            out.append(line[:per_line])
            line = line[per_line:]
        out.append(line)
    return out


class _Doc(BaseDocTemplate):
    """BaseDocTemplate that dates the PDF at the report's generated-at instant."""

    def __init__(self, buf: io.BytesIO, report: ReportDoc, **kw: Any) -> None:
        self.report = report
        super().__init__(buf, **kw)

    def beforeDocument(self) -> None:
        """Fix CreationDate/ModDate to the caller's generated-at (UTC)."""
        t = self.report.ctx.generated_at.astimezone(dt.UTC)
        stamp = f"D:{t:%Y%m%d%H%M%S}+00'00'"
        self.canv.setDateFormatter(lambda *_args: stamp)


class ReportDoc:
    """One report being assembled: styles, cover, tables, and the final build."""

    def __init__(
        self,
        title: str,
        ctx: ReportContext,
        font: FontChoice,
        *,
        subtitle: str | None = None,
        cover_rows: Sequence[tuple[str, str]] = (),
        short_title: str | None = None,
    ) -> None:
        self.title = title
        self.short_title = short_title or title
        self.subtitle = subtitle
        self.ctx = ctx
        self.font = font
        self.cover_rows = list(cover_rows)
        self.width = PAGE[0] - 2 * MARGIN_X
        self.height = PAGE[1] - MARGIN_TOP - MARGIN_BOTTOM
        f, m = font.name, font.mono
        self.s_title = ParagraphStyle(
            "title", fontName=f, fontSize=19, leading=26, textColor=ACCENT, spaceAfter=4
        )
        self.s_subtitle = ParagraphStyle(
            "subtitle", fontName=f, fontSize=10.5, leading=15, textColor=MUTED, spaceAfter=8
        )
        self.s_h1 = ParagraphStyle(
            "h1",
            fontName=f,
            fontSize=13.5,
            leading=19,
            textColor=ACCENT,
            spaceBefore=10,
            spaceAfter=5,
            wordWrap="CJK",
        )
        self.s_h2 = ParagraphStyle(
            "h2",
            fontName=f,
            fontSize=11,
            leading=15,
            textColor=INK,
            spaceBefore=8,
            spaceAfter=4,
            wordWrap="CJK",
        )
        self.s_body = ParagraphStyle(
            "body",
            fontName=f,
            fontSize=9.2,
            leading=14,
            textColor=INK,
            wordWrap="CJK",
            spaceAfter=4,
        )
        self.s_small = ParagraphStyle(
            "small", parent=self.s_body, fontSize=8, leading=11.5, textColor=MUTED
        )
        self.s_bullet = ParagraphStyle(
            "bullet",
            parent=self.s_body,
            leftIndent=12,
            bulletIndent=2,
            spaceAfter=2,
            bulletFontName=f,
            bulletFontSize=5.5,
            bulletOffsetY=1.5,
        )
        self.s_code = ParagraphStyle(
            "code",
            fontName=m,
            fontSize=7.6,
            leading=10.5,
            textColor=INK,
            backColor=BOX,
            # reportlab takes (top, right, bottom, left) here (normalizeTRBL);
            # the stubs say float only
            borderPadding=(4, 5, 4, 5),  # type: ignore[arg-type]
            spaceBefore=3,
            spaceAfter=7,
        )
        self.theme = TableTheme(font=f, mono=m)

    # ------------------------------------------------------------- pieces
    def h1(self, text: str) -> list[Flowable]:
        """A section heading, never alone at the foot of a page."""
        return [CondPageBreak(70), Paragraph(escape(text), self.s_h1)]

    def h2(self, text: str) -> list[Flowable]:
        """A subsection heading, never alone at the foot of a page."""
        return [CondPageBreak(55), Paragraph(escape(text), self.s_h2)]

    def keep(self, *parts: Flowable | Sequence[Flowable]) -> KeepTogether:
        """Flowables kept on one page (a heading with its chart)."""
        flat: list[Flowable] = []
        for p in parts:
            if isinstance(p, Flowable):
                flat.append(p)
            else:
                flat.extend(p)
        return KeepTogether(flat)

    def heading2(self, text: str) -> Paragraph:
        """A subsection heading as one flowable (to keep with a table: ``before=``)."""
        return Paragraph(escape(text), self.s_h2)

    def para(self, text: str, *, markup: bool = False) -> Paragraph:
        """A body paragraph (``markup`` when the text carries reportlab tags)."""
        return Paragraph(text if markup else escape(text), self.s_body)

    def small(self, text: str) -> Paragraph:
        """A muted note."""
        return Paragraph(escape(text), self.s_small)

    def bullets(self, items: Iterable[str]) -> list[Flowable]:
        """A bulleted list."""
        # "●" small: WenQuanYi has no U+2022 BULLET, and a missing glyph prints as a box
        return [Paragraph(escape(t), self.s_bullet, bulletText="●") for t in items]

    def code(self, lines: Iterable[str]) -> Paragraph:
        """Commands or literal text in the monospace font, on a grey ground."""
        return Paragraph("<br/>".join(escape(x) for x in lines), self.s_code)

    def table(
        self,
        cols: Sequence[Col],
        rows: Iterable[Row],
        *,
        zebra: bool = True,
        caption: str | None = None,
    ) -> PagedTable:
        """A long table, one row per group; ``caption`` is a heading kept with its first rows."""
        return self.grouped_table(cols, [[r] for r in rows], zebra=zebra, caption=caption)

    def grouped_table(
        self,
        cols: Sequence[Col],
        groups: Sequence[Sequence[Row]],
        *,
        zebra: bool = True,
        caption: str | None = None,
        caption_style: ParagraphStyle | None = None,
        before: Sequence[Flowable] = (),
    ) -> PagedTable:
        """A long table whose groups of rows stay on one page (header repeated).

        ``before`` (headings) and ``caption`` are kept with the first rows.
        """
        cap = list(before)
        if caption is not None:
            cap.append(Paragraph(escape(caption), caption_style or self.s_h2))
        return PagedTable(
            cols, groups, self.theme, zebra=zebra, page_height=self.height, caption=cap
        )

    def kv_table(self, rows: Sequence[tuple[str, str]], widths: tuple[float, float]) -> Table:
        """A small two-column label/value table (values wrap; hex values in mono)."""
        label = ParagraphStyle(
            "kv-l", parent=self.s_body, fontSize=8.6, leading=12, textColor=MUTED, spaceAfter=0
        )
        value = ParagraphStyle("kv-v", parent=self.s_body, fontSize=8.6, leading=12, spaceAfter=0)
        mono = ParagraphStyle(
            "kv-m", parent=value, fontName=self.font.mono, fontSize=7.4, leading=11, wordWrap=None
        )
        data = []
        for k, v in rows:
            is_hex = len(v) >= 32 and all(c in "0123456789abcdef" for c in v)
            data.append(
                [Paragraph(escape(k), label), Paragraph(escape(v), mono if is_hex else value)]
            )
        t = Table(data, colWidths=list(widths))
        t.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), self.font.name, 8.6),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 2),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#D5DAE0")),
                ]
            )
        )
        return t

    # -------------------------------------------------------------- cover
    def cover(self) -> list[Flowable]:
        """Title, the log anchor with the signed checkpoint and its QR code."""
        a = self.ctx.anchor
        out: list[Flowable] = [Paragraph(escape(self.title), self.s_title)]
        if self.subtitle:
            out.append(Paragraph(escape(self.subtitle), self.s_subtitle))
        rows = [
            ("账本来源（origin）", a.origin),
            ("截止日期", date_text(self.ctx.as_of)),
            ("范围", self.ctx.scope),
            *self.cover_rows,
            ("生成时间", instant_text(self.ctx.generated_at)),
            ("树大小（条目数）", count(a.size)),
            ("根哈希（SHA-256，RFC 9162）", a.root.hex()),
        ]
        if a.checkpoint_size is not None:
            rows.append(("签名检查点覆盖", f"前 {count(a.checkpoint_size)} 条"))
        if self.ctx.site_url:
            rows.append(("收据核验网址", receipt_check_url(self.ctx.site_url)))
        qr_size = 40 * mm
        left = self.width - qr_size - 6
        kv = self.kv_table(rows, (left * 0.30, left * 0.70))
        cap_style = ParagraphStyle(
            "cap", parent=self.s_small, fontSize=7, leading=9, alignment=1, wordWrap="CJK"
        )
        right: list[Flowable] = []
        if a.checkpoint:
            qr, whole = qr_drawing(a.checkpoint, qr_size, self.font.name)
            cap = "检查点签名笔记二维码" if whole else "检查点正文与日志签名二维码"
            right += [qr, Paragraph(cap, cap_style)]
        if self.ctx.site_url:
            url = receipt_check_url(self.ctx.site_url)
            site_qr, _ = qr_drawing(url, qr_size * 0.75, self.font.name)
            right += [Spacer(1, 4), site_qr, Paragraph("扫码在公开站点核验收据", cap_style)]
        block = Table([[kv, right or ""]], colWidths=[left + 6, qr_size])
        block.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), self.font.name, 8),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        out.append(block)
        out.append(Spacer(1, 6))
        if a.checkpoint:
            out.append(Paragraph("签名检查点（C2SP signed note，原文）", self.s_h2))
            size = 6.6
            per_line = int((self.width - 12) / stringWidth("0", self.font.mono, size))
            lines = note_lines(a.checkpoint, per_line)
            style = ParagraphStyle("note", parent=self.s_code, fontSize=size, leading=9.2)
            out.append(Paragraph("<br/>".join(escape(x) or "&nbsp;" for x in lines), style))
            out.append(
                self.small(
                    "长行按版面宽度折行显示；以二维码或电子原文为准。核对方法：用日志公钥（vkey）验证签名，"
                    "再用 ledger verify --checkpoint 或任一 RFC 9162 / C2SP 验证器确认日志包含此树头。"
                )
            )
            if a.checkpoint_size is not None and a.checkpoint_size != a.size:
                out.append(
                    self.small(
                        f"注意：本报告依据前 {count(a.size)} 条条目，签名检查点覆盖前 "
                        f"{count(a.checkpoint_size)} 条；两者之差应以一致性证明（ledger prove "
                        "consistency）核对。"
                    )
                )
        else:
            out.append(self.small("此账本尚无签名检查点：打印件只能凭根哈希核对。"))
        return out

    # ------------------------------------------------------------ closing
    def closing(self) -> list[Flowable]:
        """The last page: exact commands to recompute the report, and the issuer block.

        Kept together so that the commands, the issuer, the date and the place
        for the seal always stand on the report's last page.
        """
        parts: list[Flowable] = [Paragraph("附：复算命令与出具信息", self.s_h1)]
        for caption, command in self.ctx.commands:
            parts.append(self.small(caption))
            parts.append(self.code([command]))
        parts.append(Spacer(1, 6))
        parts.append(self.seal_block())
        return [CondPageBreak(120), KeepTogether(parts)]

    def seal_block(self) -> Table:
        """出具单位、出具日期（北京时间）、盖章处."""
        issued = self.ctx.generated_at.astimezone(BEIJING).date()
        issuer = self.ctx.issuer or "＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿"
        rows = [("出具单位", issuer), ("出具日期", date_zh(issued))]
        if self.ctx.marking:
            rows.append(("密级／标注", self.ctx.marking))
        rows.append(("经办人／复核人", "＿＿＿＿＿＿＿＿　／　＿＿＿＿＿＿＿＿"))
        seal = 40 * mm
        left = self.width - seal - 10
        kv = self.kv_table(rows, (left * 0.30, left * 0.70))
        stamp = Paragraph(
            "盖章处",
            ParagraphStyle(
                "seal", parent=self.s_small, fontSize=9, leading=12, alignment=1, textColor=MUTED
            ),
        )
        t = Table([[kv, stamp]], colWidths=[left + 10, seal], rowHeights=[seal])
        t.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), self.font.name, 9),
                    ("VALIGN", (0, 0), (0, 0), "TOP"),
                    ("VALIGN", (1, 0), (1, 0), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (0, 0), 0),
                    ("BOX", (1, 0), (1, 0), 0.6, MUTED, None, (2, 2)),
                ]
            )
        )
        return t

    # -------------------------------------------------------------- build
    def _decorate(self, canv: Canvas, page: int, total: int) -> None:
        w, h = PAGE
        f = self.font.name
        canv.saveState()
        canv.setFillColor(MUTED)
        canv.setStrokeColor(colors.HexColor("#C3CAD2"))
        canv.setLineWidth(0.4)
        if page > 1:
            y = h - MARGIN_TOP + 8
            canv.setFont(f, 8)
            canv.drawString(MARGIN_X, y, self.short_title)
            origin = self.ctx.anchor.origin
            canv.setFont(self.font.mono, 7)
            canv.drawRightString(w - MARGIN_X, y, origin)
            canv.line(MARGIN_X, y - 4, w - MARGIN_X, y - 4)
        if self.ctx.marking:
            canv.setFillColor(MARK)
            canv.setFont(f, 10)
            canv.drawRightString(w - MARGIN_X, h - 11 * mm, self.ctx.marking)
            canv.setFillColor(MUTED)
        y = MARGIN_BOTTOM - 12
        canv.line(MARGIN_X, y + 9, w - MARGIN_X, y + 9)
        canv.setFont(f, 7.5)
        canv.drawCentredString(w / 2, y, f"第 {page} 页 共 {total} 页")
        a = self.ctx.anchor
        canv.setFont(f, 6.8)
        canv.drawString(MARGIN_X, y, f"树大小 {count(a.size)} · 根哈希 {short_hash(a.root, 16)}")
        canv.drawRightString(w - MARGIN_X, y, f"截止 {date_text(self.ctx.as_of)}")
        canv.restoreState()

    def build(self, story: Sequence[Flowable]) -> bytes:
        """Lay the cover and ``story`` out and return the PDF bytes."""
        buf = io.BytesIO()
        doc = _Doc(
            buf,
            self,
            pagesize=PAGE,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=self.title,
            author=self.ctx.anchor.origin,
            subject=f"{self.title}（截至 {date_text(self.ctx.as_of)}）",
            creator=self.ctx.generator,
            keywords=f"root={self.ctx.anchor.root.hex()} size={self.ctx.anchor.size}",
            invariant=1,
            lang="zh-CN",
            initialFontName=self.font.name,
            initialFontSize=9,
        )
        frame = Frame(
            MARGIN_X,
            MARGIN_BOTTOM,
            self.width,
            self.height,
            id="body",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        # Flate alone: the ASCII85 layer reportlab adds by default is pure Python, costs
        # a third of a large report's build time and makes the file 25% larger.
        saved = rl_config.useA85
        rl_config.useA85 = 0
        try:
            doc.build([*self.cover(), *story, *self.closing()], canvasmaker=self._canvas_class())
        finally:
            rl_config.useA85 = saved
        return buf.getvalue()

    def _canvas_class(self) -> type[Canvas]:
        report = self

        class _NumberedCanvas(Canvas):
            """Keeps every page until the end, then draws 第 x 页 共 y 页 on each."""

            def __init__(self, *args: Any, **kw: Any) -> None:
                super().__init__(*args, **kw)
                self._pages: list[dict[str, Any]] = []

            def showPage(self) -> None:
                self._pages.append(dict(self.__dict__))
                self._startPage()  # type: ignore[attr-defined]  # private, not in the stubs

            def save(self) -> None:
                total = len(self._pages)
                for n, state in enumerate(self._pages, start=1):
                    self.__dict__.update(state)
                    report._decorate(self, n, total)
                    Canvas.showPage(self)
                Canvas.save(self)

        return _NumberedCanvas
