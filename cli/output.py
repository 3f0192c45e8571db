"""Output helpers shared by commands: JSON, tables, files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from ledger.jsontext import pretty_json
from ledger.text import spreadsheet_cell, terminal_safe

F = TypeVar("F", bound=Callable[..., Any])


def dump_json(obj: Any) -> str:
    """Pretty JSON, UTF-8 text kept readable (:func:`ledger.jsontext.pretty_json`)."""
    return pretty_json(obj)


def emit(text: str, out: str | None, *, also_print: bool = False) -> None:
    """Print ``text``, or with ``-o FILE`` write it to FILE instead (``-`` is stdout).

    ``also_print`` keeps printing it too (``checkpoint`` and ``cosign``, whose
    note CLI.md says is printed).
    """
    if not out or out == "-":
        click.echo(text, nl=False)
        return
    if also_print:
        click.echo(text, nl=False)
    write_text(out, text)


def write_text(out: str, text: str) -> None:
    """Write ``text`` to ``out`` (UTF-8) and say so on stderr; exit 3 if it cannot be written."""
    from ledger.errors import EnvironmentProblem

    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise EnvironmentProblem(f"{out}：无法写入（cannot write: {exc.strerror}）") from exc
    wrote(out)


def wrote(out: str) -> None:
    """``已写入 FILE（wrote FILE）`` on stderr, unless -q."""
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_root().obj if ctx is not None else None
    if not getattr(obj, "quiet", False):
        click.echo(f"已写入 {out}（wrote {out}）", err=True)


BOM = "\ufeff"
"""UTF-8 byte-order mark: Excel on Chinese Windows reads a CSV as GBK without it."""

MONEY_COLUMNS = frozenset(
    {
        "amount",
        "agreed_amount",
        "principal",
        "paid",
        "outstanding",
        "disputed",
        "overdue_amount",
        "interest",
        "waived",
        "written_off",
    }
)
"""Columns holding two-place decimal amounts (numbers in a workbook)."""


def want_bom() -> bool:
    """Whether CSV output starts with a BOM (the default; not with --no-bom)."""
    ctx = click.get_current_context(silent=True)
    return ctx is not None and not ctx.meta.get("ledger.no_bom", False)


def render(rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str) -> str:
    """Render rows as an aligned table, JSON or CSV.

    CSV cells that a spreadsheet would run as formulas are neutralised
    (:func:`~ledger.text.spreadsheet_cell`) and the text starts with a UTF-8
    BOM unless ``--no-bom``; table cells are made safe for a terminal.
    Booleans read 是/否 and nested values ``key: value`` outside JSON.
    """
    if fmt == "json":
        return dump_json(list(rows))
    if fmt == "csv":
        buf = io.StringIO()
        if want_bom():
            buf.write(BOM)
        w = csv.DictWriter(
            buf, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n"
        )
        w.writeheader()
        for r in rows:
            w.writerow({c: spreadsheet_cell(_cell(r.get(c))) for c in columns})
        return buf.getvalue()
    cells = [[terminal_safe(_cell(r.get(c))) for c in columns] for r in rows]
    heads = _headers(columns)
    widths = [max([_width(h), *(_width(row[i]) for row in cells)]) for i, h in enumerate(heads)]
    lines = ["  ".join(h + " " * (widths[i] - _width(h)) for i, h in enumerate(heads)).rstrip()]
    for row in cells:
        lines.append(
            "  ".join(v + " " * (widths[i] - _width(v)) for i, v in enumerate(row)).rstrip()
        )
    return "\n".join(lines) + "\n"


def with_names(columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> list[str]:
    """``columns`` with each ``X_name`` the rows carry placed right after ``X``: names beside ids."""
    have = {k for r in rows[:1] for k in r}
    out: list[str] = []
    for c in columns:
        out.append(c)
        if f"{c}_name" in have and f"{c}_name" not in columns:
            out.append(f"{c}_name")
    return out


def _headers(columns: Sequence[str]) -> list[str]:
    """Table headers: the keys in English, the Chinese column names for Chinese users."""
    from ledger_cli.i18n import language

    if language() == "en":
        return list(columns)
    from ledger_reports.labels import COLUMN

    return [COLUMN.get(c, c) for c in columns]


def output_rows(
    rows: Iterable[dict[str, Any]],
    columns: Sequence[str],
    fmt: str | None,
    out: str | None,
    *,
    sheet: str = "数据",
) -> None:
    """Print or write rows in the chosen format; ``xlsx`` needs ``-o FILE.xlsx``."""
    fmt = resolve_format(fmt)
    if fmt == "xlsx":
        write_xlsx(out, [(sheet, list(rows), columns)])
        return
    emit(render(list(rows), columns, fmt), out)


def write_xlsx(
    out: str | None, sheets: Sequence[tuple[str, Sequence[dict[str, Any]], Sequence[str]]]
) -> None:
    """Write sheets of rows to an .xlsx workbook: Chinese headers, amounts as numbers."""
    from decimal import Decimal, InvalidOperation

    from ledger_reports.labels import COLUMN
    from ledger_reports.xlsx import SheetData, write_workbook

    from ledger.errors import BadInput, EnvironmentProblem

    if not out or out == "-":
        raise BadInput(
            "--format xlsx 需要 -o 文件.xlsx（xlsx is written to a file: give -o FILE.xlsx）"
        )

    def cell(column: str, v: Any) -> Any:
        if v is None or isinstance(v, bool | int):
            return ("是" if v else "否") if isinstance(v, bool) else v
        if column in MONEY_COLUMNS and isinstance(v, str):
            try:
                return Decimal(v)
            except InvalidOperation:
                return v
        if isinstance(v, str) and len(v) == 10 and v[4] == "-" and v[7] == "-":
            try:
                return dt.date.fromisoformat(v)
            except ValueError:
                return v
        return _cell(v)

    sheets = [(title, rows, with_names(columns, rows)) for title, rows, columns in sheets]
    data = [
        SheetData(
            title=title,
            headers=[COLUMN.get(c, c) for c in columns],
            rows=([cell(c, r.get(c)) for c in columns] for r in rows),
            money=frozenset(i for i, c in enumerate(columns) if c in MONEY_COLUMNS),
        )
        for title, rows, columns in sheets
    ]
    try:
        write_workbook(out, data)
    except OSError as exc:
        raise EnvironmentProblem(f"{out}：无法写入（cannot write: {exc.strerror}）") from exc
    wrote(out)


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, dict):
        return "；".join(f"{k}: {_cell(x)}" for k, x in v.items())
    if isinstance(v, list | tuple):
        sep = "；" if any(isinstance(x, dict) for x in v) else ","
        return sep.join(_cell(x) for x in v)
    return str(v)


def _width(s: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _no_bom(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    ctx.meta["ledger.no_bom"] = value


def format_option(f: F) -> F:
    """``--format table|json|csv|xlsx`` and ``--no-bom``, shared by every listing command."""
    f = click.option(
        "--no-bom",
        is_flag=True,
        expose_value=False,
        callback=_no_bom,
        help="CSV without the UTF-8 byte-order mark (for programs; Excel needs it).",
    )(f)
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "json", "csv", "xlsx"]),
        default=None,
        help="Output format [default: table on a terminal, JSON otherwise]; "
        "csv starts with a UTF-8 BOM for Excel; xlsx needs -o FILE.xlsx.",
    )(f)


def resolve_format(fmt: str | None) -> str:
    """Table on a TTY, JSON otherwise, unless chosen."""
    if fmt:
        return fmt
    return "table" if sys.stdout.isatty() else "json"


verify_format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help='text for people; json prints one object for programs ({"ok": false, ...} on a '
    "failure, with the same exit code).",
)


@contextmanager
def json_verdict(fmt: str) -> Iterator[None]:
    """With ``--format json``, a failure is also printed as ``{"ok": false, ...}`` on stdout."""
    from ledger.errors import LedgerError

    if fmt != "json":
        yield
        return
    try:
        yield
    except LedgerError as exc:
        click.echo(
            dump_json(
                {
                    "ok": False,
                    "exit_code": exc.exit_code,
                    "code": exc.code,
                    "error": str(exc),
                    "seq": getattr(exc, "seq", None),
                }
            ),
            nl=False,
        )
        raise
