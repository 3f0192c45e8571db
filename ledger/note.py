"""C2SP signed notes, transparency-log checkpoints, cosignatures and verifier keys.

Implements, as pure functions over text and bytes (no I/O, no clock):

* c2sp.org/signed-note (v1.0.0): the note format (§Format), key IDs and
  signature lines (§Signatures), Ed25519 signatures (§Ed25519 signatures);
* the verifier-key text form ``<name>+<8 hex key ID>+<base64(type || key)>`` of
  golang.org/x/mod/sumdb/note (``NewVerifier``), which the C2SP documents call
  "vkeys";
* c2sp.org/tlog-checkpoint (v1.0.0): the checkpoint note text (§Note text);
* c2sp.org/tlog-cosignature: Ed25519 ``cosignature/v1`` (signature type 0x04)
  (§Format, §Ed25519 signed message).

Parsing follows the ``Open`` function of golang.org/x/mod/sumdb/note: the text
is split from the signature block at the *last* blank line, every signature
line must start with U+2014 EM DASH and a space, key names are non-empty and
contain no Unicode space (the ``White_Space`` property, as Go's
``unicode.IsSpace``) and no ``+``, and at most 100 signatures are accepted.

Deliberate choices beyond (never against) the specs, each allowed by them:

* Key names must also be free of ASCII control characters; such a name could
  never appear in a valid note anyway (signed-note §Format).
* A checkpoint root hash must be *canonical* padded base64 (zero pad bits,
  RFC 4648 §3.5 lets decoders require this), so that checkpoint text and
  :class:`Checkpoint` correspond one to one.  Signature lines accept any
  well-formed padded standard base64, like Go; :meth:`Note.encode` writes the
  canonical form (signature lines are not covered by any signature).
* A tree size must fit in 64 bits, as in the RFC 9162 tree and in
  transparency-dev/formats (``strconv.ParseUint(..., 64)``).
* When several signature lines carry the key's name and key ID, all of them
  must verify (signed-note §Signatures: a failing signature from a known key
  SHOULD make the client reject the whole note).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from ledger.errors import BadInput, VerificationError

__all__ = [
    "MAX_SIGNATURES",
    "SIG_COSIGNATURE",
    "SIG_ED25519",
    "Checkpoint",
    "Note",
    "Signature",
    "VerifierKey",
    "add_signature",
    "cosign",
    "cosignature_time",
    "key_hash",
    "parse_note",
    "sign_note",
    "verifier_key",
    "verify_note",
]

SIG_ED25519 = 0x01
"""Signature type of plain Ed25519 note signatures (signed-note §Signature types)."""

SIG_COSIGNATURE = 0x04
"""Signature type of timestamped Ed25519 cosignatures (tlog-cosignature §Format)."""

MAX_SIGNATURES = 100
"""Most signature lines :func:`parse_note` accepts (signed-note requires at least 16; Go uses 100)."""

_SIG_PREFIX = "\u2014 "  # EM DASH, SPACE
_KEY_HASH_SIZE = 4
_PUBLIC_KEY_SIZE = 32
_ED25519_SIG_SIZE = 64
_TIMESTAMP_SIZE = 8
_COSIG_SIZE = _TIMESTAMP_SIZE + _ED25519_SIG_SIZE
_MAX_TIMESTAMP = 2**63 - 1  # tlog-cosignature §Format: "MUST NOT exceed 2^63 - 1"
_MAX_TREE_SIZE = 2**64 - 1
_ROOT_SIZE = 32

# Characters with the Unicode White_Space property (what Go's unicode.IsSpace
# tests); fixed here so the rule does not drift with the Python version.
_WHITE_SPACE = frozenset(
    "\t\n\v\f\r \x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")  # below U+0020, except newline
_B64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")
_HEX8 = re.compile(r"[0-9a-fA-F]{8}")
_SIZE = re.compile(r"0|[1-9][0-9]*")


# --------------------------------------------------------------------------
# helpers


def _b64decode(text: str, what: str, *, canonical: bool = False) -> bytes:
    """Decode padded standard base64 (RFC 4648 §4), raising BadInput."""
    if not _B64.fullmatch(text):
        raise BadInput(f"{what} is not padded standard base64: {text!r}")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:  # pragma: no cover - regex guards
        raise BadInput(f"{what} is not valid base64: {text!r}") from exc
    if canonical and base64.b64encode(raw).decode("ascii") != text:
        raise BadInput(f"{what} is not canonical base64 (its padding bits are not zero)")
    return raw


def _b64encode(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _check_name(name: object, what: str) -> None:
    """Key-name rule of signed-note §Format (plus: no control characters)."""
    if not isinstance(name, str) or name == "":
        raise BadInput(f"{what} must be a non-empty string, not {name!r}")
    for ch in name:
        if ch in _WHITE_SPACE or ch == "+" or ch < " " or "\ud800" <= ch <= "\udfff":
            raise BadInput(
                f"{what} {name!r} contains {ch!r}; key names may not contain spaces, "
                "'+' or control characters"
            )


def _check_text(text: object, what: str) -> None:
    """Note-text rules of signed-note §Format: UTF-8, newline-terminated, no controls."""
    if not isinstance(text, str):
        raise BadInput(f"{what} must be a string, not {type(text).__name__}")
    if not text.endswith("\n"):
        raise BadInput(f"{what} must end in a newline")
    _check_chars(text, what)


def _check_chars(text: str, what: str) -> None:
    m = _CONTROL.search(text)
    if m is not None:
        raise BadInput(
            f"{what} contains control character U+{ord(m.group()):04X} at offset {m.start()}"
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise BadInput(f"{what} is not valid Unicode (lone surrogate at offset {exc.start})")


def _check_bytes(value: object, size: int | None, what: str) -> bytes:
    if not isinstance(value, bytes):
        raise BadInput(f"{what} must be bytes, not {type(value).__name__}")
    if size is not None and len(value) != size:
        raise BadInput(f"{what} must be {size} bytes long, not {len(value)}")
    return value


def _raw_public_key(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _cosignature_message(text: str, timestamp: int) -> bytes:
    # tlog-cosignature §Ed25519 signed message: "cosignature/v1\n", then
    # "time <T>\n" (decimal, no leading zeros), then the whole note body
    # including its final newline and excluding the signature lines.  This
    # matches the brief's summary.
    return f"cosignature/v1\ntime {timestamp}\n".encode("ascii") + text.encode("utf-8")


# --------------------------------------------------------------------------
# keys


def key_hash(name: str, alg: int, public_key: bytes) -> bytes:
    """Return the 4-byte key ID of a key (signed-note §Signatures).

    ``SHA-256(name || 0x0A || alg || public_key)[:4]``; with ``alg`` 0x01 this is
    the Ed25519 key ID of signed-note §Ed25519 signatures, with 0x04 the
    cosignature key ID of tlog-cosignature §Format.
    """
    _check_name(name, "key name")
    if not isinstance(alg, int) or not 0 <= alg <= 0xFF:
        raise BadInput(f"signature type {alg!r} is not a byte value")
    _check_bytes(public_key, None, "public key")
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([alg]) + public_key).digest()
    return digest[:_KEY_HASH_SIZE]


@dataclass(frozen=True, slots=True)
class VerifierKey:
    """A trusted public key: name, signature type (0x01 or 0x04) and raw Ed25519 key.

    The text form (``encode``/``parse``) is the verifier key of
    golang.org/x/mod/sumdb/note, used by signed-note and tlog-cosignature §Format.
    """

    name: str
    alg: int
    public_key: bytes

    def __post_init__(self) -> None:
        _check_name(self.name, "verifier key name")
        if self.alg not in (SIG_ED25519, SIG_COSIGNATURE):
            raise BadInput(
                f"verifier key {self.name!r} has signature type {self.alg!r}; "
                "only 0x01 (Ed25519) and 0x04 (Ed25519 cosignature) are supported"
            )
        _check_bytes(self.public_key, _PUBLIC_KEY_SIZE, f"public key of verifier key {self.name!r}")

    @property
    def key_hash(self) -> bytes:
        """The 4-byte key ID (signed-note §Signatures)."""
        return key_hash(self.name, self.alg, self.public_key)

    def encode(self) -> str:
        """Return ``<name>+<8 lowercase hex key ID>+<base64(type || key)>`` (signed-note vkey)."""
        return (
            f"{self.name}+{self.key_hash.hex()}+{_b64encode(bytes([self.alg]) + self.public_key)}"
        )

    @classmethod
    def parse(cls, text: str) -> VerifierKey:
        """Parse a verifier key string strictly (signed-note vkey, Go ``NewVerifier``).

        The key ID must match the name and key, the type must be 0x01 or 0x04,
        the key must be 32 bytes and the name valid; otherwise BadInput.  The
        hex key ID may be in either case, as Go accepts; nothing else may
        surround the key (no whitespace or trailing newline).
        """
        if not isinstance(text, str):
            raise BadInput(f"a verifier key must be a string, not {type(text).__name__}")
        parts = text.split("+", 2)
        if len(parts) != 3:
            raise BadInput(f"verifier key {text!r} is not of the form <name>+<key ID>+<key>")
        name, hash16, key64 = parts
        _check_name(name, "verifier key name")
        if not _HEX8.fullmatch(hash16):
            raise BadInput(f"verifier key {name!r} has key ID {hash16!r}, not 8 hex digits")
        data = _b64decode(key64, f"key data of verifier key {name!r}")
        if len(data) != 1 + _PUBLIC_KEY_SIZE:
            raise BadInput(
                f"key data of verifier key {name!r} is {len(data)} bytes, "
                f"not a type byte and a {_PUBLIC_KEY_SIZE}-byte Ed25519 key"
            )
        if bytes.fromhex(hash16) != key_hash(name, data[0], data[1:]):
            raise BadInput(f"key ID {hash16} of verifier key {name!r} does not match its key")
        return cls(name, data[0], data[1:])


def verifier_key(name: str, public_key: Ed25519PublicKey, alg: int = SIG_ED25519) -> VerifierKey:
    """Build the verifier key of an Ed25519 public key (signed-note §Ed25519 signatures).

    Use ``alg=SIG_COSIGNATURE`` for witness/auditor keys (tlog-cosignature §Format).
    """
    if not isinstance(public_key, Ed25519PublicKey):
        raise BadInput(f"public key for {name!r} is not an Ed25519 public key")
    return VerifierKey(name, alg, _raw_public_key(public_key))


# --------------------------------------------------------------------------
# notes


@dataclass(frozen=True, slots=True)
class Signature:
    """One signature line (signed-note §Signatures): name, 4-byte key ID, signature bytes.

    ``raw`` is everything after the key ID: a 64-byte Ed25519 signature, or an
    8-byte big-endian timestamp and a 64-byte signature for a cosignature
    (tlog-cosignature §Format).
    """

    name: str
    key_hash: bytes
    raw: bytes

    def __post_init__(self) -> None:
        _check_name(self.name, "signature key name")
        _check_bytes(self.key_hash, _KEY_HASH_SIZE, f"key ID of the signature by {self.name!r}")
        _check_bytes(self.raw, None, f"signature by {self.name!r}")
        if not self.raw:
            raise BadInput(f"signature by {self.name!r} is empty")

    def line(self) -> str:
        """Return ``"— <name> <base64(key ID || raw)>\\n"`` (signed-note §Format)."""
        return f"{_SIG_PREFIX}{self.name} {_b64encode(self.key_hash + self.raw)}\n"


@dataclass(frozen=True, slots=True)
class Note:
    """A note text (ending in a newline) and its signatures (signed-note §Format).

    A note with no signatures may be built (e.g. before signing) but cannot be
    encoded, as a signed note has one or more signature lines.
    """

    text: str
    signatures: tuple[Signature, ...] = ()

    def __post_init__(self) -> None:
        _check_text(self.text, "note text")
        if not isinstance(self.signatures, tuple):
            object.__setattr__(self, "signatures", tuple(self.signatures))
        for sig in self.signatures:
            if not isinstance(sig, Signature):
                raise BadInput(f"note signatures must be Signature objects, not {sig!r}")

    def encode(self) -> str:
        """Return text, a blank line and one line per signature (signed-note §Format)."""
        if not self.signatures:
            raise BadInput("a note without signatures cannot be encoded as a signed note")
        return self.text + "\n" + "".join(sig.line() for sig in self.signatures)


def parse_note(data: str | bytes) -> Note:
    """Parse a signed note without verifying it (signed-note §Format, Go ``Open``).

    The text is everything up to and including the newline before the last
    blank line; each following line must be ``— <name> <base64>`` with a
    valid key name and at least 4 + 1 decoded bytes (Go requires a non-empty
    signature after the key ID).  Raises BadInput for non-UTF-8 input, ASCII
    control characters other than newline, a missing blank line, a missing
    final newline, malformed signature lines, or more than MAX_SIGNATURES lines.
    """
    if isinstance(data, bytes):
        try:
            msg = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadInput(f"signed note is not valid UTF-8 (bad byte at offset {exc.start})")
    elif isinstance(data, str):
        msg = data
    else:
        raise BadInput(f"a signed note must be str or bytes, not {type(data).__name__}")
    _check_chars(msg, "signed note")

    split = msg.rfind("\n\n")
    if split < 0:
        raise BadInput("signed note has no blank line between its text and its signatures")
    text, block = msg[: split + 1], msg[split + 2 :]
    if block == "":
        raise BadInput("signed note has no signature lines after its last blank line")
    if not block.endswith("\n"):
        raise BadInput("signed note does not end in a newline after its last signature line")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise BadInput(
            f"signed note has {len(lines)} signature lines, more than the {MAX_SIGNATURES} allowed"
        )
    sigs: list[Signature] = []
    for number, line in enumerate(lines, start=1):
        where = f"signature line {number} of the signed note"
        if not line.startswith(_SIG_PREFIX):
            raise BadInput(f"{where} does not start with an em dash and a space: {line[:40]!r}")
        name, space, b64 = line[len(_SIG_PREFIX) :].partition(" ")
        if not space:
            raise BadInput(f"{where} has no space between the key name and the signature")
        _check_name(name, f"key name in {where}")
        raw = _b64decode(b64, where)
        if len(raw) <= _KEY_HASH_SIZE:
            raise BadInput(
                f"{where} decodes to {len(raw)} bytes, too short for key ID and signature"
            )
        sigs.append(Signature(name, raw[:_KEY_HASH_SIZE], raw[_KEY_HASH_SIZE:]))
    return Note(text, tuple(sigs))


def sign_note(text: str, name: str, private_key: Ed25519PrivateKey) -> Signature:
    """Sign a note text with Ed25519 (signed-note §Ed25519 signatures).

    The signature covers the text bytes (UTF-8, including the final newline);
    the key ID uses signature type 0x01.
    """
    _check_text(text, "note text to sign")
    _check_name(name, "signer key name")
    if not isinstance(private_key, Ed25519PrivateKey):
        raise BadInput(f"signing key for {name!r} is not an Ed25519 private key")
    kh = key_hash(name, SIG_ED25519, _raw_public_key(private_key.public_key()))
    return Signature(name, kh, private_key.sign(text.encode("utf-8")))


def cosign(text: str, name: str, private_key: Ed25519PrivateKey, timestamp: int) -> Signature:
    """Cosign a checkpoint text as ``cosignature/v1`` at ``timestamp`` (tlog-cosignature §Format).

    Signs ``"cosignature/v1\\ntime <timestamp>\\n" || text`` (§Ed25519 signed
    message); the signature bytes are the 8-byte big-endian timestamp and the
    64-byte Ed25519 signature, and the key ID uses signature type 0x04.  The
    timestamp is POSIX seconds in 0..2^63-1 and is passed in (no clock here).
    """
    _check_text(text, "note text to cosign")
    _check_name(name, "cosigner key name")
    if not isinstance(private_key, Ed25519PrivateKey):
        raise BadInput(f"cosigning key for {name!r} is not an Ed25519 private key")
    if isinstance(timestamp, bool) or not isinstance(timestamp, int):
        raise BadInput(f"cosignature timestamp must be an integer, not {timestamp!r}")
    if not 0 <= timestamp <= _MAX_TIMESTAMP:
        raise BadInput(f"cosignature timestamp {timestamp} is outside 0..2^63-1")
    kh = key_hash(name, SIG_COSIGNATURE, _raw_public_key(private_key.public_key()))
    sig = private_key.sign(_cosignature_message(text, timestamp))
    return Signature(name, kh, timestamp.to_bytes(_TIMESTAMP_SIZE, "big") + sig)


def cosignature_time(sig: Signature) -> int:
    """Return the POSIX timestamp of an Ed25519 cosignature (tlog-cosignature §Format).

    Raises BadInput if ``sig`` is not 8 + 64 signature bytes or its timestamp
    exceeds 2^63-1.  This only reads the timestamp; use :func:`verify_note`
    to check the signature.
    """
    if not isinstance(sig, Signature):
        raise BadInput(f"expected a Signature, not {type(sig).__name__}")
    if len(sig.raw) != _COSIG_SIZE:
        raise BadInput(
            f"signature by {sig.name!r} has {len(sig.raw)} bytes after its key ID, "
            f"not the {_COSIG_SIZE} of an Ed25519 cosignature"
        )
    timestamp = int.from_bytes(sig.raw[:_TIMESTAMP_SIZE], "big")
    if timestamp > _MAX_TIMESTAMP:
        raise BadInput(f"cosignature by {sig.name!r} has timestamp {timestamp}, above 2^63-1")
    return timestamp


def _verifies(note: Note, key: VerifierKey, sig: Signature) -> bool:
    public = Ed25519PublicKey.from_public_bytes(key.public_key)
    if key.alg == SIG_ED25519:
        if len(sig.raw) != _ED25519_SIG_SIZE:
            return False
        message = note.text.encode("utf-8")
        signature = sig.raw
    else:  # SIG_COSIGNATURE
        if len(sig.raw) != _COSIG_SIZE:
            return False
        timestamp = int.from_bytes(sig.raw[:_TIMESTAMP_SIZE], "big")
        if timestamp > _MAX_TIMESTAMP:
            return False
        message = _cosignature_message(note.text, timestamp)
        signature = sig.raw[_TIMESTAMP_SIZE:]
    try:
        public.verify(signature, message)
    except InvalidSignature:
        return False
    return True


def verify_note(note: Note, key: VerifierKey) -> Signature:
    """Verify the note's signature by ``key`` and return it (signed-note §Signatures).

    Only lines whose key name *and* key ID both match ``key`` are considered;
    all others are ignored.  Every matching line must verify (a failing
    signature from a known key rejects the note).  For a type 0x04 key the
    line is checked as a tlog-cosignature ``cosignature/v1`` over the note
    text.  Raises VerificationError if no line matches ("no signature by
    <name>") or a matching line does not verify.
    """
    if not isinstance(note, Note) or not isinstance(key, VerifierKey):
        raise BadInput("verify_note needs a Note and a VerifierKey")
    kh = key.key_hash
    matching = [s for s in note.signatures if s.name == key.name and s.key_hash == kh]
    if not matching:
        raise VerificationError(f"the note has no signature by {key.name} (key ID {kh.hex()})")
    for sig in matching:
        if not _verifies(note, key, sig):
            kind = "cosignature" if key.alg == SIG_COSIGNATURE else "signature"
            raise VerificationError(
                f"the {kind} by {key.name} (key ID {kh.hex()}) does not verify over the note text"
            )
    return matching[0]


def add_signature(note: Note, sig: Signature) -> Note:
    """Return ``note`` with ``sig`` appended (signed-note §Signatures).

    Existing signatures with the same key name and key ID are dropped first,
    as Go's ``note.Sign`` does, so re-signing replaces the old line.
    """
    if not isinstance(note, Note) or not isinstance(sig, Signature):
        raise BadInput("add_signature needs a Note and a Signature")
    kept = tuple(
        s for s in note.signatures if not (s.name == sig.name and s.key_hash == sig.key_hash)
    )
    return Note(note.text, kept + (sig,))


# --------------------------------------------------------------------------
# checkpoints


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A tree head as a checkpoint note text (tlog-checkpoint §Note text).

    ``origin`` is the log identity line, ``size`` the number of leaves,
    ``root`` the 32-byte RFC 9162 root hash and ``extensions`` the optional,
    non-empty extension lines (without newlines).
    """

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_line(self.origin, "checkpoint origin")
        if isinstance(self.size, bool) or not isinstance(self.size, int):
            raise BadInput(f"checkpoint tree size must be an integer, not {self.size!r}")
        if not 0 <= self.size <= _MAX_TREE_SIZE:
            raise BadInput(f"checkpoint tree size {self.size} is outside 0..2^64-1")
        _check_bytes(self.root, _ROOT_SIZE, "checkpoint root hash")
        if not isinstance(self.extensions, tuple):
            object.__setattr__(self, "extensions", tuple(self.extensions))
        for number, ext in enumerate(self.extensions, start=1):
            _check_line(ext, f"checkpoint extension line {number}")

    def text(self) -> str:
        """Return the note text: origin, size, base64 root, extensions, each + "\\n" (§Note text)."""
        lines = [self.origin, str(self.size), _b64encode(self.root), *self.extensions]
        return "".join(line + "\n" for line in lines)

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Parse a checkpoint note text strictly (tlog-checkpoint §Note text).

        At least three newline-terminated non-empty lines: origin, decimal
        size without leading zeros ("0" for an empty tree, at most 2^64-1),
        canonical padded base64 of exactly 32 bytes, then non-empty extension
        lines.  Pass the note *text* (``Note.text``), not the signed note.
        """
        _check_text(text, "checkpoint text")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise BadInput(f"checkpoint text has {len(lines)} lines, not at least 3")
        origin, size_text, root_text, *extensions = lines
        if not _SIZE.fullmatch(size_text):
            raise BadInput(
                f"checkpoint tree size {size_text[:40]!r} is not a decimal number "
                "without leading zeros"
            )
        if len(size_text) > len(str(_MAX_TREE_SIZE)):
            raise BadInput(f"checkpoint tree size {size_text[:40]}... is above 2^64-1")
        root = _b64decode(root_text, "checkpoint root hash", canonical=True)
        if len(root) != _ROOT_SIZE:
            raise BadInput(f"checkpoint root hash is {len(root)} bytes, not {_ROOT_SIZE}")
        return cls(origin, int(size_text), root, tuple(extensions))


def _check_line(line: object, what: str) -> None:
    if not isinstance(line, str):
        raise BadInput(f"{what} must be a string, not {type(line).__name__}")
    if line == "":
        raise BadInput(f"{what} is empty")
    if "\n" in line:
        raise BadInput(f"{what} contains a newline")
    _check_chars(line, what)
