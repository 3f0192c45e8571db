"""The annual disclosure (DOMAIN.md "Annual disclosure").

保障中小企业款项支付条例 art. 18 (2025 text; 2020 text art. 16): by 31 March
every organ and institution publishes how many contracts with SMEs were
overdue and unpaid at the end of the previous year, and for how much.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, Engine

from ledger.audit.assess import assessments
from ledger.audit.filtering import check_filter
from ledger.audit.history import Slice, gc_paused, load_registry, snapshot
from ledger.audit.legal import LegalRule, cite
from ledger.audit.lpr import LprTable, packaged_lpr
from ledger.audit.parallel import can_fork, plan_slices, run_slices
from ledger.audit.registry import RegistryView, region_matches
from ledger.audit.results import (
    AuditFilter,
    DisclosureReport,
    DisclosureRow,
    DisclosureTotals,
)
from ledger.events import AgencyCategory

__all__ = ["DISCLOSING_CATEGORIES", "disclosing_agencies", "disclosure_audit", "year_end"]

DISCLOSING_CATEGORIES = frozenset({AgencyCategory.ORGAN, AgencyCategory.INSTITUTION})


def year_end(year: int) -> dt.date:
    """31 December of ``year``: the date the disclosure describes."""
    return dt.date(year, 12, 31)


def disclosing_agencies(view: RegistryView) -> list[str]:
    """Organs and institutions not yet succeeded on the view's date, by id: each owes a
    disclosure, of zero if need be.  保障中小企业款项支付条例 art. 18 (2025; 2020 art. 16).
    """
    out = []
    for agency, reg in view.registry.agencies.items():
        if reg.event.category not in DISCLOSING_CATEGORIES:
            continue
        if view.agency_holder(agency, view.as_of) != agency:
            continue  # succeeded by then: its successor discloses
        out.append(agency)
    return sorted(out)


def _count_slice(
    conn: Connection,
    sl: Slice,
    view: RegistryView,
    table: LprTable,
    filt: AuditFilter,
    wanted: list[str],
) -> dict[str, tuple[int, int]]:
    """Overdue SME contracts and payables of one slice, by disclosing holder."""
    counts = {a: [0, 0] for a in wanted}
    for a in assessments(conn, view, table, filt, sl):
        if a.void is not None or not a.overdue or not a.sme_rules:
            continue
        row = counts.get(a.holder)
        if row is not None:
            row[0] += 1
            row[1] += a.outstanding
    return {a: (n, amount) for a, (n, amount) in counts.items()}


def disclosure_audit(
    engine: Engine,
    year: int,
    *,
    filters: AuditFilter | None = None,
    lpr: LprTable | None = None,
    jobs: int = 1,
) -> DisclosureReport:
    """Per organ or institution holding the obligation on 31 December ``year``: the number
    of contracts and payables with SME suppliers overdue that day, and their outstanding
    amount (disputed parts included).

    ``filters.agency`` and ``filters.region`` choose the rows (the agency, or
    the agencies of the region); ``filters.enterprise`` counts only that
    enterprise's commitments.  ``jobs`` as for
    :func:`ledger.audit.arrears.arrears_audit`.
    """
    as_of = year_end(year)
    table = lpr if lpr is not None else packaged_lpr()
    filt = filters if filters is not None else AuditFilter()
    with gc_paused(), snapshot(engine) as conn:
        registry = load_registry(conn)
        check_filter(registry, filt)
        view = RegistryView(registry, as_of)
        wanted = [
            a
            for a in disclosing_agencies(view)
            if (filt.agency is None or a == filt.agency)
            and (filt.region is None or region_matches(view.region(a), filt.region))
        ]
        only = AuditFilter(enterprise=filt.enterprise)
        slices = plan_slices(conn, jobs if can_fork(engine) else 1, registry.log_size)
        parts = run_slices(
            engine, conn, slices, lambda c, sl: _count_slice(c, sl, view, table, only, wanted)
        )
    counts = {a: [0, 0] for a in wanted}
    for part in parts:
        for agency, (n, amount) in part.items():
            counts[agency][0] += n
            counts[agency][1] += amount
    rows = []
    for agency in wanted:
        reg = registry.agencies[agency].event
        rows.append(
            DisclosureRow(
                agency=agency,
                name=reg.name,
                category=reg.category,
                region=reg.region,
                contracts=counts[agency][0],
                amount=counts[agency][1],
            )
        )
    totals = DisclosureTotals(
        agencies=len(rows),
        contracts=sum(r.contracts for r in rows),
        amount=sum(r.amount for r in rows),
    )
    return DisclosureReport(
        year=year,
        as_of=as_of,
        log_size=registry.log_size,
        filters=filt,
        agencies=tuple(rows),
        totals=totals,
        citations=cite(LegalRule.DISCLOSURE, dt.date(year + 1, 3, 31)),
    )
