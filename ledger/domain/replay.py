"""Rebuild the domain projections from the log, and check them against it.

Both read the log's leaf bytes alone and replay every statement through the
same :class:`~ledger.domain.state.DomainState` that validates appends, so
the tables are exactly what the append rules make of the log:

- :func:`rebuild` drops and recreates every projection table (never the log
  tables ``entries``, ``tree_nodes``, ``checkpoints``) in one transaction
  holding the append lock;
- :func:`check_projections` replays the log in memory and compares it with
  the stored tables, raising :class:`~ledger.errors.VerificationError` that
  names the table, the row and the column that differ (a projection edited
  behind the log's back).  It streams: the append-only tables are compared
  one chunk of seqs at a time, the entity tables once at the end, all in one
  read snapshot.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Connection, Table, and_, delete, func, insert, select

from ledger.canonical import loads_leaf as loads  # leaves: canonical form checked
from ledger.clock import beijing_day
from ledger.domain.state import DomainState
from ledger.domain.tables import LOG_TABLES, PROJECTION_TABLES, RECORDS, Record
from ledger.errors import BadInput, EnvironmentProblem, VerificationError
from ledger.schema import (
    ENTRIES_KIND,
    OBSOLETE_TABLES,
    SCHEMA_VERSION,
    WRITE,
    domain_events,
    entries,
    meta,
)
from ledger.sql import append_lock, driver_batches, sqlite_rows

if TYPE_CHECKING:
    from ledger.log import Ledger

__all__ = [
    "RebuildResult",
    "check_projections",
    "compare_entities",
    "compare_log_rows",
    "migrate",
    "rebuild",
]

CHUNK = 5000
Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class RebuildResult:
    """What a rebuild wrote: the entries replayed and the rows of every projection table."""

    entries: int
    rows: tuple[tuple[str, int], ...]


def _leaves(conn: Connection, chunk: int = CHUNK) -> Iterator[tuple[int, bytes]]:
    """``(seq, leaf)`` in seq order, a chunk at a time, on this connection (one snapshot)."""
    pos = 0
    while True:
        rows = conn.execute(
            select(entries.c.seq, entries.c.leaf)
            .where(entries.c.seq >= pos)
            .order_by(entries.c.seq)
            .limit(chunk)
        ).all()
        for seq, leaf in rows:
            yield int(seq), leaf.encode("utf-8") if isinstance(leaf, str) else bytes(leaf)
        if len(rows) < chunk:
            return
        pos = int(rows[-1][0]) + 1


def _end_group(state: DomainState) -> None:
    """Close the entries of one ts (one appended file): a payment left above its balance
    once the file's reversals are counted is a verification failure."""
    for seq, exc in state.end_group():
        raise VerificationError(
            f"entry {seq} breaks a domain rule: {exc} (run 'ledger verify' for the log itself)",
            seq=seq,
        )


def _replay_one(state: DomainState, seq: int, leaf: bytes, expect: int) -> None:
    """Apply one leaf to the state; a leaf the rules refuse is a verification failure."""
    if seq != expect:
        raise VerificationError(f"entry {expect} is missing from the log", seq=expect)
    try:
        obj = loads(leaf)
        statement = obj["statement"]
        if not isinstance(statement, dict) or obj.get("seq") != seq:
            raise TypeError("not an entry of this seq")
        if obj["ts"] != state.group:
            _end_group(state)
            state.group = obj["ts"]
        state.check(statement, seq, None, beijing_day(obj["ts"]), ts=obj["ts"])
    except BadInput as exc:
        raise VerificationError(
            f"entry {seq} breaks a domain rule: {exc} (run 'ledger verify' for the log itself)",
            seq=seq,
        ) from exc
    except (KeyError, TypeError, ValueError) as exc:
        raise VerificationError(f"entry {seq}: statement is malformed ({exc!r})", seq=seq) from exc


def rebuild(ledger: Ledger, progress: Progress | None = None) -> RebuildResult:
    """Drop and recreate the projection tables from the log's leaf bytes, in one transaction.

    Holds the append lock throughout, so no append interleaves; on any
    failure (a log entry the domain rules refuse) nothing changes.
    """
    with ledger.engine.connect().execution_options(**WRITE) as conn, conn.begin():
        append_lock(conn)
        for table in reversed(PROJECTION_TABLES):
            table.drop(conn, checkfirst=True)
        for name in OBSOLETE_TABLES:
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
        conn.execute(ENTRIES_KIND)  # schema 2 (an older, full one is kept)
        for table in PROJECTION_TABLES:
            table.create(conn)
        _set_version(conn)
        state = DomainState()
        n = 0
        for seq, leaf in _leaves(conn):
            _replay_one(state, seq, leaf, n)
            n += 1
            if n % CHUNK == 0:
                state.flush_log_rows(conn)
                if progress is not None:
                    progress(CHUNK)
        _end_group(state)
        state.flush(conn)
        if progress is not None:
            progress(n % CHUNK)
        counts = tuple(
            (t.name, int(conn.execute(select(func.count()).select_from(t)).scalar_one()))
            for t in PROJECTION_TABLES
        )
    return RebuildResult(n, counts)


