"""Chinese for Chinese users: gettext catalogs for the command line.

The language is Chinese when ``LEDGER_LANG`` says so (``zh_CN``), or, without
it, when the locale does (``LC_ALL``, ``LC_MESSAGES`` or ``LANG`` starting
with ``zh``); English otherwise.  It is read when a message is shown, not at
import, so one process (a test runner) can switch.

Messages are English msgids translated by the catalog
``cli/locale/zh_CN/LC_MESSAGES/ledger.po`` (compiled to ``ledger.mo``,
shipped in the wheel).  Two kinds of message reach it:

- texts marked with :func:`_` in ``cli/`` (extracted by Babel);
- the help of every command and option: click's texts are translated as
  they are formatted (:class:`HelpFormatter`), paragraph by paragraph, so
  the command modules keep plain English docstrings;
- click's own messages (usage errors such as an unknown option or a missing
  argument, prompts): click marks them with gettext, and
  :func:`route_click_messages` sends its lookups to this catalog, so they
  follow the same language choice.

Maintainers: ``python -m ledger_cli.i18n update`` extracts both kinds into the
template and merges it into the .po (new entries get an empty msgstr);
translate them, then ``python -m ledger_cli.i18n compile``.  A test fails while a
message has no translation or the .mo is stale.
"""

from __future__ import annotations

import gettext
import inspect
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path

import click

__all__ = [
    "LOCALE_DIR",
    "_N",
    "HelpFormatter",
    "_",
    "click_messages",
    "help_messages",
    "language",
    "ngettext",
    "route_click_messages",
]

DOMAIN = "ledger"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
PO_FILE = LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / f"{DOMAIN}.po"
MO_FILE = PO_FILE.with_suffix(".mo")


