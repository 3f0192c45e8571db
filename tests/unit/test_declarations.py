"""Every event kind round-trips through its one declaration (STYLE.md §3b).

Parse (the validating parser), decode (the trusted decoder), encode, the
Chinese labels of the kind, its fields and its enum values.  The ``ledger
record`` commands made from the same declarations are tested in
tests/cli/test_record_cli.py.
"""

from __future__ import annotations

import copy
from enum import StrEnum

import pytest

from ledger.domain.events import (
    ENUM_LABELS,
    EVENT_CLASSES,
    EventKind,
    Terms,
    decode_body,
    label,
    parse_body,
)
from tests.unit.test_events import ALL_VALID


def _cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize(("kind", "body"), ALL_VALID)
def test_parse_decode_encode_agree(kind: str, body: dict[str, object]) -> None:
    original = copy.deepcopy(body)
    parsed = parse_body(kind, body)
    decoded = decode_body(kind, body)
    assert decoded == parsed
    assert decoded.to_body() == original


def test_every_kind_is_declared_with_a_label_and_labelled_fields() -> None:
    assert set(EVENT_CLASSES) == set(EventKind)
    for kind, cls in EVENT_CLASSES.items():
        assert cls.kind is kind
        assert _cjk(label(kind)) and label(kind) == label(kind.value) == cls.label
        for spec in cls.specs():
            assert _cjk(spec.label), (kind, spec.name)
            assert spec.type.parse is not None and spec.type.decode is not None
            assert spec.name in cls.field_names()
            if spec.type.choices:
                enum_cls = type(spec.type.decode(spec.type.choices[0]))
                assert issubclass(enum_cls, StrEnum)
                assert set(ENUM_LABELS[enum_cls]) == set(spec.type.choices)
    assert next(s.name for s in Terms.specs()) == "basis"


def test_enum_labels_are_chinese_and_complete() -> None:
    for enum_cls, labels in ENUM_LABELS.items():
        assert set(labels) == {m.value for m in enum_cls}
        assert all(_cjk(text) for text in labels.values())
        assert all(label(m) == labels[m.value] for m in enum_cls)


def test_a_damaged_stored_body_does_not_decode() -> None:
    with pytest.raises((KeyError, ValueError)):
        decode_body("payment.made", {"commitment": "x", "amount": "1.00"})
    with pytest.raises(ValueError):
        decode_body(
            "agency.registered", {"agency": "a", "name": "n", "category": "x", "region": "1"}
        )


def _args(kind: EventKind, body: dict[str, object]) -> list[str]:
    """Command-line options for ``body``, from the options the declarations made."""
    from ledger_cli.record_cmd import options_for

    args: list[str] = []
    for opt in options_for(kind):
        value: object = body
        for key in opt.path:
            value = value.get(key) if isinstance(value, dict) else None
        if value is None:
            continue
        if isinstance(value, bool):
            flag = opt.name.removeprefix("--")
            args.append(f"--{flag}" if value else f"--no-{flag}")
        elif isinstance(value, list):
            for item in value:
                args += [opt.name, str(item)]
        else:
            args += [opt.name, str(value)]
    if "ref" in body:
        args += ["--ref", str(body["ref"])]
    return args


@pytest.mark.parametrize(("kind", "body"), ALL_VALID)
def test_every_recordable_kind_round_trips_through_its_command(
    kind: str, body: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    import ledger_cli.record_cmd as rc
    from click.testing import CliRunner

    cls = EVENT_CLASSES[EventKind(kind)]
    if cls.command is None:
        assert cls.command not in rc.record.commands
        return
    seen: list[tuple[object, dict[str, object]]] = []

    def capture(env, k, b, key_name, dry_run, options=None):  # type: ignore[no-untyped-def]
        clean = {n: v for n, v in b.items() if v is not None and v != [] and v != ()}
        seen.append((k, clean))
        assert parse_body(k, clean).to_body() == clean

    monkeypatch.setattr(rc, "_record", capture)
    args = [cls.command, *_args(EventKind(kind), body), "--key", "k"]
    from pathlib import Path

    from ledger_cli.context import Env

    env = Env(db="sqlite://", keystore_path=Path("unused"))
    res = CliRunner().invoke(rc.record, args, obj=env, catch_exceptions=False)
    assert res.exit_code == 0, (args, res.output)
    assert seen == [(EventKind(kind), body)]
    help_text = CliRunner().invoke(rc.record, [cls.command, "--help"]).output
    assert cls.label in help_text and f"({kind})" in help_text
    for spec in cls.specs():
        if spec.type.record is None:
            assert spec.label in help_text, spec.name
