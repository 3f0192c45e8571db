"""The columns of a 台账 sheet: header names and cell conversion.

Pure (no file, no openpyxl): :func:`map_headers` maps a header row to
:data:`COLUMNS`, refusing unknown and repeated headers with the cell named;
:func:`convert` turns one cell value (as openpyxl or the csv module gives it)
into its body value or raises :class:`CellProblem` saying why.  The table of
columns and the cell rules are documented in :mod:`ledger.importer`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from ledger.domain.events import (
    CommitmentAccepted,
    CommitmentDelivered,
    CommitmentRecorded,
    CommitmentType,
    EnterpriseRegistered,
    EnterpriseSize,
    InterestPaid,
    Ownership,
    PaymentMade,
    PaymentMethod,
    PaymentReversed,
    SettlementConfirmed,
    Terms,
    TermsBasis,
    field_label,
    label,
)
from ledger.errors import BadInput, FieldError, InputErrors, both, split_both
from ledger.money import fen_from_decimal, fen_from_excel_number, parse_rate

__all__ = [
    "COLUMNS",
    "Cell",
    "CellProblem",
    "Column",
    "ColumnType",
    "Locator",
    "cell_message",
    "convert",
    "convert_cell",
    "is_blank",
    "is_header_row",
    "map_headers",
    "normalise_header",
    "show",
]

Locator = Callable[[int, int | None], str]
"""``(row, column index or None) -> "file.xlsx:Sheet1!F17"``; None names the whole row."""

Cell = object
"""A cell value as a reader gives it: None, str, int, float, bool, date or datetime."""


class ColumnType(StrEnum):
    """How a column's cells are converted."""

    ID = "id"
    TEXT = "text"
    USCC = "uscc"
    MONEY = "money"
    MONEY_WAN = "money_wan"
    """An amount column kept in 万元 (ten thousand yuan): header ``金额（万元）``."""
    DATE = "date"
    DAYS = "days"
    RATE = "rate"
    ENUM = "enum"
    LIST = "list"
    SHA256 = "sha256"
    IGNORED = "ignored"


@dataclass(frozen=True, slots=True)
class Column:
    """One sheet column: its key, Chinese header, aliases, cell type and choices.

    ``choices`` pairs each enum value with its Chinese label (the drop-down of
    the template); ``synonyms`` are further accepted spellings.
    """

    key: str
    zh: str
    type: ColumnType
    help: str
    aliases: tuple[str, ...] = ()
    choices: tuple[tuple[str, str], ...] = ()
    synonyms: tuple[tuple[str, str], ...] = ()

    @property
    def number_format(self) -> str:
        """Excel number format for the template column."""
        return {
            ColumnType.MONEY: "#,##0.00",
            ColumnType.DATE: "yyyy-mm-dd",
            ColumnType.DAYS: "0",
            ColumnType.RATE: "0.00##",
        }.get(self.type, "@")


def _enum_choices(values: type[StrEnum]) -> tuple[tuple[str, str], ...]:
    """Each value with its Chinese label, as declared in :data:`ledger.domain.events.ENUM_LABELS`."""
    return tuple((v.value, label(v)) for v in values)


def _C(name: str) -> str:  # the declarations' labels, by record
    return field_label(CommitmentRecorded, name)


def _E(name: str) -> str:
    return field_label(EnterpriseRegistered, name)


def _T(name: str) -> str:
    return field_label(Terms, name)


def _P(name: str) -> str:
    return field_label(PaymentMade, name)


