"""拖欠账款审计报告: the arrears audit as a printed report.

Input: :class:`ledger.audit.results.ArrearsReport` (plain frozen data, money
in fen).  Content: the summary (count, outstanding, disputed, interest; by
holder agency and by ageing bucket, each with a bar chart), the flags
explained with their legal basis (2025 or 2020 text of the SME payment
regulation by event date), a detail table per holder agency, the
commitments paid in full but late (interest still owed) and the voided
commitments (so a void used to hide a debt stays visible).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ledger_reports.base import ReportDoc
from ledger_reports.charts import hbar_chart, vbar_chart
from ledger_reports.fmt import count, date_text, yuan
from ledger_reports.fonts import FontChoice
from ledger_reports.labels import BUCKET, COMMITMENT_TYPE, FLAG, FLAG_SHORT, SIZE
from ledger_reports.legal_text import (
    CIVIL_LAW_NOTE,
    FLAG_RULES,
    SHORT_NAMES_NOTE,
    TEXT_LABEL,
    both_texts,
    calendar_text,
    citation_text,
)
from ledger_reports.models import Directory, ReportContext
from ledger_reports.tables import Col
from reportlab.platypus import Flowable, Spacer

from ledger.audit.legal import LegalRule
from ledger.audit.results import ArrearsItem, ArrearsReport, GroupTotal

__all__ = ["TITLE", "build_arrears", "seqs_text"]

TITLE = "拖欠账款审计报告"
CHART_TOP = 15
"""How many holder agencies the chart shows (the rest are summed in one bar)."""


def seqs_text(seqs: Sequence[int], limit: int = 12) -> str:
    """``#12、#40、#41`` (and how many more)."""
    shown = "、".join(f"#{s}" for s in seqs[:limit])
    return shown + (f" 等{len(seqs)}条" if len(seqs) > limit else "")


def _names(report: ArrearsReport, ctx: ReportContext) -> Directory:
    d = ctx.directory
    return Directory(
        # the audit's names (as of its date) win over the directory's
        agencies={**d.agencies, **report.agency_names},
        officials=d.officials,
        enterprises={**d.enterprises, **report.enterprise_names},
    )


def _rate_text(item: ArrearsItem) -> str:
    r = item.rate
    kind = str(r.kind)
    if r.daily_percent is not None:
        return f"日{r.daily_percent}%"
    if r.annual_percent is not None:
        return f"{'LPR ' if kind == 'lpr_floor' else '年'}{r.annual_percent}%"
    return RATE_SHORT.get(kind, kind)


RATE_SHORT = {"none": "不计利息"}


def _group_rows(groups: Sequence[tuple[str, GroupTotal]]) -> list[list[str]]:
    return [
        [name, count(g.count), yuan(g.outstanding), yuan(g.disputed), yuan(g.interest)]
        for name, g in groups
    ]


GROUP_COLS = [
    Col("", 4.2),
    Col("笔数", 0.8, "RIGHT"),
    Col("未付金额（元）", 1.7, "RIGHT"),
    Col("其中争议（元）", 1.5, "RIGHT"),
    Col("逾期利息（元）", 1.5, "RIGHT"),
]


