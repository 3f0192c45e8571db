"""``ledger rebuild``, ``ledger show commitment`` and ``ledger list ...``: the domain projections.

Thin: the reads are :mod:`ledger.domain.views` (one connection each), the replay
:mod:`ledger.domain.replay`; this module formats amounts and dates for output.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

import click
from ledger_cli.context import Env, pass_env
from ledger_cli.options import USCC, output_option, quiet_option
from ledger_cli.output import dump_json, emit, format_option, output_rows, render, resolve_format

from ledger.clock import beijing_day
from ledger.domain.views import (
    agencies_with_holders,
    commitment_view,
    commitments_with_holders,
    enterprises,
)
from ledger.errors import BadInput
from ledger.money import format_fen

if TYPE_CHECKING:  # the rows ledger.domain.views returns: annotations only (no storage)
    from ledger.domain.tables import AgencyRow, CommitmentRow, EnterpriseRow

_MONEY = frozenset(
    (
        "amount",
        "agreed_amount",
        "principal",
        "paid",
        "outstanding",
        "disputed",
        "waived",
        "written_off",
    )
)


def _cell(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in _MONEY:
        return format_fen(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _commitment_dict(c: CommitmentRow, holder: str | None = None) -> dict[str, Any]:
    row = {name: _cell(name, value) for name, value in c.to_row().items()}
    row["terms"] = json.loads(c.terms)
    if holder is not None:
        row["holder"] = holder
    return row


@click.command("rebuild")
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Only compare the tables with a replay; change nothing.",
)
@quiet_option
@pass_env
def rebuild_cmd(env: Env, check_only: bool, quiet: bool) -> None:
    """Recreate the domain projection tables from the log's leaf bytes alone.

    Drops and recreates agencies, successions, tenures, term changes,
    enterprises and their history, commitments, payments, disputes and
    domain_events in one transaction (never the log itself).  With --check,
    compare them with a replay instead and exit 1 naming the first table and
    row that differ.

    \b
    Example:
      ledger rebuild
      ledger rebuild --check
    """
    from ledger.domain.replay import check_projections, rebuild

    ledger = env.ledger()
    with env.progress(ledger.size(), "replaying the log", quiet=quiet) as step:
        if check_only:
            check_projections(ledger, step)
            click.echo(f"the projection tables equal a replay of the log ({ledger.size()} entries)")
            return
        result = rebuild(ledger, step)
    click.echo(f"rebuilt the projection tables from {result.entries} entries:")
    for name, count in result.rows:
        click.echo(f"  {name:<20} {count:>10} rows")


# --------------------------------------------------------------------------
# show


@click.group("show")
def show() -> None:
    """Show one record of the ledger with its whole history.

    \b
    Example:
      ledger show commitment HT-2024-031
    """


_HISTORY_COLUMNS = ("seq", "kind", "date", "amount", "detail")
_DETAIL_SKIP = {"commitment", "date", "amount", "written_off", "amount_waived"}


@show.command("commitment")
@click.argument("commitment_id", metavar="ID")
@format_option
@output_option()
@pass_env
def show_commitment(env: Env, commitment_id: str, fmt: str | None, out: str | None) -> None:
    """A commitment's balances and every entry touching it, with seqs.

    Table: the current principal, paid, outstanding and disputed amounts,
    then one line per entry.  JSON: {"commitment": {...}, "history": [...]}.

    \b
    Example:
      ledger show commitment HT-2024-031
      ledger show commitment HT-2024-031 --format json
    """
    view = commitment_view(env.ledger().engine, commitment_id)
    if view is None:
        raise BadInput(f"unknown commitment {commitment_id!r}")
    history = [
        {
            "seq": i.seq,
            "kind": i.kind,
            "date": i.date,
            "amount": None if i.amount is None else format_fen(i.amount),
            "at": i.at,
            "body": i.body,
            "detail": {k: v for k, v in i.body.items() if k not in _DETAIL_SKIP},
        }
        for i in view.items
    ]
    fmt = resolve_format(fmt)
    head = _commitment_dict(view.commitment, view.holder)
    if fmt == "json":
        for h in history:
            del h["detail"]
        emit(dump_json({"commitment": head, "history": history}), out)
        return
    if fmt in ("csv", "xlsx"):
        output_rows(history, _HISTORY_COLUMNS, fmt, out, sheet=view.commitment.commitment)
        return
    c = view.commitment
    names = env.names()
    state = f"VOIDED at seq {c.voided_seq}" if c.voided else ""
    lines = [
        f"{c.commitment}  {c.type}  {c.title}  {state}".rstrip(),
        (
            f"signed by {names.agency(c.agency)} on {c.signed_on} (seq {c.recorded_seq}); "
            f"held by {names.agency(view.holder)}; enterprise {names.enterprise(c.enterprise)}"
        ),
        "  ".join(f"{k} {head[k]} {c.currency}" for k in ("principal", "paid", "outstanding"))
        + f"  disputed {head['disputed']} {c.currency}",
        "",
    ]
    emit("\n".join(lines) + "\n" + render(history, _HISTORY_COLUMNS, "table"), out)


# --------------------------------------------------------------------------
# list


@click.group("list")
def list_group() -> None:
    """List the ledger's commitments, agencies or enterprises (current state).

    \b
    Example:
      ledger list commitments --agency yy-czj --format csv --output commitments.csv
    """


_COMMITMENT_COLUMNS = (
    "commitment",
    "type",
    "agency",
    "holder",
    "enterprise",
    "signed_on",
    "amount",
    "principal",
    "paid",
    "outstanding",
    "disputed",
    "voided",
)


@list_group.command("commitments")
@click.option("--agency", metavar="ID", help="Only commitments this agency signed.")
@click.option("--enterprise", type=USCC, help="Only this enterprise's commitments.")
@format_option
@output_option()
@pass_env
def list_commitments_cmd(
    env: Env, agency: str | None, enterprise: str | None, fmt: str | None, out: str | None
) -> None:
    """Every commitment with its balances (voided ones too, flagged).

    \b
    Example:
      ledger list commitments
      ledger list commitments --agency yy-czj --format json
    """
    rows, holders = commitments_with_holders(
        env.ledger().engine, agency=agency, enterprise=enterprise
    )
    data = [_commitment_dict(c, holders[c.commitment]) for c in rows]
    if fmt in ("table", "xlsx") or (fmt is None and resolve_format(None) == "table"):
        names = env.names()  # where a person reads it: 岳阳市财政局（yy-czj）
        data = [
            {**d, "agency": names.agency(d["agency"]), "holder": names.agency(d["holder"])}
            for d in data
        ]
    output_rows(data, _COMMITMENT_COLUMNS, fmt, out, sheet="承诺")


_AGENCY_COLUMNS = (
    "agency",
    "name",
    "category",
    "region",
    "registered_seq",
    "successor",
    "succeeded_on",
    "holder",
)


def _agency_dict(a: AgencyRow, holder: str) -> dict[str, Any]:
    row = {name: _cell(name, value) for name, value in a.to_row().items()}
    row["holder"] = holder
    return row


@list_group.command("agencies")
@format_option
@output_option()
@pass_env
def list_agencies_cmd(env: Env, fmt: str | None, out: str | None) -> None:
    """Every registered agency, with its successor and the agency holding its obligations now.

    \b
    Example:
      ledger list agencies --format table
    """
    rows, holders = agencies_with_holders(env.ledger().engine)
    data = [_agency_dict(a, holders[a.agency]) for a in rows]
    output_rows(data, _AGENCY_COLUMNS, fmt, out, sheet="机关")


_ENTERPRISE_COLUMNS = ("uscc", "name", "size", "ownership", "registered_seq", "updated_seq")


def _enterprise_dict(e: EnterpriseRow) -> dict[str, Any]:
    return {name: _cell(name, value) for name, value in e.to_row().items()}


@list_group.command("enterprises")
@format_option
@output_option()
@pass_env
def list_enterprises_cmd(env: Env, fmt: str | None, out: str | None) -> None:
    """Every registered enterprise with its name and size today (Beijing time).

    \b
    Example:
      ledger list enterprises --format csv
    """
    rows = enterprises(env.ledger().engine, beijing_day(env.clock()))  # as of today
    output_rows([_enterprise_dict(e) for e in rows], _ENTERPRISE_COLUMNS, fmt, out, sheet="企业")


def register(group: click.Group) -> None:
    """Add ``rebuild``, ``show`` and ``list`` to the root group."""
    for cmd in (rebuild_cmd, show, list_group):
        group.add_command(cmd)


__all__ = ["register"]
