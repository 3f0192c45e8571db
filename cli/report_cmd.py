"""``ledger report arrears|turnover|disclosure|integrity``: write a PDF report.

Thin: the figures come from :func:`ledger.audit.run_audit` and
:mod:`ledger.verify`, what the cover prints besides them (the log's root at the
audited size, a signed checkpoint, names, evidence leaf hashes) from
:mod:`ledger.report_inputs`, the PDF from :mod:`ledger_reports.jobs`; this module
parses options, asks for the log key when a checkpoint must be signed, and writes
files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from ledger_cli.context import Env, pass_env
from ledger_cli.i18n import _N, _
from ledger_cli.options import (
    INSTANT,
    as_of_option,
    audit_options,
    audit_request,
    input_path,
    output_option,
    pin_vkey_option,
    read_text_input,
    year_option,
)
from ledger_cli.output import dump_json
from ledger_reports.fonts import FontChoice
from ledger_reports.jobs import ReportJob, audit_report_pdf, integrity_report_pdf

from ledger.audit import AuditKind, AuditRequest
from ledger.clock import beijing_day
from ledger.errors import BadInput, EnvironmentProblem
from ledger.log import LogSigner
from ledger.report_inputs import (
    AuditReportInputs,
    evidence_receipts,
    gather_audit_report,
    gather_integrity,
)

F = TypeVar("F", bound=Callable[..., Any])


def _common(f: F) -> F:
    """--as-of, -o/--output, --font, --generated-at, --issuer, --marking, --site-url."""
    for deco in reversed(
        [
            as_of_option(
                required=True,
                help="Report date: audits ignore later events; printed on the cover.",
            ),
            output_option(required=True, help="The PDF file to write."),
            click.option(
                "--font",
                "font",
                envvar="LEDGER_REPORT_FONT",
                default=None,
                metavar="PATH[#N]",
                help="A CJK TrueType font to embed (.ttf, or .ttc with #N for face N) "
                "[env LEDGER_REPORT_FONT; default: found on this machine].",
            ),
            click.option(
                "--generated-at",
                "generated_at",
                type=INSTANT,
                default=None,
                help="The instant printed as generated-at [default: now]; fix it to get "
                "byte-identical PDFs from the same log.",
            ),
            click.option(
                "--issuer",
                default=None,
                metavar="NAME",
                help="出具单位: the issuing body printed above the seal box on the last page "
                "[default: a blank line to fill in].",
            ),
            click.option(
                "--marking",
                default=None,
                metavar="TEXT",
                help="A handling marking printed on every page, e.g. 内部 or 秘密.",
            ),
            click.option(
                "--site-url",
                "site_url",
                default=None,
                metavar="URL",
                help="The published site (ledger publish): the cover gets a QR code opening "
                "its receipt check, URL/verify.html.",
            ),
        ]
    ):
        f = deco(f)
    return f


# ----------------------------------------------------------------- helpers
def report_font(path: str | None) -> FontChoice:
    """The CJK font for ``--font`` (or found here); exit 2 if unusable, a warning if a fallback."""
    from ledger_reports.fonts import FontNotUsable, find_cjk_font

    try:
        choice = find_cjk_font(path)
    except FontNotUsable as exc:
        raise BadInput(f"--font {path}: {exc}") from exc
    if choice.warning:
        click.echo(f"warning: {choice.warning}", err=True)
    return choice


def log_signer_if_here(env: Env) -> Callable[[], LogSigner | None]:
    """Asks for the log key when a report needs a new checkpoint: None if it is not here."""

    def signer() -> LogSigner | None:
        try:
            return env.log_signer()
        except (EnvironmentProblem, BadInput):
            return None  # an auditor's copy: the report warns instead

    return signer


def _job(kind: str, request: AuditRequest | None, opts: dict[str, Any], **kw: Any) -> ReportJob:
    return ReportJob(
        kind,
        opts["as_of"],
        font=opts["font"],
        generated_at=opts["generated_at"],
        issuer=opts["issuer"],
        marking=opts["marking"],
        site_url=opts["site_url"],
        audit=request,
        **kw,
    )


def _audit_report(env: Env, job: ReportJob) -> tuple[AuditReportInputs, bytes]:
    """Run the audit, gather the report's inputs and make the PDF."""
    assert job.audit is not None
    choice = report_font(job.font)
    inputs = gather_audit_report(env.ledger(), job.audit, log_signer_if_here(env), env.clock)
    if inputs.warning:
        click.echo(f"warning: {inputs.warning}", err=True)
    return inputs, audit_report_pdf(job, inputs, choice, job.generated_at or env.clock())


