"""Options shared by several commands, declared once (CLI.md: names are a contract).

- ``-o/--output FILE`` on every command that writes a file (``--out``, documented
  first, stays a hidden alias);
- the audit filters ``--agency``, ``--region``, ``--enterprise`` with one meaning
  everywhere (CLI.md), checked against the log by :mod:`ledger.audit.filtering`;
- the LPR table options and ``--jobs`` of the audits (``audit_options``), ``--as-of`` and
  ``--year``, and the one builder of an audit's request from them (``audit_request``);
- ``-q/--quiet``, ``--dry-run``, the signing ``--key`` and the two kinds of ``--vkey``
  (pinning this database's log; the trusted key of an offline check);
- the parameter types for dates, instants, division codes and USCCs.

Commands add them as decorators so that audits and reports cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:  # the audits load with the commands that run one (test_lazy_commands)
    from ledger.audit import AuditKind, AuditRequest
from ledger.clock import parse_instant
from ledger.errors import FieldError
from ledger.uscc import validate_uscc

__all__ = [
    "DATE",
    "INSTANT",
    "REGION",
    "USCC",
    "as_of_option",
    "audit_jobs_option",
    "audit_options",
    "audit_request",
    "dry_run_option",
    "filter_options",
    "input_path",
    "log_vkey_option",
    "lpr_options",
    "output_option",
    "pin_vkey_option",
    "quiet_option",
    "read_input",
    "read_text_input",
    "recorder_key_option",
    "year_option",
    "zh_choice",
]

F = TypeVar("F", bound=Callable[..., Any])


class _DateType(click.ParamType):  # type: ignore[type-arg]  # generic only in click >= 8.2
    """A calendar date YYYY-MM-DD."""

    name = "YYYY-MM-DD"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date:
        if isinstance(value, dt.date):
            return value
        text = str(value)
        try:
            if len(text) != 10:
                raise ValueError(text)
            return dt.date.fromisoformat(text)
        except ValueError:
            self.fail(
                f"{text!r} 不是日期 YYYY-MM-DD（{text!r} is not a date YYYY-MM-DD）", param, ctx
            )


class _InstantType(click.ParamType):  # type: ignore[type-arg]
    """An RFC 3339 UTC instant ending in Z."""

    name = "INSTANT"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.datetime:
        if isinstance(value, dt.datetime):
            return value
        try:
            return parse_instant(str(value), "--generated-at")
        except FieldError as exc:
            self.fail(f"{exc.reason} (for example 2026-03-31T09:00:00Z)", param, ctx)


class _RegionType(click.ParamType):  # type: ignore[type-arg]
    """A 6-digit administrative division code."""

    name = "CODE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value)
        if len(text) != 6 or not text.isascii() or not text.isdigit() or text[0] == "0":
            self.fail(
                f"{text!r} 不是6位行政区划代码，例如 430600"
                f"（{text!r} is not a 6-digit division code like 430600）",
                param,
                ctx,
            )
        return text


class _UsccType(click.ParamType):  # type: ignore[type-arg]
    """An enterprise's USCC, both check characters valid."""

    name = "USCC"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            return validate_uscc(str(value), "--enterprise")
        except FieldError as exc:
            self.fail(exc.reason, param, ctx)


DATE = _DateType()
INSTANT = _InstantType()
REGION = _RegionType()
USCC = _UsccType()


def _apply(f: F, decorators: list[Callable[[F], F]]) -> F:
    for deco in reversed(decorators):
        f = deco(f)
    return f


