"""Performance against budget for any evidence, no policy needed (DESIGN.md 15: ``curves``).

For every (model, eval, scaffold) and budget axis: each evaluated run at its mean spend per task
with a bootstrap interval over tasks, best-of-k (pass@k at its expected cost) where asked, the
budget-truncated curve of every run with per-attempt spend (:mod:`checker.engine.truncation`),
and P*(b), the best score reachable at a budget of at most b, with its band. Every
configuration of one eval (all models) is resampled with the same task weights, so curves of
different models are paired, as :func:`checker.engine.compare.compare_models` needs.

The result, :class:`CurveSet`, is the numbers behind every line a chart or table draws; its
JSON keeps run ids, and every point also carries a readable label
(:mod:`checker.evidence.labels`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from checker.budget import Axis
from checker.determination import Out
from checker.engine.configs import Config, RunData, configurations, run_data
from checker.engine.rounding import sig
from checker.engine.truncation import TRUNCATION_POINTS, truncated_configurations
from checker.errors import RspcheckError
from checker.evidence.labels import config_label, run_labels
from checker.evidence.model import Evidence
from checker.policy.model import Pricing
from checker.version import __version__

CURVES_KIND = "rspcheck-curves"
AXES: tuple[str, ...] = ("tokens", "usd", "seconds")
CURVE_TRUNCATION_POINTS = 16
"""Caps per run on a drawn truncated curve (the engine uses
:data:`~checker.engine.truncation.TRUNCATION_POINTS`)."""

MAX_K = 10_000
"""Largest best-of-k drawn."""

PointKind = Literal["evaluated", "best-of-k", "truncated"]


class CurvePoint(Out):
    """One configuration: a run as evaluated, best-of-k of it, or it truncated at a cap."""

    kind: PointKind
    """``evaluated``: the run as run; ``best-of-k``: pass@k of its attempts at their expected
    cost; ``truncated``: the run read as capped at ``truncated_at`` per attempt."""
    run: str
    """Run id."""
    label: str
    """What the configuration was, in words (``arith @ effort=low, k=4``)."""
    k: int
    """Attempts per task combined."""
    truncated_at: float | None
    """The per-attempt cap of a truncated configuration."""
    budget: float
    """Mean spend per task on the axis."""
    estimate: float
    """Mean score over tasks (pass@k for k > 1)."""
    lower: float
    """Lower confidence bound."""
    upper: float
    """Upper confidence bound."""
    n_tasks: int
    """Tasks scored."""
    grade: Literal["attempts", "summary"]
    """``summary``: a reported score only (binomial bounds, no task resampling)."""


class BestCurve(Out):
    """P*(b): the best score of any configuration at a budget of at most b, at each budget
    where a configuration is (a step function between them)."""

    budgets: list[float]
    """The configurations' budgets, increasing."""
    estimate: list[float]
    """P* at each budget."""
    lower: list[float]
    """Lower bound (never above the lower bound of the configuration that attains P*)."""
    upper: list[float]
    """Upper bound."""


class OwnMax(Out):
    """The score at the largest evaluated budget (as run, k = 1), with P* there beside it."""

    run: str
    """The run evaluated at the largest budget."""
    label: str
    """Its label."""
    budget: float
    """Its budget."""
    score: float
    """Its score: the score *at* that budget."""
    lower: float
    """Lower bound of the score."""
    upper: float
    """Upper bound of the score."""
    best: float
    """P* at that budget (the best of any configuration at or below it); above ``score`` when
    a cheaper configuration scored higher (e.g. a token cap cutting attempts off)."""


class ConfigCurve(Out):
    """One (model, eval, scaffold) on one axis."""

    model: str
    """Model id."""
    eval: str
    """Eval id."""
    scaffold: str
    """Scaffold."""
    axis: str
    """Budget axis."""
    label: str
    """The series' name on a chart (``model · eval``, with the scaffold when the eval has
    several)."""
    points: list[CurvePoint]
    """Every configuration, by budget."""
    best: BestCurve
    """P*(b) over the configurations (truncated ones included when credited)."""
    own_max: OwnMax | None
    """The largest evaluated budget's score (None: only summaries or truncated points)."""


