"""The claims format (``kind: rspcheck-claims``): what a system card says, encoded by an auditor.

A system card (or capability report) is a set of claims: a model, in a mode or scaffold, scored
X on a benchmark by a metric, at a budget that is stated or explicitly ``not stated``
(DESIGN.md section 13). Each claim carries a locator into the document, so that every finding
can quote where the card says it. Comparisons the card draws and the modes or products it
offers to users are listed beside the claims.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from checker.budget import NotBool, PositiveFloat, Strict
from checker.evidence.model import Id

Score = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False), NotBool]
"""A score in [0, 1] (a percentage is written as a fraction: 87.5% is 0.875)."""
Count = Annotated[int, Field(ge=1, le=1_000_000), NotBool]
"""A positive count (attempts, samples, runs), at most a million."""

NOT_STATED = "not stated"
"""What an auditor writes where the document gives no budget: absence made explicit."""

MetricName = Literal["pass@1", "pass@k", "cons@k", "mean-of-n", "accuracy", "other"]
"""How a score was aggregated. ``pass@k``: solved if any of k attempts succeeds; ``cons@k``:
the majority answer of k samples; ``mean-of-n``: the mean over n repeated runs."""
ATTEMPT_METRICS = ("pass@k", "cons@k")
"""Metrics whose score depends on a number of attempts, which must be stated with them."""


class ClaimsDocument(Strict):
    """The document audited."""

    title: str = Field(min_length=1)
    """Its title, e.g. ``Gemini 2.5 technical report``."""
    publisher: str | None = None
    """Who published it."""
    version: str | None = None
    """The document's own version."""
    date: dt.date | None = None
    """Publication date."""
    url: str | None = None
    """Where to read it."""


class StatedBudget(Strict):
    """The inference budget as the document states it (per task unless ``note`` says else).

    Give only what the document states; a field left out is not stated.
    """

    tokens: PositiveFloat | None = None
    """Tokens per task."""
    usd: PositiveFloat | None = None
    """US dollars per task."""
    seconds: PositiveFloat | None = None
    """Wall-clock seconds per task."""
    attempts: Count | None = None
    """Attempts or samples per task (pass@k's k, samples per task)."""
    reasoning_effort: str | None = None
    """A named reasoning-effort setting (``high``, ``xhigh``, a thinking budget)."""
    token_limit: PositiveFloat | None = None
    """A per-attempt token limit (a cap, not the mean spend)."""
    note: str | None = None
    """How the document states it, in its words (``33M tokens total over 100 tasks``)."""

    @model_validator(mode="after")
    def _something(self) -> StatedBudget:
        spend = (self.tokens, self.usd, self.seconds, self.attempts, self.token_limit)
        if all(v is None for v in spend) and self.reasoning_effort is None:
            raise ValueError(
                "a budget mapping states at least one of tokens, usd, seconds, attempts, "
                "reasoning_effort, token_limit; write 'budget: not stated' when the document "
                "gives none"
            )
        return self

    @property
    def has_spend(self) -> bool:
        """Whether a spend (tokens, usd, seconds or a token limit) is stated, not only a count
        or a setting."""
        return any(v is not None for v in (self.tokens, self.usd, self.seconds, self.token_limit))


def _budget_kind(value: Any) -> str:
    return "[words]" if isinstance(value, str) else "[mapping]"


Budget = Annotated[
    Annotated[StatedBudget, Tag("[mapping]")] | Annotated[Literal["not stated"], Tag("[words]")],
    Discriminator(_budget_kind),
]
"""A stated budget (a mapping) or the words ``not stated``: a mapping's mistakes are reported
as the mapping's, not also as "expected 'not stated'". (The tags are bracketed so that the
located error's key path drops them, as it drops pydantic's own union tags.)"""


class Locator(Strict):
    """Where in the document the claim is made."""

    section: str | None = None
    """Section or heading."""
    page: str | None = None
    """Page (a string: ``12`` or ``xii``)."""
    table: str | None = None
    """Table or figure."""
    quote: str | None = Field(default=None, max_length=600)
    """A short quote of the claim in the document's words."""
    url: str | None = None
    """Where this claim is published, when not the document itself (a leaderboard, a blog)."""


