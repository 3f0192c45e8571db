"""Canonical JSON (RFC 8785): the reference encoder against public vectors, and
the fast encoder cross-checked against the reference on every event kind."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.canonical import canonical, reference
from ledger.errors import BadInput

VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "rfc8785"
CYBERPHONE = sorted((VECTORS / "cyberphone" / "input").glob("*.json"))


def _has_float(v: object) -> bool:
    if isinstance(v, float):
        return True
    if isinstance(v, dict):
        return any(_has_float(x) for x in v.values())
    if isinstance(v, list):
        return any(_has_float(x) for x in v)
    return False


@pytest.mark.parametrize("path", CYBERPHONE, ids=lambda p: p.stem)
def test_cyberphone_vectors(path: Path) -> None:
    value = json.loads(path.read_text(encoding="utf-8"))
    expected = (VECTORS / "cyberphone" / "output" / path.name).read_bytes()
    hexed = (VECTORS / "cyberphone" / "outhex" / path.with_suffix(".txt").name).read_text()
    assert reference(value) == expected
    assert expected == bytes.fromhex("".join(hexed.split()))
    if _has_float(value):
        with pytest.raises(BadInput, match="float"):
            canonical(value)
    else:
        assert canonical(value) == expected


def test_appendix_b_numbers() -> None:
    table = json.loads((VECTORS / "appendix-b-numbers.json").read_text())
    assert len(table["finite"]) > 10
    for row in table["finite"]:
        value = struct.unpack(">d", bytes.fromhex(row["ieee754_hex"]))[0]
        assert reference(value).decode() == row["canonical"], row
    for bits in ("7fffffffffffffff", "7ff0000000000000"):
        with pytest.raises(BadInput):
            reference(struct.unpack(">d", bytes.fromhex(bits))[0])


def test_non_bmp_keys_sort_by_utf16_code_units() -> None:
    # U+1F600 (UTF-16 D83D DE00) sorts before U+FB01 under RFC 8785, after it by code point.
    obj = {"\ufb01": 1, "\U0001f600": 2}
    assert canonical(obj) == reference(obj) == '{"\U0001f600":2,"\ufb01":1}'.encode()


def test_integers_beyond_2_53_are_refused() -> None:
    with pytest.raises(BadInput):
        canonical({"n": 2**53})
    assert canonical({"n": 2**53 - 1}) == b'{"n":9007199254740991}'


json_leaf = st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text()
json_values = st.recursive(
    json_leaf,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_fast_encoder_equals_rfc8785_on_float_free_values(value: object) -> None:
    assert canonical(value) == reference(value)


def test_fast_encoder_equals_rfc8785_on_every_event_kind() -> None:
    from tests.unit.test_events import VALID  # one valid body per kind

    assert len(VALID) >= 21
    for kind, body in VALID.items():
        stmt = {
            "log": "l.example/x",
            "kind": kind,
            "by": "clerk",
            "at": "2026-01-05T08:00:01.000Z",
            "body": body,
        }
        entry = {
            "v": 1,
            "seq": 7,
            "prev": "ab" * 32,
            "ts": "2026-01-05T08:00:02.000Z",
            "statement": stmt,
            "sig": "AA==",
        }
        assert canonical(entry) == reference(entry), kind
