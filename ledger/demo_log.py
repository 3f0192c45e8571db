"""The demo's ledger, keys, site, witnesses and bundle, built with the library's own calls.

:func:`build_demo_log` takes the statements of :func:`ledger.demo.build` through the
paths a real deployment uses: each key's owner creates its key in its own keystore
and the operator registers the public half (:mod:`ledger.key_admin`); clerks sign
and the log appends; the operator publishes the site (:mod:`ledger.site.publish`);
two witnesses cosign what the site shows, reading only the site
(:mod:`ledger.witness`); the operator merges their cosignatures, exports the
auditor's bundle (:mod:`ledger.bundle`) and verifies the whole log.  ``ledger demo``
then runs the audits and writes the reports over the result.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.bundle import export_bundle
from ledger.clock import Clock
from ledger.demo import DemoLedger, build
from ledger.entry import parse_entry
from ledger.jsontext import pretty_json
from ledger.key_admin import check_scope, check_vkey, generate_key, register_key
from ledger.keys import Keystore
from ledger.log import Draft, Ledger, LogSigner, consistency_json, sign_statements
from ledger.note import Checkpoint, VerifierKey, parse_note, verifier_key
from ledger.site.publish import checkpoint_signed_at, checkpoint_to_publish, publish
from ledger.site.source import published_checkpoint, site_fetcher, tile_prover
from ledger.verify import VerifyReport, verify_ledger
from ledger.witness import cosign_checkpoint, default_state_dir

__all__ = [
    "AS_OF",
    "ORIGIN",
    "WITNESSES",
    "DemoLog",
    "Progress",
    "build_demo_log",
]

ORIGIN = "ledger.czj.yueyang.example/commitments"
WITNESSES = ("audit-bureau", "discipline-inspection")
AS_OF = dt.date(2026, 10, 31)
"""The demo's business events stop here (:data:`ledger.demo.TODAY`): its audit date."""

Progress = Callable[[int, str], AbstractContextManager[Callable[[int], None]]]
"""``progress(length, label)``: a context giving ``update(n)`` (a progress bar, or nothing)."""


@contextmanager
def _no_progress(_length: int, _label: str) -> Iterator[Callable[[int], None]]:
    yield lambda _n: None


@dataclass(frozen=True)
class DemoLog:
    """What :func:`build_demo_log` made: the open ledger and the facts ``ledger demo`` prints."""

    ledger: Ledger
    db: str
    data: DemoLedger
    verified: VerifyReport
    """Verification of the whole log, pinned to the log key, against the first checkpoint."""
    receipts: tuple[str, ...]
    """The commitments whose receipts were written to ``receipts/``."""
    signer: LogSigner


