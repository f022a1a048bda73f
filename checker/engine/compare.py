"""Matched-budget comparison of two models (or two scaffolds) on one eval (DESIGN.md 8).

A system card that reports each model at its own maximum budget can make two models look close
while, at any budget both were evaluated at, one is far ahead. This module puts both on the same
budget grid: the difference of their achievable single-attempt curves with a paired bootstrap
interval (shared task weights, so task difficulty cancels), over the range both cover, and
beside it the own-maximum comparison, labelled as such.
"""

from __future__ import annotations

import math

import numpy as np

from checker.budget import Axis, format_budget
from checker.curves import interp_log_budget, percentile_bounds, running_max
from checker.determination import ComparisonResult
from checker.engine.configs import Config, configurations, run_data
from checker.errors import RspcheckError
from checker.evidence.model import Evidence
from checker.policy.model import Pricing

GRID = 41


def _split(name: str) -> tuple[str, str | None]:
    """``model`` or ``model@scaffold``."""
    model, _, scaffold = name.partition("@")
    return model, scaffold or None


def compare(
    evidence: Evidence,
    eval_id: str,
    a: str,
    b: str,
    *,
    axis: Axis | str = Axis.usd,
    pricing: Pricing | None = None,
    replicates: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> ComparisonResult:
    """Compare ``b`` against ``a`` on ``eval_id`` (each ``model`` or ``model@scaffold``).

    Raises:
        RspcheckError: when either side has no usable run on the eval, or their evaluated
            budgets do not overlap (no matched comparison is possible).
    """
    axis = Axis(axis)
    pricing = pricing or Pricing()
    alpha = 1.0 - confidence
    sides = {}
    data = []
    for name in (a, b):
        model, scaffold = _split(name)
        runs = [
            r
            for r in evidence.runs
            if r.model == model
            and r.eval == eval_id
            and (scaffold is None or r.scaffold == scaffold)
        ]
        usable = [rd for r in runs if (rd := run_data(evidence, r, axis, pricing)[0]) is not None]
        if not usable:
            raise RspcheckError.one(
                "unknown-reference",
                f"{name!r} has no usable run on eval {eval_id!r} on the {axis} axis",
                hint="check --models, --eval and --axis against the evidence",
            )
        sides[name] = {rd.run.id for rd in usable}
        data += usable
    # One call, so both models' configurations share the same task weights (paired bootstrap).
    families = {t.task: t.family for t in evidence.manifest.tasks if t.family}
    cfgs = configurations(
        data,
        families=families,
        replicates=replicates,
        seed=seed,
        key=f"compare/{eval_id}/{axis}",
        alpha=alpha,
        repeated_sampling=False,
        axis=axis,
        parallel=True,
    )
    curve = {name: _curve([c for c in cfgs if c.run.id in sides[name]]) for name in (a, b)}
    lo = max(curve[a][0][0], curve[b][0][0])
    hi = min(curve[a][0][-1], curve[b][0][-1])
    if hi < lo:
        raise RspcheckError.one(
            "unknown-reference",
            f"{a!r} and {b!r} were evaluated at budgets that do not overlap on {eval_id!r} "
            f"({_span(curve[a][0], axis)} vs {_span(curve[b][0], axis)})",
            hint="a matched-budget comparison needs at least one common budget range",
        )
    x = np.linspace(lo, hi, GRID) if hi > lo else np.array([lo])
    ya = interp_log_budget(curve[a][0], curve[a][1], x)
    yb = interp_log_budget(curve[b][0], curve[b][1], x)
    diff = yb - ya
    est = (
        interp_log_budget(curve[b][0], curve[b][2], x)[0]
        - interp_log_budget(curve[a][0], curve[a][2], x)[0]
    )
    lower, upper = percentile_bounds(diff, alpha)
    own = {n: _own_max(curve[n]) for n in (a, b)}
    i = int(np.argmax(np.abs(est)))
    summary = (
        f"At their own largest evaluated budgets, {a} scores {own[a][1]:.2f} at "
        f"{format_budget(own[a][0], axis)} and {b} scores {own[b][1]:.2f} at "
        f"{format_budget(own[b][0], axis)} (difference {own[b][1] - own[a][1]:+.2f}; budgets "
        f"not matched). At matched budgets from {format_budget(10**lo, axis)} to "
        f"{format_budget(10**hi, axis)}, {b} − {a} is {est[i]:+.2f} at "
        f"{format_budget(10 ** x[i], axis)} (interval {lower[i]:+.2f} to {upper[i]:+.2f})."
    )
    return ComparisonResult(
        eval=eval_id,
        axis=str(axis),
        a=a,
        b=b,
        budgets=[_sig(10**v) for v in x],
        difference=[_sig(v) for v in est],
        lower=[_sig(v) for v in lower],
        upper=[_sig(v) for v in upper],
        own_max_a=(_sig(own[a][0]), _sig(own[a][1])),
        own_max_b=(_sig(own[b][0]), _sig(own[b][1])),
        summary=summary,
    )


def _curve(cfgs: list[Config]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Log budgets, replicate running best (R, m) and point running best (1, m)."""
    cfgs = sorted(cfgs, key=lambda c: c.budget)
    xs = np.log10([c.budget for c in cfgs])
    ux = np.unique(xs)
    reps = np.full((cfgs[0].replicates.size, ux.size), -np.inf)
    est = np.full(ux.size, -np.inf)
    for c, xv in zip(cfgs, xs, strict=True):
        j = int(np.searchsorted(ux, xv))
        reps[:, j] = np.maximum(reps[:, j], c.replicates)
        est[j] = max(est[j], c.estimate)
    return ux, running_max(reps, axis=1), running_max(est)[None, :]


def _own_max(curve: tuple[np.ndarray, np.ndarray, np.ndarray]) -> tuple[float, float]:
    return float(10 ** curve[0][-1]), float(curve[2][0, -1])


def _span(x: np.ndarray, axis: Axis) -> str:
    return f"{format_budget(10 ** x[0], axis)}–{format_budget(10 ** x[-1], axis)}"


def _sig(v: float) -> float:
    return float(f"{v:.6g}") if math.isfinite(v) else 0.0