# A column that carries a declared field takes the declaration's label as its header
# (ledger.domain.events); the others (paid, confirmed, ...) are the sheet's own.
COLUMNS: tuple[Column, ...] = (
    Column("commitment", _C("commitment"), ColumnType.ID, "commitment id", ("承诺编号",)),
    Column(
        "agency", "单位", ColumnType.ID, "agency id or name (registered)", ("单位编号", "单位名称")
    ),
    Column("enterprise_name", _E("name"), ColumnType.TEXT, "enterprise name"),
    Column("uscc", _E("uscc"), ColumnType.USCC, "USCC, 18 characters"),
    Column(
        "size",
        _E("size"),
        ColumnType.ENUM,
        "enterprise size",
        choices=_enum_choices(EnterpriseSize),
        synonyms=(
            ("微型企业", "micro"),
            ("小型企业", "small"),
            ("中型企业", "medium"),
            ("大型企业", "large"),
        ),
    ),
    Column(
        "ownership",
        _E("ownership"),
        ColumnType.ENUM,
        "enterprise ownership",
        ("所有制",),
        choices=_enum_choices(Ownership),
        synonyms=(("私营", "private"), ("民营企业", "private"), ("国有企业", "state")),
    ),
    Column(
        "type",
        _C("type"),
        ColumnType.ENUM,
        "commitment type",
        ("承诺类型",),
        choices=_enum_choices(CommitmentType),
        synonyms=(("应付款", "payable"), ("政策", "policy")),
    ),
    Column("title", _C("title"), ColumnType.TEXT, "title", ("项目名称",)),
    Column("amount", _C("amount"), ColumnType.MONEY, "amount, yuan", ("合同金额",)),
    Column("signed_on", _C("signed_on"), ColumnType.DATE, "signing date"),
    Column("official", _C("official"), ColumnType.ID, "official id"),
    Column(
        "basis",
        _T("basis"),
        ColumnType.ENUM,
        "payment term basis",
        choices=_enum_choices(TermsBasis),
        synonyms=(("交付后", "delivery"), ("验收后", "acceptance"), ("固定日期", "date")),
    ),
    Column("days", _T("days"), ColumnType.DAYS, "days to pay after delivery/acceptance"),
    Column("acceptance_days", _T("acceptance_days"), ColumnType.DAYS, "agreed days for acceptance"),
    Column("due", _T("due"), ColumnType.DATE, "fixed due date (basis date)"),
    Column("conditions", _T("conditions"), ColumnType.LIST, "payment conditions, ; separated"),
    Column(
        "interest_rate",
        _C("interest_rate"),
        ColumnType.RATE,
        "agreed late-interest rate, annual %",
        ("约定利率（%）", "约定利率（年%）"),
    ),
    Column("policy_ref", _C("policy_ref"), ColumnType.ID, "policy document number"),
    Column(
        "document_sha256",
        _C("document_sha256"),
        ColumnType.SHA256,
        "SHA-256 of the signed paper",
        ("合同文件哈希",),
    ),
    Column(
        "delivered_on", field_label(CommitmentDelivered, "date"), ColumnType.DATE, "delivery date"
    ),
    Column(
        "accepted_on", field_label(CommitmentAccepted, "date"), ColumnType.DATE, "acceptance date"
    ),
    Column("paid", "已付金额", ColumnType.MONEY, "amount paid, yuan"),
    Column("paid_on", _P("date"), ColumnType.DATE, "payment date"),
    Column(
        "method",
        _P("method"),
        ColumnType.ENUM,
        "payment method (blank: transfer)",
        choices=_enum_choices(PaymentMethod),
        synonyms=(
            ("银行转账", "transfer"),
            ("汇票", "bill"),
            ("票据", "bill"),
            ("应收账款电子凭证", "voucher"),
        ),
    ),
    Column("maturity", _P("maturity"), ColumnType.DATE, "bill or voucher maturity"),
    Column("reference", _P("reference"), ColumnType.ID, "payment reference"),
    Column(
        "confirmed",
        field_label(SettlementConfirmed, "amount"),
        ColumnType.MONEY,
        "settlement amount confirmed (basis settlement), yuan",
        ("确认结算金额", "进度结算金额"),
    ),
    Column(
        "confirmed_on",
        field_label(SettlementConfirmed, "date"),
        ColumnType.DATE,
        "settlement confirmation date",
    ),
    Column(
        "reversed_reference",
        field_label(PaymentReversed, "reference"),
        ColumnType.ID,
        "reference of the payment reversed",
        ("冲正凭证号",),
    ),
    Column("reversed_on", field_label(PaymentReversed, "date"), ColumnType.DATE, "reversal date"),
    Column(
        "reversal_reason",
        field_label(PaymentReversed, "reason"),
        ColumnType.TEXT,
        "why the payment is reversed",
    ),
    Column(
        "interest_paid",
        field_label(InterestPaid, "amount"),
        ColumnType.MONEY,
        "late interest paid, yuan",
    ),
    Column(
        "interest_paid_on",
        field_label(InterestPaid, "date"),
        ColumnType.DATE,
        "date the interest was paid",
    ),
    Column(
        "interest_reference",
        field_label(InterestPaid, "reference"),
        ColumnType.ID,
        "reference of the interest payment",
    ),
    Column("no", "序号", ColumnType.IGNORED, "row number (ignored)"),
    Column("note", "备注", ColumnType.IGNORED, "remarks (ignored)"),
)

# --------------------------------------------------------------------------
# headers


def normalise_header(text: str) -> str:
    """Fold a header for matching: NFKC (full-width → half-width), no whitespace, casefold.

    ``-`` and ``_`` are equivalent in English keys (``signed-on``).
    """
    folded = unicodedata.normalize("NFKC", text)
    return "".join(folded.split()).casefold().replace("-", "_")


