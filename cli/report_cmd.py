"""``ledger report arrears|turnover|disclosure|integrity``: write a PDF report.

Thin: the figures come from :mod:`ledger.audit` and :mod:`ledger.verify`,
the layout from :mod:`reports`; this module only gathers what the cover
needs (the log's root at the audited size and a signed checkpoint), the
names beside ids and the leaf hashes of evidence entries, and writes files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import click

from cli.audit_cmd import DATE
from cli.context import Env, pass_env
from cli.output import dump_json
from ledger.clock import parse_instant
from ledger.errors import BadInput, EnvironmentProblem, FieldError, LedgerError
from ledger.log import Ledger, LogSigner, StoredCheckpoint

F = TypeVar("F", bound=Callable[..., Any])


class _InstantType(click.ParamType):  # type: ignore[type-arg]  # generic only in click >= 8.2
    """An RFC 3339 UTC instant ending in Z."""

    name = "INSTANT"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.datetime:
        if isinstance(value, dt.datetime):
            return value
        try:
            return parse_instant(str(value), "--generated-at")
        except FieldError as exc:
            self.fail(f"{exc.reason} (for example 2026-03-31T09:00:00Z)", param, ctx)


def _common(f: F) -> F:
    """--as-of, --out, --font, --generated-at: shared by every report."""
    for deco in reversed(
        [
            click.option(
                "--as-of",
                "as_of",
                type=DATE,
                required=True,
                help="Report date: audits ignore later events; printed on the cover.",
            ),
            click.option(
                "--out",
                "out",
                type=click.Path(dir_okay=False),
                required=True,
                help="The PDF file to write.",
            ),
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
                type=_InstantType(),
                default=None,
                help="The instant printed as generated-at [default: now]; fix it to get "
                "byte-identical PDFs from the same log.",
            ),
        ]
    ):
        f = deco(f)
    return f


def _filters(f: F) -> F:
    """--agency, --region, --enterprise, --lpr: the audit's own options."""
    for deco in reversed(
        [
            click.option(
                "--agency", metavar="ID", help="Only commitments this agency signed or holds."
            ),
            click.option("--region", metavar="CODE", help="Only agencies in this division code."),
            click.option(
                "--enterprise", metavar="USCC", help="Only this enterprise's commitments."
            ),
            click.option(
                "--lpr",
                "lpr_file",
                type=click.Path(dir_okay=False),
                envvar="LEDGER_LPR",
                help="A one-year LPR CSV extending the packaged table [env LEDGER_LPR].",
            ),
        ]
    ):
        f = deco(f)
    return f


# ----------------------------------------------------------------- helpers
def _font(path: str | None) -> Any:
    from reports.fonts import FontNotUsable, find_cjk_font

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
    from reports.models import LogAnchor

    cp = _checkpoint(env, ledger, size)
    return LogAnchor(
        origin=ledger.origin,
        size=size,
        root=ledger.root_at(size),
        checkpoint=cp.note if cp else None,
        checkpoint_size=cp.size if cp else None,
    )


def _directory(ledger: Ledger) -> Any:
    """Names of agencies, officials and enterprises, from the log's registry events."""
    from ledger.audit.history import load_registry, snapshot
    from reports.models import Directory

    with snapshot(ledger.engine) as conn:
        reg = load_registry(conn)
    return Directory(
        agencies={k: v.event.name for k, v in reg.agencies.items()},
        officials={a.event.official: a.event.name for a in reg.appointments},
        enterprises={k: v.registered.event.name for k, v in reg.enterprises.items()},
    )


