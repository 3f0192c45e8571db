"""A realistic, fictional Yueyang (岳阳) ledger for the demo.

Deterministic for a seed.  The divisions and their codes are Yueyang's real
county-level divisions; every agency official, enterprise, amount and event
is invented, and enterprises are labelled （虚构） so nobody mistakes them for
real companies.  The story it tells: a city government term change, principal
changes, a restructuring and a division adjustment, honoured commitments,
ordinary arrears, and 新官不理旧账 patterns (payments stopping at a turnover, a
repudiation citing the leadership change, conditions added without consent).

Pure: it returns statements (kind, body, signer role) and never touches the log.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from ledger.money import format_fen
from ledger.uscc import ALPHABET, complete_uscc

CITY = ("430600", "岳阳市")
DIVISIONS = (
    ("430602", "岳阳楼区"),
    ("430603", "云溪区"),
    ("430611", "君山区"),
    ("430621", "岳阳县"),
    ("430623", "华容县"),
    ("430624", "湘阴县"),
    ("430626", "平江县"),
    ("430681", "汨罗市"),
    ("430682", "临湘市"),
)
CITY_AGENCIES = (
    ("yy-czj", "岳阳市财政局", "organ"),
    ("yy-jtj", "岳阳市交通运输局", "organ"),
    ("yy-zjj", "岳阳市住房和城乡建设局", "organ"),
    ("yy-jyj", "岳阳市教育局", "organ"),
    ("yy-wjw", "岳阳市卫生健康委员会", "organ"),
    ("yy-gxj", "岳阳市工业和信息化局", "organ"),
    ("yy-swj", "岳阳市商务局", "organ"),
    ("yy-cgj", "岳阳市城市管理局", "organ"),
    ("yy-ylj", "岳阳市园林绿化管理处", "institution"),
    ("yy-ggzy", "岳阳市公共资源交易中心", "institution"),
    ("yy-ctjt", "岳阳市城市建设投资集团有限公司", "soe"),
)
COUNTY_KINDS = (("czj", "财政局"), ("jtj", "交通运输局"), ("jyj", "教育局"))
TRADES = (
    ("路桥工程", "道路养护工程"),
    ("建筑劳务", "校舍维修工程"),
    ("信息技术", "政务信息系统运维服务"),
    ("环境工程", "污水管网改造工程"),
    ("医疗器械", "基层医疗设备采购"),
    ("园林绿化", "城区绿化提质工程"),
    ("物业管理", "办公楼物业服务"),
    ("印务", "宣传资料印制"),
    ("农业科技", "高标准农田建设"),
    ("新材料", "产业扶持奖补"),
)
SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "建国志强海涛红梅晓东立新卫东春华秀英丽娟明辉永刚德胜文军国平玉兰俊杰振华宏伟"
TERM_CHANGE = date(2026, 1, 16)  # fictional city government term change (政府换届)
RESTRUCTURING = date(2025, 3, 1)  # 城市管理局 + 园林绿化管理处 -> 城市管理和综合执法局
DIVISION_ADJUSTMENT = date(2024, 7, 1)  # 陆城镇 -> 陆城街道 (撤镇设街道)


@dataclass(frozen=True, slots=True)
class DemoStatement:
    """One statement of the demo and who signs it (``registrar`` or an agency's clerk)."""

    kind: str
    body: dict[str, object]
    signer: str


@dataclass(slots=True)
class DemoLedger:
    """The generated statements, in append order, with the recorder scopes they need."""

    registry: list[DemoStatement] = field(default_factory=list)
    commitments: list[DemoStatement] = field(default_factory=list)
    clerks: dict[str, list[str]] = field(default_factory=dict)
    stories: dict[str, str] = field(default_factory=dict)


def _money(rng: random.Random, low: int, high: int) -> int:
    """A plausible amount in fen: round to 100 yuan mostly, sometimes to the fen."""
    fen = rng.randint(low, high) * 100
    return fen if rng.random() < 0.8 else fen + rng.randint(1, 99)


def _org8(rng: random.Random) -> str:
    return "MA4" + "".join(rng.choice(ALPHABET[:-1]) for _ in range(5))


def _person(rng: random.Random, used: set[str]) -> str:
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))
        if name not in used:
            used.add(name)
            return name


def _add_days(d: date, n: int) -> date:
    return d + timedelta(days=n)


TODAY = date(2026, 10, 31)  # no business event of the demo is dated later


