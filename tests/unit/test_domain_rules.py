"""The rules of append as one list of named functions (ledger/domain/rules.py).

``test_domain_validation.py`` and ``test_text_rules.py`` drive most rules through a
real append and check the field and message; here every rule in the list is named
once, and refuses its own case: the refusal is raised from inside that rule.
"""

from __future__ import annotations

import traceback
from typing import Any

import pytest

from ledger.domain import events
from ledger.domain import rules as domain_rules
from ledger.domain.events import EventKind, parse_body
from ledger.domain.rules import APPEND_RULES, RULES_BY_EVENT
from ledger.domain.state import DomainState
from ledger.errors import FieldError
from tests.unit.test_domain_support import (
    USCC,
    Stmt,
    accept,
    agency,
    amend,
    appoint,
    deliver,
    depart,
    dispute,
    enterprise,
    enterprise_updated,
    pay,
    record,
    resolve,
    settle,
    succeed,
    void,
)

RULE_NAMES = (
    "agency_not_registered",
    "agency_id_distinct",
    "predecessors_registered",
    "successor_registered",
    "named_commitments_recorded",
    "succession_allowed",
    "agency_registered",
    "not_already_in_role",
    "appointment_after_tenures_it_ends",
    "official_id_distinct",
    "official_known",
    "official_appointed_at_agency",
    "official_in_office",
    "departure_after_start",
    "enterprise_not_registered",
    "enterprise_known",
    "commitment_not_recorded",
    "signer_not_succeeded",
    "enterprise_registered",
    "official_appointed",
    "due_not_before_signing",
    "commitment_id_distinct",
    "commitment_recorded",
    "not_voided",
    "dated_after_signing",
    "acceptance_after_delivery",
    "amended_due_not_before_signing",
    "amount_covers_settled",
    "amount_covers_confirmed",
    "reference_unused",
    "dispute_within_balance",
    "dispute_open",
    "resolution_after_dispute",
    "write_off_within_disputed",
    "write_off_within_balance",
    "waiver_within_balance",
    "reversal_has_payment",
    "reversed_once",
    "reversal_after_payment",
    "confirmed_basis_settlement",
    "confirmed_within_amount",
)


def _all_rules() -> list[str]:
    """Every rule of the list, once, in its first place."""
    seen: dict[str, None] = {}
    for _, rules in APPEND_RULES:
        for rule in rules:
            seen.setdefault(rule.__name__, None)
    return list(seen)


def test_every_rule_is_in_one_list() -> None:
    assert tuple(_all_rules()) == RULE_NAMES
    # every rule is a public function of the module, and each event class is listed once
    for name in RULE_NAMES:
        assert callable(getattr(domain_rules, name))
    assert len(RULES_BY_EVENT) == len(APPEND_RULES)
    # after a void only a complaint may be recorded: it alone skips not_voided
    skip = [
        cls.__name__ for cls, rules in APPEND_RULES if domain_rules.commitment_recorded in rules
    ]
    assert [
        n for n in skip if domain_rules.not_voided not in RULES_BY_EVENT[getattr(events, n)]
    ] == ["ComplaintFiled"]


def _settled(cid: str, amount: str = "1000.00") -> Stmt:
    return record(cid, terms={"basis": "settlement", "days": 30}, amount=amount)


def _confirm(cid: str, amount: str, on: str = "2024-02-01") -> Stmt:
    return ("settlement.confirmed", {"commitment": cid, "date": on, "amount": amount})


def _reverse(cid: str, ref: str, on: str = "2024-03-05") -> Stmt:
    return ("payment.reversed", {"commitment": cid, "reference": ref, "date": on, "reason": "退票"})


def _with(stmt: Stmt, **extra: Any) -> Stmt:
    return (stmt[0], {**stmt[1], **extra})


