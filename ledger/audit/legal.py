"""Legal basis of the audit rules (DOMAIN.md "Legal basis"), by the date of the event.

保障中小企业款项支付条例 (the SME payment regulation): State Council order 728
(2020, in force 2020-09-01), revised by order 802 (in force 2025-06-01).  An
event dated before 2025-06-01 is judged under the 2020 text, and cited by its
article numbers; one on or after, under the 2025 text; deadlines and interest
are cited in the text governing the payment period (its start).  Article numbers were
checked against the 2025 text as published by Xinhua / gov.cn (国令第802号:
art. 9 30/60 days, art. 11 non-cash instruments, art. 12 audit results,
art. 14 forbidden excuses, art. 15 undisputed part, art. 17 late interest) and
the 2020 text (国令第728号: arts. 8, 9, 10, 11, 13, 15, 16).

优化营商环境条例 (order 722, in force 2020-01-01) art. 31, art. 69 and
民营经济促进法 (in force 2025-05-20) arts. 70, 73 forbid breaking a
commitment because of a division adjustment, term change, restructuring or a
change of the person in charge; they bind organs only, and are cited from
their entry into force.  Findings against institutions, associations and
SOEs cite the SME regulation and 纪律处分条例 (2023) art. 130 instead; every
finding cites art. 130.  A commitment signed before 2020-09-01 falls under
neither text of the SME regulation.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from functools import lru_cache

from ledger.audit.results import Citation, Text

__all__ = [
    "REGULATION_2020",
    "REGULATION_2025",
    "LegalRule",
    "cite",
    "cite_in",
    "numeral",
    "text_on",
    "turnover_basis",
]

REGULATION_2020 = dt.date(2020, 9, 1)
"""The SME payment regulation (order 728) is in force from this day; a commitment signed
before it falls under neither text (DOMAIN.md "which text governs")."""
REGULATION_2025 = dt.date(2025, 6, 1)
"""The revised SME payment regulation (order 802) is in force from this day."""

_SME = "保障中小企业款项支付条例"
_BIZ_ENV = "优化营商环境条例"
_BIZ_ENV_IN_FORCE = dt.date(2020, 1, 1)
_PRIVATE = "民营经济促进法"
_PRIVATE_IN_FORCE = dt.date(2025, 5, 20)
_CIVIL = "中华人民共和国民法典"
_DISCIPLINE = "中国共产党纪律处分条例"

_DIGITS = "〇一二三四五六七八九"


class LegalRule(StrEnum):
    """Rows of the DOMAIN.md "Legal basis" table."""

    CONDITIONS = "conditions"
    """No unreasonable payment terms or conditions imposed (CONDITIONS_ADDED)."""
    DEADLINE = "deadline"
    """30/60-day deadline, start date, acceptance, settlement-based periods."""
    REST_DAY = "rest_day"
    """A period's last day on a rest day moves to the next working day (民法典 art. 203)."""
    NONCASH = "noncash"
    """Non-cash instruments (bills, receivable vouchers)."""
    AUDIT_BASIS = "audit_basis"
    """An audit result forced as the settlement basis."""
    FORBIDDEN_EXCUSE = "forbidden_excuse"
    """Leadership change, internal process, awaiting filing or audit (any buyer)."""
    UNDISPUTED_PART = "undisputed_part"
    """The undisputed part must be paid (new in 2025)."""
    LATE_INTEREST = "late_interest"
    """Late interest, LPR floor, 0.05% per day."""
    DISCLOSURE = "disclosure"
    """Annual disclosure by 31 March (para. 2: large enterprises in their annual report)."""
    ASSOCIATION = "association"
    """Associations paying from fiscal funds follow the rules for institutions."""
    NO_BREACH_ON_TURNOVER = "no_breach_on_turnover"
    """No breach because of division adjustment, term change, restructuring or a new person in
    charge: organs only (优化营商环境条例 art. 31; 民营经济促进法 art. 70, 73)."""
    DISCIPLINE = "discipline"
    """Leaders who evade problems that predate their arrival (纪律处分条例 art. 130; every category)."""


# rule -> (2025 articles, 2020 articles); () where the text has none.
_SME_ARTICLES: dict[LegalRule, tuple[tuple[int, ...], tuple[int, ...]]] = {
    LegalRule.CONDITIONS: ((7,), (6,)),
    LegalRule.DEADLINE: ((9, 10), (8, 9)),
    LegalRule.NONCASH: ((11,), (10,)),
    LegalRule.AUDIT_BASIS: ((12,), (11,)),
    LegalRule.FORBIDDEN_EXCUSE: ((14,), (13,)),
    LegalRule.UNDISPUTED_PART: ((15,), ()),
    LegalRule.LATE_INTEREST: ((17,), (15,)),
    LegalRule.DISCLOSURE: ((18,), (16,)),
    LegalRule.ASSOCIATION: ((36,), (28,)),
}


