"""Money and rates: decimal strings at the edge, integer fen inside.

DOMAIN.md "Identifiers": money is a decimal string with exactly two places, in
yuan (``"125000.00"``), stored as integer fen (分).  FORMATS.md §1: no JSON number
in a hashed object is a float, and integers must stay within ±(2^53 − 1) for RFC
8785, so every amount is below 2^53 fen.  ``float`` never touches money here: the
one function that accepts a float (:func:`fen_from_excel_number`) goes through
``Decimal(repr(x))`` and refuses anything that is not exactly two places.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ledger.errors import FieldError

__all__ = [
    "MAX_FEN",
    "MAX_RATE",
    "fen_from_decimal",
    "fen_from_excel_number",
    "format_fen",
    "format_rate",
    "parse_amount",
    "parse_rate",
]

MAX_FEN = 2**53 - 1
"""Largest amount in fen: RFC 8785 (I-JSON) integers stay within ±(2^53 − 1)."""

MAX_RATE = Decimal(100)
"""Largest annual interest rate, in percent; a larger value is taken to be a typo."""

_EXCEL_DIGITS = 15
"""Excel stores 15 significant decimal digits (IEEE 754 double, DBL_DIG)."""

_AMOUNT = re.compile(r"(?:0|[1-9][0-9]*)\.[0-9]{2}", re.ASCII)
_NUMBERISH = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+", re.ASCII)
_RATE = re.compile(r"(?:0|[1-9][0-9]*)(?:\.[0-9]{1,4})?", re.ASCII)
_MONEY_HINT = 'money must be a decimal string with two places, like "1234.50"'


_MONEY_HINT_ZH = "金额须为两位小数的字符串，例如 “1234.50”"


def _both(zh: str, en: str) -> str:
    """A message Chinese first, the English kept whole in parentheses."""
    return f"{zh}（{en}）"


def _show(value: object) -> str:
    """``repr`` of a refused value, cut short so a huge input cannot flood the message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _amount_problem(value: str) -> str:
    """Say why ``value`` (a str that does not match the amount pattern) is refused."""
    v = _show(value)
    if value == "":
        return _both(f"金额为空；{_MONEY_HINT_ZH}", f"is empty; {_MONEY_HINT}")
    if value != value.strip() or any(c.isspace() for c in value):
        return _both(f"金额不得含空白：{v}", f"must not contain whitespace: {v}")
    if value[0] in "+-":
        return _both(
            f"金额不得带正负号（金额从不为负）：{v}",
            f"must not carry a sign (amounts are never negative): {v}",
        )
    if "," in value or "_" in value or "'" in value:
        return _both(f"金额不得含千位分隔符：{v}", f"must not contain thousands separators: {v}")
    if "e" in value.lower():
        return _both(f"金额不得用科学计数法：{v}", f"must not use an exponent: {v}")
    if _NUMBERISH.fullmatch(value):
        whole, _, places = value.partition(".")
        if len(places) != 2:
            return _both(
                f"金额须恰好两位小数，实际为 {v}", f"must have exactly two decimal places, got {v}"
            )
        if len(whole) > 1 and whole.startswith("0"):
            return _both(f"金额不得有前导零：{v}", f"must not have leading zeros: {v}")
    return _both(
        f"金额格式不对：{v}；{_MONEY_HINT_ZH}", f"{v} is not a decimal amount; {_MONEY_HINT}"
    )


