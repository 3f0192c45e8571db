"""新官不理旧账问题线索报告: turnover findings for discipline inspectors.

Input: :class:`ledger.audit.results.TurnoverReport` and, from the caller,
the leaf hash of every evidence entry (seq → hex; the caller reads them from
the log) and optionally each entry's kind.  One section per holder agency,
and within it one table per principal in office at the breach date; each
finding names its rules (T1–T5 in words), the turnover it is charged to,
the dates, the outstanding amount, the days under the new leadership, the
legal basis in the text in force on the breach date, and its evidence list
(seq and leaf hash of each entry), so every line can be checked against the
log with a receipt.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ledger_reports.base import ReportDoc
from ledger_reports.fmt import count, date_text, yuan
from ledger_reports.fonts import FontChoice
from ledger_reports.labels import KIND, RULE, RULE_LONG, TURNOVER, rule_label
from ledger_reports.legal_text import (
    CIVIL_LAW_NOTE,
    SHORT_NAMES_NOTE,
    TURNOVER_RULES,
    both_texts,
    calendar_text,
    citation_text,
)
from ledger_reports.models import Directory, ReportContext
from ledger_reports.tables import Col, FullRow, Row
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable

from ledger.audit.results import TurnoverFinding, TurnoverReport

__all__ = ["TITLE", "build_turnover", "evidence_lines"]

TITLE = "新官不理旧账问题线索报告"

EVIDENCE_KIND: dict[str, str] = {
    **KIND,
    "commitment.recorded": "承诺登记",
    "agency.succeeded": "机关承继",
}


def evidence_lines(
    seqs: Sequence[int], leaf_hashes: Mapping[int, str], kinds: Mapping[int, str] | None
) -> str:
    """``#112  <leaf hash hex>  机关承继`` per evidence entry, one per line."""
    width = max((len(str(s)) for s in seqs), default=1) + 1
    out = []
    for s in seqs:
        h = leaf_hashes.get(s, "（叶哈希未提供）")
        k = kinds.get(s) if kinds else None
        label = f"  {EVIDENCE_KIND.get(k, k)}" if k else ""
        out.append(f"{('#' + str(s)).ljust(width)}  {h}{label}")
    return "\n".join(out)


def _names(report: TurnoverReport, ctx: ReportContext) -> Directory:
    d = ctx.directory
    return Directory(
        agencies={**d.agencies, **report.agency_names},  # the audit's names win
        officials=d.officials,
        enterprises=d.enterprises,
    )


COLS = [
    Col("承诺 / 签订机关 / 企业", 2.5),
    Col("规则", 1.45),
    Col("所涉更替", 1.55),
    Col("违约日\n应付日", 1.15),
    Col("未付金额（元）", 1.35, "RIGHT"),
    Col("任内天数", 1.05, "RIGHT"),
    Col("法律依据", 2.15),
]


def _row(f: TurnoverFinding, names: Directory, show_now: bool) -> list[str]:
    """One finding's cells; the holder (the section's heading) is not repeated."""
    t = f.turnover
    if t is None:
        turnover = "—（仅T5：以更替为由，无所涉更替）"
    else:
        turnover = (
            f"{TURNOVER.get(str(t.type), str(t.type))}\n{date_text(t.date)}（条目 #{t.seq}）"
            + ("" if t.agency == f.holder else f"\n{names.agencies.get(t.agency, t.agency)}")
        )
    who = [f.commitment]
    if f.agency != f.holder:
        who.append(f"签订：{names.agency(f.agency)}")
    who.append(f"企业：{names.enterprise(f.enterprise)}")
    if f.holder != f.breach_holder:
        who.append(f"违约时持有：{names.agency(f.breach_holder)}")
    if show_now:
        who.append(f"现任负责人：{names.official(f.official_now)}")
    days = "—" if f.days_under_new_leadership is None else count(f.days_under_new_leadership)
    return [
        "\n".join(who),
        "\n".join(rule_label(r, None if t is None else t.type) for r in f.rules),
        turnover,
        f"{date_text(f.breach_date)}\n{date_text(f.effective_due)}",
        yuan(f.outstanding) + ("" if f.overdue else "\n（未逾期）"),
        days,
        citation_text(f.citations, short=True),
    ]


