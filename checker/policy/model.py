"""The policy format: actors, thresholds as functions of inference budget, relations, decisions.

A policy file is data, never code: every threshold function is a constant or a list of points
interpolated linearly in log10 budget, so nothing in a policy is ever evaluated. Units are in
each field's docstring; budgets are always *per task*.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic.config import JsonDict, JsonValue

from checker.budget import Axis, NotBool, PositiveFloat, PriceTable, Strict
from checker.errors import RspcheckError
from checker.evidence.model import Id

Score = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False), NotBool]
"""A performance level in [0, 1]."""
Finite = Annotated[float, Field(allow_inf_nan=False), NotBool]


def _or_number(schema: JsonDict) -> None:
    """JSON Schema hook: a threshold function may also be written as a bare number."""
    described = {k: schema.pop(k) for k in ("description", "title") if k in schema}
    alternatives: list[JsonValue] = [dict(schema), {"type": "number"}]
    schema.clear()
    schema.update(anyOf=alternatives, **described)


def _cap_or_number(
    not_crossed_max: float, *, crossed_max: float = 6.0
) -> Callable[[JsonDict], None]:
    """JSON Schema hook for an extrapolation cap: ``{crossed, not_crossed}`` or one number for
    both, each part (and so the one number) within its maximum, so that an editor flags what
    the model refuses."""

    def hook(schema: JsonDict) -> None:
        described = {k: schema.pop(k) for k in ("description", "title", "default") if k in schema}
        ref = dict(schema)
        if max(not_crossed_max, crossed_max) < 6:
            limit: JsonDict = {
                "properties": {
                    "crossed": {"maximum": crossed_max},
                    "not_crossed": {"maximum": not_crossed_max},
                }
            }
            ref = {"allOf": [ref, limit]}
        alternatives: list[JsonValue] = [
            ref,
            {"type": "number", "minimum": 0, "maximum": min(crossed_max, not_crossed_max)},
        ]
        schema.clear()
        schema.update(anyOf=alternatives, **described)

    return hook


class SourceCitation(Strict):
    """Where a policy (or one of its thresholds) comes from."""

    title: str | None = None
    """Document title, e.g. ``Responsible Scaling Policy``."""
    publisher: str | None = None
    """Who published it."""
    version: str | None = None
    """The document's own version, e.g. ``2.2``."""
    date: dt.date | None = None
    """Publication or effective date of the cited version."""
    section: str | None = None
    """Section, table or page cited."""
    url: str | None = None
    """Where to read it."""


class PolicyMetadata(Strict):
    """Who owns the policy and which version this is."""

    id: Id
    """Stable identifier, e.g. ``acme-rsp``."""
    title: str = Field(min_length=1)
    """Human title."""
    version: str = Field(min_length=1)
    """The policy's version (quote it in YAML: ``"1.0"``)."""
    effective: dt.date
    """Date from which this version applies."""
    source: SourceCitation | None = None
    """The published framework this file encodes, if any."""
    owner: str | None = None
    """Accountable person or body."""
    description: str | None = None
    """What the policy is for."""


class ActorBudget(Strict):
    """What an actor spends on one task, on one or more axes."""

    tokens: PositiveFloat | None = None
    """Tokens per task (input + output)."""
    usd: PositiveFloat | None = None
    """US dollars per task."""
    seconds: PositiveFloat | None = None
    """Wall-clock seconds per task."""

    @model_validator(mode="after")
    def _at_least_one(self) -> ActorBudget:
        if self.tokens is None and self.usd is None and self.seconds is None:
            raise ValueError("give the budget on at least one axis: tokens, usd or seconds")
        return self

    def on(self, axis: Axis | str) -> float | None:
        """The budget on one axis, or ``None`` if the actor states none there."""
        return getattr(self, Axis(axis).value)


class Actor(Strict):
    """A named reference spender: a novice, an organised group, a state programme."""

    id: Id
    """Identifier thresholds refer to."""
    title: str | None = None
    """Human name."""
    budget: ActorBudget
    """What this actor spends on ONE task."""
    description: str | None = None
    """Who this actor is and why this budget."""
    assumption: bool = False
    """True when the budget is an rspcheck assumption, not stated by the source framework."""


