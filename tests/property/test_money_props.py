"""Properties of ledger.money: parse(format(x)) == x, and floats never become money."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
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


@given(st.text(max_size=24))
def test_accepted_strings_are_canonical(text: str) -> None:
    # Any string that parses is the one canonical spelling of its amount, so
    # two statements for one amount always hash the same.
    try:
        fen = parse_amount(text, "amount", allow_zero=True)
    except FieldError:
        return
    assert format_fen(fen) == text


@given(st.integers(min_value=-MAX_FEN, max_value=MAX_FEN))
def test_fen_from_decimal_inverts_format(fen: int) -> None:
    assert fen_from_decimal(Decimal(format_fen(fen)), "C1") == fen


@given(st.integers(min_value=0, max_value=10**15 - 1))
def test_excel_float_of_two_place_amount_is_exact(fen: int) -> None:
    # Up to 15 significant digits (Excel's precision) a typed two-place amount
    # survives the float round trip exactly through Decimal(repr(x)).
    assert fen_from_excel_number(float(format_fen(fen)), "C1") == fen


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e14, max_value=1e14))
def test_excel_number_is_exact_or_refused(x: float) -> None:
    try:
        fen = fen_from_excel_number(x, "C1")
    except FieldError:
        return
    assert Decimal(fen) / 100 == Decimal(repr(x))


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
