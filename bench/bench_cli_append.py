"""``ledger append FILE`` through the CLI against a bare canonicalise-sign-chain-insert loop.

Usage: python bench/bench_cli_append.py [--n 70000]

One statements file (JSONL, one ``{"kind", "body"}`` per line) of ``n``
statements: a mix of ``commitment.recorded`` and ``payment.made`` on them
(half each), for an agency and an enterprise registered beforehand (untimed).
The product is the ``ledger append FILE --key K`` command run as a separate
process (``python -m ledger_cli.main``): start-up, reading and parsing the file,
unlocking the key from the keystore, signing, every rule of append, one
transaction.  The bare loop, in this process, reads the same file, builds
exactly the statements the product signs (same ``canonical()``), signs them
with Ed25519, chains ``prev`` and inserts ``(seq, leaf, leaf_hash)`` into
SQLite in WAL mode with ``synchronous=FULL``, one transaction: the issue's
baseline, signing on one thread.  ``ledger append`` signs a long file on up to
``SIGN_THREADS`` threads (one per CPU it may use), so a second bare loop does
the same work with its signing sliced across as many threads: the ratio to it
is the overhead of append alone.  All run twice, interleaved (bare, threaded
bare, product, ...); the best of each is kept.
The child may write bytecode (``PYTHONDONTWRITEBYTECODE`` is dropped from its
environment, as an installed package has its ``.pyc`` files): on a machine
that sets it, every run would otherwise compile the package's sources again.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import _common as c

from ledger.canonical import canonical
from ledger.entry import ZERO_HASH_HEX, b64encode
from ledger.log import SIGN_THREADS
from ledger.runtime import cpus_available

ROOT = Path(__file__).resolve().parent.parent
PASSPHRASE = "bench passphrase, not secret"
CLERK = "bench-clerk"
USCC = "91430600MA4L00003J"


def statements(n: int) -> list[dict[str, Any]]:
    """Half commitments, half payments on them (each payment after its commitment)."""
    out: list[dict[str, Any]] = []
    half = n // 2
    for i in range(half):
        out.append(
            {
                "kind": "commitment.recorded",
                "body": {
                    "commitment": f"HT-{i:07d}",
                    "type": "contract",
                    "agency": "yy-czj",
                    "enterprise": USCC,
                    "title": f"办公设备采购 {i}",
                    "amount": "12000.00",
                    "signed_on": "2025-03-01",
                    "terms": {"basis": "delivery", "days": 30},
                },
            }
        )
    for i in range(n - half):
        out.append(
            {
                "kind": "payment.made",
                "body": {
                    "commitment": f"HT-{i % half:07d}",
                    "amount": "100.00",
                    "date": "2025-05-01",
                    "reference": f"回单-{i:07d}",
                    "method": "transfer",
                },
            }
        )
    return out


def setup(directory: Path) -> tuple[str, dict[str, str]]:
    """A ledger with the clerk's key in a keystore, the agency and the enterprise."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from ledger.keys import Keystore
    from ledger.log import Draft, Ledger, sign_statements
    from ledger.note import verifier_key

    url = f"sqlite:///{directory / 'ledger.db'}"
    clock = c.BenchClock()
    log_key, clerk = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    ks = Keystore(directory / "keystore")
    ks.store(c.ORIGIN, log_key, PASSPHRASE.encode())
    ks.store(CLERK, clerk, PASSPHRASE.encode())
    ledger = Ledger.init(url, c.ORIGIN, log_key, clock)
    reg = {
        "name": CLERK,
        "vkey": verifier_key(CLERK, clerk.public_key()).encode(),
        "role": "recorder",
        "agencies": ["*"],
    }
    drafts = [Draft(1, "key.registered", reg)]
    ledger.append(sign_statements(drafts, c.ORIGIN, log_key, clock, origin=c.ORIGIN), clock)
    registry = [
        Draft(
            1,
            "agency.registered",
            {"agency": "yy-czj", "name": "岳阳市财政局", "category": "organ", "region": "430600"},
        ),
        Draft(
            2,
            "enterprise.registered",
            {"uscc": USCC, "name": "岳阳某公司", "size": "small", "ownership": "private"},
        ),
    ]
    ledger.append(sign_statements(registry, CLERK, clerk, clock, origin=c.ORIGIN), clock)
    ledger.close()
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        "LEDGER_DB": url,
        "LEDGER_KEYSTORE": str(directory / "keystore"),
        "LEDGER_PASSPHRASE": PASSPHRASE,
        "PYTHONPATH": str(ROOT),
    }
    return url, env


