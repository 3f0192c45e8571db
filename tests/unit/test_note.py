"""Unit and known-answer tests for ledger.note (C2SP signed-note, checkpoints, cosignatures).

Known answers come from:

* golang.org/x/mod/sumdb/note/note_test.go (PeterNeumann / EnochRoot keys and notes);
* the c2sp.org/signed-note example key ``example.com/foo``;
* c2sp.org/tlog-cosignature's example (timestamp 1679315147) and
  transparency-dev/formats note/note_cosigv1_test.go (timestamp 1727964367);
* a real checkpoint of the arche2025h1.staging.ct.transparency.dev log, signed by
  the log (Ed25519, type 0x01) and cosigned by the witness remora.n621.de
  (tlog-cosignature/v1, type 0x04), with the public verifier keys of both.
"""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.errors import BadInput, VerificationError
from ledger.note import (
    MAX_SIGNATURES,
    SIG_COSIGNATURE,
    SIG_ED25519,
    Checkpoint,
    Note,
    Signature,
    VerifierKey,
    add_signature,
    cosign,
    cosignature_time,
    key_hash,
    parse_note,
    sign_note,
    verifier_key,
    verify_note,
)

# --- golang.org/x/mod/sumdb/note/note_test.go --------------------------------

PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_SIG = (
    "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqf"
    "qdngotpRZb6KE6RyyBwJnAM=\n"
)
ENOCH_SIG = (
    "\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGw"
    "nWLox33WWd1RvMc+QQ=\n"
)
SIGNED = TEXT + "\n" + PETER_SIG

# --- c2sp.org/signed-note example key -----------------------------------------

FOO_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
FOO_NOTE = (
    "This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfX"
    "ppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)

# --- a real, witnessed checkpoint ---------------------------------------------

ARCHE_VKEY = (
    "arche2025h1.staging.ct.transparency.dev+ba2f06c0+AU0vHmlGCS/PdN8b2OaGmKprLI8HKM+dJ472xgFYh15f"
)
REMORA_VKEY = "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2"
ARCHE_TEXT = (
    "arche2025h1.staging.ct.transparency.dev\n"
    "1432088532\n"
    "U7WM79jrzyhGZ5/GUBTpM7NzwdyfFx61t3RovgcC4Ro=\n"
)
ARCHE_SIGS = [
    # type 0x05 (RFC 6962 tree head signature) by the same log name: unknown to us.
    (
        "arche2025h1.staging.ct.transparency.dev zTM8sQAAAZ5W0WdjBAMARjBEAiBjW5IQf9pvsYLfQFX6hoGREPM"
        "HbdQ3urbllzalApkptQIgIpwtEroeW2BXaHAI4kJXFbon5Ch9MNL5zRNZ55lvGt0="
    ),
    (
        "arche2025h1.staging.ct.transparency.dev ui8GwCF1+kWqZrxGdhj4aX3gcw7XUlXQQabg/27lefwhUkzbC3N"
        "ygNI75MdhL1bfTW9g8Ei59RA23oHP7Ry1k3ZFWwQ="
    ),
    (
        "transparency.dev/DEV:witness-little-garden 2AQqhwAAAABqEiEgzgFIqqhbUoDwjMWE6UP8nd8/KYTzwZ2rhI"
        "gcqoXHAwVkjZr4AscylP3v7sEodkRAErumC2q44vdgJY096st5BQ=="
    ),
    (
        "witness1.smartit.nu/witness1 pIyCDwAAAABqEiEghIp82KWebrw7/oHQwlTAm3g2RKS4+eebl8eO0WH+/iEcxZ75"
        "W3u5hNI7TOQtmJbqmNWVuE0tgh0XwzdZsDsUAQ=="
    ),
    (
        "remora.n621.de 2net5wAAAABqEiEgPlfF3V06o0Y+fHM+J5J9s27wgxxcOVSpZ/2g/KSiXCg9DEZI+aVCIobWX9sXTyn"
        "k5XeU/zZ0WBxtqB0DrAWfBw=="
    ),
    (
        "witness.stagemole.eu Z/euoAAAAABqEiEgw0i+7g2ENfDAWHmtRzCfKTHSDwYDJA2NmKeGi9Y8FtEyOUvVr+AJmIY/2"
        "TUFucgKi7lI7cUiOvKFYe/TmN9DAg=="
    ),
]
ARCHE_NOTE = ARCHE_TEXT + "\n" + "".join(f"\u2014 {s}\n" for s in ARCHE_SIGS)


def peter_private_key() -> Ed25519PrivateKey:
    """Decode the Go skey: PRIVATE+KEY+<name>+<hash>+base64(0x01 || 32-byte seed)."""
    private, key, name, hash16, key64 = PETER_SKEY.split("+", 4)  # key64 itself holds a "+"
    assert (private, key, name, hash16) == ("PRIVATE", "KEY", "PeterNeumann", "c74f20a3")
    data = base64.b64decode(key64)
    assert data[0] == SIG_ED25519 and len(data) == 33
    return Ed25519PrivateKey.from_private_bytes(data[1:])


def fixed_key(n: int) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes([n]) * 32)


