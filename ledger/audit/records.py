"""Compact, immutable records of one commitment's events, as the audits read them.

The audits stream millions of events, so each is decoded straight from its
stored body into a small named tuple holding only what the rules use (a
frozen dataclass of :mod:`ledger.domain.events` costs several times more to build,
and ``parse_body`` re-validates every field).  Bodies were validated on
append; a test checks these decoders agree with ``parse_body``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any, NamedTuple

from ledger.domain.events import CommitmentType, EventKind, PaymentMethod, ReasonCode, TermsBasis

__all__ = [
    "ADDERS",
    "Amendment",
    "Change",
    "CommitmentHistory",
    "Confirmation",
    "Dated",
    "Dispute",
    "InterestPaid",
    "PayTerms",
    "Payment",
    "Recorded",
    "Repudiation",
    "Resolution",
    "Reversal",
    "Settlement",
    "Void",
    "add_event",
    "decode_recorded",
    "new_history",
]

_date = dt.date.fromisoformat
_new = tuple.__new__  # builds a named tuple without its Python-level __new__
_NONCASH = frozenset({PaymentMethod.BILL.value, PaymentMethod.VOUCHER.value})


class PayTerms(NamedTuple):
    """Payment terms (``terms`` of DOMAIN.md)."""

    basis: TermsBasis
    days: int | None
    due: dt.date | None
    acceptance_days: int | None
    conditions: tuple[str, ...] | None


class Recorded(NamedTuple):
    """A ``commitment.recorded`` entry."""

    seq: int
    commitment: str
    type: CommitmentType
    agency: str
    enterprise: str
    title: str
    amount: int
    signed_on: dt.date
    terms: PayTerms
    interest_rate: Decimal | None


class Dated(NamedTuple):
    """A delivery, an acceptance or a complaint: only its date matters here."""

    seq: int
    date: dt.date


class Payment(NamedTuple):
    """A payment; ``pays_on`` is its date, or a bill's or voucher's maturity."""

    seq: int
    date: dt.date
    pays_on: dt.date
    amount: int
    noncash: bool
    reference: str


class Confirmation(NamedTuple):
    """A ``settlement.confirmed`` part (basis ``settlement``): payable from ``date``."""

    seq: int
    date: dt.date
    amount: int


class Reversal(NamedTuple):
    """A ``payment.reversed``: the payment under ``reference`` never counted."""

    seq: int
    date: dt.date
    reference: str
    reason: str


class InterestPaid(NamedTuple):
    """An ``interest.paid``: late interest paid to the enterprise."""

    seq: int
    date: dt.date
    amount: int


class Dispute(NamedTuple):
    """A dispute over part of the amount."""

    seq: int
    date: dt.date
    amount: int
    reason_code: ReasonCode | None


class Resolution(NamedTuple):
    """A dispute resolution."""

    seq: int
    date: dt.date
    written_off: int


class Repudiation(NamedTuple):
    """A repudiation."""

    seq: int
    date: dt.date
    reason_code: ReasonCode | None


class Settlement(NamedTuple):
    """A settlement waiving part of the amount."""

    seq: int
    date: dt.date
    waived: int


class Change(NamedTuple):
    """What an amendment changes."""

    amount: int | None
    terms: PayTerms | None
    interest_rate: Decimal | None
    conditions_added: tuple[str, ...] | None


class Amendment(NamedTuple):
    """An amendment, binding only with the enterprise's consent."""

    seq: int
    date: dt.date
    consent: bool
    reason_code: ReasonCode | None
    changes: Change


class Void(NamedTuple):
    """A void; ``at`` is the instant it was signed (RFC 3339 UTC)."""

    seq: int
    at: str
    reason: str

    @property
    def at_date(self) -> dt.date:
        """The UTC calendar date of the void."""
        return _date(self.at[:10])


_NONE: list[Any] = []
"""Shared empty list: a history's lists start as this and are replaced on first use
(building ten empty lists per commitment costs more than the rest of its decoding)."""


