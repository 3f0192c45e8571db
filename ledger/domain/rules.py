"""The rules of append (DOMAIN.md "Validation on append"), one small named function each.

A rule takes the :class:`~ledger.domain.state.DomainState` the statement is
checked against and the statement's parsed event, and raises a
:class:`~ledger.errors.FieldError` naming the body field at fault; it never
changes the state.  :data:`APPEND_RULES` lists every rule with the event kinds
it applies to, in the order they run; :data:`RULES_BY_EVENT` is the same list
by event class, which :meth:`DomainState.check` looks up once per statement
before ``DomainState._apply`` changes anything.  The one rule decided at the
end of a group of statements (a payment above the balance unless a reversal in
the group makes room), :func:`payment_within_balance`, is in :data:`GROUP_RULES`,
which :meth:`DomainState.end_group` runs.  Model: beancount's
``BASIC_VALIDATIONS``, and :mod:`ledger.audit.rules`.

Rules where DOMAIN.md is silent (decided here):

- an agency succeeded in full on or before a commitment's ``signed_on``
  cannot sign it (DOMAIN.md: it signs nothing dated on or after);
- successions follow :mod:`ledger.domain.registry` (the holder rule and its two
  refusals); the commitments a succession names must be recorded;
- acceptance needs a delivery recorded earlier in the log, dated on or
  before it (any basis: acceptance is of something delivered);
- a commitment's optional ``official`` must have been appointed somewhere;
- every dated commitment event (and a fixed ``terms.due``) is on or after
  ``signed_on``; a resolution is on or after every dispute it closes;
- after a void nothing but a complaint may be recorded (an enterprise may
  complain that a void hides a debt);
- a dispute may not take the open disputed total above the outstanding
  balance; ``written_off`` may not exceed the open disputed total nor the
  outstanding balance; a consented amendment may not cut the amount below
  what was paid, waived and written off;
- an appointment closes the appointee's own open tenure at the agency (a
  change of role) and, for a principal, the previous principal's, on the day
  before ``start``, which must be after their start; a departure ends an
  open tenure, or shortens one a later principal closed implicitly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from ledger.domain.events import (
    AgencyRegistered,
    AgencySucceeded,
    CommitmentAccepted,
    CommitmentAmended,
    CommitmentDelivered,
    CommitmentDisputed,
    CommitmentEvent,
    CommitmentRecorded,
    CommitmentRepudiated,
    CommitmentSettled,
    CommitmentVoided,
    ComplaintFiled,
    DisputeResolved,
    EnterpriseRegistered,
    EnterpriseUpdated,
    Event,
    InterestPaid,
    OfficialAppointed,
    OfficialDeparted,
    OfficialRole,
    PaymentMade,
    PaymentReversed,
    SettlementConfirmed,
    TermsBasis,
)
from ledger.domain.registry import succession_of
from ledger.errors import FieldError
from ledger.money import format_fen

if TYPE_CHECKING:
    from ledger.domain.state import DomainState

__all__ = [
    "APPEND_RULES",
    "GROUP_RULES",
    "RULES_BY_EVENT",
    "GroupReversal",
    "GroupRule",
    "Overdraft",
    "Rule",
    "payment_within_balance",
]

Rule = Callable[["DomainState", Any], None]
"""A rule: (state, parsed event) -> None, or a FieldError naming the body field at fault."""


def _money(fen: int) -> str:
    return format_fen(fen)


def _distinct(state: DomainState, kind: str, ident: str, path: str) -> None:
    """Refuse a new id confusable with an existing id of the same kind (DOMAIN "Text:")."""
    sk = state.skeleton(ident)
    other = state.skeletons.get((kind, sk))
    if other is not None and other[0] != ident:
        raise FieldError(
            path,
            f"{kind} id {ident!r} can be mistaken for the existing {kind} {other[0]!r} "
            f"(seq {other[1]}): both have the skeleton {sk!r} under Unicode TS #39; choose "
            f"an id that cannot be confused with it（编号 {ident!r} 与已有编号 {other[0]!r} 形近易混）",
        )


def _known_agency(state: DomainState, agency: str, path: str) -> None:
    if agency not in state.agencies:
        raise FieldError(
            path,
            f"未知机关 {agency!r}，请先登记（unknown agency {agency!r}: register it first (agency.registered)）",
        )


# ------------------------------------------------------------------ agencies
def agency_not_registered(state: DomainState, e: AgencyRegistered) -> None:
    if (old := state.agencies.get(e.agency)) is not None:
        raise FieldError(
            "body.agency",
            f"机关 {e.agency!r} 已登记（条目 {old.registered_seq}）"
            f"（agency {e.agency!r} is already registered (seq {old.registered_seq})）",
        )


def agency_id_distinct(state: DomainState, e: AgencyRegistered) -> None:
    _distinct(state, "agency", e.agency, "body.agency")


def predecessors_registered(state: DomainState, e: AgencySucceeded) -> None:
    for i, p in enumerate(e.predecessors):
        _known_agency(state, p, f"body.predecessors[{i}]")


def successor_registered(state: DomainState, e: AgencySucceeded) -> None:
    _known_agency(state, e.successor, "body.successor")


def named_commitments_recorded(state: DomainState, e: AgencySucceeded) -> None:
    for i, c in enumerate(e.commitments or ()):
        if c not in state.commitments:
            raise FieldError(
                f"body.commitments[{i}]", f"未知承诺 {c!r}（unknown commitment {c!r}）"
            )


def succession_allowed(state: DomainState, e: AgencySucceeded) -> None:
    """The holder rule's refusals (:meth:`ledger.domain.registry.Successions.refusal`)."""
    refused = state.successions.refusal(succession_of(e, 0))
    if refused is not None:
        raise FieldError(*refused)


