"""账本完整性核验证明: the integrity certificate an auditor files.

Input is what :func:`ledger.verify.verify_ledger` established (a
:class:`~ledger.verify.VerifyReport`: size, root, entries by kind, the key
ring replayed from the log, the stored checkpoints, the saved checkpoint it
was checked against), plus the saved checkpoint note itself when the caller
had one.  The report says what was verified, the result, every checkpoint
with its signature lines (the log's signature and any witness cosignatures,
checked against the witness keys registered in the log), and how anyone can
re-verify independently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ledger_reports.base import ReportDoc
from ledger_reports.fmt import count, instant_text
from ledger_reports.fonts import FontChoice
from ledger_reports.labels import KIND, ROLE
from ledger_reports.models import Directory, ReportContext
from ledger_reports.tables import Col
from reportlab.platypus import Flowable, Spacer

from ledger.authz import KeyRecord, Role
from ledger.errors import BadInput, VerificationError
from ledger.note import (
    SIG_COSIGNATURE,
    Checkpoint,
    Note,
    VerifierKey,
    cosignature_time,
    parse_note,
    verify_note,
)
from ledger.verify import VerifyReport

__all__ = ["SignatureLine", "build_integrity", "signature_lines"]

TITLE = "账本完整性核验证明"


@dataclass(frozen=True, slots=True)
class SignatureLine:
    """One signature line of a checkpoint note, as checked here."""

    name: str
    key_id: str
    """4-byte key ID, hex."""
    kind: str
    """``log`` (the log's signature), ``cosignature`` or ``unknown``."""
    verified: bool | None
    """True/False when a known key checked it; None for an unknown key."""
    time: dt.datetime | None
    """A cosignature's timestamp (tlog-cosignature), UTC."""


def signature_lines(
    note_text: str, log_vkey: VerifierKey, witnesses: Mapping[str, VerifierKey]
) -> list[SignatureLine]:
    """Every signature line of a signed note, checked against the log key and ``witnesses``.

    Lines other than the log's are cosignatures (c2sp.org/tlog-cosignature);
    a line by a key not in ``witnesses`` is reported as unknown, not failed
    (signed-note §Signatures: unknown signatures are ignored).
    """
    note = parse_note(note_text)
    out: list[SignatureLine] = []
    for sig in note.signatures:
        kid = sig.key_hash.hex()
        single = Note(note.text, (sig,))
        if sig.name == log_vkey.name and sig.key_hash == log_vkey.key_hash:
            out.append(SignatureLine(sig.name, kid, "log", _verifies(single, log_vkey), None))
            continue
        when: dt.datetime | None = None
        try:
            when = dt.datetime.fromtimestamp(cosignature_time(sig), dt.UTC)
        except (BadInput, OverflowError, OSError, ValueError):
            when = None
        w = witnesses.get(sig.name)
        if w is None or w.key_hash != sig.key_hash:
            out.append(SignatureLine(sig.name, kid, "unknown", None, when))
            continue
        out.append(SignatureLine(sig.name, kid, "cosignature", _verifies(single, w), when))
    return out


def _verifies(note: Note, key: VerifierKey) -> bool:
    try:
        verify_note(note, key)
    except (VerificationError, BadInput):
        return False
    return True


def _witness_keys(
    keys: Mapping[str, KeyRecord], extra: Sequence[VerifierKey]
) -> dict[str, VerifierKey]:
    out: dict[str, VerifierKey] = {}
    for rec in keys.values():
        if rec.role in (Role.WITNESS, Role.AUDITOR):
            vk = VerifierKey.parse(rec.vkey)
            if vk.alg == SIG_COSIGNATURE:
                out[vk.name] = vk
    for vk in extra:
        out[vk.name] = vk
    return out


def _scope(rec: KeyRecord, names: Directory) -> str:
    if rec.role is Role.LOG:
        return "登记类条目、密钥事件、检查点"
    if rec.role is not Role.RECORDER:
        return "不签条目，仅联署检查点"
    if "*" in rec.agencies:
        return "全部机关（*）"
    return "、".join(names.agency(a) for a in rec.agencies)


def _merged_notes(
    verified: VerifyReport,
    saved_note: str | None,
    log_vkey: VerifierKey,
    witnesses: Mapping[str, VerifierKey],
) -> list[tuple[list[str], int, list[SignatureLine]]]:
    """The checkpoints to list with their signature lines, one entry per checkpoint.

    The saved note (``--checkpoint``, often the cosigned copy) and the latest
    stored checkpoint are the same checkpoint when their texts are equal: they
    are listed once, with the signatures of both, so one checkpoint is never
    shown as cosigned and not cosigned at the same time.
    """
    given: list[tuple[str, str]] = []
    if saved_note is not None:
        given.append(("先前保存的检查点（--checkpoint）", saved_note))
    if verified.checkpoints:
        given.append(("最新检查点", verified.checkpoints[-1].note))
    merged: dict[str, tuple[list[str], int, list[SignatureLine]]] = {}
    for label_text, note_text in given:
        body = parse_note(note_text).text
        cp = Checkpoint.parse(body)
        entry = merged.setdefault(body, ([], cp.size, []))
        entry[0].append(label_text)
        seen = {(s.name, s.key_id) for s in entry[2]}
        for line in signature_lines(note_text, log_vkey, witnesses):
            if (line.name, line.key_id) not in seen:
                entry[2].append(line)
                seen.add((line.name, line.key_id))
    return list(merged.values())


def build_integrity(
    verified: VerifyReport,
    ctx: ReportContext,
    font: FontChoice,
    *,
    pinned_vkey: str | None = None,
    saved_note: str | None = None,
    extra_witnesses: Sequence[VerifierKey] = (),
    jobs: int = 1,
) -> bytes:
    """The integrity certificate as PDF bytes.

    ``pinned_vkey`` is the log key the verification was pinned to (``--vkey``),
    ``saved_note`` the checkpoint note it was checked against (``--checkpoint``;
    its witness cosignatures are listed), ``extra_witnesses`` witness keys
    given by the caller besides those registered in the log.
    """
    r = verified.result
    ring = r.ring
    log_rec = ring.keys[r.origin]
    log_vkey = VerifierKey.parse(log_rec.vkey)
    witnesses = _witness_keys(ring.keys, extra_witnesses)
    signatures = sum(r.kinds.values())
    revoked = sorted(
        (k for k in ring.keys.values() if k.revoked_seq is not None),
        key=lambda k: (k.revoked_seq or 0, k.name),
    )
    doc = ReportDoc(
        TITLE,
        ctx,
        font,
        subtitle="供审计机关、纪检监察机关及任何第三方核对本账本未被篡改",
        cover_rows=[("核验结论", "通过：未发现篡改、伪造签名、越权签署、分叉或回滚")],
    )
    story: list[Flowable] = []

    story += doc.h1("一、核验结论")
    story.append(
        doc.para(
            f"对账本 {r.origin} 的全部 {count(r.size)} 条条目逐条重新核验，全部通过。"
            f"按 RFC 9162 由全部叶数据重算的 Merkle 根哈希为 {r.root.hex()}。"
            "核验只读取各条目的原始叶字节，不信任数据库中的任何派生列。"
        )
    )
    checks = [
        "哈希链：每条目的 prev 字段等于前一条目的叶哈希（SHA-256(0x00‖叶)），条目序号连续、时间戳不倒流；",
        "Merkle 树：由全部叶重算树根；数据库存储的每个叶哈希与子树哈希均与重算值一致（证明、收据据此生成）；",
        f"签名：{count(signatures)} 条条目的 Ed25519 签名（对 RFC 8785 规范化声明）逐条验证通过；",
        (
            "授权：每条目的签署密钥在签署时已登记且未吊销；日志密钥只签登记类与密钥事件，"
            "记录员只签其机关范围内（或承继机关）的承诺事件，审计、见证密钥不签条目；"
        ),
        (
            f"检查点：{count(len(verified.checkpoints))} 个已签名检查点的日志签名有效，"
            "其根哈希与重算的同一大小的树根一致；"
        ),
        "密钥表：数据库 keys 表与由日志重放得到的密钥登记、吊销完全一致；",
    ]
    if pinned_vkey:
        checks.append(f"日志公钥：创世条目登记的日志公钥与指定的 vkey 一致（{pinned_vkey}）；")
    if verified.saved is not None:
        checks.append(
            f"延续性：账本包含先前保存的检查点（树大小 {count(verified.saved.size)}），"
            "其根哈希与本次重算的同一大小的树根一致，日志自那时起只增不改（无分叉、无回滚）。"
        )
    story += doc.bullets(checks)

    story += doc.h1("二、条目统计（按事件类型）")
    rows = [[KIND.get(k, k), k, count(n)] for k, n in sorted(r.kinds.items())]
    rows.append(["合计", "", count(r.size)])
    story.append(
        doc.table(
            [
                Col("事件类型", 3.2),
                Col("日志标识（kind）", 2.6, mono=True),
                Col("条目数", 1.2, "RIGHT"),
            ],
            rows,
        )
    )

    story += doc.h1("三、密钥及其权限范围")
    keys = sorted(ring.keys.values(), key=lambda k: (k.registered_seq, k.name))
    story.append(
        doc.table(
            [
                Col("密钥名称", 2.6),
                Col("角色", 2.2),
                Col("权限范围（机关）", 2.6),
                Col("登记序号", 0.9, "RIGHT"),
                Col("吊销序号", 0.9, "RIGHT"),
            ],
            [
                [
                    k.name,
                    ROLE.get(str(k.role), str(k.role)),
                    _scope(k, ctx.directory),
                    str(k.registered_seq),
                    "—" if k.revoked_seq is None else str(k.revoked_seq),
                ]
                for k in keys
            ],
        )
    )
    story.append(Spacer(1, 4))
    story.append(doc.small("各密钥的验证公钥（signed-note vkey），复核时以此核对签名："))
    story.append(
        doc.table(
            [Col("密钥名称", 2.0), Col("验证公钥（vkey）", 7.0, mono=True)],
            [[k.name, k.vkey] for k in keys],
        )
    )

    story += doc.h1("四、吊销记录")
    if revoked:
        story.append(
            doc.table(
                [
                    Col("密钥名称", 3.0),
                    Col("角色", 2.0),
                    Col("登记序号", 1.2, "RIGHT"),
                    Col("吊销序号", 1.2, "RIGHT"),
                ],
                [
                    [
                        k.name,
                        ROLE.get(str(k.role), str(k.role)),
                        str(k.registered_seq),
                        str(k.revoked_seq),
                    ]
                    for k in revoked
                ],
            )
        )
        story.append(
            doc.small("吊销之后，该密钥签署的任何条目都会使核验失败；核验已确认不存在此类条目。")
        )
    else:
        story.append(doc.para("无：本账本没有吊销任何密钥。"))

    story += doc.h1("五、签名检查点")
    if verified.checkpoints:
        story.append(
            doc.table(
                [
                    Col("树大小", 1.1, "RIGHT"),
                    Col("根哈希（hex）", 6.0, mono=True),
                    Col("日志签名", 1.2),
                ],
                [[count(c.size), c.root.hex(), "有效"] for c in verified.checkpoints],
            )
        )
    else:
        story.append(doc.para("账本尚未签署检查点。"))
    for labels, size, lines in _merged_notes(verified, saved_note, log_vkey, witnesses):
        story += doc.h2(f"{'；'.join(labels)}：树大小 {count(size)}")
        story.append(
            doc.table(
                [
                    Col("签名者", 3.0),
                    Col("密钥ID", 1.2, mono=True),
                    Col("类型", 1.6),
                    Col("时间（UTC）", 2.2),
                    Col("核验", 1.2),
                ],
                [
                    [
                        s.name,
                        s.key_id,
                        {"log": "日志签名", "cosignature": "见证联署", "unknown": "未登记密钥"}[
                            s.kind
                        ],
                        "—" if s.time is None else s.time.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        {True: "有效", False: "无效", None: "无法核验"}[s.verified],
                    ]
                    for s in lines
                ],
            )
        )
        cos = [s for s in lines if s.kind == "cosignature" and s.verified]
        if cos:
            story.append(
                doc.small(
                    "见证联署（c2sp.org/tlog-cosignature）表明见证人在所示时间见到了该树头，"
                    f"并确认日志只增不改：{'、'.join(s.name for s in cos)}。"
                )
            )
        elif not any(s.kind != "log" for s in lines):
            story.append(
                doc.small(
                    "本报告所得的此检查点文本不带见证联署。见证人若已联署，请以 --checkpoint "
                    "提供联署后的检查点（如 checkpoint.cosigned）重新生成本证明；尚未联署的，"
                    "可用 ledger cosign 请审计、纪检监察等见证人联署。"
                )
            )

    story += doc.h1("六、如何独立复核")
    story.append(
        doc.para(
            "复核无需信任账本运营方：只需日志公钥（vkey，见上表）和账本数据或导出包。"
            "以下任一方式得到相同的树大小与根哈希，即证明本证明所述无误："
        )
    )
    story.append(
        doc.code(
            [
                "# 1. 直接复核数据库（全部条目、签名、授权、检查点）",
                f"ledger verify --vkey log.vkey --checkpoint saved.checkpoint --jobs {max(jobs, 2)}",
                "# 2. 导出审计包，离线复核（不需数据库），并要求见证联署",
                "ledger export audit.zip --zip",
                "ledger verify-bundle audit.zip --vkey log.vkey --witness audit-bureau.vkey",
                "# 3. 单条证据：收据（包含证明）可单独核对",
                "ledger receipt SEQ --out receipt.json",
                "ledger verify-receipt receipt.json --vkey log.vkey",
            ]
        )
    )
    story += doc.bullets(
        [
            (
                "任一 RFC 6962 / RFC 9162 验证器均可独立重算：叶哈希 = SHA-256(0x00 ‖ 叶字节)，"
                "内部节点 = SHA-256(0x01 ‖ 左 ‖ 右)；包含证明与一致性证明按 RFC 9162 第2.1.3、2.1.4节验证。"
            ),
            (
                "检查点为 C2SP tlog-checkpoint 格式的签名笔记（c2sp.org/signed-note），可用 Go 的 "
                "golang.org/x/mod/sumdb/note 与 sumdb/tlog 验证签名、包含证明与一致性证明。"
            ),
            (
                "封面二维码即签名检查点原文；扫描后与账本运营方、见证人公布的检查点比对，"
                "树大小与根哈希一致即说明打印件对应同一账本状态。"
            ),
        ]
    )
    story.append(Spacer(1, 6))
    story.append(
        doc.small(
            f"本证明由 {ctx.generator} 于 {instant_text(ctx.generated_at)} 生成；"
            "同一输入生成的PDF逐字节相同，其SHA-256可另行登记。"
        )
    )
    return doc.build(story)
