"""Run the tests against this checkout's own ``cli/`` and ``reports/`` folders.

Installed, the folders are the packages ``ledger_cli`` and ``ledger_reports``
(setup.py maps them; no generic top-level name is installed).  A test run from a
checkout must exercise that checkout's code, not whatever copy is installed in the
environment (a wheel from ``pip install .``, or an editable install of another
worktree): ``use_source_tree`` imports each package from its folder under its
installed name before any test imports it.  ``ledger`` itself comes from the
checkout through pytest's ``pythonpath``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = {"ledger_cli": "cli", "ledger_reports": "reports"}


def use_source_tree() -> None:
    for name, folder in FOLDERS.items():
        where = ROOT / folder
        loaded = sys.modules.get(name)
        if loaded is not None:
            if [Path(p).resolve() for p in loaded.__path__] != [where]:
                raise RuntimeError(f"{name} was imported from {loaded.__path__}, not {where}")
            continue
        spec = importlib.util.spec_from_file_location(
            name, where / "__init__.py", submodule_search_locations=[str(where)]
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)


if __name__ == "__main__":
    # ``python -m tests.helpers.source ARGS``: the ``ledger`` command of this checkout,
    # for tests that need a real child process.
    use_source_tree()
    from ledger_cli.main import main

    sys.argv[0] = "ledger"
    main()
