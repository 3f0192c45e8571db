"use strict";
// Receipt check of the commitment ledger (FORMATS.md §6, §9), in the browser.
// WebCrypto only: Ed25519 signatures (signed-note, tlog-cosignature) and
// SHA-256 (RFC 9162 Merkle trees).  The log key is pinned in this page; no key
// is ever taken from the network.  When the page is served from the published
// site, the receipt's checkpoint is also proved consistent with the site's
// current checkpoint from the site's hash tiles (c2sp.org/tlog-tiles).
(function () {
  const PINNED = JSON.parse(document.getElementById("pinned").textContent);
  const enc = new TextEncoder();
  const dec = new TextDecoder("utf-8", { fatal: true });
  const subtle = window.crypto && window.crypto.subtle;

  class Fail extends Error {
    constructor(code, message) { super(message); this.code = code; }
  }

  // ------------------------------------------------------------------ bytes
  function concat(...parts) {
    let n = 0;
    for (const p of parts) n += p.length;
    const out = new Uint8Array(n);
    let o = 0;
    for (const p of parts) { out.set(p, o); o += p.length; }
    return out;
  }
  function equal(a, b) {
    if (a.length !== b.length) return false;
    let d = 0;
    for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
    return d === 0;
  }
  function hex(b) { return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(""); }
  function b64decode(text, what) {
    if (typeof text !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
      throw new Fail("format", what + " 不是标准 Base64 编码");
    }
    const bin = atob(text);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    if (b64encode(out) !== text) throw new Fail("format", what + " 的 Base64 编码不规范");
    return out;
  }
  function b64encode(bytes) {
    let s = "";
    for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s);
  }
  function b64urlToText(s) {
    let t = s.replace(/-/g, "+").replace(/_/g, "/");
    while (t.length % 4) t += "=";
    return dec.decode(b64decode(t, "链接中的回执"));
  }
  async function sha256(bytes) { return new Uint8Array(await subtle.digest("SHA-256", bytes)); }
  const LEAF = new Uint8Array([0]);
  const NODE = new Uint8Array([1]);
  async function hashChildren(l, r) { return sha256(concat(NODE, l, r)); }

  // ------------------------------------------------------------- signed notes
  async function parseVkey(text) {
    const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(text.trim());
    if (!m) throw new Fail("format", "公钥格式错误");
    const [, name, kh, data] = m;
    const raw = b64decode(data, "公钥");
    if (raw.length !== 33) throw new Fail("format", "公钥长度错误");
    const alg = raw[0];
    const pub = raw.slice(1);
    const hash = (await sha256(concat(enc.encode(name + "\n"), new Uint8Array([alg]), pub))).slice(0, 4);
    if (hex(hash) !== kh) throw new Fail("format", "公钥的密钥标识不符");
    const key = await subtle.importKey("raw", pub, { name: "Ed25519" }, false, ["verify"]);
    return { name, alg, hash, key, text: text.trim() };
  }

  function parseNote(text) {
    const i = text.indexOf("\n\n");
    if (i < 0 || !text.endsWith("\n")) throw new Fail("format", "检查点不是签名的 note（缺少空行或结尾换行）");
    const body = text.slice(0, i + 1);
    const sigs = [];
    for (const line of text.slice(i + 2, -1).split("\n")) {
      if (!line.startsWith("\u2014 ")) throw new Fail("format", "检查点的签名行格式错误");
      const rest = line.slice(2);
      const sp = rest.lastIndexOf(" ");
      if (sp <= 0) throw new Fail("format", "检查点的签名行格式错误");
      const raw = b64decode(rest.slice(sp + 1), "签名");
      if (raw.length < 5) throw new Fail("format", "签名太短");
      sigs.push({ name: rest.slice(0, sp), hash: raw.slice(0, 4), sig: raw.slice(4) });
    }
    if (sigs.length === 0) throw new Fail("format", "检查点没有签名");
    return { body, sigs };
  }

  function parseCheckpoint(body) {
    const lines = body.slice(0, -1).split("\n");
    if (lines.length < 3) throw new Fail("format", "检查点正文不足三行");
    if (!/^(0|[1-9][0-9]*)$/.test(lines[1])) throw new Fail("format", "检查点的树规模格式错误");
    const size = Number(lines[1]);
    if (!Number.isSafeInteger(size)) throw new Fail("format", "检查点的树规模过大");
    const root = b64decode(lines[2], "检查点的树根");
    if (root.length !== 32) throw new Fail("format", "检查点的树根不是 32 字节");
    return { origin: lines[0], size, root };
  }

  async function verifyLogSignature(note, vkey) {
    const mine = note.sigs.filter((s) => s.name === vkey.name && equal(s.hash, vkey.hash));
    if (mine.length === 0) {
      const names = note.sigs.map((s) => s.name + "（" + hex(s.hash) + "）").join("、");
      throw new Fail("wrong-key", "检查点不是由本页面内置的账本公钥签名的（签名者：" + names +
        "）。这份回执来自另一个账本或另一把密钥。");
    }
    for (const s of mine) {
      const ok = s.sig.length === 64 && await subtle.verify({ name: "Ed25519" }, vkey.key, s.sig, enc.encode(note.body));
      if (!ok) throw new Fail("bad-signature", "检查点上的账本签名无效：检查点已被改动或签名已损坏。");
    }
  }

  async function cosigners(note, witnesses, origin) {
    const out = [];
    for (const s of note.sigs) {
      if (s.name === origin) continue;
      const w = witnesses.find((k) => k.name === s.name && equal(k.hash, s.hash));
      let when = "";
      let verified = false;
      if (s.sig.length === 72) {
        let t = 0n;
        for (let i = 0; i < 8; i++) t = (t << 8n) | BigInt(s.sig[i]);
        when = new Date(Number(t) * 1000).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai" }) + "（北京时间）";
        if (w && w.alg === 4) {
          const msg = enc.encode("cosignature/v1\ntime " + t.toString() + "\n" + note.body);
          verified = await subtle.verify({ name: "Ed25519" }, w.key, s.sig.slice(8), msg);
        }
      }
      out.push({ name: s.name, when, known: !!w, verified });
    }
    return out;
  }

  // ------------------------------------------------------------ Merkle (RFC 9162)
  async function rootFromInclusion(index, size, leafHash, proof) {
    if (index >= size) throw new Fail("not-included", "条目序号不小于树规模");
    let fn = index, sn = size - 1, r = leafHash;
    for (const p of proof) {
      if (sn === 0) return null;
      if (fn % 2 === 1 || fn === sn) {
        r = await hashChildren(p, r);
        if (fn % 2 === 0) { while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); } }
      } else {
        r = await hashChildren(r, p);
      }
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    }
    return sn === 0 ? r : null;
  }

  async function verifyConsistency(m, n, oldRoot, newRoot, proof) {
    if (m === n) return proof.length === 0 && equal(oldRoot, newRoot);
    if (m === 0 || m > n || proof.length === 0) return false;
    let path = proof;
    if (Number.isInteger(Math.log2(m))) path = [oldRoot].concat(proof);
    let fn = m - 1, sn = n - 1;
    while (fn % 2 === 1) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    let fr = path[0], sr = path[0];
    for (const c of path.slice(1)) {
      if (sn === 0) return false;
      if (fn % 2 === 1 || fn === sn) {
        fr = await hashChildren(c, fr);
        sr = await hashChildren(c, sr);
        if (fn % 2 === 0) { while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); } }
      } else {
        sr = await hashChildren(sr, c);
      }
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    }
    return sn === 0 && equal(fr, oldRoot) && equal(sr, newRoot);
  }

  function largestPow2Below(n) { let k = 1; while (k * 2 < n) k *= 2; return k; }

  function consistencyRanges(m, n) {
    let lo = 0, hi = n, complete = true;
    const top = [];
    while (m !== hi - lo) {
      const k = largestPow2Below(hi - lo);
      if (m <= k) { top.push([lo + k, hi]); hi = lo + k; }
      else { top.push([lo, lo + k]); m -= k; lo += k; complete = false; }
    }
    const out = complete ? [] : [[lo, hi]];
    return out.concat(top.reverse());
  }

  function subtreeCoords(start, end) {
    const out = [];
    let s = start;
    while (s < end) {
      let size = 1;
      while (size * 2 <= end - s) size *= 2;
      while (s % size !== 0) size /= 2;
      out.push([Math.round(Math.log2(size)), s / size]);
      s += size;
    }
    return out;
  }

  function tilePath(level, index, width) {
    const groups = [];
    let n = index;
    do { groups.unshift(String(n % 1000).padStart(3, "0")); n = Math.floor(n / 1000); } while (n > 0);
    const p = groups.map((g, i) => (i < groups.length - 1 ? "x" + g : g)).join("/");
    return "tile/" + level + "/" + p + (width === 256 ? "" : ".p/" + width);
  }

  // Complete-subtree hashes of a tree of `size` leaves, read from the site's tiles.
  class Tiles {
    constructor(size) { this.size = size; this.cache = new Map(); }
    async tile(level, index) {
      const key = level + "/" + index;
      if (this.cache.has(key)) return this.cache.get(key);
      const count = Math.floor(this.size / 256 ** level);
      const width = Math.min(256, count - index * 256);
      const path = tilePath(level, index, width);
      const resp = await fetch(path, { cache: "no-store", credentials: "omit" });
      if (!resp.ok) throw new Error("站点缺少瓦片 " + path);
      const data = new Uint8Array(await resp.arrayBuffer());
      if (data.length !== width * 32) throw new Fail("inconsistent", "站点瓦片 " + path + " 长度错误");
      this.cache.set(key, data);
      return data;
    }
    async node(height, index) {
      const level = Math.floor(height / 8), r = height % 8;
      const first = index * 2 ** r;
      const t = await this.tile(level, Math.floor(first / 256));
      const off = first % 256;
      let hs = [];
      for (let i = 0; i < 2 ** r; i++) hs.push(t.slice((off + i) * 32, (off + i + 1) * 32));
      while (hs.length > 1) {
        const next = [];
        for (let i = 0; i < hs.length; i += 2) next.push(await hashChildren(hs[i], hs[i + 1]));
        hs = next;
      }
      return hs[0];
    }
    async rangeHash(a, b) {
      const coords = subtreeCoords(a, b);
      const hs = [];
      for (const [h, i] of coords) hs.push(await this.node(h, i));
      let r = hs[hs.length - 1];
      for (let i = hs.length - 2; i >= 0; i--) r = await hashChildren(hs[i], r);
      return r;
    }
    async consistencyProof(m) {
      const ranges = consistencyRanges(m, this.size);
      // Fetch every tile the proof needs at once, then hash.
      const need = new Map();
      for (const [a, b] of ranges) {
        for (const [h, i] of subtreeCoords(a, b)) {
          const level = Math.floor(h / 8);
          const index = Math.floor((i * 2 ** (h % 8)) / 256);
          need.set(level + "/" + index, [level, index]);
        }
      }
      await Promise.all(Array.from(need.values(), ([l, i]) => this.tile(l, i)));
      const out = [];
      for (const [a, b] of ranges) out.push(await this.rangeHash(a, b));
      return out;
    }
  }

  // ---------------------------------------------------------------- receipts
  function parseInput(text) {
    const t = text.replace(/^\ufeff/, "").trim();
    if (t.startsWith("{")) {
      let obj;
      try { obj = JSON.parse(t); } catch (e) { throw new Fail("format", "回执不是有效的 JSON：" + e.message); }
      if (obj === null || typeof obj !== "object" || obj.format !== "ledger-receipt/v1") {
        throw new Fail("format", "这不是账本回执（format 应为 ledger-receipt/v1）");
      }
      for (const f of ["index", "tree_size"]) {
        if (!Number.isSafeInteger(obj[f]) || obj[f] < 0) throw new Fail("format", "回执字段 " + f + " 不是非负整数");
      }
      if (typeof obj.entry !== "string" || !Array.isArray(obj.inclusion) || typeof obj.checkpoint !== "string") {
        throw new Fail("format", "回执缺少 entry、inclusion 或 checkpoint 字段");
      }
      return {
        index: obj.index, treeSize: obj.tree_size,
        entry: b64decode(obj.entry, "回执中的条目"),
        proof: obj.inclusion.map((h, i) => { const x = b64decode(h, "证明哈希 " + i); if (x.length !== 32) throw new Fail("format", "证明哈希长度错误"); return x; }),
        checkpoint: obj.checkpoint,
      };
    }
    if (t.startsWith("c2sp.org/tlog-proof@v1\n")) {
      const raw = text.replace(/^\ufeff/, "").replace(/\r\n/g, "\n");
      const lines = raw.split("\n");
      let pos = 1;
      if (lines[pos] && lines[pos].startsWith("extra ")) pos++;
      const m = /^index (0|[1-9][0-9]*)$/.exec(lines[pos] || "");
      if (!m) throw new Fail("format", "tlog-proof 第 " + (pos + 1) + " 行应为 index N");
      pos++;
      const proof = [];
      while (pos < lines.length && lines[pos] !== "") { const x = b64decode(lines[pos], "证明哈希"); if (x.length !== 32) throw new Fail("format", "证明哈希长度错误"); proof.push(x); pos++; }
      if (pos >= lines.length) throw new Fail("format", "tlog-proof 缺少检查点前的空行");
      let cp = lines.slice(pos + 1).join("\n");
      if (!cp.endsWith("\n")) cp += "\n";
      return { index: Number(m[1]), treeSize: null, entry: null, proof, checkpoint: cp };
    }
    throw new Fail("format", "无法识别：请提供 JSON 回执或 c2sp.org/tlog-proof 文本");
  }

  const KIND = {
    "ledger.genesis": "账本创建", "key.registered": "密钥登记", "key.revoked": "密钥吊销",
    "agency.registered": "机构登记", "agency.succeeded": "机构承继", "official.appointed": "负责人任职",
    "official.departed": "负责人离任", "government.term_changed": "政府换届",
    "enterprise.registered": "企业登记", "enterprise.updated": "企业信息变更",
    "commitment.recorded": "承诺（合同）登记", "commitment.delivered": "交付", "commitment.accepted": "验收",
    "commitment.amended": "承诺变更", "settlement.confirmed": "结算确认", "payment.made": "付款",
    "payment.reversed": "付款冲正", "commitment.disputed": "争议", "dispute.resolved": "争议解决",
    "commitment.repudiated": "违约/毁约", "commitment.settled": "和解", "commitment.voided": "作废",
    "complaint.filed": "投诉", "interest.paid": "支付逾期利息",
  };
  const FIELD = {
    commitment: "承诺编号", type: "类型", agency: "机构", enterprise: "企业（统一社会信用代码）", uscc: "统一社会信用代码",
    title: "事项", name: "名称", amount: "金额（元）", signed_on: "签订日期", date: "日期", due: "到期日",
    reference: "凭证号", method: "支付方式", maturity: "票据到期日", reason: "原因", official: "负责人",
    role: "角色", start: "起始日期", end: "结束日期", effective: "生效日期", region: "区划", category: "类别",
    size: "企业规模", written_off: "核销金额（元）", amount_waived: "减免金额（元）", summary: "摘要",
    successor: "承继机构", term: "届次", interest_rate: "约定利率（%/年）", policy_ref: "政策文号",
  };

  const VALUE = {
    type: { contract: "合同", payable: "应付账款", policy: "政策承诺" },
    category: { organ: "机关", institution: "事业单位", association: "团体组织", soe: "国有企业", other: "其他" },
    size: { micro: "微型企业", small: "小型企业", medium: "中型企业", large: "大型企业" },
    method: { transfer: "转账", cash: "现金", bill: "商业汇票", voucher: "电子凭证" },
    role: { principal: "主要负责人", deputy: "副职", recorder: "记录员", auditor: "审计方", witness: "见证方" },
  };

  function entryRows(e) {
    const st = e.statement || {};
    const body = st.body || {};
    const rows = [["记录类型", (KIND[st.kind] || "") + "（" + st.kind + "）"], ["序号", String(e.seq)]];
    for (const [k, label] of Object.entries(FIELD)) {
      const v = body[k];
      if (v === undefined || v === null || typeof v === "object") continue;
      const named = VALUE[k] && VALUE[k][v];
      rows.push([label, named ? named + "（" + v + "）" : String(v)]);
    }
    if (body.terms && typeof body.terms === "object") {
      const t = body.terms;
      const basis = { delivery: "交付后", acceptance: "验收后", settlement: "结算后", date: "约定日期" }[t.basis] || t.basis;
      rows.push(["付款期限", basis + (t.days !== undefined ? " " + t.days + " 日内" : "") + (t.due ? " " + t.due : "")]);
    }
    rows.push(["签署者", String(st.by)], ["签署时间", String(st.at)], ["入账时间", String(e.ts)]);
    if (typeof st.log === "string") rows.push(["所属账本", st.log]);
    return rows;
  }

  function tableHtml(rows) {
    const esc = (s) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));
    return "<table>" + rows.map(([k, v]) => "<tr><th>" + esc(k) + "</th><td>" + esc(v) + "</td></tr>").join("") + "</table>";
  }

  function el(tag, cls, text) { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; }

  async function fetchEntryFromSite(index, cp) {
    if (!SERVED) return null;
    const t = Math.floor(index / 256);
    const count = cp.size;
    const width = Math.min(256, count - t * 256);
    const resp = await fetch(tilePath("entries", t, width), { cache: "no-store", credentials: "omit" }).catch(() => null);
    if (!resp || !resp.ok) return null;
    const data = new Uint8Array(await resp.arrayBuffer());
    let pos = 0, i = 0;
    while (pos + 2 <= data.length) {
      const n = (data[pos] << 8) | data[pos + 1];
      if (i === index % 256) return data.slice(pos + 2, pos + 2 + n);
      pos += 2 + n; i++;
    }
    return null;
  }

  // Served from the site: ask for its current checkpoint as soon as the page loads.
  const SERVED = /^https?:$/.test(location.protocol);
  const SITE_TEXT = SERVED
    ? fetch("checkpoint", { cache: "no-store", credentials: "omit" })
        .then((resp) => (resp.ok ? resp.text() : null))
        .catch(() => null)
    : Promise.resolve(null);

  async function siteCheckpoint(logKey) {
    const text = await SITE_TEXT;
    if (text === null) return { offline: true };
    const note = parseNote(text);
    try { await verifyLogSignature(note, logKey); } catch (e) {
      throw new Fail("inconsistent", "网站当前发布的检查点没有有效的账本签名：网站内容不可信。");
    }
    const cp = parseCheckpoint(note.body);
    if (cp.origin !== logKey.name) throw new Fail("inconsistent", "网站发布的是另一个账本的检查点。");
    return { cp, note };
  }

  async function check(text) {
    const started = performance.now();
    if (!subtle) throw new Fail("environment", "此浏览器环境不支持 WebCrypto（请使用 HTTPS 打开本页面，或保存到本地后打开）。");
    const logKey = await parseVkey(PINNED.log);
    if (logKey.alg !== 1) throw new Fail("environment", "页面内置的账本公钥类型错误");
    const witnesses = [];
    for (const w of PINNED.witnesses || []) { try { witnesses.push(await parseVkey(w)); } catch (e) { /* ignore */ } }
    // Ask the site for its checkpoint while the receipt is checked.
    const sitePending = siteCheckpoint(logKey).then((v) => ({ v }), (e) => ({ e }));
    const getSite = async () => { const x = await sitePending; if (x.e) throw x.e; return x.v; };
    const r = parseInput(text);
    const note = parseNote(r.checkpoint);
    await verifyLogSignature(note, logKey);
    const cp = parseCheckpoint(note.body);
    if (cp.origin !== logKey.name) throw new Fail("wrong-key", "检查点属于另一个账本（" + cp.origin + "）");
    if (r.treeSize !== null && r.treeSize !== cp.size) throw new Fail("format", "回执的 tree_size 与检查点的树规模不一致");
    if (r.index >= cp.size) throw new Fail("not-included", "条目序号不在检查点覆盖的范围内");
    let site = null;
    if (r.entry === null) {
      site = await getSite();
      if (!site.offline) r.entry = await fetchEntryFromSite(r.index, site.cp.size >= cp.size ? site.cp : cp);
      if (r.entry === null) throw new Fail("format", "tlog-proof 文本不含条目内容，且网站未公开条目包：请使用 JSON 回执核验。");
    }
    const leafHash = await sha256(concat(LEAF, r.entry));
    const root = await rootFromInclusion(r.index, cp.size, leafHash, r.proof);
    if (root === null || !equal(root, cp.root)) {
      throw new Fail("not-included", "包含证明与签名的检查点不符：条目内容或证明已被改动，不能证明该条目在账本中。");
    }
    let entry;
    try { entry = JSON.parse(dec.decode(r.entry)); } catch (e) { throw new Fail("bad-entry", "条目在账本中，但不是有效的账本条目"); }
    if (!entry || entry.seq !== r.index) throw new Fail("bad-entry", "条目的序号与回执的 index 不一致");
    const cos = await cosigners(note, witnesses, logKey.name);

    // consistency with the site's current checkpoint, from the tiles
    let status = "ok", consistency;
    if (site === null) site = await getSite();
    if (site.offline) {
      consistency = "本页面未从账本网站打开（或网站不可达），未核对与网站当前检查点的一致性。";
    } else if (cp.size > site.cp.size) {
      status = "pending";
      consistency = "回执的检查点（规模 " + cp.size + "）比网站当前发布的检查点（规模 " + site.cp.size + "）更新：回执本身有效，但网站尚不能证明两者一致，请稍后再核验。";
    } else if (cp.size === site.cp.size) {
      if (!equal(cp.root, site.cp.root)) throw new Fail("inconsistent", "回执的检查点与网站当前检查点规模相同但树根不同：账本出现分叉（同一规模两个不同的树）。");
      consistency = "回执的检查点就是网站当前发布的检查点（规模 " + cp.size + "）。";
    } else {
      let ok = false;
      try {
        const tiles = new Tiles(site.cp.size);
        const proof = await tiles.consistencyProof(cp.size);
        ok = await verifyConsistency(cp.size, site.cp.size, cp.root, site.cp.root, proof);
      } catch (e) {
        if (e instanceof Fail) throw e;
        consistency = "无法从网站读取哈希瓦片（" + e.message + "），未核对一致性。";
        ok = null;
      }
      if (ok === false) throw new Fail("inconsistent", "回执的检查点（规模 " + cp.size + "）与网站当前检查点（规模 " + site.cp.size + "）不一致：账本被改写或出现分叉。");
      if (ok === true) consistency = "已用网站的哈希瓦片证明：网站当前的账本（规模 " + site.cp.size + "）包含回执的检查点（规模 " + cp.size + "），账本只增未改。";
    }
    const siteCos = site.offline ? null : { size: site.cp.size, list: await cosigners(site.note, witnesses, logKey.name) };
    return { status, entry, cp, cos, siteCos, consistency, ms: performance.now() - started };
  }

  function show(status, build) {
    const box = document.getElementById("result");
    box.replaceChildren();
    build(box);
    box.setAttribute("data-status", status);
  }

  async function run(text) {
    const box = document.getElementById("result");
    box.setAttribute("data-status", "working");
    box.setAttribute("data-reason", "");
    box.replaceChildren(el("p", "muted", "正在核验…"));
    try {
      const res = await check(text);
      show(res.status, (b) => {
        b.appendChild(el("p", "verdict", res.status === "ok" ? "✔ 已记录在账本中" : "✔ 已记录在账本中（一致性待确认）"));
        b.appendChild(el("p", "note", "账本 " + res.cp.origin + "，树规模 " + res.cp.size + "；检查点由本页内置的账本公钥签名，包含证明有效。"));
        const t = document.createElement("div");
        t.innerHTML = tableHtml(entryRows(res.entry));
        b.appendChild(t);
        if (res.cos.length) {
          b.appendChild(el("p", "note", "见证方副署：" + res.cos.map((c) => c.name + (c.verified ? "（已核验，" + c.when + "）" : c.known ? "（签名无效）" : "（未知公钥，未核验）")).join("；")));
        } else {
          b.appendChild(el("p", "note", "该检查点没有见证方副署。"));
        }
        b.appendChild(el("p", "note", res.consistency));
        if (res.siteCos && res.siteCos.size !== res.cp.size) {
          b.appendChild(el("p", "note", "网站当前检查点（规模 " + res.siteCos.size + "）的见证方副署：" +
            (res.siteCos.list.length ? res.siteCos.list.map((c) => c.name + (c.verified ? "（已核验，" + c.when + "）" : "（未核验）")).join("；") : "无")));
        }
        b.appendChild(el("p", "muted", "核验用时 " + res.ms.toFixed(1) + " 毫秒。"));
      });
      box.setAttribute("data-reason", "");
      box.setAttribute("data-ms", res.ms.toFixed(1));
    } catch (e) {
      const code = e instanceof Fail ? e.code : "error";
      show("fail", (b) => {
        b.appendChild(el("p", "verdict", "✘ 核验未通过"));
        b.appendChild(el("p", "note", e instanceof Fail ? e.message : "核验出错：" + e.message));
      });
      box.setAttribute("data-reason", code);
    }
  }

  // ----------------------------------------------------------------- wiring
  document.getElementById("pinned-log").textContent = PINNED.log;
  for (const w of PINNED.witnesses || []) {
    const li = document.createElement("li");
    li.appendChild(el("code", "", w));
    document.getElementById("pinned-witnesses").appendChild(li);
  }
  const input = document.getElementById("input");
  document.getElementById("check").addEventListener("click", () => run(input.value));
  document.getElementById("file").addEventListener("change", async (ev) => {
    const f = ev.target.files[0];
    if (f) { input.value = await f.text(); run(input.value); }
  });
  const drop = document.getElementById("drop");
  drop.addEventListener("dragover", (ev) => { ev.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", async (ev) => {
    ev.preventDefault();
    drop.classList.remove("over");
    const f = ev.dataTransfer.files[0];
    if (f) { input.value = await f.text(); run(input.value); }
  });
  function fromFragment() {
    const m = /^#r=([A-Za-z0-9_-]+)=*$/.exec(location.hash);
    if (!m) return;
    let text;
    try { text = b64urlToText(m[1]); } catch (e) {
      show("fail", (b) => b.appendChild(el("p", "verdict", "✘ 链接中的回执无法解码")));
      document.getElementById("result").setAttribute("data-reason", "format");
      return;
    }
    input.value = text;
    run(text);
  }
  window.addEventListener("hashchange", fromFragment);
  fromFragment();
  window.ledgerVerify = run;
})();
