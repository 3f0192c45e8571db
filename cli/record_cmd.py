"""``ledger record KIND``: one event from command-line options.

Each subcommand builds one ``{"kind", "body"}`` statement, checks it with the
same syntactic rules as ``ledger append`` (errors name the option at fault)
and goes through the same sign-and-append path (:func:`sign_drafts`,
:func:`append_signed`, shared with ``ledger import``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from cli.context import Env, pass_env
from cli.options import zh_choice
from ledger.errors import BadInput, FieldError, InputErrors
from ledger.events import (
    AgencyCategory,
    CommitmentType,
    EnterpriseSize,
    EventKind,
    OfficialRole,
    Ownership,
    PaymentMethod,
    ReasonCode,
    SuccessionReason,
    TermsBasis,
    parse_body,
)
from ledger.log import AppendResult, Draft, Signed, sign_statements

_SIGN_CHUNK = 2000

# --------------------------------------------------------------------------
# the shared sign-and-append path


def sign_drafts(
    env: Env,
    key_name: str,
    drafts: Sequence[Draft],
    on_progress: Callable[[int], None] | None = None,
) -> list[Signed]:
    """Sign drafts with a keystore key, in chunks so a caller can show progress."""
    key = env.keystore.load(key_name, env.passphrase())
    origin = env.ledger().origin
    signed: list[Signed] = []
    for i in range(0, len(drafts), _SIGN_CHUNK):
        chunk = drafts[i : i + _SIGN_CHUNK]
        signed.extend(sign_statements(chunk, key_name, key, env.clock, origin=origin))
        if on_progress is not None:
            on_progress(len(chunk))
    return signed


def append_signed(
    env: Env, signed: Sequence[Signed], *, dry_run: bool, source: str
) -> AppendResult:
    """Append signed statements to the ledger, all or nothing."""
    return env.ledger().append(signed, env.clock, dry_run=dry_run, source=source)


def summary(result: AppendResult) -> str:
    """One line: what was (or would be) appended and skipped."""
    verb = "would append" if result.dry_run else "appended"
    span = (
        f" (seq {result.first_seq}..{result.first_seq + result.appended - 1})"
        if result.appended
        else ""
    )
    return (
        f"{verb} {result.appended} entries{span}; skipped {len(result.skipped)} duplicates; "
        f"tree size {result.size}"
    )


def rewrite_errors(exc: BadInput, rewrite: Callable[[str], str]) -> BadInput:
    """The same error(s) with every message passed through ``rewrite``."""
    if isinstance(exc, InputErrors):
        return InputErrors([BadInput(rewrite(str(e))) for e in exc.errors])
    return BadInput(rewrite(str(exc)))


# --------------------------------------------------------------------------
# one statement from options

_FIELD = re.compile(r"body((?:\.[a-z_]+(?:\[[0-9]+\])?)*)")


def _option_of(path: str, options: dict[str, str]) -> str:
    """The option that set a body field: ``body.terms.days`` → ``--days``."""
    dotted = re.sub(r"\[[0-9]+\]", "", path).removeprefix("body").lstrip(".")
    if dotted in options:
        return options[dotted]
    last = dotted.rpartition(".")[2]
    return options.get(last, f"--{last.replace('_', '-')}") if last else "the options"


def _record(
    env: Env,
    kind: EventKind,
    body: dict[str, Any],
    key_name: str,
    dry_run: bool,
    options: dict[str, str] | None = None,
) -> None:
    """Check, sign and append one statement; print its seq."""
    names = options or {}
    body = {k: v for k, v in body.items() if v is not None and v != [] and v != ()}
    try:
        parse_body(kind, body)
    except FieldError as exc:
        raise BadInput(f"{_option_of(exc.field, names)}: {exc.reason}") from None
    source = f"record {kind}"

    def located(message: str) -> str:
        text = message.removeprefix(f"{source}:1: ")
        m = _FIELD.match(text)
        if m is not None and text[m.end() : m.end() + 2] == ": ":
            return f"{_option_of(m.group(0), names)}: {text[m.end() + 2 :]}"
        return text

    signed = sign_drafts(env, key_name, [Draft(1, kind, body)])
    try:
        result = append_signed(env, signed, dry_run=dry_run, source=source)
    except BadInput as exc:
        raise rewrite_errors(exc, located) from exc
    if result.skipped:
        s = result.skipped[0]
        click.echo(f"skipped: {kind} repeats seq {s.duplicate_of_seq}; nothing written", err=True)
    elif dry_run:
        click.echo(f"would record {kind} at seq {result.first_seq} (dry run; nothing written)")
    else:
        click.echo(f"recorded {kind} at seq {result.first_seq}")


def _sha256_of(document: str | None, digest: str | None) -> str | None:
    if document is not None and digest is not None:
        raise BadInput("give --document FILE or --document-sha256 HEX, not both")
    if document is None:
        return digest
    try:
        return hashlib.sha256(Path(document).read_bytes()).hexdigest()
    except OSError as exc:
        raise BadInput(f"--document: cannot read {document}: {exc.strerror}") from None


def _choice(enum: Any) -> click.Choice[str]:
    return zh_choice(enum)  # 机关, 转账...: the 台账's Chinese terms are accepted too


def _common(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option("--dry-run", is_flag=True, help="Check everything, write nothing.")(f)
    f = click.option("--ref", default=None, help="Tells two genuine repeats of one event apart.")(f)
    f = click.option("--key", "key_name", required=True, help="Recorder key that signs.")(f)
    return pass_env(f)


def _commitment_opt(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--commitment", required=True, help="Commitment id.")(f)


def _date_opt(name: str, help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(name, required=True, metavar="YYYY-MM-DD", help=help_text)


def _reason_opts(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option(
        "--reason-code",
        type=_choice(ReasonCode),
        default=None,
        help="Stated reason, coded (official_change, funds, quality...).",
    )(f)
    return click.option("--reason", required=True, help="Reason, as stated.")(f)


@click.group()
def record() -> None:
    """Record one event (commitment, payment, dispute...), signed and appended.

    Every subcommand takes --key NAME and --dry-run; dates are YYYY-MM-DD and
    amounts two-place yuan strings (40000.00).  A statement identical to one
    already in the ledger is skipped.

    \b
    Example:
      ledger record payment --commitment C-2024-031 --amount 40000.00 \\
        --date 2024-11-20 --reference 银行回单-0042 --key czj-clerk
    """


# --------------------------------------------------------------------------
# commitments

_TERMS_OPTIONS = {
    "terms": "--basis",
    "terms.basis": "--basis",
    "terms.conditions": "--condition",
    "changes.terms": "--basis",
    "changes.terms.conditions": "--condition",
    "changes.conditions_added": "--add-condition",
    "changes": "--amount/--basis/--interest-rate/--add-condition",
}


def _terms(
    basis: str | None,
    days: int | None,
    due: str | None,
    acceptance_days: int | None,
    conditions: tuple[str, ...],
) -> dict[str, Any] | None:
    if basis is None:
        if days is not None or due is not None or acceptance_days is not None or conditions:
            raise BadInput(
                "--basis: is required with --days, --due, --acceptance-days, --condition"
            )
        return None
    return {
        "basis": basis,
        "days": days,
        "due": due,
        "acceptance_days": acceptance_days,
        "conditions": list(conditions) or None,
    }


def _drop_none(d: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if d is None else {k: v for k, v in d.items() if v is not None}


def _terms_options(f: Callable[..., Any]) -> Callable[..., Any]:
    for opt in reversed(
        [
            click.option(
                "--basis",
                type=_choice(TermsBasis),
                help="Payment term counts from delivery, acceptance, or a fixed date.",
            ),
            click.option("--days", type=click.IntRange(0), help="Days to pay after the basis."),
            click.option("--due", metavar="YYYY-MM-DD", help="Fixed due date (basis date)."),
            click.option(
                "--acceptance-days",
                type=click.IntRange(0),
                help="Agreed days for acceptance after delivery.",
            ),
            click.option(
                "--condition",
                "conditions",
                multiple=True,
                help="Agreed payment condition (audit, filing); repeatable.",
            ),
            click.option(
                "--interest-rate", help="Agreed late-interest rate, annual percent (3.45)."
            ),
        ]
    ):
        f = opt(f)
    return f


@record.command("commitment")
@click.option("--id", "--commitment", "commitment", required=True, help="Commitment id.")
@click.option("--type", "ctype", type=_choice(CommitmentType), required=True)
@click.option("--agency", required=True, help="Agency that signed.")
@click.option("--enterprise", required=True, help="Enterprise USCC.")
@click.option("--title", required=True)
@click.option("--amount", required=True, help="Yuan, two places (125000.00).")
@_date_opt("--signed-on", "Signing date.")
@_terms_options
@click.option("--official", help="Official id who signed.")
@click.option("--policy-ref", help="Policy document number.")
@click.option("--document", type=click.Path(dir_okay=False), help="Signed paper (hashed).")
@click.option("--document-sha256", help="SHA-256 of the signed paper.")
@_common
def record_commitment(
    env: Env,
    key_name: str,
    ref: str | None,
    dry_run: bool,
    commitment: str,
    ctype: str,
    agency: str,
    enterprise: str,
    title: str,
    amount: str,
    signed_on: str,
    basis: str | None,
    days: int | None,
    due: str | None,
    acceptance_days: int | None,
    conditions: tuple[str, ...],
    interest_rate: str | None,
    official: str | None,
    policy_ref: str | None,
    document: str | None,
    document_sha256: str | None,
) -> None:
    """Record a contract, payable or policy promise (commitment.recorded).

    \b
    Example:
      ledger record commitment --id C-2024-031 --type contract --agency yy-czj \\
        --enterprise 91430600MA4L00003J --title 办公楼维修工程 --amount 125000.00 \\
        --signed-on 2024-03-01 --basis acceptance --days 30 --acceptance-days 15 \\
        --key czj-clerk
    """
    if basis is None:
        raise BadInput("--basis: is required (delivery, acceptance or date)")
    body = {
        "commitment": commitment,
        "type": ctype,
        "agency": agency,
        "enterprise": enterprise,
        "title": title,
        "amount": amount,
        "signed_on": signed_on,
        "official": official,
        "terms": _drop_none(_terms(basis, days, due, acceptance_days, conditions)),
        "interest_rate": interest_rate,
        "policy_ref": policy_ref,
        "document_sha256": _sha256_of(document, document_sha256),
        "ref": ref,
    }
    _record(
        env,
        EventKind.COMMITMENT_RECORDED,
        body,
        key_name,
        dry_run,
        {**_TERMS_OPTIONS, "commitment": "--id", "type": "--type", "enterprise": "--enterprise"},
    )


def _dated_event(kind: EventKind, name: str, summary_line: str, example: str) -> None:
    @record.command(name, help=f"{summary_line}\n\n\b\nExample:\n  {example}")
    @_commitment_opt
    @_date_opt("--date", "Date of the event.")
    @_common
    def command(
        env: Env, key_name: str, ref: str | None, dry_run: bool, commitment: str, date: str
    ) -> None:
        _record(env, kind, {"commitment": commitment, "date": date, "ref": ref}, key_name, dry_run)


_dated_event(
    EventKind.COMMITMENT_DELIVERED,
    "delivery",
    "Record that goods, works or services were delivered (commitment.delivered).",
    "ledger record delivery --commitment C-2024-031 --date 2024-06-30 --key czj-clerk",
)
_dated_event(
    EventKind.COMMITMENT_ACCEPTED,
    "acceptance",
    "Record that inspection or acceptance passed (commitment.accepted).",
    "ledger record acceptance --commitment C-2024-031 --date 2024-07-10 --key czj-clerk",
)


@record.command("payment")
@_commitment_opt
@click.option("--amount", required=True, help="Yuan, two places (40000.00).")
@_date_opt("--date", "Payment date.")
@click.option("--reference", required=True, help="Payment reference (bank slip number).")
@click.option("--method", type=_choice(PaymentMethod), default="transfer", show_default=True)
@click.option("--maturity", metavar="YYYY-MM-DD", help="Maturity of a bill or voucher.")
@_common
def record_payment(
    env: Env,
    key_name: str,
    ref: str | None,
    dry_run: bool,
    commitment: str,
    amount: str,
    date: str,
    reference: str,
    method: str,
    maturity: str | None,
) -> None:
    """Record a payment at face value (payment.made).

    A bill or voucher pays on its --maturity date, which it must carry.

    \b
    Example:
      ledger record payment --commitment C-2024-031 --amount 40000.00 \\
        --date 2024-11-20 --reference 银行回单-0042 --key czj-clerk
      ledger record payment --commitment C-2024-031 --amount 85000.00 \\
        --date 2024-12-01 --reference 汇票-77 --method bill --maturity 2025-06-01 \\
        --key czj-clerk
    """
    body = {
        "commitment": commitment,
        "amount": amount,
        "date": date,
        "reference": reference,
        "method": method,
        "maturity": maturity,
        "ref": ref,
    }
    _record(env, EventKind.PAYMENT_MADE, body, key_name, dry_run)


@record.command("confirmation")
@_commitment_opt
@_date_opt("--date", "Date both parties confirmed the settlement (结算确认日期).")
@click.option("--amount", required=True, help="Amount confirmed, yuan (one instalment).")
@_common
def record_confirmation(
    env: Env,
    key_name: str,
    ref: str | None,
    dry_run: bool,
    commitment: str,
    date: str,
    amount: str,
) -> None:
    """Record a confirmed progress or periodic settlement (settlement.confirmed).

    结算确认：履行进度结算、定期结算确认的金额，自确认日起计付款期限（付款依据须为
    settlement）。One instalment, not a running total; the confirmed amounts never
    exceed the amount.

    \b
    Example:
      ledger record confirmation --commitment GC-2026-01 --date 2026-05-20 \\
        --amount 300000.00 --key czj-clerk
    """
    body = {"commitment": commitment, "date": date, "amount": amount, "ref": ref}
    _record(env, EventKind.SETTLEMENT_CONFIRMED, body, key_name, dry_run)


@record.command("reversal")
@_commitment_opt
@click.option("--reference", required=True, help="Reference of the payment reversed.")
@_date_opt("--date", "Date of the reversal.")
@click.option("--reason", required=True, help="Why: recorded in error, bounced (退票)...")
@_common
def record_reversal(
    env: Env,
    key_name: str,
    ref: str | None,
    dry_run: bool,
    commitment: str,
    reference: str,
    date: str,
    reason: str,
) -> None:
    """Reverse a payment recorded in error or bounced (payment.reversed).

    付款冲正：误录或被退回的付款，冲正后在任何日期都不计入已付金额，并在审计中列明。
    A payment is reversed at most once; its reference is never reused (pay
    again under a new reference).

    \b
    Example:
      ledger record reversal --commitment C-2024-031 --reference 银行回单-0042 \\
        --date 2024-11-25 --reason 退票 --key czj-clerk
    """
    body = {
        "commitment": commitment,
        "reference": reference,
        "date": date,
        "reason": reason,
        "ref": ref,
    }
    _record(env, EventKind.PAYMENT_REVERSED, body, key_name, dry_run)


@record.command("interest")
@_commitment_opt
@click.option("--amount", required=True, help="Late interest paid, yuan.")
@_date_opt("--date", "Payment date.")
@click.option("--reference", required=True, help="Payment reference.")
@_common
def record_interest(
    env: Env,
    key_name: str,
    ref: str | None,
    dry_run: bool,
    commitment: str,
    amount: str,
    date: str,
    reference: str,
) -> None:
    """Record late interest paid to the enterprise (interest.paid).

    已付逾期利息：审计报告应计利息、已付利息与仍欠利息。

    \b
    Example:
      ledger record interest --commitment C-2024-031 --amount 1250.00 \\
        --date 2025-02-01 --reference 利息回单-7 --key czj-clerk
    """
    body = {
        "commitment": commitment,
        "amount": amount,
        "date": date,
        "reference": reference,
        "ref": ref,
    }
    _record(env, EventKind.INTEREST_PAID, body, key_name, dry_run)


@record.command("dispute")
@_commitment_opt
@click.option("--amount", required=True, help="Disputed part, yuan.")
@_date_opt("--date", "Date the dispute was raised.")
@_reason_opts
@_common
def record_dispute(
    env: Env,
    key_name: str,
    ref: str | None,
    dry_run: bool,
    commitment: str,
    amount: str,
    date: str,
    reason: str,
    reason_code: str | None,
) -> None:
    """Record that the agency disputes part of the amount (commitment.disputed).

    \b
    Example:
      ledger record dispute --commitment C-2024-031 --amount 5000.00 \\
        --date 2024-08-01 --reason 部分工程量有争议 --reason-code quality --key czj-clerk
    """
    body = {
        "commitment": commitment,
        "amount": amount,
        "date": date,
        "reason": reason,
        "reason_code": reason_code,
        "ref": ref,
    }
    _record(env, EventKind.COMMITMENT_DISPUTED, body, key_name, dry_run)


@record.command("resolve")
@_commitment_opt
@_date_opt("--date", "Date of the resolution.")
@click.option("--written-off", default="0.00", show_default=True, help="Part written off, yuan.")
@_common
def record_resolve(
    env: Env,
    key_name: str,
    ref: str | None,
    dry_run: bool,
    commitment: str,
    date: str,
    written_off: str,
) -> None:
    """Close the commitment's open disputes (dispute.resolved).

    \b
    Example:
      ledger record resolve --commitment C-2024-031 --date 2024-09-15 \\
        --written-off 1000.00 --key czj-clerk
    """
    body = {"commitment": commitment, "date": date, "written_off": written_off, "ref": ref}
    _record(env, EventKind.DISPUTE_RESOLVED, body, key_name, dry_run)


@record.command("repudiation")
@_commitment_opt
@_date_opt("--date", "Date of the repudiation.")
@_reason_opts
@_common
def record_repudiation(
    env: Env,
    key_name: str,
    ref: str | None,
    dry_run: bool,
    commitment: str,
    date: str,
    reason: str,
    reason_code: str | None,
) -> None:
    """Record that the agency refuses to honour the commitment (commitment.repudiated).

    \b
    Example:
      ledger record repudiation --commitment P-2021-007 --date 2024-02-01 \\
        --reason 新班子不认可原招商协议 --reason-code official_change --key czj-clerk
    """
    body = {
        "commitment": commitment,
        "date": date,
        "reason": reason,
        "reason_code": reason_code,
        "ref": ref,
    }
    _record(env, EventKind.COMMITMENT_REPUDIATED, body, key_name, dry_run)


@record.command("settlement")
@_commitment_opt
@_date_opt("--date", "Date of the settlement.")
@click.option("--amount-waived", required=True, help="Part the enterprise waived (0.00 allowed).")
@click.option("--document", type=click.Path(dir_okay=False), help="Settlement agreement (hashed).")
@click.option("--document-sha256", help="SHA-256 of the settlement agreement.")
@_common
def record_settlement(
    env: Env,
    key_name: str,
    ref: str | None,
    dry_run: bool,
    commitment: str,
    date: str,
    amount_waived: str,
    document: str | None,
    document_sha256: str | None,
) -> None:
    """Record a settlement in which the enterprise waived a part (commitment.settled).

    \b
    Example:
      ledger record settlement --commitment C-2024-031 --date 2025-01-10 \\
        --amount-waived 2000.00 --document 和解协议.pdf --key czj-clerk
    """
    digest = _sha256_of(document, document_sha256)
    if digest is None:
        raise BadInput("--document FILE or --document-sha256 HEX is required")
    body = {
        "commitment": commitment,
        "date": date,
        "amount_waived": amount_waived,
        "document_sha256": digest,
        "ref": ref,
    }
    _record(env, EventKind.COMMITMENT_SETTLED, body, key_name, dry_run)


@record.command("void")
@_commitment_opt
@click.option("--reason", required=True, help="The recording error.")
@_common
def record_void(
    env: Env, key_name: str, ref: str | None, dry_run: bool, commitment: str, reason: str
) -> None:
    """Void a commitment recorded in error (commitment.voided); it stays listed.

    \b
    Example:
      ledger record void --commitment C-2024-099 --reason 重复录入 --key czj-clerk
    """
    body = {"commitment": commitment, "reason": reason, "ref": ref}
    _record(env, EventKind.COMMITMENT_VOIDED, body, key_name, dry_run)


@record.command("complaint")
@_commitment_opt
@_date_opt("--date", "Date the complaint was filed.")
@click.option("--summary", "summary_text", required=True, help="What the enterprise complains of.")
@_common
def record_complaint(
    env: Env,
    key_name: str,
    ref: str | None,
    dry_run: bool,
    commitment: str,
    date: str,
    summary_text: str,
) -> None:
    """Record an enterprise's complaint about a commitment (complaint.filed).

    \b
    Example:
      ledger record complaint --commitment C-2024-031 --date 2025-02-03 \\
        --summary 验收后逾期未付 --key czj-clerk
    """
    body = {"commitment": commitment, "date": date, "summary": summary_text, "ref": ref}
    _record(env, EventKind.COMPLAINT_FILED, body, key_name, dry_run, {"summary": "--summary"})


@record.command("amendment")
@_commitment_opt
@_date_opt("--date", "Date of the amendment.")
@click.option("--amount", help="New amount, yuan.")
@_terms_options
@click.option(
    "--add-condition",
    "conditions_added",
    multiple=True,
    help="Payment condition added (repeatable).",
)
@click.option(
    "--consent/--no-consent",
    "consent",
    default=None,
    help="Whether the enterprise consented (required).",
)
@_reason_opts
@_common
def record_amendment(
    env: Env,
    key_name: str,
    ref: str | None,
    dry_run: bool,
    commitment: str,
    date: str,
    amount: str | None,
    basis: str | None,
    days: int | None,
    due: str | None,
    acceptance_days: int | None,
    conditions: tuple[str, ...],
    interest_rate: str | None,
    conditions_added: tuple[str, ...],
    consent: bool | None,
    reason: str,
    reason_code: str | None,
) -> None:
    """Record a change of amount, terms, rate or conditions (commitment.amended).

    New terms (--basis with --days/--due/...) replace the old terms as a whole.
    Only an amendment with the enterprise's consent changes what is owed.

    \b
    Example:
      ledger record amendment --commitment C-2024-031 --date 2024-05-01 \\
        --amount 130000.00 --consent --reason 增加工程量 --key czj-clerk
    """
    if consent is None:
        raise BadInput("--consent or --no-consent is required (did the enterprise agree?)")
    changes = {
        "amount": amount,
        "terms": _drop_none(_terms(basis, days, due, acceptance_days, conditions)),
        "interest_rate": interest_rate,
        "conditions_added": list(conditions_added) or None,
    }
    body = {
        "commitment": commitment,
        "date": date,
        "changes": {k: v for k, v in changes.items() if v is not None},
        "enterprise_consent": consent,
        "reason": reason,
        "reason_code": reason_code,
        "ref": ref,
    }
    _record(
        env,
        EventKind.COMMITMENT_AMENDED,
        body,
        key_name,
        dry_run,
        {**_TERMS_OPTIONS, "enterprise_consent": "--consent"},
    )


# --------------------------------------------------------------------------
# registry


@record.command("agency")
@click.option("--id", "--agency", "agency", required=True, help="Agency id (yy-czj).")
@click.option("--name", required=True, help="Agency name (岳阳市财政局).")
@click.option("--category", type=_choice(AgencyCategory), required=True)
@click.option("--region", required=True, help="6-digit division code (430600).")
@click.option(
    "--established",
    metavar="YYYY-MM-DD",
    default=None,
    help="Day the agency was set up (成立日期; no disclosure is due for earlier years).",
)
@_common
def record_agency(
    env: Env,
    key_name: str,
    ref: str | None,
    dry_run: bool,
    agency: str,
    name: str,
    category: str,
    region: str,
    established: str | None,
) -> None:
    """Register an agency (agency.registered); needs a '*' key.

    \b
    Example:
      ledger record agency --id yy-czj --name 岳阳市财政局 --category organ \\
        --region 430600 --key registrar
    """
    body = {
        "agency": agency,
        "name": name,
        "category": category,
        "region": region,
        "established": established,
        "ref": ref,
    }
    _record(env, EventKind.AGENCY_REGISTERED, body, key_name, dry_run, {"agency": "--id"})


@record.command("succession")
@click.option("--predecessor", "predecessors", multiple=True, required=True, help="Repeatable.")
@click.option("--successor", required=True)
@click.option("--reason", type=_choice(SuccessionReason), required=True)
@_date_opt("--effective", "Effective date.")
@_common
def record_succession(
    env: Env,
    key_name: str,
    ref: str | None,
    dry_run: bool,
    predecessors: tuple[str, ...],
    successor: str,
    reason: str,
    effective: str,
) -> None:
    """Record that an agency takes over others' obligations (agency.succeeded).

    \b
    Example:
      ledger record succession --predecessor yy-jxw --predecessor yy-gxj \\
        --successor yy-gxjxj --reason restructuring --effective 2024-01-01 --key registrar
    """
    body = {
        "predecessors": list(predecessors),
        "successor": successor,
        "reason": reason,
        "effective": effective,
        "ref": ref,
    }
    _record(
        env,
        EventKind.AGENCY_SUCCEEDED,
        body,
        key_name,
        dry_run,
        {"predecessors": "--predecessor"},
    )


@record.command("official")
@click.option("--id", "--official", "official", required=True, help="Official id.")
@click.option("--name", required=True)
@click.option("--agency", required=True)
@click.option("--role", type=_choice(OfficialRole), required=True)
@_date_opt("--start", "First day in office.")
@_common
def record_official(
    env: Env,
    key_name: str,
    ref: str | None,
    dry_run: bool,
    official: str,
    name: str,
    agency: str,
    role: str,
    start: str,
) -> None:
    """Record an official's appointment (official.appointed).

    Appointing a principal ends the previous principal's tenure at that agency.

    \b
    Example:
      ledger record official --id zhang-san --name 张三 --agency yy-czj \\
        --role principal --start 2023-01-15 --key registrar
    """
    body = {
        "official": official,
        "name": name,
        "agency": agency,
        "role": role,
        "start": start,
        "ref": ref,
    }
    _record(env, EventKind.OFFICIAL_APPOINTED, body, key_name, dry_run, {"official": "--id"})


@record.command("departure")
@click.option("--official", required=True)
@click.option("--agency", required=True)
@_date_opt("--end", "Last day in office.")
@_common
def record_departure(
    env: Env,
    key_name: str,
    ref: str | None,
    dry_run: bool,
    official: str,
    agency: str,
    end: str,
) -> None:
    """Record that an official left office at an agency (official.departed).

    \b
    Example:
      ledger record departure --official zhang-san --agency yy-czj --end 2024-12-31 \\
        --key registrar
    """
    body = {"official": official, "agency": agency, "end": end, "ref": ref}
    _record(env, EventKind.OFFICIAL_DEPARTED, body, key_name, dry_run)


@record.command("term-change")
@click.option("--region", required=True, help="6-digit division code.")
@click.option("--term", required=True, help="Term label (第十届).")
@_date_opt("--effective", "Effective date.")
@_common
def record_term_change(
    env: Env,
    key_name: str,
    ref: str | None,
    dry_run: bool,
    region: str,
    term: str,
    effective: str,
) -> None:
    """Record a government term change, 政府换届 (government.term_changed).

    \b
    Example:
      ledger record term-change --region 430600 --term 2022-2027 \\
        --effective 2022-01-20 --key registrar
    """
    body = {"region": region, "term": term, "effective": effective, "ref": ref}
    _record(env, EventKind.GOVERNMENT_TERM_CHANGED, body, key_name, dry_run)


@record.command("enterprise")
@click.option("--uscc", required=True, help="统一社会信用代码, 18 characters.")
@click.option("--name", required=True)
@click.option("--size", type=_choice(EnterpriseSize), required=True)
@click.option("--ownership", type=_choice(Ownership), required=True)
@_common
def record_enterprise(
    env: Env,
    key_name: str,
    ref: str | None,
    dry_run: bool,
    uscc: str,
    name: str,
    size: str,
    ownership: str,
) -> None:
    """Register an enterprise (enterprise.registered); needs a '*' key.

    \b
    Example:
      ledger record enterprise --uscc 91430600MA4L00003J --name 岳阳某建设有限公司 \\
        --size small --ownership private --key registrar
    """
    body = {"uscc": uscc, "name": name, "size": size, "ownership": ownership, "ref": ref}
    _record(env, EventKind.ENTERPRISE_REGISTERED, body, key_name, dry_run)


@record.command("enterprise-update")
@click.option("--uscc", required=True)
@_date_opt("--effective", "From when the change holds.")
@click.option("--size", type=_choice(EnterpriseSize))
@click.option("--name")
@_common
def record_enterprise_update(
    env: Env,
    key_name: str,
    ref: str | None,
    dry_run: bool,
    uscc: str,
    effective: str,
    size: str | None,
    name: str | None,
) -> None:
    """Record a change of an enterprise's size or name (enterprise.updated).

    \b
    Example:
      ledger record enterprise-update --uscc 91430600MA4L00003J \\
        --effective 2025-01-01 --size medium --key registrar
    """
    body = {"uscc": uscc, "effective": effective, "size": size, "name": name, "ref": ref}
    _record(env, EventKind.ENTERPRISE_UPDATED, body, key_name, dry_run, {"": "--size/--name"})


def register(group: click.Group) -> None:
    """Add ``ledger record`` to the root group."""
    group.add_command(record)
