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
