"""Issue 13 item 12: JSON with a duplicate key is refused wherever it is read (FORMATS.md §3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.canonical import loads
from ledger.errors import BadInput, VerificationError


@pytest.mark.parametrize(
    "text",
    [
        b'{"amount":"1.00","amount":"100.00"}',
        b'{"body":{"amount":"1.00","amount":"100.00"}}',
        b'[{"a":1},{"b":{"c":1,"c":1}}]',
    ],
)
def test_the_shared_loader_refuses_a_duplicate_key(text: bytes) -> None:
    with pytest.raises(BadInput, match="duplicate key '(amount|c)'"):
        loads(text)


def test_the_shared_loader_still_reads_json_and_refuses_bad_json() -> None:
    assert loads(b'{"a":{"b":[1,"x",null]},"c":2}') == {"a": {"b": [1, "x", None]}, "c": 2}
    assert loads('"文"') == "文"
    for bad in (b'{"a":NaN}', b"{", b'{"a":1}x', b'"\xff"'):
        with pytest.raises(BadInput, match="malformed JSON"):
            loads(bad)


def test_a_statement_file_with_a_duplicate_key_is_refused(tmp_path: Path) -> None:
    from ledger_cli.log_cmd import read_statements

    p = tmp_path / "s.jsonl"
    p.write_text(
        '{"kind":"agency.registered","body":{"agency":"a","agency":"b","name":"n",'
        '"category":"organ","region":"430600"}}\n'
    )
    with pytest.raises(BadInput, match=r"s.jsonl:1: .*duplicate key 'agency'"):
        read_statements(str(p))


def test_a_receipt_with_a_duplicate_key_is_refused() -> None:
    from ledger.note import verifier_key
    from ledger.receipt import verify_receipt

    key = __import__(
        "cryptography.hazmat.primitives.asymmetric.ed25519", fromlist=["x"]
    ).Ed25519PrivateKey.generate()
    text = '{"format":"ledger-receipt/v1","index":0,"index":1}'
    with pytest.raises(BadInput, match="duplicate key 'index'"):
        verify_receipt(text, verifier_key("l.example/x", key.public_key()))


def test_a_bundle_member_with_a_duplicate_key_is_refused(sqlite_world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from ledger.bundle import export_bundle, verify_bundle
    from ledger.note import verifier_key
    from tests.conftest import ORIGIN

    w = sqlite_world
    w.ledger.checkpoint(w.signer(), w.clock)
    path = tmp_path / "b"
    export_bundle(w.ledger, path, zip=False, clock=w.clock)
    m = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    text = json.dumps(m)[:-1] + ', "tree_size": 999}'
    (path / "manifest.json").write_text(text, encoding="utf-8")
    with pytest.raises(VerificationError, match="manifest.json: .*duplicate key 'tree_size'"):
        verify_bundle(path, verifier_key(ORIGIN, w.log_key.public_key()))


def test_a_large_integer_stays_an_integer_in_messages() -> None:
    from ledger.domain.events import parse_body

    big = 10**23
    obj = loads(b'{"days": 100000000000000000000000}')
    assert obj == {"days": big} and type(obj["days"]) is int
    body = loads(
        b'{"commitment":"C","amount":100000000000000000000000,"date":"2025-01-01",'
        b'"reference":"r","method":"transfer"}'
    )
    with pytest.raises(BadInput) as err:
        parse_body("payment.made", body)
    assert str(big) in str(err.value) and "e+23" not in str(err.value)


_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.sampled_from(["a:b", "x", ":", '":"', "时间 08:00:01", ""])
    | st.text(max_size=6)
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(st.tuples(st.sampled_from(["a", "b", "a:", "c"]), inner), max_size=4)
    ),
    max_leaves=12,
)


def _text(value: object) -> str:
    """JSON text in which a list of (key, value) pairs is an object, keys possibly repeated."""
    if isinstance(value, list) and value and all(isinstance(p, tuple) for p in value):
        return "{" + ",".join(f"{json.dumps(k)}:{_text(v)}" for k, v in value) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_text(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _reference(text: str) -> object:
    """The strict reading by the standard library alone (duplicates refused, ints exact)."""

    def hook(pairs: list[tuple[str, object]]) -> dict[str, object]:
        if len({k for k, _ in pairs}) != len(pairs):
            raise KeyError("duplicate")
        return dict(pairs)

    return json.loads(text, object_pairs_hook=hook)


@settings(max_examples=500, deadline=None)
@given(_values)
def test_the_loaders_fast_path_reads_exactly_what_the_strict_reading_reads(value: object) -> None:
    """loads takes orjson's value when the text's ':' count equals the parsed key count
    and no float appears; repeated keys, ':' inside strings and integers beyond 64 bits
    all give what the standard library's strict reading gives."""
    text = _text(value)
    try:
        want = _reference(text)
    except KeyError:
        with pytest.raises(BadInput, match="duplicate key"):
            loads(text.encode())
        return
    got = loads(text.encode())
    assert got == want and json.dumps(got) == json.dumps(want)
