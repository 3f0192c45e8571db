"""The annual disclosure (art. 18) on a hand-computed world, on SQLite and PostgreSQL.

Organs da, dd and institution db disclose; dc is an soe (no disclosure);
de, an organ, is succeeded by da on 2025-06-01, so it disclosed for 2024 but
not for 2025, and da takes over its overdue contract.  Expected values are
literals worked out by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from ledger.audit import AuditFilter, disclosure_audit
from ledger.audit.export import disclosure_json
from tests.conftest import World
from tests.helpers.audit_world import (
    BACKENDS,
    agency,
    commitment,
    delivered,
    disputed,
    enterprise,
    paid,
    shared_world,
    succeeded,
    uscc,
    voided,
)


def build_disclosure_world(w: World) -> None:
    d30 = {"basis": "delivery", "days": 30}
    w.append(
        "registrar",
        [
            agency("da", "organ", "430600"),
            agency("db", "institution", "430600"),
            agency("dc", "soe", "430600"),
            agency("dd", "organ", "430602"),
            agency("de", "organ", "430600"),
            enterprise(21, "small"),
            enterprise(22, "large"),
        ],
    )
    w.append(
        "registrar",
        [
            # D1: da, SME, due 01-02 + 30 = 02-01, unpaid: counted (10,000)
            commitment("D1", "da", 21, "10000.00", "2025-01-01", d30),
            delivered("D1", "2025-01-02"),
            # D2: a large enterprise: not counted
            commitment("D2", "da", 22, "50000.00", "2025-01-01", d30),
            delivered("D2", "2025-01-02"),
            # D3: a policy promise: not counted
            commitment(
                "D3",
                "da",
                21,
                "7000.00",
                "2025-01-01",
                {"basis": "date", "due": "2025-03-01"},
                type_="policy",
            ),
            # D4: db, payable, 11-10 + 30 = 12-10: overdue on 12-31 (3,000)
            commitment(
                "D4", "db", 21, "3000.00", "2025-11-01", {"basis": "delivery"}, type_="payable"
            ),
            delivered("D4", "2025-11-10"),
            # D5: db, due 12-05 + 30 = 2026-01-04: not yet overdue
            commitment("D5", "db", 21, "4000.00", "2025-12-01", d30),
            delivered("D5", "2025-12-05"),
            # D6: an soe's contract: dc does not disclose
            commitment("D6", "dc", 21, "8000.00", "2025-01-01", d30),
            delivered("D6", "2025-01-02"),
            # D7: de, due 01-10 + 30 = 02-09, unpaid; de succeeded by da 06-01 (6,000 for da)
            commitment("D7", "de", 21, "6000.00", "2025-01-10", d30),
            delivered("D7", "2025-01-10"),
            # D8: da, 5,000 disputed, 5,000 paid: 10,000 undisputed overdue, 15,000 outstanding
            commitment("D8", "da", 21, "20000.00", "2025-02-01", d30),
            delivered("D8", "2025-02-01"),
            disputed("D8", "5000.00", "2025-04-01"),
            paid("D8", "5000.00", "2025-04-10"),
            # D9: voided: never counted
            commitment("D9", "da", 21, "99999.00", "2025-01-01", d30),
            delivered("D9", "2025-01-02"),
        ],
    )
    w.append("registrar", [voided("D9"), succeeded(["de"], "da", "2025-06-01", "restructuring")])


@pytest.fixture(scope="module", params=BACKENDS)
def disclosure_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    with shared_world(request.param, tmp_path_factory.mktemp("disclosure_world")) as w:
        build_disclosure_world(w)
        yield w


def test_disclosure_for_2025(disclosure_world: World) -> None:
    report = disclosure_audit(disclosure_world.ledger.engine, 2025)
    assert report.as_of == dt.date(2025, 12, 31)
    rows = {r.agency: (r.contracts, r.amount) for r in report.agencies}
    # da: D1 10,000 + D7 6,000 (taken over from de) + D8 15,000 = 31,000 in 3 contracts
    # db: D4 3,000; dd: nothing, but a zero disclosure is still due; dc (soe) and de
    # (succeeded) are not listed
    assert rows == {"da": (3, 3_100_000), "db": (1, 300_000), "dd": (0, 0)}
    assert [r.agency for r in report.agencies] == ["da", "db", "dd"]
    assert (report.totals.agencies, report.totals.contracts, report.totals.amount) == (
        3,
        4,
        3_400_000,
    )
    assert [c.text for c in report.citations] == [
        "《保障中小企业款项支付条例》（2025年修订）第十八条"
    ]


def test_disclosure_for_2024_lists_the_agency_succeeded_later(disclosure_world: World) -> None:
    report = disclosure_audit(disclosure_world.ledger.engine, 2024)
    # nothing was signed in 2024; de was not yet succeeded on 2024-12-31
    assert [(r.agency, r.contracts, r.amount) for r in report.agencies] == [
        ("da", 0, 0),
        ("db", 0, 0),
        ("dd", 0, 0),
        ("de", 0, 0),
    ]
    # disclosed by 2025-03-31: the 2020 text, art. 16
    assert [c.text for c in report.citations] == ["《保障中小企业款项支付条例》（2020年）第十六条"]


def test_disclosure_filters_and_json(disclosure_world: World) -> None:
    eng = disclosure_world.ledger.engine
    one = disclosure_audit(eng, 2025, filters=AuditFilter(agency="db"))
    assert [(r.agency, r.contracts) for r in one.agencies] == [("db", 1)]
    county = disclosure_audit(eng, 2025, filters=AuditFilter(region="430602"))
    assert [r.agency for r in county.agencies] == ["dd"]
    other = disclosure_audit(eng, 2025, filters=AuditFilter(enterprise=uscc(22)))
    assert other.totals.contracts == 0
    out = disclosure_json(disclosure_audit(eng, 2025))
    assert out["year"] == 2025
    assert out["agencies"][0] == {  # type: ignore[index]
        "agency": "da",
        "contracts": 3,
        "amount": "31000.00",
        "name": "机关da",
        "category": "organ",
        "region": "430600",
    }
    assert out["totals"] == {"agencies": 3, "contracts": 4, "amount": "34000.00"}


def test_worker_processes_give_the_same_disclosure(disclosure_world: World) -> None:
    eng = disclosure_world.ledger.engine
    assert disclosure_audit(eng, 2025, jobs=3) == disclosure_audit(eng, 2025)
