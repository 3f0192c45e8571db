"""Domain projection tables: current state derived from the log (DOMAIN.md).

Every table here is derived from the log's leaf bytes alone: the append
writes it in its own transaction (:mod:`ledger.domain.state`), ``ledger
rebuild`` recreates it and ``check_projections`` compares it with a replay
(:mod:`ledger.domain.replay`).  Amounts are BigInteger fen with the currency named
(STYLE.md §5); dates are DATE; ``seq`` columns point at the entry that made
or last changed a row.

Each mutable table has a record class of the same columns, used by the
append hook to hold the rows it loaded or made; append-only tables get plain
row dicts.  The read side (listing, one commitment's history, size as of a
date) is here too, returning frozen dataclasses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from operator import attrgetter
from typing import Any, ClassVar, Self

import orjson
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Date,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    or_,
    select,
)

from ledger.domain.registry import EnterpriseNames, Succession, Successions
from ledger.schema import SEQ, domain_events, metadata

__all__ = [
    "CURRENCY",
    "ENTITY_TABLES",
    "LOG_TABLES",
    "PROJECTION_TABLES",
    "RECORDS",
    "AgencyRow",
    "CommitmentHistory",
    "CommitmentRow",
    "DisputeRow",
    "EnterpriseRow",
    "HistoryItem",
    "Record",
    "TenureRow",
    "agencies",
    "agency_holders",
    "commitment_history",
    "commitment_holders",
    "commitments",
    "disputes",
    "enterprise_history",
    "enterprise_names",
    "enterprise_records",
    "enterprise_size_on",
    "enterprises",
    "id_skeletons",
    "list_agencies",
    "list_commitments",
    "list_enterprises",
    "load_successions",
    "payments",
    "principal_on",
    "successions",
    "tenures",
    "term_changes",
]

CURRENCY = "CNY"
_ID = 255

agencies = Table(
    "agencies",
    metadata,
    Column("agency", String(_ID), primary_key=True),
    Column("name", Text, nullable=False),
    Column("category", String(16), nullable=False),
    Column("region", String(6), nullable=False),
    Column("registered_seq", BigInteger, nullable=False),
    # successions in full (naming no commitments) of this agency: the one that
    # wins by (effective, seq), and the earliest date, from which it signs nothing
    Column("successor", String(_ID), nullable=True),
    Column("succeeded_seq", BigInteger, nullable=True),
    Column("succeeded_on", Date, nullable=True),
)

successions = Table(
    "successions",
    metadata,
    Column("seq", BigInteger, nullable=False),
    Column("predecessor", String(_ID), nullable=False),
    Column("successor", String(_ID), nullable=False),
    Column("reason", String(32), nullable=False),
    Column("effective", Date, nullable=False),
    Column("commitments", Text, nullable=True),  # JSON list; null: in full
    PrimaryKeyConstraint("seq", "predecessor"),
)
Index("successions_predecessor", successions.c.predecessor)
Index("successions_successor", successions.c.successor)

tenures = Table(
    "tenures",
    metadata,
    Column("seq", SEQ, primary_key=True, autoincrement=False),  # the appointment
    Column("official", String(_ID), nullable=False),
    Column("name", Text, nullable=False),
    Column("agency", String(_ID), nullable=False),
    Column("role", String(16), nullable=False),
    Column("start", Date, nullable=False),
    Column("end", Date, nullable=True),  # last day in office, inclusive
    Column("end_seq", BigInteger, nullable=True),
    # departed | replaced (a new principal) | reappointed (same official, new role)
    Column("ended_by", String(16), nullable=True),
)
Index("tenures_official", tenures.c.official, tenures.c.agency)
Index("tenures_agency", tenures.c.agency, tenures.c.end_seq)

term_changes = Table(
    "term_changes",
    metadata,
    Column("seq", SEQ, primary_key=True, autoincrement=False),
    Column("region", String(6), nullable=False),
    Column("term", Text, nullable=False),
    Column("effective", Date, nullable=False),
)
Index("term_changes_region", term_changes.c.region, term_changes.c.effective)

enterprises = Table(
    "enterprises",
    metadata,
    Column("uscc", String(18), primary_key=True),
    Column("name", Text, nullable=False),
    Column("size", String(8), nullable=False),
    Column("ownership", String(8), nullable=False),
    Column("registered_seq", BigInteger, nullable=False),
    # the current name and size are those of the latest effective date
    # (null: as registered); updated_seq is the last update applied
    Column("name_effective", Date, nullable=True),
    Column("size_effective", Date, nullable=True),
    Column("updated_seq", BigInteger, nullable=True),
)

# Registration (effective null: from the start) and every update, for "size
# as of the signing date".
enterprise_history = Table(
    "enterprise_history",
    metadata,
    Column("seq", SEQ, primary_key=True, autoincrement=False),
    Column("uscc", String(18), nullable=False),
    Column("effective", Date, nullable=True),
    Column("size", String(8), nullable=True),
    Column("name", Text, nullable=True),
)
Index("enterprise_history_uscc", enterprise_history.c.uscc, enterprise_history.c.effective)

commitments = Table(
    "commitments",
    metadata,
    Column("commitment", String(_ID), primary_key=True),
    Column("type", String(16), nullable=False),
    Column("agency", String(_ID), nullable=False),  # the agency that signed
    Column("enterprise", String(18), nullable=False),
    Column("title", Text, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("amount", BigInteger, nullable=False),  # as recorded
    Column("agreed_amount", BigInteger, nullable=False),  # after consented amendments
    Column("signed_on", Date, nullable=False),
    Column("terms", Text, nullable=False),  # JSON, after consented amendments
    Column("interest_rate", String(16), nullable=True),
    Column("official", String(_ID), nullable=True),
    Column("policy_ref", Text, nullable=True),
    Column("document_sha256", String(64), nullable=True),
    Column("recorded_seq", BigInteger, nullable=False),
    # principal = agreed - waived - written_off; outstanding = principal - paid
    Column("principal", BigInteger, nullable=False),
    Column("paid", BigInteger, nullable=False),
    Column("outstanding", BigInteger, nullable=False),
    Column("disputed", BigInteger, nullable=False),  # open disputes, face value
    Column("waived", BigInteger, nullable=False),
    Column("written_off", BigInteger, nullable=False),
    Column("first_delivery", Date, nullable=True),
    Column("last_delivery", Date, nullable=True),
    Column("first_acceptance", Date, nullable=True),
    Column("unconsented_amendments", Integer, nullable=False),
    Column("complaints", Integer, nullable=False),
    Column("repudiated_seq", BigInteger, nullable=True),
    Column("settled_seq", BigInteger, nullable=True),
    Column("voided", Boolean, nullable=False),
    Column("voided_seq", BigInteger, nullable=True),
    Column("last_seq", BigInteger, nullable=False),
)

payments = Table(
    "payments",
    metadata,
    Column("seq", SEQ, primary_key=True, autoincrement=False),
    Column("commitment", String(_ID), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("date", Date, nullable=False),
    Column("reference", Text, nullable=False),
    Column("method", String(16), nullable=False),
    Column("maturity", Date, nullable=True),
)
Index("payments_commitment", payments.c.commitment, payments.c.seq)

disputes = Table(
    "disputes",
    metadata,
    Column("seq", SEQ, primary_key=True, autoincrement=False),
    Column("commitment", String(_ID), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("date", Date, nullable=False),
    Column("reason", Text, nullable=False),
    Column("reason_code", String(32), nullable=True),
    Column("status", String(8), nullable=False),  # open | resolved
    Column("resolved_seq", BigInteger, nullable=True),
    Column("resolved_on", Date, nullable=True),
)
Index("disputes_commitment", disputes.c.commitment, disputes.c.status)

id_skeletons = Table(
    "id_skeletons",
    metadata,
    Column("seq", SEQ, primary_key=True, autoincrement=False),  # the id's first entry
    Column("kind", String(16), nullable=False),  # agency | official | commitment
    Column("id", String(_ID), nullable=False),
    Column("skeleton", Text, nullable=False),  # Unicode TS #39 (ledger.text.skeleton)
)
Index("id_skeletons_skeleton", id_skeletons.c.kind, id_skeletons.c.skeleton)

LOG_TABLES: tuple[Table, ...] = (
    domain_events,
    successions,
    term_changes,
    enterprise_history,
    payments,
    id_skeletons,
)
"""Append-only projections: one or more rows per entry, keyed by ``seq``, never changed."""

ENTITY_TABLES: tuple[Table, ...] = (agencies, tenures, enterprises, commitments, disputes)
"""Projections whose rows later entries change (a payment changes its commitment)."""

PROJECTION_TABLES: tuple[Table, ...] = LOG_TABLES + ENTITY_TABLES
"""Every table ``ledger rebuild`` drops and recreates (never entries, tree_nodes, checkpoints)."""


# --------------------------------------------------------------------------
# records of the mutable tables (fields == columns, in order)


@dataclass(slots=True)
class Record:
    """A row of a mutable projection table: one field per column, in column order."""

    table: ClassVar[Table]
    key: ClassVar[str]
    columns: ClassVar[tuple[str, ...]] = ()
    values: ClassVar[Callable[[Any], tuple[Any, ...]]]
    """``values(record)``: the record's values in column order."""

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> Self:
        """Build from a database row (a mapping by column name)."""
        make: Callable[..., Self] = cls  # the subclasses' fields are the columns
        return make(**{c: row[c] for c in cls.columns})

    def to_row(self) -> dict[str, Any]:
        """The row to store: column name -> value."""
        return dict(zip(self.columns, type(self).values(self), strict=True))


