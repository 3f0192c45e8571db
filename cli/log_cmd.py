"""Commands on the log itself: init, append, verify, checkpoint, receipt, prove."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from ledger_cli.context import Env, pass_env
from ledger_cli.i18n import _
from ledger_cli.options import (
    USCC,
    dry_run_option,
    input_path,
    output_option,
    pin_vkey_option,
    read_input,
    read_text_input,
    recorder_key_option,
)
from ledger_cli.output import dump_json, emit, json_verdict, verify_format_option

from ledger.canonical import loads
from ledger.errors import BadInput, EnvironmentProblem, InputErrors
from ledger.log import (
    AppendResult,
    Draft,
    Ledger,
    Signed,
    consistency_json,
    parse_draft,
    parse_signed,
    sign_statements,
    signed_line,
)
from ledger.runtime import gc_paused


@click.command()
@click.option(
    "--origin", required=True, help="The log's origin, e.g. ledger.czj.yueyang.example/commitments."
)
@pass_env
def init(env: Env, origin: str) -> None:
    """Create the ledger: schema, log key (named after the origin) and genesis.

    \b
    Example:
      ledger init --origin ledger.czj.yueyang.example/commitments
    """
    ks = env.keystore
    if ks.exists(origin):
        raise BadInput(
            f"keystore {ks.path} already holds a log key named {origin!r}; use another origin or keystore"
        )
    passphrase = env.passphrase()
    from ledger.keys import check_passphrase

    check_passphrase(passphrase)  # before anything is created
    key = Ed25519PrivateKey.generate()
    ledger = Ledger.init(env.db, origin, key, env.clock)
    ks.store(origin, key, passphrase)
    ledger.close()
    from ledger.note import verifier_key

    click.echo(_("initialised ledger {origin} at {db}").format(origin=origin, db=env.db), err=True)
    click.echo(verifier_key(origin, key.public_key()).encode())


def read_statements(path: str) -> list[Draft]:
    """Read a JSONL file of ``{"kind", "body"}`` lines; every bad line is reported."""
    raw = read_input(path, "statements")
    drafts: list[Draft] = []
    errors: list[BadInput] = []
    for no, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            drafts.append(parse_draft(loads(line), no, path))
        except BadInput as exc:
            msg = str(exc)
            errors.append(exc if msg.startswith(f"{path}:") else BadInput(f"{path}:{no}: {msg}"))
    if errors:
        raise errors[0] if len(errors) == 1 else InputErrors(errors)
    if not drafts:
        raise BadInput(f"{path}: no statements in the file")
    return drafts


def read_signed(path: str, origin: str) -> list[Signed]:
    """Read a file ``ledger sign`` wrote: ``{"statement", "sig"}`` lines for the log ``origin``."""
    raw = read_input(path, "signed statements")
    signed: list[Signed] = []
    errors: list[BadInput] = []
    for no, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            signed.append(parse_signed(loads(line), no, path, origin))
        except BadInput as exc:
            msg = str(exc)
            errors.append(exc if msg.startswith(f"{path}:") else BadInput(f"{path}:{no}: {msg}"))
    if errors:
        raise errors[0] if len(errors) == 1 else InputErrors(errors)
    if not signed:
        raise BadInput(f"{path}: 文件中没有声明（no statements in the file）")
    return signed


def _append_file(
    env: Env, file: str, key_name: str | None, presigned: bool, dry_run: bool
) -> AppendResult:
    """Read ``file`` (signing its statements with ``key_name`` unless ``presigned``)
    and append it."""
    ledger = env.ledger()
    if presigned:
        signed = read_signed(file, ledger.origin)
    else:
        assert key_name is not None
        drafts = read_statements(file)
        key = env.keystore.load(key_name, env.passphrase())
        signed = sign_statements(drafts, key_name, key, env.clock, origin=ledger.origin)
    return ledger.append(signed, env.clock, dry_run=dry_run, source=file)


@click.command()
@click.argument("file", type=input_path(exists=False))
@recorder_key_option(required=True)
@click.option(
    "--origin",
    required=True,
    help="The log the statements are for: its origin, or its verifier key (text or file).",
)
@output_option(help="Write the signed statements to FILE instead of standard output.")
@pass_env
def sign(env: Env, file: str, key_name: str, origin: str, out: str | None) -> None:
    """Sign a file of statements offline, with no database (离线签名).

    Each input line is {"kind": ..., "body": {...}}, as for `append`; each
    output line is {"statement": ..., "sig": ...} with `log`, `by` and `at`
    filled in.  Hand the file to the operator, who appends it with
    `ledger append --signed` within 7 days (FORMATS.md §3).

    \b
    Example:
      ledger sign payments.jsonl --key czj-clerk --origin log.vkey -o payments.signed.jsonl
    """
    from ledger_cli.vkeys import read_vkey

    from ledger.keys import check_key_name

    if "+" in origin or Path(origin).is_file():
        origin = read_vkey(origin, "--origin").name
    try:
        check_key_name(origin)
    except BadInput as exc:
        raise BadInput(f"--origin {origin!r}: {exc}") from exc
    drafts = read_statements(file)
    key = env.keystore.load(key_name, env.passphrase())
    signed = sign_statements(drafts, key_name, key, env.clock, origin=origin)
    data = b"".join(signed_line(s) + b"\n" for s in signed)
    if out is None:
        click.echo(data.decode("utf-8"), nl=False)
        return
    try:
        Path(out).write_bytes(data)
    except OSError as exc:
        raise EnvironmentProblem(f"{out}: 无法写入（cannot write: {exc.strerror}）") from exc
    click.echo(f"signed {len(signed)} statements for {origin} into {out}", err=True)


@click.command()
@click.argument("file", type=input_path(exists=False), required=False)
@recorder_key_option(required=False)
@click.option(
    "--signed",
    "signed_file",
    type=input_path(exists=False),
    default=None,
    help="A file of statements signed elsewhere ('ledger sign'); needs no key.",
)
@dry_run_option
@pass_env
def append(
    env: Env, file: str | None, key_name: str | None, signed_file: str | None, dry_run: bool
) -> None:
    """Sign and append a file of statements, all or nothing.

    Each line is {"kind": ..., "body": {...}}; `log`, `by` and `at` are
    filled in.  With --signed, append statements a bureau signed offline
    (`ledger sign`): every signature, scope and rule is checked, and each
    statement's `at` must lie within 7 days before (5 minutes after) now.
    A statement identical in kind and body to one already in the log is
    skipped and reported, so re-running an import is safe.

    \b
    Example:
      ledger append statements.jsonl --key czj-clerk --dry-run
      ledger append --signed payments.signed.jsonl
    """
    if (signed_file is None) == (file is None):
        raise BadInput("give a FILE of statements with --key, or --signed SIGNED.jsonl (not both)")
    if signed_file is not None:
        if key_name is not None:
            raise BadInput("--signed statements are signed already: drop --key")
        file = signed_file
    elif key_name is None:
        raise BadInput("--key NAME is needed to sign FILE (or give --signed SIGNED.jsonl)")
    assert file is not None
    with gc_paused():  # a large file makes millions of small objects (ledger.runtime)
        # the statements die inside the pause: alive at its end, the first
        # collection after it would walk every one of them
        result = _append_file(env, file, key_name, signed_file is not None, dry_run)
    for s in result.skipped:
        where = (
            f"seq {s.duplicate_of_seq}"
            if s.duplicate_of_seq is not None
            else f"line {s.duplicate_of_line}"
        )
        click.echo(f"{file}:{s.line}: skipped: {s.kind} repeats {where}", err=True)
    verb = "would append" if dry_run else "appended"
    span = (
        f" (seq {result.first_seq}..{result.first_seq + result.appended - 1})"
        if result.appended
        else ""
    )
    click.echo(
        f"{verb} {result.appended} entries{span}; skipped {len(result.skipped)} duplicates; tree size {result.size}"
    )


@click.command()
@pin_vkey_option
@click.option(
    "--checkpoint",
    "checkpoint_file",
    type=input_path(),
    default=None,
    help="A checkpoint saved earlier (- for standard input): prove the log only grew since.",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Processes verifying signatures.",
)
@click.option(
    "--witness",
    "witnesses",
    multiple=True,
    metavar="VKEY",
    help="Require a cosignature on the --checkpoint note by this witness vkey (or file); repeatable.",
)
@click.option(
    "--threshold",
    type=click.IntRange(0),
    default=None,
    help="How many --witness cosignatures are required [default: all].",
)
@click.option(
    "--log-only",
    is_flag=True,
    help="Skip the replay that compares the domain projections with the log.",
)
@verify_format_option
@pass_env
def verify(
    env: Env,
    fmt: str,
    vkey: str | None,
    checkpoint_file: str | None,
    jobs: int,
    witnesses: tuple[str, ...],
    threshold: int | None,
    log_only: bool,
) -> None:
    """Re-check chain, Merkle tree, signatures and key rules from the leaf bytes.

    Exits 1 naming the first bad seq when anything is wrong.  The saved
    checkpoint may carry witness cosignatures; --witness requires them.

    \b
    Example:
      ledger verify --vkey log.vkey --checkpoint old.checkpoint --jobs 2
      ledger verify --checkpoint cosigned.checkpoint --witness audit-bureau.vkey
      ledger verify --format json
    """
    with json_verdict(fmt):
        report, cosigned = _verify(env, vkey, checkpoint_file, jobs, witnesses, threshold, log_only)
    r = report.result
    if fmt == "json":
        click.echo(
            dump_json(
                {
                    "ok": True,
                    "origin": r.origin,
                    "size": r.size,
                    "root": r.root.hex(),
                    "keys": len(r.ring.keys),
                    "checkpoints": len(report.checkpoints),
                    "projections": not log_only,
                    "extends": None if report.saved is None else report.saved.size,
                    "cosigned_by": cosigned,
                    "kinds": dict(sorted(r.kinds.items())),
                }
            ),
            nl=False,
        )
        return
    click.echo(
        _(
            "verified {size} entries of {origin}: chain, signatures, key rules, no repeats "
            "and the at window hold"
        ).format(size=r.size, origin=r.origin)
    )
    if not log_only:
        click.echo(_("the domain projections equal a replay of the log"))
    click.echo(
        _("root {root} ({keys} keys, {checkpoints} signed checkpoints)").format(
            root=r.root.hex(), keys=len(r.ring.keys), checkpoints=len(report.checkpoints)
        )
    )
    if report.saved is not None:
        click.echo(
            _("the log extends the saved checkpoint at size {size}").format(size=report.saved.size)
        )
    for name in cosigned:
        click.echo(_("the saved checkpoint is cosigned by {name}").format(name=name))


def _verify(
    env: Env,
    vkey: str | None,
    checkpoint_file: str | None,
    jobs: int,
    witnesses: tuple[str, ...],
    threshold: int | None,
    log_only: bool,
) -> tuple[Any, list[str]]:
    from ledger_cli.vkeys import read_vkey, read_vkeys

    from ledger.note import parse_note
    from ledger.verify import verify_ledger
    from ledger.witness import check_cosignatures

    if vkey is not None:
        vkey = read_vkey(vkey).encode()
    note = read_text_input(checkpoint_file, "checkpoint") if checkpoint_file else None
    cosigned: list[str] = []
    if witnesses or threshold:
        if note is None:
            raise BadInput(
                "--witness and --threshold check the cosignatures of a --checkpoint note: give one"
            )
        wkeys = read_vkeys(witnesses, "--witness")
        cosigned = check_cosignatures(
            parse_note(note), wkeys, len(wkeys) if threshold is None else threshold
        )
    ledger = env.ledger()
    with env.progress(ledger.size(), "verifying") as step:
        report = verify_ledger(
            ledger,
            pin_vkey=vkey,
            checkpoint_note=note,
            jobs=jobs,
            projections=not log_only,
            progress=step,
        )
    return report, cosigned


@click.command()
@output_option(help="Also write the note to FILE.")
@pass_env
def checkpoint(env: Env, out: str | None) -> None:
    """Sign the checkpoint for the current size (or reuse the latest) and print it.

    \b
    Example:
      ledger checkpoint -o ledger.checkpoint
    """
    cp = env.ledger().checkpoint(env.log_signer(), env.clock)
    emit(cp.note, out, also_print=True)


@click.command()
@click.argument("seq", type=int, required=False)
@output_option(
    dir_okay=True,
    help="Also write the receipt to this file (a folder with --commitment/--enterprise).",
)
@click.option("--commitment", default=None, help="Receipts for every entry of this commitment.")
@click.option(
    "--enterprise",
    type=USCC,
    default=None,
    help="Receipts for every commitment of this enterprise (USCC).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "tlog-proof"]),
    default="json",
    show_default=True,
    help="What to print: our JSON receipt or the C2SP tlog-proof text.",
)
@pass_env
def receipt(
    env: Env,
    seq: int | None,
    out: str | None,
    commitment: str | None,
    enterprise: str | None,
    fmt: str,
) -> None:
    """Write a receipt proving entry SEQ is in the log at a signed size.

    --format tlog-proof prints the c2sp.org/tlog-proof text instead; with
    -o FILE it writes the JSON receipt to FILE and the tlog-proof beside
    it (FILE with its .json suffix replaced by .tlog-proof).  The tlog-proof
    holds no entry (it is a detached proof): keep the JSON receipt too.

    \b
    Example:
      ledger receipt 42 -o receipt-42.json
      ledger receipt 42 --format tlog-proof -o receipt-42.json
      ledger receipt --enterprise 91430600MA4L0000X1 -o receipts/
    """
    if commitment is not None or enterprise is not None:
        if seq is not None:
            raise BadInput("give SEQ, or --commitment / --enterprise, not both")
        from ledger_cli.site_cmd import write_receipts

        write_receipts(env, commitment, enterprise, out)
        return
    if seq is None:
        raise BadInput("give SEQ, --commitment ID or --enterprise USCC")
    ledger = env.ledger()
    latest = ledger.latest_checkpoint()
    grown = latest is None or latest.size < ledger.size()
    try:
        signer = env.log_signer() if grown else None
    except EnvironmentProblem:
        if latest is None or seq >= latest.size:
            raise
        signer = None  # the latest checkpoint covers the entry: no key needed
    rec = ledger.receipt(seq, signer, env.clock)
    if fmt == "json":
        emit(dump_json(rec), out)
        return
    from ledger.receipt import tlog_proof_text

    proof = tlog_proof_text(rec)
    click.echo(proof, nl=False)
    if out:
        Path(out).write_text(dump_json(rec), encoding="utf-8")
        beside = (
            Path(out).with_suffix(".tlog-proof")
            if out.endswith(".json")
            else Path(out + ".tlog-proof")
        )
        beside.write_text(proof, encoding="utf-8")
        click.echo(f"wrote {out} and {beside}", err=True)


@click.group()
def prove() -> None:
    """Print Merkle proofs.

    \b
    Example:
      ledger prove consistency 100 250
    """


@prove.command("consistency")
@click.argument("old_size", type=int)
@click.argument("new_size", type=int, required=False)
@output_option(help="Write the proof to FILE instead of standard output.")
@pass_env
def prove_consistency(env: Env, old_size: int, new_size: int | None, out: str | None) -> None:
    """Prove the tree of NEW_SIZE extends the tree of OLD_SIZE (FORMATS.md §7).

    NEW_SIZE defaults to the latest signed checkpoint's size.

    \b
    Example:
      ledger prove consistency 100 -o proof.json
    """
    ledger = env.ledger()
    if new_size is None:
        latest = ledger.latest_checkpoint()
        new_size = latest.size if latest else ledger.size()
    if old_size < 1 or old_size > new_size:
        raise BadInput(f"old size {old_size} must be between 1 and the new size {new_size}")
    proof = ledger.consistency_proof(old_size, new_size)
    emit(dump_json(consistency_json(old_size, new_size, proof)), out)


def register(group: click.Group) -> None:
    """Add this module's commands to the root group."""
    for cmd in (init, sign, append, verify, checkpoint, receipt, prove):
        group.add_command(cmd)
