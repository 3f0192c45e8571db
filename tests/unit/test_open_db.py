"""Issue 13 items 14 and 17: opening a ledger never creates a database at a
mistyped path, a damaged SQLite file is refused before anything is written,
and the advice names the actual problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from ledger_cli.main import cli

from ledger.errors import EnvironmentProblem
from ledger.log import Ledger
from tests.conftest import World, agency


@pytest.mark.parametrize(
    "args",
    [
        ["verify"],
        ["keys", "list"],
        ["audit", "arrears", "--as-of", "2026-01-01"],
        ["checkpoint"],
        ["receipt", "0"],
    ],
)
def test_a_mistyped_sqlite_path_is_refused_and_never_created(
    tmp_path: Path, args: list[str]
) -> None:
    db = tmp_path / "ledgr.db"
    env = {"LEDGER_DB": f"sqlite:///{db}", "LEDGER_KEYSTORE": str(tmp_path / "ks")}
    res = CliRunner().invoke(cli, args, env=env)
    assert res.exit_code == 3, res.output
    assert "不存在" in res.stderr and "Traceback" not in res.output
    assert not db.exists()


def test_the_core_never_creates_a_database_either(tmp_path: Path) -> None:
    db = tmp_path / "typo.db"
    with pytest.raises(EnvironmentProblem, match="no database file"):
        Ledger.open(f"sqlite:///{db}")
    assert not db.exists()


def test_a_junk_file_is_not_a_database(tmp_path: Path) -> None:
    db = tmp_path / "junk.db"
    db.write_bytes(b"this is a spreadsheet, not a database\n" * 200)
    with pytest.raises(EnvironmentProblem, match="not a usable database"):
        Ledger.open(f"sqlite:///{db}")
    res = CliRunner().invoke(cli, ["verify"], env={"LEDGER_DB": f"sqlite:///{db}"})
    assert res.exit_code == 3 and "Traceback" not in res.output


def test_append_refuses_a_database_sqlite_reports_malformed(sqlite_world: World) -> None:
    w = sqlite_world
    w.append("registrar", [agency(i) for i in range(1500)])
    size = w.ledger.size()  # type: ignore[attr-defined]
    w.ledger.close()  # type: ignore[attr-defined]
    path = Path(w.url.removeprefix("sqlite:///"))
    from sqlalchemy import create_engine

    eng = create_engine(w.url)
    with eng.begin() as conn:  # fold the WAL into the file, so the damage is in it
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        page = conn.exec_driver_sql("PRAGMA page_size").scalar()
    eng.dispose()
    raw = bytearray(path.read_bytes())
    n = len(raw) // page
    for p in range(n // 4, n // 2, 3):  # pages amid the log, which an append never reads
        raw[p * page + 8 : p * page + 64] = b"\xa5" * 56
    path.write_bytes(bytes(raw))
    with pytest.raises(EnvironmentProblem, match="malformed"):
        led = Ledger.open(w.url)
        try:
            w.ledger = led
            w.append("registrar", [agency("new")])
        finally:
            led.close()
    assert path.exists()
    with create_engine(w.url).connect() as conn:
        try:
            n = conn.exec_driver_sql("SELECT count(*) FROM entries").scalar()
        except Exception:  # noqa: BLE001  (the damage may hide the table itself)
            n = None
    assert n in (None, size) or n <= size


def test_postgresql_down_is_not_told_to_run_init() -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:1/nothing?connect_timeout=2"
    with pytest.raises(EnvironmentProblem) as err:
        Ledger.open(url)
    assert "does not answer" in str(err.value) and "ledger init" not in str(err.value)
