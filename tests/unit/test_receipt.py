"""Receipts verify offline with the log key alone; forged ones are refused."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.canonical import canonical, loads
from ledger.entry import leaf_hash
from ledger.errors import BadInput, VerificationError
from ledger.note import SIG_COSIGNATURE, VerifierKey, verifier_key
from ledger.receipt import (
    TLOG_PROOF_HEADER,
    parse_tlog_proof,
    tlog_proof_text,
    verify_receipt,
    verify_tlog_proof,
)
from ledger.witness import cosign_checkpoint
from tests.conftest import ORIGIN, FakeClock, World, agency, make_world


def _vkey(world: World) -> VerifierKey:
    return verifier_key(ORIGIN, world.log_key.public_key())


def _receipt(world: World, seq: int) -> dict[str, Any]:
    return world.ledger.receipt(seq, world.signer(), world.clock)  # type: ignore[attr-defined,no-any-return]


@pytest.fixture
def grown(world: World) -> World:
    world.append("registrar", [agency(i) for i in range(11)])
    return world


def _flip(b64: str) -> str:
    raw = bytearray(base64.b64decode(b64))
    raw[0] ^= 1
    return base64.b64encode(bytes(raw)).decode()


def test_every_receipt_verifies_offline(grown: World) -> None:
    for seq in range(13):
        r = _receipt(grown, seq)
        res = verify_receipt(json.dumps(r), _vkey(grown))
        assert (res.index, res.tree_size, res.origin) == (seq, 13, ORIGIN)
        assert res.entry.seq == seq and res.leaf_hash == leaf_hash(base64.b64decode(r["entry"]))
        assert res.root == grown.ledger.root_at(13)  # type: ignore[attr-defined]
    res = verify_receipt(json.dumps(_receipt(grown, 5)).encode(), _vkey(grown))
    assert res.entry.kind == "agency.registered" and res.entry.by == "registrar"
    assert res.entry.body["agency"] == "ag-3"


def test_unknown_fields_are_accepted(grown: World) -> None:
    r = _receipt(grown, 4)
    r["note"] = "a later version may add fields"
    verify_receipt(json.dumps(r), _vkey(grown))


@pytest.mark.parametrize(
    "forgery",
    [
        "entry",
        "entry-resealed",
        "proof",
        "index",
        "index-neighbour",
        "size",
        "short-proof",
        "long-proof",
        "checkpoint-body",
    ],
)
def test_forged_receipts_are_refused(grown: World, forgery: str) -> None:
    r = _receipt(grown, 6)
    if forgery == "entry":
        obj = loads(base64.b64decode(r["entry"]))
        obj["statement"]["body"]["name"] = "假的"
        r["entry"] = base64.b64encode(canonical(obj)).decode()
    elif forgery == "entry-resealed":  # another real entry under this index's proof
        r["entry"] = _receipt(grown, 7)["entry"]
    elif forgery == "proof":
        r["inclusion"][1] = _flip(r["inclusion"][1])
    elif forgery == "index":
        r["index"] = 7
    elif forgery == "index-neighbour":
        r["index"] = 12
    elif forgery == "size":
        r["tree_size"] = 12
    elif forgery == "short-proof":
        r["inclusion"] = r["inclusion"][:-1]
    elif forgery == "long-proof":
        r["inclusion"].append(r["inclusion"][0])
    else:
        r["checkpoint"] = r["checkpoint"].replace("\n13\n", "\n14\n", 1)
    with pytest.raises(VerificationError):
        verify_receipt(json.dumps(r), _vkey(grown))


def test_a_checkpoint_from_another_key_is_refused(grown: World, tmp_path: Path) -> None:
    other = make_world(f"sqlite:///{tmp_path / 'o.db'}", tmp_path / "o", FakeClock())
    other.append("registrar", [agency(i) for i in range(11)])
    theirs = _receipt(other, 6)
    with pytest.raises(VerificationError, match="not signed by the log key"):
        verify_receipt(json.dumps(theirs), _vkey(grown))
    ours = _receipt(grown, 6)
    ours["checkpoint"] = theirs["checkpoint"]
    with pytest.raises(VerificationError, match="not signed by the log key"):
        verify_receipt(json.dumps(ours), _vkey(grown))
    with pytest.raises(VerificationError, match="no signature by"):
        verify_receipt(
            json.dumps(_receipt(grown, 6)),
            verifier_key("someone.else/log", Ed25519PrivateKey.generate().public_key()),
        )


def test_a_proof_valid_at_another_index_is_refused(grown: World) -> None:
    """An entry whose own seq disagrees with the proven index is not accepted."""
    r = _receipt(grown, 0)
    one = _receipt(grown, 1)
    with pytest.raises(VerificationError):
        verify_receipt(json.dumps({**r, "index": 1, "inclusion": one["inclusion"]}), _vkey(grown))


@pytest.mark.parametrize(
    ("patch", "msg"),
    [
        ({"format": "other/v1"}, "format"),
        ({"index": -1}, "index"),
        ({"index": True}, "index"),
        ({"entry": "not base64!"}, "entry"),
        ({"inclusion": "x"}, "inclusion"),
        ({"inclusion": ["AAAA"]}, "inclusion"),
        ({"checkpoint": 5}, "checkpoint"),
    ],
)
def test_malformed_receipts_are_bad_input(grown: World, patch: dict[str, Any], msg: str) -> None:
    r = {**_receipt(grown, 2), **patch}
    with pytest.raises(BadInput, match=msg):
        verify_receipt(json.dumps(r), _vkey(grown))
    with pytest.raises(BadInput, match="receipt.json: malformed JSON"):
        verify_receipt("{", _vkey(grown), where="receipt.json")
    r = _receipt(grown, 2)
    del r["tree_size"]
    with pytest.raises(BadInput, match="'tree_size' is missing"):
        verify_receipt(json.dumps(r), _vkey(grown))


def test_receipts_with_witness_cosignatures(grown: World, tmp_path: Path) -> None:
    r = _receipt(grown, 3)
    wkey = Ed25519PrivateKey.generate()
    wv = verifier_key("npc", wkey.public_key(), SIG_COSIGNATURE)
    r["checkpoint"] = cosign_checkpoint(
        r["checkpoint"], _vkey(grown), "npc", wkey, tmp_path, None, grown.clock
    ).note
    assert (
        verify_receipt(json.dumps(r), _vkey(grown)).index == 3
    )  # the log key alone still suffices
    assert verify_receipt(json.dumps(r), _vkey(grown), witnesses=[wv]).cosigned_by == ("npc",)
    other = verifier_key("ccdi", Ed25519PrivateKey.generate().public_key(), SIG_COSIGNATURE)
    with pytest.raises(VerificationError, match="fewer than the 2 required"):
        verify_receipt(json.dumps(r), _vkey(grown), witnesses=[wv, other])


def test_tlog_proof_text_follows_c2sp(grown: World) -> None:
    r = _receipt(grown, 6)
    text = tlog_proof_text(r)
    lines = text.split("\n")
    assert lines[0] == TLOG_PROOF_HEADER == "c2sp.org/tlog-proof@v1"
    assert lines[1] == "index 6"
    n = len(r["inclusion"])
    assert lines[2 : 2 + n] == r["inclusion"] and lines[2 + n] == ""
    assert "\n".join(lines[3 + n :]) == r["checkpoint"]
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert tlog_proof_text(_receipt(grown, 0)).split("\n")[1] == "index 0"
    p = parse_tlog_proof(text)
    assert p.index == 6 and p.checkpoint == r["checkpoint"] and p.extra is None
    entry = base64.b64decode(r["entry"])
    assert verify_tlog_proof(text, entry, _vkey(grown)).index == 6
    with pytest.raises(VerificationError):
        verify_tlog_proof(text, entry + b" ", _vkey(grown))


def test_tlog_proof_round_trips_for_every_index(grown: World) -> None:
    for seq in range(13):
        r = _receipt(grown, seq)
        text = tlog_proof_text(r)
        assert verify_tlog_proof(text, base64.b64decode(r["entry"]), _vkey(grown)).index == seq
        assert list(parse_tlog_proof(text).proof) == [base64.b64decode(h) for h in r["inclusion"]]


def test_parse_tlog_proof_is_strict() -> None:
    with pytest.raises(BadInput, match="first line"):
        parse_tlog_proof("c2sp.org/tlog-proof@v2\nindex 1\n\n")
    with pytest.raises(BadInput, match="index N"):
        parse_tlog_proof("c2sp.org/tlog-proof@v1\nindex 01\n\n")
    with pytest.raises(BadInput, match="line 3"):
        parse_tlog_proof("c2sp.org/tlog-proof@v1\nindex 1\nnot-a-hash\n\ncp\n")
    p = parse_tlog_proof("c2sp.org/tlog-proof@v1\nextra AAEC\nindex 1\n\ncp\n")
    assert p.extra == b"\x00\x01\x02" and p.proof == () and p.checkpoint == "cp\n"