_HEADER_INDEX: dict[str, Column] = {}
for _c in COLUMNS:
    for _name in (_c.key, _c.zh, *_c.aliases):
        _HEADER_INDEX[normalise_header(_name)] = _c


def _close_header(text: str) -> str | None:
    import difflib

    names = [c.zh for c in COLUMNS] + [c.key for c in COLUMNS]
    close = difflib.get_close_matches(text, names, n=1, cutoff=0.5)
    return close[0] if close else None


_WAN = ("(万元)", "/万元", "万元")
_YUAN = ("(元)", "/元")


def _lookup_header(text: str) -> Column | None:
    """The column a header names; an amount header may carry its unit: 金额（万元）, 金额（元）.

    A 万元 column is the same column with type :attr:`ColumnType.MONEY_WAN`:
    its cells are converted to fen exactly (:func:`_money_wan`).
    """
    norm = normalise_header(text)
    column = _HEADER_INDEX.get(norm)
    if column is not None:
        return column
    for suffixes, wan in ((_WAN, True), (_YUAN, False)):
        for suffix in suffixes:
            if norm.endswith(suffix) and len(norm) > len(suffix):
                base = _HEADER_INDEX.get(norm.removesuffix(suffix))
                if base is not None and base.type is ColumnType.MONEY:
                    return replace(base, type=ColumnType.MONEY_WAN) if wan else base
    return None


def map_headers(
    headers: Sequence[Cell], header_row: int, locate: Locator
) -> tuple[dict[int, Column], dict[str, str]]:
    """Map header cells to columns: ``({column index: Column}, {key: header text})``.

    Blank header cells are skipped (their column must stay empty).  Raises
    :class:`InputErrors` (or one :class:`BadInput`) naming every unknown or
    repeated header cell.
    """
    mapping: dict[int, Column] = {}
    labels: dict[str, str] = {}
    first: dict[str, int] = {}
    errors: list[BadInput] = []
    for i, raw in enumerate(headers):
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        text = str(raw).strip()
        column = _lookup_header(text)
        where = locate(header_row, i)
        if column is None:
            close = _close_header(text)
            errors.append(
                BadInput(
                    f"{where}: "
                    + both(
                        f"未知的列标题 {text!r}"
                        + (f"，是否应为 {close!r}" if close else "")
                        + "；可用的列标题见 'ledger import --help'",
                        f"unknown column header {text!r}"
                        + (f" (did you mean {close!r}?)" if close else "")
                        + "; run 'ledger import --help' for the headers",
                    )
                )
            )
            continue
        if column.key in first:
            other, at = labels[column.key], locate(header_row, first[column.key])
            errors.append(
                BadInput(
                    f"{where}: "
                    + both(
                        f"列标题 {text!r} 与 {other!r}（{at}）重复，两者都表示 {column.key}",
                        f"column header {text!r} repeats {other!r} ({at}); both mean {column.key}",
                    )
                )
            )
            continue
        first[column.key] = i
        labels[column.key] = text
        mapping[i] = column
    if errors:
        raise errors[0] if len(errors) == 1 else InputErrors(errors)
    if "commitment" not in labels:
        raise BadInput(
            f"{locate(header_row, None)}: "
            + both(
                f"表头中没有{_C('commitment')}列",
                f"the header has no {_C('commitment')} (commitment) column",
            )
        )
    return mapping, labels


def is_header_row(values: Sequence[Cell]) -> bool:
    """Whether a row looks like the header (it names the 合同编号/commitment column).

    Lets a sheet carry title rows above its header.
    """
    for v in values:
        if isinstance(v, str):
            col = _lookup_header(v)
            if col is not None and col.key == "commitment":
                return True
    return False


# --------------------------------------------------------------------------
# cells


class CellProblem(Exception):
    """Why a cell was refused (the caller adds where and which header).

    ``zh`` and ``en`` say it in Chinese and in English (``str()`` is the
    English); :func:`cell_message` puts them together with the header and the
    value, Chinese first.
    """

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en

    @classmethod
    def wrapping(cls, reason: str, en: str) -> CellProblem:
        """A problem reported by a parser (``中文（English）``) under an English lead-in."""
        zh, inner = split_both(reason)
        return cls(zh, f"{en}: {inner}")


def cell_message(label: str, value: Cell, problem: CellProblem) -> str:
    """``<header> <value>：<中文>（<header> <value> <English>）``: what a clerk reads about a cell."""
    v = show(value)
    return both(f"{label} {v}：{problem.zh}", f"{label} {v} {problem.en}")