# ============================================================================
# Known answers: golang.org/x/mod/sumdb/note
# ============================================================================


def test_go_vkey_parses_and_reencodes() -> None:
    vk = VerifierKey.parse(PETER_VKEY)
    assert vk.name == "PeterNeumann"
    assert vk.alg == SIG_ED25519
    assert vk.key_hash == bytes.fromhex("c74f20a3")
    assert len(vk.public_key) == 32
    assert vk.encode() == PETER_VKEY


def test_go_skey_derives_the_vkey() -> None:
    sk = peter_private_key()
    assert verifier_key("PeterNeumann", sk.public_key()) == VerifierKey.parse(PETER_VKEY)
    assert verifier_key("PeterNeumann", sk.public_key()).encode() == PETER_VKEY


def test_go_sign_is_byte_identical() -> None:
    sig = sign_note(TEXT, "PeterNeumann", peter_private_key())
    assert sig.line() == PETER_SIG
    assert Note(TEXT, (sig,)).encode() == SIGNED


def test_go_signed_note_verifies() -> None:
    note = parse_note(SIGNED)
    assert note.text == TEXT
    sig = verify_note(note, VerifierKey.parse(PETER_VKEY))
    assert sig.name == "PeterNeumann"
    assert sig.key_hash == bytes.fromhex("c74f20a3")
    assert note.encode() == SIGNED


def test_go_note_accepts_bytes() -> None:
    assert parse_note(SIGNED.encode("utf-8")) == parse_note(SIGNED)


def test_go_two_signatures_one_known_key() -> None:
    note = parse_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG)
    assert len(note.signatures) == 2
    assert verify_note(note, VerifierKey.parse(PETER_VKEY)).name == "PeterNeumann"
    assert verify_note(note, VerifierKey.parse(ENOCH_VKEY)).name == "EnochRoot"
    assert note.signatures[1].key_hash == bytes.fromhex("af0cfe78")


def test_go_unknown_key_is_no_signature() -> None:
    note = parse_note(TEXT + "\n" + ENOCH_SIG)
    with pytest.raises(VerificationError, match="no signature by PeterNeumann"):
        verify_note(note, VerifierKey.parse(PETER_VKEY))


def test_go_invalid_signature_for_known_key() -> None:
    bad = PETER_SIG[:60] + "ABCD" + PETER_SIG[60:]
    note = parse_note(TEXT + "\n" + bad)
    with pytest.raises(VerificationError, match="signature by PeterNeumann .* does not verify"):
        verify_note(note, VerifierKey.parse(PETER_VKEY))


def test_go_duplicated_signatures_and_bad_unknown_one() -> None:
    enoch_bad = ENOCH_SIG[:60] + "ABCD" + ENOCH_SIG[60:]
    msg = TEXT + "\n" + PETER_SIG + PETER_SIG + ENOCH_SIG + ENOCH_SIG + enoch_bad
    note = parse_note(msg)
    assert len(note.signatures) == 5
    assert verify_note(note, VerifierKey.parse(PETER_VKEY)).name == "PeterNeumann"
    with pytest.raises(VerificationError, match="does not verify"):
        verify_note(note, VerifierKey.parse(ENOCH_VKEY))


def test_go_same_name_other_key_hash_is_ignored() -> None:
    # Same name, different key ID: an unknown key that must be ignored.
    other = Signature("PeterNeumann", bytes.fromhex("c74f20a4"), b"\x00" * 64)
    note = add_signature(parse_note(SIGNED), other)
    assert verify_note(note, VerifierKey.parse(PETER_VKEY)).key_hash == bytes.fromhex("c74f20a3")


