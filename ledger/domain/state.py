"""Domain projections: semantic validation on append, and the current-state tables.

:class:`DomainState` is the append hook (DOMAIN.md "Validation on append"):
``load`` reads, in a few indexed queries, the projection rows the batch's
statements refer to (agencies, enterprises, officials, commitments, open
disputes); ``check`` validates one statement against that state by the rules
of :mod:`ledger.domain.rules`, which raise a :class:`~ledger.errors.FieldError`
naming the body field at fault, and otherwise applies it in memory, so later
lines of the batch see it; ``flush`` writes the new and changed rows in the
append's own transaction.  The log is
never scanned.  The same class replays a whole log into an empty, complete
state for ``ledger rebuild`` and ``check_projections`` (:mod:`ledger.domain.replay`),
so the tables are exactly what those rules make of the log.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeGuard

import orjson
from sqlalchemy import (
    ColumnElement,
    Connection,
    Table,
    TextClause,
    and_,
    bindparam,
    insert,
    select,
    text,
    update,
)

from ledger.canonical import loads_leaf as loads  # leaves: canonical form checked
from ledger.dates import check_dates
from ledger.domain.events import (
    COMMITMENT_KINDS,
    AgencyRegistered,
    AgencySucceeded,
    CommitmentAccepted,
    CommitmentAmended,
    CommitmentDelivered,
    CommitmentDisputed,
    CommitmentEvent,
    CommitmentRecorded,
    CommitmentRepudiated,
    CommitmentSettled,
    CommitmentVoided,
    ComplaintFiled,
    DisputeResolved,
    EnterpriseRegistered,
    EnterpriseUpdated,
    Event,
    EventKind,
    GovernmentTermChanged,
    InterestPaid,
    OfficialAppointed,
    OfficialDeparted,
    OfficialRole,
    PaymentMade,
    PaymentReversed,
    SettlementConfirmed,
    parse_body,
)
from ledger.domain.registry import EnterpriseNames, Successions, succession_of
from ledger.domain.rules import GROUP_RULES, RULES_BY_EVENT, GroupReversal, Overdraft
from ledger.domain.tables import (
    CURRENCY,
    RECORDS,
    AgencyRow,
    CommitmentRow,
    DisputeRow,
    EnterpriseRow,
    Record,
    TenureRow,
    agencies,
    commitments,
    disputes,
    enterprise_history,
    enterprises,
    id_skeletons,
    payments,
    successions,
    tenures,
    term_changes,
)
from ledger.errors import FieldError, VerificationError
from ledger.money import format_rate, parse_amount
from ledger.schema import SUCCESSIONS_WHERE, domain_events, entries, metadata
from ledger.sql import IN_CHUNK, chunks, driver_rows_in, sqlite_rows
from ledger.text import skeleton

__all__ = ["DomainState", "stored_json"]

_DAY = dt.timedelta(days=1)


_COMMITMENT_EVENTS = frozenset(COMMITMENT_KINDS) - {"commitment.recorded"}
_REF_KINDS = (
    EventKind.PAYMENT_MADE.value,
    EventKind.PAYMENT_REVERSED.value,
    EventKind.SETTLEMENT_CONFIRMED.value,
)


@dataclass(slots=True)
class PayRef:
    """A payment as later rules see it: its seq, amount and date, and its reversal."""

    seq: int
    amount: int
    date: dt.date
    reversed_seq: int | None = None


_ID_KINDS = {
    "agency.registered": "agency",
    "official.appointed": "official",
    "commitment.recorded": "commitment",
}
"""Kinds that may create an id, and the body field (and id kind) of that id."""


def _add(bucket: set[str], value: object) -> None:
    if _queryable(value):
        bucket.add(value)


def _queryable(value: object) -> TypeGuard[str]:
    """A string a database can be asked about: PostgreSQL refuses a NUL in a query.

    A value with a NUL is refused by the text rules when its statement is
    checked; it is not looked up first.
    """
    return isinstance(value, str) and "\0" not in value


def stored_json(value: object) -> str:
    """The text the projection tables store for a JSON value (a body in ``domain_events``,
    terms, a succession's commitments): keys sorted.  The audits' input check
    (:mod:`ledger.audit_input`) rebuilds a row from its leaf with this same function."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode("utf-8")


def _leaves(
    conn: Connection, where: ColumnElement[bool] | TextClause
) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(seq, statement)`` of the entries selected, parsed from the leaf bytes."""
    for seq, leaf in conn.execute(select(entries.c.seq, entries.c.leaf).where(where)):
        data = leaf.encode("utf-8") if isinstance(leaf, str) else bytes(leaf)
        statement = loads(data).get("statement")
        yield int(seq), statement if isinstance(statement, dict) else {}


def _successions_from_log(conn: Connection) -> Successions:
    """Every succession, read from the log's leaves (never from a projection).

    Recorder scope follows successions; reading them from the signed leaves
    (few, and indexed by kind) means an edited projection row cannot make an
    append accept what verification refuses.
    """
    out = Successions()
    # written out, not bound: the planner must see it is the partial index's condition
    for seq, statement in _leaves(conn, text(SUCCESSIONS_WHERE)):
        try:
            event = parse_body("agency.succeeded", statement.get("body"))
        except FieldError as exc:
            raise VerificationError(f"entry {seq} is not a valid agency.succeeded ({exc})") from exc
        if isinstance(event, AgencySucceeded):
            out.add(succession_of(event, seq))
    return out


def _check_against_log(conn: Connection, rows: Iterable[CommitmentRow]) -> None:
    """Check the scope facts of loaded commitment rows (id, signing agency, signing date)
    against the ``commitment.recorded`` leaf they name; VerificationError if edited."""
    by_seq = {r.recorded_seq: r for r in rows}
    seqs = sorted(by_seq)
    for i in range(0, len(seqs), IN_CHUNK):
        part = seqs[i : i + IN_CHUNK]
        for seq, statement in _leaves(conn, entries.c.seq.in_(part)):
            body = statement.get("body")
            r = by_seq.pop(seq)
            if (
                statement.get("kind") != "commitment.recorded"
                or not isinstance(body, dict)
                or (body.get("commitment"), body.get("agency"), body.get("signed_on"))
                != (r.commitment, r.agency, r.signed_on.isoformat())
            ):
                raise _edited(r.commitment, f"entry {seq} does not record it so")
    for r in by_seq.values():
        raise _edited(r.commitment, f"entry {r.recorded_seq} is not in the log")


def _edited(commitment: str, why: str) -> VerificationError:
    return VerificationError(
        f"投影表 commitments 与日志不符（projection table commitments differs from the log at "
        f"row (commitment={commitment!r}): {why}; it was edited behind the log's back): "
        "run 'ledger verify', then 'ledger rebuild'; nothing was appended"
    )


@dataclass(slots=True)
class DomainState:
    """The domain view an append validates against, and the rows it adds or changes.

    After :meth:`load` it holds what the batch refers to, which is all the
    rules ever look at; a replay (``DomainState()`` fed every entry) holds
    the whole log.
    """

    agencies: dict[str, AgencyRow] = field(default_factory=dict)
    enterprises: dict[str, EnterpriseRow] = field(default_factory=dict)
    commitments: dict[str, CommitmentRow] = field(default_factory=dict)
    tenures: dict[int, TenureRow] = field(default_factory=dict)
    officials: dict[str, list[int]] = field(default_factory=dict)  # -> tenure seqs
    open_principal: dict[str, int] = field(default_factory=dict)  # agency -> tenure seq
    disputes: dict[int, DisputeRow] = field(default_factory=dict)
    open_disputes: dict[str, list[int]] = field(default_factory=dict)  # commitment -> seqs
    successions: Successions = field(default_factory=Successions)
    pay_refs: dict[str, dict[str, PayRef]] = field(default_factory=dict)
    """commitment -> payment reference -> the payment (and its reversal, if any)."""
    confirmed: dict[str, int] = field(default_factory=dict)
    """commitment -> Σ ``settlement.confirmed`` amounts (fen)."""
    # (kind, TS #39 skeleton) -> (id, seq): ids of one kind must not be confusable (DOMAIN "Text:")
    skeletons: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)
    # The skeletons ``load`` made of the ids a batch may create, until the id is noted:
    # the rule and _note_id ask for each again, after the whole batch was looked up
    # (text.skeleton's own cache is small: a replay asks once per new id).
    batch_skeletons: dict[str, str] = field(default_factory=dict)
    group: str = ""
    """The ``ts`` of the entries being replayed (one appended file shares one ts)."""
    overdrafts: dict[str, list[Overdraft]] = field(default_factory=dict)
    """commitment -> the payments of this group of statements above its balance when
    applied: judged by ``rules.payment_within_balance`` once the group's reversals are known."""
    group_reversals: dict[str, list[GroupReversal]] = field(default_factory=dict)
    """commitment -> the payment reversals of this group of statements, in seq order."""
    # writes: rows of append-only tables, and new / changed entity keys
    # rows of the append-only tables (LOG_TABLES), each a tuple in column order
    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=lambda: defaultdict(list))
    new: dict[str, set[Any]] = field(default_factory=lambda: defaultdict(set))
    dirty: dict[str, set[Any]] = field(default_factory=lambda: defaultdict(set))

    # ------------------------------------------------------------------ load
    @classmethod
    def load(cls, conn: Connection, statements: Sequence[dict[str, Any]]) -> DomainState:
        """Load the projection rows the statements refer to (indexed lookups, no log scan)."""
        state = cls()
        ag: set[str] = set()  # agencies named
        heads: set[str] = set()  # agencies whose open tenures an appointment may close
        ent: set[str] = set()
        off: set[str] = set()
        com: set[str] = set()
        resolving: set[str] = set()  # commitments whose open disputes may be resolved
        new_ids: set[tuple[str, str]] = set()  # (kind, skeleton) of ids the batch may create
        for s in statements:
            kind, body = s.get("kind"), s.get("body")
            if not isinstance(body, dict):
                continue
            if kind in _ID_KINDS:
                ident = body.get(_ID_KINDS[kind])
                if _queryable(ident):
                    sk = state.batch_skeletons[ident] = skeleton(ident)
                    new_ids.add((_ID_KINDS[kind], sk))
            if kind in _COMMITMENT_EVENTS:
                _add(com, body.get("commitment"))
                if kind == "dispute.resolved":
                    _add(resolving, body.get("commitment"))
            elif kind == "commitment.recorded":
                _add(com, body.get("commitment"))
                _add(ag, body.get("agency"))
                _add(ent, body.get("enterprise"))
                _add(off, body.get("official"))
            elif kind in ("enterprise.registered", "enterprise.updated"):
                _add(ent, body.get("uscc"))
            elif kind in ("official.appointed", "official.departed"):
                _add(ag, body.get("agency"))
                _add(off, body.get("official"))
                if kind == "official.appointed":
                    _add(heads, body.get("agency"))
            elif kind == "agency.registered":
                _add(ag, body.get("agency"))
            elif kind == "agency.succeeded":
                _add(ag, body.get("successor"))
                preds = body.get("predecessors")
                for p in preds if isinstance(preds, list) else ():
                    _add(ag, p)
                named = body.get("commitments")
                for c in named if isinstance(named, list) else ():
                    _add(com, c)
        state.successions = _successions_from_log(conn)
        for part in chunks(sorted(ag)):
            for r in conn.execute(select(agencies).where(agencies.c.agency.in_(part))).mappings():
                state.agencies[r["agency"]] = AgencyRow.from_row(r)
        for part in chunks(sorted(ent)):
            q = select(enterprises).where(enterprises.c.uscc.in_(part))
            for r in conn.execute(q).mappings():
                state.enterprises[r["uscc"]] = EnterpriseRow.from_row(r)
        # which exist first, through the driver: a batch names many, mostly new
        held = driver_rows_in(
            conn, "SELECT commitment FROM commitments WHERE commitment IN ({marks})", sorted(com)
        )
        for part in chunks(sorted(c for (c,) in held)):
            q = select(commitments).where(commitments.c.commitment.in_(part))
            for r in conn.execute(q).mappings():
                state.commitments[r["commitment"]] = CommitmentRow.from_row(r)
        _check_against_log(conn, state.commitments.values())
        state._load_refs(conn, [c for c in sorted(com) if c in state.commitments])
        for part in chunks(sorted(resolving)):
            q = select(disputes).where(disputes.c.commitment.in_(part), disputes.c.status == "open")
            for r in conn.execute(q).mappings():
                state._add_dispute(DisputeRow.from_row(r))
        for id_kind in sorted({k for k, _ in new_ids}):
            wanted = sorted(sk for k, sk in new_ids if k == id_kind)
            found = driver_rows_in(
                conn,
                "SELECT seq, id, skeleton FROM id_skeletons"
                " WHERE kind = {mark} AND skeleton IN ({marks}) ORDER BY seq",
                wanted,
                id_kind,
            )
            for seq, ident, sk in found:
                state.skeletons.setdefault((id_kind, sk), (ident, int(seq)))
        conds: list[ColumnElement[bool]] = [
            tenures.c.official.in_(part) for part in chunks(sorted(off))
        ]
        conds += [
            and_(tenures.c.agency.in_(part), tenures.c.end_seq.is_(None))
            for part in chunks(sorted(heads))
        ]
        for cond in conds:
            for r in conn.execute(select(tenures).where(cond)).mappings():
                if int(r["seq"]) not in state.tenures:
                    state._add_tenure(TenureRow.from_row(r))
        return state

    def _load_refs(self, conn: Connection, wanted: Sequence[str]) -> None:
        """Payment references, reversals and confirmed settlement amounts of ``wanted``
        commitments, from ``domain_events`` (indexed by commitment)."""
        for part in chunks(wanted):
            q = (
                select(domain_events.c.seq, domain_events.c.kind, domain_events.c.body)
                .where(
                    domain_events.c.commitment.in_(part),
                    domain_events.c.kind.in_(_REF_KINDS),
                )
                .order_by(domain_events.c.seq)
            )
            for seq, kind, body in conn.execute(q):
                b = orjson.loads(body)
                self._note_ref(kind, int(seq), b)

    def _note_ref(self, kind: str, seq: int, b: dict[str, Any]) -> None:
        """Keep what a payment, reversal or confirmation tells the later rules."""
        c = b["commitment"]
        if kind == EventKind.PAYMENT_MADE:
            amount = parse_amount(b["amount"], "amount")
            day = dt.date.fromisoformat(b["date"])
            self.pay_refs.setdefault(c, {})[b["reference"]] = PayRef(seq, amount, day)
        elif kind == EventKind.PAYMENT_REVERSED:
            ref = self.pay_refs.get(c, {}).get(b["reference"])
            if ref is not None:
                ref.reversed_seq = seq
        elif kind == EventKind.SETTLEMENT_CONFIRMED:
            self.confirmed[c] = self.confirmed.get(c, 0) + parse_amount(b["amount"], "amount")

    def _add_tenure(self, t: TenureRow) -> None:
        self.tenures[t.seq] = t
        self.officials.setdefault(t.official, []).append(t.seq)
        if t.role == OfficialRole.PRINCIPAL and t.end_seq is None:
            self.open_principal[t.agency] = t.seq

    def _add_dispute(self, d: DisputeRow) -> None:
        self.disputes[d.seq] = d
        if d.status == "open":
            self.open_disputes.setdefault(d.commitment, []).append(d.seq)

    # ----------------------------------------------------------------- check
    def check(
        self,
        statement: dict[str, Any],
        seq: int,
        event: Event | None = None,
        day: dt.date | None = None,
        *,
        ts: str,
        body_json: str | None = None,
    ) -> None:
        """Validate one statement against the state, then apply it (FieldError if invalid).

        ``event`` is the statement's body already parsed by
        :func:`ledger.domain.events.parse_body`, when the caller has it; otherwise the
        body is parsed here (the syntactic checks come first).  ``day`` is the
        Beijing day of the entry's ``ts``: its dates are bounded by it
        (:func:`ledger.dates.check_dates`).  ``ts`` is the entry's ``ts``:
        rules about when something was recorded use it, never the signer's
        ``at`` (FORMATS.md §3), so it is what ``domain_events.at`` keeps.
        ``body_json`` is the body's canonical JSON text when the caller has it
        (verification cuts it from the leaf, :func:`ledger.entry.cut_body_bytes`);
        it is what ``domain_events.body`` keeps (the same text for a body the rules
        accept: its keys are the declared ASCII field names).
        """
        kind, body = statement["kind"], statement["body"]
        if event is None:
            event = parse_body(kind, body)
        if day is not None:
            check_dates(body, day)  # no future business dates (DOMAIN.md revision 2)
        for rule in RULES_BY_EVENT.get(type(event), ()):  # ledger.domain.rules
            rule(self, event)
        self._apply(event, seq, body)  # the rules passed: change the state
        commitment = body.get("commitment")
        self.rows[domain_events.name].append(
            (  # seq, kind, commitment, at, body
                seq,
                kind,
                commitment if isinstance(commitment, str) else None,
                ts,
                stored_json(body) if body_json is None else body_json,
            )
        )

    def _apply(self, e: Event, seq: int, body: dict[str, Any]) -> None:
        match e:  # the frequent kinds first
            case (
                PaymentMade()
                | SettlementConfirmed()
                | PaymentReversed()
                | InterestPaid()
                | CommitmentDelivered()
                | CommitmentAccepted()
                | CommitmentAmended()
                | CommitmentDisputed()
                | DisputeResolved()
                | CommitmentRepudiated()
                | CommitmentSettled()
                | CommitmentVoided()
                | ComplaintFiled()
            ):
                self._commitment_event(e, seq)
            case CommitmentRecorded():
                # the body's terms are exactly e.terms.to_body() (events.py), and cheaper
                self._commitment_recorded(e, seq, stored_json(body["terms"]))
            case AgencyRegistered():
                self._agency_registered(e, seq)
            case AgencySucceeded():
                self._agency_succeeded(e, seq)
            case OfficialAppointed():
                self._official_appointed(e, seq)
            case OfficialDeparted():
                self._official_departed(e, seq)
            case GovernmentTermChanged():
                self.rows[term_changes.name].append(
                    (seq, e.region, e.term, e.effective)  # seq, region, term, effective
                )
            case EnterpriseRegistered():
                self._enterprise_registered(e, seq)
            case EnterpriseUpdated():
                self._enterprise_updated(e, seq)
            case _:  # genesis and key events: the keys projection is the log's own
                pass

    # ------------------------------------------------------------- registry
    def skeleton(self, ident: str, *, last: bool = False) -> str:
        """:func:`ledger.text.skeleton` of an id, from the batch's if ``load`` made it
        (``last``: the id's last use, when it is noted)."""
        memo = self.batch_skeletons
        sk = memo.pop(ident, None) if last else memo.get(ident)
        return skeleton(ident) if sk is None else sk

    def _note_id(self, kind: str, ident: str, seq: int) -> None:
        """Note a new id's skeleton (the rule ``*_id_distinct`` refused a confusable one)."""
        sk = self.skeleton(ident, last=True)
        if (kind, sk) not in self.skeletons:
            self.skeletons[(kind, sk)] = (ident, seq)
            self.rows[id_skeletons.name].append((seq, kind, ident, sk))  # seq, kind, id, skeleton

    def _agency_registered(self, e: AgencyRegistered, seq: int) -> None:
        self._note_id("agency", e.agency, seq)
        self.agencies[e.agency] = AgencyRow(e.agency, e.name, e.category.value, e.region, seq)
        self.new[agencies.name].add(e.agency)

    def _agency_succeeded(self, e: AgencySucceeded, seq: int) -> None:
        preds = [self.agencies[p] for p in e.predecessors]
        new = succession_of(e, seq)
        self.successions.add(new)
        named = None if e.commitments is None else stored_json(list(e.commitments))
        for rec in preds:
            if new.in_full:
                # successor: the winner among its successions in full (the latest by
                # (effective, seq)); succeeded_on: the earliest, from which it signs nothing
                won = self.successions.holding(rec.agency, dt.date.min, None, None).path[0]
                gone = self.successions.succeeded_in_full(rec.agency)
                assert gone is not None
                rec.successor, rec.succeeded_seq = won.successor, won.seq
                rec.succeeded_on = gone.effective
                self.dirty[agencies.name].add(rec.agency)
            self.rows[successions.name].append(
                # seq, predecessor, successor, reason, effective, commitments
                (seq, rec.agency, e.successor, e.reason.value, e.effective, named)
            )

    # ----------------------------------------------------------------- scope
    def agencies_for(self, kind: str, body: dict[str, Any], day: dt.date) -> set[str] | None:
        """Agencies a commitment-kind statement touches, for recorder scopes; None if unknown.

        DOMAIN.md: the agency that signed the commitment and the agency that
        holds it as of ``day`` (the Beijing-time day of the entry's ``ts``),
        by the holder rule of :mod:`ledger.domain.registry`.
        """
        if kind == "commitment.recorded":
            agency = body.get("agency")
            return {agency} if isinstance(agency, str) else None
        commitment = body.get("commitment")
        c = self.commitments.get(commitment) if isinstance(commitment, str) else None
        if c is None:
            return None
        return {c.agency, self.successions.holder(c.agency, c.signed_on, c.commitment, day)}

    def open_tenures(self, official: str, agency: str) -> list[TenureRow]:
        """The official's open tenures at the agency."""
        return [
            t
            for s in self.officials.get(official, ())
            if (t := self.tenures[s]).agency == agency and t.end_seq is None
        ]

    def closed_by(self, e: OfficialAppointed) -> list[tuple[TenureRow, str]] | None:
        """The open tenures the appointment ends, and why; None if it changes nothing."""
        own = self.open_tenures(e.official, e.agency)
        if e.role is OfficialRole.PRINCIPAL and any(t.role == e.role for t in own):
            # DOMAIN.md revision 2: re-appointing the principal already in office changes
            # nothing (the tenure goes on; no turnover)
            return None
        closing: list[tuple[TenureRow, str]] = [(t, "reappointed") for t in own]
        if e.role is OfficialRole.PRINCIPAL and (cur := self.open_principal.get(e.agency)):
            t = self.tenures[cur]
            if t.official != e.official:
                closing.append((t, "replaced"))
        return closing

    def departing_tenure(self, e: OfficialDeparted) -> TenureRow | None:
        """The official's latest tenure at the agency, which a departure ends; None if none."""
        mine = [t for s in self.officials[e.official] if (t := self.tenures[s]).agency == e.agency]
        return max(mine, key=lambda x: (x.start, x.seq)) if mine else None

    def _official_appointed(self, e: OfficialAppointed, seq: int) -> None:
        closing = self.closed_by(e)
        if closing is None:
            return
        for t, why in closing:
            t.end, t.end_seq, t.ended_by = e.start - _DAY, seq, why
            self.dirty[tenures.name].add(t.seq)
            if self.open_principal.get(t.agency) == t.seq:
                del self.open_principal[t.agency]
        if e.official not in self.officials:
            self._note_id("official", e.official, seq)
        self._add_tenure(TenureRow(seq, e.official, e.name, e.agency, e.role.value, e.start))
        self.new[tenures.name].add(seq)

    def _official_departed(self, e: OfficialDeparted, seq: int) -> None:
        t = self.departing_tenure(e)
        assert t is not None  # the rules refused a departure without a tenure
        t.end, t.end_seq, t.ended_by = e.end, seq, "departed"
        self.dirty[tenures.name].add(t.seq)
        if self.open_principal.get(t.agency) == t.seq:
            del self.open_principal[t.agency]

    def _enterprise_registered(self, e: EnterpriseRegistered, seq: int) -> None:
        self.enterprises[e.uscc] = EnterpriseRow(
            e.uscc, e.name, e.size.value, e.ownership.value, seq
        )
        self.new[enterprises.name].add(e.uscc)
        self.rows[enterprise_history.name].append(
            (seq, e.uscc, None, e.size.value, e.name)  # seq, uscc, effective, size, name
        )

    def _enterprise_updated(self, e: EnterpriseUpdated, seq: int) -> None:
        rec = self.enterprises[e.uscc]  # the latest name and size (EnterpriseNames' order)
        if e.size is not None and EnterpriseNames.takes_over(e.effective, rec.size_effective):
            rec.size, rec.size_effective = e.size.value, e.effective
        if e.name is not None and EnterpriseNames.takes_over(e.effective, rec.name_effective):
            rec.name, rec.name_effective = e.name, e.effective
        rec.updated_seq = seq
        self.dirty[enterprises.name].add(e.uscc)
        self.rows[enterprise_history.name].append(
            # seq, uscc, effective, size, name
            (seq, e.uscc, e.effective, None if e.size is None else e.size.value, e.name)
        )

    # ----------------------------------------------------------- commitments
    def _commitment_recorded(self, e: CommitmentRecorded, seq: int, terms: str) -> None:
        self._note_id("commitment", e.commitment, seq)
        self.commitments[e.commitment] = CommitmentRow(
            commitment=e.commitment,
            type=e.type.value,
            agency=e.agency,
            enterprise=e.enterprise,
            title=e.title,
            currency=CURRENCY,
            amount=e.amount,
            agreed_amount=e.amount,
            signed_on=e.signed_on,
            terms=terms,
            interest_rate=None if e.interest_rate is None else format_rate(e.interest_rate),
            official=e.official,
            policy_ref=e.policy_ref,
            document_sha256=e.document_sha256,
            recorded_seq=seq,
            principal=e.amount,
            paid=0,
            outstanding=e.amount,
            disputed=0,
            waived=0,
            written_off=0,
            first_delivery=None,
            last_delivery=None,
            first_acceptance=None,
            unconsented_amendments=0,
            complaints=0,
            repudiated_seq=None,
            settled_seq=None,
            voided=False,
            voided_seq=None,
            last_seq=seq,
        )
        self.new[commitments.name].add(e.commitment)

    def _commitment_event(
        self,
        e: CommitmentEvent,
        seq: int,
    ) -> None:
        c = self.commitments[e.commitment]
        match e:
            case CommitmentDelivered():
                c.first_delivery = min(e.date, c.first_delivery or e.date)
                c.last_delivery = max(e.date, c.last_delivery or e.date)
            case CommitmentAccepted():
                c.first_acceptance = min(e.date, c.first_acceptance or e.date)
            case CommitmentAmended():
                self._amended(c, e)
            case PaymentMade():
                if e.amount > c.outstanding:  # decided at the group's end (GROUP_RULES)
                    self.overdrafts.setdefault(c.commitment, []).append(
                        Overdraft(seq, e.reference, e.amount, c.outstanding, c.paid, c.principal)
                    )
                c.paid += e.amount
                c.outstanding -= e.amount
                self.pay_refs.setdefault(c.commitment, {})[e.reference] = PayRef(
                    seq, e.amount, e.date
                )

                self.rows[payments.name].append(
                    # seq, commitment, currency, amount, date, reference, method, maturity
                    (
                        seq,
                        c.commitment,
                        CURRENCY,
                        e.amount,
                        e.date,
                        e.reference,
                        e.method.value,
                        e.maturity,
                    )
                )
            case CommitmentDisputed():
                c.disputed += e.amount
                d = DisputeRow(
                    seq, c.commitment, e.amount, e.date, e.reason,
                    None if e.reason_code is None else e.reason_code.value, "open",
                )  # fmt: skip
                self._add_dispute(d)
                self.new[disputes.name].add(seq)
            case DisputeResolved():
                self._resolved(c, e, seq)
            case CommitmentRepudiated():
                if c.repudiated_seq is None:
                    c.repudiated_seq = seq
            case CommitmentSettled():
                c.waived += e.amount_waived
                c.principal -= e.amount_waived
                c.outstanding -= e.amount_waived
                c.settled_seq = seq
            case PaymentReversed():
                self._reversed(c, e, seq)
            case SettlementConfirmed():
                self._confirmed(c, e)
            case InterestPaid():
                pass  # interest is not principal: the balances do not move
            case CommitmentVoided():
                c.voided, c.voided_seq = True, seq
            case ComplaintFiled():
                c.complaints += 1
        c.last_seq = seq
        self.dirty[commitments.name].add(c.commitment)

    def end_group(self) -> list[tuple[int, FieldError]]:
        """Close a group of statements (one appended file; in a replay, the entries of one
        ``ts``): every payment left above its commitment's balance, once the group's
        reversals are counted, as (seq, error); the group's overdrafts are then forgotten."""
        out = [found for rule in GROUP_RULES for found in rule(self)]
        self.overdrafts.clear()
        self.group_reversals.clear()
        return sorted(out, key=lambda x: x[0])

    def _reversed(self, c: CommitmentRow, e: PaymentReversed, seq: int) -> None:
        """A payment recorded in error or bounced: it never counted (DOMAIN.md revision 2)."""
        ref = self.pay_refs[c.commitment][e.reference]
        ref.reversed_seq = seq
        self.group_reversals.setdefault(c.commitment, []).append(
            GroupReversal(ref.seq, e.reference, ref.amount, seq)
        )
        c.paid -= ref.amount
        c.outstanding += ref.amount

    def _confirmed(self, c: CommitmentRow, e: SettlementConfirmed) -> None:
        """A confirmed settlement part (the rules keep it to basis settlement, within the amount)."""
        self.confirmed[c.commitment] = self.confirmed.get(c.commitment, 0) + e.amount

    def _amended(self, c: CommitmentRow, e: CommitmentAmended) -> None:
        ch = e.changes
        if not e.enterprise_consent:
            # DOMAIN.md: an unconsented amendment changes nothing owed (audits flag it)
            c.unconsented_amendments += 1
            return
        if ch.amount is not None:
            c.agreed_amount = ch.amount
            c.principal = ch.amount - c.waived - c.written_off
            c.outstanding = c.principal - c.paid
        if ch.terms is not None or ch.conditions_added:
            terms: dict[str, Any] = (
                ch.terms.to_body() if ch.terms is not None else orjson.loads(c.terms)
            )
            if ch.conditions_added:
                terms["conditions"] = [*terms.get("conditions", []), *ch.conditions_added]
            c.terms = stored_json(terms)
        if ch.interest_rate is not None:
            c.interest_rate = format_rate(ch.interest_rate)

    def _resolved(self, c: CommitmentRow, e: DisputeResolved, seq: int) -> None:
        open_ = [self.disputes[s] for s in self.open_disputes[c.commitment]]
        for d in open_:
            d.status, d.resolved_seq, d.resolved_on = "resolved", seq, e.date
            self.dirty[disputes.name].add(d.seq)
        del self.open_disputes[c.commitment]
        c.disputed = 0
        c.written_off += e.written_off
        c.principal -= e.written_off
        c.outstanding -= e.written_off

    # ----------------------------------------------------------------- write
    def records(self, cls: type[Record]) -> dict[Any, Any]:
        """The records of one entity table held in memory, by key (a replay holds them all)."""
        stores: dict[type[Record], dict[Any, Any]] = {
            AgencyRow: self.agencies,
            TenureRow: self.tenures,
            EnterpriseRow: self.enterprises,
            CommitmentRow: self.commitments,
            DisputeRow: self.disputes,
        }
        return stores[cls]

    def flush_log_rows(self, conn: Connection) -> None:
        """Insert the rows of the append-only tables made so far."""
        for name, rows in self.rows.items():
            if rows:
                _insert_many(conn, metadata.tables[name], rows)
                rows.clear()

    def flush(self, conn: Connection) -> None:
        """Write the projection rows for the accepted statements (inserts, then updates)."""
        self.flush_log_rows(conn)
        for cls in RECORDS:
            table, store, values = cls.table, self.records(cls), cls.values
            new = self.new.pop(table.name, set())
            if new:
                _insert_many(conn, table, [values(store[k]) for k in new])
            changed = self.dirty.pop(table.name, set()) - new
            if changed:
                _update_many(conn, cls, [values(store[k]) for k in changed])


