"""The keystore: Ed25519 private keys on disk, never in the database.

DOMAIN.md "Authorisation and keys": each key is a PKCS#8 file encrypted with a
passphrase of at least 12 characters (PBES2: PBKDF2-HMAC-SHA256 at 600,000
iterations, AES-256-CBC), mode 0600, in a directory of mode 0700; a key file
that its group or others may read or write is refused, as ssh refuses one.
File names are the percent-encoded key names (a log key is named after the
origin, which may contain ``/``).  The latest checkpoint the log signed is
kept beside the log key (FORMATS.md §5), so a database restored from an older
backup cannot make the log sign a fork.

``cryptography`` writes encrypted PKCS#8 only with its "best available"
scheme (PBKDF2 at 2,048 iterations, too cheap today) and has no knob for the
cost, so the ``EncryptedPrivateKeyInfo`` is assembled with ``asn1crypto``
(RFC 8018 PBES2 structures) around ``cryptography``'s PBKDF2 and AES; reading
goes through ``cryptography``'s own PKCS#8 parser (OpenSSL-compatible), so a
file written here is an ordinary encrypted PKCS#8 key any tool can open.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tempfile
from pathlib import Path
from urllib.parse import quote, unquote

from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from ledger.errors import BadInput, EnvironmentProblem, both
from ledger.text import key_name_too_long

_NAME = re.compile(r"^[^\s+]+$")
_KEY_SUFFIX = ".key"
_CHECKPOINT_SUFFIX = ".checkpoint"

MIN_PASSPHRASE_CHARS = 12
"""DOMAIN.md: a new key's passphrase has at least 12 characters."""
KDF_ITERATIONS = 600_000
"""PBKDF2-HMAC-SHA256 iterations for new key files (DOMAIN.md: at least 600,000)."""

# Unlocking costs a deliberate ~0.1 s; within one process an unlocked key is
# kept (the process holds the private key anyway), keyed by a digest of the
# file's bytes and the passphrase, so a command that signs several times, or a
# test session, pays once per key.  Never written anywhere.
_UNLOCKED: dict[bytes, Ed25519PrivateKey] = {}
_UNLOCKED_MAX = 256


def check_passphrase(passphrase: bytes) -> None:
    """A passphrase for a new key: at least 12 characters (DOMAIN.md)."""
    try:
        chars = len(passphrase.decode("utf-8"))
    except UnicodeDecodeError:
        chars = len(passphrase)
    if chars < MIN_PASSPHRASE_CHARS:
        raise BadInput(
            f"口令太短：新密钥的口令至少需要 {MIN_PASSPHRASE_CHARS} 个字符"
            f"（the passphrase for a new key must have at least {MIN_PASSPHRASE_CHARS} "
            f"characters, this one has {chars}: set LEDGER_PASSPHRASE）"
        )


def encrypt_pkcs8(key: Ed25519PrivateKey, passphrase: bytes) -> bytes:
    """PEM ``ENCRYPTED PRIVATE KEY``: PBES2, PBKDF2-HMAC-SHA256 (600,000), AES-256-CBC."""
    from asn1crypto import algos as asn1_algos  # here: loading a key never needs it
    from asn1crypto import keys as asn1_keys
    from asn1crypto import pem as asn1_pem

    salt, iv = os.urandom(16), os.urandom(16)
    derived = PBKDF2HMAC(hashes.SHA256(), 32, salt, KDF_ITERATIONS).derive(passphrase)
    plain = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plain) + padder.finalize()
    enc = Cipher(algorithms.AES(derived), modes.CBC(iv)).encryptor()
    sealed = enc.update(padded) + enc.finalize()
    info = asn1_keys.EncryptedPrivateKeyInfo(
        {
            "encryption_algorithm": asn1_algos.EncryptionAlgorithm(
                {
                    "algorithm": "pbes2",
                    "parameters": {
                        "key_derivation_func": {
                            "algorithm": "pbkdf2",
                            "parameters": {
                                "salt": asn1_algos.Pbkdf2Salt(name="specified", value=salt),
                                "iteration_count": KDF_ITERATIONS,
                                "prf": {"algorithm": "sha256"},
                            },
                        },
                        "encryption_scheme": {"algorithm": "aes256_cbc", "parameters": iv},
                    },
                }
            ),
            "encrypted_data": sealed,
        }
    )
    armored: bytes = asn1_pem.armor("ENCRYPTED PRIVATE KEY", info.dump())
    return armored