def test_go_sign_replaces_existing_signature() -> None:
    placeholder = Signature("PeterNeumann", bytes.fromhex("c74f20a3"), b"BAD")
    note = Note(TEXT, (placeholder,))
    sig = sign_note(TEXT, "PeterNeumann", peter_private_key())
    assert add_signature(note, sig).encode() == SIGNED


def test_add_signature_appends_after_others() -> None:
    enoch = parse_note(TEXT + "\n" + ENOCH_SIG).signatures[0]
    peter = parse_note(SIGNED).signatures[0]
    note = add_signature(Note(TEXT, (peter, enoch)), peter)
    assert note.signatures == (enoch, peter)
    assert add_signature(Note(TEXT), peter).encode() == SIGNED


@pytest.mark.parametrize(
    "msg",
    [
        pytest.param(TEXT, id="no-blank-line"),
        pytest.param(TEXT + "\n", id="no-signatures"),
        pytest.param(TEXT + "\n" + PETER_SIG[:-1], id="no-final-newline"),
        pytest.param("\x01" + TEXT + "\n" + PETER_SIG, id="control-char"),
        pytest.param("\t" + TEXT + "\n" + PETER_SIG, id="tab"),
        pytest.param(TEXT.replace("\n", "\r\n") + "\n" + PETER_SIG, id="crlf"),
        pytest.param(b"\xff" + SIGNED.encode(), id="not-utf8"),
        pytest.param(
            TEXT + "\n" + "\u2014 Bad Name " + PETER_SIG.split(" ")[2], id="space-in-name"
        ),
        pytest.param(TEXT + "\n\u2014 Bad+Name " + PETER_SIG.split(" ")[2], id="plus-in-name"),
        pytest.param(TEXT + "\n\u2014  " + PETER_SIG.split(" ")[2], id="empty-name"),
        pytest.param(TEXT + "\n" + PETER_SIG + "Unexpected line.\n", id="unexpected-line"),
        pytest.param(TEXT + "\n- PeterNeumann AAAAAAAA\n", id="hyphen-not-em-dash"),
        pytest.param(TEXT + "\n\u2014PeterNeumann AAAAAAAA\n", id="no-space-after-dash"),
        pytest.param(TEXT + "\n\u2014 PeterNeumann\n", id="no-signature"),
        pytest.param(TEXT + "\n\u2014 PeterNeumann \n", id="empty-signature"),
        pytest.param(TEXT + "\n\u2014 PeterNeumann AAAA\n", id="3-bytes"),
        pytest.param(TEXT + "\n\u2014 PeterNeumann AAAAAA==\n", id="4-bytes-no-signature"),
        pytest.param(TEXT + "\n\u2014 PeterNeumann AAAAAAA\n", id="unpadded-base64"),
        pytest.param(TEXT + "\n\u2014 PeterNeumann AAAA_AAA\n", id="urlsafe-base64"),
        pytest.param(TEXT + "\n\u2014 PeterNeumann AAAAAAAA=\n", id="excess-padding"),
        pytest.param(TEXT + "\n\u2014 PeterNeumann AAAA AAAA\n", id="space-in-base64"),
        pytest.param(TEXT + "\n" + PETER_SIG + "\n", id="trailing-blank-line"),
        pytest.param(TEXT + "\n" + PETER_SIG + "\n" + PETER_SIG[:-1], id="sigs-no-final-newline"),
        pytest.param("", id="empty"),
        pytest.param("\ud800\n\n" + PETER_SIG, id="lone-surrogate"),
    ],
)
def test_malformed_notes_are_bad_input(msg: str | bytes) -> None:
    with pytest.raises(BadInput):
        parse_note(msg)


def test_too_many_signatures() -> None:
    assert len(parse_note(TEXT + "\n" + PETER_SIG * MAX_SIGNATURES).signatures) == MAX_SIGNATURES
    with pytest.raises(BadInput, match="more than the 100 allowed"):
        parse_note(TEXT + "\n" + PETER_SIG * (MAX_SIGNATURES + 1))


def test_at_least_16_signatures_are_accepted() -> None:
    keys = [fixed_key(i) for i in range(16)]
    note = Note(TEXT, tuple(sign_note(TEXT, f"k{i}", k) for i, k in enumerate(keys)))
    parsed = parse_note(note.encode())
    for i, k in enumerate(keys):
        verify_note(parsed, verifier_key(f"k{i}", k.public_key()))


