"""Issue 13 item 3: audits compute only from domain_events rows proved, in the
same snapshot, to match the leaves; an edited row is refused, naming it."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from ledger_cli.main import cli
from sqlalchemy import text

from ledger.audit import arrears_audit, disclosure_audit, turnover_audit
from ledger.audit_input import check_audit_input
from ledger.entry import leaf_hash
from ledger.errors import VerificationError
from ledger.merkle import CompactRange
from tests.conftest import World, all_leaves, drop_triggers
from tests.helpers.audit_world import agency, commitment, delivered, enterprise, paid

D = dt.date(2026, 1, 1)


def _world(world: World) -> int:
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
    return world.ledger.size() - 1  # type: ignore[attr-defined,no-any-return]


def _audits(world: World) -> None:
    engine = world.ledger.engine  # type: ignore[attr-defined]
    for run in (
        lambda: arrears_audit(engine, D),
        lambda: turnover_audit(engine, D),
        lambda: disclosure_audit(engine, 2025),
    ):
        run()


def test_the_audit_input_is_the_leaves(world: World) -> None:
    _world(world)
    _audits(world)  # an honest projection passes
    rng = CompactRange(0, [])
    for leaf in all_leaves(world.ledger):
        rng.append(leaf_hash(leaf))
    with world.ledger.engine.connect() as conn:  # type: ignore[attr-defined]
        got = check_audit_input(conn)
    assert (got.size, got.root) == (world.ledger.size(), rng.root())  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("sql", "match"),
    [
        (
            "UPDATE domain_events SET body = REPLACE(body, '100.00', '900.00') WHERE seq = :s",
            "column body",
        ),
        ("DELETE FROM domain_events WHERE seq = :s", "the row is missing"),
        (
            "UPDATE domain_events SET at = '2024-01-01T00:00:00.000Z' WHERE seq = :s",
            "column at",
        ),
    ],
)
def test_an_edited_domain_events_row_is_refused_by_every_audit(
    world: World, sql: str, match: str
) -> None:
    pay = _world(world)
    drop_triggers(world.ledger.engine)  # type: ignore[attr-defined]
    with world.ledger.engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(text(sql), {"s": pay})
    engine = world.ledger.engine  # type: ignore[attr-defined]
    for run in (
        lambda: arrears_audit(engine, D),
        lambda: turnover_audit(engine, D),
        lambda: disclosure_audit(engine, 2025),
    ):
        with pytest.raises(VerificationError, match=f"seq={pay} .*{match}") as err:
            run()
        assert err.value.seq == pay


def test_a_row_beyond_the_log_is_refused(world: World) -> None:
    pay = _world(world)
    with world.ledger.engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(
            text(
                "INSERT INTO domain_events (seq, kind, commitment, at, body) "
                "SELECT seq + 100, kind, commitment, at, body FROM domain_events WHERE seq = :s"
            ),
            {"s": pay},
        )
    with pytest.raises(VerificationError, match=f"seq={pay + 100} .*no entry"):
        arrears_audit(world.ledger.engine, D)  # type: ignore[attr-defined]


def test_the_cli_audit_and_report_exit_1(world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    pay = _world(world)
    with world.ledger.engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(
            text(
                "UPDATE domain_events SET body = REPLACE(body, '100.00', '900.00') WHERE seq = :s"
            ),
            {"s": pay},
        )
    env = {"LEDGER_DB": world.url, "LEDGER_KEYSTORE": str(tmp_path / "ks")}
    for args in (
        ["audit", "arrears", "--as-of", "2026-01-01"],
        ["report", "arrears", "--as-of", "2026-01-01", "-o", str(tmp_path / "a.pdf")],
    ):
        res = CliRunner().invoke(cli, args, env=env)
        assert res.exit_code == 1, (args, res.output)
        assert f"seq={pay}" in res.stderr and "Traceback" not in res.output
    assert not (tmp_path / "a.pdf").exists()
