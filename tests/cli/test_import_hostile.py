"""Hostile and careless sheets (issue 13 items 6, 7 and 13): refused, naming the cell, exit 2.

Formula cells with no saved value, hidden sheets, rows and columns, CSV files
in an encoding that is neither UTF-8 nor GB18030, a 200 MB title cell in a
small workbook, malformed, XXE and billion-laughs workbooks, and a corrected
payment under the same voucher number.
"""

from __future__ import annotations

import re
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result
from ledger_cli.main import cli

from tests.cli.test_import_cli import HEADERS, entries, rows_a, write_xlsx

Run = Callable[..., Result]


def _runner(tmp_path: Path, db: str) -> Run:
    env = {
        "LEDGER_PASSPHRASE": "correct horse battery staple",
        "LEDGER_KEYSTORE": str(tmp_path / "keystore"),
        "LEDGER_DB": db,
    }
    runner = CliRunner()

    def invoke(*args: str, code: int = 0) -> Result:
        res = runner.invoke(cli, list(args), env=env, catch_exceptions=False)
        assert res.exit_code == code, (args, res.stdout, res.stderr)
        if code:
            assert "Traceback" not in res.stderr
        return res

    return invoke


def _setup(run: Run) -> None:
    run("init", "--origin", "ledger.czj.yueyang.example/commitments")
    run("keys", "new", "registrar", "--role", "recorder", "--agency", "*")
    agency = ("--name", "岳阳市财政局", "--category", "organ", "--region", "430600")
    run("record", "agency", "--id", "yy-czj", *agency, "--key", "registrar")


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.chdir(tmp_path)
    r = _runner(tmp_path, f"sqlite:///{tmp_path / 'ledger.db'}")
    _setup(r)
    return r


@pytest.fixture(params=["sqlite", pytest.param("pg", marks=pytest.mark.pg)])
def any_run(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Run]:
    monkeypatch.chdir(tmp_path)
    if request.param == "sqlite":
        db = f"sqlite:///{tmp_path / 'ledger.db'}"
    else:
        db = request.getfixturevalue("pg_url")
    r = _runner(tmp_path, db)
    _setup(r)
    yield r


def _refused(run: Run, path: Path, *words: str, extra: tuple[str, ...] = ()) -> str:
    before = entries(path.parent)
    res = run("import", str(path), "--key", "registrar", *extra, code=2)
    for w in words:
        assert w in res.stderr, res.stderr
    assert entries(path.parent) == before
    return res.stderr


# ------------------------------------------------------------------ formulas


def test_a_formula_without_a_saved_value_is_refused_naming_the_cell(
    run: Run, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "f.xlsx", rows_a())
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws["M2"] = "=DATE(2024,4,1)"  # 交付日期: openpyxl saves no cached value
    wb.save(path)
    err = _refused(run, path, "f.xlsx:台账!M2", "formula with no saved value")
    assert len(err.strip().splitlines()) == 1


def test_a_formula_with_its_saved_value_is_read(run: Run, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "g.xlsx", rows_a())
    wb = openpyxl.load_workbook(path)
    wb.active["L3"] = "=30+30"  # 付款期限（天）
    wb.save(path)
    _patch(path, "xl/worksheets/sheet1.xml", b"<f>30+30</f><v /></c>", b"<f>30+30</f><v>60</v></c>")
    res = run("import", str(path), "--key", "registrar")
    assert "read 2 rows" in res.stdout
    recorded = [b for k, _, b in entries(tmp_path) if k == "commitment.recorded"]
    assert {"basis": "delivery", "days": 60} in [b["terms"] for b in recorded]


def _patch(path: Path, member: str, old: bytes, new: bytes) -> None:
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    assert old in parts[member], parts[member][:2000]
    parts[member] = parts[member].replace(old, new)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


# ------------------------------------------------------------------ hidden content


