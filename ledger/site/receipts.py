"""Receipts an enterprise can be given: every entry of one commitment or one enterprise.

The entries are found through the domain projection (``commitment_history``,
``list_commitments``), but each receipt is built from the leaf itself and
each leaf is checked to name the commitment (and, for its recording, the
enterprise) it was selected for, so an edited projection cannot hand an
enterprise a receipt for someone else's entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from ledger.clock import Clock
from ledger.domain.tables import commitment_history, list_commitments
from ledger.entry import parse_entry
from ledger.errors import BadInput, VerificationError
from ledger.log import Ledger, LogSigner


@dataclass(frozen=True, slots=True)
class NamedReceipt:
    """A FORMATS.md §6 receipt with the commitment it belongs to and a file name."""

    commitment: str
    seq: int
    file_name: str
    receipt: dict[str, Any]


def receipts_for(
    ledger: Ledger,
    signer: LogSigner | None,
    clock: Clock,
    *,
    commitment: str | None = None,
    enterprise: str | None = None,
) -> list[NamedReceipt]:
    """Receipts for every entry of ``commitment``, or of every commitment of ``enterprise``.

    Against the latest checkpoint, signed anew first when ``signer`` is given
    and the log has grown.
    """
    if (commitment is None) == (enterprise is None):
        raise BadInput("请给出 --commitment ID 或 --enterprise USCC 之一（give one of them）")
    wanted: list[tuple[str, int]] = []
    with ledger.engine.connect() as conn:
        if commitment is not None:
            ids = [commitment]
        else:
            ids = [c.commitment for c in list_commitments(conn, enterprise=enterprise)]
            if not ids:
                raise BadInput(
                    f"账本中没有企业 {enterprise!r} 的承诺（no commitment of enterprise {enterprise!r} "
                    "is recorded）"
                )
        for cid in ids:
            hist = commitment_history(conn, cid)
            if hist is None:
                raise BadInput(f"未知承诺 {cid!r}（unknown commitment {cid!r}）")
            wanted.extend((cid, item.seq) for item in hist.items)
    cp = ledger.checkpoint(signer, clock) if signer is not None else ledger.latest_checkpoint()
    if cp is None:
        raise BadInput(
            "账本尚无检查点（the log has no checkpoint yet: run 'ledger checkpoint' first）"
        )
    out = []
    for cid, seq in wanted:
        if seq >= cp.size:
            raise BadInput(
                f"承诺 {cid!r} 的条目 {seq} 晚于最新检查点（entry {seq} of commitment {cid!r} is "
                f"newer than the latest checkpoint, size {cp.size}: unlock the log key to sign a "
                "new one）"
            )
        rec = ledger.receipt(seq, None, clock)
        entry = parse_entry(ledger.leaf(seq), expect_seq=seq)
        body = entry.body
        if body.get("commitment") != cid or (
            enterprise is not None
            and entry.kind == "commitment.recorded"
            and body.get("enterprise") != enterprise
        ):
            raise VerificationError(
                f"条目 {seq} 并不属于承诺 {cid!r}，投影表已损坏（entry {seq} does not belong to "
                f"commitment {cid!r} as the projection says: the projection is damaged; run "
                "'ledger verify'）",
                seq,
            )
        name = f"{quote(cid, safe='')}-{seq:08d}.json"
        out.append(NamedReceipt(cid, seq, name, rec))
    return out


__all__ = ["NamedReceipt", "receipts_for"]
