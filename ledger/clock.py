"""Instants as RFC 3339 UTC strings with a ``Z`` suffix (FORMATS.md §1).

The core never reads the wall clock itself: callers pass a :data:`Clock`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone

from ledger.errors import FieldError, both

Clock = Callable[[], datetime]

_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
"""China Standard Time (UTC+8, no daylight saving since 1991): business days are Beijing days."""


def beijing_day(instant: datetime | str) -> date:
    """The calendar day in Beijing time of an instant (a datetime or an RFC 3339 ``ts``)."""
    if isinstance(instant, str):
        instant = parse_instant(instant, "ts")
    return instant.astimezone(BEIJING).date()


def system_clock() -> datetime:
    """The wall clock in UTC; only the CLI passes this in."""
    return datetime.now(UTC)


def format_instant(dt: datetime) -> str:
    """``2026-11-27T09:41:10.123Z``: UTC, milliseconds, ``Z`` suffix."""
    if dt.tzinfo is None:
        raise ValueError("naive datetime: time zones are explicit in this ledger")
    dt = dt.astimezone(UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def parse_instant(text: object, field: str) -> datetime:
    """Parse an RFC 3339 UTC instant with ``Z`` suffix; FieldError otherwise."""
    if not isinstance(text, str) or not _INSTANT.match(text):
        raise FieldError(
            field,
            both(
                f"时刻格式不对：{text!r}，应为以 Z 结尾的 RFC 3339 UTC 时刻",
                f"{text!r} is not an RFC 3339 UTC instant ending in Z",
            ),
        )
    main, _, frac = text[:-1].partition(".")
    try:
        dt = datetime.strptime(main, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    except ValueError as exc:
        raise FieldError(
            field, both(f"时刻 {text!r} 不存在", f"{text!r} is not a real instant")
        ) from exc
    if frac:
        dt = dt.replace(microsecond=int((frac + "000000")[:6]))
    return dt


def parse_date(text: object, field: str) -> date:
    """Parse ``YYYY-MM-DD`` as a real calendar date; FieldError otherwise."""
    if not isinstance(text, str) or not _DATE.match(text):
        raise FieldError(
            field,
            both(f"日期格式不对：{text!r}，应为 YYYY-MM-DD", f"{text!r} is not a date YYYY-MM-DD"),
        )
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise FieldError(
            field, both(f"日期 {text!r} 不存在", f"{text!r} is not a real calendar date")
        ) from exc