def test_the_active_sheet_is_read_not_a_hidden_first_one(run: Run, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "h.xlsx", rows_a(), title="真实台账")
    wb = openpyxl.load_workbook(path)
    decoy = wb.create_sheet("旧数据", 0)
    decoy.append(HEADERS)
    decoy.append(
        [
            "C-DECOY",
            "yy-czj",
            "x",
            rows_a()[0][3],
            "小型",
            "民营",
            "合同",
            "诱饵",
            1.0,
            "2024-01-01",
            "交付",
            1,
        ]
    )
    decoy.sheet_state = "hidden"
    wb.active = 1
    wb.save(path)
    res = run("import", str(path), "--key", "registrar")
    assert "hidden sheet '旧数据' was not read" in res.stderr
    ids = {b.get("commitment") for _, _, b in entries(tmp_path)}
    assert "C-2024-031" in ids and "C-DECOY" not in ids


def test_a_hidden_active_sheet_needs_include_hidden(run: Run, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "hs.xlsx", rows_a())
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("说明")
    wb.active.sheet_state = "hidden"
    wb.save(path)
    # openpyxl, like Excel, opens on a visible sheet when the active one is hidden
    _refused(run, path, "the sheet is empty")
    sheet = ("--sheet", "台账")
    _refused(run, path, "sheet '台账' is hidden", "--include-hidden", extra=sheet)
    res = run("import", str(path), "--key", "registrar", *sheet, "--include-hidden")
    assert "read 2 rows" in res.stdout


def test_hidden_rows_and_columns_are_refused_unless_included(run: Run, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "hr.xlsx", rows_a())
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws.row_dimensions[3].hidden = True
    ws.column_dimensions["Q"].hidden = True  # 付款凭证号
    wb.save(path)
    err = _refused(run, path, "hr.xlsx:台账!A3: the cell is in hidden row 3", "hr.xlsx:台账!Q2")
    assert "hidden column Q" in err
    res = run("import", str(path), "--key", "registrar", "--include-hidden")
    assert "read 2 rows" in res.stdout


def test_an_empty_hidden_column_is_no_problem(run: Run, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "hc.xlsx", rows_a())
    wb = openpyxl.load_workbook(path)
    wb.active.column_dimensions["Z"].hidden = True
    wb.save(path)
    assert "read 2 rows" in run("import", str(path), "--key", "registrar").stdout


# ------------------------------------------------------------------ CSV encodings

_CSV = (
    "commitment,agency,uscc,enterprise_name,size,ownership,type,title,amount,signed_on,basis,days\n"
)


def _csv_rows(title: str = "道路維修工程款項", name: str = "岳陽市某某建設有限公司") -> str:
    u = rows_a()[0][3]
    return (
        _CSV
        + f"C-1,yy-czj,{u},{name},small,private,contract,{title},100.00,2024-03-01,delivery,30\n"
    )


@pytest.mark.parametrize("encoding", ["big5", "shift_jis"])
def test_a_csv_in_another_encoding_needs_encoding(run: Run, tmp_path: Path, encoding: str) -> None:
    text = (
        _csv_rows()
        if encoding == "big5"
        else _csv_rows().replace("道路維修工程款項", "道路の維持管理")
    )
    path = tmp_path / f"{encoding}.csv"
    path.write_bytes(text.encode(encoding))
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    path.read_bytes().decode("gb18030")  # decodes "fine" into garbage: the trap
    _refused(run, path, "--encoding", "Big5" if encoding == "big5" else "Shift-JIS")


def test_csv_in_utf8_gb18030_and_a_given_encoding(run: Run, tmp_path: Path) -> None:
    for name, raw in (
        ("u8.csv", _csv_rows().encode("utf-8")),
        ("bom.csv", _csv_rows().encode("utf-8-sig")),
        ("gb.csv", _csv_rows().encode("gb18030")),
    ):
        (tmp_path / name).write_bytes(raw)
        res = run("import", str(tmp_path / name), "--key", "registrar", "--dry-run")
        assert "read 1 rows" in res.stdout, name
    (tmp_path / "b5.csv").write_bytes(_csv_rows().encode("big5"))
    run("import", str(tmp_path / "b5.csv"), "--key", "registrar", "--encoding", "big5")
    titles = [b["title"] for k, _, b in entries(tmp_path) if k == "commitment.recorded"]
    assert titles == ["道路維修工程款項"]


# ------------------------------------------------------------------ sizes


