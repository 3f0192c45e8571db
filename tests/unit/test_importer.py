"""ledger.importer: headers, cell conversion, rows → statements (no files, no database)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest

from ledger.domain.registry import EnterpriseNames
from ledger.errors import BadInput, InputErrors
from ledger.importer import (
    COLUMNS,
    ImportPlan,
    KnownEnterprise,
    SheetImporter,
    convert_cell,
    is_header_row,
    known_enterprises,
    map_headers,
)
from ledger.uscc import complete_uscc

U1 = complete_uscc("91430600MA4L0000")
U2 = complete_uscc("91430602MA4L1234")
COL = {c.key: c for c in COLUMNS}


def locate(row: int, col: int | None) -> str:
    """Like the xlsx reader: Sheet1!F17, or Sheet1!17:17 for a whole row."""
    if col is None:
        return f"t.xlsx:Sheet1!{row}:{row}"
    return f"t.xlsx:Sheet1!{chr(ord('A') + col)}{row}"


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


def row(**values: object) -> list[object]:
    """A data row under HEADERS, by English key."""
    keys = [
        "commitment",
        "agency",
        "enterprise_name",
        "uscc",
        "size",
        "ownership",
        "type",
        "title",
        "amount",
        "signed_on",
        "basis",
        "days",
        "delivered_on",
        "accepted_on",
        "paid",
        "paid_on",
        "reference",
    ]
    unknown = set(values) - set(keys)
    assert not unknown, unknown
    return [values.get(k) for k in keys]


def full(cid: str = "C-1", uscc: str = U1, **over: object) -> list[object]:
    base: dict[str, object] = {
        "commitment": cid,
        "agency": "yy-czj",
        "enterprise_name": "甲公司",
        "uscc": uscc,
        "size": "小型",
        "ownership": "民营",
        "type": "合同",
        "title": "道路维修",
        "amount": 125000.0,
        "signed_on": dt.datetime(2024, 3, 1),
        "basis": "交付",
        "days": 30,
    }
    base.update(over)
    return row(**base)


def run(
    rows: Sequence[Sequence[object]],
    headers: Sequence[object] = HEADERS,
    known: dict[str, KnownEnterprise] | None = None,
    **kw: str,
) -> ImportPlan:
    imp = SheetImporter(headers, 1, locate, **kw)
    for i, values in enumerate(rows, start=2):
        imp.add_row(i, values)
    return imp.plan(known or {})


def errors_of(exc: pytest.ExceptionInfo[BadInput]) -> list[str]:
    err = exc.value
    return [str(e) for e in err.errors] if isinstance(err, InputErrors) else [str(err)]


def kinds(plan: ImportPlan) -> list[str]:
    return [d.kind for d in plan.drafts]


# ---------------------------------------------------------------- headers


def test_headers_chinese_english_mixed_and_parentheses() -> None:
    headers = [
        " 合同编号 ",
        "agency",
        "付款期限(天)",
        "验收期限（ 天 ）",
        "Signed_On",
        "INTEREST-RATE",
        "约定利率",
        None,
    ][:-2]
    mapping, labels = map_headers(headers, 1, locate)
    assert [c.key for c in mapping.values()] == [
        "commitment",
        "agency",
        "days",
        "acceptance_days",
        "signed_on",
        "interest_rate",
    ]
    assert labels["days"] == "付款期限(天)"


def test_unknown_and_duplicate_headers_name_the_cell() -> None:
    with pytest.raises(BadInput) as exc:
        map_headers(["合同编号", "金额", "金 额x", "amount", "项目名称", "title"], 1, locate)
    msgs = errors_of(exc)
    assert msgs[0].startswith("t.xlsx:Sheet1!C1: 未知的列标题 '金 额x'")
    assert "（unknown column header '金 额x'" in msgs[0]
    assert msgs[1].startswith("t.xlsx:Sheet1!D1: 列标题 'amount' 与 '金额'")
    assert "（column header 'amount' repeats '金额'" in msgs[1]
    assert "t.xlsx:Sheet1!B1" in msgs[1]
    assert msgs[2].startswith("t.xlsx:Sheet1!F1: 列标题 'title' 与 '项目名称'")
    assert "（column header 'title' repeats '项目名称'" in msgs[2]
    assert len(msgs) == 3


def test_header_needs_the_commitment_column() -> None:
    with pytest.raises(
        BadInput,
        match=r"Sheet1!1:1: 表头中没有合同编号列（the header has no 合同编号 \(commitment\)",
    ):
        map_headers(["金额"], 1, locate)


def test_is_header_row() -> None:
    assert is_header_row(["", "合同编号 ", "金额"])
    assert is_header_row(["commitment"])
    assert not is_header_row(["岳阳市财政局拖欠账款台账", None])


# ---------------------------------------------------------------- cells


@pytest.mark.parametrize(
    ("value", "fen"),
    [
        (1234.5, 123450),
        (1234.56, 123456),
        (100, 10000),
        (0.07, 7),
        ("125000.00", 12500000),
        ("125,000.00", 12500000),
        ("1,234,567.8", 123456780),
        ("12.5", 1250),
        ("12", 1200),
        (" 12.50 ", 1250),
        ("１２５，０００．００", 12500000),  # full-width digits and separators
    ],
)
def test_money_cells(value: object, fen: int) -> None:
    assert convert_cell(COL["amount"], value) == fen


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("12,3.4", "is not an amount"),
        ("1,2345.00", "is not an amount"),
        ("12.345", "more than two decimal places"),
        ("-5.00", "is not an amount"),
        ("1e3", "is not an amount"),
        ("012.00", "is not an amount"),
        ("12.", "is not an amount"),
        ("¥12.00", "is not an amount"),
        (0.1 + 0.2, "is not an exact amount"),
        (1234.5000000001, "is not an exact amount"),
        (True, "is not an amount"),
        (dt.date(2024, 1, 1), "is not an amount"),
    ],
)
def test_money_cells_refused(value: object, why: str) -> None:
    with pytest.raises(BadInput, match=why):
        convert_cell(COL["amount"], value)


def test_money_message_quotes_the_text() -> None:
    with pytest.raises(BadInput) as exc:
        convert_cell(COL["amount"], "12,3.4")
    message = str(exc.value)
    assert message.startswith('金额 "12,3.4"：不是有效金额')
    assert '（金额 "12,3.4" is not an amount (digits' in message


@pytest.mark.parametrize(
    ("value", "date"),
    [
        (dt.datetime(2024, 3, 1), dt.date(2024, 3, 1)),
        (dt.date(2024, 3, 1), dt.date(2024, 3, 1)),
        ("2024-03-01", dt.date(2024, 3, 1)),
        ("2024/3/1", dt.date(2024, 3, 1)),
        ("2024.03.01", dt.date(2024, 3, 1)),
        ("2024年3月1日", dt.date(2024, 3, 1)),
        ("２０２４－０３－０１", dt.date(2024, 3, 1)),
        ("2024/3/1 0:00", dt.date(2024, 3, 1)),
        ("2024-02-29", dt.date(2024, 2, 29)),
    ],
)
def test_date_cells(value: object, date: dt.date) -> None:
    assert convert_cell(COL["signed_on"], value) == date


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("2023-02-29", "not a calendar date"),
        ("2024-13-01", "not a calendar date"),
        ("2024年2月30日", "not a calendar date"),
        ("01/03/2024", "is not a date"),
        ("20240301", "is not a date"),
        (45352, "is a number, not a date"),
        (dt.datetime(2024, 3, 1, 9, 30), "time of day"),
    ],
)
def test_date_cells_refused(value: object, why: str) -> None:
    with pytest.raises(BadInput, match=why):
        convert_cell(COL["signed_on"], value)


def test_enum_days_rate_id_uscc_cells() -> None:
    assert convert_cell(COL["size"], "小型") == "small"
    assert convert_cell(COL["size"], " 微型企业 ") == "micro"
    assert convert_cell(COL["size"], "Medium") == "medium"
    assert convert_cell(COL["type"], "应付账款") == "payable"
    assert convert_cell(COL["basis"], "约定日期") == "date"
    assert convert_cell(COL["method"], "商业汇票") == "bill"
    assert convert_cell(COL["ownership"], "国有") == "state"
    with pytest.raises(BadInput, match="is not one of 微型/micro, 小型/small"):
        convert_cell(COL["size"], "小微")
    assert convert_cell(COL["days"], 30) == 30
    assert convert_cell(COL["days"], 30.0) == 30
    assert convert_cell(COL["days"], "３０天") == 30
    with pytest.raises(BadInput, match="whole number of days"):
        convert_cell(COL["days"], 30.5)
    assert convert_cell(COL["interest_rate"], 3.45) == "3.45"
    assert convert_cell(COL["interest_rate"], "3.45%") == "3.45"
    with pytest.raises(BadInput, match="not an annual percent rate"):
        convert_cell(COL["interest_rate"], "-1")
    assert convert_cell(COL["commitment"], 2024031) == "2024031"
    assert convert_cell(COL["commitment"], " C-1 ") == "C-1"
    with pytest.raises(BadInput, match="enter ids as text"):
        convert_cell(COL["commitment"], 12.5)
    with pytest.raises(BadInput, match="mangled the USCC"):
        convert_cell(COL["uscc"], 9.14306e17)
    assert convert_cell(COL["conditions"], "审计结算；竣工备案;\n ") == ["审计结算", "竣工备案"]


# ---------------------------------------------------------------- rows


def test_row_yields_registration_then_commitment_events() -> None:
    plan = run(
        [
            full(
                delivered_on="2024-04-01",
                accepted_on=dt.datetime(2024, 4, 10),
                paid="40,000.5",
                paid_on="2024年5月1日",
                reference="回单-1",
            ),
            full("C-2", U2, enterprise_name="乙公司", size="medium", amount="12.5"),
        ]
    )
    assert kinds(plan) == [
        "enterprise.registered",
        "enterprise.registered",
        "commitment.recorded",
        "commitment.delivered",
        "commitment.accepted",
        "payment.made",
        "commitment.recorded",
    ]
    assert [d.line for d in plan.drafts] == list(range(1, 8))
    assert plan.rows == 2 and plan.registrations == 2
    d = plan.drafts
    assert d[0].body == {"uscc": U1, "name": "甲公司", "size": "small", "ownership": "private"}
    assert d[2].body == {
        "commitment": "C-1",
        "type": "contract",
        "agency": "yy-czj",
        "enterprise": U1,
        "title": "道路维修",
        "amount": "125000.00",
        "signed_on": "2024-03-01",
        "terms": {"basis": "delivery", "days": 30},
    }
    assert d[3].body == {"commitment": "C-1", "date": "2024-04-01"}
    assert d[4].body == {"commitment": "C-1", "date": "2024-04-10"}
    assert d[5].body == {
        "commitment": "C-1",
        "amount": "40000.50",
        "date": "2024-05-01",
        "reference": "回单-1",
        "method": "transfer",
    }
    assert d[6].body["amount"] == "12.50"
    assert plan.origins[5].row == 2 and plan.origins[6].row == 3


def test_every_bad_cell_is_reported_with_its_ref() -> None:
    with pytest.raises(InputErrors) as exc:
        run(
            [
                full(amount="12,3.4", signed_on="2024-02-30"),
                full("C-2", size="巨型"),
                full("C-3", paid=100.0, reference="r"),
            ]
        )
    assert errors_of(exc) == [
        (
            't.xlsx:Sheet1!I2: 金额 "12,3.4"：不是有效金额（只能是数字，千位分隔符只能写成 '
            '1,234,567.89 的样式）（金额 "12,3.4" is not an amount '
            "(digits, thousands separators only as 1,234,567.89)）"
        ),
        (
            't.xlsx:Sheet1!J2: 签订日期 "2024-02-30"：不是存在的日期'
            '（签订日期 "2024-02-30" is not a calendar date）'
        ),
        (
            't.xlsx:Sheet1!E3: 企业规模 "巨型"：不是可选取值，可选：微型/micro、小型/small、'
            '中型/medium、大型/large（企业规模 "巨型" is not one of 微型/micro, 小型/small, '
            "中型/medium, 大型/large）"
        ),
        "t.xlsx:Sheet1!P4: 填写已付金额时须填写付款日期（付款日期 is required with 已付金额）",
    ]


def test_payment_columns_without_an_amount_are_refused() -> None:
    with pytest.raises(
        BadInput,
        match=r"Sheet1!P2: 填写了付款日期，但已付金额为空或为 0（付款日期 is given but 已付金额 is blank or 0）",
    ):
        run([full(paid="0", paid_on="2024-05-01")])
    assert kinds(run([full(paid=0)])) == ["enterprise.registered", "commitment.recorded"]


def test_required_columns_and_missing_columns() -> None:
    with pytest.raises(InputErrors) as exc:
        run([full(title=None, basis=None), row(commitment="C-2", amount="1.00")])
    msgs = errors_of(exc)
    assert msgs[0] == (
        "t.xlsx:Sheet1!H2: 登记承诺时须填写标题（标题 is required to record a commitment）"
    )
    assert msgs[1] == (
        "t.xlsx:Sheet1!K2: 登记承诺时须填写付款依据（付款依据 is required to record a commitment）"
    )
    assert [m.split(":")[1] for m in msgs[2:]] == [
        "Sheet1!G3",
        "Sheet1!B3",
        "Sheet1!D3",
        "Sheet1!H3",
        "Sheet1!J3",
        "Sheet1!K3",
    ]
    headers = ["合同编号", "类型", "标题", "金额", "签订日期", "付款依据", "统一社会信用代码"]
    rows = [["C-1", "合同", "t", "1.00", "2024-01-01", "交付", U1]] * 2
    with pytest.raises(BadInput) as exc:
        run(rows, headers)
    msgs = errors_of(exc)
    # a column the sheet lacks is reported once, on the first row that needs it
    assert msgs[0] == (
        "t.xlsx:Sheet1!2:2: 登记承诺时须填写单位 (agency)，但表中没有这一列"
        "（单位 (agency) is required to record a commitment, "
        "but the sheet has no such column）"
    )
    assert len(msgs) == 1


def test_default_agency_fills_blanks() -> None:
    plan = run([full(agency=None)], default_agency="yy-czj")
    assert plan.drafts[1].body["agency"] == "yy-czj"


def test_repeated_commitment_rows_add_payments() -> None:
    plan = run(
        [
            full(paid="100.00", paid_on="2024-05-01", reference="r1"),
            full(paid="200.00", paid_on="2024-06-01", reference="r2"),
            row(commitment="C-1", paid="300.00", paid_on="2024-07-01", reference="r3"),
            row(commitment="C-0", delivered_on="2024-07-01"),  # a commitment already in the ledger
        ]
    )
    assert kinds(plan) == [
        "enterprise.registered",
        "commitment.recorded",
        "payment.made",
        "payment.made",
        "payment.made",
        "commitment.delivered",
    ]


def test_a_repeated_commitment_must_repeat_its_definition() -> None:
    with pytest.raises(BadInput) as exc:
        run([full(), full(amount="130000.00")])
    assert errors_of(exc) == [
        (
            "t.xlsx:Sheet1!I3: 合同编号 'C-1' 已在第 2 行定义，但金额不同；"
            "后面的行只能原样重复该定义或留空"
            "（合同编号 'C-1' is already defined in row 2 with a different 金额; "
            "a later row may repeat the definition exactly or leave it blank）"
        )
    ]


def test_one_enterprise_must_be_described_alike() -> None:
    with pytest.raises(
        BadInput,
        match=r"Sheet1!C3: 企业名称 \"丙公司\" 与第 2 行的 \"甲公司\" 不一致.*"
        r"（企业名称 \"丙公司\" differs from row 2",
    ):
        run([full(), full("C-2", enterprise_name="丙公司")])


def test_known_enterprises_are_not_registered_and_disagreements_warned() -> None:
    plan = run([full()], known={U1: KnownEnterprise("甲公司", "medium")})
    assert kinds(plan) == ["commitment.recorded"]
    assert plan.registrations == 0
    assert plan.warnings == (
        (
            f't.xlsx:Sheet1!E2: 警告：企业 {U1} 的企业规模 "small" 与账本中的 "medium" 不一致；'
            "以账本记录为准（如需修改，请登记 enterprise-update）"
            '（warning: 企业规模 "small" differs from the ledger\'s "medium" for '
            f"{U1}; the ledger's record stands (record an enterprise-update to change it)）"
        ),
    )


def test_registration_needs_name_size_and_ownership() -> None:
    with pytest.raises(BadInput) as exc:
        run([full(ownership=None)])
    assert errors_of(exc) == [
        (
            f"t.xlsx:Sheet1!F2: 登记账本中尚无的企业 {U1} 时须填写企业性质"
            f"（企业性质 is required to register enterprise {U1}, "
            "which is not in the ledger yet）"
        )
    ]
    # known: nothing more is needed
    plan = run([full(ownership=None, size=None)], known={U1: KnownEnterprise("甲公司", "small")})
    assert kinds(plan) == ["commitment.recorded"]


def test_body_rules_name_the_cell() -> None:
    headers = [*HEADERS, "付款方式", "约定付款日期"]
    with pytest.raises(InputErrors) as exc:
        run(
            [
                [*full(basis="约定日期", days=None), None, None],
                [
                    *full("C-2", paid="1.00", paid_on="2024-05-01", reference="r"),
                    "商业汇票",
                    None,
                ],
            ],
            headers,
        )
    assert errors_of(exc) == [
        "t.xlsx:Sheet1!S2: 约定付款日期: 付款依据为 date 时必须填写（is required when basis is date）",
        (
            "t.xlsx:Sheet1!3:3: 票据到期日 (maturity): 以 bill 付款时必须填写"
            "（is required for a bill payment）"
        ),
    ]


def test_invalid_uscc_names_its_cell() -> None:
    bad = U1[:-1] + ("0" if U1[-1] != "0" else "1")
    with pytest.raises(
        BadInput,
        match=r"^t.xlsx:Sheet1!D2: 统一社会信用代码: 统一社会信用代码校验位错误.*（GB 32100 mod-31 check failed",
    ):
        run([full(uscc=bad)])


def test_blank_rows_and_ignored_columns() -> None:
    headers = ["序号", *HEADERS, "备注"]
    plan = run([[1, *full(), "备注"], [2, *row(), None], [None] * 19, []], headers)
    assert plan.rows == 1
    assert kinds(plan) == ["enterprise.registered", "commitment.recorded"]


def test_a_value_under_no_header_is_refused() -> None:
    with pytest.raises(
        BadInput,
        match=r"Sheet1!B2: 没有表头的列中有值 \"x\"（\"x\" is in a column with no header）",
    ):
        run([["C-1", "x"]], ["合同编号", None])


def test_locate_append_error() -> None:
    imp = SheetImporter(HEADERS, 1, locate)
    imp.add_row(2, full(paid="1.00", paid_on="2024-05-01", reference="r"))
    plan = imp.plan({})
    assert (
        imp.locate_append_error(plan, 2, "body.agency: unknown agency 'yy-czj'")
        == "t.xlsx:Sheet1!B2: 单位: unknown agency 'yy-czj'"
    )
    assert (
        imp.locate_append_error(plan, 3, "body.amount: above the outstanding 0.00")
        == "t.xlsx:Sheet1!O2: 已付金额: above the outstanding 0.00"
    )
    assert (
        imp.locate_append_error(plan, 1, "recorder 'x' is scoped to a")
        == "t.xlsx:Sheet1!2:2: enterprise.registered: recorder 'x' is scoped to a"
    )


def test_known_enterprises_are_the_current_record() -> None:
    u1 = EnterpriseNames("甲", "small")
    u1.update(dt.date(2024, 6, 1), 7, None, "large")
    u1.update(dt.date(2024, 1, 1), 9, "甲二", "medium")  # recorded later, effective earlier
    assert known_enterprises({U1: u1}) == {U1: KnownEnterprise("甲二", "large")}
