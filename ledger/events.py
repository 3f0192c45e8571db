"""Typed event bodies: one frozen dataclass per event kind of DOMAIN.md.

:func:`parse_body` does the *syntactic* validation of a statement's ``kind``
and ``body`` (DOMAIN.md "Validation on append"; FORMATS.md: ``append`` refuses
unknown fields, so a typo never enters the record).  Whether the agency,
enterprise or commitment exists, and who may sign, is checked against the
ledger state elsewhere.

Every event's :meth:`~_Record.to_body` gives the JSON body back exactly, with
amounts as two-place strings and dates as ``YYYY-MM-DD`` (FORMATS.md §1), so
``parse_body(k, b).to_body() == b`` for every valid body.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar, Self, TypeAlias, TypeVar

from ledger.errors import FieldError
from ledger.money import format_fen, format_rate, parse_amount, parse_rate
from ledger.uscc import validate_uscc

__all__ = [
    "COMMITMENT_KINDS",
    "LOG_KEY_ONLY_KINDS",
    "MAX_DAYS",
    "NONCASH_METHODS",
    "REGISTRY_KINDS",
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
    "Genesis",
    "GovernmentTermChanged",
    "KeyRegistered",
    "KeyRevoked",
    "KeyRole",
    "OfficialAppointed",
    "OfficialDeparted",
    "OfficialRole",
    "Ownership",
    "PaymentMade",
    "PaymentMethod",
    "ReasonCode",
    "SuccessionReason",
    "Terms",
    "TermsBasis",
    "agencies_named",
    "agency_of",
    "commitment_id",
    "event_class",
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

MAX_ID_LENGTH = 200

# --------------------------------------------------------------------------
# field parsers: (value, dotted path) -> typed value, or FieldError(path, why)

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


def _string(value: object, path: str, what: str) -> str:
    if not isinstance(value, str):
        raise FieldError(path, f"{what} must be a string, not {_type_name(value)}")
    if value == "" or value.isspace():
        raise FieldError(path, f"{what} must not be empty")
    return value


def _has_control(value: str) -> bool:
    return any(unicodedata.category(c) == "Cc" for c in value)


def _ident(value: object, path: str) -> str:
    """An id chosen by the operator (agency, official, commitment, ref...)."""
    text = _string(value, path, "an id")
    if text != text.strip():
        raise FieldError(path, f"an id must not start or end with whitespace: {_show(text)}")
    if _has_control(text):
        raise FieldError(path, f"an id must not contain control characters: {_show(text)}")
    if len(text) > MAX_ID_LENGTH:
        raise FieldError(path, f"an id is at most {MAX_ID_LENGTH} characters, got {len(text)}")
    return text


def _agency(value: object, path: str) -> str:
    """An agency id; ``*`` is reserved for recorder scopes."""
    text = _ident(value, path)
    if text == WILDCARD:
        raise FieldError(path, f"{WILDCARD!r} is not an agency id (only a key scope may be '*')")
    return text


def _text(value: object, path: str) -> str:
    """Free text (a name, title, reason): non-empty, kept exactly as given."""
    return _string(value, path, "text")


def _key_name(value: object, path: str) -> str:
    """A signed-note key name: no whitespace, no ``+`` (c2sp.org/signed-note)."""
    text = _string(value, path, "a key name")
    if any(c.isspace() or c == "+" for c in text) or _has_control(text):
        raise FieldError(path, f"a key name must not contain spaces or '+': {_show(text)}")
    return text


def _vkey(value: object, path: str) -> str:
    """A signed-note verifier key ``<name>+<8 hex>+<base64>`` (shape only)."""
    text = _string(value, path, "a verifier key")
    if not _VKEY.fullmatch(text):
        raise FieldError(
            path, f"{_show(text)} is not a verifier key <name>+<8 hex digits>+<base64>"
        )
    return text


def _vkey_name(vkey: str) -> str:
    return vkey.split("+", 1)[0]


def _date(value: object, path: str) -> dt.date:
    """A real calendar date written ``YYYY-MM-DD``."""
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise FieldError(path, f"a date must be a string YYYY-MM-DD, not {_show(value)}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise FieldError(path, f"{value} is not a calendar date") from None


def _days(value: object, path: str) -> int:
    """A whole number of days, 0..MAX_DAYS (bool and float refused)."""
    if type(value) is not int:
        raise FieldError(path, f"days must be an integer, not {_type_name(value)} {_show(value)}")
    if not 0 <= value <= MAX_DAYS:
        raise FieldError(path, f"days must be between 0 and {MAX_DAYS}, got {value}")
    return value


def _bool(value: object, path: str) -> bool:
    if not isinstance(value, bool):
        raise FieldError(path, f"must be true or false, not {_type_name(value)} {_show(value)}")
    return value


def _amount(value: object, path: str) -> int:
    return parse_amount(value, path)


def _amount_or_zero(value: object, path: str) -> int:
    return parse_amount(value, path, allow_zero=True)


def _region(value: object, path: str) -> str:
    """A 6-digit administrative division code (430600)."""
    if not isinstance(value, str) or not _REGION.fullmatch(value):
        raise FieldError(
            path, f"a region must be a 6-digit division code string, not {_show(value)}"
        )
    return value


def _sha256(value: object, path: str) -> str:
    if not isinstance(value, str) or not _SHA256.fullmatch(value):
        raise FieldError(path, f"must be a SHA-256 as 64 lower-case hex digits, not {_show(value)}")
    return value


def _enum(cls: type[_E]) -> _Parser[_E]:
    def parse(value: object, path: str) -> _E:
        allowed = ", ".join(m.value for m in cls)
        if not isinstance(value, str):
            raise FieldError(path, f"must be one of {allowed}; not {_type_name(value)}")
        try:
            return cls(value)
        except ValueError:
            raise FieldError(path, f"{_show(value)} is not one of {allowed}") from None

    return parse


def _list(
    item: _Parser[_T], *, nonempty: bool = True, distinct: bool = False
) -> _Parser[tuple[_T, ...]]:
    def parse(value: object, path: str) -> tuple[_T, ...]:
        if not isinstance(value, list):
            raise FieldError(path, f"must be a list, not {_type_name(value)}")
        if nonempty and not value:
            raise FieldError(path, "must not be an empty list (omit the field instead)")
        items = tuple(item(v, f"{path}[{i}]") for i, v in enumerate(value))
        if distinct and len(set(items)) != len(items):
            raise FieldError(path, "must not repeat an item")
        return items

    return parse


class _Obj:
    """A JSON object being parsed: refuses unknown keys up front, hands out fields."""

    __slots__ = ("_data", "path")

    def __init__(self, value: object, path: str, allowed: Iterable[str]) -> None:
        if not isinstance(value, dict):
            raise FieldError(path, f"must be a JSON object, not {_type_name(value)}")
        names = sorted(allowed)
        for key in value:
            if not isinstance(key, str):
                raise FieldError(path, f"has a key that is not a string: {_show(key)}")
            if key not in names and len(key) > 100:
                raise FieldError(path, f"has an unknown field {_show(key)}")
            if key not in names:
                close = difflib.get_close_matches(key, names, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise FieldError(
                    f"{path}.{key}", f"unknown field{hint}; allowed: {', '.join(names)}"
                )
        self._data: dict[str, object] = value
        self.path = path

    def at(self, key: str) -> str:
        """Dotted path of a field."""
        return f"{self.path}.{key}"

    def has(self, key: str) -> bool:
        """Whether the field is present."""
        return key in self._data

    def req(self, key: str, parse: _Parser[_T]) -> _T:
        """A required field."""
        if key not in self._data:
            raise FieldError(self.at(key), "is required")
        return parse(self._data[key], self.at(key))

    def opt(self, key: str, parse: _Parser[_T]) -> _T | None:
        """An optional field; absent gives None, an explicit null is refused."""
        if key not in self._data:
            return None
        value = self._data[key]
        if value is None:
            raise FieldError(self.at(key), "must not be null (omit an absent field)")
        return parse(value, self.at(key))


# --------------------------------------------------------------------------
# records

_MONEY = {"money": True}


def _dump(value: object) -> object:
    """JSON form of a stored value (money is handled by the caller)."""
    if isinstance(value, _Record):
        return value.to_body()
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format_rate(value)
    if isinstance(value, tuple):
        return [_dump(v) for v in value]
    raise TypeError(f"cannot encode {type(value).__name__} in a body")


@dataclass(frozen=True, slots=True, kw_only=True)
class _Record:
    """A JSON object with a fixed set of fields; absent optionals are None."""

    @classmethod
    def field_names(cls) -> frozenset[str]:
        """The JSON keys this record may carry."""
        return frozenset(f.name for f in fields(cls))

    @classmethod
    def _parse(cls, obj: _Obj) -> Self:
        raise NotImplementedError

    @classmethod
    def parse(cls, value: object, path: str) -> Self:
        """Parse the JSON object at ``path`` (``body``, ``body.terms``...)."""
        return cls._parse(_Obj(value, path, cls.field_names()))

    def to_body(self) -> dict[str, object]:
        """The JSON object exactly as it was given: absent optionals omitted."""
        out: dict[str, object] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            out[f.name] = format_fen(value) if f.metadata.get("money") else _dump(value)
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class Terms(_Record):
    """Payment terms: ``days`` after delivery or acceptance, or a fixed ``due`` date.

    ``acceptance_days`` is the agreed inspection period after delivery;
    ``conditions`` are the payment conditions the contract agreed (audit,
    filing), as written.
    """

    basis: TermsBasis
    days: int | None = None
    due: dt.date | None = None
    acceptance_days: int | None = None
    conditions: tuple[str, ...] | None = None

    @classmethod
    def _parse(cls, obj: _Obj) -> Self:
        basis = obj.req("basis", _enum(TermsBasis))
        if basis is TermsBasis.DATE:
            if not obj.has("due"):
                raise FieldError(obj.at("due"), "is required when basis is date")
            if obj.has("days"):
                raise FieldError(
                    obj.at("days"),
                    "applies to basis delivery, acceptance or settlement; basis date uses due",
                )
        elif obj.has("due"):
            raise FieldError(obj.at("due"), f"applies only to basis date, not {basis}")
        return cls(
            basis=basis,
            days=obj.opt("days", _days),
            due=obj.opt("due", _date),
            acceptance_days=obj.opt("acceptance_days", _days),
            conditions=obj.opt("conditions", _list(_text)),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Changes(_Record):
    """What an amendment changes; ``terms`` replaces the terms as a whole."""

    amount: int | None = field(default=None, metadata=_MONEY)
    terms: Terms | None = None
    interest_rate: Decimal | None = None
    conditions_added: tuple[str, ...] | None = None

    @classmethod
    def _parse(cls, obj: _Obj) -> Self:
        changes = cls(
            amount=obj.opt("amount", _amount),
            terms=obj.opt("terms", Terms.parse),
            interest_rate=obj.opt("interest_rate", parse_rate),
            conditions_added=obj.opt("conditions_added", _list(_text)),
        )
        if changes == cls():
            raise FieldError(
                obj.path, "must change at least one of " + ", ".join(sorted(cls.field_names()))
            )
        return changes


@dataclass(frozen=True, slots=True, kw_only=True)
class _Event(_Record):
    """Fields every body may carry: ``ref`` tells two genuine repeats apart."""

    kind: ClassVar[EventKind]
    ref: str | None = None


def _ref(obj: _Obj) -> str | None:
    return obj.opt("ref", _ident)


# --------------------------------------------------------------------------
# registry events


@dataclass(frozen=True, slots=True, kw_only=True)
class Genesis(_Event):
    """Entry 0: the log's origin and its log key (whose name is the origin, FORMATS.md §5)."""

    kind: ClassVar[EventKind] = EventKind.GENESIS
    origin: str
    log_key: str

    @classmethod
    def _parse(cls, obj: _Obj) -> Self:
        origin = obj.req("origin", _key_name)
        log_key = obj.req("log_key", _vkey)
        if _vkey_name(log_key) != origin:
            raise FieldError(
                obj.at("log_key"), f"names key {_vkey_name(log_key)!r}, not the origin {origin!r}"
            )
        return cls(origin=origin, log_key=log_key, ref=_ref(obj))


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyRegistered(_Event):
    """A recorder, auditor or witness key; recorders carry a scope of agencies or ``["*"]``."""

    kind: ClassVar[EventKind] = EventKind.KEY_REGISTERED
    name: str
    vkey: str
    role: KeyRole
    agencies: tuple[str, ...]

    @classmethod
    def _parse(cls, obj: _Obj) -> Self:
        name = obj.req("name", _key_name)
        vkey = obj.req("vkey", _vkey)
        if _vkey_name(vkey) != name:
            raise FieldError(obj.at("vkey"), f"names key {_vkey_name(vkey)!r}, not {name!r}")
        role = obj.req("role", _enum(KeyRole))
        path = obj.at("agencies")
        if role is KeyRole.RECORDER:
            agencies = obj.req("agencies", _list(_ident, distinct=True))
            if WILDCARD in agencies and len(agencies) > 1:
                raise FieldError(
                    path, f"a scope is either [{WILDCARD!r}] or a list of agency ids, not both"
                )
        else:
            agencies = obj.req("agencies", _list(_ident, nonempty=False))
            if agencies:
                raise FieldError(path, f"must be [] for a {role} key (it signs no statements)")
        return cls(name=name, vkey=vkey, role=role, agencies=agencies, ref=_ref(obj))


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyRevoked(_Event):
    """A key signs nothing after this entry."""

    kind: ClassVar[EventKind] = EventKind.KEY_REVOKED
    name: str
    reason: str

    @classmethod
    def _parse(cls, obj: _Obj) -> Self:
        return cls(name=obj.req("name", _key_name), reason=obj.req("reason", _text), ref=_ref(obj))


