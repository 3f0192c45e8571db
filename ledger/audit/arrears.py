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

from ledger.audit import rules
from ledger.audit.assess import Assessment, assessments
from ledger.audit.calendar import WorkCalendar, fresh_calendar
from ledger.audit.filtering import check_filter
from ledger.audit.history import Slice, gc_paused, load_registry, snapshot
from ledger.audit.lpr import LprTable, packaged_lpr
from ledger.audit.parallel import can_fork, plan_slices, run_slices
from ledger.audit.parts import Part
from ledger.audit.registry import RegistryView
from ledger.audit.results import (
    ArrearsItem,
    ArrearsReport,
    ArrearsTotals,
    AuditFilter,
    Bucket,
    GroupTotal,
    LatePaid,
    PartItem,
    ReversedItem,
    VoidedItem,
)
from ledger.clock import parse_instant

__all__ = ["arrears_audit", "arrears_item"]


class _Group:
    __slots__ = ("count", "disputed", "interest", "interest_paid", "outstanding", "overdue")

    def __init__(self) -> None:
        self.count = self.outstanding = self.disputed = self.interest = 0
        self.overdue = self.interest_paid = 0

    def add(self, a: Assessment) -> None:
        self.count += 1
        self.outstanding += a.outstanding
        self.disputed += a.disputed
        self.interest += a.interest
        self.overdue += a.overdue_amount
        self.interest_paid += a.interest_paid

    def merge(self, other: _Group) -> None:
        self.count += other.count
        self.outstanding += other.outstanding
        self.disputed += other.disputed
        self.interest += other.interest
        self.overdue += other.overdue
        self.interest_paid += other.interest_paid

    def frozen(self) -> GroupTotal:
        return GroupTotal(self.count, self.outstanding, self.disputed, self.interest, self.overdue)


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
        overdue_amount=a.overdue_amount,
        interest_paid=a.interest_paid,
        interest_owed=a.interest_owed,
        text=a.text,
        holder_category=a.holder_category,
        parts=tuple(_part_item(pt, a) for pt in a.parts),
    )


def _part_item(pt: Part, a: Assessment) -> PartItem:
    as_of = a.as_of
    paid = pt.paid_by(as_of)
    late = pt.effective_due is not None and as_of > pt.effective_due
    balance_days = (
        rules.late_balance_days(
            pt.owed, [(d, x) for d, x, _ in pt.payments], pt.disputes, pt.effective_due, as_of
        )[0]
        if late
        else 0
    )
    return PartItem(
        seq=pt.seq,
        date=pt.date or a.recorded.signed_on,
        amount=pt.amount,
        reduced=pt.reduced,
        paid=paid,
        disputed=pt.held,
        due=pt.due,
        statutory_due=pt.statutory_due,
        effective_due=pt.effective_due,
        overdue=late and pt.owed - pt.held - paid > 0,
        unpaid=pt.owed - paid,
        interest=rules.interest_fen(balance_days, a.rate),
        text=rules.governing_text(a.recorded.signed_on, pt.date),
    )


def _reversed(a: Assessment) -> list[ReversedItem]:
    out = []
    for r, p in a.reversals:
        out.append(
            ReversedItem(
                commitment=a.commitment,
                reference=r.reference,
                amount=0 if p is None else p.amount,
                seq=r.seq,
                reason=r.reason,
                date=r.date,
                payment_seq=-1 if p is None else p.seq,
                payment_date=r.date if p is None else p.date,
                agency=a.agency,
                holder=a.holder,
            )
        )
    return out


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
        days_late=a.days_late,
        outstanding=a.outstanding,
        interest=a.interest,
        interest_paid=a.interest_paid,
        interest_owed=a.interest_owed,
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
        "late_owed",
        "reversed",
        "total",
        "uncovered",
        "voided",
    )

    def __init__(self) -> None:
        self.reversed: list[ReversedItem] = []
        self.uncovered: set[int] = set()
        self.late_owed = 0
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
        self.reversed += other.reversed
        self.uncovered |= other.uncovered
        self.late_owed += other.late_owed
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
    cal: WorkCalendar,
) -> _Part:
    part = _Part()
    for a in assessments(conn, view, table, filt, sl, cal):
        if a.reversals:
            part.reversed += _reversed(a)
        if a.void is not None:
            part.voided.append(_voided(a))
            continue
        if a.overdue:
            assert a.bucket is not None
            part.total.add(a)
            part.by_holder[a.holder].add(a)
            part.by_agency[a.agency].add(a)
            part.by_bucket[a.bucket].add(a)
        elif a.interest_owed > 0:
            part.late.append(_late_paid(a))
            part.late_interest += a.interest
            part.late_owed += a.interest_owed
        if a.overdue or include_all:
            part.items.append(arrears_item(a, view))
    part.uncovered = set(cal.uncovered)
    return part


def arrears_audit(
    engine: Engine,
    as_of: dt.date,
    *,
    lpr: LprTable | None = None,
    filters: AuditFilter | None = None,
    include_all: bool = False,
    jobs: int = 1,
    calendar: WorkCalendar | None = None,
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
    cal = fresh_calendar(calendar)
    filt = filters if filters is not None else AuditFilter()
    with gc_paused(), snapshot(engine) as conn:
        registry = load_registry(conn)
        check_filter(registry, filt, as_of)
        view = RegistryView(registry, as_of)
        slices = plan_slices(conn, jobs if can_fork(engine) else 1, registry.log_size)
        parts = run_slices(
            engine,
            conn,
            slices,
            lambda c, sl: _audit_slice(c, sl, view, table, filt, include_all, cal),
        )
    p = parts[0]
    for other in parts[1:]:
        p.merge(other)
    p.items.sort(key=lambda i: i.commitment)
    p.late.sort(key=lambda i: i.commitment)
    p.voided.sort(key=lambda i: i.commitment)
    p.reversed.sort(key=lambda i: (i.commitment, i.seq))
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
        overdue_amount=p.total.overdue,
        interest_paid=p.total.interest_paid,
        interest_owed=max(p.total.interest - p.total.interest_paid, 0),
        late_paid_interest_owed=p.late_owed,
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
        reversed=tuple(p.reversed),
        calendar=cal.info,
        weekends_only=tuple(sorted(p.uncovered)),
    )
