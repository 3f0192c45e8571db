"""Commitments ledger sheet (台账) import: headers, cells, rows → statements.

Pure: the caller (``cli/sheets.py``) reads the xlsx or CSV file into plain
rows of cell values and passes a *locator* that names a cell
(``台账.xlsx:Sheet1!F17``, ``file.csv:17``); this module never opens a file,
never touches the database and never imports openpyxl (STYLE §1).

Columns (Chinese or English header; both may be mixed in one sheet; full-width
and half-width parentheses, surrounding and inner whitespace and the case of
English keys do not matter):

============================  =================  ======================================
Chinese header (aliases)      English key        cell
============================  =================  ======================================
合同编号 (承诺编号)            commitment         id (text; an integer cell is read as text)
单位 (单位编号)                agency             agency id (``--agency`` fills blanks)
企业名称                       enterprise_name    text; registers a new enterprise
统一社会信用代码               uscc               18 characters, as text
企业规模                       size               micro|small|medium|large, 微型|小型|中型|大型
企业性质 (所有制)              ownership          private|state|foreign|other, 民营|国有|外资|其他
类型 (承诺类型)                type               contract|payable|policy, 合同|应付账款|政策承诺
标题 (项目名称)                title              text
金额 (合同金额)                amount             money (see below), positive
签订日期                       signed_on          date
经办官员                       official           official id
付款依据                       basis              delivery|acceptance|settlement|date,
                                                  交付|验收|结算|约定日期
付款期限（天）                 days               whole days after delivery or acceptance
验收期限（天）                 acceptance_days    agreed days for acceptance after delivery
约定付款日期                   due                date (basis date)
付款条件                       conditions         conditions, separated by ; ； or new lines
约定利率 (约定利率（%）)       interest_rate      annual percent, ``3.45`` or ``3.45%``
政策文号                       policy_ref         text id
文件哈希 (合同文件哈希)        document_sha256    64 lower-case hex digits
交付日期                       delivered_on       date → commitment.delivered
验收日期                       accepted_on        date → commitment.accepted
已付金额                       paid               money; above zero → payment.made
付款日期                       paid_on            date, required with 已付金额
付款方式                       method             transfer|cash|bill|voucher,
                                                  转账|现金|商业汇票|电子凭证 (blank: transfer)
票据到期日                     maturity           date, required for bill and voucher
付款凭证号                     reference          text id, required with 已付金额
结算确认金额 (确认结算金额)    confirmed          money → settlement.confirmed (basis settlement)
结算确认日期                   confirmed_on       date, required with 结算确认金额
冲正付款凭证号 (冲正凭证号)    reversed_reference 付款凭证号 of the payment reversed → payment.reversed
冲正日期                       reversed_on        date, required with 冲正付款凭证号
冲正原因                       reversal_reason    text, required with 冲正付款凭证号
已付利息                       interest_paid      money → interest.paid
利息支付日期                   interest_paid_on   date, required with 已付利息
利息凭证号                     interest_reference text id, required with 已付利息
序号                           no                 ignored
备注                           note               ignored
============================  =================  ======================================

Unknown and repeated headers are refused, naming the header cell.

Cells.  Money: a numeric cell must hold an exact two-place amount (Excel's
float ``1234.5`` is 1234.50; ``0.30000000000000004`` is refused); text takes
0 to 2 decimal places, thousands separators only in their proper places
(``125,000.00``) and full-width digits, and is normalised to two places.
Dates: a date cell, or text ``YYYY-MM-DD``, ``YYYY/M/D``, ``YYYY.M.D`` or
``YYYY年M月D日``; impossible dates are refused.  Text cells are trimmed;
USCCs are otherwise taken exactly as given.

Rows.  A row that defines a commitment (any of 类型, 标题, 金额, 签订日期,
付款依据, 统一社会信用代码 filled) yields ``commitment.recorded``; its
合同编号 may repeat on later rows only with the same definition, and a row
with 合同编号 but no definition adds events to a commitment defined earlier in
the sheet or already in the ledger.  Each row then yields
``commitment.delivered`` (交付日期), ``commitment.accepted`` (验收日期),
``settlement.confirmed`` (结算确认金额 with 结算确认日期: one confirmed
progress or periodic settlement), ``payment.made`` (已付金额 above zero: one
payment, identified by its 付款凭证号; several payments are several rows),
``payment.reversed`` (冲正付款凭证号: the payment under that reference was
recorded in error or bounced; 冲正日期 and 冲正原因 required) and
``interest.paid`` (已付利息 with 利息支付日期 and 利息凭证号).

Enterprises.  A finance bureau's 台账 lists its suppliers by name and USCC and
nobody registers them one by one first, so an enterprise whose USCC is not yet
in the ledger is registered from the sheet (``enterprise.registered`` from
企业名称, 企业规模 and 企业性质, all then required) — a registry event, so
its signer needs the ``*`` scope.  An enterprise already in the ledger is
never re-registered: the ledger's record (and its size history) wins, and a
sheet that disagrees gets a warning.  Agencies are never registered by an
import: 单位 must name a registered agency id.

Statement order: the registrations first, then per row: recorded, delivered,
accepted, settlement, payment, reversal, interest.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ledger.columns import (
    COLUMNS,
    Cell,
    CellProblem,
    Column,
    ColumnType,
    Locator,
    cell_message,
    convert,
    convert_cell,
    is_blank,
    is_header_row,
    map_headers,
    normalise_header,
    show,
)
from ledger.domain.events import EventKind, PaymentMethod, parse_body
from ledger.domain.registry import EnterpriseNames
from ledger.errors import BadInput, FieldError, InputErrors, both
from ledger.log import Draft
from ledger.money import format_fen

__all__ = [
    "COLUMNS",
    "Cell",
    "Column",
    "ColumnType",
    "ImportPlan",
    "KnownEnterprise",
    "Locator",
    "SheetImporter",
    "StatementOrigin",
    "convert_cell",
    "is_header_row",
    "known_enterprises",
    "map_headers",
    "normalise_header",
]

_BY_KEY = {c.key: c for c in COLUMNS}
_DEFINING = ("type", "title", "amount", "signed_on", "basis", "uscc")
_REQUIRED = ("type", "agency", "uscc", "title", "amount", "signed_on", "basis")
_PAYMENT_EXTRAS = ("paid_on", "method", "maturity", "reference")
_REGISTRATION = ("enterprise_name", "size", "ownership")

# Where a body field came from, per kind (longest dotted prefix wins).
_FIELD_COLUMNS: dict[str, dict[str, str]] = {
    EventKind.ENTERPRISE_REGISTERED: {
        "uscc": "uscc",
        "name": "enterprise_name",
        "size": "size",
        "ownership": "ownership",
    },
    EventKind.COMMITMENT_RECORDED: {
        "commitment": "commitment",
        "type": "type",
        "agency": "agency",
        "enterprise": "uscc",
        "title": "title",
        "amount": "amount",
        "signed_on": "signed_on",
        "official": "official",
        "terms": "basis",
        "terms.basis": "basis",
        "terms.days": "days",
        "terms.due": "due",
        "terms.acceptance_days": "acceptance_days",
        "terms.conditions": "conditions",
        "interest_rate": "interest_rate",
        "policy_ref": "policy_ref",
        "document_sha256": "document_sha256",
    },
    EventKind.COMMITMENT_DELIVERED: {"commitment": "commitment", "date": "delivered_on"},
    EventKind.COMMITMENT_ACCEPTED: {"commitment": "commitment", "date": "accepted_on"},
    EventKind.SETTLEMENT_CONFIRMED: {
        "commitment": "commitment",
        "amount": "confirmed",
        "date": "confirmed_on",
    },
    EventKind.PAYMENT_REVERSED: {
        "commitment": "commitment",
        "reference": "reversed_reference",
        "date": "reversed_on",
        "reason": "reversal_reason",
    },
    EventKind.INTEREST_PAID: {
        "commitment": "commitment",
        "amount": "interest_paid",
        "date": "interest_paid_on",
        "reference": "interest_reference",
    },
    EventKind.PAYMENT_MADE: {
        "commitment": "commitment",
        "amount": "paid",
        "date": "paid_on",
        "reference": "reference",
        "method": "method",
        "maturity": "maturity",
    },
}


# --------------------------------------------------------------------------
# rows → statements


@dataclass(frozen=True, slots=True)
class KnownEnterprise:
    """What the ledger already holds about an enterprise (for the sheet's checks)."""

    name: str
    size: str


@dataclass(frozen=True, slots=True)
class StatementOrigin:
    """The sheet row a statement came from, and the column of each body field."""

    row: int
    kind: str
    columns: Mapping[str, int]

    def key_of(self, path: str) -> str | None:
        """Column key of a dotted body path (``body.terms.days`` → ``days``), or None."""
        path = re.sub(r"\[[0-9]+\]", "", path.removeprefix("body.").removeprefix("body"))
        fields = _FIELD_COLUMNS.get(self.kind, {})
        while path:
            key = fields.get(path)
            if key is not None:
                return key
            path = path.rpartition(".")[0]
        return None

    def column_of(self, path: str) -> int | None:
        """Column index of a dotted body path, or None (no such field or column)."""
        key = self.key_of(path)
        return None if key is None else self.columns.get(key)


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """The statements a sheet yields, in order, with where each came from.

    ``drafts[i].line == i + 1``; ``origins[i]`` is that draft's row and
    columns.  ``warnings`` are non-fatal remarks, already located.
    """

    drafts: tuple[Draft, ...]
    origins: tuple[StatementOrigin, ...]
    rows: int
    registrations: int
    warnings: tuple[str, ...]
    errors: tuple[BadInput, ...] = ()
    """With ``plan(partial=True)``: every error found, the statements of the rows
    at fault left out (so checking the rest on append cannot repeat them)."""


@dataclass(slots=True)
class _Definition:
    row: int
    body: dict[str, object]
    cells: dict[str, object]


@dataclass(slots=True)
class _Enterprise:
    row: int
    values: dict[str, object] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)


