"""Full verification of a log from its leaf bytes alone.

Recomputes every ``prev``, the RFC 9162 Merkle root, every Ed25519 signature
and every key and scope rule, reading only the exact leaf bytes (never derived
columns).  The same code verifies a database (:func:`verify_ledger`) and an
auditor's bundle (``ledger.bundle``).  Signatures may be checked in parallel
worker processes (``jobs``); the first failure by seq is reported.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Connection, select

from ledger import merkle
from ledger.authz import KeyRing, apply_key_event, check_signer
from ledger.clock import beijing_day
from ledger.domain.events import COMMITMENT_KINDS
from ledger.domain.replay import compare_entities, compare_log_rows
from ledger.domain.state import DomainState
from ledger.entry import (
    ZERO_HASH_HEX,
    at_window_error,
    body_dedupe_digest,
    cut_body_bytes,
    dedupe_digest,
    dedupe_key,
    encode_text,
    leaf_hash,
    parse_entry,
)
from ledger.errors import BadInput, VerificationError
from ledger.runtime import gc_paused
from ledger.schema import entries, read_snapshot
from ledger.sql import driver_rows

if TYPE_CHECKING:
    from ledger.log import Ledger, StoredCheckpoint
    from ledger.note import Checkpoint

CHUNK = 2048
_BACKLOG = 8
"""Chunks of signatures per worker that may wait: enough to keep the workers busy
while this process does its serial work (the entity tables at the end)."""
SigItem = tuple[int, bytes, bytes, bytes]  # seq, public key, message, signature
# (first seq, leaf hashes, tree nodes completed, (kind, body) digests) of one chunk
NodeCheck = Callable[
    [int, Sequence[bytes], Sequence[tuple[int, int, bytes]], Sequence[bytes]], None
]
DomainCheck = Callable[[DomainState, int, int], None]
"""``(state, lo, hi)``: called after entries ``lo <= seq < hi`` were replayed; the
callee compares (or drops) the append-only rows the replay made for them."""


def _drop_rows(state: DomainState, lo: int, hi: int) -> None:
    for rows in state.rows.values():
        rows.clear()


@dataclass(slots=True)
class VerifyResult:
    """What a verification established."""

    size: int
    root: bytes
    origin: str
    ring: KeyRing
    roots: dict[int, bytes] = field(default_factory=dict)
    kinds: dict[str, int] = field(default_factory=dict)
    domain: DomainState = field(default_factory=DomainState)
    """The domain rules' replay of the log (its rows of append-only tables already handed on)."""


_PUBKEYS: dict[bytes, Ed25519PublicKey] = {}
_at_window = functools.lru_cache(maxsize=1024)(at_window_error)  # entries share at and ts
_day = functools.lru_cache(maxsize=1024)(beijing_day)  # entries of one append share their ts


def _yield_to_reader() -> None:
    """A worker runs below the process feeding it (a nice value 10 higher).

    The signatures wait in a backlog (:data:`_BACKLOG`) while the reading
    process parses the next leaves and replays their domain rules, which only it
    can do: when the cores are all busy it goes first and the workers take the
    rest, so no core idles while a worker waits for its next chunk.
    """
    with contextlib.suppress(OSError, AttributeError):  # not on every platform
        os.nice(10)


def verify_signatures(items: Sequence[SigItem]) -> int | None:
    """Verify a batch of Ed25519 signatures; return the first bad seq or None."""
    for seq, pub, msg, sig in items:
        key = _PUBKEYS.get(pub)
        if key is None:
            key = _PUBKEYS[pub] = Ed25519PublicKey.from_public_bytes(pub)
        try:
            key.verify(sig, msg)
        except InvalidSignature:
            return seq
    return None


class _Failure(Exception):
    def __init__(self, seq: int, message: str, *, plain: bool = False) -> None:
        super().__init__(message)
        self.seq = seq
        self.message = message
        self.plain = plain  # the message names its place itself (a projection table)


