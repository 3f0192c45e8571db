"""Government-integrity commitment ledger (政务诚信承诺账本): the core.

An append-only, signed, hash-chained RFC 9162 Merkle log of government
commitments to enterprises.  This package holds the domain and the log; it
never imports click or reportlab, never prints and never reads the clock or
the environment: callers pass those in.
"""

from __future__ import annotations

from ledger.errors import (
    BadInput,
    EnvironmentProblem,
    FieldError,
    InputErrors,
    LedgerError,
    ProofError,
    VerificationError,
)
from ledger.keys import Keystore
from ledger.log import (
    AppendResult,
    Draft,
    Ledger,
    LogSigner,
    Signed,
    StoredCheckpoint,
    sign_statements,
)
from ledger.verify import VerifyResult, verify_leaves, verify_ledger

__all__ = [
    "AppendResult",
    "BadInput",
    "Draft",
    "EnvironmentProblem",
    "FieldError",
    "InputErrors",
    "Keystore",
    "Ledger",
    "LedgerError",
    "LogSigner",
    "ProofError",
    "Signed",
    "StoredCheckpoint",
    "VerificationError",
    "VerifyResult",
    "sign_statements",
    "verify_leaves",
    "verify_ledger",
]
