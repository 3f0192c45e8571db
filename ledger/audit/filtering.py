"""Refuse an audit filter naming nothing in the log (CLI.md: "an unknown value is refused").

A typo in ``--agency`` must not give a clean report: the filter would match
no commitment and the audit would say "0 findings" under a signed-looking
cover.  Every audit checks its filter against the registry before it reads
a commitment, and the error names the closest ids (with their names) so the
clerk sees what was meant.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping

from ledger.audit.history import Registry
from ledger.audit.registry import region_matches
from ledger.audit.results import AuditFilter
from ledger.errors import BadInput

__all__ = ["UnknownFilterValue", "check_filter"]


class UnknownFilterValue(BadInput):
    """``--agency``, ``--region`` or ``--enterprise`` names nothing registered in the log."""

    code = "E-FILTER-UNKNOWN"

    def __init__(self, option: str, value: str, what: str, suggestions: list[str]) -> None:
        hint = f"；最接近的（closest）：{'、'.join(suggestions)}" if suggestions else ""
        super().__init__(
            f"{option} {value!r}：账本中没有此{what}（no such {_EN[what]} in the log）{hint}；"
            "未做审计，未写任何文件（nothing was audited or written）"
        )
        self.option = option
        self.value = value
        self.suggestions = suggestions


_EN = {"机关": "agency", "行政区划": "region", "企业": "enterprise"}


def _closest(value: str, names: Mapping[str, str], n: int = 3) -> list[str]:
    """Ids closest to ``value``, ignoring case; by name too (``岳阳市财政局`` finds its id)."""
    lower = {i.casefold(): i for i in names}
    picks = [lower[m] for m in difflib.get_close_matches(value.casefold(), list(lower), n, 0.5)]
    by_name = {name: i for i, name in names.items() if name}
    for name in difflib.get_close_matches(value, list(by_name), n=n, cutoff=0.5):
        if by_name[name] not in picks:
            picks.append(by_name[name])
    return [f"{i}（{names[i]}）" if names.get(i) else i for i in picks[:n]]


def _regions(registry: Registry) -> dict[str, str]:
    out: dict[str, str] = {}
    for _aid, rec in sorted(registry.agencies.items()):
        out.setdefault(rec.event.region, rec.event.name)
    return out


def check_filter(registry: Registry, filters: AuditFilter, as_of: dt.date) -> None:
    """Raise :class:`UnknownFilterValue` unless every value set in ``filters`` is in the log.

    ``agency`` must be a registered agency; ``region`` must take in the region
    of at least one registered agency (itself, or a county of a city code
    ending in ``00``); ``enterprise`` must be a registered USCC.  Registration
    has no date, so an agency registered after the audit date is still known
    (its filter then selects nothing, truthfully).  The suggestions for an unknown
    value name enterprises as of ``as_of``, the audit's date.
    """
    if filters.agency is not None and filters.agency not in registry.agencies:
        names = {a: r.event.name for a, r in registry.agencies.items()}
        raise UnknownFilterValue(
            "--agency", filters.agency, "机关", _closest(filters.agency, names)
        )
    if filters.region is not None:
        regions = _regions(registry)
        if not any(region_matches(r, filters.region) for r in regions):
            raise UnknownFilterValue(
                "--region", filters.region, "行政区划", _closest(filters.region, regions)
            )
    if filters.enterprise is not None and filters.enterprise not in registry.enterprises:
        names = {u: r.name_on(as_of) for u, r in registry.enterprises.items()}  # as the audit names
        raise UnknownFilterValue(
            "--enterprise", filters.enterprise, "企业", _closest(filters.enterprise, names)
        )
