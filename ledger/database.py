"""Opening the ledger's database: an existing one, named precisely when it cannot be.

``ledger`` commands other than ``init`` open a ledger that must exist
(:func:`open_existing`); when the server cannot be reached or the SQLite file is
missing, the error says which and what to check.  :data:`DatabaseError` is the
driver's error class the CLI maps to exit 3.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import DatabaseError

from ledger.errors import BadInput, EnvironmentProblem
from ledger.log import Ledger

__all__ = [
    "DatabaseError",
    "check_reachable",
    "database_problem",
    "open_existing",
    "require_existing",
]


def open_existing(url: str) -> Ledger:
    """Open the ledger at ``url``; never creates one (only ``ledger init`` does)."""
    require_existing(url)
    try:
        return Ledger.open(url)
    except EnvironmentProblem:
        check_reachable(url)
        raise


def database_problem(exc: DatabaseError) -> str:
    """The first line of the driver's message (what the database said)."""
    return (str(exc.orig).strip().splitlines() or [type(exc.orig).__name__])[0]


def require_existing(url: str) -> None:
    """A SQLite file that does not exist is a mistyped path, not a new ledger: refuse it.

    Opening it would leave a stray empty database behind (a read command in an
    empty folder must not create ``ledger.db``).
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        u = make_url(url)
    except ArgumentError as exc:
        raise BadInput(f"--db {url!r}：不是数据库地址（not a database URL: {exc}）") from exc
    if not u.drivername.startswith("sqlite") or u.database in (None, "", ":memory:"):
        return
    if u.database.startswith("file:"):
        return
    path = Path(u.database)
    if not path.exists():
        raise EnvironmentProblem(
            f"没有账本：{path} 不存在（no ledger at {url}: {path} does not exist）；"
            "请检查 --db 或 LEDGER_DB，新建账本用 ledger init --origin ORIGIN"
        )


def check_reachable(url: str) -> None:
    """Raise a precise EnvironmentProblem when the database server cannot be reached."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    if make_url(url).drivername.startswith("sqlite"):
        return
    engine = create_engine(url, connect_args={"connect_timeout": 5}, pool_pre_ping=False)
    try:
        with engine.connect():
            return
    except SQLAlchemyError as exc:
        first = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise EnvironmentProblem(
            f"数据库无法连接（database unreachable）：{first}；请确认数据库服务已启动、"
            "--db 或 LEDGER_DB 中的主机、端口、用户和密码正确（不是 ledger init 的问题）"
        ) from exc
    finally:
        engine.dispose()
