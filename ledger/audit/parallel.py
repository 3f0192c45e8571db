"""Running an audit over slices of the commitments, in worker processes.

An audit is CPU-bound Python over millions of commitments; with ``jobs`` > 1
the commitment ids are cut into ``jobs`` ranges of about as many events, and
every range but the last is audited in a forked child while this process
audits the last one.  Every reader is bounded by the log size read in the
parent's snapshot (``seq < log_size``): the log is append-only, so all of
them see exactly the same log whatever is appended meanwhile.

Children are forked (they inherit the registry already loaded); where fork is
not available, or the database is in memory, the audit runs in one process.
Each child opens its own database connection and sends its partial result
back through a pipe.
"""

from __future__ import annotations

import multiprocessing
import sys
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, func, select

from ledger.audit.history import Slice, snapshot
from ledger.errors import LedgerError
from ledger.schema import domain_events, make_engine

__all__ = ["WorkerFailed", "can_fork", "plan_slices", "run_slices"]

T = TypeVar("T")


class WorkerFailed(LedgerError):
    """An audit worker process failed; the message is the worker's own error."""

    code = "E-AUDIT-WORKER"

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def can_fork(engine: Engine) -> bool:
    """Whether slices may run in forked workers for this database."""
    if sys.platform != "linux" or "fork" not in multiprocessing.get_all_start_methods():
        return False
    if engine.dialect.name == "sqlite":
        db = engine.url.database
        return bool(db) and db != ":memory:" and not str(db).startswith("file::memory:")
    return True


def plan_slices(conn: Connection, jobs: int, log_size: int) -> list[Slice]:
    """Cut the commitment ids into up to ``jobs`` ranges of about as many events.

    Boundaries are commitment ids read at even offsets of the
    ``(commitment, seq)`` index, so the ranges follow the database's own
    ordering of ids (its collation) and no commitment is split.
    """
    if jobs <= 1:
        return [Slice(None, None, log_size)]
    c = domain_events.c
    live = (c.commitment.is_not(None), c.seq < log_size)
    total = conn.execute(select(func.count()).select_from(domain_events).where(*live)).scalar_one()
    bounds: list[str] = []
    for i in range(1, jobs):
        row = conn.execute(
            select(c.commitment)
            .where(*live)
            .order_by(c.commitment)
            .limit(1)
            .offset(total * i // jobs)
        ).scalar_one_or_none()
        if row is not None and (not bounds or row != bounds[-1]):
            bounds.append(row)
    edges: list[str | None] = [None, *bounds, None]
    return [Slice(edges[i], edges[i + 1], log_size) for i in range(len(edges) - 1)]


def _child(url: str, work: Callable[[Connection, Slice], Any], sl: Slice, send: Any) -> None:
    try:
        engine = make_engine(url)
        try:
            with snapshot(engine) as conn:
                result = work(conn, sl)
        finally:
            engine.dispose()
        send.send((True, result))
    except BaseException as exc:  # noqa: BLE001 - a child reports every failure to the parent
        code = exc.exit_code if isinstance(exc, LedgerError) else 3
        detail = str(exc) if isinstance(exc, LedgerError) else traceback.format_exc(limit=5)
        send.send((False, (detail, code)))
    finally:
        send.close()


def run_slices(
    engine: Engine,
    conn: Connection,
    slices: list[Slice],
    work: Callable[[Connection, Slice], T],
) -> list[T]:
    """``work`` on every slice: the last one here on ``conn``, the others in forked children.

    Results come back in slice order.  A child's failure is raised here as
    :class:`WorkerFailed` with the child's message and exit code.
    """
    if len(slices) == 1:
        return [work(conn, slices[0])]
    ctx = multiprocessing.get_context("fork")
    url = engine.url.render_as_string(hide_password=False)
    children = []
    for sl in slices[:-1]:
        recv, send = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_child, args=(url, work, sl, send), daemon=True)
        proc.start()
        send.close()
        children.append((proc, recv))
    try:
        mine = work(conn, slices[-1])
        results: list[T] = []
        for proc, recv in children:
            try:
                ok, value = recv.recv()
            except EOFError:
                proc.join()
                raise WorkerFailed(
                    f"an audit worker died (exit status {proc.exitcode})", 3
                ) from None
            proc.join()
            if not ok:
                raise WorkerFailed(f"audit worker: {value[0]}", value[1])
            results.append(value)
    finally:
        for proc, recv in children:
            recv.close()
            if proc.is_alive():
                proc.kill()
                proc.join()
    return [*results, mine]