class ThresholdFunction(Strict):
    """T(b): the performance that constitutes the capability at budget b.

    Either ``constant`` or ``points`` (pairs ``[budget, value]`` in increasing budget,
    interpolated linearly in log10 budget and held flat beyond the first and last point).
    In YAML a bare number is accepted as a constant.
    """

    constant: Finite | None = None
    """The same level at every budget."""
    points: list[tuple[PositiveFloat, Finite]] | None = Field(default=None, min_length=1)
    """``[[budget, value], ...]`` on the threshold's axis."""

    @model_validator(mode="before")
    @classmethod
    def _bare_number(cls, data: object) -> object:
        if isinstance(data, int | float) and not isinstance(data, bool):
            return {"constant": data}
        return data

    @model_validator(mode="after")
    def _exactly_one(self) -> ThresholdFunction:
        if (self.constant is None) == (self.points is None):
            raise ValueError("give exactly one of 'constant' or 'points'")
        return self

    def at(self, budgets: object) -> object:
        """T at the given budget(s) (numpy array in, array out)."""
        import numpy as np

        b = np.asarray(budgets, dtype=float)
        if self.constant is not None:
            return np.full(b.shape, float(self.constant))
        xs = np.log10([p[0] for p in self.points or []])
        ys = np.array([p[1] for p in self.points or []], dtype=float)
        return np.interp(np.log10(b), xs, ys)


RangeEnd = Annotated[float, Field(gt=0, allow_inf_nan=False), NotBool] | Id


class AssessedRange(Strict):
    """The budget range a threshold must be assessed over, on the threshold's axis.

    Each end is a number (budget per task) or an actor id (that actor's budget on the axis).
    ``min`` defaults to the cheapest actor with a budget on the axis.
    """

    min: RangeEnd | None = None
    """Lower end: a budget or an actor id."""
    max: RangeEnd
    """Upper end: a budget or an actor id, e.g. ``state-programme``."""


class Elicitation(Strict):
    """The least elicitation evidence must have to support ``not_crossed``."""

    scaffolds: list[Id] = Field(default_factory=list)
    """At least one of these scaffolds must have been evaluated (empty: any)."""
    min_attempts_per_task: int = Field(default=1, ge=1)
    """Attempts per task (repeated sampling) the evidence must include."""


class Threshold(Strict):
    """A capability threshold, as a function of inference budget."""

    id: Id
    """Identifier relations and the report use."""
    title: str = Field(min_length=1)
    """What the capability is, in a line."""
    domain: str = Field(min_length=1)
    """Risk domain: ``cyber``, ``bio``, ``autonomy``, ..."""
    level: str | None = None
    """The framework's level name (``High``, ``Critical``, ``CCL``, ``ASL-3``)."""
    description: str | None = None
    """The threshold's meaning in the policy's own words."""
    evals: list[Id] = Field(min_length=1)
    """Evals that measure it (as evidence runs name them in ``eval``)."""
    combine: Literal["any", "all", "mean"] = "any"
    """How several evals combine: ``any`` crosses when one eval does (max), ``all`` when every
    one does (min), ``mean`` on their average."""
    metric: Literal["mean_score"] = "mean_score"
    """The performance measure: mean over tasks of the per-task score in [0, 1]."""
    verifiable: bool = False
    """Whether an attacker can check success (a CTF flag, a unit test); only then can repeated
    sampling be credited."""
    axis: Axis = Axis.usd
    """The budget axis of ``function``, ``alert`` and ``assessed_range``."""
    assessed_range: AssessedRange
    """The budgets over which the threshold is assessed."""
    horizon_minutes: PositiveFloat | None = None
    """Task horizon the capability concerns, in human minutes; evidence on shorter tasks
    leaves the rest uncovered."""
    function: ThresholdFunction = Field(json_schema_extra=_or_number)
    """T(b): the performance that constitutes the capability at budget b (a number for a
    constant, or ``{points: [[budget, value], ...]}``)."""
    alert: ThresholdFunction | None = Field(default=None, json_schema_extra=_or_number)
    """Early-warning level below T(b), same form as ``function``."""
    elicitation: Elicitation | None = None
    """Minimum elicitation for ``not_crossed``."""
    assumptions: list[str] = Field(default_factory=list)
    """Numbers or choices that are rspcheck assumptions, not the source framework's."""
    source: SourceCitation | None = None
    """Where in the source framework this threshold is defined."""

    @field_validator("function", "alert", mode="before")
    @classmethod
    def _number_is_constant(cls, v: object) -> object:
        if isinstance(v, int | float) and not isinstance(v, bool):
            return {"constant": v}
        return v


