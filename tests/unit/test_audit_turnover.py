"""The turnover audit (新官不理旧账) on a hand-computed world, on SQLite and PostgreSQL.

The world: agencies ta, tb (organs, 430600), tc (institution, 430602), td
(organ, 430611, no officials).  Turnovers, in date order:

- 2024-03-01 official_change at ta (p-a2 follows p-a1, in office since 2023)
- 2024-06-01 term_change of 430600: ta and tb
- 2024-09-01 restructuring: tb succeeds ta; the same day official_change at tb
  (p-b2 follows p-b1)
- 2025-03-01 division_adjustment: tc succeeds tb (so ta -> tb -> tc)
- 2025-09-01 official_change at tc (p-c2 follows p-c1)

Seven turnovers in all (the term change once for each of ta and tb).  The
audit date is 2025-12-31 (doy 365).  Expected values are literals worked out
by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from ledger.audit import (
    AuditFilter,
    TurnoverRule,
    TurnoverType,
    arrears_audit,
    turnover_audit,
)
from ledger.audit.export import turnover_json
from ledger.audit.results import Flag
from tests.conftest import World
from tests.helpers.audit_world import (
    BACKENDS,
    agency,
    amended,
    appointed,
    commitment,
    delivered,
    disputed,
    enterprise,
    paid,
    repudiated,
    shared_world,
    succeeded,
    term_changed,
)

D = dt.date(2025, 12, 31)
T1, T2, T3, T4, T5 = (TurnoverRule(f"T{i}") for i in range(1, 6))


def _d(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def build_turnover_world(w: World) -> dict[str, int]:
    """Build the world; return the seq of each turnover entry by a short name."""
    w.append(
        "registrar",
        [
            agency("ta", "organ", "430600"),
            agency("tb", "organ", "430600"),
            agency("tc", "institution", "430602"),
            agency("td", "organ", "430611"),
            enterprise(11, "small"),
            enterprise(12, "micro"),
            appointed("p-a1", "ta", "2023-01-01"),
            appointed("p-b1", "tb", "2022-06-01"),
            appointed("p-c1", "tc", "2023-01-01"),
        ],
    )
    seqs: dict[str, int] = {}

    def one(name: str, stmt: tuple[str, dict[str, Any]]) -> None:
        seqs[name] = w.append("registrar", [stmt]).first_seq

    d30 = {"basis": "delivery", "days": 30}
    w.append(
        "registrar",
        [
            commitment("T-1", "ta", 11, "100000.00", "2024-01-10", d30),
            delivered("T-1", "2024-01-20"),
            commitment("T-3", "ta", 11, "30000.00", "2024-02-01", d30),
            delivered("T-3", "2024-02-05"),
            paid("T-3", "30000.00", "2024-03-01"),
        ],
    )
    one("a2", appointed("p-a2", "ta", "2024-03-01"))
    w.append(
        "registrar",
        [
            commitment("T-2", "tb", 12, "50000.00", "2024-05-01", d30),
            delivered("T-2", "2024-05-10"),
        ],
    )
    one("term", term_changed("430600", "第十二届", "2024-06-01"))
    w.append(
        "registrar",
        [
            amended(
                "T-3",
                "2024-07-01",
                {"conditions_added": ["决算审计后付款"]},
                consent=False,
                reason_code="term_change",
            ),
            commitment(
                "T-7", "tb", 12, "20000.00", "2024-08-01", {"basis": "delivery", "days": 10}
            ),
            delivered("T-7", "2024-08-01"),
        ],
    )
    one("ab", succeeded(["ta"], "tb", "2024-09-01", "restructuring"))
    one("b2", appointed("p-b2", "tb", "2024-09-01"))
    w.append(
        "registrar",
        [
            repudiated("T-2", "2024-10-01", "official_change"),
            commitment("T-4", "tc", 12, "90000.00", "2025-01-05", d30),
            delivered("T-4", "2025-01-10"),
            paid("T-4", "30000.00", "2025-02-01"),
            paid("T-4", "30000.00", "2025-02-20"),
        ],
    )
    one("bc", succeeded(["tb"], "tc", "2025-03-01", "division_adjustment"))
    w.append(
        "registrar",
        [
            commitment("T-5", "td", 11, "10000.00", "2025-06-01", d30),
            delivered("T-5", "2025-06-01"),
            disputed("T-5", "10000.00", "2025-06-20", "restructuring"),
        ],
    )
    one("c2", appointed("p-c2", "tc", "2025-09-01"))
    w.append(
        "registrar",
        [
            commitment("T-6", "tc", 11, "5000.00", "2025-10-01", d30),
            delivered("T-6", "2025-10-02"),
        ],
    )
    return seqs


@pytest.fixture(scope="module", params=BACKENDS)
def turnover_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[World, dict[str, int]]]:
    with shared_world(request.param, tmp_path_factory.mktemp("turnover")) as w:
        yield w, build_turnover_world(w)


def _findings(report):  # type: ignore[no-untyped-def]
    return {f.commitment: f for f in report.findings}


def test_one_finding_per_commitment(turnover_world: tuple[World, dict[str, int]]) -> None:
    w, _ = turnover_world
    report = turnover_audit(w.ledger.engine, D)
    # T-6 was signed after every turnover of tc: no finding
    assert [f.commitment for f in report.findings] == ["T-1", "T-2", "T-3", "T-4", "T-5", "T-7"]
    assert report.turnovers == 7
    assert report.totals.by_rule == {T1: 4, T2: 1, T3: 1, T4: 1, T5: 3}
    # outstanding: T-1 100,000 + T-2 50,000 + T-3 0 + T-4 30,000 + T-5 10,000 + T-7 20,000
    assert (report.totals.count, report.totals.outstanding) == (6, 21_000_000)


def test_legacy_debt_through_a_succession_chain(
    turnover_world: tuple[World, dict[str, int]],
) -> None:
    w, seqs = turnover_world
    f = _findings(turnover_audit(w.ledger.engine, D))["T-1"]
    # signed by ta 2024-01-10, due 01-20 + 30 = 02-19; the first turnover after signing is
    # ta's new principal on 2024-03-01: breach = max(02-19, 03-01) = 03-01
    assert f.rules == (T1,)
    assert f.breach_date == _d("2024-03-01")
    assert f.turnover is not None
    assert (f.turnover.type, f.turnover.date, f.turnover.seq) == (
        TurnoverType.OFFICIAL_CHANGE,
        _d("2024-03-01"),
        seqs["a2"],
    )
    # ta -> tb -> tc: held by tc now
    assert (f.agency, f.holder, f.breach_holder) == ("ta", "tc", "ta")
    assert (f.official_at_breach, f.official_now) == ("p-a2", "p-c2")
    # 2024-03-01..2025-03-01 = 365 days, ..2025-12-31 = 305 more: 670
    assert (f.outstanding, f.days_under_new_leadership) == (10_000_000, 670)
    assert seqs["a2"] in f.evidence
    assert f.evidence == tuple(sorted(f.evidence))


def test_repudiation_citing_the_change_of_leadership(
    turnover_world: tuple[World, dict[str, int]],
) -> None:
    w, seqs = turnover_world
    f = _findings(turnover_audit(w.ledger.engine, D))["T-2"]
    # 05-10 + 30 = 06-09, a Sunday, and 06-10 is the Dragon Boat Festival: the period ends
    # Tuesday 06-11 (revision 2, 民法典 art. 203; was 06-09). Overdue since 06-11 after the
    # 06-01 term change (T1: breach 06-11); repudiated 10-01 (T2) citing official_change
    # (T5): breach = 2024-06-11
    assert f.rules == (T1, T2, T5)
    assert f.breach_date == _d("2024-06-11")
    assert f.turnover is not None
    assert (f.turnover.type, f.turnover.seq) == (TurnoverType.TERM_CHANGE, seqs["term"])
    assert (f.official_at_breach, f.official_now, f.holder) == ("p-b1", "p-c2", "tc")
    # 2024-06-11..2025-06-11 = 365, + 2025-06-11 (doy 162)..12-31 = 203: 568 (was 570)
    assert f.days_under_new_leadership == 568
    report = arrears_audit(w.ledger.engine, D)
    item = {i.commitment: i for i in report.items}["T-2"]
    assert item.flags == (Flag.PROHIBITED_EXCUSE, Flag.REPUDIATED)


def test_unconsented_amendment_adding_conditions_after_a_term_change(
    turnover_world: tuple[World, dict[str, int]],
) -> None:
    w, seqs = turnover_world
    f = _findings(turnover_audit(w.ledger.engine, D))["T-3"]
    # paid in full on time, then on 2024-07-01 an unconsented audit condition citing the
    # term change: T3 and T5, breach 07-01, charged to the 06-01 term change
    assert f.rules == (T3, T5)
    assert f.breach_date == _d("2024-07-01")
    assert f.turnover is not None
    assert (f.turnover.type, f.turnover.date, f.turnover.seq) == (
        TurnoverType.TERM_CHANGE,
        _d("2024-06-01"),
        seqs["term"],
    )
    assert (f.outstanding, f.overdue, f.days_under_new_leadership) == (0, False, None)
    assert (f.official_at_breach, f.breach_holder) == ("p-a2", "ta")
    every = {i.commitment: i for i in arrears_audit(w.ledger.engine, D, include_all=True).items}
    assert every["T-3"].flags == (Flag.CONDITIONS_ADDED, Flag.PROHIBITED_EXCUSE)


def test_payments_stopping_at_a_turnover(turnover_world: tuple[World, dict[str, int]]) -> None:
    w, seqs = turnover_world
    f = _findings(turnover_audit(w.ledger.engine, D))["T-4"]
    # tc signed 2025-01-05, due 01-10 + 30 = 02-09; paid 02-01 and 02-20, nothing after
    # the 2025-03-01 division adjustment: T1 and T4, breach max(02-09, 03-01) = 03-01
    assert f.rules == (T1, T4)
    assert f.breach_date == _d("2025-03-01")
    assert f.turnover is not None
    assert (f.turnover.type, f.turnover.seq) == (TurnoverType.DIVISION_ADJUSTMENT, seqs["bc"])
    assert (f.official_at_breach, f.official_now) == ("p-c1", "p-c2")
    # 365 - 60 (03-01 is doy 60) = 305
    assert (f.outstanding, f.days_under_new_leadership) == (3_000_000, 305)
    item = {i.commitment: i for i in arrears_audit(w.ledger.engine, D).items}["T-4"]
    # due 02-09 is a Sunday: Monday 02-10 (doy 41) (revision 2, 民法典 art. 203; was 02-09)
    # 60,000 late 02-10..02-20 (doy 51): 30.00 * 10 = 300.00
    # 30,000 late 02-20..12-31 (314 days): 15.00 * 314 = 4,710.00 -> 5,010.00 (was 5,040.00)
    assert (item.days_overdue, item.interest) == (324, 501_000)


def test_turnover_cited_with_no_turnover(turnover_world: tuple[World, dict[str, int]]) -> None:
    w, _ = turnover_world
    f = _findings(turnover_audit(w.ledger.engine, D))["T-5"]
    # td had no turnover; the whole amount disputed "restructuring" on 2025-06-20
    assert f.rules == (T5,)
    assert (f.breach_date, f.turnover, f.days_under_new_leadership) == (
        _d("2025-06-20"),
        None,
        None,
    )
    assert (f.official_at_breach, f.official_now, f.outstanding) == (None, None, 1_000_000)


def test_tie_of_dates_prefers_restructuring_over_official_change(
    turnover_world: tuple[World, dict[str, int]],
) -> None:
    w, seqs = turnover_world
    f = _findings(turnover_audit(w.ledger.engine, D))["T-7"]
    # due 08-01 + 10 = 08-11; first turnover after signing 2024-09-01 (restructuring and
    # official change the same day): restructuring is named
    assert f.rules == (T1,)
    assert f.breach_date == _d("2024-09-01")
    assert f.turnover is not None
    assert (f.turnover.type, f.turnover.seq) == (TurnoverType.RESTRUCTURING, seqs["ab"])
    assert f.official_at_breach == "p-b2"
    # 2024-09-01..2025-09-01 = 365, + 2025-09-01 (doy 244)..12-31 = 121: 486
    assert f.days_under_new_leadership == 486


def test_as_of_an_earlier_date(turnover_world: tuple[World, dict[str, int]]) -> None:
    w, _ = turnover_world
    report = turnover_audit(w.ledger.engine, _d("2024-12-31"))
    found = _findings(report)
    assert sorted(found) == ["T-1", "T-2", "T-3", "T-7"]
    # ta's official change, the term change (ta, tb), the restructuring and tb's new principal
    assert report.turnovers == 5
    f = found["T-1"]
    # before 2025-03-01 the obligation sits with tb, whose principal is p-b2
    assert (f.holder, f.official_now) == ("tb", "p-b2")
    # 2024-03-01 (leap year doy 61)..2024-12-31 (doy 366) = 305
    assert f.days_under_new_leadership == 305
    assert found["T-2"].rules == (T1, T2, T5)


def test_filters_and_json(turnover_world: tuple[World, dict[str, int]]) -> None:
    w, seqs = turnover_world
    only_td = turnover_audit(w.ledger.engine, D, filters=AuditFilter(agency="td"))
    assert [f.commitment for f in only_td.findings] == ["T-5"]
    # ta signed T-1 and T-3; tc holds everything ta, tb and tc signed
    by_ta = turnover_audit(w.ledger.engine, D, filters=AuditFilter(agency="ta"))
    assert [f.commitment for f in by_ta.findings] == ["T-1", "T-3"]
    by_tc = turnover_audit(w.ledger.engine, D, filters=AuditFilter(agency="tc"))
    assert [f.commitment for f in by_tc.findings] == ["T-1", "T-2", "T-3", "T-4", "T-7"]
    out = turnover_json(turnover_audit(w.ledger.engine, D))
    first = out["findings"][0]  # type: ignore[index]
    assert set(first) >= {
        "commitment",
        "rules",
        "turnover",
        "holder",
        "official_at_breach",
        "official_now",
        "outstanding",
        "days_under_new_leadership",
        "evidence",
    }
    assert first["turnover"] == {  # type: ignore[index]
        "type": "official_change",
        "date": "2024-03-01",
        "seq": seqs["a2"],
        "agency": "ta",
    }
    assert first["outstanding"] == "100000.00"  # type: ignore[index]
    t5 = out["findings"][4]  # type: ignore[index]
    assert t5["commitment"] == "T-5" and t5["turnover"] is None  # type: ignore[index]


def test_worker_processes_give_the_same_findings(
    turnover_world: tuple[World, dict[str, int]],
) -> None:
    w, _ = turnover_world
    assert turnover_audit(w.ledger.engine, D, jobs=4) == turnover_audit(w.ledger.engine, D)
