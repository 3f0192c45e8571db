"""Reading the ``domain_events`` projection for the audits, one commitment at a time.

The audits read nothing but ``domain_events`` (a projection of every accepted
statement, written in the append's own transaction), so every figure is
reproducible from the log.  Registry events (``commitment IS NULL``) are few
and are loaded first into a :class:`Registry`; commitment events are then
streamed in ``(commitment, seq)`` order, grouped into one
:class:`~ledger.audit.records.CommitmentHistory` at a time, so memory does
not grow with the log.

Bodies were validated on append, so they are typed here by a constructor per
kind, without re-validation (``parse_body`` re-checks every field, USCC check
characters included, and would dominate the audit's run time on millions of
events; a test checks the two agree).  A body that does not type is a damaged
projection: :class:`VerificationError` naming its seq.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, func, select

from ledger.audit.records import ADDERS, CommitmentHistory, new_history
from ledger.domain.events import (
    LOG_KEY_ONLY_KINDS,
    REGISTRY_KINDS,
    AgencyRegistered,
    AgencySucceeded,
    EnterpriseRegistered,
    EnterpriseSize,
    EnterpriseUpdated,
    Event,
    EventKind,
    GovernmentTermChanged,
    OfficialAppointed,
    OfficialDeparted,
    decode_body,
)
from ledger.domain.registry import EnterpriseNames
from ledger.errors import VerificationError
from ledger.runtime import gc_paused
from ledger.schema import domain_events, read_snapshot

_loads: Callable[[str | bytes], Any]
try:  # orjson is several times faster on millions of bodies; json is the fallback
    from orjson import loads as _loads
except ImportError:  # pragma: no cover
    from json import loads as _loads

__all__ = [
    "REGISTRY_AUDIT_KINDS",
    "EnterpriseRecord",
    "Logged",
    "Registry",
    "Slice",
    "decode_registry",
    "gc_paused",
    "iter_histories",
    "load_registry",
    "snapshot",
]

E = TypeVar("E", bound=Event)

REGISTRY_AUDIT_KINDS: tuple[str, ...] = tuple(
    k.value for k in EventKind if k in REGISTRY_KINDS and k not in LOG_KEY_ONLY_KINDS
)
"""Registry kinds the audits read (key events are the verifier's business)."""

_FETCH = 20_000
_RECORDED = EventKind.COMMITMENT_RECORDED.value


@dataclass(frozen=True, slots=True)
class Logged(Generic[E]):
    """An event with the seq of its entry and the instant it was signed (``at``, RFC 3339 UTC)."""

    seq: int
    at: str
    event: E

    @property
    def at_date(self) -> dt.date:
        """The UTC calendar date of the signing instant."""
        return dt.date.fromisoformat(self.at[:10])


@dataclass(slots=True)
class EnterpriseRecord:
    """An enterprise's registration and its dated updates (:class:`ledger.domain.registry.EnterpriseNames`)."""

    registered: Logged[EnterpriseRegistered]
    names: EnterpriseNames

    def size_on(self, day: dt.date) -> EnterpriseSize:
        """Size as of ``day``: the registered size, then updates effective on or before it."""
        return EnterpriseSize(self.names.size_on(day))

    def name_on(self, day: dt.date | None = None) -> str:
        """Name as of ``day`` (None: the latest)."""
        return self.names.name_on(day)


@dataclass(slots=True)
class Registry:
    """Agencies, enterprises, successions, officials and term changes, as logged."""

    log_size: int = 0
    agencies: dict[str, Logged[AgencyRegistered]] = field(default_factory=dict)
    enterprises: dict[str, EnterpriseRecord] = field(default_factory=dict)
    successions: list[Logged[AgencySucceeded]] = field(default_factory=list)
    appointments: list[Logged[OfficialAppointed]] = field(default_factory=list)
    departures: list[Logged[OfficialDeparted]] = field(default_factory=list)
    term_changes: list[Logged[GovernmentTermChanged]] = field(default_factory=list)

    def add(self, logged: Logged[Any]) -> None:
        """Take in one registry event (in seq order)."""
        ev = logged.event
        if isinstance(ev, AgencyRegistered):
            self.agencies.setdefault(ev.agency, logged)
        elif isinstance(ev, AgencySucceeded):
            self.successions.append(logged)
        elif isinstance(ev, OfficialAppointed):
            self.appointments.append(logged)
        elif isinstance(ev, OfficialDeparted):
            self.departures.append(logged)
        elif isinstance(ev, GovernmentTermChanged):
            self.term_changes.append(logged)
        elif isinstance(ev, EnterpriseRegistered):
            if ev.uscc not in self.enterprises:
                names = EnterpriseNames(ev.name, ev.size.value)
                self.enterprises[ev.uscc] = EnterpriseRecord(logged, names)
        elif isinstance(ev, EnterpriseUpdated):
            rec = self.enterprises.get(ev.uscc)
            if rec is not None:
                size = None if ev.size is None else ev.size.value
                rec.names.update(ev.effective, logged.seq, ev.name, size)

    def agency_name(self, agency: str) -> str | None:
        """The registered name of an agency, if registered."""
        reg = self.agencies.get(agency)
        return reg.event.name if reg is not None else None

    def enterprise_name(self, uscc: str, on: dt.date | None = None) -> str | None:
        """An enterprise's name as of ``on`` (None: the latest), if registered."""
        rec = self.enterprises.get(uscc)
        return rec.name_on(on) if rec is not None else None


snapshot = read_snapshot
"""A read-only connection seeing one snapshot (:func:`ledger.schema.read_snapshot`)."""


def _row_error(seq: int, kind: str, exc: Exception) -> VerificationError:
    return VerificationError(
        f"domain_events row {seq} ({kind}) does not parse ({exc}); the projection is damaged: "
        "rebuild it from the log",
        seq,
    )


def load_registry(conn: Connection) -> Registry:
    """Every registry event the audits need, in seq order, and the log size."""
    from ledger.audit_input import check_audit_input

    check_audit_input(conn)  # the rows below match the leaves, in this snapshot (issue 13)
    reg = Registry()
    top = conn.execute(select(func.max(domain_events.c.seq))).scalar_one_or_none()
    reg.log_size = 0 if top is None else int(top) + 1
    rows = conn.execute(
        select(domain_events.c.seq, domain_events.c.kind, domain_events.c.at, domain_events.c.body)
        .where(domain_events.c.commitment.is_(None))
        .where(domain_events.c.kind.in_(REGISTRY_AUDIT_KINDS))
        .order_by(domain_events.c.seq)
    )
    for seq, kind, at, body in rows:
        try:
            event = decode_registry(kind, _loads(body))
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise _row_error(int(seq), kind, exc) from exc
        reg.add(Logged(int(seq), str(at), event))
    return reg


# --------------------------------------------------------------------------
# typing of registry bodies (validated on append)


def decode_registry(kind: str, body: dict[str, Any]) -> Event:
    """Type a registry body (KeyError for a kind the audits do not read).

    The one trusted decoder of :mod:`ledger.domain.events` (bodies were validated on append).
    """
    if kind not in REGISTRY_AUDIT_KINDS:
        raise KeyError(kind)
    return decode_body(kind, body)


@dataclass(frozen=True, slots=True)
class Slice:
    """A range of commitment ids (``lo`` inclusive, ``hi`` exclusive; None: open) within
    the first ``log_size`` entries of the log, so that every reader sees one prefix."""

    lo: str | None
    hi: str | None
    log_size: int


def _stream_sql(sl: Slice, dialect: str) -> tuple[str, tuple[object, ...]]:
    """The streaming query for a slice, with its parameters in the driver's style.

    Rows: ``seq, kind, body`` and ``at`` only where an audit reads it (voids);
    the commitment is taken from the body (the column holds the same value),
    to keep rows small.
    """
    mark = "%s" if dialect == "postgresql" else "?"
    where = ["commitment IS NOT NULL", f"seq < {mark}"]
    params: list[object] = [sl.log_size]
    if sl.lo is not None:
        where.append(f"commitment >= {mark}")
        params.append(sl.lo)
    if sl.hi is not None:
        where.append(f"commitment < {mark}")
        params.append(sl.hi)
    sql = (
        "SELECT seq, kind, body, CASE WHEN kind = 'commitment.voided' THEN at END "
        f"FROM domain_events WHERE {' AND '.join(where)} ORDER BY commitment, seq"
    )
    return sql, tuple(params)


@contextmanager
def _cursor(conn: Connection, sl: Slice, fetch: int) -> Iterator[Any]:
    """A DBAPI cursor streaming one slice inside ``conn``'s transaction.

    Rows are read through the driver directly: SQLAlchemy's Row objects would
    cost as much again as the rest of the audit on millions of events.
    PostgreSQL gets a server-side (named) cursor so the result is streamed;
    SQLite steps its cursor lazily anyway, with a larger page cache meanwhile.
    """
    raw = conn.connection.driver_connection
    assert raw is not None
    sql, params = _stream_sql(sl, conn.dialect.name)
    if conn.dialect.name == "postgresql":
        cur = raw.cursor(name="ledger_audit_stream")
        cur.itersize = fetch
        try:
            cur.execute(sql, params)
            yield cur
        finally:
            cur.close()
        return
    old = raw.execute("PRAGMA cache_size").fetchone()[0]
    raw.execute("PRAGMA cache_size = -131072")  # 128 MiB while streaming
    cur = raw.execute(sql, params)
    try:
        yield cur
    finally:
        cur.close()
        raw.execute(f"PRAGMA cache_size = {int(old)}")


def iter_histories(
    conn: Connection, sl: Slice | None = None, fetch: int = _FETCH
) -> Iterator[CommitmentHistory]:
    """Stream every commitment's history (of one slice), grouped, in ``(commitment, seq)`` order.

    Uses the ``(commitment, seq)`` index; only one commitment's events are
    held at a time.  Events of a commitment with no ``commitment.recorded``
    (impossible under validation) are skipped.
    """
    if sl is None:
        sl = Slice(None, None, 2**62)
    loads, adders = _loads, ADDERS
    current: str | None = None
    history: CommitmentHistory | None = None
    with _cursor(conn, sl, fetch) as cur:
        while True:
            rows = cur.fetchmany(fetch)
            if not rows:
                break
            for seq, kind, body, at in rows:
                try:
                    obj = loads(body)
                    commitment = obj["commitment"]
                    if commitment != current:
                        if history is not None:
                            yield history
                        current, history = commitment, None
                    if kind == _RECORDED:
                        if history is None:
                            history = new_history(seq, obj)
                    elif history is not None:
                        adders[kind](history, seq, at, obj)
                        history.seqs.append(seq)
                except (KeyError, ValueError, TypeError, AttributeError) as exc:
                    raise _row_error(int(seq), kind, exc) from exc
    if history is not None:
        yield history