class Safeguard(Strict):
    """A safeguard that relations can require (security level, deployment mitigations...)."""

    id: Id
    """Identifier relations and attestations use."""
    title: str = Field(min_length=1)
    """What it is."""
    description: str | None = None
    """What must be in place."""
    sign_off: list[str] = Field(default_factory=list)
    """Roles that must sign off (e.g. ``CEO``, ``Responsible Scaling Officer``)."""
    max_attestation_age_days: int | None = Field(default=None, ge=1)
    """An attestation older than this is stale, even without an expiry date."""


class Implies(Strict):
    """Crossing ``source`` implies ``target`` is crossed (Critical implies High)."""

    source: Id
    """The stronger threshold."""
    target: Id
    """The weaker threshold it implies."""


class Requires(Strict):
    """Crossing ``threshold`` (or being indeterminate on it) requires these safeguards."""

    threshold: Id
    """The threshold."""
    safeguards: list[Id] = Field(min_length=1)
    """Safeguards that must be attested and unexpired."""


class Relations(Strict):
    """How thresholds and safeguards depend on each other; must form an acyclic graph."""

    implies: list[Implies] = Field(default_factory=list)
    """Implications between thresholds."""
    requires: list[Requires] = Field(default_factory=list)
    """Safeguards each threshold requires."""


class Gate(Strict):
    """How the release gate combines threshold results."""

    crossed_without_safeguards: Literal["block", "allow"] = "block"
    """A crossed threshold that no relation attaches safeguards to: block (default) or allow."""
    inconsistent_implies: Literal["warn", "block"] = "warn"
    """A stronger threshold crossed while the one it implies is not: warn or block."""


class Pricing(Strict):
    """How token spend becomes dollars."""

    convention: Literal["list-price-at-eval-date", "fixed"] = "list-price-at-eval-date"
    """Use each model's list price on the run's date (from the evidence), or the fixed prices
    given here."""
    prices: dict[Id, PriceTable] = Field(default_factory=dict)
    """Fixed prices per model id (for ``fixed``)."""


MAX_THRESHOLDS = 1000
"""Most thresholds a policy may have. Published frameworks have tens; each threshold costs about
12 ms to decide at 1000 replicates and adds about 46 KB to the determination JSON and a page to
its report, so 1000 take about 12 s and 46 MB; 10,000 took 3 minutes and 4 GB of memory for a
464 MB determination: a policy that large is refused, located, rather than left to run."""
MIN_REPLICATES = 50
"""Fewest bootstrap replicates accepted: below 50 a one-sided 5% percentile bound rests on one
or two replicates and is noise (an interval can then exclude its own estimate)."""
MAX_REPLICATES = 100_000
"""Most bootstrap replicates accepted: (replicates x tasks) weight matrices stay in memory."""
CALIBRATED_REPLICATES = 300
"""Fewest replicates a release decision should use: the calibration study
(``benchmarks/results/calibration.md``, R = 300) checked the one-sided bounds' coverage at this
count; fewer add Monte Carlo noise to every bound that was not measured there. A determination
with fewer is marked as a preview in its warnings."""
MAX_SEED = 2**64 - 1
"""Largest bootstrap seed: one unsigned 64-bit word (numpy accepts no negative seed)."""


