"""Bounds on the dates a statement may carry (DOMAIN.md "Event kinds", revision 2).

No business date (``date``, ``signed_on``, ``start``, ``end``, ``effective``) may be
later than the day, in Beijing time, of the entry's ``ts``, or earlier than 1949-10-01; ``terms.due`` (also in an amendment's
``changes.terms``) and ``maturity`` name future dates and may lie up to 30
years after ``ts`` (and not before 1949-10-01).  Checked on append against the
entry's ``ts`` and again by verify and rebuild against the ``ts`` in the log.
An agency's ``established`` is not in DOMAIN.md's list and is not bounded: a
university may have been founded before 1949, and a bureau may be registered
before the day it is established (the disclosure leaves it out until then).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from typing import Any

from ledger.errors import FieldError

__all__ = ["BUSINESS_DATE_FIELDS", "EARLIEST", "FUTURE_YEARS", "check_dates", "latest_future"]

EARLIEST = dt.date(1949, 10, 1)
"""No date in the ledger is earlier than the founding of the People's Republic."""
FUTURE_YEARS = 30
"""``terms.due`` and ``maturity`` may lie at most this many years after the entry's day."""
BUSINESS_DATE_FIELDS = ("date", "signed_on", "start", "end", "effective")
_FUTURE_DATE_FIELDS = ("maturity",)
"""Top-level future dates; ``terms.due`` (and an amendment's ``changes.terms.due``) too."""


def latest_future(day: dt.date) -> dt.date:
    """The latest ``terms.due`` or ``maturity`` allowed on an entry of ``day`` (30 years on)."""
    try:
        return day.replace(year=day.year + FUTURE_YEARS)
    except ValueError:  # 29 February
        return day.replace(year=day.year + FUTURE_YEARS, day=28)


@functools.lru_cache(maxsize=64)
def _bounds(day: dt.date) -> tuple[str, str, str]:
    """The earliest date, the latest business date and the latest future date allowed
    on an entry of ``day``, as ISO text."""
    return EARLIEST.isoformat(), day.isoformat(), latest_future(day).isoformat()


def _within(body: dict[str, Any], lo: str, business_hi: str, future_hi: str) -> bool:
    """Whether every date of ``body`` (the fields :func:`_dates` walks) is exact ``str``
    text inside its bounds (given as ISO text); False sends the body to the full check."""
    get = body.get
    for name in BUSINESS_DATE_FIELDS:
        text = get(name)
        if text is not None and (type(text) is not str or not lo <= text <= business_hi):
            return False
    for name in _FUTURE_DATE_FIELDS:
        text = get(name)
        if text is not None and (type(text) is not str or not lo <= text <= future_hi):
            return False
    terms = get("terms")
    if terms is not None:
        if type(terms) is not dict:
            return False
        due = terms.get("due")
        if due is not None and (type(due) is not str or not lo <= due <= future_hi):
            return False
    return "changes" not in body


def _dates(body: dict[str, Any]) -> Iterator[tuple[str, str, bool]]:
    """(path, value, is a business date) of every date field of a body."""
    for name in BUSINESS_DATE_FIELDS:
        value = body.get(name)
        if isinstance(value, str):
            yield f"body.{name}", value, True
    for name in _FUTURE_DATE_FIELDS:
        value = body.get(name)
        if isinstance(value, str):
            yield f"body.{name}", value, False
    terms = body.get("terms")
    if isinstance(terms, dict) and isinstance(terms.get("due"), str):
        yield "body.terms.due", terms["due"], False
    changes = body.get("changes")
    if isinstance(changes, dict):
        terms = changes.get("terms")
        if isinstance(terms, dict) and isinstance(terms.get("due"), str):
            yield "body.changes.terms.due", terms["due"], False


def check_dates(body: dict[str, Any], day: dt.date) -> None:
    """FieldError for a date outside its bounds, for an entry whose ``ts`` falls on ``day``
    (Beijing time).  The body was parsed already: its dates are well formed."""
    # A parsed body's dates are YYYY-MM-DD, whose text sorts as the date does: a
    # date inside its bounds is passed on its text, anything else is looked at below.
    lo, business_hi, future_hi = _bounds(day)
    if not _within(body, lo, business_hi, future_hi):
        check_each_date(body, day)


def check_each_date(body: dict[str, Any], day: dt.date) -> None:
    """:func:`check_dates` date by date (what it does when a date is not plainly inside
    its bounds, and the reference its tests compare it with)."""
    for path, text, business in _dates(body):
        try:
            value = dt.date.fromisoformat(text)
        except ValueError:
            continue  # reported by the parser
        if value < EARLIEST:
            raise FieldError(
                path,
                f"{value} 早于 1949-10-01，不是有效的业务日期"
                f"（{value} is before 1949-10-01: not a date this ledger can hold）",
            )
        if business and value > day:
            raise FieldError(
                path,
                f"{value} 晚于记账当日 {day}（北京时间）：业务日期不得在未来，发生后再记录"
                f"（{value} is after the day of this entry, {day} in Beijing time: a business "
                "date may not lie in the future; record the event once it has happened）",
            )
        if not business and value > latest_future(day):
            raise FieldError(
                path,
                f"{value} 晚于记账当日 {day} 起 30 年（{value} is more than 30 years after the "
                f"day of this entry, {day}）",
            )
