"""Issue 13 item 2: the signer's ``at`` lies in [ts - 7 days, ts + 5 minutes] (FORMATS.md §3).

Checked on append and on verify; rules about when something was recorded use
the entry's ``ts`` (the projection's ``at`` column holds it).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from ledger.audit import arrears_audit
from ledger.audit.results import Flag
from ledger.canonical import canonical, loads
from ledger.clock import format_instant, parse_instant
from ledger.errors import BadInput, VerificationError
from ledger.log import Draft, sign_statements
from ledger.schema import domain_events
from ledger.verify import verify_ledger
from tests.conftest import ORIGIN, World, agency, all_leaves, resign, rewrite_log
from tests.helpers.audit_world import commitment, delivered, enterprise, voided

MS = dt.timedelta(milliseconds=1)


def _append_signed_at(world: World, at: dt.datetime, stmt: tuple[str, dict]):  # type: ignore[no-untyped-def,type-arg]
    signed = sign_statements(
        [Draft(1, *stmt)], "registrar", world.keys["registrar"], lambda: at, origin=ORIGIN
    )
    return world.ledger.append(signed, world.clock)  # type: ignore[attr-defined]


def _next_ts(world: World) -> dt.datetime:
    """The ts of the next append: the FakeClock ticks once per append."""
    return world.clock.now + dt.timedelta(seconds=1)


@pytest.mark.parametrize(
    ("offset", "ok"),
    [
        (-dt.timedelta(days=7), True),
        (-dt.timedelta(days=7) - MS, False),
        (dt.timedelta(minutes=5), True),
        (dt.timedelta(minutes=5) + MS, False),
        (-dt.timedelta(days=800), False),  # backdated to 2024
        (dt.timedelta(days=365 * 70), False),  # postdated to 2099
    ],
)
def test_append_enforces_the_at_window(world: World, offset: dt.timedelta, ok: bool) -> None:
    at = _next_ts(world) + offset
    if ok:
        assert _append_signed_at(world, at, agency("w1")).appended == 1
        return
    size = world.ledger.size()  # type: ignore[attr-defined]
    with pytest.raises(BadInput, match="statement.at: 签名时间"):
        _append_signed_at(world, at, agency("w1"))
    assert world.ledger.size() == size  # type: ignore[attr-defined]


@pytest.mark.parametrize("offset", [dt.timedelta(days=-8), dt.timedelta(minutes=6)])
def test_verify_catches_an_at_outside_the_window(world: World, offset: dt.timedelta) -> None:
    world.append("registrar", [agency(i) for i in range(4)])
    leaves = all_leaves(world.ledger)
    obj = loads(leaves[3])
    ts = parse_instant(obj["ts"], "ts")
    obj["statement"]["at"] = format_instant(ts + offset)
    leaves[3] = resign(canonical(obj), world.keys["registrar"])
    # keep the chain: re-link every later entry (a careful attacker)
    from ledger.entry import leaf_hash

    for i in range(4, len(leaves)):
        o = loads(leaves[i])
        o["prev"] = leaf_hash(leaves[i - 1]).hex()
        leaves[i] = canonical(o)
    rewrite_log(world.ledger.engine, leaves)  # type: ignore[attr-defined]
    with pytest.raises(VerificationError, match="statement.at") as err:
        verify_ledger(world.ledger, projections=False)  # type: ignore[arg-type]
    assert err.value.seq == 3


def test_recorded_when_is_the_entry_ts_not_the_signers_at(sqlite_world: World) -> None:
    """A void signed (``at``) before the due date but recorded (``ts``) after it
    is VOIDED_AFTER_DUE: a backdated ``at`` cannot hide it."""
    w = sqlite_world
    w.append(
        "registrar",
        [
            (
                "agency.registered",
                {"agency": "czj", "name": "财政局", "category": "organ", "region": "430600"},
            ),
            enterprise(1),
            commitment("C1", "czj", 1, "1000.00", "2025-11-01", {"basis": "delivery", "days": 30}),
            delivered("C1", "2025-12-01"),  # due 2025-12-31
        ],
    )
    # the log's clock is at 2026-01-05; the recorder signs "on 2025-12-30"
    at = _next_ts(w) - dt.timedelta(days=6, hours=12)
    assert format_instant(at) < "2025-12-31"
    _append_signed_at(w, at, voided("C1"))
    with w.ledger.engine.connect() as conn:  # type: ignore[attr-defined]
        seq, stored_at = conn.execute(
            select(domain_events.c.seq, domain_events.c.at).where(
                domain_events.c.kind == "commitment.voided"
            )
        ).one()
    assert stored_at == loads(w.ledger.leaf(seq))["ts"]  # type: ignore[attr-defined]
    report = arrears_audit(w.ledger.engine, dt.date(2026, 2, 1), include_all=True)  # type: ignore[attr-defined]
    [v] = report.voided
    assert v.flags == (Flag.VOIDED_AFTER_DUE,)
