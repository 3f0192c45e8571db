"""The arrears rules of DOMAIN.md, one small pure function each.

Article numbers are those of 保障中小企业款项支付条例: the 2025 text (order 802)
for events on or after 2025-06-01, the 2020 text (order 728) for earlier
ones; :func:`ledger.audit.legal.cite` picks the text by the event's date.
Money is integer fen; dates are :class:`datetime.date`; no float anywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from functools import lru_cache

from ledger.audit.calendar import WorkCalendar
from ledger.audit.legal import REGULATION_2020, REGULATION_2025
from ledger.audit.records import Change, PayTerms
from ledger.audit.results import Bucket, Flag, Rate, RateKind, Text
from ledger.domain.events import (
    AgencyCategory,
    CommitmentType,
    EnterpriseSize,
    ReasonCode,
    TermsBasis,
)

__all__ = [
    "DEFAULT_DAYS_ORGAN",
    "DEFAULT_DAYS_SOE",
    "MAX_DAYS",
    "PUBLIC_BUYERS",
    "STATUTORY_DAILY_PERCENT",
    "TURNOVER_REASONS",
    "adds_burden",
    "bucket_for",
    "contractual_due",
    "effective_due",
    "governing_text",
    "interest_fen",
    "late_balance_days",
    "late_rate",
    "payment_start",
    "prohibited_excuse",
    "round_half_up",
    "sme_rules_apply",
    "statutory_due",
]

DEFAULT_DAYS_ORGAN = 30
DEFAULT_DAYS_SOE = 60
MAX_DAYS = 60
PUBLIC_BUYERS = frozenset(
    {AgencyCategory.ORGAN, AgencyCategory.INSTITUTION, AgencyCategory.ASSOCIATION}
)
"""Organs, institutions and associations paying from fiscal funds (2025 art. 36; 2020 art. 28:
an association follows the rules for institutions)."""
STATUTORY_DAILY_PERCENT = Decimal("0.05")
"""0.05% per day (每日利率万分之五) where no rate was agreed."""
_STATUTORY_ANNUAL = STATUTORY_DAILY_PERCENT * 365

_SME_SIZES = frozenset({EnterpriseSize.MICRO, EnterpriseSize.SMALL, EnterpriseSize.MEDIUM})
_SME_TYPES = frozenset({CommitmentType.CONTRACT, CommitmentType.PAYABLE})

ALWAYS_PROHIBITED = frozenset(
    {
        ReasonCode.OFFICIAL_CHANGE,
        ReasonCode.TERM_CHANGE,
        ReasonCode.RESTRUCTURING,
        ReasonCode.INTERNAL_PROCESS,
    }
)
TURNOVER_REASONS = frozenset(
    {ReasonCode.OFFICIAL_CHANGE, ReasonCode.TERM_CHANGE, ReasonCode.RESTRUCTURING}
)
"""Reason codes that cite a turnover as the excuse (T5)."""

_CONDITION_WORDS: dict[ReasonCode, tuple[str, ...]] = {
    ReasonCode.AWAITING_AUDIT: ("audit", "审计", "决算"),
    ReasonCode.AWAITING_FILING: ("filing", "备案"),
}


def sme_rules_apply(size: EnterpriseSize | None, kind: CommitmentType) -> bool:
    """Whether the regulation's deadline and interest rules apply: a contract or payable
    with an enterprise that was micro, small or medium when it was signed.

    保障中小企业款项支付条例 art. 3 (size as of the contract's signing), art. 2
    (purchases of goods, works and services: contracts and payables, not
    policy promises); same articles in the 2020 and 2025 texts.
    """
    return size in _SME_SIZES and kind in _SME_TYPES


def governing_text(signed_on: dt.date, period_start: dt.date | None) -> Text | None:
    """Which text of the SME payment regulation governs a payment period.

    The text in force on the day the period starts: the 2020 text from
    2020-09-01, the 2025 text from 2025-06-01; a commitment signed before
    2020-09-01 falls under neither (:attr:`Text.NONE`).  None while the
    period has not started (nothing to govern yet).  DOMAIN.md "which text
    governs"; 国令第728号 art. 30, 国令第802号 art. 37 (entry into force).
    """
    if signed_on < REGULATION_2020:
        return Text.NONE
    if period_start is None:
        return None
    return Text.T2025 if period_start >= REGULATION_2025 else Text.T2020


def payment_start(
    terms: PayTerms,
    delivery: dt.date | None,
    acceptance: dt.date | None,
    as_of: dt.date,
    cal: WorkCalendar,
) -> tuple[dt.date | None, frozenset[Flag]]:
    """The day the payment term starts counting, or None while it has not started.

    Basis ``delivery``: the latest delivery.  Basis ``acceptance``: the first
    acceptance, but where an acceptance period was agreed and acceptance came
    later than the acceptance deadline (delivery + ``acceptance_days``, moved
    off a rest day), or none is recorded by ``as_of`` and ``as_of`` is after
    the deadline, the deadline, flagged ACCEPTANCE_DELAYED; with no agreed
    period, ACCEPTANCE_PERIOD_MISSING.  Basis ``date``: the latest delivery
    (it starts only the statutory term).  Basis ``settlement`` has one start
    per confirmed part (see :mod:`ledger.audit.parts`): None here.
    保障中小企业款项支付条例 art. 10 (2025 text; 2020 text art. 9); 民法典 art. 203.
    """
    if terms.basis is TermsBasis.SETTLEMENT:
        return None, frozenset()
    if terms.basis is not TermsBasis.ACCEPTANCE:
        return delivery, frozenset()
    if terms.acceptance_days is None:
        return acceptance, frozenset({Flag.ACCEPTANCE_PERIOD_MISSING})
    if delivery is None:
        return acceptance, frozenset()
    deadline = cal.add_days(delivery, terms.acceptance_days)
    if acceptance is not None and acceptance <= deadline:
        return acceptance, frozenset()
    if acceptance is not None or as_of > deadline:
        return deadline, frozenset({Flag.ACCEPTANCE_DELAYED})
    return None, frozenset()


def contractual_due(terms: PayTerms, start: dt.date | None, cal: WorkCalendar) -> dt.date | None:
    """The due date the contract sets: start + ``days`` moved off a rest day, or the fixed ``due``.

    None while the start event has not happened, or when no days were agreed.
    A fixed ``terms.due`` is a date, not a period: it never moves.
    保障中小企业款项支付条例 art. 9 (2025; 2020 art. 8): the agreed term;
    民法典 art. 203: a period's last day on a rest day moves to the next working day.
    """
    if terms.basis is TermsBasis.DATE:
        return terms.due
    if start is None or terms.days is None:
        return None
    return cal.add_days(start, terms.days)


def agreed_days(terms: PayTerms, delivery: dt.date | None) -> int | None:
    """The agreed payment term in days: ``terms.days``; for basis ``date``, ``due`` minus
    the delivery, once a delivery is recorded (None before)."""
    if terms.basis is TermsBasis.DATE:
        if delivery is None or terms.due is None:
            return None
        return (terms.due - delivery).days
    return terms.days


def term_over_60(
    terms: PayTerms,
    delivery: dt.date | None,
    category: AgencyCategory | None,
    statutory: bool,
) -> frozenset[Flag]:
    """TERM_OVER_60: more than 60 days agreed where the statutory rules apply
    (``statutory``: an SME contract or payable signed from 2020-09-01, what
    :func:`ledger.audit.assess.assess` calls ``sme_interest``) and the buyer is an
    organ, institution or association; never for an soe buyer or a pre-regulation
    contract.  Known once the days are agreed: at signing, before the period starts
    (both texts cap these buyers at 60, so which one will govern does not matter); for
    basis ``date`` once a delivery fixes them.  DOMAIN.md "statutory due date";
    保障中小企业款项支付条例 art. 9 (2025 text; 2020 text art. 8).
    """
    if not statutory or category not in PUBLIC_BUYERS:
        return frozenset()
    agreed = agreed_days(terms, delivery)
    return (
        frozenset({Flag.TERM_OVER_60}) if agreed is not None and agreed > MAX_DAYS else frozenset()
    )


def statutory_due(
    terms: PayTerms,
    start: dt.date | None,
    delivery: dt.date | None,
    category: AgencyCategory | None,
    sme_rules: bool,
    text: Text | None,
    cal: WorkCalendar,
) -> dt.date | None:
    """The latest due date the regulation allows (over 60 agreed days: :func:`term_over_60`).

    For an SME contract or payable under the 2020 or 2025 text (``text``):
    an organ, institution or association pays within start + the agreed
    days, or 30 where none were agreed, never more than 60 (both texts); an
    soe (a large enterprise) under the 2025 text within the agreed days (no
    cap) or 60 where none were agreed, under the 2020 text within the agreed
    days and with none agreed it has no statutory date.  For basis ``date``
    the start is the delivery and the agreed days are ``due`` − delivery
    (nothing before a delivery).  The date is a period's end: moved off a
    rest day.  None where the rule does not apply (a large enterprise, a
    policy promise, category ``other``, a pre-regulation contract) or cannot
    be computed yet.  保障中小企业款项支付条例 art. 9, 10, 36 (2025 text; 2020
    text art. 8, 9, 28); 民法典 art. 203.
    """
    if not sme_rules or category is None or text is None or text is Text.NONE:
        return None
    if terms.basis is TermsBasis.DATE:
        start = delivery
    agreed = agreed_days(terms, delivery)
    if start is None:
        return None
    if category in PUBLIC_BUYERS:
        days = min(DEFAULT_DAYS_ORGAN if agreed is None else agreed, MAX_DAYS)
        return cal.add_days(start, days)
    if category is AgencyCategory.SOE:
        if agreed is None:
            if text is Text.T2020:
                return None
            agreed = DEFAULT_DAYS_SOE
        return cal.add_days(start, agreed)
    return None


def effective_due(contractual: dt.date | None, statutory: dt.date | None) -> dt.date | None:
    """The earlier of the contractual and statutory due dates (either may be None).

    保障中小企业款项支付条例 art. 9 (2025; 2020 art. 8): an agreed term never
    extends the statutory one.
    """
    if contractual is None:
        return statutory
    if statutory is None:
        return contractual
    return min(contractual, statutory)


def bucket_for(days_overdue: int) -> Bucket:
    """Ageing bucket: 1-30, 31-90, 91-180, 181-365, over 365 days overdue."""
    if days_overdue <= 30:
        return Bucket.UP_TO_30
    if days_overdue <= 90:
        return Bucket.UP_TO_90
    if days_overdue <= 180:
        return Bucket.UP_TO_180
    if days_overdue <= 365:
        return Bucket.UP_TO_365
    return Bucket.OVER_365


def _names(conditions: Iterable[str] | None, code: ReasonCode) -> bool:
    words = _CONDITION_WORDS[code]
    return any(w in c.casefold() for c in conditions or () for w in words)


def prohibited_excuse(code: ReasonCode | None, conditions: Sequence[str] | None) -> bool:
    """Whether a dispute, amendment or repudiation gives a forbidden excuse.

    Forbidden: a change of legal representative or principal, a term change,
    a restructuring, the internal payment process; awaiting the final-account
    audit or the completion filing unless the contract's ``terms.conditions``
    list that condition (a condition naming ``audit``/审计/决算, or
    ``filing``/备案).  保障中小企业款项支付条例 art. 14 (2025; 2020 art. 13),
    and art. 12 (2025; 2020 art. 11) for an audit result forced as the
    settlement basis.
    """
    if code is None:
        return False
    if code in ALWAYS_PROHIBITED:
        return True
    if code in _CONDITION_WORDS:
        return not _names(conditions, code)
    return False


def _lengthens(
    old: PayTerms, new: PayTerms, old_due: dt.date | None, new_due: dt.date | None
) -> bool:
    if old_due is not None and new_due is not None:
        return new_due > old_due
    if old.basis is new.basis:
        if new.basis is TermsBasis.DATE:
            return old.due is not None and new.due is not None and new.due > old.due
        if new.days is not None and (old.days is None or new.days > old.days):
            return True
        if new.basis is TermsBasis.ACCEPTANCE and old.acceptance_days is not None:
            return new.acceptance_days is None or new.acceptance_days > old.acceptance_days
        return False
    # Counting from acceptance rather than delivery or a date always starts later.
    return new.basis is TermsBasis.ACCEPTANCE


def adds_burden(
    amount: int,
    terms: PayTerms,
    rate: Decimal | None,
    sme_rules: bool,
    changes: Change,
    old_due: dt.date | None,
    new_due: dt.date | None,
) -> bool:
    """Whether an unconsented amendment works against the enterprise (CONDITIONS_ADDED).

    It adds conditions (``conditions_added``, or new ``terms.conditions``),
    cuts the amount, lengthens a term or moves a due date later (compared on
    the computed contractual due dates ``old_due``/``new_due`` when both are
    known, else term by term), or lowers the late-interest rate (where none
    was agreed, an SME contract's 0.05% a day, 18.25% a year).
    保障中小企业款项支付条例 art. 7 (2025 and 2020 texts: no unreasonable
    terms of payment imposed on SMEs); 优化营商环境条例 art. 31.
    """
    if changes.conditions_added:
        return True
    if changes.amount is not None and changes.amount < amount:
        return True
    if changes.interest_rate is not None:
        current = rate if rate is not None else (_STATUTORY_ANNUAL if sme_rules else None)
        if current is not None and changes.interest_rate < current:
            return True
    if changes.terms is not None:
        new = changes.terms
        if set(new.conditions or ()) - set(terms.conditions or ()):
            return True
        if _lengthens(terms, new, old_due, new_due):
            return True
    return False


@lru_cache(maxsize=1024)
def late_rate(
    sme_rules: bool, agreed: Decimal | None, lpr_at_signing: Decimal | None
) -> tuple[Rate, frozenset[Flag]]:
    """The late-interest rate: agreed, floored at the LPR at signing, or 0.05% per day.

    For an SME contract or payable: the agreed annual rate, never below the
    one-year LPR in force at signing (RATE_BELOW_LPR; no floor before the
    first LPR row), or 0.05% per day where none was agreed.  Otherwise only
    an agreed rate applies, and none means no interest in this audit
    (civil-law damages are outside it).  保障中小企业款项支付条例 art. 17 (2025;
    2020 art. 15).
    """
    if sme_rules:
        if agreed is None:
            rate = Rate(
                RateKind.STATUTORY_DAILY, None, STATUTORY_DAILY_PERCENT, None, lpr_at_signing
            )
            return rate, frozenset()
        if lpr_at_signing is not None and agreed < lpr_at_signing:
            rate = Rate(RateKind.LPR_FLOOR, lpr_at_signing, None, agreed, lpr_at_signing)
            return rate, frozenset({Flag.RATE_BELOW_LPR})
        return Rate(RateKind.AGREED, agreed, None, agreed, lpr_at_signing), frozenset()
    if agreed is None:
        return Rate(RateKind.NONE, None, None, None, None), frozenset()
    return Rate(RateKind.AGREED, agreed, None, agreed, None), frozenset()


def late_balance_days(
    principal: int,
    payments: Sequence[tuple[dt.date, int]],
    disputes: Sequence[tuple[dt.date, int]],
    due: dt.date | None,
    as_of: dt.date,
) -> tuple[int, dt.date | None]:
    """Σ over every part of the balance of (fen × days late), and the last late day.

    Each part is late from the effective due date to the day it was paid
    (``payments``: the day each pays, a bill or voucher on its maturity) or
    to ``as_of`` while unpaid, days counted as the difference of the dates.
    Parts held back by open ``disputes`` stop accruing on the day the
    dispute was raised (payments settle the undisputed part first, so on a
    day d the accruing balance is max(0, unpaid(d) − disputed(d))).  The
    second value is the day the last late part stopped accruing.
    保障中小企业款项支付条例 art. 17 (2025; 2020 art. 15), art. 15 (2025).
    """
    if due is None or as_of <= due:
        return 0, None
    balance, held = principal, 0
    changes: dict[dt.date, tuple[int, int]] = {}
    for day, amount in payments:
        if day <= due:
            balance -= amount
        elif day < as_of:
            paid, disputed = changes.get(day, (0, 0))
            changes[day] = (paid + amount, disputed)
    for day, amount in disputes:
        if day <= due:
            held += amount
        elif day < as_of:
            paid, disputed = changes.get(day, (0, 0))
            changes[day] = (paid, disputed + amount)
    total, last, cur = 0, None, due
    for day in (*sorted(changes), as_of):
        accruing = balance - held
        if accruing > 0:
            total += accruing * (day - cur).days
            last = day
        if day in changes:
            paid, disputed = changes[day]
            balance -= paid
            held += disputed
        cur = day
    return total, last


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up (both non-negative, denominator > 0)."""
    return (2 * numerator + denominator) // (2 * denominator)


def interest_fen(balance_days: int, rate: Rate) -> int:
    """Simple interest on ``balance_days`` (fen × days), rounded half up to the fen once.

    An annual rate is charged per day as rate / 365; the statutory rate is
    0.05% a day.  Exact rational arithmetic.  保障中小企业款项支付条例 art. 17
    (2025; 2020 art. 15).
    """
    if balance_days <= 0:
        return 0
    if rate.daily_percent is not None:
        num, den = rate.daily_percent.as_integer_ratio()
        return round_half_up(balance_days * num, 100 * den)
    if rate.annual_percent is not None:
        num, den = rate.annual_percent.as_integer_ratio()
        return round_half_up(balance_days * num, 36500 * den)
    return 0
