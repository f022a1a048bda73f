"""Loading a policy file: parse safely, validate the schema, then the semantics."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from checker.errors import Problem, RspcheckError
from checker.files.document import Document, load_document
from checker.files.validation import validate
from checker.policy.lint import check_policy
from checker.policy.model import Policy
from checker.policy.salvage import salvage


@dataclass(frozen=True)
class LoadedPolicy:
    """A policy together with the file it came from."""

    policy: Policy
    document: Document
    findings: tuple[Problem, ...] = ()
    """Warnings found while loading (errors are raised instead)."""

    @property
    def path(self) -> str:
        return self.document.file

    @property
    def sha256(self) -> str:
        return self.document.sha256


def load_policy(path: str | Path, *, today: dt.date | None = None) -> LoadedPolicy:
    """Load and check a policy file.

    Raises:
        RspcheckError: every schema problem and every semantic error (cycles, unknown
            references, impossible thresholds) of what still parses beside them
            (:func:`~checker.policy.salvage.salvage`), each located in the file.
    """
    doc = load_document(path)
    try:
        policy = validate(Policy, doc)
    except RspcheckError as err:
        # every mistake in one run: the semantic errors of what still parses come along
        semantic = salvage(doc, err.problems, today=today)
        raise RspcheckError(err.problems + [p for p in semantic if p.severity == "error"]) from None
    findings = check_policy(policy, doc, today=today)
    if any(p.severity == "error" for p in findings):
        raise RspcheckError(findings)
    return LoadedPolicy(policy=policy, document=doc, findings=tuple(findings))