def test_text_split_at_last_blank_line() -> None:
    text = "first\n\nsecond\n\n\u2014 looks like a signature line but is text\n"
    sig = sign_note(text, "PeterNeumann", peter_private_key())
    note = parse_note(Note(text, (sig,)).encode())
    assert note.text == text
    verify_note(note, VerifierKey.parse(PETER_VKEY))


def test_minimal_text_is_a_single_newline() -> None:
    sig = sign_note("\n", "PeterNeumann", peter_private_key())
    encoded = Note("\n", (sig,)).encode()
    assert encoded.startswith("\n\n\u2014 ")
    assert parse_note(encoded).text == "\n"


def test_non_canonical_signature_base64_is_accepted_like_go() -> None:
    # Go's base64.StdEncoding ignores non-zero pad bits; re-encoding canonicalises.
    b64 = PETER_SIG.split(" ")[2].strip()
    assert b64.endswith("M=")
    tweaked = b64[:-2] + "N="  # same bytes, one pad bit set
    note = parse_note(TEXT + "\n\u2014 PeterNeumann " + tweaked + "\n")
    verify_note(note, VerifierKey.parse(PETER_VKEY))
    assert note.encode() == SIGNED


# --- verifier keys --------------------------------------------------------------


def _manglings(key: str) -> list[str]:
    """Every proper substring and every single-byte increment, as in Go's TestNewVerifier."""
    out: list[str] = []
    b = key.encode()
    for i in range(len(b) + 1):
        for j in range(i + 1, len(b) + 1):
            if i != 0 or j != len(b):
                out.append(b[i:j].decode())
    for i in range(len(b)):
        out.append((b[:i] + bytes([b[i] + 1]) + b[i + 1 :]).decode())
    return out


def test_go_vkey_manglings_are_rejected() -> None:
    for bad in _manglings(PETER_VKEY):
        with pytest.raises(BadInput):
            VerifierKey.parse(bad)


def test_go_vkey_wrong_length_and_unknown_algorithm() -> None:
    with pytest.raises(BadInput, match="not a type byte and a 32-byte"):
        VerifierKey.parse(
            "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="
        )
    with pytest.raises(BadInput, match="signature type"):
        VerifierKey.parse("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "PeterNeumann",
        "PeterNeumann+c74f20a3",
        "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+0xc74f20+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW\n",
        " PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+00000000+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ],
)
def test_bad_vkeys(text: str) -> None:
    with pytest.raises(BadInput):
        VerifierKey.parse(text)


def test_vkey_hex_case_is_accepted_like_go() -> None:
    vk = VerifierKey.parse(PETER_VKEY.replace("c74f20a3", "C74F20A3"))
    assert vk == VerifierKey.parse(PETER_VKEY)
    assert vk.encode() == PETER_VKEY


def test_cosignature_vkey_type_4() -> None:
    vk = VerifierKey.parse(REMORA_VKEY)
    assert vk.alg == SIG_COSIGNATURE
    assert vk.key_hash == bytes.fromhex("da77ade7")
    assert vk.encode() == REMORA_VKEY
    assert vk.key_hash == key_hash("remora.n621.de", 0x04, vk.public_key)
    # The same key under type 0x01 has another key ID.
    assert key_hash("remora.n621.de", 0x01, vk.public_key) != vk.key_hash


def test_verifier_key_constructor_checks() -> None:
    pk = fixed_key(1).public_key()
    assert verifier_key("w", pk, SIG_COSIGNATURE).alg == SIG_COSIGNATURE
    with pytest.raises(BadInput):
        verifier_key("w", pk, 0x02)
    with pytest.raises(BadInput):
        verifier_key("a+b", pk)
    with pytest.raises(BadInput):
        VerifierKey("w", SIG_ED25519, b"\x00" * 31)
    with pytest.raises(BadInput):
        VerifierKey("w\u3000x", SIG_ED25519, b"\x00" * 32)
    with pytest.raises(BadInput):
        VerifierKey("w\x7fx\x01", SIG_ED25519, b"\x00" * 32)


def test_key_hash_definition() -> None:
    import hashlib

    pk = bytes(range(32))
    want = hashlib.sha256(b"name\n\x01" + pk).digest()[:4]
    assert key_hash("name", SIG_ED25519, pk) == want
    assert len(key_hash("name", SIG_COSIGNATURE, pk)) == 4


