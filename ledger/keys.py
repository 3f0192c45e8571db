"""The keystore: Ed25519 private keys on disk, never in the database.

DOMAIN.md "Authorisation and keys": each key is a PKCS#8 file encrypted with a
passphrase (``cryptography``'s BestAvailableEncryption), mode 0600, in a
directory of mode 0700.  File names are the percent-encoded key names (a log
key is named after the origin, which may contain ``/``).  The latest
checkpoint the log signed is kept beside the log key (FORMATS.md §5), so a
database restored from an older backup cannot make the log sign a fork.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from urllib.parse import quote, unquote

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.errors import BadInput, EnvironmentProblem

_NAME = re.compile(r"^[^\s+]+$")
_KEY_SUFFIX = ".key"
_CHECKPOINT_SUFFIX = ".checkpoint"


def check_key_name(name: str) -> str:
    """A key name is a signed-note name: non-empty, no white space, no ``+``."""
    if not isinstance(name, str) or not _NAME.match(name) or len(name) > 255:
        raise BadInput(
            f"key name {name!r} is not valid: it must be non-empty, with no spaces or '+'"
        )
    return name


def _write_private(path: Path, data: bytes) -> None:
    """Write ``data`` atomically with mode 0600."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class Keystore:
    """A directory of encrypted private keys."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def _file(self, name: str, suffix: str) -> Path:
        return self.path / (quote(check_key_name(name), safe="") + suffix)

    def _ensure_dir(self) -> None:
        try:
            self.path.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.chmod(self.path, 0o700)
        except OSError as exc:
            raise EnvironmentProblem(f"keystore {self.path}: cannot create it: {exc}") from exc

    def exists(self, name: str) -> bool:
        """Whether the keystore holds a private key of this name."""
        return self._file(name, _KEY_SUFFIX).exists()

    def names(self) -> list[str]:
        """Names of the private keys held here, sorted."""
        if not self.path.is_dir():
            return []
        return sorted(
            unquote(p.name[: -len(_KEY_SUFFIX)])
            for p in self.path.iterdir()
            if p.name.endswith(_KEY_SUFFIX)
        )

    def generate(self, name: str, passphrase: bytes) -> Ed25519PrivateKey:
        """Create and store a new Ed25519 key; refuses to overwrite an existing one."""
        key = Ed25519PrivateKey.generate()
        self.store(name, key, passphrase)
        return key

    def store(self, name: str, key: Ed25519PrivateKey, passphrase: bytes) -> None:
        """Encrypt and write a key; refuses to overwrite an existing one."""
        if not passphrase:
            raise BadInput("an empty passphrase is not allowed: set LEDGER_PASSPHRASE")
        path = self._file(name, _KEY_SUFFIX)
        self._ensure_dir()
        if path.exists():
            raise BadInput(f"keystore {self.path} already holds a key named {name!r}")
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(passphrase),
        )
        _write_private(path, pem)

    def load(self, name: str, passphrase: bytes) -> Ed25519PrivateKey:
        """Decrypt and return a private key; EnvironmentProblem if absent or locked."""
        path = self._file(name, _KEY_SUFFIX)
        try:
            pem = path.read_bytes()
        except FileNotFoundError as exc:
            raise EnvironmentProblem(f"keystore {self.path} has no key named {name!r}") from exc
        except OSError as exc:
            raise EnvironmentProblem(
                f"keystore {self.path}: cannot read {path.name}: {exc}"
            ) from exc
        try:
            key = serialization.load_pem_private_key(pem, password=passphrase)
        except (ValueError, TypeError) as exc:
            raise EnvironmentProblem(
                f"keystore {self.path}: cannot unlock key {name!r}: wrong passphrase or damaged file"
            ) from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise EnvironmentProblem(f"keystore {self.path}: key {name!r} is not an Ed25519 key")
        return key

    def latest_checkpoint(self, log_name: str) -> str | None:
        """The latest checkpoint note this log key signed, or None."""
        path = self._file(log_name, _CHECKPOINT_SUFFIX)
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def save_checkpoint(self, log_name: str, note_text: str) -> None:
        """Keep the latest signed checkpoint beside the log key."""
        self._ensure_dir()
        _write_private(self._file(log_name, _CHECKPOINT_SUFFIX), note_text.encode("utf-8"))
