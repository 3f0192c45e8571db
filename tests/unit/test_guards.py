"""Issue 13, "tests that guard too little": each rule here is exercised on both
sides of its boundary, so a deliberate one-line bug in it fails a test.

The key-ring refusals of authz, verify's rarer branches, the append scope
check and the Merkle index bound.
"""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import insert, text

from ledger import merkle
from ledger.authz import KeyRing, Role, Unauthorised, apply_key_event, check_signer
from ledger.canonical import canonical, loads
from ledger.entry import leaf_hash
from ledger.errors import BadInput, ProofError, VerificationError
from ledger.note import (
    SIG_COSIGNATURE,
    SIG_ED25519,
    Checkpoint,
    Note,
    sign_note,
    verifier_key,
)
from ledger.schema import checkpoints
from ledger.verify import verify_ledger
from tests.conftest import ORIGIN, World, agency, all_leaves, resign, rewrite_log

LOG = "log.example/x"


def _vk(name: str, alg: int = SIG_ED25519) -> str:
    return verifier_key(name, Ed25519PrivateKey.generate().public_key(), alg).encode()


def _ring() -> KeyRing:
    ring = KeyRing()
    apply_key_event(ring, "ledger.genesis", {"origin": LOG, "log_key": _vk(LOG)}, LOG, 0)
    for seq, (name, role, agencies) in enumerate(
        [
            ("star", "recorder", ["*"]),
            ("czj", "recorder", ["ag-1"]),
            ("audit", "auditor", []),
            ("wit", "witness", []),
        ],
        start=1,
    ):
        alg = SIG_ED25519 if role == "recorder" else SIG_COSIGNATURE
        body = {"name": name, "vkey": _vk(name, alg), "role": role, "agencies": agencies}
        apply_key_event(ring, "key.registered", body, LOG, seq)
    return ring


# ------------------------------------------------------------------ check_signer


def test_check_signer_refusals_and_their_boundaries() -> None:
    ring = _ring()
    with pytest.raises(Unauthorised, match="'nobody' is not registered"):
        check_signer(ring, "nobody", "agency.registered", 9, None)
    with pytest.raises(Unauthorised, match="'payment.mad' is not a known event kind"):
        check_signer(ring, "star", "payment.mad", 9, None)
    with pytest.raises(Unauthorised, match="log key .* may not sign commitment events"):
        check_signer(ring, LOG, "payment.made", 9, {"ag-1"})
    assert check_signer(ring, LOG, "agency.registered", 9, None).role is Role.LOG
    for k in ("audit", "wit"):
        with pytest.raises(Unauthorised, match="signs no statements"):
            check_signer(ring, k, "agency.registered", 9, None)
    with pytest.raises(Unauthorised, match="only the log key may sign key.registered"):
        check_signer(ring, "star", "key.registered", 9, None)
    with pytest.raises(Unauthorised, match="needs the log key or a recorder scoped to"):
        check_signer(ring, "czj", "agency.registered", 9, None)
    assert check_signer(ring, "star", "agency.registered", 9, None).name == "star"
    with pytest.raises(Unauthorised, match="scoped to ag-1, not to ag-2"):
        check_signer(ring, "czj", "payment.made", 9, {"ag-2"})
    assert check_signer(ring, "czj", "payment.made", 9, {"ag-2", "ag-1"}).name == "czj"


def test_a_revoked_key_signs_nothing_after_its_revocation() -> None:
    ring = _ring()
    apply_key_event(ring, "key.revoked", {"name": "czj", "reason": "left"}, LOG, 10)
    assert check_signer(ring, "czj", "payment.made", 9, {"ag-1"}).name == "czj"  # before
    with pytest.raises(Unauthorised, match="'czj' was revoked at seq 10"):
        check_signer(ring, "czj", "payment.made", 11, {"ag-1"})


