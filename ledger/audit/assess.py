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
from ledger.audit.calendar import WorkCalendar, load_calendar
from ledger.audit.history import Slice, iter_histories
from ledger.audit.legal import REGULATION_2020, LegalRule, cite, cite_in
from ledger.audit.lpr import LprTable
from ledger.audit.parts import Part, allocate
from ledger.audit.records import (
    Amendment,
    CommitmentHistory,
    Dated,
    Dispute,
    Payment,
    PayTerms,
    Recorded,
    Repudiation,
    Resolution,
    Reversal,
    Void,
)
from ledger.audit.registry import RegistryView, region_matches
from ledger.audit.results import AuditFilter, Bucket, Citation, Flag, Rate, Text
from ledger.domain.events import AgencyCategory, EnterpriseSize, Ownership, ReasonCode, TermsBasis

__all__ = ["Assessment", "Excuse", "assess", "assessments", "days_late", "matches"]


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
    text: Text | None
    """The text governing the (item's) payment period."""
    sme_interest: bool
    """Statutory interest and the LPR floor apply (SME contract signed from 2020-09-01)."""
    overdue_amount: int
    interest_paid: int
    days_late: int
    """See :func:`days_late`; 0 when nothing was late."""
    holder_category: AgencyCategory | None
    private: bool
    """The enterprise is privately owned (民营经济促进法)."""
    parts: list[Part]
    """Basis ``settlement``: the confirmed parts in settling order (else empty)."""
    reversals: list[tuple[Reversal, Payment | None]]

    @property
    def interest_owed(self) -> int:
        """Interest computed minus interest paid, never below zero."""
        return max(self.interest - self.interest_paid, 0)

    @property
    def commitment(self) -> str:
        """The commitment id."""
        return self.recorded.commitment

    @property
    def agency(self) -> str:
        """The agency that signed."""
        return self.recorded.agency

    def citations(self) -> tuple[Citation, ...]:
        """The provisions behind this assessment's findings: deadlines and interest in the text
        governing the payment period, events in the text in force on their date, the
        turnover rule by the holder's category."""
        text = self.text
        if not self.flags and not self.excuses and not self.repudiations:
            # The common case depends on four facts only: cache by them.
            deadline = self.statutory_due is not None and self.effective_due is not None
            interest = self.sme_interest and self.effective_due is not None and self.interest > 0
            return _plain_citations(deadline, interest, text, self.holder_category)
        out: list[Citation] = []
        if self.statutory_due is not None and self.effective_due is not None:
            out += cite_in(LegalRule.DEADLINE, text)
            if self.holder_category is AgencyCategory.ASSOCIATION:
                out += cite_in(LegalRule.ASSOCIATION, text)
        if Flag.NONCASH_EXTENSION in self.flags:
            out += cite_in(LegalRule.NONCASH, text)
        for ex in self.excuses:
            if rules.prohibited_excuse(ex.reason_code, self.terms.conditions):
                out += _cite(LegalRule.FORBIDDEN_EXCUSE, ex.date)
                if ex.reason_code is ReasonCode.AWAITING_AUDIT:
                    out += _cite(LegalRule.AUDIT_BASIS, ex.date)
        for am in self.burdens:
            out += _cite(LegalRule.CONDITIONS, am.date)
        if Flag.UNDISPUTED_UNPAID in self.flags:
            out += cite_in(LegalRule.UNDISPUTED_PART, text)
        if self.sme_interest and self.effective_due is not None and self.interest > 0:
            out += cite_in(LegalRule.LATE_INTEREST, text)
        elif Flag.RATE_BELOW_LPR in self.flags:
            out += _cite(LegalRule.LATE_INTEREST, self.recorded.signed_on)
        organ = self.holder_category is AgencyCategory.ORGAN
        for rep in self.repudiations:
            out += _cite(
                LegalRule.NO_BREACH_ON_TURNOVER, rep.date, organ=organ, private=self.private
            )
        return tuple(dict.fromkeys(out))


