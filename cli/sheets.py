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
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ledger.columns import Cell, Locator, is_header_row
from ledger.errors import BadInput

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


def open_sheet(path: str, sheet: str | None = None, encoding: str | None = None) -> Sheet:
    """Open ``path`` (.xlsx/.xlsm or .csv) and find its header row.

    ``sheet`` picks a worksheet by name (default: the first one); CSV files
    are UTF-8 (a BOM is fine) or, failing that, GB18030 (what Excel writes on
    a Chinese Windows), unless ``encoding`` is given.
    """
    suffix = Path(path).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _open_xlsx(path, sheet)
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


def _open_xlsx(path: str, name: str | None) -> Sheet:
    import openpyxl  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file") from None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise BadInput(f"{path}: not a readable .xlsx workbook ({exc})") from None
    if name is None:
        ws = wb.worksheets[0]
    elif name in wb.sheetnames:
        ws = wb[name]
    else:
        wb.close()
        raise BadInput(f"{path}: no sheet named {name!r}; sheets: {', '.join(wb.sheetnames)}")
    title = ws.title
    total = ws.max_row
    # A wrong <dimension> would make openpyxl stop early and drop rows silently.
    ws.reset_dimensions()
    rows: Iterator[Row] = enumerate(ws.iter_rows(values_only=True), start=1)
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
    )


def _decode(path: str, raw: bytes, encoding: str | None) -> str:
    if encoding is not None:
        try:
            return raw.decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise BadInput(f"{path}: cannot decode as {encoding}: {exc}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        raise BadInput(f"{path}: neither UTF-8 nor GB18030 text; give --encoding") from None


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
