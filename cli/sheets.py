"""Read a 台账 sheet (xlsx or CSV) into plain rows of cell values.

The reading half of ``ledger import``: openpyxl and csv live here, the
conversion rules in :mod:`ledger.importer`.  Rows come out as
``(row number, values)`` with values as openpyxl gives them (None, str, int,
float, bool, datetime) or, for CSV, strings; :attr:`Sheet.locate` names a
cell for error messages (``台账.xlsx:Sheet1!F17``, ``file.csv:17``).
"""

from __future__ import annotations

import csv
import io
import itertools
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ledger.columns import Cell, Locator, is_header_row
from ledger.errors import BadInput, InputErrors

Row = tuple[int, tuple[Cell, ...]]

_HEADER_SEARCH = 10
"""A header may sit below up to this many title rows."""


@dataclass
class Sheet:
    """One sheet, its header found, its data rows still to be read."""

    name: str
    header_row: int
    headers: tuple[Cell, ...]
    rows: Iterator[Row]
    locate: Locator
    total_rows: int | None
    close: Callable[[], None] = field(default=lambda: None)
    notes: list[str] = field(default_factory=list)
    """Remarks for the clerk (a hidden sheet that was not read)."""


def open_sheet(
    path: str,
    sheet: str | None = None,
    encoding: str | None = None,
    *,
    include_hidden: bool = False,
) -> Sheet:
    """Open ``path`` (.xlsx/.xlsm or .csv) and find its header row.

    ``sheet`` picks a worksheet by name (default: the active one, the sheet
    Excel shows on opening).  A hidden sheet, and cells with content in
    hidden rows or columns, are refused unless ``include_hidden``; a formula
    cell with no saved value is always refused (its value is unknown).  CSV
    files are UTF-8 (a BOM is fine) or, failing that, GB18030 (what Excel
    writes on a Chinese Windows), unless ``encoding`` is given.
    """
    suffix = Path(path).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _open_xlsx(path, sheet, include_hidden)
    if suffix == ".csv":
        if sheet is not None:
            raise BadInput(f"{path}: --sheet applies to workbooks, not CSV files")
        return _open_csv(path, encoding)
    if suffix == ".xls":
        raise BadInput(f"{path}: the old .xls format is not read; save the workbook as .xlsx")
    raise BadInput(f"{path}: not a .xlsx or .csv file")


def _find_header(path: str, rows: Iterator[Row]) -> tuple[int, tuple[Cell, ...], Iterator[Row]]:
    """The header row and the rows after it.

    The header is the first row naming 合同编号 (commitment) among the first
    few rows (title rows above it are skipped), else the first non-blank row.
    """
    seen = list(itertools.islice(rows, _HEADER_SEARCH))
    at = next((i for i, (_, values) in enumerate(seen) if is_header_row(values)), None)
    if at is None:
        at = next(
            (
                i
                for i, (_, values) in enumerate(seen)
                if any(v is not None and str(v).strip() for v in values)
            ),
            None,
        )
    if at is None:
        raise BadInput(f"{path}: the sheet is empty (no header row)")
    no, headers = seen[at]
    return no, headers, itertools.chain(seen[at + 1 :], rows)


_BOMB_RATIO = 100
"""A member inflating more than this many times is refused (Apache POI's default minimum inflate ratio)."""
_BOMB_FLOOR = 10 << 20
"""Members smaller than this when inflated are never taken for bombs."""
_MAX_LISTED = 50
"""Problems found by the scan of a sheet that are listed one by one."""

# A malformed, hostile or truncated workbook makes openpyxl and the XML parser
# raise any of these; each means "not a readable workbook" (exit 2).
_UNREADABLE = (
    zipfile.BadZipFile,
    KeyError,
    OSError,
    ValueError,  # defusedxml's DTDForbidden, EntitiesForbidden...
    SyntaxError,  # xml.etree's ParseError
    TypeError,
    IndexError,
    AttributeError,
    EOFError,
    zlib.error,
)