# --------------------------------------------------------------- apply_key_event


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (
            {"name": "", "role": "recorder", "agencies": ["*"]},
            "body.name: 必须是密钥名称（must be a key name）",
        ),
        ({"name": "czj", "role": "recorder", "agencies": ["*"]}, "already registered"),
        ({"name": "n", "role": "boss", "agencies": []}, "is not recorder, auditor or witness"),
        ({"name": "n", "role": "recorder", "agencies": "ag-1"}, "must be a list of agency ids"),
        ({"name": "n", "role": "recorder", "agencies": [""]}, "must be a list of agency ids"),
        ({"name": "n", "role": "recorder", "agencies": []}, "needs at least one agency"),
        ({"name": "n", "role": "auditor", "agencies": ["ag-1"]}, r"must be \[\] for a auditor key"),
        (
            {"name": "n", "role": "recorder", "agencies": ["*", "ag-1"]},
            "list of agency ids, not both",
        ),
        ({"name": "n", "role": "recorder", "agencies": ["a", "a"]}, "must not repeat an item"),
    ],
)
def test_key_registered_refusals(body: dict, match: str) -> None:  # type: ignore[type-arg]
    ring = _ring()
    alg = SIG_ED25519 if body["role"] == "recorder" else SIG_COSIGNATURE
    body = {**body, "vkey": _vk(body["name"] or "x", alg)}
    with pytest.raises(Unauthorised, match=match):
        apply_key_event(ring, "key.registered", body, LOG, 20)
    assert body["name"] not in ring.keys or body["name"] == "czj"


def test_key_registered_checks_the_vkey_name_and_type() -> None:
    ring = _ring()
    with pytest.raises(Unauthorised, match="verifier key is named 'other', not 'n'"):
        apply_key_event(
            ring,
            "key.registered",
            {"name": "n", "role": "recorder", "agencies": ["*"], "vkey": _vk("other")},
            LOG,
            20,
        )
    with pytest.raises(Unauthorised, match="wrong for this role"):
        apply_key_event(
            ring,
            "key.registered",
            {"name": "n", "role": "witness", "agencies": [], "vkey": _vk("n", SIG_ED25519)},
            LOG,
            20,
        )
    apply_key_event(
        ring,
        "key.registered",
        {"name": "n", "role": "witness", "agencies": [], "vkey": _vk("n", SIG_COSIGNATURE)},
        LOG,
        20,
    )
    assert ring.keys["n"].role is Role.WITNESS


def test_key_revoked_refusals() -> None:
    ring = _ring()
    with pytest.raises(Unauthorised, match="no key named 'ghost'"):
        apply_key_event(ring, "key.revoked", {"name": "ghost", "reason": "r"}, LOG, 20)
    with pytest.raises(Unauthorised, match="the log key cannot be revoked"):
        apply_key_event(ring, "key.revoked", {"name": LOG, "reason": "r"}, LOG, 20)
    apply_key_event(ring, "key.revoked", {"name": "czj", "reason": "r"}, LOG, 20)
    with pytest.raises(Unauthorised, match="already revoked at seq 20"):
        apply_key_event(ring, "key.revoked", {"name": "czj", "reason": "r"}, LOG, 21)


def test_the_genesis_is_entry_0_signed_by_the_origin() -> None:
    with pytest.raises(Unauthorised, match="ledger.genesis may only be entry 0"):
        apply_key_event(KeyRing(), "ledger.genesis", {"origin": LOG, "log_key": _vk(LOG)}, LOG, 1)
    with pytest.raises(Unauthorised, match="signed by the log key named after the origin"):
        apply_key_event(KeyRing(), "ledger.genesis", {"origin": LOG, "log_key": _vk(LOG)}, "x", 0)
    with pytest.raises(Unauthorised, match="ledger.genesis may only be entry 0"):
        apply_key_event(_ring(), "ledger.genesis", {"origin": LOG, "log_key": _vk(LOG)}, LOG, 0)
    with pytest.raises(Unauthorised, match="entry 0 must be the ledger.genesis"):
        apply_key_event(KeyRing(), "key.revoked", {"name": "x", "reason": "r"}, LOG, 0)


# ------------------------------------------------------------------ verify branches


def _relink(leaves: list[bytes], start: int) -> None:
    for i in range(start, len(leaves)):
        o = loads(leaves[i])
        o["prev"] = leaf_hash(leaves[i - 1]).hex()
        leaves[i] = canonical(o)


