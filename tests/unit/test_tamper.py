"""Tampering behind the triggers' back is caught by verify, naming the seq."""

from __future__ import annotations

import shutil

import pytest

from ledger.canonical import canonical, loads
from ledger.entry import leaf_hash
from ledger.errors import VerificationError
from ledger.verify import verify_ledger
from tests.conftest import ORIGIN, World, agency, all_leaves, drop_triggers, resign, rewrite_log


def _grow(world: World, n: int = 12) -> list[bytes]:
    world.append("registrar", [agency(i) for i in range(n)])
    return all_leaves(world.ledger)


def _fails_at(world: World, seq: int, match: str, **kw) -> VerificationError:  # type: ignore[no-untyped-def]
    with pytest.raises(VerificationError, match=match) as err:
        verify_ledger(world.ledger, **kw)
    assert err.value.seq == seq, str(err.value)
    assert (
        f"entry {seq}" in str(err.value) or "rollback" in str(err.value) or "fork" in str(err.value)
    )
    return err.value


def test_an_edited_entry_is_caught(world: World) -> None:
    leaves = _grow(world)
    obj = loads(leaves[7])
    obj["statement"]["body"]["name"] = "改过的名字"
    leaves[7] = canonical(obj)
    rewrite_log(world.ledger.engine, leaves)
    _fails_at(world, 7, "signature does not verify")


def test_an_edited_and_resigned_entry_breaks_the_chain(world: World) -> None:
    leaves = _grow(world)
    obj = loads(leaves[7])
    obj["statement"]["body"]["name"] = "改过的名字"
    leaves[7] = resign(canonical(obj), world.keys["registrar"])
    rewrite_log(world.ledger.engine, leaves)
    _fails_at(world, 8, "prev does not match")


def test_a_deleted_entry_is_caught(world: World) -> None:
    leaves = _grow(world)
    del leaves[5]
    rewrite_log(world.ledger.engine, leaves)
    _fails_at(world, 5, "seq")


def test_an_inserted_entry_is_caught(world: World) -> None:
    leaves = _grow(world)
    leaves.insert(4, leaves[4])
    rewrite_log(world.ledger.engine, leaves)
    _fails_at(world, 5, "seq")


def test_two_swapped_entries_are_caught(world: World) -> None:
    leaves = _grow(world)
    leaves[3], leaves[4] = leaves[4], leaves[3]
    rewrite_log(world.ledger.engine, leaves)
    _fails_at(world, 3, "seq")


def test_a_forged_signature_is_caught(world: World) -> None:
    leaves = _grow(world)
    mallory = __import__(
        "cryptography.hazmat.primitives.asymmetric.ed25519", fromlist=["x"]
    ).Ed25519PrivateKey.generate()
    leaves[6] = resign(leaves[6], mallory)
    rewrite_log(world.ledger.engine, leaves)
    _fails_at(world, 6, "signature does not verify")


def test_a_stored_leaf_hash_edited_is_caught(world: World) -> None:
    _grow(world)
    drop_triggers(world.ledger.engine)
    with world.ledger.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE entries SET leaf_hash = leaf_hash WHERE seq = 1")
        from sqlalchemy import update

        from ledger.schema import entries

        conn.execute(update(entries).where(entries.c.seq == 9).values(leaf_hash=b"\x01" * 32))
    _fails_at(world, 9, "stored leaf hash differs")


def test_a_stored_tree_node_edited_is_caught(world: World) -> None:
    _grow(world)
    drop_triggers(world.ledger.engine)
    from sqlalchemy import update

    from ledger.schema import tree_nodes

    with world.ledger.engine.begin() as conn:
        conn.execute(
            update(tree_nodes)
            .where(tree_nodes.c.level == 2, tree_nodes.c.idx == 1)
            .values(hash=b"\x02" * 32)
        )
    with pytest.raises(VerificationError, match=r"stored tree node \(level 2, index 1\)"):
        verify_ledger(world.ledger)


