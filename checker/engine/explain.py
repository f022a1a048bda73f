"""Explain a decided threshold (DESIGN.md 5): the result with everything it reports.

Beside its state, a threshold's result reports the crossing budget with its interval, the
headroom of a ``not_crossed``, the years until the crossing budget becomes affordable to each
actor, the evaluated points and the curve drawn in the report, the evidence used, and the
explain trace of every step. Numbers are rounded here (:mod:`checker.engine.rounding`), once,
as they enter the published result.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np

from checker.budget import Axis, format_budget
from checker.determination import (
    Affordability,
    CrossingBudget,
    Curve,
    EvaluatedPoint,
    ExplainStep,
    PointBasis,
    ThresholdResult,
)
from checker.engine.achievable import Achievable, EvalCurve
from checker.engine.configs import Config
from checker.engine.decide import Decision
from checker.engine.gather import EvalEvidence, Gathered
from checker.engine.grid import Grid
from checker.engine.rounding import sig
from checker.evidence.labels import run_labels
from checker.policy.model import Policy, Threshold


@dataclass(frozen=True)
class Headroom:
    """How many OOM the budget could grow beyond the range before the upper bound meets T."""

    oom: float | None
    """None: not a ``not_crossed``."""
    lower_bound: bool = False
    """True when the upper bound stays below T as far as it reaches: at least ``oom``."""


def explain(
    policy: Policy,
    t: Threshold,
    gathered: Gathered,
    grid: Grid,
    curves: Achievable,
    decision: Decision,
    *,
    waived_by: str | None,
    would_decide: str | None = None,
) -> ThresholdResult:
    """The published result of a decided threshold, with its explain trace.

    Args:
        policy: The policy (confidence, price fall, actors).
        t: The threshold.
        gathered: Its evidence.
        grid: The grid it was decided on.
        curves: The achievable curves on the grid.
        decision: The decision.
        waived_by: The active waiver of the threshold, if any.
        would_decide: For an indeterminate, what would decide it
            (:func:`checker.engine.would_decide.would_decide`).

    Returns:
        The threshold's result.
    """
    curve = curves.combined
    if curve is None or decision.lower is None:
        crossing = CrossingBudget(estimate=None, lower=None, upper=None, never_fraction=1.0)
        headroom = Headroom(oom=None)
    else:
        crossing = _crossing(grid, curve, decision.lower, curves.evals)
        headroom = _headroom(grid, curve) if decision.state == "not_crossed" else Headroom(oom=None)
    alpha = 1.0 - policy.decision.confidence
    labels = run_labels(rd.run for e in gathered.evals for rd in e.runs)
    return ThresholdResult(
        id=t.id,
        title=t.title,
        domain=t.domain,
        level=t.level,
        axis=str(t.axis),
        state=decision.state,
        basis=decision.basis,
        reasons=list(decision.reasons),
        would_decide=would_decide,
        crossing_budget=crossing,
        headroom_oom=sig(headroom.oom, 4),
        headroom_is_lower_bound=headroom.lower_bound,
        alert_state=decision.alert_state,
        coverage=decision.coverage,
        # Evidence used in canonical order, so file and run order never reach the JSON.
        points=sorted(
            (
                _point(c, alpha, e.eval, labels.get(c.run.id))
                for e in gathered.evals
                for c in e.configs
            ),
            key=lambda p: (p.eval, p.budget, p.k, p.run),
        ),
        evidence_runs=sorted(gathered.run_ids),
        scaffolds=sorted(gathered.scaffolds),
        curve=_curve(grid, curve),
        families=[f for c in curves.evals for f in c.families],
        affordability=_affordability(policy, t, decision, crossing, grid.hi, headroom),
        waived_by=waived_by,
        explain=_trace(policy, t, gathered, grid, curves, decision, headroom, would_decide),
    )


def _trace(
    policy: Policy,
    t: Threshold,
    gathered: Gathered,
    grid: Grid,
    curves: Achievable,
    decision: Decision,
    headroom: Headroom,
    would_decide: str | None,
) -> list[ExplainStep]:
    """Every step in order: the range, each eval's evidence and extrapolation, the decision,
    the headroom, what would decide an indeterminate."""
    axis = Axis(t.axis)
    steps = [
        ExplainStep(
            step="range",
            detail=f"assessed over {format_budget(grid.lo, axis)} to "
            f"{format_budget(grid.hi, axis)} per task on the {axis} axis; T(b) from the policy; "
            f"one-sided confidence {policy.decision.confidence}",
        )
    ]
    steps += [_evidence_step(e, axis) for e in gathered.evals]
    steps += [
        ExplainStep(step=f"extrapolation {e.eval}", detail=note)
        for e, c in zip(gathered.evals, curves.evals, strict=True)
        for note in c.notes
    ]
    steps.append(ExplainStep(step="decision", detail=decision.why))
    if headroom.oom is not None:
        steps.append(
            ExplainStep(
                step="headroom",
                detail=f"the upper bound meets T "
                f"{'no sooner than' if headroom.lower_bound else 'at'} "
                f"{headroom.oom:.2f} OOM beyond the range",
            )
        )
    if would_decide:
        steps.append(ExplainStep(step="would decide", detail=would_decide))
    return steps


def _evidence_step(e: EvalEvidence, axis: Axis) -> ExplainStep:
    """What one eval contributed: its runs, their budgets, its configurations."""
    return ExplainStep(
        step=f"evidence {e.eval}",
        detail=f"{len(e.runs)} run(s) ({', '.join(rd.run.id for rd in e.runs)}) at "
        + ", ".join(format_budget(rd.budget, axis) for rd in sorted(e.runs, key=lambda r: r.budget))
        + f" per task; {len(e.configs)} configuration(s)"
        + (" incl. best-of-k (oracle pass@k)" if any(c.k > 1 for c in e.configs) else ""),
    )


def _crossing(
    grid: Grid, curve: EvalCurve, lower: np.ndarray, evals: Sequence[EvalCurve]
) -> CrossingBudget:
    """The smallest budget where the estimate meets T, with an interval read off the bands:
    P* <= U puts the crossing no earlier than where U first meets T, and P* >= L no later than
    where L first does (None: not within what evidence or allowed extrapolation reaches)."""
    x, tb, est, up = grid.x, grid.threshold, curve.estimate, curve.upper
    meets = np.isfinite(est) & (est >= tb)
    estimate = float(10 ** x[int(np.argmax(meets))]) if meets.any() else None
    early = np.isfinite(up) & (up >= tb)
    late = np.isfinite(lower) & (lower >= tb)
    earliest = float(10 ** x[int(np.argmax(early))]) if early.any() else None
    latest = float(10 ** x[int(np.argmax(late))]) if late.any() else None
    reps = [c.replicates for c in evals]
    if reps:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            rep = np.nanmax(np.stack(reps), axis=0) if len(reps) > 1 else reps[0]
        hits = np.isfinite(rep) & (rep >= tb[None, :])
        # Replicates whose curve is known as far as any is (modelled sampling is fitted on a
        # subset of them): the share of those that never reach T within that reach.
        known = np.isfinite(rep).sum(axis=1)
        full = known == known.max()
        never = float(1.0 - hits[full].any(axis=1).mean())
    else:
        never = 1.0
    return CrossingBudget(
        estimate=sig(estimate),
        lower=sig(earliest),
        upper=sig(latest),
        never_fraction=sig(never, 4) or 0.0,
    )


def _headroom(grid: Grid, curve: EvalCurve) -> Headroom:
    """Where beyond the range the upper bound first meets T (or how far it reaches below T)."""
    x, x_hi, up = grid.x, grid.x_hi, curve.upper
    beyond = (x > x_hi) & np.isfinite(up)
    meets = beyond & (up >= grid.threshold)
    if meets.any():
        return Headroom(oom=float(x[int(np.argmax(meets))] - x_hi))
    reach = float(x[beyond].max()) if beyond.any() else x_hi
    return Headroom(oom=reach - x_hi, lower_bound=True)


def _affordability(
    policy: Policy,
    t: Threshold,
    decision: Decision,
    crossing: CrossingBudget,
    hi: float,
    headroom: Headroom,
) -> list[Affordability]:
    """Years until the crossing budget (or, for not_crossed, the range's end plus the
    headroom) costs each actor's usd budget, if prices fall at the policy's rate."""
    fall = policy.decision.price_fall_per_year
    if not fall or t.axis != "usd" or fall <= 1:
        return []
    if crossing.estimate is not None:
        budget = crossing.estimate
    elif decision.state == "not_crossed" and headroom.oom is not None:
        budget = hi * 10**headroom.oom
    else:
        return []
    out = []
    for a in policy.actors:
        b = a.budget.usd
        if b is None:
            continue
        years = max(0.0, math.log10(budget / b) / math.log10(fall))
        out.append(
            Affordability(
                actor=a.id, actor_budget=b, budget=sig(budget) or budget, years=round(years, 2)
            )
        )
    return out


def _point(c: Config, alpha: float, eval_id: str, label: str | None) -> EvaluatedPoint:
    """An evaluated configuration as reported, with its bootstrap interval."""
    lo, hi = np.quantile(c.replicates, [alpha, 1 - alpha])
    lo, hi = min(lo, c.exact_lower), max(hi, c.exact_upper)  # never narrower than exact
    return EvaluatedPoint(
        run=c.run.id,
        label=label,
        eval=eval_id,
        scaffold=c.run.scaffold,
        k=c.k,
        budget=sig(c.budget) or c.budget,
        estimate=sig(c.estimate) or 0.0,
        lower=sig(float(lo)) or 0.0,
        upper=sig(float(hi)) or 0.0,
        n_tasks=c.n_tasks,
        grade=c.grade,
        truncated_at=None if c.truncated_at is None else sig(c.truncated_at),
    )


def _curve(grid: Grid, curve: EvalCurve | None) -> Curve:
    """The curve the report draws: P* with its bounds, T(b) and the alert level on the grid."""
    x, tb, ab = grid.x, grid.threshold, grid.alert
    budgets = [sig(10**v) or 0.0 for v in x]
    if curve is None:
        none: list[float | None] = [None] * x.size
        return Curve(
            budgets=budgets,
            estimate=none,
            lower=none,
            upper=none,
            basis=["uncovered"] * x.size,
            extrapolation_oom=[0.0] * x.size,
            threshold=[sig(v) or 0.0 for v in tb],
            alert=[sig(v) or 0.0 for v in ab] if ab is not None else None,
        )
    return Curve(
        budgets=budgets,
        estimate=[sig(v) for v in curve.estimate],
        lower=[sig(v) for v in curve.lower],
        upper=[sig(v) for v in curve.upper],
        basis=[cast(PointBasis, str(b)) for b in curve.basis],
        extrapolation_oom=[sig(v, 4) or 0.0 for v in curve.oom],
        threshold=[_kept(v) for v in tb],
        alert=[_kept(v) for v in ab] if ab is not None else None,
    )


def _kept(v: float) -> float:
    """``v`` rounded, or 0.0 where it is not finite (a rounded -0.0 stays -0.0)."""
    s = sig(v)
    return 0.0 if s is None else s
