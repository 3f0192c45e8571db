"""Legal basis as printed: which provisions stand behind each flag and rule.

The article numbers and the choice of text by event date come from
:mod:`ledger.audit.legal` (DOMAIN.md "Legal basis"): the 2025 text of the
SME payment regulation for events on or after 2025-06-01, the 2020 text
before.  This module only says which rows of that table explain which flag or
turnover rule, and prints both texts for a legend.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from ledger.audit.legal import REGULATION_2025, LegalRule, cite, numeral
from ledger.audit.results import CalendarInfo, Citation

PRIVATE_ECONOMY = "民营经济促进法"
PRIVATE_ECONOMY_LAW = dt.date(2025, 5, 20)
"""民营经济促进法 is in force from this day (cited by :func:`ledger.audit.legal.cite` from then)."""

__all__ = [
    "CIVIL_LAW_NOTE",
    "FLAG_RULES",
    "SHORT_NAMES",
    "SHORT_NAMES_NOTE",
    "TEXT_LABEL",
    "TURNOVER_RULES",
    "both_texts",
    "calendar_text",
    "citation_text",
    "legend_text",
    "numeral",
]

FLAG_RULES: dict[str, tuple[LegalRule, ...]] = {
    "ACCEPTANCE_DELAYED": (LegalRule.DEADLINE,),
    "ACCEPTANCE_PERIOD_MISSING": (LegalRule.DEADLINE,),
    "TERM_OVER_60": (LegalRule.DEADLINE, LegalRule.ASSOCIATION),
    "NONCASH_EXTENSION": (LegalRule.NONCASH,),
    "PROHIBITED_EXCUSE": (LegalRule.FORBIDDEN_EXCUSE, LegalRule.AUDIT_BASIS),
    "CONDITIONS_ADDED": (LegalRule.CONDITIONS, LegalRule.NO_BREACH_ON_TURNOVER),
    "UNDISPUTED_UNPAID": (LegalRule.UNDISPUTED_PART,),
    "RATE_BELOW_LPR": (LegalRule.LATE_INTEREST,),
    "REPUDIATED": (LegalRule.NO_BREACH_ON_TURNOVER,),
    "VOIDED_AFTER_DUE": (),
}
"""Flag → the rows of DOMAIN.md "Legal basis" that explain it."""

TURNOVER_RULES: dict[str, tuple[LegalRule, ...]] = {
    "T1": (LegalRule.NO_BREACH_ON_TURNOVER, LegalRule.DEADLINE),
    "T2": (LegalRule.NO_BREACH_ON_TURNOVER,),
    "T3": (LegalRule.NO_BREACH_ON_TURNOVER, LegalRule.CONDITIONS),
    "T4": (LegalRule.NO_BREACH_ON_TURNOVER, LegalRule.DEADLINE),
    "T5": (LegalRule.FORBIDDEN_EXCUSE, LegalRule.NO_BREACH_ON_TURNOVER),
}
"""Turnover rule → the rows of DOMAIN.md "Legal basis" that explain it."""

CIVIL_LAW_NOTE = (
    "逾期利息只按《保障中小企业款项支付条例》计算：对中小企业的合同和应付账款，按约定利率"
    "（不低于合同订立时一年期LPR）或未约定时每日万分之五计；对大型企业和政策性承诺，只计约定利率，"
    "未约定的不计。依《中华人民共和国民法典》合同编可主张的违约损害赔偿（资金占用损失等）"
    "不在本审计范围内，由当事人另行主张。"
)


def both_texts(rules: Iterable[LegalRule]) -> str:
    """Both texts in force around 2025-06-01, e.g. for a legend of flags."""
    rules = list(rules)
    after = REGULATION_2025
    before = PRIVATE_ECONOMY_LAW - dt.timedelta(days=1)
    new = [c for r in rules for c in cite(r, after)]
    old = [c for r in rules for c in cite(r, before)]
    if not new and not old:
        return "—（记录更正，无对应法律条款）"
    parts = [f"2025-06-01起：{citation_text(new)}"]
    parts.append(f"此前：{citation_text(old)}" if old else "此前：2020年文本无对应条款")
    if any(c.instrument == PRIVATE_ECONOMY for c in new) and not any(
        c.instrument == PRIVATE_ECONOMY for c in old
    ):
        parts.append("（《民营经济促进法》自2025-05-20施行）")
    return "\n".join(parts)


def legend_text(rules: Sequence[LegalRule]) -> str:
    """A legend cell: both texts of the SME payment regulation and the other instruments."""
    return both_texts(rules)


SHORT_NAMES: dict[str, str] = {
    "保障中小企业款项支付条例": "支付条例",
    "优化营商环境条例": "营商条例",
    "民营经济促进法": "民营经济促进法",
    "中国共产党纪律处分条例": "纪律处分条例",
    "中华人民共和国民法典": "民法典",
}
"""Short names used in detail tables (the legend spells them out)."""

SHORT_NAMES_NOTE = (
    "明细中的简称：支付条例＝《保障中小企业款项支付条例》（2020）为2020年文本、（2025）为2025年修订文本；"
    "营商条例＝《优化营商环境条例》；民营经济促进法＝《中华人民共和国民营经济促进法》；"
    "纪律处分条例＝《中国共产党纪律处分条例》（2023年修订）；民法典＝《中华人民共和国民法典》。"
)


def citation_text(citations: Iterable[Citation], *, short: bool = False) -> str:
    """The citations of one item, merged by instrument and text, in order.

    ``short`` uses the short names of :data:`SHORT_NAMES`:
    ``支付条例（2020）第八、九、十五条；营商条例第三十一、六十九条``.
    """
    merged: dict[tuple[str, str], list[int]] = {}
    full: dict[tuple[str, str], Citation] = {}
    for c in citations:
        key = (c.instrument, c.version)
        arts = merged.setdefault(key, [])
        arts.extend(a for a in c.articles if a not in arts)
        full.setdefault(key, c)
    if not merged:
        return "—"
    out = []
    for (instrument, version), arts in merged.items():
        c = full[(instrument, version)]
        if not short:
            if list(c.articles) == arts:
                out.append(c.text)
            else:
                head = c.text.split("第", 1)[0]
                out.append(head + "、".join(f"第{numeral(a)}条" for a in sorted(arts)))
            continue
        name = SHORT_NAMES.get(instrument, instrument)
        ver = f"（{version}）" if instrument == "保障中小企业款项支付条例" else ""
        out.append(f"{name}{ver}第{'、'.join(numeral(a) for a in sorted(arts))}条")
    return "；".join(out)


TEXT_LABEL: dict[str, str] = {
    "2025": "适用2025年修订文本",
    "2020": "适用2020年文本",
    "none": "2020-09-01前签订，不适用支付条例（仅按约定）",
}
"""Governing text of the SME payment regulation (DOMAIN.md "which text governs")."""


def calendar_text(info: CalendarInfo | None, weekends_only: Sequence[int] = ()) -> str:
    """The holiday calendar used: its sources and the years covered (民法典 art. 203)."""
    if info is None:
        return "—"
    years = info.years
    span = f"{years[0]}–{years[-1]}年" if years else "无"
    if years and len(years) != years[-1] - years[0] + 1:
        span = "、".join(str(y) for y in years) + "年"
    text = f"{info.source}，覆盖 {span}（期间末日遇休息日顺延至次一工作日，民法典第二百零三条）"
    if weekends_only:
        text += (
            "；"
            + "、".join(str(y) for y in weekends_only)
            + "年不在覆盖范围内，仅以周六、周日为休息日"
        )
    return text
