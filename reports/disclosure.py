"""年度逾期未支付中小企业款项信息公开表: the art. 18 (2020 text: art. 16) disclosure.

Input: :class:`ledger.audit.results.DisclosureReport` for year Y.  The plain
tabular form an organ or institution publishes by 31 March of Y+1: one row
per agency holding the obligation on 31 December of Y (a row of zeros is
still a disclosure), the number of contracts and payables with SME
suppliers overdue and unpaid that day and their outstanding amount.
"""

from __future__ import annotations

import datetime as dt

from ledger_reports.base import ReportDoc
from ledger_reports.fmt import count, date_zh, yuan
from ledger_reports.fonts import FontChoice
from ledger_reports.labels import CATEGORY
from ledger_reports.legal_text import calendar_text, citation_text
from ledger_reports.models import ReportContext
from ledger_reports.tables import Col
from reportlab.platypus import Flowable, Spacer

from ledger.audit.results import DisclosureReport

__all__ = ["build_disclosure", "title_for"]


def title_for(year: int) -> str:
    """``2025年度逾期未支付中小企业款项信息公开表``."""
    return f"{year}年度逾期未支付中小企业款项信息公开表"


def build_disclosure(report: DisclosureReport, ctx: ReportContext, font: FontChoice) -> bytes:
    """The annual disclosure table as PDF bytes."""
    y = report.year
    basis = citation_text(report.citations)
    deadline = dt.date(y + 1, 3, 31)
    doc = ReportDoc(
        title_for(y),
        ctx,
        font,
        subtitle=f"依据{basis}，于{date_zh(deadline)}前向社会公开",
        cover_rows=[
            ("公开期限", date_zh(deadline)),
            ("审计读取条目", f"前 {count(report.log_size)} 条"),
            ("节假日安排", calendar_text(report.calendar, report.weekends_only)),
        ],
        short_title=f"{y}年度逾期未支付中小企业款项信息公开表",
    )
    story: list[Flowable] = []
    story += doc.h1("公开表")
    rows = [
        [
            str(n),
            r.name,
            r.agency,
            CATEGORY.get(str(r.category), str(r.category)),
            r.region,
            count(r.contracts),
            yuan(r.amount),
        ]
        for n, r in enumerate(report.agencies, start=1)
    ]
    tt = report.totals
    rows.append(
        [
            "",
            f"合计（{count(tt.agencies)} 个单位）",
            "",
            "",
            "",
            count(tt.contracts),
            yuan(tt.amount),
        ]
    )
    story.append(
        doc.table(
            [
                Col("序号", 0.6, "RIGHT"),
                Col("单位名称", 3.3),
                Col("单位代码", 1.5),
                Col("单位类别", 1.0),
                Col("区划代码", 1.0),
                Col("逾期未支付合同数量（个）", 1.5, "RIGHT"),
                Col("逾期未支付金额（元）", 1.9, "RIGHT"),
            ],
            rows,
        )
    )
    story.append(Spacer(1, 6))
    story += doc.h2("国有企业（在年度报告中公开）")
    if report.annual_report:
        story.append(
            doc.table(
                [
                    Col("序号", 0.6, "RIGHT"),
                    Col("企业名称", 3.3),
                    Col("单位代码", 1.5),
                    Col("区划代码", 1.0),
                    Col("逾期未支付合同数量（个）", 1.7, "RIGHT"),
                    Col("逾期未支付金额（元）", 2.0, "RIGHT"),
                ],
                [
                    [str(n), r.name, r.agency, r.region, count(r.contracts), yuan(r.amount)]
                    for n, r in enumerate(report.annual_report, start=1)
                ],
            )
        )
    else:
        story.append(doc.para("无。"))
    story.append(Spacer(1, 6))
    story += doc.h2("填报说明")
    story += doc.bullets(
        [
            (
                f"统计口径：截至{date_zh(report.as_of)}，由本单位承担付款义务（含因机构改革、职能调整、"
                "区划调整而承继的债务）的、与中小企业（以合同订立时的企业规模为准）订立的货物、工程、"
                "服务合同及应付账款中，已超过付款期限（约定或法定，以先到者为准；2020-09-01前签订的合同"
                "以约定期限为准）尚未支付的合同数量和金额（逾期部分，含存在争议的部分）。"
            ),
            (
                "公开主体：机关、事业单位和使用财政资金的团体组织；当日已被整体承继的单位由其承继单位"
                "公开，只移交了部分承诺的单位仍自行公开；当日尚未成立的单位不公开。逾期数量为零的单位"
                "同样公开。合计只含上表。"
            ),
            (
                "国有企业（大型企业）将同样口径的数字在其年度报告中公开（支付条例第十八条第二款），"
                "另列于上表之后，数量为零的也列出。"
            ),
            f"法律依据：{basis}。",
            (
                "本表数字全部由政务诚信承诺账本的签名记录计算，可用文末所列（含全部筛选条件的）"
                "命令复算，并凭封面的签名检查点核对账本状态。"
            ),
        ]
    )
    return doc.build(story)
