"""Issue 13 items 10 and 14: a tree_nodes row beyond the log is flagged by verify,
append reports damage (not a race), and tree-node errors name the leaves covered."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, text

from ledger.errors import VerificationError
from ledger.schema import tree_nodes
from ledger.verify import verify_ledger
from tests.conftest import World, agency, drop_triggers


def _grow(world: World) -> int:
    world.append("registrar", [agency(i) for i in range(10)])
    return world.ledger.size()  # type: ignore[attr-defined,no-any-return]


def _stray(world: World, level: int, idx: int) -> None:
    with world.ledger.engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(insert(tree_nodes).values(level=level, idx=idx, hash=b"\x05" * 32))


def test_a_node_beyond_the_log_is_flagged_by_verify(world: World) -> None:
    size = _grow(world)  # 12 entries: nodes (2, 2) covering 8-11 exist, (2, 3) would cover 12-15
    assert size == 12
    verify_ledger(world.ledger)  # type: ignore[arg-type]
    _stray(world, 2, 3)
    for projections in (True, False):
        with pytest.raises(
            VerificationError, match="covers leaves 12–15, beyond the log's 12"
        ) as err:
            verify_ledger(world.ledger, projections=projections)  # type: ignore[arg-type]
        assert err.value.seq == 12


def test_append_over_a_stray_node_reports_damage_not_a_race(world: World) -> None:
    _grow(world)
    _stray(world, 1, 6)  # covers 12-13: the next append of two entries writes it
    with pytest.raises(VerificationError, match="damaged.*covering leaves 12–13") as err:
        world.append("registrar", [agency(100), agency(101)])
    assert "concurrent" not in str(err.value)
    assert world.ledger.size() == 12  # type: ignore[attr-defined]


def test_a_node_below_the_size_is_not_stray(world: World) -> None:
    size = _grow(world)
    with world.ledger.engine.connect() as conn:  # type: ignore[attr-defined]
        assert world.ledger.stray_nodes(conn, size) == []  # type: ignore[attr-defined]
        assert world.ledger.stray_nodes(conn, 4) == [
            (1, 2),
            (1, 3),
            (1, 4),
            (1, 5),
            (2, 1),
            (2, 2),
            (3, 0),
        ]  # type: ignore[attr-defined]


def test_a_missing_node_names_the_leaves_it_covers(world: World) -> None:
    _grow(world)
    drop_triggers(world.ledger.engine)  # type: ignore[attr-defined]
    with world.ledger.engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(text("DELETE FROM tree_nodes WHERE level = 2 AND idx = 2"))
    with pytest.raises(
        VerificationError, match=r"tree node \(2, 2\) is missing.*covers leaves 8–11"
    ) as err:
        verify_ledger(world.ledger)  # type: ignore[arg-type]
    assert err.value.seq == 8
