"""Shared CLI state: database URL, keystore, passphrase, clock."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import click
import platformdirs

from ledger.clock import Clock, system_clock
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
    clock: Clock = field(default=system_clock)
    _passphrase: bytes | None = None
    _ledger: Ledger | None = None

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
                self._passphrase = click.prompt("Keystore passphrase", hide_input=True).encode(
                    "utf-8"
                )
            else:
                raise EnvironmentProblem(
                    "the keystore is locked: set LEDGER_PASSPHRASE or run in a terminal"
                )
        return self._passphrase

    def ledger(self) -> Ledger:
        """Open the ledger at ``--db`` (once)."""
        if self._ledger is None:
            self._ledger = Ledger.open(self.db)
        return self._ledger

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
