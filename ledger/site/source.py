"""Reading a published site: from a folder or over plain HTTP GET.

A witness (``ledger cosign --from``) and the tile checks read the site through
a :data:`ledger.site.tiles.Fetcher`.  Nothing read is trusted: the checkpoint
is checked against a pinned key and tiles only ever feed proofs that are
verified against signed roots.  Reads are bounded (a hostile site cannot
make the reader hold more than the largest legitimate file).
"""

from __future__ import annotations

import os
import stat
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path

from ledger.errors import BadInput, EnvironmentProblem
from ledger.site.tiles import Fetcher, TileHashes

MAX_FILE = 1 << 20  # a checkpoint with 100 signatures or a tile is far smaller
TIMEOUT = 30.0


def _check_rel(path: str) -> str:
    parts = path.split("/")
    if path.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise BadInput(f"站点路径 {path!r} 不是相对路径（not a plain relative path）")
    return path


def dir_fetcher(root: str | os.PathLike[str]) -> Fetcher:
    """Read site paths from a folder (regular files only, at most 1 MiB each)."""
    base = Path(root)
    if not base.is_dir():
        raise BadInput(
            f"{base}：目录不存在（no such folder: give the published site's folder or URL）"
        )

    def fetch(path: str) -> bytes:
        full = base / _check_rel(path)
        try:
            # O_NONBLOCK: a FIFO planted in the folder must not hang the reader.
            fd = os.open(full, os.O_RDONLY | os.O_NONBLOCK)
            with os.fdopen(fd, "rb") as fh:
                if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                    raise EnvironmentProblem(f"{full}：不是普通文件（not a regular file）")
                data = fh.read(MAX_FILE + 1)
        except FileNotFoundError as exc:
            raise EnvironmentProblem(f"站点缺少文件 {full}（the site has no {path}）") from exc
        except OSError as exc:
            raise EnvironmentProblem(f"{full}：无法读取（cannot read: {exc.strerror}）") from exc
        if len(data) > MAX_FILE:
            raise EnvironmentProblem(f"{full}：文件过大（larger than {MAX_FILE} bytes）")
        return data

    return fetch


def http_fetcher(url: str) -> Fetcher:
    """Read site paths with plain HTTP(S) GET under ``url`` (urllib; no cookies, no auth)."""
    base = url if url.endswith("/") else url + "/"

    def fetch(path: str) -> bytes:
        target = urllib.parse.urljoin(base, _check_rel(path))
        req = urllib.request.Request(target, headers={"User-Agent": "commitment-ledger-witness"})
        try:
            with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
                data: bytes = resp.read(MAX_FILE + 1)
        except urllib.error.HTTPError as exc:
            raise EnvironmentProblem(
                f"站点返回 HTTP {exc.code}：{target}（the site answered HTTP {exc.code} for {target}）"
            ) from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise EnvironmentProblem(
                f"无法连接站点 {target}（cannot fetch {target}: {reason}）"
            ) from exc
        if len(data) > MAX_FILE:
            raise EnvironmentProblem(f"{target}：文件过大（larger than {MAX_FILE} bytes）")
        return data

    return fetch


def site_fetcher(where: str) -> Fetcher:
    """``http://`` or ``https://`` URL, else a folder."""
    scheme = urllib.parse.urlsplit(where).scheme.lower()
    if scheme in ("http", "https"):
        return http_fetcher(where)
    if scheme and len(scheme) > 1:
        raise BadInput(
            f"{where}：只能读取 http://、https:// 或本地目录（only http://, https:// or a folder）"
        )
    return dir_fetcher(where)


__all__ = ["dir_fetcher", "http_fetcher", "site_fetcher"]


def published_checkpoint(fetch: Fetcher, where: str) -> str:
    """The checkpoint note a site publishes (``where`` names the site in errors)."""
    try:
        return fetch("checkpoint").decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(
            f"{where}：发布的检查点不是 UTF-8 文本（the published checkpoint is not UTF-8）"
        ) from exc


def tile_prover(fetch: Fetcher) -> Callable[[int, int], Sequence[bytes] | None]:
    """Consistency proofs computed from a site's tiles (a witness's prover, verified by it)."""

    def prove(old_size: int, new_size: int) -> Sequence[bytes] | None:
        return TileHashes(new_size, fetch).consistency_proof(old_size)

    return prove
