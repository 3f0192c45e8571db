"""Golden file of the 台账 template: headers, formats, drop-downs, comments and the 说明 sheet.

The workbook's bytes carry timestamps, so its content is compared as JSON
(tests/golden/template.json).  After a deliberate change, regenerate it with
``LEDGER_UPDATE_GOLDEN=1 pytest tests/unit/test_template_golden.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ledger_reports.xlsx import write_template
from openpyxl import load_workbook  # type: ignore[import-untyped]

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "template.json"


def _dump(path: Path) -> dict[str, Any]:
    wb = load_workbook(path)
    out: dict[str, Any] = {"sheets": wb.sheetnames}
    ws = wb["台账"]
    out["台账"] = {
        "columns": [
            {
                "header": cell.value,
                "letter": cell.column_letter,
                "number_format": ws.column_dimensions[cell.column_letter].number_format,
                "comment": cell.comment.text if cell.comment else None,
            }
            for cell in ws[1]
        ],
        "freeze": ws.freeze_panes,
        "validations": sorted(
            [str(dv.sqref), dv.formula1] for dv in ws.data_validations.dataValidation
        ),
        "rows": ws.max_row,
    }
    info = wb["说明"]
    out["说明"] = [[c for c in row] for row in info.iter_rows(values_only=True)]
    return out


def test_template_matches_the_golden_file(tmp_path: Path) -> None:
    path = tmp_path / "模板.xlsx"
    write_template(path)
    got = _dump(path)
    if os.environ.get("LEDGER_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert got == want


def test_the_golden_template_is_what_a_clerk_asked_for() -> None:
    """Independent of regeneration: 序号 in column A, 说明 in Chinese, numbered."""
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    cols = want["台账"]["columns"]
    assert (cols[0]["header"], cols[0]["letter"]) == ("序号", "A")
    info = want["说明"]
    assert info[0] == ["序号", "表头", "填写说明", "可选值", "必填", "英文表头"]
    numbered = [r for r in info[1:] if isinstance(r[0], int)]
    assert [r[0] for r in numbered] == list(range(1, len(cols) + 1))
    assert [r[1] for r in numbered] == [c["header"] for c in cols]
    for row in numbered:  # every explanation is Chinese
        assert any("\u4e00" <= ch <= "\u9fff" for ch in row[2]), row
