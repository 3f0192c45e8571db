"""Unit tests of ledger.merkle against public RFC 6962 / RFC 9162 vectors.

Vectors live in tests/vectors/rfc6962 (copied from transparency-dev/merkle, see
tests/vectors/SOURCES.md) and are located relative to this file.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

_REPO = Path(__file__).resolve().parents[2]
if str(_REPO) not in sys.path:  # the package may not be installed when running pytest
    sys.path.insert(0, str(_REPO))

from ledger import merkle
from ledger.errors import BadInput, ProofError
from ledger.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    CompactRange,
    Coord,
    consistency_proof,
    consistency_ranges,
    inclusion_proof,
    inclusion_ranges,
    leaf_hash,
    node_hash,
    range_hash,
    root_at,
    root_from_consistency_proof,
    root_from_inclusion_proof,
    root_from_leaf_hashes,
    subtree_coords,
    verify_consistency,
    verify_inclusion,
)

VECTORS = Path(__file__).resolve().parent.parent / "vectors" / "rfc6962"
PROBES = VECTORS / "transparency-dev-merkle"
REFERENCE: dict[str, Any] = json.loads((VECTORS / "reference-tree.json").read_text("utf-8"))
REF_LEAF_HASHES = [bytes.fromhex(h) for h in REFERENCE["leaf_hashes"]]
REF_ROOTS = [bytes.fromhex(h) for h in REFERENCE["roots"]]


def _b64(value: str) -> bytes:
    return base64.b64decode(value)


def _b64_list(value: list[str] | None) -> list[bytes]:
    return [_b64(v) for v in value or []]


def _probe_files(kind: str) -> list[Path]:
    files = sorted((PROBES / kind).rglob("*.json"))
    assert files, f"no {kind} probes under {PROBES}"
    return files


def _probe_id(path: Path) -> str:
    return str(path.relative_to(PROBES))


class CountingStore:
    """Dict-backed Fetch that records every call."""

    def __init__(self, nodes: Mapping[Coord, bytes]) -> None:
        self.nodes = dict(nodes)
        self.calls: list[list[Coord]] = []

    def __call__(self, coords: Sequence[Coord]) -> Mapping[Coord, bytes]:
        self.calls.append(list(coords))
        return {c: self.nodes[c] for c in coords}


def _naive_mth(hashes: Sequence[bytes]) -> bytes:
    """RFC 9162 section 2.1.1, recursively, over leaf hashes."""
    n = len(hashes)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashes[0]
    k = 1 << ((n - 1).bit_length() - 1)
    return hashlib.sha256(b"\x01" + _naive_mth(hashes[:k]) + _naive_mth(hashes[k:])).digest()


def _complete_subtrees(hashes: Sequence[bytes]) -> dict[Coord, bytes]:
    """Every complete subtree hash of the tree over ``hashes``, computed naively."""
    out: dict[Coord, bytes] = {}
    level = 0
    while (1 << level) <= len(hashes):
        width = 1 << level
        for index in range(len(hashes) // width):
            out[(level, index)] = _naive_mth(hashes[index * width : (index + 1) * width])
        level += 1
    return out


# ------------------------------------------------------------------ transparency-dev probes


@pytest.mark.parametrize("path", _probe_files("inclusion"), ids=_probe_id)
def test_inclusion_probe(path: Path) -> None:
    probe = json.loads(path.read_text("utf-8"))
    args = (
        probe["leafIdx"],
        probe["treeSize"],
        _b64(probe["leafHash"]),
        _b64_list(probe["proof"]),
        _b64(probe["root"]),
    )
    if probe["wantErr"]:
        with pytest.raises(ProofError):
            verify_inclusion(*args)
    else:
        verify_inclusion(*args)
        assert root_from_inclusion_proof(*args[:4]) == args[4]


@pytest.mark.parametrize("path", _probe_files("consistency"), ids=_probe_id)
def test_consistency_probe(path: Path) -> None:
    probe = json.loads(path.read_text("utf-8"))
    args = (
        probe["size1"],
        probe["size2"],
        _b64(probe["root1"]),
        _b64(probe["root2"]),
        _b64_list(probe["proof"]),
    )
    if probe["wantErr"]:
        with pytest.raises(ProofError):
            verify_consistency(*args)
    else:
        verify_consistency(*args)
        assert root_from_consistency_proof(args[0], args[1], args[2], args[4]) == args[3]


def test_probe_count() -> None:
    assert len(_probe_files("inclusion")) + len(_probe_files("consistency")) == 196


# ------------------------------------------------------------------ reference tree


def test_reference_leaf_hashes() -> None:
    leaves = [bytes.fromhex(h) for h in REFERENCE["leaves_hex"]]
    assert [leaf_hash(d) for d in leaves] == REF_LEAF_HASHES


@pytest.mark.parametrize("size", range(9))
def test_reference_roots(size: int) -> None:
    assert root_from_leaf_hashes(REF_LEAF_HASHES[:size]) == REF_ROOTS[size]
    assert _naive_mth(REF_LEAF_HASHES[:size]) == REF_ROOTS[size]
    store = CountingStore(_complete_subtrees(REF_LEAF_HASHES))
    assert root_at(size, store) == REF_ROOTS[size]
    assert len(store.calls) == (1 if size else 0)


def test_empty_root_constant() -> None:
    assert EMPTY_ROOT == hashlib.sha256(b"").digest() == REF_ROOTS[0]
    assert HASH_SIZE == 32
    assert root_from_leaf_hashes([]) == EMPTY_ROOT
    assert CompactRange(0, []).root() == EMPTY_ROOT


def _ref_cases(kind: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = REFERENCE[kind]
    return cases


@pytest.mark.parametrize(
    "case",
    _ref_cases("inclusion"),
    ids=lambda c: f"{c['leaf_index']}-in-{c['tree_size']}",
)
def test_reference_inclusion(case: dict[str, Any]) -> None:
    index, size = case["leaf_index"], case["tree_size"]
    want = [bytes.fromhex(h) for h in case["path"]]
    store = CountingStore(_complete_subtrees(REF_LEAF_HASHES))
    assert inclusion_proof(index, size, store) == want
    assert len(store.calls) == (1 if want else 0)
    verify_inclusion(index, size, REF_LEAF_HASHES[index], want, REF_ROOTS[size])


@pytest.mark.parametrize(
    "case",
    _ref_cases("consistency"),
    ids=lambda c: f"{c['old_size']}-to-{c['new_size']}",
)
def test_reference_consistency(case: dict[str, Any]) -> None:
    old, new = case["old_size"], case["new_size"]
    want = [bytes.fromhex(h) for h in case["proof"]]
    store = CountingStore(_complete_subtrees(REF_LEAF_HASHES))
    assert consistency_proof(old, new, store) == want
    assert len(store.calls) == (1 if want else 0)
    verify_consistency(old, new, REF_ROOTS[old], REF_ROOTS[new], want)


def test_compact_range_reference_tree() -> None:
    cr = CompactRange(0, [])
    persisted: dict[Coord, bytes] = {}
    for n, lh in enumerate(REF_LEAF_HASHES):
        persisted[(0, n)] = lh
        for level, index, h in cr.append(lh):
            assert (level, index) not in persisted
            assert level >= 1
            persisted[(level, index)] = h
        assert cr.size == n + 1
        assert cr.root() == REF_ROOTS[n + 1]
        store = CountingStore(persisted)
        assert root_at(n + 1, store) == REF_ROOTS[n + 1]
        assert CompactRange.from_fetch(n + 1, store).root() == REF_ROOTS[n + 1]
    assert persisted == _complete_subtrees(REF_LEAF_HASHES)
    # every proof of the reference tree can be served from the persisted nodes
    store = CountingStore(persisted)
    for case in _ref_cases("inclusion"):
        want = [bytes.fromhex(h) for h in case["path"]]
        assert inclusion_proof(case["leaf_index"], case["tree_size"], store) == want
    for case in _ref_cases("consistency"):
        want = [bytes.fromhex(h) for h in case["proof"]]
        assert consistency_proof(case["old_size"], case["new_size"], store) == want


def test_compact_range_append_reports_new_nodes() -> None:
    cr = CompactRange(0, [])
    assert cr.append(REF_LEAF_HASHES[0]) == []
    new = cr.append(REF_LEAF_HASHES[1])
    assert new == [(1, 0, node_hash(REF_LEAF_HASHES[0], REF_LEAF_HASHES[1]))]
    assert cr.append(REF_LEAF_HASHES[2]) == []
    assert [(lvl, idx) for lvl, idx, _ in cr.append(REF_LEAF_HASHES[3])] == [(1, 1), (2, 0)]
    assert cr.edge == [REF_ROOTS[4]]


def test_compact_range_resume_from_edge() -> None:
    full = CompactRange(0, [])
    for lh in REF_LEAF_HASHES[:5]:
        full.append(lh)
    resumed = CompactRange(5, full.edge)
    for lh in REF_LEAF_HASHES[5:]:
        assert resumed.append(lh) == full.append(lh)
    assert resumed.root() == full.root() == REF_ROOTS[8]


# ------------------------------------------------------------------ decompositions


def test_subtree_coords() -> None:
    assert subtree_coords(0, 0) == []
    assert subtree_coords(0, 1) == [(0, 0)]
    assert subtree_coords(0, 7) == [(2, 0), (1, 2), (0, 6)]
    assert subtree_coords(0, 8) == [(3, 0)]
    assert subtree_coords(4, 7) == [(1, 2), (0, 6)]
    assert subtree_coords(8, 13) == [(2, 2), (0, 12)]
    assert subtree_coords(1, 4) == [(0, 1), (1, 1)]  # general range, greedy


def test_range_hash() -> None:
    nodes = _complete_subtrees(REF_LEAF_HASHES)
    for a in range(8):
        for b in range(a, 9):
            size = b - a
            if size and a % (1 << (size.bit_length() - 1)):
                with pytest.raises(BadInput, match="not a Merkle subtree"):
                    range_hash(a, b, nodes)
            else:
                assert range_hash(a, b, nodes) == _naive_mth(REF_LEAF_HASHES[a:b])
    with pytest.raises(BadInput, match="no stored subtree hash for level 0 index 6"):
        range_hash(4, 7, {(1, 2): b"\x00" * 32})


def test_inclusion_and_consistency_ranges() -> None:
    assert inclusion_ranges(0, 1) == []
    assert inclusion_ranges(5, 8) == [(4, 5), (6, 8), (0, 4)]
    assert inclusion_ranges(2, 3) == [(0, 2)]
    assert consistency_ranges(3, 3) == []
    assert consistency_ranges(6, 8) == [(4, 6), (6, 8), (0, 4)]
    assert consistency_ranges(2, 5) == [(2, 4), (4, 5)]
    assert consistency_ranges(3, 7) == [(2, 3), (3, 4), (0, 2), (4, 7)]


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("index", "size", "message"),
    [
        (9, 8, "leaf index 9 is not below tree size 8"),
        (8, 8, "leaf index 8 is not below tree size 8"),
        (0, 0, "leaf index 0 is not below tree size 0"),
        (-1, 8, "leaf index -1 is negative"),
    ],
)
def test_inclusion_generation_bad_input(index: int, size: int, message: str) -> None:
    store = CountingStore({})
    with pytest.raises(BadInput, match=message):
        inclusion_proof(index, size, store)
    with pytest.raises(BadInput, match=message):
        inclusion_ranges(index, size)
    assert store.calls == []


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (9, 8, "old tree size 9 exceeds new tree size 8"),
        (0, 8, "old tree size 0 is not positive"),
        (0, 0, "old tree size 0 is not positive"),
        (-3, 8, "old tree size -3 is not positive"),
    ],
)
def test_consistency_generation_bad_input(old: int, new: int, message: str) -> None:
    store = CountingStore({})
    with pytest.raises(BadInput, match=message):
        consistency_proof(old, new, store)
    assert store.calls == []


def test_generation_missing_node_is_bad_input() -> None:
    with pytest.raises(BadInput, match="no stored subtree hash"):
        inclusion_proof(0, 8, lambda coords: {})
    with pytest.raises(BadInput, match="no stored subtree hash"):
        root_at(3, lambda coords: {})
    with pytest.raises(BadInput, match="no stored subtree hash"):
        CompactRange.from_fetch(3, lambda coords: {})


def test_other_bad_input() -> None:
    with pytest.raises(BadInput):
        subtree_coords(-1, 3)
    with pytest.raises(BadInput):
        subtree_coords(5, 3)
    with pytest.raises(BadInput):
        root_at(-1, CountingStore({}))
    with pytest.raises(BadInput, match="needs 2 edge hashes, got 1"):
        CompactRange(3, [REF_ROOTS[2]])
    with pytest.raises(BadInput, match="edge hash 0 has 3 bytes"):
        CompactRange(1, [b"abc"])
    with pytest.raises(BadInput, match="leaf hash has 1 bytes"):
        CompactRange(0, []).append(b"x")


U64 = 2**64


@pytest.mark.parametrize(
    ("index", "size"),
    [(U64 - 1, 8), (U64 - 1, U64 - 1), (-1, 8), (0, -1), (0, U64), (U64, U64 + 1), (3, 3)],
)
def test_verify_inclusion_rejects_bad_index_or_size(index: int, size: int) -> None:
    with pytest.raises(ProofError):
        verify_inclusion(index, size, REF_LEAF_HASHES[0], [], REF_ROOTS[1])


def test_verify_inclusion_rejects_garbage() -> None:
    proof = [bytes.fromhex(h) for h in _ref_cases("inclusion")[1]["path"]]
    args = (0, 8, REF_LEAF_HASHES[0])
    verify_inclusion(*args, proof, REF_ROOTS[8])
    with pytest.raises(ProofError, match="proof has 2 hashes, expected 3"):
        verify_inclusion(*args, proof[:2], REF_ROOTS[8])
    with pytest.raises(ProofError, match="proof hash 1 has 31 bytes"):
        verify_inclusion(*args, [proof[0], proof[1][:31], proof[2]], REF_ROOTS[8])
    with pytest.raises(ProofError, match="leaf hash has 0 bytes"):
        verify_inclusion(0, 8, b"", proof, REF_ROOTS[8])
    with pytest.raises(ProofError, match="does not match"):
        verify_inclusion(*args, proof, REF_ROOTS[8][:31])
    with pytest.raises(ProofError, match="does not match"):
        verify_inclusion(*args, proof, REF_ROOTS[7])


@pytest.mark.parametrize(
    ("old", "new"),
    [(0, 0), (0, 8), (9, 8), (-1, 8), (1, -1), (U64 - 1, U64), (U64, U64), (1, U64)],
)
def test_verify_consistency_rejects_bad_sizes(old: int, new: int) -> None:
    with pytest.raises(ProofError):
        verify_consistency(old, new, EMPTY_ROOT, EMPTY_ROOT, [])


def test_consistency_zero_to_zero_always_fails() -> None:
    with pytest.raises(ProofError, match="old tree size is 0"):
        verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    with pytest.raises(ProofError, match="old tree size is 0"):
        root_from_consistency_proof(0, 0, EMPTY_ROOT, [])


def test_consistency_equal_sizes() -> None:
    verify_consistency(8, 8, REF_ROOTS[8], REF_ROOTS[8], [])
    with pytest.raises(ProofError, match="expected 0"):
        verify_consistency(8, 8, REF_ROOTS[8], REF_ROOTS[8], [REF_ROOTS[8]])
    with pytest.raises(ProofError, match="new root"):
        verify_consistency(8, 8, REF_ROOTS[8], REF_ROOTS[7], [])


def test_consistency_garbage() -> None:
    proof = [bytes.fromhex(h) for h in _ref_cases("consistency")[2]["proof"]]  # 6 -> 8
    verify_consistency(6, 8, REF_ROOTS[6], REF_ROOTS[8], proof)
    with pytest.raises(ProofError, match="proof is empty"):
        verify_consistency(6, 8, REF_ROOTS[6], REF_ROOTS[8], [])
    with pytest.raises(ProofError, match="proof has 4 hashes, expected 3"):
        verify_consistency(6, 8, REF_ROOTS[6], REF_ROOTS[8], [*proof, proof[0]])
    with pytest.raises(ProofError, match="proof hash 2 has 33 bytes"):
        verify_consistency(6, 8, REF_ROOTS[6], REF_ROOTS[8], [*proof[:2], proof[2] + b"\x00"])
    with pytest.raises(ProofError, match="old root"):
        verify_consistency(6, 8, REF_ROOTS[5], REF_ROOTS[8], proof)
    with pytest.raises(ProofError, match="new root"):
        verify_consistency(6, 8, REF_ROOTS[6], REF_ROOTS[7], proof)


# ------------------------------------------------------------------ a 1,000,000-leaf tree


def _uniform_store() -> tuple[CountingStore, dict[int, bytes]]:
    """A consistent lazy store in which every leaf hash is the same value."""
    per_level = {0: leaf_hash(b"same")}
    for level in range(1, 64):
        per_level[level] = node_hash(per_level[level - 1], per_level[level - 1])

    class Uniform(CountingStore):
        def __call__(self, coords: Sequence[Coord]) -> Mapping[Coord, bytes]:
            self.calls.append(list(coords))
            return {c: per_level[c[0]] for c in coords}

    return Uniform({}), per_level


@pytest.mark.parametrize("size", [1_000_000, 2**20, 2**20 + 1, 999_999])
def test_million_leaf_proofs_use_one_small_fetch(size: int) -> None:
    store, per_level = _uniform_store()
    root = root_at(size, store)
    bound = 2 * math.ceil(math.log2(size)) + 2
    for index in (0, 1, size // 3, size // 2, size - 2, size - 1):
        store.calls.clear()
        proof = inclusion_proof(index, size, store)
        assert len(store.calls) == 1
        coords = store.calls[0]
        assert len(coords) == len(set(coords)) <= bound
        assert all((i + 1) << lvl <= size for lvl, i in coords)
        verify_inclusion(index, size, per_level[0], proof, root)
    for old in (1, 2, 3, 1000, size // 2 + 1, size - 1):
        store.calls.clear()
        proof = consistency_proof(old, size, store)
        assert len(store.calls) == 1
        coords = store.calls[0]
        assert len(coords) == len(set(coords)) <= bound
        assert all((i + 1) << lvl <= size for lvl, i in coords)
        verify_consistency(old, size, root_at(old, store), root, proof)


def test_module_exports() -> None:
    for name in merkle.__all__:
        assert hasattr(merkle, name), name
