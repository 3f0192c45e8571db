"""The arrears audit on a hand-computed world, on SQLite and PostgreSQL.

Every expected figure below is a literal worked out by hand (arithmetic in the
comments), never computed by the code under test.  Day-of-year (doy) in 2025:
Jan 31, Feb 59, Mar 90, Apr 120, May 151, Jun 181, Jul 212, Aug 243, Sep 273,
Oct 304, Nov 334, Dec 365; so 2025-12-31 is doy 365.  The statutory rate is
0.05% a day: 100,000.00 yuan owe 50.00 a day.  The one-year LPR is 3.10 from
2024-10-21 and 3.00 from 2025-05-20 (packaged table).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest

from ledger.audit import AuditFilter, Bucket, Flag, RateKind, arrears_audit
from ledger.audit.export import arrears_json, arrears_parts, json_chunks
from tests.conftest import World
from tests.helpers.audit_world import (
    BACKENDS,
    accepted,
    agency,
    amended,
    commitment,
    delivered,
    disputed,
    enterprise,
    enterprise_updated,
    paid,
    resolved,
    settled,
    shared_world,
    uscc,
    voided,
)

D = dt.date(2025, 12, 31)


def _d(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def build_arrears_world(w: World) -> None:
    """Agencies, enterprises and one commitment per rule (see each test)."""
    w.append(
        "registrar",
        [
            agency("czj", "organ", "430600"),
            agency("jyj", "institution", "430602"),
            agency("ctjt", "soe", "430600"),
            enterprise(1, "small"),
            enterprise(2, "micro"),
            enterprise(3, "medium"),
            enterprise(4, "large"),
            enterprise(5, "small"),
            enterprise_updated(5, "2025-03-01", "large"),
        ],
    )
    d30 = {"basis": "delivery", "days": 30}
    w.append(
        "registrar",
        [
            # delivery basis, payments before and after the due date
            commitment("C-DEL", "czj", 1, "100000.00", "2025-01-10", d30),
            delivered("C-DEL", "2025-02-01"),
            paid("C-DEL", "20000.00", "2025-02-20"),
            paid("C-DEL", "30000.00", "2025-04-02"),
            # acceptance basis, accepted within the agreed period
            commitment(
                "C-ACC",
                "jyj",
                2,
                "60000.00",
                "2025-03-01",
                {"basis": "acceptance", "days": 20, "acceptance_days": 15},
            ),
            delivered("C-ACC", "2025-03-10"),
            accepted("C-ACC", "2025-03-20"),
            # acceptance delayed past its agreed period
            commitment(
                "C-ACCLATE",
                "czj",
                1,
                "40000.00",
                "2025-04-01",
                {"basis": "acceptance", "days": 30, "acceptance_days": 10},
            ),
            delivered("C-ACCLATE", "2025-04-10"),
            accepted("C-ACCLATE", "2025-05-20"),
            # acceptance basis without an agreed period
            commitment(
                "C-ACCNOPERIOD",
                "czj",
                3,
                "10000.00",
                "2025-06-01",
                {"basis": "acceptance", "days": 30},
            ),
            delivered("C-ACCNOPERIOD", "2025-06-05"),
            accepted("C-ACCNOPERIOD", "2025-07-05"),
            # a 90-day term, capped at 60
            commitment(
                "C-TERM90", "czj", 1, "50000.00", "2025-05-01", {"basis": "delivery", "days": 90}
            ),
            delivered("C-TERM90", "2025-05-10"),
            # a large enterprise: no statutory date, no default interest
            commitment(
                "C-LARGE", "czj", 4, "80000.00", "2025-01-15", {"basis": "delivery", "days": 90}
            ),
            delivered("C-LARGE", "2025-02-01"),
            # a policy promise with an agreed rate
            commitment(
                "C-POLICY",
                "czj",
                2,
                "200000.00",
                "2024-12-01",
                {"basis": "date", "due": "2025-03-31"},
                type_="policy",
                interest_rate="3.65",
                policy_ref="岳政发〔2024〕1号",
            ),
            # a bill maturing after the due date
            commitment("C-BILL", "jyj", 1, "30000.00", "2025-02-01", d30),
            delivered("C-BILL", "2025-02-10"),
            paid("C-BILL", "30000.00", "2025-03-01", "bill", maturity="2025-06-09"),
            # an open dispute holding back only its part
            commitment("C-DISPUTE", "czj", 3, "100000.00", "2025-06-01", d30),
            delivered("C-DISPUTE", "2025-06-10"),
            disputed("C-DISPUTE", "40000.00", "2025-08-09", "quality"),
            paid("C-DISPUTE", "50000.00", "2025-09-08"),
            # a resolved dispute
            commitment("C-RESOLVED", "czj", 1, "20000.00", "2025-03-01", d30),
            delivered("C-RESOLVED", "2025-03-02"),
            disputed("C-RESOLVED", "8000.00", "2025-04-11"),
            paid("C-RESOLVED", "12000.00", "2025-05-01"),
            resolved("C-RESOLVED", "2025-06-10", "3000.00"),
            # an agreed rate below the LPR at signing
            commitment("C-LOWRATE", "czj", 2, "36500.00", "2025-01-20", d30, interest_rate="2.00"),
            delivered("C-LOWRATE", "2025-02-01"),
            # a settlement
            commitment("C-SETTLED", "czj", 1, "50000.00", "2025-02-01", d30),
            delivered("C-SETTLED", "2025-02-10"),
            settled("C-SETTLED", "2025-08-01", "10000.00"),
            paid("C-SETTLED", "40000.00", "2025-08-01"),
            # an soe, no agreed days: 60
            commitment("C-SOE", "ctjt", 2, "10000.00", "2025-06-01", {"basis": "delivery"}),
            delivered("C-SOE", "2025-06-02"),
            # a payable, organ, no agreed days: 30
            commitment(
                "C-PAYABLE",
                "czj",
                3,
                "20000.00",
                "2025-10-01",
                {"basis": "delivery"},
                type_="payable",
            ),
            delivered("C-PAYABLE", "2025-10-01"),
            # basis date: agreed days = due - delivery = 120 > 60
            commitment(
                "C-DATE", "jyj", 1, "10000.00", "2025-07-01", {"basis": "date", "due": "2025-10-29"}
            ),
            delivered("C-DATE", "2025-07-01"),
            # enterprise 5 was small until 2025-03-01, large from then
            commitment(
                "C-SIZE-S", "czj", 5, "10000.00", "2025-02-01", {"basis": "delivery", "days": 90}
            ),
            delivered("C-SIZE-S", "2025-02-01"),
            commitment(
                "C-SIZE-L", "czj", 5, "10000.00", "2025-04-01", {"basis": "delivery", "days": 90}
            ),
            delivered("C-SIZE-L", "2025-04-02"),
            # consented amendment (amount, terms, rate), then an unconsented one
            commitment("C-AMEND", "czj", 1, "10000.00", "2025-03-01", d30),
            delivered("C-AMEND", "2025-03-01"),
            amended(
                "C-AMEND",
                "2025-03-15",
                {
                    "amount": "12000.00",
                    "terms": {"basis": "delivery", "days": 20},
                    "interest_rate": "7.30",
                },
                consent=True,
            ),
            amended(
                "C-AMEND",
                "2025-04-01",
                {"amount": "8000.00"},
                consent=False,
                reason_code="awaiting_audit",
            ),
            # voided after its due date, and voided before it had one
            commitment("C-VOID", "czj", 1, "9999.00", "2025-01-05", d30),
            delivered("C-VOID", "2025-01-10"),
            commitment("C-VOID2", "czj", 1, "1000.00", "2025-12-01", d30),
        ],
    )
    w.append("registrar", [voided("C-VOID"), voided("C-VOID2", "重复录入")])


@pytest.fixture(scope="module", params=BACKENDS)
def arrears_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    with shared_world(request.param, tmp_path_factory.mktemp("arrears_world")) as w:
        build_arrears_world(w)
        yield w


def _items(report):  # type: ignore[no-untyped-def]
    return {i.commitment: i for i in report.items}


def test_overdue_items_and_their_figures(arrears_world: World) -> None:
    report = arrears_audit(arrears_world.ledger.engine, D)
    items = _items(report)
    assert sorted(items) == [
        "C-ACC",
        "C-ACCLATE",
        "C-ACCNOPERIOD",
        "C-AMEND",
        "C-DATE",
        "C-DEL",
        "C-DISPUTE",
        "C-LARGE",
        "C-LOWRATE",
        "C-PAYABLE",
        "C-POLICY",
        "C-RESOLVED",
        "C-SIZE-L",
        "C-SIZE-S",
        "C-SOE",
        "C-TERM90",
    ]
    assert [i.commitment for i in report.items] == sorted(items)


def test_delivery_basis_and_payments_before_and_after_due(arrears_world: World) -> None:
    i = _items(arrears_audit(arrears_world.ledger.engine, D))["C-DEL"]
    # delivered 02-01 (doy 32) + 30 = 03-03 (doy 62), statutory the same
    assert (i.due, i.statutory_due, i.effective_due) == (_d("2025-03-03"),) * 3
    assert (i.principal, i.paid, i.outstanding, i.disputed) == (10_000_000, 5_000_000, 5_000_000, 0)
    # 365 - 62 = 303 days
    assert (i.days_overdue, i.bucket) == (303, Bucket.UP_TO_365)
    # 80,000 late 03-03..04-02 (30 days): 80,000 * 0.0005 * 30 = 1,200.00
    # 50,000 late 04-02..12-31 (365 - 92 = 273 days): 50,000 * 0.0005 * 273 = 6,825.00
    # (the 20,000 paid 02-20 was on time) -> 8,025.00
    assert i.interest == 802_500
    assert i.rate.kind is RateKind.STATUTORY_DAILY
    assert i.flags == ()
    assert i.holder == i.agency == "czj"


def test_acceptance_basis_within_its_period(arrears_world: World) -> None:
    i = _items(arrears_audit(arrears_world.ledger.engine, D))["C-ACC"]
    # accepted 03-20 (within 03-10 + 15), + 20 days = 04-09 (doy 99)
    assert (i.due, i.statutory_due, i.effective_due) == (_d("2025-04-09"),) * 3
    # 365 - 99 = 266 days; 60,000 * 0.0005 = 30.00 a day * 266 = 7,980.00
    assert (i.days_overdue, i.interest, i.flags) == (266, 798_000, ())


def test_acceptance_delayed_past_its_agreed_period(arrears_world: World) -> None:
    i = _items(arrears_audit(arrears_world.ledger.engine, D))["C-ACCLATE"]
    # delivered 04-10 + 10 = 04-20, a Sunday: the acceptance deadline moves to Monday 04-21
    # (revision 2: a period's last day on a rest day moves, 民法典 art. 203; was 04-20).
    # Accepted only 05-20: counts from 04-21; + 30 = 05-21 (doy 141), a Wednesday
    assert (i.due, i.statutory_due, i.effective_due) == (_d("2025-05-21"),) * 3
    # 365 - 141 = 224 days; 40,000 * 0.0005 = 20.00 a day * 224 = 4,480.00 (was 225 / 4,500.00)
    assert (i.days_overdue, i.interest) == (224, 448_000)
    assert i.flags == (Flag.ACCEPTANCE_DELAYED,)


def test_acceptance_basis_without_a_period(arrears_world: World) -> None:
    i = _items(arrears_audit(arrears_world.ledger.engine, D))["C-ACCNOPERIOD"]
    # accepted 07-05 + 30 = 08-04 (doy 216); 365 - 216 = 149 days; 5.00 a day -> 745.00
    assert (i.due, i.effective_due) == (_d("2025-08-04"), _d("2025-08-04"))
    assert (i.days_overdue, i.bucket, i.interest) == (149, Bucket.UP_TO_180, 74_500)
    assert i.flags == (Flag.ACCEPTANCE_PERIOD_MISSING,)


def test_ninety_day_term_is_capped_at_sixty(arrears_world: World) -> None:
    i = _items(arrears_audit(arrears_world.ledger.engine, D))["C-TERM90"]
    # delivered 05-10 (doy 130): contract +90 = 08-08 (doy 220), statute +60 = 07-09 (doy 190)
    assert (i.due, i.statutory_due, i.effective_due) == (
        _d("2025-08-08"),
        _d("2025-07-09"),
        _d("2025-07-09"),
    )
    # 365 - 190 = 175 days; 50,000 * 0.0005 = 25.00 a day * 175 = 4,375.00
    assert (i.days_overdue, i.interest, i.flags) == (175, 437_500, (Flag.TERM_OVER_60,))


def test_large_enterprise_has_no_statutory_date_and_no_default_interest(
    arrears_world: World,
) -> None:
    i = _items(arrears_audit(arrears_world.ledger.engine, D))["C-LARGE"]
    # delivered 02-01 (doy 32) + 90 = 05-02, inside the Labour Day holiday (05-01..05-05):
    # moves to Tuesday 05-06 (doy 126) (revision 2, 民法典 art. 203; was 05-02 / 243 days);
    # 365 - 126 = 239 days
    assert (i.due, i.statutory_due, i.effective_due) == (_d("2025-05-06"), None, _d("2025-05-06"))
    assert (i.days_overdue, i.outstanding, i.interest) == (239, 8_000_000, 0)
    assert i.rate.kind is RateKind.NONE
    assert not i.sme_rules
    assert i.flags == ()  # 90 days agreed, but the 60-day cap does not apply


def test_policy_promise_only_its_agreed_rate(arrears_world: World) -> None:
    i = _items(arrears_audit(arrears_world.ledger.engine, D))["C-POLICY"]
    # fixed due 03-31 (doy 90); no statutory date for a policy promise
    assert (i.due, i.statutory_due, i.effective_due) == (_d("2025-03-31"), None, _d("2025-03-31"))
    # 365 - 90 = 275 days; 200,000 * 3.65% / 365 = 20.00 a day * 275 = 5,500.00 (no LPR floor)
    assert (i.days_overdue, i.interest) == (275, 550_000)
    assert i.rate.kind is RateKind.AGREED
    assert i.rate.lpr_percent is None


def test_bill_maturing_after_the_due_date(arrears_world: World) -> None:
    report = arrears_audit(arrears_world.ledger.engine, D)
    assert "C-BILL" not in _items(report)
    late = {lp.commitment: lp for lp in report.late_paid}
    lp = late["C-BILL"]
    # due 02-10 + 30 = 03-12 (doy 71); the bill pays at maturity 06-09 (doy 160): 89 days late
    # 30,000 * 0.0005 = 15.00 a day * 89 = 1,335.00
    assert (lp.effective_due, lp.last_late_day, lp.days_late, lp.interest) == (
        _d("2025-03-12"),
        _d("2025-06-09"),
        89,
        133_500,
    )
    every = _items(arrears_audit(arrears_world.ledger.engine, D, include_all=True))
    assert every["C-BILL"].flags == (Flag.NONCASH_EXTENSION,)
    assert (every["C-BILL"].paid, every["C-BILL"].outstanding) == (3_000_000, 0)


def test_bill_before_maturity_has_not_paid(arrears_world: World) -> None:
    i = _items(arrears_audit(arrears_world.ledger.engine, _d("2025-05-31")))["C-BILL"]
    # as of 05-31 (doy 151) the bill has not matured: 151 - 71 = 80 days, 15.00 a day -> 1,200.00
    assert (i.paid, i.pending_noncash, i.outstanding) == (0, 3_000_000, 3_000_000)
    assert (i.days_overdue, i.bucket, i.interest) == (80, Bucket.UP_TO_90, 120_000)
    assert i.flags == (Flag.NONCASH_EXTENSION,)


def test_open_dispute_holds_back_only_its_part(arrears_world: World) -> None:
    i = _items(arrears_audit(arrears_world.ledger.engine, D))["C-DISPUTE"]
    # due 06-10 + 30 = 07-10 (doy 191); 365 - 191 = 174 days
    # principal 100,000, paid 50,000, 40,000 disputed: 10,000 undisputed still owed
    assert (i.outstanding, i.disputed, i.days_overdue) == (5_000_000, 4_000_000, 174)
    # 07-10..08-09 (30 days) 100,000 late: 1,500.00
    # 08-09..09-08 (30 days) 100,000 - 40,000 disputed = 60,000: 900.00
    # 09-08..12-31 (114 days) 50,000 - 40,000 = 10,000: 570.00 -> 2,970.00
    assert i.interest == 297_000
    assert i.flags == (Flag.UNDISPUTED_UNPAID,)


def test_resolved_dispute_accrues_as_if_never_disputed(arrears_world: World) -> None:
    i = _items(arrears_audit(arrears_world.ledger.engine, D))["C-RESOLVED"]
    # 3,000 written off: principal 17,000; paid 12,000; outstanding 5,000; due 03-02 + 30 = 04-01 (doy 91)
    assert (i.principal, i.written_off, i.paid, i.outstanding, i.disputed) == (
        1_700_000,
        300_000,
        1_200_000,
        500_000,
        0,
    )
    # 17,000 late 04-01..05-01 (30 days): 8.50 * 30 = 255.00
    # 5,000 late 05-01..12-31 (244 days): 2.50 * 244 = 610.00 -> 865.00
    assert (i.days_overdue, i.interest, i.flags) == (274, 86_500, ())


def test_dispute_open_at_an_earlier_date(arrears_world: World) -> None:
    report = arrears_audit(arrears_world.ledger.engine, _d("2025-05-31"))
    assert "C-RESOLVED" not in _items(report)  # 8,000 disputed = all that is left
    lp = {x.commitment: x for x in report.late_paid}["C-RESOLVED"]
    # as of 05-31 the resolution (06-10) has not happened: the dispute is open
    # 20,000 late 04-01..04-11 (10 days): 10.00 * 10 = 100.00
    # 12,000 undisputed late 04-11..05-01 (20 days): 6.00 * 20 = 120.00 -> 220.00
    assert (lp.days_late, lp.interest, lp.outstanding) == (30, 22_000, 800_000)


def test_agreed_rate_below_the_lpr_is_floored(arrears_world: World) -> None:
    i = _items(arrears_audit(arrears_world.ledger.engine, D))["C-LOWRATE"]
    # signed 2025-01-20: LPR 3.10 (from 2024-10-21) > agreed 2.00
    # due 02-01 + 30 = 03-03 (doy 62): 303 days; 36,500 * 3.10% / 365 = 3.10 a day * 303 = 939.30
    assert (i.days_overdue, i.interest) == (303, 93_930)
    assert i.rate.kind is RateKind.LPR_FLOOR
    assert (str(i.rate.annual_percent), str(i.rate.agreed_percent)) == ("3.10", "2.00")
    assert i.flags == (Flag.RATE_BELOW_LPR,)


def test_settlement_waiver_never_accrues(arrears_world: World) -> None:
    report = arrears_audit(arrears_world.ledger.engine, D)
    lp = {x.commitment: x for x in report.late_paid}["C-SETTLED"]
    # 10,000 waived: 40,000 late 03-12 (doy 71)..08-01 (doy 213) = 142 days * 20.00 = 2,840.00
    assert (lp.days_late, lp.interest, lp.outstanding) == (142, 284_000, 0)
    every = _items(arrears_audit(arrears_world.ledger.engine, D, include_all=True))
    assert (every["C-SETTLED"].waived, every["C-SETTLED"].principal) == (1_000_000, 4_000_000)


def test_soe_payable_date_basis_and_size_at_signing(arrears_world: World) -> None:
    items = _items(arrears_audit(arrears_world.ledger.engine, D))
    soe = items["C-SOE"]
    # soe, no agreed days: 60; delivered 06-02 (doy 153) + 60 = 08-01 (doy 213); 152 days * 5.00
    assert (soe.due, soe.statutory_due, soe.days_overdue, soe.interest) == (
        None,
        _d("2025-08-01"),
        152,
        76_000,
    )
    payable = items["C-PAYABLE"]
    # organ, no agreed days: 30; 10-01 (doy 274) + 30 = 10-31 (doy 304); 61 days * 10.00
    assert (payable.due, payable.effective_due, payable.days_overdue, payable.bucket) == (
        None,
        _d("2025-10-31"),
        61,
        Bucket.UP_TO_90,
    )
    assert payable.interest == 61_000
    date = items["C-DATE"]
    # due 10-29 (doy 302) - delivery 07-01 (doy 182) = 120 agreed days > 60: 07-01 + 60 = 08-30,
    # a Saturday: the statutory period ends Monday 09-01 (doy 244) (revision 2, 民法典 art. 203;
    # was 08-30); the fixed due 10-29 is a date and never moves
    assert (date.due, date.statutory_due, date.effective_due) == (
        _d("2025-10-29"),
        _d("2025-09-01"),
        _d("2025-09-01"),
    )
    # 365 - 244 = 121 days * 5.00 = 605.00 (was 123 / 615.00)
    assert (date.days_overdue, date.interest, date.flags) == (121, 60_500, (Flag.TERM_OVER_60,))
    small = items["C-SIZE-S"]
    # small at signing 02-01: 02-01 (doy 32) + 60 = 04-02 (doy 92); 273 days * 5.00 = 1,365.00
    assert (small.statutory_due, small.days_overdue, small.interest) == (
        _d("2025-04-02"),
        273,
        136_500,
    )
    large = items["C-SIZE-L"]
    # large from 03-01, signed 04-01: 04-02 (doy 92) + 90 = 07-01 (doy 182); 183 days, no interest
    assert (large.statutory_due, large.effective_due, large.days_overdue, large.interest) == (
        None,
        _d("2025-07-01"),
        183,
        0,
    )


def test_consented_and_unconsented_amendments(arrears_world: World) -> None:
    i = _items(arrears_audit(arrears_world.ledger.engine, D))["C-AMEND"]
    # consented: 12,000, 20 days, 7.30%: due 03-01 (doy 60) + 20 = 03-21 (doy 80); 285 days
    # the unconsented cut to 8,000 changes nothing owed
    assert (i.amount, i.principal, i.effective_due, i.days_overdue) == (
        1_200_000,
        1_200_000,
        _d("2025-03-21"),
        285,
    )
    # 7.30% >= LPR 3.10: 12,000 * 7.30% / 365 = 2.40 a day * 285 = 684.00
    assert i.interest == 68_400
    assert i.rate.kind is RateKind.AGREED
    # a cut amount is a condition added; awaiting_audit with no audit condition agreed is forbidden
    assert i.flags == (Flag.CONDITIONS_ADDED, Flag.PROHIBITED_EXCUSE)


def test_voided_commitments_leave_every_balance_but_stay_listed(arrears_world: World) -> None:
    report = arrears_audit(arrears_world.ledger.engine, D, include_all=True)
    assert "C-VOID" not in _items(report) and "C-VOID2" not in _items(report)
    v = {x.commitment: x for x in report.voided}
    # C-VOID fell due 01-10 + 30 = 02-09, a Sunday: Monday 02-10 (revision 2, 民法典 art. 203;
    # was 02-09); voided on 2026-01-05 (the test clock)
    assert v["C-VOID"].flags == (Flag.VOIDED_AFTER_DUE,)
    assert (v["C-VOID"].effective_due, v["C-VOID"].outstanding) == (_d("2025-02-10"), 999_900)
    assert v["C-VOID2"].flags == ()  # never delivered: no due date
    assert v["C-VOID2"].reason == "重复录入"
    assert v["C-VOID"].seq < v["C-VOID2"].seq


def test_totals_by_holder_and_by_bucket(arrears_world: World) -> None:
    t = arrears_audit(arrears_world.ledger.engine, D).totals
    # outstanding: 50,000 + 60,000 + 40,000 + 10,000 + 50,000 + 80,000 + 200,000 + 50,000
    #   + 5,000 + 36,500 + 10,000 + 20,000 + 10,000 + 10,000 + 10,000 + 12,000 = 653,500
    # interest: 8,025 + 7,980 + 4,480 + 745 + 4,375 + 0 + 5,500 + 2,970 + 865 + 939.30
    #   + 760 + 610 + 605 + 0 + 1,365 + 684 = 39,903.30 (revision 2 rest days: C-ACCLATE
    #   4,500 -> 4,480, C-DATE 615 -> 605; was 39,933.30)
    assert (t.count, t.outstanding, t.interest, t.disputed) == (
        16,
        65_350_000,
        3_990_330,
        4_000_000,
    )
    # late paid: C-BILL 1,335 + C-SETTLED 2,840
    assert (t.late_paid_count, t.late_paid_interest) == (2, 417_500)
    b = t.by_bucket
    assert list(b) == list(Bucket)
    assert (b[Bucket.UP_TO_30].count, b[Bucket.OVER_365].count) == (0, 0)
    # 31-90: C-PAYABLE
    assert (b[Bucket.UP_TO_90].count, b[Bucket.UP_TO_90].outstanding) == (1, 2_000_000)
    # 91-180: ACCNOPERIOD 10,000/745, TERM90 50,000/4,375, DISPUTE 50,000/2,970, SOE 10,000/760,
    #   DATE 10,000/605 -> 130,000 / 9,455 (rest days: DATE was 615)
    assert (b[Bucket.UP_TO_180].count, b[Bucket.UP_TO_180].outstanding) == (5, 13_000_000)
    assert b[Bucket.UP_TO_180].interest == 945_500
    # 181-365: the other ten: 503,500 / 29,838.30 (rest days: ACCLATE 4,500 -> 4,480)
    assert (b[Bucket.UP_TO_365].count, b[Bucket.UP_TO_365].outstanding) == (10, 50_350_000)
    assert b[Bucket.UP_TO_365].interest == 2_983_830
    h = t.by_holder
    assert list(h) == ["ctjt", "czj", "jyj"]
    # jyj: C-ACC 60,000 / 7,980 and C-DATE 10,000 / 605 (rest days, was 615); ctjt: C-SOE
    # 10,000 / 760
    assert (h["jyj"].count, h["jyj"].outstanding, h["jyj"].interest) == (2, 7_000_000, 858_500)
    assert (h["ctjt"].count, h["ctjt"].outstanding, h["ctjt"].interest) == (1, 1_000_000, 76_000)
    # czj: the other 13: 653,500 - 80,000 = 573,500; 39,903.30 - 8,585 - 760 = 30,558.30
    assert (h["czj"].count, h["czj"].outstanding, h["czj"].interest) == (13, 57_350_000, 3_055_830)


def test_all_lists_every_commitment_but_totals_stay_overdue(arrears_world: World) -> None:
    report = arrears_audit(arrears_world.ledger.engine, D, include_all=True)
    # 20 commitments recorded, 2 voided
    assert len(report.items) == 18
    assert report.totals.count == 16
    not_due = {i.commitment: i for i in report.items if not i.overdue}
    assert sorted(not_due) == ["C-BILL", "C-SETTLED"]
    assert (not_due["C-BILL"].days_overdue, not_due["C-BILL"].bucket) == (None, None)


def test_events_after_the_audit_date_are_ignored(arrears_world: World) -> None:
    report = arrears_audit(arrears_world.ledger.engine, _d("2025-05-31"))
    items = _items(report)
    # signed after 05-31: not there at all
    assert (
        "C-DISPUTE" not in items
        and "C-SOE" not in items
        and "C-VOID2" not in {v.commitment for v in report.voided}
    )
    i = items["C-DEL"]
    # 80,000 late 03-03..04-02 (30 days): 1,200.00; 50,000 late 04-02..05-31 (151 - 92 = 59): 1,475.00
    assert (i.days_overdue, i.bucket, i.interest) == (89, Bucket.UP_TO_90, 267_500)
    s = items["C-SETTLED"]
    # the settlement (08-01) is later: 50,000 late 03-12..05-31 (151 - 71 = 80 days) * 25.00
    assert (s.principal, s.waived, s.interest) == (5_000_000, 0, 200_000)


def test_filters(arrears_world: World) -> None:
    eng = arrears_world.ledger.engine
    only = arrears_audit(eng, D, filters=AuditFilter(agency="jyj"))
    assert [i.commitment for i in only.items] == ["C-ACC", "C-DATE"]
    assert only.totals.count == 2
    region = arrears_audit(eng, D, filters=AuditFilter(region="430602"))
    assert [i.commitment for i in region.items] == ["C-ACC", "C-DATE"]
    city = arrears_audit(eng, D, filters=AuditFilter(region="430000"))
    assert city.totals.count == 16  # the province takes in every division
    ent = arrears_audit(eng, D, filters=AuditFilter(enterprise=uscc(5)))
    assert [i.commitment for i in ent.items] == ["C-SIZE-L", "C-SIZE-S"]


def test_json_has_the_cli_contract_fields(arrears_world: World) -> None:
    report = arrears_audit(arrears_world.ledger.engine, D)
    out = arrears_json(report)
    # the streamed text (what the CLI prints) is the same object
    assert json.loads("".join(json_chunks(arrears_parts(report)))) == out
    assert {"as_of", "items", "totals", "late_paid", "voided"} <= set(out)
    item = next(i for i in out["items"] if i["commitment"] == "C-DEL")  # type: ignore[union-attr,index]
    assert item["principal"] == "100000.00" and item["interest"] == "8025.00"
    assert item["effective_due"] == "2025-03-03" and item["bucket"] == "181-365"
    for key in (
        "commitment",
        "type",
        "agency",
        "holder",
        "enterprise",
        "principal",
        "paid",
        "outstanding",
        "disputed",
        "due",
        "statutory_due",
        "effective_due",
        "days_overdue",
        "bucket",
        "interest",
        "flags",
        "evidence",
    ):
        assert key in item
    totals = out["totals"]
    assert totals["outstanding"] == "653500.00" and totals["interest"] == "39903.30"  # type: ignore[index]
    assert totals["late_paid_interest"] == "4175.00"  # type: ignore[index]
    lp = out["late_paid"][0]  # type: ignore[index]
    assert set(lp) >= {"commitment", "holder", "effective_due", "days_late", "interest"}
    v = out["voided"][0]  # type: ignore[index]
    assert set(v) >= {"commitment", "seq", "reason", "flags"}


def test_worker_processes_give_the_same_report(arrears_world: World) -> None:
    eng = arrears_world.ledger.engine
    one = arrears_audit(eng, D, include_all=True)
    assert arrears_audit(eng, D, include_all=True, jobs=3) == one
    assert arrears_audit(eng, D, jobs=2) == arrears_audit(eng, D)
