"""The ledger command through click's CliRunner: exit codes and messages."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from ledger_cli.main import cli

from ledger.uscc import complete_uscc

ORIGIN = "ledger.cli.example/commitments"


@pytest.fixture
def run(tmp_path: Path):  # type: ignore[no-untyped-def]
    env = {
        "LEDGER_DB": f"sqlite:///{tmp_path / 'l.db'}",
        "LEDGER_KEYSTORE": str(tmp_path / "ks"),
        "LEDGER_PASSPHRASE": "pw-for-tests",
    }

    def invoke(*args: str, ok: int | None = 0) -> Result:
        res = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
        if ok is not None:
            assert res.exit_code == ok, (args, res.output, res.stderr)
        return res

    return invoke


@pytest.fixture
def ready(run, tmp_path: Path):  # type: ignore[no-untyped-def]
    run("init", "--origin", ORIGIN)
    run("keys", "new", "registrar", "--role", "recorder", "--agency", "*")
    run("keys", "new", "czj", "--role", "recorder", "--agency", "yy-czj")
    return run


def _jsonl(path: Path, *lines: object) -> str:
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines)
        + "\n",
        encoding="utf-8",
    )
    return str(path)


AGENCY = {
    "kind": "agency.registered",
    "body": {"agency": "yy-czj", "name": "岳阳市财政局", "category": "organ", "region": "430600"},
}


def test_init_prints_the_log_vkey_and_refuses_a_second_init(run) -> None:  # type: ignore[no-untyped-def]
    res = run("init", "--origin", ORIGIN)
    assert res.stdout.startswith(ORIGIN + "+")
    res = run("init", "--origin", ORIGIN, ok=2)
    assert "already holds a log key" in res.stderr


def test_keys_list_vkey_and_revoke(ready) -> None:  # type: ignore[no-untyped-def]
    rows = json.loads(ready("keys", "list", "--format", "json").stdout)
    assert [(r["name"], r["role"], r["agencies"]) for r in rows] == [
        (ORIGIN, "log", []),
        ("registrar", "recorder", ["*"]),
        ("czj", "recorder", ["yy-czj"]),
    ]
    assert ready("keys", "vkey", "czj").stdout.startswith("czj+")
    ready("keys", "revoke", "czj", "--reason", "clerk left")
    rows = json.loads(ready("keys", "list", "--format", "json").stdout)
    assert rows[2]["revoked_seq"] == 3
    assert "no key named" in ready("keys", "vkey", "nobody", ok=2).stderr
    err = ready("keys", "new", "x", "--role", "recorder", ok=2).stderr
    assert "--agency: 记录员密钥至少需要一个机关" in err and "needs at least one agency" in err


def test_append_dry_run_then_real_then_duplicate(ready, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = _jsonl(tmp_path / "a.jsonl", AGENCY)
    assert "would append 1 entries" in ready("append", f, "--key", "registrar", "--dry-run").stdout
    assert "appended 1 entries (seq 3..3)" in ready("append", f, "--key", "registrar").stdout
    res = ready("append", f, "--key", "registrar")
    assert "appended 0 entries; skipped 1 duplicates" in res.stdout
    assert f"{f}:1: skipped: agency.registered repeats seq 3" in res.stderr


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", ":1: malformed JSON"),
        (
            json.dumps({"kind": "agency.registered"}),
            ":1: 字段 'body' 必须是 JSON 对象（field 'body' must be a JSON object）",
        ),
        (json.dumps({"kind": "nope", "body": {}}), ":1: kind:"),
        (
            json.dumps(dict(AGENCY, by="registrar")),
            ":1: 字段 'by' 由账本填写，不能在声明中给出（field 'by' is filled in by the ledger",
        ),
        (
            json.dumps({"kind": "agency.registered", "body": dict(AGENCY["body"], extra=1)}),
            ":1: body.extra",
        ),
        (
            json.dumps(
                {
                    "kind": "payment.made",
                    "body": {
                        "commitment": "C",
                        "amount": 12.5,
                        "date": "2024-01-02",
                        "reference": "r",
                        "method": "transfer",
                    },
                }
            ),
            ":1: body.amount",
        ),
    ],
)
def test_bad_input_exits_2_naming_file_line_and_field(
    ready, tmp_path: Path, line: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    f = _jsonl(tmp_path / "bad.jsonl", line)
    res = ready("append", f, "--key", "registrar", ok=2)
    assert f + message in res.stderr, res.stderr
    assert "Traceback" not in res.output
    assert json.loads(ready("keys", "list", "--format", "json").stdout)  # still readable
    # nothing was written: the next entry would still be seq 3
    assert (
        "(seq 3..3)"
        in ready(
            "append", _jsonl(tmp_path / "ok.jsonl", AGENCY), "--key", "registrar", "--dry-run"
        ).stdout
    )


def test_a_bad_line_among_good_ones_writes_nothing(ready, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    second = {
        "kind": "agency.registered",
        "body": dict(AGENCY["body"], agency="yy-fgw", region="43060"),
    }
    f = _jsonl(tmp_path / "mixed.jsonl", AGENCY, second)
    res = ready("append", f, "--key", "registrar", ok=2)
    assert f"{f}:2: body.region" in res.stderr
    assert (
        "would append 1"
        in ready(
            "append", _jsonl(tmp_path / "one.jsonl", AGENCY), "--key", "registrar", "--dry-run"
        ).stdout
    )


def test_out_of_scope_and_revoked_keys_exit_2(ready, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = _jsonl(tmp_path / "a.jsonl", AGENCY)
    assert (
        "needs the log key or a recorder scoped to '*'"
        in ready("append", f, "--key", "czj", ok=2).stderr
    )
    ready("keys", "revoke", "registrar", "--reason", "rotated")
    assert "was revoked at seq" in ready("append", f, "--key", "registrar", ok=2).stderr


def test_locked_keystore_exits_3(ready, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = _jsonl(tmp_path / "a.jsonl", AGENCY)
    res = CliRunner().invoke(
        cli,
        ["append", f, "--key", "registrar"],
        env={
            "LEDGER_DB": f"sqlite:///{tmp_path / 'l.db'}",
            "LEDGER_KEYSTORE": str(tmp_path / "ks"),
            "LEDGER_PASSPHRASE": "wrong",
        },
    )
    assert res.exit_code == 3 and "wrong passphrase" in res.stderr


def test_missing_ledger_exits_3(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["--db", f"sqlite:///{tmp_path / 'none.db'}", "verify"])
    assert res.exit_code == 3 and "ledger init" in res.stderr


def test_checkpoint_receipt_prove_and_verify(ready, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from ledger.entry import leaf_hash
    from ledger.merkle import verify_consistency, verify_inclusion
    from ledger.note import Checkpoint, VerifierKey, parse_note, verify_note

    ready("append", _jsonl(tmp_path / "a.jsonl", AGENCY), "--key", "registrar")
    cp1 = tmp_path / "cp1"
    note1 = ready("checkpoint", "--out", str(cp1)).stdout
    assert note1 == cp1.read_text() and ready("checkpoint").stdout == note1  # reused, not re-signed
    vkey = VerifierKey.parse(ready("keys", "vkey", ORIGIN).stdout.strip())
    verify_note(parse_note(note1), vkey)
    uscc = complete_uscc("91430600MA4L0XY1")
    more = [
        {"kind": "agency.registered", "body": dict(AGENCY["body"], agency=f"a-{i}")}
        for i in range(5)
    ]
    more.append(
        {
            "kind": "enterprise.registered",
            "body": {
                "uscc": uscc,
                "name": "测试企业（虚构）",
                "size": "small",
                "ownership": "private",
            },
        }
    )
    ready("append", _jsonl(tmp_path / "b.jsonl", *more), "--key", "registrar")
    receipt = json.loads(ready("receipt", "5").stdout)  # signs a new checkpoint: the log grew
    cp = Checkpoint.parse(parse_note(receipt["checkpoint"]).text)
    assert cp.size == receipt["tree_size"] == 10
    import base64

    verify_inclusion(
        5,
        cp.size,
        leaf_hash(base64.b64decode(receipt["entry"])),
        [base64.b64decode(h) for h in receipt["inclusion"]],
        cp.root,
    )
    proof = json.loads(ready("prove", "consistency", "4").stdout)
    assert (proof["old_size"], proof["new_size"]) == (4, 10)
    old = Checkpoint.parse(parse_note(note1).text)
    verify_consistency(4, 10, old.root, cp.root, [base64.b64decode(h) for h in proof["proof"]])
    assert "old size 0 must be between 1" in ready("prove", "consistency", "0", ok=2).stderr
    res = ready("verify", "--vkey", vkey.encode(), "--checkpoint", str(cp1), "--jobs", "2")
    assert (
        "verified 10 entries" in res.stdout
        and "extends the saved checkpoint at size 4" in res.stdout
    )


def test_verify_exits_1_naming_the_seq_on_tamper(ready, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine

    from ledger.log import Ledger
    from tests.conftest import all_leaves, rewrite_log

    ready("append", _jsonl(tmp_path / "a.jsonl", AGENCY), "--key", "registrar")
    url = f"sqlite:///{tmp_path / 'l.db'}"
    ledger = Ledger.open(url)
    leaves = all_leaves(ledger)
    ledger.close()
    leaves[3] = leaves[3].replace("岳阳市财政局".encode(), "岳阳市财政厅".encode())
    rewrite_log(create_engine(url), leaves)
    res = ready("verify", ok=1)
    assert "entry 3: signature does not verify" in res.stderr


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    """Every command and subcommand (the root group loads its commands when asked)."""
    out = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        assert cmd is not None, name
        out.append((prefix + name, cmd))
        if isinstance(cmd, click.Group):
            out += _commands(cmd, prefix + name + " ")
    return out


@pytest.mark.parametrize(
    ("name", "cmd"), _commands(cli), ids=lambda x: x if isinstance(x, str) else ""
)
def test_every_command_has_help_with_an_example(name: str, cmd: click.Command) -> None:
    assert cmd.help and cmd.help.strip().splitlines()[0], name
    assert "Example:" in cmd.help, f"ledger {name} --help lacks an Example: block"


def test_root_help_documents_exit_codes() -> None:
    res = CliRunner().invoke(cli, ["--help"])
    assert res.exit_code == 0
    for code in ("0  success", "1  verification failed", "2  bad usage", "3  environment"):
        assert code in res.output


def test_the_help_walk_reaches_every_command() -> None:
    """The walk above sees the lazily loaded commands (an empty walk would check nothing)."""
    names = {name for name, _ in _commands(cli)}
    assert {"append", "verify", "audit arrears", "report turnover", "keys generate"} <= names