# (rule, statements before, the statement the rule refuses, field it names)
CASES: list[tuple[str, list[Stmt], Stmt, str]] = [
    ("agency_not_registered", [], agency("a"), "body.agency"),
    ("agency_id_distinct", [agency("CA1")], agency("СA1"), "body.agency"),  # Cyrillic Es
    (
        "predecessors_registered",
        [],
        succeed(["a", "zz"], "b", "2024-06-01"),
        "body.predecessors[1]",
    ),
    ("successor_registered", [], succeed(["a"], "zz", "2024-06-01"), "body.successor"),
    (
        "named_commitments_recorded",
        [],
        _with(succeed(["a"], "b", "2024-06-01"), commitments=["C", "nope"]),
        "body.commitments[1]",
    ),
    (
        "succession_allowed",
        [succeed(["a"], "b", "2024-06-01")],
        succeed(["b"], "a", "2024-07-01"),
        "body.predecessors[0]",
    ),
    ("agency_registered", [], appoint("x", "zz", "2022-01-01"), "body.agency"),
    (
        "not_already_in_role",
        [appoint("d1", "a", "2022-01-01", "deputy")],
        appoint("d1", "a", "2022-06-01", "deputy"),
        "body.official",
    ),
    ("appointment_after_tenures_it_ends", [], appoint("p2", "a", "2021-01-01"), "body.start"),
    (
        "official_id_distinct",
        [appoint("OFX", "a", "2022-01-01", "deputy")],
        appoint("0FX", "a", "2022-01-01", "deputy"),
        "body.official",
    ),
    ("official_known", [], depart("nobody", "a", "2024-01-01"), "body.official"),
    ("official_appointed_at_agency", [], depart("p-a", "b", "2024-01-01"), "body.official"),
    (
        "official_in_office",
        [depart("p-a", "a", "2024-01-01")],
        depart("p-a", "a", "2024-02-01"),
        "body.official",
    ),
    ("departure_after_start", [], depart("p-a", "a", "2020-01-01"), "body.end"),
    ("enterprise_not_registered", [], enterprise(USCC[0]), "body.uscc"),
    (
        "enterprise_known",
        [],
        enterprise_updated(USCC[5], "2024-01-01", size="medium"),
        "body.uscc",
    ),
    ("commitment_not_recorded", [], record("C"), "body.commitment"),
    (
        "signer_not_succeeded",
        [succeed(["b"], "a", "2023-01-01")],
        record("D", aid="b"),
        "body.agency",
    ),
    ("enterprise_registered", [], record("D", uscc=USCC[5]), "body.enterprise"),
    ("official_appointed", [], record("D", official="nobody"), "body.official"),
    (
        "due_not_before_signing",
        [],
        record("D", terms={"basis": "date", "due": "2024-01-01"}),
        "body.terms.due",
    ),
    ("commitment_id_distinct", [record("CQ")], record("СQ"), "body.commitment"),
    ("commitment_recorded", [], deliver("nope", "2024-02-01"), "body.commitment"),
    ("not_voided", [void("C")], deliver("C", "2024-02-01"), "body.commitment"),
    ("dated_after_signing", [], deliver("C", "2024-01-01"), "body.date"),
    ("acceptance_after_delivery", [], accept("C", "2024-02-01"), "body.date"),
    (
        "amended_due_not_before_signing",
        [],
        amend("C", {"terms": {"basis": "date", "due": "2024-01-01"}}),
        "body.changes.terms.due",
    ),
    (
        "amount_covers_settled",
        [pay("C", "600.00")],
        amend("C", {"amount": "500.00"}, on="2024-04-01"),
        "body.changes.amount",
    ),
    (
        "amount_covers_confirmed",
        [_settled("S"), _confirm("S", "600.00")],
        amend("S", {"amount": "500.00"}),
        "body.changes.amount",
    ),
    (
        "reference_unused",
        [pay("C", "1.00", ref="R1")],
        pay("C", "1.00", ref="R1"),
        "body.reference",
    ),
    ("dispute_within_balance", [], dispute("C", "2000.00"), "body.amount"),
    ("dispute_open", [], resolve("C", "0.00"), "body.commitment"),
    (
        "resolution_after_dispute",
        [dispute("C", "100.00", on="2024-03-01")],
        resolve("C", "0.00", on="2024-02-01"),
        "body.date",
    ),
    (
        "write_off_within_disputed",
        [dispute("C", "100.00")],
        resolve("C", "200.00"),
        "body.written_off",
    ),
    (
        "write_off_within_balance",
        [dispute("C", "500.00"), pay("C", "800.00")],
        resolve("C", "500.00"),
        "body.written_off",
    ),
    ("waiver_within_balance", [], settle("C", "2000.00"), "body.amount_waived"),
    ("reversal_has_payment", [], _reverse("C", "none"), "body.reference"),
    (
        "reversed_once",
        [pay("C", "1.00", ref="R1"), _reverse("C", "R1")],
        _reverse("C", "R1", on="2024-03-06"),
        "body.reference",
    ),
    (
        "reversal_after_payment",
        [pay("C", "1.00", on="2024-03-01", ref="R1")],
        _reverse("C", "R1", on="2024-02-01"),
        "body.date",
    ),
    ("confirmed_basis_settlement", [], _confirm("C", "1.00"), "body.commitment"),
    ("confirmed_within_amount", [_settled("S")], _confirm("S", "1500.00"), "body.amount"),
]

BASE: list[Stmt] = [
    agency("a"),
    agency("b", "soe"),
    enterprise(USCC[0]),
    appoint("p-a", "a", "2021-01-01"),
    record("C"),
]


def _replay(state: DomainState, stmts: list[Stmt], first: int) -> None:
    for seq, (kind, body) in enumerate(stmts, first):
        state.check({"kind": kind, "body": body}, seq, ts="2024-12-01T00:00:00Z")


def test_every_rule_has_a_case() -> None:
    assert sorted(name for name, *_ in CASES) == sorted(RULE_NAMES)


@pytest.mark.parametrize(("rule", "before", "bad", "path"), CASES, ids=[c[0] for c in CASES])
def test_each_rule_refuses_its_case(rule: str, before: list[Stmt], bad: Stmt, path: str) -> None:
    state = DomainState()
    _replay(state, [*BASE, *before], 1)  # accepted: no rule refuses the setting
    assert not state.end_group()
    parse_body(EventKind(bad[0]), bad[1])  # well formed: the refusal is the rule's
    with pytest.raises(FieldError) as err:
        _replay(state, [bad], 100)
    assert err.value.field == path, str(err.value)
    raised_in = [
        f.name
        for f in traceback.extract_tb(err.value.__traceback__)
        if f.filename == domain_rules.__file__
    ]
    assert raised_in and raised_in[0] == rule, raised_in
