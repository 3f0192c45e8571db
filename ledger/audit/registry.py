"""The registry as of an audit date: holders through successions, principals, turnovers.

Only registry events dated on or before the audit date count (a succession
by its ``effective`` date, an appointment by its ``start``, a term change by
its ``effective`` date).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict

from ledger.audit.history import Registry
from ledger.audit.records import Recorded
from ledger.audit.results import TurnoverRef, TurnoverType
from ledger.domain.events import AgencyCategory, EnterpriseSize, OfficialRole, SuccessionReason
from ledger.domain.registry import Succession, Successions, succession_of

__all__ = ["TIE_ORDER", "RegistryView", "region_matches"]

_ONE_DAY = dt.timedelta(days=1)

TIE_ORDER: dict[TurnoverType, int] = {
    TurnoverType.DIVISION_ADJUSTMENT: 3,
    TurnoverType.RESTRUCTURING: 2,
    TurnoverType.TERM_CHANGE: 1,
    TurnoverType.OFFICIAL_CHANGE: 0,
}
"""On a tie of dates the higher ranks first (DOMAIN.md: division_adjustment, then
restructuring, then term_change, then official_change)."""


def region_matches(region: str | None, wanted: str) -> bool:
    """Whether ``region`` lies within division ``wanted`` (``430600`` takes in ``430602``)."""
    if region is None:
        return False
    prefix = wanted
    while len(prefix) > 2 and prefix.endswith("00"):
        prefix = prefix[:-2]
    return region.startswith(prefix)


class RegistryView:
    """The registry seen on ``as_of``: later-dated registry events are ignored.

    Holders follow the one holder rule of :mod:`ledger.domain.registry`.
    """

    def __init__(self, registry: Registry, as_of: dt.date) -> None:
        self.registry = registry
        self.as_of = as_of
        self.successions = Successions(succession_of(s.event, s.seq) for s in registry.successions)
        self._named: frozenset[str] = frozenset(
            c for s in self.successions if s.commitments is not None for c in s.commitments
        )
        principals: dict[str, list[tuple[dt.date, int, str]]] = defaultdict(list)
        for a in registry.appointments:
            app = a.event
            if app.role is OfficialRole.PRINCIPAL and app.start <= as_of:
                principals[app.agency].append((app.start, a.seq, app.official))
        for lst in principals.values():
            lst.sort()
        self._principals = dict(principals)
        departures: dict[tuple[str, str], list[dt.date]] = defaultdict(list)
        for d in registry.departures:
            if d.event.end <= as_of:
                departures[(d.event.official, d.event.agency)].append(d.event.end)
        self._departures = dict(departures)
        self._holder_cache: dict[tuple[str, dt.date, dt.date], tuple[str, tuple[int, ...]]] = {}
        self._categories = {a: r.event.category for a, r in registry.agencies.items()}
        self._turnovers: dict[str, list[TurnoverRef]] | None = None
        self._legacy_cache: dict[tuple[str, dt.date], tuple[TurnoverRef, ...]] = {}
        self._succession_seqs: dict[int, Succession] = {}

    # ------------------------------------------------------------- agencies
    def category(self, agency: str) -> AgencyCategory | None:
        """The agency's registered category."""
        return self._categories.get(agency)

    def holder_now(self, rec: Recorded) -> tuple[str, tuple[int, ...]]:
        """:meth:`holder` on the audit date."""
        return self.holder(rec, self.as_of)

    def region(self, agency: str) -> str | None:
        """The agency's registered region code."""
        reg = self.registry.agencies.get(agency)
        return reg.event.region if reg is not None else None

    def size_on(self, uscc: str, day: dt.date) -> EnterpriseSize | None:
        """An enterprise's size on ``day`` (the contract's signing date); None if unregistered."""
        rec = self.registry.enterprises.get(uscc)
        return rec.size_on(day) if rec is not None else None

    def holder(self, rec: Recorded, on: dt.date) -> tuple[str, tuple[int, ...]]:
        """The agency holding ``rec``'s obligation on ``on``, and the successions that say so.

        DOMAIN.md ``agency.succeeded``: the holder rule of :mod:`ledger.domain.registry`.
        """
        on = min(on, self.as_of)
        if rec.commitment in self._named:  # a split names it: no sharing with others
            h = self.successions.holding(rec.agency, rec.signed_on, rec.commitment, on)
            return h.holder, h.seqs
        key = (rec.agency, rec.signed_on, on)
        hit = self._holder_cache.get(key)
        if hit is None:
            h = self.successions.holding(rec.agency, rec.signed_on, rec.commitment, on)
            hit = self._holder_cache[key] = (h.holder, h.seqs)
        return hit

    def agency_holder(self, agency: str, on: dt.date) -> str:
        """The agency holding ``agency``'s obligations in full on ``on`` (itself if never
        succeeded in full by then)."""
        return self.successions.holder(agency, dt.date.min, None, min(on, self.as_of))

    # ------------------------------------------------------------- officials
    def principal(self, agency: str, on: dt.date) -> str | None:
        """The principal in office at ``agency`` on ``on``.

        A principal serves from ``start`` through a departure's ``end`` (both
        inclusive) or until the day before the next principal's ``start``.
        """
        apps = self._principals.get(agency)
        if not apps:
            return None
        i = bisect.bisect_right(apps, (on, 2**63, ""))
        if i == 0:
            return None
        start, _seq, official = apps[i - 1]
        for end in self._departures.get((official, agency), ()):
            if start <= end < on:
                return None
        return official

    # ------------------------------------------------------------- turnovers
    def _all_turnovers(self) -> dict[str, list[TurnoverRef]]:
        if self._turnovers is not None:
            return self._turnovers
        out: dict[str, list[TurnoverRef]] = defaultdict(list)
        for a in self.registry.appointments:
            ev = a.event
            if ev.role is not OfficialRole.PRINCIPAL or ev.start > self.as_of:
                continue
            if ev.official == self.principal(ev.agency, ev.start - _ONE_DAY):
                continue  # re-appointing the principal in office changes nothing
            if self._had_principal_before(ev.agency, ev.start):
                out[ev.agency].append(
                    TurnoverRef(TurnoverType.OFFICIAL_CHANGE, ev.start, a.seq, ev.agency)
                )
        by_region: dict[str, list[str]] = defaultdict(list)
        for agency, reg in self.registry.agencies.items():
            by_region[reg.event.region].append(agency)
        for tc in self.registry.term_changes:
            term = tc.event
            if term.effective > self.as_of:
                continue
            for agency in by_region.get(term.region, ()):
                out[agency].append(
                    TurnoverRef(TurnoverType.TERM_CHANGE, term.effective, tc.seq, agency)
                )
        for s in self.registry.successions:
            sv = s.event
            if sv.effective > self.as_of:
                continue
            self._succession_seqs[s.seq] = succession_of(sv, s.seq)
            kind = (
                TurnoverType.DIVISION_ADJUSTMENT
                if sv.reason is SuccessionReason.DIVISION_ADJUSTMENT
                else TurnoverType.RESTRUCTURING
            )
            out[sv.successor].append(TurnoverRef(kind, sv.effective, s.seq, sv.successor))
        for lst in out.values():
            lst.sort(key=lambda t: (t.date, t.seq))
        self._turnovers = dict(out)
        return self._turnovers

    def _had_principal_before(self, agency: str, t: dt.date) -> bool:
        """Whether ``agency``, or an agency it succeeded on or before ``t``, had a principal before ``t``."""
        for a in (agency, *self.successions.predecessors(agency, min(t, self.as_of))):
            apps = self._principals.get(a, ())
            if apps and apps[0][0] < t:
                return True
        return False

    def turnover_count(self) -> int:
        """Turnovers on or before the audit date (a term change once per agency of its region)."""
        return sum(len(v) for v in self._all_turnovers().values())

    def legacy_turnovers(self, rec: Recorded) -> tuple[TurnoverRef, ...]:
        """Turnovers for which commitment ``rec`` is legacy, by date.

        A commitment is legacy for a turnover affecting A at t when, as of t
        (by the holder rule, successions effective on t included), its
        obligation sat with A (and it was signed strictly before t: the caller
        filters on the signing date); a succession naming commitments is a
        turnover for those commitments only.  One entry per turnover seq.
        """
        named = rec.commitment in self._named
        key = (rec.agency, rec.signed_on)
        hit = None if named else self._legacy_cache.get(key)
        if hit is not None:
            return hit
        turnovers = self._all_turnovers()
        found: dict[int, TurnoverRef] = {}
        for agency in sorted(self.successions.reach(rec.agency, self.as_of)):
            for tv in turnovers.get(agency, ()):
                s = self._succession_seqs.get(tv.seq)
                if s is not None and not s.applies_to(rec.commitment):
                    continue
                holder, _ = self.holder(rec, tv.date)
                if holder != agency:
                    continue  # legacy only where, as of t, the obligation sat with A itself
                # A term change reaches every agency of its region: name the holder's.
                if tv.seq not in found or holder == agency:
                    found[tv.seq] = tv
        result = tuple(sorted(found.values(), key=lambda t: (t.date, t.seq)))
        if not named:
            self._legacy_cache[key] = result
        return result
