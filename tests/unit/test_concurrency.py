"""Many processes appending at once, and a process killed mid-append."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from ledger.entry import parse_entry
from ledger.verify import verify_ledger
from tests.conftest import World

ROOT = Path(__file__).resolve().parents[2]


def _seed(world: World, name: str) -> str:
    key = world.register(name, agencies=["*"])
    raw = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return raw.hex()


def _spawn(
    world: World, name: str, seed: str, prefix: str, batches: int, size: int
) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.helpers.appender",
            world.url,
            name,
            seed,
            prefix,
            str(batches),
            str(size),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_four_processes_appending_at_once_never_fork_or_lose_entries(world: World) -> None:
    seeds = {f"p{i}": _seed(world, f"p{i}") for i in range(4)}
    before = world.ledger.size()
    procs = [_spawn(world, name, seed, name, batches=15, size=8) for name, seed in seeds.items()]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    leaves = [leaf for _, leaf, _ in world.ledger.iter_leaves()]
    assert len(leaves) == before + 4 * 15 * 8
    ids = [parse_entry(x).body.get("agency") for x in leaves[before:]]
    assert len(set(ids)) == len(ids) == 480
    assert {i.split("-")[0] for i in ids} == set(seeds)
    # every seq exactly once and the whole log verifies
    assert [parse_entry(x).seq for x in leaves] == list(range(len(leaves)))
    assert verify_ledger(world.ledger, jobs=2).result.size == len(leaves)


def test_a_process_killed_mid_append_leaves_the_log_verifying(world: World) -> None:
    seed = _seed(world, "crashy")
    before = world.ledger.size()
    proc = _spawn(world, "crashy", seed, "big", batches=1, size=20000)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == "appending", proc.stderr.read() if proc.stderr else ""
    time.sleep(0.5)  # well inside the append transaction (it takes seconds)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert world.ledger.size() == before
    verify_ledger(world.ledger)
    # running the append again then succeeds, with every statement
    again = _spawn(world, "crashy", seed, "big", batches=1, size=20000)
    _, err = again.communicate(timeout=600)
    assert again.returncode == 0, err
    assert world.ledger.size() == before + 20000
    verify_ledger(world.ledger, jobs=2)


def test_signature_workers_run_below_the_reading_process() -> None:
    """verify's workers take the cores the reader leaves: their nice value is higher."""
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    from ledger.verify import _yield_to_reader

    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=ctx, initializer=_yield_to_reader) as pool:
        assert pool.submit(os.nice, 0).result() == min(os.nice(0) + 10, 19)
