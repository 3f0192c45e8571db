"""What a report needs from the ledger besides the audit: gathered here, printed by ``reports/``.

A report rests on a log state: the tree the audit read (origin, size, root) and a
signed checkpoint a reader checks the printed copy against (:class:`LogAnchor`);
it prints names beside ids (:class:`Names`) and, for turnover findings, the leaf
hash and kind of every evidence entry (:class:`Evidence`).  The report layer runs
no SQL: ``ledger report`` and ``ledger demo`` call :func:`gather_audit_report` or
:func:`gather_integrity` and hand the result to ``ledger_reports``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine

from ledger.audit.history import load_registry, snapshot
from ledger.audit.results import TurnoverReport
from ledger.audit.runner import AuditRequest, AuditResult, run_audit
from ledger.clock import Clock
from ledger.entry import leaf_hash, parse_entry
from ledger.errors import BadInput, LedgerError
from ledger.log import Ledger, LogSigner, StoredCheckpoint
from ledger.verify import VerifyReport, verify_ledger

__all__ = [
    "AuditReportInputs",
    "Evidence",
    "IntegrityInputs",
    "LogAnchor",
    "Names",
    "evidence",
    "evidence_receipts",
    "gather_audit_report",
    "gather_integrity",
    "load_names",
    "report_anchor",
]


@dataclass(frozen=True, slots=True)
class LogAnchor:
    """The log state a report rests on, printed on its cover.

    ``size`` and ``root`` are the tree the figures were computed from;
    ``checkpoint`` is the signed checkpoint note (signatures included) that a
    reader checks the printed copy against: normally for the same size.
    """

    origin: str
    size: int
    root: bytes
    checkpoint: str | None = None
    checkpoint_size: int | None = None


@dataclass(frozen=True, slots=True)
class Names:
    """Names of agencies, officials and enterprises by id, from the log's registry."""

    agencies: Mapping[str, str] = field(default_factory=dict)
    officials: Mapping[str, str] = field(default_factory=dict)
    enterprises: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Evidence:
    """Leaf hash (hex, recomputed from the leaf bytes) and event kind of evidence entries."""

    leaf_hashes: Mapping[int, str]
    kinds: Mapping[int, str]

    @property
    def seqs(self) -> list[int]:
        """The evidence entries, in log order."""
        return sorted(self.leaf_hashes)


@dataclass(frozen=True, slots=True)
class AuditReportInputs:
    """An audit's result with what its report prints beside it."""

    request: AuditRequest
    result: AuditResult
    anchor: LogAnchor
    names: Names
    evidence: Evidence | None = None
    """Turnover findings: every entry a finding cites."""
    warning: str | None = None
    """Set when no signed checkpoint covers the audited entries (and none could be signed)."""


@dataclass(frozen=True, slots=True)
class IntegrityInputs:
    """A full verification with the log state and names its certificate prints."""

    verified: VerifyReport
    anchor: LogAnchor
    names: Names


def load_names(engine: Engine, on: dt.date) -> Names:
    """Names beside ids, from the registry in the log (one read snapshot), as of ``on``.

    An enterprise's name is the one in force on ``on`` (DOMAIN.md: the latest
    ``enterprise.updated`` effective on or before it, by (effective, seq);
    :class:`ledger.domain.registry.EnterpriseNames`), as the audits name it:
    a report prints the names of its as-of date, ``show`` and ``list`` those of
    today (Beijing).
    """
    with snapshot(engine) as conn:
        reg = load_registry(conn)
    return Names(
        agencies={k: v.event.name for k, v in reg.agencies.items()},
        officials={a.event.official: a.event.name for a in reg.appointments},
        enterprises={k: v.name_on(on) for k, v in reg.enterprises.items()},
    )


def evidence(ledger: Ledger, seqs: Iterable[int]) -> Evidence:
    """Leaf hash and kind of each entry in ``seqs``, read from the leaves themselves."""
    hashes: dict[int, str] = {}
    kinds: dict[int, str] = {}
    with ledger.engine.connect() as conn:
        for s in sorted(set(seqs)):
            leaf = ledger.leaf(s, conn)
            hashes[s] = leaf_hash(leaf).hex()
            kinds[s] = parse_entry(leaf).kind
    return Evidence(hashes, kinds)


