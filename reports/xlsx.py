"""Excel output (openpyxl): the 台账 template that ``ledger import`` reads back, and
the workbooks of ``--format xlsx`` (audits and lists, :func:`write_workbook`).

The template has one header row in Chinese (what a finance bureau's clerks
read), each header cell carrying a comment with the English key, what the
column holds and its allowed values; the importer accepts the Chinese and the
English names alike.  Columns carry number formats (amounts ``#,##0.00``,
dates ``yyyy-mm-dd``, ids and USCCs as text so Excel never turns them into
numbers) and drop-down lists for the enumerations.  A second sheet, 说明,
lists the columns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.comments import Comment  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

from ledger.columns import COLUMNS, Column, ColumnType

__all__ = ["TEMPLATE_SHEET", "SheetData", "write_template", "write_workbook"]

TEMPLATE_SHEET = "台账"
_LAST_ROW = 1_048_576  # Excel's row limit: validation and formats cover the whole column
_REQUIRED = frozenset(
    {"commitment", "agency", "uscc", "type", "title", "amount", "signed_on", "basis"}
)


def _allowed(column: Column) -> str:
    return "、".join(f"{zh} ({value})" for value, zh in column.choices)


def _width(column: Column) -> float:
    if column.type in (ColumnType.TEXT, ColumnType.LIST):
        return 28.0
    if column.type in (ColumnType.USCC, ColumnType.SHA256):
        return 22.0
    return max(12.0, 2.2 * len(column.zh) + 2)


def write_template(path: str | Path, columns: Sequence[Column] = COLUMNS) -> None:
    """Write an empty 台账 workbook with headers, formats and drop-downs to ``path``."""
    wb = Workbook()
    ws = wb.active
    ws.title = TEMPLATE_SHEET
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    needed = PatternFill("solid", fgColor="FCE4D6")
    for i, column in enumerate(columns, start=1):
        letter = get_column_letter(i)
        cell = ws.cell(row=1, column=i, value=column.zh)
        cell.font = bold
        cell.fill = needed if column.key in _REQUIRED else fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        note = f"{column.key}: {column.help}"
        if column.choices:
            note += f"\n可选: {_allowed(column)}"
        comment = Comment(note, "ledger")
        comment.width, comment.height = 260, 90
        cell.comment = comment
        dim = ws.column_dimensions[letter]
        dim.width = _width(column)
        dim.number_format = column.number_format
        if column.choices:
            options = ",".join(zh for _, zh in column.choices)
            dv = DataValidation(
                type="list",
                formula1=f'"{options}"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=column.zh,
                error=f"请选择: {options}",
            )
            dv.add(f"{letter}2:{letter}{_LAST_ROW}")
            ws.add_data_validation(dv)
    ws.freeze_panes = "B2"
    ws.row_dimensions[1].height = 30

    info = wb.create_sheet("说明")
    info.append(["表头", "英文表头", "内容", "可选值", "必填"])
    for cell in info[1]:
        cell.font = bold
    for column in columns:
        info.append(
            [
                column.zh,
                column.key,
                column.help,
                _allowed(column),
                "是" if column.key in _REQUIRED else "",
            ]
        )
    for letter, width in zip("ABCDE", (18, 18, 40, 50, 6), strict=True):
        info.column_dimensions[letter].width = width
    info.append([])
    info.append(
        [
            (
                "每行一项承诺；同一合同编号可在后续行重复（定义须一致或留空）以登记多笔付款。"
                "未在账本中登记的企业按企业名称、企业规模、企业性质登记。"
            )
        ]
    )
    wb.save(str(path))


@dataclass(frozen=True, slots=True)
class SheetData:
    """One sheet of an output workbook: headers and rows of plain cells.

    Cells are str, int, bool, ``Decimal`` (amounts, written as numbers with two
    places: a Decimal is exact), ``date`` or None.  Text starting with ``=`` is
    stored as text, never as a formula.
    """

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[object]]
    money: frozenset[int] = frozenset()
    """Indexes of the amount columns (number format ``#,##0.00``)."""


def write_workbook(path: str | Path, sheets: Sequence[SheetData]) -> None:
    """Write ``sheets`` to an .xlsx file: bold frozen header, widths, number formats."""
    wb = Workbook()
    first = True
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for sheet in sheets:
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = sheet.title[:31]
        ws.append(list(sheet.headers))
        widths = [max(8.0, 2.2 * len(h) + 2) for h in sheet.headers]
        for cell in ws[1]:
            cell.font = bold
            cell.fill = fill
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for r, row in enumerate(sheet.rows, start=2):
            for c, value in enumerate(row, start=1):
                cell = ws.cell(row=r, column=c, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                    widths[c - 1] = min(60.0, max(widths[c - 1], 1.1 * len(value) + 2))
                elif isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
                    widths[c - 1] = max(widths[c - 1], 12.0)
                elif isinstance(value, Decimal) or (c - 1) in sheet.money:
                    cell.number_format = "#,##0.00"
                    widths[c - 1] = max(widths[c - 1], 14.0)
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.freeze_panes = "A2"
    wb.save(str(path))
