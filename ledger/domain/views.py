"""The read side of the projections for callers holding an engine, not a connection.

Each function reads in one connection (one consistent view) and returns the
frozen rows of :mod:`ledger.domain.tables`: ``ledger show``, ``ledger list`` and
``ledger import`` call these, so the CLI opens no connection of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy.engine import Engine

from ledger.domain.registry import EnterpriseNames
from ledger.domain.tables import (
    AgencyRow,
    CommitmentHistory,
    CommitmentRow,
    EnterpriseRow,
    agency_holders,
    commitment_history,
    commitment_holders,
    enterprise_records,
    list_agencies,
    list_commitments,
    list_enterprises,
)

__all__ = [
    "agencies_with_holders",
    "agency_names",
    "commitment_view",
    "commitments_with_holders",
    "enterprises",
    "enterprises_named",
]


def commitment_view(engine: Engine, commitment: str) -> CommitmentHistory | None:
    """One commitment's balances, holder and every entry touching it (None if unknown)."""
    with engine.connect() as conn:
        return commitment_history(conn, commitment)


def commitments_with_holders(
    engine: Engine, *, agency: str | None = None, enterprise: str | None = None
) -> tuple[list[CommitmentRow], dict[str, str]]:
    """Every commitment (of ``agency``'s signing, of ``enterprise``) and who holds each now."""
    with engine.connect() as conn:
        rows = list_commitments(conn, agency=agency, enterprise=enterprise)
        return rows, commitment_holders(conn, rows)


def agencies_with_holders(engine: Engine) -> tuple[list[AgencyRow], dict[str, str]]:
    """Every registered agency and the agency holding its obligations now."""
    with engine.connect() as conn:
        rows = list_agencies(conn)
        return rows, agency_holders(conn, rows)


def enterprises(engine: Engine, on: dt.date) -> list[EnterpriseRow]:
    """Every registered enterprise with its name and size as of ``on`` (DOMAIN.md; the
    rows' own name and size are the latest on record, future-dated updates included)."""
    with engine.connect() as conn:
        rows = list_enterprises(conn)
        records = enterprise_records(conn, [r.uscc for r in rows])
    return [
        replace(r, name=records[r.uscc].name_on(on), size=records[r.uscc].size_on(on)) for r in rows
    ]


def agency_names(engine: Engine) -> dict[str, str]:
    """Registered agencies, id -> name."""
    with engine.connect() as conn:
        return {a.agency: a.name for a in list_agencies(conn)}


def enterprises_named(engine: Engine, usccs: Sequence[str]) -> dict[str, EnterpriseNames]:
    """The names and sizes on record of these enterprises (those registered)."""
    if not usccs:
        return {}
    with engine.connect() as conn:
        return enterprise_records(conn, usccs)
