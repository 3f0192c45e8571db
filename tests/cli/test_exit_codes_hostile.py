"""Tracebacks become exit codes (issue 13 item 13): one sentence, the code of CLI.md.

A non-UTF-8 ``--checkpoint`` file (2), a junk or damaged SQLite file (3), a
date at the end of the calendar in the arrears audit (never a traceback), a
full keystore disk (3) and end of input at the passphrase prompt (3).
(Malformed, XXE and billion-laughs workbooks: tests/cli/test_import_hostile.py.)
"""

from __future__ import annotations

import contextlib
import json
import os
import pty
import random
import select
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from ledger_cli.main import cli

from ledger.uscc import complete_uscc
from tests.helpers.disk import fill, small_tmpfs

Run = Callable[..., Result]
_ROOT = Path(__file__).resolve().parents[2]
USCC = complete_uscc("91430600MA4L0XY1")


def _runner(tmp_path: Path, db: str, keystore: Path | None = None) -> Run:
    env = {
        "LEDGER_PASSPHRASE": "correct horse battery staple",
        "LEDGER_KEYSTORE": str(keystore or tmp_path / "keystore"),
        "LEDGER_DB": db,
    }
    runner = CliRunner()

    def invoke(*args: str, code: int = 0) -> Result:
        res = runner.invoke(cli, list(args), env=env, catch_exceptions=False)
        assert res.exit_code == code, (args, res.stdout, res.stderr)
        if code:
            assert "Traceback" not in res.stderr
            lines = [x for x in res.stderr.splitlines() if x.strip()]
            assert len(lines) == 1 and lines[0].startswith("error: "), res.stderr
        return res

    return invoke


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.chdir(tmp_path)
    r = _runner(tmp_path, f"sqlite:///{tmp_path / 'ledger.db'}")
    r("init", "--origin", "ledger.czj.yueyang.example/commitments")
    return r


def test_a_non_utf8_checkpoint_file_is_bad_input(run: Run, tmp_path: Path) -> None:
    bad = tmp_path / "old.checkpoint"
    bad.write_bytes(b"\xff\xfeledger\n1\n")
    res = run("verify", "--checkpoint", str(bad), code=2)
    assert "old.checkpoint" in res.stderr and "not UTF-8" in res.stderr
    pdf = str(tmp_path / "i.pdf")
    res = run(
        "report", "integrity", "--as-of", "2025-12-31", "--checkpoint", str(bad), "-o", pdf, code=2
    )
    assert "not UTF-8" in res.stderr


