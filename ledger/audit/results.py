"""Audit results: frozen plain data for the CLI and the report layer.

Money is integer fen, dates are :class:`datetime.date`, agencies, officials
and enterprises are given by id (names beside them where the log has them).
Every figure here is computed from ``domain_events`` alone, so anyone holding
the log can reproduce it; ``log_size`` says how much of the log was read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from ledger.domain.events import AgencyCategory, CommitmentType, EnterpriseSize

__all__ = [
    "ArrearsItem",
    "ArrearsReport",
    "ArrearsTotals",
    "AuditFilter",
    "Bucket",
    "CalendarInfo",
    "CalendarSource",
    "Citation",
    "DisclosureReport",
    "DisclosureRow",
    "DisclosureTotals",
    "Flag",
    "GroupTotal",
    "LatePaid",
    "LprInfo",
    "LprSource",
    "PartItem",
    "Rate",
    "RateKind",
    "ReversedItem",
    "Text",
    "TurnoverFinding",
    "TurnoverRef",
    "TurnoverReport",
    "TurnoverRule",
    "TurnoverTotals",
    "TurnoverType",
    "VoidedItem",
]


class Flag(StrEnum):
    """Arrears flags of DOMAIN.md "Arrears rules" (listed alphabetically in results)."""

    ACCEPTANCE_DELAYED = "ACCEPTANCE_DELAYED"
    ACCEPTANCE_PERIOD_MISSING = "ACCEPTANCE_PERIOD_MISSING"
    CONDITIONS_ADDED = "CONDITIONS_ADDED"
    NONCASH_EXTENSION = "NONCASH_EXTENSION"
    PROHIBITED_EXCUSE = "PROHIBITED_EXCUSE"
    RATE_BELOW_LPR = "RATE_BELOW_LPR"
    REPUDIATED = "REPUDIATED"
    TERM_OVER_60 = "TERM_OVER_60"
    UNDISPUTED_UNPAID = "UNDISPUTED_UNPAID"
    VOIDED_AFTER_DUE = "VOIDED_AFTER_DUE"


class Text(StrEnum):
    """Which text of the SME payment regulation governs a payment period."""

    NONE = "none"
    """Signed before 2020-09-01: neither text (only what was agreed applies)."""
    T2020 = "2020"
    """State Council order 728, in force 2020-09-01."""
    T2025 = "2025"
    """State Council order 802, in force 2025-06-01."""


class Bucket(StrEnum):
    """Ageing bucket by days overdue."""

    UP_TO_30 = "1-30"
    UP_TO_90 = "31-90"
    UP_TO_180 = "91-180"
    UP_TO_365 = "181-365"
    OVER_365 = ">365"


class RateKind(StrEnum):
    """Which late-interest rate applies to a commitment."""

    AGREED = "agreed"
    """The agreed annual rate (at or above the LPR floor, or no floor applies)."""
    LPR_FLOOR = "lpr_floor"
    """The agreed rate was below the one-year LPR at signing: the LPR applies."""
    STATUTORY_DAILY = "statutory_daily"
    """No agreed rate, SME contract or payable: 0.05% per day."""
    NONE = "none"
    """No agreed rate and no statutory rate (large enterprise, policy promise)."""


class TurnoverType(StrEnum):
    """The four kinds of turnover of DOMAIN.md "Turnover rules"."""

    OFFICIAL_CHANGE = "official_change"
    TERM_CHANGE = "term_change"
    RESTRUCTURING = "restructuring"
    DIVISION_ADJUSTMENT = "division_adjustment"


class TurnoverRule(StrEnum):
    """新官不理旧账 finding rules."""

    T1 = "T1"
    """Legacy debt unpaid: overdue at D after a turnover."""
    T2 = "T2"
    """Repudiated on or after a turnover."""
    T3 = "T3"
    """Conditions added (unconsented, to the enterprise's harm) on or after a turnover."""
    T4 = "T4"
    """Payments stopped at a turnover, and overdue at D."""
    T5 = "T5"
    """A turnover cited as the excuse (reason_code official_change, term_change, restructuring)."""


@dataclass(frozen=True, slots=True)
class Citation:
    """One legal provision, in the text in force on the date of the event it is cited for."""

    rule: str
    """Which rule of DOMAIN.md "Legal basis" (``deadline``, ``late_interest``...)."""
    instrument: str
    """The instrument's Chinese title, e.g. ``保障中小企业款项支付条例``."""
    version: str
    """The text cited: ``2025`` or ``2020`` (SME payment regulation), else the year enacted."""
    articles: tuple[int, ...]
    text: str
    """Ready to print: ``《保障中小企业款项支付条例》（2025年修订）第九条、第十条``."""


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Which commitments an audit reports (all when every field is None).

    ``agency`` matches the signing agency or the holder at the audit date;
    ``region`` matches the holder's or the signing agency's region code by
    administrative hierarchy (``430600`` takes in ``430602``; trailing ``00``
    pairs are a prefix); ``enterprise`` is the USCC exactly.
    """

    agency: str | None = None
    region: str | None = None
    enterprise: str | None = None


@dataclass(frozen=True, slots=True)
class LprSource:
    """One file the LPR table was read from."""

    source: str
    """``package:ledger/data/lpr_1y.csv`` or the user's path as given."""
    sha256: str
    """SHA-256 of the file's bytes, hex."""
    rows: int


@dataclass(frozen=True, slots=True)
class LprInfo:
    """Which LPR table an audit used."""

    mode: str
    """``packaged``, ``extended`` (user rows added, same dates replaced) or ``replaced``."""
    sources: tuple[LprSource, ...]
    rows: int
    first: dt.date | None
    last: dt.date | None


@dataclass(frozen=True, slots=True)
class CalendarSource:
    """One source of the holiday arrangement."""

    source: str
    """``chinese-calendar 1.11.0`` or the user's path as given."""
    sha256: str | None
    """SHA-256 of a user file's bytes, hex (None for the package)."""
    years: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class CalendarInfo:
    """Which working-day calendar an audit used: every source, and the years covered."""

    source: str
    """Every source named, joined by `` + ``."""
    sources: tuple[CalendarSource, ...]
    years: tuple[int, ...]
    """Years whose holiday arrangement is known; in any other year only weekends are rest days."""


@dataclass(frozen=True, slots=True)
class Rate:
    """The late-interest rate applied to one commitment."""

    kind: RateKind
    annual_percent: Decimal | None
    """Annual percent charged as rate / 365 per day (agreed, or the LPR floor)."""
    daily_percent: Decimal | None
    """Daily percent (``0.05`` for the statutory rate), else None."""
    agreed_percent: Decimal | None
    """The agreed annual rate in force (after consented amendments), if any."""
    lpr_percent: Decimal | None
    """The one-year LPR in force at signing, where the floor applies and a row exists."""


@dataclass(frozen=True, slots=True)
class ArrearsItem:
    """One commitment's arrears as of the audit date."""

    commitment: str
    type: CommitmentType
    title: str
    agency: str
    """The agency that signed."""
    holder: str
    """The agency holding the obligation at the audit date (through successions)."""
    enterprise: str
    enterprise_size: EnterpriseSize | None
    """Size at signing (registration, then enterprise.updated by effective date)."""
    sme_rules: bool
    """Whether the SME payment regulation's deadline and interest rules apply."""
    signed_on: dt.date
    amount: int
    """The amount as amended with the enterprise's consent, fen."""
    waived: int
    written_off: int
    principal: int
    """amount − waived − written_off."""
    paid: int
    """Payments that have paid by the audit date (a bill or voucher on its maturity)."""
    pending_noncash: int
    """Bills and vouchers handed over by the audit date but maturing after it."""
    outstanding: int
    """principal − paid, disputed parts included."""
    disputed: int
    """The part of ``outstanding`` held back by open disputes."""
    due: dt.date | None
    """Contractual due date."""
    statutory_due: dt.date | None
    effective_due: dt.date | None
    overdue: bool
    days_overdue: int | None
    bucket: Bucket | None
    interest: int
    """Late interest in fen, on the parts unpaid at the audit date and the parts paid late."""
    late_balance_days: int
    """Σ (fen × days late) over every part of the balance: the base of ``interest``."""
    rate: Rate
    flags: tuple[Flag, ...]
    evidence: tuple[int, ...]
    """Seqs of the entries counted (the commitment's, and the successions to the holder)."""
    citations: tuple[Citation, ...]
    """The provisions behind the item, each in the text in force on the date of its event."""
    overdue_amount: int = 0
    """Unpaid amount of the parts past due, disputed parts included; 0 when not overdue."""
    interest_paid: int = 0
    """Late interest recorded as paid (``interest.paid``) by the audit date."""
    interest_owed: int = 0
    """``interest`` − ``interest_paid``, never below zero."""
    text: Text | None = None
    """The text governing the payment period (None while it has not started)."""
    holder_category: AgencyCategory | None = None
    parts: tuple[PartItem, ...] = ()
    """Basis ``settlement``: the confirmed parts, in the order payments settle them."""


@dataclass(frozen=True, slots=True)
class PartItem:
    """One confirmed settlement part (``settlement.confirmed``) as of the audit date."""

    seq: int
    """Seq of the confirmation."""
    date: dt.date
    amount: int
    reduced: int
    """Waived and written-off amounts taken from this part (never owed)."""
    paid: int
    disputed: int
    """Held back by open disputes."""
    due: dt.date | None
    statutory_due: dt.date | None
    effective_due: dt.date | None
    overdue: bool
    """Past its effective due date with an undisputed unpaid amount."""
    unpaid: int
    """amount − reduced − paid, disputed part included."""
    interest: int
    text: Text | None


@dataclass(frozen=True, slots=True)
class ReversedItem:
    """A payment reversed (``payment.reversed``): it counts nowhere, and stays visible."""

    commitment: str
    reference: str
    amount: int
    seq: int
    """Seq of the reversal."""
    reason: str
    date: dt.date
    """Business date of the reversal."""
    payment_seq: int
    payment_date: dt.date
    agency: str
    holder: str


@dataclass(frozen=True, slots=True)
class LatePaid:
    """A commitment not overdue at the audit date on which parts were paid late."""

    commitment: str
    agency: str
    holder: str
    enterprise: str
    effective_due: dt.date
    last_late_day: dt.date
    """The day the last late part stopped accruing (its payment, or its dispute)."""
    days_late: int
    """The largest number of days by which a payment came after the effective due date of
    the part it paid, or by which a disputed part was late on the day its dispute was raised."""
    outstanding: int
    interest: int
    interest_paid: int = 0
    interest_owed: int = 0


@dataclass(frozen=True, slots=True)
class VoidedItem:
    """A voided commitment, kept visible: what it would show had it not been voided."""

    commitment: str
    seq: int
    """Seq of the void."""
    voided_at: dt.datetime
    reason: str
    flags: tuple[Flag, ...]
    agency: str
    holder: str
    enterprise: str
    principal: int
    outstanding: int
    effective_due: dt.date | None


@dataclass(frozen=True, slots=True)
class GroupTotal:
    """Overdue commitments of one group."""

    count: int = 0
    outstanding: int = 0
    disputed: int = 0
    interest: int = 0
    overdue_amount: int = 0


@dataclass(frozen=True, slots=True)
class ArrearsTotals:
    """Totals over the overdue items (also under ``--all``), late-paid interest beside them."""

    count: int
    outstanding: int
    disputed: int
    interest: int
    late_paid_count: int
    late_paid_interest: int
    by_holder: Mapping[str, GroupTotal]
    by_agency: Mapping[str, GroupTotal]
    """By the agency that signed."""
    by_bucket: Mapping[Bucket, GroupTotal]
    """Every bucket, zero ones included, in ageing order."""
    overdue_amount: int = 0
    """Σ ``overdue_amount`` of the overdue items."""
    interest_paid: int = 0
    interest_owed: int = 0
    late_paid_interest_owed: int = 0


@dataclass(frozen=True, slots=True)
class ArrearsReport:
    """The arrears audit as of ``as_of``."""

    as_of: dt.date
    log_size: int
    lpr: LprInfo
    filters: AuditFilter
    include_all: bool
    items: tuple[ArrearsItem, ...]
    totals: ArrearsTotals
    late_paid: tuple[LatePaid, ...]
    voided: tuple[VoidedItem, ...]
    agency_names: Mapping[str, str] = field(default_factory=dict)
    """Registered name of every agency, by id."""
    enterprise_names: Mapping[str, str] = field(default_factory=dict)
    """Registered name of every enterprise in ``items``, ``late_paid`` or ``voided``, by USCC."""
    reversed: tuple[ReversedItem, ...] = ()
    calendar: CalendarInfo | None = None
    weekends_only: tuple[int, ...] = ()
    """Years outside the calendar's coverage that a date fell in: only weekends were rest days."""


@dataclass(frozen=True, slots=True)
class TurnoverRef:
    """The turnover a finding is charged to."""

    type: TurnoverType
    date: dt.date
    seq: int
    agency: str
    """The agency the turnover affected."""


@dataclass(frozen=True, slots=True)
class TurnoverFinding:
    """One commitment's 新官不理旧账 finding, naming every rule met."""

    commitment: str
    rules: tuple[TurnoverRule, ...]
    breach_date: dt.date
    turnover: TurnoverRef | None
    agency: str
    """The agency that signed."""
    holder: str
    """The agency holding the obligation at the audit date."""
    enterprise: str
    breach_holder: str
    """The agency holding the obligation on the breach date."""
    official_at_breach: str | None
    """The principal in office at ``breach_holder`` on the breach date."""
    official_now: str | None
    """The principal in office at ``holder`` on the audit date."""
    outstanding: int
    """Disputed parts included."""
    overdue: bool
    effective_due: dt.date | None
    days_under_new_leadership: int | None
    evidence: tuple[int, ...]
    citations: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class TurnoverTotals:
    """Counts over the findings."""

    count: int
    outstanding: int
    by_rule: Mapping[TurnoverRule, int]
    by_holder: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class TurnoverReport:
    """The turnover (新官不理旧账) audit as of ``as_of``."""

    as_of: dt.date
    log_size: int
    filters: AuditFilter
    findings: tuple[TurnoverFinding, ...]
    totals: TurnoverTotals
    turnovers: int
    """How many turnovers on or before ``as_of`` the log records (term changes once per agency)."""
    agency_names: Mapping[str, str] = field(default_factory=dict)
    """Registered name of every agency, by id."""
    calendar: CalendarInfo | None = None
    weekends_only: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class DisclosureRow:
    """One organ, institution or association's art. 18 disclosure for the year (or an SOE's
    figures for its annual report)."""

    agency: str
    name: str
    category: AgencyCategory
    region: str
    contracts: int
    """Contracts and payables with SME suppliers overdue and unpaid on 31 December."""
    amount: int
    """Σ of their ``overdue_amount`` (disputed parts included), fen."""


@dataclass(frozen=True, slots=True)
class DisclosureTotals:
    """Sums over the rows."""

    agencies: int
    contracts: int
    amount: int


@dataclass(frozen=True, slots=True)
class DisclosureReport:
    """The annual disclosure (art. 18; 2020 text art. 16) for ``year``."""

    year: int
    as_of: dt.date
    """31 December of ``year``."""
    log_size: int
    filters: AuditFilter
    agencies: tuple[DisclosureRow, ...]
    totals: DisclosureTotals
    """Over ``agencies`` only."""
    citations: tuple[Citation, ...]
    annual_report: tuple[DisclosureRow, ...] = ()
    """SOEs holding an SME contract or payable on 31 December: published in their annual
    report (art. 18 para. 2), zero rows included."""
    calendar: CalendarInfo | None = None
    weekends_only: tuple[int, ...] = ()
