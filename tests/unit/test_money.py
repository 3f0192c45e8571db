"""Unit tests for ledger.money: two-place decimal strings at the edge, fen inside."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ledger.errors import BadInput, FieldError
from ledger.money import (
    MAX_FEN,
    fen_from_decimal,
    fen_from_excel_number,
    format_fen,
    format_rate,
    parse_amount,
    parse_rate,
)


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("125000.00", 12_500_000),
        ("1234.50", 123_450),
        ("0.01", 1),
        ("0.10", 10),
        ("10.00", 1_000),
        ("90071992547409.91", MAX_FEN),
    ],
)
def test_parse_amount_valid(text: str, fen: int) -> None:
    assert parse_amount(text, "body.amount") == fen
    assert format_fen(fen) == text


def test_zero_needs_allow_zero() -> None:
    assert parse_amount("0.00", "body.written_off", allow_zero=True) == 0
    with pytest.raises(FieldError) as err:
        parse_amount("0.00", "body.amount")
    assert err.value.field == "body.amount"
    assert "positive" in err.value.reason


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("12.3", "two decimal places"),
        ("12.345", "two decimal places"),
        ("12", "two decimal places"),
        ("12.", "two decimal places"),
        (".50", "not a decimal amount"),
        ("-1.00", "sign"),
        ("+1.00", "sign"),
        ("1,000.00", "thousands"),
        ("1_000.00", "thousands"),
        (" 1.00", "whitespace"),
        ("1.00 ", "whitespace"),
        ("1.00\n", "whitespace"),
        ("1 000.00", "whitespace"),
        ("01.00", "leading zeros"),
        ("00.50", "leading zeros"),
        ("1e3", "exponent"),
        ("1.00E2", "exponent"),
        ("", "empty"),
        ("１.００", "not a decimal amount"),  # full-width digits
        ("NaN", "not a decimal amount"),
        ("90071992547409.92", "too large"),
        ("1" * 5000 + ".00", "too large"),
    ],
)
def test_parse_amount_refuses(text: str, words: str) -> None:
    with pytest.raises(FieldError) as err:
        parse_amount(text, "body.amount")
    assert err.value.field == "body.amount"
    assert words in err.value.reason
    assert isinstance(err.value, BadInput)
    assert err.value.exit_code == 2
    assert err.value.code == "E-FIELD"


@pytest.mark.parametrize("value", [1234.5, 0.5, 100, 0, Decimal("1.00"), True, None, [1]])
def test_parse_amount_refuses_numbers(value: object) -> None:
    with pytest.raises(FieldError) as err:
        parse_amount(value, "body.amount")
    assert err.value.field == "body.amount"
    assert "decimal string with two places" in err.value.reason


@pytest.mark.parametrize(
    ("fen", "text"),
    [(0, "0.00"), (5, "0.05"), (-5, "-0.05"), (-100, "-1.00"), (123_450, "1234.50")],
)
def test_format_fen(fen: int, text: str) -> None:
    assert format_fen(fen) == text


def test_format_fen_refuses_bool() -> None:
    with pytest.raises(TypeError):
        format_fen(True)


@pytest.mark.parametrize(
    ("d", "fen"),
    [
        (Decimal("1.5"), 150),
        (Decimal("1.500"), 150),
        (Decimal("-2.25"), -225),
        (Decimal("1E+2"), 10_000),
        (Decimal(0), 0),
        (Decimal("-0.00"), 0),
        (Decimal("0.0100000"), 1),
        (Decimal("90071992547409.91"), MAX_FEN),
    ],
)
def test_fen_from_decimal(d: Decimal, fen: int) -> None:
    assert fen_from_decimal(d, "C3") == fen


@pytest.mark.parametrize(
    ("d", "words"),
    [
        (Decimal("1.005"), "more than two decimal places"),
        (Decimal("1E-100"), "more than two decimal places"),
        (Decimal("NaN"), "not a finite"),
        (Decimal("Infinity"), "not a finite"),
        (Decimal("90071992547409.92"), "too large"),
        (Decimal("1E+999999"), "too large"),
        (Decimal("9" * 5000), "too large"),
    ],
)
def test_fen_from_decimal_refuses(d: Decimal, words: str) -> None:
    with pytest.raises(FieldError) as err:
        fen_from_decimal(d, "Sheet1!C17")
    assert err.value.field == "Sheet1!C17"
    assert words in err.value.reason


@pytest.mark.parametrize(
    ("x", "fen"),
    [
        (1234.5, 123_450),
        (1234.56, 123_456),
        (0.3, 30),
        (1234, 123_400),
        (0.0, 0),
        (9999999999999.99, 999_999_999_999_999),  # 15 significant digits: Excel's limit
    ],
)
def test_fen_from_excel_number(x: float, fen: int) -> None:
    assert fen_from_excel_number(x, "Sheet1!C17") == fen


@pytest.mark.parametrize(
    ("x", "words"),
    [
        (0.1 + 0.2, "not an exact two-place amount"),  # 0.30000000000000004
        (1234.5000000001, "not an exact two-place amount"),
        (1.005, "not an exact two-place amount"),
        (12345678901234.56, "15 significant digits"),
        (float("nan"), "not a finite"),
        (float("inf"), "not a finite"),
        (1e20, "too large"),
        (True, "number of yuan"),
        ("1234.50", "number of yuan"),
    ],
)
def test_fen_from_excel_number_refuses(x: object, words: str) -> None:
    with pytest.raises(FieldError) as err:
        fen_from_excel_number(x, "Sheet1!C17")  # type: ignore[arg-type]
    assert err.value.field == "Sheet1!C17"
    assert words in err.value.reason


@pytest.mark.parametrize("text", ["3.45", "0", "4", "3.4500", "0.0001", "100", "18.25"])
def test_parse_rate_round_trip(text: str) -> None:
    rate = parse_rate(text, "body.interest_rate")
    assert rate == Decimal(text)
    assert format_rate(rate) == text


def test_format_rate_never_uses_exponent() -> None:
    assert format_rate(Decimal("1E+1")) == "10"


@pytest.mark.parametrize(
    "value", [3.45, 3, None, "-1", "+3.45", "3.45678", "03.45", "1e2", " 3.45", "", "3.", "100.01"]
)
def test_parse_rate_refuses(value: object) -> None:
    with pytest.raises(FieldError) as err:
        parse_rate(value, "body.interest_rate")
    assert err.value.field == "body.interest_rate"
