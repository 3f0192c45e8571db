"""``ledger import``: xlsx and CSV 台账 sheets end to end, and the template round trip."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result
from ledger_cli.main import cli

from ledger.entry import parse_entry
from ledger.log import Ledger
from ledger.uscc import complete_uscc

Run = Callable[..., Result]
U1 = complete_uscc("91430600MA4L0000")
U2 = complete_uscc("91430602MA4L1234")
U3 = complete_uscc("91430603MA4L5678")

HEADERS = [
    "合同编号",
    "单位",
    "企业名称",
    "统一社会信用代码",
    "企业规模",
    "企业性质",
    "类型",
    "标题",
    "金额",
    "签订日期",
    "付款依据",
    "付款期限（天）",
    "交付日期",
    "验收日期",
    "已付金额",
    "付款日期",
    "付款凭证号",
]


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
def ledger_dir(run: Run, tmp_path: Path) -> Path:
    run("init", "--origin", "ledger.czj.yueyang.example/commitments")
    run("keys", "new", "registrar", "--role", "recorder", "--agency", "*")
    run("keys", "new", "clerk", "--role", "recorder", "--agency", "yy-czj")
    run(
        "record",
        "agency",
        "--id",
        "yy-czj",
        "--name",
        "岳阳市财政局",
        "--category",
        "organ",
        "--region",
        "430600",
        "--key",
        "registrar",
    )
    return tmp_path


def entries(tmp_path: Path) -> list[tuple[str, str, dict[str, Any]]]:
    """(kind, signer, body) of every entry in the test ledger."""
    ledger = Ledger.open(f"sqlite:///{tmp_path / 'ledger.db'}")
    try:
        out = []
        for _, leaf, _ in ledger.iter_leaves():
            e = parse_entry(leaf)
            out.append((e.kind, e.by, e.body))
        return out
    finally:
        ledger.close()


def rows_a() -> list[list[object]]:
    """Two commitments: Excel float and date cells, text dates, a payment."""
    return [
        [
            "C-2024-031",
            "yy-czj",
            "岳阳甲建设有限公司",
            U1,
            "小型",
            "民营",
            "合同",
            "道路维修",
            125000.0,
            dt.datetime(2024, 3, 1),
            "验收",
            30,
            dt.datetime(2024, 4, 1),
            "2024年4月10日",
            1234.5,
            "2024/5/1",
            "银行回单-0042",
        ],
        [
            2024032,
            "yy-czj",
            "岳阳乙科技有限公司",
            U2,
            "medium",
            "private",
            "payable",
            "办公设备",
            "12,345.6",
            "2024-03-02",
            "delivery",
            "60",
            None,
            None,
            None,
            None,
            None,
        ],
    ]


def write_xlsx(
    path: Path,
    rows: list[list[object]],
    headers: list[object] | None = None,
    title: str = "台账",
    above: list[list[object]] | None = None,
) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for r in above or []:
        ws.append(r)
    ws.append(headers or HEADERS)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_xlsx_import_excel_cells(run: Run, ledger_dir: Path) -> None:
    sheet = write_xlsx(ledger_dir / "台账.xlsx", rows_a())
    res = run("import", str(sheet), "--key", "registrar")
    assert res.stdout == (
        f"read 2 rows from {sheet}; 7 statements (2 enterprise registrations); "
        "appended 7 entries (seq 4..10); skipped 0 duplicates; tree size 11\n"
    )
    assert res.stderr == ""  # no progress bar off a terminal
    got = entries(ledger_dir)[4:]
    assert [k for k, _, _ in got] == [
        "enterprise.registered",
        "enterprise.registered",
        "commitment.recorded",
        "commitment.delivered",
        "commitment.accepted",
        "payment.made",
        "commitment.recorded",
    ]
    assert got[0][2] == {
        "uscc": U1,
        "name": "岳阳甲建设有限公司",
        "size": "small",
        "ownership": "private",
    }
    assert got[2][2] == {
        "commitment": "C-2024-031",
        "type": "contract",
        "agency": "yy-czj",
        "enterprise": U1,
        "title": "道路维修",
        "amount": "125000.00",
        "signed_on": "2024-03-01",
        "terms": {"basis": "acceptance", "days": 30},
    }
    assert got[4][2] == {"commitment": "C-2024-031", "date": "2024-04-10"}
    assert got[5][2] == {
        "commitment": "C-2024-031",
        "amount": "1234.50",
        "date": "2024-05-01",
        "reference": "银行回单-0042",
        "method": "transfer",
    }
    assert got[6][2]["commitment"] == "2024032"
    assert got[6][2]["amount"] == "12345.60"


def test_reimport_adds_nothing(run: Run, ledger_dir: Path) -> None:
    sheet = write_xlsx(ledger_dir / "台账.xlsx", rows_a())
    run("import", str(sheet), "--key", "registrar")
    size = len(entries(ledger_dir))
    res = run("import", str(sheet), "--key", "registrar", "--verbose")
    assert res.stdout == (
        f"read 2 rows from {sheet}; 5 statements (0 enterprise registrations); "
        "appended 0 entries; skipped 5 duplicates; tree size 11\n"
    )
    assert f"{sheet}:台账!2:2: skipped: commitment.recorded repeats seq 6" in res.stderr
    assert len(entries(ledger_dir)) == size


def test_bad_cells_are_all_named_and_nothing_is_written(run: Run, ledger_dir: Path) -> None:
    rows = rows_a()
    rows[0][8] = "12,3.4"
    rows[0][13] = "2024-02-30"
    rows[1][3] = 914306001234567890  # a USCC Excel turned into a number
    rows[1][4] = "巨型"
    sheet = write_xlsx(ledger_dir / "台账.xlsx", rows)
    before = len(entries(ledger_dir))
    res = run("import", str(sheet), "--key", "registrar", code=2)
    assert res.stderr.splitlines() == [
        (
            f'error: {sheet}:台账!I2: 金额 "12,3.4"：不是有效金额（只能是数字，千位分隔符只能写成 '
            '1,234,567.89 的样式）（金额 "12,3.4" is not an amount '
            "(digits, thousands separators only as 1,234,567.89)）"
        ),
        (
            f'error: {sheet}:台账!N2: 验收日期 "2024-02-30"：不是存在的日期'
            '（验收日期 "2024-02-30" is not a calendar date）'
        ),
        (
            f"error: {sheet}:台账!D3: 统一社会信用代码 9.14306001234568e+17："
            "是数字而不是文本：Excel 已把统一社会信用代码改坏，请把该列设为文本格式"
            "（统一社会信用代码 9.14306001234568e+17 is a number, not "
            "text: Excel has mangled the USCC; format the column as text (文本)）"
        ),
        (
            f'error: {sheet}:台账!E3: 企业规模 "巨型"：不是可选取值，可选：微型/micro、小型/small、'
            '中型/medium、大型/large（企业规模 "巨型" is not one of 微型/micro, 小型/small, '
            "中型/medium, 大型/large）"
        ),
        "error: 4 errors; nothing was written",
    ]
    assert res.stdout == ""
    assert len(entries(ledger_dir)) == before


def _patch_number(path: Path, old: str, new: str) -> None:
    """Rewrite a number in the sheet XML, as Excel stores a formula's full double."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                assert f"<v>{old}</v>".encode() in data
                data = data.replace(f"<v>{old}</v>".encode(), f"<v>{new}</v>".encode())
            dst.writestr(item, data)
    shutil.move(tmp, path)


