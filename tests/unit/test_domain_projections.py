"""Projection effects: one test per event kind, plus successions, tenures and sizes over time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import orjson
import pytest

from ledger.domain.tables import (
    agency_holders,
    commitment_history,
    enterprise_size_on,
    list_agencies,
    principal_on,
)
from tests.conftest import World
from tests.unit.test_domain_support import (
    BACKENDS,
    USCC,
    accept,
    agency,
    amend,
    appoint,
    complain,
    deliver,
    depart,
    dispute,
    enterprise,
    enterprise_updated,
    pay,
    record,
    repudiate,
    resolve,
    row,
    rows,
    settle,
    shared_world,
    succeed,
    term_changed,
    void,
)


@pytest.fixture(scope="module", params=BACKENDS)
def w(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield from shared_world(request, tmp_path_factory)


def seq_of(res: object, line: int = 1) -> int:
    return res.first_seq + line - 1  # type: ignore[attr-defined,no-any-return]


def test_agency_registered(w: World) -> None:
    res = w.append("registrar", [agency("x-1", "institution", "430602")])
    assert row(w, "agencies", agency="x-1") == {
        "agency": "x-1",
        "name": "机关x-1",
        "category": "institution",
        "region": "430602",
        "registered_seq": res.first_seq,
        "successor": None,
        "succeeded_seq": None,
        "succeeded_on": None,
    }


def test_successions_chained(world: World) -> None:
    world.append("registrar", [agency("A"), agency("B"), agency("C")])
    r1 = world.append("registrar", [succeed(["A"], "B", "2024-01-01")])
    r2 = world.append("registrar", [succeed(["B"], "C", "2025-01-01", "function_change")])
    assert rows(world, "successions") == [
        {
            "seq": r1.first_seq,
            "predecessor": "A",
            "successor": "B",
            "reason": "restructuring",
            "effective": date(2024, 1, 1),
            "commitments": None,
        },
        {
            "seq": r2.first_seq,
            "predecessor": "B",
            "successor": "C",
            "reason": "function_change",
            "effective": date(2025, 1, 1),
            "commitments": None,
        },
    ]
    a = row(world, "agencies", agency="A")
    assert a is not None and (a["successor"], a["succeeded_on"]) == ("B", date(2024, 1, 1))
    with world.ledger.engine.connect() as conn:  # type: ignore[attr-defined]
        holders = agency_holders(conn, list_agencies(conn))
    assert (holders["A"], holders["B"], holders["C"]) == ("C", "C", "C")


def test_successions_merged(world: World) -> None:
    world.append("registrar", [agency("A"), agency("B"), agency("C")])
    res = world.append("registrar", [succeed(["A", "B"], "C", "2024-07-01", "division_adjustment")])
    got = rows(world, "successions")
    assert [(r["seq"], r["predecessor"], r["successor"]) for r in got] == [
        (res.first_seq, "A", "C"),
        (res.first_seq, "B", "C"),
    ]
    with world.ledger.engine.connect() as conn:  # type: ignore[attr-defined]
        holders = agency_holders(conn, list_agencies(conn))
    assert holders["A"] == holders["B"] == "C"


def test_a_split_agency_is_held_by_the_latest_successor(w: World) -> None:
    w.append("registrar", [agency("S"), agency("S1"), agency("S2")])
    w.append("registrar", [succeed(["S"], "S1", "2024-01-01", "division_adjustment")])
    w.append("registrar", [succeed(["S"], "S2", "2024-01-01", "division_adjustment")])
    s = row(w, "agencies", agency="S")
    assert s is not None and s["successor"] == "S2"


def test_official_appointed_and_a_principal_replaced(world: World) -> None:
    world.append("registrar", [agency("A")])
    r1 = world.append("registrar", [appoint("zhang", "A", "2021-06-01")])
    world.append("registrar", [appoint("li", "A", "2022-01-01", "deputy")])
    r3 = world.append("registrar", [appoint("wang", "A", "2024-09-01")])
    zhang, li, wang = rows(world, "tenures", agency="A")
    assert (zhang["official"], zhang["start"], zhang["end"]) == (
        "zhang",
        date(2021, 6, 1),
        date(2024, 8, 31),
    )
    assert (zhang["end_seq"], zhang["ended_by"]) == (r3.first_seq, "replaced")
    assert zhang["seq"] == r1.first_seq
    assert li["end"] is None  # a deputy stays
    assert (wang["role"], wang["end"]) == ("principal", None)
    with world.ledger.engine.connect() as conn:  # type: ignore[attr-defined]
        assert principal_on(conn, "A", date(2024, 8, 31)) == "zhang"
        assert principal_on(conn, "A", date(2024, 9, 1)) == "wang"
        assert principal_on(conn, "A", date(2021, 5, 31)) is None


def test_a_deputy_promoted_ends_the_deputy_tenure(w: World) -> None:
    w.append("registrar", [agency("P"), appoint("d1", "P", "2020-01-01", "deputy")])
    res = w.append("registrar", [appoint("d1", "P", "2023-01-01")])
    first, second = rows(w, "tenures", agency="P")
    assert (first["role"], first["end"], first["ended_by"]) == (
        "deputy",
        date(2022, 12, 31),
        "reappointed",
    )
    assert (second["role"], second["seq"], second["end"]) == ("principal", res.first_seq, None)


def test_official_departed(w: World) -> None:
    w.append("registrar", [agency("D"), appoint("dp", "D", "2020-01-01")])
    res = w.append("registrar", [depart("dp", "D", "2023-03-31")])
    (t,) = rows(w, "tenures", agency="D")
    assert (t["end"], t["end_seq"], t["ended_by"]) == (date(2023, 3, 31), res.first_seq, "departed")
    # a departure recorded after the successor's appointment shortens the tenure
    w.append("registrar", [appoint("dq", "D", "2024-01-01"), appoint("dr", "D", "2025-01-01")])
    w.append("registrar", [depart("dq", "D", "2024-10-31")])
    dq = rows(w, "tenures", official="dq")[0]
    assert (dq["end"], dq["ended_by"]) == (date(2024, 10, 31), "departed")


def test_government_term_changed(w: World) -> None:
    res = w.append("registrar", [term_changed("430602", "第九届", "2022-01-01")])
    assert row(w, "term_changes", seq=res.first_seq) == {
        "seq": res.first_seq,
        "region": "430602",
        "term": "第九届",
        "effective": date(2022, 1, 1),
    }


def test_enterprise_registered(w: World) -> None:
    res = w.append("registrar", [enterprise(USCC[50], "micro", "岳阳甲公司")])
    assert row(w, "enterprises", uscc=USCC[50]) == {
        "uscc": USCC[50],
        "name": "岳阳甲公司",
        "size": "micro",
        "ownership": "private",
        "registered_seq": res.first_seq,
        "name_effective": None,
        "size_effective": None,
        "updated_seq": None,
    }
    assert rows(w, "enterprise_history", uscc=USCC[50]) == [
        {
            "seq": res.first_seq,
            "uscc": USCC[50],
            "effective": None,
            "size": "micro",
            "name": "岳阳甲公司",
        }
    ]


def test_an_enterprise_whose_size_changed_after_signing(w: World) -> None:
    u = USCC[51]
    w.append("registrar", [enterprise(u, "small"), record("SZ-1", uscc=u, signed_on="2024-03-01")])
    res = w.append("registrar", [enterprise_updated(u, "2025-01-01", size="large", name="新名")])
    e = row(w, "enterprises", uscc=u)
    assert e is not None
    assert (e["size"], e["name"], e["size_effective"], e["updated_seq"]) == (
        "large",
        "新名",
        date(2025, 1, 1),
        res.first_seq,
    )
    with w.ledger.engine.connect() as conn:  # type: ignore[attr-defined]
        assert enterprise_size_on(conn, u, date(2024, 3, 1)) == "small"  # as of signing
        assert enterprise_size_on(conn, u, date(2025, 1, 1)) == "large"
    # an update effective earlier than the current one is history, not the current size
    w.append("registrar", [enterprise_updated(u, "2024-06-01", size="medium")])
    e = row(w, "enterprises", uscc=u)
    assert e is not None and e["size"] == "large"
    with w.ledger.engine.connect() as conn:  # type: ignore[attr-defined]
        assert enterprise_size_on(conn, u, date(2024, 7, 1)) == "medium"
    c = row(w, "commitments", commitment="SZ-1")
    assert c is not None and c["enterprise"] == u


def test_commitment_recorded(w: World) -> None:
    res = w.append(
        "registrar",
        [
            record(
                "CR-1",
                amount="125000.00",
                terms={"basis": "acceptance", "days": 30, "acceptance_days": 15},
                official="p-a",
                interest_rate="3.45",
            )
        ],
    )
    c = row(w, "commitments", commitment="CR-1")
    assert c is not None
    assert orjson.loads(c.pop("terms")) == {
        "basis": "acceptance",
        "days": 30,
        "acceptance_days": 15,
    }
    assert c == {
        "commitment": "CR-1",
        "type": "contract",
        "agency": "a",
        "enterprise": USCC[0],
        "title": "合同CR-1",
        "currency": "CNY",
        "amount": 12_500_000,
        "agreed_amount": 12_500_000,
        "signed_on": date(2024, 1, 10),
        "interest_rate": "3.45",
        "official": "p-a",
        "policy_ref": None,
        "document_sha256": None,
        "recorded_seq": res.first_seq,
        "principal": 12_500_000,
        "paid": 0,
        "outstanding": 12_500_000,
        "disputed": 0,
        "waived": 0,
        "written_off": 0,
        "first_delivery": None,
        "last_delivery": None,
        "first_acceptance": None,
        "unconsented_amendments": 0,
        "complaints": 0,
        "repudiated_seq": None,
        "settled_seq": None,
        "voided": False,
        "voided_seq": None,
        "last_seq": res.first_seq,
    }


def test_commitment_delivered_keeps_first_and_latest(w: World) -> None:
    w.append(
        "registrar", [record("DL-1"), deliver("DL-1", "2024-02-10"), deliver("DL-1", "2024-02-01")]
    )
    c = row(w, "commitments", commitment="DL-1")
    assert c is not None and (c["first_delivery"], c["last_delivery"]) == (
        date(2024, 2, 1),
        date(2024, 2, 10),
    )


def test_commitment_accepted_keeps_the_first(w: World) -> None:
    w.append(
        "registrar",
        [
            record("AC-1"),
            deliver("AC-1", "2024-02-01"),
            accept("AC-1", "2024-02-20"),
            accept("AC-1", "2024-02-15"),
        ],
    )
    c = row(w, "commitments", commitment="AC-1")
    assert c is not None and c["first_acceptance"] == date(2024, 2, 15)


def test_commitment_amended_with_and_without_consent(w: World) -> None:
    w.append("registrar", [record("AM-1", amount="1000.00")])
    w.append(
        "registrar",
        [amend("AM-1", {"amount": "800.00", "conditions_added": ["审计"]}, consent=False)],
    )
    c = row(w, "commitments", commitment="AM-1")
    assert c is not None and (c["agreed_amount"], c["unconsented_amendments"]) == (100_000, 1)
    assert "conditions" not in orjson.loads(c["terms"])
    w.append(
        "registrar",
        [
            pay("AM-1", "100.00"),
            amend(
                "AM-1",
                {
                    "amount": "1500.00",
                    "terms": {"basis": "date", "due": "2024-12-31"},
                    "interest_rate": "4.00",
                    "conditions_added": ["竣工验收备案"],
                },
            ),
        ],
    )
    c = row(w, "commitments", commitment="AM-1")
    assert c is not None
    assert (c["amount"], c["agreed_amount"], c["principal"], c["paid"], c["outstanding"]) == (
        100_000,
        150_000,
        150_000,
        10_000,
        140_000,
    )
    assert orjson.loads(c["terms"]) == {
        "basis": "date",
        "due": "2024-12-31",
        "conditions": ["竣工验收备案"],
    }
    assert c["interest_rate"] == "4.00"


def test_payment_made(w: World) -> None:
    res = w.append(
        "registrar",
        [
            record("PM-1", amount="1000.00"),
            pay("PM-1", "400.00", "2024-02-01", "回单-1"),
            pay("PM-1", "600.00", "2024-03-01", "票据-1", method="bill", maturity="2024-09-01"),
        ],
    )
    c = row(w, "commitments", commitment="PM-1")
    assert c is not None and (c["paid"], c["outstanding"], c["last_seq"]) == (
        100_000,
        0,
        res.first_seq + 2,
    )
    assert rows(w, "payments", commitment="PM-1") == [
        {
            "seq": res.first_seq + 1,
            "commitment": "PM-1",
            "currency": "CNY",
            "amount": 40_000,
            "date": date(2024, 2, 1),
            "reference": "回单-1",
            "method": "transfer",
            "maturity": None,
        },
        {
            "seq": res.first_seq + 2,
            "commitment": "PM-1",
            "currency": "CNY",
            "amount": 60_000,
            "date": date(2024, 3, 1),
            "reference": "票据-1",
            "method": "bill",
            "maturity": date(2024, 9, 1),
        },
    ]


def test_commitment_disputed(w: World) -> None:
    res = w.append(
        "registrar",
        [record("DS-1"), dispute("DS-1", "300.00", "2024-03-01", reason_code="quality")],
    )
    c = row(w, "commitments", commitment="DS-1")
    assert c is not None and (c["disputed"], c["outstanding"]) == (30_000, 100_000)
    assert rows(w, "disputes", commitment="DS-1") == [
        {
            "seq": res.first_seq + 1,
            "commitment": "DS-1",
            "amount": 30_000,
            "date": date(2024, 3, 1),
            "reason": "质量争议",
            "reason_code": "quality",
            "status": "open",
            "resolved_seq": None,
            "resolved_on": None,
        }
    ]


def test_dispute_resolved_closes_every_open_dispute(w: World) -> None:
    w.append("registrar", [record("RS-1"), dispute("RS-1", "300.00", "2024-03-01")])
    w.append("registrar", [dispute("RS-1", "200.00", "2024-03-05")])  # a later batch
    res = w.append("registrar", [resolve("RS-1", "120.00", "2024-04-01")])
    c = row(w, "commitments", commitment="RS-1")
    assert c is not None
    assert (c["disputed"], c["written_off"], c["principal"], c["outstanding"]) == (
        0,
        12_000,
        88_000,
        88_000,
    )
    got = rows(w, "disputes", commitment="RS-1")
    assert [(d["status"], d["resolved_seq"], d["resolved_on"]) for d in got] == [
        ("resolved", res.first_seq, date(2024, 4, 1))
    ] * 2


def test_commitment_repudiated(w: World) -> None:
    res = w.append(
        "registrar", [record("RP-1"), repudiate("RP-1"), repudiate("RP-1", "2024-06-01")]
    )
    c = row(w, "commitments", commitment="RP-1")
    assert c is not None and c["repudiated_seq"] == res.first_seq + 1  # the first one


def test_commitment_settled(w: World) -> None:
    res = w.append("registrar", [record("ST-1"), pay("ST-1", "500.00"), settle("ST-1", "100.00")])
    c = row(w, "commitments", commitment="ST-1")
    assert c is not None
    assert (c["waived"], c["principal"], c["paid"], c["outstanding"], c["settled_seq"]) == (
        10_000,
        90_000,
        50_000,
        40_000,
        res.first_seq + 2,
    )


def test_commitment_voided_keeps_its_balances_and_the_void_seq(w: World) -> None:
    res = w.append("registrar", [record("VD-1"), pay("VD-1", "100.00"), void("VD-1")])
    c = row(w, "commitments", commitment="VD-1")
    assert c is not None
    assert (c["voided"], c["voided_seq"], c["paid"], c["outstanding"]) == (
        True,
        res.first_seq + 2,
        10_000,
        90_000,
    )


def test_complaint_filed_even_after_a_void(w: World) -> None:
    w.append(
        "registrar",
        [record("CF-1"), complain("CF-1"), void("CF-1"), complain("CF-1", "2024-08-01")],
    )
    c = row(w, "commitments", commitment="CF-1")
    assert c is not None and c["complaints"] == 2


def test_key_events_only_reach_domain_events(w: World) -> None:
    w.register("clerk-x", agencies=["a"])
    last = w.ledger.size() - 1  # type: ignore[attr-defined]
    ev = row(w, "domain_events", seq=last)
    assert ev is not None and (ev["kind"], ev["commitment"]) == ("key.registered", None)


def test_later_lines_of_a_batch_see_earlier_ones(w: World) -> None:
    res = w.append(
        "registrar",
        [
            agency("bt"),
            enterprise(USCC[60]),
            appoint("bt-p", "bt", "2020-01-01"),
            record("BT-1", "bt", USCC[60], "50.00", official="bt-p"),
            pay("BT-1", "20.00"),
            pay("BT-1", "30.00"),
        ],
    )
    assert res.appended == 6
    c = row(w, "commitments", commitment="BT-1")
    assert c is not None and c["outstanding"] == 0


def test_commitment_history_lists_every_entry_with_its_seq(w: World) -> None:
    res = w.append(
        "registrar",
        [record("HS-1"), deliver("HS-1", "2024-02-01"), pay("HS-1", "250.00", "2024-03-01")],
    )
    with w.ledger.engine.connect() as conn:  # type: ignore[attr-defined]
        view = commitment_history(conn, "HS-1")
        assert commitment_history(conn, "nope") is None
    assert view is not None and view.holder == "a"
    assert [(i.seq, i.kind, i.date, i.amount) for i in view.items] == [
        (res.first_seq, "commitment.recorded", "2024-01-10", 100_000),
        (res.first_seq + 1, "commitment.delivered", "2024-02-01", None),
        (res.first_seq + 2, "payment.made", "2024-03-01", 25_000),
    ]
    assert view.commitment.outstanding == 75_000
