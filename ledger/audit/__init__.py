"""Audits over the log: arrears, turnover (新官不理旧账) and the annual disclosure.

Every audit reads only the ``domain_events`` projection of the log, streamed
one commitment at a time, and returns frozen result dataclasses
(:mod:`ledger.audit.results`) for the CLI and the report layer;
:mod:`ledger.audit.export` turns them into the JSON of CLI.md.

- :func:`arrears_audit` — DOMAIN.md "Arrears rules" (:mod:`~ledger.audit.arrears`;
  the rules, one function each, in :mod:`~ledger.audit.rules`, applied to one
  commitment by :mod:`~ledger.audit.assess`)
- :func:`turnover_audit` — DOMAIN.md "Turnover rules" (:mod:`~ledger.audit.turnover`;
  turnovers, holders and principals in :mod:`~ledger.audit.registry`)
- :func:`disclosure_audit` — DOMAIN.md "Annual disclosure" (:mod:`~ledger.audit.disclosure`)
- :func:`load_lpr` — the one-year LPR table (package data, extendable: :mod:`~ledger.audit.lpr`)
- :func:`cite` — the legal basis by event date (:mod:`~ledger.audit.legal`)

Reading: :mod:`~ledger.audit.history` (registry, streaming by commitment),
:mod:`~ledger.audit.records` (compact event records), :mod:`~ledger.audit.parallel`
(slices of the commitments in worker processes, ``jobs``).

Where DOMAIN.md leaves room, decided here:

- A bill or voucher pays on its maturity: before it (at the audit date) the
  amount is still outstanding, overdue and accruing (``pending_noncash``).
- ``late_paid`` lists every commitment not overdue at D with a part that was
  late (paid in full late, or the rest held back by a dispute), interest 0
  included (large enterprises), so no late payment vanishes from the report.
- The statutory date needs an organ, institution or soe; an agency of category
  ``other`` has none.  Default interest (0.05%/day, LPR floor) depends on the
  enterprise's size and the commitment's type only, as DOMAIN.md states it.
- TERM_OVER_60 is raised only where the statutory rule applies.
- Acceptance not recorded by delivery + ``acceptance_days``: the term counts
  from that day (ACCEPTANCE_DELAYED) once the audit date has reached it.
- Consented amendments apply in (date, seq) order as from signing; consented
  ``conditions_added`` join ``terms.conditions``.  An unconsented amendment is
  judged against the terms in force at its date; "lengthens a term" compares
  the computed contractual due dates when both are known, else term by term;
  "lowers the rate" against 18.25%/year where an SME contract agreed none.
- PROHIBITED_EXCUSE: any dispute, amendment (consented or not) or repudiation;
  awaiting_audit/awaiting_filing are excused by a condition naming
  audit/审计/决算 or filing/备案 in the terms in force at D.
- A resolution closes the disputes open at its (date, seq); waived and
  written-off amounts leave the principal from signing (never owed).
- ``disputed`` is the part of ``outstanding`` held back (payments settle the
  undisputed part first).
- Voided commitments are listed only when signed on or before D; the first
  void counts; VOIDED_AFTER_DUE compares the UTC date of its ``at``.
- Registry events count by their own dates (appointment ``start``, succession
  and term change ``effective``); "an agency A succeeded" is transitive; a
  split follows the latest succession (by effective date, then seq).
- T4 counts payments by the day they were made; the named turnover's tie-break
  after the type order is the later seq; days under the new leadership are
  null when no turnover is named.  A term change is one turnover (its seq),
  charged to the agency holding the commitment.
- Disclosure rows: every registered organ and institution not succeeded on
  31 December (registration has no date); obligations held by others are not
  disclosed.
"""

from __future__ import annotations

from ledger.audit.arrears import arrears_audit
from ledger.audit.disclosure import disclosure_audit, year_end
from ledger.audit.legal import LegalRule, cite
from ledger.audit.lpr import LprTable, load_lpr, packaged_lpr
from ledger.audit.results import (
    ArrearsItem,
    ArrearsReport,
    ArrearsTotals,
    AuditFilter,
    Bucket,
    Citation,
    DisclosureReport,
    DisclosureRow,
    DisclosureTotals,
    Flag,
    GroupTotal,
    LatePaid,
    LprInfo,
    LprSource,
    Rate,
    RateKind,
    TurnoverFinding,
    TurnoverRef,
    TurnoverReport,
    TurnoverRule,
    TurnoverTotals,
    TurnoverType,
    VoidedItem,
)
from ledger.audit.turnover import turnover_audit

__all__ = [
    "ArrearsItem",
    "ArrearsReport",
    "ArrearsTotals",
    "AuditFilter",
    "Bucket",
    "Citation",
    "DisclosureReport",
    "DisclosureRow",
    "DisclosureTotals",
    "Flag",
    "GroupTotal",
    "LatePaid",
    "LegalRule",
    "LprInfo",
    "LprSource",
    "LprTable",
    "Rate",
    "RateKind",
    "TurnoverFinding",
    "TurnoverRef",
    "TurnoverReport",
    "TurnoverRule",
    "TurnoverTotals",
    "TurnoverType",
    "VoidedItem",
    "arrears_audit",
    "cite",
    "disclosure_audit",
    "load_lpr",
    "packaged_lpr",
    "turnover_audit",
    "year_end",
]
