"""RFC 9162 section 2.1 Merkle tree: hashing, proof generation and proof verification.

Pure functions over bytes and ints; no I/O. The tree is the append-only log tree of
RFC 9162 section 2.1.1 (identical to RFC 6962 section 2.1) with SHA-256:

* ``MTH({}) = SHA-256()``
* ``MTH({d0}) = SHA-256(0x00 || d0)``
* ``MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))``, ``k`` the largest power of
  two smaller than ``n``.

Stored nodes are addressed by :data:`Coord` ``(level, index)``: the complete (perfect)
subtree over leaves ``[index * 2**level, (index + 1) * 2**level)``; level 0 holds leaf
hashes. Any RFC 9162 subtree ``D[start:end]`` is the right-to-left fold of the maximal
complete aligned subtrees covering it (:func:`subtree_coords`), so proofs for any tree size
can be built from stored complete-subtree hashes alone, with one batched :data:`Fetch`.

Verification mirrors transparency-dev/merkle ``proof/verify.go`` (the reference behaviour),
with these documented tightenings: a consistency proof from ``old_size == 0`` is always
rejected (even ``0 -> 0``); sizes and indices must lie in ``[0, 2**64)``; every proof hash
must be exactly :data:`HASH_SIZE` bytes.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping, Sequence
from typing import TypeAlias

from ledger.errors import BadInput, ProofError

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "CompactRange",
    "Coord",
    "Fetch",
    "consistency_proof",
    "consistency_ranges",
    "inclusion_proof",
    "inclusion_ranges",
    "leaf_hash",
    "node_hash",
    "range_hash",
    "root_at",
    "root_from_consistency_proof",
    "root_from_inclusion_proof",
    "root_from_leaf_hashes",
    "subtree_coords",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
"""Size in bytes of a SHA-256 digest (every leaf, node and root hash)."""

EMPTY_ROOT: bytes = hashlib.sha256(b"").digest()
"""MTH({}) = SHA-256() (RFC 9162 section 2.1.1): the root of the empty tree."""

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"
_U64_LIMIT = 1 << 64

Coord: TypeAlias = tuple[int, int]
"""``(level, index)``: the complete subtree over leaves ``[index*2**level, (index+1)*2**level)``."""

Fetch: TypeAlias = Callable[[Sequence[Coord]], Mapping[Coord, bytes]]
"""Batch lookup of stored complete-subtree hashes (level 0 = leaf hashes)."""

_sha256 = hashlib.sha256
_compare = hmac.compare_digest


# --------------------------------------------------------------------------- hashing


def leaf_hash(data: bytes) -> bytes:
    """Return the leaf hash ``SHA-256(0x00 || data)`` (RFC 9162 section 2.1.1)."""
    return _sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return the interior node hash ``SHA-256(0x01 || left || right)`` (RFC 9162 section 2.1.1)."""
    return _sha256(_NODE_PREFIX + left + right).digest()


def root_from_leaf_hashes(hashes: Sequence[bytes]) -> bytes:
    """Return MTH over the given leaf hashes (RFC 9162 section 2.1.1); EMPTY_ROOT for ``[]``.

    Iterative: O(n) time (exactly n - 1 node hashes) and O(log n) memory, using a stack
    holding the right edge of the tree built so far (a compact range).
    """
    sha = _sha256
    prefix = _NODE_PREFIX
    stack: list[bytes] = []
    push = stack.append
    pop = stack.pop
    for i, h in enumerate(hashes):
        n = i
        while n & 1:
            h = sha(prefix + pop() + h).digest()
            n >>= 1
        push(h)
    if not stack:
        return EMPTY_ROOT
    h = pop()
    while stack:
        h = sha(prefix + pop() + h).digest()
    return h


# --------------------------------------------------------------------------- ranges


