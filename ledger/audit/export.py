"""Audit results as the JSON of CLI.md "Audit JSON" (and flat rows for CSV and tables).

Amounts are two-place decimal strings, dates ``YYYY-MM-DD``, rates decimal
strings; the fields CLI.md lists come first, extra fields follow.  The
output is plain JSON data (str, int, bool, None, lists, dicts).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal

from ledger.audit.results import (
    ArrearsItem,
    ArrearsReport,
    AuditFilter,
    CalendarInfo,
    Citation,
    DisclosureReport,
    DisclosureRow,
    GroupTotal,
    LprInfo,
    PartItem,
    Rate,
    TurnoverFinding,
    TurnoverRef,
    TurnoverReport,
)
from ledger.money import format_fen, format_rate
from ledger.text import spreadsheet_cell

try:
    import orjson as _orjson
except ImportError:  # pragma: no cover
    _orjson = None  # type: ignore[assignment]

__all__ = [
    "ARREARS_COLUMNS",
    "DISCLOSURE_COLUMNS",
    "REVERSED_COLUMNS",
    "TURNOVER_COLUMNS",
    "Json",
    "Parts",
    "arrears_json",
    "arrears_parts",
    "arrears_rows",
    "csv_chunks",
    "disclosure_json",
    "disclosure_rows",
    "json_chunks",
    "materialize",
    "turnover_json",
    "turnover_parts",
    "turnover_rows",
]

Json = None | bool | int | str | list["Json"] | dict[str, "Json"]
Parts = dict[str, Json | Iterator[dict[str, Json]]]
"""A JSON object whose long lists are iterators, so it can be written without holding it."""


def materialize(parts: Parts) -> dict[str, Json]:
    """The JSON object of ``parts``, every lazy list made a list."""
    out: dict[str, Json] = {}
    for key, value in parts.items():
        out[key] = list(value) if isinstance(value, Iterator) else value
    return out


def arrears_json(report: ArrearsReport) -> dict[str, Json]:
    """The arrears audit object of CLI.md."""
    return materialize(arrears_parts(report))


def turnover_json(report: TurnoverReport) -> dict[str, Json]:
    """The turnover audit object of CLI.md."""
    return materialize(turnover_parts(report))


def _indent(text: str, prefix: str) -> str:
    return text.replace("\n", "\n" + prefix)


def _pretty(value: object) -> str:
    """Two-space-indented JSON, UTF-8 kept readable (orjson when present: several times faster)."""
    if _orjson is not None:
        return _orjson.dumps(value, option=_orjson.OPT_INDENT_2).decode("utf-8")
    return json.dumps(value, ensure_ascii=False, indent=2)


def json_chunks(parts: Parts) -> Iterator[str]:
    """Pretty JSON text of ``parts`` (two-space indent), one piece at a time.

    The lazy lists are written element by element, so the output of an audit
    of millions of commitments is never one string in memory.
    """
    yield "{"
    first = True
    for key, value in parts.items():
        yield ("\n" if first else ",\n") + "  " + json.dumps(key) + ": "
        first = False
        if isinstance(value, Iterator):
            empty = True
            for element in value:
                yield ("[\n    " if empty else ",\n    ") + _indent(_pretty(element), "    ")
                empty = False
            yield "[]" if empty else "\n  ]"
        else:
            yield _indent(_pretty(value), "  ")
    yield "\n}\n"


def csv_chunks(rows: Iterable[dict[str, Json]], columns: Sequence[str]) -> Iterator[str]:
    """CSV text of ``rows`` (header first), one line at a time; a list cell is joined by commas.

    A cell that a spreadsheet would run as a formula is neutralised
    (:func:`ledger.text.spreadsheet_cell`).
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in itertools.chain([None], rows):
        if row is not None:
            writer.writerow([spreadsheet_cell(_cell(row.get(c))) for c in columns])
        yield buf.getvalue()
        buf.seek(0)
        buf.truncate()


def _cell(value: Json) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


def _date(d: dt.date | None) -> str | None:
    return None if d is None else d.isoformat()


def _rate(r: Decimal | None) -> str | None:
    return None if r is None else format_rate(r)


