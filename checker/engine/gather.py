"""Gather a threshold's evidence (DESIGN.md 5): per eval, the configurations an actor can buy.

For each eval the threshold names, the model's runs become task-level data on the threshold's
axis (priced on the usd axis), and that data becomes configurations with bootstrap replicates
(best-of-k too, where the policy credits repeated sampling). Evidence that is missing, cannot
reach the axis or is only a summary leaves a reason; nothing here draws a curve or decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from checker.budget import Axis
from checker.determination import PriceUse, Reason
from checker.engine.attempts import LazyAttempts
from checker.engine.configs import Config, RunData, configurations, run_data
from checker.engine.truncation import truncated_configurations
from checker.evidence.model import Evidence
from checker.policy.model import Policy, Threshold


@dataclass(frozen=True)
class EvalEvidence:
    """One eval's usable evidence for a threshold."""

    eval: str
    """The eval id."""
    runs: tuple[RunData, ...]
    """Runs with data on the axis, by budget then run id (file and run order must not matter)."""
    configs: tuple[Config, ...]
    """What an actor can buy: every run at k = 1, and best-of-k where repeated sampling is
    credited."""
    attempts: tuple[LazyAttempts, ...]
    """Per attempt-level run, pass@k beyond the attempts drawn (only where credited)."""
    human_minutes: float | None
    """The longest of the eval's tasks that a run used attempted, in human minutes (None:
    unknown, e.g. summary runs only, whose tasks are not named)."""


@dataclass(frozen=True)
class Gathered:
    """Everything a threshold's determination rests on, before any curve is drawn."""

    evals: tuple[EvalEvidence, ...]
    """The evals with usable evidence, in the policy's order."""
    missing: tuple[str, ...]
    """The threshold's evals without usable evidence (no run, or none that reaches the axis):
    their curves are unknown, which :func:`~checker.engine.achievable.combine_curves` must
    carry into the combination rather than leave out."""
    repeated_sampling: bool
    """Whether best-of-k (oracle pass@k) is credited: a verifiable threshold, an oracle policy."""
    reasons: tuple[Reason, ...]
    """What is missing or weaker than it could be, in policy, eval and run order."""
    prices: tuple[PriceUse, ...]
    """How each run's spend became usd (usd axis only), in eval and run order."""

    @property
    def budgets(self) -> list[float]:
        """Every configuration's budget (exact, not rounded), eval by eval."""
        return [c.budget for e in self.evals for c in e.configs]

    @property
    def run_ids(self) -> list[str]:
        """The runs used, eval by eval."""
        return [rd.run.id for e in self.evals for rd in e.runs]

    @property
    def scaffolds(self) -> set[str]:
        """The scaffolds evaluated."""
        return {rd.run.scaffold for e in self.evals for rd in e.runs}

    @property
    def horizon_minutes(self) -> float | None:
        """The longest evaluated task, in human minutes (None: no task's length is known)."""
        known = [e.human_minutes for e in self.evals if e.human_minutes is not None]
        return max(known) if known else None

    @property
    def attempts_per_task(self) -> int:
        """The most attempts per task any run drew on every one of its tasks, as the evidence
        shows them: a summary states a mean over its attempts, not their outcomes (no best-of-k
        can be drawn from it), so it counts as one attempt per task."""
        return max(
            [
                0,
                *(
                    int(rd.n.min()) if rd.grade == "attempts" else 1
                    for e in self.evals
                    for rd in e.runs
                ),
            ]
        )


def gather(
    policy: Policy,
    t: Threshold,
    evidence: Evidence,
    model: str,
    *,
    seed: int,
    cache: dict | None,
) -> Gathered:
    """The evidence of ``model`` on each of the threshold's evals, as configurations.

    Args:
        policy: The policy (decision settings, pricing).
        t: The threshold.
        evidence: All evidence loaded.
        model: The model decided on.
        seed: The determination's seed.
        cache: Shared across thresholds: bootstrap weights and fits of the same eval and axis.

    Returns:
        The usable evidence per eval, with the reasons and prices met on the way.
    """
    d = policy.decision
    reasons: list[Reason] = []
    credit = t.verifiable and d.repeated_sampling == "oracle"
    if t.verifiable and d.repeated_sampling == "majority":
        reasons.append(
            Reason(
                code="repeated-sampling-not-credited",
                message="the policy credits majority vote, which needs the answers of each "
                "attempt; the evidence holds scores only, so no repeated-sampling credit",
            )
        )
    prices: list[PriceUse] = []
    evals: list[EvalEvidence] = []
    missing: list[str] = []
    for eval_id in t.evals:
        # One eval's evidence depends on the threshold only through its axis and whether
        # repeated sampling is credited: thresholds sharing both share it (the fixed cost
        # per threshold is then the curve and the decision, not rebuilding every run).
        key = ("gathered", model, eval_id, str(t.axis), credit, seed, d.bootstrap_replicates)
        if cache is not None and key in cache:
            found, why, priced = cache[key]
        else:
            why, priced = [], []
            data = _runs(policy, t, evidence, model, eval_id, why, priced)
            found = (
                _configurations(policy, t, evidence, model, eval_id, data, credit, seed, cache)
                if data
                else None
            )
            if cache is not None:
                cache[key] = (found, why, priced)
        reasons += why
        prices += priced
        if found is not None:
            evals.append(found)
        else:
            missing.append(eval_id)
    return Gathered(
        evals=tuple(evals),
        missing=tuple(missing),
        repeated_sampling=credit,
        reasons=tuple(reasons),
        prices=tuple(prices),
    )


