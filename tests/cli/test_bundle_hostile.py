"""Hostile bundles (issue 13 item 9): verify-bundle refuses them in bounded memory and time.

Each case runs ``ledger verify-bundle`` in a child process whose address
space is capped; the child reports its peak resident memory.  It must exit
2 (a malformed bundle is bad input) with one ``error:`` line, no traceback,
well under 256 MB, and never hang.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from ledger.bundle import export_bundle
from ledger.note import verifier_key
from tests.conftest import ORIGIN, World, agency

_CAP = 1 << 30  # address space; a 2 GB line read whole would not fit
_PEAK_LIMIT_KB = 256 * 1024
_CHILD = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
try:
    from tests.helpers.source import use_source_tree
    use_source_tree()
    from ledger_cli.main import cli
    cli.main(args=sys.argv[1:], prog_name="ledger")
finally:
    # VmHWM: this program's own peak; Linux keeps ru_maxrss across exec, so a child
    # forked from a large pytest process would report the parent's size
    try:
        with open("/proc/self/status") as fh:
            peak = next(int(x.split()[1]) for x in fh if x.startswith("VmHWM:"))
    except (OSError, StopIteration):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sys.stderr.write("\\nPEAK_KB=%d\\n" % peak)
"""
_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def genuine(sqlite_world: World, tmp_path: Path) -> tuple[Path, Path]:
    """A valid bundle directory and the log's vkey file."""
    sqlite_world.append("registrar", [agency(i) for i in range(4)])
    sqlite_world.ledger.checkpoint(sqlite_world.signer(), sqlite_world.clock)  # type: ignore[attr-defined,no-untyped-call]
    path = tmp_path / "genuine"
    export_bundle(sqlite_world.ledger, path, zip=False, clock=sqlite_world.clock)  # type: ignore[arg-type]
    vkey = tmp_path / "log.vkey"
    vkey.write_text(verifier_key(ORIGIN, sqlite_world.log_key.public_key()).encode() + "\n")
    return path, vkey


def _verify(bundle: Path, vkey: Path) -> tuple[int, str]:
    """Run verify-bundle capped; return (exit code, stderr without the peak line)."""
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            _CHILD.format(cap=_CAP),
            "verify-bundle",
            str(bundle),
            "--vkey",
            str(vkey),
            "--quiet",
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=_ROOT,
        env={**os.environ, "PYTHONPATH": str(_ROOT)},
        stdin=subprocess.DEVNULL,
    )
    err, _, peak = proc.stderr.rpartition("PEAK_KB=")
    assert peak.strip().isdigit(), proc.stderr
    assert int(peak) < _PEAK_LIMIT_KB, f"peak {int(peak) // 1024} MB"
    assert "Traceback" not in err, err
    return proc.returncode, err.strip()


def _refused(bundle: Path, vkey: Path, *words: str) -> str:
    code, err = _verify(bundle, vkey)
    assert code == 2, err
    assert err.startswith("error: ") and len(err.splitlines()) == 1, err
    for w in words:
        assert w in err, err
    return err


def _zip_from(src: Path, out: Path, replace: dict[str, object] | None = None) -> Path:
    """A zip of the bundle ``src``; ``replace`` maps a member to bytes or a chunk iterator."""
    replace = replace or {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        for name in ("checkpoint", "manifest.json", "keys.json", "entries.jsonl"):
            data = replace[name] if name in replace else (src / name).read_bytes()
            if isinstance(data, bytes):
                zf.writestr(name, data)
            else:
                with zf.open(name, "w", force_zip64=True) as fh:
                    for chunk in data:  # type: ignore[attr-defined]
                        fh.write(chunk)
    return out


def test_the_genuine_bundle_verifies_under_the_cap(genuine: tuple[Path, Path]) -> None:
    path, vkey = genuine
    assert _verify(path, vkey)[0] == 0
    assert _verify(_zip_from(path, path.parent / "ok.zip"), vkey)[0] == 0


def test_a_small_zip_holding_one_2_gb_line(genuine: tuple[Path, Path]) -> None:
    path, vkey = genuine
    chunk = b"a" * (1 << 20)
    bomb = _zip_from(
        path, path.parent / "bomb.zip", {"entries.jsonl": (chunk for _ in range(2048))}
    )
    assert bomb.stat().st_size < 4 << 20
    _refused(bomb, vkey, "entries.jsonl line 1", "65535")


def test_a_1_gb_checkpoint_member(genuine: tuple[Path, Path]) -> None:
    path, vkey = genuine
    with open(path / "checkpoint", "r+b") as fh:
        fh.truncate(1 << 30)  # sparse: a 1 GB file that costs no disk
    _refused(path, vkey, "checkpoint", "larger")
    zeros = b"\0" * (1 << 20)
    bomb = _zip_from(path, path.parent / "cp.zip", {"checkpoint": (zeros for _ in range(1024))})
    _refused(bomb, vkey, "checkpoint", "declared")


def test_entries_linked_to_dev_zero(genuine: tuple[Path, Path]) -> None:
    path, vkey = genuine
    (path / "entries.jsonl").unlink()
    (path / "entries.jsonl").symlink_to("/dev/zero")
    _refused(path, vkey, "entries.jsonl", "symbolic link")


def test_a_fifo_member_does_not_hang(genuine: tuple[Path, Path]) -> None:
    path, vkey = genuine
    (path / "entries.jsonl").unlink()
    os.mkfifo(path / "entries.jsonl")
    _refused(path, vkey, "entries.jsonl", "not a regular file")
    (path / "checkpoint").unlink()
    os.mkfifo(path / "checkpoint")  # read first, by the progress hint too
    _refused(path, vkey, "checkpoint", "not a regular file")


def test_duplicate_member_names_are_refused(genuine: tuple[Path, Path]) -> None:
    path, vkey = genuine
    out = _zip_from(path, path.parent / "dup.zip")
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(out, "a") as zf:
        zf.writestr("entries.jsonl", b"")
    _refused(out, vkey, "two members named 'entries.jsonl'")


def _patch_central(path: Path, offset: int, value: int) -> None:
    """Set a 2-byte field of every central and local header of a stored zip."""
    data = bytearray(path.read_bytes())
    for sig, base in ((b"PK\x01\x02", offset + 2), (b"PK\x03\x04", offset)):
        at = data.find(sig)
        while at != -1:
            data[at + base : at + base + 2] = value.to_bytes(2, "little")
            at = data.find(sig, at + 4)
    path.write_bytes(bytes(data))


def test_an_encrypted_member_is_bad_input(genuine: tuple[Path, Path]) -> None:
    path, vkey = genuine
    out = path.parent / "enc.zip"
    shutil.make_archive(str(out.with_suffix("")), "zip", path)
    _patch_central(out, 6, 0x1)  # general purpose flag bit 0: encrypted
    _refused(out, vkey, "encrypted")


def test_an_unsupported_compression_is_bad_input(genuine: tuple[Path, Path]) -> None:
    path, vkey = genuine
    out = path.parent / "d64.zip"
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as zf:
        for name in ("checkpoint", "manifest.json", "keys.json", "entries.jsonl"):
            zf.writestr(name, (path / name).read_bytes())
    _patch_central(out, 8, 9)  # method 9: Deflate64, which Python cannot read
    _refused(out, vkey, "compression method 9", "not supported")
