"""What an audit finds: the findings as data, their stable codes, and the audit's JSON format.

Codes are stable (``docs/audit.md`` has one heading per code; a test keeps the two in step):
rename one only with a deprecation. Severity ``error`` makes ``rspcheck audit`` exit 1.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from checker.determination import Out

FindingSeverity = Literal["error", "warning", "info"]

#: Every audit finding code, with its severity and a one-line meaning.
AUDIT_CODES: dict[str, tuple[FindingSeverity, str]] = {
    # -- from the claims alone (disclosure) -------------------------------------------------
    "budget-not-stated": (
        "error",
        "A result is reported without the inference budget it was obtained at.",
    ),
    "spend-not-stated": (
        "warning",
        "A result states attempts or a setting but no spend (tokens, "
        "dollars, time or a token limit).",
    ),
    "attempts-not-stated": (
        "error",
        "A pass@k- or cons@k-style result does not state k, the number of attempts.",
    ),
    "comparison-budget-unmatched": (
        "error",
        "A comparison rests on results at unequal or unstated budgets.",
    ),
    "mode-not-evaluated": (
        "error",
        "A mode or product offered to users has no evaluation of its own.",
    ),
    # -- with a policy -----------------------------------------------------------------------
    "budget-below-actor": (
        "warning",
        "A safety-relevant result's stated budget stops orders of "
        "magnitude below the budget the policy assesses its domain at.",
    ),
    "threshold-unaddressed": ("warning", "A threshold of the policy that no claim addresses."),
    # -- with evidence -----------------------------------------------------------------------
    "claim-not-reproduced": (
        "error",
        "The evidence does not reproduce the claimed score at the "
        "stated budget (the score lies outside the interval).",
    ),
    "claim-unchecked": (
        "info",
        "The evidence for a claim does not reach its stated budget, or "
        "the claim states no spend to place it on the evidence's curve.",
    ),
    "comparison-reversed": (
        "error",
        "At matched budgets the evidence reverses the document's conclusion.",
    ),
    "comparison-unchecked": (
        "warning",
        "The matched-budget comparison cannot confirm or reverse the document's conclusion.",
    ),
    "comparison-survives": (
        "info",
        "At matched budgets the evidence supports the document's conclusion.",
    ),
    "curve-still-rising": (
        "warning",
        "A scalar is reported where the evidence shows the score "
        "still rising at the top budget evaluated (no plateau shown).",
    ),
}


class Reproduction(Out):
    """A claim placed on the evidence's curve at its stated budget."""

    axis: str
    """Budget axis."""
    budget: float
    """The stated budget on that axis."""
    claimed: float
    """The claimed score."""
    estimate: float
    """P* at that budget: the best the evidence shows at or below it."""
    lower: float
    """Lower confidence bound."""
    upper: float
    """Upper confidence bound."""


class EvidenceCurve(Out):
    """P*(b) of the evidence for a claim's model and eval: the best score at or below each
    budget, with its bounds (what a reproduction or a "still rising" finding rests on)."""

    model: str
    """Evidence model."""
    eval: str
    """Evidence eval."""
    axis: str
    """Budget axis."""
    budgets: list[float]
    """The configurations' budgets, increasing."""
    estimate: list[float]
    """P* at each."""
    lower: list[float]
    """Lower bound."""
    upper: list[float]
    """Upper bound."""


class MatchedCheck(Out):
    """A comparison of the document beside the matched-budget comparison of the evidence."""

    eval: str
    """Evidence eval."""
    axis: str
    """Budget axis."""
    better: str
    """Evidence model of the claim the document puts ahead."""
    worse: str
    """Evidence model of the other."""
    kind: Literal["matched", "dominates", "not_comparable"]
    """What :func:`checker.engine.compare.compare_models` found."""
    text: str
    """Its finding in words, with the numbers."""
    verdict: Literal["survives", "reversed", "cannot be checked"]
    """Whether the document's conclusion survives at matched budgets."""
    budgets: list[float]
    """Common budgets (matched only)."""
    difference: list[float]
    """P*(better) − P*(worse) at each (matched only)."""
    lower: list[float]
    """Lower bound of the difference."""
    upper: list[float]
    """Upper bound."""


class Finding(Out):
    """One finding: a code, a severity, where the claims are, and what it means."""

    code: str
    """Stable code from ``AUDIT_CODES`` (docs/audit.md)."""
    severity: FindingSeverity
    """``error`` fails the audit (exit 1); ``warning`` and ``info`` are reported."""
    title: str
    """The finding in a line."""
    explanation: str
    """What it means, in plain words."""
    claims: list[str]
    """Ids of the claims it rests on."""
    subject: str | None = None
    """The comparison, offering or threshold it concerns, where not a claim."""
    file: str
    """The claims file."""
    line: int | None
    """Line of the claim (or comparison, offering) in the claims file."""
    quotes: list[str] = Field(default_factory=list)
    """The claims as the document makes them (locator and quote)."""
    reproduction: Reproduction | None = None
    """A claim on the evidence's curve (reproduction findings)."""
    matched: MatchedCheck | None = None
    """The matched-budget comparison (comparison findings with evidence)."""
    curve: EvidenceCurve | None = None
    """The evidence's curve the finding rests on (reproduction and "still rising" findings)."""
    thresholds: list[str] = Field(default_factory=list)
    """Thresholds of the policy concerned."""

    @property
    def where(self) -> str:
        """``file:line``."""
        return f"{self.file}:{self.line}" if self.line else self.file


class DisclosureRow(Out):
    """How completely a set of claims states its budgets."""

    domain: str
    """The domain (``all`` for every claim; ``(none)`` for claims with no domain)."""
    claims: int
    """Claims."""
    with_budget: int
    """Claims stating a budget (anything but ``not stated``)."""
    with_spend: int
    """Claims stating a spend: tokens, dollars, time or a token limit."""
    with_attempts: int
    """Claims stating attempts per task (k or samples)."""
    with_scaffold: int
    """Claims naming a scaffold or mode."""


class AuditInput(Out):
    """A file the audit read (the shape ``rspcheck verify`` matches given files against)."""

    role: Literal["claims", "evidence", "policy"]
    """What it was."""
    name: str
    """Its path as given."""
    sha256: str
    """Digest of its bytes."""


class Audit(Out):
    """The audit of one claims file (``rspcheck audit --json``)."""

    kind: Literal["rspcheck-audit"] = "rspcheck-audit"
    """Marks the JSON."""
    format_version: Literal[1] = 1
    """Version of this format."""
    tool_version: str
    """rspcheck version."""
    document: dict[str, str | None]
    """The audited document: title, publisher, version, date, url."""
    inputs: list[AuditInput]
    """Files read."""
    strength: list[Literal["claims", "policy", "evidence"]]
    """What the audit had: claims alone, with a policy, with evidence."""
    bottom_line: str
    """The audit in a sentence."""
    counts: dict[str, int]
    """Findings by severity: error, warning, info."""
    findings: list[Finding]
    """Every finding, errors first, then in file order."""
    disclosure: list[DisclosureRow]
    """Share of claims stating budget, spend, attempts, scaffold: all, then per domain."""
    seed: int
    """Bootstrap seed of the evidence checks."""
    as_of: dt.date
    """The day of the audit (the PDF's date)."""

    @property
    def exit_code(self) -> int:
        """0 without error-severity findings, 1 with."""
        return 1 if self.counts.get("error", 0) else 0
