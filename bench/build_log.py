"""Build (or extend) a benchmark log through Ledger.append, in files of 10,000.

Usage: python bench/build_log.py [--n 1000000] [--db sqlite:////tmp/bench-1m.db]

The log is ``agency.registered`` statements signed by one '*' recorder, the
same as ``bench_append.py``; building it is the append benchmark at scale, so
the rate is printed as it goes.  The benchmark keys are kept unencrypted
beside a SQLite file (``DB.keys``) so a later run can extend the log to
``--n`` entries; bench_verify.py and bench_proofs.py reuse the file.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import _common as c


def build(url: str, n: int, *, quiet: bool = False) -> int:
    """Make the log at ``url`` hold at least ``n`` entries; return its size."""
    path = c.sqlite_path(url) if url.startswith("sqlite") else None
    keys = c.key_file(path) if path else None
    if path and Path(path).exists():
        if keys is None or not keys.exists():
            raise SystemExit(f"{path} exists but was not built by build_log.py (no {keys})")
        world = c.open_world(url, keys)
    else:
        world = c.new_world(url)
        if keys is not None:
            c.save_keys(world, keys)
    size = world.ledger.size()
    # Statement ids continue from the size so a re-run never repeats a body.
    start = time.perf_counter()
    added = 0
    for first, count in c.chunks(size, max(size, n), c.FILE_SIZE):
        world.append_file(first, count)
        added += count
        if not quiet and (added % 100_000 == 0 or first + count >= n):
            elapsed = time.perf_counter() - start
            print(
                f"  size {first + count:>10,}  {added / elapsed:>8,.0f} entries/s overall",
                flush=True,
            )
    size = world.ledger.size()
    world.ledger.close()
    if added and not quiet:
        print(f"appended {added:,} entries in {time.perf_counter() - start:,.1f} s; size {size:,}")
    return int(size)


def main() -> None:
    """Build the log named by --db."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="entries wanted (default 1000000)")
    ap.add_argument("--db", default="sqlite:////tmp/bench-1m.db", help="SQLAlchemy URL")
    args = ap.parse_args()
    build(args.db, args.n)


if __name__ == "__main__":
    main()
