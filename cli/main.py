"""The ``ledger`` console script: a thin click layer over :mod:`ledger`."""

from __future__ import annotations

from typing import Any

import click
from sqlalchemy.exc import OperationalError

from cli.context import DEFAULT_DB, Env, default_keystore
from ledger.errors import InputErrors, LedgerError

EXIT_CODES = """\b
Exit codes:
  0  success (audits exit 0 whatever they find)
  1  verification failed (tamper, bad signature, fork or rollback)
  2  bad usage or bad input (nothing written)
  3  environment problem (database unreachable, keystore locked)"""


class LedgerGroup(click.Group):
    """Maps LedgerError to one message on stderr and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LedgerError as exc:
            env = ctx.find_object(Env)
            if env is not None and env.debug:
                raise
            if isinstance(exc, InputErrors):
                for err in exc.errors:
                    click.echo(f"error: {err}", err=True)
                click.echo(f"error: {len(exc.errors)} errors; nothing was written", err=True)
            else:
                click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except OperationalError as exc:
            env = ctx.find_object(Env)
            if env is not None and env.debug:
                raise
            click.echo(
                f"error: database problem: {str(exc.orig).strip().splitlines()[0]}", err=True
            )
            ctx.exit(3)


@click.group(
    cls=LedgerGroup,
    help=f"""Government-integrity commitment ledger (政务诚信承诺账本).

An append-only, signed, hash-chained RFC 9162 Merkle log of government
commitments to enterprises, payments and leadership changes.

\b
Example:
  export LEDGER_PASSPHRASE=...
  ledger --db sqlite:///ledger.db init --origin ledger.czj.yueyang.example/commitments
  ledger verify

{EXIT_CODES}""",
)
@click.option(
    "--db",
    envvar="LEDGER_DB",
    default=DEFAULT_DB,
    show_default=True,
    help="SQLAlchemy database URL.",
)
@click.option(
    "--keystore",
    "keystore",
    envvar="LEDGER_KEYSTORE",
    type=click.Path(file_okay=False),
    default=None,
    help="Keystore directory [default: the user's data folder].",
)
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.pass_context
def cli(ctx: click.Context, db: str, keystore: str | None, debug: bool) -> None:
    from pathlib import Path

    env = Env(db=db, keystore_path=Path(keystore) if keystore else default_keystore(), debug=debug)
    ctx.obj = env
    ctx.call_on_close(env.close)


def _register() -> None:
    from cli import bundle_cmd, keys_cmd, log_cmd
    from cli import demo_cmd

    log_cmd.register(cli)
    keys_cmd.register(cli)
    bundle_cmd.register(cli)
    demo_cmd.register(cli)


_register()


def main() -> None:
    """Console-script entry point."""
    cli(auto_envvar_prefix="LEDGER")
