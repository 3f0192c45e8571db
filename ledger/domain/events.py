"""Event kinds of DOMAIN.md, each declared once: its fields, their types, its checks.

Every kind is one frozen dataclass whose fields are declared with
:func:`field_of` (a :class:`FieldType`, a Chinese label, required or not).
From those declarations come, with no per-kind code:

- :meth:`_Record.parse`, the one validating parser (:func:`parse_body`): the
  *syntactic* validation of a statement's ``kind`` and ``body`` (DOMAIN.md
  "Validation on append"; FORMATS.md: ``append`` refuses unknown fields, so a
  typo never enters the record), with errors naming the dotted field path;
  cross-field rules are small named functions listed in each kind's
  ``checks``.  Whether the agency, enterprise or commitment exists, and who
  may sign, is checked against the ledger state elsewhere;
- :meth:`_Record.decode`, the one trusted decoder (:func:`decode_body`) for
  bodies already validated on append (the audits, the projections);
- :meth:`_Record.to_body`, the JSON body back exactly, with amounts as
  two-place strings and dates as ``YYYY-MM-DD`` (FORMATS.md §1), so
  ``parse_body(k, b).to_body() == b`` for every valid body;
- the ``ledger record`` subcommands (``cli/record_cmd.py``) and the Chinese
  labels of kinds, fields and enum values (:func:`label`).

Text fields go through one hook per text kind (:data:`TEXT_RULES`), so the
text rules of DOMAIN.md ("Text:") apply to every field of that kind at once.
Adding a kind is one declaration here (plus its state rules in
:mod:`ledger.domain.state`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import MISSING, Field, dataclass, field, fields
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar, Generic, Self, TypeAlias, TypeVar, cast

from ledger.errors import FieldError, both
from ledger.money import format_fen, format_rate, parse_amount, parse_rate
from ledger.text import TextKind, check_text, key_name_too_long, limit
from ledger.uscc import validate_uscc

__all__ = [
    "COMMITMENT_KINDS",
    "ENUM_LABELS",
    "EVENT_CLASSES",
    "LOG_KEY_ONLY_KINDS",
    "MAX_DAYS",
    "NONCASH_METHODS",
    "REGISTRY_KINDS",
    "TEXT_RULES",
    "WILDCARD",
    "AgencyCategory",
    "AgencyRegistered",
    "AgencySucceeded",
    "Changes",
    "CommitmentAccepted",
    "CommitmentAmended",
    "CommitmentDelivered",
    "CommitmentDisputed",
    "CommitmentRecorded",
    "CommitmentRepudiated",
    "CommitmentSettled",
    "CommitmentType",
    "CommitmentVoided",
    "ComplaintFiled",
    "DisputeResolved",
    "EnterpriseRegistered",
    "EnterpriseSize",
    "EnterpriseUpdated",
    "Event",
    "EventKind",
    "FieldSpec",
    "FieldType",
    "Genesis",
    "GovernmentTermChanged",
    "InterestPaid",
    "KeyRegistered",
    "KeyRevoked",
    "KeyRole",
    "OfficialAppointed",
    "OfficialDeparted",
    "OfficialRole",
    "Ownership",
    "PaymentMade",
    "PaymentMethod",
    "PaymentReversed",
    "ReasonCode",
    "SettlementConfirmed",
    "SuccessionReason",
    "Terms",
    "TermsBasis",
    "agencies_named",
    "agency_of",
    "commitment_id",
    "decode_body",
    "event_class",
    "field_label",
    "key_scope_problem",
    "label",
    "parse_body",
]


# --------------------------------------------------------------------------
# enumerations (the exact strings of DOMAIN.md)


class EventKind(StrEnum):
    """Statement ``kind`` strings."""

    GENESIS = "ledger.genesis"
    KEY_REGISTERED = "key.registered"
    KEY_REVOKED = "key.revoked"
    AGENCY_REGISTERED = "agency.registered"
    AGENCY_SUCCEEDED = "agency.succeeded"
    OFFICIAL_APPOINTED = "official.appointed"
    OFFICIAL_DEPARTED = "official.departed"
    GOVERNMENT_TERM_CHANGED = "government.term_changed"
    ENTERPRISE_REGISTERED = "enterprise.registered"
    ENTERPRISE_UPDATED = "enterprise.updated"
    COMMITMENT_RECORDED = "commitment.recorded"
    COMMITMENT_DELIVERED = "commitment.delivered"
    COMMITMENT_ACCEPTED = "commitment.accepted"
    COMMITMENT_AMENDED = "commitment.amended"
    PAYMENT_MADE = "payment.made"
    COMMITMENT_DISPUTED = "commitment.disputed"
    DISPUTE_RESOLVED = "dispute.resolved"
    COMMITMENT_REPUDIATED = "commitment.repudiated"
    COMMITMENT_SETTLED = "commitment.settled"
    COMMITMENT_VOIDED = "commitment.voided"
    COMPLAINT_FILED = "complaint.filed"
    SETTLEMENT_CONFIRMED = "settlement.confirmed"
    PAYMENT_REVERSED = "payment.reversed"
    INTEREST_PAID = "interest.paid"


class KeyRole(StrEnum):
    """What a registered key is for; only recorders sign statements."""

    RECORDER = "recorder"
    AUDITOR = "auditor"
    WITNESS = "witness"


class AgencyCategory(StrEnum):
    """机关, 事业单位, 团体组织, 国有企业 or other; decides the statutory payment term."""

    ORGAN = "organ"
    INSTITUTION = "institution"
    ASSOCIATION = "association"
    """团体组织 paying from fiscal funds: follows the rules for institutions (2025 art. 36)."""
    SOE = "soe"
    OTHER = "other"


class SuccessionReason(StrEnum):
    """Why an agency took over others' obligations."""

    RESTRUCTURING = "restructuring"
    FUNCTION_CHANGE = "function_change"
    DIVISION_ADJUSTMENT = "division_adjustment"


class OfficialRole(StrEnum):
    """Principal (主要负责人) or deputy."""

    PRINCIPAL = "principal"
    DEPUTY = "deputy"


class EnterpriseSize(StrEnum):
    """Enterprise size class (micro, small, medium: SME rules apply)."""

    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


class Ownership(StrEnum):
    """Enterprise ownership."""

    PRIVATE = "private"
    STATE = "state"
    FOREIGN = "foreign"
    OTHER = "other"


class CommitmentType(StrEnum):
    """A contract, a payable for something delivered, or a policy promise."""

    CONTRACT = "contract"
    PAYABLE = "payable"
    POLICY = "policy"


class TermsBasis(StrEnum):
    """What the payment term counts from: delivery, acceptance, each confirmed settlement
    (履行进度结算、定期结算), or a fixed date."""

    DELIVERY = "delivery"
    ACCEPTANCE = "acceptance"
    SETTLEMENT = "settlement"
    DATE = "date"


class PaymentMethod(StrEnum):
    """Transfer, cash, commercial bill (商业汇票) or receivable e-voucher (应收账款电子凭证)."""

    TRANSFER = "transfer"
    CASH = "cash"
    BILL = "bill"
    VOUCHER = "voucher"


class ReasonCode(StrEnum):
    """Stated reason for a dispute, amendment or repudiation."""

    OFFICIAL_CHANGE = "official_change"
    TERM_CHANGE = "term_change"
    RESTRUCTURING = "restructuring"
    INTERNAL_PROCESS = "internal_process"
    AWAITING_AUDIT = "awaiting_audit"
    AWAITING_FILING = "awaiting_filing"
    FUNDS = "funds"
    QUALITY = "quality"
    OTHER = "other"


