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
- :func:`run_audit` — any of the three from one :class:`AuditRequest` (:mod:`~ledger.audit.runner`;
  what ``ledger audit``, ``ledger report`` and ``ledger demo`` call)
- :func:`load_lpr` — the one-year LPR table (package data, extendable: :mod:`~ledger.audit.lpr`)
- :func:`cite` — the legal basis by event date and holder category (:mod:`~ledger.audit.legal`)
- :func:`load_calendar` — rest days (chinese-calendar plus a user file: :mod:`~ledger.audit.calendar`)
- basis ``settlement``: the parts and their allocation (:mod:`~ledger.audit.parts`)

Reading: :mod:`~ledger.audit.history` (registry, streaming by commitment),
:mod:`~ledger.audit.records` (compact event records), :mod:`~ledger.audit.parallel`
(slices of the commitments in worker processes, ``jobs``).

Where DOMAIN.md (revision 2) leaves room, decided here:

- A bill or voucher pays on its maturity: before it (at the audit date) the
  amount is still outstanding, overdue and accruing (``pending_noncash``).
- ``late_paid`` lists the commitments not overdue at D whose interest owed
  (computed minus ``interest.paid``) is above zero; a large supplier paid late
  with no agreed rate owes none and is not listed.  ``days_late`` is the
  largest lateness of a payment (against the part it paid) or of a disputed
  part on the day its dispute was raised.  ``totals.late_paid_interest`` sums
  the interest computed for the late-paid rows; ``late_paid_interest_owed``
  what is still owed.
- The statutory date needs an organ, institution, association or soe; an
  agency of category ``other`` has none.  Default interest (0.05%/day, LPR
  floor) depends on the enterprise's size at signing, the commitment's type
  and a signing date on or after 2020-09-01 only, as DOMAIN.md states it.
- The governing text: of the period's start (acceptance: the acceptance or
  the acceptance deadline; settlement: each part's confirmation date; basis
  ``date``: the delivery, else ``due``); None while the period has not
  started.  A contract signed before 2020-09-01 is under neither text.
- Rest days: every computed period end (acceptance deadline, contractual due
  for delivery/acceptance/settlement, statutory due) moves to the next working
  day; the statutory date for basis ``date`` is delivery + (due − delivery)
  and may so move while ``due`` does not.  ACCEPTANCE_DELAYED without an
  acceptance starts only once D is after the (moved) deadline.  A calendar
  user file (``date,type`` with ``rest``/``work``) makes every year it names
  covered: in it, weekends are rest days unless listed ``work``.  The years
  outside the coverage that an audit looked up are listed in
  ``sources.calendar.weekends_only``.
- Acceptance not recorded by the acceptance deadline: the term counts from
  that day (ACCEPTANCE_DELAYED) once the audit date is after it.
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
- Basis ``settlement``: waived and written-off amounts are placed before the
  open disputes (both from the unconfirmed rest first, then the latest-due
  parts); a payment fills the undisputed unpaid amounts of the parts in due
  order, then the rest, then disputed amounts; interest is Σ (fen × days)
  over the parts, rounded once.  ``interest_paid`` reduces only
  ``interest_owed``, never the principal.
- Reversed payments are removed at every date; the ``reversed`` list holds
  every reversal of a commitment signed on or before D (voided ones
  included), with the reversed payment's amount.
- Voided commitments are listed only when signed on or before D; the first
  void counts; VOIDED_AFTER_DUE compares the UTC date of its ``at``.
- Registry events count by their own dates (appointment ``start``, succession
  and term change ``effective``); "an agency A succeeded" is transitive; a
  split follows the latest succession (by effective date, then seq).
- T4 counts payments by the day they pay (a bill or voucher at maturity); the
  named turnover's tie-break after the type order is the later seq; days
  under the new leadership are null when no turnover is named.  A term change
  is one turnover (its seq), charged to the agency holding the commitment.
- Legal basis by the category of the holder at D: organs cite 优化营商环境条例
  art. 31, art. 69 item 7 and, for a private enterprise from 2025-05-20,
  民营经济促进法 art. 70, 73; institutions, associations and SOEs cite the SME
  regulation's art. 14 (2020: 13) instead; every turnover finding (and
  repudiation) also cites 纪律处分条例 (2023) art. 130, whatever its date.
  Deadlines and interest cite the text governing the payment period; events
  (excuses, CONDITIONS_ADDED art. 7) the text in force on their date.
- Re-appointing the principal already in office is accepted and changes
  nothing (no new tenure, no turnover); re-appointing a deputy in the same
  role stays refused.  An official_change needs a new principal different
  from the one in office at that agency the day before.
- The balance check of a payment is made at the end of its file, counting
  every reversal in the ledger or anywhere in the file; verify and rebuild
  treat the entries sharing one ``ts`` (one append) as that file.
- Validation of the new kinds: a reversal may not precede the payment it
  reverses; a consented amendment may not cut the amount below what was
  confirmed; ``interest.paid`` references are not checked for uniqueness.
- Disclosure rows: every registered organ, institution and association not
  succeeded in full (a succession naming no commitments) on 31 December and
  not ``established`` after it; an SME contract counts when overdue by its
  effective due date (the contractual one alone for pre-regulation
  contracts); ``annual_report``: every soe holding (by the holder rule) an
  SME contract or payable signed by that day and not voided.
"""

from __future__ import annotations

from ledger.audit.arrears import arrears_audit
from ledger.audit.calendar import WorkCalendar, load_calendar, packaged_calendar
from ledger.audit.disclosure import disclosure_audit, year_end
from ledger.audit.legal import LegalRule, cite
from ledger.audit.lpr import LprTable, load_lpr, packaged_lpr
from ledger.audit.results import (
    ArrearsItem,
    ArrearsReport,
    ArrearsTotals,
    AuditFilter,
    Bucket,
    CalendarInfo,
    CalendarSource,
    Citation,
    DisclosureReport,
    DisclosureRow,
    DisclosureTotals,
    Flag,
    GroupTotal,
    LatePaid,
    LprInfo,
    LprSource,
    PartItem,
    Rate,
    RateKind,
    ReversedItem,
    Text,
    TurnoverFinding,
    TurnoverRef,
    TurnoverReport,
    TurnoverRule,
    TurnoverTotals,
    TurnoverType,
    VoidedItem,
)
from ledger.audit.runner import AuditKind, AuditRequest, AuditResult, run_audit
from ledger.audit.turnover import turnover_audit

__all__ = [
    "ArrearsItem",
    "ArrearsReport",
    "ArrearsTotals",
    "AuditFilter",
    "AuditKind",
    "AuditRequest",
    "AuditResult",
    "Bucket",
    "CalendarInfo",
    "CalendarSource",
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
    "PartItem",
    "Rate",
    "RateKind",
    "ReversedItem",
    "Text",
    "TurnoverFinding",
    "TurnoverRef",
    "TurnoverReport",
    "TurnoverRule",
    "TurnoverTotals",
    "TurnoverType",
    "VoidedItem",
    "WorkCalendar",
    "arrears_audit",
    "cite",
    "disclosure_audit",
    "load_calendar",
    "load_lpr",
    "packaged_calendar",
    "packaged_lpr",
    "run_audit",
    "turnover_audit",
    "year_end",
]
