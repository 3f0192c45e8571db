"""Append accepts only signatures that verify with the registered key.

Signatures sign_statements has just made are not verified a second time
(log._signed_here); everything else is, so forged, altered or foreign
signatures are refused whichever way they arrive."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.canonical import canonical
from ledger.errors import BadInput
from ledger.log import Draft, Signed, _signed_here, sign_statements
from ledger.verify import verify_ledger
from tests.conftest import ORIGIN, World, agency


def _signed(world: World, n: int = 1, key: Ed25519PrivateKey | None = None) -> list[Signed]:
    drafts = [Draft(i + 1, *agency(f"s{i}")) for i in range(n)]
    return sign_statements(
        drafts, "registrar", key or world.keys["registrar"], world.clock, origin=ORIGIN
    )


def _public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes_raw()


def test_own_signatures_are_recognised_and_appended(world: World) -> None:
    signed = _signed(world, 3)
    pub = _public(world.keys["registrar"])
    assert all(_signed_here(s, canonical(s.statement), pub) for s in signed)
    assert world.ledger.append(signed, world.clock).appended == 3
    verify_ledger(world.ledger)


def test_a_signed_statement_from_elsewhere_is_verified_and_appended(world: World) -> None:
    s = _signed(world)[0]
    foreign = Signed(s.line, s.statement, s.sig)  # e.g. signed on another machine
    assert not _signed_here(foreign, canonical(s.statement), _public(world.keys["registrar"]))
    assert world.ledger.append([foreign], world.clock).appended == 1
    verify_ledger(world.ledger)


def test_a_statement_changed_after_signing_is_refused(world: World) -> None:
    s = _signed(world)[0]
    s.statement["body"]["name"] = "改过的名称"
    with pytest.raises(BadInput, match="signature does not verify"):
        world.ledger.append([s], world.clock)


def test_a_signature_swapped_in_afterwards_is_refused(world: World) -> None:
    a, b = _signed(world, 2)
    swapped = a._replace(sig=b.sig)  # keeps a's record of what it signed
    with pytest.raises(BadInput, match="signature does not verify"):
        world.ledger.append([swapped], world.clock)
    forged = a._replace(sig=bytes(64))
    with pytest.raises(BadInput, match="signature does not verify"):
        world.ledger.append([forged], world.clock)


def test_a_statement_signed_with_an_unregistered_key_is_refused(world: World) -> None:
    impostor = Ed25519PrivateKey.generate()  # signs as "registrar" with the wrong key
    s = _signed(world, key=impostor)[0]
    with pytest.raises(BadInput, match="signature does not verify"):
        world.ledger.append([s], world.clock)


def test_another_statements_record_does_not_vouch_for_this_one(world: World) -> None:
    a, b = _signed(world, 2)
    mixed = Signed(b.line, b.statement, a.sig, a.own)
    assert not _signed_here(mixed, canonical(b.statement), _public(world.keys["registrar"]))
    with pytest.raises(BadInput, match="signature does not verify"):
        world.ledger.append([mixed], world.clock)
