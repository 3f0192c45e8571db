"""The demo end to end at a small size: it builds, verifies and is deterministic."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from ledger_cli.main import cli

from ledger.demo import build


def test_demo_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    res = CliRunner().invoke(
        cli,
        ["demo", str(out), "--commitments", "40", "--seed", "3"],
        env={"LEDGER_PASSPHRASE": "pw-demo-long-enough"},
    )
    assert res.exit_code == 0, res.output
    assert "verified: chain, Merkle tree, every signature and key rule" in res.stdout
    for name in (
        "ledger.db",
        "log.vkey",
        "checkpoint",
        "checkpoint-registry",
        "checkpoint.cosigned",
        "consistency.json",
        "bundle.zip",
    ):
        assert (out / name).exists(), name
    receipts = sorted((out / "receipts").glob("*.json"))
    assert receipts
    env = {
        "LEDGER_DB": f"sqlite:///{out / 'ledger.db'}",
        "LEDGER_KEYSTORE": str(out / "keys"),
        "LEDGER_PASSPHRASE": "pw-demo-long-enough",
    }
    runner = CliRunner()
    vkey = str(out / "log.vkey")
    for args in (
        ["verify", "--vkey", vkey, "--checkpoint", str(out / "checkpoint-registry")],
        [
            "verify-bundle",
            str(out / "bundle.zip"),
            "--vkey",
            vkey,
            "--witness",
            str(out / "audit-bureau.vkey"),
            "--witness",
            str(out / "discipline-inspection.vkey"),
        ],
        ["verify-receipt", str(receipts[0]), "--vkey", vkey],
    ):
        r = runner.invoke(cli, args, env=env)
        assert r.exit_code == 0, (args, r.output)
    arrears = json.loads((out / "arrears.json").read_text())
    assert (
        arrears["as_of"] == "2026-10-31" and arrears["totals"]["count"] == len(arrears["items"]) > 0
    )
    assert json.loads((out / "disclosure-2025.json").read_text())["year"] == 2025
    assert (out / "turnover.pdf").read_bytes().startswith(b"%PDF-")
    proof = json.loads((out / "consistency.json").read_text())
    assert proof["format"] == "ledger-consistency/v1" and proof["old_size"] < proof["new_size"]
    again = CliRunner().invoke(
        cli, ["demo", str(out)], env={"LEDGER_PASSPHRASE": "pw-demo-long-enough"}
    )
    assert again.exit_code == 2 and "must be new or empty" in again.stderr


def test_demo_data_is_deterministic_for_a_seed() -> None:
    a, b, c = build(5, 60), build(5, 60), build(6, 60)
    assert a.registry == b.registry and a.commitments == b.commitments
    assert a.commitments != c.commitments
    kinds = {s.kind for s in a.registry + a.commitments}
    assert {
        "government.term_changed",
        "agency.succeeded",
        "official.appointed",
        "payment.made",
        "commitment.recorded",
        "enterprise.updated",
    } <= kinds
    assert {"restructuring", "division_adjustment"} == {
        s.body["reason"] for s in a.registry if s.kind == "agency.succeeded"
    }
    names = [s.body["name"] for s in a.registry if s.kind == "enterprise.registered"]
    assert names and all(str(n).endswith("（虚构）") for n in names)
