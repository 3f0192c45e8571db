"""SQL helpers shared by the log, the projections and the replay: the append lock
and chunking of long key lists.

One place for the lock: every writer of the log or of its projections (append,
``rebuild``, schema creation and migration) serialises on it.  On SQLite a writer's
transaction starts with ``BEGIN IMMEDIATE`` (``schema.WRITE``), which already
excludes other writers; on PostgreSQL the transaction also takes this advisory lock.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from typing import Any, TypeVar

from sqlalchemy import Connection, Date, Select, Table, text

__all__ = [
    "APPEND_LOCK",
    "IN_CHUNK",
    "PLACEHOLDERS",
    "append_lock",
    "chunks",
    "driver_batches",
    "driver_rows",
    "driver_rows_in",
    "sqlite_rows",
]

APPEND_LOCK = 7203541  # the PostgreSQL advisory-lock key of the append lock
IN_CHUNK = 500  # values in one IN (...) list
PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}
"""A driver's positional placeholder, by its DBAPI ``paramstyle`` (sqlite3, psycopg)."""
_CURSORS = itertools.count()  # names of PostgreSQL server-side cursors, unique per process

T = TypeVar("T")


def append_lock(conn: Connection) -> None:
    """Take the append lock for the rest of ``conn``'s transaction (PostgreSQL).

    SQLite needs nothing more: the transaction began with ``BEGIN IMMEDIATE``.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": APPEND_LOCK})


def chunks(items: Sequence[T], n: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    """``items`` in consecutive slices of at most ``n``."""
    for i in range(0, len(items), n):
        yield items[i : i + n]


def sqlite_rows(table: Table, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows of ``table`` (tuples in column order) as SQLite's driver stores and returns
    them: dates as ISO text, which is how SQLAlchemy's SQLite ``DATE`` stores them.

    Bulk writes hand these to the driver directly, and verification compares the
    driver's rows with them (SQLAlchemy's per-row type processing costs several
    times SQLite's own work on these narrow rows).
    """
    dates = [i for i, c in enumerate(table.columns) if isinstance(c.type, Date)]
    if not dates:
        return rows
    out: list[tuple[Any, ...]] = []
    append = out.append
    for row in rows:
        cells = list(row)
        for i in dates:
            value = cells[i]
            if value is not None:
                cells[i] = value.isoformat()
        append(tuple(cells))
    return out


def _driver_sql(conn: Connection, query: Select[Any]) -> str:
    return str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))


def driver_rows(conn: Connection, query: Select[Any] | str) -> list[tuple[Any, ...]]:
    """All rows of ``query`` straight from the driver, in ``conn``'s transaction:
    tuples of the driver's values, no type processing (SQLite: dates as ISO
    text, :func:`sqlite_rows`; PostgreSQL: typed by psycopg).

    The query's parameters are written into the SQL (callers pass integers and
    names of their own, never input); a ``str`` is such SQL already.  No cursor
    outlives the call.
    """
    raw = conn.connection.driver_connection
    assert raw is not None
    with closing(raw.cursor()) as cur:
        cur.execute(query if isinstance(query, str) else _driver_sql(conn, query))
        return list(cur.fetchall())


def driver_rows_in(
    conn: Connection, sql: str, values: Sequence[Any], *fixed: Any
) -> list[tuple[Any, ...]]:
    """The rows of ``sql`` for ``values``, straight from the driver (as
    :func:`driver_rows`), in ``conn``'s transaction.

    ``sql`` is the caller's own text: ``{mark}`` stands for each of the ``fixed``
    parameters, in order, and ``{marks}`` for an ``IN`` list of ``values``, bound
    at most :data:`IN_CHUNK` a time.  For the long key lists of a batch: SQLAlchemy
    expands an ``in_()`` value by value in Python, several times the database's
    own work.
    """
    raw = conn.connection.driver_connection
    assert raw is not None
    mark = PLACEHOLDERS[conn.dialect.paramstyle]
    out: list[tuple[Any, ...]] = []
    with closing(raw.cursor()) as cur:
        for part in chunks(values):
            cur.execute(sql.format(mark=mark, marks=",".join([mark] * len(part))), (*fixed, *part))
            out.extend(cur.fetchall())
    return out


@contextmanager
def driver_batches(
    conn: Connection, query: Select[Any], n: int
) -> Iterator[Iterator[list[tuple[Any, ...]]]]:
    """The rows of ``query`` as :func:`driver_rows` gives them, ``n`` at a time, for a
    table too large to hold at once: PostgreSQL streams through a server-side
    cursor, SQLite steps its cursor lazily anyway.  The cursor is closed when the
    ``with`` block ends.
    """
    raw = conn.connection.driver_connection
    assert raw is not None
    if conn.dialect.name == "postgresql":
        cur = raw.cursor(name=f"ledger_batches_{next(_CURSORS)}")
        cur.itersize = n
    else:
        cur = raw.cursor()
    with closing(cur):
        cur.execute(_driver_sql(conn, query))
        yield iter(lambda: cur.fetchmany(n), [])
