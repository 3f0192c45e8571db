"""Creating a key in its owner's keystore and registering a public key in the log.

``ledger keys generate`` / ``register`` / ``new`` and the demo call these; the
rules (a recorder key has an agency scope, other roles none; recorder keys are
Ed25519, witness and auditor keys cosign, FORMATS.md §5) are stated once here.
"""

from __future__ import annotations

from collections.abc import Sequence

from ledger.clock import Clock
from ledger.domain.events import key_scope_problem
from ledger.errors import BadInput, both
from ledger.keys import Keystore, check_key_name
from ledger.log import Draft, Ledger, LogSigner, sign_statements
from ledger.note import SIG_COSIGNATURE, SIG_ED25519, VerifierKey, verifier_key

__all__ = ["check_new_key", "check_scope", "check_vkey", "generate_key", "key_alg", "register_key"]


def key_alg(role: str) -> int:
    """FORMATS.md §5: recorder keys are Ed25519 (0x01), witness and auditor keys cosign (0x04)."""
    return SIG_ED25519 if role == "recorder" else SIG_COSIGNATURE


def check_scope(role: str, agencies: Sequence[str]) -> None:
    """The scope rule of ``key.registered`` (:func:`ledger.domain.events.key_scope_problem`)
    for a key about to be made: ``--agency`` ID (repeatable) or ``'*'``, for recorders only."""
    problem = key_scope_problem(role, agencies)
    if problem is not None:
        raise BadInput(f"--agency: {problem}")


def check_vkey(name: str, vkey: VerifierKey, role: str) -> None:
    """The verifier key handed over is the named key's, of the type its role signs with."""
    if vkey.name != name:
        raise BadInput(
            f"验证公钥的名称是 {vkey.name!r}，不是 {name!r}"
            f"（--vkey names the key {vkey.name!r}, not {name!r}）"
        )
    if vkey.alg != key_alg(role):
        want = "Ed25519 (type 0x01)" if role == "recorder" else "cosignature (type 0x04)"
        raise BadInput(
            f"{role} 密钥的验证公钥类型应为 {want}（a {role} key's verifier key must be {want}; "
            f"generate it with 'ledger keys generate {name} --role {role}'）"
        )


def check_new_key(keystore: Keystore, name: str) -> None:
    """A valid key name not yet held in ``keystore`` (checked before asking for a passphrase)."""
    check_key_name(name)
    if keystore.exists(name):
        raise BadInput(
            f"密钥库 {keystore.path} 已有名为 {name!r} 的密钥"
            f"（keystore already holds a key named {name!r}）"
        )


def generate_key(keystore: Keystore, name: str, role: str, passphrase: bytes) -> VerifierKey:
    """Create a key pair in its owner's keystore (no ledger); its verifier key to hand over."""
    check_new_key(keystore, name)
    key = keystore.generate(name, passphrase)
    return verifier_key(name, key.public_key(), key_alg(role))


def register_key(
    ledger: Ledger,
    signer: LogSigner,
    vkey: VerifierKey,
    role: str,
    agencies: Sequence[str],
    clock: Clock,
    *,
    source: str,
) -> int:
    """Append the ``key.registered`` entry, signed by the log key; return its seq."""
    body = {"name": vkey.name, "vkey": vkey.encode(), "role": role, "agencies": list(agencies)}
    stmts = sign_statements(
        [Draft(1, "key.registered", body)], signer.name, signer.key, clock, origin=signer.name
    )
    result = ledger.append(stmts, clock, source=source)
    if result.appended != 1 or result.first_seq is None:
        raise BadInput(
            both(f"密钥 {vkey.name!r} 未能登记", f"key {vkey.name!r} was not registered")
        )
    return int(result.first_seq)