def parse_amount(value: object, field: str, *, allow_zero: bool = False) -> int:
    """Parse a money string (``"125000.00"``, yuan) into integer fen.

    Accepted: ASCII digits, a dot, exactly two places; no sign, exponent,
    whitespace or thousands separator; a leading zero only as ``"0.xx"``.
    The amount must be positive unless ``allow_zero`` (then ``"0.00"`` is
    accepted too) and below 2^53 fen.  Numbers of any type (float, int,
    Decimal, bool) are refused: the canonical form is the string.  Raises
    :class:`FieldError` naming ``field``.
    """
    if not isinstance(value, str):
        raise FieldError(
            field,
            _both(
                f"{_MONEY_HINT_ZH}，不能是 {type(value).__name__} {_show(value)}",
                f"{_MONEY_HINT}, not {type(value).__name__} {_show(value)}",
            ),
        )
    if not _AMOUNT.fullmatch(value):
        raise FieldError(field, _amount_problem(value))
    whole, _, places = value.partition(".")
    if len(whole) > len(str(MAX_FEN)):  # before int(): no giant conversions
        raise FieldError(
            field,
            _both(
                f"金额 {value[:24]}... 过大（最多 {format_fen(MAX_FEN)}）",
                f"{value[:24]}... is too large (at most {format_fen(MAX_FEN)})",
            ),
        )
    fen = int(whole) * 100 + int(places)
    return _check_amount(fen, field, allow_zero=allow_zero)


def _check_amount(fen: int, field: str, *, allow_zero: bool) -> int:
    """Range-check an amount parsed from a statement."""
    if fen > MAX_FEN:
        raise FieldError(
            field,
            _both(
                f"金额 {format_fen(fen)} 过大（最多 {format_fen(MAX_FEN)}）",
                f"{format_fen(fen)} is too large (at most {format_fen(MAX_FEN)})",
            ),
        )
    if fen == 0 and not allow_zero:
        raise FieldError(field, _both("金额须大于 0.00", "must be positive, not 0.00"))
    return fen


def format_fen(fen: int) -> str:
    """Format integer fen as a two-place yuan string: ``123450`` → ``"1234.50"``.

    The inverse of :func:`parse_amount`; negative amounts (a balance, a
    difference) get a leading ``-``.
    """
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"format_fen needs an int of fen, not {type(fen).__name__}")
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan}.{cents:02d}"


def fen_from_decimal(d: Decimal, field: str) -> int:
    """Convert a Decimal number of yuan to fen exactly, or refuse it.

    Refuses NaN and infinities, anything with a non-zero digit beyond the
    second place (``Decimal("1.005")``), and magnitudes of 2^53 fen or more.
    Trailing zeros are fine (``Decimal("1.500")`` is 150 fen).  The sign is
    kept; positivity is the caller's rule.  Works on the digit tuple, so no
    arithmetic context can round the value on the way.
    """
    if not isinstance(d, Decimal):
        t = type(d).__name__
        raise FieldError(field, _both(f"应为 Decimal，不能是 {t}", f"expected a Decimal, not {t}"))
    sign, digits, exponent = d.as_tuple()
    if not isinstance(exponent, int):
        raise FieldError(field, _both(f"金额 {d} 不是有限数", f"{d} is not a finite amount"))
    shift = exponent + 2  # fen = digits × 10^shift
    if shift < 0:
        cut = len(digits) + shift
        if any(digits[max(cut, 0) :]):
            raise FieldError(
                field,
                _both(
                    f"金额 {_show(str(d))} 超过两位小数（最小单位为分）",
                    f"{_show(str(d))} has more than two decimal places (fen is the smallest unit)",
                ),
            )
        digits = digits[: max(cut, 0)]
        shift = 0
    while digits and digits[0] == 0:
        digits = digits[1:]
    # Compare lengths before converting, so a giant exponent or digit string
    # never becomes a giant int.
    if digits and len(digits) + shift > len(str(MAX_FEN)):
        raise FieldError(
            field,
            _both(
                f"金额 {d:.6E} 过大（最多 {format_fen(MAX_FEN)}）",
                f"{d:.6E} is too large (at most {format_fen(MAX_FEN)})",
            ),
        )
    fen: int = int("".join(map(str, digits)) or "0") * 10**shift
    if fen > MAX_FEN:
        raise FieldError(
            field,
            _both(
                f"金额 {d} 过大（最多 {format_fen(MAX_FEN)}）",
                f"{d} is too large (at most {format_fen(MAX_FEN)})",
            ),
        )
    return -fen if sign else fen


