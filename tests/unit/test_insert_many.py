"""log._insert_many, append's bulk insert (COPY on PostgreSQL, executemany on
SQLite): rows land in the caller's transaction, and a duplicate key is
SQLAlchemy's IntegrityError (which append reports as a collided append)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from ledger.log import _insert_many
from ledger.schema import tree_nodes
from tests.conftest import World, agency


def _count(world: World) -> int:
    with world.ledger.engine.connect() as conn:  # type: ignore[attr-defined]
        return int(conn.execute(text("SELECT count(*) FROM tree_nodes")).scalar_one())


def test_rows_are_part_of_the_transaction(world: World) -> None:
    world.append("registrar", [agency(i) for i in range(5)])
    before = _count(world)
    rows = [(40, 1, b"\x01" * 32), (40, 2, b"\x02" * 32)]
    with world.ledger.engine.connect() as conn, conn.begin() as tx:  # type: ignore[attr-defined]
        _insert_many(conn, tree_nodes, ("level", "idx", "hash"), rows)
        got = conn.execute(text("SELECT idx, hash FROM tree_nodes WHERE level = 40")).all()
        assert sorted((int(i), bytes(h)) for i, h in got) == [(1, b"\x01" * 32), (2, b"\x02" * 32)]
        tx.rollback()
    assert _count(world) == before


def test_a_duplicate_key_is_an_integrity_error(world: World) -> None:
    world.append("registrar", [agency(i) for i in range(5)])
    before = _count(world)
    with (
        pytest.raises(IntegrityError),
        world.ledger.engine.connect() as conn,  # type: ignore[attr-defined]
        conn.begin(),
    ):
        _insert_many(conn, tree_nodes, ("level", "idx", "hash"), [(1, 0, b"\x00" * 32)])
    assert _count(world) == before