def _write(out: str, pdf: bytes, what: str) -> None:
    path = Path(out)
    try:
        path.write_bytes(pdf)
    except OSError as exc:
        raise EnvironmentProblem(f"{out}: cannot write the report: {exc}") from exc
    digest = hashlib.sha256(pdf).hexdigest()
    click.echo(
        _("wrote {what} to {out} ({size} bytes, sha256 {digest})").format(
            what=_(what), out=out, size=f"{len(pdf):,}", digest=digest
        )
    )


# ---------------------------------------------------------------- commands
@click.group("report")
def report() -> None:
    """Write a PDF report: arrears, turnover findings, annual disclosure, integrity.

    Every report is A4 and Chinese throughout, embeds a CJK TrueType font
    (--font, LEDGER_REPORT_FONT, else one found here; only without one does
    it fall back to the built-in STSong-Light, with a warning), and opens
    with the ledger's origin, tree size, root hash and signed checkpoint with
    a QR code.  With --generated-at fixed, the same log gives the same bytes.

    \b
    Example:
      ledger report arrears --as-of 2026-10-31 -o arrears.pdf
      ledger report turnover --as-of 2026-10-31 -o turnover.pdf --receipts receipts/
      ledger report disclosure --as-of 2026-03-01 --year 2025 -o disclosure-2025.pdf
      ledger report integrity --as-of 2026-10-31 -o integrity.pdf --vkey log.vkey
    """


@report.command("arrears")
@_common
@audit_options
@click.option(
    "--all", "include_all", is_flag=True, help="List every commitment that is not voided."
)
@pass_env
def arrears_cmd(env: Env, /, include_all: bool, **opts: Any) -> None:
    """拖欠账款审计报告: arrears as of a date, by holder agency and ageing, with legal basis.

    \b
    Example:
      ledger report arrears --as-of 2026-10-31 -o arrears.pdf
      ledger report arrears --as-of 2026-10-31 --region 430602 -o yueyanglou.pdf \\
        --issuer 岳阳市审计局 --marking 内部
    """
    request = audit_request(AuditKind.ARREARS, opts, include_all=include_all)
    _inputs, pdf = _audit_report(env, _job("arrears", request, opts))
    _write(opts["out"], pdf, _N("the arrears report"))


@report.command("turnover")
@_common
@audit_options
@click.option(
    "--receipts",
    "receipts_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Also write a receipt (inclusion proof) for every evidence entry into this folder.",
)
@pass_env
def turnover_cmd(env: Env, /, receipts_dir: str | None, **opts: Any) -> None:
    """新官不理旧账问题线索报告: turnover findings T1–T5 with their evidence, for inspectors.

    One section per holder agency and per principal in office at the breach
    date; every finding lists the seq and leaf hash of each entry proving it.
    --receipts DIR writes receipt-SEQ.json for each of them, checkable with
    ledger verify-receipt.

    \b
    Example:
      ledger report turnover --as-of 2026-10-31 -o turnover.pdf --receipts receipts/
      ledger report turnover --as-of 2026-10-31 --agency yy-cgzf -o cgzf.pdf --marking 内部
    """
    job = _job("turnover", audit_request(AuditKind.TURNOVER, opts), opts)
    inputs, pdf = _audit_report(env, job)
    if receipts_dir is not None:
        seqs = inputs.evidence.seqs if inputs.evidence else []
        folder = Path(receipts_dir)
        folder.mkdir(parents=True, exist_ok=True)
        for s, rec in evidence_receipts(env.ledger(), seqs, env.clock):
            (folder / f"receipt-{s}.json").write_text(dump_json(rec), encoding="utf-8")
        click.echo(_("wrote {n} receipts to {folder}").format(n=len(seqs), folder=folder), err=True)
    _write(opts["out"], pdf, _N("the turnover findings report"))


