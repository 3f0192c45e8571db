"""Text rules of DOMAIN.md ("Text:") and text made safe for terminals and spreadsheets.

What a recorder may put in a text field: at most so many characters for its
kind (ids, and the labels ``reference``, ``ref``, ``term`` and ``policy_ref``, 200; names 200;
titles 500; reasons and summaries 2,000); no control character (Unicode Cc)
except a line feed in titles, reasons and summaries; no format character
(Cf: bidirectional controls, zero-width spaces and joiners) and no
private-use character (Co).  Ids (agency, official, commitment; key names
too) must also be NFKC-stable (a full-width
``Ｃ１`` is refused: its NFKC form ``C1`` is another id), and a new id must not
be confusable with an existing id of the same kind: two ids are confusable
when they have the same *skeleton* under Unicode TS #39 section 4, computed
from Unicode's own confusables data (shipped in ``ledger/data``).

The API is small on purpose: :func:`check_text` (a value of a kind, or
:class:`~ledger.errors.FieldError` naming ``path``), :func:`skeleton`,
:func:`terminal_safe` (escape control and format characters before printing)
and :func:`spreadsheet_cell` (neutralise a CSV or xlsx cell that a
spreadsheet would run as a formula).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from enum import StrEnum
from importlib import resources

from ledger.errors import FieldError, both

__all__ = [
    "MAX_KEY_NAME",
    "MAX_LEAF_BYTES",
    "TextKind",
    "check_text",
    "key_name_too_long",
    "limit",
    "skeleton",
    "spreadsheet_cell",
    "terminal_safe",
]

MAX_LEAF_BYTES = 65_535
"""FORMATS §3: a leaf is at most this many bytes (it fits a tlog-tiles entry bundle)."""
MAX_KEY_NAME = 64
"""A key name's most characters (DOMAIN.md: key names appear in signed-note lines)."""


def key_name_too_long(name: str) -> str | None:
    """Why ``name`` is too long for a key name (bilingual), or None: the one check of
    :data:`MAX_KEY_NAME`, for the declaration and the keystore."""
    if len(name) <= MAX_KEY_NAME:
        return None
    return both(
        f"密钥名称最多 {MAX_KEY_NAME} 个字符，此名称有 {len(name)} 个",
        f"a key name is at most {MAX_KEY_NAME} characters; this one has {len(name)}",
    )


class TextKind(StrEnum):
    """The kinds of text of DOMAIN.md, each with its own limit."""

    ID = "id"  # agency, official and commitment ids (and key names): NFKC-stable
    LABEL = "label"  # reference, ref, term, policy_ref: id-like, spelt as written
    NAME = "name"
    TITLE = "title"
    REASON = "reason"  # reasons, summaries, conditions


_LIMITS = {
    TextKind.ID: 200,
    TextKind.LABEL: 200,
    TextKind.NAME: 200,
    TextKind.TITLE: 500,
    TextKind.REASON: 2_000,
}
_MULTILINE = frozenset({TextKind.TITLE, TextKind.REASON})
_WHAT = {
    TextKind.ID: "an id",
    TextKind.LABEL: "a reference",
    TextKind.NAME: "a name",
    TextKind.TITLE: "a title",
    TextKind.REASON: "a text",
}
_WHAT_ZH = {
    TextKind.ID: "编号",
    TextKind.LABEL: "文号",
    TextKind.NAME: "名称",
    TextKind.TITLE: "标题",
    TextKind.REASON: "文字",
}


def limit(kind: TextKind) -> int:
    """The most characters a text of ``kind`` may have."""
    return _LIMITS[kind]


def _forbidden(ch: str, multiline: bool) -> str | None:
    """Why ``ch`` may not appear in a text field, or None."""
    cat = unicodedata.category(ch)
    if cat == "Cc" and not (multiline and ch == "\n"):
        return "a control character"
    if cat == "Cf":
        return "an invisible format or bidirectional control character"
    if cat == "Co":
        return "a private-use character"
    return None


