"""A report as asked for (:class:`ReportJob`) and its PDF from gathered inputs.

``ledger report *`` and ``ledger demo`` describe each report as a
:class:`ReportJob` (the audit request, the font, the instant printed, issuer,
marking, site), gather the ledger's side with :mod:`ledger.report_inputs`, and
call :func:`audit_report_pdf` or :func:`integrity_report_pdf` here: the cover
context, the exact commands printed on the last page and the layout of
:mod:`ledger_reports.arrears` and its siblings.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ledger_reports.fonts import FontChoice
from ledger_reports.models import Directory, ReportContext, describe_scope

from ledger.audit import ArrearsReport, AuditKind, AuditRequest, TurnoverReport
from ledger.note import VerifierKey
from ledger.report_inputs import AuditReportInputs, IntegrityInputs, LogAnchor, Names

__all__ = [
    "INTEGRITY_SCOPE",
    "ReportJob",
    "audit_report_pdf",
    "generator",
    "integrity_report_pdf",
    "report_context",
    "shell_join",
]

INTEGRITY_SCOPE = "整个账本：全部条目、签名、授权与检查点"

_SAFE = re.compile(r"[\w@%+=:,./#-]+")


def shell_join(args: Iterable[str]) -> str:
    """A command line a POSIX shell reads back as ``args``; Chinese words stay unquoted."""
    return " ".join(a if _SAFE.fullmatch(a) and a[0] != "#" else shlex.quote(a) for a in args)


def generator() -> str:
    """What produced the report, with the installed version (the PDF metadata)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"commitment-ledger {version('commitment-ledger')}"
    except PackageNotFoundError:
        return "commitment-ledger"


@dataclass(frozen=True, slots=True)
class ReportJob:
    """What a report command was asked for: enough to print its exact commands."""

    kind: str
    as_of: dt.date
    font: str | None = None
    generated_at: dt.datetime | None = None
    """The instant printed; None for now (the caller's clock)."""
    issuer: str | None = None
    marking: str | None = None
    site_url: str | None = None
    audit: AuditRequest | None = None
    """The audit the figures come from (None for the integrity certificate)."""
    extra: tuple[str, ...] = ()
    """The integrity certificate's own options (``--vkey``, ``--checkpoint``, ``--witness``)."""

    def audit_args(self) -> list[str]:
        """The audit's options besides the date and filters: ``--all``, ``--year Y``."""
        a = self.audit
        if a is None:
            return []
        if a.include_all:
            return ["--all"]
        if a.kind is AuditKind.DISCLOSURE:
            return ["--year", str(a.year)]
        return []

    def filter_args(self) -> list[str]:
        """Every filter and LPR option given, as arguments."""
        a = self.audit
        if a is None:
            return []
        args: list[str] = []
        for opt, value in (
            ("--agency", a.filters.agency),
            ("--region", a.filters.region),
            ("--enterprise", a.filters.enterprise),
            ("--lpr", a.lpr_file),
            ("--calendar", a.calendar_file),
        ):
            if value is not None:
                args += [opt, value]
        if a.lpr_replace:
            args.append("--lpr-replace")
        return args

    def audit_command(self) -> str:
        """The audit that gives the same figures, with every filter."""
        return shell_join(
            [
                "ledger",
                "audit",
                self.kind,
                "--as-of",
                self.as_of.isoformat(),
                *self.audit_args(),
                *self.filter_args(),
                "--format",
                "json",
            ]
        )

    def report_command(self, generated_at: dt.datetime, font: FontChoice) -> str:
        """This very command, with the instant and font fixed: it gives the same bytes."""
        args = ["ledger", "report", self.kind, "--as-of", self.as_of.isoformat()]
        args += [*self.audit_args(), *self.extra, *self.filter_args()]
        # the output name is not part of the bytes: a neutral one keeps them equal
        args += [
            "-o",
            f"{self.kind}.pdf",
            "--generated-at",
            generated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        ]
        if font.path is not None:
            args += [
                "--font",
                font.path if not font.subfont_index else f"{font.path}#{font.subfont_index}",
            ]
        for opt, value in (
            ("--issuer", self.issuer),
            ("--marking", self.marking),
            ("--site-url", self.site_url),
        ):
            if value is not None:
                args += [opt, value]
        return shell_join(args)


