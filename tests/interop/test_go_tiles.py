"""The published hash tiles, read by Go's golang.org/x/mod/sumdb/tlog (FORMATS.md §9).

goverify's ``tiles`` command recomputes the tree hash from the site's tiles
with ``tlog.TileHashReader``/``tlog.TreeHash``, proves sampled leaves with
``tlog.ProveRecord``/``tlog.CheckRecord``, and itself hashes every full tile
against its parent (Debian's x/mod 0.7 ``TileHashReader`` does not catch a
corrupted tile).  The log has three tile levels: 66,100 entries make 258 full
level-0 tiles, one full level-1 tile and a level-2 tile.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.keys import Keystore
from ledger.log import Draft, Ledger, LogSigner, sign_statements
from ledger.note import verifier_key
from ledger.site.publish import checkpoint_signed_at, publish
from tests.conftest import ORIGIN, FakeClock
from tests.interop.test_go_interop import goverify  # noqa: F401 (fixture)

SIZE = 66_100


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    d = tmp_path_factory.mktemp("gotiles")
    clock = FakeClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    log_key, rec = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    ledger = Ledger.init(f"sqlite:///{d / 'l.db'}", ORIGIN, log_key, clock)
    body = {
        "name": "registrar",
        "vkey": verifier_key("registrar", rec.public_key()).encode(),
        "role": "recorder",
        "agencies": ["*"],
    }
    ledger.append(
        sign_statements([Draft(1, "key.registered", body)], ORIGIN, log_key, clock, origin=ORIGIN),
        clock,
    )
    i = 0
    while ledger.size() < SIZE:
        n = min(10_000, SIZE - ledger.size())
        drafts = [
            Draft(
                k + 1,
                "agency.registered",
                {
                    "agency": f"ag-{i + k}",
                    "name": f"机关{i + k}",
                    "category": "organ",
                    "region": "430600",
                },
            )
            for k in range(n)
        ]
        ledger.append(sign_statements(drafts, "registrar", rec, clock, origin=ORIGIN), clock)
        i += n
    signer = LogSigner(ORIGIN, log_key, Keystore(d / "ks"))
    cp = ledger.checkpoint(signer, clock)
    out = d / "site"
    publish(ledger, out, cp, signed_at=checkpoint_signed_at(ledger, cp.size), entries=True)
    ledger.close()
    yield out


def _run(goverify: Path, site: Path, *idx: int) -> subprocess.CompletedProcess[str]:  # noqa: F811
    return subprocess.run(
        [str(goverify), "tiles", str(site / "log.vkey"), str(site), *map(str, idx)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_go_reads_the_tiles_and_proves_leaves(goverify: Path, site: Path) -> None:  # noqa: F811
    assert (site / "tile/1/000").stat().st_size == 8192  # a full level-1 tile
    assert (site / "tile/2/000.p/1").exists()
    res = _run(goverify, site, 0, 1, 255, 256, 65_535, 65_536, 66_000, SIZE - 1)
    assert res.returncode == 0, res.stderr
    assert f" {SIZE} " in res.stdout and "full_tiles=259" in res.stdout
    assert "proved=8 from_bundles=8" in res.stdout


@pytest.mark.parametrize(
    "tile",
    [
        "tile/0/000",
        "tile/0/137",
        "tile/0/258.p/52",
        "tile/1/000",
        "tile/1/001.p/2",
        "tile/2/000.p/1",
    ],
)
def test_a_flipped_byte_in_any_tile_is_caught(
    goverify: Path,  # noqa: F811
    site: Path,
    tmp_path: Path,
    tile: str,
) -> None:
    bad = tmp_path / "site"
    shutil.copytree(site, bad)
    path = bad / tile
    data = bytearray(path.read_bytes())
    data[len(data) // 2 + 5] ^= 0x01
    path.write_bytes(bytes(data))
    res = _run(goverify, bad)
    assert res.returncode == 1, (res.stdout, res.stderr)
    assert res.stderr.startswith("goverify: ")


def test_a_changed_entry_bundle_is_caught(goverify: Path, site: Path, tmp_path: Path) -> None:  # noqa: F811
    bad = tmp_path / "site"
    shutil.copytree(site, bad)
    path = bad / "tile/entries/005"
    data = bytearray(path.read_bytes())
    data[40] ^= 0x01
    path.write_bytes(bytes(data))
    res = _run(goverify, bad, 5 * 256)
    assert res.returncode == 1 and "entry bundle" in res.stderr
