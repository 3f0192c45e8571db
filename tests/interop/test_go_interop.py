"""Our checkpoints, receipts, consistency proofs and cosignatures, checked by Go's x/mod.

goverify (tests/interop/goverify) verifies with golang.org/x/mod/sumdb/note and
sumdb/tlog, code we did not write.  The ledger is built through the CLI.
"""

from __future__ import annotations

import base64
import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from ledger_cli.main import cli

HERE = Path(__file__).parent
ORIGIN = "ledger.czj.yueyang.example/commitments"


@pytest.fixture(scope="module")
def goverify(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("go") / "goverify"
    proc = subprocess.run(
        ["bash", str(HERE / "build.sh"), str(out)],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if proc.returncode == 3:
        pytest.skip(f"Go cross-check unavailable: {proc.stderr.strip()}")
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ledger built through the CLI, with two checkpoints, a proof, receipts and a cosignature."""
    d = tmp_path_factory.mktemp("ledger")
    env = {
        "LEDGER_PASSPHRASE": "pw-interop-long-enough",
        "LEDGER_KEYSTORE": str(d / "ks"),
        "LEDGER_DB": f"sqlite:///{d / 'l.db'}",
    }
    runner = CliRunner()

    def run(*args: str) -> str:
        res = runner.invoke(cli, list(args), env=env, catch_exceptions=False)
        assert res.exit_code == 0, (args, res.stdout, res.stderr)
        return res.stdout

    def statements(name: str, ids: range) -> str:
        p = d / name
        p.write_text(
            "".join(
                json.dumps(
                    {
                        "kind": "agency.registered",
                        "body": {
                            "agency": f"ag-{i}",
                            "name": f"机关{i}",
                            "category": "organ",
                            "region": "430600",
                        },
                    }
                )
                + "\n"
                for i in ids
            )
        )
        return str(p)

    (d / "log.vkey").write_text(run("init", "--origin", ORIGIN))
    run("keys", "new", "clerk", "--role", "recorder", "--agency", "*")
    (d / "audit.vkey").write_text(run("keys", "new", "audit-bureau", "--role", "witness"))
    (d / "npc.vkey").write_text(run("keys", "new", "npc", "--role", "witness"))
    run("append", statements("s1.jsonl", range(9)), "--key", "clerk")
    run("checkpoint", "--out", str(d / "old.checkpoint"))  # size 13
    run(
        "cosign",
        str(d / "old.checkpoint"),
        "--key",
        "audit-bureau",
        "--vkey",
        str(d / "log.vkey"),
        "--out",
        str(d / "old.audit"),
    )
    run("append", statements("s2.jsonl", range(100, 122)), "--key", "clerk")
    run("checkpoint", "--out", str(d / "new.checkpoint"))  # size 35
    run("prove", "consistency", "13", "35", "--out", str(d / "proof.json"))
    run("cosign", str(d / "new.checkpoint"), "--key", "audit-bureau", "--out", str(d / "new.audit"))
    run(
        "cosign",
        str(d / "new.audit"),
        "--key",
        "npc",
        "--vkey",
        str(d / "log.vkey"),
        "--out",
        str(d / "new.both"),
    )
    for seq in (0, 7, 13, 34):
        run("receipt", str(seq), "--format", "tlog-proof", "--out", str(d / f"r{seq}.json"))
    run("export", str(d / "bundle"), "--quiet")
    return d


def _go(goverify: Path, *args: Path | str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(goverify), *map(str, args)], check=False, capture_output=True, text=True, timeout=60
    )


def _ok(goverify: Path, *args: Path | str) -> str:
    proc = _go(goverify, *args)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_checkpoint(goverify: Path, built: Path) -> None:
    from ledger.entry import leaf_hash
    from ledger.merkle import root_from_leaf_hashes

    out = _ok(goverify, "checkpoint", built / "log.vkey", built / "new.checkpoint").split()
    leaves = (built / "bundle" / "entries.jsonl").read_bytes().split(b"\n")[:-1]
    assert out == [ORIGIN, "35", root_from_leaf_hashes([leaf_hash(x) for x in leaves]).hex()]
    # The bundle's checkpoint is the same signed note.
    assert (
        _ok(goverify, "checkpoint", built / "log.vkey", built / "bundle" / "checkpoint").split()[1]
        == "35"
    )


def test_receipts(goverify: Path, built: Path) -> None:
    for seq in (0, 7, 13, 34):
        out = _ok(goverify, "receipt", built / "log.vkey", built / f"r{seq}.json").split()
        assert out[:2] == [ORIGIN, "35"] and out[3] == str(seq)


def test_consistency(goverify: Path, built: Path) -> None:
    out = _ok(
        goverify,
        "consistency",
        built / "log.vkey",
        built / "old.checkpoint",
        built / "new.checkpoint",
        built / "proof.json",
    ).split()
    assert out[0] == ORIGIN and out[1] == "13" and out[3] == "35"


def test_cosigned(goverify: Path, built: Path) -> None:
    out = _ok(
        goverify,
        "cosigned",
        built / "log.vkey",
        built / "new.both",
        built / "audit.vkey",
        built / "npc.vkey",
    )
    lines = out.splitlines()
    assert lines[0].startswith(f"{ORIGIN} 35 ")
    assert lines[1].startswith(f"log {ORIGIN} ")
    assert [ln.split()[:2] for ln in lines[2:4]] == [
        ["cosigned", "audit-bureau"],
        ["cosigned", "npc"],
    ]
    # A verifier that knows only the log key still accepts the cosigned note.
    _ok(goverify, "checkpoint", built / "log.vkey", built / "new.both")
    out = _ok(goverify, "cosigned", built / "log.vkey", built / "old.audit")
    assert "unverified audit-bureau" in out
    # Requiring a witness that did not cosign fails.
    assert (
        _go(
            goverify, "cosigned", built / "log.vkey", built / "old.audit", built / "npc.vkey"
        ).returncode
        == 1
    )


def test_tampered_receipts_are_rejected(goverify: Path, built: Path, tmp_path: Path) -> None:
    r = json.loads((built / "r7.json").read_text())
    forged = []
    e = bytearray(base64.b64decode(r["entry"]))
    e[-3] ^= 1
    forged.append({**r, "entry": base64.b64encode(bytes(e)).decode()})
    forged.append({**r, "index": 8})
    h = bytearray(base64.b64decode(r["inclusion"][0]))
    h[0] ^= 1
    forged.append({**r, "inclusion": [base64.b64encode(bytes(h)).decode(), *r["inclusion"][1:]]})
    for i, f in enumerate(forged):
        p = tmp_path / f"forged{i}.json"
        p.write_text(json.dumps(f))
        proc = _go(goverify, "receipt", built / "log.vkey", p)
        assert proc.returncode == 1, (i, proc.stdout)


def test_tlog_proof_agrees_with_the_receipt_go_accepts(
    goverify: Path, built: Path, tmp_path: Path
) -> None:
    """The tlog-proof text carries exactly the proof and checkpoint Go verified."""
    r = json.loads((built / "r13.json").read_text())
    text = (built / "r13.tlog-proof").read_text()
    n = len(r["inclusion"])
    assert text.split("\n")[: 3 + n] == ["c2sp.org/tlog-proof@v1", "index 13", *r["inclusion"], ""]
    cp = tmp_path / "r13.checkpoint"
    cp.write_text(text.split("\n\n", 1)[1])
    _ok(goverify, "checkpoint", built / "log.vkey", cp)