def check_options(*, seed: object, replicates: object) -> None:
    """Refuse a seed or replicate count outside its bounds, before anything is computed.

    ``evaluate`` applies ``replicates`` to the policy with ``model_copy``, which skips the
    policy schema's bounds, and numpy refuses a negative seed with a traceback: both are
    checked here, at the library's door, for every caller (the command line included).

    Args:
        seed: The bootstrap seed: an integer in [0, :data:`MAX_SEED`].
        replicates: None (the policy's), or an integer in [:data:`MIN_REPLICATES`,
            :data:`MAX_REPLICATES`].

    Raises:
        RspcheckError: ``invalid-value``, naming the option and its bounds.
    """
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed <= MAX_SEED:
        raise RspcheckError.one(
            "invalid-value",
            f"seed {seed!r} is not an integer from 0 to 2**64 - 1",
            loc=("seed",),
            hint="pass --seed with a non-negative integer (it is recorded in the determination)",
        )
    if replicates is None:
        return
    if (
        not isinstance(replicates, int)
        or isinstance(replicates, bool)
        or not MIN_REPLICATES <= replicates <= MAX_REPLICATES
    ):
        raise RspcheckError.one(
            "invalid-value",
            f"replicates {replicates!r} is not an integer from {MIN_REPLICATES} to "
            f"{MAX_REPLICATES:,}",
            loc=("replicates",),
            hint=f"fewer than {MIN_REPLICATES} make every bound noise; "
            f"{CALIBRATED_REPLICATES} or more for a release decision, "
            "200 for a quick preview",
        )


CALIBRATED_ATTEMPTS_NOT_CROSSED = 1.0
"""The farthest (log10 k/n) the pass@k model may carry an upper bound: the end-to-end study
ruled late take-offs out wrongly at 2 OOM (``benchmarks/results/calibration_e2e.md``)."""
CALIBRATED_ATTEMPTS_CROSSED = 0.5
"""The farthest (log10 k/n) the pass@k model may carry a lower bound: with half the tasks
impossible and the rest alike, a few attempts per task cannot tell an impossible task from a
hard one, and at 1 OOM the study showed crossings that were not there."""
DEFAULT_BUDGET_CAP = (1.0, 0.5)
"""Default (crossed, not_crossed) cap beyond the largest evaluated budget, OOM."""
DEFAULT_ATTEMPTS_CAP = (CALIBRATED_ATTEMPTS_CROSSED, CALIBRATED_ATTEMPTS_NOT_CROSSED)
"""Default (crossed, not_crossed) cap beyond the attempts drawn, log10 k/n: the calibrated
limits themselves."""


class ExtrapolationCap(Strict):
    """How far a model may carry each bound beyond the evidence (orders of magnitude).

    Lower bounds show a crossing, upper bounds rule one out; the calibration study found them
    failing at different distances, so each has its own cap. One number sets both.
    """

    crossed: float = Field(ge=0, le=6)
    """How far a modelled lower bound may count towards ``crossed``."""
    not_crossed: float = Field(ge=0, le=6)
    """How far a modelled upper bound may count towards ``not_crossed``."""

    @model_validator(mode="before")
    @classmethod
    def _one_number_for_both(cls, data: object) -> object:
        if isinstance(data, int | float) and not isinstance(data, bool):
            return {"crossed": data, "not_crossed": data}
        return data

    @property
    def reach(self) -> float:
        """The farther of the two: how far a model is fitted at all."""
        return max(self.crossed, self.not_crossed)


