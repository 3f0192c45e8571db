"""Properties of ledger.money: parse(format(x)) == x, and floats never become money."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ledger.errors import FieldError
from ledger.money import (
    MAX_FEN,
    fen_from_decimal,
    fen_from_excel_number,
    format_fen,
    format_rate,
    parse_amount,
    parse_rate,
)

fens = st.integers(min_value=0, max_value=MAX_FEN)


@given(fens)
def test_parse_inverts_format(fen: int) -> None:
    assert parse_amount(format_fen(fen), "amount", allow_zero=True) == fen
    if fen:
        assert parse_amount(format_fen(fen), "amount") == fen


@given(st.integers(min_value=MAX_FEN + 1, max_value=2**64))
def test_too_large_is_refused(fen: int) -> None:
    with pytest.raises(FieldError):
        parse_amount(format_fen(fen), "amount")


@given(st.integers(min_value=-(2**64), max_value=-1))
def test_negative_is_refused(fen: int) -> None:
    with pytest.raises(FieldError):
        parse_amount(format_fen(fen), "amount", allow_zero=True)


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_floats_never_accepted(x: float) -> None:
    with pytest.raises(FieldError) as err:
        parse_amount(x, "body.amount", allow_zero=True)
    assert err.value.field == "body.amount"


# Near-misses of the canonical spelling: a random text almost never parses,
# so the property below would hardly ever reach its assertion.  These strings
# are built from real amounts and then bent one way or another (signs, spaces,
# separators, places, leading zeros, exponents, full-width digits), so that
# about half of them are valid and the rest are one edit away from valid.
_BENDS = st.sampled_from(
    [
        lambda s: "+" + s,
        lambda s: "-" + s,
        lambda s: " " + s,
        lambda s: s + "\n",
        lambda s: "0" + s,
        lambda s: s + "0",
        lambda s: s[:-1],
        lambda s: s.replace(".", ","),
        lambda s: s.replace(".", ""),
        lambda s: s + "e0",
        lambda s: s.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
        lambda s: s[:1] + "," + s[1:],
        lambda s: s[:1] + "_" + s[1:],
    ]
)
amount_like = st.one_of(
    fens.map(format_fen),
    fens.map(format_fen),
    st.builds(lambda fen, bend: bend(format_fen(fen)), fens, _BENDS),
    st.text("0123456789.", max_size=24),
    st.text(max_size=24),
)


@given(amount_like)
def test_accepted_strings_are_canonical(text: str) -> None:
    # Any string that parses is the one canonical spelling of its amount, so
    # two statements for one amount always hash the same.
    try:
        fen = parse_amount(text, "amount", allow_zero=True)
    except FieldError:
        # A refusal is right only for a string that is not the canonical form.
        assert not _canonical(text), f"{text!r} is canonical but was refused"
        return
    event("parsed")
    assert format_fen(fen) == text


def _canonical(text: str) -> bool:
    """FORMATS §1 spelled independently: digits, a dot, two places, no leading zero."""
    return bool(re.fullmatch(r"(0|[1-9][0-9]*)\.[0-9]{2}", text, re.ASCII)) and (
        int(text.replace(".", "")) <= MAX_FEN
    )


def _reach_rate(strategy: st.SearchStrategy[Any], reaches: Callable[[Any], bool]) -> float:
    """Share of ``strategy``'s examples for which ``reaches`` holds (over 300 draws)."""
    hits: list[bool] = []

    @settings(max_examples=300, database=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def probe(value: Any) -> None:
        hits.append(reaches(value))

    probe()
    return sum(hits) / len(hits)


def _parses(text: str) -> bool:
    try:
        parse_amount(text, "amount", allow_zero=True)
    except FieldError:
        return False
    return True


def test_amount_property_reaches_its_assertion() -> None:
    # Guard the guard: the strategy must produce accepted strings often, or
    # the property above tests nothing (plain st.text() parsed about 0 in 1,000).
    assert _reach_rate(amount_like, _parses) >= 0.2


@given(st.integers(min_value=-MAX_FEN, max_value=MAX_FEN))
def test_fen_from_decimal_inverts_format(fen: int) -> None:
    assert fen_from_decimal(Decimal(format_fen(fen)), "C1") == fen


@given(st.integers(min_value=0, max_value=10**15 - 1))
def test_excel_float_of_two_place_amount_is_exact(fen: int) -> None:
    # Up to 15 significant digits (Excel's precision) a typed two-place amount
    # survives the float round trip exactly through Decimal(repr(x)).
    assert fen_from_excel_number(float(format_fen(fen)), "C1") == fen


# Floats a spreadsheet really holds (typed two-place amounts, with a third
# place or float noise now and then) beside arbitrary ones: a random float
# is almost never an exact two-place amount.
excel_numbers = st.one_of(
    st.builds(lambda fen: fen / 100, st.integers(min_value=-(10**14), max_value=10**14)),
    st.builds(lambda fen: fen / 1000, st.integers(min_value=-(10**14), max_value=10**14)),
    st.builds(lambda fen: fen / 100 + 0.1 + 0.2, st.integers(min_value=0, max_value=10**12)),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e14, max_value=1e14),
)


def _excel_ok(x: float) -> bool:
    try:
        fen_from_excel_number(x, "C1")
    except FieldError:
        return False
    return True


@given(excel_numbers)
def test_excel_number_is_exact_or_refused(x: float) -> None:
    try:
        fen = fen_from_excel_number(x, "C1")
    except FieldError:
        return
    event("accepted")
    assert Decimal(fen) / 100 == Decimal(repr(x))


def test_excel_property_reaches_its_assertion() -> None:
    rate = _reach_rate(excel_numbers, _excel_ok)
    assert 0.2 <= rate <= 0.9, rate


@given(
    st.integers(min_value=0, max_value=100),
    st.integers(min_value=0, max_value=4).flatmap(
        lambda n: st.just("") if n == 0 else st.text("0123456789", min_size=n, max_size=n)
    ),
)
def test_rate_round_trip(whole: int, places: str) -> None:
    text = f"{whole}.{places}" if places else str(whole)
    if Decimal(text) > 100:
        return
    assert format_rate(parse_rate(text, "rate")) == text
