"""Plain inputs shared by every report: what the log looked like, and names.

The report layer never reads the database: the caller (the CLI) hands it
these, with the audit or verification results.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["Directory", "LogAnchor", "ReportContext"]


@dataclass(frozen=True, slots=True)
class LogAnchor:
    """The log state a report rests on, printed on its cover.

    ``size`` and ``root`` are the tree the figures were computed from;
    ``checkpoint`` is the signed checkpoint note (signatures included) that a
    reader checks the printed copy against: normally for the same size.
    """

    origin: str
    size: int
    root: bytes
    checkpoint: str | None = None
    checkpoint_size: int | None = None


@dataclass(frozen=True, slots=True)
class Directory:
    """Names beside ids: agencies, officials and enterprises (empty when unknown)."""

    agencies: Mapping[str, str] = field(default_factory=dict)
    officials: Mapping[str, str] = field(default_factory=dict)
    enterprises: Mapping[str, str] = field(default_factory=dict)

    def agency(self, aid: str, name: str | None = None) -> str:
        """``岳阳市财政局（yy-czj）``, or the id alone when no name is known."""
        n = name or self.agencies.get(aid)
        return f"{n}（{aid}）" if n else aid

    def official(self, oid: str | None) -> str:
        """The official's name and id, or ``—`` for none."""
        if oid is None:
            return "—"
        n = self.officials.get(oid)
        return f"{n}（{oid}）" if n else oid

    def enterprise(self, uscc: str, name: str | None = None) -> str:
        """The enterprise's name and USCC, or the USCC alone."""
        n = name or self.enterprises.get(uscc)
        return f"{n}（{uscc}）" if n else uscc


@dataclass(frozen=True, slots=True)
class ReportContext:
    """Everything a report prints besides its own results."""

    as_of: dt.date
    generated_at: dt.datetime
    """Aware instant; fixed by the caller for byte-reproducible output."""
    anchor: LogAnchor
    directory: Directory = field(default_factory=Directory)
    generator: str = "commitment-ledger"
    """What produced the report (printed in the PDF metadata)."""
