"""Property tests for ledger.note: round trips and tamper evidence of signed checkpoints."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import assume, given
from hypothesis import strategies as st

from ledger.errors import BadInput, VerificationError
from ledger.note import (
    SIG_COSIGNATURE,
    SIG_ED25519,
    Checkpoint,
    Note,
    Signature,
    VerifierKey,
    add_signature,
    cosign,
    parse_note,
    sign_note,
    verifier_key,
    verify_note,
)

# Key names: no control characters (Cc), no Unicode spaces (Z*; with Cc this is
# the White_Space property), no "+", no lone surrogates.
names = st.text(
    alphabet=st.characters(
        exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp"), exclude_characters="+"
    ),
    min_size=1,
    max_size=20,
)
# One line of note text: anything but control characters below U+0020 and surrogates.
line_chars = st.characters(
    exclude_categories=["Cs"], exclude_characters=[chr(c) for c in range(0x20)]
)
lines = st.one_of(
    st.text(alphabet=line_chars, max_size=30),
    st.sampled_from(["", "\u2014 name AAAAAAAA", "\u2014 ", " ", "+", "0", "=="]),
)
nonempty_lines = st.text(alphabet=line_chars, min_size=1, max_size=30)
texts = st.lists(lines, min_size=1, max_size=6).map(lambda ls: "".join(x + "\n" for x in ls))
signatures = st.builds(
    Signature,
    name=names,
    key_hash=st.binary(min_size=4, max_size=4),
    raw=st.binary(min_size=1, max_size=80),
)
notes = st.builds(
    Note, text=texts, signatures=st.lists(signatures, min_size=1, max_size=5).map(tuple)
)
checkpoints = st.builds(
    Checkpoint,
    origin=nonempty_lines,
    size=st.integers(min_value=0, max_value=2**64 - 1),
    root=st.binary(min_size=32, max_size=32),
    extensions=st.lists(nonempty_lines, max_size=3).map(tuple),
)
verifier_keys = st.builds(
    VerifierKey,
    name=names,
    alg=st.sampled_from([SIG_ED25519, SIG_COSIGNATURE]),
    public_key=st.binary(min_size=32, max_size=32),
)

LOG_KEY = Ed25519PrivateKey.from_private_bytes(b"\x11" * 32)
WITNESS_KEY = Ed25519PrivateKey.from_private_bytes(b"\x22" * 32)
LOG_VKEY = verifier_key("gov.example/ledger", LOG_KEY.public_key())
WITNESS_VKEY = verifier_key("witness.example/w1", WITNESS_KEY.public_key(), SIG_COSIGNATURE)


def signed(cp: Checkpoint, timestamp: int) -> tuple[str, bytes]:
    text = cp.text()
    note = Note(text, (sign_note(text, LOG_VKEY.name, LOG_KEY),))
    note = add_signature(note, cosign(text, WITNESS_VKEY.name, WITNESS_KEY, timestamp))
    return text, note.encode().encode("utf-8")


def fails(data: bytes, key: VerifierKey) -> bool:
    try:
        verify_note(parse_note(data), key)
    except (BadInput, VerificationError):
        return True
    return False


@given(notes)
def test_note_round_trip(note: Note) -> None:
    encoded = note.encode()
    assert parse_note(encoded) == note
    assert parse_note(encoded.encode("utf-8")) == note
    assert parse_note(encoded).encode() == encoded


@given(checkpoints)
def test_checkpoint_round_trip(cp: Checkpoint) -> None:
    assert Checkpoint.parse(cp.text()) == cp
    assert Checkpoint.parse(cp.text()).text() == cp.text()


@given(verifier_keys)
def test_verifier_key_round_trip(key: VerifierKey) -> None:
    assert VerifierKey.parse(key.encode()) == key
    assert len(key.key_hash) == 4


@given(checkpoints, st.integers(min_value=0, max_value=2**63 - 1))
def test_signed_checkpoint_verifies(cp: Checkpoint, timestamp: int) -> None:
    text, data = signed(cp, timestamp)
    note = parse_note(data)
    assert note.text == text
    verify_note(note, LOG_VKEY)
    verify_note(note, WITNESS_VKEY)
    assert Checkpoint.parse(note.text) == cp


@given(checkpoints, st.integers(min_value=0, max_value=2**63 - 1), st.data())
def test_any_byte_change_in_checkpoint_text_fails(
    cp: Checkpoint, timestamp: int, data: st.DataObject
) -> None:
    text, encoded = signed(cp, timestamp)
    body_len = len(text.encode("utf-8"))
    i = data.draw(st.integers(min_value=0, max_value=body_len - 1), label="index")
    new = data.draw(st.integers(min_value=0, max_value=255), label="byte")
    assume(new != encoded[i])
    mutated = encoded[:i] + bytes([new]) + encoded[i + 1 :]
    assert fails(mutated, LOG_VKEY)
    assert fails(mutated, WITNESS_VKEY)


@given(checkpoints, st.integers(min_value=0, max_value=2**63 - 1), st.data())
def test_any_byte_change_never_changes_what_verifies(
    cp: Checkpoint, timestamp: int, data: st.DataObject
) -> None:
    # Anywhere in the signed note: either the note is rejected, or the text that
    # verifies is still the original (signature lines are not themselves signed).
    text, encoded = signed(cp, timestamp)
    i = data.draw(st.integers(min_value=0, max_value=len(encoded) - 1), label="index")
    new = data.draw(st.integers(min_value=0, max_value=255), label="byte")
    assume(new != encoded[i])
    mutated = encoded[:i] + bytes([new]) + encoded[i + 1 :]
    for key in (LOG_VKEY, WITNESS_VKEY):
        if not fails(mutated, key):
            assert parse_note(mutated).text == text


@given(texts, names, names)
def test_unknown_extra_signature_is_ignored(text: str, name: str, other: str) -> None:
    assume(name != other)
    note = Note(text, (sign_note(text, name, LOG_KEY),))
    extra = Signature(other, b"\x00\x01\x02\x03", b"\x00" * 64)
    for n in (add_signature(note, extra), Note(text, (extra,) + note.signatures)):
        verify_note(parse_note(n.encode()), verifier_key(name, LOG_KEY.public_key()))


@given(texts)
def test_wrong_key_fails(text: str) -> None:
    note = Note(text, (sign_note(text, "n", LOG_KEY),))
    with pytest.raises(VerificationError):
        verify_note(note, verifier_key("n", WITNESS_KEY.public_key()))