@gc_paused()  # the replay builds millions of small acyclic objects (ledger.runtime)
def verify_leaves(
    leaves: Iterable[tuple[int, bytes]],
    *,
    pin_vkey: str | None = None,
    roots_at: Iterable[int] = (),
    jobs: int = 1,
    node_check: NodeCheck | None = None,
    domain_check: DomainCheck = _drop_rows,
    where: Callable[[int], str] = lambda seq: f"entry {seq}",
    signatures_from: int = 0,
    at_end: Callable[[DomainState], None] | None = None,
) -> VerifyResult:
    """Verify a whole log given as ``(seq, leaf bytes)`` in order.

    ``pin_vkey`` pins the log key (a log re-created under another key fails);
    ``roots_at`` lists tree sizes whose roots the caller wants (checkpoints);
    ``node_check`` lets a database compare its stored leaf hashes and subtree
    hashes with the recomputed ones; ``domain_check`` receives the replay
    of the domain rules after each chunk (a database compares its projection
    tables with it).  Each leaf is parsed once: the same parsed entry feeds
    the chain, the signatures, the key and scope rules and the domain rules
    (DOMAIN.md: entry k is checked against the state left by 0..k-1).
    Every entry also: ``statement.log`` names the genesis's origin,
    ``statement.at`` lies in the window of FORMATS.md §3 around its ``ts``,
    and no two entries carry the same kind and body (the no-repeat rule,
    over the whole log, from the leaf bytes).  ``signatures_from`` skips the
    signatures below that seq (the checkpoint signer: they were verified
    before it signed a checkpoint whose root the caller proves these leaves
    reproduce).  ``at_end`` receives the complete replay after the last leaf,
    while the workers still check the last signatures (a database compares
    its entity tables with it).  Raises VerificationError naming the first
    bad seq.
    """
    wanted = set(roots_at)
    ring = KeyRing()
    domain = DomainState()
    digests: dict[bytes, int] = {}  # (kind, body) digest -> first seq
    rng = merkle.CompactRange(0, [])
    result = VerifyResult(0, merkle.EMPTY_ROOT, "", ring, domain=domain)
    if 0 in wanted:
        result.roots[0] = merkle.EMPTY_ROOT
    prev = bytes.fromhex(ZERO_HASH_HEX)
    last_ts = ""
    expect = 0
    pool: ProcessPoolExecutor | None = None
    if jobs > 1:
        # spawn, not fork: a forked child would inherit open SQLite handles.
        pool = ProcessPoolExecutor(
            jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_yield_to_reader
        )
    pending: deque[Future[int | None]] = deque()
    failure: _Failure | None = None
    kinds = result.kinds
    try:
        chunk_sigs: list[SigItem] = []
        chunk_hashes: list[bytes] = []
        chunk_nodes: list[tuple[int, int, bytes]] = []
        chunk_digests: list[bytes] = []
        chunk_start = 0

        def flush() -> None:
            nonlocal chunk_sigs, chunk_hashes, chunk_nodes, chunk_digests, chunk_start
            if node_check is not None and chunk_hashes:
                node_check(chunk_start, chunk_hashes, chunk_nodes, chunk_digests)
            if chunk_hashes:
                try:
                    domain_check(domain, chunk_start, expect)
                except VerificationError as exc:
                    at = exc.seq if exc.seq is not None else chunk_start
                    raise _Failure(at, str(exc), plain=True) from exc
            if pool is not None:
                pending.append(pool.submit(verify_signatures, chunk_sigs))
                while len(pending) > _BACKLOG * jobs:
                    bad = pending.popleft().result()
                    if bad is not None:
                        raise _Failure(bad, "signature does not verify")
            else:
                bad = verify_signatures(chunk_sigs)
                if bad is not None:
                    raise _Failure(bad, "signature does not verify")
            chunk_sigs, chunk_hashes, chunk_nodes, chunk_digests = [], [], [], []
            chunk_start = expect

        try:
            for seq, leaf in leaves:
                if seq != expect:
                    raise _Failure(
                        expect, f"is missing (found seq {seq} where {expect} was expected)"
                    )
                try:
                    e = parse_entry(leaf, expect_seq=seq)
                except BadInput as exc:
                    raise _Failure(seq, str(exc)) from exc
                if e.prev != prev:
                    raise _Failure(
                        seq,
                        "prev does not match the leaf hash of the entry before it: the chain is broken",
                    )
                if e.ts < last_ts:
                    raise _Failure(
                        seq, f"ts {e.ts} is earlier than the entry before it ({last_ts})"
                    )
                if e.ts != last_ts:
                    # the entries of one ts are one appended file: its reversals count
                    # for its payments' balance check (DOMAIN.md revision 2)
                    for bad_seq, problem in domain.end_group():
                        raise _Failure(bad_seq, f"breaks a domain rule: {problem}")
                last_ts = e.ts
                late = _at_window(e.at, e.ts)
                if late is not None:
                    raise _Failure(seq, late)
                signed = e.signed_bytes
                body_bytes = cut_body_bytes(e.statement, signed)
                if body_bytes is None:
                    digest = dedupe_digest(e.kind, e.body)
                    body_json = None
                else:
                    digest = body_dedupe_digest(encode_text(e.kind), body_bytes)
                    body_json = body_bytes.decode("utf-8")
                first = digests.setdefault(digest, seq)
                if first != seq:
                    raise _Failure(
                        seq,
                        f"与第 {first} 条的种类和内容完全相同：重放的声明"
                        f"（repeats entry {first}: same kind and body, a replayed statement）",
                    )
                try:
                    if seq == 0 and e.kind != "ledger.genesis":
                        raise _Failure(seq, f"entry 0 must be the ledger.genesis, not {e.kind}")
                    if e.kind == "ledger.genesis":
                        apply_key_event(ring, e.kind, e.body, e.by, seq)
                        if pin_vkey is not None and e.body.get("log_key") != pin_vkey:
                            raise _Failure(
                                seq, "the genesis names a different log key than the pinned --vkey"
                            )
                        result.origin = e.by
                    if e.log != result.origin:
                        raise _Failure(
                            seq,
                            f"statement.log: 该声明是为账本 {e.log!r} 签名的，不是 {result.origin!r}"
                            f"（signed for log {e.log!r}, not {result.origin!r}）",
                        )
                    day = _day(e.ts)
                    agencies = None
                    if e.kind in COMMITMENT_KINDS:
                        agencies = domain.agencies_for(e.kind, e.body, day)
                        if agencies is None:
                            raise _Failure(
                                seq, "refers to a commitment that is not in the log before it"
                            )
                    key = check_signer(ring, e.by, e.kind, seq, agencies)
                    if e.kind in ("key.registered", "key.revoked"):
                        apply_key_event(ring, e.kind, e.body, e.by, seq)
                    try:
                        domain.check(e.statement, seq, None, day, ts=e.ts, body_json=body_json)
                    except BadInput as exc:
                        raise _Failure(seq, f"breaks a domain rule: {exc}") from exc
                except BadInput as exc:
                    raise _Failure(seq, str(exc)) from exc
                except (KeyError, TypeError) as exc:
                    raise _Failure(seq, f"statement body is malformed ({exc!r})") from exc
                if seq >= signatures_from:
                    chunk_sigs.append((seq, key.public_key, signed, e.sig))
                prev = leaf_hash(leaf)
                chunk_hashes.append(prev)
                chunk_digests.append(digest)
                chunk_nodes.extend(rng.append(prev))
                kinds[e.kind] = kinds.get(e.kind, 0) + 1
                expect = seq + 1
                if expect in wanted:
                    result.roots[expect] = rng.root()
                if len(chunk_hashes) >= CHUNK:
                    flush()
            for bad_seq, problem in domain.end_group():
                raise _Failure(bad_seq, f"breaks a domain rule: {problem}")
            flush()
            if at_end is not None:
                at_end(domain)
            while pending:
                bad = pending.popleft().result()
                if bad is not None:
                    raise _Failure(bad, "signature does not verify")
        except _Failure as f:
            failure = f
            # Signatures of this chunk before the failing entry come first too.
            bad = verify_signatures([it for it in chunk_sigs if it[0] < f.seq])
            if bad is not None:
                failure = _Failure(bad, "signature does not verify")
            # A signature failure in an earlier chunk still in flight comes first.
            while pending:
                bad = pending.popleft().result()
                if bad is not None and bad < failure.seq:
                    failure = _Failure(bad, "signature does not verify")
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    if failure is not None:
        if failure.plain:
            raise VerificationError(failure.message, seq=failure.seq)
        raise VerificationError(f"{where(failure.seq)}: {failure.message}", seq=failure.seq)
    if expect == 0:
        raise VerificationError("the log is empty: it has no genesis entry", seq=0)
    result.size = expect
    result.root = rng.root()
    return result


