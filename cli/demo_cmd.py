"""``ledger demo DIR``: build a realistic, fictional Yueyang ledger and its outputs."""

from __future__ import annotations

import os
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from ledger_cli.context import Env, pass_env

from ledger.clock import beijing_day
from ledger.demo_log import AS_OF as _AS_OF
from ledger.demo_log import DemoLog, build_demo_log
from ledger.errors import BadInput
from ledger.keys import check_passphrase

DEMO_PASSPHRASE = "yueyang-demo-only"


@click.command()
@click.argument("directory", type=click.Path(file_okay=False))
@click.option(
    "--seed",
    type=int,
    default=2026,
    show_default=True,
    help="Random seed: same seed, same ledger data.",
)
@click.option(
    "--commitments",
    "n",
    type=click.IntRange(10, 1_000_000),
    default=300,
    show_default=True,
    help="How many commitments to generate.",
)
@pass_env
def demo(env: Env, directory: str, seed: int, n: int) -> None:
    """Build a realistic demo ledger in DIRECTORY and write what a new user should see.

    Yueyang's real county-level divisions with fictional agencies' principals,
    fictional enterprises (labelled 虚构) and invented commitments: a term
    change, principal changes, a restructuring, a division adjustment,
    honoured commitments, arrears and 新官不理旧账 patterns.  The demo keeps its
    own database and keystore in DIRECTORY (passphrase from LEDGER_PASSPHRASE,
    else a fixed demo passphrase).

    \b
    Example:
      ledger demo ./demo --seed 7 --commitments 500
    """
    out = Path(directory)
    if out.exists() and any(out.iterdir()):
        raise BadInput(f"{out}: the demo directory must be new or empty")
    passphrase = os.environ.get("LEDGER_PASSPHRASE", DEMO_PASSPHRASE).encode("utf-8")
    check_passphrase(passphrase)
    out.mkdir(parents=True, exist_ok=True)
    built = build_demo_log(out, seed, n, passphrase, env.clock, progress=_progress)
    try:
        written = _audits_and_reports(env, out, built)
    finally:
        built.ledger.close()
    data, report, wanted = built.data, built.verified, built.receipts

    stories: dict[str, int] = defaultdict(int)
    for s in data.stories.values():
        stories[s] += 1
    click.echo(
        f"demo ledger in {out}: {report.result.size} entries, {n} commitments, root {report.result.root.hex()[:16]}…"
    )
    click.echo("stories: " + ", ".join(f"{k} {v}" for k, v in sorted(stories.items())))
    click.echo(
        "verified: chain, Merkle tree, every signature and key rule; the log extends its first checkpoint"
    )
    click.echo("audits: " + ", ".join(written))
    click.echo("\nTry next:")
    click.echo(
        f"  export LEDGER_DB=sqlite:///{(out / 'ledger.db').resolve()} LEDGER_KEYSTORE={(out / 'keys').resolve()}"
    )
    click.echo(
        f"  ledger verify --vkey {out}/log.vkey --checkpoint {out}/checkpoint-registry --jobs 2"
    )
    click.echo(
        f"  ledger verify-bundle {out}/bundle.zip --vkey {out}/log.vkey --witness {out}/audit-bureau.vkey"
    )
    for cid in wanted:
        click.echo(f"  ledger verify-receipt {out}/receipts/{cid}.json --vkey {out}/log.vkey")
        break
    click.echo(
        f"  python3 -m http.server -d {out}/site 8000   # then open http://127.0.0.1:8000/verify.html"
    )
    click.echo(
        f"  LEDGER_KEYSTORE={(out / 'bureau-keys').resolve()} ledger record ... --key registrar"
        "   # recorders sign from their own keystore"
    )
    click.echo(f"  ledger audit arrears --as-of {AS_OF} --format table")
    click.echo(f"  ledger audit turnover --as-of {AS_OF} --format table")
    click.echo(f"  ledger report turnover --as-of {AS_OF} -o turnover.pdf --receipts receipts/")
    if "LEDGER_PASSPHRASE" not in os.environ:
        click.echo(f"  (the demo keystore's passphrase is {DEMO_PASSPHRASE!r}: for this demo only)")


AS_OF = _AS_OF.isoformat()  # the demo's business events stop here (ledger.demo.TODAY)


@contextmanager
def _progress(length: int, label: str) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr (its label alone when stderr is not a terminal)."""
    with click.progressbar(length=length, label=label, file=sys.stderr) as bar:
        yield bar.update


def _audits_and_reports(env: Env, out: Path, built: DemoLog) -> list[str]:
    """Run the three audits (JSON) and write the four reports (PDF), as the commands do."""
    from ledger_cli.audit_cmd import write_audit
    from ledger_cli.options import read_text_input
    from ledger_cli.report_cmd import report_font
    from ledger_cli.vkeys import read_vkey
    from ledger_reports.jobs import ReportJob, audit_report_pdf, integrity_report_pdf

    from ledger.audit import AuditKind, AuditRequest, run_audit
    from ledger.report_inputs import gather_audit_report, gather_integrity

    ledger = built.ledger
    arrears = AuditRequest(AuditKind.ARREARS, as_of=_AS_OF)
    turnover = AuditRequest(AuditKind.TURNOVER, as_of=_AS_OF)
    disclosure = AuditRequest(AuditKind.DISCLOSURE, as_of=_AS_OF, year=2025)
    written = []
    for request, name in (
        (arrears, "arrears.json"),
        (turnover, "turnover.json"),
        (disclosure, "disclosure-2025.json"),
    ):
        write_audit(run_audit(ledger.engine, request), "json", str(out / name), env)
        written.append(name)
    for request, name in (
        (arrears, "arrears.pdf"),
        (turnover, "turnover.pdf"),
        (disclosure, "disclosure-2025.pdf"),
    ):
        job = ReportJob(str(request.kind), _AS_OF, audit=request)
        font = report_font(job.font)
        inputs = gather_audit_report(ledger, request, lambda: built.signer, env.clock)
        (out / name).write_bytes(audit_report_pdf(job, inputs, font, env.clock()))
        written.append(name)
    # the witnesses' cosignatures live in this note, not in the database
    vkey, saved = out / "log.vkey", out / "checkpoint.cosigned"
    job = ReportJob("integrity", _AS_OF, extra=("--vkey", str(vkey), "--checkpoint", str(saved)))
    font = report_font(job.font)
    pin = read_vkey(str(vkey)).encode()
    note = read_text_input(str(saved), "checkpoint")
    made = env.clock()
    with env.progress(ledger.size(), "verifying") as step:
        verified = gather_integrity(
            ledger, pin_vkey=pin, saved_note=note, progress=step, on=beijing_day(made)
        )
    verify_args = ["ledger", "verify", "--vkey", str(vkey), "--checkpoint", str(saved)]
    pdf = integrity_report_pdf(
        job, verified, font, made, verify_args=verify_args, pinned_vkey=pin, saved_note=note
    )
    (out / "integrity.pdf").write_bytes(pdf)
    written.append("integrity.pdf")
    return written


def register(group: click.Group) -> None:
    """Add ``demo`` to the root group."""
    group.add_command(demo)