@dataclass(slots=True)
class AgencyRow(Record):
    """A row of ``agencies``."""

    table: ClassVar[Table] = agencies
    key: ClassVar[str] = "agency"
    agency: str
    name: str
    category: str
    region: str
    registered_seq: int
    successor: str | None = None
    succeeded_seq: int | None = None
    succeeded_on: dt.date | None = None


@dataclass(slots=True)
class TenureRow(Record):
    """A row of ``tenures``: one appointment of one official at one agency."""

    table: ClassVar[Table] = tenures
    key: ClassVar[str] = "seq"
    seq: int
    official: str
    name: str
    agency: str
    role: str
    start: dt.date
    end: dt.date | None = None
    end_seq: int | None = None
    ended_by: str | None = None


@dataclass(slots=True)
class EnterpriseRow(Record):
    """A row of ``enterprises`` (current name and size)."""

    table: ClassVar[Table] = enterprises
    key: ClassVar[str] = "uscc"
    uscc: str
    name: str
    size: str
    ownership: str
    registered_seq: int
    name_effective: dt.date | None = None
    size_effective: dt.date | None = None
    updated_seq: int | None = None


@dataclass(slots=True)
class CommitmentRow(Record):
    """A row of ``commitments``: the current balances of one commitment."""

    table: ClassVar[Table] = commitments
    key: ClassVar[str] = "commitment"
    commitment: str
    type: str
    agency: str
    enterprise: str
    title: str
    currency: str
    amount: int
    agreed_amount: int
    signed_on: dt.date
    terms: str
    interest_rate: str | None
    official: str | None
    policy_ref: str | None
    document_sha256: str | None
    recorded_seq: int
    principal: int
    paid: int
    outstanding: int
    disputed: int
    waived: int
    written_off: int
    first_delivery: dt.date | None
    last_delivery: dt.date | None
    first_acceptance: dt.date | None
    unconsented_amendments: int
    complaints: int
    repudiated_seq: int | None
    settled_seq: int | None
    voided: bool
    voided_seq: int | None
    last_seq: int


