"""The turnover audit (新官不理旧账) as of a date: DOMAIN.md "Turnover rules".

A turnover affecting agency A at date t is a new principal at A (when A, or
an agency A succeeded on or before t, had a principal before t), a
government term change of A's region, or A succeeding other agencies
(restructuring or division adjustment); see
:meth:`ledger.audit.registry.RegistryView.legacy_turnovers` for which
commitments are legacy for it.  Each commitment yields at most one finding,
naming every rule T1–T5 it meets.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import Connection, Engine

from ledger.audit import rules
from ledger.audit.assess import Assessment, assessments
from ledger.audit.calendar import WorkCalendar, fresh_calendar
from ledger.audit.filtering import check_filter
from ledger.audit.history import Slice, gc_paused, load_registry, snapshot
from ledger.audit.legal import LegalRule, cite
from ledger.audit.lpr import LprTable, packaged_lpr
from ledger.audit.parallel import can_fork, plan_slices, run_slices
from ledger.audit.registry import TIE_ORDER, RegistryView
from ledger.audit.results import (
    AuditFilter,
    Citation,
    TurnoverFinding,
    TurnoverRef,
    TurnoverReport,
    TurnoverRule,
    TurnoverTotals,
)
from ledger.domain.events import AgencyCategory

__all__ = [
    "finding",
    "named_turnover",
    "payments_stopped_at",
    "turnover_audit",
]


def payments_stopped_at(a: Assessment, legacy: tuple[TurnoverRef, ...]) -> TurnoverRef | None:
    """T4: the first turnover before which payments were made and on or after which none were.

    Payments count by the day they pay (a bill or voucher on its maturity);
    reversed payments count nowhere.  优化营商环境条例 art. 31;
    保障中小企业款项支付条例 art. 14 (2025; 2020 art. 13): no refusal or delay
    of payment because the principal changed.
    """
    if not a.payments:
        return None
    last = max(p.pays_on for p in a.payments)
    for tv in legacy:
        if last < tv.date:
            return tv
    return None


def named_turnover(legacy: tuple[TurnoverRef, ...], breach: dt.date) -> TurnoverRef | None:
    """The latest legacy turnover on or before the breach date.

    On a tie of dates: division_adjustment, then restructuring, then
    term_change, then official_change; then the later seq.
    """
    eligible = [t for t in legacy if t.date <= breach]
    if not eligible:
        return None
    return max(eligible, key=lambda t: (t.date, TIE_ORDER[t.type], t.seq))


def finding(a: Assessment, view: RegistryView) -> TurnoverFinding | None:
    """The 新官不理旧账 finding for one commitment, or None.

    T1 overdue at D after a turnover; T2 repudiated on or after one; T3 an
    unconsented amendment against the enterprise on or after one; T4 payments
    stopped at one and overdue at D; T5 a turnover cited as the excuse.  The
    breach date is the earliest of: for T1 and T4 the later of the effective
    due date and the first turnover after signing; for T2, T3, T5 the event's
    date.  Legal basis by the category of the holder at D: 优化营商环境条例
    art. 31, art. 69 and 民营经济促进法 (2025) arts. 70, 73 for organs; the SME
    payment regulation art. 14 (2025; 2020 art. 13) for institutions,
    associations and SOEs; 纪律处分条例 (2023) art. 130 for every category.
    """
    if a.void is not None:
        return None
    as_of = a.as_of
    signed = a.recorded.signed_on
    legacy = tuple(t for t in view.legacy_turnovers(a.recorded) if signed < t.date <= as_of)
    met: set[TurnoverRule] = set()
    breaches: list[dt.date] = []
    evidence = {a.recorded.seq}
    excuse_dates: list[dt.date] = []
    if legacy and a.overdue and a.effective_due is not None:
        late_from = max(a.effective_due, legacy[0].date)
        met.add(TurnoverRule.T1)
        breaches.append(late_from)
        if a.start_seq is not None:
            evidence.add(a.start_seq)
        stopped = payments_stopped_at(a, legacy)
        if stopped is not None:
            met.add(TurnoverRule.T4)
            evidence.add(stopped.seq)
            evidence.update(p.seq for p in a.payments if p.pays_on < stopped.date)
    if legacy:
        for rep in a.repudiations:
            if legacy[0].date <= rep.date:
                met.add(TurnoverRule.T2)
                breaches.append(rep.date)
                evidence.add(rep.seq)
        for am in a.burdens:
            if legacy[0].date <= am.date:
                met.add(TurnoverRule.T3)
                breaches.append(am.date)
                evidence.add(am.seq)
    for ex in a.excuses:
        if ex.reason_code in rules.TURNOVER_REASONS:
            met.add(TurnoverRule.T5)
            breaches.append(ex.date)
            excuse_dates.append(ex.date)
            evidence.add(ex.seq)
    if not met:
        return None
    breach = min(breaches)
    named = named_turnover(legacy, breach)
    if named is not None:
        evidence.add(named.seq)
    breach_holder = view.holder(a.recorded, breach)[0]
    days_under = None
    if a.overdue and named is not None and a.effective_due is not None:
        days_under = (as_of - max(a.effective_due, named.date)).days
    organ = view.category(a.holder) is AgencyCategory.ORGAN
    citations: list[Citation] = [
        *cite(LegalRule.NO_BREACH_ON_TURNOVER, breach, organ=organ, private=a.private)
    ]
    if excuse_dates:
        citations += cite(LegalRule.FORBIDDEN_EXCUSE, min(excuse_dates))
    if TurnoverRule.T3 in met:
        citations += cite(LegalRule.CONDITIONS, min(am.date for am in a.burdens))
    citations = list(dict.fromkeys(citations))
    return TurnoverFinding(
        commitment=a.commitment,
        rules=tuple(sorted(met)),
        breach_date=breach,
        turnover=named,
        agency=a.agency,
        holder=a.holder,
        enterprise=a.recorded.enterprise,
        breach_holder=breach_holder,
        official_at_breach=view.principal(breach_holder, breach),
        official_now=view.principal(a.holder, as_of),
        outstanding=a.outstanding,
        overdue=a.overdue,
        effective_due=a.effective_due,
        days_under_new_leadership=days_under,
        evidence=tuple(sorted(evidence)),
        citations=tuple(citations),
    )


def _audit_slice(
    conn: Connection,
    sl: Slice,
    view: RegistryView,
    table: LprTable,
    filt: AuditFilter,
    cal: WorkCalendar,
) -> tuple[list[TurnoverFinding], set[int]]:
    found = []
    for a in assessments(conn, view, table, filt, sl, cal):
        f = finding(a, view)
        if f is not None:
            found.append(f)
    return found, set(cal.uncovered)


def turnover_audit(
    engine: Engine,
    as_of: dt.date,
    *,
    filters: AuditFilter | None = None,
    lpr: LprTable | None = None,
    jobs: int = 1,
    calendar: WorkCalendar | None = None,
) -> TurnoverReport:
    """Run the turnover audit as of ``as_of``: one finding per commitment, sorted by id.

    ``lpr`` only affects interest, which this audit does not report; it is
    accepted so every audit takes the same options.  ``jobs`` as for
    :func:`ledger.audit.arrears.arrears_audit`.
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
            engine, conn, slices, lambda c, sl: _audit_slice(c, sl, view, table, filt, cal)
        )
        turnovers = view.turnover_count()
    findings = [f for part, _ in parts for f in part]
    uncovered = set().union(*(years for _, years in parts))
    findings.sort(key=lambda f: f.commitment)
    by_rule: Counter[TurnoverRule] = Counter()
    by_holder: Counter[str] = Counter()
    for f in findings:
        by_rule.update(f.rules)
        by_holder[f.holder] += 1
    totals = TurnoverTotals(
        count=len(findings),
        outstanding=sum(f.outstanding for f in findings),
        by_rule={r: by_rule[r] for r in TurnoverRule},
        by_holder={h: by_holder[h] for h in sorted(by_holder)},
    )
    return TurnoverReport(
        as_of=as_of,
        log_size=registry.log_size,
        filters=filt,
        findings=tuple(findings),
        totals=totals,
        turnovers=turnovers,
        agency_names={k: v.event.name for k, v in registry.agencies.items()},
        calendar=cal.info,
        weekends_only=tuple(sorted(uncovered)),
    )
