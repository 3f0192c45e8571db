"""The SQLite layout append relies on for its speed (bench/README.md, issue 10):
one-column integer keys are the rowid (no second index to write), the kind index
holds only the successions recorder scope reads, and new files use 16 KiB pages.
The successions are still found through that index."""

from __future__ import annotations

from ledger.domain.state import _successions_from_log
from tests.conftest import World
from tests.helpers.audit_world import agency, succeeded


def test_seq_keys_are_the_rowid(sqlite_world: World) -> None:
    with sqlite_world.ledger.engine.connect() as conn:
        auto = conn.exec_driver_sql(
            "SELECT tbl_name FROM sqlite_master WHERE name LIKE 'sqlite_autoindex_%'"
        ).scalars()
        tables = set(auto)
        page = conn.exec_driver_sql("PRAGMA page_size").scalar()
    # text keys (agencies, commitments...) and tree_nodes' pair still need one
    assert not {"entries", "domain_events", "payments", "id_skeletons", "checkpoints"} & tables
    assert "commitments" in tables
    assert page == 16384


def test_the_kind_index_holds_the_successions_only(sqlite_world: World) -> None:
    sqlite_world.append("registrar", [agency("a"), agency("b"), agency("c")])
    sqlite_world.append("registrar", [succeeded(["a"], "c", "2024-01-01")])
    with sqlite_world.ledger.engine.connect() as conn:
        sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'entries_kind'")
        assert str(sql.scalar()).endswith("WHERE kind = 'agency.succeeded'")
        query = "SELECT seq, leaf FROM entries WHERE kind = 'agency.succeeded'"
        plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + query))
        assert "entries_kind" in plan
        found = list(_successions_from_log(conn))
    assert [(s.successor, s.effective.isoformat()) for s in found] == [("c", "2024-01-01")]


def test_rebuild_makes_the_partial_kind_index_where_none_is(sqlite_world: World) -> None:
    from ledger.domain.replay import rebuild

    with sqlite_world.ledger.engine.begin() as conn:
        conn.exec_driver_sql("DROP INDEX entries_kind")
    rebuild(sqlite_world.ledger)
    with sqlite_world.ledger.engine.connect() as conn:
        sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'entries_kind'")
        assert str(sql.scalar()).endswith("WHERE kind = 'agency.succeeded'")