def build_turnover(
    report: TurnoverReport,
    ctx: ReportContext,
    font: FontChoice,
    *,
    leaf_hashes: Mapping[int, str],
    kinds: Mapping[int, str] | None = None,
) -> bytes:
    """The turnover findings report as PDF bytes.

    ``leaf_hashes`` maps every evidence seq to its RFC 9162 leaf hash (hex);
    ``kinds`` optionally to its event kind, printed beside it.
    """
    names = _names(report, ctx)
    t = report.totals
    doc = ReportDoc(
        TITLE,
        ctx,
        font,
        subtitle="领导更替、政府换届、机构改革、区划调整后不履行原有承诺的问题线索（供纪检监察机关核查）",
        cover_rows=[
            ("审计读取条目", f"前 {count(report.log_size)} 条"),
            ("截至审计日的更替事件", f"{count(report.turnovers)} 次"),
            ("问题线索", f"{count(t.count)} 条，涉及未付金额 {yuan(t.outstanding)} 元"),
            ("节假日安排", calendar_text(report.calendar, report.weekends_only)),
        ],
    )
    story: list[Flowable] = []

    story += doc.h1("一、概况")
    story.append(
        doc.para(
            f"截至 {date_text(report.as_of)}，账本记录的领导更替、政府换届、机构改革和区划调整共 "
            f"{count(report.turnovers)} 次。在这些更替之前签订、由更替后的机关承接的承诺中，"
            f"发现问题线索 {count(t.count)} 条（每笔承诺一条，列明其符合的全部规则），"
            f"涉及未付金额 {yuan(t.outstanding)} 元（含争议部分）。"
        )
    )
    story.append(
        doc.table(
            [Col("规则", 1.8), Col("含义", 6.2), Col("线索数", 0.9, "RIGHT")],
            [
                [
                    RULE.get(r.value, r.value),
                    RULE_LONG.get(r.value, "").split("：", 1)[-1],
                    count(n),
                ]
                for r, n in t.by_rule.items()
            ],
        )
    )
    holders_out: dict[str, int] = {}
    for f in report.findings:
        holders_out[f.holder] = holders_out.get(f.holder, 0) + f.outstanding
    holder_order = sorted(t.by_holder, key=lambda h: (-holders_out.get(h, 0), h))
    story.append(
        doc.table(
            [
                Col("持有机关（截至审计日）", 5.4),
                Col("线索数", 1.0, "RIGHT"),
                Col("未付金额（元）", 2.0, "RIGHT"),
            ],
            [
                [names.agency(h), count(t.by_holder[h]), yuan(holders_out.get(h, 0))]
                for h in holder_order
            ]
            + [["合计", count(t.count), yuan(t.outstanding)]],
            caption="按持有机关",
        )
    )

    story += doc.h1("二、规则说明与法律依据")
    story.append(
        doc.para(
            "“更替”指：主要负责人更替（任命新的主要负责人）、本级政府换届、机构改革或职能调整"
            "（成为其他机关的承继者）、行政区划调整。承诺在更替之前签订、且更替时由该机关"
            "（或其承继的机关）承担的，为该更替的“旧账”。每条线索的法律依据按其违约日适用的文本引用。"
        )
    )
    story.append(
        doc.table(
            [Col("规则", 1.5), Col("含义", 3.9), Col("法律依据", 3.6)],
            [
                [RULE.get(k, k), RULE_LONG.get(k, "").split("：", 1)[-1], both_texts(rules)]
                for k, rules in TURNOVER_RULES.items()
            ],
        )
    )
    story.append(
        doc.small(
            "违约日：T1、T4 取应付日与签订后首次更替日中较晚者，T2、T3、T5 取相应事件的日期，"
            "多条规则取最早者。所涉更替：违约日当日或之前、签订之后的最近一次更替。任内天数（新领导任内天数）："
            "审计日减去应付日与所涉更替日中较晚者（仅对截至审计日逾期的线索）。"
        )
    )

    story += doc.h1("三、问题线索（按持有机关、违约时在任主要负责人）")
    story.append(
        doc.small(
            "每条线索下列出证据条目：账本序号与叶哈希（SHA-256(0x00‖条目字节)，RFC 9162）。"
            "用 ledger receipt SEQ 取得收据、ledger verify-receipt 核验，即可证明该条目在签名检查点所示的账本中。"
            + SHORT_NAMES_NOTE
        )
    )
    by_holder: dict[str, list[TurnoverFinding]] = {}
    for f in report.findings:
        by_holder.setdefault(f.holder, []).append(f)
    sub = ParagraphStyle(
        "h3",
        parent=doc.s_h2,
        fontSize=9.6,
        leading=13,
        spaceBefore=6,
        spaceAfter=3,
        textColor=doc.s_small.textColor,
    )
    for n, h in enumerate(holder_order, start=1):
        items = by_holder.get(h, [])
        heading: list[Flowable] = [
            doc.heading2(
                f"（{n}）{names.agency(h)}：{count(len(items))} 条线索，未付 "
                f"{yuan(sum(f.outstanding for f in items))} 元"
            )
        ]
        by_official: dict[tuple[str, str | None], list[TurnoverFinding]] = {}
        for f in items:
            by_official.setdefault((f.breach_holder, f.official_at_breach), []).append(f)
        for (bh, official), group in sorted(
            by_official.items(), key=lambda kv: (kv[0][1] or "", kv[0][0])
        ):
            nows = {f.official_now for f in group}
            now_text = f"；现任：{names.official(next(iter(nows)))}" if len(nows) == 1 else ""
            caption = (
                f"违约时在任主要负责人：{names.official(official)}"
                f"（{names.agencies.get(bh, bh)}）{now_text}：{count(len(group))} 条"
            )
            groups: list[list[Row]] = []
            for f in sorted(group, key=lambda f: (f.breach_date, f.commitment)):
                groups.append(
                    [
                        _row(f, names, show_now=len(nows) > 1),
                        FullRow(
                            "证据（序号 · 叶哈希 · 事件）\n"
                            + evidence_lines(f.evidence, leaf_hashes, kinds),
                            mono=True,
                        ),
                    ]
                )
            story.append(
                doc.grouped_table(
                    COLS, groups, zebra=False, caption=caption, caption_style=sub, before=heading
                )
            )
            heading = []
    if not report.findings:
        story.append(doc.para("截至审计日未发现问题线索。"))

    story += doc.h1("四、说明")
    story += doc.bullets(
        [
            (
                "本报告列出的是依据账本记录按固定规则自动识别的问题线索，供纪检监察机关、审计机关核查；"
                "不构成对任何单位或个人的处理结论。"
            ),
            "未付金额含存在争议的部分；逾期利息见《拖欠账款审计报告》。" + CIVIL_LAW_NOTE,
            "所有数字均可仅凭账本复算：文末列出含全部筛选条件的复算命令，输出同一结果。",
        ]
    )
    return doc.build(story)
