"""Database schema and engine set-up (SQLAlchemy 2.x Core).

The log tables (``entries``, ``tree_nodes``, ``checkpoints``) are append-only,
enforced by the database itself: triggers refuse UPDATE and DELETE (and, on
PostgreSQL, TRUNCATE).  Everything else (``keys``, ``meta`` and the domain
projections) is derived from the log and can be rebuilt from it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    DDL,
    BigInteger,
    Column,
    Connection,
    Engine,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    create_engine,
    event,
)
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from ledger.errors import EnvironmentProblem, both
from ledger.sql import append_lock

SCHEMA_VERSION = 2
"""Version of the tables (``meta`` key ``schema``).  2: the scope tables are gone
(scope is answered from the domain projections) and ``successions`` carries the
commitments a split allocates.  :func:`ledger.domain.replay.migrate` upgrades an older
database from its log."""

OBSOLETE_TABLES = ("scope_commitments", "scope_successions")
"""Tables of older versions that a migration drops."""
metadata = MetaData()

SEQ = BigInteger().with_variant(Integer(), "sqlite")
"""The type of a table's one-column integer key (``seq``, a checkpoint's ``size``).

On SQLite a key declared exactly ``INTEGER PRIMARY KEY`` is the table's rowid:
the rows are stored in key order and no second B-tree indexes the key.
Declared ``BIGINT`` (as on PostgreSQL) it gets one (``sqlite_autoindex_*``),
which every insert also writes.  Both hold 64-bit integers; a database made
before keeps its ``BIGINT`` keys and works the same."""

entries = Table(
    "entries",
    metadata,
    Column("seq", SEQ, primary_key=True, autoincrement=False),
    Column("leaf", LargeBinary, nullable=False),
    Column("leaf_hash", LargeBinary(32), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("signer", String(255), nullable=False),
    Column("dedupe", BigInteger, nullable=False),
)
Index("entries_dedupe", entries.c.dedupe)
SUCCESSIONS_WHERE = "kind = 'agency.succeeded'"
"""The entries that ``entries_kind`` indexes: the successions, which recorder scope
reads from the leaves (``DomainState.load``).  Other kinds are never looked up by kind,
so every other insert skips the index.  A database made before keeps a full index."""
ENTRIES_KIND = DDL(  # type: ignore[no-untyped-call]  # SQLAlchemy leaves DDL() untyped
    f"CREATE INDEX IF NOT EXISTS entries_kind ON entries (kind, seq) WHERE {SUCCESSIONS_WHERE}"
)
"""``entries_kind``, made with ``entries`` and by ``rebuild``.  DDL rather than an
``Index`` with ``sqlite_where``/``postgresql_where``: SQLAlchemy validates those
keywords by importing every PostgreSQL dialect, 40 ms of every command's start on
SQLite too.  The statement is the same on both databases."""
event.listen(entries, "after_create", ENTRIES_KIND)

# Complete subtree hashes at level >= 1 (level 0 is entries.leaf_hash), so
# proofs read O(log n) rows instead of rehashing the log.
tree_nodes = Table(
    "tree_nodes",
    metadata,
    Column("level", SmallInteger, primary_key=True, autoincrement=False),
    Column("idx", BigInteger, primary_key=True, autoincrement=False),
    Column("hash", LargeBinary(32), nullable=False),
    sqlite_with_rowid=False,
)

checkpoints = Table(
    "checkpoints",
    metadata,
    Column("size", SEQ, primary_key=True, autoincrement=False),
    Column("root", LargeBinary(32), nullable=False),
    Column("note", Text, nullable=False),
    Column("signed_at", String(40), nullable=False),
)

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

keys = Table(
    "keys",
    metadata,
    Column("name", String(255), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("agencies", Text, nullable=False),
    Column("vkey", Text, nullable=False),
    Column("registered_seq", BigInteger, nullable=False),
    Column("revoked_seq", BigInteger, nullable=True),
)

APPEND_ONLY_TABLES = ("entries", "tree_nodes", "checkpoints")

_SQLITE_TRIGGERS = [
    f"CREATE TRIGGER IF NOT EXISTS {t}_no_{op.lower()} BEFORE {op} ON {t} "
    f"BEGIN SELECT RAISE(ABORT, '{t} is append-only: {op} refused'); END"
    for t in APPEND_ONLY_TABLES
    for op in ("UPDATE", "DELETE")
]

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION ledger_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '%% is append-only: %% refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql
"""


