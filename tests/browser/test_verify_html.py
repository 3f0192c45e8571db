"""verify.html in a real browser: Debian's chromium, headless, driven by selenium.

The page is loaded from a local HTTP server on 127.0.0.1 (the published site)
and from file:// (a saved copy).  It must accept a good receipt, refuse one
with a byte changed in the entry, a proof hash or the checkpoint signature, or
signed by another log's key, each with its reason, report a receipt whose
checkpoint the site's tiles prove inconsistent with the site's current one
(a fork under the same key), and say "pending" for a checkpoint newer than
the site's.  Skips only when chromium, chromedriver or selenium is absent.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import http.server
import json
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ledger_cli.main import cli

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
PW = "browser test passphrase, long"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        pytest.skip(
            "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)"
        )
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for f in FLAGS:
        opts.add_argument(f)
    d = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=opts)
    d.set_script_timeout(30)
    yield d
    d.quit()


class Built:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.receipts: dict[str, dict[str, Any]] = {}
        self.texts: dict[str, str] = {}


def _cli(root: Path, *args: str, db: str = "ledger.db", ks: str = "keys") -> str:
    with contextlib.chdir(root):
        res = CliRunner().invoke(
            cli,
            list(args),
            env={
                "LEDGER_PASSPHRASE": PW,
                "LEDGER_DB": f"sqlite:///{root / db}",
                "LEDGER_KEYSTORE": str(root / ks),
            },
            catch_exceptions=False,
        )
    assert res.exit_code == 0, (args, res.output)
    return res.stdout


def _agencies(path: Path, start: int, n: int) -> str:
    path.write_text(
        "".join(
            json.dumps(
                {
                    "kind": "agency.registered",
                    "body": {
                        "agency": f"br-{i}",
                        "name": f"浏览器测试机关{i}",
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


def _commitment_seq(root: Path) -> int:
    from ledger.log import Ledger

    ledger = Ledger.open(f"sqlite:///{root / 'ledger.db'}")
    try:
        for seq, leaf, _ in ledger.iter_leaves():
            if b'"commitment.recorded"' in leaf:
                return seq
    finally:
        ledger.close()
    raise AssertionError("no commitment in the demo")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("browser") / "w"
    res = CliRunner().invoke(
        cli, ["demo", str(root), "--commitments", "10"], env={"LEDGER_PASSPHRASE": PW}
    )
    assert res.exit_code == 0, res.output
    b = Built(root)
    _cli(root, "publish", "site", "--entries", "--cosigned", "checkpoint.cosigned")
    seq = _commitment_seq(root)
    _cli(root, "receipt", str(seq), "--format", "tlog-proof", "--out", "good.json")
    good = json.loads((root / "good.json").read_text())
    # The witnesses cosigned this very checkpoint: the enterprise may be handed that note.
    cosigned = (root / "checkpoint.cosigned").read_text()
    assert cosigned.split("\n\n")[0] == good["checkpoint"].split("\n\n")[0]
    good["checkpoint"] = cosigned
    b.receipts["good"] = good
    b.texts["tlog-proof"] = (root / "good.tlog-proof").read_text()
    # The same log under the same key, copied and grown differently: a fork.
    shutil.copy(root / "ledger.db", root / "fork.db")
    shutil.copytree(root / "keys", root / "fork-keys")
    _cli(
        root,
        "append",
        _agencies(root / "f.jsonl", 900, 3),
        "--key",
        "registrar",
        db="fork.db",
        ks="bureau-keys",
    )
    _cli(root, "receipt", str(seq), "--out", "fork.json", db="fork.db", ks="fork-keys")
    b.receipts["fork"] = json.loads((root / "fork.json").read_text())
    # The real log grows and is published again; the old receipt must still verify.
    _cli(root, "append", _agencies(root / "a.jsonl", 0, 10), "--key", "registrar", ks="bureau-keys")
    _cli(root, "publish", "site", "--entries")
    # A receipt signed after the site's checkpoint: pending.
    _cli(
        root, "append", _agencies(root / "b.jsonl", 100, 10), "--key", "registrar", ks="bureau-keys"
    )
    _cli(root, "receipt", str(seq), "--out", "newer.json")
    b.receipts["newer"] = json.loads((root / "newer.json").read_text())
    # Another log (same origin, another key).
    other = root / "other"
    other.mkdir()
    _cli(other, "init", "--origin", "ledger.czj.yueyang.example/commitments")
    _cli(other, "checkpoint")
    _cli(other, "receipt", "0", "--out", "r.json")
    b.receipts["other"] = json.loads((other / "r.json").read_text())
    return b


@pytest.fixture(scope="module")
def site_url(built: Built) -> Iterator[str]:
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(built.root / "site")
    )
    handler.log_message = lambda *a, **k: None  # type: ignore[method-assign]
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/verify.html"
    srv.shutdown()
    srv.server_close()


def _fragment(receipt: dict[str, Any]) -> str:
    raw = json.dumps(receipt).encode("utf-8")
    return "#r=" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _result(driver: Any) -> tuple[str, str, str, float]:
    el = driver.find_element("id", "result")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        status = el.get_attribute("data-status")
        if status in ("ok", "fail", "pending"):
            ms = el.get_attribute("data-ms")
            return status, el.get_attribute("data-reason") or "", el.text, float(ms or "nan")
        time.sleep(0.05)
    raise AssertionError(f"no result: {el.get_attribute('data-status')} {el.text}")


def _check(driver: Any, url: str, receipt: dict[str, Any]) -> tuple[str, str, str, float]:
    driver.get("about:blank")
    driver.get(url + _fragment(receipt))
    return _result(driver)


def _tamper_b64(value: str, pos: int) -> str:
    raw = bytearray(base64.b64decode(value))
    raw[pos] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


Mutator = Callable[[dict[str, Any]], None]


def _entry_digit(r: dict[str, Any]) -> None:
    leaf = base64.b64decode(r["entry"]).decode()
    i = leaf.index('"amount":"') + len('"amount":"')
    digit = leaf[i]
    leaf = leaf[:i] + ("1" if digit != "1" else "2") + leaf[i + 1 :]
    r["entry"] = base64.b64encode(leaf.encode()).decode()


def _proof_hash(r: dict[str, Any]) -> None:
    r["inclusion"][len(r["inclusion"]) // 2] = _tamper_b64(
        r["inclusion"][len(r["inclusion"]) // 2], 7
    )


def _signature(r: dict[str, Any]) -> None:
    note = r["checkpoint"]
    body, sigs = note.split("\n\n", 1)
    first, rest = sigs.split("\n", 1)
    name, b64 = first.rsplit(" ", 1)
    r["checkpoint"] = body + "\n\n" + name + " " + _tamper_b64(b64, 20) + "\n" + rest


@pytest.mark.parametrize("where", ["http", "file"])
def test_a_good_receipt_is_recorded(driver: Any, built: Built, site_url: str, where: str) -> None:
    url = site_url if where == "http" else (built.root / "site" / "verify.html").as_uri()
    status, reason, text, ms = _check(driver, url, built.receipts["good"])
    assert (status, reason) == ("ok", ""), text
    assert "已记录在账本中" in text and "承诺（合同）登记" in text and "金额（元）" in text
    assert "audit-bureau（已核验" in text and "discipline-inspection（已核验" in text
    if where == "http":
        # The receipt is older than the site's checkpoint: consistency proved from tiles.
        assert "已用网站的哈希瓦片证明" in text
    else:
        assert "未核对与网站当前检查点的一致性" in text
    assert ms < 1000, f"verification took {ms} ms"  # bench/bench_publish.py measures it properly


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [(_entry_digit, "not-included"), (_proof_hash, "not-included"), (_signature, "bad-signature")],
)
def test_one_changed_byte_is_refused_with_its_reason(
    driver: Any, built: Built, site_url: str, mutate: Mutator, reason: str
) -> None:
    r = json.loads(json.dumps(built.receipts["good"]))
    mutate(r)
    status, got, text, _ = _check(driver, site_url, r)
    assert (status, got) == ("fail", reason), text
    assert "核验未通过" in text


def test_a_receipt_of_another_log_is_refused(driver: Any, built: Built, site_url: str) -> None:
    status, reason, text, _ = _check(driver, site_url, built.receipts["other"])
    assert (status, reason) == ("fail", "wrong-key"), text
    assert "另一个账本或另一把密钥" in text


def test_a_fork_under_the_same_key_is_reported(driver: Any, built: Built, site_url: str) -> None:
    # Valid on its own (same log key), but the site's tiles prove it is not this history.
    status, reason, text, _ = _check(driver, site_url, built.receipts["fork"])
    assert (status, reason) == ("fail", "inconsistent"), text
    # Offline, the page cannot know: the receipt itself verifies.
    status, _, _, _ = _check(
        driver, (built.root / "site" / "verify.html").as_uri(), built.receipts["fork"]
    )
    assert status == "ok"


def test_a_checkpoint_newer_than_the_site_is_pending(
    driver: Any, built: Built, site_url: str
) -> None:
    status, reason, text, _ = _check(driver, site_url, built.receipts["newer"])
    assert status == "pending" and reason == "", text
    assert "已记录在账本中" in text


def test_a_tlog_proof_pasted_on_the_site_uses_the_entry_bundles(
    driver: Any, built: Built, site_url: str
) -> None:
    driver.get("about:blank")
    driver.get(site_url)
    box = driver.find_element("id", "input")
    driver.execute_script("arguments[0].value = arguments[1];", box, built.texts["tlog-proof"])
    driver.find_element("id", "check").click()
    status, reason, text, _ = _result(driver)
    assert (status, reason) == ("ok", ""), text
    assert "承诺（合同）登记" in text


def test_the_page_makes_no_request_outside_its_site(built: Built) -> None:
    page = (built.root / "site" / "verify.html").read_text(encoding="utf-8")
    assert "http://" not in page.replace("http://127.0.0.1", "") or "https://" not in page
    for needle in ("<link", 'src="', "@import", "url("):
        assert needle not in page
