"""The witness's own state is checked, and a first cosignature needs the log key (issue 13 item 15)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.errors import BadInput, VerificationError
from ledger.note import Checkpoint, parse_note, verifier_key
from ledger.witness import cosign_checkpoint, load_pinned, load_state
from tests.conftest import ORIGIN, World, agency

W = "audit-bureau"


def _cp(world: World) -> str:
    return world.ledger.checkpoint(world.signer(), world.clock).note  # type: ignore[attr-defined]


def _cosign(world: World, note: str, key: Ed25519PrivateKey, state: Path, **kw):  # type: ignore[no-untyped-def]
    vkey = kw.pop("vkey", verifier_key(ORIGIN, world.log_key.public_key()))
    return cosign_checkpoint(note, vkey, W, key, state, None, world.clock, **kw)


def _grow(world: World, n: int, start: int) -> str:
    world.append("registrar", [agency(start + i) for i in range(n)])
    return _cp(world)


def test_first_cosignature_needs_an_explicit_log_key_then_pins_it(
    sqlite_world: World, tmp_path: Path
) -> None:
    wkey = Ed25519PrivateKey.generate()
    note = _cp(sqlite_world)
    with pytest.raises(BadInput, match="--vkey"):
        _cosign(sqlite_world, note, wkey, tmp_path, explicit_vkey=False)
    assert load_state(tmp_path, ORIGIN) is None
    _cosign(sqlite_world, note, wkey, tmp_path, explicit_vkey=True)
    pinned = load_pinned(tmp_path, ORIGIN)
    assert pinned is not None
    assert pinned.encode() == verifier_key(ORIGIN, sqlite_world.log_key.public_key()).encode()
    # Later: the pin is enough.
    note2 = _grow(sqlite_world, 2, 0)
    res = _cosign(
        sqlite_world,
        note2,
        wkey,
        tmp_path,
        explicit_vkey=False,
        prover=lambda a, b: sqlite_world.ledger.consistency_proof(a, b),  # type: ignore[attr-defined]
    )
    assert res.previous is not None and res.checkpoint.size == res.previous.size + 2


def test_a_deleted_state_does_not_let_a_rollback_through_silently(
    sqlite_world: World, tmp_path: Path
) -> None:
    wkey = Ed25519PrivateKey.generate()
    old = _cp(sqlite_world)
    _cosign(sqlite_world, old, wkey, tmp_path)
    new = _grow(sqlite_world, 3, 0)
    _cosign(
        sqlite_world,
        new,
        wkey,
        tmp_path,
        prover=lambda a, b: sqlite_world.ledger.consistency_proof(a, b),  # type: ignore[attr-defined]
    )
    with pytest.raises(VerificationError, match="rollback"):
        _cosign(sqlite_world, old, wkey, tmp_path, explicit_vkey=False)
    (tmp_path / ORIGIN.replace("/", "%2F")).unlink()
    # Without the explicit first-time step the witness refuses and says why.
    with pytest.raises(BadInput, match="no state"):
        _cosign(sqlite_world, old, wkey, tmp_path, explicit_vkey=False)


def test_an_edited_state_is_caught_not_obeyed(sqlite_world: World, tmp_path: Path) -> None:
    wkey = Ed25519PrivateKey.generate()
    _cosign(sqlite_world, _cp(sqlite_world), wkey, tmp_path)
    path = tmp_path / ORIGIN.replace("/", "%2F")
    note = parse_note(path.read_text())
    cp = Checkpoint.parse(note.text)
    # Claim a much larger size with another root: the witness would then refuse good checkpoints.
    forged = Checkpoint(cp.origin, cp.size + 1000, bytes(32)).text()
    path.write_text(path.read_text().replace(note.text, forged))
    good = _grow(sqlite_world, 1, 0)
    with pytest.raises(VerificationError, match="edited or damaged"):
        _cosign(sqlite_world, good, wkey, tmp_path)
    # A flipped bit in the witness's own cosignature is caught too.
    _cosign(sqlite_world, good, wkey, tmp_path / "b")
    path_b = tmp_path / "b" / ORIGIN.replace("/", "%2F")
    lines = path_b.read_text().split("\n")
    name, b64 = lines[-2].rsplit(" ", 1)
    raw = bytearray(base64.b64decode(b64))
    raw[-1] ^= 1
    lines[-2] = name + " " + base64.b64encode(bytes(raw)).decode()
    path_b.write_text("\n".join(lines))
    with pytest.raises(VerificationError, match="edited or damaged"):
        _cosign(sqlite_world, good, wkey, tmp_path / "b")


def test_a_log_key_other_than_the_pinned_one_is_refused(
    sqlite_world: World, tmp_path: Path
) -> None:
    wkey = Ed25519PrivateKey.generate()
    note = _cp(sqlite_world)
    _cosign(sqlite_world, note, wkey, tmp_path)
    other = verifier_key(ORIGIN, Ed25519PrivateKey.generate().public_key())
    with pytest.raises(VerificationError, match="pinned"):
        _cosign(sqlite_world, note, wkey, tmp_path, vkey=other)
