"""The published site from the CLI: publish, witnesses reading it, receipts, no secrets.

A small demo ledger (real commitments, keys in its own keystore) is built once;
each test works on a copy.  Witnesses run with a database URL that points
nowhere, and the test checks that nothing was created there: they read only
the published site.
"""

from __future__ import annotations

import base64
import functools
import http.server
import json
import shutil
import threading
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from ledger_cli.main import cli

from ledger.audit.export import DISCLOSURE_COLUMNS
from ledger.keys import Keystore
from ledger.note import Checkpoint, parse_note

DEMO_PW = "demo passphrase for the site tests"
WITNESS_PW = "the audit bureau's own passphrase"
ORIGIN = "ledger.czj.yueyang.example/commitments"

Run = Callable[..., Result]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("sitedemo") / "demo"
    res = CliRunner().invoke(
        cli, ["demo", str(d), "--commitments", "10"], env={"LEDGER_PASSPHRASE": DEMO_PW}
    )
    assert res.exit_code == 0, res.output
    return d


@pytest.fixture
def world(demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    w = tmp_path / "w"
    shutil.copytree(demo, w)
    monkeypatch.chdir(w)
    return w


@pytest.fixture
def run(world: Path) -> Run:
    runner = CliRunner()

    def invoke(
        *args: str, code: int = 0, witness: bool = False, db: str = "ledger.db", ks: str = "keys"
    ) -> Result:
        env = {
            "LEDGER_PASSPHRASE": WITNESS_PW if witness else DEMO_PW,
            "LEDGER_KEYSTORE": str(world / ("witness-keys" if witness else ks)),
            "LEDGER_DB": f"sqlite:///{world / ('nowhere/none.db' if witness else db)}",
        }
        res = runner.invoke(cli, list(args), env=env, catch_exceptions=False)
        assert res.exit_code == code, (args, res.stdout, res.stderr)
        return res

    return invoke


def _agencies(path: Path, start: int, n: int) -> str:
    path.write_text(
        "".join(
            json.dumps(
                {
                    "kind": "agency.registered",
                    "body": {
                        "agency": f"site-test-{i}",
                        "name": f"测试机关{i}",
                        "category": "organ",
                        "region": "430600",
                    },
                },
                ensure_ascii=False,
            )
            + "\n"
            for i in range(start, start + n)
        ),
        encoding="utf-8",
    )
    return str(path)


@pytest.fixture
def serve() -> Iterator[Callable[[Path], str]]:
    servers = []

    def start(root: Path) -> str:
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
        handler.log_message = lambda *a, **k: None  # type: ignore[method-assign]
        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        servers.append(srv)
        return f"http://127.0.0.1:{srv.server_address[1]}/"

    yield start
    for s in servers:
        s.shutdown()
        s.server_close()


def test_publish_writes_the_site_of_formats_section_9(run: Run, world: Path) -> None:
    # A cosigned note for another checkpoint is bad input: nothing is written.
    res = run("publish", "site2", "--cosigned", "checkpoint-registry", code=2)
    assert "is for the checkpoint of size" in res.stderr and not (world / "site2").exists()
    res = run("publish", "site", "--entries", "--cosigned", "checkpoint.cosigned")
    site = world / "site"
    note = (site / "checkpoint").read_text(encoding="utf-8")
    cp = Checkpoint.parse(parse_note(note).text)
    assert cp.origin == ORIGIN
    names = [s.name for s in parse_note(note).signatures]
    assert names == [ORIGIN, "audit-bureau", "discipline-inspection"]
    assert "cosigned by: audit-bureau, discipline-inspection" in res.stdout
    assert (site / "log.vkey").read_text() == (world / "log.vkey").read_text()
    wv = (site / "witnesses.vkey").read_text().splitlines()
    assert (world / "audit-bureau.vkey").read_text().strip() in wv and len(wv) == 2
    assert (site / f"tile/0/000.p/{cp.size}").stat().st_size == 32 * cp.size
    assert (site / f"tile/entries/000.p/{cp.size}").exists()
    index = (site / "index.html").read_text(encoding="utf-8")
    assert ORIGIN in index and str(cp.size) in index and "verify.html" in index
    assert base64.b64encode(cp.root).decode() in index and "audit-bureau" in index
    years = sorted(int(p.name) for p in (site / "disclosure").iterdir())
    assert years and years[-1] == 2025  # the last year ended before the checkpoint (2026)
    assert years == list(range(years[0], 2026))
    for y in years:
        assert f"disclosure/{y}/index.html" in index
        d = json.loads((site / f"disclosure/{y}/disclosure.json").read_text(encoding="utf-8"))
        assert d["year"] == y and d["checkpoint"]["size"] == cp.size
        assert d["checkpoint"]["root"] == base64.b64encode(cp.root).decode()
        raw = (site / f"disclosure/{y}/disclosure.csv").read_bytes()
        header = ",".join(DISCLOSURE_COLUMNS) + "\n"
        assert raw.startswith(b"\xef\xbb\xbf" + header.encode())
        rows = raw.decode("utf-8-sig").splitlines()[1:]
        assert len(rows) == len(d["agencies"]) + len(d.get("annual_report", []))
        page = (site / f"disclosure/{y}/index.html").read_text(encoding="utf-8")
        assert f"规模 {cp.size}" in page and f"{y} 年度" in page
    # The same audit as the CLI's for a year that ended.
    audit = json.loads(run("audit", "disclosure", "--year", "2025", "--format", "json").stdout)
    pub = json.loads((site / "disclosure/2025/disclosure.json").read_text(encoding="utf-8"))
    assert pub["agencies"] == audit["agencies"] and pub["totals"] == audit["totals"]
    page = (site / "verify.html").read_text(encoding="utf-8")
    assert (world / "log.vkey").read_text().strip() in page
    for bad in ('src="http', 'href="http', "@import", "<link", "src='http"):
        assert bad not in page


def test_publish_again_writes_only_new_tiles(run: Run, world: Path) -> None:
    run("publish", "site")
    before = {p: p.read_bytes() for p in (world / "site/tile").rglob("*") if p.is_file()}
    run("append", _agencies(world / "more.jsonl", 0, 400), "--key", "registrar", ks="bureau-keys")
    res = run("publish", "site", "--quiet")
    after = {p: p.read_bytes() for p in (world / "site/tile").rglob("*") if p.is_file()}
    for p in before:
        assert p not in after or ".p/" not in str(p)  # the old partial is replaced
    full = [p for p in after if ".p/" not in str(p)]
    assert full and "替换部分瓦片 1 个" in res.stdout
    # The disclosures state the checkpoint they come from: recomputed after growth,
    # left alone when the same checkpoint is published again (cosignatures merged).
    d = world / "site/disclosure/2025/disclosure.json"
    size = json.loads(d.read_text(encoding="utf-8"))["checkpoint"]["size"]
    assert f"size {size}" in res.stdout
    mtime = d.stat().st_mtime_ns
    run("publish", "site", "--quiet")
    assert d.stat().st_mtime_ns == mtime


def test_a_site_of_another_log_is_not_overwritten(run: Run, world: Path, demo: Path) -> None:
    run("publish", "site")
    run("append", _agencies(world / "more.jsonl", 0, 5), "--key", "registrar", ks="bureau-keys")
    run("publish", "site")
    # The original demo database is an older state of this log: publishing it is a rollback.
    shutil.copy(demo / "ledger.db", world / "old.db")
    res = run("publish", "site", db="old.db", code=1)
    assert "rollback" in res.stderr


def test_witnesses_cosign_from_a_folder_and_over_http(
    run: Run, world: Path, serve: Callable[[Path], str]
) -> None:
    vkey = run("keys", "generate", "shenji-ju", "--role", "witness", witness=True).stdout
    (world / "shenji.vkey").write_text(vkey)
    run("keys", "register", "shenji-ju", "--vkey", "shenji.vkey", "--role", "witness")
    run("publish", "site")
    old_site = world / "site-old"
    shutil.copytree(world / "site", old_site)
    # The same log and log key, to be forked below (an operator with two copies).
    shutil.copy(world / "ledger.db", world / "fork.db")
    shutil.copytree(world / "keys", world / "fork-keys")
    # First time: the log key must be given, and is pinned.
    res = run("cosign", "--from", "site", "--key", "shenji-ju", code=2, witness=True)
    assert "--vkey" in res.stderr
    res = run(
        "cosign",
        "--from",
        "site",
        "--key",
        "shenji-ju",
        "--vkey",
        "log.vkey",
        "--out",
        "c1.cosigned",
        witness=True,
    )
    assert "first checkpoint" in res.stderr
    # The log grows; the witness proves consistency from the tiles, over HTTP.
    run("append", _agencies(world / "more.jsonl", 0, 300), "--key", "registrar", ks="bureau-keys")
    run("publish", "site")
    url = serve(world / "site")
    res = run("cosign", "--from", url, "--key", "shenji-ju", "--out", "c2.cosigned", witness=True)
    assert "after size" in res.stderr
    res = run("publish", "site", "--cosigned", "c2.cosigned")
    assert "shenji-ju" in res.stdout
    assert "— shenji-ju " in (world / "site/checkpoint").read_text()
    # A cosignature for another checkpoint is refused.
    run("publish", "site", "--cosigned", "c1.cosigned", code=2)
    # Rollback: a site serving the older checkpoint.
    res = run("cosign", "--from", serve(old_site), "--key", "shenji-ju", code=1, witness=True)
    assert "rollback" in res.stderr
    # Fork: the same log (same key) grown differently from the earlier state.
    run(
        "append",
        _agencies(world / "fork.jsonl", 5000, 400),
        "--key",
        "registrar",
        db="fork.db",
        ks="bureau-keys",
    )
    run("publish", "site-fork", db="fork.db", ks="fork-keys")
    res = run("cosign", "--from", "site-fork", "--key", "shenji-ju", code=1, witness=True)
    assert "not consistent" in res.stderr or "split view" in res.stderr
    assert not (world / "nowhere").exists()  # no witness ever opened a database


def test_receipts_for_a_commitment_and_an_enterprise(run: Run, world: Path) -> None:
    from ledger.domain.tables import list_commitments
    from ledger.log import Ledger

    ledger = Ledger.open(f"sqlite:///{world / 'ledger.db'}")
    with ledger.engine.connect() as conn:
        rows = list_commitments(conn)
    ledger.close()
    c = rows[0]
    run("receipt", "--commitment", c.commitment, "-o", "rc")
    files = sorted((world / "rc").iterdir())
    assert files
    for f in files:
        out = run("verify-receipt", str(f), "--vkey", "log.vkey").stdout
        assert c.commitment in out
    run("receipt", "--enterprise", c.enterprise, "-o", "re")
    mine = [r.commitment for r in rows if r.enterprise == c.enterprise]
    got = {json.loads(f.read_text())["index"] for f in (world / "re").iterdir()}
    assert {json.loads(f.read_text())["index"] for f in files} <= got
    for f in (world / "re").iterdir():
        assert any(f.name.startswith(m) for m in mine)
    run("receipt", "--commitment", "no-such-commitment", code=2)
    run("receipt", "--enterprise", "91430600MA00000000", code=2)
    run("receipt", "3", "--commitment", c.commitment, code=2)


def test_no_private_key_or_passphrase_is_published(run: Run, world: Path) -> None:
    run("publish", "site", "--entries", "--cosigned", "checkpoint.cosigned")
    run("export", "b2.zip", "--zip")
    secrets = [DEMO_PW.encode()]
    stores = [p for p in world.iterdir() if p.is_dir() and p.name.endswith("keys")]
    assert {p.name for p in stores} >= {"keys", "bureau-keys", "audit-bureau-keys"}
    for store in stores:
        ks = Keystore(store)
        for name in ks.names():
            raw = ks.load(name, DEMO_PW.encode()).private_bytes_raw()
            secrets += [raw, raw.hex().encode(), base64.b64encode(raw), base64.b64encode(raw)[:40]]
    blobs: dict[str, bytes] = {"ledger.db": (world / "ledger.db").read_bytes()}
    for p in (world / "site").rglob("*"):
        if p.is_file():
            blobs[str(p)] = p.read_bytes()
    for z in ("bundle.zip", "b2.zip"):
        with zipfile.ZipFile(world / z) as zf:
            for m in zf.namelist():
                blobs[f"{z}:{m}"] = zf.read(m)
    from pypdf import PdfReader

    for pdf in world.glob("*.pdf"):
        blobs[str(pdf)] = pdf.read_bytes()
        text = "".join(page.extract_text() or "" for page in PdfReader(pdf).pages)
        blobs[f"{pdf}:text"] = text.encode("utf-8")
    assert len(blobs) > 20
    for where, data in blobs.items():
        for s in secrets:
            assert s not in data, f"a secret appears in {where}"