def test_c2sp_signed_note_example_key() -> None:
    vk = VerifierKey.parse(FOO_VKEY)
    assert vk.public_key.hex() == "e932791ae6e7a840a46164c904786426d5e7821dd8b29a00d61cae72afdd4da4"
    note = parse_note(FOO_NOTE)
    assert verify_note(note, vk).key_hash == bytes.fromhex("530d903a")
    tampered = Note("This is an example message!\n", note.signatures)
    with pytest.raises(VerificationError):
        verify_note(tampered, vk)


# ============================================================================
# Cosignatures (tlog-cosignature/v1)
# ============================================================================


def test_real_witnessed_checkpoint_verifies() -> None:
    note = parse_note(ARCHE_NOTE)
    assert note.text == ARCHE_TEXT
    assert len(note.signatures) == 6
    assert note.encode() == ARCHE_NOTE
    cp = Checkpoint.parse(note.text)
    assert cp.origin == "arche2025h1.staging.ct.transparency.dev"
    assert cp.size == 1432088532
    assert cp.text() == ARCHE_TEXT

    log_sig = verify_note(note, VerifierKey.parse(ARCHE_VKEY))
    assert log_sig.key_hash == bytes.fromhex("ba2f06c0")
    cosig = verify_note(note, VerifierKey.parse(REMORA_VKEY))
    assert cosig.name == "remora.n621.de"
    assert cosignature_time(cosig) == 1779573024


def test_real_witnessed_checkpoint_tampered() -> None:
    note = parse_note(ARCHE_NOTE)
    tampered = Note(note.text.replace("1432088532", "1432088533"), note.signatures)
    for vkey in (ARCHE_VKEY, REMORA_VKEY):
        with pytest.raises(VerificationError, match="does not verify"):
            verify_note(tampered, VerifierKey.parse(vkey))


def test_cosignature_is_not_an_ed25519_signature() -> None:
    # The witness key as a type 0x01 key has another key ID: no match.
    remora = VerifierKey.parse(REMORA_VKEY)
    as_plain = VerifierKey(remora.name, SIG_ED25519, remora.public_key)
    with pytest.raises(VerificationError, match="no signature by remora.n621.de"):
        verify_note(parse_note(ARCHE_NOTE), as_plain)


def test_c2sp_cosignature_example_timestamp() -> None:
    # c2sp.org/tlog-cosignature example; the spec's message shows "time 1679315147".
    example = (
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n"
        "\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7"
        "u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
        "\u2014 witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlr"
        "DJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n"
    )
    note = parse_note(example)
    assert Checkpoint.parse(note.text).size == 20852163
    assert cosignature_time(note.signatures[1]) == 1679315147
    with pytest.raises(BadInput):
        cosignature_time(note.signatures[0])  # a plain 64-byte Ed25519 signature


def test_transparency_dev_cosignature_timestamp() -> None:
    raw = base64.b64decode(
        "ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBY"
        "JXORmnFBOBA=="
    )
    assert cosignature_time(Signature("w", raw[:4], raw[4:])) == 1727964367
    plain = base64.b64decode(
        "eQjRQm6eSKzFoiYalgwCPXu2y3ijtg68is9M46JKxuZB+dRfTmeQeDBoXnvxZx2ugnkyV+MUMLXpWs1hPb/W/4xkNQY="
    )
    with pytest.raises(BadInput, match="not the 72"):
        cosignature_time(Signature("w", plain[:4], plain[4:]))


def test_cosign_round_trip_and_message() -> None:
    log_key, witness_key = fixed_key(1), fixed_key(2)
    text = Checkpoint("example.com/log", 5, bytes(range(32))).text()
    note = Note(text, (sign_note(text, "example.com/log", log_key),))
    cosig = cosign(text, "witness.example/w1", witness_key, 1_700_000_000)
    note = parse_note(add_signature(note, cosig).encode())

    wkey = verifier_key("witness.example/w1", witness_key.public_key(), SIG_COSIGNATURE)
    got = verify_note(note, wkey)
    assert got == cosig
    assert cosignature_time(got) == 1_700_000_000
    assert got.key_hash == key_hash("witness.example/w1", 0x04, wkey.public_key)
    # The signed message is exactly "cosignature/v1\ntime <T>\n" + body.
    witness_key.public_key().verify(
        got.raw[8:], b"cosignature/v1\ntime 1700000000\n" + text.encode()
    )
    assert got.raw[:8] == (1_700_000_000).to_bytes(8, "big")
    verify_note(note, verifier_key("example.com/log", log_key.public_key()))


