"""Reading a published site from a folder or over HTTP: bounded, relative, clear errors."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ledger.errors import BadInput, EnvironmentProblem
from ledger.site.source import MAX_FILE, dir_fetcher, http_fetcher, site_fetcher


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    (tmp_path / "tile" / "0").mkdir(parents=True)
    (tmp_path / "checkpoint").write_bytes(b"origin\n1\nAAAA\n")
    (tmp_path / "tile" / "0" / "000.p").mkdir()
    (tmp_path / "tile" / "0" / "000.p" / "1").write_bytes(b"x" * 32)
    (tmp_path / "big").write_bytes(b"0" * (MAX_FILE + 10))
    srv = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(tmp_path))
    )
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def test_http_reads_and_refuses(served: str) -> None:
    fetch = site_fetcher(served)  # no trailing slash: paths still resolve under it
    assert fetch("checkpoint").startswith(b"origin\n")
    assert fetch("tile/0/000.p/1") == b"x" * 32
    with pytest.raises(EnvironmentProblem, match="HTTP 404"):
        fetch("tile/0/001")
    with pytest.raises(EnvironmentProblem, match="larger than"):
        fetch("big")
    for bad in ("../etc/passwd", "/checkpoint", "tile//0", "tile/./0"):
        with pytest.raises(BadInput):
            fetch(bad)


def test_an_unreachable_site_is_an_environment_problem() -> None:
    with pytest.raises(EnvironmentProblem, match="cannot fetch"):
        http_fetcher("http://127.0.0.1:9/")("checkpoint")


def test_folder_reads_and_refuses(tmp_path: Path) -> None:
    (tmp_path / "checkpoint").write_bytes(b"cp")
    (tmp_path / "tile").mkdir()
    fetch = dir_fetcher(tmp_path)
    assert fetch("checkpoint") == b"cp"
    with pytest.raises(EnvironmentProblem, match="has no tile/0/000"):
        fetch("tile/0/000")
    with pytest.raises(EnvironmentProblem, match="tile"):
        fetch("tile")
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(EnvironmentProblem, match="not a regular file"):
        fetch("fifo")
    with pytest.raises(BadInput):
        fetch("../x")
    with pytest.raises(BadInput, match="no such folder"):
        dir_fetcher(tmp_path / "missing")
    with pytest.raises(BadInput, match="only http"):
        site_fetcher("ftp://example.org/site")
