"""``ledger import``: a commitments ledger sheet (台账), xlsx or CSV, all or nothing."""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Sequence

import click
from ledger_cli.context import Env, pass_env
from ledger_cli.i18n import _
from ledger_cli.options import dry_run_option, quiet_option, recorder_key_option
from ledger_cli.record_cmd import append_signed, sign_drafts, summary

from ledger.domain.views import agency_names, enterprises_named
from ledger.errors import BadInput, InputErrors
from ledger.importer import ImportPlan, KnownEnterprise, SheetImporter, known_enterprises
from ledger.log import Ledger, Signed
from ledger.text import terminal_safe

_PROGRESS_EVERY = 1000


def _ledger_enterprises(ledger: Ledger, usccs: Sequence[str]) -> dict[str, KnownEnterprise]:
    """The ledger's current record of these enterprises (name and size, from the projections)."""
    return known_enterprises(enterprises_named(ledger.engine, usccs))


def _ledger_agencies(ledger: Ledger) -> dict[str, str]:
    """Registered agencies, id -> name: 单位 may give either."""
    return agency_names(ledger.engine)


def _check_registrar(
    ledger: Ledger, plan: ImportPlan, registrar: str, explicit: bool, where: str
) -> None:
    """Registrations need a '*' key: say so before anything is signed."""
    if not plan.registrations:
        return
    rec = ledger.key_ring().get(registrar)
    if rec is None or rec.role != "recorder" or "*" in rec.agencies:
        return  # the log key may; unknown keys and other roles are refused by append
    uscc = plan.drafts[0].body["uscc"]
    hint = (
        "use a --registrar-key scoped to '*'"
        if explicit
        else "give --registrar-key NAME (a key scoped to '*') to sign them"
    )
    raise BadInput(
        f"the sheet names {plan.registrations} enterprises not yet in the ledger (first: {uscc} "
        f"at {where}); registering them needs a key scoped to '*', and {registrar!r} is "
        f"scoped to {', '.join(rec.agencies)}: {hint}, or register them first with "
        "'ledger record enterprise'"
    )


def _located(exc: BadInput, file: str, importer: SheetImporter, plan: ImportPlan) -> BadInput:
    """Append errors (``FILE:LINE: message``, LINE a statement) rewritten to name cells."""
    prefix = re.compile(rf"{re.escape(file)}:([0-9]+): (.*)$", re.DOTALL)
    errors = exc.errors if isinstance(exc, InputErrors) else [exc]
    failures: list[tuple[int, str]] = []
    others: list[BadInput] = []
    for err in errors:
        m = prefix.match(str(err))
        if m is None:
            others.append(err)
        else:
            failures.append((int(m.group(1)), m.group(2)))
    located = [BadInput(t) for t in importer.locate_append_errors(plan, failures)] + others
    return located[0] if len(located) == 1 else InputErrors(located)


