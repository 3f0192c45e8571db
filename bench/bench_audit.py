"""Benchmark the three audits (arrears, turnover, disclosure) on a large ledger.

Usage:
  python bench/bench_audit.py [--n 1000000] [--db URL] [--as-of 2025-12-31]
                              [--batch 20000] [--build-only] [--audits arrears,turnover,disclosure]

Builds (or, when ``--db`` already holds a ledger built by this script, reuses)
a ledger of ``--n`` commitments with about three events each (recorded,
delivered, then: paid in full 58%, in part 10%, a disputed part 7%, a bill 5%,
nothing 20%; the quarter on acceptance basis get an acceptance and no
payment; every third a complaint), so about half are overdue at the audit
date (a harsh case: each overdue commitment becomes an item of the report), plus
a registry of 200 agencies in 10 divisions, 20,000 enterprises, two
principals per agency, two term changes and three successions.  Every
statement goes through ``Ledger.append`` (signature checks, authorisation,
full semantic validation, Merkle tree), in transactions of ``--batch``
statements.  Then each audit runs in its own child process, which reports its
wall time and its peak resident memory (``resource.getrusage``, ru_maxrss);
the JSON export (what ``ledger audit ... --format json`` prints, streamed) is
timed separately.  ``cpu_seconds`` (process time) beside the wall time shows
how much of the latter was waiting for a CPU shared with other work.  The bare
baseline, in the same run: a raw cursor streaming the same rows in the same
order and ``orjson.loads`` of every body; the ratio bare/product is printed.  Targets (issue 4): ≤ 60 s and ≤ 2 GB each at 1,000,000
commitments / ~3,000,000 events.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ORIGIN = "bench.audit.example/commitments"
RECORDER = "bench-audit"
AS_OF = dt.date(2025, 12, 31)
SEED = 20251231
N_AGENCIES = 200
N_ENTERPRISES = 20_000
REGIONS = [
    "430600",
    "430602",
    "430603",
    "430611",
    "430621",
    "430623",
    "430624",
    "430626",
    "430681",
    "430682",
]
SUCCESSION_DATE = dt.date(2025, 7, 1)
PREDECESSORS = {"ag-197": "ag-000", "ag-198": "ag-001", "ag-199": "ag-001"}


def _fen(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def _uscc(i: int) -> str:
    from ledger.uscc import complete_uscc

    return complete_uscc(f"91430600MB{i:06d}")


def registry_statements(rng: random.Random) -> list[tuple[str, dict[str, Any]]]:
    """Agencies, enterprises, officials, term changes, successions."""
    out: list[tuple[str, dict[str, Any]]] = []
    for a in range(N_AGENCIES):
        r = rng.random()
        category = "organ" if r < 0.6 else "institution" if r < 0.85 else "soe"
        out.append(
            (
                "agency.registered",
                {
                    "agency": f"ag-{a:03d}",
                    "name": f"基准机关{a}",
                    "category": category,
                    "region": REGIONS[a % len(REGIONS)],
                },
            )
        )
    for e in range(N_ENTERPRISES):
        r = rng.random()
        size = "small" if r < 0.4 else "micro" if r < 0.65 else "medium" if r < 0.85 else "large"
        out.append(
            (
                "enterprise.registered",
                {"uscc": _uscc(e), "name": f"基准企业{e}", "size": size, "ownership": "private"},
            )
        )
    for e in range(0, N_ENTERPRISES, 97):
        out.append(
            ("enterprise.updated", {"uscc": _uscc(e), "effective": "2024-07-01", "size": "large"})
        )
    for a in range(N_AGENCIES):
        aid = f"ag-{a:03d}"
        first = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(365))
        second = dt.date(2023, 6, 1) + dt.timedelta(days=rng.randrange(900))
        for k, start in enumerate((first, second)):
            out.append(
                (
                    "official.appointed",
                    {
                        "official": f"{aid}-p{k}",
                        "name": f"负责人{aid}-{k}",
                        "agency": aid,
                        "role": "principal",
                        "start": start.isoformat(),
                    },
                )
            )
    out.append(
        (
            "government.term_changed",
            {"region": "430600", "term": "第十届", "effective": "2024-01-15"},
        )
    )
    out.append(
        (
            "government.term_changed",
            {"region": "430602", "term": "第九届", "effective": "2025-01-10"},
        )
    )
    by_succ: dict[str, list[str]] = {}
    for pred, succ in PREDECESSORS.items():
        by_succ.setdefault(succ, []).append(pred)
    for succ, preds in sorted(by_succ.items()):
        out.append(
            (
                "agency.succeeded",
                {
                    "predecessors": sorted(preds),
                    "successor": succ,
                    "reason": "restructuring",
                    "effective": SUCCESSION_DATE.isoformat(),
                },
            )
        )
    return out


def commitment_statements(i: int, rng: random.Random) -> list[tuple[str, dict[str, Any]]]:
    """One commitment and its events (three statements on average)."""
    out = _commitment_statements(i, rng)
    if i % 3 == 0:  # every third gets a complaint: 3.0 events a commitment on average
        signed = dt.date.fromisoformat(out[0][1]["signed_on"])
        body = {
            "commitment": out[0][1]["commitment"],
            "date": (signed + dt.timedelta(days=1)).isoformat(),
            "summary": "企业投诉",
        }
        out.append(("complaint.filed", body))
    return out


def _commitment_statements(i: int, rng: random.Random) -> list[tuple[str, dict[str, Any]]]:
    cid = f"BC-{i:08d}"
    a = rng.randrange(N_AGENCIES)
    aid = f"ag-{a:03d}"
    last_sign = SUCCESSION_DATE - dt.timedelta(days=1) if aid in PREDECESSORS else AS_OF
    signed = dt.date(2023, 1, 1) + dt.timedelta(
        days=rng.randrange((last_sign - dt.date(2023, 1, 1)).days)
    )
    r = rng.random()
    kind = "contract" if r < 0.85 else "payable" if r < 0.95 else "policy"
    r = rng.random()
    if r < 0.5:
        terms: dict[str, Any] = {"basis": "delivery", "days": rng.choice((30, 45, 60, 90))}
    elif r < 0.75:
        terms = {"basis": "acceptance", "days": 30, "acceptance_days": 15}
    else:
        terms = {
            "basis": "date",
            "due": (signed + dt.timedelta(days=rng.randrange(60, 120))).isoformat(),
        }
    amount = rng.randrange(100_000, 50_000_000)
    body: dict[str, Any] = {
        "commitment": cid,
        "type": kind,
        "agency": aid,
        "enterprise": _uscc(rng.randrange(N_ENTERPRISES)),
        "title": f"基准合同{i}",
        "amount": _fen(amount),
        "signed_on": signed.isoformat(),
        "terms": terms,
    }
    if rng.random() < 0.2:
        body["interest_rate"] = rng.choice(("2.50", "3.45", "4.00", "6.00"))
    out: list[tuple[str, dict[str, Any]]] = [("commitment.recorded", body)]
    delivery = signed + dt.timedelta(days=rng.randrange(5, 60))
    if delivery > AS_OF or rng.random() < 0.05:
        return out
    out.append(("commitment.delivered", {"commitment": cid, "date": delivery.isoformat()}))
    if terms["basis"] == "acceptance":
        acc = delivery + dt.timedelta(days=rng.randrange(3, 40))
        if acc <= AS_OF:
            out.append(("commitment.accepted", {"commitment": cid, "date": acc.isoformat()}))
        return out
    day = delivery + dt.timedelta(days=rng.randrange(5, 90))
    if day > AS_OF:
        return out
    r = rng.random()
    ref = f"R{i}"
    if r < 0.58:  # paid in full, on time or late
        pay = {
            "commitment": cid,
            "amount": _fen(amount),
            "date": day.isoformat(),
            "reference": ref,
            "method": "transfer",
        }
        out.append(("payment.made", pay))
    elif r < 0.68:  # paid in part
        part = amount * rng.randrange(1, 9) // 10
        pay = {
            "commitment": cid,
            "amount": _fen(part),
            "date": day.isoformat(),
            "reference": ref,
            "method": "transfer",
        }
        out.append(("payment.made", pay))
    elif r < 0.75:  # part disputed
        part = amount * rng.randrange(1, 4) // 10
        out.append(
            (
                "commitment.disputed",
                {
                    "commitment": cid,
                    "amount": _fen(part),
                    "date": day.isoformat(),
                    "reason": "质量",
                },
            )
        )
    elif r < 0.80:  # a bill maturing months later
        maturity = day + dt.timedelta(days=rng.randrange(90, 181))
        pay = {
            "commitment": cid,
            "amount": _fen(amount),
            "date": day.isoformat(),
            "reference": ref,
            "method": "bill",
            "maturity": maturity.isoformat(),
        }
        out.append(("payment.made", pay))
    return out


class _Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(milliseconds=1)
        return self.now


def _meta_key() -> str:
    return "bench_audit_commitments"


def existing(url: str) -> int | None:
    """How many commitments a ledger built by this script holds, or None."""
    from sqlalchemy import select

    from ledger.errors import EnvironmentProblem
    from ledger.log import Ledger
    from ledger.schema import meta

    try:
        ledger = Ledger.open(url)
    except EnvironmentProblem:
        return None
    with ledger.engine.connect() as conn:
        value = conn.execute(
            select(meta.c.value).where(meta.c.key == _meta_key())
        ).scalar_one_or_none()
    ledger.close()
    return None if value is None else int(value)


def build(url: str, n: int, batch: int) -> None:
    """Build a ledger of ``n`` commitments through Ledger.append."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
    from sqlalchemy import insert

    from ledger.log import Draft, Ledger, sign_statements
    from ledger.note import verifier_key
    from ledger.schema import WRITE, meta

    clock = _Clock()
    log_key = Ed25519PrivateKey.generate()
    rec_key = Ed25519PrivateKey.generate()
    ledger = Ledger.init(url, ORIGIN, log_key, clock)
    body = {
        "name": RECORDER,
        "vkey": verifier_key(RECORDER, rec_key.public_key()).encode(),
        "role": "recorder",
        "agencies": ["*"],
    }
    ledger.append(
        sign_statements([Draft(1, "key.registered", body)], ORIGIN, log_key, clock, origin=ORIGIN),
        clock,
    )
    if url.startswith("sqlite:///"):
        # Benchmark-only keys, unencrypted beside the database, so the log can be extended.
        keys = Path(url[len("sqlite:///") :] + ".keys")
        keys.write_bytes(
            b"".join(
                k.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
                for k in (log_key, rec_key)
            )
        )
        keys.chmod(0o600)
    rng = random.Random(SEED)
    t0 = time.perf_counter()
    pending: list[tuple[str, dict[str, Any]]] = registry_statements(rng)
    events = 0

    def flush() -> None:
        nonlocal pending, events
        drafts = [Draft(k + 1, kind, b) for k, (kind, b) in enumerate(pending)]
        result = ledger.append(
            sign_statements(drafts, RECORDER, rec_key, clock, origin=ORIGIN), clock, source="bench"
        )
        if result.appended != len(drafts):
            raise SystemExit(f"expected {len(drafts)} appended, got {result.appended}")
        events += len(drafts)
        pending = []

    for i in range(n):
        pending.extend(commitment_statements(i, rng))
        if len(pending) >= batch:
            flush()
            if (i + 1) % 50_000 < batch // 3:
                rate = events / (time.perf_counter() - t0)
                print(
                    f"  {i + 1:>9,} commitments, {events:>10,} events, {rate:,.0f} events/s",
                    flush=True,
                )
    if pending:
        flush()
    with ledger.engine.connect().execution_options(**WRITE) as conn, conn.begin():
        conn.execute(insert(meta).values(key=_meta_key(), value=str(n)))
    ledger.close()
    print(
        f"built {n:,} commitments, {events:,} statements in {time.perf_counter() - t0:,.0f} s",
        flush=True,
    )


