"""``check_statement``'s one-test path for the usual statement says what the
field-by-field checks say, for every statement (FORMATS.md §2)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.entry import check_statement, check_statement_in_order
from ledger.errors import BadInput

ORIGIN = "ledger.czj.yueyang.example/commitments"
GOOD: dict[str, Any] = {
    "log": ORIGIN,
    "kind": "payment.made",
    "by": "czj-clerk",
    "at": "2026-12-04T19:00:00.123Z",
    "body": {"commitment": "HT-1"},
}


class Text(str):
    """A str that is not exactly a str."""


class Mapping(dict):  # type: ignore[type-arg]
    """A dict that is not exactly a dict."""


ODD_VALUES = st.sampled_from(
    [
        "",
        " ",
        "x",
        ORIGIN + "x",
        "2026-12-04T19:00:00Z",
        "2026-13-04T19:00:00.000Z",
        "2026-12-04 19:00:00.000Z",
        Text(ORIGIN),
        Text("2026-12-04T19:00:00.123Z"),
        None,
        0,
        1.5,
        True,
        [],
        {},
        Mapping(),
        b"payment.made",
    ]
)


@st.composite
def statements(draw: st.DrawFn) -> object:
    if draw(st.integers(0, 30)) == 0:
        return draw(st.sampled_from([None, [], "statement", Mapping(GOOD)]))
    stmt: dict[str, Any] = dict(GOOD)
    for name in draw(st.lists(st.sampled_from(sorted(GOOD)), max_size=3, unique=True)):
        action = draw(st.sampled_from(["drop", "odd"]))
        if action == "drop":
            del stmt[name]
        else:
            stmt[name] = draw(ODD_VALUES)
    if draw(st.booleans()) and draw(st.booleans()):
        stmt[draw(st.sampled_from(["sig", "Body", "extra"]))] = "x"
    return stmt


def _verdict(check: Any, stmt: object) -> str | None:
    try:
        check(stmt, ORIGIN)
    except BadInput as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


@settings(max_examples=600, deadline=None)
@given(statements())
def test_the_one_test_path_agrees_with_the_checks_in_order(stmt: object) -> None:
    assert _verdict(check_statement, stmt) == _verdict(check_statement_in_order, stmt)


def test_the_usual_statement_passes_both_ways() -> None:
    assert _verdict(check_statement, GOOD) is None
    assert _verdict(check_statement_in_order, GOOD) is None


@pytest.mark.parametrize(
    ("field", "value"),
    [("at", ""), ("kind", ""), ("by", Text("")), ("log", ORIGIN + "x"), ("at", "2026-12-04")],
)
def test_a_bad_field_is_named_by_the_one_test_path_too(field: str, value: object) -> None:
    with pytest.raises(BadInput, match=f"statement.{field}"):
        check_statement({**GOOD, field: value}, ORIGIN)