class CurveSet(Out):
    """Performance against budget for a set of evidence (``rspcheck curves --json``)."""

    kind: Literal["rspcheck-curves"] = "rspcheck-curves"
    """Marks the JSON."""
    format_version: Literal[1] = 1
    """Version of this format."""
    tool_version: str
    """rspcheck version."""
    seed: int
    """Bootstrap seed."""
    replicates: int
    """Bootstrap replicates."""
    confidence: float
    """One-sided confidence level of each bound."""
    truncation: bool
    """Whether budget-truncated configurations were computed and credited in P*."""
    k_max: int
    """Largest best-of-k drawn (1: none)."""
    axes: list[str]
    """The axes computed, in order."""
    curves: list[ConfigCurve]
    """By axis, model, eval, scaffold."""
    notes: list[str]
    """What could not be drawn, and why."""


@dataclass(frozen=True)
class _Group:
    model: str
    eval: str
    scaffold: str


def budget_curves(
    evidence: Evidence,
    *,
    evals: Sequence[str] | None = None,
    models: Sequence[str] | None = None,
    axes: Sequence[Axis | str] = AXES,
    k_max: int = 1,
    truncation: bool = True,
    pricing: Pricing | None = None,
    replicates: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    progress: Callable[[int, int, str], None] | None = None,
) -> CurveSet:
    """Performance against budget for every (model, eval, scaffold) in ``evidence``.

    Args:
        evidence: Any loaded evidence (manifests, Inspect logs, lm-eval results, tables).
        evals: Evals to draw (None: all).
        models: Models to draw, each ``model`` or ``model@scaffold`` (None: all).
        axes: Budget axes; an axis a run cannot reach (no prices, no times) is noted.
        k_max: Draw best-of-k (pass@k at its expected cost) up to this k, within the attempts
            each run drew per task (1: none).
        truncation: Compute budget-truncated curves from per-attempt spend, and credit them
            in P*.
        pricing: How tokens become usd (default: list prices at the eval date).
        replicates: Bootstrap replicates over tasks.
        seed: Bootstrap seed (same inputs and seed, same numbers).
        confidence: One-sided confidence level of each bound.
        progress: Called as ``progress(done, total, label)`` between evals.

    Returns:
        The curves, with notes on what could not be drawn.

    Raises:
        RspcheckError: ``unknown-reference`` when a model or eval asked for has no run, or
            ``invalid-value`` for an option out of range (k_max, confidence, seed,
            replicates).
    """
    _check_options(k_max, confidence, replicates, seed)
    pricing = pricing or Pricing()
    runs = select_runs(evidence, evals=evals, models=models)
    labels = run_labels(evidence.runs)
    alpha = 1.0 - confidence
    eval_ids = list(dict.fromkeys(r.eval for r in runs))
    axis_list = [Axis(a) for a in axes]
    curves: list[ConfigCurve] = []
    notes: list[str] = []
    total, done = len(axis_list) * len(eval_ids), 0
    scaffolds_of = {e: {r.scaffold for r in runs if r.eval == e} for e in eval_ids}
    for axis in axis_list:
        for eval_id in eval_ids:
            if progress:
                progress(done, total, f"{eval_id} ({axis})")
            done += 1
            data = []
            for r in runs:
                if r.eval != eval_id:
                    continue
                rd, _, why = run_data(evidence, r, axis, pricing)
                if rd is None:
                    notes.append(f"{axis}: {labels[r.id]} ({r.model}) left out: {why}")
                else:
                    data.append(rd)
            if not data:
                continue
            cfgs = eval_configurations(
                evidence,
                data,
                axis=axis,
                pricing=pricing,
                replicates=replicates,
                seed=seed,
                alpha=alpha,
                k_max=k_max,
                truncation=truncation,
            )
            groups: dict[_Group, list[Config]] = {}
            for c in cfgs:
                groups.setdefault(_Group(c.run.model, eval_id, c.run.scaffold), []).append(c)
            for g in sorted(groups, key=lambda g: (g.model, g.scaffold)):
                name = f"{g.model} · {g.eval}"
                if len(scaffolds_of[eval_id]) > 1:
                    name += f" ({g.scaffold})"
                curves.append(
                    _curve(g, str(axis), name, groups[g], labels, alpha, credit=truncation)
                )
    if progress:
        progress(total, total, "done")
    return CurveSet(
        tool_version=__version__,
        seed=seed,
        replicates=replicates,
        confidence=confidence,
        truncation=truncation,
        k_max=k_max,
        axes=[str(a) for a in axis_list],
        curves=curves,
        notes=notes,
    )


def _check_options(k_max: int, confidence: float, replicates: int, seed: int) -> None:
    from checker.policy.model import check_options

    check_options(seed=seed, replicates=replicates)
    if not 1 <= k_max <= MAX_K:
        raise RspcheckError.one(
            "invalid-value",
            f"k_max {k_max} is not from 1 to {MAX_K}",
            loc=("k_max",),
            hint="best-of-k is drawn within the attempts each run made per task",
        )
    if not 0.5 < confidence < 1:
        raise RspcheckError.one(
            "invalid-value",
            f"confidence {confidence} is not between 0.5 and 1",
            loc=("confidence",),
            hint="a one-sided level such as 0.95",
        )


