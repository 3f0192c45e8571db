"""Appending: chaining, dedupe, dry runs, all-or-nothing, key rules, triggers."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from ledger import merkle
from ledger.entry import leaf_hash, parse_entry
from ledger.errors import BadInput, InputErrors
from ledger.verify import verify_ledger
from tests.conftest import ORIGIN, World, agency


def test_genesis_and_registration_are_chained(world: World) -> None:
    leaves = [leaf for _, leaf, _ in world.ledger.iter_leaves()]
    assert len(leaves) == 2
    g, r = parse_entry(leaves[0]), parse_entry(leaves[1])
    assert g.kind == "ledger.genesis" and g.by == ORIGIN and g.prev == b"\0" * 32
    assert g.body["origin"] == ORIGIN and g.body["log_key"].startswith(ORIGIN + "+")
    assert r.kind == "key.registered" and r.prev == leaf_hash(leaves[0])
    assert world.ledger.root_at(2) == merkle.root_from_leaf_hashes([leaf_hash(x) for x in leaves])


def test_append_assigns_consecutive_seqs_and_verifies(world: World) -> None:
    res = world.append("registrar", [agency(i) for i in range(25)])
    assert (res.first_seq, res.appended, res.size) == (2, 25, 27)
    leaves = [leaf for _, leaf, _ in world.ledger.iter_leaves()]
    for i in range(1, len(leaves)):
        assert parse_entry(leaves[i]).prev == leaf_hash(leaves[i - 1])
    for size in range(1, 28):
        assert world.ledger.root_at(size) == merkle.root_from_leaf_hashes(
            [leaf_hash(x) for x in leaves[:size]]
        )
    report = verify_ledger(world.ledger)
    assert report.result.size == 27


def test_duplicate_statements_are_skipped_not_appended(world: World) -> None:
    world.append("registrar", [agency(1), agency(2)])
    res = world.append("registrar", [agency(2), agency(3), agency(3)])
    assert res.appended == 1
    assert [(s.line, s.duplicate_of_seq, s.duplicate_of_line) for s in res.skipped] == [
        (1, 3, None),
        (3, None, 2),
    ]
    # a different signer does not make it a different statement
    world.register("other", agencies=["*"])
    assert world.append("other", [agency(1)]).appended == 0


def test_dry_run_writes_nothing(world: World) -> None:
    res = world.append("registrar", [agency(1), agency(2)], dry_run=True)
    assert res.appended == 2 and res.dry_run
    assert world.ledger.size() == 2


def test_batch_is_all_or_nothing_and_reports_every_line(world: World) -> None:
    world.register("narrow", agencies=["ag-1"])
    with pytest.raises(InputErrors) as err:
        world.append("narrow", [agency(5), agency(6)])
    assert [str(e).split(":")[1] for e in err.value.errors] == ["1", "2"]
    assert "needs the log key or a recorder scoped to '*'" in str(err.value)
    assert world.ledger.size() == 3


def test_recorder_scope_covers_signing_agency_only(world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ledger.uscc import complete_uscc

    world.register("czj", agencies=["yy-czj"])
    uscc = complete_uscc("91430600MA4L0XY1")
    # the domain rules refuse commitments of unregistered agencies and enterprises
    world.append(
        "registrar",
        [
            ("agency.registered", dict(agency(0)[1], agency="yy-czj")),
            ("agency.registered", dict(agency(1)[1], agency="yy-fgw")),
            (
                "enterprise.registered",
                {"uscc": uscc, "name": "e", "size": "small", "ownership": "private"},
            ),
        ],
    )
    rec = (
        "commitment.recorded",
        {
            "commitment": "C-1",
            "type": "contract",
            "agency": "yy-fgw",
            "enterprise": uscc,
            "title": "t",
            "amount": "10.00",
            "signed_on": "2024-01-02",
            "terms": {"basis": "date", "due": "2024-03-01"},
        },
    )
    with pytest.raises(BadInput, match="scoped to yy-czj, not to yy-fgw"):
        world.append("czj", [rec])
    rec[1]["agency"] = "yy-czj"
    world.append("czj", [rec])
    pay = (
        "payment.made",
        {
            "commitment": "C-1",
            "amount": "1.00",
            "date": "2024-02-01",
            "reference": "r",
            "method": "transfer",
        },
    )
    world.register("fgw", agencies=["yy-fgw"])
    with pytest.raises(BadInput, match="not to yy-czj"):
        world.append("fgw", [pay])
    # after yy-czj is succeeded by yy-fgw, the holder's recorder may sign
    world.append(
        "registrar",
        [
            (
                "agency.succeeded",
                {
                    "predecessors": ["yy-czj"],
                    "successor": "yy-fgw",
                    "reason": "restructuring",
                    "effective": "2024-01-15",
                },
            )
        ],
    )
    assert world.append("fgw", [pay]).appended == 1
    with pytest.raises(BadInput, match="unknown commitment"):
        world.append("fgw", [("payment.made", dict(pay[1], commitment="C-404"))])
    verify_ledger(world.ledger)


def test_log_key_signs_no_commitment_events_and_witness_signs_nothing(world: World) -> None:
    world.register("w1", role="witness")
    with pytest.raises(BadInput, match="signs no statements"):
        world.append("w1", [agency(1)])
    with pytest.raises(BadInput, match="only the log key may sign key.registered"):
        world.append(
            "registrar",
            [
                (
                    "key.registered",
                    {
                        "name": "x",
                        "vkey": world.ledger.key_ring().get("w1").vkey,
                        "role": "witness",
                        "agencies": [],
                    },
                )
            ],
        )


def test_revoked_key_signs_nothing_after_revocation(world: World) -> None:
    world.register("clerk", agencies=["*"])
    world.append("clerk", [agency(1)])
    world.append_as(ORIGIN, world.log_key, [("key.revoked", {"name": "clerk", "reason": "left"})])
    with pytest.raises(BadInput, match="revoked at seq"):
        world.append("clerk", [agency(2)])
    with pytest.raises(BadInput, match="cannot be revoked"):
        world.append_as(ORIGIN, world.log_key, [("key.revoked", {"name": ORIGIN, "reason": "x"})])
    with pytest.raises(BadInput, match="never reused"):
        world.register("clerk")
    assert (
        world.ledger.key_ring().get("clerk").revoked_seq == 4
    )  # genesis 0, registrar 1, clerk 2, agency 3


def test_a_forged_signature_is_refused_on_append(world: World) -> None:
    from ledger.log import Draft, Signed, sign_statements

    s = sign_statements(
        [Draft(1, *agency(1))], "registrar", world.keys["registrar"], world.clock, origin=ORIGIN
    )[0]
    forged = Signed(s.line, s.statement, bytes(64))
    with pytest.raises(BadInput, match="signature does not verify"):
        world.ledger.append([forged], world.clock)


@pytest.mark.parametrize("table", ["entries", "tree_nodes", "checkpoints"])
def test_triggers_refuse_update_and_delete(world: World, table: str) -> None:
    world.append("registrar", [agency(i) for i in range(3)])
    world.ledger.checkpoint(world.signer(), world.clock)
    col = {"entries": "kind", "tree_nodes": "level", "checkpoints": "note"}[table]
    for sql in (f"UPDATE {table} SET {col} = {col}", f"DELETE FROM {table}"):
        with pytest.raises(DBAPIError, match="append-only"), world.ledger.engine.begin() as conn:
            conn.execute(text(sql))
    if world.ledger.engine.dialect.name == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"), world.ledger.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {table} CASCADE"))
    verify_ledger(world.ledger)


def test_ts_is_non_decreasing_even_when_the_clock_goes_back(world: World) -> None:
    from datetime import timedelta

    world.append("registrar", [agency(1)])
    world.clock.now -= timedelta(days=1)
    world.append("registrar", [agency(2)])
    ts = [parse_entry(leaf).ts for _, leaf, _ in world.ledger.iter_leaves()]
    assert ts == sorted(ts)
    verify_ledger(world.ledger)


@pytest.mark.parametrize("cpus", [1, 2, 3, 8])
def test_a_long_batch_is_signed_across_threads_in_order(
    monkeypatch: pytest.MonkeyPatch, cpus: int
) -> None:
    """sign_all slices a long batch across threads; every signature is the one the
    key makes for its own message, in the messages' order, on every slicing."""
    import threading

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from ledger import log

    key = Ed25519PrivateKey.generate()
    used: set[int] = set()

    class Watched:
        def sign(self, m: bytes) -> bytes:
            used.add(threading.get_ident())
            return key.sign(m)

    monkeypatch.setattr(log, "cpus_available", lambda: cpus)
    monkeypatch.setattr(log, "SIGN_SLICE", 10)
    for n in (0, 1, 9, 10, 19, 20, 21, 47, 101):
        used.clear()
        messages = [f"statement {i} of {n}".encode() for i in range(n)]
        sigs = log.sign_all(Watched(), messages)  # type: ignore[arg-type]
        assert sigs == [key.sign(m) for m in messages]
        threads = min(cpus, log.SIGN_THREADS, n // 10)
        # the calling thread signs the first slice, pool threads the others (a pool
        # thread that is done may take a second slice)
        assert len(used) == min(n, 1) if threads <= 1 else 2 <= len(used) <= threads