@dataclass(slots=True)
class DisputeRow(Record):
    """A row of ``disputes``."""

    table: ClassVar[Table] = disputes
    key: ClassVar[str] = "seq"
    seq: int
    commitment: str
    amount: int
    date: dt.date
    reason: str
    reason_code: str | None
    status: str
    resolved_seq: int | None = None
    resolved_on: dt.date | None = None


RECORDS: tuple[type[Record], ...] = (AgencyRow, TenureRow, EnterpriseRow, CommitmentRow, DisputeRow)
"""The record class of every mutable table (ENTITY_TABLES, same order)."""

for _cls in RECORDS:
    _names = tuple(c.name for c in _cls.table.columns)
    if _names != tuple(f.name for f in fields(_cls)):  # pragma: no cover - a coding error
        raise TypeError(f"{_cls.__name__} fields differ from the columns of {_cls.table.name}")
    _cls.columns = _names
    _cls.values = attrgetter(*_names)


# --------------------------------------------------------------------------
# the read side


def load_successions(conn: Connection) -> Successions:
    """Every succession of the log, for the holder rule (:mod:`ledger.domain.registry`)."""
    rows = conn.execute(select(successions).order_by(successions.c.seq, successions.c.predecessor))
    grouped: dict[int, list[Any]] = {}
    for r in rows.mappings():
        grouped.setdefault(int(r["seq"]), []).append(r)
    out = Successions()
    for seq, group in grouped.items():
        first = group[0]
        named = first["commitments"]
        out.add(
            Succession(
                seq=seq,
                predecessors=tuple(str(r["predecessor"]) for r in group),
                successor=str(first["successor"]),
                effective=first["effective"],
                reason=str(first["reason"]),
                commitments=None if named is None else frozenset(orjson.loads(named)),
            )
        )
    return out


