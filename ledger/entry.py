"""Statements and entries (FORMATS.md §2 and §3).

A *statement* is what a recorder signs; an *entry* is one leaf of the log.
The leaf bytes are ``canonical(entry)``; the leaf hash is RFC 9162's
``SHA-256(0x00 || leaf bytes)``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from typing import Any

from ledger.canonical import canonical, loads
from ledger.clock import parse_instant
from ledger.errors import BadInput, FieldError

ENTRY_VERSION = 1
ZERO_HASH_HEX = "0" * 64
STATEMENT_FIELDS = frozenset({"kind", "by", "at", "body"})
ENTRY_FIELDS = frozenset({"v", "seq", "prev", "ts", "statement", "sig"})


def b64encode(data: bytes) -> str:
    """Standard base64 with padding (RFC 4648 §4)."""
    return base64.b64encode(data).decode("ascii")


def b64decode(text: object, field: str, *, length: int | None = None) -> bytes:
    """Strict standard base64 with padding; FieldError otherwise."""
    if not isinstance(text, str):
        raise FieldError(field, "expected a base64 string")
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise FieldError(field, f"not standard base64: {exc}") from exc
    if b64encode(raw) != text:
        raise FieldError(field, "not canonical padded standard base64")
    if length is not None and len(raw) != length:
        raise FieldError(field, f"expected {length} bytes, got {len(raw)}")
    return raw


def statement_dict(kind: str, by: str, at: str, body: dict[str, Any]) -> dict[str, Any]:
    """The statement object of FORMATS.md §2."""
    return {"kind": kind, "by": by, "at": at, "body": body}


def statement_bytes(statement: dict[str, Any]) -> bytes:
    """The bytes a recorder signs: ``canonical(statement)``."""
    return canonical(statement)


def dedupe_digest(kind: str, body: Any) -> bytes:
    """SHA-256 of ``canonical({"kind", "body"})``: identity of a statement for re-imports.

    The signer and signing time are left out (DOMAIN.md: a statement whose kind
    and body are identical to one already in the ledger is skipped).
    """
    return hashlib.sha256(canonical({"kind": kind, "body": body})).digest()


def dedupe_key(digest: bytes) -> int:
    """A signed 64-bit integer prefix of a dedupe digest, for a compact index."""
    return int.from_bytes(digest[:8], "big", signed=True)


def leaf_hash(leaf: bytes) -> bytes:
    """RFC 9162 §2.1.1 leaf hash ``SHA-256(0x00 || leaf)``."""
    return hashlib.sha256(b"\x00" + leaf).digest()


def entry_dict(
    seq: int, prev: bytes, ts: str, statement: dict[str, Any], sig: bytes
) -> dict[str, Any]:
    """The entry object of FORMATS.md §3."""
    return {
        "v": ENTRY_VERSION,
        "seq": seq,
        "prev": prev.hex(),
        "ts": ts,
        "statement": statement,
        "sig": b64encode(sig),
    }


@dataclass(frozen=True, slots=True)
class Entry:
    """A parsed log entry, with the exact leaf bytes it came from."""

    seq: int
    prev: bytes
    ts: str
    kind: str
    by: str
    at: str
    body: dict[str, Any]
    sig: bytes
    leaf: bytes
    statement: dict[str, Any]

    @property
    def signed_bytes(self) -> bytes:
        """``canonical(statement)``: what the signature covers."""
        return canonical(self.statement)


def parse_entry(leaf: bytes, *, expect_seq: int | None = None) -> Entry:
    """Parse and structurally check one leaf (FORMATS.md §3).

    The leaf must be exactly the canonical encoding of what it parses to;
    unknown fields are accepted (verifiers accept fields they do not know,
    FORMATS.md preamble).  Raises BadInput naming the field at fault.
    """
    obj = loads(leaf)
    if not isinstance(obj, dict):
        raise BadInput("entry is not a JSON object")
    if canonical(obj) != leaf:
        raise BadInput("leaf bytes are not the RFC 8785 canonical form of the entry")
    missing = ENTRY_FIELDS - obj.keys()
    if missing:
        raise FieldError(min(missing), "missing from entry")
    if obj["v"] != ENTRY_VERSION or isinstance(obj["v"], bool):
        raise FieldError("v", f"unsupported entry version {obj['v']!r}")
    seq = obj["seq"]
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise FieldError("seq", "must be a non-negative integer")
    if expect_seq is not None and seq != expect_seq:
        raise FieldError("seq", f"is {seq}, expected {expect_seq}")
    prev = obj["prev"]
    if not isinstance(prev, str) or len(prev) != 64 or prev != prev.lower():
        raise FieldError("prev", "must be 64 lowercase hex digits")
    try:
        prev_bytes = bytes.fromhex(prev)
    except ValueError as exc:
        raise FieldError("prev", "must be 64 lowercase hex digits") from exc
    parse_instant(obj["ts"], "ts")
    stmt = obj["statement"]
    if not isinstance(stmt, dict):
        raise FieldError("statement", "must be an object")
    for name in ("kind", "by", "at"):
        if not isinstance(stmt.get(name), str) or not stmt[name]:
            raise FieldError(f"statement.{name}", "must be a non-empty string")
    parse_instant(stmt["at"], "statement.at")
    if not isinstance(stmt.get("body"), dict):
        raise FieldError("statement.body", "must be an object")
    sig = b64decode(obj["sig"], "sig", length=64)
    return Entry(
        seq=seq,
        prev=prev_bytes,
        ts=obj["ts"],
        kind=stmt["kind"],
        by=stmt["by"],
        at=stmt["at"],
        body=stmt["body"],
        sig=sig,
        leaf=leaf,
        statement=stmt,
    )