def test_float_artefacts_are_refused(run: Run, ledger_dir: Path) -> None:
    rows = rows_a()
    rows[0][14] = 0.25
    sheet = write_xlsx(ledger_dir / "台账.xlsx", rows)
    _patch_number(sheet, "0.25", "0.30000000000000004")  # =0.1+0.2 in Excel
    res = run("import", str(sheet), "--key", "registrar", code=2)
    assert res.stderr.startswith(
        f"error: {sheet}:台账!O2: 已付金额 0.30000000000000004："
        "金额 0.30000000000000004 不是精确的两位小数（可能是浮点误差）"
    )
    assert (
        "（已付金额 0.30000000000000004 is not an exact amount: "
        "0.30000000000000004 is not an exact two-place amount (a floating-point artifact?); "
        "round it to the fen in the sheet or enter the amount as text）\n"
    ) in res.stderr


def test_semantic_errors_name_the_cell(run: Run, ledger_dir: Path) -> None:
    rows = rows_a()
    rows[0][14] = 200000.0  # above the amount
    rows[1][1] = "no-such-agency"
    rows[1][12] = "2024-04-01"  # its delivery: no second error for the unknown commitment
    sheet = write_xlsx(ledger_dir / "台账.xlsx", rows)
    before = len(entries(ledger_dir))
    res = run("import", str(sheet), "--key", "registrar", code=2)
    lines = res.stderr.splitlines()
    # one pass: the cell naming no agency, then the ledger's rules on the other rows
    assert lines[0].startswith(f"error: {sheet}:台账!B3: 单位 'no-such-agency' ")
    assert lines[1].startswith(f"error: {sheet}:台账!O2: 已付金额: ")
    assert "200000.00" in lines[1]
    assert lines[2:] == ["error: 2 errors; nothing was written"]
    assert len(entries(ledger_dir)) == before


