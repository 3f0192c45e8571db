"""Commands are loaded when first used: ``ledger append`` does not pay for the
audits, the PDF reports, the spreadsheet import or the site publisher."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import click
import pytest
from ledger_cli.main import COMMAND_MODULES, COMMANDS, cli

from tests.helpers.source import ROOT

HEAVY = (
    "reportlab",
    "openpyxl",
    "ledger_reports.",
    "ledger.audit",
    "ledger.importer",
    "ledger.site",
)


@pytest.mark.parametrize("module", COMMAND_MODULES)
def test_the_table_names_what_each_module_registers(module: str) -> None:
    group = click.Group()
    importlib.import_module(f"ledger_cli.{module}").register(group)
    assert set(group.commands) == {n for n, m in COMMANDS.items() if m == module}


def test_every_command_is_listed_and_found() -> None:
    ctx = click.Context(cli)
    assert cli.list_commands(ctx) == sorted(COMMANDS)
    for name in COMMANDS:
        cmd = cli.get_command(ctx, name)
        assert cmd is not None and cmd.name == name
    assert cli.get_command(ctx, "no-such-command") is None


def _modules_after(args: list[str]) -> list[str]:
    """The modules a fresh ``ledger ARGS`` process has imported when it exits."""
    code = (
        "import json, sys\n"
        "from tests.helpers.source import use_source_tree\n"
        "use_source_tree()\n"
        "from ledger_cli.main import cli\n"
        "try:\n"
        f"    cli({args!r}, prog_name='ledger')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_append_loads_only_the_log() -> None:
    loaded = _modules_after(["append", "--help"])
    assert "ledger_cli.log_cmd" in loaded
    heavy = [m for m in loaded if m.startswith(HEAVY)]
    assert heavy == []
    assert not [
        m
        for m in loaded
        if m.startswith("ledger_cli.") and m.endswith("_cmd") and m != "ledger_cli.log_cmd"
    ]


def test_report_loads_the_reports() -> None:
    loaded = _modules_after(["report", "--help"])
    assert "ledger_cli.report_cmd" in loaded
    assert "ledger_cli.log_cmd" not in loaded


def test_a_config_table_loads_only_its_command(tmp_path: pytest.TempPathFactory) -> None:
    from ledger_cli.main import config_defaults

    group = type(cli)(name="probe", commands={})
    out = config_defaults(group, {"verify": {"jobs": 2}}, "config.toml")
    assert out == {"verify": {"jobs": 2}}
    assert set(group.commands) == {n for n, m in COMMANDS.items() if m == "log_cmd"}
