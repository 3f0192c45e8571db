"""Key files (DOMAIN.md "Authorisation and keys", issue 13 item 16): cost, permissions, passphrase."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import pem as asn1_pem
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.errors import BadInput, EnvironmentProblem
from ledger.keys import KDF_ITERATIONS, Keystore, kdf_parameters

GOOD = b"correct horse battery staple"


def _info(path: Path) -> asn1_keys.EncryptedPrivateKeyInfo:
    _, _, der = asn1_pem.unarmor(path.read_bytes())
    return asn1_keys.EncryptedPrivateKeyInfo.load(der)


def test_new_key_file_is_pbes2_pbkdf2_sha256_at_600000(tmp_path: Path) -> None:
    ks = Keystore(tmp_path / "ks")
    key = ks.generate("clerk", GOOD)
    path = tmp_path / "ks" / "clerk.key"
    info = _info(path)
    alg = info["encryption_algorithm"]
    assert alg["algorithm"].native == "pbes2"
    assert alg.kdf == "pbkdf2" and alg.kdf_hmac == "sha256"
    assert alg.kdf_iterations >= 600_000 and KDF_ITERATIONS >= 600_000
    assert alg.encryption_cipher == "aes" and alg.key_length == 32
    assert kdf_parameters(path.read_bytes()) == ("pbkdf2", KDF_ITERATIONS)
    assert os.stat(path).st_mode & 0o777 == 0o600
    # An ordinary encrypted PKCS#8 file: cryptography's own parser opens it.
    again = serialization.load_pem_private_key(path.read_bytes(), password=GOOD)
    assert isinstance(again, Ed25519PrivateKey)
    assert again.public_key().public_bytes_raw() == key.public_key().public_bytes_raw()
    with pytest.raises(ValueError):
        serialization.load_pem_private_key(path.read_bytes(), password=b"wrong passphrase!!")


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660, 0o606])
def test_key_file_readable_by_others_is_refused(tmp_path: Path, mode: int) -> None:
    ks = Keystore(tmp_path)
    ks.generate("clerk", GOOD)
    os.chmod(tmp_path / "clerk.key", mode)
    with pytest.raises(EnvironmentProblem, match=f"{mode:04o}.*chmod 600"):
        ks.load("clerk", GOOD)
    os.chmod(tmp_path / "clerk.key", 0o600)
    assert ks.load("clerk", GOOD) is not None


def test_owner_only_modes_load(tmp_path: Path) -> None:
    ks = Keystore(tmp_path)
    ks.generate("clerk", GOOD)
    os.chmod(tmp_path / "clerk.key", 0o400)
    assert ks.load("clerk", GOOD) is not None


@pytest.mark.parametrize(
    ("passphrase", "ok"),
    [
        (b"", False),
        (b"x", False),
        (b"elevenchars", False),  # 11
        (b"twelve chars", True),  # 12
        ("十一个字的口令还差一个".encode(), False),  # 11 characters, 33 bytes
        ("十二个字的口令刚好十二个".encode(), True),
    ],
)
def test_new_keys_need_a_12_character_passphrase(
    tmp_path: Path, passphrase: bytes, ok: bool
) -> None:
    ks = Keystore(tmp_path)
    if ok:
        ks.generate("k", passphrase)
        assert ks.load("k", passphrase) is not None
    else:
        with pytest.raises(BadInput, match="at least 12 characters"):
            ks.generate("k", passphrase)
        assert not (tmp_path / "k.key").exists()


def test_wrong_passphrase_is_an_environment_problem(tmp_path: Path) -> None:
    ks = Keystore(tmp_path)
    ks.generate("k", GOOD)
    with pytest.raises(EnvironmentProblem, match="wrong passphrase"):
        ks.load("k", b"not the passphrase at all")


def test_an_older_weaker_key_file_still_opens(tmp_path: Path) -> None:
    """Keys written before the hardening (cryptography's default PKCS#8) are not locked out."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(GOOD),
    )
    tmp_path.chmod(0o700)
    (tmp_path / "old.key").write_bytes(pem)
    os.chmod(tmp_path / "old.key", 0o600)
    got = Keystore(tmp_path).load("old", GOOD)
    assert got.public_key().public_bytes_raw() == key.public_key().public_bytes_raw()
