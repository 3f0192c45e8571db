"""canonical() refuses a float wherever it occurs (NaN and infinities too, which
orjson would write as null) and otherwise equals the RFC 8785 reference."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.canonical import canonical, reference
from ledger.errors import BadInput


def _naive_has_float(v: object) -> bool:
    if isinstance(v, float):
        return True
    if isinstance(v, dict):
        return any(_naive_has_float(x) for x in v.values())
    if isinstance(v, list | tuple):
        return any(_naive_has_float(x) for x in v)
    return False


@pytest.mark.parametrize("bad", [1.5, 0.0, -0.0, 1e16, math.nan, math.inf, -math.inf])
@pytest.mark.parametrize(
    "wrap",
    [
        lambda f: f,
        lambda f: {"a": f},
        lambda f: {"at": "2026-01-05T08:00:01.000Z", "body": {"x": [1, {"y": f}]}},
        lambda f: [None, "null", f],
        lambda f: {"t": (1, f)},
    ],
)
def test_a_float_anywhere_is_refused(bad: float, wrap) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BadInput, match="float"):
        canonical(wrap(bad))


def test_strings_that_look_like_numbers_are_fine() -> None:
    value = {"ts": "2026-01-05T08:00:01.000Z", "n": "1e16", "x": "null", "y": None, "b": True}
    assert canonical(value) == reference(value)


def test_non_bmp_output_uses_the_reference() -> None:
    value = {"\ufb01": "a", "\U0001f600": "b", "k": "\U00020000"}
    assert canonical(value) == reference(value)


json_leaf = (
    st.none()
    | st.booleans()
    | st.integers(-(2**53) + 1, 2**53 - 1)
    | st.text()
    | st.floats(allow_nan=True, allow_infinity=True)
)
json_values = st.recursive(
    json_leaf,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(), inner, max_size=4)
        | st.tuples(inner, inner)
    ),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_refuses_exactly_the_values_holding_a_float(value: object) -> None:
    if _naive_has_float(value):
        with pytest.raises(BadInput, match="float"):
            canonical(value)
    else:
        assert canonical(value) == reference(value)
