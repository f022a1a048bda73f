"""The determination of one threshold (DESIGN.md 5-6), step by step.

Gather the model's evidence on the threshold's evals (:mod:`.gather`), lay a grid over the
assessed range and as far as the evidence reaches (:mod:`.grid`), draw the achievable curve P*
with its bounds on it (:mod:`.achievable`), decide crossed, not crossed or indeterminate
(:mod:`.decide`), and explain: the result with its crossing budget, headroom, coverage and
trace (:mod:`.explain`).
"""

from __future__ import annotations

from checker.determination import PriceUse, ThresholdResult
from checker.engine.achievable import achievable
from checker.engine.decide import decide
from checker.engine.explain import explain
from checker.engine.gather import gather
from checker.engine.grid import make_grid
from checker.engine.would_decide import would_decide
from checker.evidence.model import Evidence
from checker.policy.model import Policy, Threshold


def determine(
    policy: Policy,
    t: Threshold,
    evidence: Evidence,
    model: str,
    *,
    seed: int,
    waived_by: str | None,
    cache: dict | None = None,
) -> tuple[ThresholdResult, list[PriceUse]]:
    """Decide one threshold for one model.

    Args:
        policy: The policy the threshold belongs to.
        t: The threshold.
        evidence: All evidence loaded.
        model: The model (or system) decided on.
        seed: The determination's seed: the same seed gives the same result.
        waived_by: The id of the threshold's active waiver, if any (reported, not applied).
        cache: Shared across the thresholds of one determination: bootstrap weights and
            curve fits of the same eval and axis.

    Returns:
        The threshold's result, and how each run's spend was priced.
    """
    d = policy.decision
    lo, hi = policy.assessed_range(t)
    gathered = gather(policy, t, evidence, model, seed=seed, cache=cache)
    grid = make_grid(t, lo, hi, gathered.budgets, cap_oom=d.max_extrapolation_oom.reach)
    curves = achievable(
        gathered.evals,
        grid.x,
        combine=t.combine,
        alpha=1.0 - d.confidence,
        cap=d.max_extrapolation_oom,
        repeated_sampling=gathered.repeated_sampling,
        cache=cache,
        missing=len(gathered.missing),
    )
    decision = decide(policy, t, gathered, grid, curves)
    result = explain(
        policy,
        t,
        gathered,
        grid,
        curves,
        decision,
        waived_by=waived_by,
        would_decide=would_decide(policy, t, gathered, grid, curves, decision, model=model),
    )
    return result, list(gathered.prices)
