"""``ledger record KIND``: one event from command-line options.

The subcommands are made from the event declarations of :mod:`ledger.domain.events`
(one per kind that declares a ``command``): one option per declared field,
named after it (a list field takes a repeatable singular option, a nested
object's fields are options of their own, a bool is a ``--x/--no-x`` flag),
its help the field's Chinese label.  What the declarations do not say (a few
aliases, defaults and examples) is in the tables below; a kind with no entry
still gets a working command with a generated example.

Each subcommand builds one ``{"kind", "body"}`` statement, checks it with the
same syntactic rules as ``ledger append`` (errors name the option at fault)
and goes through the same sign-and-append path (:func:`sign_drafts`,
:func:`append_signed`, shared with ``ledger import``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from ledger_cli.context import Env, pass_env
from ledger_cli.i18n import _
from ledger_cli.options import dry_run_option, recorder_key_option, zh_choice

from ledger.domain.events import (
    BOOL,
    DATE,
    DAYS,
    EVENT_CLASSES,
    SHA256,
    EventKind,
    FieldSpec,
    field_label,
    parse_body,
)
from ledger.errors import BadInput, FieldError, InputErrors
from ledger.log import AppendResult, Draft, Signed, sign_statements

_SIGN_CHUNK = 8192  # statements signed at a time (sign_all slices a chunk across threads)

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
    span = (
        f" (seq {result.first_seq}..{result.first_seq + result.appended - 1})"
        if result.appended
        else ""
    )
    text = (
        _("would append {n} entries{span}; skipped {skipped} duplicates; tree size {size}")
        if result.dry_run
        else _("appended {n} entries{span}; skipped {skipped} duplicates; tree size {size}")
    )
    return text.format(n=result.appended, span=span, skipped=len(result.skipped), size=result.size)


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
        click.echo(
            _("skipped: {kind} repeats seq {seq}; nothing written").format(
                kind=kind, seq=s.duplicate_of_seq
            ),
            err=True,
        )
    elif dry_run:
        click.echo(
            _("would record {kind} at seq {seq} (dry run; nothing written)").format(
                kind=kind, seq=result.first_seq
            )
        )
    else:
        click.echo(_("recorded {kind} at seq {seq}").format(kind=kind, seq=result.first_seq))


def _sha256_of(document: str | None, digest: str | None) -> str | None:
    if document is not None and digest is not None:
        raise BadInput("give --document FILE or --document-sha256 HEX, not both")
    if document is None:
        return digest
    try:
        return hashlib.sha256(Path(document).read_bytes()).hexdigest()
    except OSError as exc:
        raise BadInput(f"--document: cannot read {document}: {exc.strerror}") from None


# --------------------------------------------------------------------------
# what the declarations do not say: aliases, defaults, English hints, examples

_ALIASES: dict[tuple[EventKind, str], tuple[str, ...]] = {
    (EventKind.COMMITMENT_RECORDED, "commitment"): ("--id", "--commitment"),
    (EventKind.AGENCY_REGISTERED, "agency"): ("--id", "--agency"),
    (EventKind.OFFICIAL_APPOINTED, "official"): ("--id", "--official"),
}
"""Options that also answer to ``--id``."""

_LIST_OPTION = {
    "predecessors": "--predecessor",
    "conditions": "--condition",
    "conditions_added": "--add-condition",
    "commitments": "--commitment",
}
"""Repeatable options of list fields (one item each)."""

_FLAG = {"enterprise_consent": ("consent", "did the enterprise agree?")}
"""Bool fields: the flag's name and the question its absence leaves open."""

_DEFAULTS: dict[tuple[EventKind, str], str] = {
    (EventKind.PAYMENT_MADE, "method"): "transfer",
    (EventKind.DISPUTE_RESOLVED, "written_off"): "0.00",
}

_HINTS = {
    "amount": "yuan, two places (125000.00)",
    "written_off": "yuan, 0.00 allowed",
    "amount_waived": "yuan, 0.00 allowed",
    "interest_rate": "annual percent (3.45)",
    "region": "6-digit division code (430600)",
    "uscc": "18 characters",
    "enterprise": "USCC, 18 characters",
    "maturity": "bill or voucher only",
    "conditions": "repeatable",
    "conditions_added": "repeatable",
    "predecessors": "repeatable",
    "commitments": "repeatable: a split that allocates only these",
}

