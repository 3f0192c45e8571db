"""STYLE.md §1 and §5: the dependency arrow points down; money is never a float."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLI, REPORTS = "ledger_cli", "ledger_reports"  # the folders cli/ and reports/, installed
FORBIDDEN_IN_LEDGER = {"click", "reportlab", "openpyxl", "rich", CLI, REPORTS, "cli", "reports"}
FORBIDDEN_IN_REPORTS = {"click", CLI, "cli", "sqlalchemy"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module.split(".")[0])
    return out


def test_ledger_imports_no_ui_or_report_library() -> None:
    bad = {
        str(p.relative_to(ROOT)): sorted(_imports(p) & FORBIDDEN_IN_LEDGER)
        for p in (ROOT / "ledger").rglob("*.py")
    }
    assert {k: v for k, v in bad.items() if v} == {}


def test_reports_run_no_sql_and_no_cli() -> None:
    bad = {
        str(p.relative_to(ROOT)): sorted(_imports(p) & FORBIDDEN_IN_REPORTS)
        for p in (ROOT / "reports").rglob("*.py")
    }
    assert {k: v for k, v in bad.items() if v} == {}


def test_ledger_never_reads_the_clock_or_the_environment() -> None:
    pattern = re.compile(r"datetime\.now\(|date\.today\(|os\.environ|getenv\(|\bprint\(")
    hits = []
    for p in (ROOT / "ledger").rglob("*.py"):
        for no, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#")[0]
            if pattern.search(code) and "def system_clock" not in line:
                hits.append(f"{p.relative_to(ROOT)}:{no}: {line.strip()}")
    # clock.system_clock is the one wall clock, and only the CLI passes it in.
    assert [h for h in hits if "clock.py" not in h] == []


def test_no_float_arithmetic_on_money() -> None:
    pattern = re.compile(
        r"\bfloat\(|(amount|fen|principal|outstanding|interest)\w*\s*[*/]\s*\d+\.\d"
    )
    hits = []
    for folder in ("ledger", "reports"):
        for p in (ROOT / folder).rglob("*.py"):
            for no, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
                if pattern.search(line.split("#")[0]):
                    hits.append(f"{p.relative_to(ROOT)}:{no}: {line.strip()}")
    assert hits == []


def _from_imports(path: Path) -> set[str]:
    """``module`` and ``module.name`` of every absolute import a file makes when it runs
    (imports under ``if TYPE_CHECKING:`` are for annotations only and are left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If)
        and ast.unparse(node.test) in {"TYPE_CHECKING", "typing.TYPE_CHECKING"}
        for stmt in node.body
        for inner in ast.walk(stmt)
    }
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names}
    return out


SQL = {f"sqlalchemy.{n}" for n in ("select", "insert", "update", "delete", "text", "func")}
STORAGE_MODULES = ("ledger.schema", "ledger.sql", "ledger.domain.tables", "ledger.domain.state")
"""Where tables, rows and SQL live: the CLI asks ledger.domain.views and the other library
calls instead (a row class may be named in an annotation, under TYPE_CHECKING)."""


def test_cli_runs_no_sql_and_reads_no_table() -> None:
    """Issue 10: the CLI asks the library; tables and SQL stay in ledger/ (cli -> storage forbidden)."""
    bad = {}
    for p in (ROOT / "cli").rglob("*.py"):
        hits = {
            m
            for m in _from_imports(p)
            if m in SQL
            or any(m == s or m.startswith(s + ".") for s in STORAGE_MODULES)
            or m.split(".")[0] == "sqlalchemy"
        }
        if hits:
            bad[str(p.relative_to(ROOT))] = sorted(hits)
    assert bad == {}


STORAGE_CALLS = re.compile(r"\.engine\.connect\b|\.connect\(\)|\.begin\(")


def test_cli_opens_no_connection_and_no_transaction() -> None:
    """Issue 10 item 5: no ``.engine.connect`` or ``.begin(`` in cli/; the library reads."""
    hits = []
    for p in (ROOT / "cli").rglob("*.py"):
        for no, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
            if STORAGE_CALLS.search(line.split("#")[0]):
                hits.append(f"{p.relative_to(ROOT)}:{no}: {line.strip()}")
    assert hits == []


def test_the_layer_checks_see_what_they_forbid(tmp_path: Path) -> None:
    """The scans above would catch each forbidden form (they are not vacuous)."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import sqlalchemy\nfrom sqlalchemy.exc import DatabaseError\nfrom ledger.schema import log\n",
        encoding="utf-8",
    )
    assert {"sqlalchemy", "sqlalchemy.exc", "ledger.schema"} <= _from_imports(sample)
    typed = tmp_path / "typed.py"
    typed.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
        "    from ledger.domain.tables import AgencyRow\nfrom ledger.domain.tables import x\n",
        encoding="utf-8",
    )
    assert "ledger.domain.tables.x" in _from_imports(typed)
    assert "ledger.domain.tables.AgencyRow" not in _from_imports(typed)
    runs = tmp_path / "runs.py"
    runs.write_text(
        "if not TYPE_CHECKING:\n    from ledger.schema import a\n"
        "if DEBUG or TYPE_CHECKING:\n    from ledger.sql import b\n",
        encoding="utf-8",
    )
    assert {"ledger.schema.a", "ledger.sql.b"} <= _from_imports(runs)
    for line in ("with env.ledger().engine.connect() as c:", "with engine.begin() as c:"):
        assert STORAGE_CALLS.search(line)
    assert not STORAGE_CALLS.search("click.echo('connected')")


def test_audits_read_projections_not_the_log() -> None:
    """The audits read the domain projections (one snapshot), never the log module."""
    bad = {
        str(p.relative_to(ROOT)): sorted(
            m for m in _from_imports(p) if m == "ledger.log" or m.startswith("ledger.log.")
        )
        for p in (ROOT / "ledger" / "audit").rglob("*.py")
    }
    assert {k: v for k, v in bad.items() if v} == {}


def test_the_module_map_names_every_shipped_module() -> None:
    """docs/ARCHITECTURE.md shows a newcomer where each thing lives: every module of
    ledger/, cli/ and reports/ is named there (by path, or by file name in its section)."""
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    named = set(re.findall(r"[\w/]+\.py", text))
    missing = [
        str(p.relative_to(ROOT))
        for folder in ("ledger", "cli", "reports")
        for p in sorted((ROOT / folder).rglob("*.py"))
        if p.name != "__init__.py" and str(p.relative_to(ROOT)) not in named and p.name not in named
    ]
    assert missing == []
