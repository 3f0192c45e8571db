"""Issue 10 item 7: the wheel installs no generic top-level import name.

The source tree keeps the folders ``ledger/``, ``cli/`` and ``reports/``; the wheel
installs them as ``ledger``, ``ledger_cli`` and ``ledger_reports`` (setup.py), with the
data files the commands need at run time.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    pytest.importorskip(
        "setuptools", minversion="77", reason="the test extra brings setuptools>=77"
    )
    out = tmp_path_factory.mktemp("wheel")
    # Build from a copy: an in-place build would leave build/ and *.egg-info in the checkout.
    src = out / "src"
    shutil.copytree(
        ROOT,
        src,
        ignore=shutil.ignore_patterns(
            ".git",
            "build",
            "dist",
            "*.egg-info",
            "__pycache__",
            ".*_cache",
            ".hypothesis",
            "*.db",
            "*.db-*",
            "demo",
        ),
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        cwd=out,
    )
    (built,) = out.glob("commitment_ledger-*.whl")
    return zipfile.ZipFile(built)


def test_wheel_installs_only_project_named_packages(wheel: zipfile.ZipFile) -> None:
    top = {name.split("/")[0] for name in wheel.namelist()}
    packages = {t for t in top if not t.endswith(".dist-info")}
    assert packages == {"ledger", "ledger_cli", "ledger_reports"}


def test_wheel_carries_every_module_and_the_run_time_data(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    for installed, folder in (
        ("ledger", "ledger"),
        ("ledger_cli", "cli"),
        ("ledger_reports", "reports"),
    ):
        for path in (ROOT / folder).rglob("*.py"):
            assert f"{installed}/{path.relative_to(ROOT / folder).as_posix()}" in names
    for needed in (
        "ledger_cli/locale/zh_CN/LC_MESSAGES/ledger.mo",
        "ledger/data/confusables.txt",
        "ledger/site/static/verify.html",
        "ledger/py.typed",
        "ledger_cli/py.typed",
        "ledger_reports/py.typed",
    ):
        assert needed in names
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "ledger = ledger_cli.main:main" in wheel.read(entry_points).decode()
