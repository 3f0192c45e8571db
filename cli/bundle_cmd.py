"""Verifying without trusting the operator: export, verify-bundle, verify-receipt."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable

import click
from ledger_cli.context import Env, pass_env
from ledger_cli.options import input_path, log_vkey_option, quiet_option, read_input
from ledger_cli.output import dump_json, json_verdict, verify_format_option
from ledger_cli.vkeys import read_vkey, read_vkeys

from ledger.errors import BadInput, EnvironmentProblem
from ledger.note import Checkpoint, parse_note

witness_options = [
    click.option(
        "--witness",
        "witnesses",
        multiple=True,
        metavar="VKEY",
        help="A witness's cosignature vkey (or a file holding it); repeatable.",
    ),
    click.option(
        "--threshold",
        type=click.IntRange(0),
        default=None,
        help="How many of the --witness keys must have cosigned [default: all].",
    ),
]


def _witness_opts(f: Callable[..., None]) -> Callable[..., None]:
    for opt in reversed(witness_options):
        f = opt(f)
    return f


_TEXT_LIMIT = 1 << 20
"""A checkpoint or cosigned note is a few hundred bytes; anything this large is no note."""


def _read_text(path: str, what: str) -> str:
    try:
        if path == "-":
            raw = sys.stdin.buffer.read(_TEXT_LIMIT + 1)
        else:
            with open(path, "rb") as fh:
                raw = fh.read(_TEXT_LIMIT + 1)
        if len(raw) > _TEXT_LIMIT:
            raise BadInput(f"{path}: larger than {_TEXT_LIMIT} bytes; not a {what}（文件过大）")
        return raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path}: cannot read the {what}: {exc}") from exc


@click.command("export")
@click.argument("path", type=click.Path())
@click.option(
    "--zip",
    "as_zip",
    is_flag=True,
    help="Write one .zip file instead of a directory (also when PATH ends in .zip).",
)
@click.option(
    "--cosigned",
    "cosigned_files",
    multiple=True,
    type=click.Path(dir_okay=False, exists=True),
    help="A checkpoint cosigned by witnesses: export at its size, keeping the cosignatures (repeatable).",
)
@quiet_option
@pass_env
def export(env: Env, path: str, as_zip: bool, cosigned_files: tuple[str, ...], quiet: bool) -> None:
    """Write an auditor's bundle: entries, checkpoint, keys, manifest.

    The bundle covers the latest signed checkpoint; if the log has grown, a
    new checkpoint is signed first (this needs the log key).  Without the
    key, the bundle stops at the latest checkpoint and says so.  With
    --cosigned, the bundle is written at that checkpoint instead, with the
    witnesses' cosignatures in its checkpoint file.

    \b
    Example:
      ledger export audit-2026-01.zip --zip
      ledger export audit.zip --cosigned cp.audit-bureau --cosigned cp.npc
      ledger verify-bundle audit-2026-01.zip --vkey log.vkey
    """
    from ledger.bundle import export_bundle

    ledger = env.ledger()
    latest = ledger.latest_checkpoint()
    size = ledger.size()
    cosigned = [_read_text(f, "cosigned checkpoint") for f in cosigned_files]
    if cosigned:
        size = Checkpoint.parse(parse_note(cosigned[0]).text).size
    elif latest is None or latest.size < size:
        try:
            latest = ledger.checkpoint(env.log_signer(), env.clock)
        except EnvironmentProblem as exc:
            if latest is None:
                raise
            click.echo(
                f"note: {exc}; the bundle stops at the latest checkpoint (size {latest.size} of {size})",
                err=True,
            )
    zipped = as_zip or path.lower().endswith(".zip")
    total = latest.size if latest is not None and not cosigned else size
    with env.progress(total, "exporting", quiet=quiet) as progress:
        res = export_bundle(
            ledger, path, zip=zipped, progress=progress, clock=env.clock, cosigned=cosigned
        )
    click.echo(
        f"exported {res.size} entries of {res.origin} to {res.path} ({'zip' if res.zipped else 'directory'})"
    )
    click.echo(f"root {res.root.hex()} ({res.keys} keys)")


@click.command("verify-bundle")
@click.argument("path", type=click.Path(exists=True))
@log_vkey_option
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Processes verifying signatures.",
)
@click.option(
    "--checkpoint",
    "old_file",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="A checkpoint you kept earlier: prove the bundle extends it.",
)
@_witness_opts
@quiet_option
@verify_format_option
@pass_env
def verify_bundle_cmd(
    env: Env,
    fmt: str,
    path: str,
    vkey: str,
    jobs: int,
    old_file: str | None,
    witnesses: tuple[str, ...],
    threshold: int | None,
    quiet: bool,
) -> None:
    """Re-verify a bundle offline, with no database and no trust in the operator.

    Recomputes chain, Merkle root, every signature and every key rule from
    the bundle's files, and checks its checkpoint against the key you give
    (never only one shipped in the bundle).  Exits 1 naming the first
    problem: the file, line and seq.

    \b
    Example:
      ledger verify-bundle audit.zip --vkey log.vkey --checkpoint last-year.checkpoint \\
        --witness audit-bureau.vkey --witness npc.vkey --threshold 1 --jobs 2
    """
    from ledger.bundle import verify_bundle

    with json_verdict(fmt):
        key = read_vkey(vkey)
        wkeys = read_vkeys(witnesses, "--witness")
        old = _read_text(old_file, "old checkpoint") if old_file else None
        total = _bundle_size_hint(path)
        with env.progress(total, "verifying", quiet=quiet) as progress:
            rep = verify_bundle(
                path,
                key,
                jobs=jobs,
                old_checkpoint=old,
                witnesses=wkeys,
                threshold=threshold,
                progress=progress,
            )
    if fmt == "json":
        click.echo(
            dump_json(
                {
                    "ok": True,
                    "path": str(rep.path),
                    "origin": rep.origin,
                    "size": rep.size,
                    "root": rep.root.hex(),
                    "keys": rep.keys,
                    "cosigned_by": list(rep.cosigned_by),
                    "extends": rep.extends,
                    "kinds": dict(sorted(rep.kinds.items())),
                }
            ),
            nl=False,
        )
        return
    click.echo(
        f"verified bundle {rep.path}: {rep.size} entries of {rep.origin}; chain, signatures and key rules hold"
    )
    click.echo(f"root {rep.root.hex()} signed by {key.name} ({rep.keys} keys)")
    for name in rep.cosigned_by:
        click.echo(f"cosigned by {name}")
    if rep.extends is not None:
        click.echo(f"the bundle extends the old checkpoint at size {rep.extends}")


def _bundle_size_hint(path: str) -> int:
    """The checkpoint's size for the progress bar; 0 when it cannot be read (verify reports why)."""
    from ledger.bundle import checkpoint_size

    return checkpoint_size(path)


