"""Authorisation rules for who may sign what (DOMAIN.md "Authorisation and keys").

Pure rules over a :class:`KeyRecord` and the agencies a statement touches;
both ``append`` and ``verify`` call :func:`check_signer`, so the log is
re-checked by exactly the rules it was written under.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ledger.domain.events import (
    COMMITMENT_KINDS,
    LOG_KEY_ONLY_KINDS,
    REGISTRY_KINDS,
    WILDCARD,
    EventKind,
    key_scope_problem,
)
from ledger.errors import BadInput, both


class Role(StrEnum):
    """What a key is for.  ``log`` is the one log key (the genesis signer)."""

    LOG = "log"
    RECORDER = "recorder"
    AUDITOR = "auditor"
    WITNESS = "witness"


# Kinds that need the log key or a recorder scoped to "*" (the registry
# without the key events, which only the log key signs).
STAR_SCOPE_KINDS = REGISTRY_KINDS - LOG_KEY_ONLY_KINDS
ALL_KINDS = frozenset(EventKind)


@dataclass(slots=True)
class KeyRecord:
    """A key as registered in the log (FORMATS.md §8 ``keys.json`` row)."""

    name: str
    role: Role
    agencies: tuple[str, ...]
    vkey: str
    public_key: bytes
    registered_seq: int
    revoked_seq: int | None = None

    def covers(self, agencies: set[str]) -> bool:
        """Whether this recorder's scope includes any of ``agencies`` (or is ``*``)."""
        return WILDCARD in self.agencies or bool(agencies.intersection(self.agencies))

    def as_json(self) -> dict[str, object]:
        """The ``keys.json`` row of FORMATS.md §8."""
        return {
            "name": self.name,
            "role": "recorder" if self.role is Role.RECORDER else str(self.role),
            "agencies": list(self.agencies),
            "vkey": self.vkey,
            "registered_seq": self.registered_seq,
            "revoked_seq": self.revoked_seq,
        }


class Unauthorised(BadInput):
    """The signer may not sign this statement."""

    code = "E-AUTH"


@dataclass(slots=True)
class KeyRing:
    """Every key ever registered, by name."""

    keys: dict[str, KeyRecord] = field(default_factory=dict)
    log_key: str | None = None

    def get(self, name: str) -> KeyRecord | None:
        """The key of this name, or None."""
        return self.keys.get(name)


def check_signer(
    ring: KeyRing, by: str, kind: str, seq: int, agencies: set[str] | None
) -> KeyRecord:
    """Check that key ``by`` may sign a statement of ``kind`` as entry ``seq``.

    ``agencies`` are the agencies the statement touches (for commitment kinds:
    the agency that signed the commitment and the one holding it now); None
    where they could not be resolved (an unknown commitment; the domain layer
    reports that).  Raises :class:`Unauthorised` with the reason.
    """
    if kind not in ALL_KINDS:
        raise Unauthorised(
            both(f"未知的事件类型 {kind!r}", f"kind {kind!r} is not a known event kind")
        )
    key = ring.get(by)
    if key is None:
        raise Unauthorised(
            both(f"密钥 {by!r} 未在本账本登记", f"key {by!r} is not registered in this ledger")
        )
    if key.revoked_seq is not None and key.revoked_seq < seq:
        raise Unauthorised(
            both(
                f"密钥 {by!r} 已于条目 {key.revoked_seq} 吊销",
                f"key {by!r} was revoked at seq {key.revoked_seq}",
            )
        )
    if key.role is Role.LOG:
        if kind in COMMITMENT_KINDS:
            raise Unauthorised(
                both(
                    f"日志密钥 {by!r} 不能签署承诺类事件（{kind}）",
                    f"the log key {by!r} may not sign commitment events ({kind})",
                )
            )
        return key
    if key.role in (Role.AUDITOR, Role.WITNESS):
        raise Unauthorised(
            both(
                f"密钥 {by!r} 是 {key.role} 密钥，只能联署，不能签署声明",
                f"key {by!r} is a {key.role} key and signs no statements, only cosignatures",
            )
        )
    if kind in LOG_KEY_ONLY_KINDS:
        raise Unauthorised(
            both(
                f"只有日志密钥可以签署 {kind}；{by!r} 是记录员密钥",
                f"only the log key may sign {kind}; {by!r} is a recorder key",
            )
        )
    scope = ", ".join(key.agencies)
    scope_zh = "、".join(key.agencies)
    if kind in STAR_SCOPE_KINDS:
        if WILDCARD not in key.agencies:
            raise Unauthorised(
                both(
                    f"{kind} 须由日志密钥或授权范围为 '*' 的记录员签署；{by!r} 的授权范围是 "
                    f"{scope_zh}",
                    f"{kind} needs the log key or a recorder scoped to '*'; {by!r} is scoped "
                    f"to {scope}",
                )
            )
        return key
    if agencies is not None and not key.covers(agencies):
        wanted = sorted(agencies)
        raise Unauthorised(
            both(
                f"记录员 {by!r} 的授权范围是 {scope_zh}，不包括 {'、'.join(wanted)}",
                f"recorder {by!r} is scoped to {scope}, not to {', '.join(wanted)}",
            )
        )
    return key


