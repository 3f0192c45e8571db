"""Witnesses: cosign only checkpoints provably consistent with what was seen.

A witness (the audit bureau, the discipline inspection commission, the
people's congress) keeps its own state: the last checkpoint it cosigned, per
origin, in a directory it controls.  It cosigns a new checkpoint only when the
log key signed it and it extends that state (c2sp.org/tlog-witness, "the
witness MUST verify ... a consistency proof"): the same size must carry the same
root, a larger size needs an RFC 9162 §2.1.4 consistency proof from the old
size, and a smaller size is a rollback.  So an operator cannot show two
witnesses (or one witness at two times) different histories without one of
them refusing: that is what stops a split view.

The cosignature is a c2sp.org/tlog-cosignature ``cosignature/v1`` line
(FORMATS.md §5); the note keeps every other line, so it stays valid for a
verifier that knows only the log key.

The state is itself checked on load: the stored note must carry a valid
signature by the log key the witness pinned (``<origin>.vkey`` beside it) and
the witness's own cosignature, so an edited state is caught rather than
obeyed.  With no state for an origin the witness cosigns only when the caller
says the log key was given explicitly (``--vkey``, the first-time step of
CLI.md): a deleted state cannot silently re-open the door to a rollback.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger import merkle
from ledger.canonical import loads
from ledger.clock import Clock
from ledger.entry import b64decode
from ledger.errors import BadInput, EnvironmentProblem, LedgerError, VerificationError
from ledger.note import (
    SIG_COSIGNATURE,
    SIG_ED25519,
    Checkpoint,
    Note,
    VerifierKey,
    add_signature,
    cosign,
    parse_note,
    verifier_key,
    verify_note,
)

if TYPE_CHECKING:
    from ledger.log import Ledger

STATE_DIR_NAME = "witness-state"
CONSISTENCY_FORMAT = "ledger-consistency/v1"

Prover = Callable[[int, int], Sequence[bytes] | None]
"""Computes a consistency proof ``old_size -> new_size`` (e.g. from the ledger), or None."""


@dataclass(frozen=True, slots=True)
class ConsistencyProof:
    """A parsed FORMATS.md §7 consistency proof."""

    old_size: int
    new_size: int
    proof: tuple[bytes, ...]


@dataclass(frozen=True, slots=True)
class CosignResult:
    """What :func:`cosign_checkpoint` did."""

    note: str
    checkpoint: Checkpoint
    previous: Checkpoint | None
    witness_vkey: str
    timestamp: int


def default_state_dir(keystore: str | os.PathLike[str]) -> Path:
    """``<keystore>/witness-state``: beside the witness's keys, under its control."""
    return Path(keystore) / STATE_DIR_NAME


def _state_file(state_dir: Path, origin: str) -> Path:
    return state_dir / quote(origin, safe="")


def _pin_file(state_dir: Path, origin: str) -> Path:
    return state_dir / (quote(origin, safe="") + ".vkey")


def load_pinned(state_dir: str | os.PathLike[str], origin: str) -> VerifierKey | None:
    """The log key this witness pinned for ``origin`` (given once with ``--vkey``), or None."""
    path = _pin_file(Path(state_dir), origin)
    try:
        text = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise EnvironmentProblem(f"witness state {path}: cannot read it: {exc}") from exc
    try:
        vkey = VerifierKey.parse(text)
    except BadInput as exc:
        raise EnvironmentProblem(f"witness state {path} is damaged: {exc}") from exc
    if vkey.name != origin:
        raise EnvironmentProblem(
            f"witness state {path} pins a key named {vkey.name!r}, not {origin!r}"
        )
    return vkey


def load_state(
    state_dir: str | os.PathLike[str],
    origin: str,
    log_vkey: VerifierKey | None = None,
    witness_vkey: VerifierKey | None = None,
) -> Checkpoint | None:
    """The checkpoint this witness last cosigned for ``origin``, or None.

    A state file that does not parse as a checkpoint of this origin is an
    environment problem (the witness's own storage is damaged): never treat
    it as "no state", which would let a rollback through.  With ``log_vkey``
    the stored note must carry the log's valid signature, with
    ``witness_vkey`` the witness's own valid cosignature; a state that fails
    either was edited (VerificationError).  (A state written by another
    witness sharing the folder carries no line by this one: the log's
    signature is then what is checked.)
    """
    path = _state_file(Path(state_dir), origin)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise EnvironmentProblem(f"witness state {path}: cannot read it: {exc}") from exc
    try:
        note = parse_note(text)
        cp = Checkpoint.parse(note.text)
    except BadInput as exc:
        raise EnvironmentProblem(f"witness state {path} is damaged: {exc}") from exc
    if cp.origin != origin:
        raise EnvironmentProblem(
            f"witness state {path} holds a checkpoint of {cp.origin!r}, not {origin!r}"
        )
    checks: list[tuple[VerifierKey, str]] = []
    if log_vkey is not None:
        checks.append((log_vkey, "the log's signature"))
    if witness_vkey is not None and any(
        s.name == witness_vkey.name and s.key_hash == witness_vkey.key_hash for s in note.signatures
    ):
        checks.append(
            (witness_vkey, "this witness's cosignature")
        )  # absent: another witness's state
    for key, whose in checks:
        try:
            verify_note(note, key)
        except VerificationError as exc:
            raise VerificationError(
                f"见证状态 {path} 校验失败，可能被改动（witness state {path} does not carry {whose} "
                f"({exc}): it was edited or damaged; restore it from a backup, or after "
                "investigating remove it and cosign again with the log's --vkey）"
            ) from exc
    return cp


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def _locked(state_dir: Path, origin: str) -> Iterator[None]:
    """Hold an exclusive lock on this origin's state: check and update are one step."""
    try:
        state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        fh = open(state_dir / (quote(origin, safe="") + ".lock"), "a")  # noqa: SIM115
    except OSError as exc:
        raise EnvironmentProblem(f"witness state {state_dir}: cannot create it: {exc}") from exc
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        yield
    finally:
        fh.close()