# ----------------------------------------------------------------- officials
def agency_registered(
    state: DomainState, e: OfficialAppointed | OfficialDeparted | CommitmentRecorded
) -> None:
    _known_agency(state, e.agency, "body.agency")


def not_already_in_role(state: DomainState, e: OfficialAppointed) -> None:
    """A second open tenure in the same role at one agency (re-appointing the principal
    in office is no change, DOMAIN.md revision 2)."""
    if e.role is OfficialRole.PRINCIPAL:
        return
    for t in state.open_tenures(e.official, e.agency):
        if t.role == e.role:
            raise FieldError(
                "body.official",
                f"{e.official!r} 自 {t.start} 起已在 {e.agency!r} 任职（条目 {t.seq}）"
                f"（{e.official!r} is already {t.role} at {e.agency!r} since {t.start} (seq {t.seq})）",
            )


def appointment_after_tenures_it_ends(state: DomainState, e: OfficialAppointed) -> None:
    for t, _ in state.closed_by(e) or ():
        if e.start <= t.start:
            raise FieldError(
                "body.start",
                f"任职日期 {e.start} 不晚于本次任命所结束的 {t.official!r} 任期的开始日期 {t.start}"
                f"（{e.start} is not after the start ({t.start}) of {t.official!r}'s tenure as "
                f"{t.role} at {e.agency!r} (seq {t.seq}), which this appointment ends）",
            )


def official_id_distinct(state: DomainState, e: OfficialAppointed) -> None:
    if e.official not in state.officials:
        _distinct(state, "official", e.official, "body.official")


def official_known(state: DomainState, e: OfficialDeparted) -> None:
    if e.official not in state.officials:
        raise FieldError(
            "body.official", f"未知官员 {e.official!r}（unknown official {e.official!r}）"
        )


def official_appointed_at_agency(state: DomainState, e: OfficialDeparted) -> None:
    if state.departing_tenure(e) is None:
        raise FieldError(
            "body.official",
            f"{e.official!r} 从未在 {e.agency!r} 任职"
            f"（{e.official!r} was never appointed at {e.agency!r}）",
        )


def official_in_office(state: DomainState, e: OfficialDeparted) -> None:
    t = state.departing_tenure(e)
    assert t is not None
    if t.end_seq is not None and (t.ended_by == "departed" or t.end is None or e.end > t.end):
        raise FieldError(
            "body.official",
            f"{e.official!r} 已不在 {e.agency!r} 任职：自 {t.start} 起的任期已于 {t.end} 结束"
            f"（条目 {t.end_seq}）（{e.official!r} is not in office at {e.agency!r}: the tenure "
            f"from {t.start} ended on {t.end} (seq {t.end_seq})）",
        )


def departure_after_start(state: DomainState, e: OfficialDeparted) -> None:
    t = state.departing_tenure(e)
    assert t is not None
    if e.end < t.start:
        raise FieldError(
            "body.end",
            f"离任日期 {e.end} 早于任期开始日期 {t.start}（条目 {t.seq}）"
            f"（{e.end} is before the tenure's start {t.start} (seq {t.seq})）",
        )