def select_runs(
    evidence: Evidence,
    *,
    evals: Sequence[str] | None = None,
    models: Sequence[str] | None = None,
) -> list:
    """The runs of the models (``model`` or ``model@scaffold``) and evals asked for, in
    evidence order.

    Raises:
        RspcheckError: ``unknown-reference`` for a model or eval without any run.
    """
    runs = list(evidence.runs)
    known_models = sorted({r.model for r in runs})
    known_evals = sorted({r.eval for r in runs})
    if evals is not None:
        for e in evals:
            if e not in known_evals:
                raise RspcheckError.one(
                    "unknown-reference",
                    f"no run on eval {e!r} (evals: {', '.join(known_evals) or 'none'})",
                    loc=("evals",),
                    hint="pass --eval with one of those ids",
                )
        runs = [r for r in runs if r.eval in evals]
    if models is not None:
        picked = []
        for m in models:
            model, _, scaffold = m.partition("@")
            found = [
                r for r in runs if r.model == model and (not scaffold or r.scaffold == scaffold)
            ]
            if not found:
                raise RspcheckError.one(
                    "unknown-reference",
                    f"no run of {m!r}"
                    + (f" on {', '.join(evals)}" if evals else "")
                    + f" (models: {', '.join(known_models) or 'none'})",
                    loc=("models",),
                    hint="pass --models with those ids (model or model@scaffold)",
                )
            picked += [r for r in found if r not in picked]
        runs = [r for r in runs if r in picked]
    return runs


def eval_configurations(
    evidence: Evidence,
    data: list[RunData],
    *,
    axis: Axis,
    pricing: Pricing,
    replicates: int,
    seed: int,
    alpha: float,
    k_max: int,
    truncation: bool,
    truncation_points: int = CURVE_TRUNCATION_POINTS,
) -> list[Config]:
    """Every configuration of one eval's runs (any models) on one axis, paired: one bootstrap
    weight stream per eval and axis, shared by all models, evaluated and truncated alike."""
    eval_id = data[0].run.eval
    families = {t.task: t.family for t in evidence.manifest.tasks if t.family}
    key = f"curves/{eval_id}/{axis}"
    cache: dict = {}
    data = sorted(data, key=lambda rd: (rd.budget, rd.run.id))  # run order must not matter
    cfgs = configurations(
        data,
        families=families,
        replicates=replicates,
        seed=seed,
        key=key,
        alpha=alpha,
        repeated_sampling=k_max > 1,
        axis=axis,
        parallel=True,
        cache=cache,
    )
    cfgs = [c for c in cfgs if c.k <= k_max]
    if truncation:
        cfgs += truncated_configurations(
            evidence,
            data,
            axis=axis,
            pricing=pricing,
            families=families,
            replicates=replicates,
            seed=seed,
            key=key,
            alpha=alpha,
            cache=cache,
            points=truncation_points,
        )
    return cfgs


def config_bounds(c: Config, alpha: float) -> tuple[float, float]:
    """A configuration's interval: bootstrap percentiles, never narrower than the exact
    (Jeffreys) bounds on task counts (as the determination reports points)."""
    lo, hi = np.quantile(c.replicates, [alpha, 1 - alpha])
    return min(float(lo), c.exact_lower), max(float(hi), c.exact_upper)


@dataclass(frozen=True)
class Steps:
    """P* of a set of configurations at their distinct budgets, with replicates."""

    x: np.ndarray
    """log10 budgets, increasing."""
    budgets: np.ndarray
    """The budgets themselves (as the configurations state them, not ``10**x``)."""
    replicates: np.ndarray
    """(R, m) running best per replicate."""
    estimate: np.ndarray
    """(m,) running best of the point estimates."""
    lower: np.ndarray
    """(m,) lower bound."""
    upper: np.ndarray
    """(m,) upper bound."""


