"""Issue 13 item 12: JSON with a duplicate key is refused wherever it is read (FORMATS.md §3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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