def evidence_receipts(
    ledger: Ledger, seqs: Iterable[int], clock: Clock
) -> Iterator[tuple[int, dict[str, Any]]]:
    """A receipt (inclusion proof, FORMATS.md §6) for each entry, against the latest checkpoint."""
    for s in seqs:
        try:
            yield s, ledger.receipt(s, None, clock)
        except LedgerError as exc:
            raise BadInput(f"receipt for entry {s}: {exc}") from exc


def _checkpoint(
    ledger: Ledger, size: int, signer: Callable[[], LogSigner | None], clock: Clock
) -> tuple[StoredCheckpoint | None, str | None]:
    """A signed checkpoint covering ``size``: the latest, or a new one if ``signer`` gives the key."""
    cp = ledger.latest_checkpoint()
    if cp is None or cp.size < size:
        key = signer()
        if key is not None:
            return ledger.checkpoint(key, clock), None
        have = "no checkpoint" if cp is None else f"the latest covers {cp.size}"
        return cp, (
            f"the report rests on {size} entries but {have}; run 'ledger checkpoint' "
            "with the log key so the printed copy can be checked against a signed tree head"
        )
    return cp, None


def report_anchor(
    ledger: Ledger, size: int, signer: Callable[[], LogSigner | None], clock: Clock
) -> tuple[LogAnchor, str | None]:
    """The tree of the first ``size`` entries and a signed checkpoint covering them.

    ``signer`` is asked for the log key only when no checkpoint covers ``size``
    (None when this machine does not hold it: an auditor's copy); the second
    value is then a warning for the person running the report.
    """
    cp, warning = _checkpoint(ledger, size, signer, clock)
    anchor = LogAnchor(
        origin=ledger.origin,
        size=size,
        root=ledger.root_at(size),
        checkpoint=cp.note if cp else None,
        checkpoint_size=cp.size if cp else None,
    )
    return anchor, warning


def gather_audit_report(
    ledger: Ledger,
    request: AuditRequest,
    signer: Callable[[], LogSigner | None],
    clock: Clock,
) -> AuditReportInputs:
    """Run the audit and gather what its report prints: the log anchor, names, evidence."""
    result = run_audit(ledger.engine, request)
    anchor, warning = report_anchor(ledger, result.log_size, signer, clock)
    found = None
    if isinstance(result, TurnoverReport):
        found = evidence(ledger, {s for f in result.findings for s in f.evidence})
    return AuditReportInputs(
        request=request,
        result=result,
        anchor=anchor,
        names=load_names(ledger.engine, result.as_of),
        evidence=found,
        warning=warning,
    )


def gather_integrity(
    ledger: Ledger,
    *,
    pin_vkey: str | None = None,
    saved_note: str | None = None,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    on: dt.date,
) -> IntegrityInputs:
    """Verify the whole log (:func:`ledger.verify.verify_ledger`) and anchor the certificate
    (made on ``on``: the names it prints are those in force that day).

    The certificate prints the saved checkpoint when it is of the verified
    size (with its cosignatures), else the latest stored one.
    """
    verified = verify_ledger(
        ledger, pin_vkey=pin_vkey, checkpoint_note=saved_note, jobs=jobs, progress=progress
    )
    r = verified.result
    latest = verified.checkpoints[-1] if verified.checkpoints else None
    note: str | None
    note_size: int | None
    if saved_note is not None and verified.saved is not None and verified.saved.size == r.size:
        note, note_size = saved_note, r.size
    elif latest is not None:
        note, note_size = latest.note, latest.size
    else:
        note, note_size = None, None
    return IntegrityInputs(
        verified=verified,
        anchor=LogAnchor(r.origin, r.size, r.root, note, note_size),
        names=load_names(ledger.engine, on),
    )