@pytest.mark.parametrize("damage", ["junk", "truncated", "scribbled", "schema"])
def test_a_junk_or_damaged_sqlite_file_is_an_environment_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "ledger.db"
    run = _runner(tmp_path, f"sqlite:///{db}")
    if damage == "junk":
        db.write_bytes(random.Random(1).randbytes(8192))
    else:
        run("init", "--origin", "ledger.czj.yueyang.example/commitments")
        run("keys", "new", "clerk", "--role", "recorder", "--agency", "*")
        raw = bytearray(db.read_bytes())
        if damage == "truncated":
            raw = raw[: len(raw) // 2]
        elif damage == "scribbled":  # keep the 100-byte header, scribble over the rest
            rnd = random.Random(2)
            for i in range(100, len(raw), 512):
                raw[i : i + 64] = rnd.randbytes(64)
        else:
            # A schema row whose SQL holds bytes that are not UTF-8: SQLite's
            # "malformed database schema" message then quotes them, and Python's
            # sqlite3 raised UnicodeDecodeError for it (a traceback, exit 1).
            at = raw.index(b"CREATE INDEX")
            raw[at : at + 12] = b"CREATE \xff\xfeDEX"
        db.write_bytes(bytes(raw))
    for args in (("verify",), ("audit", "arrears", "--as-of", "2025-12-31", "--format", "json")):
        res = run(*args, code=3)
        assert "database" in res.stderr


def test_dates_at_the_end_of_the_calendar_never_crash_the_audit(run: Run, tmp_path: Path) -> None:
    run("keys", "new", "clerk", "--role", "recorder", "--agency", "*")
    stmts = [
        ("agency.registered", {"agency": "a", "name": "机关", "category": "organ", "region": "430600"}),
        ("enterprise.registered", {"uscc": USCC, "name": "企业", "size": "small", "ownership": "private"}),
        (
            "commitment.recorded",
            {
                "commitment": "C9999",
                "type": "contract",
                "agency": "a",
                "enterprise": USCC,
                "title": "远期",
                "amount": "100.00",
                "signed_on": "9999-12-01",
                "terms": {"basis": "delivery", "days": 30},
            },
        ),
        ("commitment.delivered", {"commitment": "C9999", "date": "9999-12-31"}),
    ]  # fmt: skip
    path = tmp_path / "s.jsonl"
    path.write_text("".join(json.dumps({"kind": k, "body": b}) + "\n" for k, b in stmts))
    appended = CliRunner().invoke(
        cli,
        ["append", str(path), "--key", "clerk"],
        env={
            "LEDGER_PASSPHRASE": "correct horse battery staple",
            "LEDGER_KEYSTORE": str(tmp_path / "keystore"),
            "LEDGER_DB": f"sqlite:///{tmp_path / 'ledger.db'}",
        },
    )
    # DOMAIN revision 2 bounds business dates on append; where a ledger holds
    # such dates anyway, the audit must still answer in one sentence.
    assert appended.exit_code in (0, 2), appended.output
    assert "Traceback" not in appended.output
    res = CliRunner().invoke(
        cli,
        ["audit", "arrears", "--as-of", "9999-12-31", "--format", "json"],
        env={"LEDGER_DB": f"sqlite:///{tmp_path / 'ledger.db'}"},
    )
    assert not isinstance(res.exception, OverflowError), res.output
    assert res.exit_code in (0, 2), res.output
    if appended.exit_code == 0:
        assert res.exit_code == 2 and "beyond the year 9999" in res.stderr, res.output


@contextlib.contextmanager
def _full_disk(tmp_path: Path) -> Iterator[Path]:
    """A directory on a tiny tmpfs that is already full."""
    with small_tmpfs(tmp_path / "full", "16k") as mnt:
        fill(mnt)
        yield mnt


def test_a_full_keystore_disk_is_an_environment_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with _full_disk(tmp_path) as full:
        run = _runner(tmp_path, f"sqlite:///{tmp_path / 'ledger.db'}", keystore=full / "keys")
        res = run("init", "--origin", "ledger.czj.yueyang.example/commitments", code=3)
        assert "disk full" in res.stderr


def test_end_of_input_at_the_passphrase_prompt(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    env = {k: v for k, v in os.environ.items() if k != "LEDGER_PASSPHRASE"}
    env.update(PYTHONPATH=str(_ROOT), LEDGER_KEYSTORE=str(tmp_path / "ks"), LEDGER_DB=db)
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.helpers.source", "init", "--origin", "ledger.example/x"],
            stdin=slave,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=_ROOT,
            env=env,
            start_new_session=True,  # no controlling terminal: the prompt reads stdin
        )
        assert proc.stderr is not None
        seen = b""  # the prompt, on stderr
        deadline = time.monotonic() + 60
        while b"passphrase" not in seen.lower() and time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stderr], [], [], 1)
            if ready:
                seen += os.read(proc.stderr.fileno(), 4096)
        assert b"passphrase" in seen.lower(), seen
        os.write(master, b"\x04")  # Ctrl-D at the prompt: end of input
        out, err = proc.communicate(timeout=60)
    finally:
        os.close(master)
        os.close(slave)
    text = (seen + err).decode()
    assert proc.returncode == 3, (out, text)
    assert "Traceback" not in text
    assert "no passphrase was given" in text


@pytest.mark.parametrize(
    ("error", "code", "words"),
    [
        (OverflowError("date value out of range"), 2, "beyond the year 9999"),
        (
            OSError(28, "No space left on device", "/keys/x.pem"),
            3,
            "disk full: cannot write /keys/x.pem",
        ),
        (PermissionError(13, "Permission denied", "/keys"), 3, "environment problem: /keys"),
    ],
)
def test_the_root_group_maps_what_reaches_it(error: Exception, code: int, words: str) -> None:
    from ledger_cli.main import LedgerGroup

    group = LedgerGroup("ledger")

    @group.command("boom")
    def boom() -> None:
        raise error

    res = CliRunner().invoke(group, ["boom"])
    assert res.exit_code == code, res.output
    assert res.stderr.count("\n") == 1 and words in res.stderr, res.stderr
