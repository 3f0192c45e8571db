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


# canonical_float_free skips the walk for statements whose body parse_body parsed:
# that is sound only while every declared body field refuses a float, at any depth.


def _field_types() -> list[tuple[str, object]]:
    from ledger.domain.events import EVENT_CLASSES

    out: list[tuple[str, object]] = []
    seen: set[type] = set()

    def walk(cls: type, where: str) -> None:
        if cls in seen:
            return
        seen.add(cls)
        for spec in cls.specs():  # type: ignore[attr-defined]
            out.append((f"{where}.{spec.name}", spec.type))
            t = spec.type
            while t.item is not None:
                t = t.item
            if t.record is not None:
                walk(t.record, f"{where}.{spec.name}")

    for kind, cls in EVENT_CLASSES.items():
        walk(cls, str(kind))
    return out


@pytest.mark.parametrize(("where", "ftype"), _field_types(), ids=lambda x: str(x)[:60])
@pytest.mark.parametrize("bad", [1.5, 30.0, math.nan, math.inf])
def test_every_declared_field_refuses_a_float(where: str, ftype, bad: float) -> None:  # type: ignore[no-untyped-def]
    from ledger.errors import FieldError

    with pytest.raises(FieldError):
        ftype.parse(bad, "body.x")
    with pytest.raises(FieldError):  # inside a list or a nested object too
        ftype.parse([bad], "body.x")
    if ftype.record is not None:
        for spec in ftype.record.specs():
            with pytest.raises(FieldError):
                ftype.record.parse({spec.name: bad}, "body.x")


def test_field_walk_reaches_nested_records() -> None:
    names = {where for where, _ in _field_types()}
    assert "commitment.recorded.terms.days" in names
    assert len(names) > 60


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(),
        lambda kids: (
            st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=5), kids, max_size=4)
        ),
        max_leaves=20,
    )
)
@settings(max_examples=200, deadline=None)
def test_float_free_encoding_equals_canonical(value: object) -> None:
    from ledger.canonical import canonical_float_free

    assert canonical_float_free(value) == canonical(value)
