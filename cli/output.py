"""Output helpers shared by commands: JSON, tables, files."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from ledger.text import spreadsheet_cell, terminal_safe


def dump_json(obj: Any) -> str:
    """Pretty JSON, UTF-8 text kept readable."""
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


def emit(text: str, out: str | None) -> None:
    """Print ``text`` and, with ``--out``, also write it to a file.

    What is printed has its control and format characters escaped
    (:func:`~ledger.text.terminal_safe`); the file gets the text as it is.
    """
    click.echo(terminal_safe(text), nl=False)
    if out:
        Path(out).write_text(text, encoding="utf-8")


def render(rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str) -> str:
    """Render rows as an aligned table, JSON or CSV.

    CSV cells that a spreadsheet would run as formulas are neutralised
    (:func:`~ledger.text.spreadsheet_cell`); table cells are made safe for
    a terminal.
    """
    if fmt == "json":
        return dump_json(list(rows))
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(
            buf, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n"
        )
        w.writeheader()
        for r in rows:
            w.writerow({c: spreadsheet_cell(_cell(r.get(c))) for c in columns})
        return buf.getvalue()
    cells = [[terminal_safe(_cell(r.get(c))) for c in columns] for r in rows]
    widths = [max([len(c), *(_width(row[i]) for row in cells)]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(widths[i]) for i, c in enumerate(columns)).rstrip()]
    for row in cells:
        lines.append(
            "  ".join(v + " " * (widths[i] - _width(v)) for i, v in enumerate(row)).rstrip()
        )
    return "\n".join(lines) + "\n"


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, list | tuple):
        return ",".join(str(x) for x in v)
    return str(v)


def _width(s: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default=None,
    help="Output format [default: table on a terminal, JSON otherwise].",
)


def resolve_format(fmt: str | None) -> str:
    """Table on a TTY, JSON otherwise, unless chosen."""
    if fmt:
        return fmt
    return "table" if sys.stdout.isatty() else "json"