def kdf_parameters(pem: bytes) -> tuple[str, int]:
    """The key-derivation function and its cost of an encrypted PKCS#8 PEM (for checks)."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import pem as asn1_pem

    _, _, der = asn1_pem.unarmor(pem)
    info = asn1_keys.EncryptedPrivateKeyInfo.load(der)
    alg = info["encryption_algorithm"]
    return alg.kdf, int(alg.kdf_iterations)


def check_key_name(name: str) -> str:
    """A key name is a signed-note name: non-empty, no white space, no ``+``, at most
    :data:`~ledger.text.MAX_KEY_NAME` characters (DOMAIN.md)."""
    too_long = key_name_too_long(name) if isinstance(name, str) else None
    if too_long is not None:
        raise BadInput(too_long)
    if not isinstance(name, str) or not _NAME.match(name):
        raise BadInput(
            both(
                f"密钥名称 {name!r} 无效：不能为空，不能含空格或 '+'",
                f"key name {name!r} is not valid: it must be non-empty, with no spaces or '+'",
            )
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
        _fsync_dir(path.parent)  # the rename itself survives a crash
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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
            raise EnvironmentProblem(
                both(
                    f"无法创建密钥库 {self.path}", f"keystore {self.path}: cannot create it: {exc}"
                )
            ) from exc

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
        check_passphrase(passphrase)
        path = self._file(name, _KEY_SUFFIX)
        self._ensure_dir()
        if path.exists():
            raise BadInput(
                both(
                    f"密钥库 {self.path} 中已有名为 {name!r} 的密钥",
                    f"keystore {self.path} already holds a key named {name!r}",
                )
            )
        _write_private(path, encrypt_pkcs8(key, passphrase))

    def load(self, name: str, passphrase: bytes) -> Ed25519PrivateKey:
        """Decrypt and return a private key; EnvironmentProblem if absent or locked."""
        path = self._file(name, _KEY_SUFFIX)
        try:
            with open(path, "rb") as fh:
                mode = os.fstat(fh.fileno()).st_mode
                if not stat.S_ISREG(mode):
                    raise EnvironmentProblem(
                        both(
                            f"密钥库 {self.path} 中的 {path.name} 不是文件",
                            f"keystore {self.path}: {path.name} is not a file",
                        )
                    )
                if mode & 0o077:
                    raise EnvironmentProblem(
                        f"密钥文件权限过宽：{path} 的权限为 {stat.S_IMODE(mode):04o}，"
                        f"其他用户可以读取（key file {path} has mode {stat.S_IMODE(mode):04o}: "
                        f"it must be readable by its owner only; run 'chmod 600 {path}'）"
                    )
                pem = fh.read(1 << 16)
        except FileNotFoundError as exc:
            raise EnvironmentProblem(
                both(
                    f"密钥库 {self.path} 中没有名为 {name!r} 的密钥",
                    f"keystore {self.path} has no key named {name!r}",
                )
            ) from exc
        except OSError as exc:
            raise EnvironmentProblem(
                both(
                    f"无法读取密钥库 {self.path} 中的 {path.name}",
                    f"keystore {self.path}: cannot read {path.name}: {exc}",
                )
            ) from exc
        memo = hashlib.sha256(
            hashlib.sha256(pem).digest() + hashlib.sha256(passphrase).digest()
        ).digest()
        cached = _UNLOCKED.get(memo)
        if cached is not None:
            return cached
        try:
            key = serialization.load_pem_private_key(pem, password=passphrase)
        except (ValueError, TypeError) as exc:
            raise EnvironmentProblem(
                both(
                    f"无法解锁密钥库 {self.path} 中的密钥 {name!r}：口令错误或文件损坏",
                    f"keystore {self.path}: cannot unlock key {name!r}: "
                    "wrong passphrase or damaged file",
                )
            ) from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise EnvironmentProblem(
                both(
                    f"密钥库 {self.path} 中的密钥 {name!r} 不是 Ed25519 密钥",
                    f"keystore {self.path}: key {name!r} is not an Ed25519 key",
                )
            )
        if len(_UNLOCKED) >= _UNLOCKED_MAX:
            _UNLOCKED.clear()
        _UNLOCKED[memo] = key
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