def show(value: Cell) -> str:
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "..."
        return f'"{text}"'
    if isinstance(value, dt.date):
        return value.isoformat()
    return repr(value)


_TEXT_MONEY = re.compile(
    r"(?P<whole>0|[1-9][0-9]{0,2}(?:,[0-9]{3})+|[1-9][0-9]*)(?:\.(?P<places>[0-9]+))?", re.ASCII
)
_DATE_PATTERNS = (
    re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", re.ASCII),
    re.compile(r"([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})", re.ASCII),
    re.compile(r"([0-9]{4})\.([0-9]{1,2})\.([0-9]{1,2})", re.ASCII),
    re.compile(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日"),
)
_MIDNIGHT = re.compile(r"\s+0?0:00(?::00)?$", re.ASCII)
_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_HEX64 = re.compile(r"[0-9a-f]{64}", re.ASCII)
_LIST_SPLIT = re.compile(r"[;；\n]")


def _nfkc(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip()


def _money(value: Cell) -> int:
    if isinstance(value, bool):
        raise CellProblem("不是有效金额", "is not an amount")
    if isinstance(value, (int, float)):
        try:
            return fen_from_excel_number(value, "cell")
        except FieldError as exc:
            raise CellProblem.wrapping(exc.reason, "is not an exact amount") from None
    if not isinstance(value, str):
        raise CellProblem("不是有效金额", "is not an amount")
    text = _nfkc(value)
    m = _TEXT_MONEY.fullmatch(text)
    if m is None:
        raise CellProblem(
            "不是有效金额（只能是数字，千位分隔符只能写成 1,234,567.89 的样式）",
            "is not an amount (digits, thousands separators only as 1,234,567.89)",
        )
    places = m.group("places")
    if places is not None and len(places) > 2:
        raise CellProblem(
            "超过两位小数，不是有效金额", "is not an amount: more than two decimal places"
        )
    if places == "":
        raise CellProblem("不是有效金额", "is not an amount")
    try:
        return fen_from_decimal(Decimal(text.replace(",", "")), "cell")
    except (FieldError, InvalidOperation) as exc:
        reason = exc.reason if isinstance(exc, FieldError) else both("不是数字", "not a number")
        raise CellProblem.wrapping(reason, "is not an amount") from None


_TEXT_WAN = re.compile(
    r"(?:0|[1-9][0-9]{0,2}(?:,[0-9]{3})+|[1-9][0-9]*)(?:\.(?P<places>[0-9]{1,6}))?", re.ASCII
)


def _money_wan(value: Cell) -> int:
    """An amount in 万元, converted to fen exactly (1 万元 = 1,000,000 fen), never via float.

    A number cell is read as Excel shows it (the shortest decimal that gives the
    same double, ``repr``); more than six decimal places (finer than one fen)
    is refused, never rounded.
    """
    if isinstance(value, bool):
        raise CellProblem("不是有效金额", "is not an amount")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise CellProblem("不是有效金额", "is not an amount")
        number = Decimal(repr(value))
    elif isinstance(value, str):
        text = _nfkc(value).removesuffix("万元").removesuffix("万").strip()
        if _TEXT_WAN.fullmatch(text) is None:
            raise CellProblem(
                "不是以万元计的金额（只能是数字，至多 6 位小数，例如 12.345678）",
                "is not an amount in 万元 (digits, at most six decimal places: 12.345678)",
            )
        number = Decimal(text.replace(",", ""))
    else:
        raise CellProblem("不是有效金额", "is not an amount")
    if number < 0:
        raise CellProblem("金额不能为负", "is negative")
    yuan = number.scaleb(4)  # exact: only the exponent moves
    try:
        return fen_from_decimal(yuan, "cell")
    except FieldError as exc:
        if "decimal places" in exc.reason:
            raise CellProblem(
                "以万元计的金额至多 6 位小数（精确到分）",
                "in 万元 is finer than one fen: at most six decimal places",
            ) from None
        raise CellProblem.wrapping(exc.reason, "is not an amount") from None


def _date(value: Cell) -> dt.date:
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0, 0):
            raise CellProblem("带有时刻，应为日期", "carries a time of day; a date is expected")
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise CellProblem(
            "是数字而不是日期（请把单元格设为日期格式 yyyy-mm-dd）",
            "is a number, not a date (format the cell as a date, yyyy-mm-dd)",
        )
    if not isinstance(value, str):
        raise CellProblem("不是日期", "is not a date")
    text = _MIDNIGHT.sub("", _nfkc(value))
    for pattern in _DATE_PATTERNS:
        m = pattern.fullmatch(text)
        if m is not None:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                raise CellProblem("不是存在的日期", "is not a calendar date") from None
    raise CellProblem(
        "不是日期（应写作 YYYY-MM-DD、YYYY/M/D 或 YYYY年M月D日）",
        "is not a date (YYYY-MM-DD, YYYY/M/D or YYYY年M月D日)",
    )


def _days(value: Cell) -> int:
    if isinstance(value, bool):
        raise CellProblem("不是整天数", "is not a whole number of days")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer() and value >= 0:
            return int(value)
        raise CellProblem("不是整天数", "is not a whole number of days")
    if isinstance(value, str):
        text = _nfkc(value).removesuffix("天").strip()
        if _DIGITS.fullmatch(text) and len(text) <= 6:
            return int(text)
    raise CellProblem("不是整天数", "is not a whole number of days")


def _rate(value: Cell) -> str:
    if isinstance(value, bool):
        raise CellProblem("不是利率", "is not a rate")
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        text = format(Decimal(repr(value)).normalize(), "f")
    elif isinstance(value, str):
        text = _nfkc(value).removesuffix("%").strip()
    else:
        raise CellProblem("不是利率", "is not a rate")
    try:
        parse_rate(text, "cell")
    except FieldError as exc:
        raise CellProblem.wrapping(exc.reason, "is not an annual percent rate") from None
    return text


def _ident(value: Cell) -> str:
    if isinstance(value, bool):
        raise CellProblem("不是编号", "is not an id")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        raise CellProblem("是数字；编号请按文本填写", "is a number; enter ids as text")
    if isinstance(value, str):
        return value.strip()
    raise CellProblem("不是文本", "is not text")


def _text(value: Cell) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise CellProblem("不是文本", "is not text")


def _uscc(value: Cell) -> str:
    if not isinstance(value, str):
        raise CellProblem(
            "是数字而不是文本：Excel 已把统一社会信用代码改坏，请把该列设为文本格式",
            "is a number, not text: Excel has mangled the USCC; format the column as text (文本)",
        )
    return value.strip()


def _sha256(value: Cell) -> str:
    text = _text(value)
    if not _HEX64.fullmatch(text):
        raise CellProblem(
            "不是 SHA-256 哈希（64 位小写十六进制数字）",
            "is not a SHA-256 (64 lower-case hex digits)",
        )
    return text


def _list(value: Cell) -> list[str]:
    items = [part.strip() for part in _LIST_SPLIT.split(_text(value))]
    return [i for i in items if i]


_ENUM_INDEX: dict[str, dict[str, str]] = {}
for _c in COLUMNS:
    if _c.type is ColumnType.ENUM:
        idx: dict[str, str] = {}
        for value, zh in _c.choices:
            idx[normalise_header(value)] = idx[value] = idx[zh] = value
        for alias, value in _c.synonyms:
            idx[normalise_header(alias)] = idx[alias] = value
        _ENUM_INDEX[_c.key] = idx


def _enum(column: Column, value: Cell) -> str:
    index = _ENUM_INDEX[column.key]
    found = None
    if isinstance(value, str):  # exact spellings first: most cells come from the drop-down
        found = index.get(value) or index.get(normalise_header(value))
    if found is None:
        allowed = ", ".join(f"{zh}/{v}" for v, zh in column.choices)
        allowed_zh = "、".join(f"{zh}/{v}" for v, zh in column.choices)
        raise CellProblem(f"不是可选取值，可选：{allowed_zh}", f"is not one of {allowed}")
    return found


def convert_cell(column: Column, value: Cell) -> object:
    """Convert one non-blank cell to its body value (str, int fen, date, list...).

    Raises :class:`BadInput` with the reason (no location); :class:`SheetImporter`
    names the cell.
    """
    try:
        return convert(column, value)
    except CellProblem as exc:
        raise BadInput(cell_message(column.zh, value, exc)) from None


def convert(column: Column, value: Cell) -> object:
    t = column.type
    if t is ColumnType.MONEY:
        return _money(value)
    if t is ColumnType.MONEY_WAN:
        return _money_wan(value)
    if t is ColumnType.DATE:
        return _date(value)
    if t is ColumnType.ID:
        return _ident(value)
    if t is ColumnType.TEXT:
        return _text(value)
    if t is ColumnType.USCC:
        return _uscc(value)
    if t is ColumnType.ENUM:
        return _enum(column, value)
    if t is ColumnType.DAYS:
        return _days(value)
    if t is ColumnType.RATE:
        return _rate(value)
    if t is ColumnType.LIST:
        return _list(value)
    if t is ColumnType.SHA256:
        return _sha256(value)
    return value


def is_blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