def report_context(
    job: ReportJob,
    anchor: LogAnchor,
    font: FontChoice,
    names: Names,
    generated_at: dt.datetime,
    *,
    scope: str | None = None,
    as_of: dt.date | None = None,
    recompute: str | None = None,
) -> ReportContext:
    """The report context: cover facts, scope, the exact commands, issuer and marking."""
    directory = Directory.of(names)
    if scope is None:
        f = job.audit.filters if job.audit is not None else None
        scope = describe_scope(
            directory,
            agency=f.agency if f else None,
            region=f.region if f else None,
            enterprise=f.enterprise if f else None,
        )
    commands = (
        (
            "用同一账本复算本报告全部数字（命令含全部筛选条件，须在同一数据库上运行）：",
            recompute or job.audit_command(),
        ),
        (
            "生成本报告的命令（生成时间、字体固定，同一账本状态下生成的PDF逐字节相同；输出文件名可任选）：",
            job.report_command(generated_at, font),
        ),
    )
    return ReportContext(
        as_of=as_of or job.as_of,
        generated_at=generated_at,
        anchor=anchor,
        directory=directory,
        generator=generator(),
        scope=scope,
        commands=commands,
        issuer=job.issuer,
        marking=job.marking,
        site_url=job.site_url,
    )


def audit_report_pdf(
    job: ReportJob, inputs: AuditReportInputs, font: FontChoice, generated_at: dt.datetime
) -> bytes:
    """The arrears report, the turnover findings or the disclosure table, as PDF bytes."""
    result = inputs.result
    if isinstance(result, ArrearsReport):
        from ledger_reports.arrears import build_arrears

        ctx = report_context(job, inputs.anchor, font, inputs.names, generated_at)
        return build_arrears(result, ctx, font)
    if isinstance(result, TurnoverReport):
        from ledger_reports.turnover import build_turnover

        ctx = report_context(job, inputs.anchor, font, inputs.names, generated_at)
        found = inputs.evidence
        return build_turnover(
            result,
            ctx,
            font,
            leaf_hashes=found.leaf_hashes if found else {},
            kinds=found.kinds if found else None,
        )
    from ledger_reports.disclosure import build_disclosure

    f = result.filters
    scope = describe_scope(
        Directory.of(inputs.names),
        agency=f.agency,
        region=f.region,
        enterprise=f.enterprise,
        subject="逾期合同",
    )
    ctx = report_context(
        job, inputs.anchor, font, inputs.names, generated_at, scope=scope, as_of=result.as_of
    )
    return build_disclosure(result, ctx, font)


def integrity_report_pdf(
    job: ReportJob,
    inputs: IntegrityInputs,
    font: FontChoice,
    generated_at: dt.datetime,
    *,
    verify_args: Sequence[str],
    pinned_vkey: str | None = None,
    saved_note: str | None = None,
    extra_witnesses: Sequence[VerifierKey] = (),
    jobs: int = 1,
) -> bytes:
    """The integrity certificate as PDF bytes; ``verify_args`` recompute it (``ledger verify ...``)."""
    from ledger_reports.integrity import build_integrity

    ctx = report_context(
        job,
        inputs.anchor,
        font,
        inputs.names,
        generated_at,
        scope=INTEGRITY_SCOPE,
        recompute=shell_join(verify_args),
    )
    return build_integrity(
        inputs.verified,
        ctx,
        font,
        pinned_vkey=pinned_vkey,
        saved_note=saved_note,
        extra_witnesses=extra_witnesses,
        jobs=jobs,
    )