def parse_consistency(text: str | bytes, where: str = "consistency proof") -> ConsistencyProof:
    """Parse a FORMATS.md §7 ``ledger-consistency/v1`` object; BadInput naming the field."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    try:
        obj = loads(raw)
    except BadInput as exc:
        raise BadInput(f"{where}: {exc}") from exc
    if not isinstance(obj, dict):
        raise BadInput(f"{where}: not a JSON object")
    if obj.get("format") != CONSISTENCY_FORMAT:
        raise BadInput(
            f"{where}: field 'format' is {obj.get('format')!r}, not {CONSISTENCY_FORMAT!r}"
        )
    sizes = []
    for name in ("old_size", "new_size"):
        v = obj.get(name)
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise BadInput(f"{where}: field {name!r} must be a non-negative integer")
        sizes.append(v)
    hashes = obj.get("proof")
    if not isinstance(hashes, list):
        raise BadInput(f"{where}: field 'proof' must be a list of base64 hashes")
    try:
        proof = tuple(
            b64decode(h, f"proof[{i}]", length=merkle.HASH_SIZE) for i, h in enumerate(hashes)
        )
    except BadInput as exc:
        raise BadInput(f"{where}: {exc}") from exc
    return ConsistencyProof(sizes[0], sizes[1], proof)


def check_cosignatures(note: Note, witnesses: Sequence[VerifierKey], threshold: int) -> list[str]:
    """Require ``threshold`` valid cosignatures by ``witnesses`` on ``note`` (tlog-cosignature).

    Returns the names of the witnesses whose cosignature verifies.  A missing
    cosignature only does not count; a line by a listed witness that does not
    verify is a forgery and fails at once (signed-note §Signatures: a failing
    signature from a known key rejects the note).  Witness keys must be
    cosignature keys (type 0x04, FORMATS.md §5); a threshold outside
    ``0..len(witnesses)`` is bad input.
    """
    if isinstance(threshold, bool) or not 0 <= threshold <= len(witnesses):
        raise BadInput(
            f"threshold {threshold} must be between 0 and the number of witnesses ({len(witnesses)})"
        )
    names = [w.name for w in witnesses]
    if len({(w.name, w.key_hash) for w in witnesses}) != len(witnesses):
        raise BadInput(
            "the same witness key is given twice: each --witness must be a different key"
        )
    good: list[str] = []
    for w in witnesses:
        if w.alg != SIG_COSIGNATURE:
            raise BadInput(f"witness key {w.name!r} is not a cosignature key (type 0x04)")
        if not any(s.name == w.name and s.key_hash == w.key_hash for s in note.signatures):
            continue
        verify_note(note, w)  # raises on a forged line
        good.append(w.name)
    if len(good) < threshold:
        missing = [n for n in names if n not in good]
        raise VerificationError(
            f"the checkpoint has {len(good)} valid witness cosignatures, fewer than the {threshold} "
            f"required (none by {', '.join(missing)})"
        )
    return good


def cosign_checkpoint(
    note_text: str,
    log_vkey: VerifierKey,
    witness_name: str,
    witness_key: Ed25519PrivateKey,
    state_dir: str | os.PathLike[str],
    proof: Sequence[bytes] | None,
    clock: Clock,
    *,
    proof_sizes: tuple[int, int] | None = None,
    prover: Prover | None = None,
    explicit_vkey: bool = True,
) -> CosignResult:
    """Verify a checkpoint against this witness's state, cosign it and record it.

    c2sp.org/tlog-witness semantics, offline: the log signature must verify
    with ``log_vkey`` (whose name is the origin, FORMATS.md §5); against the
    last checkpoint cosigned for the origin, an equal size needs an equal
    root, a larger size needs a consistency proof (``proof``, else one from
    ``prover``) that verifies (RFC 9162 §2.1.4.2), a smaller size is refused
    as a rollback.  ``proof_sizes`` are the sizes a proof file claims; they
    must be the old and new size.  Then adds a ``cosignature/v1`` line with
    the clock's time (tlog-cosignature §Format) and replaces the state
    atomically, under a lock, so two cosigners never race.

    The stored state is verified first (see :func:`load_state`); a log key
    other than the one pinned for the origin is refused.  With no state for
    the origin, ``explicit_vkey`` must be true (the caller was given the log
    key explicitly, not taken from a pin or a ledger), and the key is pinned.
    """
    if log_vkey.alg != SIG_ED25519:
        raise BadInput(
            f"the log key {log_vkey.name!r} must be an Ed25519 key (type 0x01), not a cosignature key"
        )
    note = parse_note(note_text)
    state = Path(state_dir)
    _check_pin(state, log_vkey)
    try:
        verify_note(note, log_vkey)
    except VerificationError as exc:
        raise VerificationError(f"the checkpoint is not signed by the log key: {exc}") from exc
    cp = Checkpoint.parse(note.text)
    if cp.origin != log_vkey.name:
        raise VerificationError(
            f"the checkpoint is for origin {cp.origin!r}, but the log key is named {log_vkey.name!r}"
        )
    own = verifier_key(witness_name, witness_key.public_key(), SIG_COSIGNATURE)
    with _locked(state, cp.origin):
        pinned = _check_pin(state, log_vkey)
        old = load_state(state, cp.origin, log_vkey, own)
        if old is None and not explicit_vkey:
            raise BadInput(
                f"该见证方尚未为账本 {cp.origin} 副署过：首次副署须用 --vkey 明确给出账本公钥"
                f"（this witness has no state for {cp.origin}: the first cosignature needs the log's "
                "--vkey, given explicitly; it is then remembered）"
            )
        if old is not None:
            _check_extends(old, cp, proof, proof_sizes, prover)
        timestamp = int(clock().timestamp())
        out = add_signature(note, cosign(note.text, witness_name, witness_key, timestamp)).encode()
        if pinned is None:
            _write_atomic(_pin_file(state, cp.origin), log_vkey.encode() + "\n")
        _write_atomic(_state_file(state, cp.origin), out)
    return CosignResult(out, cp, old, own.encode(), timestamp)


def _check_pin(state: Path, log_vkey: VerifierKey) -> VerifierKey | None:
    pinned = load_pinned(state, log_vkey.name)
    if pinned is not None and pinned.encode() != log_vkey.encode():
        raise VerificationError(
            f"该见证方为 {log_vkey.name} 固定的账本公钥与给出的不同（this witness pinned the log key "
            f"{pinned.encode()} for {log_vkey.name}; refusing the different key {log_vkey.encode()}）"
        )
    return pinned


def _check_extends(
    old: Checkpoint,
    new: Checkpoint,
    proof: Sequence[bytes] | None,
    proof_sizes: tuple[int, int] | None,
    prover: Prover | None,
) -> None:
    if new.size < old.size:
        raise VerificationError(
            f"rollback: this witness already cosigned {new.origin} at size {old.size}; "
            f"refusing to cosign the smaller size {new.size}"
        )
    if new.size == old.size:
        if new.root != old.root:
            raise VerificationError(
                f"split view: this witness cosigned {new.origin} at size {old.size} with another root; "
                "the log signed two different trees of one size"
            )
        return
    if old.size == 0:
        return  # every tree extends the empty tree (RFC 9162 §2.1.4 has no proof from 0)
    if proof is None and prover is not None:
        got = prover(old.size, new.size)  # a prover that cannot answer returns None
        if got is not None:
            proof, proof_sizes = got, None
    if proof is None:
        raise BadInput(
            f"this witness last cosigned {new.origin} at size {old.size}: cosigning size {new.size} needs a "
            f"consistency proof (--proof FILE from 'ledger prove consistency {old.size} {new.size}')"
        )
    if proof_sizes is not None and proof_sizes != (old.size, new.size):
        raise BadInput(
            f"the consistency proof is from size {proof_sizes[0]} to {proof_sizes[1]}, "
            f"but this witness needs one from {old.size} to {new.size}"
        )
    try:
        merkle.verify_consistency(old.size, new.size, old.root, new.root, list(proof))
    except VerificationError as exc:
        raise VerificationError(
            f"split view: the checkpoint at size {new.size} is not consistent with the one this witness "
            f"cosigned at size {old.size} ({exc}); refusing to cosign"
        ) from exc


__all__ = [
    "ConsistencyProof",
    "CosignResult",
    "Prover",
    "check_cosignatures",
    "cosign_checkpoint",
    "default_state_dir",
    "load_pinned",
    "load_state",
    "parse_consistency",
]


def ledger_prover(open_ledger: Callable[[], Ledger], log_vkey: VerifierKey) -> Prover:
    """Consistency proofs from the operator's database, when it is reachable and is this log's.

    None (the witness then asks for ``--proof``) when it cannot be opened or read,
    or holds another log; a proof it gives is verified like any other.
    """
    from sqlalchemy.exc import SQLAlchemyError

    def prove(old_size: int, new_size: int) -> Sequence[bytes] | None:
        try:
            ledger = open_ledger()
            if ledger.origin != log_vkey.name:
                return None
            return ledger.consistency_proof(old_size, new_size)
        except (LedgerError, SQLAlchemyError):
            return None

    return prove