def _vkey_of(text: object, field: str, name: str, alg: int) -> bytes:
    from ledger.note import VerifierKey  # local: note depends on nothing here

    if not isinstance(text, str):
        raise Unauthorised(
            f"{field}: " + both("验证密钥必须是字符串", "must be a verifier key string")
        )
    vkey = VerifierKey.parse(text)
    if vkey.name != name:
        raise Unauthorised(
            f"{field}: "
            + both(
                f"验证密钥的名称是 {vkey.name!r}，不是 {name!r}",
                f"verifier key is named {vkey.name!r}, not {name!r}",
            )
        )
    if vkey.alg != alg:
        raise Unauthorised(
            f"{field}: "
            + both(
                f"验证密钥类型 {vkey.alg:#04x} 不适用于该角色（应为 {alg:#04x}）",
                f"verifier key type {vkey.alg:#04x} is wrong for this role (expected {alg:#04x})",
            )
        )
    return vkey.public_key


def apply_key_event(ring: KeyRing, kind: str, body: dict[str, object], by: str, seq: int) -> None:
    """Apply ``ledger.genesis``, ``key.registered`` or ``key.revoked`` to the ring.

    Checks the key rules of DOMAIN.md: one log key, registered by the genesis
    (entry 0, self-signed, named after the origin); names never reused; vkey
    types by role (0x01 log and recorder, 0x04 auditor and witness); the log
    key cannot be revoked; a key is revoked once.
    """
    if kind == "ledger.genesis":
        if seq != 0 or ring.log_key is not None:
            raise Unauthorised(
                both("ledger.genesis 只能是条目 0", "ledger.genesis may only be entry 0")
            )
        origin = body.get("origin")
        if origin != by:
            raise Unauthorised(
                both(
                    f"创世条目须由以日志标识 {origin!r} 命名的日志密钥签署",
                    f"the genesis must be signed by the log key named after the origin {origin!r}",
                )
            )
        pub = _vkey_of(body.get("log_key"), "body.log_key", by, 0x01)
        ring.keys[by] = KeyRecord(by, Role.LOG, (), str(body["log_key"]), pub, seq)
        ring.log_key = by
        return
    if seq == 0:
        raise Unauthorised(
            both("条目 0 必须是 ledger.genesis", "entry 0 must be the ledger.genesis")
        )
    if kind == "key.registered":
        name, role, agencies = body.get("name"), body.get("role"), body.get("agencies")
        if not isinstance(name, str) or not name:
            raise Unauthorised("body.name: " + both("必须是密钥名称", "must be a key name"))
        if name in ring.keys:
            raise Unauthorised(
                "body.name: "
                + both(
                    f"密钥名称 {name!r} 已登记（名称不可重复使用）",
                    f"key name {name!r} is already registered (names are never reused)",
                )
            )
        if role not in ("recorder", "auditor", "witness"):
            raise Unauthorised(
                "body.role: "
                + both(
                    f"{role!r} 不是 recorder、auditor 或 witness",
                    f"{role!r} is not recorder, auditor or witness",
                )
            )
        if not isinstance(agencies, list) or not all(isinstance(a, str) and a for a in agencies):
            raise Unauthorised(
                "body.agencies: " + both("必须是机关编号列表", "must be a list of agency ids")
            )
        problem = key_scope_problem(role, agencies)
        if problem is not None:
            raise Unauthorised("body.agencies: " + problem)
        alg = 0x01 if role == "recorder" else 0x04
        pub = _vkey_of(body.get("vkey"), "body.vkey", name, alg)
        ring.keys[name] = KeyRecord(name, Role(role), tuple(agencies), str(body["vkey"]), pub, seq)
        return
    if kind == "key.revoked":
        name = body.get("name")
        target = ring.keys.get(name) if isinstance(name, str) else None
        if target is None:
            raise Unauthorised(
                "body.name: "
                + both(f"没有名为 {name!r} 的已登记密钥", f"no key named {name!r} is registered")
            )
        if target.role is Role.LOG:
            raise Unauthorised(
                "body.name: " + both("日志密钥不能吊销", "the log key cannot be revoked")
            )
        if target.revoked_seq is not None:
            raise Unauthorised(
                "body.name: "
                + both(
                    f"密钥 {name!r} 已于条目 {target.revoked_seq} 吊销",
                    f"key {name!r} was already revoked at seq {target.revoked_seq}",
                )
            )
        target.revoked_seq = seq
