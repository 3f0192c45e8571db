"""Bar charts (reportlab.graphics) for the report summaries.

Bars are drawn in whole yuan (a chart needs no fen), with integer axis steps
chosen here so every tick label is exact; each bar carries its amount in 万元
(computed from fen by :func:`ledger_reports.fmt.wan`), and the exact figures are in
the table beside the chart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import SupportsRound

from ledger_reports.fmt import wan
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

__all__ = ["hbar_chart", "nice_step", "vbar_chart"]

BAR = colors.HexColor("#2F6690")
BAR_ALT = colors.HexColor("#B23A48")
AXIS = colors.HexColor("#52606D")


def nice_step(top: int, ticks: int = 5) -> int:
    """The smallest 1·10ⁿ, 2·10ⁿ or 5·10ⁿ step giving at most ``ticks`` steps to ``top``."""
    raw = max(1, -(-top // ticks))
    mag = 1
    while mag * 10 <= raw:
        mag *= 10
    for m in (1, 2, 5):
        if m * mag >= raw:
            return m * mag
    return 10 * mag


def _axis_label(step: int) -> Callable[[SupportsRound[int]], str]:
    def fmt(v: SupportsRound[int]) -> str:
        n = round(v)  # a tick position: an exact multiple of step
        if n == 0:
            return "0"
        if step % 10_000 == 0:
            return f"{n // 10_000:,}万"
        return f"{n:,}"

    return fmt


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def hbar_chart(
    items: Sequence[tuple[str, int]],
    font: str,
    width: float,
    *,
    title: str,
    label_chars: int = 16,
) -> Drawing:
    """Horizontal bars, largest first, for (label, amount in fen) pairs."""
    n = max(len(items), 1)
    bar_h = 15
    label_w = min(8.2 * label_chars, width * 0.42)
    plot_h = bar_h * n
    height = plot_h + 48
    d = Drawing(width, height, initialFontName=font)
    d.add(String(0, height - 12, title, fontName=font, fontSize=9, fillColor=AXIS))
    c = HorizontalBarChart()
    # the stubs type PlotArea's x, y, width, height as int; reportlab checks isNumber
    c.x = label_w  # type: ignore[assignment]  # stub says int; isNumber
    c.y = 20
    c.width = width - label_w - 64  # type: ignore[assignment]  # stub says int; isNumber
    c.height = plot_h
    ordered = list(reversed(items))  # reportlab draws the first category at the bottom
    yuan_values = [max(0, fen // 100) for _, fen in ordered] or [0]
    top = max(yuan_values) or 1
    step = nice_step(top)
    c.data = [yuan_values]
    c.valueAxis.valueMin = 0
    c.valueAxis.valueMax = step * -(-top // step)
    c.valueAxis.valueStep = step
    c.valueAxis.labels.fontName = font
    c.valueAxis.labels.fontSize = 6.5
    c.valueAxis.labelTextFormat = _axis_label(step)
    c.valueAxis.strokeColor = AXIS
    c.valueAxis.visibleGrid = True
    c.valueAxis.gridStrokeColor = colors.HexColor("#E1E5EA")
    c.valueAxis.gridStrokeWidth = 0.3
    c.categoryAxis.categoryNames = [_clip(lbl, label_chars) for lbl, _ in ordered] or [""]
    c.categoryAxis.labels.fontName = font
    c.categoryAxis.labels.fontSize = 7
    c.categoryAxis.labels.boxAnchor = "e"
    c.categoryAxis.labels.dx = -4
    c.categoryAxis.strokeColor = AXIS
    c.bars[0].fillColor = BAR
    c.bars[0].strokeColor = None
    c.barWidth = 10
    c.groupSpacing = 5
    c.barLabelArray = [[wan(fen) for _, fen in ordered] or [""]]
    c.barLabels.fontName = font
    c.barLabels.fontSize = 6.5
    c.barLabels.boxAnchor = "w"
    c.barLabels.dx = 3
    c.barLabels.fillColor = AXIS
    c.barLabelFormat = "values"  # take the labels from barLabelArray
    d.add(c)
    return d


def vbar_chart(
    items: Sequence[tuple[str, int]],
    font: str,
    width: float,
    *,
    title: str,
    height: float = 150,
) -> Drawing:
    """Vertical bars for (category label, amount in fen) pairs, in the given order."""
    d = Drawing(width, height, initialFontName=font)
    d.add(String(0, height - 12, title, fontName=font, fontSize=9, fillColor=AXIS))
    c = VerticalBarChart()
    c.x = 52
    c.y = 34
    # the stubs type PlotArea's x, y, width, height as int; reportlab checks isNumber
    c.width = width - 72  # type: ignore[assignment]  # stub says int; isNumber
    c.height = height - 64  # type: ignore[assignment]  # stub says int; isNumber
    yuan_values = [max(0, fen // 100) for _, fen in items] or [0]
    top = max(yuan_values) or 1
    step = nice_step(top)
    c.data = [yuan_values]
    c.valueAxis.valueMin = 0
    c.valueAxis.valueMax = step * -(-top // step)
    c.valueAxis.valueStep = step
    c.valueAxis.labels.fontName = font
    c.valueAxis.labels.fontSize = 6.5
    c.valueAxis.labelTextFormat = _axis_label(step)
    c.valueAxis.visibleGrid = True
    c.valueAxis.gridStrokeColor = colors.HexColor("#E1E5EA")
    c.valueAxis.gridStrokeWidth = 0.3
    c.categoryAxis.categoryNames = [lbl for lbl, _ in items] or [""]
    c.categoryAxis.labels.fontName = font
    c.categoryAxis.labels.fontSize = 7
    c.categoryAxis.labels.boxAnchor = "n"
    c.categoryAxis.labels.dy = -3
    c.bars[0].fillColor = BAR_ALT
    c.bars[0].strokeColor = None
    c.barLabelArray = [[wan(fen) for _, fen in items] or [""]]
    c.barLabels.fontName = font
    c.barLabels.fontSize = 6.5
    c.barLabels.boxAnchor = "s"
    c.barLabels.dy = 2
    c.barLabels.fillColor = AXIS
    c.barLabelFormat = "values"  # take the labels from barLabelArray
    d.add(c)
    return d