class CommitmentHistory:
    """One commitment's events, each kind in seq order (filled while streaming).

    Treat the lists as read-only: an empty one may be the shared :data:`_NONE`.
    """

    __slots__ = (
        "acceptances",
        "amendments",
        "complaints",
        "confirmations",
        "deliveries",
        "disputes",
        "interest_paid",
        "last_date",
        "payments",
        "recorded",
        "repudiations",
        "resolutions",
        "reversals",
        "seqs",
        "settlements",
        "void",
    )

    def __init__(self, recorded: Recorded) -> None:
        self.recorded = recorded
        self.seqs: list[int] = [recorded.seq]
        """Every seq of the commitment, the recording's first, ascending."""
        self.last_date: dt.date = recorded.signed_on
        """The latest business date of any event (the signing date at least)."""
        self.deliveries: list[Dated] = _NONE
        self.acceptances: list[Dated] = _NONE
        self.payments: list[Payment] = _NONE
        self.disputes: list[Dispute] = _NONE
        self.resolutions: list[Resolution] = _NONE
        self.repudiations: list[Repudiation] = _NONE
        self.settlements: list[Settlement] = _NONE
        self.amendments: list[Amendment] = _NONE
        self.complaints: list[Dated] = _NONE
        self.confirmations: list[Confirmation] = _NONE
        self.reversals: list[Reversal] = _NONE
        self.interest_paid: list[InterestPaid] = _NONE
        self.void: Void | None = None


def _fen(text: str) -> int:
    whole, _, cents = text.partition(".")
    return int(whole) * 100 + int(cents)


def _reason(body: dict[str, Any]) -> ReasonCode | None:
    code = body.get("reason_code")
    return None if code is None else ReasonCode(code)


_BASIS = {b.value: b for b in TermsBasis}
_TYPE = {t.value: t for t in CommitmentType}


def decode_terms(o: dict[str, Any]) -> PayTerms:
    """``terms`` of a recorded body or an amendment's changes."""
    due = o.get("due")
    cond = o.get("conditions")
    return _new(
        PayTerms,
        (
            _BASIS[o["basis"]],
            o.get("days"),
            None if due is None else _date(due),
            o.get("acceptance_days"),
            None if cond is None else tuple(cond),
        ),
    )


def new_history(seq: int, b: dict[str, Any]) -> CommitmentHistory:
    """The history of a commitment, from its ``commitment.recorded`` body."""
    return CommitmentHistory(decode_recorded(seq, b))


def decode_recorded(seq: int, b: dict[str, Any]) -> Recorded:
    """A ``commitment.recorded`` body."""
    rate = b.get("interest_rate")
    return _new(
        Recorded,
        (
            seq,
            b["commitment"],
            _TYPE[b["type"]],
            b["agency"],
            b["enterprise"],
            b["title"],
            _fen(b["amount"]),
            _date(b["signed_on"]),
            decode_terms(b["terms"]),
            None if rate is None else Decimal(rate),
        ),
    )


def _day(h: CommitmentHistory, b: dict[str, Any]) -> dt.date:
    day = _date(b["date"])
    h.last_date = max(h.last_date, day)
    return day


def _delivered(h: CommitmentHistory, seq: int, at: str, b: dict[str, Any]) -> None:
    item = _new(Dated, (seq, _day(h, b)))
    if h.deliveries is _NONE:
        h.deliveries = [item]
    else:
        h.deliveries.append(item)


def _accepted(h: CommitmentHistory, seq: int, at: str, b: dict[str, Any]) -> None:
    item = _new(Dated, (seq, _day(h, b)))
    if h.acceptances is _NONE:
        h.acceptances = [item]
    else:
        h.acceptances.append(item)


def _complaint(h: CommitmentHistory, seq: int, at: str, b: dict[str, Any]) -> None:
    item = _new(Dated, (seq, _day(h, b)))
    if h.complaints is _NONE:
        h.complaints = [item]
    else:
        h.complaints.append(item)


def _payment(h: CommitmentHistory, seq: int, at: str, b: dict[str, Any]) -> None:
    day = _day(h, b)
    noncash = b["method"] in _NONCASH
    pays_on = _date(b["maturity"]) if noncash else day
    item = _new(Payment, (seq, day, pays_on, _fen(b["amount"]), noncash, b["reference"]))
    if h.payments is _NONE:
        h.payments = [item]
    else:
        h.payments.append(item)


def _disputed(h: CommitmentHistory, seq: int, at: str, b: dict[str, Any]) -> None:
    item = Dispute(seq, _day(h, b), _fen(b["amount"]), _reason(b))
    if h.disputes is _NONE:
        h.disputes = [item]
    else:
        h.disputes.append(item)