def language(environ: Mapping[str, str] | None = None) -> str:
    """``zh_CN`` or ``en``: LEDGER_LANG first, then the POSIX locale variables."""
    env = os.environ if environ is None else environ
    for var in ("LEDGER_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "").strip()
        if value:
            return "zh_CN" if value.lower().startswith("zh") else "en"
    return "en"


@cache
def _catalog(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def _N(message: str) -> str:
    """Mark ``message`` for extraction only; it is translated where it is shown."""
    return message


def _(message: str) -> str:
    """``message`` in the user's language (the English msgid when untranslated)."""
    if not message:
        return message
    return _catalog(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for ``n`` in the user's language."""
    return _catalog(language()).ngettext(singular, plural, n)


# ------------------------------------------------------------ click's messages
# click's modules that show messages to users; each imports gettext's functions
# under the names ``_`` and ``ngettext`` (click uses gettext's default domain).
_CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.termui",
    "click.types",
    "click.utils",
)
# click's files whose messages a user of this CLI never sees (Windows consoles,
# the test runner, shell completion, pagers and editors, compatibility shims).
_CLICK_UNSEEN = ("_winconsole", "testing", "shell_completion", "_termui_impl", "_compat")


def route_click_messages() -> None:
    """Translate click's own messages (usage errors, prompts) with this catalog.

    click looks its messages up with gettext's module-level ``gettext`` and
    ``ngettext``, bound in each of its modules as ``_`` and ``ngettext``; this
    rebinds them to :func:`_` and :func:`ngettext`, which follow
    :func:`language` when the message is made.  A module of a future click
    without those names is left as it is (its messages stay English).
    """
    import importlib

    for name in _CLICK_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:  # pragma: no cover - a click without that module
            continue
        if getattr(module, "_", None) is gettext.gettext:
            module._ = _  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = ngettext  # type: ignore[attr-defined]


def click_messages() -> list[str | tuple[str, str]]:
    """click's user-facing messages (plurals as ``(singular, plural)``), from its source."""
    from babel.messages.extract import extract_from_dir

    root = Path(click.__file__).resolve().parent
    out: list[str | tuple[str, str]] = []
    for filename, _lineno, message, _comments, _ctx in extract_from_dir(
        str(root), method_map=[("*.py", "python")], keywords={"_": None, "ngettext": (1, 2)}
    ):
        if Path(filename).stem in _CLICK_UNSEEN:
            continue
        out.append(message if isinstance(message, str) else (message[0], message[1]))
    return list(dict.fromkeys(out))


# ----------------------------------------------------------------- help texts
_DEFAULT_TAIL = re.compile(r"\s*\[(?P<inner>[^\[\]]*)\]$")
_TAIL_WORDS = {"default: ": "默认：", "default": "默认", "required": "必填", "env var": "环境变量"}


def _paragraphs(text: str) -> list[str]:
    return text.split("\n\n")


def translate_help(text: str) -> str:
    """A help text translated paragraph by paragraph (examples stay as they are)."""
    if language() == "en" or not text:
        return text
    return "\n\n".join(_(p) for p in _paragraphs(text))


def _translate_option_help(text: str) -> str:
    """An option's help with click's ``[default: x; required]`` tail kept and translated."""
    m = _DEFAULT_TAIL.search(text)
    if m is None:
        return _(text)
    inner = m.group("inner")
    for en, zh in _TAIL_WORDS.items():
        inner = inner.replace(en, zh)
    head = text[: m.start()]
    return f"{_(head)}  [{inner}]" if head else f"[{inner}]"


class HelpFormatter(click.HelpFormatter):
    """click's formatter, translating what it writes when the language is Chinese."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        if language() != "en":
            prefix = "用法（Usage）: " if prefix is None else _(prefix)
        super().write_usage(prog, args, prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(_(heading) if language() != "en" else heading)

    def write_text(self, text: str) -> None:
        super().write_text(translate_help(text))

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        if language() != "en":
            rows = [(first, _translate_dl(second)) for first, second in rows]
        super().write_dl(rows, col_max, col_spacing)


def _translate_dl(text: str) -> str:
    """An option's help, or a command's short help (click cuts it from the first paragraph)."""
    done = _translate_option_help(text)
    if done != text or not text:
        return done
    prefix = text.removesuffix("...").removesuffix(".").strip()
    catalog = _catalog(language())
    messages: dict[object, str] = getattr(catalog, "_catalog", {})
    for msgid, msgstr in messages.items():
        if isinstance(msgid, str) and msgid.startswith(prefix) and msgstr:
            return re.split(r"(?<=。)", msgstr, maxsplit=1)[0]
    return text


# ------------------------------------------------------------------ catalog
_HELP_TAIL = re.compile(r"\s*\[[^\[\]]*\]$")


def help_messages(root: click.Command) -> Iterator[str]:
    """Every translatable help text of the command tree: paragraphs and option helps.

    The same split as :class:`HelpFormatter` uses, so the catalog holds exactly
    what is looked up.  (A command list shows the first sentence of the first
    paragraph, cut by click: it is found by its prefix.)
    """
    seen: set[str] = set()

    def emit(text: str) -> Iterator[str]:
        if text and text not in seen:
            seen.add(text)
            yield text

    def walk(cmd: click.Command) -> Iterator[str]:
        if cmd.help:
            for p in _paragraphs(inspect.cleandoc(cmd.help)):
                if not _is_example(p):
                    yield from emit(p)
        for param in cmd.params:
            if isinstance(param, click.Option) and param.help:
                yield from emit(_HELP_TAIL.sub("", inspect.cleandoc(param.help)))
        if isinstance(cmd, click.Group):
            ctx = click.Context(cmd)  # a lazy group loads its commands when asked
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                if sub is not None:
                    yield from walk(sub)

    yield from walk(root)
    for builtin in ("Options", "Commands", "Usage: ", "Show this message and exit."):
        yield from emit(builtin)


def _is_example(paragraph: str) -> bool:
    """``\\b`` blocks of commands (``Example:``) are not translated; other ``\\b`` blocks are."""
    return paragraph.startswith("\b") and paragraph.lstrip("\b\n").startswith("Example")


def _update() -> None:
    """Extract every message into the .po (keeping translations), new ones empty."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po, write_po
    from ledger_cli.main import cli

    template = Catalog(project="commitment-ledger", domain=DOMAIN)
    root = Path(__file__).resolve().parent
    for filename, lineno, message, comments, _ctx in extract_from_dir(
        str(root), method_map=[("**.py", "python")], keywords={"_": None, "_N": None}
    ):
        template.add(message, locations=[(f"cli/{filename}", lineno)], auto_comments=comments)
    for text in help_messages(cli):
        if text not in template:
            template.add(text, auto_comments=["click help"])
    for message in click_messages():
        key = message if isinstance(message, str) else message[0]
        if key not in template:
            template.add(message, auto_comments=["click's own message"])
    if PO_FILE.exists():
        with PO_FILE.open("rb") as fh:
            catalog = read_po(fh, locale="zh_CN", domain=DOMAIN)
        catalog.update(template, no_fuzzy_matching=True)
    else:
        catalog = Catalog(locale="zh_CN", domain=DOMAIN, project="commitment-ledger")
        catalog.update(template, no_fuzzy_matching=True)
    PO_FILE.parent.mkdir(parents=True, exist_ok=True)
    with PO_FILE.open("wb") as fh:
        write_po(fh, catalog, width=0, omit_header=False, ignore_obsolete=True)


def _compile() -> None:
    """Compile the .po into the .mo shipped in the wheel."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with PO_FILE.open("rb") as fh:
        catalog = read_po(fh, locale="zh_CN", domain=DOMAIN)
    with MO_FILE.open("wb") as fh:
        write_mo(fh, catalog)


if __name__ == "__main__":  # pragma: no cover - a maintainer's tool
    import sys

    {"update": _update, "compile": _compile}[sys.argv[1]]()
