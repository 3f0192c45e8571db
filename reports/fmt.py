"""Formatting for printed reports: amounts, dates, instants, hashes.

Amounts arrive as integer fen and are printed exactly, in yuan with two
places and thousands separators (``1,234,567.89``), by integer arithmetic.
"""

from __future__ import annotations

import datetime as dt

__all__ = [
    "BEIJING",
    "count",
    "date_text",
    "date_zh",
    "instant_text",
    "short_hash",
    "wan",
    "yuan",
]

BEIJING = dt.timezone(dt.timedelta(hours=8), "UTC+08:00")
"""China Standard Time, for the local reading of an instant."""


def yuan(fen: int) -> str:
    """``123456789`` fen → ``"1,234,567.89"``; negative amounts keep their sign."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"yuan() needs an int of fen, not {type(fen).__name__}")
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def wan(fen: int) -> str:
    """An amount in 万元 with two places (rounded half up), for chart captions."""
    sign = "-" if fen < 0 else ""
    hundredths, rest = divmod(abs(fen), 10_000)  # 1 万元 = 1,000,000 fen; 0.01 万元 = 10,000 fen
    if rest * 2 >= 10_000:
        hundredths += 1
    whole, cents = divmod(hundredths, 100)
    return f"{sign}{whole:,}.{cents:02d}万"


def count(n: int) -> str:
    """An integer with thousands separators."""
    return f"{n:,}"


def date_text(d: dt.date | None, empty: str = "—") -> str:
    """``YYYY-MM-DD``, or ``empty`` for None."""
    return empty if d is None else d.isoformat()


def date_zh(d: dt.date) -> str:
    """``2026年1月16日``."""
    return f"{d.year}年{d.month}月{d.day}日"


def instant_text(t: dt.datetime) -> str:
    """An aware instant as UTC and as Beijing time: ``2026-11-27T10:41:10Z（北京时间 …）``."""
    if t.tzinfo is None:
        raise ValueError("naive datetime: pass an aware instant")
    utc = t.astimezone(dt.UTC)
    local = t.astimezone(BEIJING)
    return f"{utc.strftime('%Y-%m-%dT%H:%M:%SZ')}（北京时间 {local.strftime('%Y-%m-%d %H:%M:%S')}）"


def short_hash(h: bytes | str, n: int = 16) -> str:
    """The first ``n`` hex digits of a hash, with an ellipsis."""
    text = h.hex() if isinstance(h, bytes) else h
    return text[:n] + "…"