_PROGRESS_EVERY = 4096
_READ_CHUNK = 5000


def _bytes(value: Any) -> bytes:
    """A BLOB column's value as bytes (a tampered row may hold TEXT)."""
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


def _leaf_rows(conn: Connection, end: int) -> Iterator[tuple[int, bytes, bytes, int, str]]:
    """``(seq, leaf, stored leaf hash, stored dedupe key, stored kind)`` of entries
    ``0 <= seq < end`` in seq order, a chunk at a time, on ``conn`` (its snapshot)."""
    cols = (entries.c.seq, entries.c.leaf, entries.c.leaf_hash, entries.c.dedupe, entries.c.kind)
    pos = 0
    while pos < end:
        hi = min(pos + _READ_CHUNK, end)
        q = select(*cols).where(entries.c.seq >= pos, entries.c.seq < hi).order_by(entries.c.seq)
        rows = driver_rows(conn, q)  # no cursor is left open while the caller works
        for seq, leaf, lh, dedupe, kind in rows:
            yield int(seq), _bytes(leaf), _bytes(lh), dedupe, kind
        if not rows:
            return
        pos = hi


@gc_paused()
def verify_ledger(
    ledger: Ledger,
    *,
    pin_vkey: str | None = None,
    checkpoint_note: str | None = None,
    jobs: int = 1,
    projections: bool = True,
    progress: Callable[[int], None] | None = None,
) -> VerifyReport:
    """Verify a ledger database end to end (``ledger verify``).

    ``progress``, when given, is called with the number of leaves read since its
    last call (every few thousand leaves), for a progress bar.

    Besides :func:`verify_leaves`: the stored leaf hashes and subtree hashes
    (what proofs are built from) must equal the recomputed ones; every stored
    checkpoint must carry a valid log-key signature over the recomputed root
    at its size; the keys projection must equal the replay of the log; and a
    checkpoint the caller saved earlier must be reproduced (the log only grew:
    a smaller log is a rollback, another root a fork); and the domain
    projections must equal a replay of the log (``projections=False`` leaves
    that replay out, for a log-only check).
    """
    from ledger.note import Checkpoint, VerifierKey, parse_note, verify_note

    saved: Checkpoint | None = None
    saved_note = None
    if checkpoint_note is not None:
        saved_note = parse_note(checkpoint_note)
        saved = Checkpoint.parse(saved_note.text)

    # The stored columns of each entry come with its leaf (same rows, same
    # snapshot) instead of further queries per chunk: its leaf hash, its
    # dedupe key and its kind.  verify_leaves checks a chunk right after
    # pulling its last leaf, so the list then holds that chunk's rows.
    stored_rows: list[tuple[int, bytes, int, str]] = []

    def leaves(conn: Connection, end: int) -> Iterator[tuple[int, bytes]]:
        pending = 0
        for seq, leaf, stored, dedupe, kind in _leaf_rows(conn, end):
            stored_rows.append((seq, stored, dedupe, kind))
            yield seq, leaf
            if progress is not None:
                pending += 1
                if pending == _PROGRESS_EVERY:
                    progress(pending)
                    pending = 0
        if progress is not None and pending:
            progress(pending)

    def node_check(
        start: int,
        hashes: Sequence[bytes],
        nodes: Sequence[tuple[int, int, bytes]],
        digests: Sequence[bytes],
    ) -> None:
        stored = stored_rows[-len(hashes) :]
        try:
            have = ledger.fetch_nodes(conn, [(lvl, idx) for lvl, idx, _ in nodes])
        except VerificationError as exc:
            raise _Failure(start if exc.seq is None else exc.seq, str(exc)) from exc
        if [row[1] for row in stored] != hashes:
            for i, h in enumerate(hashes):
                if stored[i][1] != h:
                    raise _Failure(
                        start + i, "stored leaf hash differs from the hash of the leaf bytes"
                    )
        # The dedupe column is append's index of (kind, body): edited, it would
        # let a re-import repeat a statement; flag it before that happens.
        for i, d in enumerate(digests):
            if stored[i][2] != dedupe_key(d):
                raise _Failure(
                    start + i,
                    "entries.dedupe 列与叶子内容不符：被绕过日志修改"
                    "（the stored dedupe column differs from the leaf's kind and body: "
                    "edited behind the log）",
                )
        for lvl, idx, h in nodes:
            if have[(lvl, idx)] != h:
                first, last = idx << lvl, ((idx + 1) << lvl) - 1
                raise _Failure(
                    first,
                    f"stored tree node (level {lvl}, index {idx}) covering leaves {first}–{last} "
                    "differs from the recomputed one",
                )

    # A damaged projection is reported after the log's own checks (a log that
    # was cut short or forked is the graver finding, and its cause).
    projection_failure: list[VerificationError] = []

    def domain_check(state: DomainState, lo: int, hi: int) -> None:
        kinds = [(seq, kind) for seq, _, _, kind in stored_rows if lo <= seq < hi]
        stored_rows.clear()
        if projection_failure or not projections:
            _drop_rows(state, lo, hi)
            return
        try:
            compare_log_rows(conn, state, lo, hi, stored_kinds=kinds)
        except VerificationError as exc:
            projection_failure.append(exc)
            _drop_rows(state, lo, hi)

    def entity_check(state: DomainState) -> None:
        if projections and not projection_failure:
            try:
                compare_entities(conn, state)
            except VerificationError as exc:
                projection_failure.append(exc)

    # One read snapshot for everything: the leaves, the stored hashes, the
    # checkpoints, the keys and the projections (a concurrent append is
    # invisible, never half-seen).
    with read_snapshot(ledger.engine) as conn:
        stored = ledger.checkpoints(conn)
        sizes = {c.size for c in stored} | ({saved.size} if saved else set())
        size_now = ledger.size(conn)
        result = verify_leaves(
            leaves(conn, size_now),
            pin_vkey=pin_vkey,
            roots_at={s for s in sizes if s <= size_now},
            jobs=jobs,
            node_check=node_check,
            domain_check=domain_check,
            at_end=entity_check,
        )
        stray = ledger.stray_nodes(conn, result.size)
        projected = ledger.key_ring(conn)
    if result.origin != ledger.origin:
        raise VerificationError(
            f"the genesis names origin {result.origin!r} but the database says {ledger.origin!r}"
        )
    if stray:
        lvl, idx = stray[0]
        first, last = idx << lvl, ((idx + 1) << lvl) - 1
        raise VerificationError(
            f"tree_nodes 中有超出日志的节点（stored tree node (level {lvl}, index {idx}) covers "
            f"leaves {first}–{last}, beyond the log's {result.size} entries: it was inserted "
            "behind the log and would block every later append）",
            seq=result.size,
        )
    log_rec = result.ring.keys[result.origin]
    log_vkey = VerifierKey.parse(log_rec.vkey)
    for cp in stored:
        if cp.size > result.size:
            raise VerificationError(
                f"checkpoint at size {cp.size} is beyond the log ({result.size} entries): entries were removed",
                seq=result.size,
            )
        note = parse_note(cp.note)
        try:
            verify_note(note, log_vkey)
        except VerificationError as exc:
            raise VerificationError(f"stored checkpoint at size {cp.size}: {exc}") from exc
        body = Checkpoint.parse(note.text)
        if body.root != result.roots[cp.size] or cp.root != body.root or body.size != cp.size:
            raise VerificationError(
                f"stored checkpoint at size {cp.size} does not match the log: an entry below seq {cp.size} was changed",
                seq=cp.size - 1,
            )
    replayed = {k: v.as_json() for k, v in result.ring.keys.items()}
    if {k: v.as_json() for k, v in projected.keys.items()} != replayed:
        bad = sorted(
            set(replayed) ^ set(projected.keys)
            | {
                k
                for k in replayed
                if k in projected.keys and projected.keys[k].as_json() != replayed[k]
            }
        )
        raise VerificationError(
            f"the keys table differs from the log for key {bad[0]!r}: it was edited behind the log"
        )
    if saved is not None and saved_note is not None:
        if saved.origin != result.origin:
            raise VerificationError(
                f"the saved checkpoint is for origin {saved.origin!r}, not {result.origin!r}"
            )
        try:
            verify_note(saved_note, VerifierKey.parse(pin_vkey) if pin_vkey else log_vkey)
        except VerificationError as exc:
            raise VerificationError(f"the saved checkpoint: {exc}") from exc
        if saved.size > result.size:
            raise VerificationError(
                f"rollback: the log has {result.size} entries but the saved checkpoint was signed at size {saved.size}",
                seq=result.size,
            )
        if result.roots[saved.size] != saved.root:
            raise VerificationError(
                f"fork: the log's root at size {saved.size} differs from the saved checkpoint's root",
                seq=saved.size - 1,
            )
    if projection_failure:
        raise projection_failure[0]
    return VerifyReport(result, stored, saved)


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """Result of :func:`verify_ledger`."""

    result: VerifyResult
    checkpoints: list[StoredCheckpoint]
    saved: Checkpoint | None