NONCASH_METHODS = frozenset({PaymentMethod.BILL, PaymentMethod.VOUCHER})
"""Payment methods that pay on a maturity date and must carry ``maturity``."""

WILDCARD = "*"
"""A recorder scope of ``["*"]`` covers every agency."""

MAX_DAYS = 36_500
"""Largest term in days (100 years): anything longer is a typo and would overflow dates."""

MAX_ID_LENGTH = limit(TextKind.ID)


ENUM_LABELS: dict[type[StrEnum], Mapping[str, str]] = {
    KeyRole: {"recorder": "记录员", "auditor": "审计", "witness": "见证人"},
    AgencyCategory: {
        "organ": "机关",
        "institution": "事业单位",
        "association": "团体组织",
        "soe": "国有企业",
        "other": "其他",
    },
    SuccessionReason: {
        "restructuring": "机构改革",
        "function_change": "职能调整",
        "division_adjustment": "行政区划调整",
    },
    OfficialRole: {"principal": "主要负责人", "deputy": "副职"},
    EnterpriseSize: {"micro": "微型", "small": "小型", "medium": "中型", "large": "大型"},
    Ownership: {"private": "民营", "state": "国有", "foreign": "外资", "other": "其他"},
    CommitmentType: {"contract": "合同", "payable": "应付账款", "policy": "政策承诺"},
    TermsBasis: {
        "delivery": "交付",
        "acceptance": "验收",
        "settlement": "结算",
        "date": "约定日期",
    },
    PaymentMethod: {
        "transfer": "转账",
        "cash": "现金",
        "bill": "商业汇票",
        "voucher": "电子凭证",
    },
    ReasonCode: {
        "official_change": "负责人变更",
        "term_change": "政府换届",
        "restructuring": "机构改革",
        "internal_process": "内部流程",
        "awaiting_audit": "等待审计（决算审计）",
        "awaiting_filing": "等待备案（竣工备案）",
        "funds": "资金不足",
        "quality": "质量问题",
        "other": "其他",
    },
}
"""The Chinese label of every enum value (reports, the import template, the CLI)."""


def label(value: object) -> str:
    """The Chinese label of an event kind, an enum value or a field name; else the value."""
    if isinstance(value, EventKind):
        return EVENT_CLASSES[value].label
    if isinstance(value, StrEnum):
        return ENUM_LABELS.get(type(value), {}).get(value.value, value.value)
    text = str(value)
    try:
        return EVENT_CLASSES[EventKind(text)].label
    except ValueError:
        return FIELD_LABELS.get(text, text)


WILDCARD = "*"
"""A recorder scope of ``["*"]`` covers every agency."""

MAX_DAYS = 36_500
"""Largest term in days (100 years): anything longer is a typo and would overflow dates."""

MAX_ID_LENGTH = limit(TextKind.ID)

# --------------------------------------------------------------------------
# field types: how one type of value is validated, decoded and encoded

_T = TypeVar("_T")
_E = TypeVar("_E", bound=StrEnum)
_Parser: TypeAlias = Callable[[object, str], _T]

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_REGION = re.compile(r"[1-9][0-9]{5}", re.ASCII)
_SHA256 = re.compile(r"[0-9a-f]{64}", re.ASCII)
_VKEY = re.compile(
    r"(?P<name>[^\s+]+)\+[0-9a-fA-F]{8}\+(?:[A-Za-z0-9+/]{4})*"
    r"(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})"
)


