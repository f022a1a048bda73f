"""The determination: what rspcheck decided, per threshold and for the gate, and on what basis.

This is the published contract (``schemas/determination.schema.json``): the JSON that
``rspcheck check --json`` writes and the PDF carries as an attachment. Every number the report
shows is here, so a reviewer can re-derive the PDF from the JSON alone. Budgets are per task,
on the threshold's axis; curves are sampled on a grid in log10 budget.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Final, Literal, get_args

import pydantic
from pydantic import BaseModel, ConfigDict, Field

from checker.errors import Problem, RspcheckError
from checker.files.access import read_bytes
from checker.files.document import JsonTooDeep, json_loads

#: The type of the top-level ``"kind"`` key that marks a JSON object as a determination.
DeterminationKind = Literal["rspcheck-determination"]
#: Its one value (spelled once, in :data:`DeterminationKind`).
DETERMINATION_KIND: Final[DeterminationKind] = get_args(DeterminationKind)[0]
#: Largest determination JSON read (64 MiB; the demo's is about 0.2 MB).
MAX_DETERMINATION_BYTES = 64 * 1024 * 1024
#: The attachment name a determination PDF carries its JSON under.
DETERMINATION_NAME = "determination.json"
#: The kinds of JSON a signed rspcheck PDF may carry under that name: a determination, or the
#: audit of a system card (``rspcheck audit --pdf``), which is signed and verified the same way.
SIGNED_KINDS: Final[tuple[str, ...]] = (DETERMINATION_KIND, "rspcheck-audit")

State = Literal["crossed", "not_crossed", "indeterminate"]
Basis = Literal["direct", "repeated_sampling", "extrapolated", "none"]
PointBasis = Literal["direct", "repeated_sampling", "extrapolated", "below_evidence", "uncovered"]
GateVerdict = Literal["allow", "allow_with_safeguards", "block"]

ReasonCode = Literal[
    "no-evidence",
    "axis-unreachable",
    "interval-straddles",
    "range-uncovered",
    "extrapolation-cap",
    "horizon-uncovered",
    "elicitation-missing",
    "degenerate-counts",
    "no-family-fits",
    "lower-grade-evidence",
    "repeated-sampling-not-credited",
    "repeated-sampling-uncovered",
]


def _omit_defaults(data: dict, **defaults: object) -> dict:
    """``data`` without the keys whose value is the given default (fields added to the format
    later, written only when they say something)."""
    return {k: v for k, v in data.items() if k not in defaults or v != defaults[k]}


class Out(BaseModel):
    """Base of the determination's models: frozen, strict, documented."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class Reason(Out):
    """Why a threshold is indeterminate (or a caveat on another state)."""

    code: ReasonCode
    """Stable reason code."""
    message: str
    """Human explanation with the numbers."""


class InputFile(Out):
    """A file the determination was computed from."""

    role: Literal["policy", "evidence", "attempts", "log"]
    """What the file is."""
    name: str
    """File name (no directories, so determinations are portable)."""
    sha256: str
    """Hex sha256 of the file's bytes."""


class PriceUse(Out):
    """How one run's spend was put on the usd axis."""

    run: str
    """Run id."""
    method: Literal["measured", "list-price", "fixed-price", "mixed", "unavailable"]
    """``measured``: the harness's own cost; ``list-price``/``fixed-price``: tokens priced."""
    price_effective: dt.date | None = None
    """Effective date of the price table used."""
    usd_per_mtok: tuple[float, float] | None = None
    """(input, output) USD per million tokens of the price table used."""
    attempts_priced: int = 0
    """Attempts whose usd was computed from tokens."""