def numeral(n: int) -> str:
    """Chinese numeral for an article number (1..999)."""
    if n >= 100:
        hundreds, rest = divmod(n, 100)
        if rest == 0:
            return _DIGITS[hundreds] + "百"
        if rest < 10:
            return _DIGITS[hundreds] + "百零" + _DIGITS[rest]
        below = numeral(rest)
        return _DIGITS[hundreds] + "百" + (below if rest >= 20 else "一" + below)
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _DIGITS[tens]
    return head + "十" + ("" if ones == 0 else _DIGITS[ones])


def _articles_text(articles: tuple[int, ...]) -> str:
    return "、".join(f"第{numeral(a)}条" for a in articles)


def _citation(
    rule: LegalRule,
    instrument: str,
    version: str,
    articles: tuple[int, ...],
    label: str,
    suffix: str = "",
) -> Citation:
    return Citation(
        rule=rule.value,
        instrument=instrument,
        version=version,
        articles=articles,
        text=f"《{instrument}》{label}{_articles_text(articles)}{suffix}",
    )


def text_on(day: dt.date) -> Text:
    """The text of the SME payment regulation in force on ``day`` (NONE before 2020-09-01)."""
    if day >= REGULATION_2025:
        return Text.T2025
    if day >= REGULATION_2020:
        return Text.T2020
    return Text.NONE


def cite(
    rule: LegalRule, on: dt.date, *, organ: bool = True, private: bool = True
) -> tuple[Citation, ...]:
    """The provisions behind ``rule`` in the texts in force on ``on``.

    The SME payment regulation is cited in its 2025 text from 2025-06-01, in
    its 2020 text from 2020-09-01, and not at all before (DOMAIN.md "Legal
    basis"); the undisputed-part rule (2025 art. 15) has no 2020
    counterpart.  ``organ`` and ``private`` matter for the turnover rule
    only (see :func:`turnover_basis`).
    """
    if rule is LegalRule.NO_BREACH_ON_TURNOVER:
        return turnover_basis(on, organ=organ, private=private)
    return cite_in(rule, text_on(on))


@lru_cache(maxsize=128)
def cite_in(rule: LegalRule, text: Text | None) -> tuple[Citation, ...]:
    """The provisions behind ``rule`` under the governing ``text`` (none for Text.NONE or None).

    民法典 art. 203 and 纪律处分条例 art. 130 do not depend on the text.
    """
    if rule is LegalRule.REST_DAY:
        return (_citation(rule, _CIVIL, "2020", (203,), ""),)
    if rule is LegalRule.DISCIPLINE:
        return (_citation(rule, _DISCIPLINE, "2023", (130,), "（2023年修订）"),)
    if rule is LegalRule.NO_BREACH_ON_TURNOVER:
        return turnover_basis(REGULATION_2025)
    new, old = _SME_ARTICLES[rule]
    if text is Text.T2025:
        return (_citation(rule, _SME, "2025", new, "（2025年修订）"),)
    if text is Text.T2020 and old:
        return (_citation(rule, _SME, "2020", old, "（2020年）"),)
    return ()


@lru_cache(maxsize=64)
def turnover_basis(
    on: dt.date, *, organ: bool = True, private: bool = True
) -> tuple[Citation, ...]:
    """The legal basis of a 新官不理旧账 finding dated ``on``, by the holder's category.

    Against an organ (a local government or its department): 优化营商环境条例
    art. 31 and art. 69 item 7 (from 2020-01-01) and, for a private
    enterprise from 2025-05-20, 民营经济促进法 art. 70 (commitments) and
    art. 73 (liability).  Against an institution, association or SOE, which
    those do not bind: the SME payment regulation's art. 14 (2020: art. 13;
    nothing before 2020-09-01) instead.  Every category: 纪律处分条例 (2023)
    art. 130, the inspectors' basis.
    """
    rule = LegalRule.NO_BREACH_ON_TURNOVER
    out: list[Citation] = []
    if organ:
        if on >= _BIZ_ENV_IN_FORCE:
            out.append(_citation(rule, _BIZ_ENV, "2019", (31, 69), "", "第（七）项"))
        if private and on >= _PRIVATE_IN_FORCE:
            out.append(_citation(rule, _PRIVATE, "2025", (70, 73), ""))
    else:
        out += [
            Citation(rule.value, c.instrument, c.version, c.articles, c.text)
            for c in cite_in(LegalRule.FORBIDDEN_EXCUSE, text_on(on))
        ]
    out += cite_in(LegalRule.DISCIPLINE, None)
    return tuple(out)
