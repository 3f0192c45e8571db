"""``ledger report arrears|turnover|disclosure|integrity``: write a PDF report.

Thin: the figures come from :mod:`ledger.audit` and :mod:`ledger.verify`,
the layout from :mod:`reports`; this module only gathers what the cover
needs (the log's root at the audited size and a signed checkpoint), the
names beside ids and the leaf hashes of evidence entries, and writes files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shlex
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click
from ledger_cli.context import Env, pass_env
from ledger_cli.i18n import _N, _
from ledger_cli.options import (
    DATE,
    INSTANT,
    filter_options,
    input_path,
    lpr_options,
    output_option,
    read_text_input,
)
from ledger_cli.output import dump_json

from ledger.errors import BadInput, EnvironmentProblem, LedgerError
from ledger.log import Ledger, LogSigner, StoredCheckpoint

F = TypeVar("F", bound=Callable[..., Any])


def _common(f: F) -> F:
    """--as-of, -o/--output, --font, --generated-at, --issuer, --marking, --site-url."""
    for deco in reversed(
        [
            click.option(
                "--as-of",
                "as_of",
                type=DATE,
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


def _filters(f: F) -> F:
    """--agency, --region, --enterprise, --lpr, --lpr-replace: the audit's own options."""
    return lpr_options(filter_options(f))


# ----------------------------------------------------------------- helpers
_SAFE = re.compile(r"[\w@%+=:,./#-]+")


def shell_join(args: Iterable[str]) -> str:
    """A command line a POSIX shell reads back as ``args``; Chinese words stay unquoted."""
    return " ".join(a if _SAFE.fullmatch(a) and a[0] != "#" else shlex.quote(a) for a in args)


def _font(path: str | None) -> Any:
    from ledger_reports.fonts import FontNotUsable, find_cjk_font

    try:
        choice = find_cjk_font(path)
    except FontNotUsable as exc:
        raise BadInput(f"--font {path}: {exc}") from exc
    if choice.warning:
        click.echo(f"warning: {choice.warning}", err=True)
    return choice


def _signer(env: Env) -> LogSigner | None:
    """The log key if this machine holds it and it unlocks; None otherwise (an auditor's)."""
    try:
        return env.log_signer()
    except (EnvironmentProblem, BadInput):
        return None


def _checkpoint(env: Env, ledger: Ledger, size: int) -> StoredCheckpoint | None:
    """A signed checkpoint covering ``size`` entries: the latest, or a new one if the key is here."""
    cp = ledger.latest_checkpoint()
    if cp is None or cp.size < size:
        signer = _signer(env)
        if signer is not None:
            cp = ledger.checkpoint(signer, env.clock)
        else:
            have = "no checkpoint" if cp is None else f"the latest covers {cp.size}"
            click.echo(
                f"warning: the report rests on {size} entries but {have}; run 'ledger checkpoint' "
                "with the log key so the printed copy can be checked against a signed tree head",
                err=True,
            )
    return cp


def _anchor(env: Env, ledger: Ledger, size: int) -> Any:
    from ledger_reports.models import LogAnchor

    cp = _checkpoint(env, ledger, size)
    return LogAnchor(
        origin=ledger.origin,
        size=size,
        root=ledger.root_at(size),
        checkpoint=cp.note if cp else None,
        checkpoint_size=cp.size if cp else None,
    )


@dataclass(frozen=True)
class _Job:
    """What a report command was asked for: enough to print its exact commands."""

    kind: str
    as_of: dt.date
    out: str
    font: str | None
    generated_at: dt.datetime | None
    issuer: str | None
    marking: str | None
    site_url: str | None
    agency: str | None = None
    region: str | None = None
    enterprise: str | None = None
    lpr_file: str | None = None
    lpr_replace: bool = False
    calendar_file: str | None = None
    extra: tuple[str, ...] = ()
    """Options of this report besides the common ones (``--all``, ``--year Y``...)."""

    def filter_args(self) -> list[str]:
        """Every filter and LPR option given, as arguments."""
        args: list[str] = []
        for opt, value in (
            ("--agency", self.agency),
            ("--region", self.region),
            ("--enterprise", self.enterprise),
            ("--lpr", self.lpr_file),
            ("--calendar", self.calendar_file),
        ):
            if value is not None:
                args += [opt, value]
        if self.lpr_replace:
            args.append("--lpr-replace")
        return args

    def audit_command(self, audit_extra: Iterable[str] = ()) -> str:
        """The audit that gives the same figures, with every filter."""
        return shell_join(
            [
                "ledger",
                "audit",
                self.kind,
                "--as-of",
                self.as_of.isoformat(),
                *audit_extra,
                *self.filter_args(),
                "--format",
                "json",
            ]
        )

    def report_command(self, generated_at: dt.datetime, font: Any) -> str:
        """This very command, with the instant and font fixed: it gives the same bytes."""
        args = ["ledger", "report", self.kind, "--as-of", self.as_of.isoformat(), *self.extra]
        args += self.filter_args()
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

    def audit_filter(self) -> Any:
        """The filter handed to the audit."""
        from ledger.audit import AuditFilter

        return AuditFilter(agency=self.agency, region=self.region, enterprise=self.enterprise)

    def lpr(self) -> Any:
        """The LPR table the audit uses."""
        from ledger.audit import load_lpr

        return load_lpr(self.lpr_file, replace=self.lpr_replace)

    def calendar(self) -> Any:
        """The holiday calendar the audit uses (packaged, extended by --calendar FILE)."""
        from ledger.audit import load_calendar

        return load_calendar(self.calendar_file)


