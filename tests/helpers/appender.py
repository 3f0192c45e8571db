"""A separate process that appends statements to a ledger (concurrency and crash tests).

Usage: python -m tests.helpers.appender URL KEY_NAME SEED_HEX PREFIX BATCHES BATCH_SIZE
Prints "appending" (flushed) right before each append transaction starts.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.log import Draft, Ledger, sign_statements


def main(argv: list[str]) -> None:
    url, name, seed_hex, prefix, batches, size = (
        argv[0],
        argv[1],
        argv[2],
        argv[3],
        int(argv[4]),
        int(argv[5]),
    )
    key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(seed_hex))
    ledger = Ledger.open(url)

    def clock() -> datetime:
        return datetime.now(UTC)

    for b in range(batches):
        drafts = [
            Draft(
                i + 1,
                "agency.registered",
                {
                    "agency": f"{prefix}-{b}-{i}",
                    "name": f"并发机关 {prefix} {b} {i}",
                    "category": "organ",
                    "region": "430600",
                },
            )
            for i in range(size)
        ]
        signed = sign_statements(drafts, name, key, clock, origin=ledger.origin)
        print("appending", flush=True)
        ledger.append(signed, clock)
    print("done", flush=True)
    ledger.close()


if __name__ == "__main__":
    main(sys.argv[1:])
