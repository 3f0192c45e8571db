"""Statement builders for the audit tests: small worlds valid under full validation.

Every world registers its agencies, enterprises and officials before the
commitments that name them, never pays above the outstanding balance, and
dates every event on or after the commitment's signing (and before the
test clock's 2026-01-05, so no event is dated after it was signed).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from ledger.uscc import complete_uscc

Stmt = tuple[str, dict[str, Any]]

SHA = "ab" * 32


def uscc(n: int) -> str:
    """A valid fictional USCC, different for every ``n`` (0..9999)."""
    return complete_uscc(f"91430600MA4L{n:04d}")


def agency(
    aid: str, category: str = "organ", region: str = "430600", established: str | None = None
) -> Stmt:
    body: dict[str, Any] = {
        "agency": aid,
        "name": f"机关{aid}",
        "category": category,
        "region": region,
    }
    if established is not None:
        body["established"] = established
    return ("agency.registered", body)


def enterprise(n: int, size: str = "small", ownership: str = "private") -> Stmt:
    return (
        "enterprise.registered",
        {"uscc": uscc(n), "name": f"企业{n}", "size": size, "ownership": ownership},
    )


def enterprise_updated(n: int, effective: str, size: str) -> Stmt:
    return ("enterprise.updated", {"uscc": uscc(n), "effective": effective, "size": size})


def appointed(official: str, aid: str, start: str, role: str = "principal") -> Stmt:
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


def departed(official: str, aid: str, end: str) -> Stmt:
    return ("official.departed", {"official": official, "agency": aid, "end": end})


def term_changed(region: str, term: str, effective: str) -> Stmt:
    return ("government.term_changed", {"region": region, "term": term, "effective": effective})


def succeeded(
    preds: list[str],
    successor: str,
    effective: str,
    reason: str = "restructuring",
    commitments: list[str] | None = None,
) -> Stmt:
    body: dict[str, Any] = {
        "predecessors": preds,
        "successor": successor,
        "reason": reason,
        "effective": effective,
    }
    if commitments is not None:
        body["commitments"] = commitments
    return ("agency.succeeded", body)


def commitment(
    cid: str,
    aid: str,
    ent: int,
    amount: str,
    signed_on: str,
    terms: dict[str, Any],
    type_: str = "contract",
    **extra: Any,
) -> Stmt:
    body: dict[str, Any] = {
        "commitment": cid,
        "type": type_,
        "agency": aid,
        "enterprise": uscc(ent),
        "title": f"合同{cid}",
        "amount": amount,
        "signed_on": signed_on,
        "terms": terms,
    }
    body.update(extra)
    return ("commitment.recorded", body)


def delivered(cid: str, date: str, **extra: Any) -> Stmt:
    return ("commitment.delivered", {"commitment": cid, "date": date, **extra})


def accepted(cid: str, date: str) -> Stmt:
    return ("commitment.accepted", {"commitment": cid, "date": date})


def paid(
    cid: str,
    amount: str,
    date: str,
    method: str = "transfer",
    maturity: str | None = None,
    reference: str | None = None,
) -> Stmt:
    body: dict[str, Any] = {
        "commitment": cid,
        "amount": amount,
        "date": date,
        "reference": reference or f"P-{cid}-{date}-{amount}",
        "method": method,
    }
    if maturity is not None:
        body["maturity"] = maturity
    return ("payment.made", body)


def confirmed(cid: str, date: str, amount: str) -> Stmt:
    return ("settlement.confirmed", {"commitment": cid, "date": date, "amount": amount})


def reversed_(cid: str, reference: str, date: str, reason: str = "退票") -> Stmt:
    return (
        "payment.reversed",
        {"commitment": cid, "reference": reference, "date": date, "reason": reason},
    )


def interest_paid(cid: str, amount: str, date: str, reference: str | None = None) -> Stmt:
    return (
        "interest.paid",
        {
            "commitment": cid,
            "amount": amount,
            "date": date,
            "reference": reference or f"I-{cid}-{date}",
        },
    )


def disputed(cid: str, amount: str, date: str, reason_code: str | None = None) -> Stmt:
    body: dict[str, Any] = {"commitment": cid, "amount": amount, "date": date, "reason": "质量异议"}
    if reason_code is not None:
        body["reason_code"] = reason_code
    return ("commitment.disputed", body)


def resolved(cid: str, date: str, written_off: str) -> Stmt:
    return ("dispute.resolved", {"commitment": cid, "date": date, "written_off": written_off})


def repudiated(cid: str, date: str, reason_code: str | None = None) -> Stmt:
    body: dict[str, Any] = {"commitment": cid, "date": date, "reason": "不再履行"}
    if reason_code is not None:
        body["reason_code"] = reason_code
    return ("commitment.repudiated", body)


def amended(
    cid: str,
    date: str,
    changes: dict[str, Any],
    consent: bool,
    reason_code: str | None = None,
) -> Stmt:
    body: dict[str, Any] = {
        "commitment": cid,
        "date": date,
        "changes": changes,
        "enterprise_consent": consent,
        "reason": "变更",
    }
    if reason_code is not None:
        body["reason_code"] = reason_code
    return ("commitment.amended", body)


def settled(cid: str, date: str, waived: str) -> Stmt:
    return (
        "commitment.settled",
        {"commitment": cid, "date": date, "amount_waived": waived, "document_sha256": SHA},
    )


def voided(cid: str, reason: str = "录入错误") -> Stmt:
    return ("commitment.voided", {"commitment": cid, "reason": reason})


def complaint(cid: str, date: str) -> Stmt:
    return ("complaint.filed", {"commitment": cid, "date": date, "summary": "投诉"})


BACKENDS = ["sqlite", pytest.param("pg", marks=pytest.mark.pg)]
"""Parameters of a module-scoped world fixture: SQLite always, PostgreSQL when configured."""


@contextmanager
def shared_world(backend: str, tmp: Path, start: datetime | None = None) -> Iterator[Any]:
    """A world (tests/conftest.py ``World``) that a whole test module shares.

    The audits only read, so one world per module and backend is enough; on
    PostgreSQL a scratch database is created and dropped, as ``pg_url`` does.
    """
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from tests.conftest import PG_ENV, FakeClock, make_world

    admin = name = None
    if backend == "sqlite":
        url = f"sqlite:///{tmp / 'ledger.db'}"
    else:
        base = os.environ.get(PG_ENV)
        if not base:
            pytest.skip(f"PostgreSQL tests need {PG_ENV}")
        name = "ledger_audit_" + uuid.uuid4().hex[:12]
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(base).set(database=name).render_as_string(hide_password=False)
    world = make_world(url, tmp, FakeClock() if start is None else FakeClock(start))
    try:
        yield world
    finally:
        world.ledger.close()
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