def build_arrears(report: ArrearsReport, ctx: ReportContext, font: FontChoice) -> bytes:
    """The arrears report as PDF bytes."""
    names = _names(report, ctx)
    t = report.totals
    lpr = report.lpr
    lpr_text = f"{lpr.mode}，{lpr.rows} 行" + (
        f"（{date_text(lpr.first)} 至 {date_text(lpr.last)}）" if lpr.first else ""
    )
    doc = ReportDoc(
        TITLE,
        ctx,
        font,
        subtitle=f"依据《保障中小企业款项支付条例》审计机关、事业单位及国有企业拖欠企业账款（截至 "
        f"{date_text(report.as_of)}）",
        cover_rows=[
            ("列示", "全部未作废承诺" if report.include_all else "逾期承诺"),
            ("审计读取条目", f"前 {count(report.log_size)} 条"),
            ("LPR 数据表", lpr_text),
            ("节假日安排", calendar_text(report.calendar, report.weekends_only)),
        ],
    )
    story: list[Flowable] = []

    # ------------------------------------------------------------ summary
    story += doc.h1("一、概况")
    story.append(
        doc.para(
            f"截至 {date_text(report.as_of)}，逾期未付的承诺共 {count(t.count)} 笔，未付金额 "
            f"{yuan(t.outstanding)} 元（其中存在争议 {yuan(t.disputed)} 元），应计逾期利息 "
            f"{yuan(t.interest)} 元。另有 {count(t.late_paid_count)} 笔已付清或未到期但曾迟延付款，"
            f"尚欠逾期利息 {yuan(t.late_paid_interest)} 元；作废承诺 {count(len(report.voided))} 笔另列于第五节。"
        )
    )
    story.append(
        doc.kv_table(
            [
                ("逾期笔数", count(t.count)),
                ("未付金额（元）", yuan(t.outstanding)),
                ("其中争议部分（元）", yuan(t.disputed)),
                ("逾期利息（元）", yuan(t.interest)),
                (
                    "迟延付款仍欠利息（元）",
                    f"{yuan(t.late_paid_interest)}（{count(t.late_paid_count)} 笔）",
                ),
                ("逾期利息合计（元）", yuan(t.interest + t.late_paid_interest)),
            ],
            (doc.width * 0.35, doc.width * 0.65),
        )
    )

    holders = sorted(t.by_holder.items(), key=lambda kv: (-kv[1].outstanding, kv[0]))
    if holders:
        top = [(names.agencies.get(k, k), g.outstanding) for k, g in holders[:CHART_TOP]]
        rest = holders[CHART_TOP:]
        if rest:
            top.append((f"其他 {len(rest)} 个机关", sum(g.outstanding for _, g in rest)))
        story.append(
            doc.keep(
                doc.h2("按持有债务的机关（含承继）"),
                hbar_chart(top, font.name, doc.width, title="未付金额"),
            )
        )
        story.append(
            doc.table(
                [Col("持有机关", 4.2), *GROUP_COLS[1:]],
                _group_rows([(names.agency(k), g) for k, g in holders])
                + [
                    [
                        "合计",
                        count(t.count),
                        yuan(t.outstanding),
                        yuan(t.disputed),
                        yuan(t.interest),
                    ]
                ],
            )
        )
    else:
        story += doc.h2("按持有债务的机关（含承继）")
        story.append(doc.para("无逾期未付承诺。"))

    buckets = list(t.by_bucket.items())
    story.append(
        doc.keep(
            doc.h2("按逾期时长（账龄）"),
            vbar_chart(
                [(f"{BUCKET.get(str(b), str(b))}\n{g.count}笔", g.outstanding) for b, g in buckets],
                font.name,
                doc.width,
                title="各账龄区间未付金额",
            ),
        )
    )
    story.append(
        doc.table(
            [Col("逾期天数", 4.2), *GROUP_COLS[1:]],
            _group_rows([(BUCKET.get(str(b), str(b)), g) for b, g in buckets]),
        )
    )

    # -------------------------------------------------------------- flags
    story += doc.h1("二、标记说明及法律依据")
    story.append(
        doc.para(
            "每一标记依据事件发生日适用的文本引用条款：2025年6月1日及以后的事件适用2025年修订的"
            "《保障中小企业款项支付条例》（国务院令第802号），此前的事件适用2020年文本（国务院令第728号）。"
            "明细表“依据”一栏为每笔承诺按其事件日期确定的条款。"
        )
    )
    used = Counter(fl.value for i in report.items for fl in i.flags)
    used.update(fl.value for v in report.voided for fl in v.flags)
    story.append(
        doc.table(
            [Col("标记", 1.7), Col("含义", 3.3), Col("法律依据", 3.6), Col("笔数", 0.7, "RIGHT")],
            [
                [
                    f"{FLAG_SHORT.get(k, k)}\n{k}",
                    FLAG.get(k, k),
                    both_texts(rules),
                    count(used.get(k, 0)),
                ]
                for k, rules in FLAG_RULES.items()
            ]
            + [
                [
                    "逾期未付\n（所有逾期项）",
                    "超过应付日仍未支付；逾期利息自应付日次日起算",
                    both_texts((LegalRule.DEADLINE, LegalRule.LATE_INTEREST)),
                    count(t.count),
                ]
            ],
        )
    )
    story.append(Spacer(1, 4))
    story.append(doc.small(CIVIL_LAW_NOTE))

    # ------------------------------------------------------------- detail
    story += doc.h1("三、明细（按持有机关）")
    story.append(
        doc.small(
            "应付日：合同约定日与条例规定日（中小企业适用）中较早者。金额单位：元。"
            "证据为账本条目序号，可用 ledger receipt SEQ 取得包含证明。" + SHORT_NAMES_NOTE
        )
    )
    by_holder: dict[str, list[ArrearsItem]] = {}
    for item in report.items:
        by_holder.setdefault(item.holder, []).append(item)
    order = sorted(by_holder, key=lambda h: (-sum(i.outstanding for i in by_holder[h]), h))
    cols = [
        Col("承诺", 2.0),
        Col("企业", 2.3),
        Col("应付日\n逾期天数", 1.25),
        Col("本金\n已付", 1.25, "RIGHT"),
        Col("未付\n（争议）", 1.4, "RIGHT"),
        Col("逾期利息\n利率", 1.2, "RIGHT"),
        Col("标记与依据", 2.6),
    ]
    for h in order:
        items = sorted(by_holder[h], key=lambda i: (-(i.days_overdue or 0), i.commitment))
        caption = (
            f"{names.agency(h)}：{count(len(items))} 笔，未付 "
            f"{yuan(sum(i.outstanding for i in items))} 元"
        )
        rows = []
        for i in items:
            signer = "" if i.agency == h else f"\n签订：{names.agency(i.agency)}"
            size = SIZE.get(str(i.enterprise_size), "") if i.enterprise_size else ""
            due = date_text(i.effective_due)
            late = (
                f"\n逾期{i.days_overdue}天\n{BUCKET.get(str(i.bucket), str(i.bucket))}"
                if i.overdue and i.days_overdue is not None
                else "\n未逾期"
            )
            out = yuan(i.outstanding) + (f"\n争议 {yuan(i.disputed)}" if i.disputed else "")
            flags = "、".join(FLAG_SHORT.get(fl.value, fl.value) for fl in i.flags)
            basis = citation_text(i.citations, short=True)
            if i.text is not None:
                basis = f"{TEXT_LABEL[i.text.value]}；{basis}"
            if i.parts:
                signer += "\n" + _parts_text(i)
            rows.append(
                [
                    f"{i.commitment} {COMMITMENT_TYPE.get(str(i.type), str(i.type))}\n{i.title}{signer}",
                    names.enterprises.get(i.enterprise, "")
                    + f"\n{i.enterprise}"
                    + (f"\n{size}企业" if size else ""),
                    due + late,
                    f"{yuan(i.principal)}\n{yuan(i.paid)}",
                    out,
                    f"{yuan(i.interest)}\n{_rate_text(i)}"
                    + (f"\n已付利息 {yuan(i.interest_paid)}" if i.interest_paid else ""),
                    (f"{flags}\n" if flags else "")
                    + f"依据：{basis}\n证据：{seqs_text(i.evidence)}",
                ]
            )
        story.append(doc.table(cols, rows, caption=caption))
    if not order:
        story.append(doc.para("无。"))

    # ---------------------------------------------------------- late paid
    story += doc.h1("四、已付清或未到期但曾迟延付款（仍欠逾期利息）")
    if report.late_paid:
        story.append(
            doc.table(
                [
                    Col("承诺", 1.6),
                    Col("持有机关", 2.6),
                    Col("企业", 2.6),
                    Col("应付日", 1.1),
                    Col("迟延天数", 0.9, "RIGHT"),
                    Col("应计利息\n已付利息", 1.3, "RIGHT"),
                    Col("仍欠利息（元）", 1.4, "RIGHT"),
                ],
                [
                    [
                        lp.commitment,
                        names.agency(lp.holder),
                        names.enterprise(lp.enterprise),
                        date_text(lp.effective_due),
                        count(lp.days_late),
                        f"{yuan(lp.interest)}\n{yuan(lp.interest_paid)}",
                        yuan(lp.interest_owed),
                    ]
                    for lp in report.late_paid
                ],
            )
        )
    else:
        story.append(doc.para("无。"))

    # -------------------------------------------------------------- voided
    story += doc.h1("五、作废的承诺")
    story.append(
        doc.small(
            "作废只用于更正录入错误，不改变任何已记录的条目；作废的承诺不计入上述金额，但在此列明，"
            "以防借作废隐藏欠款（在应付日之后作废的标记为“逾期后作废”）。"
        )
    )
    if report.voided:
        story.append(
            doc.table(
                [
                    Col("承诺", 1.6),
                    Col("作废条目", 0.9, "RIGHT"),
                    Col("作废时间（UTC）", 1.6),
                    Col("原因", 2.4),
                    Col("作废前未付（元）", 1.5, "RIGHT"),
                    Col("标记", 1.4),
                ],
                [
                    [
                        v.commitment,
                        f"#{v.seq}",
                        v.voided_at.strftime("%Y-%m-%d %H:%M"),
                        v.reason,
                        yuan(v.outstanding),
                        "、".join(FLAG_SHORT.get(x.value, x.value) for x in v.flags) or "—",
                    ]
                    for v in report.voided
                ],
            )
        )
    else:
        story.append(doc.para("无。"))

    # ------------------------------------------------------------ reversed
    story += doc.h1("六、冲正的付款")
    story.append(
        doc.small(
            "冲正用于更正误录或被退回的付款：被冲正的付款在任何日期都不计入已付金额，但在此列明，"
            "与作废的承诺一样可查（冲正条目序号可用 ledger receipt SEQ 取得包含证明）。"
        )
    )
    if report.reversed:
        story.append(
            doc.table(
                [
                    Col("承诺", 1.6),
                    Col("付款凭证号", 1.8),
                    Col("金额（元）", 1.3, "RIGHT"),
                    Col("付款条目\n冲正条目", 1.1, "RIGHT"),
                    Col("冲正日期", 1.1),
                    Col("原因", 2.6),
                ],
                [
                    [
                        r.commitment,
                        r.reference,
                        yuan(r.amount),
                        f"#{r.payment_seq}\n#{r.seq}",
                        date_text(r.date),
                        r.reason,
                    ]
                    for r in report.reversed
                ],
            )
        )
    else:
        story.append(doc.para("无。"))
    return doc.build(story)


def _parts_text(i: ArrearsItem) -> str:
    """Settlement parts of one item: confirmed date, amount, due, unpaid (进度结算)."""
    lines = ["进度结算："]
    for p in i.parts:
        mark = "（逾期）" if p.overdue else ""
        lines.append(
            f"{date_text(p.date)} 确认 {yuan(p.amount)}，应付 {date_text(p.effective_due)}，"
            f"未付 {yuan(p.unpaid)}{mark}" + (f"，争议 {yuan(p.disputed)}" if p.disputed else "")
        )
    return "\n".join(lines)