@click.command("import")
@click.argument("file", required=False, type=click.Path(dir_okay=False, allow_dash=True))
@recorder_key_option(required=False)
@click.option(
    "--registrar-key",
    default=None,
    help="Key scoped to '*' that signs the enterprise registrations [default: --key].",
)
@dry_run_option
@click.option(
    "--sheet", default=None, help="Worksheet name [default: the active sheet, as Excel opens it]."
)
@click.option(
    "--include-hidden",
    is_flag=True,
    help="Also read a hidden sheet and cells in hidden rows and columns (refused by default).",
)
@click.option(
    "--agency", "default_agency", default=None, help="Agency id for rows whose 单位 is blank."
)
@click.option("--encoding", default=None, help="CSV encoding [default: UTF-8, else GB18030].")
@click.option(
    "--template",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write an empty template workbook to this file instead of importing.",
)
@quiet_option
@click.option("--verbose", "-v", is_flag=True, help="List every skipped duplicate.")
@pass_env
def import_sheet(
    env: Env,
    file: str | None,
    key_name: str | None,
    registrar_key: str | None,
    dry_run: bool,
    sheet: str | None,
    include_hidden: bool,
    default_agency: str | None,
    encoding: str | None,
    template: str | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Import a commitments ledger sheet (台账, .xlsx or .csv), all or nothing.

    Headers may be Chinese or English (合同编号/commitment, 单位/agency,
    统一社会信用代码/uscc, 类型/type, 金额/amount, 签订日期/signed_on,
    付款依据/basis, 付款期限（天）/days, 交付日期/delivered_on,
    已付金额/paid, 付款日期/paid_on, ...; --template writes them all).
    Each row records a commitment and its delivery, acceptance and payment;
    enterprises not yet in the ledger are registered from 企业名称, 企业规模
    and 企业性质 (that needs a key scoped to '*').  Every bad cell is
    reported by name (台账.xlsx:Sheet1!F17) and nothing is written; a
    re-import of the same sheet adds nothing.

    \b
    Example:
      ledger import --template 台账模板.xlsx
      ledger import 台账.xlsx --key czj-clerk --dry-run
      ledger import 台账.csv --key czj-clerk --registrar-key registrar
    """
    if template is not None:
        if file is not None:
            raise BadInput("--template writes an empty template: give no FILE with it")
        from ledger_reports.xlsx import write_template

        write_template(template)
        click.echo(_("wrote template {path}").format(path=template), err=True)
        return
    if file is None:
        raise BadInput("give the sheet to import (FILE.xlsx or FILE.csv), or --template FILE")
    if key_name is None:
        raise BadInput("--key NAME is required: the recorder key that signs the statements")
    ledger = env.ledger()
    stack = contextlib.ExitStack()
    if file == "-":
        file = _stdin_sheet(stack)
    with stack:
        _import(
            env,
            ledger,
            file,
            sheet,
            include_hidden,
            encoding,
            quiet,
            default_agency,
            key_name,
            registrar_key,
            dry_run,
            verbose,
        )


def _stdin_sheet(stack: contextlib.ExitStack) -> str:
    """``-``: standard input, saved as stdin.xlsx or stdin.csv (by its first bytes) for reading."""
    import tempfile
    from pathlib import Path

    raw = sys.stdin.buffer.read()
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ledger-import-")))
    path = folder / ("stdin.xlsx" if raw.startswith(b"PK\x03\x04") else "stdin.csv")
    path.write_bytes(raw)
    return str(path)


def _import(
    env: Env,
    ledger: Ledger,
    file: str,
    sheet: str | None,
    include_hidden: bool,
    encoding: str | None,
    quiet: bool,
    default_agency: str | None,
    key_name: str,
    registrar_key: str | None,
    dry_run: bool,
    verbose: bool,
) -> None:
    from ledger_cli.sheets import open_sheet

    data = open_sheet(file, sheet, encoding, include_hidden=include_hidden)
    for note in data.notes:
        click.echo(terminal_safe(note), err=True)
    try:
        importer = SheetImporter(
            data.headers,
            data.header_row,
            data.locate,
            default_agency=default_agency,
            agencies=_ledger_agencies(ledger),
        )
        with env.progress(data.total_rows, "reading ", quiet=quiet) as step:
            pending = 0
            for row, values in data.rows:
                importer.add_row(row, values)
                pending += 1
                if pending == _PROGRESS_EVERY:
                    step(pending)
                    pending = 0
            step(pending)
    finally:
        data.close()
    # Every error of the sheet in one pass: the cells at fault, then what the
    # ledger's rules say about the other rows (checked without writing).
    plan = importer.plan(_ledger_enterprises(ledger, importer.usccs()), partial=True)
    errors: list[BadInput] = list(plan.errors)
    for warning in plan.warnings:
        click.echo(terminal_safe(warning), err=True)
    if not plan.drafts and not errors:
        raise BadInput(f"{file}: no rows to import")
    result = None
    if plan.drafts:
        registrar = registrar_key or key_name
        where = data.locate(plan.origins[0].row, None)
        _check_registrar(ledger, plan, registrar, registrar_key is not None, where)
        regs, rest = plan.drafts[: plan.registrations], plan.drafts[plan.registrations :]
        signed: list[Signed] = []
        with env.progress(len(plan.drafts), "signing ", quiet=quiet) as step:
            if regs:
                signed += sign_drafts(env, registrar, regs, step)
            signed += sign_drafts(env, key_name, rest, step)
        if not quiet and env.progress_shown():
            click.echo(f"appending {len(signed)} statements...", err=True)
        try:
            result = append_signed(env, signed, dry_run=dry_run or bool(errors), source=file)
        except BadInput as exc:
            located = _located(exc, file, importer, plan)
            errors += located.errors if isinstance(located, InputErrors) else [located]
    if errors:
        raise errors[0] if len(errors) == 1 else InputErrors(errors)
    assert result is not None
    if verbose:
        for s in result.skipped:
            origin = plan.origins[s.line - 1]
            where = data.locate(origin.row, None)
            what = (
                f"seq {s.duplicate_of_seq}"
                if s.duplicate_of_seq is not None
                else f"{data.locate(plan.origins[(s.duplicate_of_line or 1) - 1].row, None)}"
            )
            click.echo(f"{where}: skipped: {s.kind} repeats {what}", err=True)
    click.echo(
        _(
            "read {rows} rows from {file}; {n} statements ({regs} enterprise registrations); "
            "{summary}"
        ).format(
            rows=importer.rows,
            file=file,
            n=len(plan.drafts),
            regs=plan.registrations,
            summary=summary(result),
        )
    )


def register(group: click.Group) -> None:
    """Add ``ledger import`` to the root group."""
    group.add_command(import_sheet)