_NO_FLAGS: frozenset[Flag] = frozenset()
# Shared empty lists for the common case (never appended to).
_NO_AMENDMENTS: list[Amendment] = []
_NO_DISPUTES: list[tuple[dt.date, int]] = []
_NO_EXCUSES: list[Excuse] = []


_cite = cite


def _plain_citations(
    deadline: bool, interest: bool, text: Text | None, category: AgencyCategory | None
) -> tuple[Citation, ...]:
    """Citations of an assessment with no flags, excuses or repudiations."""
    association = category is AgencyCategory.ASSOCIATION
    key = (deadline, interest, text, association)
    hit = _PLAIN.get(key)
    if hit is None:
        out: list[Citation] = []
        if deadline:
            out += cite_in(LegalRule.DEADLINE, text)
            if association:
                out += cite_in(LegalRule.ASSOCIATION, text)
        if interest:
            out += cite_in(LegalRule.LATE_INTEREST, text)
        hit = _PLAIN[key] = tuple(out)
    return hit


_PLAIN: dict[tuple[bool, bool, Text | None, bool], tuple[Citation, ...]] = {}


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
    cal: WorkCalendar,
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
            start = rules.payment_start(terms, delivery, acceptance, as_of, cal)[0]
            old_due = rules.contractual_due(terms, start, cal)
            new_start = rules.payment_start(ch.terms, delivery, acceptance, as_of, cal)[0]
            new_due = rules.contractual_due(ch.terms, new_start, cal)
        if rules.adds_burden(amount, terms, agreed, sme_rules, ch, old_due, new_due):
            burdens.append(am)
    return amount, terms, agreed, burdens


def days_late(parts: list[Part], as_of: dt.date) -> int:
    """The largest number of days by which a payment (a bill or voucher at its maturity) came
    after the effective due date of the part it paid, or by which a disputed part was already
    late on the day its dispute was raised; 0 when nothing was late (DOMAIN.md ``days_late``)."""
    out = 0
    for part in parts:
        due = part.effective_due
        if due is None:
            continue
        for day, _amount, _seq in part.payments:
            if due < day <= as_of:
                out = max(out, (day - due).days)
        for day, _amount in part.disputes:
            if day > due:
                out = max(out, (day - due).days)
    return out


def _open_disputes(
    disputes: list[Dispute], resolutions: list[Resolution]
) -> tuple[list[tuple[dt.date, int]], int]:
    """The disputes still open (day raised, amount), in the order raised, and the amount
    written off: a resolution closes the disputes open at its (date, seq)."""
    if not resolutions:
        return [(d.date, d.amount) for d in sorted(disputes, key=lambda d: (d.date, d.seq))], 0
    written_off = 0
    open_disputes: list[tuple[dt.date, int]] = []
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
    return open_disputes, written_off


def _part_dates(
    terms: PayTerms,
    start: dt.date,
    category: AgencyCategory | None,
    sme_rules: bool,
    signed_on: dt.date,
    cal: WorkCalendar,
) -> tuple[dt.date | None, dt.date | None, dt.date | None, Text | None]:
    """Contractual, statutory and effective due dates of a settlement part starting ``start``."""
    text = rules.governing_text(signed_on, start)
    due = rules.contractual_due(terms, start, cal)
    statutory = rules.statutory_due(terms, start, start, category, sme_rules, text, cal)
    return due, statutory, rules.effective_due(due, statutory), text


