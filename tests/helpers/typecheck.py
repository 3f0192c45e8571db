"""``mypy --strict`` over everything the wheel ships: ``ledger``, ``ledger_cli``, ``ledger_reports``.

mypy cannot follow setuptools' editable-install import hook, and two of the
packages live in folders named otherwise (``cli/`` is ``ledger_cli``, ``reports/``
is ``ledger_reports``; setup.py maps them).  So :func:`run_mypy` lays one symlink
per package, under its installed name, in a scratch folder and runs mypy there:
the current folder comes first on mypy's search path, so it checks this
checkout's files, never an installed copy.  The options are the checkout's own
``[tool.mypy]`` (pyproject.toml).

The cache is the checkout's ``.mypy_cache``: mypy keys it by module name and file
contents, not by the path of the scratch folder, so a second run rechecks only
what changed.

``python -m tests.helpers.typecheck`` prints mypy's report and exits with its
status; ``tests/unit/test_typecheck.py`` runs the same check in the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.helpers.source import FOLDERS, ROOT

PACKAGES = {"ledger": "ledger", **FOLDERS}
"""Installed package name -> folder in the checkout."""


def run_mypy(
    scratch: Path, cache_dir: Path = ROOT / ".mypy_cache"
) -> subprocess.CompletedProcess[str]:
    """Run mypy on this checkout's packages from ``scratch`` (an empty folder)."""
    for name, folder in PACKAGES.items():
        (scratch / name).symlink_to(ROOT / folder, target_is_directory=True)
    command = [
        sys.executable,
        "-m",
        "mypy",
        "--strict",
        "--config-file",
        str(ROOT / "pyproject.toml"),
        "--cache-dir",
        str(cache_dir),
    ]
    for name in PACKAGES:
        command += ["-p", name]
    env = {k: v for k, v in os.environ.items() if k != "MYPYPATH"}
    return subprocess.run(
        command, cwd=scratch, env=env, capture_output=True, text=True, check=False
    )


def python_files() -> int:
    """How many modules the check must cover (mypy's "N source files" is at least this)."""
    return sum(
        1
        for folder in PACKAGES.values()
        for path in (ROOT / folder).rglob("*.py")
        if "__pycache__" not in path.parts
    )


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="ledger-mypy-") as tmp:
        done = run_mypy(Path(tmp))
    sys.stdout.write(done.stdout)
    sys.stderr.write(done.stderr)
    sys.exit(done.returncode)
