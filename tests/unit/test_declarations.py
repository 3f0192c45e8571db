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


def test_sheet_and_table_headers_of_declared_fields_are_the_declarations_labels() -> None:
    """The 台账 sheet's headers, the tables' and workbooks' column headers and the
    declarations name one field alike (issue 10: labels had drifted: 合同文件哈希 and
    文件哈希, 承诺编号 and 合同编号, 承继机关 and 承继单位, 类别 and 单位类别)."""
    from ledger_reports.labels import COLUMN

    from ledger.columns import COLUMNS
    from ledger.domain.events import (
        AgencyRegistered,
        AgencySucceeded,
        CommitmentRecorded,
        EnterpriseRegistered,
        PaymentMade,
    )

    declared: dict[str, set[str]] = {}
    for record in (CommitmentRecorded, EnterpriseRegistered, Terms, PaymentMade):
        for spec in record.specs():
            declared.setdefault(spec.name, set()).add(spec.label)
    declared["enterprise_name"] = {
        s.label for s in EnterpriseRegistered.specs() if s.name == "name"
    }
    sheet = {c.key: c.zh for c in COLUMNS}
    # the sheet's 单位 column takes an agency's id or its name: wider than the id field;
    # the tables' 签订机关 tells the signer from the 持有机关 beside it
    assert sheet["agency"] == "单位" and "单位编号" in declared["agency"]
    for key, header in sheet.items():
        if key in declared and key != "agency":
            assert header in declared[key], (key, header, declared[key])
    for key, header in COLUMN.items():
        # an audit's ``due`` is the contractual due date it computed (delivery + days, ...),
        # not the sheet's fixed due date of basis ``date``
        if key in sheet and key not in {"agency", "due"}:  # money columns say their unit
            assert header.removesuffix("（元）") == sheet[key], (key, header, sheet[key])
    for record, key in ((AgencyRegistered, "category"), (AgencySucceeded, "successor")):
        assert COLUMN[key] == next(s.label for s in record.specs() if s.name == key)


def test_no_text_a_person_reads_calls_a_payable_by_another_name() -> None:
    """应付账款 (the declared label of ``payable``) everywhere a person reads it; the
    sheet still accepts 应付款 as a synonym on import."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    assert (
        ENUM_LABELS[next(iter(k for k in ENUM_LABELS if k.__name__ == "CommitmentType"))]["payable"]
        == "应付账款"
    )
    found = []
    for folder in ("ledger", "cli", "reports"):
        for path in (root / folder).rglob("*"):
            if path.suffix in {".py", ".po", ".html", ".md"}:
                for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                    if "应付款" in line and '("应付款", "payable")' not in line:
                        found.append(f"{path.relative_to(root)}:{n}")
    assert found == []
