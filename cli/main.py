"""The ``ledger`` console script: a thin click layer over :mod:`ledger`."""

from __future__ import annotations

import importlib
import tomllib
from pathlib import Path
from typing import Any

import click
from sqlalchemy.exc import OperationalError

from cli.context import DEFAULT_DB, Env, default_config, default_keystore
from ledger.errors import InputErrors, LedgerError
from ledger.text import terminal_safe

EXIT_CODES = """\b
Exit codes:
  0  success (audits exit 0 whatever they find)
  1  verification failed (tamper, bad signature, fork or rollback)
  2  bad usage or bad input (nothing written)
  3  environment problem (database unreachable, keystore locked)"""


def load_config(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    """Read a TOML file into click's ``default_map``.

    Precedence: command-line flag > environment variable > config file >
    built-in default.  Top-level keys are root options (``db``, ``keystore``);
    tables are per command (``[audit.arrears]`` sets ``lpr = "..."``).
    """
    path = Path(value) if value else default_config()
    if not path.is_file():
        if value:
            raise click.BadParameter(f"{path}: no such file", param_hint="--config")
        return
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise click.BadParameter(f"{path}: {exc}", param_hint="--config") from exc
    ctx.default_map = {**(ctx.default_map or {}), **data}


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
                    click.echo(f"error: {terminal_safe(str(err))}", err=True)
                click.echo(f"error: {len(exc.errors)} errors; nothing was written", err=True)
            else:
                click.echo(f"error: {terminal_safe(str(exc))}", err=True)
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
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    envvar="LEDGER_CONFIG",
    default=None,
    is_eager=True,
    expose_value=False,
    callback=load_config,
    help="TOML file of option defaults [default: config.toml in the user's config folder].",
)
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.pass_context
def cli(ctx: click.Context, db: str, keystore: str | None, debug: bool) -> None:
    env = Env(db=db, keystore_path=Path(keystore) if keystore else default_keystore(), debug=debug)
    ctx.obj = env
    ctx.call_on_close(env.close)


# Each module adds its commands with ``register(group)``; add new ones here.
COMMAND_MODULES = (
    "log_cmd",
    "keys_cmd",
    "bundle_cmd",
    "record_cmd",
    "import_cmd",
    "audit_cmd",
    "demo_cmd",
    "report_cmd",
    "domain_cmd",
    "site_cmd",
)


def _register() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(f"cli.{name}").register(cli)


_register()


def main() -> None:
    """Console-script entry point."""
    cli(auto_envvar_prefix="LEDGER")


if __name__ == "__main__":
    main()
