"""The readable JSON of the files the tool writes (receipts, proofs, audits, notes).

Not the canonical bytes that are signed (:mod:`ledger.canonical`): indented,
Chinese kept as text, one trailing newline.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["pretty_json"]


def pretty_json(obj: Any) -> str:
    """Pretty JSON, UTF-8 text kept readable, ending in a newline."""
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"