def fen_from_excel_number(x: float, field: str) -> int:
    """Convert a numeric spreadsheet cell (openpyxl gives float or int) to fen.

    A float goes through ``Decimal(repr(x))``, the shortest decimal that reads
    back as the same double, so a cell typed as ``1234.5`` becomes exactly
    ``1234.5``.  Refused: NaN and infinities; values with a non-zero digit
    beyond two places after that (``0.1 + 0.2`` gives ``0.30000000000000004``,
    a formula artifact such as ``1234.5000000001``); values with more than 15
    significant digits, which Excel cannot hold exactly; bools.  ``field``
    names the cell (``Sheet1!C17``) in the error.
    """
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise FieldError(
            field,
            _both(
                f"应为以元计的数字，不能是 {type(x).__name__} {_show(x)}",
                f"expected a number of yuan, not {type(x).__name__} {_show(x)}",
            ),
        )
    if isinstance(x, int):
        return fen_from_decimal(Decimal(x), field)
    text = repr(x)
    d = Decimal(text)
    if not d.is_finite():
        raise FieldError(field, _both(f"金额 {text} 不是有限数", f"{text} is not a finite amount"))
    exponent = d.as_tuple().exponent
    assert isinstance(exponent, int)  # finite, checked above
    if exponent < -2 and d != d.quantize(Decimal("0.01")):
        raise FieldError(
            field,
            _both(
                f"金额 {text} 不是精确的两位小数（可能是浮点误差）；请在表中四舍五入到分，或以文本输入金额",
                f"{text} is not an exact two-place amount (a floating-point artifact?); "
                "round it to the fen in the sheet or enter the amount as text",
            ),
        )
    significant = len(d.normalize().as_tuple().digits)
    if d and significant > _EXCEL_DIGITS:
        raise FieldError(
            field,
            _both(
                f"金额 {text} 超过 {_EXCEL_DIGITS} 位有效数字；请以文本输入",
                f"{text} has more than {_EXCEL_DIGITS} significant digits; enter it as text",
            ),
        )
    return fen_from_decimal(d, field)


def parse_rate(value: object, field: str) -> Decimal:
    """Parse an annual interest rate in percent (``"3.45"``) into a Decimal.

    A str of ASCII digits with up to four decimal places, ``>= 0`` and at most
    :data:`MAX_RATE`; no sign, exponent or whitespace; a leading zero only as
    ``"0"`` or ``"0.x"``.  The Decimal keeps the places as written, so
    :func:`format_rate` gives back the same string.
    """
    if not isinstance(value, str):
        raise FieldError(
            field,
            _both(
                f"年利率须为百分数的十进制字符串，例如 “3.45”，不能是 {type(value).__name__} "
                f"{_show(value)}",
                'a rate must be a decimal string of annual percent, like "3.45", '
                f"not {type(value).__name__} {_show(value)}",
            ),
        )
    if not _RATE.fullmatch(value):
        raise FieldError(
            field,
            _both(
                f"年利率格式不对：{_show(value)}（应为数字，最多四位小数，不带符号，例如 “3.45”）",
                f"{_show(value)} is not an annual percent rate (digits, up to four decimal "
                'places, no sign, like "3.45")',
            ),
        )
    rate = Decimal(value)
    if rate > MAX_RATE:
        raise FieldError(
            field,
            _both(
                f"年利率 {value}% 超过 {MAX_RATE}%，是否笔误？",
                f"{value}% a year is above {MAX_RATE}%; a typo?",
            ),
        )
    return rate


def format_rate(rate: Decimal) -> str:
    """Format a rate from :func:`parse_rate` back to its string (never exponent form)."""
    return format(rate, "f")
