"""End to end from the CLI: export, verify-bundle, cosign, receipts, verify --witness."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from ledger_cli.main import cli

from tests.helpers.owners import agency_statements

Run = Callable[..., Result]


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.chdir(tmp_path)
    env = {
        "LEDGER_PASSPHRASE": "correct horse battery staple",
        "LEDGER_KEYSTORE": str(tmp_path / "keystore"),
        "LEDGER_DB": f"sqlite:///{tmp_path / 'ledger.db'}",
    }
    runner = CliRunner()

    def invoke(*args: str, code: int = 0, **extra: str) -> Result:
        res = runner.invoke(cli, list(args), env={**env, **extra}, catch_exceptions=False)
        assert res.exit_code == code, (args, res.stdout, res.stderr)
        return res

    return invoke


@pytest.fixture
def ledger_dir(run: Run, tmp_path: Path) -> Path:
    (tmp_path / "log.vkey").write_text(
        run("init", "--origin", "ledger.czj.yueyang.example/commitments").stdout
    )
    run("keys", "new", "clerk", "--role", "recorder", "--agency", "*")
    (tmp_path / "audit.vkey").write_text(
        run("keys", "new", "audit-bureau", "--role", "witness").stdout
    )
    (tmp_path / "npc.vkey").write_text(run("keys", "new", "npc", "--role", "witness").stdout)
    run("append", str(agency_statements(tmp_path / "s1.jsonl", range(8))), "--key", "clerk")
    run("checkpoint", "--out", "c1.checkpoint")
    return tmp_path


def test_export_and_verify_bundle(run: Run, ledger_dir: Path) -> None:
    res = run("export", "bundle")
    assert (
        "exported 12 entries of ledger.czj.yueyang.example/commitments to bundle (directory)"
        in res.stdout
    )
    assert res.stderr == ""  # no progress bar when not on a terminal
    res = run("verify-bundle", "bundle", "--vkey", "log.vkey")
    assert res.stdout.startswith(
        "verified bundle bundle: 12 entries of ledger.czj.yueyang.example/commitments"
    )
    vkey = (ledger_dir / "log.vkey").read_text().strip()
    run(
        "verify-bundle",
        "bundle",
        "--vkey",
        vkey,
        "--jobs",
        "2",
        "--checkpoint",
        "c1.checkpoint",
        "--quiet",
    )


def test_export_signs_a_fresh_checkpoint_when_the_log_grew(run: Run, ledger_dir: Path) -> None:
    run(
        "append", str(agency_statements(ledger_dir / "s2.jsonl", range(100, 103))), "--key", "clerk"
    )
    run("export", "b.zip")
    with zipfile.ZipFile(ledger_dir / "b.zip") as zf:
        assert zf.read("checkpoint").decode().split("\n")[1] == "15"
    res = run("verify-bundle", "b.zip", "--vkey", "log.vkey", "--checkpoint", "c1.checkpoint")
    assert "the bundle extends the old checkpoint at size 12" in res.stdout


def test_export_without_the_key_stops_at_the_latest_checkpoint(run: Run, ledger_dir: Path) -> None:
    run(
        "append", str(agency_statements(ledger_dir / "s2.jsonl", range(100, 103))), "--key", "clerk"
    )
    res = run("export", "b", "--zip", LEDGER_PASSPHRASE="wrong")
    assert "stops at the latest checkpoint (size 12 of 15)" in res.stderr
    run("verify-bundle", "b", "--vkey", "log.vkey")


def test_a_tampered_bundle_fails_naming_line_and_seq(run: Run, ledger_dir: Path) -> None:
    run("export", "bundle")
    path = ledger_dir / "bundle" / "entries.jsonl"
    lines = path.read_bytes().split(b"\n")
    lines[3], lines[4] = lines[4], lines[3]
    path.write_bytes(b"\n".join(lines))
    res = run("verify-bundle", "bundle", "--vkey", "log.vkey", code=1)
    assert res.stderr == "error: entries.jsonl line 4 (seq 3): seq: is 4, expected 3\n"
    path.write_bytes(b"\n".join(lines)[:-30])
    res = run("verify-bundle", "bundle", "--vkey", "log.vkey", code=1)
    assert res.stderr.startswith("error: entries.jsonl line 4 (seq 3)")


def test_wrong_and_malformed_vkeys(run: Run, ledger_dir: Path, tmp_path: Path) -> None:
    run("export", "bundle")
    other = tmp_path / "other"
    other.mkdir()
    fake = run(
        "init",
        "--origin",
        "ledger.czj.yueyang.example/commitments",
        LEDGER_DB=f"sqlite:///{other / 'o.db'}",
        LEDGER_KEYSTORE=str(other / "ks"),
    ).stdout.strip()
    res = run("verify-bundle", "bundle", "--vkey", fake, code=1)
    assert "checkpoint: not signed by the supplied --vkey" in res.stderr
    res = run("verify-bundle", "bundle", "--vkey", "nonsense", code=2)
    assert "--vkey 'nonsense' is not a verifier key (nor a file that exists)" in res.stderr
    res = run("verify-bundle", "bundle", "--vkey", "audit.vkey", code=2)
    assert "type 0x01" in res.stderr
    run("verify-bundle", "missing", "--vkey", "log.vkey", code=2)


def test_verify_bundle_rollback(run: Run, ledger_dir: Path) -> None:
    run("export", "old-bundle")
    run(
        "append", str(agency_statements(ledger_dir / "s2.jsonl", range(100, 103))), "--key", "clerk"
    )
    run("checkpoint", "--out", "c2.checkpoint")
    res = run(
        "verify-bundle", "old-bundle", "--vkey", "log.vkey", "--checkpoint", "c2.checkpoint", code=1
    )
    assert (
        "rollback: the bundle's checkpoint is at size 12 but the old checkpoint was signed at size 15"
        in res.stderr
    )


def test_cosign_flow(run: Run, ledger_dir: Path) -> None:
    # The first cosignature for a log needs its --vkey, given explicitly (then pinned).
    res = run("cosign", "c1.checkpoint", "--key", "audit-bureau", code=2)
    assert "--vkey" in res.stderr
    res = run(
        "cosign",
        "c1.checkpoint",
        "--key",
        "audit-bureau",
        "--vkey",
        "log.vkey",
        "--out",
        "c1.audit",
    )
    assert res.stdout.count("\n— ") == 2 and "(first checkpoint of this log)" in res.stderr
    state = ledger_dir / "keystore" / "witness-state" / "ledger.czj.yueyang.example%2Fcommitments"
    assert state.read_text() == res.stdout
    run(
        "append", str(agency_statements(ledger_dir / "s2.jsonl", range(100, 103))), "--key", "clerk"
    )
    run("checkpoint", "--out", "c2.checkpoint")
    # No --proof: the proof comes from the ledger, and is verified.
    res = run("cosign", "c2.checkpoint", "--key", "audit-bureau", "--vkey", "log.vkey")
    assert "after size 12" in res.stderr
    res = run("cosign", "c1.checkpoint", "--key", "audit-bureau", code=1)
    assert "rollback" in res.stderr
    # A witness with its own state dir and no database: needs --proof.
    far = {"LEDGER_DB": f"sqlite:///{ledger_dir / 'nowhere' / 'x.db'}"}
    run(
        "cosign",
        "c1.checkpoint",
        "--key",
        "npc",
        "--vkey",
        "log.vkey",
        "--state",
        "npc-state",
        **far,
    )
    res = run(
        "cosign",
        "c2.checkpoint",
        "--key",
        "npc",
        "--vkey",
        "log.vkey",
        "--state",
        "npc-state",
        code=2,
        **far,
    )
    assert (
        "needs a consistency proof" in res.stderr and "ledger prove consistency 12 15" in res.stderr
    )
    run("prove", "consistency", "11", "15", "--out", "bad.json")
    res = run(
        "cosign",
        "c2.checkpoint",
        "--key",
        "npc",
        "--vkey",
        "log.vkey",
        "--state",
        "npc-state",
        "--proof",
        "bad.json",
        code=2,
        **far,
    )
    assert "from size 11 to 15, but this witness needs one from 12 to 15" in res.stderr
    run("prove", "consistency", "12", "15", "--out", "p.json")
    run(
        "cosign",
        "c2.checkpoint",
        "--key",
        "npc",
        "--vkey",
        "log.vkey",
        "--state",
        "npc-state",
        "--proof",
        "p.json",
        "--out",
        "c2.npc",
        **far,
    )
    # Later runs use the log key pinned in the witness's state: no --vkey, no database.
    res = run("cosign", "c2.checkpoint", "--key", "npc", "--state", "npc-state", **far)
    assert "after size 15" in res.stderr


def test_cosigned_checkpoints_in_verify_and_bundles(run: Run, ledger_dir: Path) -> None:
    run(
        "cosign",
        "c1.checkpoint",
        "--key",
        "audit-bureau",
        "--vkey",
        "log.vkey",
        "--out",
        "c1.audit",
    )
    run("cosign", "c1.audit", "--key", "npc", "--vkey", "log.vkey", "--out", "c1.both")
    res = run("verify", "--checkpoint", "c1.both")  # a verifier that knows only the log key
    assert "the log extends the saved checkpoint at size 12" in res.stdout
    res = run(
        "verify",
        "--vkey",
        "log.vkey",
        "--checkpoint",
        "c1.both",
        "--witness",
        "audit.vkey",
        "--witness",
        "npc.vkey",
    )
    assert "cosigned by audit-bureau" in res.stdout and "cosigned by npc" in res.stdout
    res = run(
        "verify",
        "--checkpoint",
        "c1.audit",
        "--witness",
        "audit.vkey",
        "--witness",
        "npc.vkey",
        code=1,
    )
    assert "fewer than the 2 required (none by npc)" in res.stderr
    run(
        "verify",
        "--checkpoint",
        "c1.audit",
        "--witness",
        "audit.vkey",
        "--witness",
        "npc.vkey",
        "--threshold",
        "1",
    )
    run("verify", "--witness", "audit.vkey", code=2)
    run(
        "append", str(agency_statements(ledger_dir / "s2.jsonl", range(100, 103))), "--key", "clerk"
    )
    run("export", "b.zip", "--cosigned", "c1.audit", "--cosigned", "c1.both")
    res = run(
        "verify-bundle",
        "b.zip",
        "--vkey",
        "log.vkey",
        "--witness",
        "audit.vkey",
        "--witness",
        "npc.vkey",
    )
    assert "12 entries" in res.stdout and "cosigned by npc" in res.stdout
    run("export", "plain.zip")
    res = run("verify-bundle", "plain.zip", "--vkey", "log.vkey", "--witness", "audit.vkey", code=1)
    assert "fewer than the 1 required" in res.stderr


def test_receipts(run: Run, ledger_dir: Path) -> None:
    res = run("receipt", "5", "--format", "tlog-proof", "--out", "r5.json")
    assert res.stdout.startswith("c2sp.org/tlog-proof@v1\nindex 5\n")
    assert (ledger_dir / "r5.tlog-proof").read_text() == res.stdout
    assert json.loads((ledger_dir / "r5.json").read_text())["format"] == "ledger-receipt/v1"
    run("receipt", "6", "--out", "r6.json")
    assert not (ledger_dir / "r6.tlog-proof").exists()
    res = run("verify-receipt", "r5.json", "--vkey", "log.vkey")
    out = res.stdout.splitlines()
    assert out[0].startswith(
        "receipt verified: entry 5 is in ledger.czj.yueyang.example/commitments at tree size 12"
    )
    assert out[1:5] == ["seq:   5", "kind:  agency.registered", "by:    clerk", out[4]] and out[
        4
    ].startswith("at:    20")
    assert '"name": "机关1"' in res.stdout
    r = json.loads((ledger_dir / "r5.json").read_text())
    r["index"] = 6
    (ledger_dir / "forged.json").write_text(json.dumps(r))
    res = run("verify-receipt", "forged.json", "--vkey", "log.vkey", code=1)
    assert res.stderr.startswith("error: forged.json: the inclusion proof of the entry at index 6")
    (ledger_dir / "broken.json").write_text("{")
    run("verify-receipt", "broken.json", "--vkey", "log.vkey", code=2)
    run("cosign", "c1.checkpoint", "--key", "audit-bureau", "--vkey", "log.vkey")
    r = json.loads((ledger_dir / "r5.json").read_text())
    r["checkpoint"] = (
        ledger_dir / "keystore" / "witness-state" / "ledger.czj.yueyang.example%2Fcommitments"
    ).read_text()
    (ledger_dir / "r5c.json").write_text(json.dumps(r))
    res = run("verify-receipt", "r5c.json", "--vkey", "log.vkey", "--witness", "audit.vkey")
    assert "cosigned by audit-bureau" in res.stdout


@pytest.mark.parametrize("command", ["export", "verify-bundle", "cosign", "verify-receipt"])
def test_every_new_command_has_help_with_an_example(command: str) -> None:
    res = CliRunner().invoke(cli, [command, "--help"])
    assert res.exit_code == 0 and "Example:" in res.output