class EvaluatedPoint(Out):
    """One evaluated configuration: a run at its budget, possibly best-of-k."""

    run: str
    """Run id."""
    label: str | None = None
    """What tells the run apart from the model's other runs on the eval, for people
    (``cyber-ctf @ effort=high``); the id stays the key."""
    eval: str
    """Eval id."""
    scaffold: str
    """Scaffold."""
    k: int
    """Attempts per task combined (1 = single attempt; >1 = repeated sampling, pass@k)."""
    budget: float
    """Mean spend per task on the threshold's axis."""
    estimate: float
    """Score (pass@k for k > 1) over all tasks."""
    lower: float
    """Lower confidence bound."""
    upper: float
    """Upper confidence bound."""
    n_tasks: int
    """Tasks scored."""
    grade: Literal["attempts", "summary"]
    """``summary``: lower-grade evidence (binomial bounds, no task resampling)."""
    truncated_at: float | None = None
    """A budget-truncated configuration: the run read as if each attempt had been capped at
    this spend on the axis (absent: the run as evaluated)."""

    @pydantic.model_serializer(mode="wrap")
    def _omit_untruncated(self, handler: pydantic.SerializerFunctionWrapHandler) -> dict:
        # absent rather than null: determinations made before truncation existed read the same
        return _omit_defaults(handler(self), truncated_at=None)


class Curve(Out):
    """The achievable curve P*(b) sampled on a log-spaced grid."""

    budgets: list[float]
    """Grid budgets on the axis."""
    estimate: list[float | None]
    """Point estimate (None where nothing can be said)."""
    lower: list[float | None]
    """Lower confidence bound L(b)."""
    upper: list[float | None]
    """Upper confidence bound U(b)."""
    basis: list[PointBasis]
    """What supports each grid point."""
    extrapolation_oom: list[float]
    """Distance beyond what was evaluated, in OOM (0 inside the evidence): beyond the largest
    evaluated budget for a fitted curve family, beyond the attempts drawn per task (d_k) for
    modelled repeated sampling."""
    threshold: list[float]
    """T(b) on the grid."""
    alert: list[float] | None = None
    """The alert function on the grid, if the policy has one."""


class CoverageSegment(Out):
    """A stretch of the assessed range of one coverage kind."""

    lo: float
    """Where it starts (budget per task)."""
    hi: float
    """Where it ends."""
    kind: Literal["direct", "extrapolated", "uncovered"]
    """What supports it: evaluated configurations, extrapolation within the cap, nothing."""


class Coverage(Out):
    """How much of the assessed range the evidence covers, as fractions of its log10 length."""

    range_min: float
    """Lower end of the assessed range."""
    range_max: float
    """Upper end of the assessed range."""
    direct: float
    """Fraction covered by evaluated budgets (repeated sampling included), or below the
    cheapest evaluated spend where the upper bound stays below T."""
    extrapolated: float
    """Fraction reached only by extrapolation within the cap."""
    uncovered: float
    """Fraction nothing supports."""
    evidence_min: float | None = None
    """Cheapest evaluated spend (per task)."""
    evidence_max: float | None = None
    """Largest evaluated spend, repeated sampling included."""
    extrapolation_max: float | None = None
    """Largest budget to which a fitted curve or modelled sampling carries both bounds (within
    the caps for ruling out): past it nothing can be ruled out."""
    sampling_reach: float | None = None
    """With repeated sampling credited: the spend per task beyond which an actor could sample a
    configuration more often than its attempts (or their model) cover, so nothing bounds P*
    from above (None: repeated sampling not credited, or bounded throughout). The one number
    every message about that boundary prints."""
    horizon_required_minutes: float | None = None
    """The task horizon the threshold names."""
    horizon_evaluated_minutes: float | None = None
    """The longest evaluated task, in human minutes (None: unknown)."""
    horizon_covered: bool = True
    """Whether evaluated tasks reach the required horizon."""
    segments: list[CoverageSegment] = Field(default_factory=list)
    """The assessed range cut into stretches of one kind, in budget order: the stretches the
    three shares are measured on (log scale), so charts draw exactly what the numbers say.
    Empty for a single-budget range, and in determinations made before segments existed."""


class CrossingBudget(Out):
    """The smallest budget at which the estimate meets T(b)."""

    estimate: float | None
    """Point estimate (None: not within the covered range)."""
    lower: float | None
    """No crossing below this: where the upper bound first meets T (None: nowhere within
    reach)."""
    upper: float | None
    """A crossing by here: where the lower bound first meets T (None: not shown within reach)."""
    never_fraction: float
    """Fraction of bootstrap replicates whose curve (evaluated configurations, and each
    replicate's extrapolated and modelled-sampling curve where allowed) never reaches T within
    what evidence and allowed extrapolation reach."""