def _context(
    env: Env,
    job: _Job,
    anchor: Any,
    font: Any,
    *,
    directory: Any = None,
    scope: str | None = None,
    as_of: dt.date | None = None,
    audit_extra: Iterable[str] = (),
    recompute: str | None = None,
) -> Any:
    """The report context: cover facts, scope, the exact commands, issuer and marking."""
    from importlib.metadata import PackageNotFoundError, version

    from ledger_reports.models import Directory, ReportContext, describe_scope

    try:
        generator = f"commitment-ledger {version('commitment-ledger')}"
    except PackageNotFoundError:
        generator = "commitment-ledger"
    names = directory or Directory()
    generated = job.generated_at or env.clock()
    if scope is None:
        scope = describe_scope(
            names, agency=job.agency, region=job.region, enterprise=job.enterprise
        )
    commands = (
        (
            "用同一账本复算本报告全部数字（命令含全部筛选条件，须在同一数据库上运行）：",
            recompute or job.audit_command(audit_extra),
        ),
        (
            "生成本报告的命令（生成时间、字体固定，同一账本状态下生成的PDF逐字节相同；输出文件名可任选）：",
            job.report_command(generated, font),
        ),
    )
    return ReportContext(
        as_of=as_of or job.as_of,
        generated_at=generated,
        anchor=anchor,
        directory=names,
        generator=generator,
        scope=scope,
        commands=commands,
        issuer=job.issuer,
        marking=job.marking,
        site_url=job.site_url,
    )


