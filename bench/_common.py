"""Shared helpers for the benchmarks in ``bench/`` (not part of the product).

A benchmark world is what ``tests/conftest.py::make_world`` builds, minus the
keystore: a ledger with its log key and one recorder key scoped to ``*``, plus
a deterministic clock.  Statements are ``agency.registered`` bodies with
unique ids, so nothing is skipped as a duplicate.
"""

from __future__ import annotations

import os
import resource
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
)

ORIGIN = "bench.ledger.example/commitments"
RECORDER = "bench-registrar"
FILE_SIZE = 10_000  # statements per file = per append transaction


class BenchClock:
    """Ticks one millisecond per call from a fixed instant (like tests' FakeClock)."""

    def __init__(self, start: datetime = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now


def agency_body(i: int) -> dict[str, Any]:
    """The body of a unique agency.registered statement (as tests' ``agency(i)``)."""
    return {"agency": f"ag-{i}", "name": f"测试机关{i}", "category": "organ", "region": "430600"}


@dataclass
class World:
    """A ledger ready to take statements from one '*' recorder."""

    url: str
    ledger: Any
    log_key: Ed25519PrivateKey
    recorder_key: Ed25519PrivateKey
    clock: BenchClock

    def drafts(self, start: int, count: int) -> list[Any]:
        """``count`` agency.registered drafts with ids ``start..start+count-1``."""
        from ledger.log import Draft

        return [
            Draft(i - start + 1, "agency.registered", agency_body(i))
            for i in range(start, start + count)
        ]

    def append_file(self, start: int, count: int) -> tuple[float, float]:
        """sign_statements + Ledger.append of one file; (sign seconds, append seconds)."""
        from ledger.log import sign_statements

        drafts = self.drafts(start, count)
        t0 = time.perf_counter()
        signed = sign_statements(drafts, RECORDER, self.recorder_key, self.clock, origin=ORIGIN)
        t1 = time.perf_counter()
        result = self.ledger.append(signed, self.clock, source="bench")
        t2 = time.perf_counter()
        if result.appended != count:
            raise SystemExit(f"expected {count} appended, got {result.appended}")
        return t1 - t0, t2 - t1


def key_file(db_path: str) -> Path:
    """Where build_log keeps the recorder key of a SQLite benchmark log (beside it)."""
    return Path(db_path + ".keys")


def new_world(url: str) -> World:
    """Initialise a ledger at ``url`` and register the '*' recorder."""
    from ledger.log import Draft, Ledger, sign_statements
    from ledger.note import verifier_key

    clock = BenchClock()
    log_key = Ed25519PrivateKey.generate()
    rec_key = Ed25519PrivateKey.generate()
    ledger = Ledger.init(url, ORIGIN, log_key, clock)
    body = {
        "name": RECORDER,
        "vkey": verifier_key(RECORDER, rec_key.public_key()).encode(),
        "role": "recorder",
        "agencies": ["*"],
    }
    signed = sign_statements(
        [Draft(1, "key.registered", body)], ORIGIN, log_key, clock, origin=ORIGIN
    )
    ledger.append(signed, clock)
    return World(url, ledger, log_key, rec_key, clock)


def save_keys(world: World, path: Path) -> None:
    """Keep the (benchmark-only, unencrypted) keys so a log can be extended later."""
    raw = b"".join(
        k.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        for k in (world.log_key, world.recorder_key)
    )
    path.write_bytes(raw)
    path.chmod(0o600)


def open_world(url: str, path: Path) -> World:
    """Reopen a benchmark log built earlier (keys from ``save_keys``)."""
    from ledger.log import Ledger

    raw = path.read_bytes()
    log_key = Ed25519PrivateKey.from_private_bytes(raw[:32])
    rec_key = Ed25519PrivateKey.from_private_bytes(raw[32:64])
    ledger = Ledger.open(url)
    clock = BenchClock(datetime(2027, 1, 1, tzinfo=UTC))  # later than anything stored
    return World(url, ledger, log_key, rec_key, clock)


@dataclass
class Scratch:
    """A fresh database for one run: a temp SQLite file or a scratch PG database."""

    url: str
    dialect: str
    path: str | None  # SQLite file
    _admin_url: str | None = None
    _name: str | None = None

    def drop(self) -> None:
        """Remove the scratch database."""
        if self._admin_url is not None:
            from sqlalchemy import create_engine, text

            admin = create_engine(self._admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self._name}" WITH (FORCE)'))
            admin.dispose()
        elif self.path is not None:
            # the temporary directory: the ledger, the bare loop's table, WAL files
            shutil.rmtree(Path(self.path).parent, ignore_errors=True)


def scratch(db: str, label: str) -> Scratch:
    """A fresh database named after ``label``.

    ``db`` is ``sqlite`` (a file in a new temp directory) or a PostgreSQL URL
    (a scratch database is created on that server and dropped by ``drop``).
    """
    if db == "sqlite":
        d = tempfile.mkdtemp(prefix="ledger-bench-")
        path = os.path.join(d, f"{label}.db")
        return Scratch(f"sqlite:///{path}", "sqlite", path)
    if db.startswith("postgresql"):
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        if db.startswith("postgresql://"):
            db = "postgresql+psycopg://" + db[len("postgresql://") :]
        name = f"ledger_bench_{label}_{uuid.uuid4().hex[:8]}"
        admin = create_engine(db, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = make_url(db).set(database=name).render_as_string(hide_password=False)
        return Scratch(url, "postgresql", None, db, name)
    raise SystemExit(f"--db must be 'sqlite' or a postgresql:// URL, not {db!r}")


def sqlite_path(url: str) -> str:
    """The file of a ``sqlite:///PATH`` URL."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        raise SystemExit(f"not a SQLite file URL: {url}")
    return url[len(prefix) :]


def maxrss_mib() -> tuple[float, float]:
    """Peak resident memory (MiB) of this process and of its reaped children."""
    self_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return self_kib / 1024, children_kib / 1024


def cpu_seconds() -> tuple[float, float]:
    """User + system CPU seconds of this process and of its reaped children.

    Reported beside wall-clock rates: on a shared machine the wall clock
    depends on the neighbours, CPU time per entry much less.
    """
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[k]


def chunks(start: int, stop: int, step: int) -> Iterator[tuple[int, int]]:
    """``(first, count)`` pairs covering ``[start, stop)`` in steps of ``step``."""
    for a in range(start, stop, step):
        yield a, min(step, stop - a)