def test_a_revoked_key_used_after_revocation_is_caught(world: World) -> None:
    world.register("clerk", agencies=["*"])
    world.append("clerk", [agency(1)])
    world.append_as(ORIGIN, world.log_key, [("key.revoked", {"name": "clerk", "reason": "left"})])
    world.append("registrar", [agency(2)])
    leaves = all_leaves(world.ledger)
    # forge a later entry as if the revoked clerk had signed it, chain intact
    obj = loads(leaves[-1])
    obj["statement"]["by"] = "clerk"
    leaves[-1] = resign(canonical(obj), world.keys["clerk"])
    rewrite_log(world.ledger.engine, leaves)
    _fails_at(world, len(leaves) - 1, "revoked at seq 4")


def test_an_out_of_scope_entry_is_caught(world: World) -> None:
    world.register("narrow", agencies=["ag-1"])
    world.append("registrar", [agency(1)])
    leaves = all_leaves(world.ledger)
    obj = loads(leaves[-1])
    obj["statement"]["by"] = "narrow"
    leaves[-1] = resign(canonical(obj), world.keys["narrow"])
    rewrite_log(world.ledger.engine, leaves)
    _fails_at(world, len(leaves) - 1, "scoped to '\\*'")


def test_a_log_rebuilt_under_another_key_fails_against_the_pinned_vkey(world: World) -> None:
    vkey = world.ledger.key_ring().get(ORIGIN).vkey
    verify_ledger(world.ledger, pin_vkey=vkey)
    import tempfile
    from pathlib import Path

    from tests.conftest import make_world

    with tempfile.TemporaryDirectory() as d:
        other = make_world(f"sqlite:///{d}/other.db", Path(d), world.clock)
        with pytest.raises(VerificationError, match="pinned --vkey"):
            verify_ledger(other.ledger, pin_vkey=vkey)
        other.ledger.close()


def test_truncation_is_a_rollback_against_a_saved_checkpoint(world: World) -> None:
    leaves = _grow(world)
    saved = world.ledger.checkpoint(world.signer(), world.clock).note
    rewrite_log(world.ledger.engine, leaves[:-3])
    # the stored checkpoint is beyond the log too; the saved one says rollback
    with pytest.raises(VerificationError, match="beyond the log|rollback"):
        verify_ledger(world.ledger, checkpoint_note=saved)


def test_a_rewritten_history_is_a_fork_against_a_saved_checkpoint(
    sqlite_world: World, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    # Restoring a file backup is a SQLite scenario.
    world = sqlite_world
    path = world.url.removeprefix("sqlite:///")
    world.ledger.engine.dispose()
    shutil.copy(path, tmp_path / "backup.db")
    _grow(world, 4)
    saved = world.ledger.checkpoint(world.signer(), world.clock).note
    world.ledger.engine.dispose()
    shutil.copy(tmp_path / "backup.db", path)
    for suffix in ("-wal", "-shm"):
        import os

        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    world.append("registrar", [agency(f"x{i}") for i in range(6)])  # a different history, longer
    with pytest.raises(VerificationError, match="fork"):
        verify_ledger(world.ledger, checkpoint_note=saved)
    # and the log key refuses to sign it: the keystore kept the last checkpoint
    with pytest.raises(VerificationError, match="does not reproduce the root"):
        world.ledger.checkpoint(world.signer(), world.clock)


def test_a_restored_smaller_database_is_refused_for_signing(sqlite_world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Restoring a file backup is a SQLite scenario.
    world = sqlite_world
    path = world.url.removeprefix("sqlite:///")
    world.ledger.engine.dispose()
    shutil.copy(path, tmp_path / "backup.db")
    _grow(world, 4)
    world.ledger.checkpoint(world.signer(), world.clock)
    world.ledger.engine.dispose()
    shutil.copy(tmp_path / "backup.db", path)
    with pytest.raises(VerificationError, match="restored from an older backup"):
        world.ledger.checkpoint(world.signer(), world.clock)


def test_leaf_bytes_that_are_not_canonical_are_caught(world: World) -> None:
    leaves = _grow(world, 3)
    leaves[3] = leaves[3].replace(b'{"prev"', b'{ "prev"', 1)
    rewrite_log(world.ledger.engine, leaves)
    _fails_at(world, 3, "canonical")
    assert leaf_hash(leaves[3])