def test_a_200_mb_title_cell_is_refused_cheaply(run: Run, tmp_path: Path) -> None:
    small = write_xlsx(tmp_path / "small.xlsx", rows_a())
    path = tmp_path / "huge.xlsx"
    with zipfile.ZipFile(small) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info.filename, data)
                continue
            head, _, tail = data.partition("道路维修".encode())
            with dst.open(info.filename, "w", force_zip64=True) as fh:
                fh.write(head)
                chunk = "道路维修".encode() * (1 << 18)
                for _ in range((200 << 20) // len(chunk)):
                    fh.write(chunk)
                fh.write(tail)
    assert path.stat().st_size < 2 << 20
    start = time.monotonic()
    _refused(run, path, "xl/worksheets/sheet1.xml", "zip bomb")
    assert time.monotonic() - start < 5


def test_a_long_title_in_a_plain_sheet_is_refused_naming_the_cell(run: Run, tmp_path: Path) -> None:
    rows = rows_a()
    rows[0][7] = "超长标题" * 126  # 504 characters, title limit 500
    path = write_xlsx(tmp_path / "long.xlsx", rows)
    _refused(run, path, "long.xlsx:台账!H2", "at most 500 characters")


# ------------------------------------------------------------------ malformed XML


def _with_doctype(tmp_path: Path, name: str, doctype: bytes, entity: bytes) -> Path:
    """The test sheet with a DOCTYPE, and the title cell replaced by an entity reference."""
    path = write_xlsx(tmp_path / name, rows_a())
    _patch(path, "xl/worksheets/sheet1.xml", b"<worksheet ", doctype + b"<worksheet ")
    _patch(path, "xl/worksheets/sheet1.xml", "道路维修".encode(), entity)
    return path


def test_an_xxe_workbook_is_refused(run: Run, tmp_path: Path) -> None:
    doctype = b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    path = _with_doctype(tmp_path, "xxe.xlsx", doctype, b"&xxe;")
    err = _refused(run, path, "not a readable .xlsx")
    assert "root:" not in err


def test_a_billion_laughs_workbook_is_refused(run: Run, tmp_path: Path) -> None:
    ents = b'<!ENTITY a0 "ha">' + b"".join(
        b'<!ENTITY a%d "%s">' % (i, b"".join(b"&a%d;" % (i - 1) for _ in range(10)))
        for i in range(1, 10)
    )
    path = _with_doctype(tmp_path, "lol.xlsx", b"<!DOCTYPE worksheet [" + ents + b"]>", b"&a9;")
    _refused(run, path, "not a readable .xlsx")


@pytest.mark.parametrize(
    "damage",
    [
        lambda parts: parts.update(
            {"xl/worksheets/sheet1.xml": parts["xl/worksheets/sheet1.xml"][:-300]}
        ),
        lambda parts: parts.update({"xl/styles.xml": b"<styleSheet><unclosed"}),
        lambda parts: parts.pop("xl/workbook.xml"),
        lambda parts: parts.update({"xl/worksheets/sheet1.xml": b"\xff\xfe garbage"}),
    ],
    ids=["truncated-sheet", "broken-styles", "no-workbook", "garbage-sheet"],
)
def test_a_malformed_workbook_is_bad_input(
    run: Run, tmp_path: Path, damage: Callable[[dict[str, bytes]], object]
) -> None:
    path = write_xlsx(tmp_path / "bad.xlsx", rows_a())
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    damage(parts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, data in parts.items():
            zf.writestr(member, data)
    err = _refused(run, path, "bad.xlsx")
    assert re.match(r"error: .*bad\.xlsx", err), err


# ------------------------------------------------------------------ payment references


def test_a_corrected_amount_under_the_same_voucher_is_refused(any_run: Run, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "p.xlsx", rows_a())
    any_run("import", str(path), "--key", "registrar")
    rows = rows_a()
    rows[0][14] = 1500.0  # 已付金额 corrected, same 付款凭证号 银行回单-0042
    fixed = write_xlsx(tmp_path / "p2.xlsx", rows)
    res = any_run("import", str(fixed), "--key", "registrar", code=2)
    assert "p2.xlsx:台账!Q2" in res.stderr, res.stderr
    assert "'银行回单-0042' is already used by the payment at seq" in res.stderr
    assert "reversing that payment" in res.stderr
    # the same sheet again is a harmless re-run
    assert "appended 0 entries" in any_run("import", str(path), "--key", "registrar").stdout