def test_verify_catches_a_timestamp_going_backwards(world: World) -> None:
    world.append("registrar", [agency(i) for i in range(3)])
    world.append("registrar", [agency(i) for i in range(3, 6)])
    leaves = all_leaves(world.ledger)
    o = loads(leaves[6])
    o["ts"] = loads(leaves[5])["ts"]  # equal is allowed
    leaves[6] = canonical(o)
    _relink(leaves, 7)
    rewrite_log(world.ledger.engine, leaves)  # type: ignore[attr-defined]
    verify_ledger(world.ledger, projections=False)  # type: ignore[arg-type]
    o = loads(leaves[6])
    o["ts"] = "2026-01-05T07:59:59.000Z"  # before the log began (ts is not signed)
    o["statement"]["at"] = o["ts"]
    leaves[6] = resign(canonical(o), world.keys["registrar"])
    _relink(leaves, 7)
    rewrite_log(world.ledger.engine, leaves)  # type: ignore[attr-defined]
    with pytest.raises(VerificationError, match="ts 2026-01-05T07:59:59.000Z is earlier") as err:
        verify_ledger(world.ledger, projections=False)  # type: ignore[arg-type]
    assert err.value.seq == 6


def test_verify_requires_the_genesis_at_entry_0(world: World) -> None:
    world.append("registrar", [agency(1)])
    leaves = all_leaves(world.ledger)
    o = loads(leaves[2])
    o["seq"], o["prev"] = 0, "0" * 64
    rewrite_log(world.ledger.engine, [canonical(o)])  # type: ignore[attr-defined]
    with pytest.raises(VerificationError, match="entry 0 must be the ledger.genesis") as err:
        verify_ledger(world.ledger, projections=False)  # type: ignore[arg-type]
    assert err.value.seq == 0


def test_verify_catches_the_keys_table_edited_behind_the_log(world: World) -> None:
    verify_ledger(world.ledger)  # type: ignore[arg-type]
    with world.ledger.engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(text("UPDATE keys SET agencies = '[\"ag-9\"]' WHERE name = 'registrar'"))
    with pytest.raises(
        VerificationError, match="keys table differs from the log for key 'registrar'"
    ):
        verify_ledger(world.ledger, projections=False)  # type: ignore[arg-type]


def _forged_note(world: World, size: int, root: bytes) -> str:
    body = Checkpoint(ORIGIN, size, root).text()
    return Note(body, (sign_note(body, ORIGIN, Ed25519PrivateKey.generate()),)).encode()


def test_verify_catches_a_stored_checkpoint_with_a_bad_signature(world: World) -> None:
    world.append("registrar", [agency(1)])
    cp = world.ledger.checkpoint(world.signer(), world.clock)  # type: ignore[attr-defined]
    world.append("registrar", [agency(2)])
    size = world.ledger.size()  # type: ignore[attr-defined]
    root = world.ledger.root_at(size)  # type: ignore[attr-defined]
    with world.ledger.engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(
            insert(checkpoints).values(
                size=size, root=root, note=_forged_note(world, size, root), signed_at="x"
            )
        )
    with pytest.raises(VerificationError, match=f"stored checkpoint at size {size}:"):
        verify_ledger(world.ledger, projections=False)  # type: ignore[arg-type]
    assert cp.size < size


def test_verify_catches_a_saved_checkpoint_with_a_bad_signature(world: World) -> None:
    world.append("registrar", [agency(1)])
    cp = world.ledger.checkpoint(world.signer(), world.clock)  # type: ignore[attr-defined]
    verify_ledger(world.ledger, checkpoint_note=cp.note)  # type: ignore[arg-type]
    forged = _forged_note(world, cp.size, cp.root)
    with pytest.raises(VerificationError, match="the saved checkpoint:"):
        verify_ledger(world.ledger, checkpoint_note=forged)  # type: ignore[arg-type]


# ------------------------------------------------------------------ append scope


def test_append_enforces_the_recorder_scope(world: World) -> None:
    from tests.helpers.audit_world import commitment, enterprise

    world.append("registrar", [agency(1), agency(2), enterprise(1)])
    world.register("clerk-1", "recorder", ["ag-1"])
    terms = {"basis": "delivery", "days": 30}
    with pytest.raises(
        BadInput,
        match="input:1: 记录员 'clerk-1' 的授权范围是 ag-1，不包括 ag-2"
        "（recorder 'clerk-1' is scoped to ag-1, not to ag-2）",
    ):
        world.append("clerk-1", [commitment("C2", "ag-2", 1, "10.00", "2025-01-01", terms)])
    r = world.append("clerk-1", [commitment("C1", "ag-1", 1, "10.00", "2025-01-01", terms)])
    assert r.appended == 1


