"""The errors a clerk meets read Chinese first: ``中文（English）``.

For a representative bad value of every field type the event declarations
use, for the body-level refusals (unknown field, required, null, not an
object, unknown kind) and for each kind's cross-field checks, the reason
starts with a Chinese character and holds the English text whole inside the
closing full-width parentheses (tests and users still search for it).  The
compiled parser and the field-by-field :class:`_Obj` give the same words.
Spreadsheet cells say it the same way (:func:`ledger.columns.cell_message`).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from ledger.columns import COLUMNS, convert_cell
from ledger.domain import events as ev
from ledger.domain.events import EVENT_CLASSES, FieldType, parse_body
from ledger.errors import BadInput, FieldError, both, split_both
from tests.unit.test_events import BAD_MOD31, VALID


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _zh_first(reason: str, english: str) -> None:
    zh, en = split_both(reason)
    assert _cjk(reason[0]), reason
    assert zh != reason and any(_cjk(c) for c in zh), reason
    assert english in en, (english, reason)
    assert reason.endswith(f"（{en}）")


# The English of the refusal of one representative bad value, per field type name.
BAD_VALUES: dict[str, tuple[object, str]] = {
    "id": (7, "an id must be a string, not int"),
    "label": (" r-1", "must not start or end with whitespace: ' r-1'"),
    "name": ("", "text must not be empty"),
    "title": ("标" * 501, "a title is at most 500 characters, got 501"),
    "reason": ("a\x00b", "contains a control character U+0000 at character 2"),
    "agency": ("*", "'*' is not an agency id (only a key scope may be '*')"),
    "key name": ("a b", "a key name must not contain spaces or '+': 'a b'"),
    "verifier key": ("nope", "'nope' is not a verifier key <name>+<8 hex digits>+<base64>"),
    "date": ("2024/03/01", "a date must be a string YYYY-MM-DD, not '2024/03/01'"),
    "days": (36_501, "days must be between 0 and 36500, got 36501"),
    "bool": ("yes", "must be true or false, not str 'yes'"),
    "money": (12.5, 'money must be a decimal string with two places, like "1234.50", not float'),
    "rate": (3.45, 'a rate must be a decimal string of annual percent, like "3.45", not float'),
    "region": ("4306", "a region must be a 6-digit division code string, not '4306'"),
    "sha256": ("ABC", "must be a SHA-256 as 64 lower-case hex digits, not 'ABC'"),
    "uscc": (BAD_MOD31, "GB 32100 mod-31 check failed: character 18 is 'B'"),
}


def _field_types() -> dict[str, FieldType[Any]]:
    found: dict[str, FieldType[Any]] = {}
    for cls in (*EVENT_CLASSES.values(), ev.Terms, ev.Changes):
        for spec in cls.specs():
            found.setdefault(spec.type.name, spec.type)
    return found


FIELD_TYPES = _field_types()


def _bad_value(ftype: FieldType[Any]) -> tuple[object, str]:
    if ftype.choices:
        return "bogus", f"'bogus' is not one of {', '.join(ftype.choices)}"
    if ftype.item is not None:
        return "x", "must be a list, not str"
    if ftype.record is not None:
        return [], "must be a JSON object, not list"
    return BAD_VALUES[ftype.name]


@pytest.mark.parametrize("name", sorted(FIELD_TYPES))
def test_every_field_type_refuses_in_chinese_first(name: str) -> None:
    ftype = FIELD_TYPES[name]
    value, english = _bad_value(ftype)
    with pytest.raises(FieldError) as err:
        ftype.parse(value, "body.x")
    assert err.value.field == "body.x"
    assert str(err.value).startswith("body.x: ")
    _zh_first(err.value.reason, english)


def test_every_plain_field_type_has_a_representative() -> None:
    plain = {n for n, t in FIELD_TYPES.items() if not (t.choices or t.item or t.record)}
    assert plain == set(BAD_VALUES)


def test_money_and_rate_typos_read_chinese_first() -> None:
    for value, english in (
        ("1,000.00", "must not contain thousands separators: '1,000.00'"),
        ("12.3", "must have exactly two decimal places, got '12.3'"),
        ("abc", "'abc' is not a decimal amount"),
        ("0.00", "must be positive, not 0.00"),
    ):
        with pytest.raises(FieldError) as err:
            ev.MONEY.parse(value, "body.amount")
        _zh_first(err.value.reason, english)
    with pytest.raises(FieldError) as err:
        ev.RATE.parse("-1", "body.interest_rate")
    _zh_first(err.value.reason, "'-1' is not an annual percent rate")


def _edit(kind: str, **changes: object) -> dict[str, object]:
    body = copy.deepcopy(VALID[kind])
    for key, value in changes.items():
        if value is None:
            del body[key]
        else:
            body[key] = value
    return body


def _terms(**terms: object) -> dict[str, object]:
    return _edit("commitment.recorded", terms=terms)


BODY_ERRORS: list[tuple[str, str, object, str, str]] = [
    # (test id, kind, body, field, English)
    ("not an object", "commitment.voided", ["C"], "body", "must be a JSON object, not list"),
    (
        "unknown field",
        "payment.made",
        {**VALID["payment.made"], "amout": "1.00"},
        "body.amout",
        "unknown field (did you mean 'amount'?); allowed: amount, commitment",
    ),
    (
        "a key not a string",
        "commitment.voided",
        {**VALID["commitment.voided"], 1: "x"},
        "body",
        "has a key that is not a string: 1",
    ),
    ("required", "payment.made", _edit("payment.made", amount=None), "body.amount", "is required"),
    (
        "null",
        "payment.made",
        {**VALID["payment.made"], "maturity": None},
        "body.maturity",
        "must not be null (omit an absent field)",
    ),
    (
        "empty list",
        "commitment.recorded",
        _terms(basis="delivery", conditions=[]),
        "body.terms.conditions",
        "must not be an empty list (omit the field instead)",
    ),
    (
        "repeated item",
        "agency.succeeded",
        _edit("agency.succeeded", predecessors=["a", "a"]),
        "body.predecessors",
        "must not repeat an item",
    ),
    (
        "basis date without due",
        "commitment.recorded",
        _terms(basis="date"),
        "body.terms.due",
        "is required when basis is date",
    ),
    (
        "basis date with days",
        "commitment.recorded",
        _terms(basis="date", due="2024-01-01", days=30),
        "body.terms.days",
        "applies to basis delivery, acceptance or settlement; basis date uses due",
    ),
    (
        "due without basis date",
        "commitment.recorded",
        _terms(basis="delivery", due="2024-01-01"),
        "body.terms.due",
        "applies only to basis date, not delivery",
    ),
    (
        "nothing changed",
        "commitment.amended",
        _edit("commitment.amended", changes={}),
        "body.changes",
        "must change at least one of amount, conditions_added, interest_rate, terms",
    ),
    (
        "nothing updated",
        "enterprise.updated",
        _edit("enterprise.updated", size=None),
        "body",
        "must update at least one of name, size",
    ),
    (
        "bill without maturity",
        "payment.made",
        _edit("payment.made", method="bill"),
        "body.maturity",
        "is required for a bill payment",
    ),
    (
        "maturity of a transfer",
        "payment.made",
        _edit("payment.made", maturity="2024-01-01"),
        "body.maturity",
        "applies only to bill and voucher payments, not transfer",
    ),
    (
        "maturity before the payment",
        "payment.made",
        _edit("payment.made", method="bill", maturity="2023-07-01"),
        "body.maturity",
        "2023-07-01 is before the payment date 2023-08-01",
    ),
    (
        "log key of another origin",
        "ledger.genesis",
        _edit("ledger.genesis", origin="other.example/log"),
        "body.log_key",
        "names key 'ledger.czj.yueyang.example/commitments', not the origin 'other.example/log'",
    ),
    (
        "vkey of another key",
        "key.registered",
        _edit("key.registered", name="other"),
        "body.vkey",
        "names key 'recorder-czj', not 'other'",
    ),
    (
        "scope both",
        "key.registered",
        _edit("key.registered", agencies=["*", "yy-czj"]),
        "body.agencies",
        "a scope is either ['*'] or a list of agency ids, not both",
    ),
    (
        "empty scope",
        "key.registered",
        _edit("key.registered", agencies=[]),
        "body.agencies",
        "a recorder key needs at least one agency or '*'",
    ),
    (
        "auditor with a scope",
        "key.registered",
        _edit("key.registered", role="auditor"),
        "body.agencies",
        "must be [] for a auditor key (it signs no statements)",
    ),
    (
        "its own successor",
        "agency.succeeded",
        _edit("agency.succeeded", successor="yy-jtj"),
        "body.successor",
        "'yy-jtj' cannot succeed itself",
    ),
    ("kind not a string", 7, VALID["payment.made"], "kind", "must be a string, not int"),
    (
        "unknown kind",
        "payment.mad",
        VALID["payment.made"],
        "kind",
        "unknown event kind 'payment.mad' (did you mean 'payment.made'?)",
    ),
]


@pytest.mark.parametrize(
    ("kind", "body", "field", "english"),
    [pytest.param(k, b, f, e, id=name) for name, k, b, f, e in BODY_ERRORS],
)
def test_body_refusals_read_chinese_first(
    kind: str, body: object, field: str, english: str
) -> None:
    with pytest.raises(FieldError) as err:
        parse_body(kind, body)
    assert err.value.field == field
    _zh_first(err.value.reason, english)


def test_compiled_parser_and_field_by_field_reading_say_the_same() -> None:
    """The compiled parser (what parse_body runs) and :class:`_Obj` refuse alike."""
    cls = EVENT_CLASSES[ev.EventKind.PAYMENT_MADE]
    allowed = cls.field_names()
    missing = _edit("payment.made", amount=None)
    with pytest.raises(FieldError) as compiled:
        parse_body("payment.made", missing)
    with pytest.raises(FieldError) as by_field:
        ev._Obj(missing, "body", allowed).req("amount", ev.MONEY.parse)
    assert str(compiled.value) == str(by_field.value)
    null = {**VALID["payment.made"], "maturity": None}
    with pytest.raises(FieldError) as compiled:
        parse_body("payment.made", null)
    with pytest.raises(FieldError) as by_field:
        ev._Obj(null, "body", allowed).opt("maturity", ev.DATE.parse)
    assert str(compiled.value) == str(by_field.value)
    for bad in (["x"], {**VALID["payment.made"], "amout": "1.00"}):
        with pytest.raises(FieldError) as compiled:
            parse_body("payment.made", bad)
        with pytest.raises(FieldError) as by_field:
            ev._Obj(bad, "body", allowed)
        assert str(compiled.value) == str(by_field.value)


@pytest.mark.parametrize(
    ("key", "value", "english"),
    [
        ("amount", "12,3.4", '金额 "12,3.4" is not an amount'),
        ("amount", 0.1 + 0.2, "金额 0.30000000000000004 is not an exact amount: "),
        ("signed_on", "2024-02-30", '签订日期 "2024-02-30" is not a calendar date'),
        ("signed_on", 45352, "签订日期 45352 is a number, not a date"),
        ("days", 30.5, "付款期限（天） 30.5 is not a whole number of days"),
        ("interest_rate", "-1", "约定利率 \"-1\" is not an annual percent rate: '-1' is not"),
        ("commitment", 12.5, "合同编号 12.5 is a number; enter ids as text"),
        ("uscc", 9.14306e17, "is a number, not text: Excel has mangled the USCC"),
        ("size", "巨型", '企业规模 "巨型" is not one of 微型/micro, 小型/small'),
        ("document_sha256", "abc", '文件哈希 "abc" is not a SHA-256'),
    ],
)
def test_cell_refusals_read_chinese_first(key: str, value: object, english: str) -> None:
    column = next(c for c in COLUMNS if c.key == key)
    with pytest.raises(BadInput) as err:
        convert_cell(column, value)  # type: ignore[arg-type]
    _zh_first(str(err.value), english)
    assert str(err.value).startswith(column.zh)


def test_split_both_finds_the_english() -> None:
    assert split_both(both("金额（元）须为正", "must be positive")) == (
        "金额（元）须为正",
        "must be positive",
    )
    assert split_both("plain English") == ("plain English", "plain English")
    assert split_both("（only parentheses）") == ("（only parentheses）", "（only parentheses）")


@pytest.mark.parametrize(
    ("obj", "english"),
    [
        (["x"], "a statement must be a JSON object with kind and body"),
        ({"kind": "k", "body": {}, "by": "me"}, "field 'by' is filled in by the ledger"),
        ({"kind": "k", "body": {}, "sig": "x"}, "unknown field 'sig' (a statement has only"),
        ({"kind": 7, "body": {}}, "field 'kind' must be a string"),
        ({"kind": "payment.made"}, "field 'body' must be a JSON object"),
        ({"kind": "payment.made", "body": {}}, "body.commitment: 必须填写（is required）"),
    ],
)
def test_statement_lines_read_chinese_first(obj: object, english: str) -> None:
    from ledger.log import parse_draft

    with pytest.raises(BadInput) as err:
        parse_draft(obj, 3, "in.jsonl")
    message = str(err.value)
    assert message.startswith("in.jsonl:3: ")
    reason = message.removeprefix("in.jsonl:3: ")
    if reason.startswith("body."):
        assert english in reason
    else:
        _zh_first(reason, english)
