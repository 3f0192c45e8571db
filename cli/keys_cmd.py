"""``ledger keys``: create, generate, register, list, print and revoke keys."""

from __future__ import annotations

import click
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from ledger_cli.context import Env, pass_env
from ledger_cli.options import output_option, zh_choice
from ledger_cli.output import format_option, output_rows
from ledger_cli.vkeys import read_vkey

from ledger.errors import BadInput
from ledger.key_admin import (
    check_new_key,
    check_scope,
    check_vkey,
    generate_key,
    key_alg,
    register_key,
)
from ledger.keys import check_key_name, check_passphrase
from ledger.log import Draft, sign_statements
from ledger.note import VerifierKey, verifier_key

ROLES = zh_choice(["recorder", "auditor", "witness"])  # 记录员, 审计, 见证人 too


def _register(
    env: Env, vkey: VerifierKey, role: str, agencies: tuple[str, ...], source: str
) -> int:
    """Append the ``key.registered`` entry, signed by the log key; return its seq."""
    return register_key(
        env.ledger(), env.log_signer(), vkey, role, agencies, env.clock, source=source
    )


@click.group()
def keys() -> None:
    """Manage signing keys (private keys stay in the keystore).

    \b
    Example:
      ledger keys new czj-clerk --role recorder --agency yy-czj
    """


@keys.command("new")
@click.argument("name")
@click.option("--role", type=ROLES, required=True)
@click.option(
    "--agency",
    "agencies",
    multiple=True,
    help="Agency id the recorder may sign for (repeatable; '*' for all).",
)
@pass_env
def keys_new(env: Env, name: str, role: str, agencies: tuple[str, ...]) -> None:
    """Generate a key into the keystore and register it in the ledger.

    \b
    Example:
      ledger keys new czj-clerk --role recorder --agency yy-czj
      ledger keys new audit-bureau --role witness
    """
    check_key_name(name)
    check_scope(role, agencies)
    ks = env.keystore
    if ks.exists(name):
        raise BadInput(f"keystore {ks.path} already holds a key named {name!r}")
    check_passphrase(env.passphrase())
    key = Ed25519PrivateKey.generate()
    vkey = verifier_key(name, key.public_key(), key_alg(role))
    seq = _register(env, vkey, role, agencies, "keys new")
    ks.store(name, key, env.passphrase())
    click.echo(f"registered {role} key {name} at seq {seq}", err=True)
    click.echo(vkey.encode())


@keys.command("generate")
@click.argument("name")
@click.option("--role", type=ROLES, required=True)
@pass_env
def keys_generate(env: Env, name: str, role: str) -> None:
    """Create a key pair in your own keystore (no ledger) and print its verifier key.

    The key's owner (a bureau's recorder, the audit bureau, the discipline
    inspection commission) runs this on its own machine and hands the printed
    verifier key to the operator, who registers it with 'ledger keys
    register'.  The private key never leaves this keystore.

    \b
    Example:
      ledger --keystore ~/shenji-keys keys generate shenji-ju --role witness > shenji-ju.vkey
    """
    ks = env.keystore
    check_new_key(ks, name)
    vkey = generate_key(ks, name, role, env.passphrase()).encode()
    click.echo(
        f"已生成{role}密钥 {name}，私钥保存在 {ks.path}；请把下面的验证公钥交给账本运营方登记"
        f"（generated {role} key {name} in {ks.path}; hand the verifier key below to the operator）",
        err=True,
    )
    click.echo(vkey)


@keys.command("register")
@click.argument("name")
@click.option(
    "--vkey",
    "vkey_arg",
    required=True,
    metavar="VKEY",
    help="The key owner's verifier key (or a file holding it), from 'ledger keys generate'.",
)
@click.option("--role", type=ROLES, required=True)
@click.option(
    "--agency",
    "agencies",
    multiple=True,
    help="Agency id the recorder may sign for (repeatable; '*' for all).",
)
@pass_env
def keys_register(env: Env, name: str, vkey_arg: str, role: str, agencies: tuple[str, ...]) -> None:
    """Register a public key the operator never held (recorder, auditor or witness).

    \b
    Example:
      ledger keys register czj-clerk --vkey czj-clerk.vkey --role recorder --agency yy-czj
      ledger keys register shenji-ju --vkey shenji-ju.vkey --role witness
    """
    check_key_name(name)
    check_scope(role, agencies)
    vkey = read_vkey(vkey_arg)
    check_vkey(name, vkey, role)
    seq = _register(env, vkey, role, agencies, "keys register")
    click.echo(
        f"已登记 {role} 密钥 {name}，序号 {seq}（registered {role} key {name} at seq {seq}）"
    )


@keys.command("list")
@format_option
@output_option()
@pass_env
def keys_list(env: Env, fmt: str | None, out: str | None) -> None:
    """List every key registered in the ledger.

    \b
    Example:
      ledger keys list --format json
    """
    ring = env.ledger().key_ring()
    rows = [k.as_json() for k in sorted(ring.keys.values(), key=lambda k: k.registered_seq)]
    output_rows(
        rows,
        ["name", "role", "agencies", "registered_seq", "revoked_seq", "vkey"],
        fmt,
        out,
        sheet="密钥",
    )


@keys.command("vkey")
@click.argument("name")
@pass_env
def keys_vkey(env: Env, name: str) -> None:
    """Print a key's signed-note verifier key.

    \b
    Example:
      ledger keys vkey ledger.czj.yueyang.example/commitments > log.vkey
    """
    rec = env.ledger().key_ring().get(name)
    if rec is None:
        raise BadInput(f"no key named {name!r} is registered in this ledger")
    click.echo(rec.vkey)


@keys.command("revoke")
@click.argument("name")
@click.option("--reason", required=True, help="Why the key is revoked.")
@pass_env
def keys_revoke(env: Env, name: str, reason: str) -> None:
    """Revoke a key: it signs nothing after the revocation entry.

    \b
    Example:
      ledger keys revoke czj-clerk --reason "clerk left the bureau"
    """
    ledger = env.ledger()
    signer = env.log_signer()
    stmts = sign_statements(
        [Draft(1, "key.revoked", {"name": name, "reason": reason})],
        signer.name,
        signer.key,
        env.clock,
        origin=signer.name,
    )
    result = ledger.append(stmts, env.clock, source="keys revoke")
    click.echo(f"revoked key {name} at seq {result.first_seq}")


def register(group: click.Group) -> None:
    """Add ``keys`` to the root group."""
    group.add_command(keys)
