"""Auditor's bundles (FORMATS.md §8): export a log, re-verify it offline.

A bundle is a directory, or a ``.zip`` of one, holding ``entries.jsonl`` (one
line per entry, each exactly the leaf bytes), ``checkpoint`` (the signed note
for the bundle's size), ``keys.json`` (every key registered, as the log itself
records them) and ``manifest.json``.  Export and verification both stream the
entries: neither holds the whole log in memory.

Verification trusts nothing in the bundle but the bytes: the checkpoint must
carry a valid signature by the verifier key the auditor supplies, the genesis
must name that same key, and chain, Merkle root, every signature and every key
and scope rule are recomputed by :func:`ledger.verify.verify_leaves`.
"""

from __future__ import annotations

import contextlib
import io
import json
import lzma
import os
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ledger import merkle
from ledger.authz import KeyRing, apply_key_event
from ledger.canonical import loads
from ledger.clock import Clock, format_instant, parse_instant
from ledger.entry import leaf_hash, parse_entry
from ledger.errors import BadInput, FieldError, LedgerError, VerificationError
from ledger.log import Ledger
from ledger.note import (
    SIG_ED25519,
    Checkpoint,
    Note,
    VerifierKey,
    add_signature,
    parse_note,
    verify_note,
)
from ledger.text import MAX_LEAF_BYTES
from ledger.verify import VerifyResult, verify_leaves
from ledger.witness import check_cosignatures

BUNDLE_FORMAT = "ledger-bundle/v1"
ENTRIES = "entries.jsonl"
CHECKPOINT = "checkpoint"
KEYS = "keys.json"
MANIFEST = "manifest.json"
KEY_FIELDS = ("name", "role", "agencies", "vkey", "registered_seq", "revoked_seq")
_PROGRESS_EVERY = 4096