def _pg_triggers(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
        (
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION ledger_append_only()"
        ),
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
        (
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only()"
        ),
    ]


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN IMMEDIATE: a writer takes the
    # write lock up front, so two appenders never both read the same head.
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    try:
        cur.execute("PRAGMA busy_timeout = 60000")
        # Pages of 16 KiB (a no-op but for a new database): a leaf is ~0.5-1 KiB and
        # an append writes several rows per statement; larger pages mean fewer pages
        # to split, write to the WAL and copy back at the checkpoint.
        cur.execute("PRAGMA page_size = 16384")
        # The first statement to read the schema: a damaged file fails here.
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA foreign_keys = ON")
    except UnicodeDecodeError as exc:
        # A scribbled schema row puts its bytes into SQLite's error message
        # ("malformed database schema (...)"), and Python's sqlite3 decodes that
        # message strictly: the driver error becomes a UnicodeDecodeError.  Give it
        # back its class, so that it is reported as the damaged database it is.
        import sqlite3

        said = exc.object.decode("utf-8", "replace") if isinstance(exc.object, bytes) else ""
        raise sqlite3.DatabaseError(said or "database disk image is malformed") from exc
    finally:
        cur.close()


WRITE = {"ledger_write": True}


def _sqlite_on_begin(conn: Any) -> None:
    # Writers (connections with execution option ledger_write) take the write
    # lock at BEGIN; readers use a deferred BEGIN: in WAL mode they never
    # block, and each sees one consistent snapshot.
    if conn.get_execution_options().get("ledger_write"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def make_engine(url: str) -> Engine:
    """Create an engine for a SQLAlchemy URL (SQLite file or PostgreSQL)."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    try:
        engine = create_engine(url, pool_pre_ping=True)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise EnvironmentProblem(
            both(f"数据库地址 {url!r} 不可用", f"database URL {url!r} is not usable: {exc}")
        ) from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def create_schema(engine: Engine) -> None:
    """Create tables, indexes and the append-only triggers (idempotent)."""
    try:
        with engine.connect().execution_options(**WRITE) as conn, conn.begin():
            metadata.create_all(conn)
            if engine.dialect.name == "sqlite":
                for stmt in _SQLITE_TRIGGERS:
                    conn.exec_driver_sql(stmt)
            elif engine.dialect.name == "postgresql":
                append_lock(conn)
                conn.exec_driver_sql(_PG_FUNCTION)
                for table in APPEND_ONLY_TABLES:
                    for stmt in _pg_triggers(table):
                        conn.exec_driver_sql(stmt)
    except OperationalError as exc:
        raise EnvironmentProblem(
            both("无法连接数据库", f"database unreachable: {exc.orig}")
        ) from exc


# Domain projection: every accepted statement's business content, indexed by
# commitment, so audits stream one commitment's history at a time.  Derived
# from the log; ``ledger rebuild`` recreates it and ``verify`` compares it.
domain_events = Table(
    "domain_events",
    metadata,
    Column("seq", SEQ, primary_key=True, autoincrement=False),
    Column("kind", String(64), nullable=False),
    Column("commitment", String(255), nullable=True),
    Column("at", String(40), nullable=False),  # the entry's ts (when the log accepted it)
    Column("body", Text, nullable=False),
)
Index("domain_events_commitment", domain_events.c.commitment, domain_events.c.seq)


@contextmanager
def read_snapshot(engine: Engine) -> Iterator[Connection]:
    """A read-only connection seeing one consistent snapshot of the database.

    SQLite (WAL) gives a deferred transaction one snapshot from its first
    read; PostgreSQL needs REPEATABLE READ for the same across statements.
    """
    conn = engine.connect()
    try:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        with conn.begin():
            yield conn
    finally:
        conn.close()
