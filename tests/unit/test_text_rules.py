"""DOMAIN revision 2 "Text:" rules, the leaf limit and unique payment references (issue 13).

Items 6, 7 and 11: what a recorder may write into the append-only log.  The
append tests run on SQLite and PostgreSQL (a NUL once crashed PostgreSQL
appends while SQLite took it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from ledger.domain.events import parse_body
from ledger.errors import BadInput, FieldError
from ledger.text import TextKind, check_text, limit, skeleton, terminal_safe
from tests.conftest import World
from tests.unit.test_domain_support import (
    BACKENDS,
    Stmt,
    agency,
    appoint,
    complain,
    deliver,
    dispute,
    pay,
    record,
    row,
    shared_world,
)


@pytest.fixture(scope="module", params=BACKENDS)
def w(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield from shared_world(request, tmp_path_factory)


def refused(w: World, stmts: list[Stmt], field: str, match: str) -> BadInput:
    size = w.ledger.size()  # type: ignore[attr-defined]
    with pytest.raises(BadInput) as err:
        w.append("registrar", stmts)
    assert re.search(rf"{re.escape(field)}: .*{match}", str(err.value)), str(err.value)
    assert w.ledger.size() == size  # type: ignore[attr-defined]
    return err.value


_n = 0


def fresh(prefix: str = "T") -> str:
    global _n
    _n += 1
    return f"{prefix}-{_n}"


# ------------------------------------------------------------------ pure rules


@pytest.mark.parametrize(
    ("kind", "most"),
    [
        (TextKind.ID, 200),
        (TextKind.LABEL, 200),
        (TextKind.NAME, 200),
        (TextKind.TITLE, 500),
        (TextKind.REASON, 2000),
    ],
)
def test_limits_at_their_boundary(kind: TextKind, most: int) -> None:
    assert limit(kind) == most
    assert check_text("合" * most, kind, "p") == "合" * most
    with pytest.raises(FieldError, match=f"at most {most} characters, got {most + 1}"):
        check_text("合" * (most + 1), kind, "p")


def test_a_huge_value_is_refused_by_its_length_first() -> None:
    # 20 million characters with a NUL at the end: the length is what is reported.
    with pytest.raises(FieldError, match="at most 500 characters, got 20000001"):
        check_text("x" * 20_000_000 + "\0", TextKind.TITLE, "body.title")


@pytest.mark.parametrize(
    "bad",
    [
        "C\x001",  # NUL
        "C\x1b[31m1",  # ANSI escape
        "C1\r",  # carriage return
        "C\u200b1",  # zero-width space (Cf)
        "\u202eC1",  # right-to-left override (Cf)
        "C\u20601",  # word joiner (Cf)
        "C\ue0001",  # private use (Co)
        "C\x851",  # C1 control NEL
    ],
)
@pytest.mark.parametrize("kind", list(TextKind))
def test_forbidden_characters_in_every_kind(bad: str, kind: TextKind) -> None:
    with pytest.raises(FieldError, match=r"U\+[0-9A-F]{4}"):
        check_text(bad, kind, "p")


def test_a_line_feed_only_in_titles_reasons_and_summaries() -> None:
    for kind in (TextKind.TITLE, TextKind.REASON):
        assert check_text("第一行\n第二行", kind, "p")
    for kind in (TextKind.ID, TextKind.LABEL, TextKind.NAME):
        with pytest.raises(FieldError, match="U\\+000A"):
            check_text("第一行\n第二行", kind, "p")


@pytest.mark.parametrize("text", ["Ｃ１", "ﬁle", "C\u0301", "①"])
def test_ids_must_be_nfkc_stable(text: str) -> None:
    with pytest.raises(FieldError, match="NFKC"):
        check_text(text, TextKind.ID, "p")
    assert check_text(text, TextKind.NAME, "p") == text  # names keep their spelling
    assert check_text(text, TextKind.LABEL, "p") == text  # so do references and terms


def test_skeletons_of_look_alikes() -> None:
    assert skeleton("C1") == skeleton("С1")  # Cyrillic Es
    assert skeleton("C-001") == skeleton("C-OO1") == skeleton("C-00l")
    assert skeleton("yy-czj") != skeleton("yy-jtj")
    assert skeleton("合同001") != skeleton("合同002")


def test_skeleton_follows_ts39_section_4() -> None:
    # Values from TS #39's own data (confusables.txt, shipped in ledger/data):
    # U+0430 CYRILLIC SMALL A → U+0061; U+FF21 FULLWIDTH A → U+0041; U+0131
    # DOTLESS I → U+0069; 'rn' is left alone but U+217F SMALL ROMAN NUMERAL
    # ONE THOUSAND → 'm' → itself 'rn'.
    assert skeleton("\u0430") == "a"
    assert skeleton("\uff21") == "A"
    assert skeleton("\u0131") == "i"
    assert skeleton("\u217f") == skeleton("m") == "rn"
    # NFD first, then NFD again: a precomposed é and e + U+0301 share a skeleton.
    assert skeleton("caf\u00e9") == skeleton("cafe\u0301")
    # the data file itself is what it claims to be (sha256 in ledger/data/README.md)
    import hashlib
    from importlib import resources

    data = resources.files("ledger.data").joinpath("confusables.txt").read_bytes()
    assert hashlib.sha256(data).hexdigest() == (
        "96f2500ec78fd96f11561d4b40237435dfece70303b1db3c0974138a333aa206"
    )


def test_event_fields_follow_the_rules() -> None:
    body = {"agency": "a", "name": "x" * 201, "category": "organ", "region": "430600"}
    with pytest.raises(FieldError, match="at most 200") as err:
        parse_body("agency.registered", body)
    assert err.value.field == "body.name"
    _, rec = record("C1", title="标题" * 251)
    with pytest.raises(FieldError) as err:
        parse_body("commitment.recorded", rec)
    assert err.value.field == "body.title"
    _, p = pay("C1", "1.00", ref="r" * 201)
    with pytest.raises(FieldError) as err:
        parse_body("payment.made", p)
    assert err.value.field == "body.reference"
    _, d = dispute("C1", "1.00", reason="原因\n" * 700)
    with pytest.raises(FieldError, match="at most 2000") as err:
        parse_body("commitment.disputed", d)
    assert err.value.field == "body.reason"


def test_terminal_output_escapes_controls() -> None:
    shown = terminal_safe("C1\x1b[2J\u202e合同\r\n")
    assert "\x1b" not in shown and "\u202e" not in shown and "\r" not in shown
    assert shown == "C1\\u001b[2J\\u202e合同\\u000d\n"
    assert terminal_safe("plain ascii") == "plain ascii"


# ------------------------------------------------------------------ on append


def test_nul_is_refused_before_the_database(w: World) -> None:
    cid = fresh()
    refused(w, [record(cid, title="道路\x00维修")], "body.title", "U\\+0000")
    refused(w, [agency("a\x00b")], "body.agency", "U\\+0000")


def test_zero_width_and_rtl_ids_are_refused(w: World) -> None:
    refused(w, [record("C\u200b1")], "body.commitment", "U\\+200B")
    refused(w, [record("\u202e1C")], "body.commitment", "U\\+202E")


def test_a_confusable_id_is_refused_naming_the_existing_one(w: World) -> None:
    base = fresh("CX")
    w.append("registrar", [record(base)])
    look_alike = base.replace("C", "С")  # Cyrillic Es
    err = refused(w, [record(look_alike)], "body.commitment", "existing commitment")
    assert repr(base) in str(err)
    # of the same kind only: an agency may share a commitment's skeleton
    w.append("registrar", [agency(look_alike)])
    refused(w, [agency(base)], "body.agency", f"existing agency {look_alike!r}")
    # two look-alikes in one file: the second is refused
    one = fresh("OF")
    two = one.replace("O", "0")
    refused(
        w,
        [
            appoint(one, "a", "2020-01-01", role="deputy"),
            appoint(two, "a", "2020-01-01", role="deputy"),
        ],
        "body.official",
        f"existing official {one!r}",
    )


def test_reappointing_an_official_is_not_a_new_id(w: World) -> None:
    o = fresh("OFF")
    w.append("registrar", [appoint(o, "a", "2020-01-01", role="deputy")])
    w.append("registrar", [appoint(o, "b", "2021-01-01", role="deputy")])


def test_a_leaf_above_65535_bytes_is_refused(w: World) -> None:
    cid = fresh()
    # each condition is within its 2,000-character limit; together they are not
    conditions = ["审计" * 1000] * 12
    err = refused(
        w,
        [record(cid, terms={"basis": "delivery", "days": 30, "conditions": conditions})],
        "",
        "65535 bytes",
    )
    assert "leaf" in str(err)


def test_a_complaint_summary_at_its_limit_is_accepted(w: World) -> None:
    cid = fresh()
    kind, body = complain(cid)
    w.append("registrar", [record(cid), (kind, {**body, "summary": "投诉\n" * 666 + "投诉"})])


def test_a_second_payment_under_one_reference_is_refused(w: World) -> None:
    cid = fresh()
    w.append(
        "registrar",
        [record(cid), deliver(cid, "2024-02-01"), pay(cid, "100.00", ref="凭证-0042")],
    )
    first = row(w, "payments", commitment=cid)
    assert first is not None
    err = refused(w, [pay(cid, "150.00", ref="凭证-0042")], "body.reference", "already used")
    assert f"seq {first['seq']}" in str(err) and "reversing that payment" in str(err)
    # in one file too
    other = fresh()
    w.append("registrar", [record(other), deliver(other, "2024-02-01")])
    refused(
        w,
        [pay(other, "1.00", ref="R-1"), pay(other, "2.00", ref="R-1")],
        "body.reference",
        "already used",
    )
    # the same reference on another commitment is fine
    w.append("registrar", [pay(other, "1.00", ref="凭证-0042")])
