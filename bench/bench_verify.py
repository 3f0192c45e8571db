"""Verification throughput: verify_ledger(jobs=2) against bare 2-process Ed25519 verify.

Usage: python bench/bench_verify.py [--n 1000000] [--db sqlite:////tmp/bench-1m.db] [--jobs 2]

The log at --db is reused when it exists (built by build_log.py) and is
extended to --n entries otherwise; verify_ledger checks the whole log.  The
bare baseline verifies the same ``(public key, canonical statement,
signature)`` triples, taken from the log beforehand and cut into the same
2,048-signature chunks, with a ProcessPoolExecutor of --jobs spawned workers:
the signature work verify_ledger cannot avoid.  Peak memory is
``getrusage`` maxrss of this process and of its (reaped) children, taken
after verify_ledger and before the baseline runs.
"""

from __future__ import annotations

import argparse
import base64
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor

import _common as c
import orjson
from build_log import build
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ledger.canonical import canonical

Triple = tuple[bytes, bytes, bytes]
_KEYS: dict[bytes, Ed25519PublicKey] = {}


def verify_chunk(items: list[Triple]) -> int:
    """Verify a chunk of signatures; return how many (raises on a bad one)."""
    for pub, msg, sig in items:
        key = _KEYS.get(pub)
        if key is None:
            key = _KEYS[pub] = Ed25519PublicKey.from_public_bytes(pub)
        key.verify(sig, msg)
    return len(items)


def triples(ledger: object, limit: int) -> list[list[Triple]]:
    """The log's signature triples in 2,048-item chunks (not timed)."""
    ring = ledger.key_ring()  # type: ignore[attr-defined]
    pubs = {name: rec.public_key for name, rec in ring.keys.items()}
    out: list[list[Triple]] = [[]]
    for _seq, leaf, _h in ledger.iter_leaves(end=limit):  # type: ignore[attr-defined]
        obj = orjson.loads(leaf)
        stmt = obj["statement"]
        if len(out[-1]) == 2048:
            out.append([])
        out[-1].append((pubs[stmt["by"]], canonical(stmt), base64.b64decode(obj["sig"])))
    return out


def bare_rate(chunks: list[list[Triple]], jobs: int) -> tuple[float, float]:
    """Signatures per second with ``jobs`` spawned workers, and CPU µs per signature."""
    cpu0 = sum(c.cpu_seconds())
    t0 = time.perf_counter()
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        done = sum(pool.map(verify_chunk, chunks))
    wall = time.perf_counter() - t0
    return done / wall, (sum(c.cpu_seconds()) - cpu0) / done * 1e6


def main() -> None:
    """Verify the log, then run the baseline, and print both with their ratio."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="log size wanted (default 1000000)")
    ap.add_argument("--db", default="sqlite:////tmp/bench-1m.db", help="SQLAlchemy URL")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument(
        "--bare-n", type=int, default=None, help="signatures in the baseline (default: all)"
    )
    ap.add_argument(
        "--log-only",
        action="store_true",
        help="leave out the projection check (ledger verify --log-only); default: full verify",
    )
    args = ap.parse_args()

    from ledger.log import Ledger
    from ledger.verify import verify_ledger

    build(args.db, args.n)
    ledger = Ledger.open(args.db)
    size = ledger.size()

    cpu0 = sum(c.cpu_seconds())
    t0 = time.perf_counter()
    # Full `ledger verify`: chain, tree, signatures, key and scope rules, the
    # domain replay and the projection tables, in one pass (--log-only: no tables).
    report = verify_ledger(ledger, jobs=args.jobs, projections=not args.log_only)
    t_verify = time.perf_counter() - t0
    cpu = (sum(c.cpu_seconds()) - cpu0) / size * 1e6
    rss_self, rss_children = c.maxrss_mib()
    assert report.result.size == size

    chunks = triples(ledger, min(size, args.bare_n or size))
    n_bare = sum(len(ch) for ch in chunks)
    bare, bare_cpu = bare_rate(chunks, args.jobs)
    ledger.close()

    rate = size / t_verify
    print(f"verify benchmark on {args.db}: {size:,} entries, jobs={args.jobs}")
    print(
        f"  verify_ledger        {rate:>10,.0f} entries/s  {cpu:6.1f} CPU µs/entry"
        f"  ({t_verify:,.1f} s; target >= 10,000/s)"
    )
    print(
        f"  bare Ed25519 verify  {bare:>10,.0f} sigs/s     {bare_cpu:6.1f} CPU µs/sig"
        f"    ({n_bare:,} signatures)"
    )
    print(f"  ratio verify/bare    {rate / bare:>10.2f}   (CPU {bare_cpu / cpu:.2f})")
    print(
        f"  peak RSS             {rss_self:>10,.0f} MiB self, {rss_children:,.0f} MiB largest child"
    )


if __name__ == "__main__":
    main()