@click.command("verify-receipt")
@click.argument("receipt_file", metavar="RECEIPT", type=input_path())
@log_vkey_option
@_witness_opts
@verify_format_option
def verify_receipt_cmd(
    receipt_file: str, vkey: str, witnesses: tuple[str, ...], threshold: int | None, fmt: str
) -> None:
    """Verify a receipt offline and print the entry it proves.

    Needs nothing but the receipt and the log's public key: the checkpoint's
    signature, then the Merkle inclusion proof of the entry at its index.

    \b
    Example:
      ledger verify-receipt receipt-42.json --vkey log.vkey
    """
    from ledger.receipt import verify_receipt

    with json_verdict(fmt):
        key = read_vkey(vkey)
        wkeys = read_vkeys(witnesses, "--witness")
        raw = read_input(receipt_file, "receipt")
        r = verify_receipt(raw, key, witnesses=wkeys, threshold=threshold, where=receipt_file)
    e = r.entry
    if fmt == "json":
        click.echo(
            dump_json(
                {
                    "ok": True,
                    "origin": r.origin,
                    "index": r.index,
                    "tree_size": r.tree_size,
                    "root": r.root.hex(),
                    "cosigned_by": list(r.cosigned_by),
                    "entry": {
                        "seq": e.seq,
                        "kind": e.kind,
                        "by": e.by,
                        "at": e.at,
                        "ts": e.ts,
                        "body": e.body,
                    },
                }
            ),
            nl=False,
        )
        return
    click.echo(
        f"receipt verified: entry {r.index} is in {r.origin} at tree size {r.tree_size} (root {r.root.hex()})"
    )
    for name in r.cosigned_by:
        click.echo(f"cosigned by {name}")
    click.echo(f"seq:   {e.seq}")
    click.echo(f"kind:  {e.kind}")
    click.echo(f"by:    {e.by}")
    click.echo(f"at:    {e.at}")
    click.echo(f"ts:    {e.ts}")
    click.echo(
        "body:  "
        + json.dumps(e.body, ensure_ascii=False, indent=2, sort_keys=True).replace(
            "\n", "\n       "
        )
    )


def register(group: click.Group) -> None:
    """Add this module's commands to the root group."""
    for cmd in (export, verify_bundle_cmd, verify_receipt_cmd):
        group.add_command(cmd)


__all__ = ["register"]
