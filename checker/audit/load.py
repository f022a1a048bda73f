"""Loading a claims file: parse safely, validate the schema, then check its references.

The same reader and validator as policies (:func:`~checker.files.document.load_document`,
:func:`~checker.files.validation.validate`), so a claims file's mistakes come located, with a
stable code and a did-you-mean, exactly as a policy's do.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from checker.audit.model import ClaimsFile
from checker.errors import Problem, RspcheckError, did_you_mean
from checker.files.document import Document, load_document
from checker.files.validation import validate

MAX_CLAIMS_BYTES = 4 << 20
"""Largest claims file read (a card with a thousand claims is well under a megabyte)."""


@dataclass(frozen=True)
class LoadedClaims:
    """A claims file together with the document it came from (for file:line of findings)."""

    claims: ClaimsFile
    document: Document

    @property
    def path(self) -> str:
        return self.document.file

    @property
    def sha256(self) -> str:
        return self.document.sha256

    def line_of(self, *loc: str | int) -> int | None:
        """The 1-based line of a key path in the file (None where unknown)."""
        return self.document.position(tuple(loc))[0]


def load_claims(path: str | Path) -> LoadedClaims:
    """Load and check a claims file.

    Args:
        path: The claims file (YAML or JSON, ``kind: rspcheck-claims``).

    Returns:
        The claims and their document.

    Raises:
        RspcheckError: every schema problem, or every reference problem (duplicate ids,
            comparisons or offerings naming claims that do not exist), located in the file.
    """
    doc = load_document(path, max_bytes=MAX_CLAIMS_BYTES)
    claims = validate(ClaimsFile, doc)
    problems = check_claims(claims, doc)
    if problems:
        raise RspcheckError(problems)
    return LoadedClaims(claims=claims, document=doc)


def check_claims(claims: ClaimsFile, doc: Document) -> list[Problem]:
    """The references of a claims file that parsed: unique ids, known claims.

    Args:
        claims: The validated file.
        doc: Its document (for positions).

    Returns:
        Located problems of severity error (empty when the file is sound).
    """
    out: list[Problem] = []
    ids = [c.id for c in claims.claims]
    sections: tuple[tuple[str, list[str]], ...] = (
        ("claims", ids),
        ("comparisons", [c.id for c in claims.comparisons]),
        ("offerings", [o.id for o in claims.offerings]),
    )
    for section, names in sections:
        seen: set[str] = set()
        for i, name in enumerate(names):
            if name in seen:
                out.append(
                    doc.problem(
                        "duplicate-id",
                        f"{section[:-1]} id {name!r} is used twice",
                        (section, i, "id"),
                        hint="give each an id of its own",
                    )
                )
            seen.add(name)

    def ref(name: str, loc: tuple[str | int, ...], what: str) -> None:
        if name not in ids:
            close = did_you_mean(name, ids)
            out.append(
                doc.problem(
                    "unknown-reference",
                    f"{what} names claim {name!r}, which the file does not define",
                    loc,
                    hint=close or "name a claim by its id",
                )
            )

    for i, comp in enumerate(claims.comparisons):
        ref(comp.better, ("comparisons", i, "better"), f"comparison {comp.id!r}")
        ref(comp.worse, ("comparisons", i, "worse"), f"comparison {comp.id!r}")
        if comp.better == comp.worse:
            out.append(
                doc.problem(
                    "invalid-value",
                    f"comparison {comp.id!r} compares claim {comp.better!r} with itself",
                    ("comparisons", i, "worse"),
                    hint="a comparison rests on two different claims",
                )
            )
    for i, off in enumerate(claims.offerings):
        for j, name in enumerate(off.evaluated_by):
            ref(name, ("offerings", i, "evaluated_by", j), f"offering {off.id!r}")
    return out
