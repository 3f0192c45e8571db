"""``ledger demo DIR``: build a realistic, fictional Yueyang ledger and its outputs."""

from __future__ import annotations

import json
import os
import sys
from collections import defaultdict
from pathlib import Path

import click
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from ledger_cli import keys_cmd, site_cmd
from ledger_cli.context import Env, pass_env
from ledger_cli.output import dump_json

from ledger.errors import BadInput
from ledger.keys import Keystore, check_passphrase
from ledger.log import Draft, Ledger, LogSigner, consistency_json, sign_statements
from ledger.note import VerifierKey, verifier_key

ORIGIN = "ledger.czj.yueyang.example/commitments"
DEMO_PASSPHRASE = "yueyang-demo-only"
WITNESSES = ("audit-bureau", "discipline-inspection")


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
    from ledger.bundle import export_bundle
    from ledger.demo import build
    from ledger.verify import verify_ledger

    out = Path(directory)
    if out.exists() and any(out.iterdir()):
        raise BadInput(f"{out}: the demo directory must be new or empty")
    passphrase = os.environ.get("LEDGER_PASSPHRASE", DEMO_PASSPHRASE).encode("utf-8")
    check_passphrase(passphrase)
    out.mkdir(parents=True, exist_ok=True)
    db = f"sqlite:///{(out / 'ledger.db').resolve()}"
    ks = Keystore(out / "keys")
    clock = env.clock

    log_key = Ed25519PrivateKey.generate()
    ledger = Ledger.init(db, ORIGIN, log_key, clock)
    ks.store(ORIGIN, log_key, passphrase)
    signer = LogSigner(ORIGIN, log_key, ks)
    data = build(seed, n)

    # Each key's owner creates it in its own keystore ('ledger keys generate'); the
    # operator, whose keystore holds only the log key, registers the public half
    # ('ledger keys register').  The bureaus' clerks share one keystore here.
    operator = _env(env, db, ks.path, passphrase)
    bureau = Keystore(out / "bureau-keys")
    keys: dict[str, Ed25519PrivateKey] = {}
    registrations = [("registrar", ["*"], "recorder")]
    registrations += [(name, scope, "recorder") for name, scope in data.clerks.items()]
    registrations += [(w, [], "witness") for w in WITNESSES]
    for name, scope, role in registrations:
        owner = bureau.path if role == "recorder" else out / f"{name}-keys"
        vkey = _run(keys_cmd.keys_generate, _env(env, db, owner, passphrase), name=name, role=role)
        if role == "witness":
            (out / f"{name}.vkey").write_text(vkey, encoding="utf-8")
        _run(
            keys_cmd.keys_register,
            operator,
            name=name,
            vkey_arg=vkey.strip(),
            role=role,
            agencies=tuple(scope),
        )
        if role == "recorder":
            keys[name] = bureau.load(name, passphrase)

    def append_as(name: str, stmts: list[tuple[str, dict[str, object]]], label: str) -> None:
        drafts = [Draft(i, k, b) for i, (k, b) in enumerate(stmts, start=1)]
        ledger.append(
            sign_statements(drafts, name, keys[name], clock, origin=ORIGIN), clock, source=label
        )

    append_as("registrar", [(s.kind, s.body) for s in data.registry], "demo registry")
    first = ledger.checkpoint(signer, clock)
    (out / "checkpoint-registry").write_text(first.note, encoding="utf-8")

    by_clerk: dict[str, list[tuple[str, dict[str, object]]]] = defaultdict(list)
    for s in data.commitments:  # one commitment's events share a clerk: order is kept
        by_clerk[s.signer].append((s.kind, s.body))
    with click.progressbar(
        sorted(by_clerk.items()), label="recording commitments", file=sys.stderr
    ) as bar:
        for clerk, stmts in bar:
            append_as(clerk, stmts, f"demo {clerk}")
    latest = ledger.checkpoint(signer, clock)
    (out / "checkpoint").write_text(latest.note, encoding="utf-8")
    proof = ledger.consistency_proof(first.size, latest.size)
    (out / "consistency.json").write_text(
        dump_json(consistency_json(first.size, latest.size, proof)), encoding="utf-8"
    )

    # receipts for the first commitment of each 新官不理旧账 story
    wanted: dict[str, str] = {}
    for cid, story in data.stories.items():
        if story in ("stopped", "repudiated", "conditions") and story not in wanted.values():
            wanted[cid] = story
    receipts = out / "receipts"
    receipts.mkdir()
    for seq, leaf, _ in ledger.iter_leaves():
        if b'"commitment.recorded"' in leaf:
            from ledger.entry import parse_entry

            e = parse_entry(leaf)
            cid = str(e.body["commitment"])
            if cid in wanted:
                r = ledger.receipt(seq, None, clock)
                (receipts / f"{cid}.json").write_text(dump_json(r), encoding="utf-8")

    (out / "log.vkey").write_text(
        verifier_key(ORIGIN, log_key.public_key()).encode() + "\n", encoding="utf-8"
    )
    log_vkey = VerifierKey.parse(verifier_key(ORIGIN, log_key.public_key()).encode())
    # The operator publishes the site; two independent witnesses cosign what the site
    # shows, each from its own keystore and reading only the site; the operator then
    # publishes their cosignatures.
    site = out / "site"
    _run(
        site_cmd.publish_cmd,
        operator,
        directory=str(site),
        entries=False,
        cosigned_files=(),
        quiet=True,
    )
    for witness in WITNESSES:
        _run(
            site_cmd.cosign_cmd,
            _env(
                env,
                f"sqlite:///{out / 'no-database-for-witnesses.db'}",
                out / f"{witness}-keys",
                passphrase,
            ),
            checkpoint_file=None,
            source=str(site),
            key_name=witness,
            proof_file=None,
            vkey=str(out / "log.vkey"),
            state_dir=None,
            out=str(out / f"{witness}.cosigned"),
        )
    _run(
        site_cmd.publish_cmd,
        operator,
        directory=str(site),
        entries=False,
        cosigned_files=tuple(str(out / f"{w}.cosigned") for w in WITNESSES),
        quiet=True,
    )
    note = (site / "checkpoint").read_text(encoding="utf-8")
    (out / "checkpoint.cosigned").write_text(note, encoding="utf-8")
    # The receipts are of this very checkpoint: hand them out with its cosignatures.
    for f in receipts.glob("*.json"):
        r = json.loads(f.read_text(encoding="utf-8"))
        if r["checkpoint"].split("\n\n")[0] == note.split("\n\n")[0]:
            r["checkpoint"] = note
            f.write_text(dump_json(r), encoding="utf-8")
    export_bundle(ledger, out / "bundle.zip", zip=True, clock=clock, cosigned=[note])
    report = verify_ledger(ledger, pin_vkey=log_vkey.encode(), checkpoint_note=first.note)
    ledger.close()
    written = _audits_and_reports(env, out, db, ks, passphrase)

    stories: dict[str, int] = defaultdict(int)
    for story in data.stories.values():
        stories[story] += 1
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
    click.echo(f"  ledger report turnover --as-of {AS_OF} --out turnover.pdf --receipts receipts/")
    if "LEDGER_PASSPHRASE" not in os.environ:
        click.echo(f"  (the demo keystore's passphrase is {DEMO_PASSPHRASE!r}: for this demo only)")


