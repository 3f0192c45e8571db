"""PDF report throughput: a turnover report with 10,000 findings against a plain reportlab table.

Usage: python bench/bench_report.py [--findings 10000] [--out /tmp/bench-turnover.pdf]

The findings are synthesised (no ledger needed): 60 holder agencies, three
principals each, long Chinese agency and enterprise names, two or three
evidence entries per finding with 64-hex leaf hashes.  The report is built
by :func:`ledger_reports.turnover.build_turnover` exactly as ``ledger report
turnover`` does.  The baseline, in the same process afterwards, is a plain
reportlab ``Table`` of the same number of rows (five columns, the long names
in ``Paragraph`` cells with ``wordWrap='CJK'``, ``repeatRows=1``) in a
``SimpleDocTemplate``: what a straightforward reportlab report costs.

Peak memory is ``getrusage`` maxrss of this process, read after the report
is built and before the baseline runs (the baseline can only raise it).
The issue's budget: ≤ 30 s and ≤ 500 MB for the report.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ledger_reports.fonts import find_cjk_font
from ledger_reports.models import Directory, LogAnchor, ReportContext
from ledger_reports.turnover import build_turnover

from ledger.audit.legal import LegalRule, cite
from ledger.audit.results import (
    AuditFilter,
    TurnoverFinding,
    TurnoverRef,
    TurnoverReport,
    TurnoverRule,
    TurnoverTotals,
    TurnoverType,
)

AGENCY = "岳阳市城市管理和综合执法局第{}园林绿化养护管理所"
ENTERPRISE = "岳阳楼区洞庭湖滨路桥工程建设有限责任公司第{}分公司（虚构）"
KINDS = ("commitment.recorded", "official.appointed", "payment.made", "agency.succeeded")


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthesise(n: int) -> tuple[TurnoverReport, dict[int, str], dict[int, str], Directory]:
    """``n`` findings over 60 holders × 3 principals, with evidence hashes and names."""
    findings = []
    hashes: dict[int, str] = {}
    kinds: dict[int, str] = {}
    rules = (
        (TurnoverRule.T1,),
        (TurnoverRule.T1, TurnoverRule.T4),
        (TurnoverRule.T2, TurnoverRule.T5),
        (TurnoverRule.T3,),
    )
    types = list(TurnoverType)
    cited = cite(LegalRule.NO_BREACH_ON_TURNOVER, dt.date(2025, 7, 1)) + cite(
        LegalRule.FORBIDDEN_EXCUSE, dt.date(2025, 7, 1)
    )
    seq = 1000
    for i in range(n):
        holder = f"ag-{i % 60:03d}"
        official = f"gb-{i % 60:03d}-{(i // 60) % 3}"
        ev = []
        for k in range(2 + i % 2):
            seq += 1
            ev.append(seq)
            hashes[seq] = hashlib.sha256(seq.to_bytes(8, "big")).hexdigest()
            kinds[seq] = KINDS[(i + k) % len(KINDS)]
        t = TurnoverRef(
            types[i % 4], dt.date(2025, 3, 1) + dt.timedelta(days=i % 200), ev[-1], holder
        )
        findings.append(
            TurnoverFinding(
                commitment=f"HT-{2022 + i % 4}-{i:06d}",
                rules=rules[i % len(rules)],
                breach_date=t.date,
                turnover=t,
                agency=holder,
                holder=holder,
                enterprise=f"91430600MA4L{i % 10_000:04d}X",
                breach_holder=holder,
                official_at_breach=official,
                official_now=official,
                outstanding=1_000_000 + i * 12_345,
                overdue=True,
                effective_due=dt.date(2025, 1, 1) + dt.timedelta(days=i % 300),
                days_under_new_leadership=100 + i % 500,
                evidence=tuple(ev),
                citations=cited,
            )
        )
    by_holder: dict[str, int] = {}
    for f in findings:
        by_holder[f.holder] = by_holder.get(f.holder, 0) + 1
    report = TurnoverReport(
        as_of=dt.date(2026, 10, 31),
        log_size=seq + 1,
        filters=AuditFilter(),
        findings=tuple(findings),
        totals=TurnoverTotals(
            count=n,
            outstanding=sum(f.outstanding for f in findings),
            by_rule={r: sum(r in f.rules for f in findings) for r in TurnoverRule},
            by_holder=dict(sorted(by_holder.items())),
        ),
        turnovers=240,
        agency_names={f"ag-{h:03d}": AGENCY.format(h) for h in range(60)},
    )
    names = Directory(
        officials={f"gb-{h:03d}-{k}": f"官员{h}{k}" for h in range(60) for k in range(3)},
        enterprises={f"91430600MA4L{i:04d}X": ENTERPRISE.format(i) for i in range(min(n, 10_000))},
    )
    return report, hashes, kinds, names


def baseline(n: int, font: str) -> float:
    """Seconds for a plain reportlab n-row table with CJK-wrapped Paragraph cells."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    t0 = time.perf_counter()
    st = ParagraphStyle("c", fontName=font, fontSize=8, leading=10, wordWrap="CJK")
    rows: list[list[object]] = [["承诺", "持有机关", "企业", "未付金额（元）", "违约日"]]
    for i in range(n):
        rows.append(
            [
                f"HT-{i:06d}",
                Paragraph(AGENCY.format(i % 60), st),
                Paragraph(ENTERPRISE.format(i), st),
                f"{10_000 + i * 123:,}.45",
                "2025-07-01",
            ]
        )
    table = Table(rows, colWidths=[70, 140, 170, 70, 60], repeatRows=1)
    table.setStyle(
        TableStyle([("FONT", (0, 0), (-1, -1), font, 8), ("GRID", (0, 0), (-1, -1), 0.25, "black")])
    )
    SimpleDocTemplate(io.BytesIO(), pagesize=A4).build([table])
    return time.perf_counter() - t0


def main() -> None:
    """Build the report, then the baseline; print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--findings", type=int, default=10_000)
    ap.add_argument("--out", default="/tmp/bench-turnover.pdf")
    ap.add_argument("--no-baseline", action="store_true")
    args = ap.parse_args()

    font = find_cjk_font()
    if font.warning:
        print(f"warning: {font.warning}", file=sys.stderr)
    report, hashes, kinds, names = synthesise(args.findings)
    ctx = ReportContext(
        as_of=report.as_of,
        generated_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
        anchor=LogAnchor(
            "bench.ledger.example/commitments", report.log_size, hashlib.sha256(b"bench").digest()
        ),
        directory=names,
    )
    rss0 = _maxrss_mb()
    t0 = time.perf_counter()
    pdf = build_turnover(report, ctx, font, leaf_hashes=hashes, kinds=kinds)
    took = time.perf_counter() - t0
    rss = _maxrss_mb()
    Path(args.out).write_bytes(pdf)
    pages = pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page")
    print(
        f"turnover report: {args.findings:,} findings, {len(pdf) / 1e6:.1f} MB PDF, "
        f"~{pages:,} pages, {took:.1f} s, peak RSS {rss:.0f} MB (before build {rss0:.0f} MB)"
    )
    ok = took <= 30 and rss <= 500
    print(f"budget (≤ 30 s, ≤ 500 MB): {'met' if ok else 'NOT met'}")
    if not args.no_baseline:
        base = baseline(args.findings, font.name)
        print(
            f"plain reportlab {args.findings:,}-row CJK Paragraph table: {base:.1f} s; "
            f"report / baseline = {took / base:.2f}"
        )


if __name__ == "__main__":
    main()
