"""Verifier-key arguments: a vkey string, or a file that holds one."""

from __future__ import annotations

import os
from collections.abc import Sequence

from ledger.errors import BadInput
from ledger.note import VerifierKey


def read_vkey(value: str, option: str = "--vkey") -> VerifierKey:
    """Parse ``value`` as a signed-note verifier key, or read one from the file it names.

    A vkey always contains two ``+``; an existing file of that name wins, so
    ``--vkey log.vkey`` and ``--vkey "$(cat log.vkey)"`` both work.  Whitespace
    around the key (a trailing newline in the file) is ignored.
    """
    text = value
    if os.path.isfile(value):
        try:
            with open(value, encoding="utf-8") as fh:
                text = fh.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise BadInput(f"{option} {value}: cannot read the file: {exc}") from exc
    text = text.strip()
    try:
        return VerifierKey.parse(text)
    except BadInput as exc:
        hint = "" if "+" in value else " (nor a file that exists)"
        raise BadInput(f"{option} {value!r} is not a verifier key{hint}: {exc}") from exc


def read_vkeys(values: Sequence[str], option: str) -> list[VerifierKey]:
    """:func:`read_vkey` for a repeatable option."""
    return [read_vkey(v, option) for v in values]