class Affordability(Out):
    """When a budget becomes affordable to an actor if prices keep falling at the policy's rate."""

    actor: str
    """Actor id."""
    actor_budget: float
    """The actor's budget per task in USD."""
    budget: float
    """The budget compared (the crossing budget, or where the upper bound meets T)."""
    years: float
    """Years until affordable (0: affordable today)."""


class FamilyUse(Out):
    """One extrapolation family and whether it survived screening."""

    curve: str
    """Which curve it was fitted to (eval/scaffold)."""
    family: str
    """F1 logistic, F2 exponentiated power law, F3 free ceiling, F4/F5 Beta-binomial."""
    kept: bool
    """Survived lack-of-fit screening."""
    note: str
    """Why it was dropped, or what it bounded."""


class ExplainStep(Out):
    """One step of the decision, in order."""

    step: str
    """Short name."""
    detail: str
    """What was done, with numbers."""


class ThresholdResult(Out):
    """The determination for one threshold."""

    id: str
    """Threshold id."""
    title: str
    """Threshold title."""
    domain: str
    """Risk domain."""
    level: str | None
    """Framework level."""
    axis: str
    """Budget axis."""
    state: State
    """crossed, not_crossed or indeterminate."""
    basis: Basis
    """What established the state: direct evidence, repeated sampling or extrapolation."""
    reasons: list[Reason]
    """Why indeterminate, and caveats."""
    would_decide: str | None = None
    """For an indeterminate: the one piece of evidence that would most likely decide it,
    computed from the evidence and the policy's caps (None when decided)."""
    crossing_budget: CrossingBudget
    """Where the estimate meets T."""
    headroom_oom: float | None
    """For not_crossed: OOM beyond the range's top before the upper bound meets T."""
    headroom_is_lower_bound: bool
    """True when the upper bound never meets T as far as evidence and extrapolation reach."""
    alert_state: Literal["crossed", "not_crossed", "indeterminate", "none"]
    """The same decision against the alert function (``none`` without one)."""
    coverage: Coverage
    """Budget coverage."""
    curve: Curve
    """P*(b) with bounds on a grid over the assessed range (and beyond, to the cap)."""
    points: list[EvaluatedPoint]
    """Evaluated configurations used."""
    families: list[FamilyUse]
    """Extrapolation families tried."""
    evidence_runs: list[str]
    """Runs used."""
    scaffolds: list[str]
    """Scaffolds evaluated: a not_crossed holds for these alone."""
    affordability: list[Affordability]
    """Time until the relevant budget is affordable to each actor."""
    waived_by: str | None
    """An unexpired waiver on this threshold, if any."""
    explain: list[ExplainStep]
    """Every step of the decision."""


class Unmet(Out):
    """A requirement the gate found unmet."""

    threshold: str
    """The crossed or indeterminate threshold."""
    safeguard: str | None
    """The safeguard lacking a valid attestation (None: no safeguard is defined for it)."""
    reason: str
    """What is missing."""


class GateResult(Out):
    """The release gate over the relation graph."""

    result: GateVerdict
    """allow, allow_with_safeguards or block."""
    unmet: list[Unmet]
    """Unmet requirements (non-empty exactly when blocked by a requirement)."""
    satisfied: list[str]
    """Safeguards attested (or waived) that a triggered threshold required."""
    inconsistencies: list[str]
    """Implications violated: a stronger threshold crossed while the weaker is not."""
    order: list[str]
    """Threshold ids in the topological order the gate walked."""


class ActorRef(Out):
    """A policy actor, for budget markers on charts."""

    id: str
    """Actor id."""
    title: str | None
    """Human name."""
    budgets: dict[str, float]
    """Budget per task on each axis the actor states (``tokens``, ``usd``, ``seconds``)."""
    assumption: bool
    """True when the budget is an rspcheck assumption, not the source framework's."""


class RelationRef(Out):
    """One edge of the policy's relation graph."""

    kind: Literal["implies", "requires"]
    """``implies``: crossing source implies target; ``requires``: crossing source requires
    safeguard target."""
    source: str
    """Threshold id."""
    target: str
    """Threshold id (implies) or safeguard id (requires)."""


