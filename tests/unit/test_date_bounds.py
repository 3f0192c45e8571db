"""Date bounds on append (DOMAIN.md revision 2): no business date in the future (the Beijing
day of the entry's ts), none before 1949-10-01, ``terms.due``/``maturity`` at most 30 years on.
On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from ledger.dates import BUSINESS_DATE_FIELDS, check_dates, check_each_date
from ledger.domain.tables import payments
from ledger.errors import BadInput, FieldError
from tests.conftest import World
from tests.helpers.audit_world import agency, commitment, delivered, enterprise, paid


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


def _payments(world: World) -> int:
    with world.ledger.engine.connect() as conn:  # type: ignore[attr-defined]
        return int(conn.execute(select(func.count()).select_from(payments)).scalar_one())


def test_a_future_dated_payment_is_refused_and_nothing_written(world: World) -> None:
    _setup(world)
    size = world.ledger.size()  # type: ignore[attr-defined]
    # the test clock reads 2026-01-05 08:00 UTC: 16:00 in Beijing, the day 2026-01-05
    with pytest.raises(BadInput) as err:
        world.append(
            "registrar",
            [paid("C1", "100.00", "2026-01-05"), paid("C1", "200.00", "2026-01-06")],
        )
    text = str(err.value)
    assert "body.date" in text and "2026-01-06" in text and "2026-01-05" in text
    assert "future" in text and "未来" in text
    # all or nothing: the good payment of the same file is not written either
    assert world.ledger.size() == size  # type: ignore[attr-defined]
    assert _payments(world) == 0
    world.append("registrar", [paid("C1", "100.00", "2026-01-05")])
    assert _payments(world) == 1


def test_the_day_is_beijings(world: World) -> None:
    _setup(world)
    # 2026-01-05 16:30 UTC is 2026-01-06 00:30 in Beijing: a payment of 01-06 is not future
    world.clock.now = datetime(2026, 1, 5, 16, 30, tzinfo=UTC)
    world.append("registrar", [paid("C1", "100.00", "2026-01-06")])
    assert _payments(world) == 1


def test_dates_before_1949_10_01_are_refused(world: World) -> None:
    world.append("registrar", [agency("czj"), enterprise(1)])
    with pytest.raises(BadInput, match="1949-10-01"):
        world.append(
            "registrar",
            [commitment("OLD", "czj", 1, "1.00", "1949-09-30", {"basis": "delivery"})],
        )
    world.append(
        "registrar", [commitment("OLD", "czj", 1, "1.00", "1949-10-01", {"basis": "delivery"})]
    )


def test_an_agencys_established_date_is_not_a_bounded_business_date(world: World) -> None:
    """DOMAIN.md bounds ``date``, ``signed_on``, ``start``, ``end`` and ``effective``; an
    agency's ``established`` is not among them: a university founded in 1898, a bureau
    registered before the day it is established."""
    world.append(
        "registrar",
        [
            agency("pku", "institution", established="1898-07-03"),
            agency("new", "organ", established="2027-01-01"),
        ],
    )
    with pytest.raises(BadInput, match="body.established"):
        world.append("registrar", [agency("bad", "organ", established="2026-02-30")])


def test_due_and_maturity_at_most_thirty_years_on(world: World) -> None:
    world.append("registrar", [agency("czj"), enterprise(1)])
    # the entry's day is 2026-01-05: 2056-01-05 is the latest due date allowed
    with pytest.raises(BadInput, match="body.terms.due"):
        world.append(
            "registrar",
            [
                commitment(
                    "LONG", "czj", 1, "1.00", "2026-01-01", {"basis": "date", "due": "2056-01-06"}
                )
            ],
        )
    world.append(
        "registrar",
        [
            commitment(
                "LONG", "czj", 1, "1.00", "2026-01-01", {"basis": "date", "due": "2056-01-05"}
            )
        ],
    )
    with pytest.raises(BadInput, match="body.maturity"):
        world.append(
            "registrar", [paid("LONG", "1.00", "2026-01-02", "bill", maturity="2056-01-06")]
        )
    world.append("registrar", [paid("LONG", "1.00", "2026-01-02", "bill", maturity="2056-01-05")])


# check_dates passes a date inside its bounds on its ISO text; anything else goes date by
# date (check_each_date).  Both must refuse the same bodies with the same error.

_ISO = st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2070, 12, 31)).map(
    dt.date.isoformat
)
_VALUE = _ISO | st.sampled_from(["2025-02-30", "20250301", "", "x"]) | st.integers() | st.none()


@given(
    business=st.dictionaries(st.sampled_from(BUSINESS_DATE_FIELDS), _VALUE, max_size=3),
    maturity=st.none() | _VALUE,
    terms=st.none() | st.fixed_dictionaries({}, optional={"due": _VALUE, "days": st.just(30)}),
    changes=st.none() | st.fixed_dictionaries({"terms": st.fixed_dictionaries({"due": _ISO})}),
    day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 2, 29)),
)
@settings(max_examples=400, deadline=None)
def test_the_text_shortcut_decides_as_the_date_by_date_check(
    business: dict[str, object], maturity: object, terms: object, changes: object, day: dt.date
) -> None:
    body: dict[str, object] = dict(business)
    for name, value in (("maturity", maturity), ("terms", terms), ("changes", changes)):
        if value is not None:
            body[name] = value

    def outcome(check: object) -> str | None:
        try:
            check(body, day)  # type: ignore[operator]
        except FieldError as exc:
            return str(exc)
        return None

    assert outcome(check_dates) == outcome(check_each_date)
