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

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ledger.columns import COLUMNS, Column, ColumnType

__all__ = [
    "HELP_ZH",
    "TEMPLATE_SHEET",
    "CellValue",
    "SheetData",
    "template_columns",
    "write_template",
    "write_workbook",
]

TEMPLATE_SHEET = "台账"
_LAST_ROW = 1_048_576  # Excel's row limit: validation and formats cover the whole column
_REQUIRED = frozenset(
    {"commitment", "agency", "uscc", "type", "title", "amount", "signed_on", "basis"}
)


HELP_ZH: dict[str, str] = {
    "no": "序号，仅供查阅，导入时忽略",
    "commitment": "合同（承诺）编号，每项承诺唯一；同一编号可在后续行重复以登记多笔付款",
    "agency": "签订单位：账本中已登记的机关编号（如 yy-czj）或机关全称（如 岳阳市财政局）",
    "enterprise_name": "企业名称；企业尚未在账本中登记时必填",
    "uscc": "企业统一社会信用代码，18位，请将本列设为文本格式",
    "size": "企业规模；企业尚未登记时必填",
    "ownership": "企业性质；企业尚未登记时必填",
    "type": "承诺类型",
    "title": "合同或项目名称",
    "amount": "合同金额（元，精确到分）；表头写作“金额（万元）”则按万元填写，至多6位小数",
    "signed_on": "签订日期，如 2024-03-01",
    "official": "经办官员编号（可选）",
    "basis": "付款期限的起算依据：交付、验收、每次确认的结算（履行进度结算、定期结算）或约定日期",
    "days": "交付、验收或结算确认后多少天内付款",
    "acceptance_days": "交付后多少天内验收（约定时填写）",
    "due": "约定付款日期（付款依据为约定日期时填写）",
    "conditions": "付款条件，多项用分号分隔",
    "interest_rate": "约定逾期利率（年利率%，如 3.45）",
    "policy_ref": "政策承诺的文件文号",
    "document_sha256": "合同扫描件的SHA-256哈希（64位十六进制，可选）",
    "delivered_on": "交付日期",
    "accepted_on": "验收日期",
    "paid": "本行登记的已付金额（元）；表头写作“已付金额（万元）”则按万元填写",
    "paid_on": "付款日期（填写已付金额时必填）",
    "method": "付款方式（留空为转账）",
    "maturity": "商业汇票或电子凭证的到期日",
    "reference": "付款凭证号（填写已付金额时必填）",
    "confirmed": "本行确认的结算金额（元；付款依据为结算时）",
    "confirmed_on": "结算确认日期",
    "reversed_reference": "被冲正（退票、退回）的付款的凭证号",
    "reversed_on": "冲正日期",
    "reversal_reason": "冲正原因（如 退票）",
    "interest_paid": "本行支付的逾期利息（元）",
    "interest_paid_on": "利息支付日期",
    "interest_reference": "利息支付凭证号",
    "note": "备注，导入时忽略",
}
"""The 说明 sheet's text, in Chinese, per column key."""


def template_columns(columns: Sequence[Column] = COLUMNS) -> list[Column]:
    """The template's column order: 序号 first (where a clerk expects it), 备注 last."""
    first = [c for c in columns if c.key == "no"]
    last = [c for c in columns if c.key == "note"]
    return first + [c for c in columns if c.key not in ("no", "note")] + last


def _allowed(column: Column) -> str:
    return "、".join(f"{zh} ({value})" for value, zh in column.choices)


def _width(column: Column) -> float:
    if column.type in (ColumnType.TEXT, ColumnType.LIST):
        return 28.0
    if column.type in (ColumnType.USCC, ColumnType.SHA256):
        return 22.0
    return max(12.0, 2.2 * len(column.zh) + 2)


def write_template(path: str | Path, columns: Sequence[Column] = COLUMNS) -> None:
    """Write an empty 台账 workbook with headers, formats and drop-downs to ``path``.

    序号 comes first; the 说明 sheet explains every column in Chinese.
    """
    columns = template_columns(columns)
    wb = Workbook()
    ws = _first_sheet(wb)
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
        note = f"{HELP_ZH.get(column.key, column.help)}（{column.key}）"
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
    info.append(["序号", "表头", "填写说明", "可选值", "必填", "英文表头"])
    for cell in info[1]:
        cell.font = bold
        cell.fill = fill
    for n, column in enumerate(columns, start=1):
        info.append(
            [
                n,
                column.zh,
                HELP_ZH.get(column.key, column.help),
                "、".join(zh for _, zh in column.choices),
                "是" if column.key in _REQUIRED else "否",
                column.key,
            ]
        )
    for letter, width in zip("ABCDEF", (6, 18, 60, 36, 6, 18), strict=True):
        info.column_dimensions[letter].width = width
    for row in info.iter_rows(min_row=2):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    info.append([])
    for line in (
        "填写要求：",
        "1. 每行一项承诺；同一合同编号可在后续行重复（定义须一致或留空）以登记多笔付款。",
        "2. 单位可填机关编号或机关全称；未在账本中登记的企业按企业名称、企业规模、企业性质登记。",
        "3. 金额以元为单位、精确到分；整列以万元填写时，表头改为“金额（万元）”“已付金额（万元）”。",
        "4. 日期写作 2024-03-01、2024/3/1 或 2024年3月1日；统一社会信用代码列请设为文本格式。",
        "5. 导入前可先用 ledger import 台账.xlsx --key 密钥名 --dry-run 试导入，一次列出全部错误。",
    ):
        info.append(["", line])
    wb.save(str(path))


def _first_sheet(wb: Workbook) -> Worksheet:
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook opens on its one worksheet
    return ws


CellValue = str | int | bool | Decimal | dt.date | None
"""What a :class:`SheetData` cell may hold."""


@dataclass(frozen=True, slots=True)
class SheetData:
    """One sheet of an output workbook: headers and rows of plain cells.

    Cells are str, int, bool, ``Decimal`` (amounts, written as numbers with two
    places: a Decimal is exact), ``date`` or None.  Text starting with ``=`` is
    stored as text, never as a formula.
    """

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[CellValue]]
    money: frozenset[int] = frozenset()
    """Indexes of the amount columns (number format ``#,##0.00``)."""


def write_workbook(path: str | Path, sheets: Sequence[SheetData]) -> None:
    """Write ``sheets`` to an .xlsx file: bold frozen header, widths, number formats."""
    wb = Workbook()
    first = True
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for sheet in sheets:
        ws: Worksheet = _first_sheet(wb) if first else wb.create_sheet()
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