_EXAMPLES: dict[str, str] = {
    "commitment": (
        "ledger record commitment --id C-2024-031 --type contract --agency yy-czj \\\n"
        "    --enterprise 91430600MA4L00003J --title 办公楼维修工程 --amount 125000.00 \\\n"
        "    --signed-on 2024-03-01 --basis acceptance --days 30 --acceptance-days 15 \\\n"
        "    --key czj-clerk"
    ),
    "delivery": "ledger record delivery --commitment C-2024-031 --date 2024-06-30 --key czj-clerk",
    "acceptance": (
        "ledger record acceptance --commitment C-2024-031 --date 2024-07-10 --key czj-clerk"
    ),
    "payment": (
        "ledger record payment --commitment C-2024-031 --amount 40000.00 \\\n"
        "    --date 2024-11-20 --reference 银行回单-0042 --key czj-clerk\n"
        "ledger record payment --commitment C-2024-031 --amount 85000.00 \\\n"
        "    --date 2024-12-01 --reference 汇票-77 --method bill --maturity 2025-06-01 \\\n"
        "    --key czj-clerk"
    ),
    "confirmation": (
        "ledger record confirmation --commitment GC-2026-01 --date 2026-05-20 \\\n"
        "    --amount 300000.00 --key czj-clerk"
    ),
    "reversal": (
        "ledger record reversal --commitment C-2024-031 --reference 银行回单-0042 \\\n"
        "    --date 2024-11-25 --reason 退票 --key czj-clerk"
    ),
    "interest": (
        "ledger record interest --commitment C-2024-031 --amount 1250.00 \\\n"
        "    --date 2025-02-01 --reference 利息回单-7 --key czj-clerk"
    ),
    "dispute": (
        "ledger record dispute --commitment C-2024-031 --amount 5000.00 \\\n"
        "    --date 2024-08-01 --reason 部分工程量有争议 --reason-code quality --key czj-clerk"
    ),
    "resolve": (
        "ledger record resolve --commitment C-2024-031 --date 2024-09-15 \\\n"
        "    --written-off 1000.00 --key czj-clerk"
    ),
    "repudiation": (
        "ledger record repudiation --commitment C-2024-031 --date 2025-01-10 \\\n"
        "    --reason 新领导不认可 --reason-code official_change --key czj-clerk"
    ),
    "settlement": (
        "ledger record settlement --commitment C-2024-031 --date 2025-03-01 \\\n"
        "    --amount-waived 2000.00 --document 和解协议.pdf --key czj-clerk"
    ),
    "void": "ledger record void --commitment C-2024-031 --reason 重复录入 --key czj-clerk",
    "complaint": (
        "ledger record complaint --commitment C-2024-031 --date 2025-02-03 \\\n"
        "    --summary 验收后逾期未付 --key czj-clerk"
    ),
    "amendment": (
        "ledger record amendment --commitment C-2024-031 --date 2024-05-01 \\\n"
        "    --amount 130000.00 --consent --reason 增加工程量 --key czj-clerk"
    ),
    "agency": (
        "ledger record agency --id yy-czj --name 岳阳市财政局 --category organ \\\n"
        "    --region 430600 --key registrar"
    ),
    "succession": (
        "ledger record succession --predecessor yy-jxw --predecessor yy-gxj \\\n"
        "    --successor yy-gxjxj --reason restructuring --effective 2024-01-01 --key registrar"
    ),
    "official": (
        "ledger record official --id zhang-san --name 张三 --agency yy-czj \\\n"
        "    --role principal --start 2023-01-15 --key registrar"
    ),
    "departure": (
        "ledger record departure --official zhang-san --agency yy-czj --end 2024-12-31 \\\n"
        "    --key registrar"
    ),
    "term-change": (
        "ledger record term-change --region 430600 --term 2022-2027 \\\n"
        "    --effective 2022-01-20 --key registrar"
    ),
    "enterprise": (
        "ledger record enterprise --uscc 91430600MA4L00003J --name 岳阳某建设有限公司 \\\n"
        "    --size small --ownership private --key registrar"
    ),
    "enterprise-update": (
        "ledger record enterprise-update --uscc 91430600MA4L00003J \\\n"
        "    --effective 2025-01-01 --size medium --key registrar"
    ),
}

