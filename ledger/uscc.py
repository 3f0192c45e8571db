"""Unified social credit codes (统一社会信用代码, GB 32100-2015).

Layout, 1-based: 1 registration department, 2 entity category, 3-8 region
code, 9-17 the GB 11714 organisation code (8 characters + its check
character), 18 the GB 32100 mod-31 check character.

python-stdnum's ``stdnum.cn.uscc`` checks the format and the mod-31 character
but not the organisation-code check character; DOMAIN.md asks for both.  A
USCC is taken exactly as given: no upper-casing, no stripping of spaces.
"""

from __future__ import annotations

from stdnum.cn import uscc as _stdnum_uscc

from ledger.errors import BadInput, FieldError, both

__all__ = ["ALPHABET", "complete_uscc", "org_code_check_char", "validate_uscc"]

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""GB 32100 character set for characters 9-18 (no I, O, S, V, Z)."""

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ASCII_DIGITS = frozenset("0123456789")


def _show(value: object) -> str:
    """``repr`` of a refused value, cut short so a huge input cannot flood the message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _org_value(char: str) -> int:
    """GB 11714 value of a code character: digits 0-9, letters A-Z as 10-35."""
    if char in _ASCII_DIGITS:
        return ord(char) - ord("0")
    return ord(char) - ord("A") + 10


def org_code_check_char(org8: str) -> str:
    """GB 11714 check character for the 8-character body of an organisation code.

    check = 11 − (Σ wᵢ·vᵢ mod 11) with weights 3, 7, 9, 10, 5, 8, 4, 2;
    10 is written ``X`` and 11 is written ``0``.  ``org8`` must be 8 ASCII
    digits or upper-case letters (the caller checks).
    """
    total = sum(_org_value(c) * w for c, w in zip(org8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 10:
        return "X"
    if check == 11:
        return "0"
    return str(check)


def _format_problem(value: str) -> str | None:
    """Why ``value`` is not 18 GB 32100 characters in the stdnum layout, or None."""
    if len(value) != 18:
        v = _show(value)
        return both(
            f"统一社会信用代码须恰好 18 位，实为 {len(value)} 位：{v}",
            f"must be exactly 18 characters, got {len(value)}: {v}",
        )
    if any(c.islower() for c in value):
        v = _show(value)
        return both(
            f"统一社会信用代码须按原样大写（不作转换）：{v}",
            f"must be upper-case as given (no normalising): {v}",
        )
    for position, char in enumerate(value[:8], start=1):
        if char not in _ASCII_DIGITS:
            v = _show(value)
            return both(
                f"统一社会信用代码第 {position} 位 {char!r} 必须是数字：{v}",
                f"character {position} ({char!r}) must be a digit: {v}",
            )
    for position, char in enumerate(value[8:], start=9):
        if char not in ALPHABET:
            v = _show(value)
            return both(
                f"统一社会信用代码第 {position} 位 {char!r} 不在 GB 32100 字符集内"
                f"（数字和除 I、O、S、V、Z 外的大写字母）：{v}",
                f"character {position} ({char!r}) is not in the GB 32100 alphabet "
                f"(digits and upper-case letters except I, O, S, V, Z): {v}",
            )
    return None


def validate_uscc(value: object, field: str) -> str:
    """Return ``value`` if it is a valid USCC; otherwise raise :class:`FieldError`.

    Checks, in order: a str of exactly 18 upper-case characters as given;
    characters 1-8 digits and 9-18 from :data:`ALPHABET` (python-stdnum's
    format); the 18th character by the GB 32100 mod-31 check
    (``stdnum.cn.uscc``); the 17th by the GB 11714 organisation-code check over
    characters 9-16.  The message names the check that failed.
    """
    if not isinstance(value, str):
        t = type(value).__name__
        raise FieldError(
            field,
            both(f"统一社会信用代码必须是字符串，不能是 {t}", f"a USCC must be a string, not {t}"),
        )
    if value in _KNOWN_VALID:  # a file names a few enterprises many times
        return value
    problem = _format_problem(value)
    if problem is not None:
        raise FieldError(field, problem)
    if not _stdnum_uscc.is_valid(value):
        expected = _stdnum_uscc.calc_check_digit(value[:17])
        v = _show(value)
        raise FieldError(
            field,
            both(
                f"统一社会信用代码校验位错误（GB 32100 模 31 校验）：第 18 位是 {value[17]!r}，"
                f"应为 {expected!r}：{v}",
                f"GB 32100 mod-31 check failed: character 18 is {value[17]!r}, "
                f"expected {expected!r}: {v}",
            ),
        )
    expected = org_code_check_char(value[8:16])
    if value[16] != expected:
        v = _show(value)
        raise FieldError(
            field,
            both(
                f"统一社会信用代码中组织机构代码校验位错误（GB 11714）：第 17 位是 "
                f"{value[16]!r}，应为 {expected!r}：{v}",
                f"GB 11714 organisation-code check failed: character 17 is {value[16]!r}, "
                f"expected {expected!r}: {v}",
            ),
        )
    if len(_KNOWN_VALID) >= _KNOWN_VALID_MAX:
        _KNOWN_VALID.clear()
    _KNOWN_VALID.add(value)
    return value


_KNOWN_VALID: set[str] = set()
"""USCCs that passed every check (pure checks: the answer never changes)."""
_KNOWN_VALID_MAX = 100_000


def complete_uscc(first16: str) -> str:
    """Append both check characters to the first 16 characters of a USCC.

    ``first16`` is department code, category, 6-digit region and the first 8
    characters of the organisation code; the result adds the GB 11714 check
    character (17th) and the GB 32100 mod-31 check character (18th).  Meant
    for fictional demo enterprises; raises :class:`BadInput` on a bad prefix.
    """
    if not isinstance(first16, str) or len(first16) != 16:
        raise BadInput(
            f"complete_uscc needs the first 16 characters of a USCC, got {_show(first16)}"
        )
    problem = _format_problem(first16 + "00")
    if problem is not None:
        raise BadInput(f"cannot complete USCC prefix {_show(first16)}: {problem}")
    first17 = first16 + org_code_check_char(first16[8:16])
    result = first17 + _stdnum_uscc.calc_check_digit(first17)
    return validate_uscc(result, "uscc")