class EvidenceLink(Strict):
    """Which evidence runs reproduce the claim: the model id and eval id in the evidence."""

    model: Id
    """Model id in the evidence (``model`` or ``model@scaffold``)."""
    eval: Id
    """Eval id in the evidence."""


class Claim(Strict):
    """One result the document reports."""

    id: Id
    """Identifier comparisons and offerings refer to."""
    model: str = Field(min_length=1)
    """The model as the document names it."""
    mode: str | None = None
    """Mode or product setting (``deep-think``, ``pro``, ``parallel-ttc``, ``thinking``)."""
    scaffold: str | None = None
    """Agent harness or scaffold, where named (``react``, ``triframe``, ``2-tool``)."""
    benchmark: str = Field(min_length=1)
    """Benchmark or eval, as the document names it."""
    benchmark_version: str | None = None
    """Its version or split (``Semi-Private``, ``Verified``, ``TH1.1``)."""
    metric: MetricName = "pass@1"
    """How the score was aggregated."""
    k: Count | None = None
    """k for ``pass@k`` and ``cons@k`` (else ``budget.attempts`` stands for it)."""
    runs: Count | None = None
    """n for ``mean-of-n``."""
    score: Score
    """The score, as a fraction in [0, 1]."""
    interval: tuple[Score, Score] | None = None
    """The interval the document states around the score, ``[low, high]``."""
    budget: Budget
    """The budget as stated, or ``not stated`` (required: an auditor decides, explicitly)."""
    safety_relevant: bool = False
    """Whether the result bears on a dangerous capability (cyber, bio, autonomy, ...)."""
    domain: str | None = None
    """Risk or capability domain (``cyber``, ``bio``, ``autonomy``, ``reasoning``), as a
    policy's thresholds name them."""
    source: Locator
    """Where the document makes the claim."""
    evidence: EvidenceLink | None = None
    """Evidence runs that measure the same thing (lab logs or an auditor's re-runs)."""
    illustrative: bool = False
    """True for a number invented for an example (never for a published one)."""

    @field_validator("interval")
    @classmethod
    def _interval(cls, v: tuple[float, float] | None) -> tuple[float, float] | None:
        if v is not None and v[0] > v[1]:
            raise ValueError(f"[{v[0]}, {v[1]}] is not [low, high]: low exceeds high")
        return v

    @property
    def stated(self) -> StatedBudget | None:
        """The stated budget, or None when not stated."""
        return None if isinstance(self.budget, str) else self.budget

    @property
    def attempts(self) -> int | None:
        """Attempts per task as stated (``k`` or ``budget.attempts``)."""
        b = self.stated
        return self.k or (b.attempts if b else None)


class Comparison(Strict):
    """A comparison the document draws: ``better`` than ``worse`` on the same benchmark."""

    id: Id
    """Identifier."""
    better: Id
    """The claim the document presents as ahead."""
    worse: Id
    """The claim it is compared with."""
    statement: str | None = None
    """The conclusion in the document's words."""
    source: Locator | None = None
    """Where the document draws it."""


class Offering(Strict):
    """A mode or product offered to users (``Deep Think``, ``Pro``, parallel test-time compute)."""

    id: Id
    """Identifier."""
    name: str = Field(min_length=1)
    """Its name as users see it."""
    model: str | None = None
    """The model behind it."""
    mode: str | None = None
    """The mode, as claims name it."""
    evaluated_by: list[Id] = Field(default_factory=list)
    """Claims that evaluate this mode itself (empty: none does)."""
    source: Locator | None = None
    """Where it is announced."""


class ClaimsFile(Strict):
    """A claims file (``kind: rspcheck-claims``)."""

    kind: Literal["rspcheck-claims"]
    """Marks the file."""
    format_version: Literal[1] = 1
    """Version of this format."""
    document: ClaimsDocument
    """The document audited."""
    claims: list[Claim] = Field(min_length=1)
    """The results it reports."""
    comparisons: list[Comparison] = Field(default_factory=list)
    """Comparisons it draws."""
    offerings: list[Offering] = Field(default_factory=list)
    """Modes or products it offers."""
    notes: list[str] = Field(default_factory=list)
    """The auditor's notes."""
