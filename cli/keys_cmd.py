"""``ledger keys``: create, list, print and revoke keys."""

from __future__ import annotations

import click
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cli.context import Env, pass_env
from cli.output import format_option, render, resolve_format
from ledger.errors import BadInput
from ledger.keys import check_key_name
from ledger.log import Draft, sign_statements
from ledger.note import SIG_COSIGNATURE, SIG_ED25519, verifier_key


@click.group()
def keys() -> None:
    """Manage signing keys (private keys stay in the keystore).

    \b
    Example:
      ledger keys new czj-clerk --role recorder --agency yy-czj
    """


@keys.command("new")
@click.argument("name")
@click.option("--role", type=click.Choice(["recorder", "auditor", "witness"]), required=True)
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
    if role == "recorder" and not agencies:
        raise BadInput("a recorder key needs --agency ID (repeatable) or --agency '*'")
    if role != "recorder" and agencies:
        raise BadInput(f"a {role} key has no agency scope: drop --agency")
    ks = env.keystore
    if ks.exists(name):
        raise BadInput(f"keystore {ks.path} already holds a key named {name!r}")
    ledger = env.ledger()
    signer = env.log_signer()
    key = Ed25519PrivateKey.generate()
    vkey = verifier_key(
        name, key.public_key(), SIG_ED25519 if role == "recorder" else SIG_COSIGNATURE
    ).encode()
    body = {"name": name, "vkey": vkey, "role": role, "agencies": list(agencies)}
    stmts = sign_statements([Draft(1, "key.registered", body)], signer.name, signer.key, env.clock)
    result = ledger.append(stmts, env.clock, source="keys new")
    if result.appended != 1:
        raise BadInput(f"key {name!r} was not registered")
    ks.store(name, key, env.passphrase())
    click.echo(f"registered {role} key {name} at seq {result.first_seq}", err=True)
    click.echo(vkey)


@keys.command("list")
@format_option
@pass_env
def keys_list(env: Env, fmt: str | None) -> None:
    """List every key registered in the ledger.

    \b
    Example:
      ledger keys list --format json
    """
    ring = env.ledger().key_ring()
    rows = [k.as_json() for k in sorted(ring.keys.values(), key=lambda k: k.registered_seq)]
    click.echo(
        render(
            rows,
            ["name", "role", "agencies", "registered_seq", "revoked_seq", "vkey"],
            resolve_format(fmt),
        ),
        nl=False,
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
    )
    result = ledger.append(stmts, env.clock, source="keys revoke")
    click.echo(f"revoked key {name} at seq {result.first_seq}")


def register(group: click.Group) -> None:
    """Add ``keys`` to the root group."""
    group.add_command(keys)