def _citations(cs: tuple[Citation, ...]) -> list[Json]:
    return [
        {
            "rule": c.rule,
            "text": c.text,
            "instrument": c.instrument,
            "version": c.version,
            "articles": list(c.articles),
        }
        for c in cs
    ]


def _filters(f: AuditFilter) -> dict[str, Json]:
    return {"agency": f.agency, "region": f.region, "enterprise": f.enterprise}


def _lpr(info: LprInfo) -> dict[str, Json]:
    return {
        "mode": info.mode,
        "sources": [{"source": s.source, "sha256": s.sha256, "rows": s.rows} for s in info.sources],
        "rows": info.rows,
        "first": _date(info.first),
        "last": _date(info.last),
    }


def _rate_json(r: Rate) -> dict[str, Json]:
    return {
        "kind": r.kind.value,
        "annual_percent": _rate(r.annual_percent),
        "daily_percent": _rate(r.daily_percent),
        "agreed_percent": _rate(r.agreed_percent),
        "lpr_percent": _rate(r.lpr_percent),
    }


def _group(g: GroupTotal) -> dict[str, Json]:
    return {
        "count": g.count,
        "outstanding": format_fen(g.outstanding),
        "disputed": format_fen(g.disputed),
        "interest": format_fen(g.interest),
    }


def _groups(groups: Mapping[str, GroupTotal]) -> dict[str, Json]:
    return {str(k): _group(v) for k, v in groups.items()}


def _item(
    i: ArrearsItem, agencies: Mapping[str, str], enterprises: Mapping[str, str]
) -> dict[str, Json]:
    return {
        "commitment": i.commitment,
        "type": i.type.value,
        "agency": i.agency,
        "holder": i.holder,
        "enterprise": i.enterprise,
        "principal": format_fen(i.principal),
        "paid": format_fen(i.paid),
        "outstanding": format_fen(i.outstanding),
        "disputed": format_fen(i.disputed),
        "due": _date(i.due),
        "statutory_due": _date(i.statutory_due),
        "effective_due": _date(i.effective_due),
        "days_overdue": i.days_overdue,
        "bucket": None if i.bucket is None else i.bucket.value,
        "interest": format_fen(i.interest),
        "flags": [f.value for f in i.flags],
        "evidence": list(i.evidence),
        "overdue": i.overdue,
        "title": i.title,
        "agency_name": agencies.get(i.agency),
        "holder_name": agencies.get(i.holder),
        "enterprise_name": enterprises.get(i.enterprise),
        "enterprise_size": None if i.enterprise_size is None else i.enterprise_size.value,
        "sme_rules": i.sme_rules,
        "signed_on": i.signed_on.isoformat(),
        "amount": format_fen(i.amount),
        "waived": format_fen(i.waived),
        "written_off": format_fen(i.written_off),
        "pending_noncash": format_fen(i.pending_noncash),
        "late_balance_days": i.late_balance_days,
        "rate": _rate_json(i.rate),
        "basis": _citations(i.citations),
        "overdue_amount": format_fen(i.overdue_amount),
        "interest_paid": format_fen(i.interest_paid),
        "interest_owed": format_fen(i.interest_owed),
        "text": None if i.text is None else i.text.value,
        "holder_category": None if i.holder_category is None else i.holder_category.value,
        "parts": [_part(p) for p in i.parts],
    }


def _part(p: PartItem) -> dict[str, Json]:
    return {
        "seq": p.seq,
        "date": p.date.isoformat(),
        "amount": format_fen(p.amount),
        "reduced": format_fen(p.reduced),
        "paid": format_fen(p.paid),
        "disputed": format_fen(p.disputed),
        "unpaid": format_fen(p.unpaid),
        "due": _date(p.due),
        "statutory_due": _date(p.statutory_due),
        "effective_due": _date(p.effective_due),
        "overdue": p.overdue,
        "interest": format_fen(p.interest),
        "text": None if p.text is None else p.text.value,
    }