AS_OF = "2026-10-31"  # the demo's business events stop here (ledger.demo.TODAY)


def _env(parent: Env, db: str, keystore: Path, passphrase: bytes) -> Env:
    e = Env(db=db, keystore_path=keystore, clock=parent.clock)
    e._passphrase = passphrase
    return e


def _run(cmd: click.Command, env: Env, **kwargs: object) -> str:
    """Invoke one of the CLI's commands as a user would, in its own environment; its stdout."""
    import contextlib
    import io

    buf = io.StringIO()
    try:
        with (
            click.Context(cmd, obj=env, parent=click.get_current_context()) as ctx,
            contextlib.redirect_stdout(buf),
            contextlib.redirect_stderr(io.StringIO()),
        ):
            ctx.invoke(cmd, **kwargs)
    finally:
        env.close()
    return buf.getvalue()


def _audits_and_reports(env: Env, out: Path, db: str, ks: Keystore, passphrase: bytes) -> list[str]:
    """Run the three audits (JSON) and the four reports (PDF) through their commands."""
    import contextlib
    import datetime as dt
    import io

    from ledger_cli import audit_cmd, report_cmd

    demo_env = Env(db=db, keystore_path=ks.path, clock=env.clock)
    demo_env._passphrase = passphrase
    as_of = dt.date.fromisoformat(AS_OF)
    parent = click.get_current_context()
    written = []
    jobs = [
        (audit_cmd.arrears_cmd, {"as_of": as_of, "fmt": "json", "out": str(out / "arrears.json")}),
        (
            audit_cmd.turnover_cmd,
            {"as_of": as_of, "fmt": "json", "out": str(out / "turnover.json")},
        ),
        (
            audit_cmd.disclosure_cmd,
            {"as_of": as_of, "year": 2025, "fmt": "json", "out": str(out / "disclosure-2025.json")},
        ),
        (report_cmd.arrears_cmd, {"as_of": as_of, "out": str(out / "arrears.pdf")}),
        (report_cmd.turnover_cmd, {"as_of": as_of, "out": str(out / "turnover.pdf")}),
        (
            report_cmd.disclosure_cmd,
            {"as_of": as_of, "year": 2025, "out": str(out / "disclosure-2025.pdf")},
        ),
        (
            report_cmd.integrity_cmd,
            {
                "as_of": as_of,
                "out": str(out / "integrity.pdf"),
                "vkey": str(out / "log.vkey"),
                # the witnesses' cosignatures live in this note, not in the database
                "checkpoint_file": str(out / "checkpoint.cosigned"),
            },
        ),
    ]
    for cmd, kwargs in jobs:
        with (
            click.Context(cmd, obj=demo_env, parent=parent) as ctx,
            contextlib.redirect_stdout(io.StringIO()),
        ):
            ctx.invoke(cmd, **kwargs)
        written.append(Path(str(kwargs["out"])).name)
    demo_env.close()
    return written


def register(group: click.Group) -> None:
    """Add ``demo`` to the root group."""
    group.add_command(demo)
