"""Who holds a commitment on a date, and an enterprise's name and size as of a date.

DOMAIN.md revision 2, ``agency.succeeded``, is the one rule every holder
question follows: recorder scope on append and verify, the projections,
``show``/``list``, the importer, the audits and the reports all ask
:class:`Successions`; names and sizes "as of D" all come from
:class:`EnterpriseNames`.  Nothing else in the code follows successions.

The holder rule: start at the agency that signed the commitment, reached on
the signing date.  From the current holder ``h``, reached on ``r``, take the
successions that apply to the commitment (``h`` is among their predecessors,
and they name no commitments or name this one) with ``r <= effective <= D``;
if there are none, ``h`` holds it.  Otherwise move to the successor of the
winner, reached on its ``effective``, and repeat: a succession naming the
commitment wins over one naming none; among equals the latest by
``(effective, seq)`` wins.

Two kinds of succession are refused (whichever is appended second), see
:meth:`Successions.refusal`: one whose successor was already succeeded in
full on or before its ``effective`` (an agency that no longer exists takes
over nothing), and one closing a cycle (a commitment's path of holders
revisiting an agency).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ledger.domain.events import AgencySucceeded
from ledger.errors import both

__all__ = ["EnterpriseNames", "Holding", "Succession", "Successions", "succession_of"]


@dataclass(frozen=True, slots=True)
class Succession:
    """One ``agency.succeeded`` entry: its seq and the fields the holder rule reads.

    ``commitments`` is None for a succession in full (it names no
    commitments), else the commitments it allocates.
    """

    seq: int
    predecessors: tuple[str, ...]
    successor: str
    effective: dt.date
    reason: str
    commitments: frozenset[str] | None = None

    @property
    def in_full(self) -> bool:
        """Whether it takes over every open obligation (it names no commitments)."""
        return self.commitments is None

    def applies_to(self, commitment: str | None) -> bool:
        """Whether it moves ``commitment`` (None: an agency's obligations in full)."""
        if self.commitments is None:
            return True
        return commitment is not None and commitment in self.commitments


def succession_of(e: AgencySucceeded, seq: int) -> Succession:
    """The registry's record of an ``agency.succeeded`` entry of that seq."""
    return Succession(
        seq=seq,
        predecessors=e.predecessors,
        successor=e.successor,
        effective=e.effective,
        reason=e.reason.value,
        commitments=None if e.commitments is None else frozenset(e.commitments),
    )


@dataclass(frozen=True, slots=True)
class Holding:
    """The agency holding a commitment on a date, and the successions that led there."""

    holder: str
    path: tuple[Succession, ...] = ()

    @property
    def seqs(self) -> tuple[int, ...]:
        """The seqs of the successions followed, in order."""
        return tuple(s.seq for s in self.path)

    @property
    def reached(self) -> dt.date | None:
        """The date the holder was reached (None: it is the signing agency)."""
        return self.path[-1].effective if self.path else None


class Successions:
    """Every succession of the log, indexed by predecessor, and the holder rule over them."""

    __slots__ = ("_by_pred", "_by_succ", "_items")

    def __init__(self, items: Iterable[Succession] = ()) -> None:
        self._items: list[Succession] = []
        self._by_pred: dict[str, list[Succession]] = defaultdict(list)
        self._by_succ: dict[str, list[Succession]] = defaultdict(list)
        for s in items:
            self.add(s)

    def __iter__(self) -> Iterator[Succession]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def add(self, s: Succession) -> None:
        """Take in an accepted succession (any order of seq)."""
        self._items.append(s)
        for p in s.predecessors:
            self._by_pred[p].append(s)
        self._by_succ[s.successor].append(s)

    def of_predecessor(self, agency: str) -> tuple[Succession, ...]:
        """The successions naming ``agency`` among their predecessors, in the order taken in."""
        return tuple(self._by_pred.get(agency, ()))

    def of_successor(self, agency: str) -> tuple[Succession, ...]:
        """The successions whose successor is ``agency``."""
        return tuple(self._by_succ.get(agency, ()))

    # ---------------------------------------------------------- the holder rule
    def _step(
        self, h: str, reached: dt.date, commitment: str | None, on: dt.date | None
    ) -> Succession | None:
        best: Succession | None = None
        best_key: tuple[bool, dt.date, int] | None = None
        for s in self._by_pred.get(h, ()):
            if s.effective < reached or (on is not None and s.effective > on):
                continue
            if not s.applies_to(commitment):
                continue
            key = (s.commitments is not None, s.effective, s.seq)
            if best_key is None or key > best_key:
                best, best_key = s, key
        return best

    def holding(
        self,
        agency: str,
        signed_on: dt.date,
        commitment: str | None = None,
        on: dt.date | None = None,
    ) -> Holding:
        """Who holds ``commitment``, signed by ``agency`` on ``signed_on``, as of ``on``.

        DOMAIN.md ``agency.succeeded``.  ``on`` None: as of every succession
        recorded (the latest date).  ``commitment`` None: the agency's
        obligations in full (only successions naming no commitments apply).
        """
        h, reached = agency, signed_on
        path: list[Succession] = []
        seen = {agency}
        while True:
            s = self._step(h, reached, commitment, on)
            if s is None or s.successor in seen:  # a cycle is refused on append
                return Holding(h, tuple(path))
            path.append(s)
            seen.add(s.successor)
            h, reached = s.successor, s.effective

    def holder(
        self,
        agency: str,
        signed_on: dt.date,
        commitment: str | None = None,
        on: dt.date | None = None,
    ) -> str:
        """:meth:`holding`'s agency."""
        return self.holding(agency, signed_on, commitment, on).holder

    def predecessors(self, agency: str, on: dt.date) -> frozenset[str]:
        """Every agency ``agency`` succeeded, directly or through others, by successions
        effective on or before ``on`` (the audits: did the successor inherit a leadership?)."""
        out: set[str] = set()
        todo = [agency]
        while todo:
            cur = todo.pop()
            for s in self.of_successor(cur):
                if s.effective > on:
                    continue
                for p in s.predecessors:
                    if p not in out and p != agency:
                        out.add(p)
                        todo.append(p)
        return frozenset(out)

    def reach(self, agency: str, on: dt.date) -> frozenset[str]:
        """``agency`` and every agency that succeeded it, through any chain, by successions
        effective on or before ``on``: every agency that may hold one of its commitments
        then (which one does is :meth:`holding`'s answer)."""
        out = {agency}
        todo = [agency]
        while todo:
            cur = todo.pop()
            for s in self.of_predecessor(cur):
                if s.effective <= on and s.successor not in out:
                    out.add(s.successor)
                    todo.append(s.successor)
        return frozenset(out)

    def succeeded_in_full(self, agency: str, on: dt.date | None = None) -> Succession | None:
        """The earliest succession in full of ``agency`` effective on or before ``on``, if any.

        An agency succeeded in full signs nothing dated on or after its ``effective``.
        """
        found = [
            s
            for s in self._by_pred.get(agency, ())
            if s.in_full and (on is None or s.effective <= on)
        ]
        return min(found, key=lambda s: (s.effective, s.seq)) if found else None

    # ----------------------------------------------------------------- refusals
    def refusal(self, new: Succession) -> tuple[str, str] | None:
        """Why ``new`` may not join these successions, as ``(field, message)``; None if it may.

        DOMAIN.md: never a succession S together with a succession in full whose
        predecessors include S's successor and whose ``effective`` is on or
        before S's; never a cycle.  Whichever comes second is refused.
        """
        cycle = self._cycle(new)
        if cycle is not None:
            i = new.predecessors.index(cycle)
            why = both(
                f"承继将形成循环：{cycle!r} 会再次承接已移交的债务",
                f"{cycle!r} would hold again obligations it passed on, through "
                f"{new.successor!r}: the succession would make a cycle",
            )
            return (f"body.predecessors[{i}]", why)
        gone = self.succeeded_in_full(new.successor, new.effective)
        if gone is not None:
            why = both(
                f"机构 {new.successor!r} 已于 {gone.effective} 被整体承继，不能再承接债务",
                f"{new.successor!r} was succeeded in full on {gone.effective} by "
                f"{gone.successor!r}, seq {gone.seq}: an agency that no longer exists "
                "takes over nothing",
            )
            return ("body.successor", why)
        if new.in_full:
            for i, p in enumerate(new.predecessors):
                for s in self._by_succ.get(p, ()):
                    if new.effective <= s.effective:
                        why = both(
                            f"机构 {p!r} 于 {s.effective} 承接了债务，不能在此前或当日被整体承继",
                            f"{p!r} took over obligations on {s.effective}, seq {s.seq}, on or "
                            f"after this succession in full effective {new.effective}: an "
                            "agency that no longer exists takes over nothing",
                        )
                        return (f"body.predecessors[{i}]", why)
        return None

    def _cycle(self, new: Succession) -> str | None:
        """A predecessor of ``new`` that some commitment's path of holders could revisit.

        A path of holders moves on non-decreasing dates, so a cycle through
        ``new`` (effective ``e``) is a walk from its successor back to one of
        its predecessors whose dates, read around the cycle from ``e``, rise
        with at most one fall: first dates on or after ``e``, then (after at
        most one fall) dates that stay on or before ``e``.  Every succession
        on the walk must apply to one commitment in common.
        """
        e = new.effective
        preds = set(new.predecessors)
        Scope = frozenset[str] | None
        start: tuple[str, dt.date, bool, Scope] = (new.successor, e, False, new.commitments)
        todo = [start]
        seen: set[tuple[str, dt.date, bool, Scope]] = {start}
        while todo:
            agency, last, fell, scope = todo.pop()
            for s in self._by_pred.get(agency, ()):
                if s.commitments is None:
                    nscope = scope
                elif scope is None:
                    nscope = s.commitments
                else:
                    nscope = scope & s.commitments
                    if not nscope:
                        continue
                if s.effective >= last:
                    nfell = fell
                elif not fell:
                    nfell = True
                else:
                    continue
                if nfell and s.effective > e:
                    continue
                if s.successor in preds:
                    return s.successor
                state = (s.successor, s.effective, nfell, nscope)
                if state not in seen:
                    seen.add(state)
                    todo.append(state)
        return None


@dataclass(slots=True)
class EnterpriseNames:
    """An enterprise's registered name and size and its dated updates.

    DOMAIN.md: a name or size "as of D" takes the latest update with
    ``effective`` on or before D, ordered by ``(effective, seq)``; before any
    update the registration's values hold.
    """

    name: str
    size: str
    updates: list[tuple[dt.date, int, str | None, str | None]] = field(default_factory=list)
    """(effective, seq, name or None, size or None), sorted."""

    def update(self, effective: dt.date, seq: int, name: str | None, size: str | None) -> None:
        """Take in one ``enterprise.updated`` (any order)."""
        self.updates.append((effective, seq, name, size))
        self.updates.sort(key=lambda u: (u[0], u[1]))

    @staticmethod
    def takes_over(effective: dt.date, in_force_since: dt.date | None) -> bool:
        """Whether an update effective on ``effective``, appended after the value in
        force since ``in_force_since`` (None: the registration's), becomes the latest.

        The incremental form of the order above, for a projection that keeps only
        the latest value and the date it took effect: updates arrive in seq order, so
        a later one wins a tie of ``effective``.
        """
        return in_force_since is None or effective >= in_force_since

    def name_on(self, on: dt.date | None = None) -> str:
        """The name as of ``on`` (None: the latest)."""
        name = self.name
        for effective, _seq, new, _size in self.updates:
            if on is not None and effective > on:
                break
            if new is not None:
                name = new
        return name

    def size_on(self, on: dt.date | None = None) -> str:
        """The size as of ``on`` (None: the latest), judged at a contract's signing date."""
        size = self.size
        for effective, _seq, _name, new in self.updates:
            if on is not None and effective > on:
                break
            if new is not None:
                size = new
        return size