# ------------------------------------------------------------------ Merkle bound


def test_the_merkle_index_bound() -> None:
    hashes = [merkle.leaf_hash(bytes([i])) for i in range(5)]
    root = merkle.root_from_leaf_hashes(hashes)

    def fetch(cs):  # type: ignore[no-untyped-def]
        return {
            c: merkle.root_from_leaf_hashes(hashes[c[1] << c[0] : (c[1] + 1) << c[0]]) for c in cs
        }

    proof = merkle.inclusion_proof(4, 5, fetch)
    merkle.verify_inclusion(4, 5, hashes[4], proof, root)  # the last leaf: inside the bound
    with pytest.raises(BadInput, match="leaf index 5 is not below tree size 5"):
        merkle.inclusion_ranges(5, 5)
    with pytest.raises(ProofError, match="leaf index 5 is not below tree size 5"):
        merkle.root_from_inclusion_proof(5, 5, hashes[4], proof)
    with pytest.raises(ProofError, match="leaf index 5 is not below tree size 5"):
        merkle.verify_inclusion(5, 5, hashes[4], [*proof, hashes[0]], root)


def test_an_unknown_kind_is_named_by_its_value() -> None:
    from ledger.domain.events import parse_body

    with pytest.raises(BadInput) as err:
        parse_body("payment.mad", {})
    assert "did you mean 'payment.made'?" in str(err.value) and "EventKind" not in str(err.value)


@pytest.mark.parametrize(
    ("role", "agencies"),
    [
        ("recorder", ["*"]),
        ("recorder", ["a", "b"]),
        ("recorder", []),
        ("recorder", ["a", "a"]),
        ("recorder", ["*", "a"]),
        ("auditor", []),
        ("auditor", ["a"]),
        ("witness", ["*"]),
    ],
)
def test_one_scope_rule_for_the_declaration_the_key_rules_and_ledger_keys(
    role: str, agencies: list[str]
) -> None:
    """The body's parser, the key rules of append and verify, and ``ledger keys``
    refuse exactly the same scopes, with the same words."""
    from ledger.domain.events import parse_body
    from ledger.errors import FieldError
    from ledger.key_admin import check_scope

    alg = SIG_ED25519 if role == "recorder" else SIG_COSIGNATURE
    body = {"name": "n", "vkey": _vk("n", alg), "role": role, "agencies": agencies}
    verdicts: list[str | None] = []
    for check, errors in (
        (lambda: parse_body("key.registered", body), (FieldError, BadInput)),
        (lambda: apply_key_event(_ring(), "key.registered", body, LOG, 20), (Unauthorised,)),
        (lambda: check_scope(role, agencies), (BadInput,)),
    ):
        try:
            check()
            verdicts.append(None)
        except errors as exc:
            verdicts.append(str(exc).split("agencies: ")[-1].split("--agency: ")[-1])
    assert verdicts[0] == verdicts[1] == verdicts[2]
    fits = agencies in (["*"], ["a", "b"]) if role == "recorder" else not agencies
    assert (verdicts[0] is None) == fits


def test_a_key_name_is_at_most_64_characters() -> None:
    """DOMAIN.md: key names are at most 64 characters (they appear in signed-note lines);
    the declaration and the keystore say so alike."""
    from ledger.domain.events import parse_body
    from ledger.errors import FieldError
    from ledger.keys import check_key_name

    ok, long = "k" * 64, "k" * 65
    assert check_key_name(ok) == ok
    with pytest.raises(BadInput, match="at most 64 characters; this one has 65"):
        check_key_name(long)
    body = {"name": ok, "vkey": _vk(ok), "role": "recorder", "agencies": ["*"]}
    assert parse_body("key.registered", body).name == ok  # type: ignore[attr-defined]
    with pytest.raises(FieldError, match="body.name: .*at most 64 characters; this one has 65"):
        parse_body("key.registered", {**body, "name": long, "vkey": _vk(long)})
    with pytest.raises(FieldError, match="body.name: .*at most 64"):
        parse_body("key.revoked", {"name": long, "reason": "离职"})
