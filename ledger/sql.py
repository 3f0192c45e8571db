"""SQL helpers shared by the log, the projections and the replay: the append lock
and chunking of long key lists.

One place for the lock: every writer of the log or of its projections (append,
``rebuild``, schema creation and migration) serialises on it.  On SQLite a writer's
transaction starts with ``BEGIN IMMEDIATE`` (``schema.WRITE``), which already
excludes other writers; on PostgreSQL the transaction also takes this advisory lock.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

from sqlalchemy import Connection, text

__all__ = ["APPEND_LOCK", "IN_CHUNK", "append_lock", "chunks"]

APPEND_LOCK = 7203541  # the PostgreSQL advisory-lock key of the append lock
IN_CHUNK = 500  # values in one IN (...) list

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
