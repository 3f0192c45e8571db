"""Unit tests for ledger.domain.events: typed bodies, syntactic validation, exact round trip."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from ledger.domain.events import (
    COMMITMENT_KINDS,
    LOG_KEY_ONLY_KINDS,
    REGISTRY_KINDS,
    AgencySucceeded,
    CommitmentRecorded,
    EventKind,
    PaymentMethod,
    Terms,
    TermsBasis,
    agencies_named,
    agency_of,
    commitment_id,
    event_class,
    parse_body,
)
from ledger.errors import BadInput, FieldError

ENTERPRISE = "91430602MA4L00011A"  # fictional, see tests/unit/test_uscc.py
REAL_USCC = "91110000600037341L"
BAD_MOD31 = "91430602MA4L00011B"
BAD_ORG_CHECK = "91430602MA4L00012D"  # mod-31 right (D), but the 17th should be 1
SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
VKEY = "recorder-czj+1a2b3c4d+AQABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f"
LOG_VKEY = (
    "ledger.czj.yueyang.example/commitments+0badcafe+AQABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f"
)
AUDITOR_VKEY = "audit-sj+DEADBEEF+BCAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4/"

# One valid body per kind: the base that the error cases below mutate.
VALID: dict[str, dict[str, object]] = {
    "ledger.genesis": {
        "origin": "ledger.czj.yueyang.example/commitments",
        "log_key": LOG_VKEY,
    },
    "key.registered": {
        "name": "recorder-czj",
        "vkey": VKEY,
        "role": "recorder",
        "agencies": ["yy-czj", "yy-jtj"],
    },
    "key.revoked": {"name": "recorder-czj", "reason": "laptop lost"},
    "agency.registered": {
        "agency": "yy-czj",
        "name": "岳阳市财政局",
        "category": "organ",
        "region": "430600",
    },
    "agency.succeeded": {
        "predecessors": ["yy-jtj", "yy-gkj"],
        "successor": "yy-jtysj",
        "reason": "restructuring",
        "effective": "2024-03-01",
    },
    "official.appointed": {
        "official": "o-zhang",
        "name": "张三",
        "agency": "yy-czj",
        "role": "principal",
        "start": "2021-06-01",
    },
    "official.departed": {"official": "o-zhang", "agency": "yy-czj", "end": "2024-05-31"},
    "government.term_changed": {"region": "430600", "term": "第九届", "effective": "2022-01-10"},
    "enterprise.registered": {
        "uscc": ENTERPRISE,
        "name": "岳阳示例建材有限公司",
        "size": "small",
        "ownership": "private",
    },
    "enterprise.updated": {"uscc": ENTERPRISE, "effective": "2024-01-01", "size": "medium"},
    "commitment.recorded": {
        "commitment": "YYCG-2023-017",
        "type": "contract",
        "agency": "yy-czj",
        "enterprise": ENTERPRISE,
        "title": "办公楼维修工程",
        "amount": "125000.00",
        "signed_on": "2023-04-10",
        "terms": {"basis": "acceptance", "days": 30, "acceptance_days": 15},
    },
    "commitment.delivered": {"commitment": "YYCG-2023-017", "date": "2023-06-30"},
    "commitment.accepted": {"commitment": "YYCG-2023-017", "date": "2023-07-10"},
    "commitment.amended": {
        "commitment": "YYCG-2023-017",
        "date": "2024-06-01",
        "changes": {"conditions_added": ["待审计结算后付款"]},
        "enterprise_consent": False,
        "reason": "新领导要求重新审计",
        "reason_code": "official_change",
    },
    "payment.made": {
        "commitment": "YYCG-2023-017",
        "amount": "50000.00",
        "date": "2023-08-01",
        "reference": "CZJ-PAY-0001",
        "method": "transfer",
    },
    "settlement.confirmed": {
        "commitment": "YYCG-2023-017",
        "date": "2023-07-20",
        "amount": "30000.00",
    },
    "payment.reversed": {
        "commitment": "YYCG-2023-017",
        "reference": "CZJ-PAY-0001",
        "date": "2023-08-03",
        "reason": "退票",
    },
    "interest.paid": {
        "commitment": "YYCG-2023-017",
        "amount": "120.50",
        "date": "2023-09-01",
        "reference": "CZJ-INT-0001",
    },
    "commitment.disputed": {
        "commitment": "YYCG-2023-017",
        "amount": "5000.00",
        "date": "2023-08-05",
        "reason": "部分材料不合格",
        "reason_code": "quality",
    },
    "dispute.resolved": {
        "commitment": "YYCG-2023-017",
        "date": "2023-09-01",
        "written_off": "0.00",
    },
    "commitment.repudiated": {
        "commitment": "YYCG-2023-017",
        "date": "2024-07-01",
        "reason": "前任签的合同不认",
    },
    "commitment.settled": {
        "commitment": "YYCG-2023-017",
        "date": "2024-12-01",
        "amount_waived": "1000.00",
        "document_sha256": SHA,
    },
    "commitment.voided": {"commitment": "YYCG-2023-017", "reason": "录入错误：重复登记"},
    "complaint.filed": {
        "commitment": "YYCG-2023-017",
        "date": "2024-08-15",
        "summary": "尾款拖欠一年",
    },
}

# Further valid bodies that exercise every optional field and branch.
VARIANTS: list[tuple[str, dict[str, object]]] = [
    (
        "commitment.recorded",
        {
            "commitment": "YYZS-2022-003",
            "type": "policy",
            "agency": "yy-zsj",
            "enterprise": REAL_USCC,
            "title": "招商引资奖励",
            "amount": "2000000.00",
            "signed_on": "2022-02-28",
            "official": "o-li",
            "terms": {"basis": "date", "due": "2022-12-31", "conditions": ["audit", "filing"]},
            "interest_rate": "3.4500",
            "policy_ref": "岳政发〔2022〕5号",
            "document_sha256": SHA,
            "ref": "paper-copy-2",
        },
    ),
    ("commitment.recorded", {**VALID["commitment.recorded"], "terms": {"basis": "delivery"}}),
    (
        "commitment.amended",
        {
            "commitment": "YYCG-2023-017",
            "date": "2023-05-01",
            "changes": {
                "amount": "130000.00",
                "terms": {"basis": "delivery", "days": 20},
                "interest_rate": "4",
                "conditions_added": ["验收合格"],
            },
            "enterprise_consent": True,
            "reason": "增加工程量",
        },
    ),
    (
        "payment.made",
        {**VALID["payment.made"], "method": "bill", "maturity": "2024-02-01", "ref": "2"},
    ),
    ("payment.made", {**VALID["payment.made"], "method": "voucher", "maturity": "2023-08-01"}),
    ("payment.made", {**VALID["payment.made"], "method": "cash"}),
    ("key.registered", {**VALID["key.registered"], "agencies": ["*"]}),
    (
        "key.registered",
        {"name": "audit-sj", "vkey": AUDITOR_VKEY, "role": "auditor", "agencies": []},
    ),
    ("enterprise.updated", {"uscc": ENTERPRISE, "effective": "2024-01-01", "name": "新名称"}),
    ("dispute.resolved", {**VALID["dispute.resolved"], "written_off": "2500.00"}),
    ("commitment.settled", {**VALID["commitment.settled"], "amount_waived": "0.00"}),
    ("commitment.delivered", {**VALID["commitment.delivered"], "ref": "second-batch"}),
    ("commitment.delivered", {**VALID["commitment.delivered"], "date": "2024-02-29"}),
]

ALL_VALID = list(VALID.items()) + VARIANTS


def test_every_kind_has_an_example() -> None:
    assert set(VALID) == {k.value for k in EventKind}
    assert len(EventKind) == 24  # revision 2 added three commitment kinds


def _fields_of(record: object) -> dict[str, object]:
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}  # type: ignore[arg-type]


@pytest.mark.parametrize(("kind", "body"), ALL_VALID)
def test_a_parsed_record_is_the_one_its_constructor_makes(
    kind: str, body: dict[str, object]
) -> None:
    """The parser sets the slots itself (events._Record._compile): the record must
    be the one ``__init__`` makes, equal, of equal hash, and still frozen."""
    event = parse_body(kind, body)
    nested = [v for v in _fields_of(event).values() if dataclasses.is_dataclass(v)]
    for record in (event, *nested):
        made = type(record)(**_fields_of(record))
        assert made == record
        assert hash(made) == hash(record)
        assert _fields_of(made) == _fields_of(record)
        first = dataclasses.fields(record)[0].name  # type: ignore[arg-type]
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(record, first, "x")


@pytest.mark.parametrize(("kind", "body"), ALL_VALID)
def test_round_trip(kind: str, body: dict[str, object]) -> None:
    original = copy.deepcopy(body)
    event = parse_body(kind, body)
    assert type(event).kind == kind
    assert event.kind is EventKind(kind)
    assert event.to_body() == original
    assert body == original  # the input is not modified
    assert parse_body(kind, event.to_body()) == event
    # the body is canonicalisable: no floats, no Decimal, no enum objects left
    assert _canonical(event.to_body()) == _canonical(original)


def _canonical(body: dict[str, object]) -> bytes:
    """RFC 8785 bytes; refuses floats, Decimal and non-JSON objects."""
    return rfc8785.dumps(body)  # type: ignore[arg-type]  # rfc8785 types JSON values narrowly


def test_typed_values() -> None:
    event = parse_body("commitment.recorded", VARIANTS[0][1])
    assert isinstance(event, CommitmentRecorded)
    assert event.amount == 200_000_000
    assert event.signed_on == dt.date(2022, 2, 28)
    assert event.interest_rate == Decimal("3.45")
    assert event.terms == Terms(
        basis=TermsBasis.DATE, due=dt.date(2022, 12, 31), conditions=("audit", "filing")
    )
    assert event.ref == "paper-copy-2"
    payment = parse_body("payment.made", VARIANTS[3][1])
    assert payment.method is PaymentMethod.BILL  # type: ignore[union-attr]


def test_kind_sets_partition_the_kinds() -> None:
    assert LOG_KEY_ONLY_KINDS == {
        EventKind.GENESIS,
        EventKind.KEY_REGISTERED,
        EventKind.KEY_REVOKED,
    }
    assert LOG_KEY_ONLY_KINDS < REGISTRY_KINDS
    assert REGISTRY_KINDS.isdisjoint(COMMITMENT_KINDS)
    assert REGISTRY_KINDS | COMMITMENT_KINDS == set(EventKind)
    assert len(REGISTRY_KINDS) == 10
    assert len(COMMITMENT_KINDS) == 14
    assert all(
        k.startswith(
            ("commitment.", "payment.", "dispute.", "complaint.", "settlement.", "interest.")
        )
        for k in COMMITMENT_KINDS
    )


@pytest.mark.parametrize(("kind", "body"), ALL_VALID)
def test_commitment_id(kind: str, body: dict[str, object]) -> None:
    event = parse_body(kind, body)
    if EventKind(kind) in COMMITMENT_KINDS:
        assert commitment_id(event) == body["commitment"]
    else:
        assert commitment_id(event) is None


@pytest.mark.parametrize(
    ("kind", "agency"),
    [
        ("commitment.recorded", "yy-czj"),
        ("agency.registered", "yy-czj"),
        ("official.appointed", "yy-czj"),
        ("official.departed", "yy-czj"),
        ("agency.succeeded", "yy-jtysj"),
        ("payment.made", None),
        ("ledger.genesis", None),
        ("enterprise.registered", None),
        ("government.term_changed", None),
    ],
)
def test_agency_of(kind: str, agency: str | None) -> None:
    assert agency_of(parse_body(kind, VALID[kind])) == agency


def test_agencies_named() -> None:
    succession = parse_body("agency.succeeded", VALID["agency.succeeded"])
    assert isinstance(succession, AgencySucceeded)
    assert agencies_named(succession) == ("yy-jtj", "yy-gkj", "yy-jtysj")
    assert agencies_named(parse_body("agency.registered", VALID["agency.registered"])) == (
        "yy-czj",
    )
    assert agencies_named(parse_body("commitment.voided", VALID["commitment.voided"])) == ()


def test_event_class() -> None:
    assert event_class("commitment.recorded") is CommitmentRecorded


# --------------------------------------------------------------------------
# one test per syntactic error; each names the dotted field

DROP = object()


def _edit(kind: str, **changes: object) -> dict[str, object]:
    body = copy.deepcopy(VALID[kind])
    for key, value in changes.items():
        if value is DROP:
            del body[key]
        else:
            body[key] = value
    return body


ERRORS: list[tuple[str, str, object, str]] = [
    # (test id, kind, body, expected field)
    ("unknown field", "payment.made", _edit("payment.made", amout="1.00"), "body.amout"),
    (
        "unknown nested field",
        "commitment.recorded",
        _edit("commitment.recorded", terms={"basis": "delivery", "dayz": 30}),
        "body.terms.dayz",
    ),
    (
        "unknown field in changes",
        "commitment.amended",
        _edit("commitment.amended", changes={"due": "2025-01-01"}),
        "body.changes.due",
    ),
    ("missing field", "payment.made", _edit("payment.made", reference=DROP), "body.reference"),
    (
        "missing nested field",
        "commitment.recorded",
        _edit("commitment.recorded", terms={"days": 30}),
        "body.terms.basis",
    ),
    (
        "missing terms",
        "commitment.recorded",
        _edit("commitment.recorded", terms=DROP),
        "body.terms",
    ),
    ("float amount", "payment.made", _edit("payment.made", amount=50000.0), "body.amount"),
    ("int amount", "payment.made", _edit("payment.made", amount=50000), "body.amount"),
    ("one decimal place", "payment.made", _edit("payment.made", amount="12.3"), "body.amount"),
    ("negative amount", "payment.made", _edit("payment.made", amount="-1.00"), "body.amount"),
    (
        "thousands separator",
        "commitment.recorded",
        _edit("commitment.recorded", amount="1,000.00"),
        "body.amount",
    ),
    (
        "zero amount",
        "commitment.disputed",
        _edit("commitment.disputed", amount="0.00"),
        "body.amount",
    ),
    (
        "negative written_off",
        "dispute.resolved",
        _edit("dispute.resolved", written_off="-0.01"),
        "body.written_off",
    ),
    (
        "float in changes",
        "commitment.amended",
        _edit("commitment.amended", changes={"amount": 1.5}),
        "body.changes.amount",
    ),
    (
        "impossible date",
        "commitment.delivered",
        _edit("commitment.delivered", date="2024-02-30"),
        "body.date",
    ),
    (
        "not a leap year",
        "commitment.delivered",
        _edit("commitment.delivered", date="2023-02-29"),
        "body.date",
    ),
    ("unpadded date", "complaint.filed", _edit("complaint.filed", date="2024-8-15"), "body.date"),
    (
        "compact date",
        "official.appointed",
        _edit("official.appointed", start="20210601"),
        "body.start",
    ),
    (
        "datetime not date",
        "official.departed",
        _edit("official.departed", end="2024-05-31T00:00:00Z"),
        "body.end",
    ),
    (
        "bad USCC mod-31",
        "enterprise.registered",
        _edit("enterprise.registered", uscc=BAD_MOD31),
        "body.uscc",
    ),
    (
        "bad USCC org-code check",
        "enterprise.registered",
        _edit("enterprise.registered", uscc=BAD_ORG_CHECK),
        "body.uscc",
    ),
    (
        "lower-case USCC",
        "enterprise.registered",
        _edit("enterprise.registered", uscc=ENTERPRISE.lower()),
        "body.uscc",
    ),
    (
        "bad enterprise in commitment",
        "commitment.recorded",
        _edit("commitment.recorded", enterprise=BAD_MOD31),
        "body.enterprise",
    ),
    (
        "bill without maturity",
        "payment.made",
        _edit("payment.made", method="bill"),
        "body.maturity",
    ),
    (
        "voucher without maturity",
        "payment.made",
        _edit("payment.made", method="voucher"),
        "body.maturity",
    ),
    (
        "transfer with maturity",
        "payment.made",
        _edit("payment.made", maturity="2024-01-01"),
        "body.maturity",
    ),
    (
        "maturity before payment",
        "payment.made",
        _edit("payment.made", method="bill", maturity="2023-07-31"),
        "body.maturity",
    ),
    (
        "basis date without due",
        "commitment.recorded",
        _edit("commitment.recorded", terms={"basis": "date"}),
        "body.terms.due",
    ),
    (
        "basis date with days",
        "commitment.recorded",
        _edit("commitment.recorded", terms={"basis": "date", "due": "2024-01-01", "days": 30}),
        "body.terms.days",
    ),
    (
        "due without basis date",
        "commitment.recorded",
        _edit("commitment.recorded", terms={"basis": "delivery", "due": "2024-01-01"}),
        "body.terms.due",
    ),
    (
        "bool where int expected",
        "commitment.recorded",
        _edit("commitment.recorded", terms={"basis": "delivery", "days": True}),
        "body.terms.days",
    ),
    (
        "float days",
        "commitment.recorded",
        _edit("commitment.recorded", terms={"basis": "delivery", "days": 30.0}),
        "body.terms.days",
    ),
    (
        "string days",
        "commitment.recorded",
        _edit("commitment.recorded", terms={"basis": "delivery", "days": "30"}),
        "body.terms.days",
    ),
    (
        "negative days",
        "commitment.recorded",
        _edit("commitment.recorded", terms={"basis": "acceptance", "acceptance_days": -1}),
        "body.terms.acceptance_days",
    ),
    (
        "absurd days",
        "commitment.recorded",
        _edit("commitment.recorded", terms={"basis": "delivery", "days": 10**9}),
        "body.terms.days",
    ),
    (
        "empty condition",
        "commitment.recorded",
        _edit("commitment.recorded", terms={"basis": "delivery", "conditions": ["audit", " "]}),
        "body.terms.conditions[1]",
    ),
    (
        "empty condition list",
        "commitment.recorded",
        _edit("commitment.recorded", terms={"basis": "delivery", "conditions": []}),
        "body.terms.conditions",
    ),
    (
        "bad nested terms in changes",
        "commitment.amended",
        _edit("commitment.amended", changes={"terms": {"basis": "never"}}),
        "body.changes.terms.basis",
    ),
    (
        "empty changes",
        "commitment.amended",
        _edit("commitment.amended", changes={}),
        "body.changes",
    ),
    (
        "string where bool expected",
        "commitment.amended",
        _edit("commitment.amended", enterprise_consent="yes"),
        "body.enterprise_consent",
    ),
    (
        "int where bool expected",
        "commitment.amended",
        _edit("commitment.amended", enterprise_consent=1),
        "body.enterprise_consent",
    ),
    (
        "unknown enum value",
        "commitment.recorded",
        _edit("commitment.recorded", type="loan"),
        "body.type",
    ),
    (
        "unknown payment method",
        "payment.made",
        _edit("payment.made", method="cheque"),
        "body.method",
    ),
    (
        "unknown reason code",
        "commitment.disputed",
        _edit("commitment.disputed", reason_code="busy"),
        "body.reason_code",
    ),
    (
        "enum in wrong case",
        "agency.registered",
        _edit("agency.registered", category="Organ"),
        "body.category",
    ),
    (
        "unknown size",
        "enterprise.registered",
        _edit("enterprise.registered", size="huge"),
        "body.size",
    ),
    (
        "unknown succession reason",
        "agency.succeeded",
        _edit("agency.succeeded", reason="merger"),
        "body.reason",
    ),
    (
        "null optional",
        "commitment.recorded",
        _edit("commitment.recorded", official=None),
        "body.official",
    ),
    ("null required", "payment.made", _edit("payment.made", date=None), "body.date"),
    (
        "id with leading space",
        "commitment.delivered",
        _edit("commitment.delivered", commitment=" YYCG-2023-017"),
        "body.commitment",
    ),
    (
        "id with trailing space",
        "payment.made",
        _edit("payment.made", reference="CZJ-PAY-0001 "),
        "body.reference",
    ),
    ("empty id", "commitment.voided", _edit("commitment.voided", commitment=""), "body.commitment"),
    (
        "id with newline",
        "official.departed",
        _edit("official.departed", official="o-\nzhang"),
        "body.official",
    ),
    (
        "ref with trailing space",
        "commitment.accepted",
        _edit("commitment.accepted", ref="2 "),
        "body.ref",
    ),
    (
        "int id",
        "commitment.accepted",
        _edit("commitment.accepted", commitment=17),
        "body.commitment",
    ),
    (
        "wildcard agency id",
        "agency.registered",
        _edit("agency.registered", agency="*"),
        "body.agency",
    ),
    ("empty text", "commitment.voided", _edit("commitment.voided", reason="   "), "body.reason"),
    (
        "short region",
        "agency.registered",
        _edit("agency.registered", region="43060"),
        "body.region",
    ),
    (
        "int region",
        "government.term_changed",
        _edit("government.term_changed", region=430600),
        "body.region",
    ),
    (
        "upper-case sha256",
        "commitment.settled",
        _edit("commitment.settled", document_sha256=SHA.upper()),
        "body.document_sha256",
    ),
    (
        "missing sha256",
        "commitment.settled",
        _edit("commitment.settled", document_sha256=DROP),
        "body.document_sha256",
    ),
    (
        "float rate",
        "commitment.recorded",
        _edit("commitment.recorded", interest_rate=3.45),
        "body.interest_rate",
    ),
    (
        "five-place rate",
        "commitment.recorded",
        _edit("commitment.recorded", interest_rate="3.45678"),
        "body.interest_rate",
    ),
    (
        "recorder with empty scope",
        "key.registered",
        _edit("key.registered", agencies=[]),
        "body.agencies",
    ),
    (
        "wildcard mixed into scope",
        "key.registered",
        _edit("key.registered", agencies=["*", "yy-czj"]),
        "body.agencies",
    ),
    (
        "repeated agency in scope",
        "key.registered",
        _edit("key.registered", agencies=["yy-czj", "yy-czj"]),
        "body.agencies",
    ),
    (
        "scope item not a string",
        "key.registered",
        _edit("key.registered", agencies=["yy-czj", 7]),
        "body.agencies[1]",
    ),
    (
        "auditor with a scope",
        "key.registered",
        _edit(
            "key.registered",
            name="audit-sj",
            vkey=AUDITOR_VKEY,
            role="auditor",
            agencies=["yy-czj"],
        ),
        "body.agencies",
    ),
    ("unknown key role", "key.registered", _edit("key.registered", role="admin"), "body.role"),
    (
        "bad vkey",
        "key.registered",
        _edit("key.registered", vkey="recorder-czj+xyz+AAAA"),
        "body.vkey",
    ),
    (
        "vkey of another name",
        "key.registered",
        _edit("key.registered", vkey=AUDITOR_VKEY),
        "body.vkey",
    ),
    ("key name with space", "key.revoked", _edit("key.revoked", name="recorder czj"), "body.name"),
    ("key name with plus", "key.revoked", _edit("key.revoked", name="a+b"), "body.name"),
    (
        "log key not named as origin",
        "ledger.genesis",
        _edit("ledger.genesis", log_key=VKEY),
        "body.log_key",
    ),
    (
        "successor among predecessors",
        "agency.succeeded",
        _edit("agency.succeeded", successor="yy-jtj"),
        "body.successor",
    ),
    (
        "no predecessors",
        "agency.succeeded",
        _edit("agency.succeeded", predecessors=[]),
        "body.predecessors",
    ),
    (
        "predecessors not a list",
        "agency.succeeded",
        _edit("agency.succeeded", predecessors="yy-jtj"),
        "body.predecessors",
    ),
    (
        "update with nothing to update",
        "enterprise.updated",
        _edit("enterprise.updated", size=DROP),
        "body",
    ),
    ("body not an object", "commitment.voided", ["YYCG-2023-017"], "body"),
    ("body null", "commitment.voided", None, "body"),
    ("unknown kind", "commitment.paid", VALID["payment.made"], "kind"),
    ("kind in wrong case", "Payment.Made", VALID["payment.made"], "kind"),
    ("kind not a string", 7, VALID["payment.made"], "kind"),  # type: ignore[list-item]
]


@pytest.mark.parametrize(
    ("kind", "body", "field"),
    [pytest.param(kind, body, field, id=name) for name, kind, body, field in ERRORS],
)
def test_syntactic_error(kind: str, body: object, field: str) -> None:
    with pytest.raises(FieldError) as err:
        parse_body(kind, body)
    assert err.value.field == field
    assert str(err.value).startswith(f"{field}: ")
    assert isinstance(err.value, BadInput)
    assert err.value.exit_code == 2


def test_unknown_field_suggests_the_right_one() -> None:
    with pytest.raises(FieldError) as err:
        parse_body("payment.made", _edit("payment.made", amout="1.00"))
    assert "did you mean 'amount'" in err.value.reason


def test_unknown_field_reported_before_missing_one() -> None:
    # a typo is named as such, not as "amount is required"
    with pytest.raises(FieldError) as err:
        parse_body("payment.made", _edit("payment.made", amount=DROP, amout="1.00"))
    assert err.value.field == "body.amout"


def test_unknown_kind_suggests_the_right_one() -> None:
    with pytest.raises(FieldError) as err:
        parse_body("payment.mad", VALID["payment.made"])
    assert "payment.made" in err.value.reason


def test_error_messages_name_the_check() -> None:
    with pytest.raises(FieldError) as err:
        parse_body("enterprise.registered", _edit("enterprise.registered", uscc=BAD_ORG_CHECK))
    assert "GB 11714" in err.value.reason
    with pytest.raises(FieldError) as err:
        parse_body("enterprise.registered", _edit("enterprise.registered", uscc=BAD_MOD31))
    assert "mod-31" in err.value.reason


# --------------------------------------------------------------------------
# robustness: any JSON value in any field either parses and round-trips, or
# is refused with a FieldError; nothing else escapes

_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**60), 2**60)
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.sampled_from(["0.00", "1.00", "2024-02-29", "bill", "*", ENTERPRISE, "delivery"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(
    st.sampled_from(ALL_VALID).flatmap(
        lambda kb: st.tuples(
            st.just(kb[0]), st.just(kb[1]), st.sampled_from([*kb[1], "ref", "extra"]), _json
        )
    )
)
def test_any_field_value_parses_or_is_refused_cleanly(
    case: tuple[str, dict[str, object], str, object],
) -> None:
    kind, body, key, value = case
    mutated = {**body, key: value}
    try:
        event = parse_body(kind, mutated)
    except FieldError as err:
        assert err.field == "body" or err.field.startswith("body.")
    else:
        assert event.to_body() == mutated