def _runs(
    policy: Policy,
    t: Threshold,
    evidence: Evidence,
    model: str,
    eval_id: str,
    reasons: list[Reason],
    prices: list[PriceUse],
) -> list[RunData]:
    """The model's runs on one eval with data on the threshold's axis, in canonical order.

    Appends to ``reasons`` why a run (or the eval) gives nothing or less, and to ``prices``
    how each run was priced.
    """
    runs = [r for r in evidence.runs if r.model == model and r.eval == eval_id]
    if not runs:
        reasons.append(
            Reason(code="no-evidence", message=f"no run of {model!r} on eval {eval_id!r}")
        )
        return []
    data: list[RunData] = []
    for r in runs:
        rd, price, why = run_data(evidence, r, Axis(t.axis), policy.decision.pricing)
        if price is not None:
            prices.append(price)
        if rd is None:
            reasons.append(Reason(code="axis-unreachable", message=why or r.id))
            continue
        data.append(rd)
        if rd.grade == "summary":
            reasons.append(
                Reason(
                    code="lower-grade-evidence",
                    message=f"run {r.id!r} is summary-only: binomial bounds, no task "
                    "resampling, no repeated-sampling credit",
                )
            )
    return sorted(data, key=lambda rd: (rd.budget, rd.run.id))  # file and run order must not matter


def _configurations(
    policy: Policy,
    t: Threshold,
    evidence: Evidence,
    model: str,
    eval_id: str,
    data: list[RunData],
    credit: bool,
    seed: int,
    cache: dict | None,
) -> EvalEvidence:
    """One eval's runs as configurations, with replicates from the eval's one weight stream."""
    d = policy.decision
    axis = Axis(t.axis)
    tasks = [ti for ti in evidence.manifest.tasks if ti.eval == eval_id]
    families = {ti.task: ti.family for ti in tasks if ti.family}
    # The horizon evaluated is that of tasks a run used here attempted: metadata of a task
    # nobody ran (or ran on another eval) shows nothing about the model.
    attempted = {str(task) for rd in data if rd.grade == "attempts" for task in rd.tasks}
    minutes = [ti.human_minutes for ti in tasks if ti.task in attempted and ti.human_minutes]
    attempts: list[LazyAttempts] = []
    cfgs = configurations(
        data,
        families=families,
        replicates=d.bootstrap_replicates,
        seed=seed,
        key=f"{model}/{eval_id}/{axis}",
        alpha=1.0 - d.confidence,
        repeated_sampling=credit,
        axis=axis,
        parallel=d.parallel_attempts,
        cache=cache,
        attempts_cap=d.max_attempts_extrapolation_oom,
        extrapolations=attempts,
    )
    if d.truncation:
        cfgs += _truncated(policy, t, evidence, data, families, seed, cache, key=model)
    return EvalEvidence(
        eval=eval_id,
        runs=tuple(data),
        configs=tuple(cfgs),
        attempts=tuple(attempts),
        human_minutes=max(minutes) if minutes else None,
    )


def _truncated(
    policy: Policy,
    t: Threshold,
    evidence: Evidence,
    data: list[RunData],
    families: dict[str, str],
    seed: int,
    cache: dict | None,
    *,
    key: str,
) -> list[Config]:
    """The runs read at lower per-attempt caps (``decision.truncation``), on the same
    bootstrap weights as the eval's other configurations."""
    d = policy.decision
    axis = Axis(t.axis)
    eval_id = data[0].run.eval
    return truncated_configurations(
        evidence,
        data,
        axis=axis,
        pricing=d.pricing,
        families=families,
        replicates=d.bootstrap_replicates,
        seed=seed,
        key=f"{key}/{eval_id}/{axis}",
        alpha=1.0 - d.confidence,
        cache=cache,
    )
