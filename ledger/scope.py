"""Which agencies a statement touches, for recorder scopes (DOMAIN.md).

A recorder may sign for a commitment when its scope covers the agency that
signed the commitment or the agency that holds it now (following
successions; where an agency was split, the latest succession wins).  The same
class serves ``append`` (preloaded from the projection tables) and ``verify``
(built by replaying the log), so both apply one rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class ScopeState:
    """Commitment -> signing agency, and agency -> latest successor."""

    commitment_agency: dict[str, str] = field(default_factory=dict)
    successor: dict[str, str] = field(default_factory=dict)

    def holder(self, agency: str) -> str:
        """The agency holding ``agency``'s obligations now, through any chain."""
        seen = {agency}
        while agency in self.successor:
            agency = self.successor[agency]
            if agency in seen:  # a cycle cannot be recorded; stop defensively
                break
            seen.add(agency)
        return agency

    def agencies_for(self, kind: str, body: dict[str, Any]) -> set[str] | None:
        """Agencies a commitment-kind statement touches; None when unresolvable."""
        if kind == "commitment.recorded":
            agency = body.get("agency")
            return {agency} if isinstance(agency, str) else None
        commitment = body.get("commitment")
        if not isinstance(commitment, str) or commitment not in self.commitment_agency:
            return None
        signed = self.commitment_agency[commitment]
        return {signed, self.holder(signed)}

    def apply(self, kind: str, body: dict[str, Any]) -> None:
        """Update the state with an accepted statement."""
        if kind == "commitment.recorded":
            self.commitment_agency[body["commitment"]] = body["agency"]
        elif kind == "agency.succeeded":
            for pred in body["predecessors"]:
                self.successor[pred] = body["successor"]