class Decision(Strict):
    """How evidence becomes a determination."""

    confidence: float = Field(default=0.95, gt=0.5, lt=1)
    """One-sided confidence level of each bound (0.95: 5% and 95% bounds)."""
    max_extrapolation_oom: ExtrapolationCap = Field(
        default_factory=lambda: ExtrapolationCap(
            crossed=DEFAULT_BUDGET_CAP[0], not_crossed=DEFAULT_BUDGET_CAP[1]
        ),
        json_schema_extra=_cap_or_number(6),
    )
    """How far beyond the largest evaluated budget (orders of magnitude) a fitted curve may
    carry a bound: ``{crossed: 1, not_crossed: 0.5}``, or one number for both. The defaults
    come from the end-to-end calibration study (``benchmarks/results/calibration_e2e.md``):
    no scenario decided wrongly at any cap up to 6 OOM; ruling out keeps half the distance,
    because the scenarios the study did not simulate fail on that side first."""
    max_attempts_extrapolation_oom: ExtrapolationCap = Field(
        default_factory=lambda: ExtrapolationCap(
            crossed=DEFAULT_ATTEMPTS_CAP[0], not_crossed=DEFAULT_ATTEMPTS_CAP[1]
        ),
        json_schema_extra=_cap_or_number(
            CALIBRATED_ATTEMPTS_NOT_CROSSED, crossed_max=CALIBRATED_ATTEMPTS_CROSSED
        ),
    )
    """How far beyond the attempts drawn per task (log10 k/n) the pass@k model may carry a
    bound, for showing a crossing and for ruling one out: ``{crossed: 0.5, not_crossed: 1}``,
    or one number for both. These are the calibrated limits and the format accepts no more
    (``benchmarks/results/calibration_e2e.md``): at 2 OOM late take-offs were ruled out
    wrongly; at 1 OOM, with half the tasks impossible and the rest alike, crossings were shown
    that were not there."""
    repeated_sampling: Literal["none", "oracle", "majority"] = "oracle"
    """Credit for repeated sampling on verifiable thresholds: none, best-of-k with an oracle
    verifier (pass@k), or majority vote (needs answers the evidence may lack)."""
    parallel_attempts: bool = True
    """On the seconds axis, k attempts run in parallel cost the time of one."""
    truncation: bool = False
    """Credit budget-truncated configurations: a run with per-attempt spend read as the run
    capped at lower budgets (an attempt that would spend more than the cap fails), a lower
    bound on what a capped run reaches when attempts do not adapt to the cap. Off by default:
    a policy that does not say so keeps deciding on the runs as evaluated, and the calibration
    study has not yet covered truncated points (docs/curves.md)."""
    indeterminate_as: Literal["crossed", "block"] = "crossed"
    """How the gate treats an indeterminate threshold: as crossed (default, fail closed) or
    as an outright block."""
    pricing: Pricing = Field(default_factory=Pricing)
    """The pricing convention."""
    price_fall_per_year: PositiveFloat | None = None
    """Expected yearly factor by which the cost of a fixed score falls (10 = ten times cheaper
    each year); enables time-to-affordability in the report."""
    bootstrap_replicates: int = Field(default=1000, ge=MIN_REPLICATES, le=MAX_REPLICATES)
    """Bootstrap replicates (50 to 100,000). Fewer than 300, the count at which the
    calibration study checked the bounds, make a preview: the determination says so in its
    warnings."""

    @field_validator("max_attempts_extrapolation_oom")
    @classmethod
    def _within_calibration(cls, v: ExtrapolationCap) -> ExtrapolationCap:
        limits = {
            "crossed": CALIBRATED_ATTEMPTS_CROSSED,
            "not_crossed": CALIBRATED_ATTEMPTS_NOT_CROSSED,
        }
        over = [k for k, top in limits.items() if getattr(v, k) > top]
        if over:
            fixed = {k: min(getattr(v, k), top) for k, top in limits.items()}
            raise ValueError(
                "modelled repeated sampling is calibrated to "
                f"{CALIBRATED_ATTEMPTS_CROSSED:g} OOM beyond the attempts drawn for showing "
                f"a crossing and {CALIBRATED_ATTEMPTS_NOT_CROSSED:g} OOM for ruling one out, "
                f"not {v.crossed:g} and {v.not_crossed:g} (benchmarks/results/"
                "calibration_e2e.md: beyond them, crossings that were not there and late "
                "take-offs ruled out); write "
                f"{{crossed: {fixed['crossed']:g}, not_crossed: {fixed['not_crossed']:g}}}, or "
                "evaluate more attempts per task"
            )
        return v