_SAMPLES = {"date": "2024-01-31", "days": "30", "money": "1000.00", "bool": ""}


def _example(command: str, specs: tuple[FieldSpec, ...]) -> str:
    """A command line from the declaration, for a kind with no written example."""
    parts = [f"ledger record {command}"]
    for s in specs:
        if s.required and s.type.record is None:
            value = s.type.choices[0] if s.type.choices else _SAMPLES.get(s.type.name, "ID")
            parts.append(f"--{s.name.replace('_', '-')} {value}".rstrip())
    return " ".join([*parts, "--key KEY"])


# --------------------------------------------------------------------------
# options from the declarations


@dataclass(frozen=True, slots=True)
class RecordOption:
    """One option made from a declared field: where its value goes in the body."""

    param: str  # click parameter name
    path: tuple[str, ...]  # body path
    spec: FieldSpec
    name: str  # the option as the user writes it (--basis)


def _option_name(kind: EventKind, spec: FieldSpec) -> str:
    if spec.type.item is not None and spec.name in _LIST_OPTION:
        return _LIST_OPTION[spec.name]
    if spec.type is BOOL and spec.name in _FLAG:
        return "--" + _FLAG[spec.name][0]
    aliases = _ALIASES.get((kind, spec.name))
    return aliases[0] if aliases else "--" + spec.name.replace("_", "-")


def _click_option(kind: EventKind, opt: RecordOption, required: bool) -> Callable[[Any], Any]:
    spec = opt.spec
    hint = _HINTS.get(spec.name)
    help_text = f"{spec.label}" + (f" ({hint})" if hint else "")
    if spec.type is BOOL:
        flag = _FLAG.get(spec.name, (spec.name.replace("_", "-"), ""))[0]
        return click.option(f"--{flag}/--no-{flag}", opt.param, default=None, help=help_text)
    names = list(_ALIASES.get((kind, spec.name), ()))
    if not names:
        names = [opt.name]
    kw: dict[str, Any] = {"help": help_text}
    if spec.type.item is not None:
        kw["multiple"] = True
        kw["required"] = required
        if spec.type.item.choices:
            kw["type"] = zh_choice(spec.type.item.choices)
    else:
        default = _DEFAULTS.get((kind, spec.name))
        kw["required"] = required and default is None
        if default is not None:
            kw["default"], kw["show_default"] = default, True
        if spec.type.choices:
            kw["type"] = zh_choice(spec.type.choices)  # the 台账's Chinese terms too
        elif spec.type is DAYS:
            kw["type"] = click.IntRange(0)
        elif spec.type is DATE:
            kw["metavar"] = "YYYY-MM-DD"
    return click.option(*names, opt.param, **kw)


def _flatten(
    kind: EventKind, specs: tuple[FieldSpec, ...], path: tuple[str, ...], out: list[RecordOption]
) -> None:
    for spec in specs:
        if spec.type.record is not None:
            _flatten(kind, spec.type.record.specs(), (*path, spec.name), out)
            continue
        param = "_".join((*path, spec.name)) if spec.name in {s.param for s in out} else spec.name
        out.append(RecordOption(param, (*path, spec.name), spec, _option_name(kind, spec)))


def _nested(
    specs: tuple[FieldSpec, ...],
    opts: list[RecordOption],
    values: dict[str, Any],
    path: tuple[str, ...],
) -> dict[str, Any] | None:
    """The body (or nested object) at ``path`` from the option values; None if none was given."""
    out: dict[str, Any] = {}
    for spec in specs:
        here = (*path, spec.name)
        if spec.type.record is not None:
            inner = _nested(spec.type.record.specs(), opts, values, here)
            if inner is not None:
                first = next(o for o in opts if o.path[: len(here)] == here)
                lead = spec.type.record.specs()[0]
                if lead.required and lead.name not in inner:
                    others = [o.name for o in opts if o.path[: len(here)] == here][1:]
                    raise BadInput(f"{first.name}: is required with {', '.join(others)}")
                out[spec.name] = inner
            elif spec.required and path:
                continue
            elif spec.required:
                lead_opt = next(o for o in opts if o.path[: len(here)] == here)
                allowed = spec.type.record.specs()[0].type.choices
                choices = f" ({', '.join(allowed[:-1])} or {allowed[-1]})" if allowed else ""
                raise BadInput(f"{lead_opt.name}: is required{choices}")
            continue
        opt = next(o for o in opts if o.path == here)
        value = values.get(opt.param)
        if value is None or value == ():
            continue
        out[spec.name] = list(value) if isinstance(value, tuple) else value
    return out or None


