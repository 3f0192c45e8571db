"""A small ledger with one 新官不理旧账 story, worked out by hand, for the report tests.

岳阳市测试局 (organ, 430600) signs HT-2024-001 with a small enterprise on
2024-01-10 for 125,000.00, due on 2024-03-01; it pays 25,000.00 on
2024-02-01 and nothing after a new principal (李志强, appointed 2024-06-01,
replacing 张建国) takes office.  As of 2025-12-31:

- outstanding 125,000.00 − 25,000.00 = 100,000.00 (overdue since 2024-03-01);
- T1 (legacy debt unpaid) and T4 (payments stopped at the turnover);
- breach date = later of the due date and the turnover = 2024-06-01, when
  李志强 was in office; days under the new leadership = 2025-12-31 −
  2024-06-01 = 578;
- a second commitment, HT-2024-002 with 岳阳市第二测试局, is paid on time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ledger.uscc import complete_uscc
from tests.conftest import FakeClock, World, make_world

AGENCY = "yy-test"
AGENCY_NAME = "岳阳市城市管理和综合执法局城区园林绿化养护管理测试所"
OTHER = "yy-test2"
OTHER_NAME = "岳阳市第二测试局"
USCC = complete_uscc("91430600MA4L0001")
ENTERPRISE_NAME = "岳阳楼区洞庭湖滨路桥工程建设有限责任公司（虚构）"
OLD_PRINCIPAL = "张建国"
NEW_PRINCIPAL = "李志强"
COMMITMENT = "HT-2024-001"
OUTSTANDING = "100,000.00"


def statements() -> list[tuple[str, dict[str, Any]]]:
    """The registry and commitment statements of the story, in order."""
    return [
        (
            "agency.registered",
            {"agency": AGENCY, "name": AGENCY_NAME, "category": "organ", "region": "430600"},
        ),
        (
            "agency.registered",
            {"agency": OTHER, "name": OTHER_NAME, "category": "organ", "region": "430600"},
        ),
        (
            "enterprise.registered",
            {"uscc": USCC, "name": ENTERPRISE_NAME, "size": "small", "ownership": "private"},
        ),
        (
            "official.appointed",
            {
                "official": "gb-1",
                "name": OLD_PRINCIPAL,
                "agency": AGENCY,
                "role": "principal",
                "start": "2021-06-01",
            },
        ),
        (
            "commitment.recorded",
            {
                "commitment": COMMITMENT,
                "type": "contract",
                "agency": AGENCY,
                "enterprise": USCC,
                "title": "城区绿化提质工程",
                "amount": "125000.00",
                "signed_on": "2024-01-10",
                "terms": {"basis": "date", "due": "2024-03-01"},
            },
        ),
        (
            "payment.made",
            {
                "commitment": COMMITMENT,
                "amount": "25000.00",
                "date": "2024-02-01",
                "reference": "回单-0201",
                "method": "transfer",
            },
        ),
        (
            "official.appointed",
            {
                "official": "gb-2",
                "name": NEW_PRINCIPAL,
                "agency": AGENCY,
                "role": "principal",
                "start": "2024-06-01",
            },
        ),
        (
            "commitment.recorded",
            {
                "commitment": "HT-2024-002",
                "type": "contract",
                "agency": OTHER,
                "enterprise": USCC,
                "title": "办公楼物业服务",
                "amount": "8000.00",
                "signed_on": "2024-03-01",
                "terms": {"basis": "date", "due": "2024-04-01"},
            },
        ),
        (
            "payment.made",
            {
                "commitment": "HT-2024-002",
                "amount": "8000.00",
                "date": "2024-03-20",
                "reference": "回单-0320",
                "method": "transfer",
            },
        ),
    ]


def build_world(tmp: Path) -> World:
    """The story in a fresh SQLite ledger, with a witness key and a checkpoint."""
    clock = FakeClock()
    w = make_world(f"sqlite:///{tmp / 'ledger.db'}", tmp, clock)
    w.register("audit-bureau", "witness")
    w.append("registrar", statements())
    w.ledger.checkpoint(w.signer(), clock)  # type: ignore[attr-defined]
    return w
