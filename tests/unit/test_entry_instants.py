"""entry.check_instant (the fast path parse_entry uses) accepts and rejects
exactly what clock.parse_instant does, with parse_instant's own error."""

from __future__ import annotations

import pytest

from ledger.clock import parse_instant
from ledger.entry import check_instant
from ledger.errors import FieldError


def _outcome(fn, text: object) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    try:
        fn(text, "ts")
    except FieldError as exc:
        return ("FieldError", str(exc))
    except ValueError as exc:
        return ("ValueError", str(exc))
    return ("ok", "")


def _same(text: object) -> None:
    assert _outcome(check_instant, text) == _outcome(parse_instant, text), text


def _instant(y: str, mo: str, d: str, h: str, mi: str, s: str, frac: str = ".123") -> str:
    return f"{y}-{mo}-{d}T{h}:{mi}:{s}{frac}Z"


def test_every_value_of_every_field() -> None:
    two = [f"{i:02d}" for i in range(100)]
    for v in two:
        _same(_instant("2026", v, "15", "08", "00", "00"))
        _same(_instant("2026", "01", v, "08", "00", "00"))
        _same(_instant("2026", "01", "15", v, "00", "00"))
        _same(_instant("2026", "01", "15", "08", v, "00"))
        _same(_instant("2026", "01", "15", "08", "00", v))
    for year in ("0000", "0001", "1970", "2024", "2100", "9999"):
        for month in range(1, 13):
            for day in (28, 29, 30, 31, 32):
                _same(_instant(year, f"{month:02d}", f"{day:02d}", "23", "59", "59"))


@pytest.mark.parametrize(
    "text",
    [
        "2026-01-05T08:00:00Z",
        "2026-01-05T08:00:00.1Z",
        "2026-01-05T08:00:00.123456789Z",
        "2026-01-05T08:00:00.1234567890Z",
        "2026-01-05T08:00:00.123z",
        "2026-01-05T08:00:00.123+00:00",
        "2026-01-05 08:00:00.123Z",
        "2026-01-05T08:00:00.123Z\n",
        "2026-01-05T08:00:00Z\n",
        " 2026-01-05T08:00:00.123Z",
        "2026-1-05T08:00:00.123Z",
        "２０２６-01-05T08:00:00.123Z",  # full-width digits
        "٢٠٢٦-01-05T08:00:00.123Z",  # Arabic-Indic digits
        "",
        None,
        20260105,
        b"2026-01-05T08:00:00.123Z",
    ],
)
def test_odd_values(text: object) -> None:
    _same(text)
