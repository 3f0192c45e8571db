"""The balance check on append counts the payments not reversed in the ledger or anywhere
in the file being appended (DOMAIN.md revision 2), and verify and rebuild see the same: the
entries of one append share one ts.  On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from ledger.domain.replay import rebuild
from ledger.errors import BadInput
from ledger.verify import verify_ledger
from tests.conftest import World
from tests.helpers.audit_world import agency, commitment, delivered, enterprise, paid, reversed_


def _setup(world: World) -> None:
    world.append(
        "registrar",
        [
            agency("czj"),
            enterprise(1),
            commitment("C1", "czj", 1, "1000.00", "2025-12-01", {"basis": "delivery", "days": 30}),
            delivered("C1", "2025-12-02"),
        ],
    )


def test_a_reversal_later_in_the_file_makes_room(world: World) -> None:
    _setup(world)
    # paid 1,000.00 under A, paid again under B, then A reversed: B fits once A is not counted
    world.append(
        "registrar",
        [
            paid("C1", "1000.00", "2025-12-10", reference="A"),
            paid("C1", "1000.00", "2025-12-12", reference="B"),
            reversed_("C1", "A", "2025-12-15", "误录"),
        ],
    )
    verify_ledger(world.ledger)  # type: ignore[arg-type]
    rebuild(world.ledger)  # type: ignore[arg-type]
    verify_ledger(world.ledger)  # type: ignore[arg-type]


def test_without_the_reversal_the_payment_is_refused_naming_its_line(world: World) -> None:
    _setup(world)
    size = world.ledger.size()  # type: ignore[attr-defined]
    with pytest.raises(BadInput) as err:
        world.append(
            "registrar",
            [
                paid("C1", "1000.00", "2025-12-10", reference="A"),
                paid("C1", "0.01", "2025-12-12", reference="B"),
            ],
        )
    assert ":2: body.amount: 付款 0.01 超过 'C1' 的未付余额 0.00" in str(err.value)
    assert "0.01 is above the outstanding balance 0.00" in str(err.value)
    assert world.ledger.size() == size  # type: ignore[attr-defined]
    # a reversal in an earlier append counts too; a later append does not rescue a payment
    world.append("registrar", [paid("C1", "1000.00", "2025-12-10", reference="A")])
    with pytest.raises(BadInput, match="above the outstanding balance"):
        world.append("registrar", [paid("C1", "1.00", "2025-12-12", reference="B")])
    world.append("registrar", [reversed_("C1", "A", "2025-12-15")])
    world.append("registrar", [paid("C1", "1000.00", "2025-12-16", reference="B")])


def _refused_lines(world: World, stmts: list[tuple[str, dict[str, object]]]) -> list[str]:
    """The lines (and the balance each names) an append of ``stmts`` refuses; nothing written."""
    from ledger.errors import InputErrors

    size = world.ledger.size()  # type: ignore[attr-defined]
    with pytest.raises(BadInput) as err:
        world.append("registrar", stmts)
    assert world.ledger.size() == size  # type: ignore[attr-defined]
    errors = err.value.errors if isinstance(err.value, InputErrors) else [err.value]
    return [str(e).split(": body.amount:")[0].rsplit(":", 1)[-1] for e in errors]


def test_a_payment_the_file_reverses_is_not_the_one_refused(world: World) -> None:
    """1,000 owed; 600 under R1, 600 under R2, 600 under R3, then R2 reversed: R2 never
    counted, so R3 (R1 + R3 = 1,200) is the payment above the balance, not R2."""
    _setup(world)
    lines = _refused_lines(
        world,
        [
            paid("C1", "600.00", "2025-12-10", reference="R1"),
            paid("C1", "600.00", "2025-12-11", reference="R2"),
            paid("C1", "600.00", "2025-12-12", reference="R3"),
            reversed_("C1", "R2", "2025-12-15"),
        ],
    )
    assert lines == ["3"]


def test_a_reversal_later_in_the_file_makes_room_for_the_payment_before_it(world: World) -> None:
    """Paid in full under R1; the file pays 1,000 under R2 and 1,000 under R3, then reverses
    R1: R2 fits once R1 is not counted, R3 does not."""
    _setup(world)
    world.append("registrar", [paid("C1", "1000.00", "2025-12-10", reference="R1")])
    lines = _refused_lines(
        world,
        [
            paid("C1", "1000.00", "2025-12-11", reference="R2"),
            paid("C1", "1000.00", "2025-12-12", reference="R3"),
            reversed_("C1", "R1", "2025-12-15"),
        ],
    )
    assert lines == ["2"]


def test_only_reversals_look_ahead_a_later_amendment_does_not(world: World) -> None:
    """Entry k is judged on the state entries 0..k-1 left (DOMAIN.md); the one exception is
    the reversals anywhere in the file: a consented increase later in the file does not
    make room for a payment before it."""
    from tests.helpers.audit_world import amended

    _setup(world)
    stmts = [
        paid("C1", "1500.00", "2025-12-10", reference="R1"),
        amended("C1", "2025-12-11", {"amount": "1500.00"}, consent=True),
    ]
    assert _refused_lines(world, stmts) == ["1"]
    world.append("registrar", stmts[::-1])  # the increase first: the payment fits
    verify_ledger(world.ledger)  # type: ignore[arg-type]
