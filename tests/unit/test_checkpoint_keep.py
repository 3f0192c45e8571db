"""Issue 13 item 5: the keystore's copy of the checkpoint is written before the
database commits, a lagging copy is repaired, and a full disk never leads to
two roots for one size (FORMATS.md §5)."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from sqlalchemy import select

from ledger.errors import EnvironmentProblem
from ledger.keys import Keystore
from ledger.note import Checkpoint, parse_note
from ledger.schema import checkpoints
from tests.conftest import ORIGIN, FakeClock, World, agency, make_world
from tests.helpers.disk import fill, small_tmpfs


def _db_sizes(world: World) -> list[int]:
    with world.ledger.engine.connect() as conn:  # type: ignore[attr-defined]
        return [
            int(s)
            for s in conn.execute(select(checkpoints.c.size).order_by(checkpoints.c.size)).scalars()
        ]


def _kept(world: World) -> Checkpoint | None:
    note = world.keystore.latest_checkpoint(ORIGIN)  # type: ignore[attr-defined]
    return None if note is None else Checkpoint.parse(parse_note(note).text)


def _full_disk(*_a, **_k):  # type: ignore[no-untyped-def]
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_keystore_disk_commits_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.append("registrar", [agency(1)])
    first = world.ledger.checkpoint(world.signer(), world.clock)  # type: ignore[attr-defined]
    world.append("registrar", [agency(2)])
    monkeypatch.setattr(Keystore, "save_checkpoint", _full_disk)
    with pytest.raises(EnvironmentProblem, match="No space left on device") as err:
        world.ledger.checkpoint(world.signer(), world.clock)  # type: ignore[attr-defined]
    assert err.value.exit_code == 3 and "ledger init" not in str(err.value)
    assert _db_sizes(world) == [first.size]  # the database did not take the new checkpoint
    monkeypatch.undo()
    cp = world.ledger.checkpoint(world.signer(), world.clock)  # type: ignore[attr-defined]
    assert _db_sizes(world) == [first.size, cp.size]
    assert _kept(world) == Checkpoint.parse(parse_note(cp.note).text)


def test_a_failed_commit_after_the_keystore_copy_reuses_that_copy(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ledger import log

    world.append("registrar", [agency(1)])
    real = log._keep_checkpoint

    def keep_then_crash(*a):  # type: ignore[no-untyped-def]
        real(*a)
        raise RuntimeError("power cut before the commit")

    monkeypatch.setattr(log, "_keep_checkpoint", keep_then_crash)
    with pytest.raises(RuntimeError):
        world.ledger.checkpoint(world.signer(), world.clock)  # type: ignore[attr-defined]
    monkeypatch.undo()
    kept_note = world.keystore.latest_checkpoint(ORIGIN)  # type: ignore[attr-defined]
    assert kept_note is not None and _db_sizes(world) == []
    cp = world.ledger.checkpoint(world.signer(), world.clock)  # type: ignore[attr-defined]
    assert cp.note == kept_note  # the same signed note, not a second signature
    assert _db_sizes(world) == [cp.size]


def test_a_lagging_keystore_copy_is_repaired(world: World) -> None:
    world.append("registrar", [agency(1)])
    old = world.ledger.checkpoint(world.signer(), world.clock)  # type: ignore[attr-defined]
    world.append("registrar", [agency(2)])
    new = world.ledger.checkpoint(world.signer(), world.clock)  # type: ignore[attr-defined]
    world.keystore.save_checkpoint(ORIGIN, old.note)  # type: ignore[attr-defined]  # a restored keystore
    again = world.ledger.checkpoint(world.signer(), world.clock)  # type: ignore[attr-defined]
    assert again.note == new.note
    assert world.keystore.latest_checkpoint(ORIGIN) == new.note  # type: ignore[attr-defined]


def _roots_by_size(world: World) -> dict[int, set[bytes]]:
    """Every root the log key has put its name to, per size: the database's
    checkpoints and the keystore's copy."""
    roots: dict[int, set[bytes]] = {}
    with world.ledger.engine.connect() as conn:  # type: ignore[attr-defined]
        for size, root in conn.execute(select(checkpoints.c.size, checkpoints.c.root)):
            roots.setdefault(int(size), set()).add(bytes(root))
    kept = _kept(world)
    if kept is not None:
        roots.setdefault(kept.size, set()).add(kept.root)
    return roots


def test_a_really_full_keystore_disk_never_leads_to_two_roots(
    db_url: str, tmp_path: Path, clock: FakeClock
) -> None:
    # The keystore lives on a real 64 KiB tmpfs that fills up (issue 13 item 5).
    with small_tmpfs(tmp_path / "disk") as disk:
        world = make_world(db_url, disk, clock)
        try:
            world.append("registrar", [agency(1)])
            first = world.ledger.checkpoint(world.signer(), world.clock)  # type: ignore[attr-defined]
            world.append("registrar", [agency(2)])
            filler = fill(disk)
            with pytest.raises(EnvironmentProblem) as err:
                world.ledger.checkpoint(world.signer(), world.clock)  # type: ignore[attr-defined]
            assert err.value.exit_code == 3 and "ledger init" not in str(err.value)
            assert _db_sizes(world) == [first.size]  # nothing committed
            # more appends while the disk is still full, then space comes back
            world.append("registrar", [agency(3)])
            filler.unlink()
            cp = world.ledger.checkpoint(world.signer(), world.clock)  # type: ignore[attr-defined]
            assert cp.size == first.size + 2
            assert _db_sizes(world) == [first.size, cp.size]
            assert _kept(world) == Checkpoint.parse(parse_note(cp.note).text)
            assert all(len(r) == 1 for r in _roots_by_size(world).values())
        finally:
            world.ledger.close()  # type: ignore[attr-defined]
