"""``ledger publish DIR``: the static published site of FORMATS.md §9.

What is written, in this order, so that a reader never sees a checkpoint whose
tiles are missing:

1. hash tiles (c2sp.org/tlog-tiles, height 8) up to the checkpoint's size,
   only those the site does not have yet: a full tile is never rewritten, a
   partial one gets its new width beside the old; every new full tile is
   hashed and compared with its parent's entry, and the root computed from
   the tiles on disk must be the checkpoint's root;
2. entry bundles with ``entries=True`` (each leaf checked against its hash);
3. ``log.vkey``, ``witnesses.vkey``, the annual disclosures, ``index.html``
   and ``verify.html`` (the log key pinned in it);
4. ``checkpoint`` with the log's signature and every verified cosignature;
5. then the partial tiles of the previous size are removed ("replaced").

The log is streamed: a batch of tiles at a time, never the whole log.  A site
that already serves a checkpoint the log does not extend (another log, a
rollback, a fork) is refused.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, select

from ledger import merkle
from ledger.clock import Clock
from ledger.errors import BadInput, EnvironmentProblem, VerificationError
from ledger.log import Ledger, LogSigner, StoredCheckpoint
from ledger.note import (
    SIG_COSIGNATURE,
    Checkpoint,
    Note,
    Signature,
    VerifierKey,
    cosignature_time,
    parse_note,
    verify_note,
)
from ledger.site import pages
from ledger.site.source import dir_fetcher
from ledger.site.tiles import (
    TILE_HEIGHT,
    TILE_WIDTH,
    Tile,
    TileHashes,
    encode_index,
    entry_bundle,
    level_count,
    levels,
    tile_hash,
    tiles_for,
)

CHINA = ZoneInfo("Asia/Shanghai")
"""Years of the disclosure end at midnight China Standard Time (the regulation's)."""

BATCH_TILES = 64
Progress = Callable[[int], None]


@dataclass
class PublishResult:
    """What one publish did."""

    origin: str
    size: int
    root: bytes
    previous_size: int
    tiles_written: int = 0
    bundles_written: int = 0
    partials_removed: int = 0
    years: list[int] = field(default_factory=list)
    cosigners: list[str] = field(default_factory=list)
    note: str = ""


@dataclass(frozen=True, slots=True)
class Plan:
    """The work a publish will do (for a progress bar)."""

    previous: Checkpoint | None
    tiles: int
    bundles: int


def _write(path: Path, data: bytes) -> None:
    """Replace ``path`` atomically (a reader sees the old or the new file, never half)."""
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    try:
        fh = open(tmp, "wb")  # noqa: SIM115
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(tmp, "wb")  # noqa: SIM115
    try:
        with fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _stored_hashes(conn: Connection, height: int, start: int, end: int) -> list[bytes]:
    """The stored hashes at tree height ``height``, indexes ``start..end-1``, in order.

    Level 0 is the entries' leaf hashes, higher levels the ``tree_nodes`` rows
    (written by append, FORMATS.md §4).  Read through the DBAPI cursor in one
    range query: SQLAlchemy's per-row processing cost more than the tiles.
    The integers are formatted with ``%d``: nothing else reaches the SQL.
    """
    from ledger.schema import entries, tree_nodes

    if height == 0:
        sql = (
            f"SELECT seq, leaf_hash FROM {entries.name} "
            f"WHERE seq >= {start:d} AND seq < {end:d} ORDER BY seq"
        )
    else:
        sql = (
            f"SELECT idx, hash FROM {tree_nodes.name} WHERE level = {height:d} "
            f"AND idx >= {start:d} AND idx < {end:d} ORDER BY idx"
        )
    cur = conn.connection.cursor()
    try:
        cur.execute(sql)
        rows = cur.fetchall()
    finally:
        cur.close()
    # (level, idx) and seq are primary keys: ordered, unique rows with the right
    # count, first and last index are exactly start..end-1.
    if len(rows) != end - start or (rows and (rows[0][0] != start or rows[-1][0] != end - 1)):
        have = {int(r[0]) for r in rows}
        gap = next(i for i in range(start, end) if i not in have)
        raise VerificationError(
            f"账本缺少高度 {height}、序号 {gap} 的树节点，数据已损坏（the stored tree is missing "
            f"the hash at height {height} index {gap}: the log is damaged; run 'ledger verify'）"
        )
    out = [
        h if type(h) is bytes else (h.encode() if isinstance(h, str) else bytes(h)) for _, h in rows
    ]
    return out


def site_checkpoint(out: Path) -> Checkpoint | None:
    """The checkpoint the site at ``out`` serves now, or None (not trusted: only its size is used)."""
    try:
        text = (out / "checkpoint").read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise EnvironmentProblem(f"{out / 'checkpoint'}: cannot read: {exc}") from exc
    try:
        return Checkpoint.parse(parse_note(text).text)
    except BadInput as exc:
        raise BadInput(f"{out / 'checkpoint'} is not a checkpoint: {exc}") from exc


def checkpoint_signed_at(ledger: Ledger, size: int) -> dt.datetime:
    """When the log signed its checkpoint of ``size`` (UTC)."""
    from ledger.clock import parse_instant
    from ledger.schema import checkpoints

    with ledger.engine.connect() as conn:
        at = conn.execute(
            select(checkpoints.c.signed_at).where(checkpoints.c.size == size)
        ).scalar_one_or_none()
    if at is None:
        raise BadInput(
            f"账本没有规模为 {size} 的检查点（the log has no checkpoint of size {size}）"
        )
    return parse_instant(at, "checkpoints.signed_at")


def checkpoint_to_publish(
    ledger: Ledger, signer: Callable[[], LogSigner], clock: Clock
) -> StoredCheckpoint:
    """The latest checkpoint if it covers the whole log, else a new one (``signer`` gives the key)."""
    latest = ledger.latest_checkpoint()
    if latest is None or latest.size < ledger.size():
        return ledger.checkpoint(signer(), clock)
    return latest


def plan(ledger: Ledger, out: Path, cp: StoredCheckpoint, entries: bool) -> Plan:
    """Check the site extends to ``cp`` and count the tiles and bundles to write."""
    prev = site_checkpoint(out)
    if prev is not None:
        if prev.origin != ledger.origin:
            raise BadInput(
                f"{out} 发布的是另一个账本 {prev.origin!r}（the site in {out} serves the log "
                f"{prev.origin!r}, not {ledger.origin!r}）"
            )
        if prev.size > cp.size:
            raise VerificationError(
                f"站点已发布规模 {prev.size} 的检查点，大于 {cp.size}：拒绝回滚（the site already "
                f"serves size {prev.size}; the checkpoint has only {cp.size}: refusing a rollback）"
            )
        if ledger.root_at(prev.size) != prev.root:
            raise VerificationError(
                f"站点的检查点（规模 {prev.size}）与账本不一致：拒绝覆盖（the site's checkpoint at size "
                f"{prev.size} has another root than this log: refusing to publish over a fork）"
            )
    old = prev.size if prev is not None else 0
    tiles = sum(
        sum(1 for _ in tiles_for(cp.size, lvl, level_count(old, lvl) // TILE_WIDTH))
        for lvl in levels(cp.size)
    )
    bundles = len(_missing_bundles(out, cp.size, old)) if entries else 0
    return Plan(prev, tiles, bundles)


def _batches(items: Iterable[Tile], n: int) -> Iterable[list[Tile]]:
    batch: list[Tile] = []
    for t in items:
        batch.append(t)
        if len(batch) == n:
            yield batch
            batch = []
    if batch:
        yield batch


def _write_tiles(
    ledger: Ledger, conn: Connection, out: Path, size: int, old: int, progress: Progress | None
) -> int:
    written = 0
    for lvl in levels(size):
        height = TILE_HEIGHT * lvl
        start = level_count(old, lvl) // TILE_WIDTH
        for batch in _batches(tiles_for(size, lvl, start), BATCH_TILES):
            first, last = batch[0], batch[-1]
            lo = first.index * TILE_WIDTH
            hashes = _stored_hashes(conn, height, lo, last.index * TILE_WIDTH + last.width)
            fulls = [t.index for t in batch if t.full]
            parents = (
                _stored_hashes(conn, height + TILE_HEIGHT, fulls[0], fulls[-1] + 1) if fulls else []
            )
            for t in batch:
                base = t.index * TILE_WIDTH - lo
                data = b"".join(hashes[base : base + t.width])
                if t.full and tile_hash(data) != parents[t.index - fulls[0]]:
                    raise VerificationError(
                        f"瓦片 {t.path()} 的哈希与上层节点不符，树节点已损坏（the stored tree "
                        f"nodes under tile {t.path()} do not hash to their parent: the log's "
                        "tree_nodes are damaged; run 'ledger verify'）"
                    )
                path = out / t.path()
                if t.full and path.exists() and path.read_bytes() == data:
                    continue
                _write(path, data)
                written += 1
            if progress is not None:
                progress(len(batch))
    return written


def _missing_bundles(out: Path, size: int, old: int) -> list[Tile]:
    """Entry bundles absent from the site (a site first published without --entries has none)."""
    have_partial = level_count(old, 0) // TILE_WIDTH
    missing = []
    for t in tiles_for(size, 0):
        if t.full and t.index < have_partial and (out / t.entries_path()).exists():
            continue
        missing.append(t)
    return missing


def _write_bundles(
    ledger: Ledger, out: Path, size: int, old: int, progress: Progress | None
) -> int:
    written = 0
    for t in _missing_bundles(out, size, old):
        start = t.index * TILE_WIDTH
        leaves = []
        for seq, leaf, stored in ledger.iter_leaves(start, start + t.width, chunk=TILE_WIDTH):
            if merkle.leaf_hash(leaf) != stored:
                raise VerificationError(
                    f"条目 {seq} 与存储的叶哈希不符（entry {seq} does not hash to its stored "
                    "leaf hash: run 'ledger verify'）",
                    seq,
                )
            leaves.append(leaf)
        if len(leaves) != t.width:
            raise VerificationError(
                f"账本只有 {start + len(leaves)} 条，少于 {size}（the log has {start + len(leaves)} "
                f"entries, fewer than {size}）"
            )
        _write(out / t.entries_path(), entry_bundle(leaves))
        written += 1
        if progress is not None:
            progress(1)
    return written


def _remove_stale_partials(out: Path, size: int, old: int, kinds: Sequence[str]) -> int:
    removed = 0
    for lvl in levels(size):
        keep = {
            t.index: t.width for t in tiles_for(size, lvl, level_count(size, lvl) // TILE_WIDTH)
        }
        for n in {level_count(old, lvl) // TILE_WIDTH, level_count(size, lvl) // TILE_WIDTH}:
            for kind in kinds:
                if kind == "entries" and lvl != 0:
                    continue
                where = out / "tile" / (kind if kind == "entries" else str(lvl))
                pdir = where / (encode_index(n) + ".p")
                if not pdir.is_dir():
                    continue
                for f in pdir.iterdir():
                    if f.name.startswith(".tmp-"):
                        continue
                    if f.name.isdigit() and keep.get(n) == int(f.name):
                        continue
                    f.unlink()
                    removed += 1
                if not any(pdir.iterdir()):
                    pdir.rmdir()
    return removed


def _witness_keys(ledger: Ledger) -> list[VerifierKey]:
    ring = ledger.key_ring()
    out = []
    for rec in sorted(ring.keys.values(), key=lambda k: k.registered_seq):
        if rec.revoked_seq is not None:
            continue
        vkey = VerifierKey.parse(rec.vkey)
        if vkey.alg == SIG_COSIGNATURE:
            out.append(vkey)
    return out


def merge_cosignatures(
    note_text: str, cosigned: Sequence[str], witnesses: Sequence[VerifierKey], origin: str
) -> tuple[str, list[str]]:
    """The note with every cosignature of ``cosigned`` that a registered witness key verifies.

    A cosigned note for another checkpoint, or a signature line by a key the
    ledger did not register as a witness or auditor, is bad input; a line by a
    registered witness that does not verify is a forgery (VerificationError).
    """
    base = parse_note(note_text)
    by_id = {(w.name, w.key_hash): w for w in witnesses}
    sigs: dict[tuple[str, bytes], Signature] = {}
    for i, text in enumerate(cosigned, start=1):
        try:
            other = parse_note(text)
        except BadInput as exc:
            raise BadInput(f"cosigned note {i}: {exc}") from exc
        if other.text != base.text:
            theirs = Checkpoint.parse(other.text)
            raise BadInput(
                f"第 {i} 份副署针对的是规模 {theirs.size} 的检查点，而站点发布的是当前检查点"
                f"（cosigned note {i} is for the checkpoint of size {theirs.size}, not the one "
                "published now: have the witnesses cosign the published checkpoint again）"
            )
        for sig in other.signatures:
            if sig.name == origin:
                continue
            wkey = by_id.get((sig.name, sig.key_hash))
            if wkey is None:
                raise BadInput(
                    f"第 {i} 份副署中 {sig.name!r} 的签名不是本账本登记的见证方或审计方密钥"
                    f"（cosigned note {i}: signature by {sig.name!r} is not by a witness or "
                    "auditor key registered in this ledger）"
                )
            verify_note(Note(base.text, (sig,)), wkey)
            cosignature_time(sig)
            sigs[(sig.name, sig.key_hash)] = sig
    own = [s for s in base.signatures if (s.name, s.key_hash) not in sigs]
    merged = Note(base.text, tuple(own) + tuple(sigs.values()))
    return merged.encode(), [k[0] for k in sigs]


def _disclosure_years(ledger: Ledger, signed_at: dt.datetime) -> list[int]:
    from ledger.domain.tables import commitments

    with ledger.engine.connect() as conn:
        first = conn.execute(select(func.min(commitments.c.signed_on))).scalar_one_or_none()
    if first is None:
        return []
    if isinstance(first, str):
        first = dt.date.fromisoformat(first)
    last = signed_at.astimezone(CHINA).year - 1
    return list(range(first.year, last + 1))


def publish(
    ledger: Ledger,
    out: str | os.PathLike[str],
    cp: StoredCheckpoint,
    *,
    signed_at: dt.datetime,
    entries: bool = False,
    cosigned: Sequence[str] = (),
    progress: Progress | None = None,
    site_plan: Plan | None = None,
) -> PublishResult:
    """Write or update the site at ``out`` for checkpoint ``cp`` (FORMATS.md §9)."""
    root_dir = Path(out)
    p = site_plan if site_plan is not None else plan(ledger, root_dir, cp, entries)
    old = p.previous.size if p.previous is not None else 0
    result = PublishResult(ledger.origin, cp.size, cp.root, old)

    # Cosignatures first: a bad --cosigned note is refused before anything is written.
    ring = ledger.key_ring()
    assert ring.log_key is not None
    log_vkey = VerifierKey.parse(ring.keys[ring.log_key].vkey)
    witnesses = _witness_keys(ledger)
    held = list(cosigned)
    site_note = _site_note(root_dir)
    if site_note is not None:
        kept = _still_valid(site_note, cp.note, witnesses)
        if kept is not None:
            held.insert(0, kept)  # keep the cosignatures the site already shows
    note, result.cosigners = merge_cosignatures(cp.note, held, witnesses, ledger.origin)
    result.note = note

    root_dir.mkdir(parents=True, exist_ok=True)
    with ledger.engine.connect() as conn:
        result.tiles_written = _write_tiles(ledger, conn, root_dir, cp.size, old, progress)
    from_tiles = TileHashes(cp.size, dir_fetcher(root_dir)).root()
    if from_tiles != cp.root:
        raise VerificationError(
            f"写出的瓦片与检查点的树根不符，未发布（the tiles written for size {cp.size} do not "
            "give the checkpoint's root: not published）"
        )
    if entries:
        result.bundles_written = _write_bundles(ledger, root_dir, cp.size, old, progress)

    _write(root_dir / "log.vkey", (log_vkey.encode() + "\n").encode())
    _write(root_dir / "witnesses.vkey", "".join(w.encode() + "\n" for w in witnesses).encode())

    result.years = _disclosure_years(ledger, signed_at)
    parsed = parse_note(note)
    for year in result.years:
        if _disclosure_current(root_dir / "disclosure" / str(year), cp):
            continue  # computed from this very checkpoint already (e.g. merging cosignatures)
        for name, data in pages.disclosure_files(ledger, year, cp).items():
            _write(root_dir / "disclosure" / str(year) / name, data)
    _write(
        root_dir / "index.html",
        pages.index_html(cp, parsed, witnesses, result.years, signed_at, entries).encode(),
    )
    _write(root_dir / "verify.html", pages.verify_html(log_vkey, witnesses).encode())

    _write(root_dir / "checkpoint", note.encode())  # last: it points at everything above
    kinds = ["hash", "entries"] if entries else ["hash"]
    result.partials_removed = _remove_stale_partials(root_dir, cp.size, old, kinds)
    return result


def _disclosure_current(folder: Path, cp: StoredCheckpoint) -> bool:
    """Whether the year's published disclosure was computed from checkpoint ``cp``."""
    import json

    try:
        obj = json.loads((folder / "disclosure.json").read_text(encoding="utf-8"))
        stated = obj["checkpoint"]
        complete = all((folder / n).is_file() for n in ("index.html", "disclosure.csv"))
        return bool(complete and stated["size"] == cp.size and stated["root_hex"] == cp.root.hex())
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _still_valid(site_note: str, note_text: str, witnesses: Sequence[VerifierKey]) -> str | None:
    """The site's note reduced to the cosignatures that still verify, if it is ``note_text``'s."""
    try:
        site = parse_note(site_note)
    except BadInput:
        return None
    base = parse_note(note_text)
    if site.text != base.text:
        return None
    by_id = {(w.name, w.key_hash): w for w in witnesses}
    good = []
    for sig in site.signatures:
        w = by_id.get((sig.name, sig.key_hash))
        if w is None:
            continue  # the log's own line, or a witness no longer registered
        try:
            verify_note(Note(base.text, (sig,)), w)
        except VerificationError:
            continue
        good.append(sig)
    return Note(base.text, tuple(base.signatures) + tuple(good)).encode()


def _site_note(out: Path) -> str | None:
    try:
        return (out / "checkpoint").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


__all__ = [
    "CHINA",
    "Plan",
    "PublishResult",
    "checkpoint_signed_at",
    "merge_cosignatures",
    "plan",
    "publish",
    "site_checkpoint",
]
