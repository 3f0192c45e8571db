"""One entry point for the three audits: an :class:`AuditRequest` in, a result out.

``ledger audit *``, ``ledger report *`` and ``ledger demo`` all describe the audit
they want as an :class:`AuditRequest` (kind, date or year, filters, the LPR and
calendar files, ``--all``, ``--jobs``) and call :func:`run_audit`; the option
rules (which date an audit needs, the disclosure's year) are checked here once,
when the request is made, before anything is read.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from ledger.audit.arrears import arrears_audit
from ledger.audit.calendar import WorkCalendar, load_calendar
from ledger.audit.disclosure import disclosure_audit, year_end
from ledger.audit.lpr import LprTable, load_lpr
from ledger.audit.results import ArrearsReport, AuditFilter, DisclosureReport, TurnoverReport
from ledger.audit.turnover import turnover_audit
from ledger.errors import BadInput, both

__all__ = ["AuditKind", "AuditRequest", "AuditResult", "run_audit"]

AuditResult = ArrearsReport | TurnoverReport | DisclosureReport
"""What :func:`run_audit` returns, by kind."""


class AuditKind(enum.StrEnum):
    """The three audits (DOMAIN.md), named as on the command line."""

    ARREARS = "arrears"
    TURNOVER = "turnover"
    DISCLOSURE = "disclosure"


@dataclass(frozen=True, slots=True)
class AuditRequest:
    """What an audit is asked for, checked when made (:class:`BadInput`, nothing read).

    ``as_of`` is the audit date of ``arrears`` and ``turnover`` (required); for
    ``disclosure`` it is the day the disclosure is made (optional), ``year``
    the year disclosed, defaulting to the year before ``as_of`` and refused
    while not over on ``as_of``.  ``lpr_file`` extends the packaged LPR table
    (replaces it with ``lpr_replace``), ``calendar_file`` the holiday
    calendar; both are read by :func:`run_audit`.  ``include_all`` is the
    arrears audit's ``--all``.
    """

    kind: AuditKind
    as_of: dt.date | None = None
    year: int | None = None
    filters: AuditFilter = field(default_factory=AuditFilter)
    lpr_file: str | None = None
    lpr_replace: bool = False
    calendar_file: str | None = None
    include_all: bool = False
    jobs: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", AuditKind(self.kind))
        if self.kind is not AuditKind.DISCLOSURE:
            if self.as_of is None:
                raise BadInput(
                    both(
                        f"{self.kind} 审计需要审计日期（--as-of 日期）",
                        f"the {self.kind} audit needs an audit date (--as-of DATE)",
                    )
                )
            if self.year is not None:
                raise BadInput(
                    both(
                        f"--year 只用于公开（disclosure），不用于 {self.kind} 审计",
                        f"--year is for the disclosure, not the {self.kind} audit",
                    )
                )
        elif self.year is None:
            if self.as_of is None:
                raise BadInput(
                    both(
                        "请给出 --year 年份，或给出 --as-of 日期以公开其前一年",
                        "give --year Y, or --as-of DATE to disclose the year before it",
                    )
                )
            object.__setattr__(self, "year", self.as_of.year - 1)
        elif self.as_of is not None and self.as_of < year_end(self.year):
            # a disclosure is as of 31 December: made on that day or later
            raise BadInput(
                both(
                    f"--year {self.year} 在 --as-of {self.as_of} 之后才结束：该年度尚未结束",
                    f"--year {self.year} ends after --as-of {self.as_of}: the year is not over yet",
                )
            )
        if self.include_all and self.kind is not AuditKind.ARREARS:
            raise BadInput(both("--all 只用于欠款审计", "--all is for the arrears audit"))

    @property
    def audit_date(self) -> dt.date:
        """The day the figures are computed for (the disclosure: 31 December of its year)."""
        if self.kind is AuditKind.DISCLOSURE:
            assert self.year is not None  # set by __post_init__
            return year_end(self.year)
        assert self.as_of is not None  # checked by __post_init__
        return self.as_of

    def lpr(self) -> LprTable:
        """The LPR table this audit uses (packaged, extended or replaced by ``lpr_file``)."""
        return load_lpr(self.lpr_file, replace=self.lpr_replace)

    def calendar(self) -> WorkCalendar:
        """The holiday calendar this audit uses (packaged, extended by ``calendar_file``)."""
        return load_calendar(self.calendar_file)


def run_audit(engine: Engine, request: AuditRequest) -> AuditResult:
    """Run the audit ``request`` names over the ledger in ``engine``.

    An :class:`~ledger.audit.results.ArrearsReport`, a
    :class:`~ledger.audit.results.TurnoverReport` or a
    :class:`~ledger.audit.results.DisclosureReport`, as
    :func:`~ledger.audit.arrears.arrears_audit`, :func:`~ledger.audit.turnover.turnover_audit`
    and :func:`~ledger.audit.disclosure.disclosure_audit` give them.
    """
    lpr = request.lpr()
    calendar = request.calendar()
    if request.kind is AuditKind.ARREARS:
        return arrears_audit(
            engine,
            request.audit_date,
            lpr=lpr,
            filters=request.filters,
            include_all=request.include_all,
            jobs=request.jobs,
            calendar=calendar,
        )
    if request.kind is AuditKind.TURNOVER:
        return turnover_audit(
            engine,
            request.audit_date,
            filters=request.filters,
            lpr=lpr,
            jobs=request.jobs,
            calendar=calendar,
        )
    assert request.year is not None  # set by __post_init__
    return disclosure_audit(
        engine,
        request.year,
        filters=request.filters,
        lpr=lpr,
        jobs=request.jobs,
        calendar=calendar,
    )
