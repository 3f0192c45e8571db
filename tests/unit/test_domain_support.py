"""Statement builders and fixtures shared by the domain tests (no tests here).

Bodies follow DOMAIN.md; every builder returns a ``(kind, body)`` pair for
``World.append``.  ``shared_world`` builds one ledger per backend per test
module: the validation tests append only what the rules refuse (nothing is
written) or statements with ids of their own, so they can share it.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from ledger.uscc import complete_uscc
from tests.conftest import PG_ENV, FakeClock, World, make_world

Stmt = tuple[str, dict[str, Any]]

USCC = [complete_uscc(f"91430600MA4L{i:04d}") for i in range(200)]


def agency(aid: str, category: str = "organ", region: str = "430600") -> Stmt:
    return (
        "agency.registered",
        {"agency": aid, "name": f"机关{aid}", "category": category, "region": region},
    )


def enterprise(uscc: str, size: str = "small", name: str | None = None) -> Stmt:
    return (
        "enterprise.registered",
        {"uscc": uscc, "name": name or f"企业{uscc[-6:]}", "size": size, "ownership": "private"},
    )


def enterprise_updated(uscc: str, effective: str, **changes: str) -> Stmt:
    return ("enterprise.updated", {"uscc": uscc, "effective": effective, **changes})


def appoint(official: str, aid: str, start: str, role: str = "principal") -> Stmt:
    return (
        "official.appointed",
        {
            "official": official,
            "name": f"官员{official}",
            "agency": aid,
            "role": role,
            "start": start,
        },
    )


def depart(official: str, aid: str, end: str, **extra: Any) -> Stmt:
    return ("official.departed", {"official": official, "agency": aid, "end": end, **extra})


def succeed(
    preds: list[str], successor: str, effective: str, reason: str = "restructuring"
) -> Stmt:
    return (
        "agency.succeeded",
        {"predecessors": preds, "successor": successor, "reason": reason, "effective": effective},
    )


def term_changed(region: str, term: str, effective: str) -> Stmt:
    return ("government.term_changed", {"region": region, "term": term, "effective": effective})


def record(
    cid: str,
    aid: str = "a",
    uscc: str = USCC[0],
    amount: str = "1000.00",
    signed_on: str = "2024-01-10",
    terms: dict[str, Any] | None = None,
    **extra: Any,
) -> Stmt:
    body = {
        "commitment": cid,
        "type": "contract",
        "agency": aid,
        "enterprise": uscc,
        "title": f"合同{cid}",
        "amount": amount,
        "signed_on": signed_on,
        "terms": terms or {"basis": "delivery", "days": 30},
        **extra,
    }
    return ("commitment.recorded", body)


def deliver(cid: str, on: str, **extra: Any) -> Stmt:
    return ("commitment.delivered", {"commitment": cid, "date": on, **extra})


def accept(cid: str, on: str) -> Stmt:
    return ("commitment.accepted", {"commitment": cid, "date": on})


def pay(
    cid: str, amount: str, on: str = "2024-03-01", ref: str | None = None, **extra: Any
) -> Stmt:
    body = {
        "commitment": cid,
        "amount": amount,
        "date": on,
        "reference": ref or f"回单-{uuid.uuid4().hex[:8]}",
        "method": "transfer",
        **extra,
    }
    return ("payment.made", body)


def dispute(cid: str, amount: str, on: str = "2024-03-01", **extra: Any) -> Stmt:
    return (
        "commitment.disputed",
        {"commitment": cid, "amount": amount, "date": on, "reason": "质量争议", **extra},
    )


def resolve(cid: str, written_off: str, on: str = "2024-04-01") -> Stmt:
    return ("dispute.resolved", {"commitment": cid, "date": on, "written_off": written_off})


def amend(cid: str, changes: dict[str, Any], consent: bool = True, on: str = "2024-02-01") -> Stmt:
    return (
        "commitment.amended",
        {
            "commitment": cid,
            "date": on,
            "changes": changes,
            "enterprise_consent": consent,
            "reason": "补充协议",
        },
    )


def repudiate(cid: str, on: str = "2024-05-01") -> Stmt:
    return ("commitment.repudiated", {"commitment": cid, "date": on, "reason": "不再履行"})


def settle(cid: str, waived: str, on: str = "2024-06-01") -> Stmt:
    return (
        "commitment.settled",
        {"commitment": cid, "date": on, "amount_waived": waived, "document_sha256": "ab" * 32},
    )


def void(cid: str) -> Stmt:
    return ("commitment.voided", {"commitment": cid, "reason": "录入错误"})


def complain(cid: str, on: str = "2024-07-01") -> Stmt:
    return ("complaint.filed", {"commitment": cid, "date": on, "summary": "逾期未付"})


def row(world: World, table: str, **key: Any) -> dict[str, Any] | None:
    """One projection row by its key columns, or None."""
    from ledger.schema import metadata

    t = metadata.tables[table]
    with world.ledger.engine.connect() as conn:  # type: ignore[attr-defined]
        r = conn.execute(select(t).where(*(t.c[k] == v for k, v in key.items()))).mappings()
        found = r.first()
    return None if found is None else dict(found)


def rows(world: World, table: str, **key: Any) -> list[dict[str, Any]]:
    """Projection rows matching the key columns, in primary-key order."""
    from ledger.schema import metadata

    t = metadata.tables[table]
    q = select(t).where(*(t.c[k] == v for k, v in key.items())).order_by(*t.primary_key.columns)
    with world.ledger.engine.connect() as conn:  # type: ignore[attr-defined]
        return [dict(r) for r in conn.execute(q).mappings()]


def base(world: World) -> None:
    """Agencies a and b, enterprises USCC[0..2], a principal at a."""
    world.append(
        "registrar",
        [
            agency("a"),
            agency("b", "soe"),
            enterprise(USCC[0]),
            enterprise(USCC[1], "medium"),
            enterprise(USCC[2], "large"),
            appoint("p-a", "a", "2021-01-01"),
        ],
    )


def shared_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """One ledger with :func:`base` on SQLite or PostgreSQL (``request.param``)."""
    import os

    tmp: Path = tmp_path_factory.mktemp("domain")
    admin = None
    name = ""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp / 'ledger.db'}"
    else:
        base_url = os.environ.get(PG_ENV)
        if not base_url:
            pytest.skip(f"PostgreSQL tests need {PG_ENV}")
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        name = "ledger_d_" + uuid.uuid4().hex[:12]
        admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(base_url).set(database=name).render_as_string(hide_password=False)
    w = make_world(url, tmp, FakeClock())
    base(w)
    try:
        yield w
    finally:
        w.ledger.close()  # type: ignore[attr-defined]
        if admin is not None:
            from sqlalchemy import text

            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


BACKENDS = ["sqlite", pytest.param("pg", marks=pytest.mark.pg)]


# --------------------------------------------------------------------------
# a generated ledger: every kind, valid by construction, from a seeded generator


def _day(d: date) -> str:
    return d.isoformat()


def _fen(f: int) -> str:
    return f"{f // 100}.{f % 100:02d}"


def generate(seed: int, commitments: int) -> list[Stmt]:
    """A valid history of several thousand statements touching every event kind."""
    rng = random.Random(seed)
    out: list[Stmt] = []
    ags = [f"g-{i}" for i in range(12)]
    cats = ["organ", "institution", "soe", "other"]
    for i, a in enumerate(ags):
        out.append(agency(a, cats[i % 4], "430600" if i % 2 else "430602"))
    ents = USCC[10:70]
    for i, u in enumerate(ents):
        out.append(enterprise(u, ["micro", "small", "medium", "large"][i % 4]))
    officials = 0
    start = date(2020, 1, 1)
    for a in ags:  # principals, some replaced, some deputies who leave
        officials += 1
        out.append(appoint(f"o-{officials}", a, _day(start)))
        if rng.random() < 0.5:
            officials += 1
            out.append(
                appoint(f"o-{officials}", a, _day(start + timedelta(days=rng.randint(200, 900))))
            )
        if rng.random() < 0.5:
            officials += 1
            out.append(appoint(f"o-{officials}", a, "2020-06-01", "deputy"))
            out.append(depart(f"o-{officials}", a, "2022-06-30"))
    out.append(term_changed("430600", "第十届", "2021-03-01"))
    for i, u in enumerate(ents[:20]):
        out.append(enterprise_updated(u, f"2023-0{1 + i % 9}-01", size="large"))
    for n in range(commitments):
        cid = f"GC-{n:05d}"
        signed = date(2021, 1, 1) + timedelta(days=rng.randint(0, 1000))
        amount = rng.randint(10_000, 5_000_000)
        basis = rng.choice(["delivery", "acceptance", "date"])
        terms: dict[str, Any] = {"basis": basis}
        if basis == "date":
            terms["due"] = _day(signed + timedelta(days=90))
        else:
            terms["days"] = rng.choice([30, 60, 90])
        out.append(
            record(cid, rng.choice(ags), rng.choice(ents), _fen(amount), _day(signed), terms)
        )
        day = signed
        outstanding, disputed = amount, 0

        def later(lo: int = 1, hi: int = 60) -> date:
            nonlocal day
            day = day + timedelta(days=rng.randint(lo, hi))
            return day

        for _ in range(rng.randint(0, 2)):
            out.append(deliver(cid, _day(later()), ref=f"d{rng.random()}"))
        if day > signed and rng.random() < 0.6:
            out.append(accept(cid, _day(later())))
        if rng.random() < 0.15:
            consent = rng.random() < 0.5
            new_amount = amount + rng.randint(0, 100_000)
            out.append(amend(cid, {"amount": _fen(new_amount)}, consent, _day(later())))
            if consent:
                outstanding += new_amount - amount
        for _ in range(rng.randint(0, 3)):
            if outstanding <= 0:
                break
            part = rng.randint(1, outstanding)
            out.append(pay(cid, _fen(part), _day(later()), f"r-{cid}-{rng.random()}"))
            outstanding -= part
        if outstanding > 1 and rng.random() < 0.3:
            disputed = rng.randint(1, outstanding)
            out.append(dispute(cid, _fen(disputed), _day(later())))
            if rng.random() < 0.6:
                w = rng.randint(0, disputed)
                out.append(resolve(cid, _fen(w), _day(later())))
                outstanding -= w
        if rng.random() < 0.1:
            out.append(repudiate(cid, _day(later())))
        if outstanding > 0 and rng.random() < 0.1:
            out.append(settle(cid, _fen(rng.randint(0, outstanding)), _day(later())))
        if rng.random() < 0.1:
            out.append(complain(cid, _day(later())))
        if rng.random() < 0.05:
            out.append(void(cid))
    # successions after every signing: chained g-0 -> g-1 -> g-2, merged g-3 + g-4 -> g-5
    out.append(succeed(["g-0"], "g-1", "2025-01-01"))
    out.append(succeed(["g-1"], "g-2", "2025-06-01", "function_change"))
    out.append(succeed(["g-3", "g-4"], "g-5", "2025-03-01", "division_adjustment"))
    out.append(appoint("o-new", "g-5", "2025-03-01"))
    return out
