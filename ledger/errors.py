"""Error hierarchy of the ledger core.

Every error raised across a module boundary is a :class:`LedgerError`; each
subclass carries a stable English ``code`` and the ``exit_code`` of CLI.md
(1 verification failed, 2 bad input, 3 environment).
"""

from __future__ import annotations

__all__ = [
    "BadInput",
    "EnvironmentProblem",
    "FieldError",
    "InputErrors",
    "LedgerError",
    "ProofError",
    "VerificationError",
    "both",
    "split_both",
]


def both(zh: str, en: str) -> str:
    """A message Chinese first, the English kept whole in full-width parentheses.

    The convention of the errors a clerk meets: ``中文（English）``, so a user
    reads Chinese and a test or a search still finds the English verbatim.
    """
    return f"{zh}（{en}）"


def split_both(message: str) -> tuple[str, str]:
    """``(zh, en)`` of a message made by :func:`both`; ``(message, message)`` otherwise.

    The English is the text inside the last balanced pair of full-width
    parentheses that closes the message (the Chinese part may hold pairs of
    its own); a message that is not ``中文（English）`` is returned as both
    halves, so a wrapper never loses it.
    """
    if message.endswith("）"):
        depth = 0
        for i in range(len(message) - 1, -1, -1):
            ch = message[i]
            if ch == "）":
                depth += 1
            elif ch == "（":
                depth -= 1
                if depth == 0:
                    if i > 0:
                        return message[:i], message[i + 1 : -1]
                    break
    return message, message


class LedgerError(Exception):
    """Base class: ``str(err)`` is one sentence saying what, where and why."""

    exit_code: int = 2
    code: str = "E-LEDGER"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class BadInput(LedgerError):
    """Input is malformed or violates a rule; nothing was written."""

    exit_code = 2
    code = "E-INPUT"


class InputErrors(BadInput):
    """Several input errors found in one file; all are reported together."""

    code = "E-INPUT-MANY"

    def __init__(self, errors: list[BadInput]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


class VerificationError(LedgerError):
    """A proof, signature, chain or rule check failed (exit 1)."""

    exit_code = 1
    code = "E-VERIFY"

    def __init__(self, message: str, seq: int | None = None) -> None:
        super().__init__(message)
        self.seq = seq


class ProofError(VerificationError):
    """A Merkle inclusion or consistency proof does not verify."""

    code = "E-PROOF"


class EnvironmentProblem(LedgerError):
    """Database unreachable, keystore locked or missing (exit 3)."""

    exit_code = 3
    code = "E-ENV"


class FieldError(BadInput):
    """One field of one statement is invalid; ``field`` is a dotted path like ``body.terms.days``."""

    code = "E-FIELD"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.reason = message
