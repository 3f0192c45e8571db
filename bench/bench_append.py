"""Append throughput: Ledger.append against a bare canonicalise-sign-chain-insert loop.

Usage: python bench/bench_append.py [--n 100000] [--db sqlite|postgresql+psycopg://...]

Both loops take the same agency.registered statements in files of 10,000
(one transaction each) and run interleaved, file by file, in one process, so
they see the same machine state.  The bare loop builds exactly the bytes the
product stores (same ``canonical()``, Ed25519 over the statement, ``prev``
chained, RFC 9162 leaf hash) and inserts ``(seq, leaf, leaf_hash)`` with the
driver's ``executemany`` into a table with only its primary key, on SQLite in
WAL mode with ``synchronous=FULL`` (the product's setting) or on PostgreSQL.
The product is ``sign_statements`` + ``Ledger.append``: everything the CLI's
``ledger append`` does after parsing the file.
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import time
from typing import Any

import _common as c

from ledger.canonical import canonical
from ledger.entry import ZERO_HASH_HEX, b64encode


class Bare:
    """The bare loop: canonicalise, sign, chain, executemany in one transaction."""

    def __init__(self, scratch: c.Scratch) -> None:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        self.key = Ed25519PrivateKey.generate()
        self.clock = c.BenchClock()
        self.prev = bytes.fromhex(ZERO_HASH_HEX)
        self.seq = 0
        self.dialect = scratch.dialect
        if scratch.dialect == "sqlite":
            assert scratch.path is not None
            self.conn: Any = sqlite3.connect(scratch.path + ".bare", isolation_level=None)
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = FULL")
            self.conn.execute(
                "CREATE TABLE bare (seq INTEGER PRIMARY KEY, leaf BLOB NOT NULL,"
                " leaf_hash BLOB NOT NULL)"
            )
            self.sql = "INSERT INTO bare (seq, leaf, leaf_hash) VALUES (?, ?, ?)"
        else:
            import psycopg

            dsn = scratch.url.replace("postgresql+psycopg://", "postgresql://")
            self.conn = psycopg.connect(dsn)
            self.conn.execute(
                "CREATE TABLE bare (seq BIGINT PRIMARY KEY, leaf BYTEA NOT NULL,"
                " leaf_hash BYTEA NOT NULL)"
            )
            self.conn.commit()
            self.sql = "INSERT INTO bare (seq, leaf, leaf_hash) VALUES (%s, %s, %s)"

    def append_file(self, bodies: list[dict[str, Any]]) -> None:
        """One file of statements, one transaction."""
        sign = self.key.sign
        sha256 = hashlib.sha256
        at = self.clock().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        ts = at
        prev, seq = self.prev, self.seq
        rows = []
        for body in bodies:
            stmt = {
                "log": c.ORIGIN,
                "kind": "agency.registered",
                "by": c.RECORDER,
                "at": at,
                "body": body,
            }
            sig = sign(canonical(stmt))
            entry = {
                "v": 1,
                "seq": seq,
                "prev": prev.hex(),
                "ts": ts,
                "statement": stmt,
                "sig": b64encode(sig),
            }
            leaf = canonical(entry)
            prev = sha256(b"\x00" + leaf).digest()
            rows.append((seq, leaf, prev))
            seq += 1
        if self.dialect == "sqlite":
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.executemany(self.sql, rows)
            self.conn.execute("COMMIT")
        else:
            with self.conn.cursor() as cur:
                cur.executemany(self.sql, rows)
            self.conn.commit()
        self.prev, self.seq = prev, seq

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()


def main() -> None:
    """Run both loops interleaved and print entries/s and the ratio."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="statements per loop (default 100000)")
    ap.add_argument("--db", default="sqlite", help="'sqlite' (temp file) or a PostgreSQL URL")
    ap.add_argument("--file-size", type=int, default=c.FILE_SIZE, help="statements per file")
    ap.add_argument(
        "--analyze",
        action="store_true",
        help="PostgreSQL: ANALYZE the ledger after each file, untimed (what autovacuum "
        "does within a minute; without it, a freshly bulk-loaded database has no "
        "statistics and the planner scans whole tables for IN lookups)",
    )
    args = ap.parse_args()

    scratch = c.scratch(args.db, "append")
    try:
        world = c.new_world(scratch.url)
        bare = Bare(scratch)
        # Warm-up file for both (imports, caches, first transaction): not timed.
        warm = 1_000
        bare.append_file([c.agency_body(i) for i in range(warm)])
        world.append_file(0, warm)

        t_bare = t_sign = t_append = 0.0
        cpu_bare = cpu_product = 0.0
        done = 0
        for first, count in c.chunks(warm, warm + args.n, args.file_size):
            bodies = [c.agency_body(i) for i in range(first, first + count)]
            cpu0 = c.cpu_seconds()[0]
            t0 = time.perf_counter()
            bare.append_file(bodies)
            bare_s = time.perf_counter() - t0
            cpu1 = c.cpu_seconds()[0]
            t_bare += bare_s
            sign_s, append_s = world.append_file(first, count)
            cpu_bare += cpu1 - cpu0
            cpu_product += c.cpu_seconds()[0] - cpu1
            if args.analyze and scratch.dialect == "postgresql":
                with world.ledger.engine.connect() as conn:
                    conn.exec_driver_sql("ANALYZE")
                    conn.commit()
            t_sign += sign_s
            t_append += append_s
            done += count
            print(
                f"  {done:>9,} entries  bare {count / bare_s:>8,.0f}/s"
                f"  product {count / (sign_s + append_s):>8,.0f}/s",
                flush=True,
            )
        bare.close()
        size = world.ledger.size()
        world.ledger.close()
    finally:
        scratch.drop()

    bare_rate = done / t_bare
    product_rate = done / (t_sign + t_append)
    print(
        f"append benchmark on {scratch.dialect}: {done:,} statements in files of {args.file_size:,}"
    )
    us_bare, us_product = cpu_bare / done * 1e6, cpu_product / done * 1e6
    print(f"  bare loop            {bare_rate:>10,.0f} entries/s  {us_bare:6.1f} CPU µs/entry")
    print(
        f"  product              {product_rate:>10,.0f} entries/s  {us_product:6.1f} CPU µs/entry"
        f"  (sign_statements {done / t_sign:,.0f}/s, append {done / t_append:,.0f}/s)"
    )
    print(
        f"  ratio product/bare   {product_rate / bare_rate:>10.2f}"
        f"   (CPU {us_bare / us_product:.2f}; target >= 0.50)"
    )
    if scratch.dialect != "sqlite":
        print("  (CPU is this process only: the PostgreSQL server's work is not counted)")
    print(f"  ledger size after    {size:>10,}")


if __name__ == "__main__":
    main()