def copy_projection(src: str, url: str) -> None:
    """Copy ``domain_events`` (and ``meta``) of a SQLite benchmark ledger into PostgreSQL.

    The copy is the projection only, NOT a verifiable ledger (no entries, no
    tree): it exists to time the audits' PostgreSQL read path without
    re-appending millions of statements.  The target database is created.
    """
    import sqlite3

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from ledger.schema import create_schema, make_engine

    target = make_url(
        url if "+psycopg" in url else url.replace("postgresql://", "postgresql+psycopg://")
    )
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    engine = make_engine(target.render_as_string(hide_password=False))
    create_schema(engine)
    path = src.removeprefix("sqlite:///")
    db = sqlite3.connect(path)
    t0 = time.perf_counter()
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        rows = db.execute("SELECT seq, kind, commitment, at, body FROM domain_events ORDER BY seq")
        with cur.copy("COPY domain_events (seq, kind, commitment, at, body) FROM STDIN") as cp:
            for row in rows:
                cp.write_row(row)
        for key, value in db.execute("SELECT key, value FROM meta"):
            cur.execute("INSERT INTO meta (key, value) VALUES (%s, %s)", (key, value))
        raw.commit()
        cur.execute("ANALYZE domain_events")
        raw.commit()
    finally:
        raw.close()
        engine.dispose()
    print(f"copied the projection of {src} to {url} in {time.perf_counter() - t0:,.0f} s")


