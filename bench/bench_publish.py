"""Published site: publish, re-publish and the in-browser receipt check.

Usage: python bench/bench_publish.py [--n 100000] [--more 10000] [--db sqlite:////tmp/bench-100k.db]

1. ``publish`` of the log at --db (built by build_log.py) into a new folder:
   wall time and peak memory (getrusage maxrss of a child process), against a
   bare loop in another child that reads the same stored hashes (entries'
   leaf hashes, tree_nodes of levels 8, 16, ...) straight from SQLite and
   writes the same tile bytes, with no checks (target: publish at >= 0.5x of
   the bare rate);
2. ``--more`` entries appended, then ``publish`` again into the same folder:
   only the new tiles are written, so the time follows the new entries;
3. ``verify.html`` in headless chromium (when installed): the page's own
   measure of one receipt check, served from a local HTTP server (with the
   consistency proof from tiles) and from file://, median of 5.
"""

from __future__ import annotations

import argparse
import base64
import functools
import http.server
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import _common as c


def build(db: str, n: int) -> None:
    """Build or extend the log in a child process (this one stays small: its children's
    peak memory, measured below, starts from this process's size)."""
    here = Path(__file__).resolve().parent
    subprocess.run(
        [sys.executable, str(here / "build_log.py"), "--n", str(n), "--db", db],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _publish(db: str, out: str) -> dict[str, float]:
    from ledger.log import LogSigner
    from ledger.site.publish import checkpoint_signed_at, publish

    world = c.open_world(db, c.key_file(c.sqlite_path(db)))
    ledger = world.ledger
    cp = ledger.checkpoint(LogSigner(ledger.origin, world.log_key, None), world.clock)
    t0 = time.perf_counter()
    res = publish(ledger, out, cp, signed_at=checkpoint_signed_at(ledger, cp.size))
    dt = time.perf_counter() - t0
    ledger.close()
    return {"seconds": dt, "tiles": res.tiles_written, "size": res.size}


def _bare(db: str, out: str) -> dict[str, float]:
    from ledger.site.tiles import TILE_WIDTH, tile_path

    conn = sqlite3.connect(c.sqlite_path(db))
    size = conn.execute("SELECT MAX(seq) + 1 FROM entries").fetchone()[0]
    t0 = time.perf_counter()
    tiles = 0
    level = 0
    while size >> (8 * level):
        if level == 0:
            cur = conn.execute("SELECT leaf_hash FROM entries ORDER BY seq")
        else:
            cur = conn.execute(
                "SELECT hash FROM tree_nodes WHERE level = ? ORDER BY idx", (8 * level,)
            )
        count = size >> (8 * level)
        n = 0
        while n * TILE_WIDTH < count:
            rows = cur.fetchmany(TILE_WIDTH)
            width = min(TILE_WIDTH, count - n * TILE_WIDTH)
            path = Path(out) / tile_path(level, n, width)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"".join(r[0] for r in rows[:width]))
            tiles += 1
            n += 1
        level += 1
    dt = time.perf_counter() - t0
    conn.close()
    return {"seconds": dt, "tiles": tiles, "size": size}


def _child(mode: str, db: str, out: str) -> dict[str, float]:
    """Run one measurement in a fresh process: its own peak memory."""
    proc = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--db", db, "--out", out],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _receipt(db: str) -> dict[str, object]:
    """A receipt for the middle entry, against the latest checkpoint."""
    world = c.open_world(db, c.key_file(c.sqlite_path(db)))
    ledger = world.ledger
    old = ledger.latest_checkpoint()
    assert old is not None
    rec = ledger.receipt(old.size // 2, None, world.clock)
    ledger.close()
    return rec


def _wait(d: Any) -> float:
    el = d.find_element("id", "result")
    for _ in range(400):
        if el.get_attribute("data-status") in ("ok", "fail", "pending"):
            break
        time.sleep(0.025)
    if el.get_attribute("data-status") != "ok":
        raise SystemExit(f"verify.html did not accept the receipt: {el.text}")
    return float(el.get_attribute("data-ms") or "nan")


def _browser(rec: dict[str, object], site: Path) -> tuple[float, float, float, float] | None:
    chromium, driver_bin = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        return None
    if not chromium.exists() or not driver_bin.exists():
        return None
    frag = "#r=" + base64.urlsafe_b64encode(json.dumps(rec).encode()).rstrip(b"=").decode()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(site))
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    opts = webdriver.ChromeOptions()
    opts.binary_location = str(chromium)
    for f in [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ]:
        opts.add_argument(f)
    d = webdriver.Chrome(service=Service(str(driver_bin)), options=opts)
    out = []
    try:
        for base in (
            f"http://127.0.0.1:{srv.server_address[1]}/verify.html",
            (site / "verify.html").as_uri(),
        ):
            loads, again = [], []
            for _ in range(5):
                d.get("about:blank")
                d.get(base + frag)
                loads.append(_wait(d))
                # the same receipt checked again on the loaded page (a second paste)
                d.execute_script(
                    "document.getElementById('result').setAttribute('data-status', 'working');"
                    "window.ledgerVerify(document.getElementById('input').value);"
                )
                again.append(_wait(d))
            out += [statistics.median(loads), statistics.median(again)]
    finally:
        d.quit()
        srv.shutdown()
    return out[0], out[1], out[2], out[3]