def _paths(
    specs: tuple[FieldSpec, ...], opts: list[RecordOption], path: tuple[str, ...]
) -> dict[str, str]:
    """Body paths -> the options that set them (a nested object: its representative options)."""
    names: dict[str, str] = {}
    for spec in specs:
        here = (*path, spec.name)
        if spec.type.record is not None:
            inner = _paths(spec.type.record.specs(), opts, here)
            names.update(inner)
            rep = names[".".join(here)]
        else:
            rep = next(o.name for o in opts if o.path == here)
            names[".".join(here)] = rep
    required = [names[".".join((*path, s.name))] for s in specs if s.required]
    optional = [names[".".join((*path, s.name))] for s in specs if s.name != "ref"]
    names[".".join(path)] = required[0] if required else "/".join(optional)
    return names


def options_for(kind: EventKind) -> list[RecordOption]:
    """The options ``ledger record`` makes for a kind's declared fields (``ref`` apart)."""
    opts: list[RecordOption] = []
    _flatten(kind, tuple(s for s in EVENT_CLASSES[kind].specs() if s.name != "ref"), (), opts)
    return opts


def _make_command(kind: EventKind) -> click.Command | None:
    cls = EVENT_CLASSES[kind]
    if cls.command is None:
        return None
    command = cls.command
    specs = tuple(s for s in cls.specs() if s.name != "ref")
    opts = options_for(kind)
    paths = _paths(specs, opts, ())
    sha = [o for o in opts if o.spec.type is SHA256 and o.spec.name == "document_sha256"]
    paragraphs = [
        " ".join(line.strip() for line in block.splitlines())
        for block in (cls.__doc__ or "").replace("``", "").strip().split("\n\n")
    ]
    head = paragraphs[0].rstrip(".") if paragraphs and paragraphs[0] else str(kind)
    summary_line = f"{cls.label}：{head} ({kind})."
    more = "\n\n".join(p for p in paragraphs[1:] if p)
    example = _EXAMPLES.get(command) or _example(command, specs)
    help_text = summary_line + (f"\n\n{more}" if more else "")
    help_text += "\n\n\b\nExample:\n  " + example.replace("\n", "\n  ")

    def callback(env: Env, key_name: str, ref: str | None, dry_run: bool, **values: Any) -> None:
        for o in opts:
            if o.spec.type is BOOL and o.spec.required and values.get(o.param) is None:
                flag, question = _FLAG.get(o.spec.name, (o.spec.name.replace("_", "-"), ""))
                why = f" ({question})" if question else ""
                raise BadInput(f"--{flag} or --no-{flag} is required{why}")
        if sha:
            values[sha[0].param] = _sha256_of(values.pop("document"), values[sha[0].param])
        body = _nested(specs, opts, values, ()) or {}
        body["ref"] = ref
        _record(env, kind, body, key_name, dry_run, paths)

    cmd = click.Command(command, callback=pass_env(callback), help=help_text)
    params: list[Callable[[Any], Any]] = []
    for o in opts:
        # a hash may come from --document instead: the parser then names what is missing
        required = o.spec.required and len(o.path) == 1 and o not in sha
        params.append(_click_option(kind, o, required))
        if o in sha:
            params.append(
                click.option(
                    "--document",
                    type=click.Path(dir_okay=False),
                    help="文件（计算其 SHA-256）: the signed paper, hashed",
                )
            )
    params.append(
        click.option(
            "--ref",
            default=None,
            help=f"{field_label(EVENT_CLASSES[kind], 'ref')}: tells two genuine repeats apart.",
        )
    )
    params.append(recorder_key_option(required=True))
    params.append(dry_run_option)
    for p in params:  # on a Command, each decorator appends its option
        cmd = p(cmd)
    return cmd


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


for _kind in EVENT_CLASSES:
    _cmd = _make_command(_kind)
    if _cmd is not None:
        record.add_command(_cmd)


def register(group: click.Group) -> None:
    """Add ``ledger record`` to the root group."""
    group.add_command(record)