def product(file: Path, env: dict[str, str]) -> tuple[float, float]:
    """``ledger append FILE``: wall seconds and CPU seconds of the child."""
    before = os.times()
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "ledger_cli.main", "append", str(file), "--key", CLERK],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - t0
    after = os.times()
    return wall, (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )


def signer(threads: int) -> Callable[[Any, list[bytes]], list[bytes]]:
    """Sign messages in order on ``threads`` threads (contiguous slices, the first on
    the calling thread); ``cryptography`` releases the GIL while it signs."""

    def sign(key: Any, messages: list[bytes]) -> list[bytes]:
        if threads <= 1:
            return [key.sign(m) for m in messages]
        n = len(messages)
        cuts = [n * i // threads for i in range(threads + 1)]

        def part(i: int) -> list[bytes]:
            return [key.sign(m) for m in messages[cuts[i] : cuts[i + 1]]]

        with ThreadPoolExecutor(max_workers=threads - 1) as pool:
            rest = [pool.submit(part, i) for i in range(1, threads)]
            out = part(0)
            for f in rest:
                out.extend(f.result())
        return out

    return sign


def bare(file: Path, db: Path, threads: int = 1) -> tuple[float, float]:
    """Read, canonicalise, sign, chain, insert: wall and CPU seconds."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    sign = signer(threads)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS bare (seq INTEGER PRIMARY KEY, leaf BLOB NOT NULL,"
        " leaf_hash BLOB NOT NULL)"
    )
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    at = c.BenchClock()().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    prev, rows = bytes.fromhex(ZERO_HASH_HEX), []
    with file.open("rb") as f:
        stmts = []
        for line in f:
            s = json.loads(line)
            stmts.append(
                {"log": c.ORIGIN, "kind": s["kind"], "by": CLERK, "at": at, "body": s["body"]}
            )
        sigs = sign(key, [canonical(stmt) for stmt in stmts])
        for seq, (stmt, sig) in enumerate(zip(stmts, sigs, strict=True)):
            entry = {
                "v": 1,
                "seq": seq,
                "prev": prev.hex(),
                "ts": at,
                "statement": stmt,
                "sig": b64encode(sig),
            }
            leaf = canonical(entry)
            prev = hashlib.sha256(b"\x00" + leaf).digest()
            rows.append((seq, leaf, prev))
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany("INSERT INTO bare (seq, leaf, leaf_hash) VALUES (?, ?, ?)", rows)
    conn.execute("COMMIT")
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    conn.close()
    return wall, cpu


def main() -> None:
    """Print both rates and the ratio."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=70_000, help="statements in the file")
    args = ap.parse_args()
    n = args.n
    threads = min(cpus_available(), SIGN_THREADS)
    runs: dict[str, list[tuple[float, float]]] = {"bare": [], "threaded": [], "product": []}
    for attempt in range(2):
        with tempfile.TemporaryDirectory(prefix="ledger-cli-bench-") as d:
            directory = Path(d)
            file = directory / "statements.jsonl"
            with file.open("w", encoding="utf-8") as f:
                for s in statements(n):
                    f.write(json.dumps(s, ensure_ascii=False) + "\n")
            _url, env = setup(directory)
            runs["bare"].append(bare(file, directory / f"bare-{attempt}.db"))
            runs["threaded"].append(bare(file, directory / f"bare-t-{attempt}.db", threads))
            runs["product"].append(product(file, env))
            print(
                f"  run {attempt + 1}: bare {n / runs['bare'][-1][0]:,.0f}/s,"
                f" bare on {threads} threads {n / runs['threaded'][-1][0]:,.0f}/s,"
                f" ledger append {n / runs['product'][-1][0]:,.0f}/s",
                flush=True,
            )
    b_wall, b_cpu = min(runs["bare"])
    t_wall, t_cpu = min(runs["threaded"])
    p_wall, p_cpu = min(runs["product"])
    print(f"ledger append through the CLI, {n:,} statements (SQLite, synchronous=FULL)")
    print(f"  bare loop       {n / b_wall:>10,.0f} entries/s  {b_cpu / n * 1e6:6.1f} CPU µs/entry")
    print(
        f"  bare, {threads} threads {n / t_wall:>10,.0f} entries/s  {t_cpu / n * 1e6:6.1f}"
        " CPU µs/entry (signing sliced across threads, as append signs)"
    )
    print(f"  ledger append   {n / p_wall:>10,.0f} entries/s  {p_cpu / n * 1e6:6.1f} CPU µs/entry")
    print(f"  ratio           {b_wall / p_wall:>10.2f}   (CPU {b_cpu / p_cpu:.2f}; target >= 0.50)")
    print(f"  ratio to bare on {threads} threads {t_wall / p_wall:.2f}   (CPU {t_cpu / p_cpu:.2f})")


if __name__ == "__main__":
    main()
