"""Package list for setuptools (the metadata is in pyproject.toml).

The source tree keeps the layout of the developers' guide: ``ledger/`` (the core),
``cli/`` (the click layer) and ``reports/`` (the PDFs).  Installed, ``cli/`` and
``reports/`` become ``ledger_cli`` and ``ledger_reports``: a wheel that installed
top-level packages named ``cli`` and ``reports`` would collide with any other
distribution using those generic names.  Every package is found by pattern (a
package listed by hand was once left out of the wheel), data folders included
(``ledger/data``, ``ledger/site/static``, the message catalogs): setuptools warns of
a folder Python can import that is not in the list.
"""

from setuptools import find_namespace_packages, setup

FOLDERS = {"ledger_cli": "cli", "ledger_reports": "reports"}


def _packages() -> list[str]:
    found = find_namespace_packages(include=["ledger", "ledger.*"])
    for name, folder in FOLDERS.items():
        found += [
            name + p[len(folder) :]
            for p in find_namespace_packages(include=[folder, folder + ".*"])
        ]
    return found


setup(packages=_packages(), package_dir=dict(FOLDERS))