def _evidence(ledger: Ledger, seqs: Iterable[int]) -> tuple[dict[int, str], dict[int, str]]:
    """Leaf hash (recomputed from the leaf bytes) and kind of each evidence entry."""
    from ledger.entry import leaf_hash, parse_entry

    hashes: dict[int, str] = {}
    kinds: dict[int, str] = {}
    with ledger.engine.connect() as conn:
        for s in sorted(set(seqs)):
            leaf = ledger.leaf(s, conn)
            hashes[s] = leaf_hash(leaf).hex()
            kinds[s] = parse_entry(leaf).kind
    return hashes, kinds


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
      ledger report arrears --as-of 2026-10-31 --out arrears.pdf
      ledger report turnover --as-of 2026-10-31 --out turnover.pdf --receipts receipts/
      ledger report disclosure --as-of 2026-03-01 --year 2025 --out disclosure-2025.pdf
      ledger report integrity --as-of 2026-10-31 --out integrity.pdf --vkey log.vkey
    """


@report.command("arrears")
@_common
@_filters
@click.option(
    "--all", "include_all", is_flag=True, help="List every commitment that is not voided."
)
@pass_env
def arrears_cmd(env: Env, include_all: bool, **opts: Any) -> None:
    """拖欠账款审计报告: arrears as of a date, by holder agency and ageing, with legal basis.

    \b
    Example:
      ledger report arrears --as-of 2026-10-31 -o arrears.pdf
      ledger report arrears --as-of 2026-10-31 --region 430602 -o yueyanglou.pdf \\
        --issuer 岳阳市审计局 --marking 内部
    """
    from ledger_reports.arrears import build_arrears

    from ledger.audit import arrears_audit

    extra = ("--all",) if include_all else ()
    job = _Job("arrears", extra=extra, **opts)
    choice = _font(job.font)
    ledger = env.ledger()
    result = arrears_audit(
        ledger.engine,
        job.as_of,
        lpr=job.lpr(),
        calendar=job.calendar(),
        filters=job.audit_filter(),
        include_all=include_all,
    )
    ctx = _context(
        env,
        job,
        _anchor(env, ledger, result.log_size),
        choice,
        directory=env.names(),
        audit_extra=extra,
    )
    _write(job.out, build_arrears(result, ctx, choice), _N("the arrears report"))


@report.command("turnover")
@_common
@_filters
@click.option(
    "--receipts",
    "receipts_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Also write a receipt (inclusion proof) for every evidence entry into this folder.",
)
@pass_env
def turnover_cmd(env: Env, receipts_dir: str | None, **opts: Any) -> None:
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
    from ledger_reports.turnover import build_turnover

    from ledger.audit import turnover_audit

    job = _Job("turnover", **opts)
    choice = _font(job.font)
    ledger = env.ledger()
    result = turnover_audit(
        ledger.engine,
        job.as_of,
        lpr=job.lpr(),
        calendar=job.calendar(),
        filters=job.audit_filter(),
    )
    anchor = _anchor(env, ledger, result.log_size)
    seqs = sorted({s for f in result.findings for s in f.evidence})
    hashes, kinds = _evidence(ledger, seqs)
    ctx = _context(env, job, anchor, choice, directory=env.names())
    pdf = build_turnover(result, ctx, choice, leaf_hashes=hashes, kinds=kinds)
    if receipts_dir is not None:
        folder = Path(receipts_dir)
        folder.mkdir(parents=True, exist_ok=True)
        for s in seqs:
            try:
                rec = ledger.receipt(s, None, env.clock)
            except LedgerError as exc:
                raise BadInput(f"receipt for entry {s}: {exc}") from exc
            (folder / f"receipt-{s}.json").write_text(dump_json(rec), encoding="utf-8")
        click.echo(_("wrote {n} receipts to {folder}").format(n=len(seqs), folder=folder), err=True)
    _write(job.out, pdf, _N("the turnover findings report"))


@report.command("disclosure")
@_common
@_filters
@click.option(
    "--year",
    type=click.IntRange(1949, 9998),
    default=None,
    help="The year disclosed (31 December) [default: the year before --as-of].",
)
@pass_env
def disclosure_cmd(env: Env, year: int | None, **opts: Any) -> None:
    """年度逾期未支付中小企业款项信息公开表: the table published by 31 March (art. 18).

    \b
    Example:
      ledger report disclosure --as-of 2026-03-01 --year 2025 -o disclosure-2025.pdf
    """
    from ledger_reports.disclosure import build_disclosure
    from ledger_reports.models import describe_scope

    from ledger.audit import disclosure_audit

    as_of: dt.date = opts["as_of"]
    if year is None:
        year = as_of.year - 1
    elif dt.date(year, 12, 31) > as_of:
        raise BadInput(f"--year {year} ends after --as-of {as_of}: the year is not over yet")
    job = _Job("disclosure", extra=("--year", str(year)), **opts)
    choice = _font(job.font)
    ledger = env.ledger()
    result = disclosure_audit(
        ledger.engine, year, lpr=job.lpr(), calendar=job.calendar(), filters=job.audit_filter()
    )
    names = env.names()
    scope = describe_scope(
        names, agency=job.agency, region=job.region, enterprise=job.enterprise, subject="逾期合同"
    )
    ctx = _context(
        env,
        job,
        _anchor(env, ledger, result.log_size),
        choice,
        directory=names,
        scope=scope,
        as_of=result.as_of,
        audit_extra=("--year", str(year)),
    )
    _write(job.out, build_disclosure(result, ctx, choice), _N("the disclosure table"))


@report.command("integrity")
@_common
@click.option("--vkey", default=None, help="Pin the log's verifier key (a string or a file).")
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
    from ledger_reports.integrity import build_integrity
    from ledger_reports.models import LogAnchor

    from ledger.verify import verify_ledger

    extra_args: list[str] = []
    if vkey is not None:
        extra_args += ["--vkey", vkey]
    if checkpoint_file is not None:
        extra_args += ["--checkpoint", checkpoint_file]
    for w in witnesses:
        extra_args += ["--witness", w]
    job = _Job("integrity", extra=tuple(extra_args), **opts)
    choice = _font(job.font)
    pin = read_vkey(vkey).encode() if vkey is not None else None
    extra = read_vkeys(witnesses, "--witness")
    saved = read_text_input(checkpoint_file, "checkpoint") if checkpoint_file else None
    ledger = env.ledger()
    with env.progress(ledger.size(), "verifying") as step:
        verified = verify_ledger(
            ledger, pin_vkey=pin, checkpoint_note=saved, jobs=jobs, progress=step
        )
    r = verified.result
    latest = verified.checkpoints[-1] if verified.checkpoints else None
    if saved is not None and verified.saved is not None and verified.saved.size == r.size:
        note, note_size = saved, r.size
    elif latest is not None:
        note, note_size = latest.note, latest.size
    else:
        note, note_size = None, None
    anchor = LogAnchor(r.origin, r.size, r.root, note, note_size)
    verify_args = ["ledger", "verify"]
    if vkey is not None:
        verify_args += ["--vkey", vkey]
    if checkpoint_file is not None:
        verify_args += ["--checkpoint", checkpoint_file]
    ctx = _context(
        env,
        job,
        anchor,
        choice,
        directory=env.names(),
        scope="整个账本：全部条目、签名、授权与检查点",
        recompute=shell_join(verify_args),
    )
    pdf = build_integrity(
        verified, ctx, choice, pinned_vkey=pin, saved_note=saved, extra_witnesses=extra, jobs=jobs
    )
    _write(job.out, pdf, _N("the integrity certificate"))


def register(group: click.Group) -> None:
    """Add the report group to the root group."""
    group.add_command(report)


__all__ = ["register"]
