"""``rspcheck lint``'s library side: check policy and evidence files, collect every finding.

A finding is a :class:`~checker.errors.Problem`. Files that cannot be read at all (missing,
not text, not YAML) are *unreadable*; everything else (schema and semantic problems) is a
finding of severity error or warning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from checker.errors import Problem, ProblemCollector, RspcheckError
from checker.evidence.model import EvidenceManifest
from checker.files.document import Document
from checker.policy.model import Policy

UNREADABLE_CODES = frozenset(
    {
        "file-not-found",
        "file-too-large",
        "file-empty",
        "not-utf8",
        "binary-file",
        "yaml-syntax",
        "yaml-duplicate-key",
        "yaml-alias-limit",
        "yaml-too-deep",
        "top-level-not-mapping",
        "unknown-format",
    }
)


@dataclass
class LintReport:
    """Every finding for every file, and which files could not be read.

    Findings are gathered by the one problem collector (:class:`~checker.errors.ProblemCollector`);
    lint never raises them, it reports them all with an exit code.
    """

    collector: ProblemCollector = field(default_factory=ProblemCollector)
    unreadable: list[str] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)
    """File -> ``policy``, ``evidence`` or ``claims``."""

    @property
    def findings(self) -> list[Problem]:
        """Every finding, errors and warnings, in file and line order once linting is done."""
        return self.collector.problems

    @property
    def errors(self) -> list[Problem]:
        """The findings of severity ``error``."""
        return self.collector.errors

    @property
    def warnings(self) -> list[Problem]:
        """The findings of severity ``warning``."""
        return self.collector.warnings

    strict: bool = False
    """Whether warnings fail the lint too (``rspcheck lint --strict``)."""

    @property
    def exit_code(self) -> int:
        """2 unreadable input, 1 errors (or, when strict, warnings), 0 clean."""
        if self.unreadable:
            return 2
        return 1 if self.errors or (self.strict and self.warnings) else 0


def lint_files(
    paths: list[str | Path],
    *,
    today: dt.date | None = None,
    allow_outside: Sequence[str | Path] = (),
    strict: bool = False,
) -> LintReport:
    """Lint each file (policy or evidence manifest, told apart by ``kind``), then cross-check.

    A policy whose schema fails is still checked for meaning wherever the rest of it parses
    (:func:`checker.policy.salvage.salvage`), so that one run reports every mistake.

    Args:
        paths: Policy and evidence manifest files.
        today: The day waiver expiry is judged on (default today, UTC).
        allow_outside: Folders outside a manifest's own its attempt files may lie in.
        strict: Warnings fail the lint too (exit 1).

    Returns:
        Every finding, and which files could not be read.
    """
    from checker.evidence.load import check_attempts_against_runs, check_manifest, load_manifest
    from checker.files.document import load_document
    from checker.files.validation import validate
    from checker.policy.lint import check_policy
    from checker.policy.salvage import salvage

    report = LintReport(strict=strict)
    found = report.collector
    policies: list[tuple[Document, Policy]] = []
    manifests: list[tuple[Document, EvidenceManifest]] = []
    for path in paths:
        name = str(path)
        try:
            doc = load_document(path)
        except RspcheckError as err:
            found.extend(err.problems)
            report.unreadable.append(name)
            continue
        kind = _kind(doc.data)
        report.kinds[name] = kind or "unknown"
        if kind is None:
            found.extend(
                [
                    doc.problem(
                        "unknown-format",
                        "cannot tell whether this is a policy, an evidence manifest or a claims "
                        "file",
                        ("kind",),
                        hint="add 'kind: rspcheck-policy', 'kind: rspcheck-evidence' or "
                        "'kind: rspcheck-claims'",
                    )
                ]
            )
            report.unreadable.append(name)
            continue
        if kind == "claims":
            found.extend(_lint_claims(doc))
            continue
        if kind == "policy":
            try:
                policy = validate(Policy, doc)
            except RspcheckError as err:
                found.extend(err.problems)
                found.extend(salvage(doc, err.problems, today=today))
                continue
            found.extend(check_policy(policy, doc, today=today))
            policies.append((doc, policy))
            continue
        try:
            manifest = validate(EvidenceManifest, doc)
        except RspcheckError as err:
            found.extend(err.problems)
            continue
        found.extend(check_manifest(manifest, doc))
        try:
            # reads attempt files: digests, rows, run references
            evidence = load_manifest(path, allow_outside=allow_outside)
        except RspcheckError as err:
            found.extend(p for p in err.problems if p not in found.problems)
        else:
            # the loader keeps its warnings as text in the evidence: lint wants them located
            problems, _ = check_attempts_against_runs(manifest, evidence.attempts, doc)
            found.extend(p for p in problems if p.severity == "warning")
        manifests.append((doc, manifest))
    found.extend(_cross_check(policies, manifests))
    order = {str(p): i for i, p in enumerate(paths)}
    found.problems.sort(key=lambda p: (order.get(p.file or "", -1), p.line or 0, p.column or 0))
    return report


def _lint_claims(doc: Document) -> list[Problem]:
    """A claims file (``rspcheck audit``'s input): its schema, then its references."""
    from checker.audit.load import check_claims
    from checker.audit.model import ClaimsFile
    from checker.files.validation import validate

    try:
        claims = validate(ClaimsFile, doc)
    except RspcheckError as err:
        return err.problems
    return check_claims(claims, doc)


def _kind(data: dict[str, object]) -> str | None:
    kind = data.get("kind")
    if kind == "rspcheck-claims":
        return "claims"
    if kind == "rspcheck-policy" or (kind is None and "thresholds" in data):
        return "policy"
    if kind == "rspcheck-evidence" or (kind is None and "runs" in data):
        return "evidence"
    return None


def _cross_check(
    policies: list[tuple[Document, Policy]], manifests: list[tuple[Document, EvidenceManifest]]
) -> list[Problem]:
    """When policies and evidence are linted together: evals and safeguards they share."""
    from checker.errors import did_you_mean

    if not policies or not manifests:
        return []
    evals = sorted({r.eval for _, m in manifests for r in m.runs})
    out = []
    for doc, policy in policies:
        safeguards = sorted(s.id for s in policy.safeguards)
        for i, t in enumerate(policy.thresholds):
            for j, e in enumerate(t.evals):
                if e not in evals:
                    close = did_you_mean(e, evals)
                    out.append(
                        doc.problem(
                            "unknown-reference",
                            f"threshold {t.id!r} names eval {e!r}, which no evidence run has",
                            ("thresholds", i, "evals", j),
                            severity="warning",
                            hint=(f"{close} " if close else "")
                            + "(without it the threshold is indeterminate)",
                        )
                    )
        for mdoc, m in manifests:
            for k, a in enumerate(m.attestations):
                if a.safeguard not in safeguards:
                    close = did_you_mean(a.safeguard, safeguards)
                    out.append(
                        mdoc.problem(
                            "unknown-reference",
                            f"attestation names safeguard {a.safeguard!r}, which policy "
                            f"{policy.metadata.id!r} does not define",
                            ("attestations", k, "safeguard"),
                            severity="warning",
                            hint=close
                            or "an attestation of a safeguard the policy does not "
                            "require counts for nothing",
                        )
                    )
    return out