def assess(
    h: CommitmentHistory,
    view: RegistryView,
    lpr: LprTable,
    as_of: dt.date,
    cal: WorkCalendar | None = None,
) -> Assessment | None:
    """Apply the arrears rules to one commitment; None when it was signed after ``as_of``."""
    rec = h.recorded
    if rec.signed_on > as_of:
        return None
    if cal is None:
        cal = load_calendar()
    # Events dated after the audit date are ignored (a void and a reversal apply always).
    confirmations = h.confirmations
    if h.last_date <= as_of:
        deliveries, acceptances, payments = h.deliveries, h.acceptances, h.payments
        disputes, resolutions = h.disputes, h.resolutions
        repudiations, amendments, settlements = h.repudiations, h.amendments, h.settlements
        interest_paid = h.interest_paid
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
        confirmations = [c for c in h.confirmations if c.date <= as_of]
        interest_paid = [i for i in h.interest_paid if i.date <= as_of]
        late = {c.seq for c in h.complaints if c.date > as_of}
        for group in (h.deliveries, h.acceptances, h.payments, h.disputes, h.resolutions):
            late.update(e.seq for e in group if e.date > as_of)
        for group2 in (h.repudiations, h.amendments, h.settlements):
            late.update(e.seq for e in group2 if e.date > as_of)
        for group3 in (h.confirmations, h.interest_paid):
            late.update(e.seq for e in group3 if e.date > as_of)
        evidence = [s for s in h.seqs if s not in late]
    reversals: list[tuple[Reversal, Payment | None]] = []
    if h.reversals:
        # A reversed payment never counted, at any date.
        by_ref = {p.reference: p for p in h.payments}
        reversals = [(r, by_ref.get(r.reference)) for r in h.reversals]
        gone = {r.reference for r in h.reversals}
        payments = [p for p in payments if p.reference not in gone]
    waived = sum(s.waived for s in settlements) if settlements else 0

    holder, holder_seqs = view.holder_now(rec)
    size = view.size_on(rec.enterprise, rec.signed_on)
    sme_rules = rules.sme_rules_apply(size, rec.type)
    sme_interest = sme_rules and rec.signed_on >= REGULATION_2020
    category = view.category(rec.agency)
    ent = view.registry.enterprises.get(rec.enterprise)
    private = ent is not None and ent.registered.event.ownership is Ownership.PRIVATE

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
            rec, amendments, delivery, acceptance, sme_rules, as_of, cal
        )
    else:
        amount, terms, agreed, burdens = rec.amount, rec.terms, rec.interest_rate, _NO_AMENDMENTS

    open_disputes, written_off = _open_disputes(disputes, resolutions)
    principal = max(amount - waived - written_off, 0)
    paid = pending = 0
    for p in payments:
        if p.pays_on <= as_of:
            paid += p.amount
        else:
            pending += p.amount
    outstanding = principal - paid if principal > paid else 0
    held = sum(a for _, a in open_disputes) if open_disputes else 0
    undisputed_outstanding = max(principal - held - paid, 0)
    flags: set[Flag] = set(rules.term_over_60(terms, delivery, category, sme_interest))
    start_seq: int | None = None
    pay_list = [(p.pays_on, p.amount, p.seq) for p in payments]

    if terms.basis is TermsBasis.SETTLEMENT:
        parts: list[Part] = []
        for c in confirmations:
            due, statutory, effective, text = _part_dates(
                terms, c.date, category, sme_rules, rec.signed_on, cal
            )
            parts.append(Part(c.seq, c.date, c.amount, due, statutory, effective))
        rest = Part(-1, None, max(amount - sum(c.amount for c in confirmations), 0))
        parts = allocate(parts, rest, waived + written_off, open_disputes, pay_list)
        late_parts = [
            pt
            for pt in parts
            if pt.effective_due is not None
            and as_of > pt.effective_due
            and pt.owed - pt.held - pt.paid_by(as_of) > 0
        ]
        overdue = bool(late_parts)
        if overdue:
            shown: Part | None = late_parts[0]
        else:
            unpaid = [pt for pt in parts if pt.owed - pt.paid_by(as_of) > 0]
            shown = unpaid[0] if unpaid else (parts[-1] if parts else None)
        if shown is None:
            due = statutory = effective = None
            text = rules.governing_text(rec.signed_on, None)
        else:
            due, statutory, effective = shown.due, shown.statutory_due, shown.effective_due
            text = rules.governing_text(rec.signed_on, shown.date)
            start_seq = shown.seq
        overdue_amount = (
            sum(
                pt.owed - pt.paid_by(as_of)
                for pt in parts
                if pt.effective_due is not None and as_of > pt.effective_due
            )
            if overdue
            else 0
        )
        balance_days = 0
        last_late: dt.date | None = None
        for pt in parts:
            if pt.effective_due is None or as_of <= pt.effective_due:
                continue
            bd, last = rules.late_balance_days(
                pt.owed, [(d, a) for d, a, _ in pt.payments], pt.disputes, pt.effective_due, as_of
            )
            balance_days += bd
            if last is not None and (last_late is None or last > last_late):
                last_late = last
        noncash = {p.seq for p in payments if p.noncash}
        if noncash and any(
            pt.effective_due is not None and seq in noncash and day > pt.effective_due
            for pt in parts
            for day, _a, seq in pt.payments
        ):
            flags.add(Flag.NONCASH_EXTENSION)
    else:
        start, flags0 = rules.payment_start(terms, delivery, acceptance, as_of, cal)
        flags |= flags0
        if start is not None:
            if terms.basis is TermsBasis.ACCEPTANCE and start == acceptance:
                start_seq = _seq_on(acceptances, start, first=True)
            elif start == delivery:
                start_seq = _seq_on(deliveries, start, first=False)
        # Basis ``date``: the period starts on delivery; without one, the text in force on ``due``.
        period_start = start if terms.basis is not TermsBasis.DATE else (delivery or terms.due)
        text = rules.governing_text(rec.signed_on, period_start)
        due = rules.contractual_due(terms, start, cal)
        statutory = rules.statutory_due(terms, start, delivery, category, sme_rules, text, cal)
        effective = rules.effective_due(due, statutory)
        overdue = effective is not None and as_of > effective and undisputed_outstanding > 0
        overdue_amount = outstanding if overdue else 0
        parts = []
        if effective is not None and as_of > effective:
            balance_days, last_late = rules.late_balance_days(
                principal,
                [(p.pays_on, p.amount) for p in payments if p.pays_on <= as_of],
                open_disputes,
                effective,
                as_of,
            )
        else:
            balance_days, last_late = 0, None
        if (
            payments
            and effective is not None
            and any(p.noncash and p.pays_on > effective for p in payments)
        ):
            flags.add(Flag.NONCASH_EXTENSION)

    days_overdue = bucket = None
    if overdue:
        assert effective is not None
        days_overdue = (as_of - effective).days
        bucket = rules.bucket_for(days_overdue)
        if open_disputes:
            flags.add(Flag.UNDISPUTED_UNPAID)

    rate, flags2 = rules.late_rate(
        sme_interest, agreed, lpr.rate_on(rec.signed_on) if sme_interest else None
    )
    if flags2:
        flags |= flags2
    interest = rules.interest_fen(balance_days, rate) if balance_days else 0
    late_days = 0
    if balance_days:
        if terms.basis is not TermsBasis.SETTLEMENT:
            # one part: every payment pays it, every dispute is on it
            assert effective is not None
            for p in payments:
                if effective < p.pays_on <= as_of:
                    late_days = max(late_days, (p.pays_on - effective).days)
            for day, _amount in open_disputes:
                if day > effective:
                    late_days = max(late_days, (day - effective).days)
        else:
            late_days = days_late(parts, as_of)

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
    if h.void is not None:
        void_day = h.void.at_date
        if terms.basis is TermsBasis.SETTLEMENT:
            dues = [
                d
                for c in h.confirmations
                if c.date <= void_day
                for d in [_part_dates(terms, c.date, category, sme_rules, rec.signed_on, cal)[2]]
                if d is not None
            ]
            void_due = min(dues) if dues else None
        else:
            void_due = effective
        if void_due is not None and void_day > void_due:
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
        text,
        sme_interest,
        overdue_amount,
        sum(i.amount for i in interest_paid) if interest_paid else 0,
        late_days,
        view.category(holder),
        private,
        parts,
        reversals,
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
    cal: WorkCalendar | None = None,
) -> Iterator[Assessment]:
    """Assess every commitment (of a slice) signed on or before the view's date that
    passes ``filters``."""
    as_of = view.as_of
    if cal is None:
        cal = load_calendar()
    for history in iter_histories(conn, sl):
        rec = history.recorded
        if rec.signed_on > as_of or not matches(rec, view, filters):
            continue
        a = assess(history, view, lpr, as_of, cal)
        if a is not None:
            yield a