def test_cosign_tampering() -> None:
    witness_key = fixed_key(2)
    text = Checkpoint("example.com/log", 5, bytes(32), ("ext",)).text()
    cosig = cosign(text, "w", witness_key, 1000)
    wkey = verifier_key("w", witness_key.public_key(), SIG_COSIGNATURE)
    verify_note(Note(text, (cosig,)), wkey)

    # Extension lines are covered.
    with pytest.raises(VerificationError, match="cosignature by w .* does not verify"):
        verify_note(Note(text.replace("ext", "exu"), (cosig,)), wkey)
    # Changing the timestamp breaks the signature.
    moved = Signature("w", cosig.key_hash, (1001).to_bytes(8, "big") + cosig.raw[8:])
    with pytest.raises(VerificationError):
        verify_note(Note(text, (moved,)), wkey)
    # Timestamps above 2^63-1 are invalid.
    huge = Signature("w", cosig.key_hash, (2**63).to_bytes(8, "big") + cosig.raw[8:])
    with pytest.raises(VerificationError):
        verify_note(Note(text, (huge,)), wkey)
    with pytest.raises(BadInput):
        cosignature_time(huge)
    # Wrong length.
    short = Signature("w", cosig.key_hash, cosig.raw[:-1])
    with pytest.raises(VerificationError):
        verify_note(Note(text, (short,)), wkey)
    # Another witness key with the same name does not match.
    other = verifier_key("w", fixed_key(3).public_key(), SIG_COSIGNATURE)
    with pytest.raises(VerificationError, match="no signature by w"):
        verify_note(Note(text, (cosig,)), other)


def test_cosign_timestamp_bounds() -> None:
    text = Checkpoint("o", 0, bytes(32)).text()
    k = fixed_key(4)
    assert cosignature_time(cosign(text, "w", k, 0)) == 0
    assert cosignature_time(cosign(text, "w", k, 2**63 - 1)) == 2**63 - 1
    for bad in (-1, 2**63):
        with pytest.raises(BadInput):
            cosign(text, "w", k, bad)


def test_signing_input_checks() -> None:
    k = fixed_key(5)
    with pytest.raises(BadInput):
        sign_note("no newline", "n", k)
    with pytest.raises(BadInput):
        sign_note("tab\there\n", "n", k)
    with pytest.raises(BadInput):
        sign_note("ok\n", "bad name", k)
    with pytest.raises(BadInput):
        cosign("no newline", "n", k, 1)


def test_wrong_key_and_modified_text() -> None:
    k = fixed_key(6)
    sig = sign_note(TEXT, "signer", k)
    note = Note(TEXT, (sig,))
    # A different key under the same name has another key ID: "no signature".
    with pytest.raises(VerificationError, match="no signature by signer"):
        verify_note(note, verifier_key("signer", fixed_key(7).public_key()))
    # A forged key ID with the wrong key: "does not verify".
    with pytest.raises(VerificationError, match="does not verify"):
        forged = Signature(
            "signer", verifier_key("signer", fixed_key(7).public_key()).key_hash, sig.raw
        )
        verify_note(Note(TEXT, (forged,)), verifier_key("signer", fixed_key(7).public_key()))
    with pytest.raises(VerificationError, match="does not verify"):
        verify_note(Note(TEXT.upper(), (sig,)), verifier_key("signer", k.public_key()))


def test_note_and_signature_construction_rules() -> None:
    sig = parse_note(SIGNED).signatures[0]
    with pytest.raises(BadInput):
        Note("no final newline", (sig,))
    with pytest.raises(BadInput):
        Note(TEXT).encode()
    with pytest.raises(BadInput):
        Signature("a b", b"\x00" * 4, b"x")
    with pytest.raises(BadInput):
        Signature("ab", b"\x00" * 3, b"x")
    with pytest.raises(BadInput):
        Signature("ab", b"\x00" * 4, b"")
    assert sig.line() == PETER_SIG


# ============================================================================
# Checkpoints (tlog-checkpoint)
# ============================================================================


ROOT_B64 = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="


