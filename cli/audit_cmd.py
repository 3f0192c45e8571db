"""``ledger audit arrears|turnover|disclosure``: run an audit, print JSON, CSV or tables.

Thin: options are parsed here, the rules live in :mod:`ledger.audit`, the
JSON shape in :mod:`ledger.audit.export`.  Audits exit 0 whatever they find.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import click
from ledger_cli.context import Env, pass_env
from ledger_cli.i18n import _
from ledger_cli.options import (
    as_of_option,
    audit_options,
    audit_request,
    output_option,
    year_option,
)
from ledger_cli.output import (
    BOM,
    dump_json,
    emit,
    format_option,
    render,
    resolve_format,
    want_bom,
    write_xlsx,
    wrote,
)

from ledger.audit import (
    ArrearsReport,
    AuditKind,
    AuditRequest,
    AuditResult,
    DisclosureReport,
    TurnoverReport,
    run_audit,
)
from ledger.audit.export import (
    ARREARS_COLUMNS,
    DISCLOSURE_COLUMNS,
    TURNOVER_COLUMNS,
    arrears_parts,
    arrears_rows,
    csv_chunks,
    disclosure_json,
    disclosure_rows,
    json_chunks,
    turnover_parts,
    turnover_rows,
)
from ledger.clock import beijing_day
from ledger.errors import EnvironmentProblem
from ledger.money import format_fen

F = TypeVar("F", bound=Callable[..., Any])


def _filters(f: F) -> F:
    """--agency, --region, --enterprise, --lpr, --lpr-replace, --jobs, --format, --output."""
    for deco in reversed(
        [
            audit_options,
            format_option,
            output_option(),
        ]
    ):
        f = deco(f)
    return f


def _emit_chunks(chunks: Iterable[str], out: str | None) -> None:
    """Write text piece by piece to stdout or, with -o FILE, to the file instead.

    An audit of a million commitments prints hundreds of megabytes: it is
    never assembled into one string.
    """
    if not out or out == "-":
        for chunk in chunks:
            click.echo(chunk, nl=False)
        return
    try:
        with open(out, "w", encoding="utf-8") as fh:
            for chunk in chunks:
                fh.write(chunk)
    except OSError as exc:
        raise EnvironmentProblem(f"{out}：无法写入（cannot write: {exc.strerror}）") from exc
    wrote(out)


def _named(aid: Any, name: Any) -> Any:
    """``岳阳市财政局（yy-czj）`` where a person reads it; the id alone when no name is known."""
    return f"{name}（{aid}）" if name and aid else aid


def _named_row(row: dict[str, Any]) -> dict[str, Any]:
    """A table row with names beside the agency, holder and enterprise ids.

    For Chinese users the coded values read in Chinese too (合同, 政府换届, 31–90天).
    """
    from ledger_cli.i18n import language

    if language() != "en":
        from ledger_reports.labels import BUCKET, COMMITMENT_TYPE, TURNOVER, label

        for key, table in (
            ("type", COMMITMENT_TYPE),
            ("turnover_type", TURNOVER),
            ("bucket", BUCKET),
        ):
            if row.get(key) is not None:
                row = {**row, key: label(table, row[key])}
    return {
        **row,
        **{
            k: _named(row[k], row.get(f"{k}_name"))
            for k in ("agency", "holder", "enterprise")
            if k in row
        },
    }


def _bom(chunks: Iterable[str]) -> Iterator[str]:
    """CSV chunks after a UTF-8 BOM (Excel needs it), unless --no-bom."""
    if want_bom():
        yield BOM
    yield from chunks


def _lpr_line(report: ArrearsReport) -> str:
    parts = [f"{s.source} sha256={s.sha256[:16]}… ({s.rows} rows)" for s in report.lpr.sources]
    return f"LPR table ({report.lpr.mode}): " + "; ".join(parts)


def _arrears_table(report: ArrearsReport) -> str:
    t = report.totals
    out = [
        _("Arrears as of {as_of} (log size {size}); {lpr}").format(
            as_of=report.as_of, size=report.log_size, lpr=_lpr_line(report)
        ),
        "",
    ]
    cols = (
        "commitment",
        "holder",
        "enterprise",
        "outstanding",
        "disputed",
        "effective_due",
        "days_overdue",
        "bucket",
        "overdue_amount",
        "interest",
        "flags",
    )
    out.append(render([_named_row(r) for r in arrears_rows(report)], cols, "table"))
    out.append(
        _(
            "Overdue: {count} commitments, outstanding {outstanding}, interest {interest}; "
            "late-paid interest {late} on {late_count} commitments"
        ).format(
            count=t.count,
            outstanding=format_fen(t.outstanding),
            interest=format_fen(t.interest),
            late=format_fen(t.late_paid_interest),
            late_count=t.late_paid_count,
        )
    )
    group_cols = ("group", "count", "outstanding", "disputed", "interest")

    def groups(title: str, items: list[tuple[str, Any]]) -> None:
        rows = [
            {
                "group": k,
                "count": g.count,
                "outstanding": format_fen(g.outstanding),
                "disputed": format_fen(g.disputed),
                "interest": format_fen(g.interest),
            }
            for k, g in items
        ]
        out.extend(["", title, render(rows, group_cols, "table").rstrip("\n")])

    names = report.agency_names
    groups(
        _("Totals by holder agency"),
        [(_named(k, names.get(k)), g) for k, g in t.by_holder.items()],
    )
    groups(_("Totals by bucket"), [(b.value, g) for b, g in t.by_bucket.items()])
    if report.late_paid:
        rows = [
            {
                "commitment": lp.commitment,
                "holder": lp.holder,
                "effective_due": lp.effective_due.isoformat(),
                "days_late": lp.days_late,
                "interest": format_fen(lp.interest),
            }
            for lp in report.late_paid
        ]
        cols2 = ("commitment", "holder", "effective_due", "days_late", "interest")
        out.extend(["", _("Paid late"), render(rows, cols2, "table").rstrip("\n")])
    if report.voided:
        rows = [
            {
                "commitment": v.commitment,
                "seq": v.seq,
                "reason": v.reason,
                "outstanding": format_fen(v.outstanding),
                "flags": [f.value for f in v.flags],
            }
            for v in report.voided
        ]
        cols3 = ("commitment", "seq", "reason", "outstanding", "flags")
        out.extend(["", _("Voided"), render(rows, cols3, "table").rstrip("\n")])
    if report.reversed:
        rows = [
            {
                "commitment": r.commitment,
                "reference": r.reference,
                "amount": format_fen(r.amount),
                "seq": r.seq,
                "reason": r.reason,
            }
            for r in report.reversed
        ]
        cols4 = ("commitment", "reference", "amount", "seq", "reason")
        out.extend(
            ["", _("Reversed payments 冲正的付款"), render(rows, cols4, "table").rstrip("\n")]
        )
    if report.calendar is not None:
        cal = report.calendar
        years = f"{cal.years[0]}-{cal.years[-1]}" if cal.years else "none"
        note = (
            _("; weekends only in {years}").format(
                years=", ".join(str(y) for y in report.weekends_only)
            )
            if report.weekends_only
            else ""
        )
        out.extend(
            [
                "",
                _("Holiday calendar 节假日安排: {source}, years {years}{note}").format(
                    source=cal.source, years=years, note=note
                ),
            ]
        )
    return "\n".join(out) + "\n"


def _turnover_table(report: TurnoverReport, names: Any) -> str:
    t = report.totals
    cols = (
        "commitment",
        "rules",
        "turnover_type",
        "turnover_date",
        "holder",
        "official_at_breach",
        "official_now",
        "outstanding",
        "days_under_new_leadership",
    )
    rules = ", ".join(f"{r.value} {n}" for r, n in t.by_rule.items())
    return (
        _("Turnover findings (新官不理旧账) as of {as_of} (log size {size}; {n} turnovers)").format(
            as_of=report.as_of, size=report.log_size, n=report.turnovers
        )
        + "\n\n"
        + render(
            [
                {
                    **_named_row(r),
                    "official_at_breach": names.official(r.get("official_at_breach")),
                    "official_now": names.official(r.get("official_now")),
                }
                for r in turnover_rows(report)
            ],
            cols,
            "table",
        )
        + _("Findings: {count}, outstanding {outstanding}; by rule: {rules}").format(
            count=t.count, outstanding=format_fen(t.outstanding), rules=rules
        )
        + "\n"
    )


def _disclosure_table(report: DisclosureReport) -> str:
    t = report.totals
    basis = "; ".join(c.text for c in report.citations)
    return (
        _("Annual disclosure for {year} (overdue SME contracts on {as_of}; {basis})").format(
            year=report.year, as_of=report.as_of, basis=basis
        )
        + "\n\n"
        + render(disclosure_rows(report), DISCLOSURE_COLUMNS, "table")
        + _("Agencies: {agencies}, contracts: {contracts}, amount: {amount}").format(
            agencies=t.agencies, contracts=t.contracts, amount=format_fen(t.amount)
        )
        + "\n"
    )


@click.group("audit")
def audit() -> None:
    """Run an audit over the log: arrears, turnover findings, annual disclosure.

    Every figure is computed from the log alone (the domain_events projection),
    so anyone holding the log can reproduce it.  Audits exit 0 whatever they find.

    \b
    Example:
      ledger audit arrears --as-of 2025-12-31 --format json
      ledger audit turnover --as-of 2025-12-31 --agency yy-czj
      ledger audit disclosure --year 2025
    """


def write_audit(report: AuditResult, fmt: str | None, out: str | None, env: Env) -> None:
    """Print or write one audit's result as a table, JSON, CSV or xlsx (CLI.md "Audit JSON")."""
    fmt = resolve_format(fmt)
    if isinstance(report, ArrearsReport):
        if fmt == "json":
            _emit_chunks(json_chunks(arrears_parts(report)), out)
        elif fmt == "csv":
            _emit_chunks(_bom(csv_chunks(arrears_rows(report), ARREARS_COLUMNS)), out)
        elif fmt == "xlsx":
            write_xlsx(out, [("拖欠账款", list(arrears_rows(report)), ARREARS_COLUMNS)])
        else:
            emit(_arrears_table(report), out)
    elif isinstance(report, TurnoverReport):
        if fmt == "json":
            _emit_chunks(json_chunks(turnover_parts(report)), out)
        elif fmt == "csv":
            _emit_chunks(_bom(csv_chunks(turnover_rows(report), TURNOVER_COLUMNS)), out)
        elif fmt == "xlsx":
            write_xlsx(out, [("问题线索", list(turnover_rows(report)), TURNOVER_COLUMNS)])
        else:
            emit(_turnover_table(report, env.names()), out)
    elif fmt == "xlsx":
        rows = disclosure_rows(report)
        write_xlsx(out, [(f"{report.year}年度公开", rows, DISCLOSURE_COLUMNS)])
    elif fmt == "json":
        emit(dump_json(disclosure_json(report)), out)
    elif fmt == "csv":
        emit(render(disclosure_rows(report), DISCLOSURE_COLUMNS, "csv"), out)
    else:
        emit(_disclosure_table(report), out)