def agency_holders(conn: Connection, rows: Sequence[AgencyRow]) -> dict[str, str]:
    """Each agency's holder of its obligations in full now (itself when never succeeded in full)."""
    succ = load_successions(conn)
    return {r.agency: succ.holder(r.agency, dt.date.min) for r in rows}


def commitment_holders(conn: Connection, rows: Sequence[CommitmentRow]) -> dict[str, str]:
    """Each commitment's holder now, by the holder rule (DOMAIN.md ``agency.succeeded``)."""
    succ = load_successions(conn)
    return {r.commitment: succ.holder(r.agency, r.signed_on, r.commitment) for r in rows}


def enterprise_names(conn: Connection, uscc: str) -> EnterpriseNames | None:
    """An enterprise's registered name and size with its dated updates; None if unknown."""
    return enterprise_records(conn, [uscc]).get(uscc)


def enterprise_records(conn: Connection, usccs: Iterable[str]) -> dict[str, EnterpriseNames]:
    """The registration and dated updates of each of these enterprises that is registered."""
    grouped: dict[str, list[Any]] = {}
    wanted = sorted(set(usccs))
    for i in range(0, len(wanted), 500):
        rows = conn.execute(
            select(
                enterprise_history.c.uscc,
                enterprise_history.c.effective,
                enterprise_history.c.seq,
                enterprise_history.c.name,
                enterprise_history.c.size,
            )
            .where(enterprise_history.c.uscc.in_(wanted[i : i + 500]))
            .order_by(enterprise_history.c.seq)
        )
        for r in rows:
            grouped.setdefault(str(r[0]), []).append(r)
    out: dict[str, EnterpriseNames] = {}
    for uscc, rows_ in grouped.items():
        _u, _eff, _seq, name, size = rows_[0]  # the registration
        rec = out[uscc] = EnterpriseNames(str(name), str(size))
        for _u, effective, seq, new_name, new_size in rows_[1:]:
            rec.update(effective, int(seq), new_name, new_size)
    return out