# --------------------------------------------------------------- enterprises
def enterprise_not_registered(state: DomainState, e: EnterpriseRegistered) -> None:
    if (old := state.enterprises.get(e.uscc)) is not None:
        raise FieldError(
            "body.uscc",
            f"企业 {e.uscc} 已登记（条目 {old.registered_seq}）"
            f"（enterprise {e.uscc} is already registered (seq {old.registered_seq})）",
        )


def enterprise_known(state: DomainState, e: EnterpriseUpdated) -> None:
    if e.uscc not in state.enterprises:
        raise FieldError(
            "body.uscc",
            f"未知企业 {e.uscc}，请先登记（unknown enterprise {e.uscc}: register it first）",
        )


# --------------------------------------------------------------- commitments
def commitment_not_recorded(state: DomainState, e: CommitmentRecorded) -> None:
    if (old := state.commitments.get(e.commitment)) is not None:
        raise FieldError(
            "body.commitment",
            f"承诺 {e.commitment!r} 已登记（条目 {old.recorded_seq}）"
            f"（commitment {e.commitment!r} is already recorded (seq {old.recorded_seq})）",
        )


def signer_not_succeeded(state: DomainState, e: CommitmentRecorded) -> None:
    """An agency succeeded in full on or before ``signed_on`` signs nothing."""
    gone = state.successions.succeeded_in_full(e.agency, e.signed_on)
    if gone is not None:
        raise FieldError(
            "body.agency",
            f"{e.agency!r} 已于 {gone.effective} 由 {gone.successor!r} 承继，不晚于签订日 "
            f"{e.signed_on}：请以承继机关登记（{e.agency!r} was succeeded on {gone.effective} "
            f"(by {gone.successor!r}, seq {gone.seq}), on or before this signing on "
            f"{e.signed_on}: record it under the successor）",
        )


def enterprise_registered(state: DomainState, e: CommitmentRecorded) -> None:
    if e.enterprise not in state.enterprises:
        raise FieldError(
            "body.enterprise",
            f"未知企业 {e.enterprise}，请先登记（unknown enterprise {e.enterprise}: register it first）",
        )


def official_appointed(state: DomainState, e: CommitmentRecorded) -> None:
    if e.official is not None and e.official not in state.officials:
        raise FieldError(
            "body.official",
            f"未知官员 {e.official!r}：没有任命记录"
            f"（unknown official {e.official!r}: no appointment is recorded）",
        )


def due_not_before_signing(state: DomainState, e: CommitmentRecorded) -> None:
    if e.terms.due is not None and e.terms.due < e.signed_on:
        raise FieldError(
            "body.terms.due",
            f"付款期限 {e.terms.due} 早于签订日 {e.signed_on}"
            f"（{e.terms.due} is before signed_on {e.signed_on}）",
        )


def commitment_id_distinct(state: DomainState, e: CommitmentRecorded) -> None:
    _distinct(state, "commitment", e.commitment, "body.commitment")


# ---------------------------------------------------- events of a commitment
def commitment_recorded(state: DomainState, e: CommitmentEvent) -> None:
    if e.commitment not in state.commitments:
        raise FieldError(
            "body.commitment", f"未知承诺 {e.commitment!r}（unknown commitment {e.commitment!r}）"
        )


def not_voided(state: DomainState, e: CommitmentEvent) -> None:
    """After a void nothing but a complaint may be recorded."""
    c = state.commitments[e.commitment]
    if c.voided:
        raise FieldError(
            "body.commitment",
            f"承诺 {e.commitment!r} 已作废（条目 {c.voided_seq}），更正须登记为新承诺"
            f"（commitment {e.commitment!r} was voided (seq {c.voided_seq}); a correction is a "
            f"new commitment）",
        )


def dated_after_signing(state: DomainState, e: CommitmentEvent) -> None:
    c = state.commitments[e.commitment]
    when = getattr(e, "date", None)
    if when is not None and when < c.signed_on:
        raise FieldError(
            "body.date",
            f"日期 {when} 早于承诺签订日 {c.signed_on}"
            f"（{when} is before the commitment was signed ({c.signed_on})）",
        )


def acceptance_after_delivery(state: DomainState, e: CommitmentAccepted) -> None:
    c = state.commitments[e.commitment]
    if c.first_delivery is None:
        raise FieldError(
            "body.date",
            "尚无交付记录：请先登记交付再登记验收"
            "（no delivery is recorded: record the delivery before its acceptance）",
        )
    if e.date < c.first_delivery:
        raise FieldError(
            "body.date",
            f"验收日期 {e.date} 早于首次交付日 {c.first_delivery}"
            f"（{e.date} is before the first delivery ({c.first_delivery})）",
        )