def _set_version(conn: Connection) -> None:
    conn.execute(delete(meta).where(meta.c.key == "schema"))
    conn.execute(insert(meta).values(key="schema", value=str(SCHEMA_VERSION)))


def schema_version(conn: Connection) -> int:
    """The version of the tables (``meta`` key ``schema``); 1 when absent (the first release)."""
    value = conn.execute(select(meta.c.value).where(meta.c.key == "schema")).scalar_one_or_none()
    if value is None:
        return 1
    # ASCII digits, no sign, space or underscore (int() takes " 2", "+2", "٢" and "2_0")
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise EnvironmentProblem(
            f"数据库结构版本 {value!r} 无法识别（the database's schema version {value!r} is not a "
            "number): this is not a ledger database this program can read"
        )
    return int(value)


def migrate(ledger: Ledger) -> bool:
    """Bring an older database's tables to :data:`SCHEMA_VERSION`; True if it did.

    The log tables never change; every derived table is rebuilt from the log
    (dropping the tables of older versions), so an old database is upgraded,
    never misread.  A newer database, or a log whose entries the current rules
    refuse, is refused with EnvironmentProblem and left unchanged.
    """
    with ledger.engine.connect() as conn:
        version = schema_version(conn)
    if version > SCHEMA_VERSION:
        raise EnvironmentProblem(
            f"数据库结构版本 {version} 新于本程序支持的 {SCHEMA_VERSION}（the database's schema "
            f"version {version} is newer than this program's {SCHEMA_VERSION}): upgrade the program"
        )
    if version == SCHEMA_VERSION:
        return False
    try:
        rebuild(ledger)
    except VerificationError as exc:
        raise EnvironmentProblem(
            f"数据库结构版本 {version} 需要升级到 {SCHEMA_VERSION}，但日志无法按现行规则重放（the "
            f"database's schema version {version} needs upgrading to {SCHEMA_VERSION}, but "
            f"replaying its log failed: {exc}); nothing was changed"
        ) from exc
    return True


# --------------------------------------------------------------------------
# check


def _key_index(table: Table) -> list[int]:
    """Positions of the primary-key columns in a row of ``table``."""
    names = [c.name for c in table.columns]
    return [names.index(c.name) for c in table.primary_key.columns]


def _key_getter(table: Table) -> Callable[[tuple[Any, ...]], Any]:
    """The primary key of a row of ``table``: the value itself for a one-column key."""
    return itemgetter(*_key_index(table))


def _show_key(table: Table, key: Any) -> str:
    cols = table.primary_key.columns
    values = key if len(cols) > 1 else (key,)
    return ", ".join(f"{c.name}={v!r}" for c, v in zip(cols, values, strict=True))


def _differs(table: Table, key: Any, why: str) -> VerificationError:
    return VerificationError(
        f"projection table {table.name} differs from the log at row ({_show_key(table, key)}): "
        f"{why}; it was edited behind the log's back (run 'ledger rebuild' to restore it)"
    )


_BATCH = 10_000


def _compare(
    conn: Connection,
    table: Table,
    expected: Mapping[Any, tuple[Any, ...]],
    where: ColumnElement[bool] | None,
) -> None:
    """Compare the stored rows selected by ``where`` with ``expected``.

    Rows are tuples in column order, ``expected`` is keyed by primary key
    (:func:`_key_getter`).  The stored rows come straight from the driver a
    batch at a time (:func:`ledger.sql.driver_batches`) and are compared with
    the expected rows of the same keys, put in the driver's form (SQLite:
    dates as ISO text, :func:`ledger.sql.sqlite_rows`), by ``==`` on every
    value; only when a batch differs, or rows are missing, are they read again
    row by row through SQLAlchemy's types, to name the first row and column at
    fault.
    """
    q = select(table) if where is None else select(table).where(where)
    key = _key_getter(table)
    sqlite = conn.dialect.name == "sqlite"
    seen: set[Any] = set()
    n = 0
    with driver_batches(conn, q, _BATCH) as batches:
        for rows in batches:
            keys = list(map(key, rows))
            seen.update(keys)
            n += len(rows)
            want = list(map(expected.get, keys))
            if len(seen) != n or None in want:
                break
            if (sqlite_rows(table, want) if sqlite else want) != rows:  # type: ignore[arg-type]
                break
        else:
            if n == len(expected):
                return
    _name_difference(conn, table, expected, q)


