"""``ledger record KIND``: every subcommand end to end through CliRunner."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from ledger_cli.main import cli
from ledger_cli.record_cmd import record

from ledger.entry import parse_entry
from ledger.log import Ledger
from ledger.uscc import complete_uscc

Run = Callable[..., Result]
U1 = complete_uscc("91430600MA4L0000")


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


def last(tmp_path: Path) -> tuple[str, str, dict[str, Any]]:
    ledger = Ledger.open(f"sqlite:///{tmp_path / 'ledger.db'}")
    try:
        *_, (_, leaf, _) = ledger.iter_leaves()
        e = parse_entry(leaf)
        return e.kind, e.by, e.body
    finally:
        ledger.close()


@pytest.fixture
def registry(run: Run, tmp_path: Path) -> Path:
    """A ledger with a '*' registrar, an agency clerk, two agencies and an enterprise."""
    run("init", "--origin", "ledger.czj.yueyang.example/commitments")
    run("keys", "new", "registrar", "--role", "recorder", "--agency", "*")
    run("keys", "new", "clerk", "--role", "recorder", "--agency", "yy-czj")
    for agency, name in (("yy-czj", "岳阳市财政局"), ("yy-jtj", "岳阳市交通局")):
        run(
            "record",
            "agency",
            "--id",
            agency,
            "--name",
            name,
            "--category",
            "organ",
            "--region",
            "430600",
            "--key",
            "registrar",
        )
    run(
        "record",
        "enterprise",
        "--uscc",
        U1,
        "--name",
        "岳阳甲建设有限公司",
        "--size",
        "small",
        "--ownership",
        "private",
        "--key",
        "registrar",
    )
    return tmp_path


COMMITMENT = (
    "record",
    "commitment",
    "--id",
    "C-2024-031",
    "--type",
    "contract",
    "--agency",
    "yy-czj",
    "--enterprise",
    U1,
    "--title",
    "道路维修",
    "--amount",
    "125000.00",
    "--signed-on",
    "2024-03-01",
    "--basis",
    "acceptance",
    "--days",
    "30",
    "--acceptance-days",
    "15",
    "--condition",
    "审计结算",
    "--interest-rate",
    "3.45",
    "--key",
    "clerk",
)


def test_registry_events(run: Run, registry: Path) -> None:
    assert last(registry) == (
        "enterprise.registered",
        "registrar",
        {"uscc": U1, "name": "岳阳甲建设有限公司", "size": "small", "ownership": "private"},
    )
    res = run(
        "record",
        "official",
        "--id",
        "zhang-san",
        "--name",
        "张三",
        "--agency",
        "yy-czj",
        "--role",
        "principal",
        "--start",
        "2023-01-15",
        "--key",
        "registrar",
    )
    assert res.stdout == "recorded official.appointed at seq 6\n"
    run(
        "record",
        "departure",
        "--official",
        "zhang-san",
        "--agency",
        "yy-czj",
        "--end",
        "2024-12-31",
        "--key",
        "registrar",
    )
    assert last(registry)[2] == {"official": "zhang-san", "agency": "yy-czj", "end": "2024-12-31"}
    run(
        "record",
        "term-change",
        "--region",
        "430600",
        "--term",
        "2022-2027",
        "--effective",
        "2022-01-20",
        "--key",
        "registrar",
    )
    assert last(registry)[0] == "government.term_changed"
    run(
        "record",
        "enterprise-update",
        "--uscc",
        U1,
        "--effective",
        "2025-01-01",
        "--size",
        "medium",
        "--key",
        "registrar",
    )
    assert last(registry)[2] == {"uscc": U1, "effective": "2025-01-01", "size": "medium"}
    run(
        "record",
        "succession",
        "--predecessor",
        "yy-jtj",
        "--successor",
        "yy-czj",
        "--reason",
        "restructuring",
        "--effective",
        "2025-03-01",
        "--key",
        "registrar",
    )
    assert last(registry)[2] == {
        "predecessors": ["yy-jtj"],
        "successor": "yy-czj",
        "reason": "restructuring",
        "effective": "2025-03-01",
    }


def test_commitment_lifecycle(run: Run, registry: Path, tmp_path: Path) -> None:
    res = run(*COMMITMENT)
    assert res.stdout == "recorded commitment.recorded at seq 6\n"
    assert last(registry) == (
        "commitment.recorded",
        "clerk",
        {
            "commitment": "C-2024-031",
            "type": "contract",
            "agency": "yy-czj",
            "enterprise": U1,
            "title": "道路维修",
            "amount": "125000.00",
            "signed_on": "2024-03-01",
            "terms": {
                "basis": "acceptance",
                "days": 30,
                "acceptance_days": 15,
                "conditions": ["审计结算"],
            },
            "interest_rate": "3.45",
        },
    )
    c = ("--commitment", "C-2024-031", "--key", "clerk")
    run("record", "delivery", "--date", "2024-04-01", *c)
    assert last(registry)[2] == {"commitment": "C-2024-031", "date": "2024-04-01"}
    run("record", "acceptance", "--date", "2024-04-10", *c)
    assert last(registry)[0] == "commitment.accepted"
    res = run(
        "record",
        "payment",
        "--amount",
        "40000.00",
        "--date",
        "2024-05-01",
        "--reference",
        "银行回单-0042",
        *c,
    )
    assert res.stdout == "recorded payment.made at seq 9\n"
    assert last(registry)[2] == {
        "commitment": "C-2024-031",
        "amount": "40000.00",
        "date": "2024-05-01",
        "reference": "银行回单-0042",
        "method": "transfer",
    }
    run(
        "record",
        "payment",
        "--amount",
        "10000.00",
        "--date",
        "2024-05-20",
        "--reference",
        "汇票-77",
        "--method",
        "bill",
        "--maturity",
        "2024-11-20",
        *c,
    )
    assert last(registry)[2]["maturity"] == "2024-11-20"
    run(
        "record",
        "dispute",
        "--amount",
        "5000.00",
        "--date",
        "2024-06-01",
        "--reason",
        "工程量有争议",
        "--reason-code",
        "quality",
        *c,
    )
    assert last(registry)[2]["reason_code"] == "quality"
    run("record", "resolve", "--date", "2024-06-15", "--written-off", "1000.00", *c)
    assert last(registry)[2] == {
        "commitment": "C-2024-031",
        "date": "2024-06-15",
        "written_off": "1000.00",
    }
    run(
        "record",
        "amendment",
        "--date",
        "2024-07-01",
        "--amount",
        "130000.00",
        "--consent",
        "--reason",
        "增加工程量",
        *c,
    )
    assert last(registry)[2] == {
        "commitment": "C-2024-031",
        "date": "2024-07-01",
        "changes": {"amount": "130000.00"},
        "enterprise_consent": True,
        "reason": "增加工程量",
    }
    run(
        "record",
        "amendment",
        "--date",
        "2024-07-02",
        "--basis",
        "acceptance",
        "--days",
        "90",
        "--add-condition",
        "财政评审",
        "--no-consent",
        "--reason",
        "换届后重新评审",
        "--reason-code",
        "term_change",
        *c,
    )
    assert last(registry)[2]["changes"] == {
        "terms": {"basis": "acceptance", "days": 90},
        "conditions_added": ["财政评审"],
    }
    run("record", "complaint", "--date", "2024-08-01", "--summary", "验收后逾期未付", *c)
    assert last(registry)[2]["summary"] == "验收后逾期未付"
    paper = tmp_path / "和解协议.pdf"
    paper.write_bytes(b"%PDF settlement")
    run(
        "record",
        "settlement",
        "--date",
        "2024-09-01",
        "--amount-waived",
        "2000.00",
        "--document",
        str(paper),
        *c,
    )
    assert last(registry)[2]["document_sha256"] == hashlib.sha256(b"%PDF settlement").hexdigest()
    run(
        "record",
        "repudiation",
        "--date",
        "2024-10-01",
        "--reason",
        "新班子不认可",
        "--reason-code",
        "official_change",
        *c,
    )
    assert last(registry)[0] == "commitment.repudiated"
    res = run("record", "void", "--reason", "测试录入", *c)
    assert res.stdout == "recorded commitment.voided at seq 18\n"


def test_dry_run_and_duplicates(run: Run, registry: Path) -> None:
    res = run(*COMMITMENT, "--dry-run")
    assert res.stdout == "would record commitment.recorded at seq 6 (dry run; nothing written)\n"
    assert last(registry)[0] == "enterprise.registered"
    run(*COMMITMENT)
    res = run(*COMMITMENT)
    assert res.stdout == ""
    assert res.stderr == "skipped: commitment.recorded repeats seq 6; nothing written\n"


def test_errors_name_the_option(run: Run, registry: Path) -> None:
    c = ("--commitment", "C-2024-031", "--key", "clerk")
    run(*COMMITMENT)
    res = run(
        "record",
        "payment",
        "--amount",
        "12.5",
        "--date",
        "2024-05-01",
        "--reference",
        "r",
        *c,
        code=2,
    )
    assert res.stderr == (
        "error: --amount: 金额须恰好两位小数，实际为 '12.5'"
        "（must have exactly two decimal places, got '12.5'）\n"
    )
    res = run(
        "record",
        "payment",
        "--amount",
        "1.00",
        "--date",
        "2024-02-30",
        "--reference",
        "r",
        *c,
        code=2,
    )
    assert res.stderr == (
        "error: --date: 日期 2024-02-30 不存在（2024-02-30 is not a calendar date）\n"
    )
    res = run(
        "record",
        "payment",
        "--amount",
        "1.00",
        "--date",
        "2024-05-01",
        "--reference",
        "r",
        "--method",
        "bill",
        *c,
        code=2,
    )
    assert res.stderr == (
        "error: --maturity: 以 bill 付款时必须填写（is required for a bill payment）\n"
    )
    res = run(
        "record",
        "delivery",
        "--date",
        "2024-05-01",
        "--commitment",
        "C-404",
        "--key",
        "clerk",
        code=2,
    )
    assert res.stderr.startswith(
        "error: --commitment: 未知承诺 'C-404'（unknown commitment 'C-404'）"
    )
    res = run(
        "record",
        "enterprise",
        "--uscc",
        U1[:-1] + ("0" if U1[-1] != "0" else "1"),
        "--name",
        "x",
        "--size",
        "small",
        "--ownership",
        "private",
        "--key",
        "registrar",
        code=2,
    )
    assert res.stderr.startswith("error: --uscc: 统一社会信用代码校验位错误")
    assert "（GB 32100 mod-31 check failed: character 18 is" in res.stderr
    res = run(
        "record",
        "agency",
        "--id",
        "yy-x",
        "--name",
        "x",
        "--category",
        "organ",
        "--region",
        "430600",
        "--key",
        "clerk",
        code=2,
    )
    assert "needs the log key or a recorder scoped to '*'" in res.stderr
    res = run(
        "record",
        "amendment",
        "--date",
        "2024-07-01",
        "--amount",
        "1.00",
        "--reason",
        "r",
        *c,
        code=2,
    )
    assert (
        res.stderr == "error: --consent or --no-consent is required (did the enterprise agree?)\n"
    )
    res = run(
        "record",
        "amendment",
        "--date",
        "2024-07-01",
        "--days",
        "9",
        "--consent",
        "--reason",
        "r",
        *c,
        code=2,
    )
    assert res.stderr.startswith("error: --basis: is required with --days")


def test_every_record_command_has_an_example(run: Run) -> None:
    assert "Example:" in run("record", "--help").stdout
    expected = {
        "commitment",
        "delivery",
        "acceptance",
        "payment",
        "dispute",
        "resolve",
        "repudiation",
        "settlement",
        "void",
        "complaint",
        "amendment",
        "agency",
        "succession",
        "official",
        "departure",
        "term-change",
        "enterprise",
        "enterprise-update",
        "confirmation",
        "reversal",
        "interest",
    }
    assert set(record.commands) == expected
    for name in sorted(expected):
        out = run("record", name, "--help").stdout
        assert "Example:\n    ledger record " + name in out, name
        assert "--key" in out and "--dry-run" in out


def test_settlement_reversal_interest_and_association(
    run: Run, registry: Path, tmp_path: Path
) -> None:
    # DOMAIN.md revision 2: the new kinds and the association category with `established`
    run(
        "record", "agency", "--id", "yy-xh", "--name", "岳阳市某协会", "--category",
        "association", "--region", "430600", "--established", "2020-05-01", "--key", "registrar",
    )  # fmt: skip
    assert last(tmp_path)[2]["established"] == "2020-05-01"
    assert last(tmp_path)[2]["category"] == "association"
    run(
        "record", "commitment", "--commitment", "GC-1", "--type", "contract", "--agency",
        "yy-czj", "--enterprise", U1, "--title", "道路工程", "--amount", "900000.00",
        "--signed-on", "2025-01-10", "--basis", "settlement", "--days", "30", "--key", "clerk",
    )  # fmt: skip
    res = run(
        "record", "confirmation", "--commitment", "GC-1", "--date", "2025-03-10",
        "--amount", "300000.00", "--key", "clerk",
    )  # fmt: skip
    assert "recorded settlement.confirmed" in res.stdout
    assert last(tmp_path)[2] == {"commitment": "GC-1", "date": "2025-03-10", "amount": "300000.00"}
    run(
        "record", "confirmation", "--commitment", "GC-1", "--date", "2025-05-10",
        "--amount", "600000.00", "--key", "clerk",
    )  # fmt: skip
    # confirmed amounts never exceed the amount: 900,000 are confirmed already
    res = run(
        "record", "confirmation", "--commitment", "GC-1", "--date", "2025-06-10",
        "--amount", "0.01", "--key", "clerk", code=2,
    )  # fmt: skip
    assert "--amount" in res.stderr and "900000.00" in res.stderr
    run(
        "record", "payment", "--commitment", "GC-1", "--amount", "300000.00", "--date",
        "2025-04-01", "--reference", "回单-1", "--key", "clerk",
    )  # fmt: skip
    res = run(
        "record", "reversal", "--commitment", "GC-1", "--reference", "回单-1", "--date",
        "2025-04-03", "--reason", "退票", "--key", "clerk",
    )  # fmt: skip
    assert "recorded payment.reversed" in res.stdout
    # reversed once only; the reference is never reused
    res = run(
        "record", "reversal", "--commitment", "GC-1", "--reference", "回单-1", "--date",
        "2025-04-04", "--reason", "again", "--key", "clerk", code=2,
    )  # fmt: skip
    assert "--reference" in res.stderr and "at most once" in res.stderr
    res = run(
        "record", "payment", "--commitment", "GC-1", "--amount", "1.00", "--date",
        "2025-04-05", "--reference", "回单-1", "--key", "clerk", code=2,
    )  # fmt: skip
    assert "--reference" in res.stderr and "never reused" in res.stderr
    # the reversed 300,000 does not count: the whole 900,000 can be paid again
    run(
        "record", "payment", "--commitment", "GC-1", "--amount", "900000.00", "--date",
        "2025-06-20", "--reference", "回单-2", "--key", "clerk",
    )  # fmt: skip
    res = run(
        "record", "interest", "--commitment", "GC-1", "--amount", "150.00", "--date",
        "2025-07-01", "--reference", "息-1", "--key", "clerk",
    )  # fmt: skip
    assert "recorded interest.paid" in res.stdout
    # a payment dated in the future is refused, naming the option
    res = run(
        "record", "interest", "--commitment", "GC-1", "--amount", "1.00", "--date",
        "2999-01-01", "--reference", "息-2", "--key", "clerk", code=2,
    )  # fmt: skip
    assert "--date" in res.stderr and "future" in res.stderr
