"""The arrears audit (拖欠账款) as of a date: DOMAIN.md "Arrears rules".

Streams every commitment once (:func:`ledger.audit.assess.assessments`) and
keeps only what the report shows: the overdue items (every item under
``include_all``), the late-paid list, the voided list and the totals.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping

from sqlalchemy import Connection, Engine

from ledger.audit.assess import Assessment, assessments
from ledger.audit.filtering import check_filter
from ledger.audit.history import Slice, gc_paused, load_registry, snapshot
from ledger.audit.lpr import LprTable, packaged_lpr
from ledger.audit.parallel import can_fork, plan_slices, run_slices
from ledger.audit.registry import RegistryView
from ledger.audit.results import (
    ArrearsItem,
    ArrearsReport,
    ArrearsTotals,
    AuditFilter,
    Bucket,
    GroupTotal,
    LatePaid,
    VoidedItem,
)
from ledger.clock import parse_instant

__all__ = ["arrears_audit", "arrears_item"]


class _Group:
    __slots__ = ("count", "disputed", "interest", "outstanding")

    def __init__(self) -> None:
        self.count = self.outstanding = self.disputed = self.interest = 0

    def add(self, a: Assessment) -> None:
        self.count += 1
        self.outstanding += a.outstanding
        self.disputed += a.disputed
        self.interest += a.interest

    def merge(self, other: _Group) -> None:
        self.count += other.count
        self.outstanding += other.outstanding
        self.disputed += other.disputed
        self.interest += other.interest

    def frozen(self) -> GroupTotal:
        return GroupTotal(self.count, self.outstanding, self.disputed, self.interest)


def _sorted_groups(groups: Mapping[str, _Group]) -> dict[str, GroupTotal]:
    return {k: groups[k].frozen() for k in sorted(groups)}


def arrears_item(a: Assessment, view: RegistryView) -> ArrearsItem:
    """The result row of one assessment."""
    rec = a.recorded
    return ArrearsItem(
        commitment=rec.commitment,
        type=rec.type,
        title=rec.title,
        agency=rec.agency,
        holder=a.holder,
        enterprise=rec.enterprise,
        enterprise_size=a.size,
        sme_rules=a.sme_rules,
        signed_on=rec.signed_on,
        amount=a.amount,
        waived=a.waived,
        written_off=a.written_off,
        principal=a.principal,
        paid=a.paid,
        pending_noncash=a.pending_noncash,
        outstanding=a.outstanding,
        disputed=a.disputed,
        due=a.due,
        statutory_due=a.statutory_due,
        effective_due=a.effective_due,
        overdue=a.overdue,
        days_overdue=a.days_overdue,
        bucket=a.bucket,
        interest=a.interest,
        late_balance_days=a.late_balance_days,
        rate=a.rate,
        flags=tuple(sorted(a.flags)),
        evidence=a.evidence,
        citations=a.citations(),
    )


def _voided(a: Assessment) -> VoidedItem:
    assert a.void is not None
    rec = a.recorded
    return VoidedItem(
        commitment=rec.commitment,
        seq=a.void.seq,
        voided_at=parse_instant(a.void.at, "at"),
        reason=a.void.reason,
        flags=tuple(sorted(a.flags)),
        agency=rec.agency,
        holder=a.holder,
        enterprise=rec.enterprise,
        principal=a.principal,
        outstanding=a.outstanding,
        effective_due=a.effective_due,
    )


def _late_paid(a: Assessment) -> LatePaid:
    assert a.effective_due is not None and a.last_late_day is not None
    rec = a.recorded
    return LatePaid(
        commitment=rec.commitment,
        agency=rec.agency,
        holder=a.holder,
        enterprise=rec.enterprise,
        effective_due=a.effective_due,
        last_late_day=a.last_late_day,
        days_late=(a.last_late_day - a.effective_due).days,
        outstanding=a.outstanding,
        interest=a.interest,
    )


class _Part:
    """What one slice of the commitments contributes to the report."""

    __slots__ = (
        "by_agency",
        "by_bucket",
        "by_holder",
        "items",
        "late",
        "late_interest",
        "total",
        "voided",
    )

    def __init__(self) -> None:
        self.items: list[ArrearsItem] = []
        self.late: list[LatePaid] = []
        self.voided: list[VoidedItem] = []
        self.total = _Group()
        self.by_holder: dict[str, _Group] = defaultdict(_Group)
        self.by_agency: dict[str, _Group] = defaultdict(_Group)
        self.by_bucket: dict[Bucket, _Group] = {b: _Group() for b in Bucket}
        self.late_interest = 0

    def merge(self, other: _Part) -> None:
        self.items += other.items
        self.late += other.late
        self.voided += other.voided
        self.total.merge(other.total)
        for mine, theirs in (
            (self.by_holder, other.by_holder),
            (self.by_agency, other.by_agency),
            (self.by_bucket, other.by_bucket),
        ):
            for key, group in theirs.items():
                mine[key].merge(group)  # type: ignore[index]
        self.late_interest += other.late_interest


def _audit_slice(
    conn: Connection,
    sl: Slice,
    view: RegistryView,
    table: LprTable,
    filt: AuditFilter,
    include_all: bool,
) -> _Part:
    part = _Part()
    for a in assessments(conn, view, table, filt, sl):
        if a.void is not None:
            part.voided.append(_voided(a))
            continue
        if a.overdue:
            assert a.bucket is not None
            part.total.add(a)
            part.by_holder[a.holder].add(a)
            part.by_agency[a.agency].add(a)
            part.by_bucket[a.bucket].add(a)
        elif a.late_balance_days > 0:
            part.late.append(_late_paid(a))
            part.late_interest += a.interest
        if a.overdue or include_all:
            part.items.append(arrears_item(a, view))
    return part


def arrears_audit(
    engine: Engine,
    as_of: dt.date,
    *,
    lpr: LprTable | None = None,
    filters: AuditFilter | None = None,
    include_all: bool = False,
    jobs: int = 1,
) -> ArrearsReport:
    """Run the arrears audit as of ``as_of`` over the ledger in ``engine``.

    ``items`` holds the overdue commitments (every commitment that is not
    voided, with ``include_all``), sorted by commitment id; ``late_paid`` the
    commitments not overdue on which parts were paid late (the interest still
    owed on them); ``voided`` every voided commitment with the seq of its
    void.  Totals describe the overdue items only, with the late-paid interest
    beside them.  ``jobs`` > 1 audits slices of the commitments in that many
    processes (see :mod:`ledger.audit.parallel`); the result is the same.
    """
    table = lpr if lpr is not None else packaged_lpr()
    filt = filters if filters is not None else AuditFilter()
    with gc_paused(), snapshot(engine) as conn:
        registry = load_registry(conn)
        check_filter(registry, filt)
        view = RegistryView(registry, as_of)
        slices = plan_slices(conn, jobs if can_fork(engine) else 1, registry.log_size)
        parts = run_slices(
            engine,
            conn,
            slices,
            lambda c, sl: _audit_slice(c, sl, view, table, filt, include_all),
        )
    p = parts[0]
    for other in parts[1:]:
        p.merge(other)
    p.items.sort(key=lambda i: i.commitment)
    p.late.sort(key=lambda i: i.commitment)
    p.voided.sort(key=lambda i: i.commitment)
    totals = ArrearsTotals(
        count=p.total.count,
        outstanding=p.total.outstanding,
        disputed=p.total.disputed,
        interest=p.total.interest,
        late_paid_count=len(p.late),
        late_paid_interest=p.late_interest,
        by_holder=_sorted_groups(p.by_holder),
        by_agency=_sorted_groups(p.by_agency),
        by_bucket={b: p.by_bucket[b].frozen() for b in Bucket},
    )
    names = {k: v.event.name for k, v in registry.agencies.items()}
    enterprise_names: dict[str, str] = {}
    for uscc in {*(i.enterprise for i in p.items), *(i.enterprise for i in p.late)} | {
        v.enterprise for v in p.voided
    }:
        name = registry.enterprise_name(uscc, as_of)
        if name is not None:
            enterprise_names[uscc] = name
    return ArrearsReport(
        as_of=as_of,
        log_size=registry.log_size,
        lpr=table.info,
        filters=filt,
        include_all=include_all,
        items=tuple(p.items),
        totals=totals,
        late_paid=tuple(p.late),
        voided=tuple(p.voided),
        agency_names=names,
        enterprise_names=enterprise_names,
    )
