"""The ledger: an append-only, signed, hash-chained RFC 9162 Merkle log.

Appends are serialised by a lock taken inside the write transaction (SQLite:
``BEGIN IMMEDIATE``; PostgreSQL: a transaction-scoped advisory lock), so any
number of processes appending at once never fork the chain, reuse a seq or
lose an entry.  A batch of statements is one transaction: all or nothing.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Generator, Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, Engine, Table, func, insert, select, update
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError, ProgrammingError

from ledger import merkle
from ledger.authz import (
    KeyRecord,
    KeyRing,
    Role,
    Unauthorised,
    apply_key_event,
    check_signer,
)
from ledger.canonical import canonical, canonical_float_free
from ledger.clock import Clock, beijing_day, format_instant, parse_instant
from ledger.domain.events import COMMITMENT_KINDS, Event, parse_body
from ledger.domain.state import DomainState
from ledger.entry import (
    ZERO_HASH_HEX,
    at_window_error,
    b64decode,
    b64encode,
    body_dedupe_digest,
    check_statement,
    dedupe_digest,
    dedupe_key,
    encode_text,
    entry_bytes,
    leaf_hash,
    parse_entry,
    spliced_statement_bytes,
    statement_dict,
)
from ledger.errors import BadInput, EnvironmentProblem, InputErrors, VerificationError, both
from ledger.keys import Keystore, check_key_name
from ledger.note import Checkpoint, Note, add_signature, parse_note, sign_note, verifier_key
from ledger.runtime import cpus_available, gc_paused
from ledger.schema import (
    SCHEMA_VERSION,
    WRITE,
    checkpoints,
    create_schema,
    entries,
    keys,
    make_engine,
    meta,
    tree_nodes,
)
from ledger.sql import IN_CHUNK, PLACEHOLDERS, append_lock, chunks, driver_rows, driver_rows_in
from ledger.text import MAX_LEAF_BYTES

_OR_CHUNK = 64  # per-level terms in one tree_nodes query
_ENTRY_COLUMNS = ("seq", "leaf", "leaf_hash", "kind", "signer", "dedupe")
_NODE_COLUMNS = ("level", "idx", "hash")
# A leaf's bytes beyond its statement and the digits of its seq: prev, sig and a
# ts (format_instant always writes 24 characters), as entry_bytes lays them out.
_LEAF_OVERHEAD = len(entry_bytes(0, bytes(32), "2000-01-01T00:00:00.000Z", b"", bytes(64))) - 1


class Draft(NamedTuple):
    """One statement to append: a line of input, before signing.

    (Draft, Signed and _OwnSignature are named tuples: an append makes one of each
    per statement, and a frozen dataclass took three times as long to make.)
    """

    line: int
    kind: str
    body: dict[str, Any]
    # The body as parse_body typed it, when the caller already parsed it, so
    # the domain check does not parse it a second time.
    event: Event | None = None


class _OwnSignature(NamedTuple):
    """What :func:`sign_statements` signed: ``sig`` is ``message`` signed by the
    private key of ``public_key``, in this process.  Nothing else makes one."""

    public_key: bytes
    message: bytes
    sig: bytes


class Signed(NamedTuple):
    """A signed statement, ready to be sequenced."""

    line: int
    statement: dict[str, Any]
    sig: bytes
    # Set by sign_statements only: lets append skip re-verifying a signature
    # this process has just made (see _signed_here).
    own: _OwnSignature | None = None
    event: Event | None = None


@dataclass(frozen=True, slots=True)
class Skipped:
    """A statement skipped because it repeats one already in the log or file."""

    line: int
    kind: str
    duplicate_of_seq: int | None
    duplicate_of_line: int | None


@dataclass(frozen=True, slots=True)
class AppendResult:
    """What an append did (or would do, under ``dry_run``)."""

    first_seq: int
    appended: int
    skipped: tuple[Skipped, ...]
    size: int
    dry_run: bool


@dataclass(frozen=True, slots=True)
class StoredCheckpoint:
    """A checkpoint the log signed and kept."""

    size: int
    root: bytes
    note: str


@dataclass(slots=True)
class LogSigner:
    """The log key, unlocked, with the keystore that keeps its latest checkpoint."""

    name: str
    key: Ed25519PrivateKey
    keystore: Keystore | None = None


@dataclass(slots=True)
class _Batch:
    rows: list[tuple[int, bytes, bytes, str, str, int]] = field(default_factory=list)
    nodes: list[tuple[int, int, bytes]] = field(default_factory=list)


def sign_statements(
    drafts: Sequence[Draft], by: str, key: Ed25519PrivateKey, clock: Clock, *, origin: str
) -> list[Signed]:
    """Fill ``log`` (the origin of the log they are for), ``by`` and ``at`` and sign
    each statement (FORMATS.md §2)."""
    at = format_instant(clock())
    public_key = key.public_key().public_bytes_raw()
    drafts = list(drafts)  # walked three times below (any iterable will do)
    stmts = [statement_dict(origin, d.kind, by, at, d.body) for d in drafts]
    # a body its event was parsed from holds no float (canonical_float_free)
    messages = [
        canonical(stmt) if d.event is None else canonical_float_free(stmt)
        for d, stmt in zip(drafts, stmts, strict=True)
    ]
    sigs = sign_all(key, messages)
    return [
        Signed(d.line, stmt, sig, _OwnSignature(public_key, message, sig), d.event)
        for d, stmt, message, sig in zip(drafts, stmts, messages, sigs, strict=True)
    ]


SIGN_SLICE = 1024  # the fewest messages worth a thread of their own
SIGN_THREADS = 4  # the most threads one batch signs on


def sign_all(key: Ed25519PrivateKey, messages: Sequence[bytes]) -> list[bytes]:
    """Ed25519 signatures of ``messages`` with ``key``, in order.

    Signing is the largest single cost of appending a file (about a third of
    a statement's time), and ``cryptography`` releases the GIL while it signs:
    a long batch is cut into
    contiguous slices of at least :data:`SIGN_SLICE`, one per CPU this process
    may run on (at most :data:`SIGN_THREADS`), the first signed on the calling
    thread, the others on worker threads.  Ed25519 signatures are a function of
    the key and the message (RFC 8032 §5.1.6), so the result is the same list
    whatever the slicing; the key never leaves this process.
    """
    n = len(messages)
    threads = min(cpus_available(), SIGN_THREADS, n // SIGN_SLICE)
    if threads <= 1:
        return [key.sign(m) for m in messages]
    from concurrent.futures import ThreadPoolExecutor

    sign = key.sign
    cuts = [n * i // threads for i in range(threads + 1)]

    def part(i: int) -> list[bytes]:
        return [sign(m) for m in messages[cuts[i] : cuts[i + 1]]]

    with ThreadPoolExecutor(max_workers=threads - 1, thread_name_prefix="sign") as pool:
        rest = [pool.submit(part, i) for i in range(1, threads)]
        out = part(0)
        for f in rest:
            out.extend(f.result())
    return out


_at_window_error = functools.lru_cache(maxsize=256)(at_window_error)  # one `at` per file


def _signed_here(s: Signed, message: bytes, public_key: bytes) -> bool:
    """Whether ``s.sig`` is a signature this process made over ``message`` with
    the private key of ``public_key`` (by :func:`sign_statements`).

    Such a signature verifies by construction: Ed25519 signing is a
    deterministic function of the key and the message whose result the
    verification equation accepts (RFC 8032 §5.1.6-7).  Verifying it again
    cost more than everything else append does, so it is skipped exactly when
    the statement's canonical bytes, the signature and the signer's public key
    are still the ones signed; any other Signed is verified.
    """
    own = s.own
    return (
        type(own) is _OwnSignature
        and own.sig == s.sig
        and own.public_key == public_key
        and own.message == message
    )


def parse_draft(obj: Any, line: int, source: str) -> Draft:
    """Check the envelope of one input line: ``{"kind", "body"}`` only."""
    if type(obj) is dict and len(obj) == 2 and "kind" in obj and "body" in obj:
        kind, body = obj["kind"], obj["body"]
        if type(kind) is str and type(body) is dict:  # the usual line: only its body to check
            try:
                return Draft(line, kind, body, parse_body(kind, body))
            except BadInput as exc:
                raise BadInput(f"{source}:{line}: {exc}") from exc
    where = f"{source}:{line}"
    if not isinstance(obj, dict):
        raise BadInput(
            f"{where}: "
            + both(
                "每行声明必须是含 kind 和 body 的 JSON 对象",
                "a statement must be a JSON object with kind and body",
            )
        )
    for reserved in ("log", "by", "at"):
        if reserved in obj:
            raise BadInput(
                f"{where}: "
                + both(
                    f"字段 {reserved!r} 由账本填写，不能在声明中给出",
                    f"field {reserved!r} is filled in by the ledger and may not be given",
                )
            )
    unknown = sorted(set(obj) - {"kind", "body"})
    if unknown:
        raise BadInput(
            f"{where}: "
            + both(
                f"未知字段 {unknown[0]!r}，声明只有 kind 和 body 两个字段",
                f"unknown field {unknown[0]!r} (a statement has only kind and body)",
            )
        )
    kind, body = obj.get("kind"), obj.get("body")
    if not isinstance(kind, str):
        raise BadInput(
            f"{where}: " + both("字段 'kind' 必须是字符串", "field 'kind' must be a string")
        )
    if not isinstance(body, dict):
        raise BadInput(
            f"{where}: "
            + both("字段 'body' 必须是 JSON 对象", "field 'body' must be a JSON object")
        )
    try:
        event = parse_body(kind, body)  # syntactic body validation
    except BadInput as exc:
        raise BadInput(f"{where}: {exc}") from exc
    return Draft(line, kind, body, event)


SIGNED_FIELDS = frozenset({"statement", "sig"})


def signed_line(s: Signed) -> bytes:
    """One line of a signed file (``ledger sign``): ``canonical({"statement", "sig"})``."""
    return canonical({"statement": s.statement, "sig": b64encode(s.sig)})


def parse_signed(obj: Any, line: int, source: str, origin: str) -> Signed:
    """Check one line of a signed file: ``{"statement", "sig"}`` for the log ``origin``.

    The statement must be exactly a FORMATS.md §2 statement naming ``origin``
    and its body must parse; the signature is a 64-byte standard base64
    string.  Whether the signature verifies, the signer's scope, the domain
    rules and the ``at`` window are :meth:`Ledger.append`'s checks.
    """
    where = f"{source}:{line}"
    if not isinstance(obj, dict) or set(obj) != SIGNED_FIELDS:
        raise BadInput(
            f'{where}: 已签名的行必须恰好是 {{"statement", "sig"}}'
            '（a signed line is exactly {"statement", "sig"}, as \'ledger sign\' writes）'
        )
    try:
        check_statement(obj["statement"], origin)
        sig = b64decode(obj["sig"], "sig", length=64)
        stmt = obj["statement"]
        event = parse_body(stmt["kind"], stmt["body"])
    except BadInput as exc:
        raise BadInput(f"{where}: {exc}") from exc
    return Signed(line, stmt, sig, None, event)


class Ledger:
    """One ledger in one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._origin: str | None = None

    # ------------------------------------------------------------------ open
    @classmethod
    def open(cls, url: str) -> Ledger:
        """Open an initialised ledger; EnvironmentProblem if there is none.

        Never creates anything: a SQLite file that does not exist (a mistyped
        ``--db``) is refused before SQLite would create it empty, and the
        advice names the actual problem (no such file, a server that does not
        answer, a file that is not a database) rather than always 'ledger init'.
        """
        path = _sqlite_file(url)
        if path is not None and not os.path.exists(path):
            raise EnvironmentProblem(
                both(
                    f"数据库文件 {path} 不存在：请检查 --db 或 LEDGER_DB；"
                    "新建账本请运行 'ledger init --origin ORIGIN'",
                    f"no database file {path}: check --db or LEDGER_DB; "
                    "'ledger init --origin ORIGIN' creates a new ledger",
                )
            )
        ledger = cls(make_engine(url))
        try:
            ledger._origin = ledger._meta("origin")
        except (OperationalError, ProgrammingError) as exc:
            ledger.engine.dispose()
            raise EnvironmentProblem(_open_advice(url, exc)) from exc
        except DatabaseError as exc:
            ledger.engine.dispose()
            raise EnvironmentProblem(
                both(
                    f"{url} 不是可用的数据库，请从备份恢复",
                    f"{url} is not a usable database: {_short(exc)}; restore it from a backup",
                )
            ) from exc
        from ledger.domain.replay import migrate  # the derived tables of an older version

        try:
            if ledger._origin is None:
                raise EnvironmentProblem(_no_ledger(url))
            migrate(ledger)
        except BaseException:
            ledger.engine.dispose()  # the caller gets no ledger to close
            raise
        return ledger

    @classmethod
    def init(cls, url: str, origin: str, log_key: Ed25519PrivateKey, clock: Clock) -> Ledger:
        """Create the schema and append the genesis entry, signed by the log key."""
        check_key_name(origin)
        ledger = cls(make_engine(url))
        create_schema(ledger.engine)
        with ledger._writer() as conn, conn.begin():
            ledger._lock(conn)
            if conn.execute(select(func.count()).select_from(entries)).scalar_one():
                raise BadInput(both(f"{url} 中已有账本", f"{url} already holds a ledger"))
            conn.execute(
                insert(meta),
                [
                    {"key": "origin", "value": origin},
                    {"key": "schema", "value": str(SCHEMA_VERSION)},
                ],
            )
        ledger._origin = origin
        vkey = verifier_key(origin, log_key.public_key()).encode()
        signed = sign_statements(
            [Draft(0, "ledger.genesis", {"origin": origin, "log_key": vkey})],
            origin,
            log_key,
            clock,
            origin=origin,
        )
        ledger.append(signed, clock)
        return ledger

    def _meta(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar_one_or_none()

    @property
    def origin(self) -> str:
        """The log's origin line, also the log key's name."""
        assert self._origin is not None
        return self._origin

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    # ---------------------------------------------------------------- reads
    def size(self, conn: Connection | None = None) -> int:
        """Number of entries (the tree size)."""
        if conn is None:
            with self.engine.connect() as c:
                return self.size(c)
        top = conn.execute(select(func.max(entries.c.seq))).scalar_one_or_none()
        return 0 if top is None else int(top) + 1

    def key_ring(self, conn: Connection | None = None) -> KeyRing:
        """Every registered key, from the keys projection."""
        if conn is None:
            with self.engine.connect() as c:
                return self.key_ring(c)
        from ledger.note import VerifierKey

        ring = KeyRing()
        for r in conn.execute(select(keys)).mappings():
            rec = KeyRecord(
                r["name"],
                Role(r["role"]),
                tuple(json.loads(r["agencies"])),
                r["vkey"],
                VerifierKey.parse(r["vkey"]).public_key,
                int(r["registered_seq"]),
                None if r["revoked_seq"] is None else int(r["revoked_seq"]),
            )
            ring.keys[rec.name] = rec
            if rec.role is Role.LOG:
                ring.log_key = rec.name
        return ring

    def leaf(self, seq: int, conn: Connection | None = None) -> bytes:
        """The exact leaf bytes of entry ``seq``."""
        if conn is None:
            with self.engine.connect() as c:
                return self.leaf(seq, c)
        row = conn.execute(select(entries.c.leaf).where(entries.c.seq == seq)).scalar_one_or_none()
        if row is None:
            raise BadInput(both(f"没有序号为 {seq} 的条目", f"no entry with seq {seq}"))
        return _as_bytes(row)

    def iter_leaves(
        self,
        start: int = 0,
        end: int | None = None,
        chunk: int = 5000,
        conn: Connection | None = None,
    ) -> Generator[tuple[int, bytes, bytes]]:
        """Yield ``(seq, leaf bytes, stored leaf hash)`` in seq order, in chunks.

        On ``conn`` (its snapshot) when given, else on a connection of its own.
        """
        if conn is None:
            with self.engine.connect() as c:
                yield from self._leaves_on(c, start, end, chunk)
            return
        yield from self._leaves_on(conn, start, end, chunk)

    def _leaves_on(
        self, conn: Connection, start: int, end: int | None, chunk: int
    ) -> Generator[tuple[int, bytes, bytes]]:
        stop = self.size(conn) if end is None else end
        pos = start
        while pos < stop:
            hi = min(pos + chunk, stop)
            rows = conn.execute(
                select(entries.c.seq, entries.c.leaf, entries.c.leaf_hash)
                .where(entries.c.seq >= pos, entries.c.seq < hi)
                .order_by(entries.c.seq)
            ).all()
            for seq, leaf, lh in rows:
                yield int(seq), _as_bytes(leaf), _as_bytes(lh)
            if not rows:
                return
            pos = hi

    def fetch_nodes(
        self, conn: Connection, coords: Sequence[merkle.Coord]
    ) -> dict[merkle.Coord, bytes]:
        """Batch lookup of complete-subtree hashes for proofs (level 0 = leaves).

        Coords are looked up level by level (``level = L AND idx IN (...)``, or
        ``BETWEEN`` for a dense run, as verification asks for), so every lookup
        is an index search: SQLite answers a row-value ``IN`` by scanning the
        whole table.  The SQL is written directly, with the integer coords
        inlined: building a SQLAlchemy expression per level cost more than the
        lookups themselves.
        """
        out: dict[merkle.Coord, bytes] = {}
        wanted = set(coords)
        by_level: dict[int, list[int]] = {}
        for lvl, i in wanted:
            by_level.setdefault(int(lvl), []).append(int(i))
        leaves = by_level.pop(0, [])
        for term in _index_terms("seq", leaves):
            for seq, h in driver_rows(
                conn, f"SELECT seq, leaf_hash FROM {entries.name} WHERE {term}"
            ):
                if (0, seq) in wanted:
                    out[(0, int(seq))] = _as_bytes(h)
        terms = [
            f"(level = {lvl} AND {term})"
            for lvl, idxs in sorted(by_level.items())
            for term in _index_terms("idx", idxs)
        ]
        for part in chunks(terms, _OR_CHUNK):
            sql = f"SELECT level, idx, hash FROM {tree_nodes.name} WHERE {' OR '.join(part)}"
            for lvl, i, h in driver_rows(conn, sql):
                if (lvl, i) in wanted:
                    out[(int(lvl), int(i))] = _as_bytes(h)
        missing = [c for c in coords if c not in out]
        if missing:
            lvl, idx = missing[0]
            first, last = covered_leaves(lvl, idx)
            raise VerificationError(
                f"tree node {missing[0]} is missing from the database (it covers leaves "
                f"{first}–{last}): the log is damaged",
                seq=first,
            )
        return out

    def stray_nodes(self, conn: Connection, size: int) -> list[merkle.Coord]:
        """Stored tree nodes beyond a log of ``size`` entries (none in an undamaged log).

        Node (level L, index i) covers leaves i·2^L .. (i+1)·2^L − 1, so it
        lies beyond the log when i ≥ size >> L; levels outside 1..63 never exist.
        """
        terms = [f"(level = {lvl:d} AND idx >= {size >> lvl:d})" for lvl in range(1, 64)]
        rows = conn.exec_driver_sql(
            f"SELECT level, idx FROM {tree_nodes.name} WHERE level < 1 OR level > 63 OR idx < 0 "
            f"OR {' OR '.join(terms)} ORDER BY level, idx LIMIT 10"
        ).all()
        return [(int(lvl), int(idx)) for lvl, idx in rows]

    def root_at(self, size: int, conn: Connection | None = None) -> bytes:
        """The Merkle root of the first ``size`` entries, from stored subtrees."""
        if conn is None:
            with self.engine.connect() as c:
                return self.root_at(size, c)
        return merkle.root_at(size, lambda cs: self.fetch_nodes(conn, cs))

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        """RFC 9162 §2.1.3 inclusion proof of entry ``index`` in the tree of ``size``."""
        with self.engine.connect() as conn:
            self._check_size(size, conn)
            return merkle.inclusion_proof(index, size, lambda cs: self.fetch_nodes(conn, cs))

    def consistency_proof(self, old_size: int, new_size: int) -> list[bytes]:
        """RFC 9162 §2.1.4 consistency proof from ``old_size`` to ``new_size``."""
        with self.engine.connect() as conn:
            self._check_size(new_size, conn)
            return merkle.consistency_proof(
                old_size, new_size, lambda cs: self.fetch_nodes(conn, cs)
            )

    def _check_size(self, size: int, conn: Connection) -> None:
        have = self.size(conn)
        if size > have:
            raise BadInput(
                both(
                    f"树大小 {size} 超过日志的条目数（{have} 条）",
                    f"tree size {size} is larger than the log ({have} entries)",
                )
            )

    # ---------------------------------------------------------------- append
    def _writer(self) -> Connection:
        """A connection whose transactions take the write lock up front."""
        return self.engine.connect().execution_options(**WRITE)

    def _lock(self, conn: Connection) -> None:
        append_lock(conn)

    def append(
        self,
        signed: Sequence[Signed],
        clock: Clock,
        *,
        dry_run: bool = False,
        source: str = "input",
    ) -> AppendResult:
        """Sequence, chain and store signed statements, all or nothing.

        Re-checks every signature against the registered key (one that
        :func:`sign_statements` has just made with that key is known good, see
        :func:`_signed_here`), every key and scope rule, skips statements whose
        kind and body repeat one already in the log or earlier in the batch,
        and reports every error with its line.
        """
        with gc_paused(), self._writer() as conn, conn.begin() as tx:
            self._lock(conn)
            _refuse_malformed(conn)
            result = self._append_locked(conn, signed, clock, source, dry_run)
            if dry_run:
                tx.rollback()
            return result

    def _append_locked(
        self, conn: Connection, signed: Sequence[Signed], clock: Clock, source: str, dry_run: bool
    ) -> AppendResult:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        size = self.size(conn)
        if size:
            head = parse_entry(self.leaf(size - 1, conn))
            prev = leaf_hash(head.leaf)
            last_ts = parse_instant(head.ts, "ts")
        else:
            prev, last_ts = bytes.fromhex(ZERO_HASH_HEX), None
        now = clock()
        if last_ts is not None and now < last_ts:
            now = last_ts  # keep ts non-decreasing even if clocks disagree
        ts = format_instant(now)
        errors: list[BadInput] = []
        # canonical(body) once per statement: the dedupe digest and the signed bytes are
        # spliced from it (entry.body_dedupe_digest, entry.spliced_statement_bytes).
        # Each pass over the statements does all it can for one while it is in the
        # CPU's cache: a batch of 10^5 spans hundreds of megabytes.
        encode = encode_text  # a file's statements share their log, by, at and a few kinds
        bodies: list[bytes] = []
        digests: list[bytes] = []
        for s in signed:
            try:
                check_statement(s.statement, self.origin)
                late = _at_window_error(s.statement["at"], ts)
                if late is not None:
                    raise BadInput(late)
                body = s.statement["body"]  # parsed into s.event: no float in it
                body_bytes = canonical(body) if s.event is None else canonical_float_free(body)
            except BadInput as exc:
                errors.append(BadInput(f"{source}:{s.line}: {exc}"))
                continue
            bodies.append(body_bytes)
            digests.append(body_dedupe_digest(encode(s.statement["kind"]), body_bytes))
        if errors:
            raise errors[0] if len(errors) == 1 else InputErrors(errors)
        ring = self.key_ring(conn) if size else KeyRing()
        day = beijing_day(now)  # recorder scope follows holders as of this day (DOMAIN.md)
        domain = DomainState.load(conn, [s.statement for s in signed])
        skipped: list[Skipped] = []
        seen: dict[bytes, int] = {}
        existing = self._existing_statements(conn, digests)
        # the leaves are made as the statements are accepted (their hashes chain in
        # log order); nothing is written unless every statement passes
        rng = merkle.CompactRange.from_fetch(size, lambda cs: self.fetch_nodes(conn, cs))
        batch = _Batch()
        problems: list[tuple[int, BadInput]] = []  # (line, error)
        accepted = 0
        pubkeys: dict[str, Ed25519PublicKey] = {}
        new_keys: list[str] = []
        revoked: list[str] = []
        line_of: dict[int, int] = {}
        for s, digest, body_bytes in zip(signed, digests, bodies, strict=True):
            kind, body, by = s.statement["kind"], s.statement["body"], s.statement["by"]
            if digest in existing:
                skipped.append(Skipped(s.line, kind, existing[digest], None))
                continue
            if digest in seen:
                skipped.append(Skipped(s.line, kind, None, seen[digest]))
                continue
            seen[digest] = s.line
            seq = size + accepted
            try:
                agencies = (
                    domain.agencies_for(kind, body, day) if kind in COMMITMENT_KINDS else None
                )
                if kind in COMMITMENT_KINDS and agencies is None:
                    c = body.get("commitment")
                    raise BadInput(
                        "body.commitment: " + both(f"未知承诺 {c!r}", f"unknown commitment {c!r}")
                    )
                if kind == "ledger.genesis":
                    apply_key_event(ring, kind, body, by, seq)
                key = check_signer(ring, by, kind, seq, agencies)
                message = spliced_statement_bytes(s.statement, body_bytes, encode)
                if len(message) + len(str(seq)) + _LEAF_OVERHEAD > MAX_LEAF_BYTES:
                    raise BadInput(
                        both(
                            f"声明长 {len(message)} 字节，条目将超过长度上限 {MAX_LEAF_BYTES} 字节",
                            f"the statement is {len(message)} bytes: its leaf would exceed "
                            f"{MAX_LEAF_BYTES} bytes, the most a leaf may be (FORMATS §3)",
                        )
                    )
                if _signed_here(s, message, key.public_key):
                    message = s.own.message if s.own is not None else message  # keep one copy
                else:
                    if by not in pubkeys:
                        pubkeys[by] = Ed25519PublicKey.from_public_bytes(key.public_key)
                    try:
                        pubkeys[by].verify(s.sig, message)
                    except InvalidSignature:
                        raise Unauthorised(
                            both(
                                f"签名无法用密钥 {by!r} 验证",
                                f"signature does not verify with key {by!r}",
                            )
                        ) from None
                if kind in ("key.registered", "key.revoked"):
                    apply_key_event(ring, kind, body, by, seq)
                    (new_keys if kind == "key.registered" else revoked).append(body["name"])
                line_of[seq] = s.line
                domain.check(s.statement, seq, s.event, day, ts=ts, body_json=body_bytes.decode())
            except BadInput as exc:
                problems.append((s.line, BadInput(f"{source}:{s.line}: {exc}")))
                continue
            accepted += 1
            if problems or dry_run:
                continue  # nothing will be written
            leaf = entry_bytes(seq, prev, ts, message, s.sig)
            prev = leaf_hash(leaf)
            batch.rows.append((seq, leaf, prev, kind, by, dedupe_key(digest)))
            batch.nodes.extend(rng.append(prev))
        for seq, problem in domain.end_group():  # payments above the balance, reversals counted
            problems.append((line_of[seq], BadInput(f"{source}:{line_of[seq]}: {problem}")))
        if problems:
            found = [e for _, e in sorted(problems, key=lambda x: x[0])]
            raise found[0] if len(found) == 1 else InputErrors(found)
        if not accepted or dry_run:
            return AppendResult(
                size, accepted, tuple(skipped), size + (accepted if dry_run else 0), dry_run
            )
        try:
            _insert_many(conn, entries, _ENTRY_COLUMNS, batch.rows)
            if batch.nodes:
                _insert_many(conn, tree_nodes, _NODE_COLUMNS, batch.nodes)
        except IntegrityError as exc:  # under the lock only a damaged table collides
            with self.engine.connect() as look:
                stray = self.stray_nodes(look, size)
            if stray:
                lvl, idx = stray[0]
                first, last = covered_leaves(lvl, idx)
                raise VerificationError(
                    f"账本已损坏：tree_nodes 中有超出日志的节点 (level {lvl}, index {idx})，"
                    f"覆盖第 {first}–{last} 条，而日志只有 {size} 条（the database is damaged: "
                    f"tree_nodes holds a node beyond the log, covering leaves {first}–{last} of a "
                    f"log of {size} entries; it was inserted behind the log — run 'ledger verify'）",
                    seq=size,
                ) from exc
            raise VerificationError(
                f"the database is damaged: a row of the new entries already exists "
                f"({_short(exc)}); run 'ledger verify'"
            ) from exc
        self._store_keys(conn, ring, new_keys, revoked)
        domain.flush(conn)
        return AppendResult(size, accepted, tuple(skipped), size + accepted, False)

    def _existing_statements(self, conn: Connection, digests: Sequence[bytes]) -> dict[bytes, int]:
        """Which of these statement digests are already in the log, with their seq."""
        wanted = sorted({dedupe_key(d) for d in digests})
        found: dict[bytes, int] = {}
        wanted_set = set(digests)
        if conn.dialect.name == "sqlite":  # bound: SQLite binds faster than it parses
            rows: Iterable[Any] = driver_rows_in(
                conn,
                "SELECT seq, leaf FROM entries WHERE dedupe IN ({marks}) ORDER BY seq",
                wanted,
            )
        else:  # inlined (see fetch_nodes): PostgreSQL can hash a constant IN list
            rows = [
                r
                for term in _index_terms("dedupe", wanted)
                for r in conn.exec_driver_sql(f"SELECT seq, leaf FROM {entries.name} WHERE {term}")
            ]
        for seq, leaf in rows:
            e = parse_entry(bytes(leaf))
            d = dedupe_digest(e.kind, e.body)
            if d in wanted_set and d not in found:
                found[d] = int(seq)
        return found

    def _store_keys(
        self, conn: Connection, ring: KeyRing, new: Sequence[str], revoked: Sequence[str]
    ) -> None:
        rows = []
        if (
            ring.log_key is not None
            and not conn.execute(select(func.count()).select_from(keys)).scalar_one()
        ):
            new = [ring.log_key, *new]
        for name in new:
            k = ring.keys[name]
            rows.append(
                {
                    "name": k.name,
                    "role": str(k.role),
                    "agencies": json.dumps(list(k.agencies)),
                    "vkey": k.vkey,
                    "registered_seq": k.registered_seq,
                    "revoked_seq": k.revoked_seq,
                }
            )
        if rows:
            conn.execute(insert(keys), rows)
        for name in revoked:
            conn.execute(
                update(keys)
                .where(keys.c.name == name)
                .values(revoked_seq=ring.keys[name].revoked_seq)
            )

    # ------------------------------------------------------------ checkpoints
    def latest_checkpoint(self, conn: Connection | None = None) -> StoredCheckpoint | None:
        """The checkpoint of the largest size the log has signed, or None."""
        if conn is None:
            with self.engine.connect() as c:
                return self.latest_checkpoint(c)
        row = (
            conn.execute(select(checkpoints).order_by(checkpoints.c.size.desc()).limit(1))
            .mappings()
            .first()
        )
        if row is None:
            return None
        return StoredCheckpoint(int(row["size"]), bytes(row["root"]), row["note"])

    def checkpoints(self, conn: Connection | None = None) -> list[StoredCheckpoint]:
        """Every checkpoint the log signed, by size."""
        if conn is None:
            with self.engine.connect() as c:
                return self.checkpoints(c)
        rows = conn.execute(select(checkpoints).order_by(checkpoints.c.size)).mappings().all()
        return [StoredCheckpoint(int(r["size"]), bytes(r["root"]), r["note"]) for r in rows]

    def checkpoint(self, signer: LogSigner, clock: Clock) -> StoredCheckpoint:
        """Sign the checkpoint for the current size, or return the latest if unchanged.

        FORMATS.md §5: never sign two roots for one size.  Before signing, the
        stored tree must reproduce the last checkpoint in the database and the
        one kept in the keystore; a database restored from an older backup (a
        smaller log, or different leaves) is refused.

        The key signs only what it has verified (issue 13): under the append
        lock, in one snapshot, every leaf is replayed (chain, ``log`` and
        ``at``, no-repeat, key and scope rules, every domain rule) and every
        signature added since the last checkpoint this key signed is checked;
        the leaves must reproduce that checkpoint's root (so the signatures
        below it are the ones verified when it was signed), and the root
        signed is the one recomputed from the leaf bytes.
        """
        from ledger.note import verifier_key, verify_note
        from ledger.verify import verify_leaves

        if signer.name != self.origin:
            raise BadInput(
                both(
                    f"日志密钥的名称是 {self.origin!r}，不是 {signer.name!r}",
                    f"the log key is named {self.origin!r}, not {signer.name!r}",
                )
            )
        log_vkey = verifier_key(self.origin, signer.key.public_key())
        with self._writer() as conn, conn.begin():
            self._lock(conn)
            size = self.size(conn)
            latest = self.latest_checkpoint(conn)
            kept = signer.keystore.latest_checkpoint(self.origin) if signer.keystore else None
            signed_before: list[tuple[str, Checkpoint]] = []
            for label, note_text in (
                ("keystore", kept),
                ("database", latest.note if latest else None),
            ):
                if note_text is None:
                    continue
                parsed = parse_note(note_text)
                cp = Checkpoint.parse(parsed.text)
                if cp.origin != self.origin:
                    continue
                try:
                    verify_note(parsed, log_vkey)
                except VerificationError as exc:
                    raise VerificationError(
                        f"the latest checkpoint kept in the {label} is not signed by this log key "
                        f"({exc}): refusing to sign"
                    ) from exc
                if cp.size > size:
                    raise VerificationError(
                        f"the log has {size} entries but its key already signed a checkpoint at size "
                        f"{cp.size} (kept in the {label}): the database looks restored from an older "
                        "backup; refusing to sign a fork"
                    )
                signed_before.append((label, cp))
            verified_to = max((cp.size for _, cp in signed_before), default=0)
            with closing(self._leaves_on(conn, 0, size, 5000)) as rows:
                try:
                    replay = verify_leaves(
                        ((seq, leaf) for seq, leaf, _ in rows),
                        pin_vkey=log_vkey.encode(),
                        roots_at={cp.size for _, cp in signed_before},
                        signatures_from=verified_to,
                    )
                except VerificationError as exc:
                    raise VerificationError(
                        f"the log does not verify, refusing to sign a checkpoint: {exc}",
                        seq=exc.seq,
                    ) from exc
            for label, cp in signed_before:
                if replay.roots[cp.size] != cp.root:
                    raise VerificationError(
                        f"the stored log does not reproduce the root of the checkpoint at size {cp.size} "
                        f"kept in the {label}: refusing to sign"
                    )
            if self.root_at(size, conn) != replay.root:
                raise VerificationError(
                    f"the stored tree nodes do not reproduce the root of the {size} leaves: "
                    "the log is damaged (run 'ledger verify'); refusing to sign"
                )
            for label, cp in signed_before:
                if (
                    cp.size == size
                    and label == "keystore"
                    and kept is not None
                    and (latest is None or latest.size < size)
                ):
                    latest = StoredCheckpoint(cp.size, cp.root, kept)
                    conn.execute(
                        insert(checkpoints).values(
                            size=cp.size,
                            root=cp.root,
                            note=kept,
                            signed_at=format_instant(clock()),
                        )
                    )
            if latest is not None and latest.size == size:
                result = latest
            else:
                body = Checkpoint(self.origin, size, replay.root).text()
                note = Note(body, (sign_note(body, self.origin, signer.key),)).encode()
                conn.execute(
                    insert(checkpoints).values(
                        size=size, root=replay.root, note=note, signed_at=format_instant(clock())
                    )
                )
                result = StoredCheckpoint(size, replay.root, note)
            # The keystore's copy is written durably BEFORE the database commits
            # (FORMATS.md §5): if it cannot be written, nothing is committed; if the
            # commit fails after it, the next call finds the copy at this size and
            # stores it, so the key never signs a second root for one size.  A copy
            # lagging behind the database is brought up to date here too.
            kept_size = next((cp.size for label, cp in signed_before if label == "keystore"), -1)
            if signer.keystore is not None and kept_size < result.size:
                _keep_checkpoint(signer.keystore, self.origin, result.note)
        return result

    def receipt(self, seq: int, signer: LogSigner | None, clock: Clock) -> dict[str, Any]:
        """A receipt for entry ``seq`` (FORMATS.md §6) against the latest checkpoint.

        The checkpoint is signed anew when the log has grown and a signer is
        given; the proof is for exactly the checkpoint's size.
        """
        cp = self.checkpoint(signer, clock) if signer is not None else self.latest_checkpoint()
        if cp is None:
            raise BadInput(
                both(
                    "日志还没有检查点：请先运行 'ledger checkpoint'",
                    "the log has no checkpoint yet: run 'ledger checkpoint' first",
                )
            )
        if not 0 <= seq < cp.size:
            raise BadInput(
                both(
                    f"条目 {seq} 不在最新检查点（大小 {cp.size}）的范围内",
                    f"entry {seq} is not covered by the latest checkpoint (size {cp.size})",
                )
            )
        with self.engine.connect() as conn:
            leaf = self.leaf(seq, conn)
            proof = merkle.inclusion_proof(seq, cp.size, lambda cs: self.fetch_nodes(conn, cs))
        return {
            "format": "ledger-receipt/v1",
            "index": seq,
            "entry": b64encode(leaf),
            "tree_size": cp.size,
            "inclusion": [b64encode(h) for h in proof],
            "checkpoint": cp.note,
        }


def covered_leaves(level: int, idx: int) -> tuple[int, int]:
    """The first and last leaf a tree node (level, index) covers."""
    return idx << level, ((idx + 1) << level) - 1


def _keep_checkpoint(keystore: Keystore, origin: str, note: str) -> None:
    """Save the latest checkpoint beside the log key; a failed write is an environment problem."""
    try:
        keystore.save_checkpoint(origin, note)
    except OSError as exc:
        raise EnvironmentProblem(
            both(
                f"密钥库 {keystore.path} 无法保存检查点：未签署任何内容；请腾出空间后重新运行 "
                "'ledger checkpoint'",
                f"cannot keep the checkpoint in the keystore {keystore.path}: "
                f"{exc.strerror or exc}: nothing was signed; free space and run "
                "'ledger checkpoint' again",
            )
        ) from exc


def consistency_json(old_size: int, new_size: int, proof: Sequence[bytes]) -> dict[str, Any]:
    """FORMATS.md §7 consistency proof object."""
    return {
        "format": "ledger-consistency/v1",
        "old_size": old_size,
        "new_size": new_size,
        "proof": [b64encode(h) for h in proof],
    }


def cosigned(note_text: str, name: str, key: Ed25519PrivateKey, timestamp: int) -> str:
    """Add a tlog-cosignature/v1 line to a checkpoint note (FORMATS.md §5)."""
    from ledger.note import cosign

    note = parse_note(note_text)
    return add_signature(note, cosign(note.text, name, key, timestamp)).encode()


def _as_bytes(value: Any) -> bytes:
    """A BLOB column's value as bytes (a tampered row may hold TEXT)."""
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


def _insert_many(
    conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """INSERT ``rows`` (tuples in ``columns`` order): COPY on psycopg, else executemany.

    The bulk path of append: SQLAlchemy's per-row parameter processing for
    ``insert(table)`` with a list of dicts cost as much as the insert itself.
    The rows go through the connection's own DBAPI connection, inside its
    transaction; a constraint violation is raised as SQLAlchemy's IntegrityError.
    """
    if conn.dialect.driver == "psycopg":
        import psycopg

        sql = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
        try:
            with (
                conn.connection.driver_connection.cursor() as cur,  # type: ignore[union-attr]
                cur.copy(sql) as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        except psycopg.IntegrityError as exc:
            raise IntegrityError(sql, None, exc) from exc
        return
    mark = PLACEHOLDERS.get(conn.dialect.paramstyle)
    if mark is None:  # a driver we do not know: let SQLAlchemy bind the rows
        conn.execute(insert(table), [dict(zip(columns, r, strict=True)) for r in rows])
        return
    conn.exec_driver_sql(
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"VALUES ({', '.join([mark] * len(columns))})",
        list(rows),
    )


def _index_terms(col: str, idxs: Sequence[int]) -> list[str]:
    """SQL terms selecting the integers ``idxs`` of ``col`` by index search.

    A dense run (at most twice as many rows as wanted) is one range; anything
    else is ``IN`` lists of at most ``IN_CHUNK`` values.  ``idxs`` are ints,
    formatted with ``%d``, so nothing but digits reaches the SQL.
    """
    if not idxs:
        return []
    lo, hi = min(idxs), max(idxs)
    if hi - lo < 2 * len(idxs):
        return [f"{col} BETWEEN {lo:d} AND {hi:d}"]
    return [
        f"{col} IN ({','.join(format(i, 'd') for i in part)})"
        for part in chunks(sorted(idxs), IN_CHUNK)
    ]


def _refuse_malformed(conn: Connection) -> None:
    """Refuse to write onto a SQLite database that SQLite itself reports damaged.

    ``PRAGMA quick_check`` reads every page (not the cross-checks of
    ``integrity_check``): a damaged file is found before anything is
    appended to it, not when a later read happens to touch the bad page.
    """
    if conn.dialect.name != "sqlite":
        return
    try:
        rows = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA quick_check(5)")]
    except DatabaseError as exc:
        rows = [_short(exc)]
    if rows != ["ok"]:
        raise EnvironmentProblem(
            both(
                "SQLite 报告数据库已损坏，未写入任何内容；请从备份恢复",
                f"SQLite reports the database malformed: {'; '.join(rows)}: nothing was "
                "appended; restore it from a backup",
            )
        )


def _sqlite_file(url: str) -> str | None:
    """The file of a SQLite URL, or None (not SQLite, in memory, or a URI filename)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        u = make_url(url)
    except ArgumentError:
        return None
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    if u.database.startswith("file:"):
        return None
    return u.database


def _open_advice(url: str, exc: Exception) -> str:
    """What to tell the user when reading the ledger's meta table failed."""
    msg = _short(exc)
    low = msg.lower()
    if "no such table" in low or ("does not exist" in low and "relation" in low):
        return _no_ledger(url, f" ({msg})")
    if "database" in low and "does not exist" in low:
        return both(
            "PostgreSQL 上没有这个数据库：请先创建（createdb），再运行 'ledger init --origin ORIGIN'",
            f"{msg}: create it (createdb), then 'ledger init --origin ORIGIN'",
        )
    if "full" in low:
        return both(
            f"存放 {url} 的磁盘已满：请腾出空间后重试",
            f"the disk holding {url} is full: {msg}; free space and retry",
        )
    if "connect" in low or "refused" in low or "timeout" in low or "could not" in low:
        return both(
            f"数据库 {url} 无法连接：服务器是否在运行、能否访问，--db / LEDGER_DB 是否正确？",
            f"database {url} does not answer: {msg}; is the server running "
            "and reachable, and are --db / LEDGER_DB right?",
        )
    return both(f"数据库 {url} 不可用", f"database {url} is not usable: {msg}")


def _no_ledger(url: str, detail: str = "") -> str:
    return both(
        f"{url} 中没有账本：请先运行 'ledger init --origin ORIGIN'",
        f"no ledger at {url}: run 'ledger init --origin ORIGIN' first{detail}",
    )


def _short(exc: Exception) -> str:
    msg = str(getattr(exc, "orig", exc)).strip().splitlines()
    return msg[0] if msg else type(exc).__name__


__all__ = [
    "AppendResult",
    "Draft",
    "Ledger",
    "LogSigner",
    "Signed",
    "Skipped",
    "StoredCheckpoint",
    "consistency_json",
    "cosigned",
    "parse_draft",
    "parse_signed",
    "sign_statements",
    "signed_line",
]
