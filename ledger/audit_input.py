"""What the audits read, proved to match the log's leaves in the same snapshot.

The audits compute from the ``domain_events`` projection (one row per entry:
its kind, commitment, ``ts`` and body), which anyone who can write to the
database could edit while the reports still print the genuine root and signed
checkpoint (issue 13 item 3).  :func:`check_audit_input` reads every leaf and
every ``domain_events`` row in the audit's own read snapshot and requires each
row to be exactly what the leaf of its seq makes of it, and one row per entry;
otherwise the audit refuses (exit 1) naming the row.  The leaves themselves are
what ``verify`` checks against the signed checkpoint: the returned root is the
RFC 9162 root of the leaves the audit rests on, for a report to compare with
the checkpoint it prints.  Cost: one pass over the leaves, no domain replay.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from ledger import merkle
from ledger.canonical import loads_leaf
from ledger.domain.state import stored_json
from ledger.entry import leaf_hash
from ledger.errors import VerificationError
from ledger.schema import domain_events, entries

CHUNK = 5000

__all__ = ["AuditInput", "check_audit_input"]


@dataclass(frozen=True, slots=True)
class AuditInput:
    """The log the audit rests on: its size and the root of its leaves."""

    size: int
    root: bytes


def _differs(seq: int, why: str) -> VerificationError:
    return VerificationError(
        f"domain_events 第 {seq} 行与账本叶子不符，审计拒绝据此计算（domain_events row seq={seq} "
        f"differs from the log's leaf: {why}; it was edited behind the log's back — the audit "
        "refuses to compute from it; run 'ledger verify', then 'ledger rebuild'）",
        seq=seq,
    )


def _expected(seq: int, leaf: bytes) -> tuple[str, str | None, str, str]:
    try:
        obj = loads_leaf(leaf)
        stmt = obj["statement"]
        kind, body, ts = stmt["kind"], stmt["body"], obj["ts"]
        commitment = body.get("commitment")
        return kind, commitment if isinstance(commitment, str) else None, ts, stored_json(body)
    except Exception as exc:
        raise VerificationError(
            f"entry {seq} is damaged ({exc!r}): run 'ledger verify'", seq=seq
        ) from exc


def check_audit_input(conn: Connection) -> AuditInput:
    """Prove that ``domain_events`` equals what the leaves make of it, in ``conn``'s snapshot.

    Raises VerificationError naming the first row (by seq) that differs, is
    missing or has no entry.
    """
    rng = merkle.CompactRange(0, [])
    pos = 0
    while True:
        leaves = conn.execute(
            select(entries.c.seq, entries.c.leaf)
            .where(entries.c.seq >= pos, entries.c.seq < pos + CHUNK)
            .order_by(entries.c.seq)
        ).all()
        rows = {
            int(r[0]): tuple(r[1:])
            for r in conn.execute(
                select(
                    domain_events.c.seq,
                    domain_events.c.kind,
                    domain_events.c.commitment,
                    domain_events.c.at,
                    domain_events.c.body,
                ).where(domain_events.c.seq >= pos, domain_events.c.seq < pos + CHUNK)
            )
        }
        for seq, raw in leaves:
            seq = int(seq)
            if seq != pos:
                raise VerificationError(
                    f"entry {pos} is missing from the log: run 'ledger verify'", seq=pos
                )
            leaf = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
            rng.append(leaf_hash(leaf))
            want = _expected(seq, leaf)
            have = rows.pop(seq, None)
            if have is None:
                raise _differs(seq, "the row is missing")
            for name, h, w in zip(("kind", "commitment", "at", "body"), have, want, strict=True):
                if h != w:
                    raise _differs(seq, f"column {name} is {h!r} but the leaf says {w!r}")
            pos += 1
        if rows:
            extra = min(rows)
            raise _differs(extra, "the log has no entry with this seq")
        if len(leaves) < CHUNK:
            break
    beyond = conn.execute(
        select(domain_events.c.seq).where(domain_events.c.seq >= pos).limit(1)
    ).scalar_one_or_none()
    if beyond is not None:
        raise _differs(int(beyond), "the log has no entry with this seq")
    return AuditInput(pos, rng.root())