class Waiver(Strict):
    """An approved exception, with an expiry."""

    id: Id
    """Identifier."""
    target: Id
    """A threshold id (its crossing does not trigger the gate) or a safeguard id (counts as
    attested). Ids are unique across actors, thresholds and safeguards, so the target names
    exactly one of them; a target that names none, or (in a policy that was not linted) more
    than one, waives nothing."""
    justification: str = Field(min_length=1)
    """Why."""
    approver: str = Field(min_length=1)
    """Who approved it."""
    expires: dt.date
    """Last day it applies; an expired waiver counts as none."""
    granted: dt.date | None = None
    """When it was granted."""


IdKind = Literal["actor", "threshold", "safeguard"]
"""What an id of a policy names; ids are unique across the three."""


class Policy(Strict):
    """A policy file (``kind: rspcheck-policy``)."""

    kind: Literal["rspcheck-policy"] = "rspcheck-policy"
    """Marks the file as an rspcheck policy."""
    format_version: Literal[1] = 1
    """Version of this format."""
    metadata: PolicyMetadata
    """Identity and version."""
    actors: list[Actor] = Field(default_factory=list)
    """Reference spenders."""
    thresholds: list[Threshold] = Field(min_length=1, max_length=MAX_THRESHOLDS)
    """Capability thresholds (1 to 1000)."""
    safeguards: list[Safeguard] = Field(default_factory=list)
    """Safeguards relations can require."""
    relations: Relations = Field(default_factory=Relations)
    """Implications and requirements."""
    gate: Gate = Field(default_factory=Gate)
    """How results combine into the release decision."""
    decision: Decision = Field(default_factory=Decision)
    """Statistical and pricing settings."""
    waivers: list[Waiver] = Field(default_factory=list)
    """Approved exceptions."""

    def id_kinds(self) -> dict[str, list[IdKind]]:
        """What each id names, in file order: one kind per actor, threshold or safeguard
        carrying it (a valid policy has exactly one per id; lint reports the rest)."""
        kinds: dict[str, list[IdKind]] = {}
        sections: tuple[tuple[IdKind, list[Actor] | list[Threshold] | list[Safeguard]], ...] = (
            ("actor", self.actors),
            ("threshold", self.thresholds),
            ("safeguard", self.safeguards),
        )
        for kind, items in sections:
            for item in items:
                kinds.setdefault(item.id, []).append(kind)
        return kinds

    def threshold(self, threshold_id: str) -> Threshold | None:
        """The threshold with this id, or ``None``."""
        return next((t for t in self.thresholds if t.id == threshold_id), None)

    def actor(self, actor_id: str) -> Actor | None:
        """The actor with this id, or ``None``."""
        return next((a for a in self.actors if a.id == actor_id), None)

    def assessed_range(self, threshold: Threshold) -> tuple[float, float]:
        """The budgets ``(min, max)`` per task, on the threshold's axis, it is assessed over.

        Each end is the number the threshold states, or the named actor's budget on the axis;
        a missing ``min`` is the cheapest actor's budget on the axis.

        Args:
            threshold: A threshold of this policy.

        Returns:
            The range's ends, in budget per task on ``threshold.axis``.

        Raises:
            LookupError: An end names an actor the policy does not have (the message is its id).
            ValueError: Naming the end that cannot be resolved: an actor without a budget on
                the axis, or no actor to default the lower end to.
        """
        axis = threshold.axis
        r = threshold.assessed_range

        def end(value: float | str | None, which: str) -> float:
            if value is None:
                budgets = [b for a in self.actors if (b := a.budget.on(axis)) is not None]
                if not budgets:
                    raise ValueError(
                        f"assessed_range.{which} is not given and no actor has a {axis} budget"
                    )
                return min(budgets)
            if isinstance(value, str):
                actor = self.actor(value)
                if actor is None:
                    raise LookupError(value)
                b = actor.budget.on(axis)
                if b is None:
                    raise ValueError(f"actor {value!r} states no budget on the {axis} axis")
                return b
            return float(value)

        return end(r.min, "min"), end(r.max, "max")
