"""CLI manners (issue 12): --version, -h, -o/--output, config keys, no stray database,
-q, CSV with a BOM, xlsx output, 是/否 and names beside ids."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from ledger_cli.main import cli

from tests.helpers.audit_world import agency, commitment, delivered, enterprise

ORIGIN = "ledger.manners.example/commitments"
D30 = {"basis": "delivery", "days": 30}
STATEMENTS = [
    agency("czj", "organ", "430600"),
    agency("jyj", "institution", "430602"),
    enterprise(1, "small"),
    commitment("X-1", "czj", 1, "100000.00", "2025-01-10", D30),
    delivered("X-1", "2025-02-01"),
    commitment("X-2", "jyj", 1, "36500.25", "2025-01-20", D30),
    delivered("X-2", "2025-02-01"),
]

Run = Callable[..., Result]


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.chdir(tmp_path)
    env = {
        "LEDGER_DB": f"sqlite:///{tmp_path / 'l.db'}",
        "LEDGER_KEYSTORE": str(tmp_path / "ks"),
        "LEDGER_PASSPHRASE": "pw-for-tests",
        "LEDGER_LPR": "",
        "LEDGER_CONFIG": "",
    }

    def invoke(*args: str, code: int = 0, env_extra: dict[str, str] | None = None) -> Result:
        res = CliRunner().invoke(
            cli, list(args), env={**env, **(env_extra or {})}, catch_exceptions=False
        )
        assert res.exit_code == code, (args, res.stdout, res.stderr)
        return res

    return invoke


@pytest.fixture
def ready(run: Run, tmp_path: Path) -> Run:
    run("init", "--origin", ORIGIN)
    run("keys", "new", "registrar", "--role", "recorder", "--agency", "*")
    lines = [json.dumps({"kind": k, "body": b}, ensure_ascii=False) for k, b in STATEMENTS]
    (tmp_path / "s.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    run("append", str(tmp_path / "s.jsonl"), "--key", "registrar")
    return run


def test_version_and_short_help(run: Run) -> None:
    from importlib.metadata import version

    assert run("--version").stdout.strip() == f"ledger, version {version('commitment-ledger')}"
    assert run("-h").stdout == run("--help").stdout
    assert "Usage:" in run("audit", "arrears", "-h").stdout


def test_a_read_command_in_an_empty_folder_creates_no_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for args in (["verify"], ["audit", "arrears", "--as-of", "2025-12-31"], ["list", "agencies"]):
        res = CliRunner().invoke(cli, args, env={"LEDGER_DB": None, "LEDGER_CONFIG": ""})
        assert res.exit_code == 3, res.output
        assert "ledger.db" in res.stderr and "ledger init" in res.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_unreachable_server_is_not_told_to_init(tmp_path: Path) -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:9/none"  # port 9 (discard): nothing listens
    res = CliRunner().invoke(cli, ["--db", url, "verify"], env={"LEDGER_CONFIG": ""})
    assert res.exit_code == 3 and "database unreachable" in res.stderr
    assert "ledger init" not in res.stderr.replace("不是 ledger init 的问题", "")


def test_config_keys_are_option_names_and_unknown_keys_are_refused(
    ready: Run, tmp_path: Path
) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('[audit.arrears]\nformat = "csv"\nno-bom = true\nas-of = "2025-12-31"\n')
    res = ready("--config", str(cfg), "audit", "arrears")
    assert res.stdout.startswith("commitment,")  # format and no-bom came from the file
    cfg.write_text('[audit.arrears]\nfmt = "csv"\n')  # click's internal name is not a key
    res = ready("--config", str(cfg), "audit", "arrears", "--as-of", "2025-12-31", code=2)
    assert "'fmt'" in res.stderr and "format" in res.stderr
    cfg.write_text('[audit.arears]\nformat = "csv"\n')
    res = ready("--config", str(cfg), "verify", code=2)
    assert "'arears'" in res.stderr and "arrears" in res.stderr
    cfg.write_text('dbb = "sqlite:///x.db"\n')
    assert "'dbb'" in ready("--config", str(cfg), "verify", code=2).stderr


def test_output_goes_to_the_file_only_and_quiet_silences_the_note(
    ready: Run, tmp_path: Path
) -> None:
    out = tmp_path / "agencies.json"
    res = ready("list", "agencies", "--format", "json", "-o", str(out))
    assert res.stdout == "" and str(out) in res.stderr
    assert json.loads(out.read_text(encoding="utf-8"))
    res = ready("-q", "list", "agencies", "--format", "json", "--out", str(out))
    assert res.stdout == "" and res.stderr == ""


def test_csv_has_a_bom_unless_asked_not_to(ready: Run) -> None:
    with_bom = ready("list", "agencies", "--format", "csv").stdout
    without = ready("list", "agencies", "--format", "csv", "--no-bom").stdout
    assert with_bom == "\ufeff" + without and without.startswith("agency,")


def test_xlsx_for_audits_and_lists(ready: Run, tmp_path: Path) -> None:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    out = tmp_path / "arrears.xlsx"
    ready("audit", "arrears", "--as-of", "2025-12-31", "--all", "--format", "xlsx", "-o", str(out))
    data = json.loads(ready("audit", "arrears", "--as-of", "2025-12-31", "--all").stdout)
    ws = load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    head = list(rows[0])
    assert head[:2] == ["合同编号", "类型"] and "持有机关名称" in head and "未付（元）" in head
    col = head.index("未付（元）")
    # amounts are numbers, exactly the JSON's two-place decimals
    assert [Decimal(str(r[col])).quantize(Decimal("0.01")) for r in rows[1:]] == [
        Decimal(i["outstanding"]) for i in data["items"]
    ]
    assert ws.cell(row=2, column=col + 1).number_format == "#,##0.00"
    res = ready("list", "agencies", "--format", "xlsx", code=2)
    assert "-o" in res.stderr
    ready("list", "agencies", "--format", "xlsx", "-o", str(tmp_path / "a.xlsx"))
    assert load_workbook(tmp_path / "a.xlsx").active.title == "机关"


def test_tables_show_names_beside_ids(ready: Run) -> None:
    table = ready("audit", "arrears", "--as-of", "2025-12-31", "--format", "table").stdout
    assert "机关czj（czj）" in table and "企业1（" in table
    listed = ready("list", "commitments", "--format", "table").stdout
    assert "机关czj（czj）" in listed and "机关jyj（jyj）" in listed
    # machines keep the bare ids
    rows = json.loads(ready("list", "commitments", "--format", "json").stdout)
    assert {r["agency"] for r in rows} == {"czj", "jyj"}


def test_bad_input_is_readable_without_a_traceback(ready: Run) -> None:
    res = ready("audit", "arrears", "--as-of", "2025-13-01", code=2)
    assert "Traceback" not in res.output and "YYYY-MM-DD" in res.stderr
    assert io.StringIO(res.stderr).readline()


def test_verify_commands_speak_json(ready: Run, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from ledger.note import verifier_key

    out = json.loads(ready("verify", "--format", "json").stdout)
    assert out["ok"] is True and out["size"] == len(STATEMENTS) + 2 and len(out["root"]) == 64
    wrong = verifier_key(ORIGIN, Ed25519PrivateKey.generate().public_key()).encode()
    res = ready("verify", "--vkey", wrong, "--format", "json", code=1)
    failed = json.loads(res.stdout)
    assert failed["ok"] is False and failed["exit_code"] == 1 and failed["error"] in res.stderr
    ready("checkpoint")
    receipt = ready("receipt", "3").stdout
    vkey = ready("keys", "vkey", ORIGIN).stdout.strip()
    res = CliRunner().invoke(
        cli, ["verify-receipt", "-", "--vkey", vkey, "--format", "json"], input=receipt
    )
    assert res.exit_code == 0, res.output
    got = json.loads(res.stdout)
    assert got["ok"] is True and got["index"] == 3 and got["entry"]["seq"] == 3


def test_a_checkpoint_can_come_from_standard_input(ready: Run, tmp_path: Path) -> None:
    note = ready("checkpoint").stdout
    res = CliRunner().invoke(
        cli,
        ["--db", f"sqlite:///{tmp_path / 'l.db'}", "verify", "--checkpoint", "-"],
        input=note,
        env={"LEDGER_CONFIG": ""},
    )
    assert res.exit_code == 0, res.output
    assert "extends the saved checkpoint" in res.stdout


def test_choices_take_the_chinese_terms_of_the_ledger_sheet(ready: Run) -> None:
    ready(
        "record", "agency", "--id", "jtj", "--name", "岳阳市交通局", "--category", "机关",
        "--region", "430600", "--key", "registrar",
    )  # fmt: skip
    ready(
        "record", "payment", "--commitment", "X-1", "--amount", "100.00", "--date",
        "2025-03-01", "--reference", "回单-1", "--method", "转账", "--key", "registrar",
    )  # fmt: skip
    agencies = json.loads(ready("list", "agencies", "--format", "json").stdout)
    assert {a["agency"]: a["category"] for a in agencies}["jtj"] == "organ"
    res = ready(
        "record", "agency", "--id", "x", "--name", "x", "--category", "机构",
        "--region", "430600", "--key", "registrar", code=2,
    )  # fmt: skip
    assert "机关" in res.stderr  # the choices are shown with their Chinese terms


def test_verify_reports_progress_over_every_leaf(ready: Run, tmp_path: Path) -> None:
    from ledger.log import Ledger
    from ledger.verify import verify_ledger

    ledger = Ledger.open(f"sqlite:///{tmp_path / 'l.db'}")
    try:
        seen: list[int] = []
        report = verify_ledger(ledger, progress=seen.append)
        assert seen and sum(seen) == report.result.size == ledger.size()
    finally:
        ledger.close()


def test_audits_and_reports_share_their_options() -> None:
    """The audit filters, data files, --jobs, --as-of and --year of ``ledger audit`` and
    ``ledger report`` are declared once (ledger_cli.options): same names, types, help."""
    from ledger_cli.audit_cmd import audit
    from ledger_cli.report_cmd import report

    shared = {"agency", "region", "enterprise", "lpr_file", "lpr_replace", "calendar_file", "jobs"}

    def described(cmd: click.Command) -> dict[str, tuple[object, ...]]:
        return {
            p.name: (tuple(p.opts), type(p.type).__name__, p.required, getattr(p, "help", None))
            for p in cmd.params
            if p.name in shared | {"year", "quiet"}
        }

    kinds = ("arrears", "turnover", "disclosure")
    seen = [described(g.commands[k]) for g in (audit, report) for k in kinds]  # type: ignore[attr-defined]
    for d in seen:
        assert shared <= set(d) and {k: d[k] for k in shared} == {k: seen[0][k] for k in shared}
    for name in ("arrears", "turnover"):
        for g in (audit, report):
            [as_of] = [p for p in g.commands[name].params if p.name == "as_of"]  # type: ignore[attr-defined]
            assert as_of.opts == ["--as-of"] and as_of.required
    years = [described(g.commands["disclosure"])["year"][:3] for g in (audit, report)]  # type: ignore[attr-defined]
    assert years[0] == years[1]


def test_the_signing_key_and_the_verifier_keys_mean_one_thing_each() -> None:
    """``--key`` of every command that signs statements, and the two ``--vkey`` (pinning
    this database's log; the trusted key of an offline check), are declared once."""
    from ledger_cli.bundle_cmd import verify_bundle_cmd, verify_receipt_cmd
    from ledger_cli.import_cmd import import_sheet
    from ledger_cli.log_cmd import append, sign, verify
    from ledger_cli.record_cmd import record
    from ledger_cli.report_cmd import report

    def opt(cmd: click.Command, name: str) -> tuple[object, ...]:
        [p] = [p for p in cmd.params if p.name == name]
        return (tuple(p.opts), getattr(p, "help", None))

    signers = [append, sign, import_sheet, *record.commands.values()]  # type: ignore[attr-defined]
    assert len({opt(c, "key_name") for c in signers}) == 1
    assert opt(verify, "vkey") == opt(report.commands["integrity"], "vkey")  # type: ignore[attr-defined]
    assert opt(verify_bundle_cmd, "vkey") == opt(verify_receipt_cmd, "vkey")