def _payment(cid: str, clerk: str, amount: int, on: date, method: str) -> DemoStatement:
    body: dict[str, object] = {
        "commitment": cid,
        "amount": format_fen(amount),
        "date": on.isoformat(),
        "reference": f"银行回单-{cid}-{on:%m%d}",
        "method": method,
    }
    if method in ("bill", "voucher"):
        body["maturity"] = _add_days(on, 180).isoformat()
    return DemoStatement("payment.made", body, clerk)


def build(seed: int = 2026, commitments: int = 300) -> DemoLedger:
    """Generate the demo ledger's statements for ``seed``."""
    rng = random.Random(seed)
    out = DemoLedger()
    reg = out.registry
    agencies: list[tuple[str, str, str]] = []  # id, region, category
    for aid, name, cat in CITY_AGENCIES:
        reg.append(
            DemoStatement(
                "agency.registered",
                {"agency": aid, "name": name, "category": cat, "region": CITY[0]},
                "registrar",
            )
        )
        agencies.append((aid, CITY[0], cat))
    out.clerks["czj-clerk"] = [a for a, _, _ in CITY_AGENCIES] + ["yy-cgzf"]
    for code, dname in DIVISIONS:
        ids = []
        for suffix, kname in COUNTY_KINDS:
            aid = f"{code}-{suffix}"
            reg.append(
                DemoStatement(
                    "agency.registered",
                    {"agency": aid, "name": f"{dname}{kname}", "category": "organ", "region": code},
                    "registrar",
                )
            )
            agencies.append((aid, code, "organ"))
            ids.append(aid)
        out.clerks[f"{code}-clerk"] = ids
    # a town later turned into a street office (division adjustment)
    reg.append(
        DemoStatement(
            "agency.registered",
            {
                "agency": "430603-lczz",
                "name": "云溪区陆城镇人民政府",
                "category": "organ",
                "region": "430603",
            },
            "registrar",
        )
    )
    agencies.append(("430603-lczz", "430603", "organ"))
    out.clerks["430603-clerk"] += ["430603-lczz", "430603-lcjd"]

    # principals of every agency from 2021, and deputies here and there
    used: set[str] = set()
    principal: dict[str, str] = {}
    n_off = 0
    for aid, _, _ in agencies:
        n_off += 1
        oid = f"gb-{n_off:04d}"
        reg.append(
            DemoStatement(
                "official.appointed",
                {
                    "official": oid,
                    "name": _person(rng, used),
                    "agency": aid,
                    "role": "principal",
                    "start": "2021-06-01",
                },
                "registrar",
            )
        )
        principal[aid] = oid

    # enterprises (fictional, labelled), a few of which grow out of SME size
    enterprises: list[tuple[str, str]] = []
    for i in range(max(12, commitments // 6)):
        code, dname = rng.choice((CITY, *DIVISIONS))
        trade, _ = TRADES[i % len(TRADES)]
        uscc = complete_uscc("91" + code + _org8(rng))
        size = rng.choices(("micro", "small", "medium", "large"), (2, 5, 3, 1))[0]
        name = f"{dname.removesuffix('市')}{rng.choice('洞庭湘楚巴陵君山岳州汨水')}{trade}有限公司（虚构）"
        reg.append(
            DemoStatement(
                "enterprise.registered",
                {"uscc": uscc, "name": name, "size": size, "ownership": "private"},
                "registrar",
            )
        )
        enterprises.append((uscc, size))
    grown = enterprises[3][0]
    reg.append(
        DemoStatement(
            "enterprise.updated",
            {"uscc": grown, "effective": "2025-01-01", "size": "large"},
            "registrar",
        )
    )

    # turnovers: principal changes, the city term change, a restructuring, a division adjustment
    turnover_agencies = ["yy-jtj", "yy-zjj", "430626-jtj", "430681-czj"]
    for k, aid in enumerate(turnover_agencies):
        n_off += 1
        oid = f"gb-{n_off:04d}"
        start = _add_days(date(2024, 9, 1), 120 * k)
        reg.append(
            DemoStatement(
                "official.appointed",
                {
                    "official": oid,
                    "name": _person(rng, used),
                    "agency": aid,
                    "role": "principal",
                    "start": start.isoformat(),
                },
                "registrar",
            )
        )
        principal[aid] = oid
    reg.append(
        DemoStatement(
            "government.term_changed",
            {
                "region": CITY[0],
                "term": "2026—2031届（虚构）",
                "effective": TERM_CHANGE.isoformat(),
            },
            "registrar",
        )
    )
    reg.append(
        DemoStatement(
            "agency.registered",
            {
                "agency": "yy-cgzf",
                "name": "岳阳市城市管理和综合执法局",
                "category": "organ",
                "region": CITY[0],
            },
            "registrar",
        )
    )
    reg.append(
        DemoStatement(
            "agency.registered",
            {
                "agency": "430603-lcjd",
                "name": "云溪区陆城街道办事处",
                "category": "organ",
                "region": "430603",
            },
            "registrar",
        )
    )
    successions: list[tuple[dict[str, object], date]] = [
        (
            {
                "predecessors": ["yy-cgj", "yy-ylj"],
                "successor": "yy-cgzf",
                "reason": "restructuring",
                "effective": RESTRUCTURING.isoformat(),
            },
            RESTRUCTURING,
        ),
        (
            {
                "predecessors": ["430603-lczz"],
                "successor": "430603-lcjd",
                "reason": "division_adjustment",
                "effective": DIVISION_ADJUSTMENT.isoformat(),
            },
            DIVISION_ADJUSTMENT,
        ),
    ]
    succeeded_on = {
        "yy-cgj": RESTRUCTURING,
        "yy-ylj": RESTRUCTURING,
        "430603-lczz": DIVISION_ADJUSTMENT,
    }
    # The successors come into being on the day: they can sign only from then on.
    born_on = {"yy-cgzf": RESTRUCTURING, "430603-lcjd": DIVISION_ADJUSTMENT}
    for succession, _ in successions:
        reg.append(DemoStatement("agency.succeeded", succession, "registrar"))
    for aid in ("yy-cgzf", "430603-lcjd"):
        n_off += 1
        reg.append(
            DemoStatement(
                "official.appointed",
                {
                    "official": f"gb-{n_off:04d}",
                    "name": _person(rng, used),
                    "agency": aid,
                    "role": "principal",
                    "start": born_on[aid].isoformat(),
                },
                "registrar",
            )
        )

    clerk_of = {a: c for c, ids in out.clerks.items() for a in ids}
    all_ids = [a for a, _, _ in agencies] + ["yy-cgzf", "430603-lcjd"]
    favoured = ["yy-cgj", "yy-ylj", "430603-lczz", *turnover_agencies]
    for n in range(commitments):
        cid = f"HT-{2022 + n % 4}-{n + 1:05d}"
        aid = rng.choice(favoured) if rng.random() < 0.35 else rng.choice(all_ids)
        signed = date(2022, 1, 10) + timedelta(days=rng.randint(0, 1400))
        if aid in succeeded_on and signed >= succeeded_on[aid]:
            signed = succeeded_on[aid] - timedelta(days=rng.randint(30, 400))
        if aid in born_on and signed < born_on[aid]:
            signed = born_on[aid] + timedelta(days=rng.randint(1, 300))
        uscc, _size = rng.choice(enterprises)
        trade_i = rng.randrange(len(TRADES))
        ctype = rng.choices(("contract", "payable", "policy"), (7, 2, 1))[0]
        title = TRADES[trade_i][1] if ctype != "policy" else "招商引资协议约定的产业扶持奖补"
        amount = _money(rng, 50, 30000)
        clerk = clerk_of[aid]
        basis = rng.choices(("acceptance", "delivery", "date"), (5, 3, 2))[0]
        terms: dict[str, object] = {"basis": basis}
        if basis == "date":
            terms["due"] = _add_days(signed, rng.choice((60, 90, 180))).isoformat()
        else:
            terms["days"] = rng.choices((30, 45, 60, 90), (5, 2, 2, 1))[0]
            if basis == "acceptance" and rng.random() < 0.85:
                terms["acceptance_days"] = rng.choice((10, 15, 30))
        if rng.random() < 0.1:
            terms["conditions"] = ["财政评审"]
        body: dict[str, object] = {
            "commitment": cid,
            "type": ctype,
            "agency": aid,
            "enterprise": uscc,
            "title": title,
            "amount": format_fen(amount),
            "signed_on": signed.isoformat(),
            "terms": terms,
            "official": principal.get(aid, "gb-0001")
            if rng.random() < 0.5 and aid in principal
            else None,
        }
        if body["official"] is None:
            del body["official"]
        if ctype == "policy":
            body["policy_ref"] = f"岳政发〔{signed.year}〕{rng.randint(1, 40)}号"
        if rng.random() < 0.3:
            body["interest_rate"] = rng.choice(("3.00", "3.45", "4.35", "6.00"))
        stmts = [DemoStatement("commitment.recorded", body, clerk)]
        delivered = _add_days(signed, rng.randint(10, 120))
        accepted = _add_days(delivered, rng.randint(3, 40))
        if ctype != "policy" or rng.random() < 0.5:
            stmts.append(
                DemoStatement(
                    "commitment.delivered",
                    {"commitment": cid, "date": delivered.isoformat()},
                    clerk,
                )
            )
            if basis == "acceptance":
                stmts.append(
                    DemoStatement(
                        "commitment.accepted",
                        {"commitment": cid, "date": accepted.isoformat()},
                        clerk,
                    )
                )
        start = accepted if basis == "acceptance" else delivered
        due = _add_days(start, int(terms.get("days", 30)))  # type: ignore[call-overload]
        story = rng.choices(
            (
                "honoured",
                "late",
                "partial",
                "unpaid",
                "stopped",
                "disputed",
                "repudiated",
                "conditions",
                "settled",
                "void",
            ),
            (30, 15, 15, 12, 8, 5, 4, 4, 4, 3),
        )[0]
        out.stories[cid] = story

        def pay(
            amt: int,
            on: date,
            method: str = "transfer",
            cid: str = cid,
            clerk: str = clerk,
            stmts: list[DemoStatement] = stmts,
        ) -> None:
            if on <= TODAY:
                stmts.append(_payment(cid, clerk, amt, on, method))

        if story == "honoured":
            pay(amount, _add_days(start, rng.randint(5, 28)))
        elif story == "late":
            pay(
                amount,
                _add_days(due, rng.randint(20, 300)),
                rng.choice(("transfer", "transfer", "bill")),
            )
        elif story == "partial":
            part = amount * rng.choice((3, 4, 5)) // 10
            pay(part, _add_days(start, rng.randint(5, 25)))
        elif story == "stopped":
            part = amount // 4
            pay(part, _add_days(start, 10))
            pay(part, _add_days(start, 40))
        elif story == "disputed":
            pay(amount // 2, _add_days(start, 20))
            stmts.append(
                DemoStatement(
                    "commitment.disputed",
                    {
                        "commitment": cid,
                        "amount": format_fen(amount // 5),
                        "date": _add_days(start, 25).isoformat(),
                        "reason": "部分工程量存在争议",
                        "reason_code": "quality",
                    },
                    clerk,
                )
            )
        elif story == "repudiated":
            when = max(_add_days(due, 30), TERM_CHANGE + timedelta(days=20))
            if when <= TODAY:
                stmts.append(
                    DemoStatement(
                        "commitment.repudiated",
                        {
                            "commitment": cid,
                            "date": when.isoformat(),
                            "reason": "新任领导认为前任签订的协议不再执行",
                            "reason_code": "official_change",
                        },
                        clerk,
                    )
                )
        elif story == "conditions":
            when = max(_add_days(start, 20), TERM_CHANGE + timedelta(days=10))
            if when <= TODAY:
                stmts.append(
                    DemoStatement(
                        "commitment.amended",
                        {
                            "commitment": cid,
                            "date": when.isoformat(),
                            "changes": {"conditions_added": ["待审计结算后支付"]},
                            "enterprise_consent": False,
                            "reason": "换届后要求先行审计",
                            "reason_code": "awaiting_audit",
                        },
                        clerk,
                    )
                )
        elif story == "settled":
            pay(amount // 2, _add_days(due, 60))
            stmts.append(
                DemoStatement(
                    "commitment.settled",
                    {
                        "commitment": cid,
                        "date": _add_days(due, 90).isoformat(),
                        "amount_waived": format_fen(amount // 10),
                        "document_sha256": f"{rng.getrandbits(256):064x}",
                    },
                    clerk,
                )
            )
            pay(amount - amount // 2 - amount // 10, _add_days(due, 100))
        elif story == "void":
            stmts.append(
                DemoStatement(
                    "commitment.voided",
                    {"commitment": cid, "reason": "录入错误：合同编号重复"},
                    clerk,
                )
            )
        if story in ("unpaid", "stopped", "repudiated") and rng.random() < 0.3:
            when = _add_days(due, 45)
            if when <= TODAY:
                stmts.append(
                    DemoStatement(
                        "complaint.filed",
                        {
                            "commitment": cid,
                            "date": when.isoformat(),
                            "summary": "企业反映款项逾期未付",
                        },
                        clerk,
                    )
                )
        out.commitments.extend(stmts)
    return out