def _context(
    env: Env, as_of: dt.date, generated_at: dt.datetime | None, anchor: Any, directory: Any = None
) -> Any:
    from importlib.metadata import PackageNotFoundError, version

    from reports.models import Directory, ReportContext

    try:
        generator = f"commitment-ledger {version('commitment-ledger')}"
    except PackageNotFoundError:
        generator = "commitment-ledger"
    return ReportContext(
        as_of=as_of,
        generated_at=generated_at or env.clock(),
        anchor=anchor,
        directory=directory or Directory(),
        generator=generator,
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
    click.echo(f"wrote {what} to {out} ({len(pdf):,} bytes, sha256 {digest})")


def _audit_filter(agency: str | None, region: str | None, enterprise: str | None) -> Any:
    from ledger.audit import AuditFilter

    return AuditFilter(agency=agency, region=region, enterprise=enterprise)


def _lpr(lpr_file: str | None) -> Any:
    from ledger.audit import load_lpr

    return load_lpr(lpr_file)


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
def arrears_cmd(
    env: Env,
    as_of: dt.date,
    out: str,
    font: str | None,
    generated_at: dt.datetime | None,
    agency: str | None,
    region: str | None,
    enterprise: str | None,
    lpr_file: str | None,
    include_all: bool,
) -> None:
    """拖欠账款审计报告: arrears as of a date, by holder agency and ageing, with legal basis.

    \b
    Example:
      ledger report arrears --as-of 2026-10-31 --out arrears.pdf
      ledger report arrears --as-of 2026-10-31 --region 430602 --out yueyanglou.pdf
    """
    from ledger.audit import arrears_audit
    from reports.arrears import build_arrears

    choice = _font(font)
    ledger = env.ledger()
    result = arrears_audit(
        ledger.engine,
        as_of,
        lpr=_lpr(lpr_file),
        filters=_audit_filter(agency, region, enterprise),
        include_all=include_all,
    )
    ctx = _context(
        env, as_of, generated_at, _anchor(env, ledger, result.log_size), _directory(ledger)
    )
    _write(out, build_arrears(result, ctx, choice), "the arrears report")


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
def turnover_cmd(
    env: Env,
    as_of: dt.date,
    out: str,
    font: str | None,
    generated_at: dt.datetime | None,
    agency: str | None,
    region: str | None,
    enterprise: str | None,
    lpr_file: str | None,
    receipts_dir: str | None,
) -> None:
    """新官不理旧账问题线索报告: turnover findings T1–T5 with their evidence, for inspectors.

    One section per holder agency and per principal in office at the breach
    date; every finding lists the seq and leaf hash of each entry proving it.
    --receipts DIR writes receipt-SEQ.json for each of them, checkable with
    ledger verify-receipt.

    \b
    Example:
      ledger report turnover --as-of 2026-10-31 --out turnover.pdf --receipts receipts/
    """
    from ledger.audit import turnover_audit
    from reports.turnover import build_turnover

    choice = _font(font)
    ledger = env.ledger()
    result = turnover_audit(
        ledger.engine, as_of, lpr=_lpr(lpr_file), filters=_audit_filter(agency, region, enterprise)
    )
    anchor = _anchor(env, ledger, result.log_size)
    seqs = sorted({s for f in result.findings for s in f.evidence})
    hashes, kinds = _evidence(ledger, seqs)
    ctx = _context(env, as_of, generated_at, anchor, _directory(ledger))
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
        click.echo(f"wrote {len(seqs)} receipts to {folder}")
    _write(out, pdf, "the turnover findings report")


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
def disclosure_cmd(
    env: Env,
    as_of: dt.date,
    out: str,
    font: str | None,
    generated_at: dt.datetime | None,
    agency: str | None,
    region: str | None,
    enterprise: str | None,
    lpr_file: str | None,
    year: int | None,
) -> None:
    """年度逾期未支付中小企业款项信息公开表: the table published by 31 March (art. 18).

    \b
    Example:
      ledger report disclosure --as-of 2026-03-01 --year 2025 --out disclosure-2025.pdf
    """
    from ledger.audit import disclosure_audit
    from reports.disclosure import build_disclosure

    if year is None:
        year = as_of.year - 1
    elif dt.date(year, 12, 31) > as_of:
        raise BadInput(f"--year {year} ends after --as-of {as_of}: the year is not over yet")
    choice = _font(font)
    ledger = env.ledger()
    result = disclosure_audit(
        ledger.engine, year, lpr=_lpr(lpr_file), filters=_audit_filter(agency, region, enterprise)
    )
    ctx = _context(env, result.as_of, generated_at, _anchor(env, ledger, result.log_size))
    _write(out, build_disclosure(result, ctx, choice), f"the {year} disclosure table")


@report.command("integrity")
@_common
@click.option("--vkey", default=None, help="Pin the log's verifier key (a string or a file).")
@click.option(
    "--checkpoint",
    "checkpoint_file",
    type=click.Path(dir_okay=False, exists=True),
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
    as_of: dt.date,
    out: str,
    font: str | None,
    generated_at: dt.datetime | None,
    vkey: str | None,
    checkpoint_file: str | None,
    witnesses: tuple[str, ...],
    jobs: int,
) -> None:
    """账本完整性核验证明: verify the whole log, then certify what was verified.

    Runs the same checks as ledger verify; on any failure it exits 1 and
    writes nothing.

    \b
    Example:
      ledger report integrity --as-of 2026-10-31 --out integrity.pdf --vkey log.vkey
      ledger report integrity --as-of 2026-10-31 --out integrity.pdf \\
        --checkpoint checkpoint.cosigned --witness audit-bureau.vkey
    """
    from cli.vkeys import read_vkey, read_vkeys
    from ledger.verify import verify_ledger
    from reports.integrity import build_integrity
    from reports.models import LogAnchor

    choice = _font(font)
    pin = read_vkey(vkey).encode() if vkey is not None else None
    extra = read_vkeys(witnesses, "--witness")
    saved = Path(checkpoint_file).read_text(encoding="utf-8") if checkpoint_file else None
    ledger = env.ledger()
    verified = verify_ledger(ledger, pin_vkey=pin, checkpoint_note=saved, jobs=jobs)
    r = verified.result
    latest = verified.checkpoints[-1] if verified.checkpoints else None
    if saved is not None and verified.saved is not None and verified.saved.size == r.size:
        note, note_size = saved, r.size
    elif latest is not None:
        note, note_size = latest.note, latest.size
    else:
        note, note_size = None, None
    anchor = LogAnchor(r.origin, r.size, r.root, note, note_size)
    ctx = _context(env, as_of, generated_at, anchor)
    pdf = build_integrity(
        verified, ctx, choice, pinned_vkey=pin, saved_note=saved, extra_witnesses=extra, jobs=jobs
    )
    _write(out, pdf, "the integrity certificate")


def register(group: click.Group) -> None:
    """Add the report group to the root group."""
    group.add_command(report)


__all__ = ["register"]
