"""The published site and its witnesses: ``publish``, ``cosign``, receipts for an enterprise."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import click
from ledger_cli.bundle_cmd import _read_text
from ledger_cli.context import Env, pass_env
from ledger_cli.options import input_path, output_option, quiet_option
from ledger_cli.output import dump_json, emit
from ledger_cli.vkeys import read_vkey

from ledger.errors import BadInput, EnvironmentProblem
from ledger.note import Checkpoint, parse_note


@click.command("publish")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option(
    "--entries",
    is_flag=True,
    help="Also publish the entry bundles (the entries' contents; for mirrors allowed to read them).",
)
@click.option(
    "--cosigned",
    "cosigned_files",
    multiple=True,
    type=click.Path(dir_okay=False, exists=True),
    metavar="NOTE",
    help="A witness's cosigned checkpoint to merge into the published one (repeatable).",
)
@quiet_option
@pass_env
def publish_cmd(
    env: Env, directory: str, entries: bool, cosigned_files: tuple[str, ...], quiet: bool
) -> None:
    """Write or update the static published site (FORMATS.md §9) in DIRECTORY.

    The checkpoint (with the witnesses' cosignatures), the hash tiles
    (c2sp.org/tlog-tiles), the verifier keys, an index page, the annual
    disclosures and verify.html.  Publishing again writes only the new tiles.
    Serve DIRECTORY with any static web server or object store.

    \b
    Example:
      ledger publish site/
      ledger publish site/ --cosigned shenji.cosigned --cosigned jiwei.cosigned
    """
    from ledger.site.publish import checkpoint_signed_at, checkpoint_to_publish, plan, publish

    ledger = env.ledger()
    cp = checkpoint_to_publish(ledger, env.log_signer, env.clock)
    notes = [_read_text(f, "cosigned checkpoint") for f in cosigned_files]
    out = Path(directory)
    site_plan = plan(ledger, out, cp, entries)
    with env.progress(
        site_plan.tiles + site_plan.bundles, "发布瓦片 publishing tiles", quiet=quiet
    ) as bar:
        res = publish(
            ledger,
            out,
            cp,
            signed_at=checkpoint_signed_at(ledger, cp.size),
            entries=entries,
            cosigned=notes,
            progress=bar,
            site_plan=site_plan,
        )
    was = f"（此前 {res.previous_size}）" if res.previous_size else ""
    click.echo(
        f"已发布 {res.origin}：树规模 {res.size}{was}，新写瓦片 {res.tiles_written} 个，"
        f"条目包 {res.bundles_written} 个，替换部分瓦片 {res.partials_removed} 个"
    )
    click.echo(
        f"published {res.origin} at size {res.size} to {out}: {res.tiles_written} new tiles, "
        f"{res.bundles_written} entry bundles, {res.partials_removed} partial tiles replaced"
    )
    if res.years:
        click.echo(f"disclosures: {', '.join(str(y) for y in res.years)}")
    click.echo("cosigned by: " + (", ".join(res.cosigners) if res.cosigners else "none"))


@click.command("cosign")
@click.argument(
    "checkpoint_file",
    metavar="[CHECKPOINT]",
    required=False,
    type=input_path(),
)
@click.option(
    "--from",
    "source",
    default=None,
    metavar="URL_OR_DIR",
    help="Cosign the checkpoint published at this URL or folder, proving consistency from its tiles.",
)
@click.option("--key", "key_name", required=True, help="Name of the witness key in the keystore.")
@click.option(
    "--proof",
    "proof_file",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="Consistency proof (FORMATS.md §7) from the size last cosigned to this checkpoint's size.",
)
@click.option(
    "--vkey",
    default=None,
    help="The log's verifier key (or a file): required the first time for a log, then remembered.",
)
@click.option(
    "--state",
    "state_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Witness state directory [default: KEYSTORE/witness-state].",
)
@output_option(help="Also write the cosigned note to FILE.")
@pass_env
def cosign_cmd(
    env: Env,
    checkpoint_file: str | None,
    source: str | None,
    key_name: str,
    proof_file: str | None,
    vkey: str | None,
    state_dir: str | None,
    out: str | None,
) -> None:
    """Cosign a checkpoint as a witness, if it extends what this witness saw.

    The witness keeps the last checkpoint it cosigned per log (signed, and
    checked when read) and refuses a smaller size (rollback), another root at
    the same size or a larger size without a valid consistency proof (split
    view).  The log's key is given with --vkey the first time and pinned in
    the witness's state; it is never taken from the site or the database.

    With --from, the checkpoint and the tiles that prove consistency are read
    from the published site (a URL or a folder): no database is needed.  With
    a CHECKPOINT file, the proof comes from --proof, else from the ledger at
    --db when it is reachable (it is verified either way).

    \b
    Example:
      ledger cosign --from https://ledger.czj.yueyang.example/ --key shenji-ju --vkey log.vkey -o cosigned.checkpoint
      ledger cosign latest.checkpoint --key audit-bureau --proof proof.json -o cosigned.checkpoint
    """
    from ledger.witness import (
        cosign_checkpoint,
        default_state_dir,
        ledger_prover,
        load_pinned,
        parse_consistency,
    )

    if (checkpoint_file is None) == (source is None):
        raise BadInput(
            "请给出检查点文件或 --from 网址/目录之一（give either a CHECKPOINT file or "
            "--from URL_OR_DIR）"
        )
    fetch = None
    if source is not None:
        from ledger.site.source import published_checkpoint, site_fetcher

        fetch = site_fetcher(source)
        note_text = published_checkpoint(fetch, source)
    else:
        assert checkpoint_file is not None
        note_text = _read_text(checkpoint_file, "checkpoint")
    try:
        origin = Checkpoint.parse(parse_note(note_text).text).origin
    except BadInput as exc:
        raise BadInput(
            f"{source or checkpoint_file}：不是检查点（not a checkpoint: {exc}）"
        ) from exc
    state = Path(state_dir) if state_dir else default_state_dir(env.keystore_path)
    given = read_vkey(vkey) if vkey is not None else None
    pinned = load_pinned(state, origin)
    log_vkey = given if given is not None else pinned
    if log_vkey is None:
        raise BadInput(
            f"首次为账本 {origin} 副署，须用 --vkey 给出账本公钥（this witness has not cosigned "
            f"{origin} before: give the log's --vkey once; it is then remembered）"
        )
    proof = sizes = None
    if proof_file is not None:
        p = parse_consistency(_read_text(proof_file, "consistency proof"), proof_file)
        proof, sizes = list(p.proof), (p.old_size, p.new_size)
    prover: Callable[[int, int], Sequence[bytes] | None] | None
    if fetch is not None:
        from ledger.site.source import tile_prover

        prover = tile_prover(fetch)
    else:
        prover = None if proof is not None else ledger_prover(env.ledger, log_vkey)
    key = env.keystore.load(key_name, env.passphrase())
    res = cosign_checkpoint(
        note_text,
        log_vkey,
        key_name,
        key,
        state,
        proof,
        env.clock,
        proof_sizes=sizes,
        prover=prover,
        explicit_vkey=given is not None,
    )
    emit(res.note, out, also_print=True)  # CLI.md: cosign prints the cosigned note
    was = (
        f"after size {res.previous.size}"
        if res.previous is not None
        else "(first checkpoint of this log)"
    )
    click.echo(
        f"已副署 {res.checkpoint.origin}，树规模 {res.checkpoint.size}（cosigned "
        f"{res.checkpoint.origin} at size {res.checkpoint.size} as {key_name} {was}）",
        err=True,
    )


def write_receipts(
    env: Env, commitment: str | None, enterprise: str | None, out: str | None
) -> None:
    """``ledger receipt --commitment ID`` / ``--enterprise USCC``: every receipt, one file each."""
    from ledger.site.receipts import receipts_for

    ledger = env.ledger()
    latest = ledger.latest_checkpoint()
    signer = None
    if latest is None or latest.size < ledger.size():
        try:
            signer = env.log_signer()
        except EnvironmentProblem:
            if latest is None:
                raise
    found = receipts_for(ledger, signer, env.clock, commitment=commitment, enterprise=enterprise)
    if out is None:
        emit(dump_json([r.receipt for r in found]), None)
        return
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    for r in found:
        (folder / r.file_name).write_text(dump_json(r.receipt), encoding="utf-8")
    click.echo(
        f"已写出 {len(found)} 份回执到 {folder}（wrote {len(found)} receipts to {folder}）",
        err=True,
    )


def register(group: click.Group) -> None:
    """Add this module's commands to the root group."""
    for cmd in (publish_cmd, cosign_cmd):
        group.add_command(cmd)


__all__ = ["register", "write_receipts"]
