"""Proof latency: Ledger.inclusion_proof / consistency_proof on a large SQLite log.

Usage: python bench/bench_proofs.py [--n 1000000] [--db sqlite:////tmp/bench-1m.db] [--queries 1000]

Random queries (seeded): inclusion of a uniform index in a uniform tree size
above it; consistency between a uniform old size and a uniform larger new
size.  Each call opens its connection and reads the stored subtree hashes, as
``ledger receipt`` and ``ledger prove consistency`` do.  The baseline builds
the same proofs with the pure ``ledger.merkle`` functions from a dict holding
exactly the hashes each proof needs (fetched beforehand, not timed): the
part of the work that is not storage.  Every proof is checked against the
root at its size (not timed).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable, Mapping, Sequence

import _common as c
from build_log import build

from ledger import merkle

Fetch = Callable[[Sequence[merkle.Coord]], Mapping[merkle.Coord, bytes]]


CPU_MS: list[float] = []  # CPU time of each timed call, in the order made


def timed(fn: Callable[[], list[bytes]]) -> tuple[float, list[bytes]]:
    """(wall milliseconds, result) of one call; its CPU milliseconds go to CPU_MS.

    SQLite runs in this thread, so thread CPU time is the query's own work
    without the waits for a core that a busy machine adds to the wall clock.
    """
    c0 = time.thread_time_ns()
    t0 = time.perf_counter_ns()
    out = fn()
    wall = (time.perf_counter_ns() - t0) / 1e6
    CPU_MS.append((time.thread_time_ns() - c0) / 1e6)
    return wall, out


def summary(label: str, ms: list[float]) -> str:
    """Median, p99 and max of a list of latencies."""
    s = sorted(ms)
    return (
        f"  {label:<28} median {statistics.median(s):7.3f} ms   p99 {c.percentile(s, 99):7.3f} ms"
        f"   max {s[-1]:7.3f} ms"
    )


def main() -> None:
    """Time both proof kinds against the dict baseline and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="log size wanted (default 1000000)")
    ap.add_argument("--db", default="sqlite:////tmp/bench-1m.db", help="SQLAlchemy URL")
    ap.add_argument("--queries", type=int, default=1000, help="queries of each kind")
    ap.add_argument("--seed", type=int, default=9162)
    args = ap.parse_args()

    from ledger.log import Ledger

    build(args.db, args.n)
    ledger = Ledger.open(args.db)
    size = ledger.size()
    rnd = random.Random(args.seed)
    incl = []
    for _ in range(args.queries):
        index = rnd.randrange(size)
        incl.append((index, rnd.randint(index + 1, size)))
    cons = []
    for _ in range(args.queries):
        old = rnd.randint(1, size - 1)
        cons.append((old, rnd.randint(old + 1, size)))

    # Warm up (imports, statement cache, page cache): not timed.
    for index, n in incl[:20]:
        ledger.inclusion_proof(index, n)
    for old, new in cons[:20]:
        ledger.consistency_proof(old, new)

    CPU_MS.clear()
    t_incl, proofs_incl = zip(
        *(timed(lambda i=i, n=n: ledger.inclusion_proof(i, n)) for i, n in incl), strict=True
    )
    cpu_incl = CPU_MS[:]
    CPU_MS.clear()
    t_cons, proofs_cons = zip(
        *(timed(lambda m=m, n=n: ledger.consistency_proof(m, n)) for m, n in cons), strict=True
    )
    cpu_cons = CPU_MS[:]

    # Baseline: the same proofs from an in-memory dict of the needed hashes.
    with ledger.engine.connect() as conn:

        def prefetch(ranges: list[tuple[int, int]]) -> dict[merkle.Coord, bytes]:
            coords = sorted({co for a, b in ranges for co in merkle.subtree_coords(a, b)})
            return ledger.fetch_nodes(conn, coords) if coords else {}

        def dict_fetch(d: Mapping[merkle.Coord, bytes]) -> Fetch:
            return lambda cs: {co: d[co] for co in cs}

        b_incl, b_cons = [], []
        for (index, n), proof in zip(incl, proofs_incl, strict=True):
            d = prefetch(merkle.inclusion_ranges(index, n))
            ms, again = timed(lambda i=index, n=n, d=d: merkle.inclusion_proof(i, n, dict_fetch(d)))
            b_incl.append(ms)
            assert again == proof
            lh = ledger.fetch_nodes(conn, [(0, index)])[(0, index)]
            merkle.verify_inclusion(index, n, lh, proof, ledger.root_at(n, conn))
        for (old, new), proof in zip(cons, proofs_cons, strict=True):
            d = prefetch(merkle.consistency_ranges(old, new))
            ms, again = timed(
                lambda m=old, n=new, d=d: merkle.consistency_proof(m, n, dict_fetch(d))
            )
            b_cons.append(ms)
            assert again == proof
            merkle.verify_consistency(
                old, new, ledger.root_at(old, conn), ledger.root_at(new, conn), proof
            )
    ledger.close()

    print(f"proof benchmark on {args.db}: {size:,} entries, {args.queries} queries of each kind")
    print(summary("Ledger.inclusion_proof", list(t_incl)))
    print(summary("  CPU time", cpu_incl))
    print(summary("  baseline (dict fetch)", b_incl))
    print(summary("Ledger.consistency_proof", list(t_cons)))
    print(summary("  CPU time", cpu_cons))
    print(summary("  baseline (dict fetch)", b_cons))
    for label, prod, base in (("inclusion", t_incl, b_incl), ("consistency", t_cons, b_cons)):
        print(
            f"  {label:<12} median ratio product/baseline "
            f"{statistics.median(prod) / statistics.median(base):6.1f}x   target p99 <= 10 ms: "
            f"{'met' if c.percentile(sorted(prod), 99) <= 10 else 'NOT met'}"
        )


if __name__ == "__main__":
    main()