class ComparisonResult(Out):
    """Two models (or scaffolds) on one eval, at matched budgets and at their own maxima."""

    eval: str
    """Eval id."""
    axis: str
    """Budget axis."""
    a: str
    """First model (or model/scaffold)."""
    b: str
    """Second."""
    budgets: list[float]
    """Grid over the budget range both cover."""
    difference: list[float]
    """P*_b − P*_a at each budget (point estimate)."""
    lower: list[float]
    """Lower bound of the difference."""
    upper: list[float]
    """Upper bound of the difference."""
    own_max_a: tuple[float, float]
    """(budget, score) of a at its own largest evaluated budget."""
    own_max_b: tuple[float, float]
    """(budget, score) of b at its own largest evaluated budget."""
    best_at_own_max_a: float | None = None
    """P* of a at its largest budget: the best score within it (above the score there when a
    cheaper run did better)."""
    best_at_own_max_b: float | None = None
    """P* of b at its largest budget, likewise."""
    summary: str
    """One-paragraph reading."""


class PolicyRef(Out):
    """Which policy (and which version of it) the determination applied."""

    id: str
    """Policy id."""
    title: str
    """Policy title."""
    version: str
    """The policy's version, as the policy states it."""
    effective: dt.date
    """Date from which that version applies."""


class CapSettings(Out):
    """An extrapolation cap in force, per bound (orders of magnitude)."""

    crossed: float
    """How far a modelled lower bound may count towards ``crossed``."""
    not_crossed: float
    """How far a modelled upper bound may count towards ``not_crossed``."""


class DecisionSettings(Out):
    """The policy's decision settings in force (after command-line overrides)."""

    max_extrapolation_oom: CapSettings
    """How far beyond the largest evaluated budget a fitted curve may carry each bound (OOM)."""
    max_attempts_extrapolation_oom: CapSettings
    """How far beyond the attempts drawn per task the pass@k model may carry each bound
    (log10 k/n)."""
    bootstrap_replicates: int
    """Bootstrap replicates."""
    repeated_sampling: Literal["none", "oracle", "majority"]
    """Credit for repeated sampling: none, best-of-k with an oracle verifier, majority vote."""
    parallel_attempts: bool
    """On the seconds axis, k attempts run in parallel cost the time of one."""
    indeterminate_as: Literal["crossed", "block"]
    """How the gate treats an indeterminate threshold."""
    pricing: Literal["list-price-at-eval-date", "fixed"]
    """The pricing convention."""
    price_fall_per_year: float | None
    """Expected yearly factor by which the cost of a fixed score falls (None: not stated)."""
    compare_with: str | None
    """The model compared with (None: no comparison asked)."""
    truncation: bool = False
    """Whether budget-truncated configurations are credited (absent: not credited)."""

    @pydantic.model_serializer(mode="wrap")
    def _omit_default_truncation(self, handler: pydantic.SerializerFunctionWrapHandler) -> dict:
        # absent when off, so determinations made before truncation existed read the same
        return _omit_defaults(handler(self), truncation=False)


class Determination(Out):
    """A determination of one model against one policy."""

    kind: DeterminationKind = DETERMINATION_KIND
    """Marks the JSON as an rspcheck determination."""
    format_version: Literal[1] = 1
    """Version of this format."""
    tool_version: str
    """rspcheck version that computed it."""
    seed: int
    """Bootstrap seed (same inputs and seed give the same JSON byte for byte)."""
    as_of: dt.date
    """Date attestations, waivers and price tables were judged at."""
    policy: PolicyRef
    """Policy id, title, version, effective date."""
    model: str
    """Model id evaluated."""
    model_name: str | None
    """Human model name."""
    confidence: float
    """One-sided confidence level of the bounds."""
    settings: DecisionSettings
    """Decision settings in force (extrapolation cap, replicates, repeated sampling...)."""
    inputs: list[InputFile]
    """Files used, with digests."""
    actors: list[ActorRef] = Field(default_factory=list)
    """The policy's actors (reference budgets)."""
    relations: list[RelationRef] = Field(default_factory=list)
    """The policy's relation graph."""
    thresholds: list[ThresholdResult]
    """Per-threshold results, in policy order."""
    gate: GateResult
    """The release gate."""
    comparisons: list[ComparisonResult] = Field(default_factory=list)
    """Matched-budget comparisons, when requested or when evidence holds a comparator."""
    prices: list[PriceUse] = Field(default_factory=list)
    """How spend was converted to usd."""
    caveats: list[str] = Field(default_factory=list)
    """Assumptions made by the policy or the evidence that a reader must know."""
    warnings: list[str] = Field(default_factory=list)
    """Things that did not stop the determination but deserve attention."""

    def to_json(self) -> str:
        """Canonical JSON: sorted keys, fixed float formatting, newline-terminated."""
        return json.dumps(self.model_dump(mode="json"), indent=2, sort_keys=True) + "\n"