def amended_due_not_before_signing(state: DomainState, e: CommitmentAmended) -> None:
    c, ch = state.commitments[e.commitment], e.changes
    if ch.terms is not None and ch.terms.due is not None and ch.terms.due < c.signed_on:
        raise FieldError(
            "body.changes.terms.due",
            f"付款期限 {ch.terms.due} 早于签订日 {c.signed_on}"
            f"（{ch.terms.due} is before signed_on {c.signed_on}）",
        )


def amount_covers_settled(state: DomainState, e: CommitmentAmended) -> None:
    """A consented amendment may not cut the amount below what was paid, waived and
    written off (an unconsented one changes nothing owed)."""
    c, amount = state.commitments[e.commitment], e.changes.amount
    if e.enterprise_consent and amount is not None:
        floor = c.paid + c.waived + c.written_off
        if amount < floor:
            raise FieldError(
                "body.changes.amount",
                f"{_money(amount)} 低于 {c.commitment!r} 已付、已免除和已核销的合计 {_money(floor)}"
                f"（{_money(amount)} is below what was already paid, waived and written off "
                f"({_money(floor)}) on {c.commitment!r}）",
            )


def amount_covers_confirmed(state: DomainState, e: CommitmentAmended) -> None:
    amount = e.changes.amount
    if e.enterprise_consent and amount is not None:
        done = state.confirmed.get(e.commitment, 0)
        if amount < done:
            raise FieldError(
                "body.changes.amount",
                f"{_money(amount)} 低于已确认的结算款 {_money(done)}（{_money(amount)} is "
                f"below the {_money(done)} already confirmed on {e.commitment!r}）",
            )


def reference_unused(state: DomainState, e: PaymentMade) -> None:
    """A payment reference is used once per commitment, and never again once reversed."""
    used = state.pay_refs.get(e.commitment, {}).get(e.reference)
    if used is not None:
        if used.reversed_seq is not None:
            raise FieldError(
                "body.reference",
                f"付款凭证号 {e.reference!r} 的付款（条目 {used.seq}）已冲正（条目 "
                f"{used.reversed_seq}），冲正过的凭证号不得再用（reference {e.reference!r} "
                f"was reversed (payment seq {used.seq}, reversal seq {used.reversed_seq}) "
                "and is never reused: pay again under a new reference）",
            )
        raise FieldError(
            "body.reference",
            f"付款凭证号 {e.reference!r} 已用于条目 {used.seq} 的付款（reference "
            f"{e.reference!r} is already used by the payment at seq {used.seq} of "
            f"{e.commitment!r}: a corrected amount is recorded by reversing that "
            "payment, then paying again under a new reference）",
        )


def dispute_within_balance(state: DomainState, e: CommitmentDisputed) -> None:
    c = state.commitments[e.commitment]
    if c.disputed + e.amount > c.outstanding:
        held = f" plus {_money(c.disputed)} already disputed" if c.disputed else ""
        held_zh = f"加上已有争议的 {_money(c.disputed)} " if c.disputed else ""
        raise FieldError(
            "body.amount",
            f"争议金额 {_money(e.amount)} {held_zh}超过 {c.commitment!r} 的未付余额 "
            f"{_money(c.outstanding)}（{_money(e.amount)}{held} is above the outstanding balance "
            f"{_money(c.outstanding)} of {c.commitment!r}）",
        )


def dispute_open(state: DomainState, e: DisputeResolved) -> None:
    if not state.open_disputes.get(e.commitment):
        raise FieldError(
            "body.commitment",
            f"{e.commitment!r} 没有待解决的争议（{e.commitment!r} has no open dispute to resolve）",
        )


def resolution_after_dispute(state: DomainState, e: DisputeResolved) -> None:
    latest = max(state.disputes[s].date for s in state.open_disputes[e.commitment])
    if e.date < latest:
        raise FieldError(
            "body.date",
            f"解决日期 {e.date} 早于所解决的争议日期 {latest}"
            f"（{e.date} is before the dispute it resolves ({latest})）",
        )


def write_off_within_disputed(state: DomainState, e: DisputeResolved) -> None:
    c = state.commitments[e.commitment]
    if e.written_off > c.disputed:
        raise FieldError(
            "body.written_off",
            f"核销金额 {_money(e.written_off)} 超过争议金额 {_money(c.disputed)}"
            f"（{_money(e.written_off)} is above the disputed amount {_money(c.disputed)}）",
        )