def test_registrations_need_a_star_key(run: Run, ledger_dir: Path) -> None:
    sheet = write_xlsx(ledger_dir / "台账.xlsx", rows_a())
    res = run("import", str(sheet), "--key", "clerk", code=2)
    assert res.stderr == (
        f"error: the sheet names 2 enterprises not yet in the ledger (first: {U1} at "
        f"{sheet}:台账!2:2); "
        "registering them needs a key scoped to '*', and 'clerk' is scoped to yy-czj: "
        "give --registrar-key NAME (a key scoped to '*') to sign them, or register them "
        "first with 'ledger record enterprise'\n"
    )
    run("import", str(sheet), "--key", "clerk", "--registrar-key", "registrar")
    signers = [(k, by) for k, by, _ in entries(ledger_dir)[4:]]
    assert signers[:3] == [
        ("enterprise.registered", "registrar"),
        ("enterprise.registered", "registrar"),
        ("commitment.recorded", "clerk"),
    ]
    assert {by for _, by in signers[2:]} == {"clerk"}


def test_known_enterprise_is_not_registered_again(run: Run, ledger_dir: Path) -> None:
    run(
        "record",
        "enterprise",
        "--uscc",
        U1,
        "--name",
        "岳阳甲建设有限公司",
        "--size",
        "medium",
        "--ownership",
        "private",
        "--key",
        "registrar",
    )
    sheet = write_xlsx(ledger_dir / "台账.xlsx", rows_a()[:1])
    res = run("import", str(sheet), "--key", "clerk")
    assert "0 enterprise registrations" in res.stdout
    assert res.stderr == (
        f'{sheet}:台账!E2: 警告：企业 {U1} 的企业规模 "small" 与账本中的 "medium" 不一致；'
        "以账本记录为准（如需修改，请登记 enterprise-update）"
        '（warning: 企业规模 "small" differs from the ledger\'s "medium" for '
        f"{U1}; the ledger's record stands (record an enterprise-update to change it)）\n"
    )


def test_dry_run_writes_nothing(run: Run, ledger_dir: Path) -> None:
    sheet = write_xlsx(ledger_dir / "台账.xlsx", rows_a())
    before = len(entries(ledger_dir))
    res = run("import", str(sheet), "--key", "registrar", "--dry-run")
    assert "would append 7 entries" in res.stdout
    assert len(entries(ledger_dir)) == before


def test_title_rows_and_sheet_option(run: Run, ledger_dir: Path) -> None:
    path = ledger_dir / "book.xlsx"
    write_xlsx(path, rows_a(), title="2024年", above=[["岳阳市财政局合同台账"], []])
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("封面", 0)
    wb.save(path)
    res = run("import", str(path), "--key", "registrar", "--sheet", "封面", code=2)
    assert "the sheet is empty" in res.stderr
    res = run("import", str(path), "--key", "registrar", "--sheet", "nope", code=2)
    assert "no sheet named 'nope'; sheets: 封面, 2024年" in res.stderr
    res = run("import", str(path), "--key", "registrar", "--sheet", "2024年")
    assert "read 2 rows" in res.stdout