def main() -> None:
    """Publish, bare baseline, re-publish, browser check; print figures and ratios."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="log size wanted (default 100000)")
    ap.add_argument("--more", type=int, default=10_000, help="entries added before re-publishing")
    ap.add_argument("--db", default="sqlite:////tmp/bench-100k.db", help="SQLite URL")
    ap.add_argument("--child", choices=["publish", "bare"], help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        res = _publish(args.db, args.out) if args.child == "publish" else _bare(args.db, args.out)
        res["rss_mib"] = c.maxrss_mib()[0]
        print(json.dumps(res))
        return

    build(args.db, args.n)
    tmp = Path(tempfile.mkdtemp(prefix="bench-publish-"))
    try:
        # Alternate, twice each, into fresh folders; keep each one's best run (the box is shared).
        runs: dict[str, list[dict[str, float]]] = {"publish": [], "bare": []}
        for k in range(2):
            for mode in ("bare", "publish"):
                runs[mode].append(_child(mode, args.db, str(tmp / f"{mode}{k}")))
        pub = min(runs["publish"], key=lambda r: r["seconds"])
        bare = min(runs["bare"], key=lambda r: r["seconds"])
        shutil.move(str(tmp / "publish1"), str(tmp / "site"))
        shutil.move(str(tmp / "bare1"), str(tmp / "bare"))
        same = all(
            (tmp / "site" / p.relative_to(tmp / "bare")).read_bytes() == p.read_bytes()
            for p in (tmp / "bare").rglob("*")
            if p.is_file()
        )
        n = int(pub["size"])
        print(
            f"publish {n:,} entries: {pub['seconds']:.2f} s, {pub['tiles']:.0f} tiles, "
            f"peak {pub['rss_mib']:.0f} MiB"
        )
        print(
            f"bare read+write loop:   {bare['seconds']:.2f} s, {bare['tiles']:.0f} tiles, "
            f"peak {bare['rss_mib']:.0f} MiB  (same bytes: {same})"
        )
        print(
            f"publish rate / bare rate = {bare['seconds'] / pub['seconds']:.2f}x (target >= 0.5x)"
        )
        rec = _receipt(args.db)  # of the first publish's checkpoint: older than the site's next
        build(args.db, n + args.more)
        again = _child("publish", args.db, str(tmp / "site"))
        print(
            f"re-publish after {args.more:,} more entries: {again['seconds']:.2f} s, "
            f"{again['tiles']:.0f} tiles written "
            f"({again['seconds'] / pub['seconds']:.1%} of the first publish)"
        )
        browser = _browser(rec, tmp / "site")
        if browser is None:
            print("verify.html: chromium/selenium not installed, skipped")
        else:
            print(
                f"verify.html receipt check, median of 5 (target < 100 ms): served "
                f"{browser[0]:.1f} ms on page load, {browser[1]:.1f} ms checked again on the "
                f"loaded page (checkpoint {n:,} proved consistent with the site's "
                f"{n + args.more:,} from tiles); file:// {browser[2]:.1f} / {browser[3]:.1f} ms"
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        os.environ.pop("_", None)


if __name__ == "__main__":
    main()
