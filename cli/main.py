"""The ``ledger`` console script: a thin click layer over :mod:`ledger`."""

from __future__ import annotations

import errno
import importlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click
from ledger_cli.context import DEFAULT_DB, Env, default_config, default_keystore
from ledger_cli.i18n import HelpFormatter, _, route_click_messages

from ledger.database import DatabaseError, database_problem
from ledger.errors import InputErrors, LedgerError
from ledger.text import terminal_safe

MAX_SHOWN = 50
"""How many errors of one input are printed (all of them with -v)."""

EXIT_CODES = """\b
Exit codes:
  0  success (audits exit 0 whatever they find)
  1  verification failed (tamper, bad signature, fork or rollback)
  2  bad usage or bad input (nothing written)
  3  environment problem (database unreachable, keystore locked)"""


# Every help page goes through the translating formatter (Chinese when the user's
# language is): click builds one per context from this class attribute.
click.Context.formatter_class = HelpFormatter


def load_config(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    """Read a TOML file into click's ``default_map``.

    Precedence: command-line flag > environment variable > config file >
    built-in default.  Keys are the options' own names (``db``, ``format``,
    ``as-of`` or ``as_of``, ``output``); tables are per command
    (``[audit.arrears]`` sets ``lpr = "..."``).  An unknown key or table is
    refused (exit 2), naming the closest: a misspelt key must not be ignored.
    """
    path = Path(value) if value else default_config()
    if not path.is_file():
        if value:
            raise click.BadParameter(f"{path}：文件不存在（no such file）", param_hint="--config")
        return
    import tomllib  # only when there is a file to read (13 ms of every start otherwise)

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise click.BadParameter(f"{path}: {exc}", param_hint="--config") from exc
    translated = config_defaults(ctx.command, data, str(path))
    ctx.default_map = {**(ctx.default_map or {}), **translated}


def _option_keys(cmd: click.Command) -> dict[str, str]:
    """Config key -> parameter name: every long option name, with - or _."""
    keys: dict[str, str] = {}
    for p in cmd.params:
        if not isinstance(p, click.Option) or p.name in (None, "config", "version", "help"):
            continue
        for opt in [*p.opts, *p.secondary_opts]:
            if opt.startswith("--"):
                keys[opt[2:]] = p.name
                keys[opt[2:].replace("-", "_")] = p.name
    return keys


def config_defaults(cmd: click.Command, data: dict[str, Any], where: str) -> dict[str, Any]:
    """Translate a config table for ``cmd`` into click's default_map, refusing unknown keys."""
    import difflib

    keys = _option_keys(cmd)
    if isinstance(cmd, click.Group):
        load_commands(cmd, [k for k, v in data.items() if isinstance(v, dict)])
    subs = cmd.commands if isinstance(cmd, click.Group) else {}
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key in subs and isinstance(value, dict):
            out[key] = config_defaults(subs[key], value, f"{where} [{key}]")
        elif key in keys and not isinstance(value, dict):
            out[keys[key]] = value
        else:
            known = sorted({k for k in keys if "_" not in k} | set(subs))
            close = difflib.get_close_matches(key, known, n=3, cutoff=0.5)
            hint = f"；是否指（did you mean）：{'、'.join(close)}" if close else ""
            raise click.BadParameter(
                f"{where}：未知配置项 {key!r}（unknown key {key!r}）{hint}；"
                f"可用（known）：{', '.join(known)}",
                param_hint="--config",
            )
    return out


class LedgerGroup(click.Group):
    """Maps errors to one sentence on stderr and the exit code of CLI.md, never a traceback.

    A LedgerError carries its code; what reaches here from below the ledger
    is mapped by kind: a database that is unreachable, not a database or
    damaged, and a file system that is full or refuses a write, are
    environment problems (3); a date beyond year 9999 is bad input (2).
    ``--debug`` shows the traceback instead.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            load_commands(self, [cmd_name])
        return self.commands.get(cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LedgerError as exc:
            if _debugging(ctx):
                raise
            env = ctx.find_object(Env)
            if isinstance(exc, InputErrors):
                shown = exc.errors if env is not None and env.verbose else exc.errors[:MAX_SHOWN]
                for err in shown:
                    click.echo(f"error: {terminal_safe(str(err))}", err=True)
                if len(shown) < len(exc.errors):
                    more = len(exc.errors) - len(shown)
                    click.echo(
                        f"error: 另有 {more} 条错误未显示，-v 显示全部（{more} more not shown; "
                        "-v shows all)",
                        err=True,
                    )
                click.echo(
                    _("error: {n} errors; nothing was written").format(n=len(exc.errors)),
                    err=True,
                )
            else:
                click.echo(f"error: {terminal_safe(str(exc))}", err=True)
            ctx.exit(exc.exit_code)
        except DatabaseError as exc:  # OperationalError included
            if _debugging(ctx):
                raise
            first = database_problem(exc)
            click.echo(
                f"error: database problem: {terminal_safe(first)}（数据库不可用或已损坏）", err=True
            )
            ctx.exit(3)
        except OSError as exc:
            if _debugging(ctx):
                raise
            where = f" {exc.filename}" if exc.filename else " a file"
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                click.echo(f"error: disk full: cannot write{where}（磁盘已满）", err=True)
            else:
                why = exc.strerror or str(exc)
                click.echo(f"error: environment problem:{where}: {why}（环境问题）", err=True)
            ctx.exit(3)
        except OverflowError as exc:
            if _debugging(ctx):
                raise
            click.echo(
                f"error: a date lies beyond the year 9999 ({exc}); dates are bounded "
                "(DOMAIN.md)（日期超出范围）",
                err=True,
            )
            ctx.exit(2)


def _debugging(ctx: click.Context) -> bool:
    """Whether ``--debug`` asks for tracebacks."""
    env = ctx.find_object(Env)
    return env is not None and env.debug


@click.group(
    cls=LedgerGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
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
@click.option(
    "-q", "--quiet", is_flag=True, help="No progress bars or notes on stderr, only errors."
)
@click.option("-v", "--verbose", is_flag=True, help="More detail on stderr.")
@click.version_option(package_name="commitment-ledger", prog_name="ledger")
@click.pass_context
def cli(
    ctx: click.Context, db: str, keystore: str | None, debug: bool, quiet: bool, verbose: bool
) -> None:
    env = Env(
        db=db,
        keystore_path=Path(keystore) if keystore else default_keystore(),
        debug=debug,
        quiet=quiet,
        verbose=verbose and not quiet,
    )
    ctx.obj = env
    ctx.call_on_close(env.close)


# Where each command lives: its module is imported when the command is first
# asked for, so ``ledger append`` never loads the audits, the PDF reports, the
# spreadsheet import or the site publisher.  Each module adds its commands with
# ``register(group)``; tests/cli/test_lazy_commands.py checks this table against
# what the modules register.  Add new commands here.
COMMANDS: dict[str, str] = {
    "init": "log_cmd",
    "sign": "log_cmd",
    "append": "log_cmd",
    "verify": "log_cmd",
    "checkpoint": "log_cmd",
    "receipt": "log_cmd",
    "prove": "log_cmd",
    "keys": "keys_cmd",
    "export": "bundle_cmd",
    "verify-bundle": "bundle_cmd",
    "verify-receipt": "bundle_cmd",
    "record": "record_cmd",
    "import": "import_cmd",
    "audit": "audit_cmd",
    "demo": "demo_cmd",
    "report": "report_cmd",
    "list": "domain_cmd",
    "rebuild": "domain_cmd",
    "show": "domain_cmd",
    "cosign": "site_cmd",
    "publish": "site_cmd",
}
COMMAND_MODULES = tuple(dict.fromkeys(COMMANDS.values()))


def load_commands(group: click.Group, names: Iterable[str] | None = None) -> None:
    """Import the modules of ``names`` (every command when None) into ``group``."""
    wanted = COMMANDS if names is None else [n for n in names if n in COMMANDS]
    for module in dict.fromkeys(COMMANDS[n] for n in wanted):
        if not all(n in group.commands for n, m in COMMANDS.items() if m == module):
            importlib.import_module(f"ledger_cli.{module}").register(group)


route_click_messages()


def main() -> None:
    """Console-script entry point."""
    cli(auto_envvar_prefix="LEDGER")


if __name__ == "__main__":
    main()