def build_demo_log(
    out: Path,
    seed: int,
    n: int,
    passphrase: bytes,
    clock: Clock,
    *,
    progress: Progress = _no_progress,
) -> DemoLog:
    """Build the demo ledger in the empty folder ``out`` and the files around it.

    Writes ``ledger.db``, the keystores (``keys`` the operator's, ``bureau-keys``
    the clerks', ``WITNESS-keys`` each witness's), ``WITNESS.vkey``,
    ``checkpoint-registry``, ``checkpoint``, ``consistency.json``, ``receipts/``,
    ``log.vkey``, ``site/``, ``WITNESS.cosigned``, ``checkpoint.cosigned`` and
    ``bundle.zip``.  The ledger is returned open; the caller closes it.
    """
    db = f"sqlite:///{(out / 'ledger.db').resolve()}"
    ks = Keystore(out / "keys")
    log_key = Ed25519PrivateKey.generate()
    ledger = Ledger.init(db, ORIGIN, log_key, clock)
    ks.store(ORIGIN, log_key, passphrase)
    signer = LogSigner(ORIGIN, log_key, ks)
    data = build(seed, n)

    # Each key's owner creates it in its own keystore; the operator, whose keystore
    # holds only the log key, registers the public half.  The bureaus' clerks share
    # one keystore here.
    bureau = Keystore(out / "bureau-keys")
    keys: dict[str, Ed25519PrivateKey] = {}
    registrations = [("registrar", ["*"], "recorder")]
    registrations += [(name, scope, "recorder") for name, scope in data.clerks.items()]
    registrations += [(w, [], "witness") for w in WITNESSES]
    for name, scope, role in registrations:
        owner = bureau if role == "recorder" else Keystore(out / f"{name}-keys")
        vkey = generate_key(owner, name, role, passphrase)
        if role == "witness":
            (out / f"{name}.vkey").write_text(vkey.encode() + "\n", encoding="utf-8")
        check_scope(role, scope)
        check_vkey(name, vkey, role)
        register_key(ledger, signer, vkey, role, scope, clock, source="keys register")
        if role == "recorder":
            keys[name] = bureau.load(name, passphrase)

    def append_as(name: str, stmts: list[tuple[str, dict[str, object]]], label: str) -> None:
        drafts = [Draft(i, k, b) for i, (k, b) in enumerate(stmts, start=1)]
        ledger.append(
            sign_statements(drafts, name, keys[name], clock, origin=ORIGIN), clock, source=label
        )

    append_as("registrar", [(s.kind, s.body) for s in data.registry], "demo registry")
    first = ledger.checkpoint(signer, clock)
    (out / "checkpoint-registry").write_text(first.note, encoding="utf-8")

    by_clerk: dict[str, list[tuple[str, dict[str, object]]]] = defaultdict(list)
    for s in data.commitments:  # one commitment's events share a clerk: order is kept
        by_clerk[s.signer].append((s.kind, s.body))
    with progress(len(by_clerk), "recording commitments") as step:
        for clerk, stmts in sorted(by_clerk.items()):
            append_as(clerk, stmts, f"demo {clerk}")
            step(1)
    latest = ledger.checkpoint(signer, clock)
    (out / "checkpoint").write_text(latest.note, encoding="utf-8")
    proof = ledger.consistency_proof(first.size, latest.size)
    (out / "consistency.json").write_text(
        pretty_json(consistency_json(first.size, latest.size, proof)), encoding="utf-8"
    )
    wanted = _write_receipts(ledger, data, out / "receipts", clock)

    log_vkey = verifier_key(ORIGIN, log_key.public_key())
    (out / "log.vkey").write_text(log_vkey.encode() + "\n", encoding="utf-8")
    # The operator publishes the site; two independent witnesses cosign what the site
    # shows, each from its own keystore and reading only the site; the operator then
    # publishes their cosignatures.
    site = out / "site"
    _publish(ledger, site, signer, clock, ())
    cosigned = [
        _cosign_from_site(site, w, Keystore(out / f"{w}-keys"), log_vkey, passphrase, clock)
        for w in WITNESSES
    ]
    for w, note_text in zip(WITNESSES, cosigned, strict=True):
        (out / f"{w}.cosigned").write_text(note_text, encoding="utf-8")
    _publish(ledger, site, signer, clock, cosigned)
    note = (site / "checkpoint").read_text(encoding="utf-8")
    (out / "checkpoint.cosigned").write_text(note, encoding="utf-8")
    # The receipts are of this very checkpoint: hand them out with its cosignatures.
    for f in (out / "receipts").glob("*.json"):
        r = json.loads(f.read_text(encoding="utf-8"))
        if r["checkpoint"].split("\n\n")[0] == note.split("\n\n")[0]:
            r["checkpoint"] = note
            f.write_text(pretty_json(r), encoding="utf-8")
    export_bundle(ledger, out / "bundle.zip", zip=True, clock=clock, cosigned=[note])
    verified = verify_ledger(ledger, pin_vkey=log_vkey.encode(), checkpoint_note=first.note)
    return DemoLog(ledger, db, data, verified, tuple(wanted), signer)


def _write_receipts(ledger: Ledger, data: DemoLedger, folder: Path, clock: Clock) -> list[str]:
    """Receipts for the first commitment of each 新官不理旧账 story."""
    wanted: dict[str, str] = {}
    for cid, story in data.stories.items():
        if story in ("stopped", "repudiated", "conditions") and story not in wanted.values():
            wanted[cid] = story
    folder.mkdir()
    for seq, leaf, _ in ledger.iter_leaves():
        if b'"commitment.recorded"' in leaf:
            cid = str(parse_entry(leaf).body["commitment"])
            if cid in wanted:
                receipt = ledger.receipt(seq, None, clock)
                (folder / f"{cid}.json").write_text(pretty_json(receipt), encoding="utf-8")
    return list(wanted)


def _publish(
    ledger: Ledger, site: Path, signer: LogSigner, clock: Clock, cosigned: Sequence[str]
) -> None:
    cp = checkpoint_to_publish(ledger, lambda: signer, clock)
    publish(ledger, site, cp, signed_at=checkpoint_signed_at(ledger, cp.size), cosigned=cosigned)


def _cosign_from_site(
    site: Path,
    witness: str,
    keystore: Keystore,
    log_vkey: VerifierKey,
    passphrase: bytes,
    clock: Clock,
) -> str:
    """A witness cosigns the checkpoint the site shows, proving consistency from its tiles."""
    fetch = site_fetcher(str(site))
    note_text = published_checkpoint(fetch, str(site))
    Checkpoint.parse(parse_note(note_text).text)  # a checkpoint, as ``ledger cosign`` checks
    result = cosign_checkpoint(
        note_text,
        log_vkey,
        witness,
        keystore.load(witness, passphrase),
        default_state_dir(keystore.path),
        None,
        clock,
        prover=tile_prover(fetch),
        explicit_vkey=True,
    )
    return result.note