def run_baseline(url: str) -> dict[str, Any]:
    """The bare floor of any audit: stream the same rows in the same order and parse each body.

    A raw driver cursor over ``domain_events`` (commitment rows, ordered by
    ``(commitment, seq)``) and ``orjson.loads`` of every body, nothing else.
    """
    import orjson

    from ledger.schema import make_engine

    engine = make_engine(url)
    sql = (
        "SELECT seq, kind, body FROM domain_events WHERE commitment IS NOT NULL "
        "ORDER BY commitment, seq"
    )
    c0, t0 = time.process_time(), time.perf_counter()
    rows = 0
    with engine.connect() as conn, conn.begin():
        raw = conn.connection.driver_connection
        assert raw is not None
        cur = raw.cursor(name="bare") if engine.dialect.name == "postgresql" else raw.cursor()
        cur.execute(sql)
        loads = orjson.loads
        while batch := cur.fetchmany(20_000):
            for _seq, _kind, body in batch:
                loads(body)
            rows += len(batch)
        cur.close()
    return {
        "audit": "baseline (bare stream + parse)",
        "seconds": round(time.perf_counter() - t0, 2),
        "cpu_seconds": round(time.process_time() - c0, 2),
        "rows": rows,
        "maxrss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def run_one(url: str, audit: str, as_of: dt.date, jobs: int) -> dict[str, Any]:
    """Run one audit in this process; report time and peak memory."""
    from ledger.audit import (
        ArrearsReport,
        AuditKind,
        AuditRequest,
        DisclosureReport,
        TurnoverReport,
        run_audit,
    )
    from ledger.audit.export import (
        arrears_parts,
        disclosure_json,
        json_chunks,
        turnover_parts,
    )
    from ledger.schema import make_engine

    engine = make_engine(url)
    c0 = time.process_time()
    t0 = time.perf_counter()
    count: int
    # what ``ledger audit`` runs: the request (tables loaded) and the runner
    if audit == "disclosure":
        request = AuditRequest(AuditKind.DISCLOSURE, year=as_of.year, jobs=jobs)
    else:
        request = AuditRequest(AuditKind(audit), as_of=as_of, jobs=jobs)
    if audit == "arrears":
        ar = run_audit(engine, request)
        assert isinstance(ar, ArrearsReport)
        t1, c1 = time.perf_counter(), time.process_time()
        size = sum(len(c) for c in json_chunks(arrears_parts(ar)))
        count = ar.totals.count
        extra = {"late_paid": len(ar.late_paid), "outstanding": ar.totals.outstanding}
    elif audit == "turnover":
        tr = run_audit(engine, request)
        assert isinstance(tr, TurnoverReport)
        t1, c1 = time.perf_counter(), time.process_time()
        size = sum(len(c) for c in json_chunks(turnover_parts(tr)))
        count = tr.totals.count
        extra = {"turnovers": tr.turnovers}
    else:
        dr = run_audit(engine, request)
        assert isinstance(dr, DisclosureReport)
        t1, c1 = time.perf_counter(), time.process_time()
        size = len(json.dumps(disclosure_json(dr), ensure_ascii=False))
        count = dr.totals.contracts
        extra = {"agencies": dr.totals.agencies}
    t2 = time.perf_counter()
    c2 = time.process_time()
    return {
        "audit": audit,
        "jobs": jobs,
        "seconds": round(t1 - t0, 2),
        "cpu_seconds": round(c1 - c0, 2),
        "json_seconds": round(t2 - t1, 2),
        "json_cpu_seconds": round(c2 - c1, 2),
        "json_mib": round(size / 2**20, 1),
        "count": count,
        "maxrss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "workers_maxrss_mib": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
        ),
        **extra,
    }


