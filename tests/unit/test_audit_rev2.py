"""DOMAIN.md revision 2 on a hand-computed world, on SQLite and PostgreSQL: rest days, the
governing text, SOE buyers under each text, a pre-regulation contract, an association buyer,
the LPR floor at its boundary, ``late_paid``/``days_late`` and the disclosure's new rows.

Every expected figure is a literal worked out by hand (arithmetic in the comments).  The
holiday arrangement is the State Council's (chinese-calendar 1.11): 2026 Spring Festival
02-15..02-23 with working Saturdays 02-14 and 02-28; Labour Day 05-01..05-05; National Day
10-01..10-07.  Day of year (doy) in 2026: Jan 31, Feb 59, Mar 90, Apr 120, May 151, Jun 181,
Jul 212, Aug 243, Sep 273, Oct 304; the audit date D = 2026-10-31 is doy 304.  The
statutory rate is 0.05% a day: 10,000.00 yuan owe 5.00 a day.  The test clock starts
2026-11-01, so no business date lies in the future.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from ledger.audit import (
    AuditFilter,
    Bucket,
    Flag,
    RateKind,
    Text,
    TurnoverType,
    arrears_audit,
    disclosure_audit,
    load_calendar,
    turnover_audit,
)
from ledger.audit.export import arrears_json, disclosure_json
from tests.conftest import World
from tests.helpers.audit_world import (
    BACKENDS,
    agency,
    commitment,
    delivered,
    enterprise,
    paid,
    shared_world,
    succeeded,
)

D = dt.date(2026, 10, 31)
START = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC)


def _d(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def build_rev2_world(w: World) -> None:
    w.append(
        "registrar",
        [
            agency("czj", "organ"),
            agency("jyj", "institution"),
            agency("xh", "association"),
            agency("gq", "soe"),
            agency("gq2", "soe"),
            agency("gq3", "soe"),
            agency("qt", "other"),
            # established only in 2026: no disclosure for 2025
            agency("xh2", "association", established="2026-03-01"),
            # a split that allocates commitments
            agency("old", "organ"),
            agency("newA", "organ", established="2026-06-01"),
            agency("newB", "organ", established="2026-06-01"),
            enterprise(1, "small"),
            enterprise(2, "micro"),
            enterprise(4, "large"),
        ],
    )
    d30 = {"basis": "delivery", "days": 30}
    w.append(
        "registrar",
        [
            # rest days (民法典 art. 203)
            commitment("R-SAT", "czj", 1, "10000.00", "2026-02-01", d30),
            delivered("R-SAT", "2026-02-05"),
            commitment("R-HOL", "czj", 1, "10000.00", "2026-08-20", d30),
            delivered("R-HOL", "2026-09-01"),
            commitment("R-SPRING", "czj", 1, "10000.00", "2026-01-20", d30),
            delivered("R-SPRING", "2026-01-24"),
            commitment("R-WORKSAT", "czj", 1, "10000.00", "2026-01-20", d30),
            delivered("R-WORKSAT", "2026-01-29"),
            commitment(
                "R-SUNDUE",
                "czj",
                1,
                "10000.00",
                "2026-01-25",
                {"basis": "date", "due": "2026-03-01"},
            ),
            delivered("R-SUNDUE", "2026-02-01"),
            # SOE buyers under each text
            commitment("S25-NONE", "gq", 2, "10000.00", "2026-03-01", {"basis": "delivery"}),
            delivered("S25-NONE", "2026-03-02"),
            commitment(
                "S25-90", "gq", 2, "10000.00", "2026-03-01", {"basis": "delivery", "days": 90}
            ),
            delivered("S25-90", "2026-03-02"),
            commitment("S20-NONE", "gq", 2, "10000.00", "2024-03-01", {"basis": "delivery"}),
            delivered("S20-NONE", "2024-03-01"),
            commitment("S20-30", "gq", 2, "10000.00", "2024-03-01", d30),
            delivered("S20-30", "2024-03-01"),
            commitment(
                "S20-90", "gq", 2, "10000.00", "2024-03-01", {"basis": "delivery", "days": 90}
            ),
            delivered("S20-90", "2024-03-01"),
            # an SOE whose only SME contract is not yet due at the end of 2025
            commitment("S-ZERO", "gq2", 2, "5000.00", "2025-10-01", d30),
            delivered("S-ZERO", "2025-12-20"),
            # an SOE with only a large supplier: not in annual_report
            commitment("S-LARGE", "gq3", 4, "5000.00", "2025-01-01", d30),
            delivered("S-LARGE", "2025-01-02"),
            # contracts signed in 2019: neither text
            commitment("PRE-2019", "czj", 1, "10000.00", "2019-06-01", d30, interest_rate="2.00"),
            delivered("PRE-2019", "2019-07-01"),
            commitment("PRE-2019B", "czj", 1, "10000.00", "2019-06-01", d30),
            delivered("PRE-2019B", "2019-07-01"),
            # an association buyer, 90 agreed days
            commitment(
                "ASSOC", "xh", 1, "10000.00", "2026-03-01", {"basis": "delivery", "days": 90}
            ),
            delivered("ASSOC", "2026-03-02"),
            # the LPR floor at its boundary (3.00 from 2025-05-20)
            commitment("LPR-EQ", "czj", 1, "10000.00", "2026-03-01", d30, interest_rate="3.00"),
            delivered("LPR-EQ", "2026-03-02"),
            commitment("LPR-LOW", "czj", 1, "10000.00", "2026-03-01", d30, interest_rate="2.99"),
            delivered("LPR-LOW", "2026-03-02"),
            # paid in full, late, in two payments
            commitment("LATE", "czj", 1, "20000.00", "2026-03-20", d30),
            delivered("LATE", "2026-04-01"),
            paid("LATE", "10000.00", "2026-05-16"),
            paid("LATE", "10000.00", "2026-06-05"),
            # a large supplier paid late, no agreed rate: owes no interest here
            commitment("LATE-LARGE", "czj", 4, "20000.00", "2026-03-20", d30),
            delivered("LATE-LARGE", "2026-04-01"),
            paid("LATE-LARGE", "20000.00", "2026-06-05"),
            # a period ending in 2027, a year the packaged calendar does not cover (a large
            # supplier: no statutory 60-day date, only the agreed 64 days)
            commitment(
                "FUT", "czj", 4, "10000.00", "2026-10-20", {"basis": "delivery", "days": 64}
            ),
            delivered("FUT", "2026-10-30"),
            # signed by "old", then split between newA and newB by named commitments
            commitment("SPLIT-1", "old", 1, "10000.00", "2026-01-05", d30),
            delivered("SPLIT-1", "2026-01-06"),
            commitment("SPLIT-2", "old", 1, "10000.00", "2026-01-05", d30),
            delivered("SPLIT-2", "2026-01-06"),
            commitment("SPLIT-3", "old", 1, "10000.00", "2026-01-05", d30),
            delivered("SPLIT-3", "2026-01-06"),
        ],
    )
    w.append(
        "registrar",
        [
            succeeded(["old"], "newA", "2026-06-01", "restructuring", ["SPLIT-1"]),
            succeeded(["old"], "newB", "2026-06-01", "function_change", ["SPLIT-2"]),
        ],
    )


@pytest.fixture(scope="module", params=BACKENDS)
def rev2_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    with shared_world(request.param, tmp_path_factory.mktemp("rev2_world"), START) as w:
        build_rev2_world(w)
        yield w


def _items(report):  # type: ignore[no-untyped-def]
    return {i.commitment: i for i in report.items}


def _all(w: World, as_of: dt.date = D):  # type: ignore[no-untyped-def]
    return _items(arrears_audit(w.ledger.engine, as_of, include_all=True))


def test_a_period_ending_on_a_saturday_moves_to_monday(rev2_world: World) -> None:
    i = _all(rev2_world)["R-SAT"]
    # 02-05 + 30 = 03-07, a Saturday: the contractual and statutory periods end Monday 03-09
    # (doy 68); 304 - 68 = 236 days * 5.00 = 1,180.00
    assert (i.due, i.statutory_due, i.effective_due) == (_d("2026-03-09"),) * 3
    assert (i.days_overdue, i.interest, i.overdue_amount) == (236, 118_000, 1_000_000)
    assert i.text is Text.T2025


def test_a_period_ending_on_a_public_holiday(rev2_world: World) -> None:
    i = _all(rev2_world)["R-HOL"]
    # 09-01 + 30 = 10-01, National Day (holiday 10-01..10-07): Thursday 10-08 (doy 281);
    # 304 - 281 = 23 days * 5.00 = 115.00
    assert (i.due, i.statutory_due, i.effective_due) == (_d("2026-10-08"),) * 3
    assert (i.days_overdue, i.bucket, i.interest) == (23, Bucket.UP_TO_30, 11_500)


def test_a_period_ending_on_the_last_day_of_the_spring_festival(rev2_world: World) -> None:
    i = _all(rev2_world)["R-SPRING"]
    # 01-24 + 30 = 02-23, a Monday but the last day of the Spring Festival holiday:
    # Tuesday 02-24 (doy 55); 304 - 55 = 249 days * 5.00 = 1,245.00
    assert (i.due, i.statutory_due, i.effective_due) == (_d("2026-02-24"),) * 3
    assert (i.days_overdue, i.interest) == (249, 124_500)


def test_a_period_ending_on_a_working_saturday_does_not_move(rev2_world: World) -> None:
    i = _all(rev2_world)["R-WORKSAT"]
    # 01-29 + 30 = 02-28, a Saturday made a working day (调休): no move (doy 59);
    # 304 - 59 = 245 days * 5.00 = 1,225.00
    assert (i.due, i.statutory_due, i.effective_due) == (_d("2026-02-28"),) * 3
    assert (i.days_overdue, i.interest) == (245, 122_500)


def test_a_fixed_due_date_on_a_sunday_does_not_move(rev2_world: World) -> None:
    i = _all(rev2_world)["R-SUNDUE"]
    # fixed due 03-01, a Sunday: a date, not a period, so it stays; the statutory period
    # (delivery 02-01 + 28 agreed days = 03-01) does move, to Monday 03-02; the earlier
    # counts: 03-01 (doy 60); 304 - 60 = 244 days * 5.00 = 1,220.00
    assert (i.due, i.statutory_due, i.effective_due) == (
        _d("2026-03-01"),
        _d("2026-03-02"),
        _d("2026-03-01"),
    )
    assert (i.days_overdue, i.interest) == (244, 122_000)


def test_soe_buyer_under_the_2025_text(rev2_world: World) -> None:
    items = _all(rev2_world)
    none = items["S25-NONE"]
    # 2025 text (period starts 2026-03-02), none agreed: 60 days; 03-02 + 60 = 05-01, Labour
    # Day: Wednesday 05-06 (doy 126); 304 - 126 = 178 days * 5.00 = 890.00
    assert (none.due, none.statutory_due, none.effective_due) == (
        None,
        _d("2026-05-06"),
        _d("2026-05-06"),
    )
    assert (none.days_overdue, none.bucket, none.interest, none.flags) == (
        178,
        Bucket.UP_TO_180,
        89_000,
        (),
    )
    ninety = items["S25-90"]
    # 90 agreed days, no cap for an SOE (and no TERM_OVER_60): 03-02 + 90 = 05-31, a Sunday:
    # Monday 06-01 (doy 152) for both dates; 304 - 152 = 152 days * 5.00 = 760.00
    assert (ninety.due, ninety.statutory_due, ninety.effective_due) == (_d("2026-06-01"),) * 3
    assert (ninety.days_overdue, ninety.interest, ninety.flags) == (152, 76_000, ())
    assert ninety.text is Text.T2025


def test_soe_buyer_under_the_2020_text(rev2_world: World) -> None:
    items = _all(rev2_world)
    none = items["S20-NONE"]
    # 2020 text (period starts 2024-03-01), none agreed: no statutory date, no contractual
    # one: never due
    assert (none.due, none.statutory_due, none.effective_due, none.overdue) == (
        None,
        None,
        None,
        False,
    )
    assert none.text is Text.T2020
    assert "S20-NONE" not in _items(arrears_audit(rev2_world.ledger.engine, D))
    thirty = items["S20-30"]
    # 30 agreed: 2024-03-01 + 30 = 03-31, a Sunday: Monday 2024-04-01 for both dates;
    # 2024-04-01..2026-04-01 = 730, + 04-01 (doy 91)..10-31 = 213: 943 days * 5.00 = 4,715.00
    assert (thirty.due, thirty.statutory_due, thirty.effective_due) == (_d("2024-04-01"),) * 3
    assert (thirty.days_overdue, thirty.bucket, thirty.interest) == (943, Bucket.OVER_365, 471_500)
    ninety = items["S20-90"]
    # 90 agreed: 2024-03-01 + 90 = 05-30 (a Thursday), no cap, no flag;
    # 2024-05-30..2026-05-30 = 730, + 05-30 (doy 150)..10-31 = 154: 884 days * 5.00 = 4,420.00
    assert (ninety.due, ninety.statutory_due, ninety.effective_due) == (_d("2024-05-30"),) * 3
    assert (ninety.days_overdue, ninety.interest, ninety.flags) == (884, 442_000, ())


def test_a_contract_signed_in_2019_falls_under_neither_text(rev2_world: World) -> None:
    items = _all(rev2_world)
    i = items["PRE-2019"]
    # signed 2019-06-01: no statutory date, no statutory interest, no LPR floor; the agreed
    # 30 days: 07-01 + 30 = 07-31 (a Wednesday)
    assert (i.due, i.statutory_due, i.effective_due) == (_d("2019-07-31"), None, _d("2019-07-31"))
    assert i.text is Text.NONE
    # the agreed 2.00% stands although the LPR at signing was higher: no RATE_BELOW_LPR;
    # 2019-07-31..2026-07-31 = 7 * 365 + 2 (2020-02-29, 2024-02-29) = 2,557, + 92 = 2,649 days;
    # 1,000,000 fen * 2.00% / 365 * 2,649 = 145,150.68 -> 145,151 fen = 1,451.51
    assert (i.days_overdue, i.interest, i.flags) == (2_649, 145_151, ())
    assert (i.rate.kind, i.rate.annual_percent, i.rate.lpr_percent) == (
        RateKind.AGREED,
        2,
        None,
    )
    # no agreed rate: no interest at all (civil-law damages are outside the audit)
    b = items["PRE-2019B"]
    assert (b.overdue, b.days_overdue, b.interest, b.rate.kind) == (True, 2_649, 0, RateKind.NONE)
    assert not [c for c in b.citations if c.instrument == "保障中小企业款项支付条例"]


def test_an_association_follows_the_rules_for_institutions(rev2_world: World) -> None:
    i = _all(rev2_world)["ASSOC"]
    # 90 agreed: contractual 03-02 + 90 = 05-31 (Sunday) -> 06-01; statutory capped at 60:
    # 05-01 (Labour Day) -> 05-06 (doy 126); TERM_OVER_60; 178 days * 5.00 = 890.00
    assert (i.due, i.statutory_due, i.effective_due) == (
        _d("2026-06-01"),
        _d("2026-05-06"),
        _d("2026-05-06"),
    )
    assert (i.days_overdue, i.interest, i.flags) == (178, 89_000, (Flag.TERM_OVER_60,))
    # 2025 art. 36: associations follow the rules for institutions
    assert any(c.articles == (36,) and c.version == "2025" for c in i.citations)


def test_the_lpr_floor_at_its_boundary(rev2_world: World) -> None:
    items = _all(rev2_world)
    eq, low = items["LPR-EQ"], items["LPR-LOW"]
    # the LPR at signing (2026-03-01) is 3.00: an agreed 3.00 is not below it
    assert (eq.rate.kind, eq.flags) == (RateKind.AGREED, ())
    assert (low.rate.kind, low.flags) == (RateKind.LPR_FLOOR, (Flag.RATE_BELOW_LPR,))
    # 03-02 + 30 = 04-01 (doy 91): 213 days; 1,000,000 fen * 3% / 365 * 213 = 17,506.85
    # -> 17,507 fen for both (2.99 is floored to 3.00)
    assert (eq.effective_due, eq.days_overdue, eq.interest) == (_d("2026-04-01"), 213, 17_507)
    assert low.interest == 17_507


def test_late_paid_lists_only_interest_still_owed(rev2_world: World) -> None:
    report = arrears_audit(rev2_world.ledger.engine, D)
    late = {lp.commitment: lp for lp in report.late_paid}
    # LATE: 04-01 + 30 = 05-01 (Labour Day) -> 05-06; 20,000 late 05-06..05-16 (10 days * 10.00
    # = 100.00), 10,000 late 05-16..06-05 (20 days * 5.00 = 100.00): 200.00; days_late =
    # max(05-16 - 05-06, 06-05 - 05-06) = max(10, 30) = 30
    lp = late["LATE"]
    assert (lp.effective_due, lp.days_late, lp.interest) == (_d("2026-05-06"), 30, 20_000)
    assert (lp.interest_paid, lp.interest_owed) == (0, 20_000)
    # LATE-LARGE was paid 30 days late but owes no interest here (no agreed rate, large
    # supplier): revision 2 lists only commitments that still owe interest
    assert "LATE-LARGE" not in late
    assert sorted(late) == ["LATE"]
    assert report.totals.late_paid_interest == 20_000


def test_a_year_the_calendar_does_not_cover_uses_weekends_and_says_so(
    rev2_world: World, tmp_path: Path
) -> None:
    report = arrears_audit(rev2_world.ledger.engine, D, include_all=True)
    i = _items(report)["FUT"]
    # 10-30 + 64 = 2027-01-02, a Saturday; 2027 is beyond chinese-calendar 1.11 (2004-2026):
    # weekends only -> Monday 2027-01-04, and the audit names the year it had to guess
    assert i.effective_due == _d("2027-01-04")
    assert report.calendar is not None and 2026 in report.calendar.years
    assert 2027 not in report.calendar.years
    assert report.weekends_only == (2027,)
    out = arrears_json(report)
    cal = out["sources"]["calendar"]  # type: ignore[index,call-overload]
    assert cal["years"][0] == 2004 and cal["years"][-1] == 2026  # type: ignore[index]
    assert cal["source"].startswith("chinese-calendar")  # type: ignore[union-attr,index]
    assert cal["weekends_only"] == [2027]  # type: ignore[index]
    assert out["sources"]["lpr"]["mode"] == "packaged"  # type: ignore[index,call-overload]
    # a user file adds 2027 (here: 01-04 made a rest day): 01-02, 01-03, 01-04 rest -> 01-05
    user = tmp_path / "holidays.csv"
    user.write_text("date,type,note\n2027-01-01,rest,元旦\n2027-01-04,rest,假设\n", "utf-8")
    cal2 = load_calendar(user)
    report2 = arrears_audit(rev2_world.ledger.engine, D, include_all=True, calendar=cal2)
    assert _items(report2)["FUT"].effective_due == _d("2027-01-05")
    assert report2.weekends_only == ()
    assert report2.calendar is not None and 2027 in report2.calendar.years
    assert report2.calendar.sources[-1].source == str(user)


def test_overdue_amount_and_its_total(rev2_world: World) -> None:
    report = arrears_audit(rev2_world.ledger.engine, D)
    for item in report.items:
        # other bases: overdue_amount equals outstanding when overdue
        assert item.overdue_amount == item.outstanding
    assert report.totals.overdue_amount == sum(i.overdue_amount for i in report.items)
    out = arrears_json(report)
    # 17 commitments of 10,000.00 (the 14 above and SPLIT-1..3) plus S-ZERO (due 2026-01-19)
    # and S-LARGE (2025-02-01 -> 02-03) of 5,000.00 each: 180,000.00
    assert out["totals"]["overdue_amount"] == "180000.00"  # type: ignore[index,call-overload]


def test_disclosure_rows_associations_and_annual_report(rev2_world: World) -> None:
    r = disclosure_audit(rev2_world.ledger.engine, 2025)
    rows = {x.agency: x for x in r.agencies}
    # organs, institutions and associations, zero rows included; not soe, not other
    # (xh2, newA and newB were established in 2026)
    assert sorted(rows) == ["czj", "jyj", "old", "xh"]
    # czj at 2025-12-31: the two 2019 contracts, contractually overdue since 2019-07-31
    # (pre-regulation contracts count when contractually overdue): 2, 20,000.00
    assert (rows["czj"].contracts, rows["czj"].amount) == (2, 2_000_000)
    assert (rows["xh"].contracts, rows["xh"].amount) == (0, 0)
    assert (r.totals.agencies, r.totals.contracts, r.totals.amount) == (4, 2, 2_000_000)
    soe = {x.agency: x for x in r.annual_report}
    # gq: S20-30 and S20-90 overdue (S20-NONE never due): 2, 20,000.00; gq2: S-ZERO not due
    # until 12-20 + 30 = 2026-01-19: a zero row; gq3: only a large supplier: not listed
    assert sorted(soe) == ["gq", "gq2"]
    assert (soe["gq"].contracts, soe["gq"].amount) == (2, 2_000_000)
    assert (soe["gq2"].contracts, soe["gq2"].amount) == (0, 0)
    out = disclosure_json(r)
    assert [x["agency"] for x in out["annual_report"]] == ["gq", "gq2"]  # type: ignore[union-attr,index]
    # totals cover agencies only
    assert out["totals"]["amount"] == "20000.00"  # type: ignore[index,call-overload]
    # filters choose the rows of both lists
    only = disclosure_audit(rev2_world.ledger.engine, 2025, filters=AuditFilter(agency="gq"))
    assert [x.agency for x in only.annual_report] == ["gq"] and only.agencies == ()


def test_a_split_that_allocates_commitments(rev2_world: World) -> None:
    report = arrears_audit(rev2_world.ledger.engine, D)
    items = _items(report)
    # each named commitment goes to the successor that names it; the third stays with "old"
    assert [items[c].holder for c in ("SPLIT-1", "SPLIT-2", "SPLIT-3")] == ["newA", "newB", "old"]
    assert {items[c].agency for c in ("SPLIT-1", "SPLIT-2", "SPLIT-3")} == {"old"}
    # 01-06 + 30 = 02-05 (doy 36, a Thursday): 304 - 36 = 268 days * 5.00 = 1,340.00 each
    assert [(items[c].days_overdue, items[c].interest) for c in ("SPLIT-1", "SPLIT-3")] == [
        (268, 134_000),
        (268, 134_000),
    ]
    h = report.totals.by_holder
    assert (h["newA"].count, h["newB"].count, h["old"].count) == (1, 1, 1)
    # a succession naming commitments is a turnover for those only: SPLIT-1 (restructuring)
    # and SPLIT-2 (function_change counts as restructuring) are T1 findings; SPLIT-3 is not
    f = {x.commitment: x for x in turnover_audit(rev2_world.ledger.engine, D).findings}
    assert "SPLIT-3" not in f
    for c, holder in (("SPLIT-1", "newA"), ("SPLIT-2", "newB")):
        assert [r.value for r in f[c].rules] == ["T1"]
        assert f[c].turnover is not None
        assert (f[c].turnover.type, f[c].turnover.date) == (
            TurnoverType.RESTRUCTURING,
            _d("2026-06-01"),
        )
        assert f[c].holder == holder
        # breach: the later of the due date 02-05 and the split 06-01; under the new holder
        # 304 - 152 (06-01) = 152 days
        assert (f[c].breach_date, f[c].days_under_new_leadership) == (_d("2026-06-01"), 152)
    # "old" passed on only named commitments: it still exists and discloses (SPLIT-3);
    # newA and newB, established 2026-06-01, disclose for 2026
    rows = {x.agency: x for x in disclosure_audit(rev2_world.ledger.engine, 2026).agencies}
    assert (rows["old"].contracts, rows["old"].amount) == (1, 1_000_000)
    assert (rows["newA"].contracts, rows["newB"].contracts) == (1, 1)
    assert "xh2" in rows


def test_reappointment_and_the_tie_order(world: World) -> None:
    from tests.helpers.audit_world import appointed, term_changed

    d30 = {"basis": "delivery", "days": 30}
    world.append(
        "registrar",
        [
            agency("czj", "organ", "430600"),
            agency("jyj", "institution", "430602"),
            enterprise(1, "small"),
            appointed("p1", "czj", "2025-01-01"),
            appointed("q1", "jyj", "2025-01-01"),
        ],
    )
    world.append(
        "registrar",
        [
            # 02-03 + 30 = 03-05 (a Wednesday)
            commitment("C", "czj", 1, "10000.00", "2025-02-01", d30),
            delivered("C", "2025-02-03"),
            commitment("J", "jyj", 1, "10000.00", "2025-02-01", d30),
            delivered("J", "2025-02-03"),
        ],
    )
    # re-appointing the principal in office changes nothing: no turnover, no finding
    world.append("registrar", [appointed("p1", "czj", "2025-06-01")])
    D25 = dt.date(2025, 12, 31)
    assert turnover_audit(world.ledger.engine, D25).findings == ()
    # two successions into czj on one day (both restructuring): the higher seq is named;
    # at jyj a term change and a new principal on one day: term_change ranks first
    world.append("registrar", [agency("x1", "organ"), agency("x2", "organ")])
    s1 = world.append("registrar", [succeeded(["x1"], "czj", "2025-09-01")]).first_seq
    s2 = world.append("registrar", [succeeded(["x2"], "czj", "2025-09-01")]).first_seq
    assert s2 > s1
    world.append("registrar", [appointed("p2", "czj", "2025-09-01")])
    world.append("registrar", [appointed("q2", "jyj", "2025-09-01")])
    term = world.append("registrar", [term_changed("430602", "第十届", "2025-09-01")]).first_seq
    f = {x.commitment: x for x in turnover_audit(world.ledger.engine, D25).findings}
    assert f["C"].turnover is not None and f["J"].turnover is not None
    # restructuring ranks before official_change (p2, same day); of the two, the higher seq
    assert (f["C"].turnover.type, f["C"].turnover.seq) == (TurnoverType.RESTRUCTURING, s2)
    assert (f["J"].turnover.type, f["J"].turnover.seq) == (TurnoverType.TERM_CHANGE, term)
    # breach: the later of 03-05 and 09-01; 365 - 244 (09-01) = 121 days
    assert (f["C"].breach_date, f["C"].days_under_new_leadership) == (_d("2025-09-01"), 121)
