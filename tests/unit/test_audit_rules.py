"""The arrears rules as pure functions (ledger.audit.rules), with hand-worked numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ledger.audit import rules
from ledger.audit.calendar import load_calendar
from ledger.audit.legal import LegalRule, cite
from ledger.audit.records import Change, PayTerms
from ledger.audit.results import Bucket, Flag, RateKind, Text
from ledger.domain.events import (
    AgencyCategory,
    CommitmentType,
    EnterpriseSize,
    ReasonCode,
    TermsBasis,
)

d = dt.date.fromisoformat
D = d("2025-12-31")
CAL = load_calendar()
DISCIPLINE = "中国共产党纪律处分条例"
T20, T25 = Text.T2020, Text.T2025


def terms(
    basis: str,
    days: int | None = None,
    due: str | None = None,
    acceptance_days: int | None = None,
    conditions: tuple[str, ...] | None = None,
) -> PayTerms:
    return PayTerms(
        TermsBasis(basis), days, None if due is None else d(due), acceptance_days, conditions
    )


def test_sme_rules_apply_to_sme_contracts_and_payables_only() -> None:
    assert rules.sme_rules_apply(EnterpriseSize.MICRO, CommitmentType.PAYABLE)
    assert rules.sme_rules_apply(EnterpriseSize.MEDIUM, CommitmentType.CONTRACT)
    assert not rules.sme_rules_apply(EnterpriseSize.LARGE, CommitmentType.CONTRACT)
    assert not rules.sme_rules_apply(EnterpriseSize.SMALL, CommitmentType.POLICY)
    assert not rules.sme_rules_apply(None, CommitmentType.CONTRACT)


def test_payment_start() -> None:
    acc = terms("acceptance", 30, acceptance_days=10)
    # accepted within 04-01 + 10 (04-11, a Friday)
    assert rules.payment_start(acc, d("2025-04-01"), d("2025-04-11"), D, CAL) == (
        d("2025-04-11"),
        frozenset(),
    )
    # accepted late: counts from 04-11
    late = rules.payment_start(acc, d("2025-04-01"), d("2025-04-12"), D, CAL)
    assert late == (d("2025-04-11"), frozenset({Flag.ACCEPTANCE_DELAYED}))
    # not accepted, period over by D: counts from 04-11
    assert rules.payment_start(acc, d("2025-04-01"), None, D, CAL)[0] == d("2025-04-11")
    # not accepted, period still running: not started (nor on the deadline itself: revision 2
    # starts it only once D is after the deadline)
    assert rules.payment_start(acc, d("2025-04-01"), None, d("2025-04-10"), CAL) == (
        None,
        frozenset(),
    )
    assert rules.payment_start(acc, d("2025-04-01"), None, d("2025-04-11"), CAL)[0] is None
    assert rules.payment_start(acc, d("2025-04-01"), None, d("2025-04-12"), CAL)[0] == d(
        "2025-04-11"
    )
    # the deadline moves off a rest day: 04-10 + 10 = 04-20, a Sunday -> Monday 04-21
    assert rules.payment_start(acc, d("2025-04-10"), d("2025-04-21"), D, CAL) == (
        d("2025-04-21"),
        frozenset(),
    )
    # no period agreed
    bare = terms("acceptance", 30)
    assert rules.payment_start(bare, d("2025-04-01"), None, D, CAL) == (
        None,
        frozenset({Flag.ACCEPTANCE_PERIOD_MISSING}),
    )
    # delivery and date bases count from the delivery
    assert rules.payment_start(terms("delivery", 30), d("2025-04-01"), None, D, CAL)[0] == d(
        "2025-04-01"
    )
    assert rules.payment_start(terms("date", due="2025-06-01"), None, None, D, CAL) == (
        None,
        frozenset(),
    )


def test_contractual_due() -> None:
    assert rules.contractual_due(terms("delivery", 45), d("2025-01-31"), CAL) == d("2025-03-17")
    assert rules.contractual_due(terms("delivery"), d("2025-01-31"), CAL) is None
    assert rules.contractual_due(terms("delivery", 45), None, CAL) is None
    # 2025-06-01 is a Sunday: a fixed due date does not move
    assert rules.contractual_due(terms("date", due="2025-06-01"), None, CAL) == d("2025-06-01")
    # 01-31 + 30 = 03-02, a Sunday: the period ends Monday 03-03
    assert rules.contractual_due(terms("delivery", 30), d("2025-01-31"), CAL) == d("2025-03-03")


@pytest.mark.parametrize(
    ("category", "days", "text", "expected", "over"),
    [
        # organ/institution/association: agreed days, or 30, never above 60 (both texts)
        (AgencyCategory.ORGAN, None, T25, "2025-03-03", False),
        (AgencyCategory.INSTITUTION, 45, T20, "2025-03-18", False),
        (AgencyCategory.ASSOCIATION, 45, T25, "2025-03-18", False),
        (AgencyCategory.ORGAN, 61, T20, "2025-04-02", True),
        (AgencyCategory.ASSOCIATION, 90, T25, "2025-04-02", True),
        # soe, 2025 text: agreed days (no cap, no TERM_OVER_60), or 60
        (AgencyCategory.SOE, None, T25, "2025-04-02", False),
        (AgencyCategory.SOE, 10, T25, "2025-02-11", False),
        # 02-01 + 90 = 05-02, in the Labour Day holiday (05-01..05-05): Tuesday 05-06
        (AgencyCategory.SOE, 90, T25, "2025-05-06", False),
        # soe, 2020 text: the agreed days; none agreed: no statutory date
        (AgencyCategory.SOE, 90, T20, "2025-05-06", False),
        (AgencyCategory.SOE, None, T20, None, False),
    ],
)
def test_statutory_due(
    category: AgencyCategory, days: int | None, text: Text, expected: str | None, over: bool
) -> None:
    # start 2025-02-01: +30 = 03-03, +45 = 03-18, +60 = 04-02, +10 = 02-11 (working days all)
    t = terms("delivery", days)
    due = rules.statutory_due(t, d("2025-02-01"), None, category, True, text, CAL)
    assert due == (None if expected is None else d(expected))
    flags = rules.term_over_60(t, None, category, True)
    assert flags == (frozenset({Flag.TERM_OVER_60}) if over else frozenset())


def test_term_over_60_is_known_once_the_days_are_agreed() -> None:
    """DOMAIN.md: flagged where the statutory rules apply and the buyer is an organ,
    institution or association; never for soe buyers or pre-regulation contracts; for
    basis ``date`` only once a delivery fixes the agreed days.  Nothing else waits for
    the period to start: both texts cap these buyers at 60."""
    over = frozenset({Flag.TERM_OVER_60})
    organ = AgencyCategory.ORGAN
    for basis in ("delivery", "acceptance", "settlement"):
        assert rules.term_over_60(terms(basis, 90), None, organ, True) == over
        assert rules.term_over_60(terms(basis, 60), None, organ, True) == frozenset()
    assert rules.term_over_60(terms("delivery", 90), None, AgencyCategory.SOE, True) == (
        frozenset()
    )
    # not an SME contract or payable, or signed before 2020-09-01: the rules do not apply
    assert rules.term_over_60(terms("delivery", 90), d("2025-07-05"), organ, False) == (frozenset())
    dated = terms("date", due="2025-10-01")
    assert rules.term_over_60(dated, None, organ, True) == frozenset()
    assert rules.term_over_60(dated, d("2025-07-02"), organ, True) == over  # 91 days
    assert rules.term_over_60(dated, d("2025-08-02"), organ, True) == frozenset()


def test_statutory_due_does_not_apply() -> None:
    t = terms("delivery", 30)
    start = d("2025-02-01")
    organ, none = AgencyCategory.ORGAN, None
    assert rules.statutory_due(t, start, None, organ, False, T25, CAL) == none
    assert rules.statutory_due(t, start, None, AgencyCategory.OTHER, True, T25, CAL) == none
    assert rules.statutory_due(t, None, None, organ, True, T25, CAL) == none
    # a pre-regulation contract (signed before 2020-09-01): neither text, no statutory date
    assert rules.statutory_due(t, start, None, organ, True, Text.NONE, CAL) == none
    assert rules.statutory_due(terms("delivery", 90), start, None, organ, True, Text.NONE, CAL) == (
        none
    )
    # basis date before any delivery: nothing to count from yet
    dated = terms("date", due="2025-05-01")
    assert rules.statutory_due(dated, None, None, organ, True, T20, CAL) == none
    # basis date: 05-01 - 04-11 = 20 agreed days; 04-11 + 20 = 05-01, the Labour Day holiday:
    # the statutory period ends Tuesday 05-06 while the fixed due stays 05-01
    assert rules.statutory_due(dated, d("2025-04-11"), d("2025-04-11"), organ, True, T20, CAL) == d(
        "2025-05-06"
    )


def test_governing_text() -> None:
    signed = d("2020-09-01")
    assert rules.governing_text(d("2020-08-31"), d("2025-07-01")) is Text.NONE
    assert rules.governing_text(signed, None) is None
    assert rules.governing_text(signed, d("2025-05-31")) is Text.T2020
    assert rules.governing_text(signed, d("2025-06-01")) is Text.T2025


def test_effective_due_is_the_earlier() -> None:
    assert rules.effective_due(d("2025-03-01"), d("2025-02-01")) == d("2025-02-01")
    assert rules.effective_due(None, d("2025-02-01")) == d("2025-02-01")
    assert rules.effective_due(d("2025-03-01"), None) == d("2025-03-01")
    assert rules.effective_due(None, None) is None


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (1, Bucket.UP_TO_30),
        (30, Bucket.UP_TO_30),
        (31, Bucket.UP_TO_90),
        (90, Bucket.UP_TO_90),
        (91, Bucket.UP_TO_180),
        (180, Bucket.UP_TO_180),
        (181, Bucket.UP_TO_365),
        (365, Bucket.UP_TO_365),
        (366, Bucket.OVER_365),
    ],
)
def test_buckets(days: int, bucket: Bucket) -> None:
    assert rules.bucket_for(days) is bucket


def test_prohibited_excuses() -> None:
    for code in ("official_change", "term_change", "restructuring", "internal_process"):
        assert rules.prohibited_excuse(ReasonCode(code), ("audit",))
    assert rules.prohibited_excuse(ReasonCode.AWAITING_AUDIT, None)
    assert not rules.prohibited_excuse(ReasonCode.AWAITING_AUDIT, ("final-account audit",))
    assert not rules.prohibited_excuse(ReasonCode.AWAITING_AUDIT, ("决算审计后付款",))
    assert rules.prohibited_excuse(ReasonCode.AWAITING_FILING, ("audit",))
    assert not rules.prohibited_excuse(ReasonCode.AWAITING_FILING, ("竣工验收备案",))
    for code in ("funds", "quality", "other"):
        assert not rules.prohibited_excuse(ReasonCode(code), None)
    assert not rules.prohibited_excuse(None, None)


def test_adds_burden() -> None:
    t = terms("delivery", 30, conditions=("audit",))
    rate = Decimal("4.00")

    def burden(
        change: Change, old_due: dt.date | None = None, new_due: dt.date | None = None
    ) -> bool:
        return rules.adds_burden(100, t, rate, True, change, old_due, new_due)

    assert burden(Change(None, None, None, ("备案后付款",)))
    assert burden(Change(99, None, None, None))
    assert not burden(Change(101, None, None, None))
    assert burden(Change(None, None, Decimal("3.99"), None))
    assert not burden(Change(None, None, Decimal("4.01"), None))
    assert burden(Change(None, terms("delivery", 31, conditions=("audit",)), None, None))
    assert not burden(Change(None, terms("delivery", 20, conditions=("audit",)), None, None))
    assert burden(Change(None, terms("delivery", 20, conditions=("audit", "filing")), None, None))
    assert burden(Change(None, terms("acceptance", 30, conditions=("audit",)), None, None))
    # computed due dates decide when both are known
    later = Change(None, terms("date", due="2025-09-01", conditions=("audit",)), None, None)
    assert burden(later, d("2025-03-01"), d("2025-09-01"))
    assert not burden(later, d("2025-10-01"), d("2025-09-01"))
    # where no rate was agreed, an SME contract's 0.05% a day (18.25% a year) is the rate cut
    no_rate = rules.adds_burden(
        100, t, None, True, Change(None, None, Decimal("18.25"), None), None, None
    )
    assert not no_rate
    assert rules.adds_burden(100, t, None, True, Change(None, None, Decimal(18), None), None, None)
    assert not rules.adds_burden(
        100, t, None, False, Change(None, None, Decimal(1), None), None, None
    )


def test_late_rate() -> None:
    lpr = Decimal("3.10")
    rate, flags = rules.late_rate(True, None, lpr)
    assert (rate.kind, rate.daily_percent, flags) == (
        RateKind.STATUTORY_DAILY,
        Decimal("0.05"),
        frozenset(),
    )
    rate, flags = rules.late_rate(True, Decimal("2.00"), lpr)
    assert (rate.kind, rate.annual_percent, flags) == (
        RateKind.LPR_FLOOR,
        Decimal("3.10"),
        frozenset({Flag.RATE_BELOW_LPR}),
    )
    rate, flags = rules.late_rate(True, Decimal("2.00"), None)  # before the first LPR row
    assert (rate.kind, rate.annual_percent, flags) == (
        RateKind.AGREED,
        Decimal("2.00"),
        frozenset(),
    )
    rate, _ = rules.late_rate(False, None, None)
    assert rate.kind is RateKind.NONE
    rate, flags = rules.late_rate(False, Decimal("1.00"), None)
    assert (rate.kind, rate.annual_percent, flags) == (
        RateKind.AGREED,
        Decimal("1.00"),
        frozenset(),
    )


def test_late_balance_days() -> None:
    due = d("2025-03-01")
    # 1,000 fen, nothing paid, D = 03-11: 1,000 * 10
    assert rules.late_balance_days(1000, [], [], due, d("2025-03-11")) == (10_000, d("2025-03-11"))
    # paid before or on the due date: not late
    assert rules.late_balance_days(1000, [(due, 1000)], [], due, d("2025-03-11")) == (0, None)
    # 400 paid 03-05: 1,000 * 4 + 600 * 6 = 7,600
    assert rules.late_balance_days(1000, [(d("2025-03-05"), 400)], [], due, d("2025-03-11")) == (
        7_600,
        d("2025-03-11"),
    )
    # all paid 03-05: 1,000 * 4, last late day 03-05
    assert rules.late_balance_days(1000, [(d("2025-03-05"), 1000)], [], due, d("2025-03-11")) == (
        4_000,
        d("2025-03-05"),
    )
    # 300 disputed 03-03: 1,000 * 2 + 700 * 8 = 7,600
    assert rules.late_balance_days(1000, [], [(d("2025-03-03"), 300)], due, d("2025-03-11")) == (
        7_600,
        d("2025-03-11"),
    )
    # disputed before the due date: never accrues; then 700 paid 03-04: 700 * 3 = 2,100
    got = rules.late_balance_days(
        1000, [(d("2025-03-04"), 700)], [(d("2025-02-01"), 300)], due, d("2025-03-11")
    )
    assert got == (2_100, d("2025-03-04"))
    assert rules.late_balance_days(1000, [], [], None, D) == (0, None)
    assert rules.late_balance_days(1000, [], [], D, D) == (0, None)


def test_interest_rounds_half_up_once() -> None:
    daily = rules.late_rate(True, None, None)[0]
    # 0.05% a day: 1,000 fen-days -> 0.5 fen -> 1; 999 -> 0.4995 -> 0
    assert rules.interest_fen(1_000, daily) == 1
    assert rules.interest_fen(999, daily) == 0
    annual = rules.late_rate(False, Decimal("3.65"), None)[0]
    # 3.65% / 365 = 0.01% a day: 5,000 fen-days -> 0.5 -> 1; 4,999 -> 0
    assert rules.interest_fen(5_000, annual) == 1
    assert rules.interest_fen(4_999, annual) == 0
    # 3.1% / 365 on 36,500 yuan for 1 day: 3,650,000 * 3.1 / 36,500 = 310 fen exactly
    floor = rules.late_rate(True, Decimal(1), Decimal("3.1"))[0]
    assert rules.interest_fen(3_650_000, floor) == 310
    assert rules.interest_fen(0, floor) == 0
    none = rules.late_rate(False, None, None)[0]
    assert rules.interest_fen(10**9, none) == 0
    assert rules.round_half_up(5, 10) == 1 and rules.round_half_up(4, 10) == 0


def test_citations_follow_the_text_in_force() -> None:
    before = cite(LegalRule.DEADLINE, d("2025-05-31"))
    after = cite(LegalRule.DEADLINE, d("2025-06-01"))
    assert [c.text for c in before] == ["《保障中小企业款项支付条例》（2020年）第八条、第九条"]
    assert [c.text for c in after] == ["《保障中小企业款项支付条例》（2025年修订）第九条、第十条"]
    assert [c.articles for c in cite(LegalRule.LATE_INTEREST, d("2025-01-01"))] == [(15,)]
    assert [c.articles for c in cite(LegalRule.LATE_INTEREST, d("2026-01-01"))] == [(17,)]
    assert [c.articles for c in cite(LegalRule.FORBIDDEN_EXCUSE, d("2024-01-01"))] == [(13,)]
    assert [c.articles for c in cite(LegalRule.NONCASH, d("2025-06-02"))] == [(11,)]
    assert cite(LegalRule.UNDISPUTED_PART, d("2025-05-31")) == ()
    assert [c.articles for c in cite(LegalRule.UNDISPUTED_PART, d("2025-06-01"))] == [(15,)]
    # revision 2: every turnover finding also cites 纪律处分条例 (2023) art. 130 (every category)
    turnover = cite(LegalRule.NO_BREACH_ON_TURNOVER, d("2025-05-20"))
    assert [c.instrument for c in turnover] == ["优化营商环境条例", "民营经济促进法", DISCIPLINE]
    assert [c.instrument for c in cite(LegalRule.NO_BREACH_ON_TURNOVER, d("2025-05-19"))] == [
        "优化营商环境条例",
        DISCIPLINE,
    ]
    # 民营经济促进法 only where the enterprise is private
    assert [
        c.instrument
        for c in cite(LegalRule.NO_BREACH_ON_TURNOVER, d("2025-07-01"), organ=True, private=False)
    ] == ["优化营商环境条例", DISCIPLINE]
    # institutions, associations and SOEs: the SME regulation and art. 130 instead
    texts = [
        c.text
        for c in cite(LegalRule.NO_BREACH_ON_TURNOVER, d("2025-07-01"), organ=False, private=True)
    ]
    assert texts == [
        "《保障中小企业款项支付条例》（2025年修订）第十四条",
        "《中国共产党纪律处分条例》（2023年修订）第一百三十条",
    ]
    assert next(c.text for c in cite(LegalRule.NO_BREACH_ON_TURNOVER, d("2024-03-01"))) == (
        "《优化营商环境条例》第三十一条、第六十九条第（七）项"
    )
    # CONDITIONS_ADDED: art. 7 (2020: art. 6); before 2020-09-01 neither text
    assert [c.articles for c in cite(LegalRule.CONDITIONS, d("2025-06-01"))] == [(7,)]
    assert [c.articles for c in cite(LegalRule.CONDITIONS, d("2020-09-01"))] == [(6,)]
    assert cite(LegalRule.DEADLINE, d("2020-08-31")) == ()
    assert [c.articles for c in cite(LegalRule.ASSOCIATION, d("2025-06-01"))] == [(36,)]
    assert [c.text for c in cite(LegalRule.REST_DAY, d("2025-06-01"))] == [
        "《中华人民共和国民法典》第二百零三条"
    ]
    assert [c.text for c in cite(LegalRule.DISCLOSURE, d("2026-03-31"))] == [
        "《保障中小企业款项支付条例》（2025年修订）第十八条"
    ]
