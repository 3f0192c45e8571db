"""Keys owned by their owners: ``keys generate`` in one keystore, ``keys register`` by vkey elsewhere."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from ledger.keys import Keystore
from ledger.note import SIG_COSIGNATURE, SIG_ED25519, VerifierKey
from tests.helpers.owners import (
    BUREAU_PW,
    OPERATOR_PW,
    Run,
    agency_statements,
    owners_runner,
)

ORIGIN = "ledger.keys.example/commitments"


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.chdir(tmp_path)
    return owners_runner(tmp_path)


def _agencies(path: Path, ids: range) -> str:
    return str(agency_statements(path, ids))


def test_a_bureau_key_never_held_by_the_operator_signs_appends_that_verify(
    run: Run, tmp_path: Path
) -> None:
    (tmp_path / "log.vkey").write_text(run("init", "--origin", ORIGIN).stdout)
    # The bureau creates its key on its own machine: no ledger is touched.
    res = run("keys", "generate", "czj-clerk", "--role", "recorder", who="bureau")
    vkey = VerifierKey.parse(res.stdout.strip())
    assert vkey.name == "czj-clerk" and vkey.alg == SIG_ED25519
    assert not (tmp_path / "nowhere").exists()
    (tmp_path / "czj-clerk.vkey").write_text(res.stdout)
    # The operator registers the public key; its keystore never held the private key.
    run(
        "keys",
        "register",
        "czj-clerk",
        "--vkey",
        "czj-clerk.vkey",
        "--role",
        "recorder",
        "--agency",
        "*",
    )
    assert Keystore(tmp_path / "operator-keys").names() == [ORIGIN]
    listed = json.loads(run("keys", "list", "--format", "json").stdout)
    assert any(k["name"] == "czj-clerk" and k["vkey"] == vkey.encode() for k in listed)
    # The bureau signs with its own keystore against the shared database.
    res = run(
        "append",
        _agencies(tmp_path / "a.jsonl", range(3)),
        "--key",
        "czj-clerk",
        who="bureau",
        LEDGER_DB=f"sqlite:///{tmp_path / 'ledger.db'}",
    )
    assert "appended 3 entries" in res.stdout
    out = run("verify", "--vkey", "log.vkey").stdout
    assert "verified 5 entries" in out
    # The operator cannot sign as the bureau: it does not hold the key.
    res = run("append", _agencies(tmp_path / "b.jsonl", range(3, 4)), "--key", "czj-clerk", code=3)
    assert "no key named 'czj-clerk'" in res.stderr


def test_a_witness_key_generated_elsewhere_cosigns(run: Run, tmp_path: Path) -> None:
    (tmp_path / "log.vkey").write_text(run("init", "--origin", ORIGIN).stdout)
    res = run("keys", "generate", "shenji-ju", "--role", "witness", who="witness")
    wkey = VerifierKey.parse(res.stdout.strip())
    assert wkey.alg == SIG_COSIGNATURE
    (tmp_path / "shenji.vkey").write_text(res.stdout)
    run("keys", "register", "shenji-ju", "--vkey", "shenji.vkey", "--role", "witness")
    run("checkpoint", "--out", "c.checkpoint")
    res = run(
        "cosign",
        "c.checkpoint",
        "--key",
        "shenji-ju",
        "--vkey",
        "log.vkey",
        "--out",
        "c.cosigned",
        who="witness",
    )
    assert not (tmp_path / "nowhere").exists()  # the witness opened no database
    out = run(
        "verify", "--vkey", "log.vkey", "--checkpoint", "c.cosigned", "--witness", "shenji.vkey"
    ).stdout
    assert "cosigned by shenji-ju" in out


def test_register_refuses_a_mismatched_vkey(run: Run, tmp_path: Path) -> None:
    run("init", "--origin", ORIGIN)
    rec = run("keys", "generate", "clerk", "--role", "recorder", who="bureau").stdout.strip()
    wit = run("keys", "generate", "npc", "--role", "witness", who="witness").stdout.strip()
    res = run(
        "keys", "register", "other", "--vkey", rec, "--role", "recorder", "--agency", "*", code=2
    )
    assert "names the key 'clerk'" in res.stderr
    res = run(
        "keys", "register", "npc", "--vkey", wit, "--role", "recorder", "--agency", "*", code=2
    )
    assert "type 0x01" in res.stderr
    res = run("keys", "register", "clerk", "--vkey", rec, "--role", "recorder", code=2)
    assert "--agency" in res.stderr
    run(
        "keys",
        "register",
        "clerk",
        "--vkey",
        "not-a-key",
        "--role",
        "recorder",
        "--agency",
        "*",
        code=2,
    )
    # A name is never reused: a second registration is refused by the ledger.
    run("keys", "register", "clerk", "--vkey", rec, "--role", "recorder", "--agency", "*")
    run("keys", "register", "clerk", "--vkey", rec, "--role", "recorder", "--agency", "*", code=2)


def test_generate_refuses_a_short_passphrase_and_an_existing_name(run: Run) -> None:
    res = run("keys", "generate", "x", "--role", "auditor", code=2, LEDGER_PASSPHRASE="short")
    assert "12" in res.stderr
    run("keys", "generate", "x", "--role", "auditor", who="witness")
    run("keys", "generate", "x", "--role", "auditor", who="witness", code=2)


def test_no_private_key_or_passphrase_reaches_the_database(run: Run, tmp_path: Path) -> None:
    run("init", "--origin", ORIGIN)
    run("keys", "generate", "clerk", "--role", "recorder", who="bureau")
    vkey = run("keys", "generate", "clerk2", "--role", "recorder", who="bureau").stdout.strip()
    run("keys", "register", "clerk2", "--vkey", vkey, "--role", "recorder", "--agency", "*")
    run("keys", "new", "local-clerk", "--role", "recorder", "--agency", "*")
    db = (tmp_path / "ledger.db").read_bytes()
    secrets = [OPERATOR_PW.encode(), BUREAU_PW.encode()]
    for who, pw in (("operator", OPERATOR_PW), ("bureau", BUREAU_PW)):
        ks = Keystore(tmp_path / f"{who}-keys")
        for name in ks.names():
            raw = ks.load(name, pw.encode()).private_bytes_raw()
            secrets += [raw, raw.hex().encode(), base64.b64encode(raw)]
    for s in secrets:
        assert s not in db


def test_init_with_a_short_passphrase_creates_nothing(run: Run, tmp_path: Path) -> None:
    res = run("init", "--origin", ORIGIN, code=2, LEDGER_PASSPHRASE="short")
    assert "12" in res.stderr
    assert not (tmp_path / "ledger.db").exists()
    assert Keystore(tmp_path / "operator-keys").names() == []
    res = run("demo", str(tmp_path / "d"), code=2, LEDGER_PASSPHRASE="short")
    assert not (tmp_path / "d").exists()
