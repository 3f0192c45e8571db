"""``ledger report ...`` through click's CliRunner."""

from __future__ import annotations

import hashlib
import io
import json
import shlex
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from ledger_cli.main import cli

from tests.helpers import report_world as rw
from tests.helpers.pdf import cjk_font_or_skip, pdf_fonts, pdf_text

ORIGIN = "ledger.report-cli.example/commitments"
AT = "2026-01-06T01:02:03Z"


@pytest.fixture
def run(tmp_path: Path):  # type: ignore[no-untyped-def]
    env = {
        "LEDGER_DB": f"sqlite:///{tmp_path / 'l.db'}",
        "LEDGER_KEYSTORE": str(tmp_path / "ks"),
        "LEDGER_PASSPHRASE": "pw-for-tests",
        "LEDGER_CONFIG": "",
        "LEDGER_REPORT_FONT": "",
    }

    def invoke(*args: str, ok: int | None = 0) -> Result:
        res = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
        if ok is not None:
            assert res.exit_code == ok, (args, res.output, res.stderr)
        return res

    return invoke


@pytest.fixture
def ready(run, tmp_path: Path):  # type: ignore[no-untyped-def]
    cjk_font_or_skip()
    run("init", "--origin", ORIGIN)
    run("keys", "new", "registrar", "--role", "recorder", "--agency", "*")
    lines = [json.dumps({"kind": k, "body": b}, ensure_ascii=False) for k, b in rw.statements()]
    (tmp_path / "s.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    run("append", str(tmp_path / "s.jsonl"), "--key", "registrar")
    run("checkpoint", "--out", str(tmp_path / "saved.checkpoint"))
    run("keys", "vkey", ORIGIN)
    (tmp_path / "log.vkey").write_text(run("keys", "vkey", ORIGIN).stdout, encoding="utf-8")
    return run


def _report(run, tmp_path: Path, kind: str, *extra: str, name: str | None = None) -> bytes:  # type: ignore[no-untyped-def]
    out = tmp_path / (name or f"{kind}.pdf")
    res = run(
        "report", kind, "--as-of", "2025-12-31", "--out", str(out), "--generated-at", AT, *extra
    )
    pdf = out.read_bytes()
    assert f"sha256 {hashlib.sha256(pdf).hexdigest()}" in res.stdout
    return pdf


def test_every_report_is_written_with_embedded_fonts(ready, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    expect = {
        "arrears": ["拖欠账款审计报告", rw.OUTSTANDING, rw.COMMITMENT],
        "turnover": ["新官不理旧账问题线索报告", rw.NEW_PRINCIPAL, "T4 领导更替后停止付款"],
        "disclosure": ["2025年度逾期未支付中小企业款项信息公开表", rw.OTHER_NAME],
        "integrity": ["账本完整性核验证明", "registrar", "核验结论"],
    }
    for kind, words in expect.items():
        pdf = _report(ready, tmp_path, kind, *(["--year", "2025"] if kind == "disclosure" else []))
        text = pdf_text(pdf)
        flat = text.replace("\n", "")
        for w in words:
            assert w in flat, (kind, w)
        assert ORIGIN in text
        assert all(f["embedded"] for f in pdf_fonts(pdf)), kind


def test_same_log_same_generated_at_same_bytes(ready, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a = _report(ready, tmp_path, "turnover", name="a.pdf")
    b = _report(ready, tmp_path, "turnover", name="b.pdf")
    assert a == b


@pytest.mark.parametrize("kind", ["arrears", "turnover", "disclosure"])
def test_report_jobs_like_the_audit_same_bytes(ready, tmp_path: Path, kind: str) -> None:  # type: ignore[no-untyped-def]
    """--jobs is shared with ledger audit: slices in worker processes, the same PDF."""
    one = _report(ready, tmp_path, kind, name="one.pdf")
    two = _report(ready, tmp_path, kind, "--jobs", "2", name="two.pdf")
    assert one == two


def test_turnover_receipts_verify(ready, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "receipts"
    pdf = _report(ready, tmp_path, "turnover", "--receipts", str(folder))
    files = sorted(folder.glob("receipt-*.json"))
    assert len(files) == 3  # the commitment, the payment and the new principal's appointment
    text = pdf_text(pdf)
    for f in files:
        seq = int(f.stem.split("-")[1])
        assert f"#{seq}" in text
        res = ready("verify-receipt", str(f), "--vkey", str(tmp_path / "log.vkey"))
        assert f"entry {seq} is in {ORIGIN}" in res.stdout


def test_integrity_with_a_pinned_key_and_a_saved_checkpoint(ready, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pdf = _report(
        ready,
        tmp_path,
        "integrity",
        "--vkey",
        str(tmp_path / "log.vkey"),
        "--checkpoint",
        str(tmp_path / "saved.checkpoint"),
    )
    text = pdf_text(pdf).replace("\n", "")
    assert "延续性" in text and "日志公钥" in text


def test_integrity_refuses_a_wrong_pinned_key(ready, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from ledger.note import verifier_key

    other = verifier_key(ORIGIN, Ed25519PrivateKey.generate().public_key()).encode()
    out = tmp_path / "bad.pdf"
    res = ready(
        "report", "integrity", "--as-of", "2025-12-31", "--out", str(out), "--vkey", other, ok=1
    )
    assert "pinned" in res.stderr and not out.exists()


def test_a_bad_font_is_bad_input(ready, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "x.pdf"
    res = ready(
        "report",
        "arrears",
        "--as-of",
        "2025-12-31",
        "--out",
        str(out),
        "--font",
        str(tmp_path / "missing.ttf"),
        ok=2,
    )
    assert "missing.ttf" in res.stderr and not out.exists()


def test_disclosure_year_must_be_over(ready, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    res = ready(
        "report",
        "disclosure",
        "--as-of",
        "2025-12-30",
        "--year",
        "2025",
        "--out",
        str(tmp_path / "d.pdf"),
        ok=2,
    )
    assert "not over" in res.stderr


def test_every_report_command_has_an_example() -> None:
    group = cli.get_command(click.Context(cli), "report")
    assert isinstance(group, click.Group)
    assert "Example:" in (group.help or "")
    for name, cmd in group.commands.items():  # type: ignore[attr-defined]
        assert "Example:" in (cmd.help or ""), name
        assert "\b" in (cmd.help or ""), name


def _flat(pdf: bytes) -> str:
    """The PDF's text with line breaks and spacing removed (long lines wrap in the PDF)."""
    return "".join(pdf_text(pdf).split())


def test_filtered_report_names_its_scope_and_exact_commands(ready, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pdf = _report(
        ready,
        tmp_path,
        "turnover",
        "--agency",
        rw.AGENCY,
        "--region",
        "430600",
        "--issuer",
        "岳阳市审计局",
        "--marking",
        "内部",
    )
    text = _flat(pdf)
    # the cover names the filter, with the agency's name beside its id
    assert "".join(f"范围仅限：机关{rw.AGENCY_NAME}（{rw.AGENCY}）".split()) in text
    assert "行政区划430600（含所辖区县）" in text
    # the last page: the exact audit with every filter, and this very command
    audit = (
        f"ledger audit turnover --as-of 2025-12-31 --agency {rw.AGENCY} --region 430600 "
        "--format json"
    )
    report = (
        f"ledger report turnover --as-of 2025-12-31 --agency {rw.AGENCY} --region 430600 "
        f"-o turnover.pdf --generated-at {AT}"
    )
    assert "".join(audit.split()) in text and "".join(report.split()) in text
    assert "--issuer岳阳市审计局--marking内部" in text
    # issuer, date and seal block; the marking on every page
    assert "出具单位岳阳市审计局" in text and "出具日期2026年1月6日" in text and "盖章处" in text
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(pdf)).pages
    assert all("内部" in (p.extract_text() or "") for p in pages)
    last = "".join((pages[-1].extract_text() or "").split())
    assert "".join(audit.split()) in last and "盖章处" in last
    # the audit printed on the last page gives the findings the report shows
    res = ready(*shlex.split(audit)[1:])
    assert [f["commitment"] for f in json.loads(res.stdout)["findings"]] == [rw.COMMITMENT]


def test_unfiltered_report_says_so(ready, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = _flat(_report(ready, tmp_path, "arrears"))
    assert "范围全部承诺（未按机关、区划或企业筛选）" in text
    assert "ledgerauditarrears--as-of2025-12-31--formatjson" in text
    assert "出具单位＿＿" in text  # a blank line to fill in


@pytest.mark.parametrize("kind", ["arrears", "turnover", "disclosure"])
def test_report_with_an_unknown_agency_is_refused(ready, tmp_path: Path, kind: str) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "typo.pdf"
    res = ready(
        "report", kind, "--as-of", "2025-12-31", "-o", str(out), "--agency", "yy-tset", ok=2
    )
    assert not out.exists()
    assert "yy-tset" in res.stderr and rw.AGENCY in res.stderr and rw.AGENCY_NAME in res.stderr


def test_integrity_lists_a_cosigned_checkpoint_once(ready, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ready("keys", "new", "audit-bureau", "--role", "witness")
    # a checkpoint of the current size, stored in the ledger, then cosigned outside it
    latest = tmp_path / "latest.checkpoint"
    ready("checkpoint", "--out", str(latest))
    cosigned = tmp_path / "checkpoint.cosigned"
    ready(
        "cosign",
        str(latest),
        "--key",
        "audit-bureau",
        "--vkey",
        str(tmp_path / "log.vkey"),
        "--out",
        str(cosigned),
    )
    text = _flat(
        _report(
            ready,
            tmp_path,
            "integrity",
            "--checkpoint",
            str(cosigned),
            "--vkey",
            str(tmp_path / "log.vkey"),
        )
    )
    assert "先前保存的检查点（--checkpoint）；最新检查点" in text
    assert "见证联署" in text and "audit-bureau" in text
    assert "不带见证联署" not in text
    assert f"ledgerverify--vkey{tmp_path / 'log.vkey'}--checkpoint{cosigned}" in text


def test_integrity_without_cosignatures_says_what_it_was_given(ready, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = _flat(_report(ready, tmp_path, "integrity"))
    assert "本报告所得的此检查点文本不带见证联署" in text
    assert "范围整个账本" in text


def test_site_url_adds_a_receipt_check_qr(ready, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = "https://ledger.example.gov.cn/commitments"
    text = _flat(_report(ready, tmp_path, "arrears", "--site-url", url))
    assert f"收据核验网址{url}/verify.html" in text and "扫码在公开站点核验收据" in text


@pytest.mark.parametrize(
    "option",
    [
        ("--region", "43060"),  # not a 6-digit code
        ("--region", "999900"),  # no registered agency within it
        ("--agency", "yy-tset"),
        ("--enterprise", "91430600MA4L0000X0"),  # a bad check character
    ],
)
@pytest.mark.parametrize("kind", ["arrears", "turnover", "disclosure"])
def test_report_filters_are_refused_exactly_like_the_audits(  # type: ignore[no-untyped-def]
    ready, tmp_path: Path, kind: str, option: tuple[str, str]
) -> None:
    """CLI.md: filters mean the same everywhere; a bad or unknown value is refused (exit 2)."""
    out = tmp_path / "refused.pdf"
    audit = ready("audit", kind, "--as-of", "2025-12-31", *option, "--format", "json", ok=2)
    report = ready("report", kind, "--as-of", "2025-12-31", "-o", str(out), *option, ok=2)
    assert not out.exists()
    last = [r.stderr.strip().splitlines()[-1] for r in (audit, report)]
    assert last[0] == last[1] and option[1] in last[0]