def test_checkpoint_spec_example() -> None:
    text = f"example.com/behind-the-sofa\n20852163\n{ROOT_B64}\n"
    cp = Checkpoint.parse(text)
    assert cp == Checkpoint("example.com/behind-the-sofa", 20852163, base64.b64decode(ROOT_B64))
    assert cp.text() == text


def test_checkpoint_with_extensions_and_zero_size() -> None:
    text = f"origin with spaces + plus\n0\n{ROOT_B64}\nextension one\n\u2014 two\n"
    cp = Checkpoint.parse(text)
    assert cp.size == 0
    assert cp.extensions == ("extension one", "\u2014 two")
    assert cp.text() == text


def test_checkpoint_max_size() -> None:
    text = f"o\n{2**64 - 1}\n{ROOT_B64}\n"
    assert Checkpoint.parse(text).size == 2**64 - 1


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(f"o\n1\n{ROOT_B64}", id="no-final-newline"),
        pytest.param(f"\n1\n{ROOT_B64}\n", id="empty-origin"),
        pytest.param("o\n1\n", id="two-lines"),
        pytest.param(f"o\n01\n{ROOT_B64}\n", id="leading-zero"),
        pytest.param(f"o\n00\n{ROOT_B64}\n", id="double-zero"),
        pytest.param(f"o\n+1\n{ROOT_B64}\n", id="plus-sign"),
        pytest.param(f"o\n-1\n{ROOT_B64}\n", id="negative"),
        pytest.param(f"o\n 1\n{ROOT_B64}\n", id="space"),
        pytest.param(f"o\n1_000\n{ROOT_B64}\n", id="underscore"),
        pytest.param(f"o\n\uff11\n{ROOT_B64}\n", id="fullwidth-digit"),
        pytest.param(f"o\n\n{ROOT_B64}\n", id="empty-size"),
        pytest.param(f"o\n{2**64}\n{ROOT_B64}\n", id="size-over-64-bits"),
        pytest.param(f"o\n{'9' * 5000}\n{ROOT_B64}\n", id="size-5000-digits"),
        pytest.param("o\n1\n" + base64.b64encode(bytes(31)).decode() + "\n", id="root-31"),
        pytest.param("o\n1\n" + base64.b64encode(bytes(33)).decode() + "\n", id="root-33"),
        pytest.param(f"o\n1\n{ROOT_B64.rstrip('=')}\n", id="root-unpadded"),
        pytest.param(f"o\n1\n{ROOT_B64[:-2]}J=\n", id="root-non-canonical"),
        pytest.param(
            "o\n1\n" + base64.urlsafe_b64encode(b"\xfb" * 32).decode() + "\n", id="root-urlsafe"
        ),
        pytest.param(f"o\n1\n{ROOT_B64}\n\n", id="empty-extension"),
        pytest.param(f"o\n1\n{ROOT_B64}\na\n\nb\n", id="empty-middle-extension"),
        pytest.param(f"o\t\n1\n{ROOT_B64}\n", id="control-char"),
        pytest.param("", id="empty"),
    ],
)
def test_malformed_checkpoints(text: str) -> None:
    with pytest.raises(BadInput):
        Checkpoint.parse(text)


def test_checkpoint_constructor_checks() -> None:
    root = bytes(32)
    with pytest.raises(BadInput):
        Checkpoint("", 1, root)
    with pytest.raises(BadInput):
        Checkpoint("a\nb", 1, root)
    with pytest.raises(BadInput):
        Checkpoint("o", -1, root)
    with pytest.raises(BadInput):
        Checkpoint("o", 2**64, root)
    with pytest.raises(BadInput):
        Checkpoint("o", 1, bytes(31))
    with pytest.raises(BadInput):
        Checkpoint("o", 1, root, ("",))
    with pytest.raises(BadInput):
        Checkpoint("o", 1, root, ("a\nb",))
    assert Checkpoint("o", 1, root, ["x"]).extensions == ("x",)  # type: ignore[arg-type]


def test_checkpoint_note_signed_by_log() -> None:
    k = fixed_key(8)
    cp = Checkpoint("gov.example/ledger", 42, bytes(range(32)))
    note = Note(cp.text(), (sign_note(cp.text(), "gov.example/ledger", k),))
    parsed = parse_note(note.encode())
    verify_note(parsed, verifier_key("gov.example/ledger", k.public_key()))
    assert Checkpoint.parse(parsed.text) == cp
