"""entry_bytes (append's leaf builder) equals canonical(entry_dict(...))."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.canonical import canonical, reference
from ledger.entry import entry_bytes, entry_dict
from ledger.errors import BadInput

PREV = bytes(range(32))
SIG = bytes(range(64, 128))


def _check(statement: dict, seq: int = 7, ts: str = "2026-01-05T08:00:02.000Z") -> None:  # type: ignore[type-arg]
    leaf = entry_bytes(seq, PREV, ts, canonical(statement), SIG)
    assert leaf == canonical(entry_dict(seq, PREV, ts, statement, SIG))
    assert leaf == reference(entry_dict(seq, PREV, ts, statement, SIG))


def test_every_event_kind() -> None:
    from tests.unit.test_events import VALID  # one valid body per kind

    for kind, body in VALID.items():
        for seq in (0, 1, 2**53 - 1):
            _check(
                {
                    "log": "l.example/x",
                    "kind": kind,
                    "by": "clerk",
                    "at": "2026-01-05T08:00:01.000Z",
                    "body": body,
                },
                seq,
            )


json_leaf = st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text()
json_values = st.recursive(
    json_leaf,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(), json_values, max_size=5), st.text(max_size=30))
def test_any_statement_and_ts(statement: dict, ts: str) -> None:  # type: ignore[type-arg]
    _check(statement, ts=ts)


def test_signed_bytes_cut_from_the_leaf_equal_the_canonical_statement() -> None:
    from ledger.canonical import canonical
    from ledger.entry import entry_dict, parse_entry

    tricky = {"ts": ',"ts":"x"', "statement": {"ts": 1}, "note": '"statement":{', "名": "值"}
    stmt = {
        "log": "l.example/x",
        "kind": "agency.registered",
        "by": "k",
        "at": "2026-01-01T00:00:00.000Z",
        "body": tricky,
    }
    leaf = canonical(entry_dict(3, b"\x01" * 32, "2026-01-01T00:00:01.000Z", stmt, b"\x02" * 64))
    assert parse_entry(leaf).signed_bytes == canonical(stmt)


@settings(max_examples=300, deadline=None)
@given(
    st.text(min_size=1),
    st.text(min_size=1),
    st.text(min_size=1),
    st.text(min_size=1),
    st.dictionaries(st.text(), json_values, max_size=5),
)
def test_spliced_statement_and_dedupe_digest(
    log: str,
    kind: str,
    by: str,
    at: str,
    body: dict,  # type: ignore[type-arg]
) -> None:
    """append splices the signed bytes and the dedupe digest from canonical(body)."""
    from ledger.entry import body_dedupe_digest, dedupe_digest, spliced_statement_bytes

    stmt = {"log": log, "kind": kind, "by": by, "at": at, "body": body}
    body_bytes = canonical(body)
    assert spliced_statement_bytes(stmt, body_bytes) == canonical(stmt) == reference(stmt)
    assert body_dedupe_digest(canonical(kind), body_bytes) == dedupe_digest(kind, body)


def test_entry_bytes_fast_path_and_fallback_agree() -> None:
    """An instant ts takes the direct layout; anything else goes through canonical()."""
    stmt = {"log": "l", "kind": "k", "by": "b", "at": "a", "body": {"x": "名"}}
    for ts in ("2026-01-05T08:00:02.000Z", "2026-01-05T08:00:02Z", "２026-01-05T08:00:02.000Z"):
        for seq in (0, 9, 2**53 - 1):
            _check(stmt, seq, ts)
        with pytest.raises(BadInput):  # canonical() refuses an integer beyond 2**53 - 1
            entry_bytes(2**53, PREV, ts, canonical(stmt), SIG)


@settings(max_examples=300, deadline=None)
@given(
    json_values,
    st.text(min_size=1, max_size=12),
    st.text(min_size=1, max_size=12),
    st.text(min_size=1, max_size=12),
    st.dictionaries(st.text(max_size=6), json_values, max_size=2),
)
def test_body_bytes_cut_from_the_statement_equal_the_canonical_body(
    body: object,
    log: str,
    kind: str,
    by: str,
    extra: dict,  # type: ignore[type-arg]
) -> None:
    """verify cuts canonical(body) out of the signed bytes (for the no-repeat digest and
    domain_events.body): exactly canonical(body) for a statement of the five fields
    of §2, with any strings (quotes, escapes, non-BMP); None when it has others."""
    from ledger.entry import cut_body_bytes

    stmt = {"log": log, "kind": kind, "by": by, "at": "2026-01-05T08:00:01.000Z", "body": body}
    assert cut_body_bytes(stmt, canonical(stmt)) == canonical(body)
    more = {**stmt, **{k: v for k, v in extra.items() if k not in stmt}}
    if len(more) > len(stmt):
        assert cut_body_bytes(more, canonical(more)) is None
