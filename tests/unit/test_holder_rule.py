"""One holder rule (DOMAIN.md revision 2, ``agency.succeeded``), asked by every caller.

The scenario of issue 10: agency A is split, first recorded A -> C effective
2024-06-01, then A -> B effective 2024-01-01.  A commitment A signed in 2023
is held by C from 2024-06-01 (the latest by effective date, not by log
order), by B between 2024-01-01 and 2024-05-31.  Show, list, recorder scope
(append and verify), the projections, the audits and the reports must all
name the same holder, on SQLite and PostgreSQL.  Also: the unit rules of
:mod:`ledger.domain.registry` (named successions, the date each holder was reached,
the two refusals).
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ledger_reports.arrears import build_arrears
from ledger_reports.models import Directory, LogAnchor, ReportContext

from ledger.audit import ArrearsReport, arrears_audit, turnover_audit
from ledger.domain.registry import EnterpriseNames, Succession, Successions
from ledger.domain.tables import commitment_history, commitment_holders, list_commitments
from ledger.errors import BadInput
from ledger.verify import verify_ledger
from tests.conftest import World
from tests.helpers.pdf import cjk_font_or_skip, pdf_text
from tests.unit.test_domain_support import USCC, agency, deliver, enterprise, pay, record

D = dt.date(2025, 12, 31)


def _succeed(preds: list[str], successor: str, effective: str, **extra: object) -> tuple[str, dict]:  # type: ignore[type-arg]
    body = {"predecessors": preds, "successor": successor, "reason": "restructuring"}
    return ("agency.succeeded", {**body, "effective": effective, **extra})


def _split_world(w: World) -> None:
    w.append(
        "registrar",
        [agency("A"), agency("B"), agency("C"), enterprise(USCC[0])],
    )
    w.append(
        "registrar",
        [
            record("k1", "A", signed_on="2023-03-01", amount="5000.00"),
            deliver("k1", "2023-03-10"),
        ],
    )
    w.append("registrar", [_succeed(["A"], "C", "2024-06-01")])  # recorded first
    w.append("registrar", [_succeed(["A"], "B", "2024-01-01")])  # effective first
    w.register("rec-b", agencies=["B"])
    w.register("rec-c", agencies=["C"])


def _arrears_pdf_text(world: World, report: ArrearsReport, directory: Directory) -> str:
    """The text of the arrears PDF of ``report`` as of D, beside ``directory``."""
    size = world.ledger.size()  # type: ignore[attr-defined]
    cp = world.ledger.checkpoint(world.signer(), world.clock)  # type: ignore[attr-defined]
    ctx = ReportContext(
        as_of=D,
        generated_at=dt.datetime(2026, 1, 6, tzinfo=dt.UTC),
        anchor=LogAnchor(world.ledger.origin, size, cp.root, cp.note, cp.size),  # type: ignore[attr-defined]
        directory=directory,
    )
    return pdf_text(build_arrears(report, ctx, cjk_font_or_skip())).replace("\n", "")


def test_a_split_with_out_of_order_dates_names_one_holder_everywhere(world: World) -> None:
    _split_world(world)
    engine = world.ledger.engine  # type: ignore[attr-defined]
    # show and list
    with engine.connect() as conn:
        shown = commitment_history(conn, "k1")
        listed = commitment_holders(conn, list_commitments(conn))
    assert shown is not None and shown.holder == "C"
    assert listed == {"k1": "C"}
    # recorder scope on append: C's recorder may pay, B's may not
    with pytest.raises(BadInput, match="rec-b"):
        world.append("rec-b", [pay("k1", "100.00", "2025-01-02")])
    world.append("rec-c", [pay("k1", "100.00", "2025-01-02")])
    # ... and verify agrees (scope replayed from the log with the same rule)
    verify_ledger(world.ledger)  # type: ignore[arg-type]
    # the projections: A's successor in full is the winner by (effective, seq)
    from tests.unit.test_domain_support import row

    a = row(world, "agencies", agency="A")
    assert a is not None and (a["successor"], a["succeeded_on"]) == ("C", dt.date(2024, 1, 1))
    # the audits, at D and at a date between the two successions
    arrears = arrears_audit(engine, D)
    assert [(i.commitment, i.holder, i.agency) for i in arrears.items] == [("k1", "C", "A")]
    assert set(arrears.totals.by_holder) == {"C"}
    earlier = arrears_audit(engine, dt.date(2024, 3, 1))
    assert [i.holder for i in earlier.items] == ["B"]
    turnover = turnover_audit(engine, D)
    assert [(f.commitment, f.holder) for f in turnover.findings] == [("k1", "C")]
    # the report prints the audit's holder, never B
    names = Directory(agencies={"A": "机关A", "B": "机关B", "C": "机关C"})
    text = _arrears_pdf_text(world, arrears, names)
    assert "（C）" in text and "（B）" not in text


def test_a_succession_naming_the_commitment_wins(world: World) -> None:
    world.append("registrar", [agency("A"), agency("B"), agency("C"), enterprise(USCC[0])])
    world.append(
        "registrar",
        [record("k1", "A", signed_on="2023-03-01"), record("k2", "A", signed_on="2023-03-01")],
    )
    world.append("registrar", [_succeed(["A"], "B", "2024-02-01", commitments=["k1"])])
    world.append("registrar", [_succeed(["A"], "C", "2024-06-01")])
    with world.ledger.engine.connect() as conn:  # type: ignore[attr-defined]
        holders = commitment_holders(conn, list_commitments(conn))
    # k1: the named succession wins over the later one in full; k2 follows the one in full
    assert holders == {"k1": "B", "k2": "C"}
    # A was split, not succeeded in full, before 2024-06: it still signs
    world.append("registrar", [record("k3", "A", signed_on="2024-03-01")])
    with pytest.raises(BadInput, match="body.agency: .*succeeded"):
        world.append("registrar", [record("k4", "A", signed_on="2024-06-01")])
    verify_ledger(world.ledger)  # type: ignore[arg-type]


def test_refusals_of_a_gone_successor_and_of_a_cycle(world: World) -> None:
    world.append("registrar", [agency("A"), agency("B"), agency("C")])
    world.append("registrar", [_succeed(["B"], "C", "2024-01-01")])  # B is gone from 2024-01
    with pytest.raises(BadInput, match=r"body.successor: .*no longer exists"):
        world.append("registrar", [_succeed(["A"], "B", "2024-03-01")])
    world.append("registrar", [_succeed(["A"], "B", "2023-06-01")])  # before: fine
    with pytest.raises(BadInput, match=r"body.predecessors\[0\]: .*cycle"):
        world.append("registrar", [_succeed(["C"], "A", "2024-09-01")])


def _s(seq: int, preds: str, succ: str, eff: str, named: set[str] | None = None) -> Succession:
    return Succession(
        seq,
        tuple(preds),
        succ,
        dt.date.fromisoformat(eff),
        "restructuring",
        None if named is None else frozenset(named),
    )


def test_each_holder_is_reached_on_its_date() -> None:
    # A -> B in 2024-03; B had been split to C in 2024-01, before B held A's debts
    reg = Successions([_s(1, "B", "C", "2024-01-01"), _s(2, "A", "B", "2024-03-01")])
    assert reg.holder("A", dt.date(2023, 1, 1)) == "B"
    assert reg.holder("B", dt.date(2023, 1, 1)) == "C"
    assert reg.holder("A", dt.date(2023, 1, 1), on=dt.date(2024, 2, 1)) == "A"
    h = reg.holding("A", dt.date(2023, 1, 1), "x")
    assert h.seqs == (2,) and h.reached == dt.date(2024, 3, 1)


def test_the_latest_by_effective_then_seq_wins() -> None:
    reg = Successions([_s(5, "A", "C", "2024-06-01"), _s(9, "A", "B", "2024-01-01")])
    assert reg.holder("A", dt.date(2023, 1, 1)) == "C"
    assert reg.holder("A", dt.date(2023, 1, 1), on=dt.date(2024, 5, 31)) == "B"
    tie = Successions([_s(7, "A", "C", "2024-06-01"), _s(3, "A", "B", "2024-06-01")])
    assert tie.holder("A", dt.date(2023, 1, 1)) == "C"
    # signed after both: nothing applies (r <= effective fails)
    assert reg.holder("A", dt.date(2024, 7, 1)) == "A"


def test_a_cycle_through_named_successions_is_refused() -> None:
    reg = Successions([_s(1, "A", "B", "2024-01-01", {"k"})])
    assert reg.refusal(_s(2, "B", "A", "2024-02-01", {"k"})) is not None
    # another commitment: no common commitment, no cycle
    assert reg.refusal(_s(2, "B", "A", "2024-02-01", {"j"})) is None
    # earlier in time: a path B -> A (2023) -> B (2024) revisits B
    assert reg.refusal(_s(2, "B", "A", "2023-06-01", {"k"})) is not None


def test_names_and_sizes_as_of_a_date_follow_effective_then_seq() -> None:
    e = EnterpriseNames("甲公司", "small")
    e.update(dt.date(2024, 6, 1), 20, "乙公司", None)
    e.update(dt.date(2024, 1, 1), 30, None, "medium")
    e.update(dt.date(2024, 6, 1), 10, "丙公司", "large")
    assert e.name_on(dt.date(2023, 12, 31)) == "甲公司"
    assert e.size_on(dt.date(2024, 2, 1)) == "medium"
    assert e.name_on(dt.date(2024, 6, 1)) == "乙公司"  # seq 20 after seq 10 on one date
    assert e.size_on(dt.date(2024, 6, 1)) == "large"
    assert e.name_on() == "乙公司"


def test_a_renamed_enterprise_is_named_alike_everywhere(world: World) -> None:
    """An enterprise's name as of D (DOMAIN.md) is the one list, show, the audits and
    the reports print: the registration's name before its first rename, each new one
    from its effective date."""
    from ledger.domain.views import enterprises
    from ledger.report_inputs import load_names
    from tests.unit.test_domain_support import enterprise_updated

    u = USCC[0]
    world.append("registrar", [agency("A"), enterprise(u, name="旧名公司")])
    world.append(
        "registrar",
        [
            record("k1", "A", signed_on="2023-03-01", amount="5000.00"),
            deliver("k1", "2023-03-10"),
            enterprise_updated(u, "2025-12-01", name="末名公司", size="medium"),
            enterprise_updated(u, "2025-06-01", name="新名公司"),  # logged later, dated earlier
        ],
    )
    engine = world.ledger.engine  # type: ignore[attr-defined]
    for on, name, size in (
        (dt.date(2025, 5, 31), "旧名公司", "small"),
        (dt.date(2025, 6, 30), "新名公司", "small"),
        (D, "末名公司", "medium"),
    ):
        assert load_names(engine, on).enterprises == {u: name}  # show, and every report
        assert [(e.name, e.size) for e in enterprises(engine, on)] == [(name, size)]  # list
        assert arrears_audit(engine, on).enterprise_names == {u: name}
    # an unknown --enterprise is answered with the closest, named as of the audit date
    from ledger.audit.filtering import check_filter
    from ledger.audit.history import load_registry, snapshot
    from ledger.audit.results import AuditFilter

    with snapshot(engine) as conn:
        reg = load_registry(conn)
    with pytest.raises(BadInput) as err:
        check_filter(reg, AuditFilter(enterprise=u[:-1] + ("0" if u[-1] != "0" else "1")), D)
    assert u in str(err.value) and "末名公司" in str(err.value)
    # the projection row holds the latest by (effective, seq)
    from tests.unit.test_domain_support import row

    assert (row(world, "enterprises", uscc=u) or {}).get("name") == "末名公司"
    # the report prints the audit's name even beside a directory of another date
    earlier_names = Directory.of(load_names(engine, dt.date(2025, 5, 31)))
    text = _arrears_pdf_text(world, arrears_audit(engine, D), earlier_names)
    assert "末名公司" in text and "旧名公司" not in text


@given(
    st.lists(
        st.tuples(
            st.dates(dt.date(2024, 1, 1), dt.date(2024, 1, 6)),
            st.sampled_from([None, "乙", "丙", "丁"]),
            st.sampled_from([None, "micro", "medium", "large"]),
        ),
        max_size=8,
    )
)
def test_the_projection_keeps_the_latest_as_enterprise_names_orders_them(
    updates: list[tuple[dt.date, str | None, str | None]],
) -> None:
    """The ``enterprises`` projection keeps only the latest value and its date
    (``EnterpriseNames.takes_over``, applied in seq order); it must agree with the
    full (effective, seq) order of ``EnterpriseNames`` for any updates."""
    names = EnterpriseNames("甲", "small")
    name, name_since, size, size_since = "甲", None, "small", None
    for seq, (effective, new_name, new_size) in enumerate(updates, start=1):
        names.update(effective, seq, new_name, new_size)
        if new_name is not None and EnterpriseNames.takes_over(effective, name_since):
            name, name_since = new_name, effective
        if new_size is not None and EnterpriseNames.takes_over(effective, size_since):
            size, size_since = new_size, effective
    assert (name, size) == (names.name_on(), names.size_on())


def test_the_walks_of_the_audits_follow_successions_by_date() -> None:
    """``reach`` (every agency that may hold an agency's commitments by a date) and
    ``predecessors`` (every agency an agency took over by a date), through chains."""
    reg = Successions(
        [
            _s(1, "A", "B", "2024-01-01"),
            _s(2, "B", "C", "2024-06-01"),
            _s(3, "D", "C", "2025-01-01"),
            _s(4, "C", "E", "2025-03-01", {"k"}),  # a split naming k: still reached
        ]
    )
    d = dt.date.fromisoformat
    assert reg.reach("A", d("2023-12-31")) == {"A"}
    assert reg.reach("A", d("2024-03-01")) == {"A", "B"}
    assert reg.reach("A", d("2024-06-01")) == {"A", "B", "C"}
    assert reg.reach("A", D) == {"A", "B", "C", "E"}
    assert reg.reach("D", D) == {"D", "C", "E"}
    assert reg.predecessors("C", d("2024-05-31")) == set()
    assert reg.predecessors("C", d("2024-12-31")) == {"A", "B"}
    assert reg.predecessors("C", D) == {"A", "B", "D"}
    assert reg.predecessors("E", D) == {"A", "B", "C", "D"}


def test_the_refusals_read_chinese_first_then_english() -> None:
    """Each refusal of Successions is a both() message: its halves separate."""
    from ledger.errors import split_both

    reg = Successions([_s(1, "A", "B", "2024-01-01"), _s(2, "B", "C", "2024-06-01")])
    gone = reg.refusal(_s(3, "X", "B", "2024-07-01"))  # B no longer exists then
    cycle = reg.refusal(_s(3, "C", "A", "2024-07-01"))  # A -> B -> C -> A
    earlier = reg.refusal(_s(3, "B", "Y", "2024-01-01"))  # B took over on 2024-01-01
    for found, english in (
        (gone, "takes over nothing"),
        (cycle, "make a cycle"),
        (earlier, "takes over nothing"),
    ):
        assert found is not None
        zh, en = split_both(found[1])
        assert zh != en and english in en and "（" not in en and any("\u4e00" <= c for c in zh)
