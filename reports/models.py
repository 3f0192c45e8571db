"""Plain inputs shared by every report: what the log looked like, and names.

The report layer never reads the database: :mod:`ledger.report_inputs` gathers
the log state (:class:`LogAnchor`, defined there) and the names, and the caller
hands them over with the audit or verification results.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from ledger.report_inputs import LogAnchor, Names

__all__ = ["Directory", "LogAnchor", "ReportContext", "describe_scope"]


@dataclass(frozen=True, slots=True)
class Directory:
    """Names beside ids: agencies, officials and enterprises (empty when unknown)."""

    agencies: Mapping[str, str] = field(default_factory=dict)
    officials: Mapping[str, str] = field(default_factory=dict)
    enterprises: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, names: Names) -> Directory:
        """The names the ledger gathered (:func:`ledger.report_inputs.load_names`)."""
        return cls(names.agencies, names.officials, names.enterprises)

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
    scope: str = "全部承诺（未筛选）"
    """What the figures cover, printed on the cover: the filters, in words."""
    commands: tuple[tuple[str, str], ...] = ()
    """(caption, exact command) pairs printed on the last page: how to recompute it."""
    issuer: str | None = None
    """出具单位, printed in the issuer/date/seal block (a blank line to fill in when None)."""
    marking: str | None = None
    """A handling marking such as ``内部``, printed on every page."""
    site_url: str | None = None
    """The published site (FORMATS.md §9): the cover's second QR code opens its receipt check."""


def describe_scope(
    directory: Directory,
    *,
    agency: str | None = None,
    region: str | None = None,
    enterprise: str | None = None,
    subject: str = "承诺",
) -> str:
    """The filters of an audit in words, for the cover (CLI.md "Filters mean the same everywhere").

    ``subject`` names what is selected (``承诺``, or ``机关`` for the disclosure's rows).
    """
    parts: list[str] = []
    if agency is not None:
        parts.append(f"机关 {directory.agency(agency)} 于截止日持有或签署的{subject}")
    if region is not None:
        within = "（含所辖区县）" if region.endswith("00") else ""
        parts.append(f"行政区划 {region}{within}内机关的{subject}")
    if enterprise is not None:
        parts.append(f"企业 {directory.enterprise(enterprise)} 的{subject}")
    if not parts:
        return f"全部{subject}（未按机关、区划或企业筛选）"
    return "仅限：" + "；且".join(parts)