class _HiddenAliases(click.Option):
    """An option whose older spellings still parse but are left out of ``--help``."""

    def __init__(self, *args: Any, hidden_aliases: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hidden_aliases = frozenset(hidden_aliases)

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        shown = self.opts
        self.opts = [o for o in shown if o not in self.hidden_aliases]
        try:
            return super().get_help_record(ctx)
        finally:
            self.opts = shown


def output_option(
    *,
    required: bool = False,
    dir_okay: bool = False,
    help: str = "Write to FILE instead of standard output.",
) -> Callable[[F], F]:
    """``-o/--output FILE``, passed to the command as ``out`` (CLI.md).

    ``--out``, the spelling CLI.md documented first, still works as a hidden alias.
    ``dir_okay``: the value may be a folder (``receipt --commitment``).
    """
    return click.option(
        "-o",
        "--output",
        "--out",
        "out",
        cls=_HiddenAliases,
        hidden_aliases=("--out",),
        type=click.Path(dir_okay=dir_okay),
        required=required,
        default=None,
        help=help,
    )


def filter_options(f: F) -> F:
    """``--agency``, ``--region``, ``--enterprise``: the same meaning in every command."""
    return _apply(
        f,
        [
            click.option(
                "--agency",
                metavar="ID",
                help="Only commitments this agency held on the audit date or signed "
                "(disclosure: its row); an unknown id is refused.",
            ),
            click.option(
                "--region",
                type=REGION,
                help="Only agencies whose region is CODE or, for a city code ending in 00, "
                "a county within it (430600 takes in 430602).",
            ),
            click.option("--enterprise", type=USCC, help="Only this enterprise's commitments."),
        ],
    )


def lpr_options(f: F) -> F:
    """``--lpr FILE``, ``--lpr-replace`` and ``--calendar FILE``: the data tables an audit uses
    (the one-year LPR, the holiday arrangement)."""
    return _apply(
        f,
        [
            click.option(
                "--lpr",
                "lpr_file",
                type=click.Path(dir_okay=False),
                envvar="LEDGER_LPR",
                help="A one-year LPR CSV (effective,rate_percent) extending the packaged table "
                "(its rows win on the same date) [env LEDGER_LPR].",
            ),
            click.option(
                "--lpr-replace",
                is_flag=True,
                help="Use the --lpr file instead of the packaged table, not on top of it.",
            ),
            click.option(
                "--calendar",
                "calendar_file",
                type=click.Path(dir_okay=False),
                envvar="LEDGER_CALENDAR",
                help="节假日文件（date,type：rest 休 / work 班），补充内置的国务院节假日安排"
                "（chinese-calendar）的年份或日期 / A holiday CSV (date,type: rest|work) adding "
                "years or days to the packaged arrangement [env LEDGER_CALENDAR].",
            ),
        ],
    )


def audit_options(f: F) -> F:
    """The audit filters, the LPR and calendar files and ``--jobs``: what every command that
    runs an audit (``ledger audit``, ``ledger report``) takes, in one order."""
    return filter_options(lpr_options(audit_jobs_option(f)))


def audit_request(kind: AuditKind, opts: Mapping[str, Any], **kw: Any) -> AuditRequest:
    """The :class:`~ledger.audit.AuditRequest` of an audit command's options (``opts``:
    ``as_of`` and those of :func:`audit_options`); ``kw``: ``year``, ``include_all``."""
    from ledger.audit import AuditFilter, AuditRequest

    return AuditRequest(
        kind,
        as_of=opts["as_of"],
        filters=AuditFilter(
            agency=opts["agency"], region=opts["region"], enterprise=opts["enterprise"]
        ),
        lpr_file=opts["lpr_file"],
        lpr_replace=opts["lpr_replace"],
        calendar_file=opts["calendar_file"],
        jobs=opts["jobs"],
        **kw,
    )


def as_of_option(*, required: bool, help: str) -> Callable[[F], F]:
    """``--as-of YYYY-MM-DD``, passed as ``as_of``: the date an audit or a report is made as of."""
    return click.option("--as-of", "as_of", type=DATE, required=required, default=None, help=help)


def year_option(help: str) -> Callable[[F], F]:
    """``--year Y`` of the disclosure (audit and report)."""
    return click.option("--year", type=click.IntRange(1949, 9998), default=None, help=help)


def recorder_key_option(*, required: bool) -> Callable[[F], F]:
    """``--key NAME`` (passed as ``key_name``) of every command that signs statements."""
    return click.option(
        "--key",
        "key_name",
        required=required,
        default=None,
        help="Name of the recorder key that signs (in your keystore).",
    )


pin_vkey_option = click.option(
    "--vkey",
    default=None,
    help="Pin the log's verifier key (text or a file): a log re-created under another key fails.",
)
"""``--vkey`` of the commands that verify this database's log (``verify``, ``report integrity``)."""

log_vkey_option = click.option(
    "--vkey",
    required=True,
    help="The log's verifier key (or a file holding it), from a source you trust.",
)
"""``--vkey`` of the offline checks (``verify-bundle``, ``verify-receipt``): no database to ask."""


quiet_option = click.option("-q", "--quiet", "quiet", is_flag=True, help="No progress bar.")
"""A command's own ``-q/--quiet`` (the root ``-q`` silences its notes too): see ``Env.progress``."""

dry_run_option = click.option("--dry-run", is_flag=True, help="Check everything, write nothing.")
"""``--dry-run`` of every command that appends: every check, nothing written."""


audit_jobs_option = click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Processes auditing slices of the commitments (same result, faster on big logs).",
)
"""``--jobs N`` of every command that runs an audit (``ledger audit``, ``ledger report``)."""