def check_text(value: str, kind: TextKind, path: str) -> str:
    """``value`` if it obeys DOMAIN's text rules for ``kind``, else FieldError(path).

    The length is checked first, so a huge value is refused without being
    scanned.  Emptiness and surrounding whitespace stay the caller's rule.
    """
    most = _LIMITS[kind]
    if len(value) > most:
        raise FieldError(
            path,
            both(
                f"{_WHAT_ZH[kind]}最多 {most} 个字符，实为 {len(value)} 个",
                f"{_WHAT[kind]} is at most {most} characters, got {len(value)}",
            ),
        )
    multiline = kind in _MULTILINE
    # isprintable() is False for every Cc, Cf and Co character (and for
    # separators other than the space): when it holds there is nothing to find;
    # otherwise each distinct character is looked at once.
    if not value.isprintable():
        bad = {ch: why for ch in set(value) if (why := _forbidden(ch, multiline)) is not None}
        if bad:
            i = min(value.index(ch) for ch in bad)
            ch = value[i]
            raise FieldError(
                path,
                both(
                    f"{_WHAT_ZH[kind]}第 {i + 1} 个字符 U+{ord(ch):04X} 是不允许的字符",
                    f"contains {bad[ch]} U+{ord(ch):04X} at character {i + 1}; "
                    f"not allowed in {_WHAT[kind]}",
                ),
            )
    if kind is TextKind.ID and not unicodedata.is_normalized("NFKC", value):
        stable = unicodedata.normalize("NFKC", value)
        was, now = terminal_safe(value), terminal_safe(stable)
        raise FieldError(
            path,
            both(
                f"编号须为 NFKC 规范形式：{was!r} 规范化后为 {now!r}，请照此填写",
                f"an id must be NFKC-stable: {was!r} normalises to {now!r}; write it that way",
            ),
        )
    return value


@functools.cache
def _prototypes() -> dict[str, str]:
    """Unicode's confusables.txt (TS #39 data): each source character's prototype."""
    table: dict[str, str] = {}
    data = resources.files("ledger.data").joinpath("confusables.txt")
    for line in data.read_text(encoding="utf-8-sig").splitlines():
        fields = line.split("#", 1)[0].split(";")
        if len(fields) < 2:
            continue
        table[chr(int(fields[0], 16))] = "".join(chr(int(c, 16)) for c in fields[1].split())
    return table


@functools.lru_cache(maxsize=256)  # a new id's skeleton is asked for by its rule, then kept
def skeleton(identifier: str) -> str:
    """The TS #39 skeleton of ``identifier``: equal skeletons mean confusable ids.

    Unicode TS #39 section 4: NFD, each character replaced by its prototype
    from confusables.txt, NFD again.  The data ships in ``ledger/data`` (see
    its README): PyICU, which wraps ICU's spoof checker, has no wheels and
    needs ICU's headers and a compiler, which a machine with only Python and
    pip does not have.  On 38,575 single characters and random strings this
    gave ICU 72's ``getSkeleton`` result every time.
    """
    nfd = unicodedata.normalize("NFD", identifier)
    return unicodedata.normalize("NFD", nfd.translate(_prototype_table()))


@functools.cache
def _prototype_table() -> dict[int, str]:
    """:func:`_prototypes` as a ``str.translate`` table: each character replaced by its
    prototype, every other character kept, in one pass."""
    return {ord(ch): proto for ch, proto in _prototypes().items()}


# ---------------------------------------------------------------- output

_UNSEEN = frozenset({"Cc", "Cf", "Zl", "Zp"})


def _visible(ch: str) -> str:
    if ch in "\n\t" or unicodedata.category(ch) not in _UNSEEN:
        return ch
    return f"\\u{ord(ch):04x}"


def terminal_safe(text: str) -> str:
    """``text`` with control and format characters escaped (``\\u001b``, ``\\u202e``).

    Line feeds and tabs are kept; every other C0/C1 control (ANSI escapes,
    carriage returns, backspaces), bidirectional override, zero-width
    character and line or paragraph separator is written as a visible
    escape, so nothing read from a ledger, a sheet or a bundle can move the
    cursor, recolour the terminal or reorder what the reader sees.  The
    escape is JSON's ``\\uXXXX``, so JSON text stays valid JSON of the same
    value.
    """
    if text.isascii() and text.isprintable():
        return text
    return "".join(map(_visible, text))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?", re.ASCII)


def spreadsheet_cell(value: str) -> str:
    """A CSV or xlsx cell that no spreadsheet runs as a formula (OWASP CSV injection).

    A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return gets a leading ``'``, so Excel, WPS and LibreOffice show it as
    text.  A plain decimal number (``-12``, ``-1.50``) is left alone: a
    spreadsheet reads it as a number, never as a formula, and the project
    writes no negative amounts anyway.
    """
    if value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value