def best_steps(cfgs: list[Config], alpha: float) -> Steps:
    """P*(b) at each distinct budget of ``cfgs``: the running best per bootstrap replicate
    (the same tasks at every budget), its percentile band, floored as the engine floors P*'s
    lower bound (never above the lower bound of the configuration attaining the estimate)."""
    cfgs = sorted(cfgs, key=lambda c: (c.budget, c.k))
    xs = np.log10([c.budget for c in cfgs])
    ux = np.unique(xs)
    reps = np.full((cfgs[0].replicates.size, ux.size), -np.inf)
    est = np.full(ux.size, -np.inf)
    floor = np.zeros(ux.size)
    budgets = np.zeros(ux.size)
    ceil = np.zeros(ux.size)
    best_lo, best_est, best_hi = 0.0, -np.inf, 0.0
    for c, xv in zip(cfgs, xs, strict=True):
        j = int(np.searchsorted(ux, xv))
        reps[:, j] = np.maximum(reps[:, j], c.replicates)
        lo, hi = config_bounds(c, alpha)
        if c.estimate > best_est:
            best_est, best_lo = c.estimate, lo
        best_hi = max(best_hi, hi)
        est[j], floor[j], ceil[j], budgets[j] = best_est, best_lo, best_hi, c.budget
    reps = np.maximum.accumulate(reps, axis=1)
    q_lo, q_hi = np.quantile(reps, [alpha, 1 - alpha], axis=0)
    return Steps(
        x=ux,
        budgets=budgets,
        replicates=reps,
        estimate=est,
        lower=np.minimum(q_lo, floor),
        upper=np.maximum(q_hi, ceil),
    )


def curve_points(
    cfgs: list[Config], labels: dict[str, str], alpha: float, axis: str
) -> list[CurvePoint]:
    """Configurations as reported: by budget, labelled, with their intervals."""
    points = []
    for c in sorted(cfgs, key=lambda c: (c.budget, c.k, c.truncated_at or 0.0, c.run.id)):
        lo, hi = config_bounds(c, alpha)
        kind: PointKind = (
            "truncated" if c.truncated_at is not None else "best-of-k" if c.k > 1 else "evaluated"
        )
        points.append(
            CurvePoint(
                kind=kind,
                run=c.run.id,
                label=config_label(labels[c.run.id], c.k, c.truncated_at, axis),
                k=c.k,
                truncated_at=_r(c.truncated_at),
                budget=_r(c.budget) or c.budget,
                estimate=_r(c.estimate) or 0.0,
                lower=_r(lo) or 0.0,
                upper=_r(hi) or 0.0,
                n_tasks=c.n_tasks,
                grade=c.grade,
            )
        )
    return points


def steps_model(steps: Steps) -> BestCurve:
    """P*'s steps as reported (rounded)."""
    return BestCurve(
        budgets=[_r(float(v)) or 0.0 for v in steps.budgets],
        estimate=[_r(v) or 0.0 for v in steps.estimate],
        lower=[_r(v) or 0.0 for v in steps.lower],
        upper=[_r(v) or 0.0 for v in steps.upper],
    )


def _curve(
    g: _Group,
    axis: str,
    name: str,
    cfgs: list[Config],
    labels: dict[str, str],
    alpha: float,
    *,
    credit: bool,
) -> ConfigCurve:
    steps = best_steps([c for c in cfgs if credit or c.truncated_at is None], alpha)
    return ConfigCurve(
        model=g.model,
        eval=g.eval,
        scaffold=g.scaffold,
        axis=axis,
        label=name,
        points=curve_points(cfgs, labels, alpha, axis),
        best=steps_model(steps),
        own_max=own_max(cfgs, steps, labels, alpha),
    )


def own_max(
    cfgs: list[Config], steps: Steps, labels: dict[str, str], alpha: float
) -> OwnMax | None:
    """The score at the largest budget evaluated as run (k = 1, not truncated), and P* there."""
    evaluated = [c for c in cfgs if c.k == 1 and c.truncated_at is None]
    if not evaluated:
        return None
    top = max(evaluated, key=lambda c: (c.budget, c.estimate))
    j = int(np.searchsorted(steps.x, math.log10(top.budget), side="right")) - 1
    lo, hi = config_bounds(top, alpha)
    return OwnMax(
        run=top.run.id,
        label=labels[top.run.id],
        budget=_r(top.budget) or top.budget,
        score=_r(top.estimate) or 0.0,
        lower=_r(lo) or 0.0,
        upper=_r(hi) or 0.0,
        best=_r(float(steps.estimate[j])) or 0.0,
    )


def _r(v: float | None) -> float | None:
    return sig(v) if v is not None else None


__all__ = [
    "AXES",
    "CURVES_KIND",
    "TRUNCATION_POINTS",
    "BestCurve",
    "ConfigCurve",
    "CurvePoint",
    "CurveSet",
    "OwnMax",
    "best_steps",
    "budget_curves",
    "config_bounds",
    "curve_points",
    "eval_configurations",
    "own_max",
    "select_runs",
    "steps_model",
]
