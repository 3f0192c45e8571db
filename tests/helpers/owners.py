"""CLI tests where each party keeps its own keystore (FORMATS/CLI: keys owned by
their owners): the operator, a bureau and a witness, and a file of statements."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner, Result
from ledger_cli.main import cli

OPERATOR_PW = "operator passphrase, long enough"
BUREAU_PW = "bureau passphrase, also long"
WITNESS_PW = "witness passphrase, long too"
PASSPHRASES = {"operator": OPERATOR_PW, "bureau": BUREAU_PW, "witness": WITNESS_PW}

Run = Callable[..., Result]


def owners_runner(tmp_path: Path) -> Run:
    """``run(*args, code=0, who="operator", **env)``: the CLI as one party, with its
    own keystore and passphrase; only the operator has the database."""
    runner = CliRunner()

    def invoke(*args: str, code: int = 0, who: str = "operator", **extra: str) -> Result:
        env = {
            "LEDGER_PASSPHRASE": PASSPHRASES[who],
            "LEDGER_KEYSTORE": str(tmp_path / f"{who}-keys"),
            # Only the operator has the database; the others get a path that does not exist.
            "LEDGER_DB": f"sqlite:///{tmp_path / 'ledger.db'}"
            if who == "operator"
            else f"sqlite:///{tmp_path / 'nowhere' / 'none.db'}",
        }
        res = runner.invoke(cli, list(args), env={**env, **extra}, catch_exceptions=False)
        assert res.exit_code == code, (args, res.stdout, res.stderr)
        return res

    return invoke


def agency_statements(path: Path, ids: range) -> Path:
    """Write one ``agency.registered`` statement per id (``ag-<i>``) to ``path``."""
    path.write_text(
        "".join(
            json.dumps(
                {
                    "kind": "agency.registered",
                    "body": {
                        "agency": f"ag-{i}",
                        "name": f"机关{i}",
                        "category": "organ",
                        "region": "430600",
                    },
                },
                ensure_ascii=False,
            )
            + "\n"
            for i in ids
        ),
        encoding="utf-8",
    )
    return path