def enterprise_size_on(conn: Connection, uscc: str, on: dt.date) -> str | None:
    """The enterprise's size as of ``on`` (DOMAIN.md: judged at signing), None if unknown."""
    names = enterprise_names(conn, uscc)
    return None if names is None else names.size_on(on)


def principal_on(conn: Connection, agency: str, on: dt.date) -> str | None:
    """The principal in office at ``agency`` on ``on`` (start and end inclusive), or None."""
    rows = conn.execute(
        select(tenures.c.official, tenures.c.seq).where(
            tenures.c.agency == agency,
            tenures.c.role == "principal",
            tenures.c.start <= on,
            or_(tenures.c.end.is_(None), tenures.c.end >= on),
        )
    ).all()
    return str(max(rows, key=lambda r: int(r[1]))[0]) if rows else None


def list_agencies(conn: Connection) -> list[AgencyRow]:
    """Every registered agency, by id."""
    rows = conn.execute(select(agencies).order_by(agencies.c.agency)).mappings()
    return [AgencyRow.from_row(r) for r in rows]


def list_enterprises(conn: Connection) -> list[EnterpriseRow]:
    """Every registered enterprise, by USCC."""
    rows = conn.execute(select(enterprises).order_by(enterprises.c.uscc)).mappings()
    return [EnterpriseRow.from_row(r) for r in rows]


def list_commitments(
    conn: Connection, *, agency: str | None = None, enterprise: str | None = None
) -> list[CommitmentRow]:
    """Every commitment (voided ones included, flagged), by id; optionally of one agency or enterprise."""
    q = select(commitments).order_by(commitments.c.commitment)
    if agency is not None:
        q = q.where(commitments.c.agency == agency)
    if enterprise is not None:
        q = q.where(commitments.c.enterprise == enterprise)
    return [CommitmentRow.from_row(r) for r in conn.execute(q).mappings()]


@dataclass(frozen=True, slots=True)
class HistoryItem:
    """One entry touching a commitment."""

    seq: int
    kind: str
    at: str
    date: str | None
    amount: int | None  # the entry's money field in fen (amount, written_off, amount_waived)
    body: dict[str, object]


@dataclass(frozen=True, slots=True)
class CommitmentHistory:
    """A commitment's current state, the agency holding it now, and every entry about it."""

    commitment: CommitmentRow
    holder: str
    items: tuple[HistoryItem, ...]


_MONEY_FIELDS = ("amount", "written_off", "amount_waived")


def _history_item(seq: int, kind: str, at: str, body_json: str) -> HistoryItem:
    from ledger.money import parse_amount

    body: dict[str, object] = orjson.loads(body_json)
    when = body.get("date", body.get("signed_on"))
    amount: int | None = None
    for name in _MONEY_FIELDS:
        value = body.get(name)
        if isinstance(value, str):
            amount = parse_amount(value, f"body.{name}", allow_zero=True)
            break
    changes = body.get("changes")
    if amount is None and isinstance(changes, dict) and isinstance(changes.get("amount"), str):
        amount = parse_amount(changes["amount"], "body.changes.amount")
    return HistoryItem(seq, kind, at, when if isinstance(when, str) else None, amount, body)


def commitment_history(conn: Connection, commitment: str) -> CommitmentHistory | None:
    """The commitment's row and every entry touching it, in seq order; None if unknown."""
    row = (
        conn.execute(select(commitments).where(commitments.c.commitment == commitment))
        .mappings()
        .first()
    )
    if row is None:
        return None
    rec = CommitmentRow.from_row(row)
    events = conn.execute(
        select(domain_events.c.seq, domain_events.c.kind, domain_events.c.at, domain_events.c.body)
        .where(domain_events.c.commitment == commitment)
        .order_by(domain_events.c.seq)
    ).all()
    items = tuple(_history_item(int(s), str(k), str(a), str(b)) for s, k, a, b in events)
    holder = load_successions(conn).holder(rec.agency, rec.signed_on, rec.commitment)
    return CommitmentHistory(rec, holder, items)
