"""Semantic validation on append: one test per rule, each naming the body field at fault.

Every refused append writes nothing, so the tests share one ledger per backend.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from ledger.errors import BadInput, InputErrors
from tests.conftest import World
from tests.unit.test_domain_support import (
    BACKENDS,
    USCC,
    Stmt,
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
    settle,
    shared_world,
    succeed,
    void,
)


@pytest.fixture(scope="module", params=BACKENDS)
def w(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield from shared_world(request, tmp_path_factory)


def refused(w: World, stmts: list[Stmt], field: str, match: str) -> BadInput:
    """The append is refused, naming ``field`` and saying ``match``; nothing is written."""
    size = w.ledger.size()  # type: ignore[attr-defined]
    with pytest.raises(BadInput) as err:
        w.append("registrar", stmts)
    assert re.search(rf"{re.escape(field)}: .*{match}", str(err.value)), str(err.value)
    assert w.ledger.size() == size  # type: ignore[attr-defined]
    return err.value


_n = 0


def fresh(prefix: str = "V") -> str:
    global _n
    _n += 1
    return f"{prefix}-{_n}"


# -------------------------------------------------------------- references


def test_unknown_agency_in_a_commitment(w: World) -> None:
    refused(w, [record(fresh(), "nowhere")], "body.agency", "unknown agency 'nowhere'")


def test_unknown_agency_in_an_appointment(w: World) -> None:
    refused(w, [appoint("x", "nowhere", "2020-01-01")], "body.agency", "unknown agency")


def test_unknown_enterprise(w: World) -> None:
    refused(w, [record(fresh(), uscc=USCC[99])], "body.enterprise", "unknown enterprise")


def test_unknown_official(w: World) -> None:
    refused(w, [record(fresh(), official="nobody")], "body.official", "unknown official 'nobody'")


def test_unknown_commitment(w: World) -> None:
    refused(w, [pay("C-404", "1.00")], "body.commitment", "unknown commitment 'C-404'")


def test_enterprise_updated_for_an_unknown_enterprise(w: World) -> None:
    refused(
        w,
        [enterprise_updated(USCC[98], "2024-01-01", size="large")],
        "body.uscc",
        "unknown enterprise",
    )


# -------------------------------------------------------------- duplicates


def test_duplicate_agency(w: World) -> None:
    refused(
        w,
        [("agency.registered", {**agency("a")[1], "name": "另一个"})],
        "body.agency",
        "already registered",
    )


def test_duplicate_enterprise(w: World) -> None:
    refused(w, [enterprise(USCC[0], "large")], "body.uscc", "already registered")


def test_duplicate_commitment_in_the_ledger_and_in_one_batch(w: World) -> None:
    cid = fresh()
    w.append("registrar", [record(cid)])
    refused(w, [record(cid, amount="2.00")], "body.commitment", "already recorded")
    other = fresh()
    refused(w, [record(other), record(other, amount="3.00")], "body.commitment", "already recorded")


# -------------------------------------------------------------- successions


def test_succession_with_an_unregistered_predecessor(w: World) -> None:
    refused(
        w,
        [succeed(["a", "ghost"], "b", "2024-01-01")],
        "body.predecessors[1]",
        "unknown agency 'ghost'",
    )


def test_succession_with_an_unregistered_successor(w: World) -> None:
    refused(w, [succeed(["a"], "ghost", "2024-01-01")], "body.successor", "unknown agency 'ghost'")


def test_succession_that_would_make_a_cycle(w: World) -> None:
    w.append("registrar", [agency("cy-1"), agency("cy-2"), agency("cy-3")])
    w.append(
        "registrar",
        [succeed(["cy-1"], "cy-2", "2024-01-01"), succeed(["cy-2"], "cy-3", "2024-02-01")],
    )
    refused(w, [succeed(["cy-3"], "cy-1", "2024-03-01")], "body.predecessors[0]", "cycle")


def test_a_succeeded_agency_cannot_sign_afterwards(w: World) -> None:
    w.append("registrar", [agency("old"), agency("new"), succeed(["old"], "new", "2024-07-01")])
    refused(
        w,
        [record(fresh(), "old", signed_on="2024-07-01")],
        "body.agency",
        "was succeeded on 2024-07-01",
    )
    w.append("registrar", [record(fresh(), "old", signed_on="2024-06-30")])  # before: fine


# -------------------------------------------------------------- officials


def test_departure_of_an_official_not_in_office_there(w: World) -> None:
    w.append("registrar", [agency("of"), appoint("of-1", "of", "2020-01-01")])
    refused(w, [depart("of-1", "a", "2022-01-01")], "body.official", "never appointed at 'a'")
    refused(w, [depart("ghost", "of", "2022-01-01")], "body.official", "unknown official")
    w.append("registrar", [depart("of-1", "of", "2022-01-01")])
    refused(w, [depart("of-1", "of", "2022-02-01", ref="again")], "body.official", "not in office")


def test_departure_before_the_start(w: World) -> None:
    w.append("registrar", [agency("ds"), appoint("ds-1", "ds", "2020-01-01")])
    refused(w, [depart("ds-1", "ds", "2019-12-31")], "body.end", "before the tenure's start")


def test_a_departure_after_the_implied_end(w: World) -> None:
    w.append(
        "registrar",
        [agency("ie"), appoint("ie-1", "ie", "2020-01-01"), appoint("ie-2", "ie", "2021-01-01")],
    )
    refused(w, [depart("ie-1", "ie", "2021-06-30")], "body.official", "not in office")


def test_a_new_principal_must_start_after_the_current_one(w: World) -> None:
    w.append("registrar", [agency("np"), appoint("np-1", "np", "2022-01-01")])
    refused(w, [appoint("np-2", "np", "2022-01-01")], "body.start", "is not after the start")


def test_an_official_already_in_that_role_there(w: World) -> None:
    w.append("registrar", [agency("dd"), appoint("dd-1", "dd", "2022-01-01", "deputy")])
    refused(w, [appoint("dd-1", "dd", "2023-01-01", "deputy")], "body.official", "already deputy")


# -------------------------------------------------------------- amounts


def test_payment_above_the_outstanding_balance(w: World) -> None:
    cid = fresh()
    w.append("registrar", [record(cid, amount="100.00"), pay(cid, "60.00")])
    refused(w, [pay(cid, "40.01")], "body.amount", "above the outstanding balance 40.00")
    # a bill counts at face value before its maturity; and within one batch
    refused(
        w,
        [pay(cid, "30.00", method="bill", maturity="2025-01-01"), pay(cid, "10.01")],
        "body.amount",
        "above the outstanding balance 10.00",
    )


def test_settlement_waiving_more_than_outstanding(w: World) -> None:
    cid = fresh()
    w.append("registrar", [record(cid, amount="100.00"), pay(cid, "90.00")])
    refused(w, [settle(cid, "10.01")], "body.amount_waived", "above the outstanding balance 10.00")


def test_dispute_above_outstanding(w: World) -> None:
    cid = fresh()
    w.append("registrar", [record(cid, amount="100.00"), pay(cid, "50.00")])
    refused(w, [dispute(cid, "50.01")], "body.amount", "above the outstanding balance 50.00")
    w.append("registrar", [dispute(cid, "30.00")])
    refused(w, [dispute(cid, "20.01", ref="2")], "body.amount", "plus 30.00 already disputed")


def test_resolution_without_an_open_dispute(w: World) -> None:
    cid = fresh()
    w.append("registrar", [record(cid)])
    refused(w, [resolve(cid, "0.00")], "body.commitment", "no open dispute")
    w.append("registrar", [dispute(cid, "10.00"), resolve(cid, "0.00")])
    refused(w, [resolve(cid, "0.00", "2024-05-01")], "body.commitment", "no open dispute")


def test_written_off_above_the_disputed_amount(w: World) -> None:
    cid = fresh()
    w.append("registrar", [record(cid), dispute(cid, "10.00")])
    refused(w, [resolve(cid, "10.01")], "body.written_off", "above the disputed amount 10.00")


def test_written_off_above_outstanding(w: World) -> None:
    cid = fresh()
    w.append("registrar", [record(cid, amount="100.00"), dispute(cid, "50.00"), pay(cid, "80.00")])
    refused(w, [resolve(cid, "30.00")], "body.written_off", "above the outstanding balance 20.00")


def test_consented_amendment_below_what_was_paid(w: World) -> None:
    cid = fresh()
    w.append("registrar", [record(cid, amount="100.00"), pay(cid, "70.00")])
    refused(
        w, [amend(cid, {"amount": "69.99"})], "body.changes.amount", "below what was already paid"
    )
    w.append("registrar", [amend(cid, {"amount": "10.00"}, consent=False)])  # changes nothing owed


# -------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "stmt",
    [
        lambda c: deliver(c, "2024-01-09"),
        lambda c: pay(c, "1.00", "2024-01-09"),
        lambda c: dispute(c, "1.00", "2024-01-09"),
        lambda c: amend(c, {"amount": "5.00"}, on="2024-01-09"),
        lambda c: repudiate(c, "2024-01-09"),
        lambda c: settle(c, "0.00", "2024-01-09"),
        lambda c: complain(c, "2024-01-09"),
    ],
    ids=["delivery", "payment", "dispute", "amendment", "repudiation", "settlement", "complaint"],
)
def test_event_dated_before_signing(w: World, stmt: Any) -> None:
    cid = fresh()
    w.append("registrar", [record(cid, signed_on="2024-01-10")])
    refused(w, [stmt(cid)], "body.date", "before the commitment was signed")


def test_acceptance_before_signing(w: World) -> None:
    cid = fresh()
    w.append("registrar", [record(cid, signed_on="2024-01-10")])
    refused(w, [accept(cid, "2024-01-09")], "body.date", "before the commitment was signed")


def test_acceptance_without_a_delivery_or_before_it(w: World) -> None:
    cid = fresh()
    w.append("registrar", [record(cid)])
    refused(w, [accept(cid, "2024-02-01")], "body.date", "no delivery is recorded")
    w.append("registrar", [deliver(cid, "2024-02-10")])
    refused(w, [accept(cid, "2024-02-09")], "body.date", "before the first delivery")
    w.append("registrar", [accept(cid, "2024-02-10")])


def test_resolution_before_the_dispute(w: World) -> None:
    cid = fresh()
    w.append("registrar", [record(cid), dispute(cid, "1.00", "2024-03-01")])
    refused(w, [resolve(cid, "0.00", "2024-02-28")], "body.date", "before the dispute it resolves")


def test_fixed_due_date_before_signing(w: World) -> None:
    refused(
        w,
        [record(fresh(), signed_on="2024-01-10", terms={"basis": "date", "due": "2024-01-09"})],
        "body.terms.due",
        "before signed_on",
    )


# -------------------------------------------------------------- voids and batches


def test_events_on_a_voided_commitment(w: World) -> None:
    cid = fresh()
    w.append("registrar", [record(cid), void(cid)])
    refused(w, [pay(cid, "1.00")], "body.commitment", "was voided")
    refused(
        w,
        [("commitment.voided", {"commitment": cid, "reason": "再次"})],
        "body.commitment",
        "was voided",
    )
    w.append("registrar", [complain(cid)])  # a complaint may say the void hides a debt


def test_every_bad_line_is_reported_and_nothing_is_written(w: World) -> None:
    size = w.ledger.size()  # type: ignore[attr-defined]
    cid = fresh()
    with pytest.raises(InputErrors) as err:
        w.append(
            "registrar",
            [
                record(cid, amount="10.00"),
                pay(cid, "11.00"),
                record(fresh(), "nowhere"),
                pay(cid, "10.00"),
            ],
        )
    assert [str(e).split(":")[1] for e in err.value.errors] == ["2", "3"]
    assert w.ledger.size() == size  # type: ignore[attr-defined]
    assert row(w, "commitments", commitment=cid) is None


def test_a_malformed_body_is_refused_even_through_the_api(w: World) -> None:
    cid = fresh()
    w.append("registrar", [record(cid)])
    refused(w, [pay(cid, "12.3")], "body.amount", "two decimal places")
    refused(
        w,
        [("agency.registered", {**agency("mb")[1], "category": "bureau"})],
        "body.category",
        "not one of",
    )