def test_csv_with_bom_and_mixed_headers(run: Run, ledger_dir: Path) -> None:
    text = (
        "commitment,单位,enterprise_name,统一社会信用代码,size,企业性质,type,标题,amount,"
        "签订日期,basis,付款期限(天),delivered_on,已付金额,paid_on,付款凭证号\n"
        f'C-1,yy-czj,甲公司,{U1},小型,民营,合同,修路,"125,000",2024-03-01,交付,30,'
        "2024-04-01,40000.5,2024/5/1,回单-1\n"
        f"C-2,yy-czj,丙公司,{U3},微型,民营,政策承诺,奖补,5000,2024-03-05,约定日期,,,,,\n"
    )
    path = ledger_dir / "台账.csv"
    path.write_bytes(text.encode("utf-8-sig"))
    res = run("import", str(path), "--key", "registrar", code=2)
    # basis date needs 约定付款日期: the CSV has no such column
    assert res.stderr == (
        f"error: {path}:3: 约定付款日期 (due): 付款依据为 date 时必须填写"
        "（is required when basis is date）\n"
    )
    path.write_bytes(text.replace("约定日期", "交付").encode("utf-8-sig"))
    res = run("import", str(path), "--key", "registrar")
    assert "read 2 rows" in res.stdout and "appended 6 entries" in res.stdout
    bodies = [b for k, _, b in entries(ledger_dir) if k == "commitment.recorded"]
    assert bodies[0]["amount"] == "125000.00" and bodies[1]["type"] == "policy"


def test_csv_errors_name_line_and_header(run: Run, ledger_dir: Path) -> None:
    path = ledger_dir / "bad.csv"
    path.write_text(
        "合同编号,单位,统一社会信用代码,类型,标题,金额,签订日期,付款依据\n"
        f"C-1,yy-czj,{U1},合同,t,12.345,2024-03-01,交付\n",
        encoding="utf-8",
    )
    res = run("import", str(path), "--key", "registrar", code=2)
    assert res.stderr == (
        f'error: {path}:2: 金额 "12.345"：超过两位小数，不是有效金额'
        '（金额 "12.345" is not an amount: more than two decimal places）\n'
    )


def test_csv_in_gb18030(run: Run, ledger_dir: Path) -> None:
    path = ledger_dir / "gbk.csv"
    path.write_bytes(
        (
            "合同编号,单位,企业名称,统一社会信用代码,企业规模,企业性质,类型,标题,金额,"
            "签订日期,付款依据\n"
            f"C-1,yy-czj,甲公司,{U1},小型,民营,合同,修路,100.00,2024-03-01,交付\n"
        ).encode("gb18030")
    )
    res = run("import", str(path), "--key", "registrar")
    assert "appended 2 entries" in res.stdout


