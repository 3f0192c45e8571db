"""CSV injection (issue 13 item 8): no CSV output hands a spreadsheet a formula.

A recorder can choose ids, names and key names that start with ``=``, ``+``,
``-``, ``@``; every CSV the CLI writes (audits, lists, history, keys) must
prefix such a cell with ``'`` (OWASP), while plain numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from ledger_cli.main import cli

from ledger.text import spreadsheet_cell
from ledger.uscc import complete_uscc

Run = Callable[..., Result]
USCC = complete_uscc("91430600MA4L0XY1")
AGENCY = "@czj"
OFFICIAL = "-2+3"
COMMITMENT = '=HYPERLINK("http://x.example","ok")'
HOSTILE_NAME = "=cmd|' /C calc'!A0"
ENTERPRISE_NAME = "+1+1"
KEY = "=clerk"

STATEMENTS: list[tuple[str, dict[str, object]]] = [
    ("agency.registered", {"agency": AGENCY, "name": HOSTILE_NAME, "category": "organ", "region": "430600"}),
    ("agency.registered", {"agency": "yy-jtj", "name": "岳阳市交通局", "category": "organ", "region": "430600"}),
    ("enterprise.registered", {"uscc": USCC, "name": ENTERPRISE_NAME, "size": "small", "ownership": "private"}),
    ("official.appointed", {"official": OFFICIAL, "name": "@官员", "agency": AGENCY, "role": "principal", "start": "2020-01-01"}),
    ("official.appointed", {"official": "o2", "name": "官员二", "agency": AGENCY, "role": "principal", "start": "2024-08-01"}),
    (
        "commitment.recorded",
        {
            "commitment": COMMITMENT,
            "type": "contract",
            "agency": AGENCY,
            "enterprise": USCC,
            "title": "=1+2",
            "amount": "125000.00",
            "signed_on": "2024-03-01",
            "terms": {"basis": "delivery", "days": 30},
        },
    ),
    ("commitment.delivered", {"commitment": COMMITMENT, "date": "2024-04-01"}),
    (
        "payment.made",
        {
            "commitment": COMMITMENT,
            "amount": "40000.00",
            "date": "2024-11-20",
            "reference": "-0042",
            "method": "transfer",
        },
    ),
]  # fmt: skip


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


@pytest.fixture
def hostile(run: Run, tmp_path: Path) -> Path:
    run("init", "--origin", "ledger.czj.yueyang.example/commitments")
    run("keys", "new", KEY, "--role", "recorder", "--agency", "*")
    path = tmp_path / "s.jsonl"
    path.write_text(
        "".join(
            json.dumps({"kind": k, "body": b}, ensure_ascii=False) + "\n" for k, b in STATEMENTS
        ),
        encoding="utf-8",
    )
    run("append", str(path), "--key", KEY)
    return tmp_path


CSV_OUTPUTS = {
    "audit arrears": ("audit", "arrears", "--as-of", "2025-12-31", "--all"),
    "audit turnover": ("audit", "turnover", "--as-of", "2025-12-31"),
    "audit disclosure": ("audit", "disclosure", "--year", "2024"),
    "list commitments": ("list", "commitments"),
    "list agencies": ("list", "agencies"),
    "list enterprises": ("list", "enterprises"),
    "show commitment": ("show", "commitment", COMMITMENT),
    "keys list": ("keys", "list"),
}
# What each output must show neutralised (values the recorder chose).
EXPECTED = {
    "audit arrears": [COMMITMENT, AGENCY],
    "audit turnover": [COMMITMENT],
    "audit disclosure": [AGENCY, HOSTILE_NAME],
    "list commitments": [COMMITMENT, AGENCY],
    "list agencies": [AGENCY, HOSTILE_NAME],
    "list enterprises": [ENTERPRISE_NAME],
    "show commitment": [],
    "keys list": [KEY],
}
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


@pytest.mark.parametrize("name", sorted(CSV_OUTPUTS))
def test_no_csv_output_starts_a_cell_with_a_formula(run: Run, hostile: Path, name: str) -> None:
    out = hostile / "out.csv"
    args = [*CSV_OUTPUTS[name], "--format", "csv"]
    texts = [run(*args).stdout]
    if name != "keys list":  # -o FILE writes the file instead of printing
        assert run(*args, "--output", str(out)).stdout == ""
        texts.append(out.read_text(encoding="utf-8"))
    for text in texts:
        cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
        assert len(cells) > 6, text
        for cell in cells:
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                assert _PLAIN_NUMBER.fullmatch(cell), f"{name}: formula cell {cell!r}"
        for value in EXPECTED[name]:
            assert "'" + value in cells, f"{name}: {value!r} not neutralised in {cells}"


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-", "'-"),
        ("-1.50", "-1.50"),
        ("-12", "-12"),
        ("1.50", "1.50"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_spreadsheet_cell(cell: str, safe: str) -> None:
    assert spreadsheet_cell(cell) == safe


XLSX_OUTPUTS = {k: v for k, v in CSV_OUTPUTS.items() if k not in ("show commitment", "keys list")}


@pytest.mark.parametrize("name", sorted(XLSX_OUTPUTS))
def test_no_xlsx_output_holds_a_formula(run: Run, hostile: Path, name: str) -> None:
    import openpyxl

    out = hostile / "out.xlsx"
    run(*XLSX_OUTPUTS[name], "--format", "xlsx", "--output", str(out))
    wb = openpyxl.load_workbook(out)  # formulas come back as "=..." with data_type "f"
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"], name
    texts = [c.value for c in cells if isinstance(c.value, str)]
    for value in EXPECTED[name]:  # kept as text (names may stand beside ids)
        assert any(value in t for t in texts), f"{name}: {value!r} is missing from {texts}"


def test_the_published_disclosure_csv_is_neutralised(run: Run, hostile: Path) -> None:
    run("checkpoint")
    site = hostile / "site"
    run("publish", str(site))
    text = (site / "disclosure" / "2024" / "disclosure.csv").read_text(encoding="utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    for cell in cells:
        if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
            assert _PLAIN_NUMBER.fullmatch(cell), f"formula cell {cell!r}"
    assert "'" + AGENCY in cells and "'" + HOSTILE_NAME in cells, cells