@report.command("disclosure")
@_common
@audit_options
@year_option("The year disclosed (31 December) [default: the year before --as-of].")
@pass_env
def disclosure_cmd(env: Env, /, year: int | None, **opts: Any) -> None:
    """年度逾期未支付中小企业款项信息公开表: the table published by 31 March (art. 18).

    \b
    Example:
      ledger report disclosure --as-of 2026-03-01 --year 2025 -o disclosure-2025.pdf
    """
    request = audit_request(AuditKind.DISCLOSURE, opts, year=year)
    _inputs, pdf = _audit_report(env, _job("disclosure", request, opts))
    _write(opts["out"], pdf, _N("the disclosure table"))


@report.command("integrity")
@_common
@pin_vkey_option
@click.option(
    "--checkpoint",
    "checkpoint_file",
    type=input_path(),
    default=None,
    help="A checkpoint saved earlier (cosignatures are listed): prove the log only grew since.",
)
@click.option(
    "--witness",
    "witnesses",
    multiple=True,
    metavar="VKEY",
    help="A witness verifier key besides those registered in the log; repeatable.",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Processes verifying signatures.",
)
@pass_env
def integrity_cmd(
    env: Env,
    /,
    vkey: str | None,
    checkpoint_file: str | None,
    witnesses: tuple[str, ...],
    jobs: int,
    **opts: Any,
) -> None:
    """账本完整性核验证明: verify the whole log, then certify what was verified.

    Runs the same checks as ledger verify; on any failure it exits 1 and
    writes nothing.  Witness cosignatures are those of the --checkpoint note
    (a cosigned checkpoint, e.g. checkpoint.cosigned): the certificate lists
    what it was given and says so.

    \b
    Example:
      ledger report integrity --as-of 2026-10-31 -o integrity.pdf --vkey log.vkey
      ledger report integrity --as-of 2026-10-31 -o integrity.pdf \\
        --checkpoint checkpoint.cosigned --witness audit-bureau.vkey
    """
    from ledger_cli.vkeys import read_vkey, read_vkeys

    extra_args: list[str] = []
    if vkey is not None:
        extra_args += ["--vkey", vkey]
    if checkpoint_file is not None:
        extra_args += ["--checkpoint", checkpoint_file]
    for w in witnesses:
        extra_args += ["--witness", w]
    job = _job("integrity", None, opts, extra=tuple(extra_args))
    choice = report_font(job.font)
    pin = read_vkey(vkey).encode() if vkey is not None else None
    extra = read_vkeys(witnesses, "--witness")
    saved = read_text_input(checkpoint_file, "checkpoint") if checkpoint_file else None
    ledger = env.ledger()
    made = job.generated_at or env.clock()
    with env.progress(ledger.size(), "verifying") as step:
        inputs = gather_integrity(
            ledger,
            pin_vkey=pin,
            saved_note=saved,
            jobs=jobs,
            progress=step,
            on=beijing_day(made),
        )
    verify_args = ["ledger", "verify"]
    if vkey is not None:
        verify_args += ["--vkey", vkey]
    if checkpoint_file is not None:
        verify_args += ["--checkpoint", checkpoint_file]
    pdf = integrity_report_pdf(
        job,
        inputs,
        choice,
        made,
        verify_args=verify_args,
        pinned_vkey=pin,
        saved_note=saved,
        extra_witnesses=extra,
        jobs=jobs,
    )
    _write(opts["out"], pdf, _N("the integrity certificate"))


def register(group: click.Group) -> None:
    """Add the report group to the root group."""
    group.add_command(report)


__all__ = ["log_signer_if_here", "register", "report_font"]