class SheetImporter:
    """Turns a sheet's rows into statements; collects every error with its cell.

    Feed the header with the constructor, each data row with :meth:`add_row`,
    then call :meth:`plan` with the enterprises the ledger already knows
    (:meth:`usccs` lists the ones to look up).  All errors are raised together
    by :meth:`plan` as :class:`InputErrors`.
    """

    def __init__(
        self,
        headers: Sequence[Cell],
        header_row: int,
        locate: Locator,
        *,
        default_agency: str | None = None,
        agencies: Mapping[str, str] | None = None,
    ) -> None:
        """``agencies`` (id -> name, the ledger's) lets 单位 name an agency by id or by name."""
        self.locate = locate
        self.mapping, self.labels = map_headers(headers, header_row, locate)
        self.index = {c.key: i for i, c in self.mapping.items()}
        self.default_agency = default_agency
        self.errors: list[BadInput] = []
        self.rows = 0
        self._statements: list[tuple[str, dict[str, object], StatementOrigin]] = []
        self._defined: dict[str, _Definition] = {}
        self._enterprises: dict[str, _Enterprise] = {}
        self._missing_reported: set[str] = set()
        self._agencies = agencies
        self._agency_names: dict[str, list[str]] = {}
        for aid, name in (agencies or {}).items():
            self._agency_names.setdefault(_fold(name), []).append(aid)
        self._failed: set[str] = set()
        """Commitments with a row at fault: left out of a partial plan."""

    # -------------------------------------------------------------- helpers
    def _label(self, key: str) -> str:
        return self.labels.get(key, f"{_BY_KEY[key].zh} ({key})")

    def _error(self, row: int, key: str | None, message: str) -> None:
        col = self.index.get(key) if key is not None else None
        self.errors.append(BadInput(f"{self.locate(row, col)}: {message}"))

    def _require(
        self, row: int, cells: Mapping[str, object], key: str, why: str, why_zh: str
    ) -> bool:
        """Whether ``key`` has a cell; else an error: required ``why`` (Chinese ``why_zh``,
        a lead-in such as ``登记承诺时``)."""
        if key in cells:
            return True
        label = self._label(key)
        if key not in self.index:
            if key not in self._missing_reported:
                self._missing_reported.add(key)
                self._error(
                    row,
                    None,
                    both(
                        f"{why_zh}须填写{label}，但表中没有这一列",
                        f"{label} is required {why}, but the sheet has no such column",
                    ),
                )
        else:
            self._error(row, key, both(f"{why_zh}须填写{label}", f"{label} is required {why}"))
        return False

    # ---------------------------------------------------------------- rows
    def add_row(self, row: int, values: Sequence[Cell]) -> None:
        """Convert one data row; blank rows are skipped, errors are collected."""
        cells: dict[str, object] = {}
        bad = False
        for i, value in enumerate(values):
            if is_blank(value):
                continue
            column = self.mapping.get(i)
            if column is None:
                v = show(value)
                self.errors.append(
                    BadInput(
                        f"{self.locate(row, i)}: "
                        + both(f"没有表头的列中有值 {v}", f"{v} is in a column with no header")
                    )
                )
                bad = True
                continue
            if column.type is ColumnType.IGNORED:
                continue
            try:
                cells[column.key] = convert(column, value)
            except CellProblem as exc:
                self._error(row, column.key, cell_message(self.labels[column.key], value, exc))
                bad = True
        if not cells and not bad:
            return
        self.rows += 1
        before = len(self.errors)
        if not bad:
            self._build(row, cells)
        if len(self.errors) > before and "commitment" in cells:
            self._failed.add(str(cells["commitment"]))

    def _build(self, row: int, cells: dict[str, object]) -> None:
        if not self._require(row, cells, "commitment", "on every row", "每一行都"):
            return
        cid = str(cells["commitment"])
        if "agency" not in cells and self.default_agency is not None:
            cells["agency"] = self.default_agency
        if "agency" in cells and self._agencies is not None:
            resolved = self._resolve_agency(row, str(cells["agency"]))
            if resolved is None:
                return
            cells["agency"] = resolved
        if any(k in cells for k in _DEFINING) and not self._define(row, cid, cells):
            return
        events = self._events(row, cid, cells)
        self._statements.extend(events)

    def _resolve_agency(self, row: int, value: str) -> str | None:
        """单位 as a registered id, or as a registered name (unique); None after an error."""
        assert self._agencies is not None
        if value in self._agencies:
            return value
        ids = self._agency_names.get(_fold(value), [])
        if len(ids) == 1:
            return ids[0]
        label = self._label("agency")
        if ids:
            listed = ", ".join(ids)
            self._error(
                row,
                "agency",
                both(
                    f"{label} {value!r} 是多个机关的名称：{listed}；请填写机关编号",
                    f"{label} {value!r} names several agencies: {listed}; enter the id",
                ),
            )
            return None
        import difflib

        by_fold = {_fold(n): a for a, n in self._agencies.items()}
        close = difflib.get_close_matches(value, list(self._agencies), n=2, cutoff=0.6)
        close += [
            by_fold[n]
            for n in difflib.get_close_matches(_fold(value), list(by_fold), n=2, cutoff=0.6)
        ]
        close = list(dict.fromkeys(close))
        hint_zh = "、".join(f"{a}（{self._agencies[a]}）" for a in close)
        hint = ", ".join(f"{a} ({self._agencies[a]})" for a in close)
        self._error(
            row,
            "agency",
            both(
                f"{label} {value!r} 不是账本中已登记的机关编号或名称"
                + (f"；最接近的：{hint_zh}" if close else ""),
                f"{label} {value!r} is not a registered agency id or name"
                + (f"; closest: {hint}" if close else ""),
            ),
        )
        return None

    def _origin(self, row: int, kind: str) -> StatementOrigin:
        return StatementOrigin(row, kind, self.index)

    def _define(self, row: int, cid: str, cells: dict[str, object]) -> bool:
        ok = True
        for key in _REQUIRED:
            ok = self._require(row, cells, key, "to record a commitment", "登记承诺时") and ok
        if not ok:
            return False
        terms: dict[str, object] = {"basis": cells["basis"]}
        for key in ("days", "due", "acceptance_days", "conditions"):
            if key in cells:
                v = cells[key]
                terms[key] = v.isoformat() if isinstance(v, dt.date) else v
        body: dict[str, object] = {
            "commitment": cid,
            "type": cells["type"],
            "agency": cells["agency"],
            "enterprise": cells["uscc"],
            "title": cells["title"],
            "amount": format_fen(_as_int(cells["amount"])),
            "signed_on": _as_date(cells["signed_on"]).isoformat(),
            "terms": terms,
        }
        for key in ("official", "interest_rate", "policy_ref", "document_sha256"):
            if key in cells:
                body[key] = cells[key]
        earlier = self._defined.get(cid)
        if earlier is not None:
            if earlier.body != body:
                key = next(
                    (k for k in (*_REQUIRED, *_BY_KEY) if earlier.cells.get(k) != cells.get(k)),
                    "commitment",
                )
                what, other = self._label("commitment"), self._label(key)
                self._error(
                    row,
                    key,
                    both(
                        f"{what} {cid!r} 已在第 {earlier.row} 行定义，但{other}不同；"
                        "后面的行只能原样重复该定义或留空",
                        f"{what} {cid!r} is already defined in row {earlier.row} "
                        f"with a different {other}; a later row may repeat the definition "
                        "exactly or leave it blank",
                    ),
                )
                return False
            self._note_enterprise(row, cells)
            return True
        if not self._check(row, EventKind.COMMITMENT_RECORDED, body):
            return False
        self._defined[cid] = _Definition(row, body, dict(cells))
        self._note_enterprise(row, cells)
        self._statements.append(
            (EventKind.COMMITMENT_RECORDED, body, self._origin(row, EventKind.COMMITMENT_RECORDED))
        )
        return True

    def _note_enterprise(self, row: int, cells: Mapping[str, object]) -> None:
        uscc = str(cells["uscc"])
        ent = self._enterprises.setdefault(uscc, _Enterprise(row))
        for key in _REGISTRATION:
            if key not in cells:
                continue
            if key in ent.values and ent.values[key] != cells[key]:
                label, ours, first = self._label(key), show(cells[key]), show(ent.values[key])
                self._error(
                    row,
                    key,
                    both(
                        f"{label} {ours} 与第 {ent.rows[key]} 行的 {first} 不一致（同一企业 {uscc}）",
                        f"{label} {ours} differs from row {ent.rows[key]} "
                        f"({first}) for the same enterprise {uscc}",
                    ),
                )
                continue
            ent.values.setdefault(key, cells[key])
            ent.rows.setdefault(key, row)

    def _events(
        self, row: int, cid: str, cells: Mapping[str, object]
    ) -> list[tuple[str, dict[str, object], StatementOrigin]]:
        out: list[tuple[str, dict[str, object], StatementOrigin]] = []
        for key, kind in (
            ("delivered_on", EventKind.COMMITMENT_DELIVERED),
            ("accepted_on", EventKind.COMMITMENT_ACCEPTED),
        ):
            if key in cells:
                body: dict[str, object] = {
                    "commitment": cid,
                    "date": _as_date(cells[key]).isoformat(),
                }
                out.append((kind, body, self._origin(row, kind)))
        self._extra(row, cid, cells, out, EventKind.SETTLEMENT_CONFIRMED, "confirmed")
        paid = cells.get("paid")
        if isinstance(paid, int) and paid > 0:
            paid_label = self._label("paid")
            with_paid, with_paid_zh = f"with {paid_label}", f"填写{paid_label}时"
            ok = self._require(row, cells, "paid_on", with_paid, with_paid_zh)
            ok = self._require(row, cells, "reference", with_paid, with_paid_zh) and ok
            if not ok:
                return out
            body = {
                "commitment": cid,
                "amount": format_fen(paid),
                "date": _as_date(cells["paid_on"]).isoformat(),
                "reference": cells["reference"],
                "method": cells.get("method", PaymentMethod.TRANSFER.value),
            }
            if "maturity" in cells:
                body["maturity"] = _as_date(cells["maturity"]).isoformat()
            kind = EventKind.PAYMENT_MADE
            if self._check(row, kind, body):
                out.append((kind, body, self._origin(row, kind)))
        else:
            for key in _PAYMENT_EXTRAS:
                if key in cells:
                    label, paid_label = self._label(key), self._label("paid")
                    self._error(
                        row,
                        key,
                        both(
                            f"填写了{label}，但{paid_label}为空或为 0",
                            f"{label} is given but {paid_label} is blank or 0",
                        ),
                    )
        self._extra(row, cid, cells, out, EventKind.PAYMENT_REVERSED, "reversed_reference")
        self._extra(row, cid, cells, out, EventKind.INTEREST_PAID, "interest_paid")
        return out

    def _extra(
        self,
        row: int,
        cid: str,
        cells: Mapping[str, object],
        out: list[tuple[str, dict[str, object], StatementOrigin]],
        kind: EventKind,
        lead: str,
    ) -> None:
        """A settlement, reversal or interest payment from its columns, led by ``lead``: the
        other columns of the kind are then required, and refused without it."""
        fields = _FIELD_COLUMNS[kind]
        others = [k for f, k in fields.items() if f != "commitment" and k != lead]
        if lead not in cells or (isinstance(cells[lead], int) and cells[lead] == 0):
            for key in others:
                if key in cells:
                    label, lead_label = self._label(key), self._label(lead)
                    self._error(
                        row,
                        key,
                        both(
                            f"填写了{label}，但{lead_label}为空",
                            f"{label} is given but {lead_label} is blank",
                        ),
                    )
            return
        ok = True
        for key in others:
            lead_label = self._label(lead)
            ok = self._require(row, cells, key, f"with {lead_label}", f"填写{lead_label}时") and ok
        if not ok:
            return
        body: dict[str, object] = {"commitment": cid}
        for f, key in fields.items():
            if f == "commitment":
                continue
            value = cells[key]
            if f == "date":
                value = _as_date(value).isoformat()
            elif f == "amount" and isinstance(value, int):
                value = format_fen(value)
            body[f] = value
        if self._check(row, kind, body):
            out.append((kind, body, self._origin(row, kind)))

    def _check(self, row: int, kind: str, body: dict[str, object]) -> bool:
        """Syntactic check of a built body, naming the cell of the field at fault."""
        try:
            parse_body(kind, body)
        except FieldError as exc:
            origin = self._origin(row, kind)
            key = origin.key_of(exc.field)
            label = f"{self._label(key)}: " if key is not None else f"{kind} {exc.field}: "
            where = self.locate(row, origin.column_of(exc.field))
            self.errors.append(BadInput(f"{where}: {label}{exc.reason}"))
            return False
        return True

    # ---------------------------------------------------------------- plan
    def usccs(self) -> list[str]:
        """The enterprises the sheet's commitments name (to look up in the ledger)."""
        return sorted(self._enterprises)

    def plan(self, known: Mapping[str, KnownEnterprise], *, partial: bool = False) -> ImportPlan:
        """Registrations for unknown enterprises, then the row statements.

        Raises :class:`InputErrors` (or one :class:`BadInput`) with every error;
        with ``partial`` it returns them in :attr:`ImportPlan.errors` instead,
        with the statements of the commitments at fault left out, so that the
        caller can check the rest on append and report everything in one pass.
        """
        warnings: list[str] = []
        regs: list[tuple[str, dict[str, object], StatementOrigin]] = []
        for uscc, ent in self._enterprises.items():
            have = known.get(uscc)
            if have is not None:
                warnings.extend(self._compare(uscc, ent, have))
                continue
            ok = True
            for key in _REGISTRATION:
                if key not in ent.values:
                    self._require(
                        ent.row,
                        ent.values,
                        key,
                        f"to register enterprise {uscc}, which is not in the ledger yet",
                        f"登记账本中尚无的企业 {uscc} 时",
                    )
                    ok = False
            if not ok:
                continue
            body: dict[str, object] = {
                "uscc": uscc,
                "name": ent.values["enterprise_name"],
                "size": ent.values["size"],
                "ownership": ent.values["ownership"],
            }
            kind = EventKind.ENTERPRISE_REGISTERED
            if self._check(ent.row, kind, body):
                regs.append((kind, body, self._origin(ent.row, kind)))
        registered = set(known) | {str(b["uscc"]) for _, b, _ in regs}
        if self.errors and not partial:
            raise self.errors[0] if len(self.errors) == 1 else InputErrors(list(self.errors))
        statements = regs + self._statements
        if partial:
            failed = set(self._failed) | {
                str(b["commitment"])
                for k, b, _ in self._statements
                if k == EventKind.COMMITMENT_RECORDED and str(b["enterprise"]) not in registered
            }
            statements = [st for st in statements if st[1].get("commitment") not in failed]
        drafts = tuple(
            Draft(i, str(kind), body) for i, (kind, body, _) in enumerate(statements, start=1)
        )
        return ImportPlan(
            drafts,
            tuple(o for _, _, o in statements),
            self.rows,
            len(regs),
            tuple(warnings),
            tuple(self.errors),
        )

    def _compare(self, uscc: str, ent: _Enterprise, have: KnownEnterprise) -> list[str]:
        out = []
        for key, theirs in (("enterprise_name", have.name), ("size", have.size)):
            ours = ent.values.get(key)
            if ours is not None and ours != theirs:
                col = self.index.get(key)
                label, mine, stored = self._label(key), show(ours), show(theirs)
                out.append(
                    f"{self.locate(ent.rows[key], col)}: "
                    + both(
                        f"警告：企业 {uscc} 的{label} {mine} 与账本中的 {stored} 不一致；"
                        "以账本记录为准（如需修改，请登记 enterprise-update）",
                        f"warning: {label} {mine} differs from the ledger's {stored} for {uscc}; "
                        "the ledger's record stands (record an enterprise-update to change it)",
                    )
                )
        return out

    def locate_append_errors(
        self, plan: ImportPlan, failures: Sequence[tuple[int, str]]
    ) -> list[str]:
        """Rewrite append errors ``(draft line, message)`` to name sheet cells.

        An "unknown commitment" error on a row whose own ``commitment.recorded``
        also failed is a consequence, not a second fault, and is dropped.
        """
        failed = {
            str(plan.drafts[line - 1].body.get("commitment"))
            for line, _ in failures
            if 1 <= line <= len(plan.drafts)
            and plan.drafts[line - 1].kind == EventKind.COMMITMENT_RECORDED
        }
        out = []
        for line, message in failures:
            if (
                1 <= line <= len(plan.drafts)
                and "unknown commitment" in message
                and str(plan.drafts[line - 1].body.get("commitment")) in failed
            ):
                continue
            out.append(self.locate_append_error(plan, line, message))
        return out

    def locate_append_error(self, plan: ImportPlan, line: int, message: str) -> str:
        """Rewrite an append error about draft ``line`` to name the sheet cell."""
        if not 1 <= line <= len(plan.origins):
            return message
        origin = plan.origins[line - 1]
        m = re.match(r"(body(?:\.[A-Za-z_]+(?:\[[0-9]+\])?)*): (.*)$", message, re.DOTALL)
        if m is not None:
            key = origin.key_of(m.group(1))
            if key is not None:
                where = self.locate(origin.row, origin.column_of(m.group(1)))
                return f"{where}: {self._label(key)}: {m.group(2)}"
        return f"{self.locate(origin.row, None)}: {origin.kind}: {message}"


def known_enterprises(records: Mapping[str, EnterpriseNames]) -> dict[str, KnownEnterprise]:
    """What the ledger holds now about each enterprise: its current name and size.

    The latest by (effective, seq), as :class:`ledger.domain.registry.EnterpriseNames`
    decides for every reader (the sheet is compared against the current record).
    """
    return {u: KnownEnterprise(r.name_on(), r.size_on()) for u, r in records.items()}


def _fold(name: str) -> str:
    """A name for matching: NFKC (full-width brackets), no whitespace."""
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", name).split())


def _as_date(value: object) -> dt.date:
    assert isinstance(value, dt.date)
    return value


def _as_int(value: object) -> int:
    assert isinstance(value, int)
    return value
