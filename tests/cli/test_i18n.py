"""Chinese by default for Chinese users: the catalog is complete and is used."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from click.testing import CliRunner
from ledger_cli import i18n
from ledger_cli.main import cli

CLI_DIR = Path(i18n.__file__).resolve().parent


def _po() -> list[Message]:
    with i18n.PO_FILE.open("rb") as fh:
        po = read_po(fh, locale="zh_CN", domain=i18n.DOMAIN)
    return [m for m in po if m.id and not m.fuzzy]


def _catalog() -> dict[str, str]:
    """msgid -> msgstr of the singular entries."""
    return {m.id: m.string for m in _po() if isinstance(m.id, str)}


def _plurals() -> dict[tuple[str, str], str]:
    """(singular, plural) -> the one Chinese form (zh_CN has one plural form)."""
    return {(m.id[0], m.id[1]): m.string[0] for m in _po() if not isinstance(m.id, str)}


def _messages() -> list[str]:
    marked = [
        message
        for _f, _l, message, _c, _x in extract_from_dir(
            str(CLI_DIR), method_map=[("**.py", "python")], keywords={"_": None, "_N": None}
        )
    ]
    clicks = [m if isinstance(m, str) else m[0] for m in i18n.click_messages()]
    return [*marked, *i18n.help_messages(cli), *clicks]


def test_every_message_has_a_chinese_translation() -> None:
    have = _catalog() | {singular: zh for (singular, _p), zh in _plurals().items()}
    missing = [m for m in dict.fromkeys(_messages()) if not have.get(m)]
    assert not missing, (
        f"{len(missing)} messages have no Chinese translation: run 'python -m ledger_cli.i18n update', "
        f"fill the empty msgstr in {i18n.PO_FILE.relative_to(CLI_DIR.parent)}, then "
        f"'python -m ledger_cli.i18n compile'. First: {missing[:5]}"
    )


def test_translations_keep_their_placeholders() -> None:
    field = re.compile(r"\{[a-z_]*(?:![rs])?\}|%\([a-z]+\)s")
    for msgid, msgstr in _catalog().items():
        if msgstr:
            assert sorted(field.findall(msgid)) == sorted(field.findall(msgstr)), msgid
    for (singular, plural), zh in _plurals().items():
        # the one Chinese form serves every count: its placeholders are the plural's
        assert set(field.findall(zh)) <= set(field.findall(singular + plural)), singular


def test_the_shipped_mo_is_the_compiled_po() -> None:
    with i18n.MO_FILE.open("rb") as fh:
        mo = gettext.GNUTranslations(fh)
    for msgid, msgstr in _catalog().items():
        if msgstr:
            assert mo.gettext(msgid) == msgstr, (
                f"stale ledger.mo: run python -m ledger_cli.i18n compile ({msgid!r})"
            )
    for (singular, plural), zh in _plurals().items():
        assert mo.ngettext(singular, plural, 2) == zh, f"stale ledger.mo ({singular!r})"


@pytest.mark.parametrize(
    ("env", "lang"),
    [
        ({"LEDGER_LANG": "zh_CN"}, "zh_CN"),
        ({"LEDGER_LANG": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "zh_CN.UTF-8"}, "zh_CN"),
        ({"LEDGER_LANG": "", "LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, "zh_CN"),
        ({"LEDGER_LANG": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "en_US.UTF-8"}, "en"),
        ({"LEDGER_LANG": "en", "LANG": "zh_CN.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_the_language_follows_ledger_lang_then_the_locale(env: dict[str, str], lang: str) -> None:
    assert i18n.language(env) == lang


def test_help_is_chinese_for_chinese_users_and_english_otherwise() -> None:
    zh = CliRunner().invoke(cli, ["audit", "arrears", "-h"], env={"LEDGER_LANG": "zh_CN"})
    assert zh.exit_code == 0
    assert "审计日期（其后的事件不计）" in zh.stdout and "选项" in zh.stdout
    assert "Audit date" not in zh.stdout
    en = CliRunner().invoke(cli, ["audit", "arrears", "-h"], env={"LEDGER_LANG": "en"})
    assert "Audit date (events after it are ignored)." in en.stdout and "审计日期" not in en.stdout
    root = CliRunner().invoke(cli, ["-h"], env={"LEDGER_LANG": "zh_CN"})
    assert "退出码" in root.stdout and "离线核验收据并打印它所证明的条目。" in root.stdout


def test_messages_and_table_headers_are_chinese(tmp_path: Path) -> None:
    env = {
        "LEDGER_LANG": "zh_CN",
        "LEDGER_DB": f"sqlite:///{tmp_path / 'l.db'}",
        "LEDGER_KEYSTORE": str(tmp_path / "ks"),
        "LEDGER_PASSPHRASE": "pw-for-tests-long-enough",
        "LEDGER_CONFIG": "",
    }
    run = CliRunner()
    assert run.invoke(cli, ["init", "--origin", "ledger.i18n.example/c"], env=env).exit_code == 0
    res = run.invoke(
        cli, ["audit", "arrears", "--as-of", "2025-12-31", "--format", "table"], env=env
    )
    assert res.exit_code == 0, res.output
    assert "拖欠账款，截至 2025-12-31" in res.stdout and "按持有机关合计" in res.stdout
    assert "合同编号" in res.stdout and "commitment " not in res.stdout


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        (["verify", "--bogus"], "没有选项 '--bogus'", "No such option '--bogus'"),
        (["nosuch"], "没有命令 'nosuch'", "No such command 'nosuch'"),
        (
            ["audit", "arrears", "--format", "pdf"],
            "'--format' 的值无效",
            "Invalid value for '--format'",
        ),
        (["verify", "--jobs"], "选项 '--jobs' 需要 1 个值", "Option '--jobs' requires an argument"),
        (["keys", "vkey"], "缺少参数", "Missing argument"),
    ],
)
def test_clicks_own_usage_errors_follow_the_language(args: list[str], zh: str, en: str) -> None:
    """click's messages (unknown option, bad value, missing argument) go through the catalog."""
    zh_res = CliRunner().invoke(cli, args, env={"LEDGER_LANG": "zh_CN"})
    assert zh_res.exit_code == 2
    assert zh in zh_res.stderr and "错误（Error）" in zh_res.stderr, zh_res.stderr
    assert en not in zh_res.stderr
    en_res = CliRunner().invoke(cli, args, env={"LEDGER_LANG": "en"})
    assert en_res.exit_code == 2
    assert en in en_res.stderr and "Error: " in en_res.stderr, en_res.stderr
    assert "错误" not in en_res.stderr
