"""Issue 13 item 1: a replayed statement is caught by every verifier and the signer.

Anyone who can INSERT into the database can copy a signed leaf's statement and
signature to the tail with the right seq, prev and tree nodes.  No two entries
may carry the same (kind, body) (FORMATS.md §3): ``verify`` (also
``--log-only``), ``verify-bundle`` and ``Ledger.checkpoint`` check it from the
leaf bytes, never trusting the stored ``dedupe`` column.  Statements name the
log they are for (``log``, FORMATS.md §2).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import insert, select, text

from ledger import merkle
from ledger.bundle import export_bundle, verify_bundle
from ledger.canonical import canonical, loads
from ledger.entry import b64encode, dedupe_digest, dedupe_key, leaf_hash, parse_entry
from ledger.errors import BadInput, VerificationError
from ledger.log import Draft, Signed, sign_statements
from ledger.note import Checkpoint, Note, sign_note, verifier_key
from ledger.schema import checkpoints, entries, tree_nodes
from ledger.verify import verify_ledger
from tests.conftest import ORIGIN, World, all_leaves, drop_triggers
from tests.helpers.audit_world import agency, commitment, delivered, enterprise, paid


def _pay_world(world: World) -> int:
    """A commitment of 1,000.00 with one payment of 100.00; returns the payment's seq."""
    world.append(
        "registrar",
        [
            agency("czj"),
            enterprise(1),
            commitment("C1", "czj", 1, "1000.00", "2025-06-01", {"basis": "delivery", "days": 30}),
            delivered("C1", "2025-06-10"),
            paid("C1", "100.00", "2025-07-01"),
        ],
    )
    return world.ledger.size() - 1  # type: ignore[attr-defined]


def _insert_tail(world: World, statement: dict, sig: bytes) -> int:  # type: ignore[type-arg]
    """What an INSERT-only attacker does: a new last entry carrying ``statement``
    and ``sig``, with the right seq, prev, ts, leaf hash and tree nodes."""
    led = world.ledger
    size = led.size()  # type: ignore[attr-defined]
    head = parse_entry(led.leaf(size - 1))  # type: ignore[attr-defined]
    obj = {
        "v": 1,
        "seq": size,
        "prev": leaf_hash(head.leaf).hex(),
        "ts": head.ts,
        "statement": statement,
        "sig": b64encode(sig),
    }
    leaf = canonical(obj)
    h = leaf_hash(leaf)
    with led.engine.begin() as conn:  # type: ignore[attr-defined]
        rng = merkle.CompactRange.from_fetch(size, lambda cs: led.fetch_nodes(conn, cs))  # type: ignore[attr-defined]
        nodes = rng.append(h)
        conn.execute(
            insert(entries).values(
                seq=size,
                leaf=leaf,
                leaf_hash=h,
                kind=statement["kind"],
                signer=statement["by"],
                dedupe=dedupe_key(dedupe_digest(statement["kind"], statement["body"])),
            )
        )
        if nodes:
            conn.execute(
                insert(tree_nodes), [{"level": lv, "idx": ix, "hash": hh} for lv, ix, hh in nodes]
            )
    return size


def _replay(world: World, seq: int) -> int:
    e = parse_entry(world.ledger.leaf(seq))  # type: ignore[attr-defined]
    return _insert_tail(world, e.statement, e.sig)


def _checkpoint_rows(world: World) -> int:
    with world.ledger.engine.connect() as conn:  # type: ignore[attr-defined]
        return len(conn.execute(select(checkpoints.c.size)).all())


def test_a_replayed_payment_is_caught_by_verify_log_only_and_the_signer(world: World) -> None:
    pay = _pay_world(world)
    world.ledger.checkpoint(world.signer(), world.clock)  # type: ignore[attr-defined]
    before = _checkpoint_rows(world)
    bad = _replay(world, pay)
    for projections in (True, False):
        with pytest.raises(VerificationError, match=f"repeats entry {pay}") as err:
            verify_ledger(world.ledger, projections=projections)  # type: ignore[arg-type]
        assert err.value.seq == bad
    with pytest.raises(VerificationError, match=f"entry {bad}: .*repeats entry {pay}"):
        world.ledger.checkpoint(world.signer(), world.clock)  # type: ignore[attr-defined]
    assert _checkpoint_rows(world) == before  # nothing signed