def _run(env: Env, request: AuditRequest, opts: dict[str, Any]) -> None:
    """The one runner of the three audits: run the request, write the result."""
    write_audit(run_audit(env.ledger().engine, request), opts["fmt"], opts["out"], env)


_AS_OF_HELP = "Audit date (events after it are ignored)."


@audit.command("arrears")
@as_of_option(required=True, help=_AS_OF_HELP)
@click.option(
    "--all", "include_all", is_flag=True, help="List every commitment that is not voided."
)
@_filters
@pass_env
def arrears_cmd(env: Env, /, include_all: bool, **opts: Any) -> None:
    """Arrears (拖欠账款) as of a date under the SME payment regulation.

    Principal, paid, outstanding and disputed amounts; contractual, statutory
    and effective due dates; days overdue and ageing bucket; late interest
    (agreed rate floored at the one-year LPR at signing, or 0.05% a day);
    flags; totals by holder agency and by bucket.  The LPR table is the
    packaged one, extended by --lpr FILE (or replaced, with --lpr-replace);
    the output names it with the sha256 of every file read.

    \b
    Example:
      ledger audit arrears --as-of 2025-12-31
      ledger audit arrears --as-of 2025-12-31 --all --format csv --output arrears.csv
      ledger audit arrears --as-of 2025-12-31 --lpr my_lpr.csv --format json
      ledger audit arrears --as-of 2025-12-31 --jobs 2 --format json --output arrears.json
    """
    _run(env, audit_request(AuditKind.ARREARS, opts, include_all=include_all), opts)