def main() -> None:
    """Build or reuse the ledger, then time each audit in a child process."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="commitments (default 1,000,000)")
    ap.add_argument("--db", default=None, help="SQLAlchemy URL; reused when built by this script")
    ap.add_argument("--as-of", default=AS_OF.isoformat())
    ap.add_argument("--batch", type=int, default=20_000, help="statements per append transaction")
    ap.add_argument("--build-only", action="store_true")
    ap.add_argument("--audits", default="arrears,turnover,disclosure")
    ap.add_argument(
        "--jobs", type=int, default=1, help="worker processes per audit (ledger audit --jobs)"
    )
    ap.add_argument(
        "--pg-copy-from",
        metavar="SQLITE_URL",
        help="copy the domain_events projection of a SQLite benchmark ledger into --db "
        "(PostgreSQL; recreated) and time the audits there: a projection, not a ledger",
    )
    ap.add_argument("--run", help=argparse.SUPPRESS)
    args = ap.parse_args()
    as_of = dt.date.fromisoformat(args.as_of)
    url = args.db or f"sqlite:///{tempfile.mkdtemp(prefix='bench-audit-')}/audit.db"
    if args.run == "baseline":
        print(json.dumps(run_baseline(url)))
        return
    if args.run:
        print(json.dumps(run_one(url, args.run, as_of, args.jobs)))
        return
    if args.pg_copy_from:
        copy_projection(args.pg_copy_from, url)
    have = existing(url)
    if have is None:
        print(f"building {args.n:,} commitments at {url}", flush=True)
        build(url, args.n, args.batch)
        have = args.n
    else:
        print(f"reusing {url}: {have:,} commitments", flush=True)
    if args.build_only:
        return
    results = {}
    for audit in ["baseline", *args.audits.split(",")]:
        cmd = [
            sys.executable,
            __file__,
            "--db",
            url,
            "--as-of",
            as_of.isoformat(),
            "--jobs",
            str(args.jobs),
            "--run",
            audit,
        ]
        res = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if res.returncode != 0:
            raise SystemExit(f"{audit} failed:\n{res.stderr}")
        line = res.stdout.strip().splitlines()[-1]
        results[audit] = json.loads(line)
        print(line, flush=True)
    bare = results["baseline"]
    for audit, r in results.items():
        if audit != "baseline":
            print(
                f"{audit}: bare/product {bare['seconds'] / r['seconds']:.2f} wall, "
                f"{bare['cpu_seconds'] / max(r['cpu_seconds'], 0.01):.2f} CPU (this process)"
            )


if __name__ == "__main__":
    main()
