"""Witnesses cosign only what provably extends what they saw (no split views)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.errors import BadInput, EnvironmentProblem, VerificationError
from ledger.log import consistency_json
from ledger.note import (
    SIG_COSIGNATURE,
    Checkpoint,
    VerifierKey,
    cosignature_time,
    parse_note,
    verifier_key,
    verify_note,
)
from ledger.verify import verify_ledger
from ledger.witness import (
    check_cosignatures,
    cosign_checkpoint,
    default_state_dir,
    load_state,
    parse_consistency,
)
from tests.conftest import ORIGIN, FakeClock, World, agency
from tests.unit.test_bundle import _twins

W = "audit-bureau"


def _vkey(world: World) -> VerifierKey:
    return verifier_key(ORIGIN, world.log_key.public_key())


def _cp(world: World) -> str:
    return world.ledger.checkpoint(world.signer(), world.clock).note  # type: ignore[attr-defined]


@pytest.fixture
def wkey() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def _cosign(world: World, note: str, key: Ed25519PrivateKey, state: Path, proof=None, **kw):  # type: ignore[no-untyped-def]
    return cosign_checkpoint(note, _vkey(world), W, key, state, proof, world.clock, **kw)


def test_first_cosignature_is_recorded_and_valid(
    sqlite_world: World, wkey: Ed25519PrivateKey, tmp_path: Path
) -> None:
    note = _cp(sqlite_world)
    clock = FakeClock(datetime(2026, 3, 1, tzinfo=UTC))
    res = cosign_checkpoint(note, _vkey(sqlite_world), W, wkey, tmp_path, None, clock)
    assert res.previous is None and res.checkpoint.size == 2
    cosigned = parse_note(res.note)
    assert cosigned.text == parse_note(note).text and len(cosigned.signatures) == 2
    wv = verifier_key(W, wkey.public_key(), SIG_COSIGNATURE)
    assert res.witness_vkey == wv.encode()
    sig = verify_note(cosigned, wv)
    assert (
        cosignature_time(sig)
        == int(datetime(2026, 3, 1, 0, 0, 1, tzinfo=UTC).timestamp())
        == res.timestamp
    )
    assert load_state(tmp_path, ORIGIN) == res.checkpoint
    assert (tmp_path / "ledger.test.example%2Fcommitments").read_text() == res.note


def test_a_cosigned_checkpoint_still_verifies_for_the_log_key_alone(
    sqlite_world: World, wkey: Ed25519PrivateKey, tmp_path: Path
) -> None:
    note = _cosign(sqlite_world, _cp(sqlite_world), wkey, tmp_path).note
    other = Ed25519PrivateKey.generate()
    note = _cosign(
        sqlite_world, note, wkey, tmp_path / "x"
    ).note  # re-cosigning replaces, never duplicates
    note = cosign_checkpoint(
        note, _vkey(sqlite_world), "npc", other, tmp_path / "npc", None, sqlite_world.clock
    ).note
    parsed = parse_note(note)
    assert [s.name for s in parsed.signatures] == [ORIGIN, W, "npc"]
    verify_note(parsed, _vkey(sqlite_world))  # a verifier knowing only the log key
    report = verify_ledger(
        sqlite_world.ledger, pin_vkey=_vkey(sqlite_world).encode(), checkpoint_note=note
    )  # type: ignore[arg-type]
    assert report.saved is not None and report.saved.size == 2
    assert check_cosignatures(parsed, [verifier_key(W, wkey.public_key(), SIG_COSIGNATURE)], 1) == [
        W
    ]


def test_same_size_same_root_is_cosigned_again(
    sqlite_world: World, wkey: Ed25519PrivateKey, tmp_path: Path
) -> None:
    note = _cp(sqlite_world)
    _cosign(sqlite_world, note, wkey, tmp_path)
    res = _cosign(sqlite_world, note, wkey, tmp_path)
    assert res.previous is not None and res.previous.size == 2


def test_growth_needs_a_valid_consistency_proof(
    sqlite_world: World, wkey: Ed25519PrivateKey, tmp_path: Path
) -> None:
    _cosign(sqlite_world, _cp(sqlite_world), wkey, tmp_path)
    sqlite_world.append("registrar", [agency(i) for i in range(5)])
    note = _cp(sqlite_world)
    with pytest.raises(BadInput, match="needs a consistency proof.*prove consistency 2 7"):
        _cosign(sqlite_world, note, wkey, tmp_path)
    bad = sqlite_world.ledger.consistency_proof(3, 7)  # type: ignore[attr-defined]
    with pytest.raises(VerificationError, match="split view.*not consistent"):
        _cosign(sqlite_world, note, wkey, tmp_path, bad)
    with pytest.raises(BadInput, match="from size 3 to 7, but this witness needs one from 2 to 7"):
        _cosign(sqlite_world, note, wkey, tmp_path, bad, proof_sizes=(3, 7))
    assert load_state(tmp_path, ORIGIN).size == 2  # type: ignore[union-attr]
    good = sqlite_world.ledger.consistency_proof(2, 7)  # type: ignore[attr-defined]
    res = _cosign(sqlite_world, note, wkey, tmp_path, good, proof_sizes=(2, 7))
    assert (
        res.previous is not None
        and res.previous.size == 2
        and load_state(tmp_path, ORIGIN).size == 7
    )  # type: ignore[union-attr]


def test_a_prover_supplies_the_proof(
    sqlite_world: World, wkey: Ed25519PrivateKey, tmp_path: Path
) -> None:
    _cosign(sqlite_world, _cp(sqlite_world), wkey, tmp_path)
    sqlite_world.append("registrar", [agency(1)])
    asked: list[tuple[int, int]] = []

    def prover(m: int, n: int) -> list[bytes]:
        asked.append((m, n))
        return sqlite_world.ledger.consistency_proof(m, n)  # type: ignore[attr-defined,no-any-return]

    _cosign(sqlite_world, _cp(sqlite_world), wkey, tmp_path, prover=prover)
    assert asked == [(2, 3)]


def test_a_rollback_is_refused(
    sqlite_world: World, wkey: Ed25519PrivateKey, tmp_path: Path
) -> None:
    old = _cp(sqlite_world)
    sqlite_world.append("registrar", [agency(1)])
    new = _cp(sqlite_world)
    _cosign(sqlite_world, new, wkey, tmp_path)
    with pytest.raises(
        VerificationError, match="rollback: .* at size 3; refusing to cosign the smaller size 2"
    ):
        _cosign(sqlite_world, old, wkey, tmp_path)


def test_a_witness_refuses_a_split_view(tmp_path: Path, wkey: Ed25519PrivateKey) -> None:
    """Two ledgers with the same log key diverge after a common prefix: a split view."""
    a, b = _twins(tmp_path)
    assert a.ledger.root_at(2) == b.ledger.root_at(2)  # type: ignore[attr-defined]
    state = tmp_path / "witness"
    a.append("registrar", [agency(1), agency(2)])
    b.append("registrar", [agency(1), agency(3)])
    note_a = _cp(a)
    note_b = _cp(b)
    assert (
        Checkpoint.parse(parse_note(note_a).text).size
        == Checkpoint.parse(parse_note(note_b).text).size
        == 4
    )
    _cosign(a, note_a, wkey, state)
    # Same size, other root.
    with pytest.raises(VerificationError, match="split view: .* another root"):
        _cosign(b, note_b, wkey, state)
    # B grows; its own consistency proof cannot bridge from A's tree.
    b.append("registrar", [agency(4), agency(5), agency(6)])
    note_b2 = _cp(b)
    with pytest.raises(
        VerificationError, match="split view: the checkpoint at size 7 is not consistent"
    ):
        _cosign(b, note_b2, wkey, state, b.ledger.consistency_proof(4, 7))  # type: ignore[attr-defined]
    with pytest.raises(VerificationError, match="split view"):
        _cosign(b, note_b2, wkey, state, prover=lambda m, n: b.ledger.consistency_proof(m, n))  # type: ignore[attr-defined]
    assert load_state(state, ORIGIN).root == Checkpoint.parse(parse_note(note_a).text).root  # type: ignore[union-attr]
    # The honest branch still gets cosigned.
    a.append("registrar", [agency(7)])
    _cosign(a, _cp(a), wkey, state, a.ledger.consistency_proof(4, 5))  # type: ignore[attr-defined]
    # A second witness who was shown B first refuses A's history in turn.
    other = tmp_path / "other-witness"
    _cosign(b, note_b, wkey, other)
    with pytest.raises(
        VerificationError, match="split view: the checkpoint at size 5 is not consistent .* size 4"
    ):
        _cosign(a, _cp(a), wkey, other, a.ledger.consistency_proof(4, 5))  # type: ignore[attr-defined]


def test_a_checkpoint_not_signed_by_the_log_key_is_refused(
    sqlite_world: World, wkey: Ed25519PrivateKey, tmp_path: Path
) -> None:
    note = _cp(sqlite_world)
    wrong = verifier_key(ORIGIN, Ed25519PrivateKey.generate().public_key())
    with pytest.raises(VerificationError, match="not signed by the log key"):
        cosign_checkpoint(note, wrong, W, wkey, tmp_path, None, sqlite_world.clock)
    with pytest.raises(BadInput, match="type 0x01"):
        cosign_checkpoint(
            note,
            verifier_key(ORIGIN, sqlite_world.log_key.public_key(), SIG_COSIGNATURE),
            W,
            wkey,
            tmp_path,
            None,
            sqlite_world.clock,
        )
    assert load_state(tmp_path, ORIGIN) is None


def test_damaged_state_is_an_environment_problem(
    sqlite_world: World, wkey: Ed25519PrivateKey, tmp_path: Path
) -> None:
    _cosign(sqlite_world, _cp(sqlite_world), wkey, tmp_path)
    (tmp_path / "ledger.test.example%2Fcommitments").write_text("garbage\n")
    with pytest.raises(EnvironmentProblem, match="damaged"):
        _cosign(sqlite_world, _cp(sqlite_world), wkey, tmp_path)


def test_default_state_dir_is_beside_the_keystore(tmp_path: Path) -> None:
    assert default_state_dir(tmp_path / "ks") == tmp_path / "ks" / "witness-state"


def test_parse_consistency(sqlite_world: World) -> None:
    sqlite_world.append("registrar", [agency(i) for i in range(4)])
    proof = sqlite_world.ledger.consistency_proof(2, 6)  # type: ignore[attr-defined]
    p = parse_consistency(json.dumps(consistency_json(2, 6, proof)))
    assert (p.old_size, p.new_size, list(p.proof)) == (2, 6, proof)
    for bad, msg in [
        ("[]", "not a JSON object"),
        ('{"format": "x"}', "format"),
        (
            '{"format": "ledger-consistency/v1", "old_size": -1, "new_size": 2, "proof": []}',
            "old_size",
        ),
        (
            '{"format": "ledger-consistency/v1", "old_size": 1, "new_size": 2, "proof": ["AA=="]}',
            "proof",
        ),
        ("{", "malformed"),
    ]:
        with pytest.raises(BadInput, match=msg):
            parse_consistency(bad, "p.json")


def test_check_cosignatures_rules(
    sqlite_world: World, wkey: Ed25519PrivateKey, tmp_path: Path
) -> None:
    note = parse_note(_cosign(sqlite_world, _cp(sqlite_world), wkey, tmp_path).note)
    wv = verifier_key(W, wkey.public_key(), SIG_COSIGNATURE)
    assert check_cosignatures(note, [], 0) == []
    with pytest.raises(BadInput, match="not a cosignature key"):
        check_cosignatures(note, [verifier_key(W, wkey.public_key())], 1)
    with pytest.raises(BadInput, match="given twice"):
        check_cosignatures(note, [wv, wv], 1)
    impostor = verifier_key(W, Ed25519PrivateKey.generate().public_key(), SIG_COSIGNATURE)
    with pytest.raises(VerificationError, match="0 valid witness cosignatures"):
        check_cosignatures(note, [impostor], 1)
    assert check_cosignatures(note, [impostor, wv], 1) == [W]
