"""The arrears, turnover, disclosure and integrity reports on a small hand-worked ledger."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from ledger_reports.arrears import build_arrears
from ledger_reports.disclosure import build_disclosure
from ledger_reports.integrity import build_integrity, signature_lines
from ledger_reports.models import Directory, LogAnchor, ReportContext
from ledger_reports.turnover import build_turnover, evidence_lines

from ledger.audit import arrears_audit, disclosure_audit, turnover_audit
from ledger.entry import leaf_hash, parse_entry
from ledger.verify import verify_ledger
from tests.conftest import World
from tests.helpers import report_world as rw
from tests.helpers.pdf import cjk_font_or_skip, missing_glyphs, pdf_fonts, pdf_text

AS_OF = dt.date(2025, 12, 31)
GENERATED = dt.datetime(2026, 1, 6, 1, 2, 3, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    w = rw.build_world(tmp_path_factory.mktemp("reports"))
    yield w
    w.ledger.close()  # type: ignore[attr-defined]


def _ctx(w: World, size: int, as_of: dt.date = AS_OF) -> ReportContext:
    led = w.ledger
    cp = led.latest_checkpoint()  # type: ignore[attr-defined]
    return ReportContext(
        as_of=as_of,
        generated_at=GENERATED,
        anchor=LogAnchor(led.origin, size, led.root_at(size), cp.note, cp.size),  # type: ignore[attr-defined]
        directory=Directory(
            officials={"gb-1": rw.OLD_PRINCIPAL, "gb-2": rw.NEW_PRINCIPAL},
            enterprises={rw.USCC: rw.ENTERPRISE_NAME},
        ),
    )


def _evidence(w: World, seqs: tuple[int, ...]) -> tuple[dict[int, str], dict[int, str]]:
    hashes, kinds = {}, {}
    for s in seqs:
        leaf = w.ledger.leaf(s)  # type: ignore[attr-defined]
        hashes[s] = leaf_hash(leaf).hex()
        kinds[s] = parse_entry(leaf).kind
    return hashes, kinds


def _check_pdf(pdf: bytes) -> str:
    font = cjk_font_or_skip()
    text = pdf_text(pdf)
    assert all(f["embedded"] for f in pdf_fonts(pdf))
    assert not missing_glyphs(text, [font.name, font.mono]), "a character has no glyph (tofu)"
    return text


def test_arrears_report_names_amounts_flags_and_root(world: World) -> None:
    result = arrears_audit(world.ledger.engine, AS_OF)  # type: ignore[attr-defined]
    ctx = _ctx(world, result.log_size)
    pdf = build_arrears(result, ctx, cjk_font_or_skip())
    text = _check_pdf(pdf)
    assert "拖欠账款审计报告" in text
    assert ctx.anchor.root.hex() in text
    assert rw.COMMITMENT in text and "HT-2024-002" not in text  # paid on time: not listed
    assert rw.OUTSTANDING in text
    # 100,000.00 × 0.05% a day × 670 days (2024-03-01 → 2025-12-31) = 33,500.00
    assert "33,500.00" in text and "日0.05%" in text
    assert rw.ENTERPRISE_NAME.replace("（虚构）", "") in text.replace("\n", "")
    assert rw.AGENCY in text
    # late since 2024-03-01, before 2025-06-01: the 2020 text (art. 15, late interest)
    assert "支付条例（2020）第十五条" in text.replace("\n", "")
    assert "民法典" in text  # civil-law damages are outside the audit, and it says so
    assert build_arrears(result, ctx, cjk_font_or_skip()) == pdf


def test_turnover_report_groups_by_holder_and_official_with_evidence(world: World) -> None:
    result = turnover_audit(world.ledger.engine, AS_OF)  # type: ignore[attr-defined]
    (finding,) = result.findings
    hashes, kinds = _evidence(world, finding.evidence)
    ctx = _ctx(world, result.log_size)
    pdf = build_turnover(result, ctx, cjk_font_or_skip(), leaf_hashes=hashes, kinds=kinds)
    text = _check_pdf(pdf)
    flat = text.replace("\n", "")
    assert "新官不理旧账问题线索报告" in text and ctx.anchor.root.hex() in text
    assert f"违约时在任主要负责人：{rw.NEW_PRINCIPAL}（gb-2）" in flat
    assert "T1 旧账逾期未付" in flat and "T4 领导更替后停止付款" in flat and "换届后" not in flat
    assert "主要负责人更替" in text and "2024-06-01" in text
    assert rw.OUTSTANDING in text and "578" in text
    for seq, h in hashes.items():
        assert f"#{seq}" in text and h in text
    assert "营商条例第三十一、六十九条" in flat
    assert build_turnover(result, ctx, cjk_font_or_skip(), leaf_hashes=hashes, kinds=kinds) == pdf


def test_evidence_lines_align_seq_hash_and_kind() -> None:
    text = evidence_lines((7, 12), {7: "aa" * 32, 12: "bb" * 32}, {7: "commitment.recorded"})
    assert text.splitlines() == [f"#7   {'aa' * 32}  承诺登记", f"#12  {'bb' * 32}"]


def test_disclosure_table_lists_every_agency_zero_rows_included(world: World) -> None:
    result = disclosure_audit(world.ledger.engine, 2025)  # type: ignore[attr-defined]
    ctx = _ctx(world, result.log_size, result.as_of)
    pdf = build_disclosure(result, ctx, cjk_font_or_skip())
    text = _check_pdf(pdf)
    assert "2025年度逾期未支付中小企业款项信息公开表" in text
    assert rw.OTHER_NAME in text and rw.OUTSTANDING in text
    assert "2026年3月31日" in text and "第十八条" in text
    assert ctx.anchor.root.hex() in text


def test_integrity_certificate_lists_keys_checkpoints_and_cosignatures(
    world: World, tmp_path: Path
) -> None:
    from ledger.log import cosigned

    led = world.ledger
    cp = led.latest_checkpoint()  # type: ignore[attr-defined]
    note = cosigned(cp.note, "audit-bureau", world.keys["audit-bureau"], 1_767_000_000)
    verified = verify_ledger(led, checkpoint_note=note)  # type: ignore[arg-type]
    r = verified.result
    ctx = ReportContext(AS_OF, GENERATED, LogAnchor(r.origin, r.size, r.root, note, r.size))
    pdf = build_integrity(verified, ctx, cjk_font_or_skip(), saved_note=note)
    text = _check_pdf(pdf)
    assert "账本完整性核验证明" in text and r.root.hex() in text
    assert "registrar" in text and "audit-bureau" in text and "见证联署" in text
    assert "commitment.recorded" in text and "ledger verify-bundle" in text
    assert "2025-12-29T09:20:00Z" in text  # the cosignature's timestamp 1,767,000,000
    assert build_integrity(verified, ctx, cjk_font_or_skip(), saved_note=note) == pdf


def test_signature_lines_tell_log_witness_and_unknown_keys(world: World) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from ledger.log import cosigned
    from ledger.note import SIG_COSIGNATURE, VerifierKey, verifier_key

    led = world.ledger
    cp = led.latest_checkpoint()  # type: ignore[attr-defined]
    note = cosigned(cp.note, "audit-bureau", world.keys["audit-bureau"], 1_767_000_000)
    note = cosigned(note, "stranger", Ed25519PrivateKey.generate(), 1_767_000_001)
    log_vkey = VerifierKey.parse(led.key_ring().keys[led.origin].vkey)  # type: ignore[attr-defined]
    witness = verifier_key("audit-bureau", world.keys["audit-bureau"].public_key(), SIG_COSIGNATURE)
    lines = signature_lines(note, log_vkey, {"audit-bureau": witness})
    assert [(s.kind, s.verified) for s in lines] == [
        ("log", True),
        ("cosignature", True),
        ("unknown", None),
    ]


@pytest.mark.parametrize(
    ("rule", "kind", "label"),
    [
        ("T2", "restructuring", "T2 机构改革后违约毁约"),
        ("T3", "term_change", "T3 换届后追加条件"),
        ("T4", "official_change", "T4 领导更替后停止付款"),
        ("T4", "division_adjustment", "T4 区划调整后停止付款"),
        ("T1", "restructuring", "T1 旧账逾期未付"),
        ("T5", None, "T5 以更替为由"),
    ],
)
def test_rule_labels_name_the_real_turnover(rule: str, kind: str | None, label: str) -> None:
    from ledger_reports.labels import rule_label

    from ledger.audit.results import TurnoverType

    assert rule_label(rule, None if kind is None else TurnoverType(kind)) == label