def _show(value: object) -> str:
    """``repr`` of a refused value, cut short so a huge input cannot flood the message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _type_name(value: object) -> str:
    return "null" if value is None else type(value).__name__


_REQUIRED = both("必须填写", "is required")
_NULL = both("不能为 null，不填请省略该字段", "must not be null (omit an absent field)")
"""The two refusals both the compiled parser and :class:`_Obj` give, made once."""

_WHAT_ZH = {
    "an id": "编号",
    "a reference": "编号或文号",
    "text": "文字",
    "a key name": "密钥名称",
    "a verifier key": "验证密钥",
}
"""The Chinese of the ``what`` of :func:`_string`."""


def _string(value: object, path: str, what: str) -> str:
    if not isinstance(value, str):
        raise FieldError(
            path,
            both(
                f"{_WHAT_ZH[what]}必须是字符串，不能是 {_type_name(value)}",
                f"{what} must be a string, not {_type_name(value)}",
            ),
        )
    if value == "" or value.isspace():
        raise FieldError(path, both(f"{_WHAT_ZH[what]}不能为空", f"{what} must not be empty"))
    return value


def _id_rules(text: str, path: str) -> str:
    if text != text.strip():
        v = _show(text)
        raise FieldError(
            path,
            both(
                f"编号首尾不能有空白：{v}",
                f"an id must not start or end with whitespace: {v}",
            ),
        )
    return check_text(text, TextKind.ID, path)


def _label_rules(text: str, path: str) -> str:
    if text != text.strip():
        v = _show(text)
        raise FieldError(
            path, both(f"首尾不能有空白：{v}", f"must not start or end with whitespace: {v}")
        )
    return check_text(text, TextKind.LABEL, path)


def _text_rules(kind: TextKind) -> Callable[[str, str], str]:
    def rule(text: str, path: str) -> str:
        return check_text(text, kind, path)

    return rule


TEXT_RULES: dict[TextKind, Callable[[str, str], str]] = {
    TextKind.ID: _id_rules,
    TextKind.LABEL: _label_rules,
    TextKind.NAME: _text_rules(TextKind.NAME),
    TextKind.TITLE: _text_rules(TextKind.TITLE),
    TextKind.REASON: _text_rules(TextKind.REASON),
}
"""The one hook per kind of text (DOMAIN.md "Text:", rules in :mod:`ledger.text`):
``rule(value, path)`` returns the value or raises FieldError.  Every text field of
that kind, in every event, goes through it."""


@dataclass(frozen=True, slots=True)
class FieldType(Generic[_T]):
    """One type of body value: its validating parser, trusted decoder and encoder.

    ``parse(value, path)`` validates untrusted JSON (FieldError naming
    ``path``); ``decode(value)`` types a value validated before (stored
    bodies); ``encode(value)`` gives the JSON value back exactly.  ``choices``
    lists an enum's values; ``item`` is a list's item type; ``record`` a
    nested object's class; ``text`` the text kind whose rules apply.
    """

    name: str
    parse: Callable[[object, str], _T]
    decode: Callable[[Any], _T]
    encode: Callable[[_T], object]
    choices: tuple[str, ...] = ()
    item: FieldType[Any] | None = None
    record: type[_Record] | None = None
    text: TextKind | None = None


def _same(value: Any) -> Any:
    return value


def _text_type(name: str, kind: TextKind, what: str) -> FieldType[str]:
    def parse(value: object, path: str) -> str:
        return TEXT_RULES[kind](_string(value, path, what), path)

    return FieldType(name, parse, str, _same, text=kind)


ID = _text_type("id", TextKind.ID, "an id")
"""An id chosen by the operator (agency, official, commitment): NFKC-stable."""

LABEL = _text_type("label", TextKind.LABEL, "a reference")
"""A payment reference, ``ref``, term or policy number: id-like, spelt as written."""

NAME = _text_type("name", TextKind.NAME, "text")
TITLE = _text_type("title", TextKind.TITLE, "text")
REASON = _text_type("reason", TextKind.REASON, "text")
"""Free text (names, titles, reasons, summaries, conditions): non-empty, kept exactly."""


def _parse_agency(value: object, path: str) -> str:
    """An agency id; ``*`` is reserved for recorder scopes."""
    text = ID.parse(value, path)
    if text == WILDCARD:
        raise FieldError(
            path,
            both(
                f"机关编号不能是 {WILDCARD!r}（只有密钥的授权范围可以是 '*'）",
                f"{WILDCARD!r} is not an agency id (only a key scope may be '*')",
            ),
        )
    return text


AGENCY: FieldType[str] = FieldType("agency", _parse_agency, str, _same, text=TextKind.ID)


def _parse_key_name(value: object, path: str) -> str:
    """A signed-note key name: no whitespace, no ``+`` (c2sp.org/signed-note)."""
    text = _string(value, path, "a key name")
    too_long = key_name_too_long(text)
    if too_long is not None:
        raise FieldError(path, too_long)
    if any(c.isspace() or c == "+" for c in text):
        v = _show(text)
        raise FieldError(
            path,
            both(
                f"密钥名称不能含空格或 '+'：{v}",
                f"a key name must not contain spaces or '+': {v}",
            ),
        )
    return check_text(text, TextKind.ID, path)


KEY_NAME: FieldType[str] = FieldType("key name", _parse_key_name, str, _same)


def _parse_vkey(value: object, path: str) -> str:
    """A signed-note verifier key ``<name>+<8 hex>+<base64>`` (shape only)."""
    text = _string(value, path, "a verifier key")
    if not _VKEY.fullmatch(text):
        v = _show(text)
        raise FieldError(
            path,
            both(
                f"验证密钥格式不对：{v}，应为 <名称>+<8 位十六进制数字>+<base64>",
                f"{v} is not a verifier key <name>+<8 hex digits>+<base64>",
            ),
        )
    return text


VKEY: FieldType[str] = FieldType("verifier key", _parse_vkey, str, _same)


def _vkey_name(vkey: str) -> str:
    return vkey.split("+", 1)[0]


def _parse_date(value: object, path: str) -> dt.date:
    """A real calendar date written ``YYYY-MM-DD``."""
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        v = _show(value)
        raise FieldError(
            path,
            both(
                f"日期必须是 YYYY-MM-DD 格式的字符串，不能是 {v}",
                f"a date must be a string YYYY-MM-DD, not {v}",
            ),
        )
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise FieldError(
            path, both(f"日期 {value} 不存在", f"{value} is not a calendar date")
        ) from None


def _iso(value: dt.date) -> str:
    return value.isoformat()


DATE: FieldType[dt.date] = FieldType("date", _parse_date, dt.date.fromisoformat, _iso)


def _parse_days(value: object, path: str) -> int:
    """A whole number of days, 0..MAX_DAYS (bool and float refused)."""
    if type(value) is not int:
        t, v = _type_name(value), _show(value)
        raise FieldError(
            path,
            both(f"天数必须是整数，不能是 {t} {v}", f"days must be an integer, not {t} {v}"),
        )
    if not 0 <= value <= MAX_DAYS:
        raise FieldError(
            path,
            both(
                f"天数必须在 0 到 {MAX_DAYS} 之间，实为 {value}",
                f"days must be between 0 and {MAX_DAYS}, got {value}",
            ),
        )
    return value


DAYS: FieldType[int] = FieldType("days", _parse_days, int, _same)


def _parse_bool(value: object, path: str) -> bool:
    if not isinstance(value, bool):
        t, v = _type_name(value), _show(value)
        raise FieldError(
            path,
            both(f"必须是 true 或 false，不能是 {t} {v}", f"must be true or false, not {t} {v}"),
        )
    return value


BOOL: FieldType[bool] = FieldType("bool", _parse_bool, bool, _same)


def _decode_fen(value: str) -> int:
    """Fen of a two-place amount validated before (``"125000.00"`` -> 12500000)."""
    yuan, _, cents = value.partition(".")
    return int(yuan) * 100 + int(cents)


def _parse_amount(value: object, path: str) -> int:
    return parse_amount(value, path)


def _parse_amount_or_zero(value: object, path: str) -> int:
    return parse_amount(value, path, allow_zero=True)


MONEY: FieldType[int] = FieldType("money", _parse_amount, _decode_fen, format_fen)
"""A positive two-place yuan string, as integer fen."""

MONEY_OR_ZERO: FieldType[int] = FieldType("money", _parse_amount_or_zero, _decode_fen, format_fen)
"""As :data:`MONEY`, ``"0.00"`` allowed (``written_off``, ``amount_waived``)."""


def _decode_rate(value: str) -> Decimal:
    return Decimal(value)


RATE: FieldType[Decimal] = FieldType("rate", parse_rate, _decode_rate, format_rate)


def _parse_region(value: object, path: str) -> str:
    """A 6-digit administrative division code (430600)."""
    if not isinstance(value, str) or not _REGION.fullmatch(value):
        v = _show(value)
        raise FieldError(
            path,
            both(
                f"行政区划代码必须是 6 位数字的字符串，不能是 {v}",
                f"a region must be a 6-digit division code string, not {v}",
            ),
        )
    return value


REGION: FieldType[str] = FieldType("region", _parse_region, str, _same)


def _parse_sha256(value: object, path: str) -> str:
    if not isinstance(value, str) or not _SHA256.fullmatch(value):
        v = _show(value)
        raise FieldError(
            path,
            both(
                f"必须是 64 位小写十六进制数字的 SHA-256 哈希，不能是 {v}",
                f"must be a SHA-256 as 64 lower-case hex digits, not {v}",
            ),
        )
    return value


SHA256: FieldType[str] = FieldType("sha256", _parse_sha256, str, _same)

USCC: FieldType[str] = FieldType("uscc", validate_uscc, str, _same)
"""An enterprise's 统一社会信用代码, exactly as given (DOMAIN.md "Identifiers")."""


def _enum_value(value: StrEnum) -> str:
    return value.value


def enum_type(cls: type[_E]) -> FieldType[_E]:
    """The field type of an enumeration's values."""
    allowed = ", ".join(m.value for m in cls)
    labels = ENUM_LABELS.get(cls, {})
    allowed_zh = "、".join(
        f"{m.value}（{labels[m.value]}）" if m.value in labels else m.value for m in cls
    )

    members: dict[str, _E] = {m.value: m for m in cls}  # cls(value) costs ten times more

    def parse(value: object, path: str) -> _E:
        if not isinstance(value, str):
            t = _type_name(value)
            raise FieldError(
                path,
                both(
                    f"必须是以下取值之一：{allowed_zh}；不能是 {t}",
                    f"must be one of {allowed}; not {t}",
                ),
            )
        member = members.get(value)
        if member is None:
            v = _show(value)
            raise FieldError(
                path,
                both(f"取值 {v} 无效，可选：{allowed_zh}", f"{v} is not one of {allowed}"),
            )
        return member

    return FieldType(cls.__name__, parse, cls, _enum_value, choices=tuple(m.value for m in cls))


_EMPTY_LIST = both(
    "不能是空列表，不填请省略该字段", "must not be an empty list (omit the field instead)"
)
_REPEATED = both("不能有重复项", "must not repeat an item")


