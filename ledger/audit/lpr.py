"""The one-year Loan Prime Rate table (1年期LPR): package data a user can extend or replace.

The table floors an agreed late-interest rate (保障中小企业款项支付条例 art. 17,
2020 text art. 15: not below the one-year LPR in force when the contract was
signed).  It ships as ``ledger/data/lpr_1y.csv`` (provenance in
``ledger/data/README.md``); a user file of the same format either extends it
(its rows are added, a row for a date already listed replaces that row) or
replaces it.  :attr:`LprTable.info` names every file read with the SHA-256 of
its bytes, so an audit says exactly which table it used.

Format: UTF-8 CSV with the header ``effective,rate_percent`` (a ``note``
column and any further columns are allowed and ignored); ``effective`` is
``YYYY-MM-DD``, ``rate_percent`` an annual percent like ``3.45``; one row per
date; a date not listed carries the last row before it.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path

from ledger.audit.results import LprInfo, LprSource
from ledger.errors import BadInput, FieldError
from ledger.money import parse_rate

__all__ = ["PACKAGED_SOURCE", "LprTable", "load_lpr", "packaged_lpr", "parse_lpr_csv"]

PACKAGED_SOURCE = "package:ledger/data/lpr_1y.csv"

_REQUIRED = ("effective", "rate_percent")


@dataclass(frozen=True, slots=True)
class LprTable:
    """LPR rows sorted by date, and where they came from."""

    dates: tuple[dt.date, ...]
    rates: tuple[Decimal, ...]
    info: LprInfo

    def rate_on(self, day: dt.date) -> Decimal | None:
        """The one-year LPR in force on ``day`` (annual percent); None before the first row."""
        i = bisect.bisect_right(self.dates, day)
        return self.rates[i - 1] if i else None


def parse_lpr_csv(data: bytes, source: str) -> dict[dt.date, Decimal]:
    """Parse an LPR CSV; :class:`BadInput` naming ``source``, line and column on any fault."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(f"{source}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    reader = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    rows: dict[dt.date, Decimal] = {}
    for record in reader:
        line = reader.line_num
        if not record or all(not c.strip() for c in record):
            continue
        if header is None:
            header = [c.strip() for c in record]
            missing = [c for c in _REQUIRED if c not in header]
            if missing:
                raise BadInput(
                    f"{source}:{line}: the header must name the columns effective,rate_percent "
                    f"(missing {', '.join(missing)})"
                )
            continue
        cells = dict(zip(header, (c.strip() for c in record), strict=False))
        raw_date = cells.get("effective", "")
        try:
            day = dt.date.fromisoformat(raw_date)
            if len(raw_date) != 10:
                raise ValueError(raw_date)
        except ValueError:
            raise BadInput(
                f"{source}:{line}: column effective: {raw_date!r} is not a date YYYY-MM-DD"
            ) from None
        try:
            rate = parse_rate(cells.get("rate_percent", ""), "rate_percent")
        except FieldError as exc:
            raise BadInput(f"{source}:{line}: column {exc}") from None
        if day in rows:
            raise BadInput(f"{source}:{line}: column effective: {day} is listed twice")
        rows[day] = rate
    if not rows:
        raise BadInput(
            f"{source}: no LPR rows (header effective,rate_percent, then one row a date)"
        )
    return rows


def _table(rows: dict[dt.date, Decimal], mode: str, sources: tuple[LprSource, ...]) -> LprTable:
    dates = tuple(sorted(rows))
    info = LprInfo(
        mode=mode,
        sources=sources,
        rows=len(dates),
        first=dates[0] if dates else None,
        last=dates[-1] if dates else None,
    )
    return LprTable(dates, tuple(rows[d] for d in dates), info)


def _packaged_bytes() -> bytes:
    return resources.files("ledger").joinpath("data/lpr_1y.csv").read_bytes()


def packaged_lpr() -> LprTable:
    """The table shipped with the package."""
    data = _packaged_bytes()
    rows = parse_lpr_csv(data, PACKAGED_SOURCE)
    source = LprSource(PACKAGED_SOURCE, hashlib.sha256(data).hexdigest(), len(rows))
    return _table(rows, "packaged", (source,))


def load_lpr(path: str | Path | None = None, *, replace: bool = False) -> LprTable:
    """The packaged table, extended (or, with ``replace``, replaced) by a user file.

    Extending adds the file's rows and lets a row for a date the package
    lists replace it.  :class:`BadInput` when the file cannot be read or
    parsed, or when ``replace`` is asked without a file.
    """
    if path is None:
        if replace:
            raise BadInput("replacing the LPR table needs a file (--lpr FILE)")
        return packaged_lpr()
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise BadInput(f"{name}: cannot read the LPR table: {exc.strerror}") from exc
    user = parse_lpr_csv(data, name)
    user_source = LprSource(name, hashlib.sha256(data).hexdigest(), len(user))
    if replace:
        return _table(user, "replaced", (user_source,))
    base = packaged_lpr()
    rows = dict(zip(base.dates, base.rates, strict=True))
    rows.update(user)
    return _table(rows, "extended", (*base.info.sources, user_source))
