"""One commitment's standing as of an audit date, from its events alone.

:func:`assess` applies DOMAIN.md "Arrears rules" to one
:class:`~ledger.audit.records.CommitmentHistory`; the arrears, turnover and
disclosure audits all stream :func:`assessments`.  Events dated after the
audit date are ignored; a void applies at every date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection

from ledger.audit import rules
from ledger.audit.history import Slice, iter_histories
from ledger.audit.legal import REGULATION_2025, LegalRule, cite
from ledger.audit.lpr import LprTable
from ledger.audit.records import (
    Amendment,
    CommitmentHistory,
    Dated,
    Payment,
    PayTerms,
    Recorded,
    Repudiation,
    Void,
)
from ledger.audit.registry import RegistryView, region_matches
from ledger.audit.results import AuditFilter, Bucket, Citation, Flag, Rate
from ledger.events import EnterpriseSize, ReasonCode, TermsBasis

__all__ = ["Assessment", "Excuse", "assess", "assessments", "matches"]


class Excuse:
    """A dispute, amendment or repudiation that states a reason code."""

    __slots__ = ("date", "kind", "reason_code", "seq")

    def __init__(self, seq: int, date: dt.date, kind: str, reason_code: ReasonCode) -> None:
        self.seq, self.date, self.kind, self.reason_code = seq, date, kind, reason_code


@dataclass(slots=True)
class Assessment:
    """Everything the audits need to know about one commitment as of ``as_of``.

    Internal working data, built once per commitment and never changed
    afterwards (not frozen only because building millions of frozen objects
    doubles the audit's run time); results are made from it.
    """

    as_of: dt.date
    recorded: Recorded
    holder: str
    holder_seqs: tuple[int, ...]
    size: EnterpriseSize | None
    sme_rules: bool
    amount: int
    waived: int
    written_off: int
    principal: int
    paid: int
    pending_noncash: int
    outstanding: int
    disputed: int
    undisputed_outstanding: int
    terms: PayTerms
    start_seq: int | None
    due: dt.date | None
    statutory_due: dt.date | None
    effective_due: dt.date | None
    overdue: bool
    days_overdue: int | None
    bucket: Bucket | None
    rate: Rate
    late_balance_days: int
    last_late_day: dt.date | None
    interest: int
    flags: frozenset[Flag]
    payments: list[Payment]
    """Payments made on or before the audit date."""
    repudiations: list[Repudiation]
    burdens: list[Amendment]
    """Unconsented amendments that work against the enterprise."""
    excuses: list[Excuse]
    evidence: tuple[int, ...]
    void: Void | None

    @property
    def commitment(self) -> str:
        """The commitment id."""
        return self.recorded.commitment

    @property
    def agency(self) -> str:
        """The agency that signed."""
        return self.recorded.agency

    def citations(self) -> tuple[Citation, ...]:
        """The provisions behind this assessment's findings, each in the text in force on its date."""
        if not self.flags and not self.excuses and not self.repudiations:
            # The common case depends on three facts only: cache by them.
            due = self.effective_due
            deadline = self.statutory_due is not None and due is not None
            interest = self.sme_rules and due is not None and self.late_balance_days > 0
            return _plain_citations(deadline, interest, due if deadline or interest else None)
        out: list[Citation] = []
        if self.statutory_due is not None and self.effective_due is not None:
            out += _cite(LegalRule.DEADLINE, self.effective_due)
        if Flag.NONCASH_EXTENSION in self.flags:
            out += _cite(LegalRule.NONCASH, min(p.date for p in self.payments if p.noncash))
        for ex in self.excuses:
            if rules.prohibited_excuse(ex.reason_code, self.terms.conditions):
                out += _cite(LegalRule.FORBIDDEN_EXCUSE, ex.date)
                if ex.reason_code is ReasonCode.AWAITING_AUDIT:
                    out += _cite(LegalRule.AUDIT_BASIS, ex.date)
        if Flag.UNDISPUTED_UNPAID in self.flags:
            out += _cite(LegalRule.UNDISPUTED_PART, self.as_of)
        if self.sme_rules and self.effective_due is not None and self.late_balance_days:
            out += _cite(LegalRule.LATE_INTEREST, self.effective_due)
        elif Flag.RATE_BELOW_LPR in self.flags:
            out += _cite(LegalRule.LATE_INTEREST, self.recorded.signed_on)
        for rep in self.repudiations:
            out += _cite(LegalRule.NO_BREACH_ON_TURNOVER, rep.date)
        return tuple(dict.fromkeys(out))


_NO_FLAGS: frozenset[Flag] = frozenset()
# Shared empty lists for the common case (never appended to).
_NO_AMENDMENTS: list[Amendment] = []
_NO_DISPUTES: list[tuple[dt.date, int]] = []
_NO_EXCUSES: list[Excuse] = []


_cite = cite


def _plain_citations(deadline: bool, interest: bool, due: dt.date | None) -> tuple[Citation, ...]:
    """Citations of an assessment with no flags, excuses or repudiations."""
    period = None if due is None else (due >= REGULATION_2025)
    key = (deadline, interest, period)
    hit = _PLAIN.get(key)
    if hit is None:
        out: list[Citation] = []
        if deadline and due is not None:
            out += _cite(LegalRule.DEADLINE, due)
        if interest and due is not None:
            out += _cite(LegalRule.LATE_INTEREST, due)
        hit = _PLAIN[key] = tuple(out)
    return hit


_PLAIN: dict[tuple[bool, bool, bool | None], tuple[Citation, ...]] = {}


def _seq_on(events: list[Dated], day: dt.date, *, first: bool) -> int:
    """The seq of the first (or last) event on ``day``: the one the term counts from."""
    if len(events) == 1:
        return events[0].seq
    seqs = [e.seq for e in events if e.date == day]
    return min(seqs) if first else max(seqs)


def _consented_terms(
    rec: Recorded,
    amendments: list[Amendment],
    delivery: dt.date | None,
    acceptance: dt.date | None,
    sme_rules: bool,
    as_of: dt.date,
) -> tuple[int, PayTerms, Decimal | None, list[Amendment]]:
    """Amount, terms and rate after consented amendments, and the burdensome unconsented ones.

    Consented amendments change the amount, terms and rate from signing on,
    in (date, seq) order; an unconsented one changes nothing owed and is
    judged against the terms in force when it was made.
    """
    amount, terms, agreed = rec.amount, rec.terms, rec.interest_rate
    burdens: list[Amendment] = []
    for am in sorted(amendments, key=lambda a: (a.date, a.seq)):
        ch = am.changes
        if am.consent:
            if ch.amount is not None:
                amount = ch.amount
            if ch.terms is not None:
                terms = ch.terms
            if ch.interest_rate is not None:
                agreed = ch.interest_rate
            if ch.conditions_added:
                terms = terms._replace(conditions=(*(terms.conditions or ()), *ch.conditions_added))
            continue
        old_due = new_due = None
        if ch.terms is not None:
            start = rules.payment_start(terms, delivery, acceptance, as_of)[0]
            old_due = rules.contractual_due(terms, start)
            new_start = rules.payment_start(ch.terms, delivery, acceptance, as_of)[0]
            new_due = rules.contractual_due(ch.terms, new_start)
        if rules.adds_burden(amount, terms, agreed, sme_rules, ch, old_due, new_due):
            burdens.append(am)
    return amount, terms, agreed, burdens


def assess(
    h: CommitmentHistory, view: RegistryView, lpr: LprTable, as_of: dt.date
) -> Assessment | None:
    """Apply the arrears rules to one commitment; None when it was signed after ``as_of``."""
    rec = h.recorded
    if rec.signed_on > as_of:
        return None
    # Events dated after the audit date are ignored (a void applies always).
    if h.last_date <= as_of:
        deliveries, acceptances, payments = h.deliveries, h.acceptances, h.payments
        disputes, resolutions = h.disputes, h.resolutions
        repudiations, amendments, settlements = h.repudiations, h.amendments, h.settlements
        evidence = h.seqs
    else:
        deliveries = [d for d in h.deliveries if d.date <= as_of]
        acceptances = [a for a in h.acceptances if a.date <= as_of]
        payments = [p for p in h.payments if p.date <= as_of]
        disputes = [d for d in h.disputes if d.date <= as_of]
        resolutions = [r for r in h.resolutions if r.date <= as_of]
        repudiations = [r for r in h.repudiations if r.date <= as_of]
        amendments = [a for a in h.amendments if a.date <= as_of]
        settlements = [s for s in h.settlements if s.date <= as_of]
        late = {c.seq for c in h.complaints if c.date > as_of}
        for group in (h.deliveries, h.acceptances, h.payments, h.disputes, h.resolutions):
            late.update(e.seq for e in group if e.date > as_of)
        for group2 in (h.repudiations, h.amendments, h.settlements):
            late.update(e.seq for e in group2 if e.date > as_of)
        evidence = [s for s in h.seqs if s not in late]
    waived = sum(s.waived for s in settlements) if settlements else 0

    holder, holder_seqs = view.holder_now(rec)
    size = view.size_on(rec.enterprise, rec.signed_on)
    sme_rules = rules.sme_rules_apply(size, rec.type)

    # The latest delivery counts; the first acceptance.
    if not deliveries:
        delivery = None
    elif len(deliveries) == 1:
        delivery = deliveries[0].date
    else:
        delivery = max(d.date for d in deliveries)
    if not acceptances:
        acceptance = None
    elif len(acceptances) == 1:
        acceptance = acceptances[0].date
    else:
        acceptance = min(a.date for a in acceptances)
    if amendments:
        amount, terms, agreed, burdens = _consented_terms(
            rec, amendments, delivery, acceptance, sme_rules, as_of
        )
    else:
        amount, terms, agreed, burdens = rec.amount, rec.terms, rec.interest_rate, _NO_AMENDMENTS

    start, flags0 = rules.payment_start(terms, delivery, acceptance, as_of)
    start_seq: int | None = None
    if start is not None:
        if terms.basis is TermsBasis.ACCEPTANCE and start == acceptance:
            start_seq = _seq_on(acceptances, start, first=True)
        elif start == delivery:
            start_seq = _seq_on(deliveries, start, first=False)
    due = rules.contractual_due(terms, start)
    statutory, flags1 = rules.statutory_due(
        terms, start, delivery, view.category(rec.agency), sme_rules
    )
    effective = rules.effective_due(due, statutory)

    # A resolution closes the disputes open at its date: the written-off part
    # leaves the obligation, the rest is owed as if never disputed.
    written_off = 0
    open_disputes: list[tuple[dt.date, int]] = _NO_DISPUTES
    if resolutions:
        open_disputes = []
        steps = sorted(
            [(d.date, d.seq, d.amount, 0) for d in disputes]
            + [(r.date, r.seq, -1, r.written_off) for r in resolutions]
        )
        for day, _seq, disputed_amount, w in steps:
            if disputed_amount >= 0:
                open_disputes.append((day, disputed_amount))
            else:
                written_off += w
                open_disputes = []
    elif disputes:
        open_disputes = [(d.date, d.amount) for d in disputes]

    principal = amount - waived - written_off
    principal = max(principal, 0)
    paid = pending = 0
    paid_parts: list[tuple[dt.date, int]] = []
    for p in payments:
        if p.pays_on <= as_of:
            paid += p.amount
            paid_parts.append((p.pays_on, p.amount))
        else:
            pending += p.amount
    outstanding = principal - paid if principal > paid else 0
    held = sum(a for _, a in open_disputes) if open_disputes else 0
    undisputed_outstanding = principal - held - paid
    undisputed_outstanding = max(undisputed_outstanding, 0)

    flags: set[Flag] = set(flags0)
    if flags1:
        flags |= flags1
    days_overdue = bucket = None
    overdue = effective is not None and as_of > effective and undisputed_outstanding > 0
    if overdue:
        assert effective is not None
        days_overdue = (as_of - effective).days
        bucket = rules.bucket_for(days_overdue)
        if open_disputes:
            flags.add(Flag.UNDISPUTED_UNPAID)
    if (
        payments
        and effective is not None
        and any(p.noncash and p.pays_on > effective for p in payments)
    ):
        flags.add(Flag.NONCASH_EXTENSION)

    rate, flags2 = rules.late_rate(
        sme_rules, agreed, lpr.rate_on(rec.signed_on) if sme_rules else None
    )
    if flags2:
        flags |= flags2
    if effective is not None and as_of > effective:
        balance_days, last_late = rules.late_balance_days(
            principal, paid_parts, open_disputes, effective, as_of
        )
        interest = rules.interest_fen(balance_days, rate)
    else:
        balance_days, last_late, interest = 0, None, 0

    excuses: list[Excuse] = _NO_EXCUSES
    if disputes or amendments or repudiations:
        excuses = [
            Excuse(d.seq, d.date, "commitment.disputed", d.reason_code)
            for d in disputes
            if d.reason_code is not None
        ]
        excuses += [
            Excuse(a.seq, a.date, "commitment.amended", a.reason_code)
            for a in amendments
            if a.reason_code is not None
        ]
        excuses += [
            Excuse(r.seq, r.date, "commitment.repudiated", r.reason_code)
            for r in repudiations
            if r.reason_code is not None
        ]
        if repudiations:
            flags.add(Flag.REPUDIATED)
        if burdens:
            flags.add(Flag.CONDITIONS_ADDED)
        if any(rules.prohibited_excuse(e.reason_code, terms.conditions) for e in excuses):
            flags.add(Flag.PROHIBITED_EXCUSE)
    if h.void is not None and effective is not None and h.void.at_date > effective:
        flags.add(Flag.VOIDED_AFTER_DUE)

    return Assessment(
        as_of,
        rec,
        holder,
        holder_seqs,
        size,
        sme_rules,
        amount,
        waived,
        written_off,
        principal,
        paid,
        pending,
        outstanding,
        outstanding - undisputed_outstanding,
        undisputed_outstanding,
        terms,
        start_seq,
        due,
        statutory,
        effective,
        overdue,
        days_overdue,
        bucket,
        rate,
        balance_days,
        last_late,
        interest,
        frozenset(flags) if flags else _NO_FLAGS,
        payments,
        repudiations,
        burdens,
        excuses,
        tuple(sorted({*evidence, *holder_seqs})) if holder_seqs else tuple(evidence),
        h.void,
    )


def matches(rec: Recorded, view: RegistryView, filters: AuditFilter) -> bool:
    """Whether a commitment passes the audit's filters (see :class:`AuditFilter`)."""
    if filters.enterprise is not None and rec.enterprise != filters.enterprise:
        return False
    if filters.agency is None and filters.region is None:
        return True
    holder = view.holder_now(rec)[0]
    if filters.agency is not None and filters.agency not in (rec.agency, holder):
        return False
    if filters.region is not None:
        return region_matches(view.region(holder), filters.region) or region_matches(
            view.region(rec.agency), filters.region
        )
    return True


def assessments(
    conn: Connection,
    view: RegistryView,
    lpr: LprTable,
    filters: AuditFilter,
    sl: Slice | None = None,
) -> Iterator[Assessment]:
    """Assess every commitment (of a slice) signed on or before the view's date that
    passes ``filters``."""
    as_of = view.as_of
    for history in iter_histories(conn, sl):
        rec = history.recorded
        if rec.signed_on > as_of or not matches(rec, view, filters):
            continue
        a = assess(history, view, lpr, as_of)
        if a is not None:
            yield a