def list_of(
    item: FieldType[_T], *, nonempty: bool = True, distinct: bool = False
) -> FieldType[tuple[_T, ...]]:
    """The field type of a JSON list of ``item`` values."""

    def parse(value: object, path: str) -> tuple[_T, ...]:
        if not isinstance(value, list):
            t = _type_name(value)
            raise FieldError(path, both(f"必须是列表，不能是 {t}", f"must be a list, not {t}"))
        if nonempty and not value:
            raise FieldError(path, _EMPTY_LIST)
        items = tuple(item.parse(v, f"{path}[{i}]") for i, v in enumerate(value))
        if distinct and len(set(items)) != len(items):
            raise FieldError(path, _REPEATED)
        return items

    def decode(value: list[Any]) -> tuple[_T, ...]:
        return tuple(item.decode(v) for v in value)

    def encode(value: tuple[_T, ...]) -> object:
        return [item.encode(v) for v in value]

    return FieldType(f"list of {item.name}", parse, decode, encode, item=item)


def object_of(cls: type[_R]) -> FieldType[_R]:
    """The field type of a nested JSON object declared as a record (``terms``, ``changes``)."""

    def encode(value: _R) -> object:
        return value.to_body()

    return FieldType(cls.__name__, cls.parse, cls.decode, encode, record=cls)


