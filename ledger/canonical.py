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

import json
from typing import Any

import orjson
import rfc8785

from ledger.errors import BadInput

_OPTS = orjson.OPT_SORT_KEYS | orjson.OPT_STRICT_INTEGER
# Every byte except the UTF-8 lead bytes of 4-byte sequences (characters
# outside the BMP): ``out.translate(None, _ALL_BUT_NON_BMP_LEADS)`` keeps only those.
_ALL_BUT_NON_BMP_LEADS = bytes(b for b in range(256) if not 0xF0 <= b <= 0xF4)


def _has_float(value: Any) -> bool:
    """Whether a float (NaN and the infinities included) occurs anywhere in ``value``.

    The value is always walked: scanning the output for ``.`` or ``e`` matched
    nearly every entry (its timestamps), and orjson writes NaN and the
    infinities as ``null``.  Exact-type tests come first to keep the walk
    cheap for the usual str and int.
    """
    t = type(value)
    if t is str or t is int:
        return False
    if t is dict:
        for v in value.values():
            tv = type(v)
            if (tv is not str and tv is not int) and _has_float(v):
                return True
        return False
    if t is list:
        return any(_has_float(v) for v in value)
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(_has_float(v) for v in value.values())
    if isinstance(value, list | tuple):
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
    out = _orjson(value)
    if _has_float(value):
        raise BadInput("a hashed object may not contain a float; use a decimal string")
    return _finish(out, value)


def canonical_float_free(value: Any) -> bytes:
    """:func:`canonical` of a value known to hold no float, without walking it to look.

    Such as a statement whose body :func:`ledger.domain.events.parse_body` parsed:
    every body field is declared with a type that refuses floats
    (``tests/unit/test_canonical_floats.py`` checks each one), and the envelope's
    other members are strings.  The walk cost 40% of encoding a statement.
    """
    return _finish(_orjson(value), value)


def _orjson(value: Any) -> bytes:
    try:
        return orjson.dumps(value, option=_OPTS)
    except (orjson.JSONEncodeError, TypeError) as exc:
        raise BadInput(f"cannot canonicalise value: {exc}") from exc


def _finish(out: bytes, value: Any) -> bytes:
    if not out.isascii() and out.translate(None, _ALL_BUT_NON_BMP_LEADS):
        return reference(value)
    # orjson's result keeps the whole buffer it wrote into (4 KiB for a short
    # value): a copy of the exact length frees it.  Append holds a few of these
    # per statement, and 10^5 statements otherwise took a gigabyte.
    return memoryview(out).tobytes()


def loads_leaf(data: bytes) -> Any:
    """Parse JSON bytes (UTF-8) fast, for leaves whose canonical form is then checked.

    orjson keeps the last of duplicate keys; a leaf with one is not the RFC
    8785 form of what it parses to, so :func:`ledger.entry.parse_entry` (and
    ``verify``) refuse it.  Everything else read from outside uses :func:`loads`.
    """
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise BadInput(f"malformed JSON: {exc}") from exc


def _keys_if_exact(value: Any) -> int | None:
    """How many object members ``value`` holds in all; None if it holds a float."""
    t = type(value)
    if t is dict:
        n, items = len(value), value.values()
    elif t is list:
        n, items = 0, value
    else:
        return None if t is float else 0
    for v in items:
        tv = type(v)
        if tv is not str and tv is not int:
            inner = _keys_if_exact(v)
            if inner is None:
                return None
            n += inner
    return n


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return obj


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


_STRICT = json.JSONDecoder(object_pairs_hook=_refuse_duplicates)
"""One decoder for every call: ``json.loads`` with a hook builds a new one each time."""


def loads(data: bytes | str) -> Any:
    """Parse JSON (UTF-8) strictly: the shared loader for statements, signed files,
    receipts, bundles' JSON members and witness state.

    Refuses what orjson refuses (bad syntax, invalid UTF-8, NaN and the
    infinities) and, FORMATS.md §3, an object with a duplicate key (which
    would otherwise silently keep its last value); large integers stay
    integers.  Raises BadInput.
    """
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise BadInput(f"malformed JSON: {exc}") from exc
    # Every member of every object has its own ':' outside strings: when the
    # text holds no more ':' than the parsed objects hold keys, no key was
    # repeated (orjson keeps the last of repeated keys silently), and a value
    # without floats has no integer orjson made inexact.  That is the usual
    # statement line; anything else is read again below.
    keys = _keys_if_exact(value)
    colons = data.count(b":") if type(data) is bytes else data.count(":")  # type: ignore[arg-type]
    if keys is not None and keys == colons:
        return value
    # The value then comes from the standard library's parser, which keeps
    # an integer beyond 64 bits exact (orjson turns it into a float, and the
    # error about it then showed 1e+23 for the number the user wrote).
    try:
        if type(data) is bytes:  # decoded as json.loads decodes it
            data = data.decode(json.detect_encoding(data), "surrogatepass")
        if type(data) is str and not data.startswith("\ufeff"):
            return _STRICT.decode(data)
        return json.loads(data, object_pairs_hook=_refuse_duplicates)  # anything else
    except _DuplicateKey as exc:
        raise BadInput(
            f"JSON 对象中键 {exc.key!r} 重复（duplicate key {exc.key!r} in a JSON object）"
        ) from exc
    except (ValueError, RecursionError) as exc:  # what orjson accepted, stdlib should too
        raise BadInput(f"malformed JSON: {exc}") from exc
