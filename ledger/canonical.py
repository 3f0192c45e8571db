"""Canonical bytes of hashed and signed objects (FORMATS.md §1, RFC 8785).

``rfc8785.dumps`` is the reference.  The hot paths (append, verify) use orjson
with sorted keys, which is byte-identical to RFC 8785 for the values this
ledger hashes: no floats (the schema has none and :func:`canonical` refuses
them), integers within ±(2**53 - 1) (``OPT_STRICT_INTEGER``), and key order
equal to UTF-16 order, which holds whenever no character lies outside the
Basic Multilingual Plane.  Output containing a 4-byte UTF-8 sequence (lead byte
0xF0..0xF4) falls back to rfc8785.  ``tests/unit/test_canonical.py`` cross-checks
both encoders on every event kind and on hypothesis-generated objects.
"""

from __future__ import annotations

from typing import Any

import orjson
import rfc8785

from ledger.errors import BadInput

_OPTS = orjson.OPT_SORT_KEYS | orjson.OPT_STRICT_INTEGER
_NON_BMP_LEADS = (b"\xf0", b"\xf1", b"\xf2", b"\xf3", b"\xf4")


def _has_float(value: Any) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(_has_float(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_float(v) for v in value)
    return False


def reference(value: Any) -> bytes:
    """RFC 8785 canonical bytes by the reference encoder (``rfc8785``)."""
    try:
        return rfc8785.dumps(value)
    except rfc8785.CanonicalizationError as exc:
        raise BadInput(f"cannot canonicalise value: {exc}") from exc


def canonical(value: Any) -> bytes:
    """RFC 8785 canonical bytes of a JSON value made of dict/list/str/int/bool/None.

    Floats are refused (FORMATS.md §1: no JSON number in a hashed object is a
    float).  Uses orjson where it is byte-identical to RFC 8785, else rfc8785.
    """
    try:
        out = orjson.dumps(value, option=_OPTS)
    except (orjson.JSONEncodeError, TypeError) as exc:
        raise BadInput(f"cannot canonicalise value: {exc}") from exc
    # Cheap pre-filter: only walk the value for floats when the output could hold one.
    if (b"." in out or b"e" in out or b"E" in out) and _has_float(value):
        raise BadInput("a hashed object may not contain a float; use a decimal string")
    if any(lead in out for lead in _NON_BMP_LEADS):
        return reference(value)
    return out


def loads(data: bytes) -> Any:
    """Parse JSON bytes (UTF-8).  Raises BadInput on malformed input."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise BadInput(f"malformed JSON: {exc}") from exc
