"""The one audit entry point (AuditRequest -> run_audit) and the report inputs gathered for it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from ledger.audit import (
    AuditFilter,
    AuditKind,
    AuditRequest,
    arrears_audit,
    disclosure_audit,
    turnover_audit,
)
from ledger.audit import run_audit as run
from ledger.entry import leaf_hash, parse_entry
from ledger.errors import BadInput
from ledger.report_inputs import gather_audit_report, load_names, report_anchor
from tests.conftest import World
from tests.helpers.audit_world import shared_world
from tests.unit.test_audit_turnover import D, build_turnover_world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with shared_world("sqlite", tmp_path_factory.mktemp("runner")) as w:
        build_turnover_world(w)
        yield w


def test_disclosure_year_defaults_to_the_year_before_as_of() -> None:
    r = AuditRequest(AuditKind.DISCLOSURE, as_of=dt.date(2026, 3, 1))
    assert r.year == 2025 and r.audit_date == dt.date(2025, 12, 31)
    assert AuditRequest(AuditKind.DISCLOSURE, year=2024).audit_date == dt.date(2024, 12, 31)
    assert AuditRequest(AuditKind.DISCLOSURE, as_of=dt.date(2025, 12, 31)).year == 2024
    assert AuditRequest(AuditKind.DISCLOSURE, as_of=dt.date(2026, 1, 1), year=2025).year == 2025
    # as of 31 December: made on that day (CLI.md: the default year is the one before --as-of)
    assert AuditRequest(AuditKind.DISCLOSURE, as_of=dt.date(2025, 12, 31), year=2025).year == 2025


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "disclosure"}, "give --year Y, or --as-of DATE"),
        (
            {"kind": "disclosure", "as_of": dt.date(2025, 12, 30), "year": 2025},
            "the year is not over yet",
        ),
        ({"kind": "arrears"}, "--as-of DATE"),
        ({"kind": "turnover", "as_of": D, "year": 2025}, "--year is for the disclosure"),
        ({"kind": "turnover", "as_of": D, "include_all": True}, "--all is for the arrears"),
    ],
)
def test_a_request_is_checked_when_made(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(BadInput, match=message):
        AuditRequest(**kwargs)  # type: ignore[arg-type]


def test_run_audit_gives_what_each_audit_gives(world: World) -> None:
    engine = world.ledger.engine  # type: ignore[attr-defined]
    f = AuditFilter(agency="tc")
    assert run(engine, AuditRequest(AuditKind.ARREARS, as_of=D, include_all=True)) == (
        arrears_audit(engine, D, include_all=True)
    )
    assert run(engine, AuditRequest(AuditKind.TURNOVER, as_of=D, filters=f)) == (
        turnover_audit(engine, D, filters=f)
    )
    assert run(engine, AuditRequest(AuditKind.DISCLOSURE, year=2025)) == (
        disclosure_audit(engine, 2025)
    )


def test_a_bad_lpr_file_is_bad_input(world: World, tmp_path: Path) -> None:
    bad = tmp_path / "lpr.csv"
    bad.write_text("not,an,lpr\n", encoding="utf-8")
    request = AuditRequest(AuditKind.ARREARS, as_of=D, lpr_file=str(bad))
    with pytest.raises(BadInput):
        run(world.ledger.engine, request)  # type: ignore[attr-defined]


def test_turnover_report_inputs_carry_every_evidence_leaf(world: World) -> None:
    ledger = world.ledger
    request = AuditRequest(AuditKind.TURNOVER, as_of=D)
    inputs = gather_audit_report(ledger, request, world.signer, world.clock)  # type: ignore[arg-type]
    cited = {s for f in inputs.result.findings for s in f.evidence}  # type: ignore[union-attr]
    assert inputs.evidence is not None and set(inputs.evidence.seqs) == cited and cited
    for s in cited:
        leaf = ledger.leaf(s)  # type: ignore[attr-defined]
        assert inputs.evidence.leaf_hashes[s] == leaf_hash(leaf).hex()
        assert inputs.evidence.kinds[s] == parse_entry(leaf).kind
    size = inputs.result.log_size
    assert inputs.anchor.size == size and inputs.anchor.root == ledger.root_at(size)  # type: ignore[attr-defined]
    assert inputs.anchor.checkpoint_size == size and inputs.warning is None  # covered
    assert inputs.names == load_names(ledger.engine, inputs.result.as_of)  # type: ignore[attr-defined]
    assert inputs.names.agencies["tc"]


def test_without_the_log_key_the_anchor_warns(tmp_path: Path) -> None:
    with shared_world("sqlite", tmp_path) as w:
        size = w.ledger.size()  # type: ignore[attr-defined]
        anchor, warning = report_anchor(w.ledger, size, lambda: None, w.clock)  # type: ignore[arg-type]
    assert anchor.checkpoint is None and anchor.size == size
    assert warning is not None and f"rests on {size} entries but no checkpoint" in warning
