"""The annual disclosure (DOMAIN.md "Annual disclosure").

保障中小企业款项支付条例 art. 18 (2025 text; 2020 text art. 16): by 31 March
every organ, institution and association (art. 36; 2020 art. 28) publishes
how many contracts with SMEs were overdue and unpaid at the end of the
previous year, and for how much; large enterprises (SOEs) publish the same
figures in their annual report (art. 18 para. 2).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, Engine

from ledger.audit.assess import assessments
from ledger.audit.calendar import WorkCalendar, fresh_calendar
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
from ledger.domain.events import AgencyCategory

__all__ = ["DISCLOSING_CATEGORIES", "disclosing_agencies", "disclosure_audit", "year_end"]

DISCLOSING_CATEGORIES = frozenset(
    {AgencyCategory.ORGAN, AgencyCategory.INSTITUTION, AgencyCategory.ASSOCIATION}
)
"""Organs, institutions and associations (which follow the rules for institutions, art. 36)."""


def year_end(year: int) -> dt.date:
    """31 December of ``year``: the date the disclosure describes."""
    return dt.date(year, 12, 31)


def disclosing_agencies(view: RegistryView) -> list[str]:
    """Organs, institutions and associations that exist on the view's date, by id: not
    succeeded in full on or before it, and not ``established`` after it.  Each owes a
    disclosure, of zero if need be.  保障中小企业款项支付条例 art. 18, 36 (2025; 2020 art. 16, 28).
    """
    out = []
    day = view.as_of
    for agency, reg in view.registry.agencies.items():
        if reg.event.category not in DISCLOSING_CATEGORIES:
            continue
        established = reg.event.established
        if established is not None and established > day:
            continue
        if view.agency_holder(agency, day) != agency:
            continue  # succeeded in full by then: its successor discloses
        out.append(agency)
    return sorted(out)


def _count_slice(
    conn: Connection,
    sl: Slice,
    view: RegistryView,
    table: LprTable,
    filt: AuditFilter,
    wanted: list[str],
    cal: WorkCalendar,
) -> tuple[dict[str, tuple[int, int]], dict[str, tuple[int, int]], set[int]]:
    """Overdue SME contracts and payables of one slice, by disclosing holder; the same for
    every SOE holding an SME contract or payable; the years looked up outside the calendar."""
    counts = {a: [0, 0] for a in wanted}
    soes: dict[str, list[int]] = {}
    for a in assessments(conn, view, table, filt, sl, cal):
        if a.void is not None or not a.sme_rules:
            continue
        row = counts.get(a.holder)
        if row is None and a.holder_category is AgencyCategory.SOE:
            row = soes.setdefault(a.holder, [0, 0])
        if row is not None and a.overdue:
            row[0] += 1
            row[1] += a.overdue_amount
    return (
        {a: (n, amount) for a, (n, amount) in counts.items()},
        {a: (n, amount) for a, (n, amount) in soes.items()},
        set(cal.uncovered),
    )


def _row(view: RegistryView, agency: str, n: int, amount: int) -> DisclosureRow:
    reg = view.registry.agencies[agency].event
    return DisclosureRow(
        agency=agency,
        name=reg.name,
        category=reg.category,
        region=reg.region,
        contracts=n,
        amount=amount,
    )


def disclosure_audit(
    engine: Engine,
    year: int,
    *,
    filters: AuditFilter | None = None,
    lpr: LprTable | None = None,
    jobs: int = 1,
    calendar: WorkCalendar | None = None,
) -> DisclosureReport:
    """Per organ, institution or association holding the obligation on 31 December ``year``:
    the number of contracts and payables with SME suppliers overdue that day (by the
    contractual or statutory due date) and the sum of their ``overdue_amount`` (disputed
    parts included); beside them (``annual_report``), the same figures for every SOE holding
    at least one such contract or payable that day, zero rows included (art. 18 para. 2).

    ``filters.agency`` and ``filters.region`` choose the rows (the agency, or
    the agencies of the region); ``filters.enterprise`` counts only that
    enterprise's commitments.  ``totals`` cover ``agencies`` only.  ``jobs`` as for
    :func:`ledger.audit.arrears.arrears_audit`.
    """
    as_of = year_end(year)
    table = lpr if lpr is not None else packaged_lpr()
    cal = fresh_calendar(calendar)
    filt = filters if filters is not None else AuditFilter()

    def chosen(agency: str) -> bool:
        return (filt.agency is None or agency == filt.agency) and (
            filt.region is None or region_matches(view.region(agency), filt.region)
        )

    with gc_paused(), snapshot(engine) as conn:
        registry = load_registry(conn)
        check_filter(registry, filt, as_of)
        view = RegistryView(registry, as_of)
        wanted = [a for a in disclosing_agencies(view) if chosen(a)]
        only = AuditFilter(enterprise=filt.enterprise)
        slices = plan_slices(conn, jobs if can_fork(engine) else 1, registry.log_size)
        parts = run_slices(
            engine,
            conn,
            slices,
            lambda c, sl: _count_slice(c, sl, view, table, only, wanted, cal),
        )
    counts = {a: [0, 0] for a in wanted}
    soes: dict[str, list[int]] = {}
    uncovered: set[int] = set()
    for part, soe_part, years in parts:
        uncovered |= years
        for agency, (n, amount) in part.items():
            counts[agency][0] += n
            counts[agency][1] += amount
        for agency, (n, amount) in soe_part.items():
            row = soes.setdefault(agency, [0, 0])
            row[0] += n
            row[1] += amount
    rows = [_row(view, a, *counts[a]) for a in wanted]
    annual = [_row(view, a, *soes[a]) for a in sorted(soes) if a in registry.agencies and chosen(a)]
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
        annual_report=tuple(annual),
        calendar=cal.info,
        weekends_only=tuple(sorted(uncovered)),
    )