def test_the_signer_checks_domain_rules_of_the_new_entries(world: World) -> None:
    """An overdraft by a properly signed, non-repeated statement inserted behind append."""
    _pay_world(world)
    world.ledger.checkpoint(world.signer(), world.clock)  # type: ignore[attr-defined]
    [s] = sign_statements(
        [Draft(1, *paid("C1", "5000.00", "2025-07-02"))],
        "registrar",
        world.keys["registrar"],
        world.clock,
        origin=ORIGIN,
    )
    bad = _insert_tail(world, s.statement, s.sig)
    with pytest.raises(VerificationError, match=f"entry {bad}: breaks a domain rule"):
        world.ledger.checkpoint(world.signer(), world.clock)  # type: ignore[attr-defined]
    with pytest.raises(VerificationError, match=f"entry {bad}: breaks a domain rule"):
        verify_ledger(world.ledger, projections=False)  # type: ignore[arg-type]


def test_an_edited_dedupe_column_is_caught_and_its_repeat_never_signed(world: World) -> None:
    pay = _pay_world(world)
    drop_triggers(world.ledger.engine)  # type: ignore[attr-defined]
    with world.ledger.engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(text("UPDATE entries SET dedupe = 12345 WHERE seq = :s"), {"s": pay})
    with pytest.raises(VerificationError, match="dedupe") as err:
        verify_ledger(world.ledger, projections=False)  # type: ignore[arg-type]
    assert err.value.seq == pay
    # the clerk re-runs the import: the index no longer finds the first payment,
    # but the payment's reference is unique per commitment (DOMAIN.md revision 2),
    # read from the projections the leaves built, so the repeat is never appended
    size = world.ledger.size()  # type: ignore[attr-defined]
    with pytest.raises(BadInput, match=f"seq {pay}"):
        world.append("registrar", [paid("C1", "100.00", "2025-07-01")])
    assert world.ledger.size() == size  # type: ignore[attr-defined]


def test_append_skips_a_repeat_found_by_the_index_after_checking_the_leaf(world: World) -> None:
    pay = _pay_world(world)
    r = world.append("registrar", [paid("C1", "100.00", "2025-07-01")])
    assert r.appended == 0 and r.skipped[0].duplicate_of_seq == pay


