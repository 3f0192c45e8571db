"""Progress settlement (basis ``settlement``), reversed payments and paid interest, on a
hand-computed world, on SQLite and PostgreSQL (DOMAIN.md revision 2).

Every expected figure is a literal worked out by hand (arithmetic in the comments).  Day
of year (doy) in 2026: Jan 31, Feb 59, Mar 90, Apr 120, May 151, Jun 181, Jul 212, Aug 243,
Sep 273, Oct 304; D = 2026-10-31 (doy 304).  The statutory rate is 0.05% a day: 100,000.00
yuan owe 50.00 a day.  Holidays: the Dragon Boat Festival 2026-06-19..06-21.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from ledger.audit import Bucket, Flag, arrears_audit, turnover_audit
from ledger.audit.export import arrears_json
from ledger.errors import BadInput
from tests.conftest import World
from tests.helpers.audit_world import (
    BACKENDS,
    agency,
    appointed,
    commitment,
    confirmed,
    delivered,
    disputed,
    enterprise,
    interest_paid,
    paid,
    reversed_,
    shared_world,
)

D = dt.date(2026, 10, 31)
START = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC)


def _d(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def build_world(w: World) -> dict[str, int]:
    w.append(
        "registrar",
        [
            agency("czj", "organ"),
            enterprise(1, "small"),
            appointed("p1", "czj", "2025-01-01"),
        ],
    )
    w.append(
        "registrar",
        [
            # a works contract paid in three confirmed instalments (履行进度结算)
            commitment(
                "WORKS", "czj", 1, "1000000.00", "2026-01-10", {"basis": "settlement", "days": 30}
            ),
            confirmed("WORKS", "2026-03-10", "300000.00"),
            paid("WORKS", "300000.00", "2026-04-01", reference="W-1"),
            confirmed("WORKS", "2026-05-20", "300000.00"),
            paid("WORKS", "200000.00", "2026-07-02", reference="W-2"),
            confirmed("WORKS", "2026-08-10", "400000.00"),
            disputed("WORKS", "50000.00", "2026-09-20", "quality"),
            paid("WORKS", "250000.00", "2026-09-30", reference="W-3"),
            # a payment reversed before the commitment fell due (a bounced transfer)
            commitment(
                "REV-A", "czj", 1, "100000.00", "2026-03-01", {"basis": "delivery", "days": 30}
            ),
            delivered("REV-A", "2026-03-02"),
            paid("REV-A", "100000.00", "2026-03-20", reference="A-1"),
            reversed_("REV-A", "A-1", "2026-03-25", "退票"),
            # a payment reversed after the commitment fell due (recorded in error), paid again
            commitment(
                "REV-B", "czj", 1, "100000.00", "2026-03-01", {"basis": "delivery", "days": 30}
            ),
            delivered("REV-B", "2026-03-02"),
            paid("REV-B", "100000.00", "2026-03-20", reference="B-1"),
            reversed_("REV-B", "B-1", "2026-05-10", "误录"),
            paid("REV-B", "100000.00", "2026-05-12", reference="B-2"),
            interest_paid("REV-B", "2050.00", "2026-06-01"),
            # paid late, part of the interest paid
            commitment(
                "INT", "czj", 1, "100000.00", "2026-03-01", {"basis": "delivery", "days": 30}
            ),
            delivered("INT", "2026-03-02"),
            paid("INT", "100000.00", "2026-05-12", reference="I-1"),
            interest_paid("INT", "1000.00", "2026-06-01"),
        ],
    )
    w.append("registrar", [appointed("p2", "czj", "2026-06-01")])
    return {}


@pytest.fixture(scope="module", params=BACKENDS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    with shared_world(request.param, tmp_path_factory.mktemp("settlement"), START) as w:
        build_world(w)
        yield w


def _all(w: World, as_of: dt.date = D):  # type: ignore[no-untyped-def]
    return {i.commitment: i for i in arrears_audit(w.ledger.engine, as_of, include_all=True).items}


def test_three_settlements_paid_across_parts_with_a_dispute_on_the_last(world: World) -> None:
    i = _all(world)["WORKS"]
    # parts: S1 03-10 + 30 = 04-09 (Thu); S2 05-20 + 30 = 06-19, the Dragon Boat Festival:
    # Monday 06-22; S3 08-10 + 30 = 09-09 (Wed).  Statutory dates the same (30 <= 60).
    parts = [(p.amount, p.effective_due) for p in i.parts]
    assert parts == [
        (30_000_000, _d("2026-04-09")),
        (30_000_000, _d("2026-06-22")),
        (40_000_000, _d("2026-09-09")),
    ]
    # the dispute of 50,000 is taken from the latest-due part, S3 (nothing is unconfirmed);
    # payments in due order: W-1 300,000 -> S1; W-2 200,000 -> S2; W-3 250,000 -> S2's
    # remaining 100,000, then 150,000 of S3's undisputed 350,000
    assert [(p.paid, p.disputed, p.unpaid) for p in i.parts] == [
        (30_000_000, 0, 0),
        (30_000_000, 0, 0),
        (15_000_000, 5_000_000, 25_000_000),
    ]
    # principal 1,000,000 - paid 750,000 = outstanding 250,000, of it 50,000 disputed
    assert (i.principal, i.paid, i.outstanding, i.disputed) == (
        100_000_000,
        75_000_000,
        25_000_000,
        5_000_000,
    )
    # overdue: S3 has 200,000 undisputed unpaid past 09-09; the item shows S3's dates;
    # 304 - 252 (09-09) = 52 days; overdue_amount = S3's unpaid 250,000 (disputed included)
    assert (i.due, i.statutory_due, i.effective_due) == (_d("2026-09-09"),) * 3
    assert (i.overdue, i.days_overdue, i.bucket) == (True, 52, Bucket.UP_TO_90)
    assert i.overdue_amount == 25_000_000
    assert Flag.UNDISPUTED_UNPAID in i.flags
    # interest, part by part:
    #   S1 paid 04-01, before 04-09: 0
    #   S2 300,000 late 06-22..07-02 (10 days * 150.00 = 1,500.00), 100,000 late 07-02..09-30
    #      (90 days * 50.00 = 4,500.00): 6,000.00
    #   S3 400,000 late 09-09..09-20 (11 days * 200.00 = 2,200.00); the 50,000 disputed stops
    #      on 09-20: 350,000 09-20..09-30 (10 days * 175.00 = 1,750.00); 200,000 09-30..10-31
    #      (31 days * 100.00 = 3,100.00): 7,050.00
    #   total 13,050.00
    assert [p.interest for p in i.parts] == [0, 600_000, 705_000]
    assert i.interest == 1_305_000


def test_settlement_parts_as_of_earlier_dates(world: World) -> None:
    # 09-15: S2 still owes 100,000 (due 06-22) and S3 400,000 (due 09-09): S2 is the earliest
    # overdue part: 09-15 (doy 258) - 06-22 (doy 173) = 85 days; overdue_amount 500,000;
    # interest S2 1,500 + 100,000 * 75 days (07-02..09-15) * 0.05% = 3,750 -> 5,250;
    # S3 400,000 * 6 days (09-09..09-15) * 0.05% = 1,200: 6,450.00
    i = _all(world, _d("2026-09-15"))["WORKS"]
    assert (i.effective_due, i.days_overdue, i.overdue_amount) == (_d("2026-06-22"), 85, 50_000_000)
    assert i.interest == 645_000
    # 06-30: only S1 (paid) and S2 confirmed; S2 unpaid 300,000 since 06-22: 8 days;
    # the unconfirmed 400,000 is never due, but outstanding counts it: 1,000,000 - 300,000
    j = _all(world, _d("2026-06-30"))["WORKS"]
    assert (j.effective_due, j.days_overdue, j.overdue_amount) == (_d("2026-06-22"), 8, 30_000_000)
    assert (j.outstanding, j.interest) == (70_000_000, 120_000)
    # 03-31: S1 confirmed, not yet due (04-09): not overdue; the item shows S1's date
    k = _all(world, _d("2026-03-31"))["WORKS"]
    assert (k.overdue, k.effective_due, k.overdue_amount) == (False, _d("2026-04-09"), 0)


def test_a_payment_reversed_before_the_due_date_never_counted(world: World) -> None:
    report = arrears_audit(world.ledger.engine, D)
    i = {x.commitment: x for x in report.items}["REV-A"]
    # the bounced 100,000 never counted: due 03-02 + 30 = 04-01 (doy 91), unpaid;
    # 304 - 91 = 213 days * 50.00 = 10,650.00
    assert (i.paid, i.outstanding, i.days_overdue, i.interest) == (0, 10_000_000, 213, 1_065_000)
    rev = {(r.commitment, r.reference): r for r in report.reversed}
    assert (rev["REV-A", "A-1"].amount, rev["REV-A", "A-1"].reason) == (10_000_000, "退票")
    out = arrears_json(report)
    listed = [r for r in out["reversed"] if r["commitment"] == "REV-A"]  # type: ignore[union-attr,index]
    assert listed[0]["amount"] == "100000.00" and listed[0]["seq"] == rev["REV-A", "A-1"].seq  # type: ignore[index,call-overload]


def test_a_payment_reversed_after_the_due_date(world: World) -> None:
    # as of 04-15, before the reversal was recorded (05-10): a reversal applies at every date,
    # so B-1 never counted: overdue since 04-01, 14 days * 50.00 = 700.00
    early = _all(world, _d("2026-04-15"))["REV-B"]
    assert (early.paid, early.days_overdue, early.interest) == (0, 14, 70_000)
    report = arrears_audit(world.ledger.engine, D)
    assert "REV-B" not in {x.commitment for x in report.items}
    # paid again 05-12 (B-2): 100,000 late 04-01..05-12 = 41 days * 50.00 = 2,050.00, all of
    # it paid (interest.paid 06-01): owes none, so not in late_paid
    every = _all(world)["REV-B"]
    assert (every.interest, every.interest_paid, every.interest_owed) == (205_000, 205_000, 0)
    late = {lp.commitment: lp for lp in report.late_paid}
    assert "REV-B" not in late
    # INT: the same 2,050.00, of it 1,000.00 paid: still owes 1,050.00; days_late 41
    lp = late["INT"]
    assert (lp.days_late, lp.interest, lp.interest_paid, lp.interest_owed) == (
        41,
        205_000,
        100_000,
        105_000,
    )
    assert report.totals.late_paid_interest_owed == 105_000


def test_reversed_payments_do_not_count_for_t4(world: World) -> None:
    # REV-A: the only payment (03-20) was reversed: no payment was made before the 06-01
    # change of principal, so T4 cannot hold; T1 does (overdue since 04-01)
    f = {x.commitment: x for x in turnover_audit(world.ledger.engine, D).findings}
    assert "T4" not in [r.value for r in f["REV-A"].rules]
    assert "T1" in [r.value for r in f["REV-A"].rules]


def test_reversal_and_settlement_rules_on_append(world: World) -> None:
    size = world.ledger.size()  # type: ignore[attr-defined]
    bad = [
        # a reversed reference is never reused
        (paid("REV-A", "100.00", "2026-10-01", reference="A-1"), "A-1"),
        # a reference already used by a payment of this commitment, naming the first
        (paid("REV-B", "100.00", "2026-10-01", reference="B-2"), "B-2"),
        # a payment is reversed at most once
        (reversed_("REV-A", "A-1", "2026-10-01", "再次"), "A-1"),
        # no such payment
        (reversed_("REV-A", "NOPE", "2026-10-01"), "NOPE"),
        # confirmations never exceed the amount: 1,000,000 are confirmed already
        (confirmed("WORKS", "2026-10-01", "0.01"), "body.amount"),
        # basis settlement only
        (confirmed("REV-A", "2026-10-01", "1.00"), "settlement"),
    ]
    for stmt, needle in bad:
        with pytest.raises(BadInput, match=needle):
            world.append("registrar", [stmt])
    assert world.ledger.size() == size  # type: ignore[attr-defined]


def test_the_arrears_report_prints_parts_reversals_and_the_calendar(world: World) -> None:
    from ledger_reports.arrears import build_arrears
    from ledger_reports.models import Directory, LogAnchor, ReportContext

    from tests.helpers.pdf import cjk_font_or_skip, pdf_text

    report = arrears_audit(world.ledger.engine, D)  # type: ignore[attr-defined]
    cp = world.ledger.checkpoint(world.signer(), world.clock)  # type: ignore[attr-defined]
    ctx = ReportContext(
        as_of=D,
        generated_at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
        anchor=LogAnchor(world.ledger.origin, cp.size, cp.root, cp.note, cp.size),  # type: ignore[attr-defined]
        directory=Directory(agencies={"czj": "财政局"}),
    )
    text = pdf_text(build_arrears(report, ctx, cjk_font_or_skip())).replace("\n", "")
    # the settlement parts of WORKS, its governing text, the reversal of A-1 beside the
    # voids, and the calendar's source and coverage on the cover
    assert "进度结算" in text and "2026-09-09" in text
    assert "适用2025年修订文本" in text
    assert "冲正的付款" in text and "A-1" in text and "退票" in text
    assert "chinese-calendar" in text and "2004–2026" in text


def test_verify_replays_settlements_and_reversals(world: World) -> None:
    # verify re-checks entry k against entries 0..k-1 and compares the projections it
    # rebuilds with the stored ones: reversals and confirmations included
    from ledger.verify import verify_ledger

    verify_ledger(world.ledger)  # type: ignore[arg-type]  # raises on any failure
    before = arrears_json(arrears_audit(world.ledger.engine, D, include_all=True))  # type: ignore[attr-defined]
    from ledger.domain.replay import rebuild

    rebuild(world.ledger)  # type: ignore[arg-type]
    after = arrears_json(arrears_audit(world.ledger.engine, D, include_all=True))  # type: ignore[attr-defined]
    assert after == before