def read_input(path: str, what: str = "file") -> bytes:
    """The bytes of ``path``, or of standard input for ``-``; exit 2 naming the file if unreadable."""
    from ledger.errors import BadInput

    if path == "-":
        return sys.stdin.buffer.read()
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise BadInput(f"{path}：无法读取{what}（cannot read the {what}: {exc.strerror}）") from exc


def input_path(*, exists: bool = True) -> click.Path:
    """A file argument that also accepts ``-`` for standard input."""
    return click.Path(dir_okay=False, exists=exists, allow_dash=True)


def read_text_input(path: str, what: str = "file") -> str:
    """:func:`read_input` decoded as UTF-8; exit 2 naming the file when it is not."""
    from ledger.errors import BadInput

    raw = read_input(path, what)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(
            f"{path}：{what}不是 UTF-8 文本（the {what} is not UTF-8 text: byte {exc.start}）"
        ) from exc


class ZhChoice(click.Choice):  # type: ignore[type-arg]
    """A choice of enumeration values that also takes the Chinese terms a 台账 uses.

    ``--category 机关`` is ``organ``, ``--method 转账`` is ``transfer``: the labels
    declared with the enumerations (:data:`ledger.domain.events.ENUM_LABELS`, the
    template's drop-downs) and the sheet's synonyms (:data:`ledger.columns.COLUMNS`).
    """

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and value not in self.choices:
            hits = {v for v in _zh_terms().get(value.strip(), ()) if v in self.choices}
            if len(hits) == 1:
                value = hits.pop()
        if value in self.choices:
            return super().convert(value, param, ctx)
        allowed = self.get_metavar(param).strip("[]").replace("|", ", ") if param else ""
        self.fail(f"{value!r} 不是可选值之一（is not one of）: {allowed}", param, ctx)

    def get_metavar(self, param: click.Parameter, *args: Any, **kwargs: Any) -> str:
        zh: dict[str, str] = {}
        for term, values in _zh_terms().items():  # the first term is the drop-down's own
            for v in values:
                if v in self.choices:
                    zh.setdefault(v, term)
        return "[" + "|".join(f"{c}/{zh[c]}" if c in zh else str(c) for c in self.choices) + "]"


def zh_choice(values: Iterable[Any]) -> ZhChoice:
    """A :class:`ZhChoice` of an enum's values (or any strings)."""
    return ZhChoice([str(getattr(v, "value", v)) for v in values])


_ZH: dict[str, set[str]] = {}


def _zh_terms() -> dict[str, set[str]]:
    if not _ZH:
        from ledger.columns import COLUMNS
        from ledger.domain.events import ENUM_LABELS

        for labels in ENUM_LABELS.values():
            for value, zh in labels.items():
                _ZH.setdefault(zh, set()).add(value)
        for column in COLUMNS:
            for alias, value in column.synonyms:
                _ZH.setdefault(alias, set()).add(value)
    return _ZH
