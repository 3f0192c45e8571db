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
import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path

from ledger.audit.results import LprInfo, LprSource
from ledger.audit.tablefile import dated_rows
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
    rows: dict[dt.date, Decimal] = {}
    for line, day, cells in dated_rows(data, source, _REQUIRED, "利率", "LPR"):
        try:
            rows[day] = parse_rate(cells.get("rate_percent", ""), "rate_percent")
        except FieldError as exc:
            raise BadInput(
                f"{source}:{line}：rate_percent 列不是有效的年利率（{source}:{line}: column {exc})"
            ) from None
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
