"""The reference tables an audit may be given as files: the LPR and the working-day
calendar.  Both are UTF-8 CSV (a byte-order mark allowed), a header row, then one
row a date.  One reader serves both, so both name the file, the line and the column
of a fault the same way, Chinese first, and neither is written twice.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from ledger.errors import BadInput

__all__ = ["dated_rows"]


def dated_rows(
    data: bytes, source: str, columns: tuple[str, ...], rows_zh: str, rows_en: str
) -> list[tuple[int, dt.date, dict[str, str]]]:
    """``(line, date, cells)`` of every non-blank row of a dated CSV table.

    ``columns`` are the columns the header must name, the date column first;
    each row's date must be ``YYYY-MM-DD`` and appear once.  ``rows_zh`` and
    ``rows_en`` name the rows in the error for a table with none.
    :class:`BadInput` naming ``source`` and the line on any fault.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(
            f"{source}：不是 UTF-8 文本（{source}: not UTF-8 text ({exc.reason} at byte {exc.start}))"
        ) from exc
    date_column = columns[0]
    reader = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    out: list[tuple[int, dt.date, dict[str, str]]] = []
    seen: set[dt.date] = set()
    for record in reader:
        line = reader.line_num
        if not record or all(not c.strip() for c in record):
            continue
        if header is None:
            header = [c.strip() for c in record]
            missing = [c for c in columns if c not in header]
            if missing:
                names = ",".join(columns)
                raise BadInput(
                    f"{source}:{line}：表头须有 {names} 列，缺 {'、'.join(missing)}"
                    f"（{source}:{line}: the header must name the columns {names} "
                    f"(missing {', '.join(missing)}))"
                )
            continue
        cells = dict(zip(header, (c.strip() for c in record), strict=False))
        raw = cells.get(date_column, "")
        try:
            if len(raw) != 10:
                raise ValueError(raw)
            day = dt.date.fromisoformat(raw)
        except ValueError:
            raise BadInput(
                f"{source}:{line}：{date_column} 列 {raw!r} 不是 YYYY-MM-DD 日期"
                f"（{source}:{line}: column {date_column}: {raw!r} is not a date YYYY-MM-DD)"
            ) from None
        if day in seen:
            raise BadInput(
                f"{source}:{line}：{date_column} 列日期 {day} 重复"
                f"（{source}:{line}: column {date_column}: {day} is listed twice)"
            )
        seen.add(day)
        out.append((line, day, cells))
    if not out:
        raise BadInput(
            f"{source}：没有{rows_zh}行（{source}: no {rows_en} rows "
            f"(header {','.join(columns)}, then one row a date))"
        )
    return out