@dataclass(frozen=True, slots=True, kw_only=True)
class AgencyRegistered(_Event):
    """A government agency, institution or state-owned enterprise that makes commitments."""

    kind: ClassVar[EventKind] = EventKind.AGENCY_REGISTERED
    agency: str
    name: str
    category: AgencyCategory
    region: str

    @classmethod
    def _parse(cls, obj: _Obj) -> Self:
        return cls(
            agency=obj.req("agency", _agency),
            name=obj.req("name", _text),
            category=obj.req("category", _enum(AgencyCategory)),
            region=obj.req("region", _region),
            ref=_ref(obj),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class AgencySucceeded(_Event):
    """The successor takes over the open obligations of the predecessors.

    All of them, or, where ``commitments`` is given (a split that
    allocates), only those named (DOMAIN.md revision 2).
    """

    kind: ClassVar[EventKind] = EventKind.AGENCY_SUCCEEDED
    predecessors: tuple[str, ...]
    successor: str
    reason: SuccessionReason
    effective: dt.date
    commitments: tuple[str, ...] | None = None

    @classmethod
    def _parse(cls, obj: _Obj) -> Self:
        predecessors = obj.req("predecessors", _list(_agency, distinct=True))
        successor = obj.req("successor", _agency)
        if successor in predecessors:
            raise FieldError(obj.at("successor"), f"{successor!r} cannot succeed itself")
        return cls(
            predecessors=predecessors,
            successor=successor,
            reason=obj.req("reason", _enum(SuccessionReason)),
            effective=obj.req("effective", _date),
            commitments=obj.opt("commitments", _list(_ident, distinct=True)),
            ref=_ref(obj),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class OfficialAppointed(_Event):
    """An official takes office; a new principal ends the previous principal's tenure."""

    kind: ClassVar[EventKind] = EventKind.OFFICIAL_APPOINTED
    official: str
    name: str
    agency: str
    role: OfficialRole
    start: dt.date

    @classmethod
    def _parse(cls, obj: _Obj) -> Self:
        return cls(
            official=obj.req("official", _ident),
            name=obj.req("name", _text),
            agency=obj.req("agency", _agency),
            role=obj.req("role", _enum(OfficialRole)),
            start=obj.req("start", _date),
            ref=_ref(obj),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class OfficialDeparted(_Event):
    """An official leaves office at an agency; ``end`` is the last day in office."""

    kind: ClassVar[EventKind] = EventKind.OFFICIAL_DEPARTED
    official: str
    agency: str
    end: dt.date

    @classmethod
    def _parse(cls, obj: _Obj) -> Self:
        return cls(
            official=obj.req("official", _ident),
            agency=obj.req("agency", _agency),
            end=obj.req("end", _date),
            ref=_ref(obj),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class GovernmentTermChanged(_Event):
    """A government term change (政府换届) of a region."""

    kind: ClassVar[EventKind] = EventKind.GOVERNMENT_TERM_CHANGED
    region: str
    term: str
    effective: dt.date

    @classmethod
    def _parse(cls, obj: _Obj) -> Self:
        return cls(
            region=obj.req("region", _region),
            term=obj.req("term", _ident),
            effective=obj.req("effective", _date),
            ref=_ref(obj),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class EnterpriseRegistered(_Event):
    """An enterprise, identified by its USCC exactly as given."""

    kind: ClassVar[EventKind] = EventKind.ENTERPRISE_REGISTERED
    uscc: str
    name: str
    size: EnterpriseSize
    ownership: Ownership

    @classmethod
    def _parse(cls, obj: _Obj) -> Self:
        return cls(
            uscc=obj.req("uscc", validate_uscc),
            name=obj.req("name", _text),
            size=obj.req("size", _enum(EnterpriseSize)),
            ownership=obj.req("ownership", _enum(Ownership)),
            ref=_ref(obj),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class EnterpriseUpdated(_Event):
    """A change of size or name from ``effective`` on (size counts as of signing)."""

    kind: ClassVar[EventKind] = EventKind.ENTERPRISE_UPDATED
    uscc: str
    effective: dt.date
    size: EnterpriseSize | None = None
    name: str | None = None

    @classmethod
    def _parse(cls, obj: _Obj) -> Self:
        event = cls(
            uscc=obj.req("uscc", validate_uscc),
            effective=obj.req("effective", _date),
            size=obj.opt("size", _enum(EnterpriseSize)),
            name=obj.opt("name", _text),
            ref=_ref(obj),
        )
        if event.size is None and event.name is None:
            raise FieldError(obj.path, "must update at least one of name, size")
        return event


# --------------------------------------------------------------------------
# commitment events


@dataclass(frozen=True, slots=True, kw_only=True)
class CommitmentRecorded(_Event):
    """A contract, payable or policy promise of an agency to an enterprise."""

    kind: ClassVar[EventKind] = EventKind.COMMITMENT_RECORDED
    commitment: str
    type: CommitmentType
    agency: str
    enterprise: str
    title: str
    amount: int = field(metadata=_MONEY)
    signed_on: dt.date
    terms: Terms
    official: str | None = None
    interest_rate: Decimal | None = None
    policy_ref: str | None = None
    document_sha256: str | None = None

    @classmethod
    def _parse(cls, obj: _Obj) -> Self:
        return cls(
            commitment=obj.req("commitment", _ident),
            type=obj.req("type", _enum(CommitmentType)),
            agency=obj.req("agency", _agency),
            enterprise=obj.req("enterprise", validate_uscc),
            title=obj.req("title", _text),
            amount=obj.req("amount", _amount),
            signed_on=obj.req("signed_on", _date),
            official=obj.opt("official", _ident),
            terms=obj.req("terms", Terms.parse),
            interest_rate=obj.opt("interest_rate", parse_rate),
            policy_ref=obj.opt("policy_ref", _ident),
            document_sha256=obj.opt("document_sha256", _sha256),
            ref=_ref(obj),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class CommitmentDelivered(_Event):
    """Goods, works or services delivered (the latest delivery counts)."""

    kind: ClassVar[EventKind] = EventKind.COMMITMENT_DELIVERED
    commitment: str
    date: dt.date

    @classmethod
    def _parse(cls, obj: _Obj) -> Self:
        return cls(
            commitment=obj.req("commitment", _ident), date=obj.req("date", _date), ref=_ref(obj)
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class CommitmentAccepted(_Event):
    """Inspection or acceptance passed (the first acceptance counts)."""

    kind: ClassVar[EventKind] = EventKind.COMMITMENT_ACCEPTED
    commitment: str
    date: dt.date

    @classmethod
    def _parse(cls, obj: _Obj) -> Self:
        return cls(
            commitment=obj.req("commitment", _ident), date=obj.req("date", _date), ref=_ref(obj)
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class CommitmentAmended(_Event):
    """A change of amount, terms, rate or conditions; binding only with the enterprise's consent."""

    kind: ClassVar[EventKind] = EventKind.COMMITMENT_AMENDED
    commitment: str
    date: dt.date
    changes: Changes
    enterprise_consent: bool
    reason: str
    reason_code: ReasonCode | None = None

    @classmethod
    def _parse(cls, obj: _Obj) -> Self:
        return cls(
            commitment=obj.req("commitment", _ident),
            date=obj.req("date", _date),
            changes=obj.req("changes", Changes.parse),
            enterprise_consent=obj.req("enterprise_consent", _bool),
            reason=obj.req("reason", _text),
            reason_code=obj.opt("reason_code", _enum(ReasonCode)),
            ref=_ref(obj),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentMade(_Event):
    """A payment at face value; a bill or voucher pays on its ``maturity`` date."""

    kind: ClassVar[EventKind] = EventKind.PAYMENT_MADE
    commitment: str
    amount: int = field(metadata=_MONEY)
    date: dt.date
    reference: str
    method: PaymentMethod
    maturity: dt.date | None = None

    @classmethod
    def _parse(cls, obj: _Obj) -> Self:
        method = obj.req("method", _enum(PaymentMethod))
        if method in NONCASH_METHODS and not obj.has("maturity"):
            raise FieldError(obj.at("maturity"), f"is required for a {method} payment")
        if method not in NONCASH_METHODS and obj.has("maturity"):
            raise FieldError(
                obj.at("maturity"), f"applies only to bill and voucher payments, not {method}"
            )
        event = cls(
            commitment=obj.req("commitment", _ident),
            amount=obj.req("amount", _amount),
            date=obj.req("date", _date),
            reference=obj.req("reference", _ident),
            method=method,
            maturity=obj.opt("maturity", _date),
            ref=_ref(obj),
        )
        if event.maturity is not None and event.maturity < event.date:
            raise FieldError(
                obj.at("maturity"), f"{event.maturity} is before the payment date {event.date}"
            )
        return event


@dataclass(frozen=True, slots=True, kw_only=True)
class CommitmentDisputed(_Event):
    """The agency disputes part of the amount; only that part is held back."""

    kind: ClassVar[EventKind] = EventKind.COMMITMENT_DISPUTED
    commitment: str
    amount: int = field(metadata=_MONEY)
    date: dt.date
    reason: str
    reason_code: ReasonCode | None = None

    @classmethod
    def _parse(cls, obj: _Obj) -> Self:
        return cls(
            commitment=obj.req("commitment", _ident),
            amount=obj.req("amount", _amount),
            date=obj.req("date", _date),
            reason=obj.req("reason", _text),
            reason_code=obj.opt("reason_code", _enum(ReasonCode)),
            ref=_ref(obj),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class DisputeResolved(_Event):
    """Closes the open disputes; ``written_off`` (may be 0.00) leaves the obligation."""

    kind: ClassVar[EventKind] = EventKind.DISPUTE_RESOLVED
    commitment: str
    date: dt.date
    written_off: int = field(metadata=_MONEY)

    @classmethod
    def _parse(cls, obj: _Obj) -> Self:
        return cls(
            commitment=obj.req("commitment", _ident),
            date=obj.req("date", _date),
            written_off=obj.req("written_off", _amount_or_zero),
            ref=_ref(obj),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class CommitmentRepudiated(_Event):
    """The agency refuses to honour the commitment (违约/拒约/毁约)."""

    kind: ClassVar[EventKind] = EventKind.COMMITMENT_REPUDIATED
    commitment: str
    date: dt.date
    reason: str
    reason_code: ReasonCode | None = None

    @classmethod
    def _parse(cls, obj: _Obj) -> Self:
        return cls(
            commitment=obj.req("commitment", _ident),
            date=obj.req("date", _date),
            reason=obj.req("reason", _text),
            reason_code=obj.opt("reason_code", _enum(ReasonCode)),
            ref=_ref(obj),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class CommitmentSettled(_Event):
    """A settlement in which the enterprise agreed to waive ``amount_waived`` (may be 0.00)."""

    kind: ClassVar[EventKind] = EventKind.COMMITMENT_SETTLED
    commitment: str
    date: dt.date
    amount_waived: int = field(metadata=_MONEY)
    document_sha256: str

    @classmethod
    def _parse(cls, obj: _Obj) -> Self:
        return cls(
            commitment=obj.req("commitment", _ident),
            date=obj.req("date", _date),
            amount_waived=obj.req("amount_waived", _amount_or_zero),
            document_sha256=obj.req("document_sha256", _sha256),
            ref=_ref(obj),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class CommitmentVoided(_Event):
    """A recording error: the commitment leaves every balance but stays listed."""

    kind: ClassVar[EventKind] = EventKind.COMMITMENT_VOIDED
    commitment: str
    reason: str

    @classmethod
    def _parse(cls, obj: _Obj) -> Self:
        return cls(
            commitment=obj.req("commitment", _ident), reason=obj.req("reason", _text), ref=_ref(obj)
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ComplaintFiled(_Event):
    """An enterprise's complaint about a commitment."""

    kind: ClassVar[EventKind] = EventKind.COMPLAINT_FILED
    commitment: str
    date: dt.date
    summary: str

    @classmethod
    def _parse(cls, obj: _Obj) -> Self:
        return cls(
            commitment=obj.req("commitment", _ident),
            date=obj.req("date", _date),
            summary=obj.req("summary", _text),
            ref=_ref(obj),
        )


# --------------------------------------------------------------------------
# the union, the dispatcher and the helpers of the authorisation layer

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
    | CommitmentDelivered
    | CommitmentAccepted
    | CommitmentAmended
    | PaymentMade
    | CommitmentDisputed
    | DisputeResolved
    | CommitmentRepudiated
    | CommitmentSettled
    | CommitmentVoided
    | ComplaintFiled
)

_CLASSES: dict[EventKind, type[Event]] = {
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
    )
}

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
        raise FieldError("kind", f"must be a string, not {_type_name(kind)}")
    try:
        return _CLASSES[EventKind(kind)]
    except ValueError:
        close = difflib.get_close_matches(kind, list(EventKind), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise FieldError("kind", f"unknown event kind {_show(kind)}{hint}") from None


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
    intra-body rules (terms basis vs ``days``/``due``, bill and voucher
    ``maturity``, key scopes, vkey name).  Nothing about the ledger state is
    checked here.
    """
    return event_class(kind).parse(body, "body")


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
