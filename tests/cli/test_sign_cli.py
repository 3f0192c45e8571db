"""Offline signing: ``ledger sign`` with no database, ``ledger append --signed`` by the operator."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from ledger.canonical import loads
from ledger.keys import Keystore
from ledger.log import Draft, sign_statements, signed_line
from tests.helpers.owners import (
    BUREAU_PW,
    Run,
    agency_statements,
    owners_runner,
)

ORIGIN = "ledger.sign.example/commitments"


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.chdir(tmp_path)
    return owners_runner(tmp_path)


def _agencies(path: Path, ids: range) -> str:
    return str(agency_statements(path, ids))


@pytest.fixture
def ready(run: Run, tmp_path: Path) -> Run:
    (tmp_path / "log.vkey").write_text(run("init", "--origin", ORIGIN).stdout)
    res = run("keys", "generate", "czj-clerk", "--role", "recorder", who="bureau")
    (tmp_path / "czj-clerk.vkey").write_text(res.stdout)
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
    return run


def _size(run: Run) -> int:
    out = run("verify").stdout
    return int(out.split("verified ")[1].split(" entries")[0])


def test_a_bureau_signs_offline_and_the_operator_appends(ready: Run, tmp_path: Path) -> None:
    src = _agencies(tmp_path / "a.jsonl", range(3))
    res = ready(
        "sign", src, "--key", "czj-clerk", "--origin", "log.vkey", "-o", "a.signed", who="bureau"
    )
    assert not (tmp_path / "nowhere").exists()  # no database touched
    lines = (tmp_path / "a.signed").read_bytes().splitlines()
    assert len(lines) == 3
    first = loads(lines[0])
    assert set(first) == {"statement", "sig"}
    assert first["statement"]["log"] == ORIGIN and first["statement"]["by"] == "czj-clerk"
    before = _size(ready)
    res = ready("append", "--signed", "a.signed")
    assert "appended 3 entries" in res.stdout
    assert _size(ready) == before + 3
    # a second time: every statement repeats one in the log
    assert "appended 0 entries" in ready("append", "--signed", "a.signed").stdout
    # printed to stdout when no -o is given, with the origin given as text
    res = ready("sign", src, "--key", "czj-clerk", "--origin", ORIGIN, who="bureau")
    assert [loads(x)["statement"]["body"] for x in res.stdout.splitlines()] == [
        loads(x)["statement"]["body"] for x in lines
    ]


def test_a_file_signed_for_another_log_is_refused(ready: Run, tmp_path: Path) -> None:
    src = _agencies(tmp_path / "a.jsonl", range(2))
    ready(
        "sign",
        src,
        "--key",
        "czj-clerk",
        "--origin",
        "other.example/log",
        "-o",
        "x.signed",
        who="bureau",
    )
    before = _size(ready)
    res = ready("append", "--signed", "x.signed", code=2)
    assert "x.signed:1: statement.log" in res.stderr and "other.example/log" in res.stderr
    assert _size(ready) == before


def _sign_at(tmp_path: Path, at: dt.datetime, out: str, origin: str = ORIGIN) -> str:
    key = Keystore(tmp_path / "bureau-keys").load("czj-clerk", BUREAU_PW.encode())
    drafts = [
        Draft(
            1,
            "agency.registered",
            {"agency": "old", "name": "旧", "category": "organ", "region": "430600"},
        )
    ]
    signed = sign_statements(drafts, "czj-clerk", key, lambda: at, origin=origin)
    (tmp_path / out).write_bytes(b"".join(signed_line(s) + b"\n" for s in signed))
    return out


def test_a_file_older_than_the_window_is_refused(ready: Run, tmp_path: Path) -> None:
    now = dt.datetime.now(dt.UTC)
    before = _size(ready)
    res = ready(
        "append", "--signed", _sign_at(tmp_path, now - dt.timedelta(days=8), "old.signed"), code=2
    )
    assert "old.signed:1: statement.at" in res.stderr and "too old" in res.stderr
    res = ready(
        "append", "--signed", _sign_at(tmp_path, now + dt.timedelta(hours=1), "new.signed"), code=2
    )
    assert "new.signed:1: statement.at" in res.stderr
    assert _size(ready) == before
    res = ready("append", "--signed", _sign_at(tmp_path, now - dt.timedelta(days=6), "ok.signed"))
    assert "appended 1 entries" in res.stdout


def test_a_changed_or_malformed_signed_line_is_refused(ready: Run, tmp_path: Path) -> None:
    src = _agencies(tmp_path / "a.jsonl", range(2))
    ready("sign", src, "--key", "czj-clerk", "--origin", ORIGIN, "-o", "a.signed", who="bureau")
    raw = (tmp_path / "a.signed").read_bytes()
    (tmp_path / "b.signed").write_bytes(raw.replace("机关1".encode(), "机关9".encode()))
    res = ready("append", "--signed", "b.signed", code=2)
    assert "b.signed:2: 签名无法用密钥 'czj-clerk' 验证（signature does not verify" in res.stderr
    first = raw.splitlines()[0].decode()
    dup = first[:-1] + ',"sig":"AAAA"}'  # a second "sig": the last must not silently win
    (tmp_path / "c.signed").write_text(dup + "\n")
    assert "duplicate key 'sig'" in ready("append", "--signed", "c.signed", code=2).stderr
    (tmp_path / "d.signed").write_text(json.dumps({"statement": loads(first)["statement"]}) + "\n")
    assert 'exactly {"statement", "sig"}' in ready("append", "--signed", "d.signed", code=2).stderr
    # --signed takes no key, and FILE needs one
    assert "drop --key" in ready("append", "--signed", "a.signed", "--key", "x", code=2).stderr
    assert "--key NAME" in ready("append", src, code=2).stderr


def test_sign_refuses_lines_that_carry_log_by_or_at(ready: Run, tmp_path: Path) -> None:
    (tmp_path / "l.jsonl").write_text(
        json.dumps({"log": ORIGIN, "kind": "agency.registered", "body": {}}) + "\n"
    )
    res = ready("sign", "l.jsonl", "--key", "czj-clerk", "--origin", ORIGIN, who="bureau", code=2)
    assert "'log' is filled in" in res.stderr