# -- reading a determination ------------------------------------------------------------


def parse_determination(data: bytes) -> dict[str, Any]:
    """Parse ``determination.json`` bytes and check the contract a signed PDF's attachment meets.

    The contract is deliberately smaller than :class:`Determination`, so that a determination
    another rspcheck version wrote still verifies: a JSON object whose ``kind`` is
    :data:`DETERMINATION_KIND` (or another of :data:`SIGNED_KINDS`), and ``inputs``, if
    present, a list of objects with ``name`` and a 64-hex ``sha256`` (what
    :func:`checker.sign.verify.match_inputs` compares).

    Args:
        data: The attachment's bytes.

    Returns:
        The parsed JSON object.

    Raises:
        RspcheckError: ``not-a-determination`` saying what is wrong.
    """

    def bad(msg: str, loc: tuple[str | int, ...] = ()) -> RspcheckError:
        return RspcheckError.one("not-a-determination", msg, file=DETERMINATION_NAME, loc=loc)

    try:
        obj = json_loads(bytes(data).decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise bad(f"{DETERMINATION_NAME} is not UTF-8 JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise bad(f"{DETERMINATION_NAME} is not a JSON object")
    if obj.get("kind") not in SIGNED_KINDS:
        raise bad(
            f'{DETERMINATION_NAME} lacks "kind": "{DETERMINATION_KIND}" '
            f"(found {obj.get('kind')!r})",
            ("kind",),
        )
    inputs = obj.get("inputs", [])
    if not isinstance(inputs, list):
        raise bad('"inputs" is not a list', ("inputs",))
    for i, item in enumerate(inputs):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise bad("an input lacks a string name", ("inputs", i))
        sha = item.get("sha256")
        if not (isinstance(sha, str) and len(sha) == 64 and _is_hex(sha)):
            raise bad("an input's sha256 is not 64 hex digits", ("inputs", i, "sha256"))
    return obj


def _is_hex(s: str) -> bool:
    try:
        int(s, 16)
    except ValueError:
        return False
    return True


def load_determination(path: str | Path) -> tuple[Determination, bool]:
    """Read and validate a determination JSON; also whether its bytes are already canonical.

    Args:
        path: The JSON file (what ``rspcheck check --json`` writes).

    Returns:
        The determination, and whether the file is byte for byte its :meth:`~Determination.to_json`.

    Raises:
        RspcheckError: ``file-not-found``, ``not-utf8`` or ``determination-invalid``
            (with the first problems pydantic found, located by key path).
    """
    raw = read_bytes(path, max_bytes=MAX_DETERMINATION_BYTES)  # regular files only, bounded
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise RspcheckError.one("not-utf8", "the file is not UTF-8 text", file=str(path)) from None
    try:
        data = json_loads(text)
    except JsonTooDeep as exc:
        raise RspcheckError.one("yaml-too-deep", f"the JSON is {exc}", file=str(path)) from None
    except json.JSONDecodeError as exc:
        raise RspcheckError.one(
            "determination-invalid",
            f"not JSON: {exc.msg}",
            file=str(path),
            line=exc.lineno,
            column=exc.colno,
        ) from None
    if not isinstance(data, dict) or data.get("kind") != DETERMINATION_KIND:
        raise RspcheckError.one(
            "determination-invalid",
            f'not an rspcheck determination (no "kind": "{DETERMINATION_KIND}")',
            file=str(path),
            hint="give the JSON that `rspcheck check --json` writes",
        )
    try:
        det = Determination.model_validate(data)
    except pydantic.ValidationError as exc:
        problems = [
            Problem(
                "determination-invalid",
                f"{e['msg']}",
                file=str(path),
                loc=tuple(e["loc"]),
            )
            for e in exc.errors()[:10]
        ]
        raise RspcheckError(problems) from None
    return det, det.to_json() == text