def _bundle_with(world: World, tmp_path: Path, extra: list[bytes]) -> Path:
    """A bundle of the log plus ``extra`` leaves, under a checkpoint the log key signed
    (what an operator's signer did before it verified what it signs)."""
    world.ledger.checkpoint(world.signer(), world.clock)  # type: ignore[attr-defined]
    path = tmp_path / "bundle"
    export_bundle(world.ledger, path, zip=False, clock=world.clock)  # type: ignore[arg-type]
    leaves = all_leaves(world.ledger) + extra
    rng = merkle.CompactRange(0, [])
    for leaf in leaves:
        rng.append(leaf_hash(leaf))
    (path / "entries.jsonl").write_bytes(b"".join(x + b"\n" for x in leaves))
    body = Checkpoint(ORIGIN, len(leaves), rng.root()).text()
    (path / "checkpoint").write_text(
        Note(body, (sign_note(body, ORIGIN, world.log_key),)).encode(), encoding="utf-8"
    )
    m = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    m.update(tree_size=len(leaves), root_hash=rng.root().hex())
    (path / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    return path


def _tail_leaf(world: World, statement: dict, sig: bytes, back: int = 0) -> bytes:  # type: ignore[type-arg]
    leaves = all_leaves(world.ledger)
    head = parse_entry(leaves[-1])
    return canonical(
        {
            "v": 1,
            "seq": len(leaves),
            "prev": leaf_hash(head.leaf).hex(),
            "ts": head.ts,
            "statement": statement,
            "sig": b64encode(sig),
        }
    )


def test_verify_bundle_catches_a_replayed_payment(world: World, tmp_path: Path) -> None:
    pay = _pay_world(world)
    e = parse_entry(world.ledger.leaf(pay))  # type: ignore[attr-defined]
    path = _bundle_with(world, tmp_path, [_tail_leaf(world, e.statement, e.sig)])
    with pytest.raises(VerificationError, match=f"repeats entry {pay}"):
        verify_bundle(path, verifier_key(ORIGIN, world.log_key.public_key()))


def test_verify_bundle_replays_the_domain_rules(world: World, tmp_path: Path) -> None:
    _pay_world(world)
    [s] = sign_statements(
        [Draft(1, *paid("C1", "5000.00", "2025-07-02"))],
        "registrar",
        world.keys["registrar"],
        world.clock,
        origin=ORIGIN,
    )
    path = _bundle_with(world, tmp_path, [_tail_leaf(world, s.statement, s.sig)])
    with pytest.raises(VerificationError, match="breaks a domain rule.*above the outstanding"):
        verify_bundle(path, verifier_key(ORIGIN, world.log_key.public_key()))


# ------------------------------------------------------------------ statement.log


def test_a_statement_signed_for_another_log_is_refused(world: World) -> None:
    signed = sign_statements(
        [Draft(1, *agency("x1"))],
        "registrar",
        world.keys["registrar"],
        world.clock,
        origin="other.example/log",
    )
    with pytest.raises(BadInput, match="statement.log: .*other.example/log"):
        world.ledger.append(signed, world.clock)  # type: ignore[attr-defined]
    s = signed[0]
    stmt = {k: v for k, v in s.statement.items() if k != "log"}
    sig = world.keys["registrar"].sign(canonical(stmt))
    with pytest.raises(BadInput, match="statement.log"):
        world.ledger.append([Signed(1, stmt, sig)], world.clock)  # type: ignore[attr-defined]
    assert world.ledger.size() == 2  # type: ignore[attr-defined]


def test_verify_refuses_an_entry_for_another_log(world: World) -> None:
    world.append("registrar", [agency("x1")])
    e = parse_entry(world.ledger.leaf(2))  # type: ignore[attr-defined]
    stmt = dict(e.statement, log="other.example/log", body={**e.body, "agency": "x2"})
    bad = _insert_tail(world, stmt, world.keys["registrar"].sign(canonical(stmt)))
    with pytest.raises(VerificationError, match="statement.log") as err:
        verify_ledger(world.ledger, projections=False)  # type: ignore[arg-type]
    assert err.value.seq == bad


def test_entries_carry_the_origin(world: World) -> None:
    for leaf in all_leaves(world.ledger):
        assert loads(leaf)["statement"]["log"] == ORIGIN


def test_a_repeat_let_in_by_an_edited_index_is_never_signed(world: World) -> None:
    """A kind no other rule makes unique (a delivery): with its dedupe index edited,
    append cannot see the repeat without reading the whole log, but the signer
    and verify do, from the leaf bytes."""
    pay = _pay_world(world)
    delivery = pay - 1
    world.ledger.checkpoint(world.signer(), world.clock)  # type: ignore[attr-defined]
    before = _checkpoint_rows(world)
    drop_triggers(world.ledger.engine)  # type: ignore[attr-defined]
    with world.ledger.engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(text("UPDATE entries SET dedupe = 12345 WHERE seq = :s"), {"s": delivery})
    r = world.append("registrar", [delivered("C1", "2025-06-10")])
    assert r.appended == 1
    with pytest.raises(VerificationError, match=f"repeats entry {delivery}"):
        world.ledger.checkpoint(world.signer(), world.clock)  # type: ignore[attr-defined]
    assert _checkpoint_rows(world) == before
    with pytest.raises(VerificationError):
        verify_ledger(world.ledger, projections=False)  # type: ignore[arg-type]


def test_an_edited_kind_column_is_caught_by_a_full_verify(world: World) -> None:
    # entries.kind is read with the leaves in the one pass; append reads successions by it
    pay = _pay_world(world)
    drop_triggers(world.ledger.engine)  # type: ignore[attr-defined]
    with world.ledger.engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(
            text("UPDATE entries SET kind = 'agency.succeeded' WHERE seq = :s"), {"s": pay}
        )
    with pytest.raises(VerificationError, match=f"entries.kind of entry {pay} is") as err:
        verify_ledger(world.ledger, jobs=2)  # type: ignore[arg-type]
    assert err.value.seq == pay
    verify_ledger(world.ledger, projections=False)  # type: ignore[arg-type]  # a projection column


def test_verify_accepts_bodies_with_characters_outside_the_bmp(world: World) -> None:
    """verify cuts each body's canonical bytes out of the leaf for the no-repeat digest
    and compares them with domain_events.body as append wrote it (orjson, sorted keys):
    the two agree for names with characters outside the BMP (RFC 8785's fallback), and
    an edited body is still caught."""
    name = "𠮷野家𪚥企业（虚构）"
    kind, body = enterprise(7)
    world.append("registrar", [agency("czj"), (kind, {**body, "name": name})])
    verify_ledger(world.ledger)  # type: ignore[arg-type]
    engine = world.ledger.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        stored = conn.execute(
            text("SELECT body FROM domain_events WHERE kind = 'enterprise.registered'")
        ).scalar_one()
    assert loads(stored.encode())["name"] == name
    drop_triggers(engine)
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE domain_events SET body = :b WHERE kind = 'enterprise.registered'"),
            {"b": stored.replace("𪚥", "𪚤")},
        )
    with pytest.raises(VerificationError, match="domain_events"):
        verify_ledger(world.ledger)  # type: ignore[arg-type]