def _largest_pow2_below(n: int) -> int:
    """Largest power of two strictly smaller than ``n`` (``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


def subtree_coords(start: int, end: int) -> list[Coord]:
    """Decompose leaf range ``[start, end)`` into maximal complete aligned subtrees.

    Returns their coords left to right (RFC 9162 section 2.1.1 tree shape). For any range
    that arises as an RFC 9162 subtree ``D[start:end]`` (``start`` a multiple of the largest
    power of two <= ``end - start``) the levels strictly decrease, one per set bit of
    ``end - start``. Other ranges are decomposed greedily (still minimal and aligned).
    Raises BadInput if ``start < 0`` or ``end < start``.
    """
    if start < 0:
        raise BadInput(f"range start {start} is negative")
    if end < start:
        raise BadInput(f"range end {end} is below range start {start}")
    out: list[Coord] = []
    s = start
    while s < end:
        level = (end - s).bit_length() - 1
        if s:
            align = (s & -s).bit_length() - 1
            level = min(level, align)
        out.append((level, s >> level))
        s += 1 << level
    return out


def _check_mth_range(start: int, end: int) -> None:
    if start < 0:
        raise BadInput(f"range start {start} is negative")
    if end < start:
        raise BadInput(f"range end {end} is below range start {start}")
    size = end - start
    if size and start % (1 << (size.bit_length() - 1)):
        raise BadInput(
            f"range [{start}, {end}) is not a Merkle subtree: start {start} is not a multiple "
            f"of {1 << (size.bit_length() - 1)}"
        )


def _lookup(nodes: Mapping[Coord, bytes], coord: Coord) -> bytes:
    try:
        return nodes[coord]
    except KeyError:
        raise BadInput(f"no stored subtree hash for level {coord[0]} index {coord[1]}") from None


def _fold(hashes: Sequence[bytes]) -> bytes:
    """Right-to-left fold of complete-subtree hashes of strictly decreasing size."""
    if not hashes:
        return EMPTY_ROOT
    sha = _sha256
    prefix = _NODE_PREFIX
    h = hashes[-1]
    for i in range(len(hashes) - 2, -1, -1):
        h = sha(prefix + hashes[i] + h).digest()
    return h


def range_hash(start: int, end: int, nodes: Mapping[Coord, bytes]) -> bytes:
    """Return MTH(D[start:end]) (RFC 9162 section 2.1.1) from stored complete subtrees.

    ``nodes`` must hold the hash of every coord of ``subtree_coords(start, end)``. The RFC
    subtree of a non-power-of-two range is left-complete, so the hashes are folded right to
    left. ``start`` must be a multiple of the largest power of two <= ``end - start``
    (BadInput otherwise, or if a needed hash is missing). An empty range gives EMPTY_ROOT.
    """
    _check_mth_range(start, end)
    return _fold([_lookup(nodes, c) for c in subtree_coords(start, end)])


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """Return the ``[a, b)`` ranges whose MTH form the inclusion path (RFC 9162 section 2.1.3.1).

    ``PATH(m, D[n])`` in leaf-to-root order. Raises BadInput unless ``0 <= index < size``.
    """
    if index < 0:
        raise BadInput(f"leaf index {index} is negative")
    if index >= size:
        raise BadInput(f"leaf index {index} is not below tree size {size}")
    out: list[tuple[int, int]] = []
    lo, hi = 0, size
    while hi - lo > 1:
        mid = lo + _largest_pow2_below(hi - lo)
        if index < mid:
            out.append((mid, hi))
            hi = mid
        else:
            out.append((lo, mid))
            lo = mid
    out.reverse()
    return out


def consistency_ranges(old_size: int, new_size: int) -> list[tuple[int, int]]:
    """Return the ``[a, b)`` ranges whose MTH form the consistency proof (RFC 9162 section 2.1.4.1).

    ``PROOF(m, D[n]) = SUBPROOF(m, D[n], true)`` in proof order; ``[]`` when
    ``old_size == new_size``. Raises BadInput if ``old_size == 0`` or ``old_size > new_size``.
    """
    if old_size <= 0:
        raise BadInput(f"old tree size {old_size} is not positive: consistency from an empty tree")
    if old_size > new_size:
        raise BadInput(f"old tree size {old_size} exceeds new tree size {new_size}")
    m = old_size
    lo, hi = 0, new_size
    top_down: list[tuple[int, int]] = []
    complete = True  # SUBPROOF's b: the current subtree is the whole old tree
    while m != hi - lo:
        k = _largest_pow2_below(hi - lo)
        if m <= k:
            top_down.append((lo + k, hi))
            hi = lo + k
        else:
            top_down.append((lo, lo + k))
            m -= k
            lo += k
            complete = False
    out: list[tuple[int, int]] = [] if complete else [(lo, hi)]
    out.extend(reversed(top_down))
    return out


# --------------------------------------------------------------------------- generation


def _proof_from_ranges(ranges: Sequence[tuple[int, int]], fetch: Fetch) -> list[bytes]:
    if not ranges:
        return []
    per_range = [subtree_coords(a, b) for a, b in ranges]
    wanted: list[Coord] = []
    seen: set[Coord] = set()
    for coords in per_range:
        for c in coords:
            if c not in seen:
                seen.add(c)
                wanted.append(c)
    nodes = fetch(wanted)
    return [_fold([_lookup(nodes, c) for c in coords]) for coords in per_range]


def inclusion_proof(index: int, size: int, fetch: Fetch) -> list[bytes]:
    """Build the inclusion proof for leaf ``index`` in the tree of ``size`` leaves.

    RFC 9162 section 2.1.3.1, leaf-to-root order. All O(log n) needed stored coords are
    requested in a single ``fetch`` call (no call when the proof is empty, i.e. size 1).
    Raises BadInput unless ``0 <= index < size``, or if ``fetch`` omits a needed hash.
    """
    return _proof_from_ranges(inclusion_ranges(index, size), fetch)


def consistency_proof(old_size: int, new_size: int, fetch: Fetch) -> list[bytes]:
    """Build the consistency proof between tree sizes ``old_size`` and ``new_size``.

    RFC 9162 section 2.1.4.1. All O(log n) needed stored coords are requested in a single
    ``fetch`` call; ``[]`` (and no call) when ``old_size == new_size``. Raises BadInput if
    ``old_size == 0`` or ``old_size > new_size``, or if ``fetch`` omits a needed hash.
    """
    return _proof_from_ranges(consistency_ranges(old_size, new_size), fetch)


def root_at(size: int, fetch: Fetch) -> bytes:
    """Return MTH(D[0:size]) (RFC 9162 section 2.1.1) from stored complete subtrees.

    One ``fetch`` call for the ``subtree_coords(0, size)``; EMPTY_ROOT (no call) for 0.
    Raises BadInput if ``size < 0`` or ``fetch`` omits a needed hash.
    """
    if size < 0:
        raise BadInput(f"tree size {size} is negative")
    if size == 0:
        return EMPTY_ROOT
    coords = subtree_coords(0, size)
    nodes = fetch(coords)
    return _fold([_lookup(nodes, c) for c in coords])


# --------------------------------------------------------------------------- verification


def _check_u64(what: str, value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ProofError(f"{what} {value!r} is not an integer")
    if value < 0:
        raise ProofError(f"{what} {value} is negative")
    if value >= _U64_LIMIT:
        raise ProofError(f"{what} {value} does not fit in 64 bits")


def _check_hash(what: str, value: bytes) -> None:
    if not isinstance(value, bytes | bytearray):
        raise ProofError(f"{what} is not bytes")
    if len(value) != HASH_SIZE:
        raise ProofError(f"{what} has {len(value)} bytes, expected {HASH_SIZE}")


def _check_proof(proof: Sequence[bytes], want: int) -> None:
    if len(proof) != want:
        raise ProofError(f"proof has {len(proof)} hashes, expected {want}")
    for i, h in enumerate(proof):
        if type(h) is not bytes or len(h) != HASH_SIZE:
            _check_hash(f"proof hash {i}", h)


def _check_root(calculated: bytes, expected: bytes, what: str) -> None:
    if not isinstance(expected, bytes | bytearray) or not _compare(calculated, expected):
        raise ProofError(f"calculated {what} does not match the expected {what}")


def _decomp_incl_proof(index: int, size: int) -> tuple[int, int]:
    """Split the inclusion path of ``index`` in ``size`` into (inner, border) lengths."""
    inner = (index ^ (size - 1)).bit_length()
    border = (index >> inner).bit_count()
    return inner, border


def root_from_inclusion_proof(
    index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes]
) -> bytes:
    """Return the root implied by an inclusion proof (RFC 9162 section 2.1.3.2).

    Requires ``0 <= index < size < 2**64``, a 32-byte ``leaf_hash`` and a proof of exactly
    the right length of 32-byte hashes; raises ProofError otherwise.
    """
    _check_u64("leaf index", index)
    _check_u64("tree size", size)
    if index >= size:
        raise ProofError(f"leaf index {index} is not below tree size {size}")
    _check_hash("leaf hash", leaf_hash)
    inner, border = _decomp_incl_proof(index, size)
    _check_proof(proof, inner + border)
    sha = _sha256
    prefix = _NODE_PREFIX
    h = bytes(leaf_hash)
    for i in range(inner):
        if (index >> i) & 1:
            h = sha(prefix + proof[i] + h).digest()
        else:
            h = sha(prefix + h + proof[i]).digest()
    for i in range(inner, inner + border):
        h = sha(prefix + proof[i] + h).digest()
    return h


def verify_inclusion(
    index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Verify an inclusion proof against ``root`` (RFC 9162 section 2.1.3.2).

    Returns None on success; raises ProofError on any failure (bad index/size, wrong proof
    length, malformed hash, root mismatch).
    """
    calculated = root_from_inclusion_proof(index, size, leaf_hash, proof)
    _check_root(calculated, root, "root")


