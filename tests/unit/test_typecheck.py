"""Issue 10 item 7: ``mypy --strict`` passes over everything shipped.

The three installed packages (``ledger``, ``ledger_cli`` from ``cli/``,
``ledger_reports`` from ``reports/``) are checked from this checkout with the
options of pyproject's ``[tool.mypy]``; see tests/helpers/typecheck.py for how.
mypy and the reportlab and openpyxl stubs are in the test extra, so this never
skips.  Outside the suite: ``python -m tests.helpers.typecheck``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers.typecheck import python_files, run_mypy


def test_mypy_strict_passes_over_every_shipped_package(tmp_path: Path) -> None:
    done = run_mypy(tmp_path)
    report = done.stdout + done.stderr
    if done.returncode != 0:
        pytest.fail(report, pytrace=False)
    checked = re.search(r"Success: no issues found in (\d+) source files", done.stdout)
    assert checked is not None, report
    # every module of the three folders was found and checked
    assert int(checked.group(1)) >= python_files(), report
