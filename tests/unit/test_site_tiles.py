"""Published hash tiles (c2sp.org/tlog-tiles, FORMATS.md §9): paths, shapes, roots, increments."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger import merkle
from ledger.errors import VerificationError
from ledger.log import Ledger, LogSigner
from ledger.site.publish import checkpoint_signed_at, publish
from ledger.site.source import dir_fetcher
from ledger.site.tiles import (
    TileHashes,
    encode_index,
    entry_bundle,
    levels,
    read_bundle,
    tile_path,
    tiles_for,
)
from tests.conftest import ORIGIN, World, agency


@pytest.mark.parametrize(
    ("n", "path"),
    [(0, "000"), (7, "007"), (999, "999"), (1000, "x001/000"), (1234067, "x001/x234/067")],
)
def test_index_encoding(n: int, path: str) -> None:
    assert encode_index(n) == path


def test_tile_paths() -> None:
    assert tile_path(0, 5) == "tile/0/005"
    assert tile_path(2, 1234067, 17) == "tile/2/x001/x234/067.p/17"
    assert tile_path("entries", 3, 1) == "tile/entries/003.p/1"


def _shape(size: int) -> dict[int, tuple[int, list[int]]]:
    out = {}
    for lvl in levels(size):
        ts = list(tiles_for(size, lvl))
        out[lvl] = (sum(t.full for t in ts), [t.width for t in ts if not t.full])
    return out


def test_tile_shapes_follow_the_spec_examples() -> None:
    # c2sp.org/tlog-tiles: 70,000 = 273 full level-0 tiles and a partial of 112, one full
    # level-1 tile and a partial of 17, one partial level-2 tile of width 1.
    assert _shape(70_000) == {0: (273, [112]), 1: (1, [17]), 2: (0, [1])}
    # "a tree of size 256 will be represented by a full level 0 tile and a partial level 1 tile of width 1"
    assert _shape(256) == {0: (1, []), 1: (0, [1])}
    assert _shape(255) == {0: (0, [255])}
    assert _shape(0) == {}


def test_entry_bundles_round_trip() -> None:
    leaves = [b"", b"a", b"x" * 300]
    data = entry_bundle(leaves)
    assert data[:2] == b"\x00\x00" and data[2:4] == b"\x00\x01"
    assert read_bundle(data, 3, "b") == leaves
    with pytest.raises(VerificationError):
        read_bundle(data[:-1], 3, "b")


def _files(site: Path) -> dict[str, tuple[bytes, int]]:
    out = {}
    for p in (site / "tile").rglob("*"):
        if p.is_file():
            st = p.stat()
            out[p.relative_to(site).as_posix()] = (p.read_bytes(), st.st_ino)
    return out


def _expected(size: int) -> set[str]:
    return {t.path() for lvl in levels(size) for t in tiles_for(size, lvl)}


def _independent_root(ledger: Ledger, size: int) -> bytes:
    hashes = [hashlib.sha256(b"\x00" + leaf).digest() for _, leaf, _ in ledger.iter_leaves(0, size)]
    return merkle.root_from_leaf_hashes(hashes)


def _publish(world: World, site: Path) -> int:
    ledger: Ledger = world.ledger  # type: ignore[assignment]
    cp = ledger.checkpoint(world.signer(), world.clock)
    publish(ledger, site, cp, signed_at=checkpoint_signed_at(ledger, cp.size))
    return cp.size


def test_every_size_up_to_600_gives_the_rfc9162_root(sqlite_world: World, tmp_path: Path) -> None:
    """Published after every append: the tiles on disk give the RFC 9162 root of all leaves,
    exactly the tiles of that size are there (stale partials replaced), and no full tile
    once written ever changes (same bytes, same file)."""
    site = tmp_path / "site"
    ledger: Ledger = sqlite_world.ledger  # type: ignore[assignment]
    full_seen: dict[str, tuple[bytes, int]] = {}
    i = 0
    while True:
        size = _publish(sqlite_world, site)
        root = TileHashes(size, dir_fetcher(site)).root()
        assert root == _independent_root(ledger, size), size
        files = _files(site)
        assert set(files) == _expected(size), size
        for path, (data, ino) in full_seen.items():
            assert files[path] == (data, ino), f"full tile {path} changed at size {size}"
        for path, v in files.items():
            if ".p/" not in path:
                full_seen.setdefault(path, v)
        if size >= 600:
            break
        sqlite_world.append("registrar", [agency(i)])
        i += 1
    assert "tile/0/000" in full_seen and "tile/0/001" in full_seen


def test_a_log_of_one_entry(tmp_path: Path, clock) -> None:  # type: ignore[no-untyped-def]
    from ledger.keys import Keystore

    key = Ed25519PrivateKey.generate()
    ledger = Ledger.init(f"sqlite:///{tmp_path / 'one.db'}", ORIGIN, key, clock)
    cp = ledger.checkpoint(LogSigner(ORIGIN, key, Keystore(tmp_path / "ks")), clock)
    publish(ledger, tmp_path / "site", cp, signed_at=checkpoint_signed_at(ledger, 1))
    assert set(_files(tmp_path / "site")) == {"tile/0/000.p/1"}
    assert TileHashes(1, dir_fetcher(tmp_path / "site")).root() == cp.root
    ledger.close()


def test_republish_writes_only_new_tiles(sqlite_world: World, tmp_path: Path) -> None:
    site = tmp_path / "site"
    sqlite_world.append("registrar", [agency(i) for i in range(700)])
    _publish(sqlite_world, site)
    before = _files(site)
    mtimes = {p: os.stat(site / p).st_mtime_ns for p in before}
    sqlite_world.append("registrar", [agency(1000 + i) for i in range(300)])
    size = _publish(sqlite_world, site)
    after = _files(site)
    assert size == 1002
    for p, v in before.items():
        if ".p/" in p:
            assert p not in after, f"partial tile {p} was not replaced"
        else:
            assert after[p] == v and os.stat(site / p).st_mtime_ns == mtimes[p]
    assert "tile/0/003.p/234" in after and "tile/0/002" in after and "tile/1/000.p/3" in after


def test_publish_refuses_a_site_of_another_history(sqlite_world: World, tmp_path: Path) -> None:
    site = tmp_path / "site"
    sqlite_world.append("registrar", [agency(i) for i in range(10)])
    _publish(sqlite_world, site)
    text = (site / "checkpoint").read_text()
    lines = text.split("\n")
    lines[1] = str(int(lines[1]) + 5)  # the site claims more than the log has: a rollback
    (site / "checkpoint").write_text("\n".join(lines))
    ledger: Ledger = sqlite_world.ledger  # type: ignore[assignment]
    cp = ledger.checkpoint(sqlite_world.signer(), sqlite_world.clock)
    with pytest.raises(VerificationError, match="rollback"):
        publish(ledger, site, cp, signed_at=checkpoint_signed_at(ledger, cp.size))
    (site / "checkpoint").write_text(text.replace(text.split("\n")[2], "A" * 43 + "="))
    with pytest.raises(VerificationError, match="fork"):
        publish(ledger, site, cp, signed_at=checkpoint_signed_at(ledger, cp.size))