def write_off_within_balance(state: DomainState, e: DisputeResolved) -> None:
    c = state.commitments[e.commitment]
    if e.written_off > c.outstanding:
        raise FieldError(
            "body.written_off",
            f"核销金额 {_money(e.written_off)} 超过未付余额 {_money(c.outstanding)}"
            f"（{_money(e.written_off)} is above the outstanding balance {_money(c.outstanding)}）",
        )


def waiver_within_balance(state: DomainState, e: CommitmentSettled) -> None:
    c = state.commitments[e.commitment]
    if e.amount_waived > c.outstanding:
        raise FieldError(
            "body.amount_waived",
            f"免除金额 {_money(e.amount_waived)} 超过 {c.commitment!r} 的未付余额 "
            f"{_money(c.outstanding)}（{_money(e.amount_waived)} is above the outstanding balance "
            f"{_money(c.outstanding)} of {c.commitment!r}）",
        )


def reversal_has_payment(state: DomainState, e: PaymentReversed) -> None:
    if state.pay_refs.get(e.commitment, {}).get(e.reference) is None:
        raise FieldError(
            "body.reference",
            f"{e.commitment!r} 没有凭证号为 {e.reference!r} 的付款（{e.commitment!r} has no "
            f"payment under reference {e.reference!r}）",
        )


def reversed_once(state: DomainState, e: PaymentReversed) -> None:
    ref = state.pay_refs[e.commitment][e.reference]
    if ref.reversed_seq is not None:
        raise FieldError(
            "body.reference",
            f"凭证号 {e.reference!r} 的付款已于条目 {ref.reversed_seq} 冲正，一笔付款只能冲正一次"
            f"（the payment under reference {e.reference!r} was already reversed at seq "
            f"{ref.reversed_seq}: a payment is reversed at most once）",
        )


def reversal_after_payment(state: DomainState, e: PaymentReversed) -> None:
    ref = state.pay_refs[e.commitment][e.reference]
    if e.date < ref.date:
        raise FieldError(
            "body.date",
            f"{e.date} 早于被冲正付款的日期 {ref.date}（{e.date} is before the date of the "
            f"payment it reverses, {ref.date}）",
        )


def confirmed_basis_settlement(state: DomainState, e: SettlementConfirmed) -> None:
    c = state.commitments[e.commitment]
    basis = orjson.loads(c.terms).get("basis")
    if basis != TermsBasis.SETTLEMENT:
        raise FieldError(
            "body.commitment",
            f"{c.commitment!r} 的付款依据是 {basis}，不是 settlement（结算），不能确认结算款"
            f"（{c.commitment!r} has basis {basis}, not settlement: settlement.confirmed "
            "applies only to basis settlement）",
        )


def confirmed_within_amount(state: DomainState, e: SettlementConfirmed) -> None:
    c = state.commitments[e.commitment]
    done = state.confirmed.get(c.commitment, 0)
    if done + e.amount > c.agreed_amount:
        raise FieldError(
            "body.amount",
            f"{_money(e.amount)} 加上已确认的 {_money(done)} 超过合同金额 "
            f"{_money(c.agreed_amount)}（{_money(e.amount)} plus {_money(done)} already "
            f"confirmed is above the amount {_money(c.agreed_amount)} of {c.commitment!r}）",
        )


# --------------------------------------------------------------------- list
_OF_A_COMMITMENT: tuple[Rule, ...] = (commitment_recorded, not_voided, dated_after_signing)

