"""Cross-check of the audits against DOMAIN.md (revision 2), hand-computed from the text.

Each expected figure is worked out by hand in the comments from the written rules,
never from the code under test.  Day-of-year (doy) 2025: Jan 31, Feb 59, Mar 90,
Apr 120, May 151, Jun 181, Jul 212, Aug 243, Sep 273, Oct 304, Nov 334, Dec 365.
2025 rest days used: Labour Day 05-01..05-05, Dragon Boat 05-31..06-02, National
Day 10-01..10-08 (09-28 Sunday a 调休 working day).  One-year LPR 3.00 from
2025-05-20.  0.05% a day: 10,000.00 yuan owe 5.00 a day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from ledger.audit import arrears_audit, disclosure_audit, turnover_audit
from ledger.audit.export import arrears_json, disclosure_json, turnover_json
from tests.conftest import World
from tests.helpers.audit_world import (
    BACKENDS,
    accepted,
    agency,
    amended,
    appointed,
    commitment,
    confirmed,
    delivered,
    departed,
    disputed,
    enterprise,
    enterprise_updated,
    interest_paid,
    paid,
    repudiated,
    resolved,
    reversed_,
    settled,
    shared_world,
    succeeded,
    term_changed,
    voided,
)

D = dt.date(2025, 12, 31)
D30 = {"basis": "delivery", "days": 30}


def build_arrears(w: World) -> None:
    w.append(
        "registrar",
        [
            agency("org", "organ", "430600"),
            agency("ins", "institution", "430600"),
            agency("soe", "soe", "430600"),
            enterprise(1, "small"),
            enterprise(2, "micro"),
        ],
    )
    w.append(
        "registrar",
        [
            # A: delivery 09-05 + 30 = 10-05, National Day: moves to Thursday 10-09
            commitment("A", "org", 1, "10000.00", "2025-08-01", D30),
            delivered("A", "2025-09-05"),
            # B: acceptance deadline 04-25 + 10 = 05-05 (holiday) -> 05-06; never accepted
            commitment(
                "B",
                "ins",
                2,
                "20000.00",
                "2025-04-01",
                {"basis": "acceptance", "days": 20, "acceptance_days": 10},
            ),
            delivered("B", "2025-04-25"),
            # C: soe buyer, 2025 text, 90 agreed days, no cap
            commitment("C", "soe", 1, "40000.00", "2025-06-15", {"basis": "delivery", "days": 90}),
            delivered("C", "2025-07-01"),
            # D5: soe buyer, 2025 text, no agreed days: 60 statutory
            commitment("D5", "soe", 1, "10000.00", "2025-06-15", {"basis": "delivery"}),
            delivered("D5", "2025-07-01"),
            # D0: soe buyer, 2020 text, no agreed days: no date at all
            commitment("D0", "soe", 1, "10000.00", "2024-02-01", {"basis": "delivery"}),
            delivered("D0", "2024-03-01"),
            # E: signed 2019 with an agreed 3.65%
            commitment("E", "org", 1, "100000.00", "2019-06-01", D30, interest_rate="3.65"),
            delivered("E", "2019-07-01"),
            # E0: signed 2019, nothing agreed on interest
            commitment("E0", "org", 1, "10000.00", "2019-06-01", D30),
            delivered("E0", "2019-07-01"),
            # F: agreed 2.00 below the LPR 3.00 at signing
            commitment("F", "org", 1, "365000.00", "2025-06-10", D30, interest_rate="2.00"),
            delivered("F", "2025-06-20"),
            # G: partial payment, late
            commitment("G", "org", 1, "100000.00", "2025-02-01", D30),
            delivered("G", "2025-03-03"),
            paid("G", "40000.00", "2025-05-02"),
            # H: dispute holds back its part only
            commitment("H", "org", 1, "50000.00", "2025-02-01", D30),
            delivered("H", "2025-03-03"),
            disputed("H", "20000.00", "2025-05-02"),
            # H2: all disputed after it was late
            commitment("H2", "org", 1, "20000.00", "2025-02-01", D30),
            delivered("H2", "2025-03-03"),
            disputed("H2", "20000.00", "2025-05-02"),
            # I: bill maturing after the due date
            commitment("I", "org", 1, "30000.00", "2025-02-01", D30),
            delivered("I", "2025-03-03"),
            paid("I", "30000.00", "2025-03-20", method="bill", maturity="2025-06-30"),
            # J: as I, with part of the interest paid
            commitment("J", "org", 1, "30000.00", "2025-02-01", D30),
            delivered("J", "2025-03-03"),
            paid("J", "30000.00", "2025-03-20", method="bill", maturity="2025-06-30"),
            interest_paid("J", "335.00", "2025-08-01"),
            # J2: as I, all interest paid
            commitment("J2", "org", 1, "30000.00", "2025-02-01", D30),
            delivered("J2", "2025-03-03"),
            paid("J2", "30000.00", "2025-03-20", method="bill", maturity="2025-06-30"),
            interest_paid("J2", "1335.00", "2025-08-01"),
            # K: payment reversed
            commitment("K", "org", 1, "10000.00", "2025-02-01", D30),
            delivered("K", "2025-03-03"),
            paid("K", "10000.00", "2025-03-15", reference="R1"),
            reversed_("K", "R1", "2025-04-10"),
            # L: settlement basis, two parts
            commitment(
                "L", "org", 1, "100000.00", "2025-01-10", {"basis": "settlement", "days": 30}
            ),
            confirmed("L", "2025-03-03", "40000.00"),
            confirmed("L", "2025-09-05", "30000.00"),
            paid("L", "40000.00", "2025-04-20"),
            # M: fixed due on a Saturday
            commitment(
                "M", "org", 1, "10000.00", "2025-04-01", {"basis": "date", "due": "2025-05-31"}
            ),
            delivered("M", "2025-04-15"),
        ],
    )


@pytest.fixture(scope="module", params=BACKENDS)
def arrears_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    with shared_world(request.param, tmp_path_factory.mktemp("xcheck_arrears")) as w:
        build_arrears(w)
        yield w


def _json(w: World, as_of: dt.date = D) -> dict[str, Any]:
    return arrears_json(arrears_audit(w.ledger.engine, as_of, include_all=True))


def _row(out: dict[str, Any], cid: str) -> tuple[Any, ...]:
    i = next(i for i in out["items"] if i["commitment"] == cid)
    keys = ("due", "statutory_due", "effective_due", "days_overdue", "bucket", "interest")
    return tuple(i[k] for k in keys) + (i["flags"],)


# commitment -> (due, statutory_due, effective_due, days_overdue, bucket, interest, flags)
EXPECTED = {
    # 09-05 + 30 = 10-05 (National Day) -> 10-09; 365 - 282 = 83 days; 5.00 x 83
    "A": ("2025-10-09", "2025-10-09", "2025-10-09", 83, "31-90", "415.00", []),
    # deadline 04-25 + 10 = 05-05 (Labour Day) -> 05-06; not accepted: start 05-06,
    # + 20 = 05-26 (Mon, doy 146); 365 - 146 = 219; 10.00 x 219 (2020 text: start before 06-01)
    "B": (
        "2025-05-26",
        "2025-05-26",
        "2025-05-26",
        219,
        "181-365",
        "2190.00",
        ["ACCEPTANCE_DELAYED"],
    ),
    # soe, 2025 text: 07-01 + 90 = 09-29 (Mon), no cap, no TERM_OVER_60; 365 - 272 = 93; 20.00 x 93
    "C": ("2025-09-29", "2025-09-29", "2025-09-29", 93, "91-180", "1860.00", []),
    # soe, 2025 text, no days: 07-01 + 60 = 08-30 (Sat) -> 09-01 (doy 244); 121 x 5.00
    "D5": (None, "2025-09-01", "2025-09-01", 121, "91-180", "605.00", []),
    # soe, 2020 text, no days: no contractual and no statutory date, never overdue
    "D0": (None, None, None, None, None, "0.00", []),
    # signed 2019: 07-01 + 30 = 07-31; no statutory date; 2019-07-31..2025-12-31 = 2345
    # days; agreed 3.65%: 100,000 x 3.65% / 365 = 10.00 a day -> 23,450.00 (no LPR floor)
    "E": ("2019-07-31", None, "2019-07-31", 2345, ">365", "23450.00", []),
    # signed 2019, no agreed rate: no interest at all
    "E0": ("2019-07-31", None, "2019-07-31", 2345, ">365", "0.00", []),
    # 06-20 + 30 = 07-20 (Sun) -> 07-21 (doy 202); 163 days; agreed 2.00 < LPR 3.00:
    # 365,000 x 3% / 365 = 30.00 a day x 163 = 4,890.00
    "F": ("2025-07-21", "2025-07-21", "2025-07-21", 163, "91-180", "4890.00", ["RATE_BELOW_LPR"]),
    # 03-03 + 30 = 04-02 (doy 92): 40,000 paid 05-02 (30 days late) 20.00 x 30 = 600.00;
    # 60,000 unpaid 273 days x 30.00 = 8,190.00; total 8,790.00
    "G": ("2025-04-02", "2025-04-02", "2025-04-02", 273, "181-365", "8790.00", []),
    # 20,000 disputed 05-02: 10.00 x 30 = 300.00; 30,000 undisputed 15.00 x 273 = 4,095.00
    "H": (
        "2025-04-02",
        "2025-04-02",
        "2025-04-02",
        273,
        "181-365",
        "4395.00",
        ["UNDISPUTED_UNPAID"],
    ),
    # reversed payment never counted: 5.00 x 273
    "K": ("2025-04-02", "2025-04-02", "2025-04-02", 273, "181-365", "1365.00", []),
    # parts: 40,000 confirmed 03-03 due 04-02 paid 04-20 (18 days x 20.00 = 360.00);
    # 30,000 confirmed 09-05 due 10-09, unpaid 83 days x 15.00 = 1,245.00
    "L": ("2025-10-09", "2025-10-09", "2025-10-09", 83, "31-90", "1605.00", []),
    # fixed due 05-31 (Sat) does not move; agreed days 05-31 - 04-15 = 46, statutory
    # 04-15 + 46 = 05-31 -> Dragon Boat holiday -> 06-03; earlier is 05-31; 214 x 5.00
    "M": ("2025-05-31", "2025-06-03", "2025-05-31", 214, "181-365", "1070.00", []),
}


def test_dates_days_and_interest_by_hand(arrears_world: World) -> None:
    out = _json(arrears_world)
    got = {cid: _row(out, cid) for cid in EXPECTED}
    assert got == EXPECTED


def test_balances_and_overdue_amounts(arrears_world: World) -> None:
    out = _json(arrears_world)
    items = {i["commitment"]: i for i in out["items"]}

    def money(cid: str) -> tuple[str, str, str, str, str]:
        i = items[cid]
        return (i["principal"], i["paid"], i["outstanding"], i["disputed"], i["overdue_amount"])

    assert money("G") == ("100000.00", "40000.00", "60000.00", "0.00", "60000.00")
    # overdue: overdue_amount = outstanding, disputed part included
    assert money("H") == ("50000.00", "0.00", "50000.00", "20000.00", "50000.00")
    # settlement: only the overdue part; the unconfirmed 30,000 never due
    assert money("L") == ("100000.00", "40000.00", "60000.00", "0.00", "30000.00")
    assert money("K")[1:3] == ("0.00", "10000.00")
    # interest.paid: owed = computed - paid, never below zero
    assert (items["J"]["interest_paid"], items["J"]["interest_owed"]) == ("335.00", "1000.00")
    assert (items["J2"]["interest_paid"], items["J2"]["interest_owed"]) == ("1335.00", "0.00")
    for cid in ("I", "J", "J2"):
        assert items[cid]["flags"] == ["NONCASH_EXTENSION"]
        assert items[cid]["outstanding"] == "0.00"
    assert out["reversed"][0]["commitment"] == "K"
    assert (out["reversed"][0]["reference"], out["reversed"][0]["amount"]) == ("R1", "10000.00")


def test_late_paid_by_hand(arrears_world: World) -> None:
    out = _json(arrears_world)
    late = {
        r["commitment"]: (r["effective_due"], r["days_late"], r["interest"])
        for r in out["late_paid"]
    }
    assert late == {
        # all 20,000 disputed 05-02, 30 days after 04-02: 10.00 x 30
        "H2": ("2025-04-02", 30, "300.00"),
        # bill matured 06-30: 04-02..06-30 = 89 days x 15.00 = 1,335.00
        "I": ("2025-04-02", 89, "1335.00"),
        "J": ("2025-04-02", 89, "1335.00"),
        # J2 paid all its interest: leaves late_paid
    }


def test_totals_by_hand(arrears_world: World) -> None:
    t = _json(arrears_world)["totals"]
    # overdue: A B C D5 E E0 F G H K L M
    assert t["count"] == 12
    # 10+20+40+10+100+10+365+60+50+10+60+10 thousand
    assert t["outstanding"] == "745000.00"
    # 745,000 - L's unconfirmed 30,000 (not yet overdue)
    assert t["overdue_amount"] == "715000.00"
    # 415+2190+1860+605+23450+0+4890+8790+4395+1365+1605+1070
    assert t["interest"] == "50635.00"
    # H2 300 + I 1335 + J 1335
    assert t["late_paid_interest"] == "2970.00"
    buckets = {k: (v["count"], v["outstanding"]) for k, v in t["by_bucket"].items()}
    assert buckets["31-90"] == (2, "70000.00")  # A 10,000 + L 60,000
    assert buckets["91-180"] == (3, "415000.00")  # C + D5 + F
    assert buckets["181-365"] == (5, "150000.00")  # B G H K M
    assert buckets[">365"] == (2, "110000.00")  # E E0
    assert t["by_holder"]["soe"]["outstanding"] == "50000.00"


def build_edges(w: World) -> None:
    w.append(
        "registrar",
        [
            agency("org", "organ", "430600"),
            enterprise(1, "small"),
        ],
    )
    w.append(
        "registrar",
        [
            # N1: dispute resolved with a write-off
            commitment("N1", "org", 1, "30000.00", "2025-02-01", D30),
            delivered("N1", "2025-03-03"),
            disputed("N1", "10000.00", "2025-05-02"),
            resolved("N1", "2025-07-01", "4000.00"),
            # N2: disputed before due, the undisputed rest paid late
            commitment("N2", "org", 1, "30000.00", "2025-02-01", D30),
            delivered("N2", "2025-03-03"),
            disputed("N2", "10000.00", "2025-03-20"),
            paid("N2", "20000.00", "2025-05-02"),
            # N3: settlement, dispute taken from the unconfirmed rest first
            commitment(
                "N3", "org", 1, "100000.00", "2025-01-10", {"basis": "settlement", "days": 30}
            ),
            confirmed("N3", "2025-03-03", "40000.00"),
            disputed("N3", "50000.00", "2025-05-01"),
            # N7: accepted on the moved acceptance deadline: not delayed
            commitment(
                "N7",
                "org",
                1,
                "20000.00",
                "2025-04-01",
                {"basis": "acceptance", "days": 20, "acceptance_days": 10},
            ),
            delivered("N7", "2025-04-25"),
            accepted("N7", "2025-05-06"),
            # N10: basis date, 90 agreed days, organ buyer
            commitment(
                "N10", "org", 1, "10000.00", "2025-05-01", {"basis": "date", "due": "2025-08-30"}
            ),
            delivered("N10", "2025-06-01"),
            # N11: the latest delivery counts
            commitment("N11", "org", 1, "10000.00", "2025-02-01", D30),
            delivered("N11", "2025-03-03"),
            delivered("N11", "2025-04-01", ref="2"),
        ],
    )


@pytest.fixture(scope="module", params=BACKENDS)
def edge_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    with shared_world(request.param, tmp_path_factory.mktemp("xcheck_edges")) as w:
        build_edges(w)
        yield w


def build_turnover(w: World) -> dict[str, int]:
    seqs: dict[str, int] = {}

    def one(name: str, stmt: tuple[str, dict[str, Any]]) -> None:
        seqs[name] = w.append("registrar", [stmt]).first_seq

    for s in [
        agency("ta", "organ", "430600"),
        agency("tb", "organ", "430700"),
        enterprise(1, "small"),
    ]:
        w.append("registrar", [s])
    one("p1", appointed("p1", "ta", "2024-01-01"))
    one("c1", commitment("T1", "ta", 1, "10000.00", "2025-01-10", D30))
    w.append("registrar", [delivered("T1", "2025-02-03"), paid("T1", "1000.00", "2025-04-01")])
    one("c2", commitment("T2", "ta", 1, "5000.00", "2025-01-10", D30))
    one("c3", commitment("T3", "ta", 1, "5000.00", "2025-01-10", D30))
    one("c5", commitment("T5", "tb", 1, "5000.00", "2025-01-10", D30))
    one("d5", disputed("T5", "1000.00", "2025-05-01", reason_code="restructuring"))
    # both on 06-03: term_change wins the tie over official_change
    one("p2", appointed("p2", "ta", "2025-06-03"))
    one("term", term_changed("430600", "第十届", "2025-06-03"))
    one("c6", commitment("T6", "ta", 1, "10000.00", "2025-06-03", D30))
    w.append("registrar", [delivered("T6", "2025-06-03")])
    one("d1", disputed("T1", "1000.00", "2025-07-01", reason_code="official_change"))
    one("r2", repudiated("T2", "2025-08-01"))
    one("a3", amended("T3", "2025-09-01", {"conditions_added": ["审计后付款"]}, False))
    one("p3", appointed("p3", "ta", "2025-10-01"))
    return seqs


@pytest.fixture(scope="module", params=BACKENDS)
def turnover_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[World, dict[str, int]]]:
    with shared_world(request.param, tmp_path_factory.mktemp("xcheck_turnover")) as w:
        yield w, build_turnover(w)


def build_disclosure(w: World) -> None:
    w.append(
        "registrar",
        [
            agency("da", "organ", "430600"),
            agency("db", "institution", "430600"),
            agency("dc", "association", "430600"),
            agency("dx", "organ", "430600", established="2026-01-02"),
            agency("do", "other", "430600"),
            agency("ds", "soe", "430600"),
            agency("ds2", "soe", "430600"),
            agency("ds3", "soe", "430600"),
            enterprise(1, "small"),
            enterprise(2, "large"),
        ],
    )
    w.append(
        "registrar",
        [
            commitment("X1", "da", 1, "10000.00", "2025-01-10", D30),
            delivered("X1", "2025-03-03"),
            commitment("X2", "da", 1, "5000.00", "2019-06-01", D30),
            delivered("X2", "2019-07-01"),
            commitment("X3", "da", 2, "7000.00", "2025-01-10", D30),
            delivered("X3", "2025-03-03"),
            commitment(
                "X4",
                "da",
                1,
                "8000.00",
                "2025-01-10",
                {"basis": "date", "due": "2025-03-01"},
                type_="policy",
            ),
            commitment("X5", "db", 1, "20000.00", "2025-01-10", D30),
            delivered("X5", "2025-03-03"),
            disputed("X5", "5000.00", "2025-05-01"),
            commitment("X6", "do", 1, "20000.00", "2025-01-10", D30),
            delivered("X6", "2025-03-03"),
            commitment("X7", "ds", 1, "3000.00", "2025-03-01", D30),
            delivered("X7", "2025-03-03"),
            paid("X7", "3000.00", "2025-03-10"),
            commitment("X8", "ds2", 2, "3000.00", "2025-03-01", D30),
            commitment("X9", "ds3", 1, "3000.00", "2026-01-02", D30),
            commitment("X10", "dx", 1, "3000.00", "2026-01-02", D30),
        ],
    )


@pytest.fixture(scope="module", params=BACKENDS)
def disclosure_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    with shared_world(request.param, tmp_path_factory.mktemp("xcheck_disclosure")) as w:
        build_disclosure(w)
        yield w


def build_edges2(w: World) -> None:
    w.append(
        "registrar",
        [
            agency("org", "organ", "430600"),
            enterprise(1, "small"),
            enterprise(3, "large"),
            enterprise_updated(3, "2025-06-01", "small"),
        ],
    )
    w.append(
        "registrar",
        [
            commitment(
                "V1", "org", 1, "10000.00", "2025-01-10", {"basis": "date", "due": "2025-03-31"}
            ),
            commitment("V2", "org", 1, "10000.00", "2025-02-01", D30),
            delivered("V2", "2025-03-03"),
            paid("V2", "10000.00", "2025-12-31"),
            commitment("V4", "org", 1, "10000.00", "2025-02-01", D30),
            delivered("V4", "2025-03-03"),
            paid("V4", "5000.00", "2025-04-12"),
            paid("V4", "5000.00", "2025-05-02"),
            commitment("V5", "org", 1, "10000.00", "2025-02-01", D30),
            delivered("V5", "2025-03-03"),
            amended("V5", "2025-05-01", {"amount": "5000.00"}, False),
            commitment("V6", "org", 1, "10000.00", "2025-02-01", D30),
            delivered("V6", "2025-03-03"),
            amended("V6", "2025-03-10", {"terms": {"basis": "delivery", "days": 60}}, True),
            commitment(
                "V7", "org", 1, "50000.00", "2025-01-10", {"basis": "settlement", "days": 30}
            ),
            confirmed("V7", "2025-03-03", "10000.00"),
            paid("V7", "30000.00", "2025-03-20"),
            confirmed("V7", "2025-09-05", "10000.00"),
            commitment("V8", "org", 3, "10000.00", "2025-02-01", D30),
            delivered("V8", "2025-03-03"),
        ],
    )


@pytest.fixture(scope="module", params=BACKENDS)
def edge2_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    with shared_world(request.param, tmp_path_factory.mktemp("xcheck_edges2")) as w:
        build_edges2(w)
        yield w


def build_turnover2(w: World) -> dict[str, int]:
    seqs: dict[str, int] = {}

    def one(name: str, stmt: tuple[str, dict[str, Any]]) -> None:
        seqs[name] = w.append("registrar", [stmt]).first_seq

    w.append(
        "registrar",
        [
            agency("ua", "organ", "430600"),
            agency("ub", "organ", "430600"),
            agency("uc", "organ", "430600"),
            agency("ud", "organ", "430600"),
            agency("ue", "organ", "430600"),
            enterprise(1, "small"),
        ],
    )
    one("q1", appointed("q1", "ua", "2024-01-01"))
    one("q3", appointed("q3", "uc", "2024-01-01"))
    w.append(
        "registrar",
        [
            commitment("U1", "ua", 1, "10000.00", "2025-01-10", D30),
            delivered("U1", "2025-02-03"),
            paid("U1", "1000.00", "2025-04-01", method="bill", maturity="2025-07-01"),
            commitment("U2", "ua", 1, "10000.00", "2025-01-10", D30),
            delivered("U2", "2025-02-03"),
            paid("U2", "1000.00", "2025-04-01"),
            commitment("U3", "uc", 1, "10000.00", "2025-01-10", D30),
            delivered("U3", "2025-02-03"),
            commitment("U4", "ud", 1, "10000.00", "2025-01-10", D30),
            delivered("U4", "2025-02-03"),
            commitment("U5", "ud", 1, "10000.00", "2025-01-10", D30),
            delivered("U5", "2025-02-03"),
        ],
    )
    one("succ", succeeded(["ua"], "ub", "2025-06-03"))
    one("q3again", appointed("q3", "uc", "2025-06-03"))
    one("deputy", appointed("q9", "uc", "2025-07-01", role="deputy"))
    w.append(
        "registrar",
        [
            commitment("U7", "ub", 1, "10000.00", "2025-06-10", D30),
            delivered("U7", "2025-06-10"),
        ],
    )
    one("q2", appointed("q2", "ub", "2025-07-01"))
    one("split", succeeded(["ud"], "ue", "2025-08-01", "division_adjustment", ["U4"]))
    return seqs


@pytest.fixture(scope="module", params=BACKENDS)
def turnover2_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[World, dict[str, int]]]:
    with shared_world(request.param, tmp_path_factory.mktemp("xcheck_turnover2")) as w:
        yield w, build_turnover2(w)


def build_disclosure2(w: World) -> None:
    w.append(
        "registrar",
        [
            agency("dy", "organ", "430600"),
            agency("dz", "organ", "430600"),
            agency("dw", "institution", "430600"),
            agency("dz2", "organ", "430600"),
            enterprise(1, "small"),
        ],
    )
    w.append(
        "registrar",
        [
            commitment("Y11", "dy", 1, "4000.00", "2025-01-10", D30),
            delivered("Y11", "2025-03-03"),
            commitment("Y12", "dw", 1, "1000.00", "2025-01-10", D30),
            delivered("Y12", "2025-03-03"),
            commitment("Y13", "dw", 1, "2000.00", "2025-01-10", D30),
            delivered("Y13", "2025-03-03"),
        ],
    )
    w.append(
        "registrar",
        [
            succeeded(["dy"], "dz", "2025-12-31"),
            succeeded(["dw"], "dz2", "2025-06-01", commitments=["Y12"]),
        ],
    )


@pytest.fixture(scope="module", params=BACKENDS)
def disclosure2_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    with shared_world(request.param, tmp_path_factory.mktemp("xcheck_disclosure2")) as w:
        build_disclosure2(w)
        yield w


EDGES = {
    # dispute 10,000 raised 05-02, resolved 07-01 writing off 4,000: principal 26,000;
    # the 6,000 not written off accrues as if never disputed: 13.00 x 273 = 3,549.00
    "N1": ("2025-04-02", "2025-04-02", "2025-04-02", 273, "181-365", "3549.00", []),
    # settlement: the 50,000 dispute comes out of the unconfirmed 60,000 first, so
    # the 40,000 part due 04-02 stays overdue: 20.00 x 273 = 5,460.00
    "N3": (
        "2025-04-02",
        "2025-04-02",
        "2025-04-02",
        273,
        "181-365",
        "5460.00",
        ["UNDISPUTED_UNPAID"],
    ),
    # accepted 05-06, the moved deadline (05-05 was a holiday): not delayed; + 20 = 05-26
    "N7": ("2025-05-26", "2025-05-26", "2025-05-26", 219, "181-365", "2190.00", []),
    # basis date 08-30, delivered 06-01: 90 agreed days > 60 (organ): statute 06-01 + 60 =
    # 07-31 (Thu, doy 212); 153 days x 5.00 = 765.00
    "N10": ("2025-08-30", "2025-07-31", "2025-07-31", 153, "91-180", "765.00", ["TERM_OVER_60"]),
    # latest delivery 04-01 + 30 = 05-01 (Labour Day) -> 05-06 (doy 126); 239 x 5.00
    "N11": ("2025-05-06", "2025-05-06", "2025-05-06", 239, "181-365", "1195.00", []),
}


def test_disputes_settlement_and_acceptance_edges(edge_world: World) -> None:
    out = _json(edge_world)
    assert {cid: _row(out, cid) for cid in EDGES} == EDGES
    items = {i["commitment"]: i for i in out["items"]}
    assert (items["N1"]["principal"], items["N1"]["disputed"]) == ("26000.00", "0.00")
    n3 = items["N3"]
    assert (n3["outstanding"], n3["disputed"], n3["overdue_amount"]) == (
        "100000.00",
        "50000.00",
        "40000.00",
    )
    # N2: 10,000 disputed 03-20 (before due: never late); 20,000 undisputed paid 05-02,
    # 30 days late: 10.00 x 30 = 300.00; the disputed rest is not overdue
    assert items["N2"]["days_overdue"] is None
    assert [(r["commitment"], r["days_late"], r["interest"]) for r in out["late_paid"]] == [
        ("N2", 30, "300.00")
    ]


EDGES2 = {
    # basis date, no delivery: due 03-31 (doy 90), no statutory date yet; 275 x 5.00
    "V1": ("2025-03-31", None, "2025-03-31", 275, "181-365", "1375.00", []),
    # unconsented cut of the amount changes nothing owed: 273 x 5.00
    "V5": (
        "2025-04-02",
        "2025-04-02",
        "2025-04-02",
        273,
        "181-365",
        "1365.00",
        ["CONDITIONS_ADDED"],
    ),
    # consented 60 days from signing on: 03-03 + 60 = 05-02 (holiday) -> 05-06; 239 x 5.00
    "V6": ("2025-05-06", "2025-05-06", "2025-05-06", 239, "181-365", "1195.00", []),
    # 30,000 paid 03-20 covers both confirmed parts (10,000 + 10,000) and 10,000 of the
    # rest: nothing overdue; no part unpaid -> the latest-due part's dates (09-05 -> 10-09)
    "V7": ("2025-10-09", "2025-10-09", "2025-10-09", None, None, "0.00", []),
    # large at signing (small only from 06-01): no statutory date, no interest agreed
    "V8": ("2025-04-02", None, "2025-04-02", 273, "181-365", "0.00", []),
}


def test_more_arrears_edges(edge2_world: World) -> None:
    out = _json(edge2_world)
    assert {cid: _row(out, cid) for cid in EDGES2} == EDGES2
    assert {r["commitment"]: (r["days_late"], r["interest"]) for r in out["late_paid"]} == {
        # paid in full on D itself: 04-02..12-31 = 273 days x 5.00
        "V2": (273, "1365.00"),
        # 5,000 10 days late (2.50 x 10 = 25.00), 5,000 30 days late (75.00): largest 30
        "V4": (30, "100.00"),
    }
    v7 = next(i for i in out["items"] if i["commitment"] == "V7")
    assert (v7["outstanding"], v7["overdue_amount"]) == ("20000.00", "0.00")


def _finding(out: dict[str, Any], cid: str) -> tuple[Any, ...]:
    f = next(f for f in out["findings"] if f["commitment"] == cid)
    t = f["turnover"]
    return (
        f["rules"],
        None if t is None else (t["type"], t["date"], t["seq"]),
        f["holder"],
        f["official_at_breach"],
        f["official_now"],
        f["outstanding"],
        f["days_under_new_leadership"],
    )


def test_turnover_rules_and_tie_order(turnover_world: tuple[World, dict[str, int]]) -> None:
    w, s = turnover_world
    out = turnover_json(turnover_audit(w.ledger.engine, D))
    assert sorted(f["commitment"] for f in out["findings"]) == ["T1", "T2", "T3", "T5", "T6"]
    term = ("term_change", "2025-06-03", s["term"])
    # T1: due 02-03 + 30 = 03-05; paid 1,000 on 04-01 then nothing: T1 + T4; dispute
    # citing official_change: T5. Breach = later(03-05, 06-03) = 06-03; p2 appointed and
    # the term changed that day: term_change wins the tie. 365 - 154 = 211 days.
    assert _finding(out, "T1") == (["T1", "T4", "T5"], term, "ta", "p2", "p3", "9000.00", 211)
    # repudiated 08-01 (not overdue: never delivered): named turnover the latest on or
    # before 08-01 that followed signing
    assert _finding(out, "T2") == (["T2"], term, "ta", "p2", "p3", "5000.00", None)
    assert _finding(out, "T3") == (["T3"], term, "ta", "p2", "p3", "5000.00", None)
    # T5 only, at an agency with no turnover at all
    assert _finding(out, "T5") == (["T5"], None, "tb", None, None, "5000.00", None)
    # signed on 06-03 itself: not legacy for the 06-03 turnovers; p3 on 10-01 is one;
    # due 06-03 + 30 = 07-03; breach 10-01 (doy 274); 365 - 274 = 91
    official = ("official_change", "2025-10-01", s["p3"])
    assert _finding(out, "T6") == (["T1"], official, "ta", "p3", "p3", "10000.00", 91)


def test_turnover_successions_bills_and_reappointment(
    turnover2_world: tuple[World, dict[str, int]],
) -> None:
    w, s = turnover2_world
    out = turnover_json(turnover_audit(w.ledger.engine, D))
    # U3 (principal re-appointed, deputy appointed: no turnover) and U5 (left behind by
    # a split naming only U4) yield nothing
    assert sorted(f["commitment"] for f in out["findings"]) == ["U1", "U2", "U4", "U7"]
    restr = ("restructuring", "2025-06-03", s["succ"])
    # U1: the bill paying 1,000 counts on its maturity 07-01, after both turnovers: no T4;
    # ub had no principal on 06-03
    assert _finding(out, "U1") == (["T1"], restr, "ub", None, "q2", "9000.00", 211)
    assert _finding(out, "U2") == (["T1", "T4"], restr, "ub", None, "q2", "9000.00", 211)
    # split naming U4 on 08-01 (doy 213): 365 - 213 = 152
    split = ("division_adjustment", "2025-08-01", s["split"])
    assert _finding(out, "U4") == (["T1"], split, "ue", None, None, "10000.00", 152)
    # q2 at ub, which succeeded ua (principal q1 before): official_change on 07-01;
    # U7 signed at ub 06-10, due 07-10 (doy 191): breach 07-10, 365 - 191 = 174
    official = ("official_change", "2025-07-01", s["q2"])
    assert _finding(out, "U7") == (["T1"], official, "ub", "q2", "q2", "10000.00", 174)


def test_disclosure_by_hand(disclosure_world: World) -> None:
    out = disclosure_json(disclosure_audit(disclosure_world.ledger.engine, 2025))
    rows = [(r["agency"], r["contracts"], r["amount"]) for r in out["agencies"]]
    # da: X1 10,000 (due 04-02) + X2 5,000 (2019, contractually overdue); X3 has a
    # large supplier, X4 is a policy. db: X5 20,000 with 5,000 disputed, included.
    # dc (association): zero row. dx established 2026, do category other: not listed.
    assert rows == [("da", 2, "15000.00"), ("db", 1, "20000.00"), ("dc", 0, "0.00")]
    assert out["totals"] == {"agencies": 3, "contracts": 3, "amount": "35000.00"}
    # ds: an SME contract, paid: a zero row; ds2 only a large supplier, ds3 signed 2026
    assert [(r["agency"], r["contracts"], r["amount"]) for r in out["annual_report"]] == [
        ("ds", 0, "0.00")
    ]


def test_disclosure_follows_successions(disclosure2_world: World) -> None:
    out = disclosure_json(disclosure_audit(disclosure2_world.ledger.engine, 2025))
    rows = [(r["agency"], r["contracts"], r["amount"]) for r in out["agencies"]]
    # dy succeeded in full on 12-31 itself: gone, dz discloses Y11; dw passed on only
    # Y12 (to dz2) and still discloses Y13
    assert rows == [("dw", 1, "2000.00"), ("dz", 1, "4000.00"), ("dz2", 1, "1000.00")]


def build_edges3(w: World) -> None:
    w.append(
        "registrar",
        [agency("org"), agency("soe", "soe"), enterprise(1), enterprise(4, "large")],
    )
    w.append(
        "registrar",
        [
            commitment(
                "W1",
                "org",
                1,
                "20000.00",
                "2025-04-01",
                {"basis": "acceptance", "days": 20, "acceptance_days": 10},
            ),
            delivered("W1", "2025-04-25"),
            commitment(
                "W2",
                "org",
                1,
                "10000.00",
                "2025-02-01",
                {"basis": "acceptance", "days": 20, "acceptance_days": 30},
            ),
            delivered("W2", "2025-03-03"),
            accepted("W2", "2025-03-10"),
            ("commitment.accepted", {"commitment": "W2", "date": "2025-03-20", "ref": "2"}),
            commitment(
                "W3", "org", 1, "10000.00", "2025-02-01", {"basis": "acceptance", "days": 20}
            ),
            delivered("W3", "2025-03-03"),
            accepted("W3", "2025-03-10"),
            commitment("W4", "org", 1, "10010.00", "2025-08-01", D30),
            delivered("W4", "2025-09-05"),
            commitment("P2", "org", 1, "30000.00", "2025-02-01", D30),
            delivered("P2", "2025-03-03"),
            disputed("P2", "10000.00", "2025-05-02"),
            paid("P2", "20000.00", "2025-06-01"),
            commitment("P3", "org", 1, "10000.00", "2025-02-01", D30),
            delivered("P3", "2025-03-03"),
            disputed("P3", "4000.00", "2025-05-02"),
            resolved("P3", "2025-07-01", "0.00"),
            commitment("P4", "org", 1, "10000.00", "2025-02-01", D30),
            delivered("P4", "2025-03-03"),
            settled("P4", "2025-06-01", "2000.00"),
            commitment(
                "P6", "org", 1, "100000.00", "2025-01-10", {"basis": "settlement", "days": 30}
            ),
            confirmed("P6", "2025-03-03", "40000.00"),
            confirmed("P6", "2025-04-01", "40000.00"),
            settled("P6", "2025-06-01", "30000.00"),
            commitment(
                "P7", "org", 1, "100000.00", "2025-01-10", {"basis": "settlement", "days": 30}
            ),
            confirmed("P7", "2025-03-03", "40000.00"),
            confirmed("P7", "2025-04-01", "40000.00"),
            paid("P7", "40000.00", "2025-03-10", method="bill", maturity="2025-07-01"),
            paid("P7", "30000.00", "2025-04-20"),
            commitment("P9", "soe", 4, "10000.00", "2025-06-10", {"basis": "delivery", "days": 90}),
            delivered("P9", "2025-07-01"),
            commitment("P11", "org", 1, "10000.00", "2025-02-01", D30),
            repudiated("P11", "2025-05-01"),
            commitment(
                "P12",
                "org",
                1,
                "10000.00",
                "2025-02-01",
                {"basis": "delivery", "days": 30, "conditions": ["audit"]},
            ),
            delivered("P12", "2025-03-03"),
            disputed("P12", "1000.00", "2025-05-01", reason_code="awaiting_audit"),
            commitment(
                "P12b",
                "org",
                1,
                "10000.00",
                "2025-02-01",
                {"basis": "delivery", "days": 30, "conditions": ["audit"]},
            ),
            delivered("P12b", "2025-03-03"),
            disputed("P12b", "1000.00", "2025-05-01", reason_code="awaiting_filing"),
            commitment("P15", "org", 1, "10000.00", "2025-02-01", D30, interest_rate="7.30"),
            delivered("P15", "2025-03-03"),
            amended("P15", "2025-03-10", {"interest_rate": "3.65"}, False),
        ],
    )


@pytest.fixture(scope="module", params=BACKENDS)
def edge3_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    with shared_world(request.param, tmp_path_factory.mktemp("xcheck_edges3")) as w:
        build_edges3(w)
        yield w


def test_acceptance_deadline_on_and_after_it(edge3_world: World) -> None:
    # W1: deadline 04-25 + 10 = 05-05 (holiday) -> 05-06; not accepted.  On 05-06 D is
    # not after the deadline: no start yet, no dates.  On 05-07 the start is 05-06.
    on = _json(edge3_world, dt.date(2025, 5, 6))
    assert _row(on, "W1") == (None, None, None, None, None, "0.00", [])
    after = _json(edge3_world, dt.date(2025, 5, 7))
    assert _row(after, "W1") == (
        "2025-05-26",
        "2025-05-26",
        "2025-05-26",
        None,
        None,
        "0.00",
        ["ACCEPTANCE_DELAYED"],
    )


EDGES3 = {
    # the first acceptance counts: 03-10 + 20 = 03-30 (Sun) -> 03-31 (doy 90); 275 x 5.00
    "W2": ("2025-03-31", "2025-03-31", "2025-03-31", 275, "181-365", "1375.00", []),
    "W3": (
        "2025-03-31",
        "2025-03-31",
        "2025-03-31",
        275,
        "181-365",
        "1375.00",
        ["ACCEPTANCE_PERIOD_MISSING"],
    ),
    # 10,010.00 x 0.0005 = 5.005 a day x 83 = 415.415 -> 415.42 (half-up, once)
    "W4": ("2025-10-09", "2025-10-09", "2025-10-09", 83, "31-90", "415.42", []),
    # dispute resolved writing off nothing: accrues as if never disputed, 5.00 x 273
    "P3": ("2025-04-02", "2025-04-02", "2025-04-02", 273, "181-365", "1365.00", []),
    # 2,000 waived never accrues: 8,000 x 0.0005 = 4.00 x 273 = 1,092.00
    "P4": ("2025-04-02", "2025-04-02", "2025-04-02", 273, "181-365", "1092.00", []),
    # parts 40,000 due 04-02 and 40,000 (04-01 + 30 = 05-01 -> 05-06); 30,000 waived: the
    # unconfirmed 20,000 first, then 10,000 off the latest-due part.  20.00 x 273 =
    # 5,460.00 + 30,000 x 0.0005 = 15.00 x 239 = 3,585.00 -> 9,045.00
    "P6": ("2025-04-02", "2025-04-02", "2025-04-02", 273, "181-365", "9045.00", []),
    # payments by the day they pay: 30,000 on 04-20 to part 1 (18 days late: 270.00), the
    # bill on its maturity 07-01: 10,000 to part 1 (90 days: 450.00), 30,000 to part 2
    # (05-06..07-01 = 56 days: 840.00); part 2's 10,000 unpaid 239 days: 1,195.00
    "P7": (
        "2025-05-06",
        "2025-05-06",
        "2025-05-06",
        239,
        "181-365",
        "2755.00",
        ["NONCASH_EXTENSION"],
    ),
    # soe buyer, large supplier: no statutory date, no agreed rate, no interest
    "P9": ("2025-09-29", None, "2025-09-29", 93, "91-180", "0.00", []),
    # repudiated, never delivered: not due
    "P11": (None, None, None, None, None, "0.00", ["REPUDIATED"]),
    # awaiting_audit where the terms list audit: no prohibited excuse; 1,000 disputed
    # 05-01: 0.50 x 29 = 14.50; 9,000: 4.50 x 273 = 1,228.50 -> 1,243.00
    "P12": (
        "2025-04-02",
        "2025-04-02",
        "2025-04-02",
        273,
        "181-365",
        "1243.00",
        ["UNDISPUTED_UNPAID"],
    ),
    "P12b": (
        "2025-04-02",
        "2025-04-02",
        "2025-04-02",
        273,
        "181-365",
        "1243.00",
        ["PROHIBITED_EXCUSE", "UNDISPUTED_UNPAID"],
    ),
    # unconsented rate cut changes nothing: 7.30% of 10,000 / 365 = 2.00 x 273
    "P15": (
        "2025-04-02",
        "2025-04-02",
        "2025-04-02",
        273,
        "181-365",
        "546.00",
        ["CONDITIONS_ADDED"],
    ),
}


def test_waivers_parts_excuses_and_rounding(edge3_world: World) -> None:
    out = _json(edge3_world)
    assert {cid: _row(out, cid) for cid in EDGES3} == EDGES3
    items = {i["commitment"]: i for i in out["items"]}
    assert (items["P6"]["principal"], items["P6"]["overdue_amount"]) == ("70000.00", "70000.00")
    assert (items["P7"]["outstanding"], items["P7"]["overdue_amount"]) == ("30000.00", "10000.00")
    # P2: 10,000 disputed 05-02 (30 days late: 150.00); 20,000 paid 06-01 settles the
    # undisputed part (60 days late: 600.00); not overdue; days_late the larger, 60
    assert items["P2"]["days_overdue"] is None
    assert [(r["commitment"], r["days_late"], r["interest"]) for r in out["late_paid"]] == [
        ("P2", 60, "750.00")
    ]


def build_turnover3(w: World) -> dict[str, int]:
    w.append(
        "registrar",
        [agency("va", "organ", "430600"), agency("vb", "organ", "430600"), enterprise(1)],
    )
    w.append(
        "registrar",
        [
            appointed("r1", "va", "2024-01-01"),
            departed("r1", "va", "2024-12-31"),
            appointed("s1", "vb", "2024-01-01"),
        ],
    )
    w.append(
        "registrar",
        [
            commitment("W10", "va", 1, "10000.00", "2025-01-10", D30),
            delivered("W10", "2025-06-01"),
            paid("W10", "1000.00", "2025-06-03"),
            commitment("W11", "vb", 1, "10000.00", "2025-01-10", D30),
            delivered("W11", "2025-02-03"),
        ],
    )
    r2 = w.append("registrar", [appointed("r2", "va", "2025-06-03")]).first_seq
    w.append(
        "registrar",
        [term_changed("430602", "第十届", "2025-06-03"), departed("r2", "va", "2025-11-30")],
    )
    return {"r2": r2}


@pytest.fixture(scope="module", params=BACKENDS)
def turnover3_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[World, dict[str, int]]]:
    with shared_world(request.param, tmp_path_factory.mktemp("xcheck_turnover3")) as w:
        yield w, build_turnover3(w)


def test_turnover_after_a_vacancy_and_a_county_term_change(
    turnover3_world: tuple[World, dict[str, int]],
) -> None:
    w, s = turnover3_world
    out = turnover_json(turnover_audit(w.ledger.engine, D))
    # W11 at vb (city 430600): a county's (430602) term change does not touch it
    assert [f["commitment"] for f in out["findings"]] == ["W10"]
    # va had a principal before (r1, departed 2024): r2 on 06-03 is an official_change.
    # The 1,000 paid on the turnover day itself is "on or after" it: no T4.  Due 06-01 +
    # 30 = 07-01 (doy 182): breach 07-01, 365 - 182 = 183; r2 departed 11-30: nobody now
    official = ("official_change", "2025-06-03", s["r2"])
    assert _finding(out, "W10") == (["T1"], official, "va", "r2", None, "9000.00", 183)


def build_world4(w: World) -> dict[str, int]:
    w.append(
        "registrar",
        [
            agency("va", "organ"),
            agency("vi", "institution"),
            agency("vs", "soe"),
            *[agency(a) for a in ("ha", "hb", "hc", "hd", "he")],
            enterprise(1),
            enterprise(2, "medium"),
        ],
    )
    w.append("registrar", [appointed("r1", "va", "2024-01-01")])
    w.append(
        "registrar",
        [
            commitment("X1", "va", 1, "10000.00", "2025-01-10", D30),
            delivered("X1", "2025-10-03"),
            commitment("X2", "vi", 2, "10000.00", "2025-01-10", {"basis": "delivery", "days": 90}),
            delivered("X2", "2025-03-03"),
            paid("X2", "10000.00", "2025-12-30"),
            commitment("X3", "vs", 2, "10000.00", "2025-01-10", D30, type_="payable"),
            commitment("X4", "vs", 2, "10000.00", "2025-01-10", D30),
            commitment("C1", "ha", 1, "10000.00", "2025-01-10", D30),
            commitment("C2", "ha", 1, "10000.00", "2025-01-10", D30),
            delivered("C1", "2025-02-03"),
            delivered("C2", "2025-02-03"),
        ],
    )
    w.append("registrar", [voided("X4")])
    s: dict[str, int] = {}
    for name, stmt in [
        ("r2", appointed("r2", "va", "2025-06-03")),
        ("r3", appointed("r3", "va", "2025-10-01")),
        ("split", succeeded(["ha"], "hc", "2025-02-01", commitments=["C1"])),
        ("full", succeeded(["ha"], "hb", "2025-03-01")),
        ("full2", succeeded(["hc"], "hd", "2025-05-01")),
        ("later", succeeded(["ha"], "he", "2025-04-01")),
    ]:
        s[name] = w.append("registrar", [stmt]).first_seq
    return s


@pytest.fixture(scope="module", params=BACKENDS)
def world4(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[World, dict[str, int]]]:
    with shared_world(request.param, tmp_path_factory.mktemp("xcheck_world4")) as w:
        yield w, build_world4(w)


def test_named_turnover_is_the_latest_before_the_breach(
    world4: tuple[World, dict[str, int]],
) -> None:
    w, s = world4
    out = turnover_json(turnover_audit(w.ledger.engine, D))
    # X1: 10-03 + 30 = 11-02 (Sun) -> 11-03 (doy 307): breach = later(11-03, 06-03) =
    # 11-03; the latest turnover on or before it is r3's (10-01); 365 - 307 = 58
    official = ("official_change", "2025-10-01", s["r3"])
    assert _finding(out, "X1") == (["T1"], official, "va", "r3", "r3", "10000.00", 58)
    # C1: the split naming it (hc, 02-01) wins over the full succession; then hc -> hd.
    # due 02-03 + 30 = 03-05 (doy 64): breach 03-05, named the split; 365 - 64 = 301
    split = ("restructuring", "2025-02-01", s["split"])
    assert _finding(out, "C1") == (["T1"], split, "hd", None, None, "10000.00", 301)
    # C2: two full successions of ha apply; the latest by effective (he, 04-01) holds
    # it; the named turnover is the latest on or before 03-05: hb's on 03-01
    full = ("restructuring", "2025-03-01", s["full"])
    assert _finding(out, "C2") == (["T1"], full, "he", None, None, "10000.00", 301)


def test_term_over_60_paid_late_and_soe_payable(world4: tuple[World, dict[str, int]]) -> None:
    w, _ = world4
    # X2 institution, 90 days: 03-03 + 90 = 06-01 (Dragon Boat) -> 06-03; statute 60:
    # 05-02 (Labour Day) -> 05-06 (doy 126).  As of 12-29 (doy 363): 237 x 5.00
    before = _json(w, dt.date(2025, 12, 29))
    assert _row(before, "X2") == (
        "2025-06-03",
        "2025-05-06",
        "2025-05-06",
        237,
        "181-365",
        "1185.00",
        ["TERM_OVER_60"],
    )
    # paid in full 12-30: 238 days late, 1,190.00, in late_paid at 12-31
    out = _json(w)
    assert [(r["commitment"], r["days_late"], r["interest"]) for r in out["late_paid"]] == [
        ("X2", 238, "1190.00")
    ]
    disc = disclosure_json(disclosure_audit(w.ledger.engine, 2025))
    # va: X1 overdue since 11-03; vi: X2 paid; vs: the payable X3 (X4 voided) -> a zero
    # row.  ha and hc were succeeded in full: gone; hb lost C2 to he (the later
    # succession) but still exists: a zero row; hd holds C1, he C2
    assert [(r["agency"], r["contracts"], r["amount"]) for r in disc["agencies"]] == [
        ("hb", 0, "0.00"),
        ("hd", 1, "10000.00"),
        ("he", 1, "10000.00"),
        ("va", 1, "10000.00"),
        ("vi", 0, "0.00"),
    ]
    assert [(r["agency"], r["contracts"]) for r in disc["annual_report"]] == [("vs", 0)]


@pytest.fixture(scope="module", params=BACKENDS)
def void_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    s30 = {"basis": "settlement", "days": 30}
    with shared_world(request.param, tmp_path_factory.mktemp("xcheck_void")) as w:
        w.append("registrar", [agency("o"), enterprise(1)])
        w.append(
            "registrar",
            [
                commitment("S1", "o", 1, "100000.00", "2025-01-10", s30),
                confirmed("S1", "2025-03-03", "40000.00"),
                paid("S1", "40000.00", "2025-03-10"),
                commitment("S2", "o", 1, "100000.00", "2025-01-10", s30),
                commitment("S3", "o", 1, "100000.00", "2025-01-10", D30),
                delivered("S3", "2025-12-20"),
            ],
        )
        w.append("registrar", [voided(c) for c in ("S1", "S2", "S3")])
        yield w


def test_voided_after_due_by_hand(void_world: World) -> None:
    out = _json(void_world)
    # every void's ts is on 2026-01-05 (the test clock).  S1: its part confirmed 03-03 is
    # due 04-02 (paid on time, but "paid or not" counts): voided after due.  S2: no part,
    # no due date.  S3: 12-20 + 30 = 2026-01-19 (Mon), after the void: not flagged.
    assert {v["commitment"]: v["flags"] for v in out["voided"]} == {
        "S1": ["VOIDED_AFTER_DUE"],
        "S2": [],
        "S3": [],
    }
    assert out["items"] == []
