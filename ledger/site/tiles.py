"""C2SP tlog-tiles hash tiles and entry bundles (FORMATS.md §9).

A tile at level ``L`` and index ``N`` holds the Merkle tree hashes at tree
height ``8L`` with indices ``N*256 .. N*256+W-1`` (c2sp.org/tlog-tiles: "the
n-th tile at level l is the sequence MTH(D[(n*256+i)*256**l : (n*256+i+1)*256**l])").
A full tile has 256 hashes (8,192 bytes); the rightmost tile of a level is
partial (``.p/W``) when ``floor(size / 256**L) mod 256`` is not zero.  Go's
golang.org/x/mod/sumdb/tlog writes the same bytes under ``tile/8/L/N``.

:class:`TileHashes` turns the tiles of one tree size, fetched from anywhere
(a folder, a web server), into a :data:`ledger.merkle.Fetch`, so the proofs of
:mod:`ledger.merkle` can be computed from a published site alone.  Nothing read
from tiles is trusted: a proof computed from them is verified against signed
roots by the caller, and :meth:`TileHashes.check_full_tile` compares a full
tile's hash with its parent entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from hashlib import sha256 as _sha256

from ledger import merkle
from ledger.errors import BadInput, VerificationError

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT  # 256 hashes
HASH = merkle.HASH_SIZE
MAX_ENTRY = 0xFFFF  # entry bundles: 2-byte big-endian length prefix

Fetcher = Callable[[str], bytes]
"""Reads one site-relative path (``checkpoint``, ``tile/0/000``); raises EnvironmentProblem if absent."""


def encode_index(n: int) -> str:
    """``N`` in 3-digit groups, every group but the last prefixed with ``x`` (1234067 -> x001/x234/067)."""
    if n < 0:
        raise BadInput(f"tile index {n} is negative")
    groups = []
    while True:
        groups.append(f"{n % 1000:03d}")
        n //= 1000
        if n == 0:
            break
    groups.reverse()
    return "/".join([f"x{g}" for g in groups[:-1]] + [groups[-1]])


def tile_path(level: int | str, index: int, width: int = TILE_WIDTH) -> str:
    """``tile/<L>/<N>[.p/<W>]`` (level ``"entries"`` for an entry bundle)."""
    if not 1 <= width <= TILE_WIDTH:
        raise BadInput(f"tile width {width} is not between 1 and {TILE_WIDTH}")
    suffix = "" if width == TILE_WIDTH else f".p/{width}"
    return f"tile/{level}/{encode_index(index)}{suffix}"


@dataclass(frozen=True, slots=True)
class Tile:
    """One tile of a tree size: level, index and width (256 when full)."""

    level: int
    index: int
    width: int

    @property
    def full(self) -> bool:
        return self.width == TILE_WIDTH

    def path(self) -> str:
        return tile_path(self.level, self.index, self.width)

    def entries_path(self) -> str:
        return tile_path("entries", self.index, self.width)


def level_count(size: int, level: int) -> int:
    """How many hashes of tile level ``level`` a tree of ``size`` leaves has."""
    return size >> (TILE_HEIGHT * level)


def tiles_for(size: int, level: int, start: int = 0) -> Iterator[Tile]:
    """The tiles of ``level`` for a tree of ``size`` leaves, from tile index ``start`` on."""
    count = level_count(size, level)
    full, rest = divmod(count, TILE_WIDTH)
    for n in range(start, full):
        yield Tile(level, n, TILE_WIDTH)
    if rest and start <= full:
        yield Tile(level, full, rest)


def levels(size: int) -> range:
    """The tile levels a tree of ``size`` leaves has (none when empty)."""
    top = 0
    while level_count(size, top + 1) > 0:
        top += 1
    return range(top + 1) if size > 0 else range(0)


def tile_hash(data: bytes) -> bytes:
    """MTH of a full tile's 256 hashes: the entry its parent tile holds for it.

    RFC 9162 §2.1.1 over a perfect subtree, level by level (the same result as
    :func:`ledger.merkle.root_from_leaf_hashes`, in fewer Python steps).
    """
    if len(data) != TILE_WIDTH * HASH:
        raise BadInput(f"a full tile has {TILE_WIDTH * HASH} bytes, not {len(data)}")
    level = split_hashes(data)
    while len(level) > 1:
        level = [
            _sha256(b"\x01" + a + b).digest() for a, b in zip(level[0::2], level[1::2], strict=True)
        ]
    return level[0]


def split_hashes(data: bytes) -> list[bytes]:
    return [data[i : i + HASH] for i in range(0, len(data), HASH)]


def entry_bundle(leaves: Sequence[bytes]) -> bytes:
    """An entry bundle: each leaf as a 2-byte big-endian length, then its bytes."""
    out = bytearray()
    for leaf in leaves:
        if len(leaf) > MAX_ENTRY:
            raise BadInput(f"an entry of {len(leaf)} bytes does not fit an entry bundle")
        out += len(leaf).to_bytes(2, "big")
        out += leaf
    return bytes(out)


def read_bundle(data: bytes, want: int, where: str) -> list[bytes]:
    """The ``want`` entries of an entry bundle; VerificationError if it is malformed."""
    out: list[bytes] = []
    pos = 0
    while pos < len(data):
        if pos + 2 > len(data):
            raise VerificationError(f"{where}: truncated length prefix at byte {pos}")
        n = int.from_bytes(data[pos : pos + 2], "big")
        if pos + 2 + n > len(data):
            raise VerificationError(f"{where}: truncated entry at byte {pos}")
        out.append(data[pos + 2 : pos + 2 + n])
        pos += 2 + n
    if len(out) != want:
        raise VerificationError(f"{where}: holds {len(out)} entries, not {want}")
    return out


class TileHashes:
    """Complete-subtree hashes of a tree of ``size`` leaves, read from its tiles.

    ``fetch(path)`` returns a tile's bytes.  Tiles are cached.  Use
    :meth:`fetch_coords` as the :data:`ledger.merkle.Fetch` of proof builders;
    any hash it returns comes from unverified tiles until the resulting proof
    or root is checked against a signed checkpoint.
    """

    def __init__(self, size: int, fetch: Fetcher) -> None:
        if size < 0:
            raise BadInput(f"tree size {size} is negative")
        self.size = size
        self._fetch = fetch
        self._tiles: dict[tuple[int, int], list[bytes]] = {}

    def tile(self, level: int, index: int) -> list[bytes]:
        """The hashes of tile ``(level, index)`` of this tree size (full or partial)."""
        key = (level, index)
        got = self._tiles.get(key)
        if got is not None:
            return got
        count = level_count(self.size, level)
        width = min(TILE_WIDTH, count - index * TILE_WIDTH)
        if width <= 0:
            raise BadInput(f"tile {level}/{index} is beyond tree size {self.size}")
        path = tile_path(level, index, width)
        data = self._fetch(path)
        if len(data) != width * HASH:
            raise VerificationError(
                f"瓦片 {path} 长度错误（tile {path} has {len(data)} bytes, not {width * HASH}）"
            )
        hashes = split_hashes(data)
        self._tiles[key] = hashes
        return hashes

    def node(self, height: int, index: int) -> bytes:
        """MTH of the complete subtree ``(height, index)`` (leaves ``index*2**height`` on)."""
        if (index + 1) << height > self.size:
            raise BadInput(f"subtree ({height}, {index}) is not complete in tree size {self.size}")
        level, r = divmod(height, TILE_HEIGHT)
        first = index << r  # first hash of tile level ``level`` under this node
        tile_index, offset = divmod(first, TILE_WIDTH)
        hashes = self.tile(level, tile_index)[offset : offset + (1 << r)]
        return hashes[0] if r == 0 else merkle.root_from_leaf_hashes(hashes)

    def fetch_coords(self, coords: Sequence[merkle.Coord]) -> Mapping[merkle.Coord, bytes]:
        """A :data:`ledger.merkle.Fetch` over the tiles."""
        return {c: self.node(c[0], c[1]) for c in coords}

    def root(self) -> bytes:
        """The tree's root computed from the tiles (verify it against a signed root)."""
        return merkle.root_at(self.size, self.fetch_coords)

    def consistency_proof(self, old_size: int) -> list[bytes]:
        """RFC 9162 §2.1.4 proof from ``old_size`` to this size, from the tiles."""
        return merkle.consistency_proof(old_size, self.size, self.fetch_coords)

    def inclusion_proof(self, index: int) -> list[bytes]:
        """RFC 9162 §2.1.3 proof of leaf ``index`` in this size, from the tiles."""
        return merkle.inclusion_proof(index, self.size, self.fetch_coords)


__all__ = [
    "HASH",
    "MAX_ENTRY",
    "TILE_HEIGHT",
    "TILE_WIDTH",
    "Fetcher",
    "Tile",
    "TileHashes",
    "encode_index",
    "entry_bundle",
    "level_count",
    "levels",
    "read_bundle",
    "split_hashes",
    "tile_hash",
    "tile_path",
    "tiles_for",
]
