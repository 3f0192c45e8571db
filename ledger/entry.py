"""Statements and entries (FORMATS.md §2 and §3).

A *statement* is what a recorder signs; an *entry* is one leaf of the log.
The leaf bytes are ``canonical(entry)``; the leaf hash is RFC 9162's
``SHA-256(0x00 || leaf bytes)``.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import re
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from ledger.canonical import canonical
from ledger.canonical import loads_leaf as loads  # leaves: canonical form checked
from ledger.clock import parse_instant
from ledger.errors import BadInput, FieldError

ENTRY_VERSION = 1
_MAX_SAFE = 2**53 - 1  # the largest integer canonical() writes (OPT_STRICT_INTEGER)
ZERO_HASH_HEX = "0" * 64
STATEMENT_FIELDS = frozenset({"log", "kind", "by", "at", "body"})
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


def statement_dict(log: str, kind: str, by: str, at: str, body: dict[str, Any]) -> dict[str, Any]:
    """The statement object of FORMATS.md §2 (``log`` is the origin it is meant for)."""
    return {"log": log, "kind": kind, "by": by, "at": at, "body": body}


# FORMATS.md §3: ``statement.at`` lies in [ts - 7 days, ts + 5 minutes], both ends included.
AT_WINDOW_BEFORE = timedelta(days=7)
AT_WINDOW_AFTER = timedelta(minutes=5)


def at_window_error(at: str, ts: str) -> str | None:
    """Why ``statement.at`` lies outside the window of FORMATS.md §3 around ``ts``, or None.

    Both are instants :func:`check_instant` accepted.
    """
    signed, accepted = parse_instant(at, "statement.at"), parse_instant(ts, "ts")
    if signed < accepted - AT_WINDOW_BEFORE:
        return (
            f"statement.at: 签名时间 {at} 早于入账时间 {ts} 超过 7 天，已过期"
            f"（signed more than 7 days before the log's ts {ts}: too old, sign it again）"
        )
    if signed > accepted + AT_WINDOW_AFTER:
        return (
            f"statement.at: 签名时间 {at} 晚于入账时间 {ts} 超过 5 分钟"
            f"（signed more than 5 minutes after the log's ts {ts}: the signer's clock is ahead）"
        )
    return None


def check_statement(stmt: object, origin: str) -> None:
    """What ``append`` requires of a statement signed elsewhere (FORMATS.md §2).

    Exactly the fields of §2 (a typo must not enter the record), each of its
    type, and ``log`` naming this log's origin.  Raises FieldError.
    """
    if type(stmt) is dict and stmt.keys() == STATEMENT_FIELDS:
        # The usual statement, in one test of each field; anything else (an error
        # to name, a subclass of str or dict) takes the checks below in order.
        log, kind, by, at = stmt["log"], stmt["kind"], stmt["by"], stmt["at"]
        if (
            type(log) is str
            and log == origin
            and type(kind) is str
            and kind
            and type(by) is str
            and by
            and type(at) is str
            and at
            and type(stmt["body"]) is dict
        ):
            check_instant(at, "statement.at")
            return
    check_statement_in_order(stmt, origin)


def check_statement_in_order(stmt: object, origin: str) -> None:
    """:func:`check_statement` field by field, naming the first problem."""
    if not isinstance(stmt, dict):
        raise BadInput("statement: 必须是 JSON 对象（must be a JSON object）")
    unknown = sorted(set(stmt) - STATEMENT_FIELDS)
    if unknown:
        raise FieldError(
            f"statement.{unknown[0]}",
            f"未知字段（unknown field; a statement has only {', '.join(sorted(STATEMENT_FIELDS))}）",
        )
    for name in ("log", "kind", "by", "at"):
        if not isinstance(stmt.get(name), str) or not stmt[name]:
            raise FieldError(f"statement.{name}", "必须是非空字符串（must be a non-empty string）")
    if not isinstance(stmt.get("body"), dict):
        raise FieldError("statement.body", "必须是 JSON 对象（must be an object）")
    check_instant(stmt["at"], "statement.at")
    if stmt["log"] != origin:
        raise FieldError(
            "statement.log",
            f"该声明是为账本 {stmt['log']!r} 签名的，不是本账本 {origin!r}"
            f"（signed for log {stmt['log']!r}, not this log {origin!r}）",
        )


def statement_bytes(statement: dict[str, Any]) -> bytes:
    """The bytes a recorder signs: ``canonical(statement)``."""
    return canonical(statement)


def dedupe_digest(kind: str, body: Any) -> bytes:
    """SHA-256 of ``canonical({"kind", "body"})``: identity of a statement for re-imports.

    The signer and signing time are left out (DOMAIN.md: a statement whose kind
    and body are identical to one already in the ledger is skipped).
    """
    return hashlib.sha256(canonical({"kind": kind, "body": body})).digest()


def body_dedupe_digest(kind_bytes: bytes, body_bytes: bytes) -> bytes:
    """:func:`dedupe_digest` from ``canonical(kind)`` and ``canonical(body)``.

    RFC 8785 writes an object as its members in sorted key order (``body``,
    ``kind``), each value canonicalised on its own, so the bytes are spliced
    from the body's canonical bytes, which append makes once for this and for
    :func:`spliced_statement_bytes`.
    """
    return hashlib.sha256(b'{"body":%s,"kind":%s}' % (body_bytes, kind_bytes)).digest()


def spliced_statement_bytes(
    stmt: dict[str, Any], body_bytes: bytes, encode: Any = canonical
) -> bytes:
    """``canonical(stmt)`` of a statement :func:`check_statement` accepted (exactly the
    five fields of §2, four of them strings), from ``canonical(stmt["body"])``.

    The keys sort as at, body, by, kind, log; ``encode`` gives ``canonical()`` of
    each string (append passes a memo: a file's statements share ``log``, ``by``,
    ``at`` and a few kinds).
    """
    return b'{"at":%s,"body":%s,"by":%s,"kind":%s,"log":%s}' % (
        encode(stmt["at"]),
        body_bytes,
        encode(stmt["by"]),
        encode(stmt["kind"]),
        encode(stmt["log"]),
    )


encode_text = functools.lru_cache(maxsize=1024)(canonical)  # a log's entries share most strings


def cut_body_bytes(stmt: dict[str, Any], signed: bytes) -> bytes | None:
    """``canonical(stmt["body"])`` cut from ``signed`` = ``canonical(stmt)``, the inverse of
    :func:`spliced_statement_bytes`; None unless the statement has exactly the five
    fields of FORMATS.md §2 (then the caller encodes the body itself).

    With exactly those fields RFC 8785 writes ``{"at":A,"body":B,"by":C,"kind":D,"log":E}``
    (members in sorted key order, each value as it would be written alone), so
    ``B`` is what lies between the known head and tail; both are checked.
    """
    if len(stmt) != 5:
        return None
    try:
        head = b'{"at":%s,"body":' % encode_text(stmt["at"])
        tail = b',"by":%s,"kind":%s,"log":%s}' % (
            encode_text(stmt["by"]),
            encode_text(stmt["kind"]),
            encode_text(stmt["log"]),
        )
    except (KeyError, TypeError, BadInput):
        return None
    if len(signed) <= len(head) + len(tail) or not (
        signed.startswith(head) and signed.endswith(tail)
    ):
        return None
    return signed[len(head) : len(signed) - len(tail)]


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


def entry_bytes(seq: int, prev: bytes, ts: str, statement_bytes: bytes, sig: bytes) -> bytes:
    """``canonical(entry_dict(seq, prev, ts, statement, sig))`` from ``canonical(statement)``.

    RFC 8785 §3.2.3 writes an object as its members in sorted key order, each
    value canonicalised on its own; the entry's keys sort as prev, seq, sig,
    statement, ts, v.  So the statement's canonical bytes (already made to sign
    or check it) are spliced between those of the other members, instead of
    canonicalising the statement a second time inside the entry.
    """
    if type(seq) is int and 0 <= seq <= _MAX_SAFE and type(ts) is str and _plain_instant(ts):
        # prev is hex, sig base64 and ts an instant's ASCII digits: nothing to escape
        return b'{"prev":"%s","seq":%d,"sig":"%s","statement":%s,"ts":"%s","v":%d}' % (
            prev.hex().encode("ascii"),
            seq,
            base64.b64encode(sig),
            statement_bytes,
            ts.encode("ascii"),
            ENTRY_VERSION,
        )
    head = canonical({"prev": prev.hex(), "seq": seq, "sig": b64encode(sig)})
    tail = canonical({"ts": ts, "v": ENTRY_VERSION})
    return b"".join((head[:-1], b',"statement":', statement_bytes, b",", tail[1:]))


# The exact shape format_instant writes (ASCII digits, milliseconds): the fast path.
_MS_INSTANT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z")


@functools.lru_cache(maxsize=64)  # an append's entries share one ts
def _plain_instant(ts: str) -> bool:
    return _MS_INSTANT.fullmatch(ts) is not None


@functools.lru_cache(maxsize=1024)
def _instant_ok(text: str) -> bool:
    """Whether :func:`ledger.clock.parse_instant` accepts ``text``.

    Memoised: the entries of one append share their ``ts``, and the statements
    of one file their ``at``.  The shape ``format_instant`` writes is checked
    by building the date directly, which rejects the same out-of-range fields
    as ``strptime`` (month 13, 30 February, second 60); anything else goes
    through ``parse_instant`` itself.
    """
    if _MS_INSTANT.fullmatch(text) is not None:
        try:
            datetime(
                int(text[0:4]),
                int(text[5:7]),
                int(text[8:10]),
                int(text[11:13]),
                int(text[14:16]),
                int(text[17:19]),
            )
            return True
        except ValueError:
            return False
    try:
        parse_instant(text, "instant")
    except FieldError:
        return False
    return True


def check_instant(text: object, field: str) -> None:
    """Accept exactly what :func:`ledger.clock.parse_instant` accepts, faster.

    A rejected value goes through ``parse_instant``, so the error is its own.
    """
    if type(text) is str and _instant_ok(text):
        return
    parse_instant(text, field)


class Entry(NamedTuple):
    """A parsed log entry, with the exact leaf bytes it came from.

    A named tuple: immutable, and made several times faster than a frozen
    dataclass (verification makes one per leaf).
    """

    seq: int
    prev: bytes
    ts: str
    log: str
    kind: str
    by: str
    at: str
    body: dict[str, Any]
    sig: bytes
    leaf: bytes
    statement: dict[str, Any]

    @property
    def signed_bytes(self) -> bytes:
        """``canonical(statement)``: what the signature covers.

        Cut from the leaf rather than re-encoded: the leaf is the RFC 8785
        form of the entry (parse_entry checked it), and RFC 8785 writes a
        nested object exactly as it would write it alone.  The keys of an
        entry sort as prev, seq, sig, statement, ts, v; none of prev, seq or
        sig can contain ``"statement":``, and the top-level ``,"ts":`` is the
        last one (a string value cannot hold an unescaped quote).
        """
        start = self.leaf.index(b',"statement":') + len(b',"statement":')
        return self.leaf[start : self.leaf.rindex(b',"ts":')]


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
    check_instant(obj["ts"], "ts")
    stmt = obj["statement"]
    if not isinstance(stmt, dict):
        raise FieldError("statement", "must be an object")
    for name in ("log", "kind", "by", "at"):
        if not isinstance(stmt.get(name), str) or not stmt[name]:
            raise FieldError(f"statement.{name}", "must be a non-empty string")
    check_instant(stmt["at"], "statement.at")
    if not isinstance(stmt.get("body"), dict):
        raise FieldError("statement.body", "must be an object")
    sig = b64decode(obj["sig"], "sig", length=64)
    return Entry(
        seq=seq,
        prev=prev_bytes,
        ts=obj["ts"],
        log=stmt["log"],
        kind=stmt["kind"],
        by=stmt["by"],
        at=stmt["at"],
        body=stmt["body"],
        sig=sig,
        leaf=leaf,
        statement=stmt,
    )