def _wrong_type(table: Table, exc: Exception) -> VerificationError:
    return VerificationError(
        f"projection table {table.name} holds a value that is not of its column's type "
        f"({exc}): it was edited behind the log's back (run 'ledger rebuild')"
    )


def _name_difference(
    conn: Connection, table: Table, expected: Mapping[Any, tuple[Any, ...]], q: Any
) -> None:
    """Read the rows of ``q`` again, one at a time: raise the VerificationError naming
    the first that differs from ``expected``, or a row missing from the table."""
    key = _key_getter(table)
    seen: set[Any] = set()
    try:
        for r in conn.execute(q):
            row = tuple(r)
            k = key(row)
            want = expected.get(k)
            if want is None or k in seen:
                raise _differs(table, k, "the row is not in a replay of the log")
            seen.add(k)
            if row != want:
                col, have, value = next(
                    (c.name, h, v)
                    for c, h, v in zip(table.columns, row, want, strict=True)
                    if h != v
                )
                raise _differs(
                    table, k, f"column {col} is {have!r} in the table but {value!r} in a replay"
                )
    except (ValueError, TypeError) as exc:
        raise _wrong_type(table, exc) from exc
    for k in expected.keys() - seen:
        raise _differs(table, k, "the row is missing from the table")


def compare_log_rows(
    conn: Connection,
    state: DomainState,
    lo: int | None,
    hi: int | None,
    *,
    stored_kinds: Iterable[tuple[int, str]] | None = None,
) -> None:
    """Compare the append-only tables for entries ``lo <= seq < hi`` (open ends: unbounded).

    Also the ``kind`` column of ``entries`` (append reads successions by it):
    ``stored_kinds`` gives the ``(seq, kind)`` of those entries when the caller
    read them already (with the leaves), else they are queried here.
    """
    kinds = {r[0]: r[1] for r in state.rows.get(domain_events.name, [])}  # seq, kind
    if stored_kinds is None:
        q = select(entries.c.seq, entries.c.kind)
        if lo is not None:
            q = q.where(entries.c.seq >= lo)
        if hi is not None:
            q = q.where(entries.c.seq < hi)
        stored_kinds = conn.execute(q)
    for seq, kind in stored_kinds:
        if kinds.get(int(seq), kind) != kind:
            raise VerificationError(
                f"entries.kind of entry {seq} is {kind!r} but its leaf says {kinds[int(seq)]!r}: "
                "the column was edited behind the log's back",
                seq=int(seq),
            )
    for table in LOG_TABLES:
        rows = state.rows.get(table.name, [])  # tuples in column order
        expected = dict(zip(map(_key_getter(table), rows), rows, strict=True))
        conds: list[ColumnElement[bool]] = []
        if lo is not None:
            conds.append(table.c.seq >= lo)
        if hi is not None:
            conds.append(table.c.seq < hi)
        _compare(conn, table, expected, and_(*conds) if conds else None)
        rows.clear()


class _RecordRows(Mapping[Any, tuple[Any, ...]]):
    """The rows a replay's records make, by key, made when asked for (a replay of a
    large log holds millions of records: no second copy of them as rows)."""

    def __init__(self, cls: type[Record], records: Mapping[Any, Any]) -> None:
        self._values = cls.values
        self._records = records

    def __getitem__(self, key: Any) -> tuple[Any, ...]:
        return self._values(self._records[key])

    def get(self, key: Any, default: Any = None) -> Any:  # the hot path of _compare
        rec = self._records.get(key)
        return default if rec is None else self._values(rec)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._records)

    def __len__(self) -> int:
        return len(self._records)


def compare_entities(conn: Connection, state: DomainState) -> None:
    """Compare the mutable tables with a complete replay (after its last entry)."""
    for cls in RECORDS:
        _compare(conn, cls.table, _RecordRows(cls, state.records(cls)), None)


def check_projections(ledger: Ledger, progress: Progress | None = None) -> None:
    """Replay the log and compare every projection table with the stored one.

    Raises VerificationError naming the table, the row (by primary key) and
    the column that differ, or the entry the domain rules refuse.  Reads
    everything in one snapshot (SQLite WAL read transaction; PostgreSQL
    REPEATABLE READ), so concurrent appends cause no false alarm.
    """
    with ledger.engine.connect() as base:
        conn = (
            base.execution_options(isolation_level="REPEATABLE READ")
            if base.dialect.name == "postgresql"
            else base
        )
        with conn.begin():
            state = DomainState()
            n, lo = 0, None
            for seq, leaf in _leaves(conn):
                _replay_one(state, seq, leaf, n)
                n += 1
                if n % CHUNK == 0:
                    compare_log_rows(conn, state, lo, n)
                    lo = n
                    if progress is not None:
                        progress(CHUNK)
            _end_group(state)
            compare_log_rows(conn, state, lo, None)
            compare_entities(conn, state)
            if progress is not None:
                progress(n % CHUNK)
