"""Shared CLI state: database URL, keystore, passphrase, clock."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
import platformdirs

from ledger.clock import Clock, beijing_day, system_clock
from ledger.database import open_existing
from ledger.errors import EnvironmentProblem
from ledger.keys import Keystore
from ledger.log import Ledger, LogSigner

DEFAULT_DB = "sqlite:///ledger.db"


def default_config() -> Path:
    """``config.toml`` in the user's config folder."""
    return Path(platformdirs.user_config_dir("commitment-ledger", appauthor=False)) / "config.toml"


def default_keystore() -> Path:
    """The user's data folder, never the current folder (keys must not be committed)."""
    return Path(platformdirs.user_data_dir("commitment-ledger", appauthor=False)) / "keys"


@dataclass
class Env:
    """What every command needs; built once by the root group."""

    db: str
    keystore_path: Path
    debug: bool = False
    quiet: bool = False
    """-q: no progress bars or notes on stderr."""
    verbose: bool = False
    """-v: more detail on stderr."""
    clock: Clock = field(default=system_clock)
    _passphrase: bytes | None = None
    _ledger: Ledger | None = None
    _names: Any = None

    @property
    def keystore(self) -> Keystore:
        """The keystore directory."""
        return Keystore(self.keystore_path)

    def passphrase(self) -> bytes:
        """From LEDGER_PASSPHRASE, else an interactive prompt; exit 3 when neither."""
        if self._passphrase is None:
            env = os.environ.get("LEDGER_PASSPHRASE")
            if env:
                self._passphrase = env.encode("utf-8")
            elif sys.stdin.isatty():
                try:
                    typed = click.prompt("Keystore passphrase", hide_input=True)
                except click.Abort:  # end of input (Ctrl-D) or Ctrl-C at the prompt
                    raise EnvironmentProblem(
                        "the keystore is locked: no passphrase was given at the prompt"
                        "（未输入口令）"
                    ) from None
                self._passphrase = typed.encode("utf-8")
            else:
                raise EnvironmentProblem(
                    "the keystore is locked: set LEDGER_PASSPHRASE or run in a terminal"
                )
        return self._passphrase

    def ledger(self) -> Ledger:
        """Open the ledger at ``--db`` (once); never creates one (only ``init`` does)."""
        if self._ledger is None:
            self._ledger = open_existing(self.db)
        return self._ledger

    def names(self) -> Any:
        """Names beside ids (agencies, officials, enterprises) from the log's registry (once).

        A :class:`ledger_reports.models.Directory`; wherever a person reads output, ids
        are shown as ``岳阳市财政局（yy-czj）``.
        """
        if self._names is None:
            from ledger_reports.models import Directory

            from ledger.report_inputs import load_names

            today = beijing_day(self.clock())  # names in force today (DOMAIN.md "as of D")
            self._names = Directory.of(load_names(self.ledger().engine, today))
        return self._names

    def note(self, message: str) -> None:
        """A message for the person at the terminal (stderr), silenced by -q."""
        if not self.quiet:
            click.echo(message, err=True)

    def progress_shown(self) -> bool:
        """Whether progress bars are drawn: not with -q, only on a terminal."""
        return not self.quiet and sys.stderr.isatty()

    @contextmanager
    def progress(
        self, length: int | None, label: str, *, quiet: bool = False
    ) -> Iterator[Callable[[int], None]]:
        """A click progress bar on stderr (``update(n)``), or a no-op with -q (the root's, or
        the command's own ``quiet``), off a terminal, or for nothing to do (``length`` 0;
        None: not known ahead)."""
        if quiet or not self.progress_shown() or (length is not None and length <= 0):
            yield lambda _n: None
            return
        with click.progressbar(length=length or 0, label=label, file=sys.stderr) as bar:
            yield bar.update

    def log_signer(self) -> LogSigner:
        """The unlocked log key, with its keystore."""
        ledger = self.ledger()
        return LogSigner(
            ledger.origin, self.keystore.load(ledger.origin, self.passphrase()), self.keystore
        )

    def close(self) -> None:
        """Release the database."""
        if self._ledger is not None:
            self._ledger.close()


pass_env = click.make_pass_decorator(Env)
