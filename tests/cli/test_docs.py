"""README stays in sync with the command line; config files feed option defaults."""

from __future__ import annotations

import re
from pathlib import Path

import click
from click.testing import CliRunner
from ledger_cli.main import cli

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _children(group: click.Group) -> list[tuple[str, click.Command]]:
    """A group's commands as click lists them (the root group loads its commands lazily:
    its ``commands`` dict alone may still be empty)."""
    ctx = click.Context(group)
    out = []
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        assert cmd is not None, name
        out.append((name, cmd))
    return out


def test_the_walks_see_every_command() -> None:
    names = {name for name, _ in _children(cli)}
    assert {"append", "verify", "audit", "report", "keys", "demo"} <= names


def test_every_command_is_in_the_readme() -> None:
    missing = []
    for name, cmd in _children(cli):
        lines = [line for line in README.splitlines() if f"ledger {name}" in line]
        if not lines:
            missing.append(name)
        if isinstance(cmd, click.Group):
            text = "\n".join(lines)
            missing += [
                f"{name} {sub}"
                for sub, _ in _children(cmd)
                if not re.search(rf"(?<![\w-]){re.escape(sub)}(?![\w-])", text)
            ]
    assert not missing, f"commands missing from README.md: {missing}"


def test_readme_commands_for_a_fresh_machine() -> None:
    assert "pip install . && ledger demo ./demo" in README
    assert "pip install '.[test]' && pytest" in README


def test_config_file_supplies_defaults_below_env_and_flags(tmp_path: Path) -> None:
    db = tmp_path / "from-config.db"
    cfg = tmp_path / "c.toml"
    cfg.write_text(f'db = "sqlite:///{db}"\n', encoding="utf-8")
    res = CliRunner().invoke(cli, ["--config", str(cfg), "verify"], env={"LEDGER_DB": None})
    assert res.exit_code == 3 and str(db) in res.stderr
    res = CliRunner().invoke(
        cli, ["--config", str(cfg), "verify"], env={"LEDGER_DB": f"sqlite:///{tmp_path / 'env.db'}"}
    )
    assert "env.db" in res.stderr
    res = CliRunner().invoke(cli, ["--config", str(tmp_path / "missing.toml"), "verify"])
    assert res.exit_code == 2 and "no such file" in res.stderr
    cfg.write_text("db = [broken\n", encoding="utf-8")
    assert CliRunner().invoke(cli, ["--config", str(cfg), "verify"]).exit_code == 2


def _commands(
    group: click.Group, path: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], click.Command]]:
    found: list[tuple[tuple[str, ...], click.Command]] = []
    for name, cmd in _children(group):
        if isinstance(cmd, click.Group):
            found += _commands(cmd, (*path, name))
        else:
            found.append(((*path, name), cmd))
    return found


def test_every_file_writer_names_its_output_option_as_cli_md_does() -> None:
    """CLI.md: -o/--output on every command that writes a file; --out parses, unshown."""
    writers = [
        (path, cmd)
        for path, cmd in _commands(cli)
        if any(p.name == "out" and isinstance(p, click.Option) for p in cmd.params)
    ]
    assert len(writers) > 10
    for path, cmd in writers:
        (opt,) = [p for p in cmd.params if p.name == "out"]
        assert isinstance(opt, click.Option)
        assert opt.opts[:2] == ["-o", "--output"] and "--out" in opt.opts, path
        res = CliRunner().invoke(cli, [*path, "--help"], env={"LEDGER_LANG": "en"})
        assert res.exit_code == 0, path
        assert "-o, --output" in res.stdout and "--out " not in res.stdout, path
        assert "--out," not in res.stdout and "--out\n" not in res.stdout, path
