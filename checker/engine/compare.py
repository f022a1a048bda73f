"""Matched-budget comparisons of models (or scaffolds) on evals (DESIGN.md 8 and 15).

A system card that reports each model at its own maximum budget can make two models look close
while, at any budget both were evaluated at, one is far ahead. This module puts both on the same
budget grid: the difference of their achievable single-attempt curves with a paired bootstrap
interval (shared task weights, so task difficulty cancels), over the range both cover, and
beside it the own-maximum comparison, labelled as such.

:func:`compare` is the two-model comparison a determination carries (``check
--compare-with``); :func:`compare_models` (``rspcheck compare``) takes N models and several
evals, draws each model's own curve, credits budget-truncated runs, and when two models share
no budget states a finding (one dominates, or they are not comparable and which run would make
them so) instead of failing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np

from checker.budget import Axis, format_budget
from checker.curves import interp_log_budget, percentile_bounds, running_max
from checker.determination import ComparisonResult, Out
from checker.engine.budget_curves import ConfigCurve, Steps, steps_model
from checker.engine.configs import Config, RunData, configurations, run_data
from checker.errors import RspcheckError
from checker.evidence.labels import run_labels, without_eval
from checker.evidence.model import EvalRun, Evidence
from checker.policy.model import Pricing, check_options
from checker.version import __version__

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
    mine = {name: [c for c in cfgs if c.run.id in sides[name]] for name in (a, b)}
    curve = {name: _curve(mine[name]) for name in (a, b)}
    lo = max(curve[a][0][0], curve[b][0][0])
    hi = min(curve[a][0][-1], curve[b][0][-1])
    if hi < lo:
        raise RspcheckError.one(
            "unknown-reference",
            f"{a!r} and {b!r} were evaluated at budgets that do not overlap on {eval_id!r} "
            f"({_span(curve[a][0], axis)} vs {_span(curve[b][0], axis)})",
            hint="a matched-budget comparison needs at least one common budget range; "
            "compare_models (`rspcheck compare`) states the finding instead: one dominates, "
            "or they are not comparable and which run would make them so",
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
    own = {n: _own_max(mine[n]) for n in (a, b)}
    best = {n: float(curve[n][2][0, -1]) for n in (a, b)}

    def beside(n: str) -> str:  # P* beside the score at the top, where a cheaper run did better
        return f" (best within it {best[n]:.2f})" if best[n] > own[n][1] + 5e-7 else ""

    i = int(np.argmax(np.abs(est)))
    summary = (
        f"At their own largest evaluated budgets, {a} scores {own[a][1]:.2f} at "
        f"{format_budget(own[a][0], axis)}{beside(a)} and {b} scores {own[b][1]:.2f} at "
        f"{format_budget(own[b][0], axis)}{beside(b)} (difference "
        f"{own[b][1] - own[a][1]:+.2f}; budgets not matched). At matched budgets from "
        f"{format_budget(10**lo, axis)} to "
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
        best_at_own_max_a=_sig(best[a]),
        best_at_own_max_b=_sig(best[b]),
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


def _own_max(cfgs: list[Config]) -> tuple[float, float]:
    """(budget, score) at the largest evaluated budget: the score there, not the best within it
    (a token cap can cut the dearest run below a cheaper one's score)."""
    top = max(c.budget for c in cfgs)
    return top, max(c.estimate for c in cfgs if c.budget == top)


def _span(x: np.ndarray, axis: Axis) -> str:
    return f"{format_budget(10 ** x[0], axis)}–{format_budget(10 ** x[-1], axis)}"


def _sig(v: float) -> float:
    return float(f"{v:.6g}") if math.isfinite(v) else 0.0


# --- N models on several evals: each model's curve, matched differences, or a finding -------

FindingKind = Literal["matched", "dominates", "not_comparable"]


class MatchedDifference(Out):
    """P*_b − P*_a over the budgets both cover, with a paired bootstrap interval."""

    budgets: list[float]
    """Log-spaced grid over the common range."""
    difference: list[float]
    """Point estimate of P*_b − P*_a (P* as a step: the best at or below each budget)."""
    lower: list[float]
    """Lower bound."""
    upper: list[float]
    """Upper bound."""
    truncated: bool
    """Whether the common range rests in part on budget-truncated configurations (lower
    bounds on capped runs; the side that has them may do better)."""


class PairFinding(Out):
    """Two models on one eval: a matched comparison where budgets overlap, else a finding."""

    a: str
    """First model (``model`` or ``model@scaffold``)."""
    b: str
    """Second."""
    kind: FindingKind
    """``matched``: a common budget range exists; ``dominates``: none, and the model evaluated
    at lower budgets scores at least as well as the other's best; ``not_comparable``: none,
    and it scores lower."""
    dominant: str | None
    """The dominating model (``dominates`` only)."""
    text: str
    """The finding in one sentence or two, with the numbers."""
    matched: MatchedDifference | None
    """The differences (``matched`` only)."""


class EvalComparison(Out):
    """Every model asked for on one eval and axis."""

    eval: str
    """Eval id."""
    axis: str
    """Budget axis."""
    curves: list[ConfigCurve]
    """Each model's own curve (label: the model)."""
    own_max: list[str]
    """Per model: the score at its largest evaluated budget, and P* there when it differs."""
    pairs: list[PairFinding]
    """Every pair, in the order the models were given."""


class ModelComparison(Out):
    """``rspcheck compare --json``: N models on several evals."""

    kind: Literal["rspcheck-comparison"] = "rspcheck-comparison"
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
    """One-sided confidence level."""
    truncation: bool
    """Whether budget-truncated configurations were credited."""
    models: list[str]
    """The models compared, as given."""
    evals: list[EvalComparison]
    """One per eval the models share (and was asked for)."""
    notes: list[str]
    """What could not be compared, and why."""


def compare_models(
    evidence: Evidence,
    models: Sequence[str],
    *,
    evals: Sequence[str] | None = None,
    axis: Axis | str = Axis.usd,
    truncation: bool = True,
    pricing: Pricing | None = None,
    replicates: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> ModelComparison:
    """Compare models (or scaffolds) on one or more evals, every pair, at matched budgets.

    Each model's own curve P*(b) is drawn; for every pair, the difference over the budget
    range both cover with a paired bootstrap interval (all models share one eval's task
    weights), or, when no budget is common, a finding: the cheaper model *dominates* when it
    scores at least as well as the other's best, else they are *not comparable* and the
    finding names the runs that would make them so. Budget-truncated configurations (where
    runs have per-attempt spend) extend each curve downwards, which makes ranges overlap.

    Args:
        evidence: The evidence.
        models: Two or more, each ``model`` or ``model@scaffold``.
        evals: Evals to compare on (None: every eval at least two of the models were run on).
        axis: Budget axis.
        truncation: Credit budget-truncated configurations.
        pricing: How tokens become usd.
        replicates: Bootstrap replicates.
        seed: Bootstrap seed.
        confidence: One-sided confidence level.

    Returns:
        Per eval, each model's curve, its own-maximum line and every pair's finding.

    Raises:
        RspcheckError: ``invalid-value`` for fewer than two models or an option out of
            range; ``unknown-reference`` for a model or eval without a run.
    """
    from checker.engine.budget_curves import best_steps, eval_configurations, select_runs

    axis = Axis(axis)
    pricing = pricing or Pricing()
    models = list(dict.fromkeys(models))
    if len(models) < 2:
        raise RspcheckError.one(
            "invalid-value",
            f"a comparison needs two or more models, not {len(models)}",
            loc=("models",),
            hint="pass --models A B [C ...]",
        )
    check_options(seed=seed, replicates=replicates)
    alpha = 1.0 - confidence
    runs = select_runs(evidence, evals=evals, models=models)
    labels = run_labels(evidence.runs)
    members = {m: [r for r in runs if _owns(m, r)] for m in models}
    eval_ids = list(evals) if evals else sorted({r.eval for r in runs})
    out: list[EvalComparison] = []
    notes: list[str] = []
    for eval_id in eval_ids:
        data: list[RunData] = []
        side: dict[str, set[str]] = {}
        for m in models:
            got = []
            for r in members[m]:
                if r.eval != eval_id:
                    continue
                rd, _, why = run_data(evidence, r, axis, pricing)
                if rd is None:
                    notes.append(f"{eval_id}: {labels[r.id]} of {m} left out: {why}")
                elif rd.run.id not in {d.run.id for d in data}:
                    data.append(rd)
                if rd is not None:
                    got.append(rd.run.id)
            if got:
                side[m] = set(got)
            else:
                notes.append(f"{eval_id}: {m} has no usable run on the {axis} axis")
        if len(side) < 2:
            continue
        cfgs = eval_configurations(
            evidence,
            data,
            axis=axis,
            pricing=pricing,
            replicates=replicates,
            seed=seed,
            alpha=alpha,
            k_max=1,
            truncation=truncation,
        )
        own = {m: [c for c in cfgs if c.run.id in ids] for m, ids in side.items()}
        steps = {m: best_steps(c, alpha) for m, c in own.items()}
        curves = [
            _model_curve(m, eval_id, str(axis), own[m], steps[m], labels, alpha) for m in side
        ]
        names = list(side)
        pairs = [
            _pair(a, b, own, steps, axis, alpha)
            for i, a in enumerate(names)
            for b in names[i + 1 :]
        ]
        out.append(
            EvalComparison(
                eval=eval_id,
                axis=str(axis),
                curves=curves,
                own_max=[_own_line(c, axis) for c in curves],
                pairs=pairs,
            )
        )
    return ModelComparison(
        tool_version=__version__,
        seed=seed,
        replicates=replicates,
        confidence=confidence,
        truncation=truncation,
        models=models,
        evals=out,
        notes=notes,
    )


def _owns(name: str, run: EvalRun) -> bool:
    model, scaffold = _split(name)
    return run.model == model and (scaffold is None or run.scaffold == scaffold)


def _model_curve(
    name: str,
    eval_id: str,
    axis: str,
    cfgs: list[Config],
    steps: Steps,
    labels: dict[str, str],
    alpha: float,
) -> ConfigCurve:
    from checker.engine.budget_curves import curve_points, own_max

    model, scaffold = _split(name)
    return ConfigCurve(
        model=model,
        eval=eval_id,
        scaffold=scaffold or "*",
        axis=axis,
        label=name,
        points=curve_points(cfgs, labels, alpha, axis),
        best=steps_model(steps),
        own_max=own_max(cfgs, steps, labels, alpha),
    )


def _own_line(c: ConfigCurve, axis: Axis) -> str:
    o = c.own_max
    if o is None:
        return f"{c.label}: no run evaluated as run (only truncated or summary points)"
    line = (
        f"{c.label}: {o.score:.2f} [{o.lower:.2f}, {o.upper:.2f}] at its largest evaluated "
        f"budget, {format_budget(o.budget, axis)} ({without_eval(o.label, c.eval)})"
    )
    if f"{o.best:.2f}" != f"{o.score:.2f}":
        line += f"; the best at or below it (P*) is {o.best:.2f}"
    return line


def _value_at(steps: Steps, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """P* as a step function (the best at or below each log budget): replicates (R, q) and
    point estimates (q,)."""
    j = np.searchsorted(steps.x, x + 1e-12, side="right") - 1
    return steps.replicates[:, j], steps.estimate[j]


def _pair(
    a: str,
    b: str,
    own: dict[str, list[Config]],
    steps: dict[str, Steps],
    axis: Axis,
    alpha: float,
) -> PairFinding:
    sa, sb = steps[a], steps[b]
    lo, hi = max(sa.x[0], sb.x[0]), min(sa.x[-1], sb.x[-1])
    if hi >= lo:
        x = np.linspace(lo, hi, GRID) if hi > lo else np.array([lo])
        ra, ea = _value_at(sa, x)
        rb, eb = _value_at(sb, x)
        diff = eb - ea
        dl, du = percentile_bounds(rb - ra, alpha)
        i = int(np.argmax(np.abs(diff)))
        truncated = any(
            c.truncated_at is not None and lo - 1e-12 <= math.log10(c.budget) <= hi + 1e-12
            for c in own[a] + own[b]
        )
        where = (
            f"{b} ahead at every common budget"
            if np.all(dl > 0)
            else f"{a} ahead at every common budget"
            if np.all(du < 0)
            else "neither ahead at every common budget"
        )
        text = (
            f"At matched budgets from {format_budget(10**lo, axis)} to "
            f"{format_budget(10**hi, axis)}, {b} − {a} is {diff[i]:+.2f} at "
            f"{format_budget(10 ** x[i], axis)} (interval {dl[i]:+.2f} to {du[i]:+.2f}); "
            f"{where}."
            + (
                " Part of the range rests on budget-truncated runs (lower bounds on capped runs)."
                if truncated
                else ""
            )
        )
        return PairFinding(
            a=a,
            b=b,
            kind="matched",
            dominant=None,
            text=text,
            matched=MatchedDifference(
                budgets=[_sig(10**v) for v in x],
                difference=[_sig(v) for v in diff],
                lower=[_sig(v) for v in dl],
                upper=[_sig(v) for v in du],
                truncated=truncated,
            ),
        )
    cheap, dear = (a, b) if sa.x[-1] < sb.x[0] else (b, a)
    sc, sd = steps[cheap], steps[dear]
    # each side's best, and the budget it took (P* is attained at or below the top)
    ec, ed = float(sc.estimate[-1]), float(sd.estimate[-1])
    bc = 10 ** float(sc.x[int(np.argmax(sc.estimate >= ec))])
    bd = 10 ** float(sd.x[int(np.argmax(sd.estimate >= ed))])
    dl, du = percentile_bounds(sc.replicates[:, -1] - sd.replicates[:, -1], alpha)
    ratio = bd / bc
    if ec >= ed:
        text = (
            f"{cheap} at {format_budget(bc, axis)} scores {ec:.2f}; {dear}'s best, {ed:.2f}, "
            f"took {format_budget(bd, axis)}: {cheap} is at least as good at "
            f"{_fraction(ratio)} of the budget (dominates; difference {ec - ed:+.2f}, "
            f"interval {float(dl):+.2f} to {float(du):+.2f}). No common budget: evaluate "
            f"{cheap} at {format_budget(10 ** sd.x[0], axis)} for a matched comparison."
        )
        return PairFinding(a=a, b=b, kind="dominates", dominant=cheap, text=text, matched=None)
    text = (
        f"Not comparable: no common budget ({cheap} evaluated "
        f"{_span(sc.x, axis)}, {dear} {_span(sd.x, axis)}); {cheap} scores {ec:.2f} at "
        f"{format_budget(bc, axis)}, {dear} {ed:.2f} at {format_budget(bd, axis)}, so the "
        f"extra budget may explain the difference. Evaluate {cheap} at "
        f"{format_budget(10 ** sd.x[0], axis)} or {dear} at {format_budget(10 ** sc.x[-1], axis)}."
    )
    return PairFinding(a=a, b=b, kind="not_comparable", dominant=None, text=text, matched=None)


def _fraction(ratio: float) -> str:
    """``10`` -> ``a tenth``, ``3.2`` -> ``1/3.2``."""
    names = {2: "half", 3: "a third", 4: "a quarter", 10: "a tenth", 100: "a hundredth"}
    r = round(ratio)
    if r in names and abs(ratio - r) / r < 0.1:
        return names[r]
    return f"1/{ratio:.2g}"
