"""Shared fixtures: deterministic clocks, ledgers on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.helpers.source import use_source_tree

use_source_tree()

PG_ENV = "LEDGER_TEST_PG_URL"


class FakeClock:
    """A clock that ticks one second per call, from a fixed instant."""

    def __init__(self, start: datetime = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture(autouse=True)
def english_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI speaks Chinese on a Chinese machine; tests pin English unless they set it."""
    monkeypatch.setenv("LEDGER_LANG", "en")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _pg_admin_url() -> str | None:
    return os.environ.get(PG_ENV)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    base = _pg_admin_url()
    if not base:
        pytest.skip(
            f"PostgreSQL tests need {PG_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)"
        )
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = "ledger_t_" + uuid.uuid4().hex[:12]
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'ledger.db'}"


@pytest.fixture(params=["sqlite", pytest.param("pg", marks=pytest.mark.pg)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Both backends: SQLite always, PostgreSQL when LEDGER_TEST_PG_URL is set."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.db'}"
    return str(request.getfixturevalue("pg_url"))


ORIGIN = "ledger.test.example/commitments"
PASSPHRASE = b"correct horse battery staple"


@dataclass
class World:
    """An initialised ledger with a log key and recorder keys, all in memory."""

    url: str
    ledger: object
    log_key: Ed25519PrivateKey
    keys: dict[str, Ed25519PrivateKey]
    keystore: object
    clock: FakeClock

    def signer(self):  # type: ignore[no-untyped-def]
        from ledger.log import LogSigner

        return LogSigner(ORIGIN, self.log_key, self.keystore)

    def register(
        self, name: str, role: str = "recorder", agencies: list[str] | None = None
    ) -> Ed25519PrivateKey:
        from ledger.note import SIG_COSIGNATURE, SIG_ED25519, verifier_key

        key = Ed25519PrivateKey.generate()
        alg = SIG_ED25519 if role == "recorder" else SIG_COSIGNATURE
        body = {
            "name": name,
            "vkey": verifier_key(name, key.public_key(), alg).encode(),
            "role": role,
            "agencies": agencies if agencies is not None else (["*"] if role == "recorder" else []),
        }
        self.append_as(ORIGIN, self.log_key, [("key.registered", body)])
        self.keys[name] = key
        return key

    def append_as(self, name: str, key: Ed25519PrivateKey, stmts: list[tuple[str, dict]], **kw):  # type: ignore[no-untyped-def,type-arg]
        from ledger.log import Draft, sign_statements

        drafts = [Draft(i + 1, k, b) for i, (k, b) in enumerate(stmts)]
        return self.ledger.append(
            sign_statements(drafts, name, key, self.clock, origin=ORIGIN), self.clock, **kw
        )  # type: ignore[attr-defined]

    def append(self, name: str, stmts: list[tuple[str, dict]], **kw):  # type: ignore[no-untyped-def,type-arg]
        return self.append_as(name, self.keys[name], stmts, **kw)


def agency(i: int | str, region: str = "430600") -> tuple[str, dict]:  # type: ignore[type-arg]
    """An agency.registered statement with a unique id."""
    return (
        "agency.registered",
        {"agency": f"ag-{i}", "name": f"测试机关{i}", "category": "organ", "region": region},
    )


def make_world(url: str, tmp_path: Path, clock: FakeClock) -> World:
    from ledger.keys import Keystore
    from ledger.log import Ledger

    log_key = Ed25519PrivateKey.generate()
    ks = Keystore(tmp_path / "keystore")
    ks.store(ORIGIN, log_key, PASSPHRASE)
    ledger = Ledger.init(url, ORIGIN, log_key, clock)
    w = World(url, ledger, log_key, {}, ks, clock)
    w.register("registrar", "recorder", ["*"])
    return w


@pytest.fixture
def world(db_url: str, tmp_path: Path, clock: FakeClock) -> Iterator[World]:
    w = make_world(db_url, tmp_path, clock)
    yield w
    w.ledger.close()  # type: ignore[attr-defined]


@pytest.fixture
def sqlite_world(sqlite_url: str, tmp_path: Path, clock: FakeClock) -> Iterator[World]:
    w = make_world(sqlite_url, tmp_path, clock)
    yield w
    w.ledger.close()  # type: ignore[attr-defined]


def drop_triggers(engine) -> None:  # type: ignore[no-untyped-def]
    """What a database administrator could do: remove the append-only triggers."""
    from ledger.schema import APPEND_ONLY_TABLES

    with engine.begin() as conn:
        for t in APPEND_ONLY_TABLES:
            if engine.dialect.name == "sqlite":
                for op in ("update", "delete"):
                    conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {t}_no_{op}")
            else:
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {t}_append_only ON {t}")
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {t}_no_truncate ON {t}")


def rewrite_log(engine, leaves: list[bytes]) -> None:  # type: ignore[no-untyped-def]
    """A careful attacker: replace the log by ``leaves`` and recompute every
    derived column (leaf hashes, tree nodes) so only the leaf bytes can tell."""
    from sqlalchemy import delete, insert

    from ledger import merkle
    from ledger.entry import dedupe_digest, dedupe_key, leaf_hash, parse_entry
    from ledger.errors import BadInput
    from ledger.schema import create_schema, entries, tree_nodes

    drop_triggers(engine)
    rng = merkle.CompactRange(0, [])
    rows, nodes = [], []
    for i, leaf in enumerate(leaves):
        h = leaf_hash(leaf)
        try:
            e = parse_entry(leaf)
            kind, by, dk = e.kind, e.by, dedupe_key(dedupe_digest(e.kind, e.body))
        except BadInput:
            kind, by, dk = "?", "?", 0
        rows.append(
            {"seq": i, "leaf": leaf, "leaf_hash": h, "kind": kind, "signer": by, "dedupe": dk}
        )
        nodes += [{"level": lv, "idx": ix, "hash": hh} for lv, ix, hh in rng.append(h)]
    with engine.begin() as conn:
        conn.execute(delete(tree_nodes))
        conn.execute(delete(entries))
        conn.execute(insert(entries), rows)
        if nodes:
            conn.execute(insert(tree_nodes), nodes)
    create_schema(engine)


def all_leaves(ledger) -> list[bytes]:  # type: ignore[no-untyped-def]
    return [leaf for _, leaf, _ in ledger.iter_leaves()]


def resign(leaf: bytes, key: Ed25519PrivateKey, **changes) -> bytes:  # type: ignore[no-untyped-def]
    """Re-encode an entry with changed fields (statement re-signed by ``key``)."""
    from ledger.canonical import canonical, loads
    from ledger.entry import b64encode

    obj = loads(leaf)
    for k, v in changes.items():
        obj[k] = v
    obj["sig"] = b64encode(key.sign(canonical(obj["statement"])))
    return canonical(obj)