@audit.command("turnover")
@as_of_option(required=True, help=_AS_OF_HELP)
@_filters
@pass_env
def turnover_cmd(env: Env, /, **opts: Any) -> None:
    """Turnover findings (新官不理旧账) T1–T5 as of a date.

    One finding per commitment naming every rule met: T1 legacy debt unpaid,
    T2 repudiated after a turnover, T3 conditions added after a turnover, T4
    payments stopped at a turnover, T5 a turnover cited as the excuse; with
    the turnover it is charged to, the holder, the principal at the breach
    date and now, and the seqs of the entries that prove it.

    \b
    Example:
      ledger audit turnover --as-of 2025-12-31
      ledger audit turnover --as-of 2025-12-31 --region 430600 --format json
    """
    _run(env, audit_request(AuditKind.TURNOVER, opts), opts)


@audit.command("disclosure")
@as_of_option(
    required=False,
    help="The day the disclosure is made [default: today, Beijing time]; the year "
    "defaults to the one before it, and a year ending after it is refused.",
)
@year_option("The year disclosed (31 December).")
@_filters
@pass_env
def disclosure_cmd(env: Env, /, year: int | None, **opts: Any) -> None:
    """Annual disclosure (art. 18): overdue SME contracts per organ or institution on 31 December.

    For year Y (default: the year before --as-of, or before today), every organ and institution
    not yet succeeded on 31 December Y, zero rows included: how many contracts
    and payables with SME suppliers were overdue that day, and their
    outstanding amount.

    \b
    Example:
      ledger audit disclosure --year 2025
      ledger audit disclosure --as-of 2026-03-01 --format csv
    """
    if opts["as_of"] is None:  # made today: a year not over yet is refused, not disclosed
        opts["as_of"] = beijing_day(env.clock())
    _run(env, audit_request(AuditKind.DISCLOSURE, opts, year=year), opts)


def register(group: click.Group) -> None:
    """Add the audit group to the root group."""
    group.add_command(audit)


__all__ = ["register", "write_audit"]
