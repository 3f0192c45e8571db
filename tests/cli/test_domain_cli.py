"""``ledger rebuild``, ``ledger show commitment`` and ``ledger list ...`` end to end."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from ledger_cli.main import cli
from sqlalchemy import create_engine, text

from ledger.uscc import complete_uscc

Run = Callable[..., Result]
USCC = complete_uscc("91430600MA4L0XY1")


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.chdir(tmp_path)
    env = {
        "LEDGER_PASSPHRASE": "correct horse battery staple",
        "LEDGER_KEYSTORE": str(tmp_path / "keystore"),
        "LEDGER_DB": f"sqlite:///{tmp_path / 'ledger.db'}",
    }
    runner = CliRunner()

    def invoke(*args: str, code: int = 0) -> Result:
        res = runner.invoke(cli, list(args), env=env, catch_exceptions=False)
        assert res.exit_code == code, (args, res.stdout, res.stderr)
        return res

    return invoke


def _jsonl(path: Path, stmts: list[tuple[str, dict[str, object]]]) -> str:
    path.write_text(
        "".join(json.dumps({"kind": k, "body": b}, ensure_ascii=False) + "\n" for k, b in stmts),
        encoding="utf-8",
    )
    return str(path)


STATEMENTS: list[tuple[str, dict[str, object]]] = [
    ("agency.registered", {"agency": "yy-czj", "name": "岳阳市财政局", "category": "organ", "region": "430600"}),
    ("agency.registered", {"agency": "yy-jtj", "name": "岳阳市交通局", "category": "organ", "region": "430600"}),
    ("enterprise.registered", {"uscc": USCC, "name": "岳阳某公司", "size": "small", "ownership": "private"}),
    (
        "commitment.recorded",
        {
            "commitment": "C-2024-031",
            "type": "contract",
            "agency": "yy-czj",
            "enterprise": USCC,
            "title": "道路维修",
            "amount": "125000.00",
            "signed_on": "2024-06-01",
            "terms": {"basis": "delivery", "days": 30},
        },
    ),
    ("commitment.delivered", {"commitment": "C-2024-031", "date": "2024-09-01"}),
    (
        "payment.made",
        {
            "commitment": "C-2024-031",
            "amount": "40000.00",
            "date": "2024-11-20",
            "reference": "银行回单-0042",
            "method": "transfer",
        },
    ),
    ("agency.succeeded", {"predecessors": ["yy-czj"], "successor": "yy-jtj", "reason": "restructuring", "effective": "2025-01-01"}),
]  # fmt: skip


@pytest.fixture
def ledger_dir(run: Run, tmp_path: Path) -> Path:
    run("init", "--origin", "ledger.czj.yueyang.example/commitments")
    run("keys", "new", "clerk", "--role", "recorder", "--agency", "*")
    run("append", _jsonl(tmp_path / "s.jsonl", STATEMENTS), "--key", "clerk")
    return tmp_path


def test_list_commitments_in_every_format(run: Run, ledger_dir: Path) -> None:
    rows = json.loads(run("list", "commitments", "--format", "json").stdout)
    assert len(rows) == 1
    c = rows[0]
    assert (c["commitment"], c["agency"], c["holder"], c["enterprise"]) == (
        "C-2024-031",
        "yy-czj",
        "yy-jtj",
        USCC,
    )
    assert (c["amount"], c["principal"], c["paid"], c["outstanding"], c["disputed"]) == (
        "125000.00",
        "125000.00",
        "40000.00",
        "85000.00",
        "0.00",
    )
    assert c["terms"] == {"basis": "delivery", "days": 30} and c["voided"] is False
    csv = run("list", "commitments", "--format", "csv", "--no-bom").stdout.splitlines()
    assert csv[0] == (
        "commitment,type,agency,holder,enterprise,signed_on,amount,principal,paid,outstanding,disputed,voided"
    )
    assert csv[1] == (
        f"C-2024-031,contract,yy-czj,yy-jtj,{USCC},2024-06-01,125000.00,125000.00,40000.00,85000.00,0.00,否"
    )
    table = run("list", "commitments", "--format", "table").stdout
    assert table.splitlines()[0].split() == csv[0].split(",")
    assert table.splitlines()[1].split()[-1] == "否" and "False" not in table
    assert (
        json.loads(run("list", "commitments", "--agency", "yy-jtj", "--format", "json").stdout)
        == []
    )
    run("list", "commitments", "--format", "csv", "--output", "out.csv")
    assert (ledger_dir / "out.csv").read_text(encoding="utf-8-sig").splitlines() == csv
    mine = run("list", "commitments", "--enterprise", USCC, "--format", "json").stdout
    assert [r["commitment"] for r in json.loads(mine)] == ["C-2024-031"]
    # the same USCC check as the audits' --enterprise: a mistyped code is refused
    bad = run(
        "list", "commitments", "--enterprise", USCC[:-1] + ("1" if USCC[-1] == "0" else "0"), code=2
    )
    assert "--enterprise" in bad.stderr and not bad.stdout
    assert (ledger_dir / "out.csv").read_bytes().startswith(b"\xef\xbb\xbfcommitment,")


def test_list_agencies_and_enterprises(run: Run, ledger_dir: Path) -> None:
    agencies = json.loads(run("list", "agencies", "--format", "json").stdout)
    assert [(a["agency"], a["successor"], a["succeeded_on"], a["holder"]) for a in agencies] == [
        ("yy-czj", "yy-jtj", "2025-01-01", "yy-jtj"),
        ("yy-jtj", None, None, "yy-jtj"),
    ]
    csv = run("list", "enterprises", "--format", "csv", "--no-bom").stdout.splitlines()
    assert csv == [
        "uscc,name,size,ownership,registered_seq,updated_seq",
        f"{USCC},岳阳某公司,small,private,4,",
    ]


def test_show_commitment_with_its_history(run: Run, ledger_dir: Path) -> None:
    data = json.loads(run("show", "commitment", "C-2024-031", "--format", "json").stdout)
    assert data["commitment"]["outstanding"] == "85000.00"
    assert data["commitment"]["holder"] == "yy-jtj"
    assert [(h["seq"], h["kind"], h["date"], h["amount"]) for h in data["history"]] == [
        (5, "commitment.recorded", "2024-06-01", "125000.00"),
        (6, "commitment.delivered", "2024-09-01", None),
        (7, "payment.made", "2024-11-20", "40000.00"),
    ]
    table = run("show", "commitment", "C-2024-031", "--format", "table").stdout
    assert (
        "signed by 岳阳市财政局（yy-czj） on 2024-06-01 (seq 5); held by 岳阳市交通局（yy-jtj）"
        in table
    )
    assert (
        "principal 125000.00 CNY  paid 40000.00 CNY  outstanding 85000.00 CNY  disputed 0.00 CNY"
        in table
    )
    assert "7    payment.made          2024-11-20  40000.00" in table
    res = run("show", "commitment", "C-404", code=2)
    assert res.stderr == "error: unknown commitment 'C-404'\n"


def test_append_refused_by_the_domain_rules_names_line_and_field(
    run: Run, ledger_dir: Path
) -> None:
    pay = dict(STATEMENTS[5][1], amount="85000.01", reference="r2")
    res = run(
        "append",
        _jsonl(ledger_dir / "bad.jsonl", [("payment.made", pay)]),
        "--key",
        "clerk",
        code=2,
    )
    assert res.stderr.startswith(
        f"error: {ledger_dir / 'bad.jsonl'}:1: body.amount: 付款 85000.01 超过 'C-2024-031' 的未付余额"
    )
    assert "85000.01 is above the outstanding balance 85000.00 of 'C-2024-031'" in res.stderr


@pytest.mark.parametrize(
    ("amount", "zh", "en"),
    [
        (
            "85000.01",
            "--amount: 付款 85000.01 超过 'C-2024-031' 的未付余额 85000.00（已付 40000.00，共 125000.00）",
            "85000.01 is above the outstanding balance 85000.00",
        ),
        (
            "1.001",
            "--amount: 金额须恰好两位小数，实际为 '1.001'",
            "must have exactly two decimal places",
        ),
    ],
)
def test_a_clerk_reads_the_domain_errors_in_chinese(
    run: Run, ledger_dir: Path, monkeypatch: pytest.MonkeyPatch, amount: str, zh: str, en: str
) -> None:
    """A rule refusing a recorded payment speaks Chinese first, the English kept beside it."""
    monkeypatch.setenv("LEDGER_LANG", "zh_CN")
    res = run(
        "record", "payment", "--commitment", "C-2024-031", "--amount", amount,
        "--date", "2024-12-01", "--reference", "r9", "--key", "clerk", "--dry-run",
        code=2,
    )  # fmt: skip
    assert res.stderr.startswith(f"error: {zh}"), res.stderr
    assert en in res.stderr


def test_rebuild_and_check(run: Run, ledger_dir: Path) -> None:
    res = run("rebuild", "--check")
    assert res.stdout == "the projection tables equal a replay of the log (9 entries)\n"
    engine = create_engine(f"sqlite:///{ledger_dir / 'ledger.db'}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE commitments SET outstanding = 0"))
    engine.dispose()
    res = run("rebuild", "--check", code=1)
    assert (
        "projection table commitments differs from the log at row (commitment='C-2024-031')"
        in res.stderr
    )
    res = run("rebuild")
    assert res.stdout.splitlines()[0] == "rebuilt the projection tables from 9 entries:"
    assert "  commitments                   1 rows" in res.stdout
    run("rebuild", "--check")
    outstanding = json.loads(run("list", "commitments", "--format", "json").stdout)[0][
        "outstanding"
    ]
    assert outstanding == "85000.00"
