"""``ledger audit arrears|turnover|disclosure`` through click's CliRunner.

A small world appended with ``ledger append``; expected values are literals
worked out by hand (see the comments).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from ledger_cli.main import cli

from ledger.clock import beijing_day, system_clock
from tests.helpers.audit_world import (
    agency,
    appointed,
    commitment,
    delivered,
    enterprise,
    paid,
    repudiated,
    uscc,
    voided,
)

Run = Callable[..., Result]
ORIGIN = "ledger.audit-cli.example/commitments"


@pytest.fixture
def run(tmp_path: Path) -> Run:
    env = {
        "LEDGER_DB": f"sqlite:///{tmp_path / 'l.db'}",
        "LEDGER_KEYSTORE": str(tmp_path / "ks"),
        "LEDGER_PASSPHRASE": "pw-for-tests",
        "LEDGER_LPR": "",
        "LEDGER_CALENDAR": "",
    }

    def invoke(*args: str, code: int = 0) -> Result:
        res = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
        assert res.exit_code == code, (args, res.stdout, res.stderr)
        return res

    return invoke


def _jsonl(path: Path, stmts: list[tuple[str, dict[str, object]]]) -> str:
    path.write_text(
        "".join(json.dumps({"kind": k, "body": b}, ensure_ascii=False) + "\n" for k, b in stmts),
        encoding="utf-8",
    )
    return str(path)


@pytest.fixture
def ready(run: Run, tmp_path: Path) -> Run:
    run("init", "--origin", ORIGIN)
    run("keys", "new", "registrar", "--role", "recorder", "--agency", "*")
    d30 = {"basis": "delivery", "days": 30}
    stmts = [
        agency("czj", "organ", "430600"),
        agency("jyj", "institution", "430602"),
        enterprise(1, "small"),
        appointed("p1", "czj", "2024-01-01"),
        # due 02-01 (doy 32) + 30 = 03-03 (doy 62); 20,000 paid 04-02 (doy 92)
        # 100,000 late 30 days: 1,500.00; 80,000 late 273 days: 10,920.00 -> 12,420.00
        commitment("X-1", "czj", 1, "100000.00", "2025-01-10", d30),
        delivered("X-1", "2025-02-01"),
        paid("X-1", "20000.00", "2025-04-02"),
        # rate 2.00 below the LPR 3.10 at signing; due 03-03; 36,500 * 3.10% / 365
        # = 3.10 a day * 303 = 939.30 (with the packaged table)
        commitment("X-2", "jyj", 1, "36500.00", "2025-01-20", d30, interest_rate="2.00"),
        delivered("X-2", "2025-02-01"),
        # voided after its due date
        commitment("X-3", "czj", 1, "500.00", "2025-01-05", d30),
        delivered("X-3", "2025-01-10"),
        # paid in full on time
        commitment("X-4", "czj", 1, "800.00", "2025-06-01", d30),
        delivered("X-4", "2025-06-01"),
        paid("X-4", "800.00", "2025-06-20"),
    ]
    run("append", _jsonl(tmp_path / "world.jsonl", stmts), "--key", "registrar")
    later = [
        voided("X-3"),
        appointed("p2", "czj", "2025-04-01"),
        repudiated("X-1", "2025-05-01", "official_change"),
    ]
    run("append", _jsonl(tmp_path / "later.jsonl", later), "--key", "registrar")
    return run


def test_arrears_json(ready: Run) -> None:
    out = json.loads(ready("audit", "arrears", "--as-of", "2025-12-31", "--format", "json").stdout)
    assert out["as_of"] == "2025-12-31"
    items = {i["commitment"]: i for i in out["items"]}
    assert sorted(items) == ["X-1", "X-2"]
    x1 = items["X-1"]
    assert (x1["principal"], x1["paid"], x1["outstanding"], x1["disputed"]) == (
        "100000.00",
        "20000.00",
        "80000.00",
        "0.00",
    )
    assert (x1["due"], x1["statutory_due"], x1["effective_due"]) == ("2025-03-03",) * 3
    assert (x1["days_overdue"], x1["bucket"], x1["interest"]) == (303, "181-365", "12420.00")
    assert x1["flags"] == ["PROHIBITED_EXCUSE", "REPUDIATED"]
    assert (x1["agency"], x1["holder"], x1["enterprise"], x1["type"]) == (
        "czj",
        "czj",
        uscc(1),
        "contract",
    )
    assert items["X-2"]["interest"] == "939.30"
    assert items["X-2"]["flags"] == ["RATE_BELOW_LPR"]
    totals = out["totals"]
    # 80,000 + 36,500; 12,420.00 + 939.30
    assert (totals["count"], totals["outstanding"], totals["interest"]) == (
        2,
        "116500.00",
        "13359.30",
    )
    assert totals["late_paid_interest"] == "0.00"
    assert totals["by_holder"]["czj"]["outstanding"] == "80000.00"
    assert totals["by_holder"]["jyj"]["interest"] == "939.30"
    assert totals["by_bucket"]["181-365"]["count"] == 2
    assert list(totals["by_bucket"]) == ["1-30", "31-90", "91-180", "181-365", ">365"]
    assert out["late_paid"] == []
    assert [(v["commitment"], v["reason"], v["flags"]) for v in out["voided"]] == [
        ("X-3", "录入错误", ["VOIDED_AFTER_DUE"])
    ]
    assert isinstance(out["voided"][0]["seq"], int)
    assert out["lpr"]["mode"] == "packaged"
    assert out["lpr"]["sources"][0]["source"] == "package:ledger/data/lpr_1y.csv"


def test_arrears_all_csv_and_table(ready: Run, tmp_path: Path) -> None:
    res = ready("audit", "arrears", "--as-of", "2025-12-31", "--all", "--format", "csv")
    assert res.stdout.startswith("\ufeffcommitment,")  # Excel on Chinese Windows needs the BOM
    rows = list(csv.DictReader(io.StringIO(res.stdout.removeprefix("\ufeff"))))
    assert [r["commitment"] for r in rows] == ["X-1", "X-2", "X-4"]
    assert rows[2]["days_overdue"] == "" and rows[2]["outstanding"] == "0.00"
    for opt in ("-o", "--output", "--out"):  # one option, two aliases; the file instead of stdout
        written = ready(
            "audit", "arrears", "--as-of", "2025-12-31", "--all", "--format", "csv",
            opt, str(tmp_path / "a.csv"),
        )  # fmt: skip
        assert written.stdout == "" and "a.csv" in written.stderr
        assert (tmp_path / "a.csv").read_text(encoding="utf-8") == res.stdout
    table = ready("audit", "arrears", "--as-of", "2025-12-31", "--format", "table").stdout
    assert "Totals by holder agency" in table and "Totals by bucket" in table
    assert "12420.00" in table and "Voided" in table and "X-3" in table
    assert "package:ledger/data/lpr_1y.csv sha256=" in table


def test_jobs_give_the_same_output(ready: Run) -> None:
    args = ("audit", "arrears", "--as-of", "2025-12-31", "--all", "--format", "json")
    assert ready(*args, "--jobs", "2").stdout == ready(*args).stdout
    args = ("audit", "turnover", "--as-of", "2025-12-31", "--format", "json")
    assert ready(*args, "--jobs", "3").stdout == ready(*args).stdout


def test_arrears_filters(ready: Run) -> None:
    out = json.loads(
        ready(
            "audit", "arrears", "--as-of", "2025-12-31", "--agency", "jyj", "--format", "json"
        ).stdout
    )
    assert [i["commitment"] for i in out["items"]] == ["X-2"]
    out = json.loads(
        ready(
            "audit", "arrears", "--as-of", "2025-12-31", "--region", "430600", "--format", "json"
        ).stdout
    )
    assert [i["commitment"] for i in out["items"]] == ["X-1", "X-2"]  # 430602 lies within 430600
    # an enterprise that is not in the log is refused, not reported as clean
    res = ready("audit", "arrears", "--as-of", "2025-12-31", "--enterprise", uscc(2), code=2)
    assert res.stdout == "" and uscc(1) in res.stderr


@pytest.mark.parametrize("kind", ["arrears", "turnover", "disclosure"])
@pytest.mark.parametrize(
    ("option", "value", "closest"),
    [("--agency", "jyjj", "jyj"), ("--region", "440300", "430602"), ("--agency", "JYJ", "jyj")],
)
def test_unknown_filter_value_is_refused(
    ready: Run, tmp_path: Path, kind: str, option: str, value: str, closest: str
) -> None:
    out = tmp_path / "out.json"
    res = ready(
        "audit",
        kind,
        "--as-of",
        "2025-12-31",
        option,
        value,
        "--format",
        "json",
        "-o",
        str(out),
        code=2,
    )
    assert res.stdout == "" and not out.exists()
    first = res.stderr.splitlines()[0]
    assert option in first and repr(value) in first and closest in first


def test_lpr_file_extends_or_replaces(ready: Run, tmp_path: Path) -> None:
    lpr = tmp_path / "lpr.csv"
    lpr.write_text("effective,rate_percent\n2025-01-01,1.50\n", encoding="utf-8")
    out = json.loads(
        ready(
            "audit", "arrears", "--as-of", "2025-12-31", "--lpr", str(lpr), "--format", "json"
        ).stdout
    )
    x2 = {i["commitment"]: i for i in out["items"]}["X-2"]
    # extended: 2025-01-01 1.50 is after 2024-10-21 3.10, so 1.50 is in force on 01-20:
    # agreed 2.00 stands: 36,500 * 2% / 365 = 2.00 a day * 303 = 606.00
    assert (x2["interest"], x2["flags"]) == ("606.00", [])
    assert out["lpr"]["mode"] == "extended"
    assert [s["source"] for s in out["lpr"]["sources"]] == [
        "package:ledger/data/lpr_1y.csv",
        str(lpr),
    ]
    lpr.write_text("effective,rate_percent\n2025-01-21,9.00\n", encoding="utf-8")
    out = json.loads(
        ready(
            "audit", "arrears", "--as-of", "2025-12-31", "--lpr", str(lpr), "--lpr-replace",
            "--format", "json",
        ).stdout
    )  # fmt: skip
    x2 = {i["commitment"]: i for i in out["items"]}["X-2"]
    # replaced: no row on or before 01-20, so no floor: 606.00 again
    assert (x2["interest"], x2["flags"], out["lpr"]["mode"]) == ("606.00", [], "replaced")


def test_calendar_file_adds_a_year(ready: Run, tmp_path: Path) -> None:
    # the packaged calendar covers 2004-2026; a user file adds 2027 and is named with its hash
    out = json.loads(ready("audit", "arrears", "--as-of", "2025-12-31", "--format", "json").stdout)
    cal = out["sources"]["calendar"]
    assert cal["source"].startswith("chinese-calendar ") and 2027 not in cal["years"]
    assert (cal["years"][0], cal["years"][-1], cal["weekends_only"]) == (2004, 2026, [])
    assert out["sources"]["lpr"]["mode"] == "packaged"
    user = tmp_path / "假日.csv"
    user.write_text("date,type,note\n2027-01-01,rest,元旦\n2027-02-20,work,调休\n", "utf-8")
    out = json.loads(
        ready(
            "audit", "disclosure", "--as-of", "2026-01-01", "--calendar", str(user),
            "--format", "json",
        ).stdout
    )  # fmt: skip
    cal = out["sources"]["calendar"]
    assert 2027 in cal["years"] and cal["sources"][-1]["source"] == str(user)
    assert len(cal["sources"][-1]["sha256"]) == 64
    # a bad file: exit 2, naming the file, line and column
    user.write_text("date,type\n2027-01-01,holiday\n", "utf-8")
    res = ready(
        "audit", "turnover", "--as-of", "2025-12-31", "--calendar", str(user), code=2
    )  # fmt: skip
    assert f"{user}:2" in res.stderr and "type" in res.stderr


def test_turnover_json(ready: Run) -> None:
    out = json.loads(ready("audit", "turnover", "--as-of", "2025-12-31", "--format", "json").stdout)
    assert out["as_of"] == "2025-12-31"
    (f,) = out["findings"]
    # X-1 overdue since 03-03, p2 replaced p1 at czj on 04-01 (T1: breach 04-01);
    # repudiated 05-01 citing official_change (T2, T5)
    assert f["commitment"] == "X-1"
    assert f["rules"] == ["T1", "T2", "T5"]
    assert f["turnover"]["type"] == "official_change" and f["turnover"]["date"] == "2025-04-01"
    assert (f["holder"], f["official_at_breach"], f["official_now"]) == ("czj", "p2", "p2")
    # 2025-04-01 is doy 91: 365 - 91 = 274
    assert (f["outstanding"], f["days_under_new_leadership"]) == ("80000.00", 274)
    assert f["turnover"]["seq"] in f["evidence"]
    table = ready("audit", "turnover", "--as-of", "2025-12-31", "--format", "table").stdout
    assert "X-1" in table and "T1,T2,T5" in table


def test_disclosure(ready: Run) -> None:
    out = json.loads(ready("audit", "disclosure", "--year", "2025", "--format", "json").stdout)
    assert out["year"] == 2025
    assert [(a["agency"], a["contracts"], a["amount"]) for a in out["agencies"]] == [
        ("czj", 1, "80000.00"),
        ("jyj", 1, "36500.00"),
    ]
    assert out["totals"] == {"agencies": 2, "contracts": 2, "amount": "116500.00"}
    same = json.loads(
        ready("audit", "disclosure", "--as-of", "2026-03-01", "--format", "json").stdout
    )
    assert same["agencies"] == out["agencies"]
    rows = list(
        csv.DictReader(
            io.StringIO(
                ready("audit", "disclosure", "--year", "2024", "--format", "csv", "--no-bom").stdout
            )
        )
    )
    assert [(r["agency"], r["contracts"], r["amount"]) for r in rows] == [
        ("czj", "0", "0.00"),
        ("jyj", "0", "0.00"),
    ]


def test_bad_usage_exits_2(ready: Run, tmp_path: Path) -> None:
    res = ready("audit", "arrears", "--as-of", "2025-02-30", code=2)
    assert "is not a date" in res.stderr
    ready("audit", "arrears", code=2)  # --as-of is required
    res = ready(
        "audit", "arrears", "--as-of", "2025-12-31", "--lpr", str(tmp_path / "no.csv"), code=2
    )
    assert "cannot read the LPR table" in res.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("effective,rate_percent\n2025-01-01,abc\n", encoding="utf-8")
    res = ready("audit", "arrears", "--as-of", "2025-12-31", "--lpr", str(bad), code=2)
    assert f"{bad}:2: column rate_percent" in res.stderr
    res = ready("audit", "arrears", "--as-of", "2025-12-31", "--lpr-replace", code=2)
    assert "needs a file" in res.stderr
    ready("audit", "arrears", "--as-of", "2025-12-31", "--region", "4306", code=2)
    ready("audit", "arrears", "--as-of", "2025-12-31", "--enterprise", "91430600MA4L00011X", code=2)
    res = ready("audit", "disclosure", "--year", "2025", "--as-of", "2025-06-30", code=2)
    assert "not over yet" in res.stderr
    # without --as-of the disclosure is made today (Beijing): this year is not over yet,
    # and with no --year either it discloses last year
    today = beijing_day(system_clock())
    this_year = today.year
    if (today.month, today.day) != (12, 31):  # on 31 December this year's disclosure is due
        res = ready("audit", "disclosure", "--year", str(this_year), code=2)
        assert "not over yet" in res.stderr
    res = ready("audit", "disclosure", "--format", "json")
    assert json.loads(res.stdout)["year"] == this_year - 1


def test_no_ledger_exits_3(run: Run) -> None:
    res = run("audit", "arrears", "--as-of", "2025-12-31", code=3)
    assert "ledger init" in res.stderr


def test_every_audit_command_has_help_with_an_example(run: Run) -> None:
    for cmd in ("arrears", "turnover", "disclosure"):
        text = run("audit", cmd, "--help").stdout
        assert "Example:" in text and f"ledger audit {cmd}" in text
    assert "Example:" in run("audit", "--help").stdout