def _check_archive(path: str) -> None:
    """Refuse a workbook whose members inflate like a zip bomb, before parsing anything.

    A 209 KB workbook once held a 200 MB title cell; real sheets compress
    far less than 100 to 1.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file") from None
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise BadInput(f"{path}: not a readable .xlsx workbook ({exc})") from None
    for info in infos:
        if info.file_size > _BOMB_FLOOR and info.file_size > _BOMB_RATIO * max(
            info.compress_size, 1
        ):
            raise BadInput(
                f"{path}: {info.filename} inflates {info.compress_size} bytes to "
                f"{info.file_size} (more than {_BOMB_RATIO} to 1): refused as a zip bomb, "
                "a real sheet compresses far less（工作簿内容异常膨胀，疑似压缩炸弹）"
            )


def _open_xlsx(path: str, name: str | None, include_hidden: bool) -> Sheet:
    import openpyxl
    from openpyxl.utils import get_column_letter

    _check_archive(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file") from None
    except _UNREADABLE as exc:
        raise BadInput(f"{path}: not a readable .xlsx workbook ({_why(exc)})") from None
    try:
        ws = _pick_sheet(path, wb, name, include_hidden)
        title = ws.title
        total = ws.max_row
        notes = [
            f"{path}: note: hidden sheet {s.title!r} was not read（隐藏工作表未读取）"
            for s in wb.worksheets
            if s is not ws and s.sheet_state != "visible"
        ]
        _scan(path, wb, ws, include_hidden)
    except BaseException:
        wb.close()
        raise
    # A wrong <dimension> would make openpyxl stop early and drop rows silently.
    ws.reset_dimensions()
    rows: Iterator[Row] = _guarded(path, enumerate(ws.iter_rows(values_only=True), start=1))
    letters: dict[int, str] = {}

    def locate(row: int, col: int | None) -> str:
        if col is None:
            return f"{path}:{title}!{row}:{row}"
        if col not in letters:
            letters[col] = get_column_letter(col + 1)
        return f"{path}:{title}!{letters[col]}{row}"

    try:
        header_row, headers, data = _find_header(path, rows)
    except BaseException:
        wb.close()
        raise
    return Sheet(
        title,
        header_row,
        headers,
        data,
        locate,
        None if total is None else max(total - header_row, 0),
        wb.close,
        notes,
    )


def _why(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__


def _guarded(path: str, rows: Iterator[Row]) -> Iterator[Row]:
    """``rows``, with a parse failure half-way turned into one clear error."""
    try:
        yield from rows
    except _UNREADABLE as exc:
        raise BadInput(f"{path}: not a readable .xlsx workbook ({_why(exc)})") from None


def _pick_sheet(path: str, wb: Any, name: str | None, include_hidden: bool) -> Any:
    """The worksheet to read: ``name``, else the active one; a hidden one needs ``include_hidden``."""
    if name is None:
        ws = wb.active
        if ws is None or ws not in wb.worksheets:
            raise BadInput(
                f"{path}: the active sheet is not a worksheet; choose one with --sheet "
                f"({', '.join(wb.sheetnames)})"
            )
    elif name in wb.sheetnames and wb[name] in wb.worksheets:
        ws = wb[name]
    else:
        raise BadInput(f"{path}: no sheet named {name!r}; sheets: {', '.join(wb.sheetnames)}")
    if ws.sheet_state != "visible" and not include_hidden:
        raise BadInput(
            f"{path}: sheet {ws.title!r} is hidden（工作表已隐藏）; unhide and check it, "
            "or give --include-hidden to import it"
        )
    return ws


class _Enough(Exception):
    """Stops the scan once enough problems are listed."""


class _Scan:
    """Expat handlers that find formula cells with no saved value and hidden content.

    Expat's own callbacks build no tree, so the second pass over the sheet's
    XML costs a fraction of openpyxl's.  A worksheet never has a DOCTYPE: one
    is refused, so no entity (external or billion-laughs) is ever declared.
    """

    def __init__(self, where: str, include_hidden: bool) -> None:
        self.where = where
        self.include_hidden = include_hidden
        self.hidden_rows: set[int] = set()
        self.hidden_cols: set[int] = set()
        self.problems: list[BadInput] = []
        self.row = 0
        self.col = 0
        self.ref = ""
        self.formula = self.value = self.in_v = False

    def doctype(self, *_: object) -> None:
        raise ValueError("a worksheet with a DOCTYPE (entities are not read)")

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = name.rpartition(" ")[2]
        if tag == "c":
            self.ref = attrs.get("r", "")
            self.formula = self.value = False
        elif tag == "v":
            self.in_v = True
        elif tag == "f":
            self.formula = True
        elif tag == "is":
            self.value = True
        elif tag == "row":
            r = attrs.get("r")
            self.row = int(r) if r else self.row + 1
            self.col = 0
            if attrs.get("hidden") in ("1", "true"):
                self.hidden_rows.add(self.row)
        elif tag == "col" and attrs.get("hidden") in ("1", "true"):
            lo, hi = int(attrs.get("min", "1")), int(attrs.get("max", "1"))
            self.hidden_cols.update(range(lo, min(hi, 16384) + 1))

    def text(self, data: str) -> None:
        if self.in_v and data:
            self.value = True

    def end(self, name: str) -> None:
        tag = name.rpartition(" ")[2]
        if tag == "v":
            self.in_v = False
        elif tag == "c":
            self._cell()

    def _cell(self) -> None:
        from openpyxl.utils import get_column_letter
        from openpyxl.utils.cell import (
            column_index_from_string,
            coordinate_from_string,
        )

        if self.ref:
            self.col = column_index_from_string(coordinate_from_string(self.ref)[0])
        else:
            self.col += 1
            self.ref = f"{get_column_letter(self.col)}{self.row}"
        at = f"{self.where}{self.ref}"
        if self.formula and not self.value:
            self.problems.append(
                BadInput(
                    f"{at}: a formula with no saved value（公式没有计算结果）; open the workbook "
                    "in Excel or WPS so it calculates, save it, and import again, or type the value"
                )
            )
        elif self.value and not self.include_hidden:
            if self.row in self.hidden_rows:
                self.problems.append(
                    BadInput(
                        f"{at}: the cell is in hidden row {self.row}（隐藏行）; "
                        "unhide and check it, or give --include-hidden"
                    )
                )
            elif self.col in self.hidden_cols:
                self.problems.append(
                    BadInput(
                        f"{at}: the cell is in hidden column {get_column_letter(self.col)}"
                        "（隐藏列）; unhide and check it, or give --include-hidden"
                    )
                )
        if len(self.problems) >= _MAX_LISTED:
            raise _Enough


def _scan(path: str, wb: Any, ws: Any, include_hidden: bool) -> None:
    """Refuse formula cells with no saved value, and content in hidden rows or columns.

    openpyxl's read-only mode shows neither (a formula without its cached
    value reads as blank, hidden rows as any other), so the sheet's XML is
    streamed once more and every such cell is named.
    """
    from xml.parsers import expat

    scan = _Scan(f"{path}:{ws.title}!", include_hidden)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = scan.doctype
    parser.StartElementHandler = scan.start
    parser.EndElementHandler = scan.end
    parser.CharacterDataHandler = scan.text
    try:
        with wb._archive.open(ws._worksheet_path) as fh:
            parser.ParseFile(fh)
    except _Enough:
        pass
    except (expat.ExpatError, *_UNREADABLE) as exc:
        raise BadInput(f"{path}: not a readable .xlsx workbook ({_why(exc)})") from None
    if scan.problems:
        raise scan.problems[0] if len(scan.problems) == 1 else InputErrors(scan.problems)


def _decode(path: str, raw: bytes, encoding: str | None) -> str:
    """The CSV's text: ``encoding`` if given, else UTF-8 or GB18030 when the text is plausible.

    Big5 or Shift-JIS bytes often decode as GB18030 without error, into
    garbage that would be signed forever; such garbage holds private-use or
    unassigned code points, so a guessed decoding that yields any is refused
    and the clerk asked for ``--encoding``.
    """
    if encoding is not None:
        try:
            return raw.decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise BadInput(f"{path}: cannot decode as {encoding}: {exc}") from None
    for guess in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(guess)
        except UnicodeDecodeError:
            continue
        name = "UTF-8" if guess == "utf-8-sig" else "GB18030"
        chars = {c for c in set(text) if not c.isascii()}
        odd = sorted(c for c in chars if unicodedata.category(c) in ("Co", "Cn"))
        if odd:
            line = text.count("\n", 0, text.index(odd[0])) + 1
            raise BadInput(
                f"{path}:{line}: read as {name}, the text holds U+{ord(odd[0]):04X}, a private-use "
                "or unassigned character: the file is probably in another encoding (Big5, "
                "Shift-JIS...); give --encoding（文件编码无法确定，请用 --encoding 指定，如 big5）"
            )
        if guess == "gb18030" and _mostly_rare(chars):
            raise BadInput(
                f"{path}: read as GB18030, most of its characters are rare ones outside GB2312, "
                "as when Shift-JIS or Big5 bytes are misread; give --encoding (gb18030 if the "
                "file really is)（文件疑似日文或繁体编码，请用 --encoding 指定）"
            )
        return text
    raise BadInput(
        f"{path}: neither UTF-8 nor GB18030 text; give --encoding（请用 --encoding 指定编码）"
    )


def _mostly_rare(chars: set[str]) -> bool:
    """Whether over a quarter of these distinct non-ASCII characters lie outside GB2312.

    A sheet written on a Chinese Windows uses GB2312's 6,763 common hanzi and
    symbols almost only (a rare name or two beside them); Shift-JIS kana and
    kanji read as GB18030 become rare GBK hanzi, nearly all outside it.
    """
    if not chars:
        return False
    rare = sum(1 for c in chars if not c.encode("gb2312", "ignore"))
    return rare * 4 > len(chars)


def _open_csv(path: str, encoding: str | None) -> Sheet:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise BadInput(f"{path}: cannot read: {exc.strerror}") from None
    text = _decode(path, raw, encoding)
    reader = csv.reader(io.StringIO(text, newline=""))

    def records() -> Iterator[Row]:
        while True:
            start = reader.line_num + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise BadInput(f"{path}:{start}: not valid CSV: {exc}") from None
            yield start, tuple(values)

    header_row, headers, data = _find_header(path, records())

    def locate(row: int, col: int | None) -> str:
        return f"{path}:{row}"

    return Sheet(path, header_row, headers, data, locate, text.count("\n") - header_row)
