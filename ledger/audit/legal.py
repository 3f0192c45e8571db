"""Legal basis of the audit rules (DOMAIN.md "Legal basis"), by the date of the event.

保障中小企业款项支付条例 (the SME payment regulation): State Council order 728
(2020, in force 2020-09-01), revised by order 802 (in force 2025-06-01).  An
event dated before 2025-06-01 is judged under the 2020 text, and cited by its
article numbers; one on or after, under the 2025 text.  Article numbers were
checked against the 2025 text as published by Xinhua / gov.cn (国令第802号:
art. 9 30/60 days, art. 11 non-cash instruments, art. 12 audit results,
art. 14 forbidden excuses, art. 15 undisputed part, art. 17 late interest) and
the 2020 text (国令第728号: arts. 8, 9, 10, 11, 13, 15, 16).

优化营商环境条例 (order 722, in force 2020-01-01) art. 31, art. 69 and
民营经济促进法 (in force 2025-05-20) arts. 67, 70, 73 forbid breaking a
commitment because of a division adjustment, term change, restructuring or a
change of the person in charge; they are cited from their entry into force.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from functools import lru_cache

from ledger.audit.results import Citation

__all__ = ["REGULATION_2025", "LegalRule", "cite"]

REGULATION_2025 = dt.date(2025, 6, 1)
"""The revised SME payment regulation (order 802) is in force from this day."""

_SME = "保障中小企业款项支付条例"
_BIZ_ENV = "优化营商环境条例"
_BIZ_ENV_IN_FORCE = dt.date(2020, 1, 1)
_PRIVATE = "民营经济促进法"
_PRIVATE_IN_FORCE = dt.date(2025, 5, 20)

_DIGITS = "〇一二三四五六七八九"


class LegalRule(StrEnum):
    """Rows of the DOMAIN.md "Legal basis" table."""

    DEADLINE = "deadline"
    """30/60-day deadline, start date, acceptance."""
    NONCASH = "noncash"
    """Non-cash instruments (bills, receivable vouchers)."""
    AUDIT_BASIS = "audit_basis"
    """An audit result forced as the settlement basis."""
    FORBIDDEN_EXCUSE = "forbidden_excuse"
    """Leadership change, internal process, awaiting filing or audit."""
    UNDISPUTED_PART = "undisputed_part"
    """The undisputed part must be paid (new in 2025)."""
    LATE_INTEREST = "late_interest"
    """Late interest, LPR floor, 0.05% per day."""
    DISCLOSURE = "disclosure"
    """Annual disclosure by 31 March."""
    NO_BREACH_ON_TURNOVER = "no_breach_on_turnover"
    """No breach because of division adjustment, term change, restructuring or a new person in charge."""


# rule -> (2025 articles, 2020 articles); () where the text has none.
_SME_ARTICLES: dict[LegalRule, tuple[tuple[int, ...], tuple[int, ...]]] = {
    LegalRule.DEADLINE: ((9, 10), (8, 9)),
    LegalRule.NONCASH: ((11,), (10,)),
    LegalRule.AUDIT_BASIS: ((12,), (11,)),
    LegalRule.FORBIDDEN_EXCUSE: ((14,), (13,)),
    LegalRule.UNDISPUTED_PART: ((15,), ()),
    LegalRule.LATE_INTEREST: ((17,), (15,)),
    LegalRule.DISCLOSURE: ((18,), (16,)),
}


def _numeral(n: int) -> str:
    """Chinese numeral for an article number (1..99)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _DIGITS[tens]
    return head + "十" + ("" if ones == 0 else _DIGITS[ones])


def _articles_text(articles: tuple[int, ...]) -> str:
    return "、".join(f"第{_numeral(a)}条" for a in articles)


def _citation(
    rule: LegalRule, instrument: str, version: str, articles: tuple[int, ...], label: str
) -> Citation:
    return Citation(
        rule=rule.value,
        instrument=instrument,
        version=version,
        articles=articles,
        text=f"《{instrument}》{label}{_articles_text(articles)}",
    )


_BOUNDARIES = (_BIZ_ENV_IN_FORCE, _PRIVATE_IN_FORCE, REGULATION_2025)


def cite(rule: LegalRule, on: dt.date) -> tuple[Citation, ...]:
    """The provisions behind ``rule`` in the texts in force on ``on``.

    The SME payment regulation is cited in its 2025 text from 2025-06-01 and
    in its 2020 text before (DOMAIN.md "Legal basis"); the undisputed-part
    rule (2025 art. 15) has no 2020 counterpart, so nothing is cited for it
    before 2025-06-01.  The turnover rule cites 优化营商环境条例 arts. 31, 69
    (from 2020-01-01) and 民营经济促进法 arts. 67, 70, 73 (from 2025-05-20).
    """
    return _cite(rule, sum(on >= b for b in _BOUNDARIES))


@lru_cache(maxsize=64)
def _cite(rule: LegalRule, period: int) -> tuple[Citation, ...]:
    """:func:`cite` by which texts are in force (0: none of the dates passed, ... 3: all)."""
    if rule is LegalRule.NO_BREACH_ON_TURNOVER:
        out: list[Citation] = []
        if period >= 1:
            out.append(_citation(rule, _BIZ_ENV, "2019", (31, 69), ""))
        if period >= 2:
            out.append(_citation(rule, _PRIVATE, "2025", (67, 70, 73), ""))
        return tuple(out)
    new, old = _SME_ARTICLES[rule]
    if period >= 3:
        return (_citation(rule, _SME, "2025", new, "（2025年修订）"),)
    if not old:
        return ()
    return (_citation(rule, _SME, "2020", old, "（2020年）"),)
