"""``rebuild`` and ``check_projections``: the tables are exactly a replay of the log."""

from __future__ import annotations

import random
from typing import Any

import pytest
from sqlalchemy import select, text

from ledger.canonical import loads
from ledger.domain.replay import check_projections, rebuild
from ledger.domain.tables import PROJECTION_TABLES
from ledger.errors import VerificationError
from ledger.verify import verify_ledger
from tests.conftest import World, all_leaves, resign, rewrite_log
from tests.unit.test_domain_support import base, generate, pay, record


def snapshot(world: World) -> dict[str, list[tuple[Any, ...]]]:
    """Every projection table's rows, in primary-key order."""
    out = {}
    with world.ledger.engine.connect() as conn:  # type: ignore[attr-defined]
        for t in PROJECTION_TABLES:
            q = select(t).order_by(*t.primary_key.columns)
            out[t.name] = [tuple(r) for r in conn.execute(q)]
    return out


def test_rebuild_equals_the_live_projections_on_a_generated_ledger(world: World) -> None:
    stmts = generate(seed=2026, commitments=700)
    assert len(stmts) > 3000
    kinds = {k for k, _ in stmts}
    assert len(kinds) == 18  # every kind of DOMAIN.md but the genesis and the key events
    rng = random.Random(7)
    pos = 0
    while pos < len(stmts):  # batches of varied size: state is loaded across batches
        n = rng.randint(1, 400)
        assert world.append("registrar", stmts[pos : pos + n]).appended == len(stmts[pos : pos + n])
        pos += n
    live = snapshot(world)
    assert len(live["commitments"]) == 700 and len(live["domain_events"]) == world.ledger.size()  # type: ignore[attr-defined]
    check_projections(world.ledger)  # type: ignore[arg-type]
    result = rebuild(world.ledger)  # type: ignore[arg-type]
    assert result.entries == world.ledger.size()  # type: ignore[attr-defined]
    assert dict(result.rows) == {name: len(r) for name, r in live.items()}
    assert snapshot(world) == live
    check_projections(world.ledger)  # type: ignore[arg-type]
    verify_ledger(world.ledger)  # type: ignore[arg-type]


EDITS = [
    ("commitments", "UPDATE commitments SET paid = paid + 1 WHERE commitment = 'E-1'", "commitment='E-1'"),
    ("commitments", "UPDATE commitments SET voided = TRUE WHERE commitment = 'E-2'", "column voided"),
    ("payments", "DELETE FROM payments WHERE commitment = 'E-1'", "is missing from the table"),
    ("agencies", ("INSERT INTO agencies (agency, name, category, region, registered_seq) "
                  "VALUES ('fake', 'f', 'organ', '430600', 1)"), "agency='fake'"),
    ("domain_events", "UPDATE domain_events SET body = '{}' WHERE commitment = 'E-2'", "column body"),
    ("tenures", "UPDATE tenures SET \"end\" = '2030-01-01' WHERE official = 'p-a'", "column end"),
    ("enterprises", "UPDATE enterprises SET size = 'large' WHERE size = 'small'", "column size"),
    ("disputes", "DELETE FROM disputes", "is missing"),
]  # fmt: skip


def test_a_projection_edited_behind_the_log_is_caught(world: World) -> None:
    base(world)
    world.append(
        "registrar",
        [
            record("E-1"),
            pay("E-1", "10.00"),
            record("E-2"),
            (
                "commitment.disputed",
                {"commitment": "E-2", "amount": "5.00", "date": "2024-02-01", "reason": "r"},
            ),
        ],
    )
    check_projections(world.ledger)  # type: ignore[arg-type]
    engine = world.ledger.engine  # type: ignore[attr-defined]
    for table, sql, where in EDITS:
        with engine.begin() as conn:
            conn.execute(text(sql))
        with pytest.raises(VerificationError) as err:
            check_projections(world.ledger)  # type: ignore[arg-type]
        msg = str(err.value)
        assert f"projection table {table} differs from the log" in msg and where in msg, msg
        rebuild(world.ledger)  # type: ignore[arg-type]
        check_projections(world.ledger)  # type: ignore[arg-type]


def test_a_value_of_the_wrong_type_is_caught(sqlite_world: World) -> None:
    base(sqlite_world)
    with sqlite_world.ledger.engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(text("UPDATE tenures SET start = 'soon'"))
    with pytest.raises(VerificationError, match="projection table tenures"):
        check_projections(sqlite_world.ledger)  # type: ignore[arg-type]


def test_a_log_entry_the_rules_refuse_fails_the_check_and_rebuild_changes_nothing(
    world: World,
) -> None:
    base(world)
    world.append("registrar", [record("R-1", amount="100.00"), pay("R-1", "10.00")])
    before = snapshot(world)
    leaves = all_leaves(world.ledger)
    last = loads(leaves[-1])
    statement = dict(last["statement"], body=dict(last["statement"]["body"], amount="100.01"))
    leaves[-1] = resign(leaves[-1], world.keys["registrar"], statement=statement)
    rewrite_log(world.ledger.engine, leaves)  # type: ignore[attr-defined]
    seq = len(leaves) - 1
    with pytest.raises(VerificationError, match=rf"entry {seq} breaks a domain rule: body.amount"):
        check_projections(world.ledger)  # type: ignore[arg-type]
    with pytest.raises(VerificationError, match=rf"entry {seq} breaks a domain rule"):
        rebuild(world.ledger)  # type: ignore[arg-type]
    assert snapshot(world) == before
