"""Auditor's bundle: export and verify-bundle throughput on a large log.

Usage: python bench/bench_bundle.py [--n 1000000] [--db sqlite:////tmp/bench-1m.db] [--jobs 2]

Exports the log at --db (built or extended by build_log.py) as a bundle
directory, then verifies it offline with verify_bundle(jobs=N) against the
log's vkey.  The baseline is the bare N-process Ed25519 verify rate over the
same signatures (bench_verify.bare_rate), measured in the same run; target
(issue 6): verify-bundle at >= 50% of it.  Peak memory is getrusage maxrss
of this process and its largest child.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import _common as c
from bench_verify import bare_rate, triples
from build_log import build


def main() -> None:
    """Export, verify the bundle, run the baseline, print figures and ratios."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="log size wanted (default 1000000)")
    ap.add_argument("--db", default="sqlite:////tmp/bench-1m.db", help="SQLAlchemy URL")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    args = ap.parse_args()

    from ledger.bundle import export_bundle, verify_bundle
    from ledger.log import LogSigner
    from ledger.note import VerifierKey

    build(args.db, args.n)
    world = c.open_world(args.db, c.key_file(c.sqlite_path(args.db)))
    ledger = world.ledger
    ledger.checkpoint(LogSigner(ledger.origin, world.log_key, None), world.clock)
    vkey = VerifierKey.parse(ledger.key_ring().keys[ledger.origin].vkey)
    tmp = Path(tempfile.mkdtemp(prefix="bench-bundle-"))
    try:
        t0 = time.perf_counter()
        res = export_bundle(ledger, tmp / "bundle", zip=False, clock=world.clock)
        t_export = time.perf_counter() - t0
        rss_export, _ = c.maxrss_mib()
        size_mib = sum(p.stat().st_size for p in (tmp / "bundle").iterdir()) / 2**20
        t0 = time.perf_counter()
        verify_bundle(
            tmp / "bundle", vkey, jobs=args.jobs, old_checkpoint=None, witnesses=[], threshold=0
        )
        t_verify = time.perf_counter() - t0
        rss_self, rss_child = c.maxrss_mib()
        bare, _ = bare_rate(triples(ledger, res.size), args.jobs)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        ledger.close()
    n = res.size
    print(f"bundle benchmark on {args.db}: {n:,} entries, jobs={args.jobs}")
    print(
        f"  export         {n / t_export:>10,.0f} entries/s  ({t_export:,.1f} s, {size_mib:,.0f} MiB, peak RSS {rss_export:,.0f} MiB)"
    )
    print(f"  verify-bundle  {n / t_verify:>10,.0f} entries/s  ({t_verify:,.1f} s)")
    print(f"  bare Ed25519   {bare:>10,.0f} sigs/s")
    print(f"  ratio verify-bundle/bare {n / t_verify / bare:.2f} (target >= 0.50)")
    print(f"  peak RSS       {rss_self:>10,.0f} MiB self, {rss_child:,.0f} MiB largest child")


if __name__ == "__main__":
    main()