APPEND_RULES: tuple[tuple[type[Event], tuple[Rule, ...]], ...] = (
    (AgencyRegistered, (agency_not_registered, agency_id_distinct)),
    (
        AgencySucceeded,
        (
            predecessors_registered,
            successor_registered,
            named_commitments_recorded,
            succession_allowed,
        ),
    ),
    (
        OfficialAppointed,
        (
            agency_registered,
            not_already_in_role,
            appointment_after_tenures_it_ends,
            official_id_distinct,
        ),
    ),
    (
        OfficialDeparted,
        (
            agency_registered,
            official_known,
            official_appointed_at_agency,
            official_in_office,
            departure_after_start,
        ),
    ),
    (EnterpriseRegistered, (enterprise_not_registered,)),
    (EnterpriseUpdated, (enterprise_known,)),
    (
        CommitmentRecorded,
        (
            commitment_not_recorded,
            agency_registered,
            signer_not_succeeded,
            enterprise_registered,
            official_appointed,
            due_not_before_signing,
            commitment_id_distinct,
        ),
    ),
    (CommitmentDelivered, _OF_A_COMMITMENT),
    (CommitmentAccepted, (*_OF_A_COMMITMENT, acceptance_after_delivery)),
    (
        CommitmentAmended,
        (
            *_OF_A_COMMITMENT,
            amended_due_not_before_signing,
            amount_covers_settled,
            amount_covers_confirmed,
        ),
    ),
    (PaymentMade, (*_OF_A_COMMITMENT, reference_unused)),
    (CommitmentDisputed, (*_OF_A_COMMITMENT, dispute_within_balance)),
    (
        DisputeResolved,
        (
            *_OF_A_COMMITMENT,
            dispute_open,
            resolution_after_dispute,
            write_off_within_disputed,
            write_off_within_balance,
        ),
    ),
    (CommitmentRepudiated, _OF_A_COMMITMENT),
    (CommitmentSettled, (*_OF_A_COMMITMENT, waiver_within_balance)),
    (
        PaymentReversed,
        (*_OF_A_COMMITMENT, reversal_has_payment, reversed_once, reversal_after_payment),
    ),
    (
        SettlementConfirmed,
        (*_OF_A_COMMITMENT, confirmed_basis_settlement, confirmed_within_amount),
    ),
    (InterestPaid, _OF_A_COMMITMENT),
    (CommitmentVoided, _OF_A_COMMITMENT),
    (ComplaintFiled, (commitment_recorded, dated_after_signing)),  # a void hides a debt
)
"""Every rule of append, by the event class it applies to, in the order they run.
Kinds not listed (genesis, keys, government.term_changed) have no domain rule."""

RULES_BY_EVENT: dict[type[Event], tuple[Rule, ...]] = dict(APPEND_RULES)


# --------------------------------------------------------------------------
# rules decided at the end of a group of statements


@dataclass(frozen=True, slots=True)
class Overdraft:
    """A payment of a group above its commitment's balance when it was applied, and the
    balances then: refused unless payments reversed later in the group make room."""

    seq: int
    reference: str
    amount: int
    outstanding: int
    paid: int
    principal: int


@dataclass(frozen=True, slots=True)
class GroupReversal:
    """A reversal in the group: the payment it reverses (seq, reference, amount) and its seq."""

    payment_seq: int
    reference: str
    amount: int
    seq: int


def payment_within_balance(state: DomainState) -> list[tuple[int, FieldError]]:
    """A payment may not exceed the outstanding balance, counting the payments not
    reversed in the ledger or anywhere in the group (DOMAIN.md revision 2); otherwise
    entry k is judged on the state entries 0..k−1 left.  Each payment noted above its
    balance as the group was applied (``state.overdrafts``) is judged again once the
    group's reversals are all known: a payment the group itself reverses never counted;
    a payment made before it and reversed later in the group gives its amount back; and
    a payment refused here does not count against the ones after it (as a statement
    another rule refuses is not applied), so each error is one the clerk must mend."""
    out = []
    for commitment, candidates in state.overdrafts.items():
        reversals = state.group_reversals.get(commitment, ())
        reversed_refs = {r.reference for r in reversals}
        refused = 0  # the amounts of this commitment's payments refused so far
        for o in candidates:  # in seq order
            if o.reference in reversed_refs:
                continue  # this payment itself is reversed in the group: it never counted
            back = refused + sum(r.amount for r in reversals if r.payment_seq < o.seq < r.seq)
            balance, paid = o.outstanding + back, o.paid - back
            if o.amount <= balance:
                continue
            refused += o.amount
            message = (
                f"付款 {_money(o.amount)} 超过 {commitment!r} 的未付余额 "
                f"{_money(balance)}（已付 {_money(paid)}，共 "
                f"{_money(o.principal)}）（{_money(o.amount)} is above the "
                f"outstanding balance {_money(balance)} of "
                f"{commitment!r} (paid {_money(paid)} of "
                f"{_money(o.principal)})）"
            )
            out.append((o.seq, FieldError("body.amount", message)))
    return out


GroupRule = Callable[["DomainState"], list[tuple[int, FieldError]]]

GROUP_RULES: tuple[GroupRule, ...] = (payment_within_balance,)
"""The rules decided once a group of statements (an appended file; in a replay, the
entries of one ``ts``) has been applied: each returns (seq, error) for every statement
it refuses.  :meth:`DomainState.end_group` runs them."""
