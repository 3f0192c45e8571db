"""Issue 13 item 4: verify reads keys and leaves in one snapshot, so key
registrations running at the same time never look like tampering."""

from __future__ import annotations

import threading

from ledger.log import Ledger
from ledger.verify import verify_ledger
from tests.conftest import World


def test_verify_during_key_registration_never_cries_tamper(world: World) -> None:
    done = threading.Event()
    failures: list[BaseException] = []

    def register() -> None:
        try:
            for i in range(30):
                world.register(f"clerk-{i}", "recorder", ["*"])
        except BaseException as exc:  # noqa: BLE001  (reported below)
            failures.append(exc)
        finally:
            done.set()

    reader = Ledger.open(world.url)
    t = threading.Thread(target=register)
    t.start()
    runs = 0
    try:
        while not done.is_set() or runs < 3:
            verify_ledger(reader, projections=runs % 2 == 0)
            runs += 1
    finally:
        done.wait()
        t.join()
        reader.close()
    assert not failures, failures
    assert runs >= 3
    assert len(verify_ledger(reader).result.ring.keys) == 32  # log key, registrar, 30 clerks
