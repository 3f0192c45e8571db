"""Auditor's bundles: export, offline re-verification, every way of tampering."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.bundle import export_bundle, verify_bundle
from ledger.canonical import canonical, loads
from ledger.errors import BadInput, VerificationError
from ledger.log import Ledger
from ledger.note import SIG_COSIGNATURE, VerifierKey, verifier_key
from ledger.verify import verify_ledger
from tests.conftest import ORIGIN, FakeClock, World, agency, make_world, resign


def _vkey(world: World) -> VerifierKey:
    return verifier_key(ORIGIN, world.log_key.public_key())


def _grow(world: World, n: int = 12, start: int = 0) -> None:
    world.append("registrar", [agency(i) for i in range(start, start + n)])
    world.ledger.checkpoint(world.signer(), world.clock)  # type: ignore[attr-defined]


def _export(world: World, path: Path, **kw) -> Path:  # type: ignore[no-untyped-def]
    export_bundle(world.ledger, path, zip=kw.pop("zip", False), clock=world.clock, **kw)  # type: ignore[arg-type]
    return path


@pytest.fixture
def bundle(sqlite_world: World, tmp_path: Path) -> tuple[World, Path]:
    _grow(sqlite_world)
    return sqlite_world, _export(sqlite_world, tmp_path / "bundle")


def _lines(path: Path) -> list[bytes]:
    return (path / "entries.jsonl").read_bytes().split(b"\n")[:-1]


def _write_lines(path: Path, lines: list[bytes]) -> None:
    (path / "entries.jsonl").write_bytes(b"".join(x + b"\n" for x in lines))


def _fails(world: World, path: Path, match: str, seq: int | None = None, **kw) -> VerificationError:  # type: ignore[no-untyped-def]
    with pytest.raises(VerificationError, match=match) as err:
        verify_bundle(path, _vkey(world), **kw)
    if seq is not None:
        assert err.value.seq == seq, str(err.value)
        assert f"entries.jsonl line {seq + 1} (seq {seq})" in str(err.value)
    return err.value


# ------------------------------------------------------------------ round trip


def test_export_writes_the_four_files_exactly(world: World, tmp_path: Path) -> None:
    _grow(world)
    path = _export(world, tmp_path / "b")
    assert sorted(p.name for p in path.iterdir()) == [
        "checkpoint",
        "entries.jsonl",
        "keys.json",
        "manifest.json",
    ]
    leaves = [leaf for _, leaf, _ in world.ledger.iter_leaves()]  # type: ignore[attr-defined]
    assert _lines(path) == leaves
    cp = world.ledger.latest_checkpoint()  # type: ignore[attr-defined]
    assert (path / "checkpoint").read_text(encoding="utf-8") == cp.note
    manifest = json.loads((path / "manifest.json").read_text())
    assert manifest["format"] == "ledger-bundle/v1" and manifest["tree_size"] == cp.size == 14
    assert manifest["origin"] == ORIGIN and manifest["root_hash"] == cp.root.hex()
    assert manifest["created"].endswith("Z")
    keys = json.loads((path / "keys.json").read_text())
    assert keys == [
        k.as_json()
        for k in sorted(world.ledger.key_ring().keys.values(), key=lambda k: k.registered_seq)
    ]  # type: ignore[attr-defined]
    assert keys[0] == {
        "name": ORIGIN,
        "role": "log",
        "agencies": [],
        "vkey": _vkey(world).encode(),
        "registered_seq": 0,
        "revoked_seq": None,
    }
    rep = verify_bundle(path, _vkey(world))
    assert (rep.size, rep.root, rep.origin, rep.keys, rep.zipped) == (14, cp.root, ORIGIN, 2, False)


def test_zip_bundle_verifies_with_parallel_jobs(world: World, tmp_path: Path) -> None:
    _grow(world)
    path = _export(world, tmp_path / "b.zip", zip=True)
    with zipfile.ZipFile(path) as zf:
        assert sorted(zf.namelist()) == [
            "checkpoint",
            "entries.jsonl",
            "keys.json",
            "manifest.json",
        ]
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in zf.infolist())
    seen: list[int] = []
    rep = verify_bundle(path, _vkey(world), jobs=2, progress=seen.append)
    assert rep.zipped and rep.size == 14 and sum(seen) == 14


def test_a_zip_of_the_bundle_directory_verifies(bundle: tuple[World, Path], tmp_path: Path) -> None:
    world, path = bundle
    z = tmp_path / "dir.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for p in path.iterdir():
            zf.write(p, f"bundle/{p.name}")
    assert verify_bundle(z, _vkey(world)).size == 14


def test_export_stops_at_the_latest_checkpoint(sqlite_world: World, tmp_path: Path) -> None:
    _grow(sqlite_world, 5)
    sqlite_world.append("registrar", [agency(100), agency(101)])  # not yet checkpointed
    path = _export(sqlite_world, tmp_path / "b")
    assert len(_lines(path)) == 7
    assert verify_bundle(path, _vkey(sqlite_world)).size == 7


def test_keys_json_is_as_of_the_bundle_size(sqlite_world: World, tmp_path: Path) -> None:
    sqlite_world.register("clerk", agencies=["ag-1"])
    _grow(sqlite_world, 2)
    sqlite_world.append_as(
        ORIGIN, sqlite_world.log_key, [("key.revoked", {"name": "clerk", "reason": "left"})]
    )
    sqlite_world.register("later", agencies=["*"])
    path = _export(sqlite_world, tmp_path / "b")  # latest checkpoint is before the revocation
    rows = {r["name"]: r for r in json.loads((path / "keys.json").read_text())}
    assert set(rows) == {ORIGIN, "registrar", "clerk"} and rows["clerk"]["revoked_seq"] is None
    verify_bundle(path, _vkey(sqlite_world))
    sqlite_world.ledger.checkpoint(sqlite_world.signer(), sqlite_world.clock)  # type: ignore[attr-defined]
    path2 = _export(sqlite_world, tmp_path / "b2")
    rows = {r["name"]: r for r in json.loads((path2 / "keys.json").read_text())}
    assert rows["clerk"]["revoked_seq"] == 5 and "later" in rows
    assert verify_bundle(path2, _vkey(sqlite_world)).keys == 4


def test_export_refuses_an_existing_path_and_a_log_without_checkpoint(
    sqlite_world: World, tmp_path: Path
) -> None:
    with pytest.raises(BadInput, match="no signed checkpoint"):
        _export(sqlite_world, tmp_path / "b")
    _grow(sqlite_world, 1)
    (tmp_path / "f").write_text("x")
    with pytest.raises(BadInput, match="already exists"):
        _export(sqlite_world, tmp_path / "f")
    (tmp_path / "empty").mkdir()
    _export(sqlite_world, tmp_path / "empty")  # an empty directory is fine
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".bundle-tmp")]


def test_export_streams_in_chunks(
    sqlite_world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _grow(sqlite_world, 30)
    chunks: list[int] = []
    real = Ledger.iter_leaves

    def spy(self, start=0, end=None, chunk=5000):  # type: ignore[no-untyped-def]
        chunks.append(chunk)
        return real(self, start, end, chunk=7)

    monkeypatch.setattr(Ledger, "iter_leaves", spy)
    calls: list[int] = []
    _export(sqlite_world, tmp_path / "b", progress=calls.append)
    assert chunks and sum(calls) == 32
    assert verify_bundle(tmp_path / "b", _vkey(sqlite_world)).size == 32


def test_export_refuses_a_log_that_does_not_reproduce_its_checkpoint(
    sqlite_world: World, tmp_path: Path
) -> None:
    from tests.conftest import all_leaves, rewrite_log

    _grow(sqlite_world, 4)
    leaves = all_leaves(sqlite_world.ledger)
    obj = loads(leaves[-1])
    obj["statement"]["body"]["name"] = "篡改"
    leaves[-1] = resign(canonical(obj), sqlite_world.keys["registrar"])
    rewrite_log(sqlite_world.ledger.engine, leaves)  # type: ignore[attr-defined]
    with pytest.raises(VerificationError, match="do not reproduce the root"):
        _export(sqlite_world, tmp_path / "b")
    assert list(tmp_path.glob("b*")) == []


# ------------------------------------------------------------------ tampering


def test_an_edited_entry_is_caught_at_its_line(bundle: tuple[World, Path]) -> None:
    world, path = bundle
    lines = _lines(path)
    obj = loads(lines[7])
    obj["statement"]["body"]["name"] = "改过的名字"
    lines[7] = canonical(obj)
    _write_lines(path, lines)
    _fails(world, path, "signature does not verify", seq=7)


def test_an_edited_and_resigned_entry_breaks_the_chain(bundle: tuple[World, Path]) -> None:
    world, path = bundle
    lines = _lines(path)
    obj = loads(lines[7])
    obj["statement"]["body"]["name"] = "改过的名字"
    lines[7] = resign(canonical(obj), world.keys["registrar"])
    _write_lines(path, lines)
    _fails(world, path, "prev does not match", seq=8)


def test_the_last_entry_edited_and_resigned_changes_the_root(bundle: tuple[World, Path]) -> None:
    world, path = bundle
    lines = _lines(path)
    obj = loads(lines[-1])
    obj["statement"]["body"]["name"] = "改过的名字"
    lines[-1] = resign(canonical(obj), world.keys["registrar"])
    _write_lines(path, lines)
    _fails(world, path, "root of the 14 entries differs from the checkpoint")


def test_a_dropped_entry_is_caught(bundle: tuple[World, Path]) -> None:
    world, path = bundle
    lines = _lines(path)
    del lines[5]
    _write_lines(path, lines)
    _fails(world, path, "seq: is 6, expected 5", seq=5)


def test_a_dropped_last_entry_is_caught(bundle: tuple[World, Path]) -> None:
    world, path = bundle
    _write_lines(path, _lines(path)[:-1])
    err = _fails(world, path, "ends after line 13 but the checkpoint is for size 14")
    assert err.seq == 13


def test_a_duplicated_entry_is_caught(bundle: tuple[World, Path]) -> None:
    world, path = bundle
    lines = _lines(path)
    lines.insert(4, lines[4])
    _write_lines(path, lines)
    _fails(world, path, "seq: is 4, expected 5", seq=5)


def test_two_swapped_entries_are_caught(bundle: tuple[World, Path]) -> None:
    world, path = bundle
    lines = _lines(path)
    lines[3], lines[4] = lines[4], lines[3]
    _write_lines(path, lines)
    _fails(world, path, "seq: is 4, expected 3", seq=3)


def test_an_appended_extra_entry_is_caught(bundle: tuple[World, Path]) -> None:
    world, path = bundle
    world.append("registrar", [agency(999)])
    extra = [leaf for _, leaf, _ in world.ledger.iter_leaves(14)]  # type: ignore[attr-defined]
    _write_lines(path, _lines(path) + extra)
    _fails(world, path, "has 15 lines but the checkpoint is for size 14")


def test_a_file_truncated_mid_line_is_caught(bundle: tuple[World, Path]) -> None:
    world, path = bundle
    data = (path / "entries.jsonl").read_bytes()
    cut = data.rfind(b"\n", 0, len(data) - 1) + 40  # 40 bytes into the last line
    (path / "entries.jsonl").write_bytes(data[:cut])
    _fails(world, path, "line is cut off.*truncated", seq=13)


def test_a_file_truncated_in_the_first_line_is_caught(bundle: tuple[World, Path]) -> None:
    world, path = bundle
    (path / "entries.jsonl").write_bytes((path / "entries.jsonl").read_bytes()[:50])
    _fails(world, path, "truncated", seq=0)


def test_an_empty_entries_file_is_caught(bundle: tuple[World, Path]) -> None:
    world, path = bundle
    (path / "entries.jsonl").write_bytes(b"")
    _fails(world, path, "empty")


def test_a_bad_signature_before_a_truncation_is_reported_first(bundle: tuple[World, Path]) -> None:
    world, path = bundle
    lines = _lines(path)
    lines[2] = resign(lines[2], Ed25519PrivateKey.generate())
    data = b"".join(x + b"\n" for x in lines)
    (path / "entries.jsonl").write_bytes(data[:-10])
    _fails(world, path, "signature does not verify", seq=2, jobs=2)


def test_a_key_replaced_in_keys_json_is_caught(bundle: tuple[World, Path]) -> None:
    world, path = bundle
    keys = json.loads((path / "keys.json").read_text())
    other = Ed25519PrivateKey.generate()
    keys[1]["vkey"] = verifier_key("registrar", other.public_key()).encode()
    (path / "keys.json").write_text(json.dumps(keys))
    _fails(world, path, "keys.json: key 'registrar' field 'vkey'")


@pytest.mark.parametrize("change", ["drop", "add", "revoke", "scope", "dup"])
def test_keys_json_must_equal_the_replayed_ring(bundle: tuple[World, Path], change: str) -> None:
    world, path = bundle
    keys = json.loads((path / "keys.json").read_text())
    if change == "drop":
        del keys[1]
    elif change == "add":
        w = Ed25519PrivateKey.generate()
        keys.append(
            {
                "name": "ghost",
                "role": "witness",
                "agencies": [],
                "registered_seq": 3,
                "revoked_seq": None,
                "vkey": verifier_key("ghost", w.public_key(), SIG_COSIGNATURE).encode(),
            }
        )
    elif change == "revoke":
        keys[1]["revoked_seq"] = 9
    elif change == "scope":
        keys[1]["agencies"] = ["ag-1"]
    else:
        keys.append(keys[1])
    (path / "keys.json").write_text(json.dumps(keys))
    _fails(world, path, "keys.json")


def test_unknown_fields_in_keys_and_manifest_are_accepted(bundle: tuple[World, Path]) -> None:
    world, path = bundle
    keys = json.loads((path / "keys.json").read_text())
    keys[0]["comment"] = "a later version may add fields"
    (path / "keys.json").write_text(json.dumps(keys))
    m = json.loads((path / "manifest.json").read_text())
    m["generator"] = "ledger 2.0"
    (path / "manifest.json").write_text(json.dumps(m))
    verify_bundle(path, _vkey(world))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("tree_size", 13),
        ("root_hash", "00" * 32),
        ("origin", "other.example/log"),
        ("format", "ledger-bundle/v2"),
        ("created", "yesterday"),
        ("tree_size", True),
    ],
)
def test_a_changed_manifest_is_caught(
    bundle: tuple[World, Path], field: str, value: object
) -> None:
    world, path = bundle
    m = json.loads((path / "manifest.json").read_text())
    m[field] = value
    (path / "manifest.json").write_text(json.dumps(m))
    _fails(world, path, "manifest.json")


def test_a_missing_file_is_caught(bundle: tuple[World, Path]) -> None:
    world, path = bundle
    (path / "keys.json").unlink()
    _fails(world, path, "keys.json: missing")


def test_the_checkpoint_of_another_log_is_refused(
    bundle: tuple[World, Path], tmp_path: Path
) -> None:
    world, path = bundle
    other = make_world(f"sqlite:///{tmp_path / 'other.db'}", tmp_path / "o", FakeClock())
    _grow(other)
    (path / "checkpoint").write_text(other.ledger.latest_checkpoint().note)  # type: ignore[attr-defined]
    _fails(world, path, "checkpoint: not signed by the supplied --vkey")
    # ... and the other log's key does not help: the genesis names ours.
    with pytest.raises(VerificationError):
        verify_bundle(path, _vkey(other))


def test_a_whole_bundle_of_another_log_fails_with_our_vkey(
    bundle: tuple[World, Path], tmp_path: Path
) -> None:
    world, _path = bundle
    other = make_world(f"sqlite:///{tmp_path / 'other.db'}", tmp_path / "o", FakeClock())
    _grow(other)
    path = _export(other, tmp_path / "ob")
    _fails(world, path, "not signed by the supplied --vkey")
    verify_bundle(path, _vkey(other))


def test_a_bundle_rebuilt_under_another_key_is_refused(
    bundle: tuple[World, Path], tmp_path: Path
) -> None:
    """A forger who rebuilds the whole log under a new key signs a valid-looking bundle."""
    world, _ = bundle
    forged = make_world(f"sqlite:///{tmp_path / 'f.db'}", tmp_path / "f", FakeClock())
    _grow(forged)
    path = _export(forged, tmp_path / "fb")
    _fails(world, path, "not signed by the supplied --vkey")


def test_a_wrong_vkey_is_refused(bundle: tuple[World, Path]) -> None:
    _world, path = bundle
    wrong = verifier_key(ORIGIN, Ed25519PrivateKey.generate().public_key())
    with pytest.raises(VerificationError, match="not signed by the supplied --vkey"):
        verify_bundle(path, wrong)
    with pytest.raises(BadInput, match="type 0x01"):
        verify_bundle(
            path, verifier_key(ORIGIN, Ed25519PrivateKey.generate().public_key(), SIG_COSIGNATURE)
        )


def test_a_path_that_is_no_bundle_is_bad_input(tmp_path: Path) -> None:
    vk = verifier_key(ORIGIN, Ed25519PrivateKey.generate().public_key())
    with pytest.raises(BadInput, match="no such bundle"):
        verify_bundle(tmp_path / "nope", vk)
    (tmp_path / "x.zip").write_text("not a zip")
    with pytest.raises(BadInput, match="neither a bundle directory nor a readable .zip"):
        verify_bundle(tmp_path / "x.zip", vk)


def test_a_tampered_zip_is_caught(world: World, tmp_path: Path) -> None:
    _grow(world)
    path = _export(world, tmp_path / "b.zip", zip=True)
    with zipfile.ZipFile(path) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    lines = files["entries.jsonl"].split(b"\n")
    lines[3], lines[4] = lines[4], lines[3]
    files["entries.jsonl"] = b"\n".join(lines)
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, d in files.items():
            zf.writestr(n, d)
    _fails(world, bad, "seq: is 4, expected 3", seq=3)


# ------------------------------------------------------------------ old checkpoints


def test_the_bundle_extends_an_old_checkpoint(sqlite_world: World, tmp_path: Path) -> None:
    _grow(sqlite_world, 3)
    old = sqlite_world.ledger.latest_checkpoint().note  # type: ignore[attr-defined]
    _grow(sqlite_world, 4, start=100)
    path = _export(sqlite_world, tmp_path / "b")
    rep = verify_bundle(path, _vkey(sqlite_world), old_checkpoint=old)
    assert rep.extends == 5 and rep.size == 9


def test_a_rollback_against_an_old_checkpoint_is_caught(
    sqlite_world: World, tmp_path: Path
) -> None:
    _grow(sqlite_world, 3)
    path = _export(sqlite_world, tmp_path / "b")
    _grow(sqlite_world, 4, start=100)
    newer = sqlite_world.ledger.latest_checkpoint().note  # type: ignore[attr-defined]
    with pytest.raises(
        VerificationError, match="rollback: the bundle's checkpoint is at size 5 .* size 9"
    ):
        verify_bundle(path, _vkey(sqlite_world), old_checkpoint=newer)


def test_a_fork_against_an_old_checkpoint_is_caught(tmp_path: Path) -> None:
    """Same log key, same first entries, then the operator rewrites history."""
    a, b = _twins(tmp_path)
    a.append("registrar", [agency(1), agency(2)])
    a.ledger.checkpoint(a.signer(), a.clock)  # type: ignore[attr-defined]
    old = a.ledger.latest_checkpoint().note  # type: ignore[attr-defined]
    b.append("registrar", [agency(1), agency(3), agency(4)])
    b.ledger.checkpoint(b.signer(), b.clock)  # type: ignore[attr-defined]
    path = _export(b, tmp_path / "fork")
    verify_bundle(path, _vkey(b))  # on its own the fork looks fine
    with pytest.raises(VerificationError, match="fork: the bundle's root at size 4"):
        verify_bundle(path, _vkey(b), old_checkpoint=old)


def test_an_old_checkpoint_of_another_key_is_refused(
    bundle: tuple[World, Path], tmp_path: Path
) -> None:
    world, path = bundle
    other = make_world(f"sqlite:///{tmp_path / 'other.db'}", tmp_path / "o", FakeClock())
    _grow(other, 1)
    with pytest.raises(VerificationError, match="the old checkpoint"):
        verify_bundle(path, _vkey(world), old_checkpoint=other.ledger.latest_checkpoint().note)  # type: ignore[attr-defined]


# ------------------------------------------------------------------ witnesses


def test_witness_cosignatures_in_the_bundle(sqlite_world: World, tmp_path: Path) -> None:
    from ledger.witness import cosign_checkpoint

    _grow(sqlite_world, 3)
    note = sqlite_world.ledger.latest_checkpoint().note  # type: ignore[attr-defined]
    ws = {n: Ed25519PrivateKey.generate() for n in ("audit-bureau", "npc", "ccdi")}
    wk = {n: verifier_key(n, k.public_key(), SIG_COSIGNATURE) for n, k in ws.items()}
    copies = [
        cosign_checkpoint(
            note, _vkey(sqlite_world), n, ws[n], tmp_path / n, None, sqlite_world.clock
        ).note
        for n in ("audit-bureau", "npc")
    ]
    sqlite_world.append(
        "registrar", [agency(50)]
    )  # the log moves on; the bundle stays at the cosigned size
    path = _export(sqlite_world, tmp_path / "b", cosigned=copies)
    rep = verify_bundle(path, _vkey(sqlite_world), witnesses=[wk["audit-bureau"], wk["npc"]])
    assert rep.cosigned_by == ("audit-bureau", "npc") and rep.size == 5
    assert (
        verify_bundle(path, _vkey(sqlite_world), witnesses=list(wk.values()), threshold=2).size == 5
    )
    with pytest.raises(VerificationError, match="fewer than the 3 required.*ccdi"):
        verify_bundle(path, _vkey(sqlite_world), witnesses=list(wk.values()))
    with pytest.raises(BadInput, match="threshold 4"):
        verify_bundle(path, _vkey(sqlite_world), witnesses=list(wk.values()), threshold=4)
    # a forged cosignature line by a listed witness is refused outright
    text = (path / "checkpoint").read_text()
    lines = text.split("\n")
    i = next(i for i, ln in enumerate(lines) if ln.startswith("— npc "))
    sig = lines[i].split(" ")[2]
    lines[i] = "— npc " + sig[:20] + ("A" if sig[20] != "A" else "B") + sig[21:]
    (path / "checkpoint").write_text("\n".join(lines))
    with pytest.raises(VerificationError, match="cosignature by npc"):
        verify_bundle(path, _vkey(sqlite_world), witnesses=[wk["npc"]])
    verify_bundle(path, _vkey(sqlite_world))  # unknown-to-this-verifier lines are ignored


def test_export_refuses_cosigned_notes_the_log_did_not_sign(
    sqlite_world: World, tmp_path: Path
) -> None:
    _grow(sqlite_world, 2)
    other = make_world(f"sqlite:///{tmp_path / 'other.db'}", tmp_path / "o", FakeClock())
    _grow(other, 2)
    with pytest.raises(BadInput, match="not one this log signed"):
        _export(sqlite_world, tmp_path / "b", cosigned=[other.ledger.latest_checkpoint().note])  # type: ignore[attr-defined]


def test_verify_ledger_agrees_with_verify_bundle(world: World, tmp_path: Path) -> None:
    _grow(world, 20)
    path = _export(world, tmp_path / "b")
    assert verify_bundle(path, _vkey(world)).root == verify_ledger(world.ledger).result.root  # type: ignore[arg-type]


def _twins(tmp_path: Path) -> tuple[World, World]:
    """Two ledgers with the SAME log key and identical first entries."""
    from ledger.keys import Keystore
    from tests.conftest import PASSPHRASE

    log_key = Ed25519PrivateKey.generate()
    registrar = Ed25519PrivateKey.generate()
    worlds = []
    for name in ("a", "b"):
        clock = FakeClock()
        ks = Keystore(tmp_path / f"ks-{name}")
        ks.store(ORIGIN, log_key, PASSPHRASE)
        ledger = Ledger.init(f"sqlite:///{tmp_path / name}.db", ORIGIN, log_key, clock)
        w = World(f"sqlite:///{tmp_path / name}.db", ledger, log_key, {}, ks, clock)
        body = {
            "name": "registrar",
            "role": "recorder",
            "agencies": ["*"],
            "vkey": verifier_key("registrar", registrar.public_key()).encode(),
        }
        w.append_as(ORIGIN, log_key, [("key.registered", body)])
        w.keys["registrar"] = registrar
        worlds.append(w)
    return worlds[0], worlds[1]
