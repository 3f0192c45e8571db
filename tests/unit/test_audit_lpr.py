"""The LPR table (package data, extend or replace) and the audit's event decoders."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from ledger.audit.history import decode_registry
from ledger.audit.lpr import PACKAGED_SOURCE, load_lpr, packaged_lpr, parse_lpr_csv
from ledger.audit.records import (
    CommitmentHistory,
    Confirmation,
    InterestPaid,
    Reversal,
    add_event,
    decode_recorded,
)
from ledger.domain.events import parse_body
from ledger.errors import BadInput
from tests.helpers.audit_world import (
    accepted,
    agency,
    amended,
    appointed,
    commitment,
    complaint,
    confirmed,
    delivered,
    departed,
    disputed,
    enterprise,
    enterprise_updated,
    interest_paid,
    paid,
    repudiated,
    resolved,
    reversed_,
    settled,
    succeeded,
    term_changed,
    voided,
)

d = dt.date.fromisoformat


def test_packaged_table() -> None:
    table = packaged_lpr()
    data = resources.files("ledger").joinpath("data/lpr_1y.csv").read_bytes()
    assert table.info.mode == "packaged"
    assert [(s.source, s.sha256, s.rows) for s in table.info.sources] == [
        (PACKAGED_SOURCE, hashlib.sha256(data).hexdigest(), 13)
    ]
    assert (table.info.first, table.info.last) == (d("2019-08-20"), d("2025-05-20"))
    assert table.rate_on(d("2019-08-19")) is None
    assert table.rate_on(d("2019-08-20")) == Decimal("4.25")
    assert table.rate_on(d("2024-10-20")) == Decimal("3.35")
    assert table.rate_on(d("2024-10-21")) == Decimal("3.10")
    assert table.rate_on(d("2030-01-01")) == Decimal("3.00")


def test_extend_and_replace(tmp_path: Path) -> None:
    user = tmp_path / "lpr.csv"
    user.write_text("effective,rate_percent,note\n2025-05-20,3.05,corrected\n2026-01-20,2.90,\n")
    ext = load_lpr(user)
    assert ext.info.mode == "extended"
    assert [s.source for s in ext.info.sources] == [PACKAGED_SOURCE, str(user)]
    assert ext.info.sources[1].sha256 == hashlib.sha256(user.read_bytes()).hexdigest()
    assert ext.info.rows == 14
    assert ext.rate_on(d("2025-06-01")) == Decimal("3.05")
    assert ext.rate_on(d("2026-02-01")) == Decimal("2.90")
    assert ext.rate_on(d("2024-10-21")) == Decimal("3.10")
    rep = load_lpr(user, replace=True)
    assert (rep.info.mode, rep.info.rows) == ("replaced", 2)
    assert rep.rate_on(d("2024-10-21")) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("date,rate\n2025-01-01,3.00\n", "lpr.csv:1: the header must name the columns"),
        ("effective,rate_percent\n2025-13-01,3.00\n", "lpr.csv:2: column effective"),
        ("effective,rate_percent\n2025-01-01,-3\n", "lpr.csv:2: column rate_percent"),
        ("effective,rate_percent\n2025-01-01,3\n2025-01-01,4\n", "lpr.csv:3: column effective"),
        ("effective,rate_percent\n", "lpr.csv: no LPR rows"),
    ],
)
def test_bad_tables_name_file_line_and_column(text: str, message: str) -> None:
    with pytest.raises(BadInput, match=message):
        parse_lpr_csv(text.encode(), "lpr.csv")


def test_unreadable_or_missing_file(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="cannot read the LPR table"):
        load_lpr(tmp_path / "none.csv")
    with pytest.raises(BadInput, match="needs a file"):
        load_lpr(None, replace=True)


def _same(typed: object, decoded: object, names: dict[str, str]) -> None:
    for ours, theirs in names.items():
        assert getattr(decoded, ours) == getattr(typed, theirs), ours


def _same_all(typed: object, decoded: Any, names: dict[str, str]) -> None:
    """``_same``, and ``names`` covers every field of the compact record but its seq."""
    assert set(decoded._fields) == {"seq", *names}, decoded._fields
    _same(typed, decoded, names)


def _with_ref(stmt: tuple[str, dict[str, Any]], ref: str) -> tuple[str, dict[str, Any]]:
    """The statement carrying the optional ``ref`` every body may carry."""
    kind, body = stmt
    return kind, {**body, "ref": ref}


COMMITMENT_STATEMENTS: list[tuple[str, dict[str, Any]]] = [
    delivered("C", "2025-02-01", ref="2nd"),
    accepted("C", "2025-02-03"),
    paid("C", "10.00", "2025-02-04"),
    paid("C", "1.05", "2025-02-05", "voucher", maturity="2025-08-05"),
    disputed("C", "3.00", "2025-02-06", "awaiting_audit"),
    resolved("C", "2025-02-07", "0.00"),
    repudiated("C", "2025-02-08", "official_change"),
    settled("C", "2025-02-09", "1.00"),
    amended(
        "C",
        "2025-02-10",
        {
            "amount": "12.00",
            "terms": {"basis": "date", "due": "2025-09-01", "conditions": ["审计"]},
            "interest_rate": "3.1",
            "conditions_added": ["备案"],
        },
        consent=False,
        reason_code="term_change",
    ),
    complaint("C", "2025-02-11"),
    voided("C"),
    # the kinds of DOMAIN.md revision 2; each with and without the optional ref
    confirmed("C", "2025-02-12", "600.00"),
    _with_ref(confirmed("C", "2025-02-10", "34.56"), "第二期"),
    interest_paid("C", "1.23", "2025-02-13"),
    _with_ref(interest_paid("C", "0.07", "2025-02-09", "I-2"), "补付"),
    reversed_("C", "P-C-2025-02-04-10.00", "2025-02-20"),
    _with_ref(reversed_("C", "P-C-2025-02-05-1.05", "2025-02-21", "录入错误"), "更正"),
]


def test_decoders_agree_with_parse_body() -> None:
    kind, body = commitment(
        "C",
        "czj",
        1,
        "1234.56",
        "2025-01-10",
        {"basis": "acceptance", "days": 20, "acceptance_days": 7, "conditions": ["audit"]},
        interest_rate="4.35",
    )
    typed: Any = parse_body(kind, body)
    rec = decode_recorded(7, body)
    _same(
        typed,
        rec,
        {
            n: n
            for n in (
                "commitment",
                "type",
                "agency",
                "enterprise",
                "title",
                "amount",
                "signed_on",
                "interest_rate",
            )
        },
    )
    _same(
        typed.terms,
        rec.terms,
        {n: n for n in ("basis", "days", "due", "acceptance_days", "conditions")},
    )
    h = CommitmentHistory(rec)
    for seq, (k, b) in enumerate(COMMITMENT_STATEMENTS, start=8):
        add_event(h, seq, k, "2026-01-05T08:00:00.000Z", b)
    assert h.seqs == list(range(7, 8 + len(COMMITMENT_STATEMENTS)))
    assert h.last_date == d("2025-02-13")  # a reversal applies at every date: not its date
    events = [parse_body(k, b) for k, b in COMMITMENT_STATEMENTS]
    e: Any
    e = events[0]
    assert h.deliveries[0].date == e.date
    assert h.acceptances[0].date == events[1].date  # type: ignore[union-attr]
    for p, e in zip(h.payments, events[2:4], strict=True):
        assert (p.date, p.amount) == (e.date, e.amount)
        assert p.pays_on == (e.maturity or e.date)
        assert p.noncash == (e.maturity is not None)
    e = events[4]
    assert (h.disputes[0].date, h.disputes[0].amount, h.disputes[0].reason_code) == (
        e.date,
        e.amount,
        e.reason_code,
    )
    e = events[5]
    assert (h.resolutions[0].date, h.resolutions[0].written_off) == (e.date, e.written_off)
    e = events[6]
    assert (h.repudiations[0].date, h.repudiations[0].reason_code) == (e.date, e.reason_code)
    e = events[7]
    assert (h.settlements[0].date, h.settlements[0].waived) == (e.date, e.amount_waived)
    e = events[8]
    am = h.amendments[0]
    assert (am.date, am.consent, am.reason_code) == (e.date, e.enterprise_consent, e.reason_code)
    assert (am.changes.amount, am.changes.interest_rate, am.changes.conditions_added) == (
        e.changes.amount,
        e.changes.interest_rate,
        e.changes.conditions_added,
    )
    _same(
        e.changes.terms,
        am.changes.terms,
        {n: n for n in ("basis", "days", "due", "acceptance_days", "conditions")},
    )
    assert h.complaints[0].date == events[9].date  # type: ignore[union-attr]
    assert h.void is not None and h.void.reason == events[10].reason  # type: ignore[union-attr]
    assert h.void.at_date == d("2026-01-05")
    assert [r.seq for r in h.confirmations] == [19, 20]
    assert [r.seq for r in h.interest_paid] == [21, 22]
    assert [r.seq for r in h.reversals] == [23, 24]
    assert [e.ref for e in events[11:]] == [None, "第二期", None, "补付", None, "更正"]  # type: ignore[union-attr]
    for c, e in zip(h.confirmations, events[11:13], strict=True):
        assert isinstance(c, Confirmation)
        _same_all(e, c, {"date": "date", "amount": "amount"})
    for i, e in zip(h.interest_paid, events[13:15], strict=True):
        assert isinstance(i, InterestPaid)
        _same_all(e, i, {"date": "date", "amount": "amount"})
    for r, e in zip(h.reversals, events[15:17], strict=True):
        assert isinstance(r, Reversal)
        _same_all(e, r, {"date": "date", "reference": "reference", "reason": "reason"})


@pytest.mark.parametrize(
    "stmt",
    [
        agency("a", "soe", "430602"),
        enterprise(3, "medium", "state"),
        enterprise_updated(3, "2025-01-01", "large"),
        appointed("o", "a", "2025-01-01", "deputy"),
        departed("o", "a", "2025-02-01"),
        term_changed("430600", "第十届", "2025-01-15"),
        succeeded(["a", "b"], "c", "2025-03-01", "division_adjustment"),
        (
            "enterprise.updated",
            {"uscc": enterprise(3)[1]["uscc"], "effective": "2025-01-01", "name": "新名"},
        ),
        (
            "agency.registered",
            {"agency": "x", "name": "X", "category": "other", "region": "430600", "ref": "r"},
        ),
    ],
)
def test_registry_decoder_agrees_with_parse_body(stmt: tuple[str, dict[str, Any]]) -> None:
    kind, body = stmt
    assert decode_registry(kind, body) == parse_body(kind, body)
