"""The published site's pages: index, annual disclosures, verify.html (FORMATS.md §9).

Pages are in Chinese, static and self-contained (no external resources).
``verify.html`` is assembled from the package's ``static`` files with the log's
verifier key and the witnesses' keys pinned in it, so a saved copy checks
receipts with no network and no key served by anyone.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
from collections.abc import Sequence
from importlib import resources
from typing import TYPE_CHECKING

from ledger.errors import EnvironmentProblem
from ledger.money import format_fen
from ledger.note import Note, VerifierKey, cosignature_time

if TYPE_CHECKING:
    from ledger.audit.results import DisclosureRow
    from ledger.log import Ledger, StoredCheckpoint

_CHINA = dt.timezone(dt.timedelta(hours=8), "UTC+8")

CATEGORY = {
    "organ": "机关",
    "institution": "事业单位",
    "association": "团体组织",
    "soe": "国有企业",
    "other": "其他",
}

_STYLE = """
body{font-family:"Noto Sans CJK SC","WenQuanYi Zen Hei","Microsoft YaHei",sans-serif;
max-width:60em;margin:2em auto;padding:0 1em;color:#222;line-height:1.6}
h1{font-size:1.5em;border-bottom:2px solid #b22;padding-bottom:.3em}
table{border-collapse:collapse;width:100%;margin:1em 0}
th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left}
th{background:#f4f0ee}
td.num{text-align:right;font-variant-numeric:tabular-nums}
code{word-break:break-all;background:#f6f6f6;padding:0 .2em}
.meta{color:#555;font-size:.9em}
"""


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"{body}\n</body>\n</html>\n"
    )


def _root_texts(root: bytes) -> tuple[str, str]:
    return base64.b64encode(root).decode("ascii"), root.hex()


def _beijing(ts: dt.datetime) -> str:
    return ts.astimezone(_CHINA).strftime("%Y-%m-%d %H:%M:%S（北京时间）")


def cosigners(note: Note, origin: str) -> list[tuple[str, str]]:
    """(name, Beijing time) of each cosignature line on the note (not verified here)."""
    out = []
    for sig in note.signatures:
        if sig.name == origin:
            continue
        try:
            when = _beijing(dt.datetime.fromtimestamp(cosignature_time(sig), dt.UTC))
        except Exception:  # noqa: BLE001 - a line that is no cosignature: show its name only
            when = "—"
        out.append((sig.name, when))
    return out


def index_html(
    cp: StoredCheckpoint,
    note: Note,
    witnesses: Sequence[VerifierKey],
    years: Sequence[int],
    signed_at: dt.datetime,
    entries: bool,
) -> str:
    """``index.html``: origin, tree size, root, cosignatures, disclosures, receipt check."""
    from ledger.note import Checkpoint

    origin = Checkpoint.parse(note.text).origin
    b64, hexroot = _root_texts(cp.root)
    rows = "".join(
        f"<tr><td>{html.escape(n)}</td><td>{html.escape(w)}</td></tr>"
        for n, w in cosigners(note, origin)
    )
    cos = (
        f"<table><tr><th>副署见证方</th><th>副署时间</th></tr>{rows}</table>"
        if rows
        else "<p>当前检查点尚无见证方副署。</p>"
    )
    wl = "".join(f"<li><code>{html.escape(w.encode())}</code></li>" for w in witnesses)
    links = "".join(
        f'<li><a href="disclosure/{y}/index.html">{y} 年度</a>'
        f'（<a href="disclosure/{y}/disclosure.csv">CSV</a>，'
        f'<a href="disclosure/{y}/disclosure.json">JSON</a>）</li>'
        for y in years
    )
    body = f"""<h1>政务诚信承诺账本 · 公开发布</h1>
<p>账本标识（origin）：<code>{html.escape(origin)}</code></p>
<table>
<tr><th>当前记录条数（树规模）</th><td>{cp.size}</td></tr>
<tr><th>默克尔树根（Base64）</th><td><code>{b64}</code></td></tr>
<tr><th>默克尔树根（十六进制）</th><td><code>{hexroot}</code></td></tr>
<tr><th>检查点签署时间</th><td>{html.escape(_beijing(signed_at))}</td></tr>
</table>
<h2>见证方副署</h2>
{cos}
<h2>核验回执</h2>
<p>企业收到的回执可以在 <a href="verify.html">回执核验页面</a> 直接核验：打开页面，粘贴或拖入回执文件即可，
回执不会上传到任何服务器。页面内置了本账本的公钥，也可以另存到本地离线使用。</p>
<h2>年度逾期账款信息公开（《保障中小企业款项支付条例》第十八条）</h2>
{f"<ul>{links}</ul>" if links else "<p>尚无需要公开的年度。</p>"}
<h2>供核查的公开数据</h2>
<ul>
<li><a href="checkpoint">checkpoint</a>：签名检查点（C2SP tlog-checkpoint），含见证方副署</li>
<li><a href="log.vkey">log.vkey</a>：账本公钥（验证公钥）；<a href="witnesses.vkey">witnesses.vkey</a>：见证方公钥</li>
<li><code>tile/</code>：默克尔树哈希瓦片（C2SP tlog-tiles），任何人都可据此证明账本只增不改{"；<code>tile/entries/</code>：条目包" if entries else "（未公开条目内容）"}</li>
</ul>
<p>见证方公钥：</p><ul>{wl or "<li>无</li>"}</ul>
<p class="meta">本站为静态文件，由 <code>ledger publish</code> 生成；账本本身保存在运营方的数据库中。</p>"""
    return _page("政务诚信承诺账本 · 公开发布", body)


def disclosure_files(ledger: Ledger, year: int, cp: StoredCheckpoint) -> dict[str, bytes]:
    """``index.html``, ``disclosure.json``, ``disclosure.csv`` for one year, from checkpoint ``cp``."""
    from ledger.audit.disclosure import disclosure_audit
    from ledger.audit.export import (
        DISCLOSURE_COLUMNS,
        csv_chunks,
        disclosure_json,
        disclosure_rows,
    )

    report = disclosure_audit(ledger.engine, year)
    if report.log_size != cp.size:
        raise EnvironmentProblem(
            f"账本在发布期间增长了（the log grew to {report.log_size} entries while publishing "
            f"the checkpoint of size {cp.size}）: run 'ledger publish' again"
        )
    b64, hexroot = _root_texts(cp.root)
    obj = disclosure_json(report)
    obj["checkpoint"] = {"origin": ledger.origin, "size": cp.size, "root": b64, "root_hex": hexroot}
    data_json = (json.dumps(obj, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    data_csv = ("\ufeff" + "".join(csv_chunks(disclosure_rows(report), DISCLOSURE_COLUMNS))).encode(
        "utf-8"
    )

    def table_rows(group: Sequence[DisclosureRow]) -> str:
        return "".join(
            "<tr>"
            f"<td>{html.escape(r.agency)}</td><td>{html.escape(r.name)}</td>"
            f"<td>{html.escape(CATEGORY.get(r.category.value, r.category.value))}</td>"
            f"<td>{html.escape(r.region)}</td>"
            f'<td class="num">{r.contracts}</td><td class="num">{format_fen(r.amount)}</td>'
            "</tr>"
            for r in group
        )

    rows = table_rows(report.agencies)
    soes = tuple(getattr(report, "annual_report", ()))
    soe_part = (
        "<h2>国有企业（在年度报告中披露，第十八条第二款）</h2>\n<table>\n"
        "<tr><th>编号</th><th>名称</th><th>类别</th><th>区划</th><th>逾期合同数</th>"
        f"<th>逾期金额（元）</th></tr>\n{table_rows(soes)}\n</table>"
        if soes
        else ""
    )
    t = report.totals
    basis = "".join(f"<li>依据：{html.escape(c.text)}</li>" for c in report.citations)
    body = f"""<h1>{year} 年度逾期未支付中小企业账款情况公开</h1>
<p>截至 {report.as_of.isoformat()}，各机关、事业单位与中小企业签订的合同及应付账款中逾期未支付的数量和金额
（《保障中小企业款项支付条例》第十八条）。金额单位：元。</p>
<table>
<tr><th>机构编号</th><th>机构名称</th><th>类别</th><th>区划</th><th>逾期合同数</th><th>逾期金额（元）</th></tr>
{rows}
<tr><th colspan="4">合计（{t.agencies} 个机构）</th><td class="num">{t.contracts}</td><td class="num">{format_fen(t.amount)}</td></tr>
</table>
{soe_part}
<p>计算依据的检查点：账本 <code>{html.escape(ledger.origin)}</code>，规模 {cp.size}，
树根 <code>{b64}</code>（十六进制 <code>{hexroot}</code>）。</p>
<ul>{basis}</ul>
<p>下载：<a href="disclosure.csv">disclosure.csv</a>（Excel 可直接打开）、<a href="disclosure.json">disclosure.json</a>。
<a href="../../index.html">返回首页</a></p>"""
    return {
        "index.html": _page(f"{year} 年度逾期账款信息公开", body).encode("utf-8"),
        "disclosure.json": data_json,
        "disclosure.csv": data_csv,
    }


def _static(name: str) -> str:
    return resources.files("ledger.site").joinpath("static", name).read_text(encoding="utf-8")


def verify_html(log_vkey: VerifierKey, witnesses: Sequence[VerifierKey] = ()) -> str:
    """``verify.html``: one self-contained file, the log key and witness keys pinned in it."""
    pinned = json.dumps(
        {"log": log_vkey.encode(), "witnesses": [w.encode() for w in witnesses]},
        ensure_ascii=True,
    ).replace("</", "<\\/")
    page = _static("verify.html")
    page = page.replace("/*STYLE*/", _static("verify.css"))
    page = page.replace("/*PINNED*/null", pinned)
    return page.replace("/*SCRIPT*/", _static("verify.js"))


__all__ = ["cosigners", "disclosure_files", "index_html", "verify_html"]
