"""Ledger.fetch_nodes (what proofs, append and verify read subtree hashes with)
returns exactly the stored hashes asked for, however the coords are grouped;
verify's per-chunk node check catches edited and missing nodes in any chunk."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from ledger import merkle
from ledger.errors import VerificationError
from tests.conftest import World, agency, drop_triggers


def _stored(world: World) -> dict[merkle.Coord, bytes]:
    with world.ledger.engine.connect() as conn:  # type: ignore[attr-defined]
        leaves = conn.execute(text("SELECT seq, leaf_hash FROM entries")).all()
        nodes = conn.execute(text("SELECT level, idx, hash FROM tree_nodes")).all()
    out = {(0, int(s)): bytes(h) for s, h in leaves}
    out.update({(int(lv), int(i)): bytes(h) for lv, i, h in nodes})
    return out


def _fetch(world: World, coords: list[merkle.Coord]) -> dict[merkle.Coord, bytes]:
    with world.ledger.engine.connect() as conn:  # type: ignore[attr-defined]
        return world.ledger.fetch_nodes(conn, coords)  # type: ignore[attr-defined,no-any-return]


def test_any_grouping_of_coords_returns_exactly_the_stored_hashes(world: World) -> None:
    world.append("registrar", [agency(i) for i in range(45)])
    stored = _stored(world)
    everything = sorted(stored)
    sparse = [(0, 3), (0, 40), (1, 7), (3, 1), (5, 0), (1, 20)]
    dense = [(0, i) for i in range(5, 30)] + [(1, i) for i in range(2, 20)]
    gappy = [(0, i) for i in range(0, 46, 3)] + [(2, i) for i in range(0, 11, 2)]
    for coords in (everything, sparse, dense, gappy, sparse + sparse, [(4, 1)], []):
        assert _fetch(world, coords) == {c: stored[c] for c in coords}


def test_a_missing_coord_is_named_in_request_order(world: World) -> None:
    world.append("registrar", [agency(i) for i in range(10)])
    with pytest.raises(VerificationError, match=r"tree node \(3, 5\) is missing"):
        _fetch(world, [(0, 1), (3, 5), (1, 1), (0, 999)])


def test_proofs_equal_the_in_memory_ones(world: World) -> None:
    world.append("registrar", [agency(i) for i in range(37)])
    stored = _stored(world)
    size = world.ledger.size()  # type: ignore[attr-defined]

    def fetch(cs):  # type: ignore[no-untyped-def]
        return {c: stored[c] for c in cs}

    for n in (1, 2, 5, 16, 17, size):
        for i in range(n):
            assert world.ledger.inclusion_proof(i, n) == merkle.inclusion_proof(i, n, fetch)  # type: ignore[attr-defined]
        for m in range(1, n + 1):
            assert world.ledger.consistency_proof(m, n) == merkle.consistency_proof(m, n, fetch)  # type: ignore[attr-defined]


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    import ledger.verify

    monkeypatch.setattr(ledger.verify, "CHUNK", 8)


@pytest.mark.usefixtures("small_chunks")
def test_a_node_edited_in_a_later_chunk_is_caught(world: World) -> None:
    from ledger.verify import verify_ledger

    world.append("registrar", [agency(i) for i in range(40)])
    verify_ledger(world.ledger)  # type: ignore[arg-type]
    drop_triggers(world.ledger.engine)  # type: ignore[attr-defined]
    with world.ledger.engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(
            text("UPDATE tree_nodes SET hash = :h WHERE level = 1 AND idx = 13"),
            {"h": b"\x07" * 32},
        )
    with pytest.raises(VerificationError, match=r"stored tree node \(level 1, index 13\)") as err:
        verify_ledger(world.ledger)  # type: ignore[arg-type]
    assert err.value.seq == 26  # node (1, 13) covers leaves 26-27


@pytest.mark.usefixtures("small_chunks")
def test_a_leaf_hash_edited_in_a_later_chunk_is_caught(world: World) -> None:
    from ledger.verify import verify_ledger

    world.append("registrar", [agency(i) for i in range(40)])
    drop_triggers(world.ledger.engine)  # type: ignore[attr-defined]
    with world.ledger.engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(text("UPDATE entries SET leaf_hash = :h WHERE seq = 35"), {"h": b"\x07" * 32})
    with pytest.raises(VerificationError, match="stored leaf hash differs") as err:
        verify_ledger(world.ledger)  # type: ignore[arg-type]
    assert err.value.seq == 35


@pytest.mark.usefixtures("small_chunks")
def test_a_node_deleted_in_a_later_chunk_is_caught(world: World) -> None:
    from ledger.verify import verify_ledger

    world.append("registrar", [agency(i) for i in range(40)])
    drop_triggers(world.ledger.engine)  # type: ignore[attr-defined]
    with world.ledger.engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(text("DELETE FROM tree_nodes WHERE level = 2 AND idx = 4"))
    with pytest.raises(VerificationError, match=r"tree node \(2, 4\) is missing") as err:
        verify_ledger(world.ledger)  # type: ignore[arg-type]
    assert err.value.seq == 16  # the chunk [16, 24) completes node (2, 4)