def root_from_consistency_proof(
    old_size: int, new_size: int, old_root: bytes, proof: Sequence[bytes]
) -> bytes:
    """Check a consistency proof against ``old_root``; return the implied new root.

    RFC 9162 section 2.1.4.2, with transparency-dev/merkle ``RootFromConsistencyProof``
    semantics: ``old_size == 0`` is always an error; ``old_size > new_size`` is an error;
    ``old_size == new_size`` requires an empty proof and returns ``old_root``; otherwise the
    proof must have exactly the expected length and reproduce ``old_root``. Raises ProofError.
    """
    _check_u64("old tree size", old_size)
    _check_u64("new tree size", new_size)
    if old_size == 0:
        raise ProofError(
            "old tree size is 0: a consistency proof from an empty tree is meaningless"
        )
    if old_size > new_size:
        raise ProofError(f"old tree size {old_size} exceeds new tree size {new_size}")
    if old_size == new_size:
        if len(proof) != 0:
            raise ProofError(
                f"old and new tree size are both {old_size} but the proof has "
                f"{len(proof)} hashes, expected 0"
            )
        return old_root
    if len(proof) == 0:
        raise ProofError(
            f"proof is empty but old tree size {old_size} is below new tree size {new_size}"
        )

    inner, border = _decomp_incl_proof(old_size - 1, new_size)
    shift = (old_size & -old_size).bit_length() - 1
    inner -= shift
    if old_size == 1 << shift:
        seed, start = old_root, 0
    else:
        seed, start = proof[0], 1
    _check_proof(proof, start + inner + border)
    seed = bytes(seed)
    mask = (old_size - 1) >> shift

    sha = _sha256
    prefix = _NODE_PREFIX
    h1 = seed
    h2 = seed
    for i in range(inner):
        p = proof[start + i]
        if (mask >> i) & 1:
            h1 = sha(prefix + p + h1).digest()
            h2 = sha(prefix + p + h2).digest()
        else:
            h2 = sha(prefix + h2 + p).digest()
    for i in range(start + inner, start + inner + border):
        p = proof[i]
        h1 = sha(prefix + p + h1).digest()
        h2 = sha(prefix + p + h2).digest()
    _check_root(h1, old_root, "old root")
    return h2


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Verify a consistency proof between two signed roots (RFC 9162 section 2.1.4.2).

    Returns None on success; raises ProofError on any failure (see
    :func:`root_from_consistency_proof`, plus a new-root mismatch).
    """
    calculated = root_from_consistency_proof(old_size, new_size, old_root, proof)
    _check_root(calculated, new_root, "new root")


# --------------------------------------------------------------------------- compact range


class CompactRange:
    """The right edge of a tree of size n: the hashes of subtree_coords(0, n). Used by appenders.

    ``edge[i]`` is the hash of the i-th coord of ``subtree_coords(0, size)`` (largest
    subtree first). Appending a leaf merges equal-sized subtrees like a binary counter
    (RFC 9162 section 2.1.1 tree shape); :meth:`root` folds the edge right to left.
    """

    __slots__ = ("_edge", "size")

    size: int
    _edge: list[bytes]

    def __init__(self, size: int, edge: Sequence[bytes]) -> None:
        """Wrap a tree of ``size`` leaves given its edge hashes (RFC 9162 section 2.1.1).

        Raises BadInput if ``size`` is negative, the edge length is not the number of set
        bits of ``size``, or an edge hash is not 32 bytes.
        """
        if size < 0:
            raise BadInput(f"tree size {size} is negative")
        want = size.bit_count()
        if len(edge) != want:
            raise BadInput(
                f"compact range of size {size} needs {want} edge hashes, got {len(edge)}"
            )
        for i, h in enumerate(edge):
            if len(h) != HASH_SIZE:
                raise BadInput(f"edge hash {i} has {len(h)} bytes, expected {HASH_SIZE}")
        self.size = size
        self._edge = [bytes(h) for h in edge]

    @classmethod
    def from_fetch(cls, size: int, fetch: Fetch) -> CompactRange:
        """Load the edge of a tree of ``size`` leaves with one ``fetch`` (RFC 9162 section 2.1.1).

        No call is made for size 0. Raises BadInput if ``fetch`` omits a needed hash.
        """
        if size < 0:
            raise BadInput(f"tree size {size} is negative")
        if size == 0:
            return cls(0, [])
        coords = subtree_coords(0, size)
        nodes = fetch(coords)
        return cls(size, [_lookup(nodes, c) for c in coords])

    @property
    def edge(self) -> list[bytes]:
        """A copy of the edge hashes, in ``subtree_coords(0, size)`` order."""
        return list(self._edge)

    def append(self, leaf_hash: bytes) -> list[tuple[int, int, bytes]]:
        """Append leaf number ``size`` (RFC 9162 section 2.1.1); return new complete subtrees.

        Returns every new complete subtree hash created at level >= 1 as
        ``(level, index, hash)``, lowest level first, so a store can persist them. The leaf
        hash itself (level 0, index = old size) is not included.
        """
        if len(leaf_hash) != HASH_SIZE:
            raise BadInput(f"leaf hash has {len(leaf_hash)} bytes, expected {HASH_SIZE}")
        n = self.size
        self.size = n + 1
        if not n & 1:
            self._edge.append(leaf_hash)
            return []
        edge = self._edge
        pop = edge.pop
        sha = _sha256
        prefix = _NODE_PREFIX
        h = leaf_hash
        level = 0
        created: list[tuple[int, int, bytes]] = []
        while n & 1:
            h = sha(prefix + pop() + h).digest()
            n >>= 1
            level += 1
            created.append((level, n, h))
        edge.append(h)
        return created

    def root(self) -> bytes:
        """Return MTH of the ``size`` leaves (RFC 9162 section 2.1.1); EMPTY_ROOT for 0."""
        return _fold(self._edge)