def _calendar(info: CalendarInfo | None, weekends_only: tuple[int, ...]) -> Json:
    if info is None:
        return None
    return {
        "source": info.source,
        "years": list(info.years),
        "sources": [
            {"source": s.source, "sha256": s.sha256, "years": list(s.years)} for s in info.sources
        ],
        "weekends_only": list(weekends_only),
        "note": (
            "rest days follow the State Council's holiday arrangement for the years listed; "
            "in any other year only Saturdays and Sundays are rest days"
            + (f" (used for {', '.join(str(y) for y in weekends_only)})" if weekends_only else "")
        ),
    }


def arrears_parts(report: ArrearsReport) -> Parts:
    """The arrears audit object of CLI.md, its long lists lazy (see :func:`json_chunks`)."""
    t = report.totals
    agencies, enterprises = report.agency_names, report.enterprise_names
    return {
        "as_of": report.as_of.isoformat(),
        "items": (_item(i, agencies, enterprises) for i in report.items),
        "totals": {
            "count": t.count,
            "outstanding": format_fen(t.outstanding),
            "interest": format_fen(t.interest),
            "late_paid_interest": format_fen(t.late_paid_interest),
            "by_holder": _groups(t.by_holder),
            "by_bucket": {b.value: _group(g) for b, g in t.by_bucket.items()},
            "by_agency": _groups(t.by_agency),
            "disputed": format_fen(t.disputed),
            "late_paid_count": t.late_paid_count,
            "overdue_amount": format_fen(t.overdue_amount),
            "interest_paid": format_fen(t.interest_paid),
            "interest_owed": format_fen(t.interest_owed),
            "late_paid_interest_owed": format_fen(t.late_paid_interest_owed),
        },
        "late_paid": (
            {
                "commitment": lp.commitment,
                "holder": lp.holder,
                "effective_due": lp.effective_due.isoformat(),
                "days_late": lp.days_late,
                "interest": format_fen(lp.interest),
                "agency": lp.agency,
                "enterprise": lp.enterprise,
                "last_late_day": lp.last_late_day.isoformat(),
                "outstanding": format_fen(lp.outstanding),
                "interest_paid": format_fen(lp.interest_paid),
                "interest_owed": format_fen(lp.interest_owed),
            }
            for lp in report.late_paid
        ),
        "voided": (
            {
                "commitment": v.commitment,
                "seq": v.seq,
                "reason": v.reason,
                "flags": [f.value for f in v.flags],
                "voided_at": v.voided_at.strftime("%Y-%m-%dT%H:%M:%S.")
                + f"{v.voided_at.microsecond // 1000:03d}Z",
                "agency": v.agency,
                "holder": v.holder,
                "enterprise": v.enterprise,
                "principal": format_fen(v.principal),
                "outstanding": format_fen(v.outstanding),
                "effective_due": _date(v.effective_due),
            }
            for v in report.voided
        ),
        "reversed": (
            {
                "commitment": r.commitment,
                "reference": r.reference,
                "amount": format_fen(r.amount),
                "seq": r.seq,
                "reason": r.reason,
                "date": r.date.isoformat(),
                "payment_seq": r.payment_seq,
                "payment_date": r.payment_date.isoformat(),
                "agency": r.agency,
                "holder": r.holder,
            }
            for r in report.reversed
        ),
        "sources": {
            "lpr": _lpr(report.lpr),
            "calendar": _calendar(report.calendar, report.weekends_only),
        },
        "all": report.include_all,
        "filters": _filters(report.filters),
        "log_size": report.log_size,
        "lpr": _lpr(report.lpr),
        "interest_note": (
            "late interest under the SME payment regulation only; civil-law damages "
            "(large enterprises, policy promises without an agreed rate) are outside this audit"
        ),
    }


def _turnover_ref(t: TurnoverRef | None) -> Json:
    if t is None:
        return None
    return {"type": t.type.value, "date": t.date.isoformat(), "seq": t.seq, "agency": t.agency}


def _finding(f: TurnoverFinding, agencies: Mapping[str, str]) -> dict[str, Json]:
    return {
        "commitment": f.commitment,
        "rules": [r.value for r in f.rules],
        "turnover": _turnover_ref(f.turnover),
        "holder": f.holder,
        "official_at_breach": f.official_at_breach,
        "official_now": f.official_now,
        "outstanding": format_fen(f.outstanding),
        "days_under_new_leadership": f.days_under_new_leadership,
        "evidence": list(f.evidence),
        "breach_date": f.breach_date.isoformat(),
        "agency": f.agency,
        "enterprise": f.enterprise,
        "breach_holder": f.breach_holder,
        "holder_name": agencies.get(f.holder),
        "overdue": f.overdue,
        "effective_due": _date(f.effective_due),
        "basis": _citations(f.citations),
    }