# --------------------------------------------------------------------------
# bulk writes.  SQLAlchemy's per-row parameter processing costs several times
# SQLite's own work for these narrow rows, and an append of 10^5 statements
# writes a few rows each, so on SQLite the rows go straight to the driver, as
# tuples in column order; PostgreSQL keeps SQLAlchemy's batched inserts.


def _insert_many(conn: Connection, table: Table, rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    if conn.dialect.name != "sqlite":
        names = [c.name for c in table.columns]
        conn.execute(insert(table), [dict(zip(names, r, strict=True)) for r in rows])
        return
    sql = str(insert(table).compile(dialect=conn.dialect))
    conn.exec_driver_sql(sql, sqlite_rows(table, rows))


def _update_many(conn: Connection, cls: type[Record], rows: list[tuple[Any, ...]]) -> None:
    """Rewrite whole rows by primary key (``rows`` hold every column, in order)."""
    table = cls.table
    k = cls.columns.index(cls.key)
    cols = [c for c in cls.columns if c != cls.key]
    stmt = (
        update(table)
        .where(table.c[cls.key] == bindparam("k_"))
        .values({c: bindparam("v_" + c) for c in cols})
    )
    if conn.dialect.name != "sqlite":
        params = [
            {"k_": r[k], **{"v_" + c: v for c, v in zip(cls.columns, r, strict=True)}} for r in rows
        ]
        for p in params:
            p.pop("v_" + cls.key)
        conn.execute(stmt, params)
        return
    compiled = stmt.compile(dialect=conn.dialect)
    order = [cls.columns.index(n[2:]) if n != "k_" else k for n in compiled.positiontup or ()]
    rows = sqlite_rows(table, rows)
    conn.exec_driver_sql(str(compiled), [tuple(r[i] for i in order) for r in rows])