def _resolved(h: CommitmentHistory, seq: int, at: str, b: dict[str, Any]) -> None:
    item = Resolution(seq, _day(h, b), _fen(b["written_off"]))
    if h.resolutions is _NONE:
        h.resolutions = [item]
    else:
        h.resolutions.append(item)


def _repudiated(h: CommitmentHistory, seq: int, at: str, b: dict[str, Any]) -> None:
    item = Repudiation(seq, _day(h, b), _reason(b))
    if h.repudiations is _NONE:
        h.repudiations = [item]
    else:
        h.repudiations.append(item)


def _settled(h: CommitmentHistory, seq: int, at: str, b: dict[str, Any]) -> None:
    item = Settlement(seq, _day(h, b), _fen(b["amount_waived"]))
    if h.settlements is _NONE:
        h.settlements = [item]
    else:
        h.settlements.append(item)


def _amended(h: CommitmentHistory, seq: int, at: str, b: dict[str, Any]) -> None:
    c = b["changes"]
    amount, terms, rate, added = (
        c.get("amount"),
        c.get("terms"),
        c.get("interest_rate"),
        c.get("conditions_added"),
    )
    change = Change(
        None if amount is None else _fen(amount),
        None if terms is None else decode_terms(terms),
        None if rate is None else Decimal(rate),
        None if added is None else tuple(added),
    )
    item = Amendment(seq, _day(h, b), bool(b["enterprise_consent"]), _reason(b), change)
    if h.amendments is _NONE:
        h.amendments = [item]
    else:
        h.amendments.append(item)


def _voided(h: CommitmentHistory, seq: int, at: str, b: dict[str, Any]) -> None:
    if h.void is None:  # the first void counts
        h.void = Void(seq, at, b["reason"])


def _confirmed(h: CommitmentHistory, seq: int, at: str, b: dict[str, Any]) -> None:
    item = Confirmation(seq, _day(h, b), _fen(b["amount"]))
    if h.confirmations is _NONE:
        h.confirmations = [item]
    else:
        h.confirmations.append(item)


def _reversed(h: CommitmentHistory, seq: int, at: str, b: dict[str, Any]) -> None:
    # A reversal applies at every date (like a void): it does not move last_date.
    item = Reversal(seq, _date(b["date"]), b["reference"], b["reason"])
    if h.reversals is _NONE:
        h.reversals = [item]
    else:
        h.reversals.append(item)


def _interest_paid(h: CommitmentHistory, seq: int, at: str, b: dict[str, Any]) -> None:
    item = InterestPaid(seq, _day(h, b), _fen(b["amount"]))
    if h.interest_paid is _NONE:
        h.interest_paid = [item]
    else:
        h.interest_paid.append(item)


SETTLEMENT_CONFIRMED = "settlement.confirmed"
PAYMENT_REVERSED = "payment.reversed"
INTEREST_PAID = "interest.paid"

ADDERS: dict[str, Callable[[CommitmentHistory, int, str, dict[str, Any]], None]] = {
    EventKind.COMMITMENT_DELIVERED: _delivered,
    EventKind.COMMITMENT_ACCEPTED: _accepted,
    EventKind.PAYMENT_MADE: _payment,
    EventKind.COMMITMENT_DISPUTED: _disputed,
    EventKind.DISPUTE_RESOLVED: _resolved,
    EventKind.COMMITMENT_REPUDIATED: _repudiated,
    EventKind.COMMITMENT_SETTLED: _settled,
    EventKind.COMMITMENT_AMENDED: _amended,
    EventKind.COMMITMENT_VOIDED: _voided,
    EventKind.COMPLAINT_FILED: _complaint,
    SETTLEMENT_CONFIRMED: _confirmed,
    PAYMENT_REVERSED: _reversed,
    INTEREST_PAID: _interest_paid,
}
"""Decoder of each commitment event kind after the recording: appends to its list
(the caller appends the seq to ``seqs``; :func:`add_event` does both)."""


def add_event(
    history: CommitmentHistory, seq: int, kind: str, at: str, body: dict[str, Any]
) -> None:
    """Decode one stored event of ``history``'s commitment into its list.

    KeyError for a kind that is not a commitment event after the recording.
    """
    ADDERS[kind](history, seq, at, body)
    history.seqs.append(seq)