def turnover_parts(report: TurnoverReport) -> Parts:
    """The turnover audit object of CLI.md, its findings lazy (see :func:`json_chunks`)."""
    t = report.totals
    return {
        "as_of": report.as_of.isoformat(),
        "findings": (_finding(f, report.agency_names) for f in report.findings),
        "totals": {
            "count": t.count,
            "outstanding": format_fen(t.outstanding),
            "by_rule": {r.value: n for r, n in t.by_rule.items()},
            "by_holder": dict(t.by_holder),
        },
        "turnovers": report.turnovers,
        "sources": {"calendar": _calendar(report.calendar, report.weekends_only)},
        "filters": _filters(report.filters),
        "log_size": report.log_size,
    }


def _disclosure_row(r: DisclosureRow) -> dict[str, Json]:
    return {
        "agency": r.agency,
        "contracts": r.contracts,
        "amount": format_fen(r.amount),
        "name": r.name,
        "category": r.category.value,
        "region": r.region,
    }


def disclosure_json(report: DisclosureReport) -> dict[str, Json]:
    """The disclosure audit object of CLI.md."""
    return {
        "year": report.year,
        "agencies": [_disclosure_row(r) for r in report.agencies],
        "annual_report": [_disclosure_row(r) for r in report.annual_report],
        "sources": {"calendar": _calendar(report.calendar, report.weekends_only)},
        "totals": {
            "agencies": report.totals.agencies,
            "contracts": report.totals.contracts,
            "amount": format_fen(report.totals.amount),
        },
        "as_of": report.as_of.isoformat(),
        "filters": _filters(report.filters),
        "log_size": report.log_size,
        "basis": _citations(report.citations),
    }


ARREARS_COLUMNS = (
    "commitment",
    "type",
    "agency",
    "holder",
    "enterprise",
    "principal",
    "paid",
    "outstanding",
    "disputed",
    "due",
    "statutory_due",
    "effective_due",
    "days_overdue",
    "bucket",
    "interest",
    "flags",
    "evidence",
    "overdue_amount",
    "interest_paid",
    "interest_owed",
    "text",
)
TURNOVER_COLUMNS = (
    "commitment",
    "rules",
    "turnover_type",
    "turnover_date",
    "turnover_seq",
    "holder",
    "official_at_breach",
    "official_now",
    "outstanding",
    "days_under_new_leadership",
    "breach_date",
    "evidence",
)
DISCLOSURE_COLUMNS = (
    "agency",
    "name",
    "category",
    "region",
    "contracts",
    "amount",
    "list",
)
REVERSED_COLUMNS = ("commitment", "reference", "amount", "seq", "reason", "date", "payment_seq")


def arrears_rows(report: ArrearsReport) -> Iterator[dict[str, Json]]:
    """One flat row per item (the JSON item's fields)."""
    return (_item(i, report.agency_names, report.enterprise_names) for i in report.items)


def turnover_rows(report: TurnoverReport) -> Iterator[dict[str, Json]]:
    """One flat row per finding, the turnover split into columns."""
    for f in report.findings:
        row = _finding(f, report.agency_names)
        t = f.turnover
        row["turnover_type"] = None if t is None else t.type.value
        row["turnover_date"] = None if t is None else t.date.isoformat()
        row["turnover_seq"] = None if t is None else t.seq
        yield row


def disclosure_rows(report: DisclosureReport) -> list[dict[str, Json]]:
    """One row per agency (``list`` ``agencies``), then one per SOE (``list`` ``annual_report``)."""
    rows: list[dict[str, Json]] = []
    for name, group in (("agencies", report.agencies), ("annual_report", report.annual_report)):
        for r in group:
            row = _disclosure_row(r)
            row["list"] = name
            rows.append(row)
    return rows