def test_template_round_trip(run: Run, ledger_dir: Path) -> None:
    tpl = ledger_dir / "模板.xlsx"
    res = run("import", "--template", str(tpl))
    assert res.stderr == f"wrote template {tpl}\n"
    wb = openpyxl.load_workbook(tpl)
    ws = wb["台账"]
    headers = [c.value for c in ws[1]]
    assert headers[:5] == ["序号", "合同编号", "单位", "企业名称", "统一社会信用代码"]
    col = {h: openpyxl.utils.get_column_letter(i) for i, h in enumerate(headers, start=1)}
    assert ws[f"{col['金额']}1"].comment.text.startswith("合同金额（元")
    assert ws.column_dimensions[col["金额"]].number_format == "#,##0.00"
    assert ws.column_dimensions[col["签订日期"]].number_format == "yyyy-mm-dd"
    assert ws.column_dimensions[col["统一社会信用代码"]].number_format == "@"
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists[f"{col['类型']}2"] == '"合同,应付账款,政策承诺"'
    assert lists[f"{col['付款依据']}2"] == '"交付,验收,结算,约定日期"'
    assert lists[f"{col['企业规模']}2"] == '"微型,小型,中型,大型"'
    assert lists[f"{col['付款方式']}2"] == '"转账,现金,商业汇票,电子凭证"'
    values = {
        "合同编号": "C-1",
        "单位": "yy-czj",
        "企业名称": "甲公司",
        "统一社会信用代码": U1,
        "企业规模": "小型",
        "企业性质": "民营",
        "类型": "合同",
        "标题": "道路维修",
        "金额": 125000,
        "签订日期": dt.date(2024, 3, 1),
        "付款依据": "交付",
        "付款期限（天）": 30,
        "约定利率": 3.45,
        "交付日期": dt.date(2024, 4, 1),
        "已付金额": 100000.1,
        "付款日期": dt.date(2024, 4, 20),
        "付款方式": "商业汇票",
        "票据到期日": dt.date(2024, 10, 20),
        "付款凭证号": "汇票-77",
        "序号": 1,
    }
    for header, value in values.items():
        ws[f"{col[header]}2"] = value
    wb.save(tpl)
    res = run("import", str(tpl), "--key", "registrar")
    assert "appended 4 entries" in res.stdout
    got = entries(ledger_dir)[-3:]
    assert got[0][2]["interest_rate"] == "3.45"
    assert got[2][2] == {
        "commitment": "C-1",
        "amount": "100000.10",
        "date": "2024-04-20",
        "reference": "汇票-77",
        "method": "bill",
        "maturity": "2024-10-20",
    }


def test_usage_errors(run: Run, ledger_dir: Path) -> None:
    assert "--key NAME is required" in run("import", "x.csv", code=2).stderr
    assert "give the sheet to import" in run("import", "--key", "clerk", code=2).stderr
    res = run("import", "x.xlsx", "--template", "t.xlsx", code=2)
    assert "give no FILE" in res.stderr
    (ledger_dir / "old.xls").write_bytes(b"\xd0\xcf")
    assert "save the workbook as .xlsx" in run("import", "old.xls", "--key", "c", code=2).stderr
    (ledger_dir / "junk.xlsx").write_bytes(b"not a zip")
    assert (
        "not a readable .xlsx workbook" in run("import", "junk.xlsx", "--key", "c", code=2).stderr
    )
    res = run("import", "missing.csv", "--key", "c", code=2)
    assert "missing.csv: cannot read" in res.stderr


def test_help_has_an_example(run: Run) -> None:
    assert "Example:\n    ledger import --template" in run("import", "--help").stdout


