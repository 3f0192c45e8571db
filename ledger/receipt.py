"""Receipts (FORMATS.md §6): verify one offline, write the C2SP tlog-proof form.

A receipt needs nothing but itself and the log's verifier key: the checkpoint
must carry the log's signature, the proof must be for exactly the
checkpoint's size, and the RFC 9162 §2.1.3 inclusion proof of the entry's
leaf hash at ``index`` must reproduce the checkpoint's root.

c2sp.org/tlog-proof (v1) is the same evidence in a text form other tools
read: the header line, ``index N``, one base64 proof hash per line, an
empty line and the checkpoint note verbatim (cosignatures included).  Like a
detached signature it carries no entry; the entry bytes are in the JSON
receipt beside it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ledger import merkle
from ledger.canonical import loads
from ledger.entry import Entry, b64decode, b64encode, leaf_hash, parse_entry
from ledger.errors import BadInput, VerificationError
from ledger.note import SIG_ED25519, Checkpoint, Note, VerifierKey, parse_note, verify_note
from ledger.witness import check_cosignatures

RECEIPT_FORMAT = "ledger-receipt/v1"
TLOG_PROOF_HEADER = "c2sp.org/tlog-proof@v1"
_INDEX = re.compile(r"index (0|[1-9][0-9]*)")


@dataclass(frozen=True, slots=True)
class ReceiptResult:
    """A verified receipt: where the entry is, under which signed tree head."""

    index: int
    tree_size: int
    origin: str
    root: bytes
    leaf_hash: bytes
    entry: Entry
    checkpoint: str
    cosigned_by: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TlogProof:
    """A parsed c2sp.org/tlog-proof@v1 text."""

    index: int
    proof: tuple[bytes, ...]
    checkpoint: str
    extra: bytes | None = None


def _field(obj: Mapping[str, Any], name: str, where: str) -> Any:
    if name not in obj:
        raise BadInput(f"{where}: field {name!r} is missing")
    return obj[name]


def _int_field(obj: Mapping[str, Any], name: str, where: str) -> int:
    v = _field(obj, name, where)
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise BadInput(f"{where}: field {name!r} must be a non-negative integer, not {v!r}")
    return v


def _hashes(items: object, where: str, name: str) -> tuple[bytes, ...]:
    if not isinstance(items, list):
        raise BadInput(f"{where}: field {name!r} must be a list of base64 hashes")
    try:
        return tuple(
            b64decode(h, f"{name}[{i}]", length=merkle.HASH_SIZE) for i, h in enumerate(items)
        )
    except BadInput as exc:
        raise BadInput(f"{where}: {exc}") from exc


def _parse_receipt(
    receipt: Mapping[str, Any] | str | bytes, where: str
) -> tuple[int, bytes, int, tuple[bytes, ...], str]:
    if isinstance(receipt, str | bytes):
        try:
            obj = loads(receipt.encode("utf-8") if isinstance(receipt, str) else receipt)
        except BadInput as exc:
            raise BadInput(f"{where}: {exc}") from exc
    else:
        obj = receipt
    if not isinstance(obj, Mapping):
        raise BadInput(f"{where}: a receipt is a JSON object")
    fmt = _field(obj, "format", where)
    if fmt != RECEIPT_FORMAT:
        raise BadInput(f"{where}: field 'format' is {fmt!r}, not {RECEIPT_FORMAT!r}")
    index = _int_field(obj, "index", where)
    try:
        entry = b64decode(_field(obj, "entry", where), "entry")
    except BadInput as exc:
        raise BadInput(f"{where}: {exc}") from exc
    size = _int_field(obj, "tree_size", where)
    proof = _hashes(_field(obj, "inclusion", where), where, "inclusion")
    note = _field(obj, "checkpoint", where)
    if not isinstance(note, str):
        raise BadInput(f"{where}: field 'checkpoint' must be the signed note text")
    return index, entry, size, proof, note


def _open_checkpoint(note_text: str, vkey: VerifierKey, where: str) -> tuple[Note, Checkpoint]:
    if vkey.alg != SIG_ED25519:
        raise BadInput(
            f"--vkey {vkey.name!r} must be the log's Ed25519 key (type 0x01), not a cosignature key"
        )
    try:
        note = parse_note(note_text)
        cp = Checkpoint.parse(note.text)
    except BadInput as exc:
        raise VerificationError(
            f"{where}: the checkpoint is not a signed checkpoint note: {exc}"
        ) from exc
    try:
        verify_note(note, vkey)
    except VerificationError as exc:
        raise VerificationError(
            f"{where}: the checkpoint is not signed by the log key: {exc}"
        ) from exc
    if cp.origin != vkey.name:
        raise VerificationError(
            f"{where}: the checkpoint is for origin {cp.origin!r}, not the log key's {vkey.name!r}"
        )
    return note, cp


def _verify(
    index: int,
    entry: bytes,
    size: int | None,
    proof: Sequence[bytes],
    note_text: str,
    vkey: VerifierKey,
    witnesses: Sequence[VerifierKey],
    threshold: int | None,
    where: str,
) -> ReceiptResult:
    note, cp = _open_checkpoint(note_text, vkey, where)
    cosigned = check_cosignatures(
        note, witnesses, len(witnesses) if threshold is None else threshold
    )
    if size is not None and size != cp.size:
        raise VerificationError(f"{where}: tree_size {size} is not the checkpoint's size {cp.size}")
    if index >= cp.size:
        raise VerificationError(
            f"{where}: index {index} is not below the checkpoint's size {cp.size}"
        )
    lh = leaf_hash(entry)
    try:
        merkle.verify_inclusion(index, cp.size, lh, list(proof), cp.root)
    except VerificationError as exc:
        raise VerificationError(
            f"{where}: the inclusion proof of the entry at index {index} does not reproduce the "
            f"checkpoint's root at size {cp.size} ({exc})"
        ) from exc
    try:
        parsed = parse_entry(entry, expect_seq=index)
    except BadInput as exc:
        # Included, so the log holds these bytes; but they are no valid entry at this index.
        raise VerificationError(
            f"{where}: the entry is in the log but is not a valid entry {index}: {exc}"
        ) from exc
    return ReceiptResult(index, cp.size, cp.origin, cp.root, lh, parsed, note_text, tuple(cosigned))


def verify_receipt(
    receipt_json_text: str | bytes,
    vkey: VerifierKey,
    *,
    witnesses: Sequence[VerifierKey] = (),
    threshold: int | None = None,
    where: str = "receipt",
) -> ReceiptResult:
    """Verify a FORMATS.md §6 receipt offline with the log's verifier key.

    The embedded checkpoint must be signed by ``vkey`` (signed-note
    §Signatures) for the origin named by the key, ``tree_size`` must be its
    size, and the RFC 9162 §2.1.3.2 inclusion proof of ``SHA-256(0x00 ||
    entry)`` at ``index`` must give its root; the entry must then parse as
    entry ``index`` (FORMATS.md §3).  Optionally ``threshold`` (default all)
    of ``witnesses`` must have cosigned the checkpoint.  A malformed receipt
    is BadInput; a receipt that does not verify is VerificationError.
    """
    index, entry, size, proof, note = _parse_receipt(receipt_json_text, where)
    return _verify(index, entry, size, proof, note, vkey, witnesses, threshold, where)


def tlog_proof_text(receipt: Mapping[str, Any] | str | bytes) -> str:
    """The c2sp.org/tlog-proof@v1 text of a receipt (tlog-proof §Format).

    ``c2sp.org/tlog-proof@v1``, ``index <N>`` (decimal, no leading zeros),
    the inclusion proof one padded base64 hash per line from the leaf's
    sibling up (RFC 6962 §2.1.1 order, as the receipt holds it), an empty
    line, then the checkpoint note verbatim.  No ``extra`` line: the record
    hash is the RFC 9162 leaf hash of the entry bytes, which need nothing
    more.  Only the receipt's shape is checked here, not its proof.
    """
    index, _entry, size, proof, note = _parse_receipt(receipt, "receipt")
    cp = Checkpoint.parse(parse_note(note).text)
    if size != cp.size:
        raise BadInput(f"receipt: tree_size {size} is not the checkpoint's size {cp.size}")
    lines = [TLOG_PROOF_HEADER, f"index {index}", *(b64encode(h) for h in proof)]
    return "\n".join(lines) + "\n\n" + note


def parse_tlog_proof(text: str) -> TlogProof:
    """Parse a c2sp.org/tlog-proof@v1 text strictly (tlog-proof §Format)."""
    lines = text.split("\n")
    if not lines or lines[0] != TLOG_PROOF_HEADER:
        raise BadInput(f"tlog-proof: the first line must be {TLOG_PROOF_HEADER!r}")
    pos = 1
    extra = None
    if pos < len(lines) and lines[pos].startswith("extra "):
        try:
            extra = b64decode(lines[pos][len("extra ") :], "extra")
        except BadInput as exc:
            raise BadInput(f"tlog-proof line {pos + 1}: {exc}") from exc
        pos += 1
    m = _INDEX.fullmatch(lines[pos]) if pos < len(lines) else None
    if m is None:
        raise BadInput(f"tlog-proof line {pos + 1}: expected 'index N' (decimal, no leading zeros)")
    index = int(m.group(1))
    pos += 1
    proof: list[bytes] = []
    while pos < len(lines) and lines[pos] != "":
        try:
            proof.append(b64decode(lines[pos], "proof hash", length=merkle.HASH_SIZE))
        except BadInput as exc:
            raise BadInput(f"tlog-proof line {pos + 1}: {exc}") from exc
        pos += 1
    if pos >= len(lines):
        raise BadInput("tlog-proof: no empty line before the checkpoint")
    checkpoint = "\n".join(lines[pos + 1 :])
    return TlogProof(index, tuple(proof), checkpoint, extra)


def verify_tlog_proof(
    text: str,
    entry: bytes,
    vkey: VerifierKey,
    *,
    witnesses: Sequence[VerifierKey] = (),
    threshold: int | None = None,
) -> ReceiptResult:
    """Verify a c2sp.org/tlog-proof@v1 text for the given entry bytes (the detached data)."""
    p = parse_tlog_proof(text)
    return _verify(
        p.index, entry, None, p.proof, p.checkpoint, vkey, witnesses, threshold, "tlog-proof"
    )


__all__ = [
    "RECEIPT_FORMAT",
    "TLOG_PROOF_HEADER",
    "ReceiptResult",
    "TlogProof",
    "parse_tlog_proof",
    "tlog_proof_text",
    "verify_receipt",
    "verify_tlog_proof",
]
