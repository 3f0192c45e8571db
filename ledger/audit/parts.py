"""Progress and periodic settlement (basis ``settlement``): one commitment, many parts.

DOMAIN.md "Arrears rules", basis ``settlement`` (保障中小企业款项支付条例 art. 9
para. 4, 2025 text; 2020 text art. 8 para. 3): each ``settlement.confirmed``
amount is a part with its own start (the confirmation date) and its own
contractual, statutory and effective due dates; the unconfirmed rest of the
principal is never due.  As of the audit date, over the parts confirmed by
then:

- waived and written-off amounts, then open disputed amounts (in the order
  the disputes were raised), are taken first from the unconfirmed rest, then
  from the latest-due parts;
- payments, in the order of the day they pay (a bill or voucher on its
  maturity), then seq, settle the undisputed unpaid amount of the
  earliest-due parts first (ties: the earlier confirmation), then the
  unconfirmed rest, then disputed amounts (parts in due order, then the
  rest).  A part whose due date cannot be computed sorts after every dated
  part.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["Part", "allocate"]


@dataclass(slots=True)
class Part:
    """One confirmed part and what the allocation gave it (the rest is a Part with seq -1)."""

    seq: int
    date: dt.date | None
    amount: int
    due: dt.date | None = None
    statutory_due: dt.date | None = None
    effective_due: dt.date | None = None
    reduced: int = 0
    """Waived and written off: never owed."""
    disputes: list[tuple[dt.date, int]] = field(default_factory=list)
    """(day raised, amount held) of the open disputes placed on this part."""
    payments: list[tuple[dt.date, int, int]] = field(default_factory=list)
    """(day it pays, amount, payment seq) of the payments placed on this part."""

    @property
    def held(self) -> int:
        """Amount held back by open disputes."""
        return sum(a for _, a in self.disputes)

    @property
    def owed(self) -> int:
        """amount − reduced."""
        return self.amount - self.reduced

    def paid_by(self, day: dt.date) -> int:
        """Payments placed here that have paid by ``day``."""
        return sum(a for d, a, _ in self.payments if d <= day)

    def sort_key(self) -> tuple[bool, dt.date, int]:
        """Earliest effective due first; undated parts last; ties by confirmation seq."""
        return (self.effective_due is None, self.effective_due or dt.date.max, self.seq)


def _take(amount: int, order: Sequence[Part], room: list[int]) -> list[tuple[Part, int]]:
    """Take ``amount`` from the parts in ``order`` up to each one's ``room``; what was taken."""
    out: list[tuple[Part, int]] = []
    for i, part in enumerate(order):
        if amount <= 0:
            break
        got = min(amount, room[i])
        if got > 0:
            room[i] -= got
            amount -= got
            out.append((part, got))
    return out


def allocate(
    parts: list[Part],
    rest: Part,
    reductions: int,
    disputes: Sequence[tuple[dt.date, int]],
    payments: Sequence[tuple[dt.date, int, int]],
) -> list[Part]:
    """Place reductions, open disputes and payments on ``parts`` and the unconfirmed ``rest``.

    ``disputes`` in the order raised; ``payments`` as (day it pays, amount,
    seq).  Returns the parts in the order payments settle them (``rest``
    is updated in place and not in the list).
    """
    ordered = sorted(parts, key=Part.sort_key)
    # Reductions and disputes: the rest first, then the latest-due parts.
    latest_first = [rest, *reversed(ordered)]
    room = [p.amount for p in latest_first]
    for part, got in _take(reductions, latest_first, room):
        part.reduced += got
    for day, amount in disputes:
        for part, got in _take(amount, latest_first, room):
            part.disputes.append((day, got))
    # Payments: undisputed unpaid amounts in due order, then the rest, then disputed amounts.
    undisputed = [*ordered, rest]
    free = [p.amount - p.reduced - p.held for p in undisputed]
    held = [p.held for p in undisputed]
    for day, amount, seq in sorted(payments, key=lambda p: (p[0], p[2])):
        taken = _take(amount, undisputed, free)
        left = amount - sum(g for _, g in taken)
        taken += _take(left, undisputed, held)
        for part, got in taken:
            part.payments.append((day, got, seq))
    return ordered