@pytest.mark.pg
def test_import_and_record_on_postgresql(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    env = {
        "LEDGER_PASSPHRASE": "correct horse battery staple",
        "LEDGER_KEYSTORE": str(tmp_path / "keystore"),
        "LEDGER_DB": pg_url,
    }
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> Result:
        res = runner.invoke(cli, list(args), env=env, catch_exceptions=False)
        assert res.exit_code == code, (args, res.stdout, res.stderr)
        return res

    run("init", "--origin", "ledger.czj.yueyang.example/commitments")
    run("keys", "new", "registrar", "--role", "recorder", "--agency", "*")
    agency = ("--name", "岳阳市财政局", "--category", "organ", "--region", "430600")
    run("record", "agency", "--id", "yy-czj", *agency, "--key", "registrar")
    sheet = write_xlsx(tmp_path / "台账.xlsx", rows_a())
    assert "appended 7 entries" in run("import", str(sheet), "--key", "registrar").stdout
    res = run("import", str(sheet), "--key", "registrar")
    assert "appended 0 entries; skipped 5 duplicates" in res.stdout
    res = run(
        "record",
        "payment",
        "--commitment",
        "C-2024-031",
        "--amount",
        "100.00",
        "--date",
        "2024-06-01",
        "--reference",
        "回单-2",
        "--key",
        "registrar",
    )
    assert res.stdout == "recorded payment.made at seq 10\n"


def test_settlement_and_reversal_rows(run: Run, ledger_dir: Path) -> None:
    # a works contract paid by confirmed settlements; a bounced payment reversed and paid
    # again under a new reference; late interest paid (DOMAIN.md revision 2)
    text = (
        "合同编号,单位,企业名称,统一社会信用代码,企业规模,企业性质,类型,标题,金额,签订日期,"
        "付款依据,付款期限（天）,结算确认金额,结算确认日期,已付金额,付款日期,付款凭证号,"
        "冲正付款凭证号,冲正日期,冲正原因,已付利息,利息支付日期,利息凭证号\n"
        f"W-1,yy-czj,甲公司,{U1},小型,民营,合同,道路工程,900000,2024-03-01,结算,30,"
        "300000,2024-04-01,,,,,,,,,\n"
        "W-1,,,,,,,,,,,,300000,2024-06-01,300000,2024-05-20,回单-1,,,,,,\n"
        "W-1,,,,,,,,,,,,,,,,,回单-1,2024-05-25,退票,,,\n"
        "W-1,,,,,,,,,,,,,,300000,2024-06-10,回单-2,,,,150.00,2024-07-01,息-1\n"
    )
    path = ledger_dir / "结算.csv"
    path.write_bytes(text.encode("utf-8-sig"))
    res = run("import", str(path), "--key", "registrar")
    assert "read 4 rows" in res.stdout
    kinds = [(k, b) for k, _, b in entries(ledger_dir) if b.get("commitment") == "W-1"]
    assert [k for k, _ in kinds] == [
        "commitment.recorded",
        "settlement.confirmed",
        "settlement.confirmed",
        "payment.made",
        "payment.reversed",
        "payment.made",
        "interest.paid",
    ]
    assert kinds[0][1]["terms"] == {"basis": "settlement", "days": 30}
    assert kinds[4][1] == {
        "commitment": "W-1",
        "reference": "回单-1",
        "date": "2024-05-25",
        "reason": "退票",
    }
    assert kinds[6][1]["amount"] == "150.00"
    # a reversal row without its date and reason names the cells; a reused reference is
    # refused naming the first payment; nothing is written
    bad = (
        "合同编号,冲正付款凭证号,冲正日期,已付金额,付款日期,付款凭证号\n"
        "W-1,回单-2,,,,\n"
        "W-1,,,100,2024-07-02,回单-1\n"
    )
    path.write_bytes(bad.encode("utf-8"))
    res = run("import", str(path), "--key", "registrar", code=2)
    assert "冲正日期" in res.stderr and "冲正原因" in res.stderr
    path.write_bytes(bad.replace("W-1,回单-2,,,,\n", "").encode("utf-8"))
    res = run("import", str(path), "--key", "registrar", code=2)
    assert "回单-1" in res.stderr and "never reused" in res.stderr
    assert len([1 for _, _, b in entries(ledger_dir) if b.get("commitment") == "W-1"]) == 7


def test_amounts_kept_in_wan_are_converted_exactly(run: Run, ledger_dir: Path) -> None:
    headers = list(HEADERS)
    headers[8] = "金额（万元）"
    headers[14] = "已付金额（万元）"
    rows = rows_a()
    rows[0][8] = 12.5  # 125,000.00 yuan
    rows[0][14] = 0.12345  # 1,234.50 yuan
    rows[1][8] = "1.23456"  # 12,345.60 yuan
    sheet = write_xlsx(ledger_dir / "台账.xlsx", rows, headers)
    run("import", str(sheet), "--key", "registrar")
    bodies = {(k, b.get("commitment")): b for k, _, b in entries(ledger_dir)}
    assert bodies[("commitment.recorded", "C-2024-031")]["amount"] == "125000.00"
    assert bodies[("payment.made", "C-2024-031")]["amount"] == "1234.50"
    assert bodies[("commitment.recorded", "2024032")]["amount"] == "12345.60"


def test_an_amount_in_wan_finer_than_a_fen_is_refused(run: Run, ledger_dir: Path) -> None:
    headers = list(HEADERS)
    headers[8] = "金额（万元）"
    rows = rows_a()
    rows[0][8] = "12.5000001"  # 125,000.001 yuan
    sheet = write_xlsx(ledger_dir / "台账.xlsx", rows, headers)
    res = run("import", str(sheet), "--key", "registrar", code=2)
    assert f"{sheet}:台账!I2: 金额（万元）" in res.stderr


def test_an_agency_may_be_given_by_name(run: Run, ledger_dir: Path) -> None:
    rows = rows_a()
    rows[0][1] = "岳阳市财政局"
    rows[1][1] = " 岳阳市财政局 "
    sheet = write_xlsx(ledger_dir / "台账.xlsx", rows)
    run("import", str(sheet), "--key", "registrar")
    agencies = {b["agency"] for k, _, b in entries(ledger_dir) if k == "commitment.recorded"}
    assert agencies == {"yy-czj"}


def test_every_error_of_a_sheet_in_one_pass(run: Run, ledger_dir: Path) -> None:
    """Five rows, five different faults: one run names all five (a clerk's day, issue 12)."""
    rows = []
    for n in range(5):
        row = rows_a()[1]
        row[0] = f"C-{n}"
        row[3] = complete_uscc(f"91430602MA4L{n:04d}")
        rows.append(row)
    rows[0][1] = "岳阳市财政厅"  # no such agency (close to 岳阳市财政局)
    rows[1][8] = "12,34.5"  # not an amount
    rows[2][9] = "2024-02-30"  # not a date
    rows[3][6] = "贷款"  # not a type
    rows[4][14] = 99_999_999.0  # paid more than the amount: the ledger's rule, at append
    rows[4][15] = "2024-05-01"
    rows[4][16] = "回单-9"
    sheet = write_xlsx(ledger_dir / "台账.xlsx", rows)
    res = run("import", str(sheet), "--key", "registrar", "--dry-run", code=2)
    cells = [line.split(": ", 2)[1] for line in res.stderr.splitlines()[:-1]]
    assert [c.rsplit("!", 1)[1] for c in cells] == ["B2", "I3", "J4", "G5", "O6"]
    assert "yy-czj（岳阳市财政局）" in res.stderr
    assert res.stderr.splitlines()[-1] == "error: 5 errors; nothing was written"


def test_many_errors_are_capped_on_screen(run: Run, ledger_dir: Path) -> None:
    rows = []
    for n in range(60):
        row = rows_a()[1]
        row[0] = f"C-{n}"
        row[8] = "not money"
        rows.append(row)
    sheet = write_xlsx(ledger_dir / "台账.xlsx", rows)
    res = run("import", str(sheet), "--key", "registrar", code=2)
    lines = res.stderr.splitlines()
    assert len(lines) == 52 and "10 more not shown" in lines[50]
    assert lines[-1] == "error: 60 errors; nothing was written"
    res = run("-v", "import", str(sheet), "--key", "registrar", code=2)
    assert len(res.stderr.splitlines()) == 61


def test_a_sheet_can_come_from_standard_input(run: Run, ledger_dir: Path) -> None:
    text = (
        "合同编号,单位,企业名称,统一社会信用代码,企业规模,企业性质,类型,标题,金额,签订日期,"
        "付款依据,付款期限（天）\n"
        f"C-9,岳阳市财政局,甲公司,{U1},小型,民营,合同,修路,5000,2024-03-01,交付,30\n"
    )
    env = {
        "LEDGER_PASSPHRASE": "correct horse battery staple",
        "LEDGER_KEYSTORE": str(ledger_dir / "keystore"),
        "LEDGER_DB": f"sqlite:///{ledger_dir / 'ledger.db'}",
    }
    res = CliRunner().invoke(
        cli, ["import", "-", "--key", "registrar"], input=text.encode("utf-8"), env=env
    )
    assert res.exit_code == 0, res.output
    assert "read 1 rows" in res.stdout
    sheet = write_xlsx(ledger_dir / "台账.xlsx", rows_a())
    res = CliRunner().invoke(
        cli, ["import", "-", "--key", "registrar"], input=sheet.read_bytes(), env=env
    )
    assert res.exit_code == 0, res.output
    assert "read 2 rows" in res.stdout