Progress = Callable[[int], None]
"""Called with the number of entries handled since the last call."""


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What :func:`export_bundle` wrote."""

    path: Path
    origin: str
    size: int
    root: bytes
    keys: int
    zipped: bool


@dataclass(frozen=True, slots=True)
class BundleReport:
    """What :func:`verify_bundle` established."""

    path: Path
    origin: str
    size: int
    root: bytes
    keys: int
    zipped: bool
    cosigned_by: tuple[str, ...] = ()
    extends: int | None = None
    kinds: dict[str, int] = field(default_factory=dict)


# ---------------------------------------------------------------------- export


def export_bundle(
    ledger: Ledger,
    path: str | os.PathLike[str],
    *,
    zip: bool,
    progress: Progress | None = None,
    clock: Clock,
    cosigned: Sequence[str] = (),
) -> ExportResult:
    """Write the bundle of the latest signed checkpoint to ``path`` (FORMATS.md §8).

    The bundle's size is the latest checkpoint's size; entries appended after
    it are left out (the CLI signs a fresh checkpoint first).  Leaves are
    streamed in chunks straight into ``entries.jsonl``; the Merkle root is
    recomputed on the way and must equal the checkpoint's, and ``keys.json``
    is the replay of the key events among the exported leaves (never the
    database's projection), so what is written is exactly what the checkpoint
    signs.  Everything goes to a temporary sibling first and is renamed into
    place at the end: a failed export leaves nothing behind.  ``path`` must
    not exist, or be an empty directory (a directory bundle only).

    ``cosigned`` are copies of one checkpoint the log signed, cosigned by
    witnesses: the bundle is then written at that checkpoint's size and its
    ``checkpoint`` file carries every cosignature line (tlog-cosignature),
    so verifiers can require them.
    """
    target = Path(path)
    note_text = _bundle_note(ledger, cosigned)
    cp = Checkpoint.parse(parse_note(note_text).text)
    _check_target(target, zip)
    parent = target.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=parent, prefix=".bundle-tmp-"))
    try:
        os.chmod(tmp, 0o755)  # a bundle is for handing out, unlike mkdtemp's 0700
        if zip:
            staged = tmp / "bundle.zip"
            with zipfile.ZipFile(
                staged, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True
            ) as zf:
                with zf.open(ENTRIES, "w", force_zip64=True) as fh:
                    ring, root = _write_entries(ledger, cp.size, fh, progress)
                _check_root(root, cp)
                for name, data in _small_files(ledger, cp, note_text, ring, clock):
                    zf.writestr(name, data)
            os.replace(staged, target)
        else:
            with open(tmp / ENTRIES, "wb") as fh:
                ring, root = _write_entries(ledger, cp.size, fh, progress)
                fh.flush()
                os.fsync(fh.fileno())
            _check_root(root, cp)
            for name, data in _small_files(ledger, cp, note_text, ring, clock):
                (tmp / name).write_bytes(data)
            os.replace(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return ExportResult(target, cp.origin, cp.size, cp.root, len(ring.keys), zip)


def _bundle_note(ledger: Ledger, cosigned: Sequence[str]) -> str:
    """The note to ship: the latest checkpoint, or a stored one with witnesses' lines merged."""
    if not cosigned:
        latest = ledger.latest_checkpoint()
        if latest is None:
            raise BadInput("the log has no signed checkpoint yet: run 'ledger checkpoint' first")
        return latest.note
    notes = [parse_note(t) for t in cosigned]
    text = notes[0].text
    if any(n.text != text for n in notes):
        raise BadInput(
            "the cosigned checkpoints are not copies of one checkpoint: their texts differ"
        )
    cp = Checkpoint.parse(text)
    stored = next((c for c in ledger.checkpoints() if c.size == cp.size), None)
    if stored is None or parse_note(stored.note).text != text:
        raise BadInput(f"the cosigned checkpoint at size {cp.size} is not one this log signed")
    note = parse_note(stored.note)
    for n in notes:
        for sig in n.signatures:
            # Never let a copy replace a line already there (the log's own signature).
            if not any(s.name == sig.name and s.key_hash == sig.key_hash for s in note.signatures):
                note = add_signature(note, sig)
    return note.encode()


def _check_target(target: Path, zip: bool) -> None:
    if target.is_dir() and not zip and not any(target.iterdir()):
        return
    if target.exists() or target.is_symlink():
        raise BadInput(f"{target} already exists: export writes a new bundle, choose a new path")


def _write_entries(
    ledger: Ledger, size: int, fh: IO[bytes], progress: Progress | None
) -> tuple[KeyRing, bytes]:
    """Stream leaves 0..size-1 as lines; replay key events; return the ring and root."""
    ring = KeyRing()
    rng = merkle.CompactRange(0, [])
    expect = 0
    pending = 0
    with contextlib.closing(ledger.iter_leaves(0, size)) as rows:
        for seq, leaf, _stored in rows:
            if seq != expect:
                raise VerificationError(
                    f"the log has no entry {expect} (found seq {seq}): run 'ledger verify'",
                    seq=expect,
                )
            fh.write(leaf)
            fh.write(b"\n")
            rng.append(leaf_hash(leaf))
            if seq == 0 or b'"kind":"key.' in leaf:
                _replay_key_event(ring, seq, leaf)
            expect += 1
            pending += 1
            if progress is not None and pending >= _PROGRESS_EVERY:
                progress(pending)
                pending = 0
    if progress is not None and pending:
        progress(pending)
    if expect != size:
        raise VerificationError(
            f"the log ends at {expect} entries, below its checkpoint's size {size}: run 'ledger verify'",
            seq=expect,
        )
    return ring, rng.root()


def _replay_key_event(ring: KeyRing, seq: int, leaf: bytes) -> None:
    try:
        e = parse_entry(leaf, expect_seq=seq)
        if e.kind in ("ledger.genesis", "key.registered", "key.revoked"):
            apply_key_event(ring, e.kind, e.body, e.by, seq)
    except BadInput as exc:
        raise VerificationError(
            f"entry {seq} is damaged ({exc}): run 'ledger verify'", seq=seq
        ) from exc


def _check_root(root: bytes, cp: Checkpoint) -> None:
    if root != cp.root:
        raise VerificationError(
            f"the stored leaves do not reproduce the root of the checkpoint at size {cp.size}: "
            "the log is damaged; run 'ledger verify' (nothing was written)"
        )


def key_rows(ring: KeyRing) -> list[dict[str, object]]:
    """The ``keys.json`` rows of FORMATS.md §8, in registration order."""
    return [k.as_json() for k in sorted(ring.keys.values(), key=lambda k: k.registered_seq)]


def _small_files(
    ledger: Ledger, cp: Checkpoint, note_text: str, ring: KeyRing, clock: Clock
) -> list[tuple[str, bytes]]:
    manifest = {
        "format": BUNDLE_FORMAT,
        "origin": cp.origin,
        "tree_size": cp.size,
        "root_hash": cp.root.hex(),
        "created": format_instant(clock()),
    }
    return [
        (CHECKPOINT, note_text.encode("utf-8")),
        (KEYS, _json(key_rows(ring))),
        (MANIFEST, _json(manifest)),
    ]


def _json(obj: object) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# ---------------------------------------------------------------------- reading


_SMALL_LIMITS = {
    CHECKPOINT: 1 << 20,  # a note with its cosignatures: a few hundred bytes each
    MANIFEST: 1 << 20,
    KEYS: 8 << 20,  # ~400 bytes a key: tens of thousands of keys
}
_ZIP_METHODS = {
    zipfile.ZIP_STORED: "stored",
    zipfile.ZIP_DEFLATED: "deflate",
    zipfile.ZIP_BZIP2: "bzip2",
    zipfile.ZIP_LZMA: "lzma",
}


class _Source:
    """A bundle directory or zip, read by member name, defensively.

    A hostile bundle must not exhaust memory or hang the verifier (issue 13
    item 9): members of a directory are opened without following symlinks
    and must be regular files (no FIFO, device or link to /dev/zero); a zip
    may not name a member twice (``unzip`` shows the first copy, Python the
    last), nor use encryption or a compression Python cannot read, and its
    small members' declared sizes are bounded before anything is inflated.
    Every read is bounded too: small members by :data:`_SMALL_LIMITS`,
    entries.jsonl line by line (:class:`_Lines`, a leaf is at most
    :data:`~ledger.text.MAX_LEAF_BYTES`).  Such problems are bad input
    (exit 2): the bundle is malformed, not a log that fails its proofs.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        self.prefix = ""
        if path.is_dir():
            return
        if not path.exists():
            raise BadInput(f"{path}: no such bundle (a directory or a .zip)")
        if not path.is_file():
            raise BadInput(f"{path}: not a directory or a regular .zip file")
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise BadInput(
                f"{path} is neither a bundle directory nor a readable .zip ({exc})"
            ) from exc
        self._check_zip(self.zip)
        names = set(self.zip.namelist())
        if ENTRIES not in names:
            # "a .zip of it": also accept the directory itself zipped (one top folder).
            tops = [
                n[: -len(ENTRIES)] for n in names if n.endswith("/" + ENTRIES) and n.count("/") == 1
            ]
            if len(tops) == 1:
                self.prefix = tops[0]

    def _check_zip(self, zf: zipfile.ZipFile) -> None:
        seen: set[str] = set()
        for info in zf.infolist():
            name = info.filename
            if name in seen:
                zf.close()
                raise BadInput(
                    f"{self.path}: the zip holds two members named {name!r} "
                    "（压缩包内有重名文件）; tools disagree on which one counts, so the bundle is refused"
                )
            seen.add(name)
            if info.flag_bits & 0x1:
                zf.close()
                raise BadInput(
                    f"{self.path}: member {name!r} is encrypted（成员已加密）; "
                    "a bundle is verified as it is, without passwords"
                )
            if info.compress_type not in _ZIP_METHODS:
                zf.close()
                raise BadInput(
                    f"{self.path}: member {name!r} uses compression method {info.compress_type}, "
                    f"which is not supported（不支持的压缩方式）; use "
                    + ", ".join(_ZIP_METHODS.values())
                )
            kind = stat.S_IFMT(info.external_attr >> 16)  # 0 when the zip does not say
            if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
                zf.close()
                raise BadInput(
                    f"{self.path}: member {name!r} is not a regular file（不是普通文件）"
                )

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()

    def _open_regular(self, name: str) -> IO[bytes]:
        """Open a directory member: a regular file, reached without following a symlink."""
        target = self.path / name
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        try:
            fd = os.open(target, flags)
        except FileNotFoundError:
            raise
        except OSError as exc:
            if target.is_symlink():
                raise BadInput(
                    f"{name}: is a symbolic link in the bundle {self.path}（是符号链接）; "
                    "a bundle holds regular files only"
                ) from None
            raise BadInput(f"{name}: cannot be read in the bundle {self.path} ({exc.strerror})")
        try:
            st = os.fstat(fd)
            if stat.S_ISDIR(st.st_mode):
                raise IsADirectoryError(name)
            if not stat.S_ISREG(st.st_mode):
                raise BadInput(
                    f"{name}: is not a regular file in the bundle {self.path}（不是普通文件: "
                    "a FIFO, device or socket）"
                )
            os.set_blocking(fd, True)
            return os.fdopen(fd, "rb")
        except BaseException:
            os.close(fd)
            raise

    def declared_size(self, name: str) -> int | None:
        """The member's size as the zip's directory or the file system states it."""
        if self.zip is None:
            return None
        try:
            return self.zip.getinfo(self.prefix + name).file_size
        except KeyError:
            return None

    @contextlib.contextmanager
    def open(self, name: str) -> Iterator[IO[bytes]]:
        try:
            if self.zip is None:
                with self._open_regular(name) as fh:
                    yield fh
            else:
                with self.zip.open(self.prefix + name) as raw:
                    yield io.BufferedReader(raw, buffer_size=1 << 20)  # type: ignore[type-var]
        except (FileNotFoundError, KeyError) as exc:
            raise VerificationError(f"{name}: missing from the bundle {self.path}") from exc
        except (zipfile.BadZipFile, EOFError, zlib.error, lzma.LZMAError, OSError) as exc:
            if isinstance(exc, IsADirectoryError):
                raise VerificationError(
                    f"{name}: is a directory in the bundle {self.path}"
                ) from exc
            raise VerificationError(f"{name}: damaged in the zip {self.path} ({exc})") from exc

    def read_small(self, name: str) -> bytes:
        most = _SMALL_LIMITS[name]
        declared = self.declared_size(name)
        if declared is not None and declared > most:
            raise BadInput(
                f"{name}: declared as {declared} bytes in {self.path}, more than the "
                f"{most} a bundle's {name} can need（文件过大）"
            )
        with self.open(name) as fh:
            data = fh.read(most + 1)
        if len(data) > most:
            raise BadInput(
                f"{name}: larger than {most} bytes in {self.path}; not a bundle file（文件过大）"
            )
        return data


class _Lines:
    """``(seq, leaf bytes)`` from entries.jsonl: line N is seq N-1.

    An unterminated last line (a truncated file) is not yielded but remembered,
    so every entry before it is verified first and the first problem by seq is
    the one reported.  No line is read past the leaf limit: a longer one is
    refused (bad input) without being held in memory.
    """

    def __init__(self, fh: IO[bytes], progress: Progress | None) -> None:
        self.fh = fh
        self.progress = progress
        self.cut_at: int | None = None

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        pending = 0
        seq = 0
        readline = self.fh.readline
        most = MAX_LEAF_BYTES + 1  # the leaf and its newline
        while True:
            raw = readline(most)
            if not raw:
                break
            if not raw.endswith(b"\n"):
                if len(raw) == most:
                    raise BadInput(
                        f"{_where(seq)}: longer than {MAX_LEAF_BYTES} bytes, the most a leaf may be "
                        "(FORMATS §3)（超过条目长度上限）"
                    )
                self.cut_at = seq
                break
            yield seq, raw[:-1]
            seq += 1
            pending += 1
            if self.progress is not None and pending >= _PROGRESS_EVERY:
                self.progress(pending)
                pending = 0
        if self.progress is not None and pending:
            self.progress(pending)


def _where(seq: int) -> str:
    return f"{ENTRIES} line {seq + 1} (seq {seq})"


# ---------------------------------------------------------------------- verify


def verify_bundle(
    path: str | os.PathLike[str],
    vkey: VerifierKey,
    *,
    jobs: int = 1,
    old_checkpoint: str | None = None,
    witnesses: Sequence[VerifierKey] = (),
    threshold: int | None = None,
    progress: Progress | None = None,
) -> BundleReport:
    """Re-verify a bundle from its files alone (FORMATS.md §8); VerificationError on the first problem.

    Checks, in order: the checkpoint's signature by the *supplied* ``vkey``
    (signed-note §Signatures) and its origin (the log key's name); at least
    ``threshold`` (default: all) valid cosignatures by ``witnesses``
    (tlog-cosignature); the manifest against the checkpoint; that an
    ``old_checkpoint`` the auditor kept is not beyond the bundle (rollback);
    then every line of entries.jsonl through :func:`verify_leaves` with the
    genesis pinned to ``vkey`` (errors name the line and seq); the entry
    count and RFC 9162 root at the checkpoint's size; keys.json against the
    replayed key ring; and the old checkpoint's root (a different root is a
    fork).  Unknown fields in manifest.json and keys.json rows are accepted
    (FORMATS.md: verifiers accept fields they do not know).
    """
    if vkey.alg != SIG_ED25519:
        raise BadInput(
            f"--vkey {vkey.name!r} must be the log's Ed25519 key (type 0x01), not a cosignature key"
        )
    old_note: Note | None = None
    old_cp: Checkpoint | None = None
    if old_checkpoint is not None:
        old_note = parse_note(old_checkpoint)
        old_cp = Checkpoint.parse(old_note.text)
    src = _Source(Path(path))
    try:
        note, cp = _read_checkpoint(src, vkey)
        cosigned = check_cosignatures(
            note, witnesses, len(witnesses) if threshold is None else threshold
        )
        _check_manifest(src.read_small(MANIFEST), cp)
        if old_note is not None and old_cp is not None:
            _check_old_against_checkpoint(old_note, old_cp, cp, vkey)
        keys_doc = _load_json(src.read_small(KEYS), KEYS)
        sizes = {cp.size} | ({old_cp.size} if old_cp is not None else set())
        with src.open(ENTRIES) as fh:
            lines = _Lines(fh, progress)
            result: VerifyResult | None
            try:
                result = verify_leaves(
                    lines, pin_vkey=vkey.encode(), roots_at=sizes, jobs=jobs, where=_where
                )
            except VerificationError as exc:
                # Only "the log is empty" can name a seq at or past the cut line.
                if lines.cut_at is None or exc.seq is None or exc.seq < lines.cut_at:
                    raise
                result = None
        if lines.cut_at is not None or result is None:
            cut = lines.cut_at or 0
            raise VerificationError(
                f"{_where(cut)}: the line is cut off (no newline at the end): the file is truncated",
                seq=cut,
            )
        if result.size < cp.size:
            raise VerificationError(
                f"{ENTRIES} ends after line {result.size} but the checkpoint is for size {cp.size}: "
                f"entries from seq {result.size} on are missing",
                seq=result.size,
            )
        if result.size > cp.size:
            raise VerificationError(
                f"{ENTRIES} has {result.size} lines but the checkpoint is for size {cp.size}: "
                f"{_where(cp.size)} and after are not covered by the checkpoint",
                seq=cp.size,
            )
        if result.root != cp.root:
            raise VerificationError(
                f"{ENTRIES}: the Merkle root of the {result.size} entries differs from the checkpoint's root: "
                "an entry was changed"
            )
        if result.origin != cp.origin:
            raise VerificationError(
                f"{ENTRIES} line 1: the genesis is for origin {result.origin!r}, not {cp.origin!r}"
            )
        _check_keys(keys_doc, result.ring)
        if old_cp is not None and result.roots[old_cp.size] != old_cp.root:
            raise VerificationError(
                f"fork: the bundle's root at size {old_cp.size} differs from the old checkpoint's root; "
                "the log's history was rewritten",
                seq=old_cp.size - 1,
            )
    finally:
        src.close()
    return BundleReport(
        Path(path),
        cp.origin,
        cp.size,
        cp.root,
        len(result.ring.keys),
        src.zip is not None,
        tuple(cosigned),
        old_cp.size if old_cp is not None else None,
        dict(result.kinds),
    )


def checkpoint_size(path: str | os.PathLike[str]) -> int:
    """The size in a bundle's checkpoint (for a progress bar), or 0 if it cannot be read.

    Reads as :func:`verify_bundle` does (bounded, regular files only), so a
    hostile bundle cannot make the hint itself hang or exhaust memory.
    """
    try:
        src = _Source(Path(path))
        try:
            raw = src.read_small(CHECKPOINT)
        finally:
            src.close()
        return Checkpoint.parse(parse_note(raw).text).size
    except (LedgerError, OSError, ValueError):
        return 0


def _read_checkpoint(src: _Source, vkey: VerifierKey) -> tuple[Note, Checkpoint]:
    raw = src.read_small(CHECKPOINT)
    try:
        note = parse_note(raw)
        cp = Checkpoint.parse(note.text)
    except BadInput as exc:
        raise VerificationError(f"{CHECKPOINT}: not a signed checkpoint note: {exc}") from exc
    try:
        verify_note(note, vkey)
    except VerificationError as exc:
        raise VerificationError(f"{CHECKPOINT}: not signed by the supplied --vkey: {exc}") from exc
    if cp.origin != vkey.name:
        raise VerificationError(
            f"{CHECKPOINT}: origin {cp.origin!r} is not the log key's name {vkey.name!r}"
        )
    return note, cp


def _load_json(raw: bytes, name: str) -> Any:
    try:
        return loads(raw)  # strict: a duplicate key is refused (FORMATS.md §3)
    except BadInput as exc:
        raise VerificationError(f"{name}: not valid UTF-8 JSON ({exc})") from exc


def _check_manifest(raw: bytes, cp: Checkpoint) -> None:
    m = _load_json(raw, MANIFEST)
    if not isinstance(m, dict):
        raise VerificationError(f"{MANIFEST}: not a JSON object")
    want: dict[str, object] = {
        "format": BUNDLE_FORMAT,
        "origin": cp.origin,
        "tree_size": cp.size,
        "root_hash": cp.root.hex(),
    }
    for name, value in want.items():
        got = m.get(name)
        if got != value or isinstance(got, bool):
            raise VerificationError(
                f"{MANIFEST}: field {name!r} is {got!r}, but the checkpoint says {value!r}"
            )
    try:
        parse_instant(m.get("created"), "created")
    except FieldError as exc:
        raise VerificationError(f"{MANIFEST}: {exc}") from exc


def _check_old_against_checkpoint(
    old_note: Note, old: Checkpoint, cp: Checkpoint, vkey: VerifierKey
) -> None:
    try:
        verify_note(old_note, vkey)
    except VerificationError as exc:
        raise VerificationError(f"the old checkpoint: {exc}") from exc
    if old.origin != cp.origin:
        raise VerificationError(
            f"the old checkpoint is for origin {old.origin!r}, not {cp.origin!r}"
        )
    if old.size > cp.size:
        raise VerificationError(
            f"rollback: the bundle's checkpoint is at size {cp.size} but the old checkpoint was signed "
            f"at size {old.size}",
            seq=cp.size,
        )


def _check_keys(doc: Any, ring: KeyRing) -> None:
    if not isinstance(doc, list) or not all(isinstance(r, dict) for r in doc):
        raise VerificationError(f"{KEYS}: not a list of key objects")
    given: dict[object, dict[str, Any]] = {}
    for i, row in enumerate(doc):
        name = row.get("name")
        if name in given:
            raise VerificationError(
                f"{KEYS}: key {name!r} is listed twice (rows {list(given).index(name) + 1} and {i + 1})"
            )
        given[name] = row
    for want in key_rows(ring):
        name = want["name"]
        row = given.pop(name, None)
        if row is None:
            raise VerificationError(
                f"{KEYS}: key {name!r} (registered at seq {want['registered_seq']}) is missing"
            )
        for f in KEY_FIELDS:
            if (
                f not in row
                or row[f] != want[f]
                or isinstance(row[f], bool) != isinstance(want[f], bool)
            ):
                raise VerificationError(
                    f"{KEYS}: key {name!r} field {f!r} is {row.get(f)!r}, but the log records {want[f]!r}"
                )
    if given:
        extra = next(iter(given))
        raise VerificationError(f"{KEYS}: key {extra!r} is not registered in the log")


__all__ = [
    "BUNDLE_FORMAT",
    "BundleReport",
    "ExportResult",
    "Progress",
    "checkpoint_size",
    "export_bundle",
    "key_rows",
    "verify_bundle",
]
