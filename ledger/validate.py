"""Syntactic validation of statement bodies before they are signed.

Delegates to :mod:`ledger.events`, which knows every event kind of DOMAIN.md.
"""

from __future__ import annotations

from typing import Any

from ledger.events import parse_body


def check_body(kind: str, body: dict[str, Any]) -> None:
    """Raise FieldError (naming ``body.<field>``) when the body is not valid for ``kind``."""
    parse_body(kind, body)
