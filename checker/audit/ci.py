"""Audit findings as located findings for the CI renderings lint uses (checker.report.ci).

A CI system knows errors and warnings at a file and line; an audit finding is that plus a
title and an explanation. Info findings (a comparison that survives, a claim unchecked) are not
problems and stay in the text, JSON and reports. Audit codes live in ``AUDIT_CODES``
(docs/audit.md), not among the input-error codes, so these are not ``Problem`` objects.
"""

from __future__ import annotations

from dataclasses import dataclass

from checker.audit.findings import Audit


@dataclass(frozen=True)
class LocatedFinding:
    """An audit finding where a CI system shows it (:class:`checker.report.ci.Located`)."""

    code: str
    msg: str
    file: str | None
    line: int | None
    severity: str
    column: int | None = None
    loc: tuple[str | int, ...] = ()
    hint: str | None = None

    @property
    def path(self) -> str:
        return ""

    @property
    def where(self) -> str:
        return f"{self.file or '<input>'}:{self.line}" if self.line else self.file or "<input>"


def audit_problems(result: Audit) -> list[LocatedFinding]:
    """The audit's error and warning findings, located at the claim's line.

    Args:
        result: The audit.

    Returns:
        One per error or warning finding, in the audit's order.
    """
    return [
        LocatedFinding(
            code=f.code,
            msg=f"{f.title}. {f.explanation}",
            file=f.file,
            line=f.line,
            severity=f.severity,
        )
        for f in result.findings
        if f.severity in ("error", "warning")
    ]