class _Obj:
    """A JSON object being parsed: refuses unknown keys up front, hands out fields."""

    __slots__ = ("_data", "path")

    def __init__(self, value: object, path: str, allowed: Iterable[str]) -> None:
        if not isinstance(value, dict):
            t = _type_name(value)
            raise FieldError(
                path, both(f"必须是 JSON 对象，不能是 {t}", f"must be a JSON object, not {t}")
            )
        names = sorted(allowed)
        for key in value:
            if not isinstance(key, str):
                k = _show(key)
                raise FieldError(
                    path, both(f"有一个键不是字符串：{k}", f"has a key that is not a string: {k}")
                )
            if key not in names and len(key) > 100:
                k = _show(key)
                raise FieldError(path, both(f"有未知字段 {k}", f"has an unknown field {k}"))
            if key not in names:
                close = difflib.get_close_matches(key, names, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                hint_zh = f"，是否应为 {close[0]!r}" if close else ""
                listed = ", ".join(names)
                raise FieldError(
                    f"{path}.{key}",
                    both(
                        f"未知字段{hint_zh}；可用字段：{listed}",
                        f"unknown field{hint}; allowed: {listed}",
                    ),
                )
        self._data: dict[str, object] = value
        self.path = path

    @classmethod
    def trusted(cls, data: dict[str, object], path: str) -> _Obj:
        """An object whose keys were checked already (the compiled parser's, for ``checks``)."""
        obj = cls.__new__(cls)
        obj._data, obj.path = data, path
        return obj

    def at(self, key: str) -> str:
        """Dotted path of a field."""
        return f"{self.path}.{key}"

    def has(self, key: str) -> bool:
        """Whether the field is present."""
        return key in self._data

    def req(self, key: str, parse: _Parser[_T]) -> _T:
        """A required field."""
        if key not in self._data:
            raise FieldError(self.at(key), _REQUIRED)
        return parse(self._data[key], self.at(key))

    def opt(self, key: str, parse: _Parser[_T]) -> _T | None:
        """An optional field; absent gives None, an explicit null is refused."""
        if key not in self._data:
            return None
        value = self._data[key]
        if value is None:
            raise FieldError(self.at(key), _NULL)
        return parse(value, self.at(key))


# --------------------------------------------------------------------------
# records: declared fields, one parser, one decoder, one encoder


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A declared body field: its name, type, Chinese label and whether it is required."""

    name: str
    type: FieldType[Any]
    label: str
    required: bool


def field_of(ftype: FieldType[Any], label: str, *, optional: bool = False) -> Any:
    """Declare a body field of type ``ftype`` (absent optionals are None)."""
    meta = {"type": ftype, "label": label}
    if optional:
        return field(default=None, metadata=meta)
    return field(metadata=meta)


_MISSING = object()
"""An absent key (``dict.get``'s default in the compiled parsers)."""

Check: TypeAlias = Callable[[Any, "_Obj"], None]
"""A cross-field rule: ``check(record, obj)`` raises FieldError (``obj.at(name)`` paths)."""

FIELD_LABELS: dict[str, str] = {}
"""Chinese label of every declared field name (first declaration wins; they agree)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class _Record:
    """A JSON object with a fixed set of declared fields; absent optionals are None."""

    checks: ClassVar[tuple[Check, ...]] = ()
    _specs: ClassVar[tuple[FieldSpec, ...]]
    _parser: ClassVar[Callable[[object, str], _Record]]

    @classmethod
    def specs(cls) -> tuple[FieldSpec, ...]:
        """The declared fields, in declaration order."""
        found = cls.__dict__.get("_specs")
        if found is None:
            out = []
            for f in fields(cls):
                meta = f.metadata
                if "type" not in meta:  # pragma: no cover - a coding error
                    raise TypeError(f"{cls.__name__}.{f.name} is not declared with field_of")
                out.append(FieldSpec(f.name, meta["type"], meta["label"], _required(f)))
                FIELD_LABELS.setdefault(f.name, meta["label"])
            found = tuple(out)
            cls._specs = found
        return cast("tuple[FieldSpec, ...]", found)

    @classmethod
    def field_names(cls) -> frozenset[str]:
        """The JSON keys this record may carry."""
        return frozenset(s.name for s in cls.specs())

    @classmethod
    def parse(cls, value: object, path: str) -> Self:
        """Validate the JSON object at ``path`` (``body``, ``body.terms``...) and type it."""
        parser = cls.__dict__.get("_parser")
        if parser is None:
            parser = cls._compile()
        return parser(value, path)  # type: ignore[return-value]

    @classmethod
    def _compile(cls) -> Callable[[object, str], _Record]:
        """The validating parser of this record, made once from its declarations.

        What :meth:`parse` runs for every statement.  The declarations are read
        here, once per class, and written out as the source of one function, as
        :mod:`dataclasses` writes ``__init__``: one straight block per field, in
        declaration order.  Per value it refuses unknown keys (through
        :class:`_Obj`, whose errors name the field), runs each field's parser on
        its dotted path (made once per path), builds the record and runs the
        kind's ``checks``, in the order and with the errors of the
        field-by-field reading of :class:`_Obj`.  A generic loop over the fields
        cost as much as the field parsers themselves.
        """
        allowed = cls.field_names()
        specs = cls.specs()
        names = tuple(s.name for s in specs)
        paths: dict[str, tuple[str, ...]] = {}

        def field_paths(path: str) -> tuple[str, ...]:
            at = tuple(f"{path}.{name}" for name in names)
            if len(paths) < 64:
                paths[path] = at
            return at

        if "__post_init__" in dir(cls) or not cls.__dataclass_params__.frozen:  # type: ignore[attr-defined]
            raise TypeError(f"{cls.__name__}: records are frozen, with no __post_init__")
        scope: dict[str, object] = {
            "_cls": cls,
            "_new": object.__new__,
            "_allowed": allowed,
            "_Obj": _Obj,
            "_trusted": _Obj.trusted,
            "_checks": cls.checks,
            "_paths": paths,
            "_field_paths": field_paths,
            "_FieldError": FieldError,
            "_REQUIRED": _REQUIRED,
            "_NULL": _NULL,
            "_MISSING": _MISSING,
        }
        lines = [
            "def parse(value, path):",
            "    if type(value) is not dict or not _allowed.issuperset(value):",
            "        _Obj(value, path, _allowed)  # not an object, or an unknown key",
            "    at = _paths.get(path)",
            "    if at is None:",
            "        at = _field_paths(path)",
            "    get = value.get",
        ]
        for i, spec in enumerate(specs):
            scope[f"_p{i}"] = spec.type.parse
            lines.append(f"    x = get({spec.name!r}, _MISSING)")
            if spec.required:  # null goes to the field's parser, which names its type
                lines.append("    if x is _MISSING:")
                lines.append(f"        raise _FieldError(at[{i}], _REQUIRED)")
                lines.append(f"    f{i} = _p{i}(x, at[{i}])")
            else:
                lines.append("    if x is _MISSING:")
                lines.append(f"        f{i} = None")
                lines.append("    elif x is None:")
                lines.append(f"        raise _FieldError(at[{i}], _NULL)")
                lines.append("    else:")
                lines.append(f"        f{i} = _p{i}(x, at[{i}])")
        # The record is made as its frozen dataclass __init__ makes it (every field
        # set, no __post_init__), through the slots' own setters: __init__ sets each
        # field with object.__setattr__ by name, the largest single cost of a parse.
        lines.append("    record = _new(_cls)")
        for i, name in enumerate(names):
            scope[f"_s{i}"] = getattr(cls, name).__set__  # the slot's member descriptor
            lines.append(f"    _s{i}(record, f{i})")
        if cls.checks:
            lines.append("    obj = _trusted(value, path)")
            lines.append("    for check in _checks:")
            lines.append("        check(record, obj)")
        lines.append("    return record")
        exec("\n".join(lines), scope)  # noqa: S102 - source made above from declarations
        parse = cast("Callable[[object, str], _Record]", scope["parse"])
        cls._parser = parse
        return parse

    @classmethod
    def decode(cls, body: Mapping[str, Any]) -> Self:
        """Type a body validated before (a stored body): no checks, KeyError if damaged."""
        values = {}
        for s in cls.specs():
            value = body[s.name] if s.required else body.get(s.name)
            values[s.name] = None if value is None else s.type.decode(value)
        return cls(**values)

    def to_body(self) -> dict[str, object]:
        """The JSON object exactly as it was given: absent optionals omitted."""
        out: dict[str, object] = {}
        for s in self.specs():
            value = getattr(self, s.name)
            if value is not None:
                out[s.name] = s.type.encode(value)
        return out


_R = TypeVar("_R", bound=_Record)


def _required(f: Field[Any]) -> bool:
    return f.default is MISSING and f.default_factory is MISSING


# --------------------------------------------------------------------------
# nested objects


def _due_for_basis_date(t: Terms, obj: _Obj) -> None:
    """``due`` goes with basis date and only with it; ``days`` never with basis date."""
    if t.basis is TermsBasis.DATE:
        if t.due is None:
            raise FieldError(
                obj.at("due"),
                both("付款依据为 date 时必须填写", "is required when basis is date"),
            )
        if t.days is not None:
            raise FieldError(
                obj.at("days"),
                both(
                    "仅适用于付款依据 delivery、acceptance 或 settlement；付款依据为 date 时填写 due",
                    "applies to basis delivery, acceptance or settlement; basis date uses due",
                ),
            )
    elif t.due is not None:
        raise FieldError(
            obj.at("due"),
            both(
                f"仅适用于付款依据 date，不适用于 {t.basis}",
                f"applies only to basis date, not {t.basis}",
            ),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Terms(_Record):
    """Payment terms: ``days`` after delivery or acceptance, or a fixed ``due`` date.

    ``acceptance_days`` is the agreed inspection period after delivery;
    ``conditions`` are the payment conditions the contract agreed (audit,
    filing), as written.
    """

    basis: TermsBasis = field_of(enum_type(TermsBasis), "付款依据")
    days: int | None = field_of(DAYS, "付款期限（天）", optional=True)
    due: dt.date | None = field_of(DATE, "约定付款日期", optional=True)
    acceptance_days: int | None = field_of(DAYS, "验收期限（天）", optional=True)
    conditions: tuple[str, ...] | None = field_of(list_of(REASON), "付款条件", optional=True)
    checks: ClassVar[tuple[Check, ...]] = (_due_for_basis_date,)


def _changes_something(c: Changes, obj: _Obj) -> None:
    if c == type(c)():
        names = ", ".join(sorted(c.field_names()))
        raise FieldError(
            obj.path,
            both(f"须至少变更以下一项：{names}", f"must change at least one of {names}"),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Changes(_Record):
    """What an amendment changes; ``terms`` replaces the terms as a whole."""

    amount: int | None = field_of(MONEY, "变更后金额", optional=True)
    terms: Terms | None = field_of(object_of(Terms), "变更后付款条款", optional=True)
    interest_rate: Decimal | None = field_of(RATE, "变更后利率", optional=True)
    conditions_added: tuple[str, ...] | None = field_of(
        list_of(REASON), "追加付款条件", optional=True
    )
    checks: ClassVar[tuple[Check, ...]] = (_changes_something,)


# --------------------------------------------------------------------------
# events


@dataclass(frozen=True, slots=True, kw_only=True)
class _Event(_Record):
    """Fields every body may carry: ``ref`` tells two genuine repeats apart.

    ``kind`` is the statement kind, ``label`` its Chinese name, ``command``
    the ``ledger record`` subcommand that records one (None: not recorded
    from the command line).
    """

    kind: ClassVar[EventKind]
    label: ClassVar[str]
    command: ClassVar[str | None] = None
    ref: str | None = field_of(LABEL, "区分编号", optional=True)


# --------------------------------------------------------------------------
# registry events


def _log_key_names_origin(e: Genesis, obj: _Obj) -> None:
    if _vkey_name(e.log_key) != e.origin:
        n = _vkey_name(e.log_key)
        raise FieldError(
            obj.at("log_key"),
            both(
                f"密钥名称为 {n!r}，与日志标识 {e.origin!r} 不符",
                f"names key {n!r}, not the origin {e.origin!r}",
            ),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Genesis(_Event):
    """Entry 0: the log's origin and its log key (whose name is the origin, FORMATS.md §5)."""

    kind: ClassVar[EventKind] = EventKind.GENESIS
    label: ClassVar[str] = "创世条目"
    origin: str = field_of(KEY_NAME, "日志标识")
    log_key: str = field_of(VKEY, "日志验证密钥")
    checks: ClassVar[tuple[Check, ...]] = (_log_key_names_origin,)


def _vkey_names_key(e: KeyRegistered, obj: _Obj) -> None:
    if _vkey_name(e.vkey) != e.name:
        n = _vkey_name(e.vkey)
        raise FieldError(
            obj.at("vkey"),
            both(f"密钥名称为 {n!r}，与 {e.name!r} 不符", f"names key {n!r}, not {e.name!r}"),
        )


def key_scope_problem(role: str, agencies: Sequence[str]) -> str | None:
    """The scope rule of ``key.registered``, the one place it is written: a recorder's
    scope is ``["*"]`` or a list of distinct agency ids; an auditor's or a witness's
    key signs no statements and has ``[]``.  The problem (bilingual), or None.

    The body's declaration checks it (``body.agencies``), so do the key rules of
    append and verify (:func:`ledger.authz.apply_key_event`, on bodies it has not
    parsed) and ``ledger keys`` before a key is made (``--agency``).
    """
    if role == KeyRole.RECORDER:
        if not agencies:
            return both(
                f"记录员密钥至少需要一个机关或 {WILDCARD!r}",
                f"a recorder key needs at least one agency or {WILDCARD!r}",
            )
        if len(set(agencies)) != len(agencies):
            return _REPEATED
        if WILDCARD in agencies and len(agencies) > 1:
            return both(
                f"授权范围要么是 [{WILDCARD!r}]，要么是机关编号列表，不能两者兼有",
                f"a scope is either [{WILDCARD!r}] or a list of agency ids, not both",
            )
    elif agencies:
        return both(
            f"角色为 {role} 的密钥必须为 []（该密钥不签署声明）",
            f"must be [] for a {role} key (it signs no statements)",
        )
    return None


def _scope_fits_role(e: KeyRegistered, obj: _Obj) -> None:
    problem = key_scope_problem(e.role, e.agencies)
    if problem is not None:
        raise FieldError(obj.at("agencies"), problem)


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyRegistered(_Event):
    """A recorder, auditor or witness key; recorders carry a scope of agencies or ``["*"]``."""

    kind: ClassVar[EventKind] = EventKind.KEY_REGISTERED
    label: ClassVar[str] = "密钥登记"
    name: str = field_of(KEY_NAME, "密钥名称")
    vkey: str = field_of(VKEY, "验证密钥")
    role: KeyRole = field_of(enum_type(KeyRole), "密钥角色")
    agencies: tuple[str, ...] = field_of(list_of(ID, nonempty=False), "授权机关")
    checks: ClassVar[tuple[Check, ...]] = (_vkey_names_key, _scope_fits_role)


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyRevoked(_Event):
    """A key signs nothing after this entry."""

    kind: ClassVar[EventKind] = EventKind.KEY_REVOKED
    label: ClassVar[str] = "密钥吊销"
    name: str = field_of(KEY_NAME, "密钥名称")
    reason: str = field_of(REASON, "原因")


@dataclass(frozen=True, slots=True, kw_only=True)
class AgencyRegistered(_Event):
    """A government agency, institution or state-owned enterprise that makes commitments."""

    kind: ClassVar[EventKind] = EventKind.AGENCY_REGISTERED
    label: ClassVar[str] = "机关登记"
    command: ClassVar[str | None] = "agency"
    agency: str = field_of(AGENCY, "单位编号")
    name: str = field_of(NAME, "名称")
    category: AgencyCategory = field_of(enum_type(AgencyCategory), "单位类别")
    region: str = field_of(REGION, "行政区划代码")
    established: dt.date | None = field_of(DATE, "成立日期", optional=True)
    """The day the agency was set up, where it matters (no disclosure is due before it)."""


def _not_its_own_successor(e: AgencySucceeded, obj: _Obj) -> None:
    if e.successor in e.predecessors:
        raise FieldError(
            obj.at("successor"),
            both(
                f"承继单位 {e.successor!r} 不能承继自身", f"{e.successor!r} cannot succeed itself"
            ),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class AgencySucceeded(_Event):
    """The successor takes over the open obligations of the predecessors.

    All of them, or, where ``commitments`` is given (a split that
    allocates), only those named (DOMAIN.md revision 2).
    """

    kind: ClassVar[EventKind] = EventKind.AGENCY_SUCCEEDED
    label: ClassVar[str] = "机关承继（机构改革、职能调整、区划调整）"
    command: ClassVar[str | None] = "succession"
    predecessors: tuple[str, ...] = field_of(list_of(AGENCY, distinct=True), "被承继单位")
    successor: str = field_of(AGENCY, "承继单位")
    reason: SuccessionReason = field_of(enum_type(SuccessionReason), "承继原因")
    effective: dt.date = field_of(DATE, "生效日期")
    commitments: tuple[str, ...] | None = field_of(
        list_of(ID, distinct=True), "承继的承诺", optional=True
    )
    checks: ClassVar[tuple[Check, ...]] = (_not_its_own_successor,)


@dataclass(frozen=True, slots=True, kw_only=True)
class OfficialAppointed(_Event):
    """An official takes office; a new principal ends the previous principal's tenure."""

    kind: ClassVar[EventKind] = EventKind.OFFICIAL_APPOINTED
    label: ClassVar[str] = "负责人任命"
    command: ClassVar[str | None] = "official"
    official: str = field_of(ID, "官员编号")
    name: str = field_of(NAME, "姓名")
    agency: str = field_of(AGENCY, "单位编号")
    role: OfficialRole = field_of(enum_type(OfficialRole), "职务")
    start: dt.date = field_of(DATE, "任职日期")


@dataclass(frozen=True, slots=True, kw_only=True)
class OfficialDeparted(_Event):
    """An official leaves office at an agency; ``end`` is the last day in office."""

    kind: ClassVar[EventKind] = EventKind.OFFICIAL_DEPARTED
    label: ClassVar[str] = "负责人离任"
    command: ClassVar[str | None] = "departure"
    official: str = field_of(ID, "官员编号")
    agency: str = field_of(AGENCY, "单位编号")
    end: dt.date = field_of(DATE, "离任日期")


@dataclass(frozen=True, slots=True, kw_only=True)
class GovernmentTermChanged(_Event):
    """A government term change (政府换届) of a region."""

    kind: ClassVar[EventKind] = EventKind.GOVERNMENT_TERM_CHANGED
    label: ClassVar[str] = "政府换届"
    command: ClassVar[str | None] = "term-change"
    region: str = field_of(REGION, "行政区划代码")
    term: str = field_of(LABEL, "届次")
    effective: dt.date = field_of(DATE, "生效日期")


@dataclass(frozen=True, slots=True, kw_only=True)
class EnterpriseRegistered(_Event):
    """An enterprise, identified by its USCC exactly as given."""

    kind: ClassVar[EventKind] = EventKind.ENTERPRISE_REGISTERED
    label: ClassVar[str] = "企业登记"
    command: ClassVar[str | None] = "enterprise"
    uscc: str = field_of(USCC, "统一社会信用代码")
    name: str = field_of(NAME, "企业名称")
    size: EnterpriseSize = field_of(enum_type(EnterpriseSize), "企业规模")
    ownership: Ownership = field_of(enum_type(Ownership), "企业性质")


def _updates_something(e: EnterpriseUpdated, obj: _Obj) -> None:
    if e.size is None and e.name is None:
        raise FieldError(
            obj.path,
            both("须至少变更 name、size 之一", "must update at least one of name, size"),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class EnterpriseUpdated(_Event):
    """A change of size or name from ``effective`` on (size counts as of signing)."""

    kind: ClassVar[EventKind] = EventKind.ENTERPRISE_UPDATED
    label: ClassVar[str] = "企业信息变更"
    command: ClassVar[str | None] = "enterprise-update"
    uscc: str = field_of(USCC, "统一社会信用代码")
    effective: dt.date = field_of(DATE, "生效日期")
    size: EnterpriseSize | None = field_of(enum_type(EnterpriseSize), "企业规模", optional=True)
    name: str | None = field_of(NAME, "企业名称", optional=True)
    checks: ClassVar[tuple[Check, ...]] = (_updates_something,)


# --------------------------------------------------------------------------
# commitment events


@dataclass(frozen=True, slots=True, kw_only=True)
class CommitmentRecorded(_Event):
    """A contract, payable or policy promise of an agency to an enterprise."""

    kind: ClassVar[EventKind] = EventKind.COMMITMENT_RECORDED
    label: ClassVar[str] = "承诺（合同、应付账款、政策承诺）登记"
    command: ClassVar[str | None] = "commitment"
    commitment: str = field_of(ID, "合同编号")
    type: CommitmentType = field_of(enum_type(CommitmentType), "类型")
    agency: str = field_of(AGENCY, "单位编号")
    enterprise: str = field_of(USCC, "统一社会信用代码")
    title: str = field_of(TITLE, "标题")
    amount: int = field_of(MONEY, "金额")
    signed_on: dt.date = field_of(DATE, "签订日期")
    official: str | None = field_of(ID, "经办官员", optional=True)
    terms: Terms = field_of(object_of(Terms), "付款条款")
    interest_rate: Decimal | None = field_of(RATE, "约定利率", optional=True)
    policy_ref: str | None = field_of(LABEL, "政策文号", optional=True)
    document_sha256: str | None = field_of(SHA256, "文件哈希", optional=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class CommitmentDelivered(_Event):
    """Goods, works or services delivered (the latest delivery counts)."""

    kind: ClassVar[EventKind] = EventKind.COMMITMENT_DELIVERED
    label: ClassVar[str] = "交付"
    command: ClassVar[str | None] = "delivery"
    commitment: str = field_of(ID, "合同编号")
    date: dt.date = field_of(DATE, "交付日期")


@dataclass(frozen=True, slots=True, kw_only=True)
class CommitmentAccepted(_Event):
    """Inspection or acceptance passed (the first acceptance counts)."""

    kind: ClassVar[EventKind] = EventKind.COMMITMENT_ACCEPTED
    label: ClassVar[str] = "验收"
    command: ClassVar[str | None] = "acceptance"
    commitment: str = field_of(ID, "合同编号")
    date: dt.date = field_of(DATE, "验收日期")


@dataclass(frozen=True, slots=True, kw_only=True)
class CommitmentAmended(_Event):
    """A change of amount, terms, rate or conditions; binding only with the enterprise's consent."""

    kind: ClassVar[EventKind] = EventKind.COMMITMENT_AMENDED
    label: ClassVar[str] = "承诺变更"
    command: ClassVar[str | None] = "amendment"
    commitment: str = field_of(ID, "合同编号")
    date: dt.date = field_of(DATE, "变更日期")
    changes: Changes = field_of(object_of(Changes), "变更内容")
    enterprise_consent: bool = field_of(BOOL, "企业同意")
    reason: str = field_of(REASON, "原因")
    reason_code: ReasonCode | None = field_of(enum_type(ReasonCode), "原因分类", optional=True)


def _maturity_for_noncash(e: PaymentMade, obj: _Obj) -> None:
    """A bill or voucher carries its maturity, on or after the payment date; no other method."""
    if e.method in NONCASH_METHODS and e.maturity is None:
        raise FieldError(
            obj.at("maturity"),
            both(f"以 {e.method} 付款时必须填写", f"is required for a {e.method} payment"),
        )
    if e.method not in NONCASH_METHODS and e.maturity is not None:
        raise FieldError(
            obj.at("maturity"),
            both(
                f"仅适用于 bill 和 voucher 付款，不适用于 {e.method}",
                f"applies only to bill and voucher payments, not {e.method}",
            ),
        )
    if e.maturity is not None and e.maturity < e.date:
        raise FieldError(
            obj.at("maturity"),
            both(
                f"票据到期日 {e.maturity} 早于付款日期 {e.date}",
                f"{e.maturity} is before the payment date {e.date}",
            ),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentMade(_Event):
    """A payment at face value; a bill or voucher pays on its ``maturity`` date."""

    kind: ClassVar[EventKind] = EventKind.PAYMENT_MADE
    label: ClassVar[str] = "付款"
    command: ClassVar[str | None] = "payment"
    commitment: str = field_of(ID, "合同编号")
    amount: int = field_of(MONEY, "付款金额")
    date: dt.date = field_of(DATE, "付款日期")
    reference: str = field_of(LABEL, "付款凭证号")
    method: PaymentMethod = field_of(enum_type(PaymentMethod), "付款方式")
    maturity: dt.date | None = field_of(DATE, "票据到期日", optional=True)
    checks: ClassVar[tuple[Check, ...]] = (_maturity_for_noncash,)


@dataclass(frozen=True, slots=True, kw_only=True)
class CommitmentDisputed(_Event):
    """The agency disputes part of the amount; only that part is held back."""

    kind: ClassVar[EventKind] = EventKind.COMMITMENT_DISPUTED
    label: ClassVar[str] = "争议"
    command: ClassVar[str | None] = "dispute"
    commitment: str = field_of(ID, "合同编号")
    amount: int = field_of(MONEY, "争议金额")
    date: dt.date = field_of(DATE, "提出日期")
    reason: str = field_of(REASON, "原因")
    reason_code: ReasonCode | None = field_of(enum_type(ReasonCode), "原因分类", optional=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class DisputeResolved(_Event):
    """Closes the open disputes; ``written_off`` (may be 0.00) leaves the obligation."""

    kind: ClassVar[EventKind] = EventKind.DISPUTE_RESOLVED
    label: ClassVar[str] = "争议解决"
    command: ClassVar[str | None] = "resolve"
    commitment: str = field_of(ID, "合同编号")
    date: dt.date = field_of(DATE, "解决日期")
    written_off: int = field_of(MONEY_OR_ZERO, "核销金额")


@dataclass(frozen=True, slots=True, kw_only=True)
class CommitmentRepudiated(_Event):
    """The agency refuses to honour the commitment (违约/拒约/毁约)."""

    kind: ClassVar[EventKind] = EventKind.COMMITMENT_REPUDIATED
    label: ClassVar[str] = "违约、拒约、毁约"
    command: ClassVar[str | None] = "repudiation"
    commitment: str = field_of(ID, "合同编号")
    date: dt.date = field_of(DATE, "日期")
    reason: str = field_of(REASON, "原因")
    reason_code: ReasonCode | None = field_of(enum_type(ReasonCode), "原因分类", optional=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class CommitmentSettled(_Event):
    """A settlement in which the enterprise agreed to waive ``amount_waived`` (may be 0.00)."""

    kind: ClassVar[EventKind] = EventKind.COMMITMENT_SETTLED
    label: ClassVar[str] = "和解（企业同意减免）"
    command: ClassVar[str | None] = "settlement"
    commitment: str = field_of(ID, "合同编号")
    date: dt.date = field_of(DATE, "和解日期")
    amount_waived: int = field_of(MONEY_OR_ZERO, "减免金额")
    document_sha256: str = field_of(SHA256, "和解协议哈希")


@dataclass(frozen=True, slots=True, kw_only=True)
class CommitmentVoided(_Event):
    """A recording error: the commitment leaves every balance but stays listed."""

    kind: ClassVar[EventKind] = EventKind.COMMITMENT_VOIDED
    label: ClassVar[str] = "作废（录入错误更正）"
    command: ClassVar[str | None] = "void"
    commitment: str = field_of(ID, "合同编号")
    reason: str = field_of(REASON, "原因")


@dataclass(frozen=True, slots=True, kw_only=True)
class ComplaintFiled(_Event):
    """An enterprise's complaint about a commitment."""

    kind: ClassVar[EventKind] = EventKind.COMPLAINT_FILED
    label: ClassVar[str] = "企业投诉"
    command: ClassVar[str | None] = "complaint"
    commitment: str = field_of(ID, "合同编号")
    date: dt.date = field_of(DATE, "投诉日期")
    summary: str = field_of(REASON, "投诉内容")


@dataclass(frozen=True, slots=True, kw_only=True)
class SettlementConfirmed(_Event):
    """Both parties confirmed a settlement amount (履行进度结算、定期结算; basis settlement
    only): that amount becomes payable, its period starting on ``date``."""

    kind: ClassVar[EventKind] = EventKind.SETTLEMENT_CONFIRMED
    label: ClassVar[str] = "结算确认"
    command: ClassVar[str | None] = "confirmation"
    commitment: str = field_of(ID, "合同编号")
    date: dt.date = field_of(DATE, "结算确认日期")
    amount: int = field_of(MONEY, "结算确认金额")


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentReversed(_Event):
    """The payment under ``reference`` was recorded in error or bounced: it never counted."""

    kind: ClassVar[EventKind] = EventKind.PAYMENT_REVERSED
    label: ClassVar[str] = "付款冲正"
    command: ClassVar[str | None] = "reversal"
    commitment: str = field_of(ID, "合同编号")
    reference: str = field_of(ID, "冲正付款凭证号")
    date: dt.date = field_of(DATE, "冲正日期")
    reason: str = field_of(REASON, "冲正原因")


@dataclass(frozen=True, slots=True, kw_only=True)
class InterestPaid(_Event):
    """Late interest paid to the enterprise (audits report interest paid and still owed)."""

    kind: ClassVar[EventKind] = EventKind.INTEREST_PAID
    label: ClassVar[str] = "支付逾期利息"
    command: ClassVar[str | None] = "interest"
    commitment: str = field_of(ID, "合同编号")
    amount: int = field_of(MONEY, "已付利息")
    date: dt.date = field_of(DATE, "利息支付日期")
    reference: str = field_of(ID, "利息凭证号")


# --------------------------------------------------------------------------
# the union, the registry of kinds and the helpers of the authorisation layer

CommitmentEvent: TypeAlias = (
    CommitmentDelivered
    | CommitmentAccepted
    | CommitmentAmended
    | PaymentMade
    | CommitmentDisputed
    | DisputeResolved
    | CommitmentRepudiated
    | CommitmentSettled
    | CommitmentVoided
    | ComplaintFiled
    | SettlementConfirmed
    | PaymentReversed
    | InterestPaid
)
"""The events of an existing commitment (every commitment kind but ``commitment.recorded``)."""

Event: TypeAlias = (
    Genesis
    | KeyRegistered
    | KeyRevoked
    | AgencyRegistered
    | AgencySucceeded
    | OfficialAppointed
    | OfficialDeparted
    | GovernmentTermChanged
    | EnterpriseRegistered
    | EnterpriseUpdated
    | CommitmentRecorded
    | CommitmentEvent
)

EVENT_CLASSES: dict[EventKind, type[Event]] = {
    cls.kind: cls
    for cls in (
        Genesis,
        KeyRegistered,
        KeyRevoked,
        AgencyRegistered,
        AgencySucceeded,
        OfficialAppointed,
        OfficialDeparted,
        GovernmentTermChanged,
        EnterpriseRegistered,
        EnterpriseUpdated,
        CommitmentRecorded,
        CommitmentDelivered,
        CommitmentAccepted,
        CommitmentAmended,
        PaymentMade,
        CommitmentDisputed,
        DisputeResolved,
        CommitmentRepudiated,
        CommitmentSettled,
        CommitmentVoided,
        ComplaintFiled,
        SettlementConfirmed,
        PaymentReversed,
        InterestPaid,
    )
}
"""Every kind's declaration, in DOMAIN.md order."""

for _cls in EVENT_CLASSES.values():
    _cls.specs()  # check the declarations and fill FIELD_LABELS at import
for _rec in (Terms, Changes):
    _rec.specs()


def field_label(record: type[_Record], name: str) -> str:
    """The Chinese label ``record`` declares for its field ``name`` (KeyError if none):
    the one label of that field wherever a person reads it (sheet headers, tables,
    ``ledger record`` help)."""
    for spec in record.specs():
        if spec.name == name:
            return spec.label
    raise KeyError(f"{record.__name__} declares no field {name!r}")


LOG_KEY_ONLY_KINDS: frozenset[EventKind] = frozenset(
    {EventKind.GENESIS, EventKind.KEY_REGISTERED, EventKind.KEY_REVOKED}
)
"""Kinds only the log key may sign."""

REGISTRY_KINDS: frozenset[EventKind] = LOG_KEY_ONLY_KINDS | frozenset(
    {
        EventKind.AGENCY_REGISTERED,
        EventKind.AGENCY_SUCCEEDED,
        EventKind.OFFICIAL_APPOINTED,
        EventKind.OFFICIAL_DEPARTED,
        EventKind.GOVERNMENT_TERM_CHANGED,
        EventKind.ENTERPRISE_REGISTERED,
        EventKind.ENTERPRISE_UPDATED,
    }
)
"""Registry kinds: the log key or a recorder scoped to ``*`` (the log-key-only ones included)."""

COMMITMENT_KINDS: frozenset[EventKind] = frozenset(EventKind) - REGISTRY_KINDS
"""Kinds about one commitment, signed by a recorder whose scope covers its agency."""


def event_class(kind: str) -> type[Event]:
    """The dataclass of an event kind; FieldError ``kind`` for an unknown kind."""
    if not isinstance(kind, str):
        t = _type_name(kind)
        raise FieldError("kind", both(f"必须是字符串，不能是 {t}", f"must be a string, not {t}"))
    by_value: dict[str, type[Event]] = EVENT_CLASSES  # type: ignore[assignment]
    found = by_value.get(kind)  # a StrEnum member hashes and compares as its value
    if found is not None:
        return found
    close = difflib.get_close_matches(kind, [k.value for k in EventKind], n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    hint_zh = f"，是否应为 {close[0]!r}" if close else ""
    k = _show(kind)
    raise FieldError("kind", both(f"未知的事件类型 {k}{hint_zh}", f"unknown event kind {k}{hint}"))


def parse_body(kind: str, body: object) -> Event:
    """Validate a statement's ``kind`` and ``body`` syntactically and type them.

    Refuses, with a :class:`FieldError` naming the dotted field path: an
    unknown kind (``kind``); a body that is not an object (``body``); an unknown
    field (``body.<field>``, checked first so a typo is named as such); a
    missing required field; a null; a wrong JSON type (a bool is not an int, a
    float is never money or a count); empty text, or an id with surrounding
    whitespace; a date that is not a real ``YYYY-MM-DD``; an amount that is not
    a positive two-place decimal string (``written_off`` and ``amount_waived``
    may be ``"0.00"``); an invalid USCC; an unknown enum value; and the
    cross-field rules each kind lists in ``checks`` (terms basis vs
    ``days``/``due``, bill and voucher ``maturity``, key scopes, vkey name).
    Nothing about the ledger state is checked here.
    """
    return event_class(kind).parse(body, "body")


def decode_body(kind: str, body: Mapping[str, Any]) -> Event:
    """Type a stored body validated on append, without re-validating it.

    KeyError, ValueError or TypeError when the body is not what validation
    would have let in (a damaged projection: the caller names the row).
    """
    return EVENT_CLASSES[EventKind(kind)].decode(body)


def commitment_id(event: Event) -> str | None:
    """The commitment an event is about, or None for registry events."""
    value = getattr(event, "commitment", None) if event.kind in COMMITMENT_KINDS else None
    return value if isinstance(value, str) else None


def agency_of(event: Event) -> str | None:
    """The agency named in the body, or None where the body names none.

    ``commitment.recorded``, ``agency.registered`` and ``official.*``: their
    ``agency``; ``agency.succeeded``: the successor (see :func:`agencies_named`
    for the predecessors too).  Other commitment events name only the
    commitment: its agency comes from the ledger state.
    """
    match event:
        case CommitmentRecorded() | AgencyRegistered() | OfficialAppointed() | OfficialDeparted():
            return event.agency
        case AgencySucceeded():
            return event.successor
        case _:
            return None


def agencies_named(event: Event) -> tuple[str, ...]:
    """Every agency id the body names (a succession names predecessors and successor)."""
    if isinstance(event, AgencySucceeded):
        return (*event.predecessors, event.successor)
    agency = agency_of(event)
    return () if agency is None else (agency,)
