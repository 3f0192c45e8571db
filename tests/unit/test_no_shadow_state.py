"""Derived state is rebuilt and checked, or it does not exist (STYLE.md §3b).

- an edited projection row is caught by verify, and cannot make an append
  accept an entry that verify would refuse (recorder scope reads the facts it
  needs from the signed leaves);
- an older database is upgraded from its log on open, a newer one refused;
- a full verify parses each leaf once, in one pass.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import Engine, delete, select, text, update

import ledger.domain.replay
import ledger.domain.state
import ledger.entry
from ledger.canonical import loads
from ledger.domain.replay import schema_version
from ledger.domain.tables import commitments, successions
from ledger.errors import BadInput, EnvironmentProblem, VerificationError
from ledger.log import Ledger
from ledger.schema import SCHEMA_VERSION, meta
from ledger.verify import verify_ledger
from tests.conftest import World, all_leaves, resign, rewrite_log
from tests.unit.test_domain_support import USCC, agency, deliver, enterprise, pay, record


def _world(w: World) -> None:
    w.append("registrar", [agency("A"), agency("B"), agency("C"), enterprise(USCC[0])])
    w.append("registrar", [record("k1", "A", signed_on="2023-03-01"), deliver("k1", "2023-03-10")])
    w.append(
        "registrar",
        [
            (
                "agency.succeeded",
                {
                    "predecessors": ["A"],
                    "successor": "C",
                    "reason": "restructuring",
                    "effective": "2024-06-01",
                },
            )
        ],
    )
    w.register("rec-b", agencies=["B"])
    w.register("rec-c", agencies=["C"])


def test_an_edited_commitment_row_cannot_widen_scope(world: World) -> None:
    _world(world)
    engine = world.ledger.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:  # B's recorder rewrites who signed k1
        conn.execute(update(commitments).where(commitments.c.commitment == "k1").values(agency="B"))
    size = world.ledger.size()  # type: ignore[attr-defined]
    with pytest.raises(VerificationError, match="commitments"):
        world.append("rec-b", [pay("k1", "10.00", "2025-01-02")])
    with pytest.raises(VerificationError, match="projection table commitments"):
        verify_ledger(world.ledger)  # type: ignore[arg-type]
    assert world.ledger.size() == size  # type: ignore[attr-defined]


def test_an_edited_succession_row_cannot_move_the_holder(world: World) -> None:
    _world(world)
    engine = world.ledger.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:  # hide A -> C, or point it at B
        conn.execute(update(successions).values(successor="B"))
    with pytest.raises(BadInput, match="rec-b"):
        world.append("rec-b", [pay("k1", "10.00", "2025-01-02")])
    with pytest.raises(VerificationError, match="projection table successions"):
        verify_ledger(world.ledger)  # type: ignore[arg-type]
    with engine.begin() as conn:
        conn.execute(delete(successions))
    with pytest.raises(BadInput, match="rec-b"):
        world.append("rec-b", [pay("k1", "10.00", "2025-01-02")])
    world.append("rec-c", [pay("k1", "10.00", "2025-01-02")])  # C holds it, per the log


def _version_1(engine: Engine, version: str | None = "1") -> None:
    """Make the database look like version 1: its scope table, no successions rows, and
    ``version`` as its schema version (None: no schema-version row at all)."""
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE scope_commitments (commitment VARCHAR(255) PRIMARY KEY, "
            "agency VARCHAR(255) NOT NULL)"
        )
        conn.exec_driver_sql("INSERT INTO scope_commitments VALUES ('k1', 'B')")
        conn.execute(delete(successions))
        if version is None:
            conn.execute(delete(meta).where(meta.c.key == "schema"))
        else:
            conn.execute(update(meta).where(meta.c.key == "schema").values(value=version))


def _stored_version(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return conn.execute(select(meta.c.value).where(meta.c.key == "schema")).scalar_one_or_none()


def test_an_older_database_is_upgraded_from_its_log(world: World) -> None:
    _world(world)
    engine = world.ledger.engine  # type: ignore[attr-defined]
    _version_1(engine)  # what a version 1 database held
    world.ledger.close()  # type: ignore[attr-defined]
    led = Ledger.open(world.url)
    with led.engine.connect() as conn:
        version = conn.execute(text("SELECT value FROM meta WHERE key = 'schema'")).scalar_one()
        assert version == str(SCHEMA_VERSION)
        assert conn.execute(text("SELECT count(*) FROM successions")).scalar_one() == 1
        with pytest.raises(Exception, match="scope_commitments"):
            conn.execute(text("SELECT * FROM scope_commitments")).all()
    verify_ledger(led)
    led.close()


def test_a_newer_database_is_refused(world: World) -> None:
    engine = world.ledger.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.execute(update(meta).where(meta.c.key == "schema").values(value="99"))
    with pytest.raises(EnvironmentProblem, match="newer"):
        Ledger.open(world.url)


def test_a_database_without_a_version_is_version_1(world: World) -> None:
    # The first release wrote no schema-version row: no row at all is version 1, and
    # opening upgrades it from its log (not merely stamping the current version on it).
    _world(world)
    engine = world.ledger.engine  # type: ignore[attr-defined]
    _version_1(engine, None)
    assert _stored_version(engine) is None
    with engine.connect() as conn:
        assert schema_version(conn) == 1
    led = Ledger.open(world.url)
    assert _stored_version(engine) == str(SCHEMA_VERSION)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM successions")).scalar_one() == 1
        with pytest.raises(Exception, match="scope_commitments"):
            conn.execute(text("SELECT * FROM scope_commitments")).all()
    verify_ledger(led)
    led.close()


@pytest.mark.parametrize("value", ["two", "", "2.0", " 2", "+2", "٢", "2_0", "0", "-1"])
def test_a_version_that_is_not_a_number_is_refused(world: World, value: str) -> None:
    _world(world)
    engine = world.ledger.engine  # type: ignore[attr-defined]
    _version_1(engine, value)
    shown = re.escape(repr(value))
    with pytest.raises(
        EnvironmentProblem, match=rf"the database's schema version {shown} is not a number"
    ):
        Ledger.open(world.url)
    assert _stored_version(engine) == value  # left as it was: nothing rebuilt or dropped
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM successions")).scalar_one() == 0
        assert conn.execute(text("SELECT agency FROM scope_commitments")).scalar_one() == "B"


def test_an_older_database_whose_log_the_rules_refuse_is_left_unchanged(world: World) -> None:
    # A version 1 log may hold what the current rules refuse (revision 2 made payment
    # references unique per commitment): the upgrade replays the log, so it must refuse,
    # name the entry, and leave the old tables and the old version as they were.
    _world(world)
    world.append("registrar", [pay("k1", "10.00", "2025-01-02", ref="R-1")])
    world.append("registrar", [pay("k1", "20.00", "2025-01-03", ref="R-2")])
    engine = world.ledger.engine  # type: ignore[attr-defined]
    leaves = all_leaves(world.ledger)
    last = loads(leaves[-1])
    last["statement"]["body"]["reference"] = "R-1"  # accepted by the old rules, say
    leaves[-1] = resign(leaves[-1], world.keys["registrar"], statement=last["statement"])
    rewrite_log(engine, leaves)
    _version_1(engine)
    seq = len(leaves) - 1
    with pytest.raises(EnvironmentProblem) as caught:
        Ledger.open(world.url)
    message = str(caught.value)
    assert f"schema version 1 needs upgrading to {SCHEMA_VERSION}" in message
    assert f"replaying its log failed: entry {seq} breaks a domain rule" in message
    assert f"already used by the payment at seq {seq - 1}" in message
    assert message.endswith("nothing was changed")
    assert _stored_version(engine) == "1"
    with engine.connect() as conn:
        assert conn.execute(text("SELECT agency FROM scope_commitments")).scalar_one() == "B"
        assert conn.execute(text("SELECT count(*) FROM successions")).scalar_one() == 0
        assert conn.execute(text("SELECT count(*) FROM entries")).scalar_one() == len(leaves)


def test_a_full_verify_parses_each_leaf_once(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    _world(world)
    world.append("rec-c", [pay("k1", "10.00", "2025-01-02")])
    calls: list[bytes] = []

    def counting(module: object) -> None:
        real = module.loads  # type: ignore[attr-defined]

        def spy(data: bytes) -> object:
            calls.append(bytes(data))
            return real(data)

        monkeypatch.setattr(module, "loads", spy)

    for module in (ledger.entry, ledger.domain.state, ledger.domain.replay):
        counting(module)
    report = verify_ledger(world.ledger, jobs=1)  # type: ignore[arg-type]
    leaves = [world.ledger.leaf(i) for i in range(report.result.size)]  # type: ignore[attr-defined]
    assert sorted(calls) == sorted(leaves)  # every leaf, each exactly once
