"""What would decide an indeterminate threshold (issue 12): the one piece of evidence, computed.

An indeterminate comes with reasons; a reviewer needs the evidence to ask for. Where the
estimate already meets T somewhere in the range, a crossing is the likelier decision: the
evidence that would lift the lower bound over T there (more tasks where evaluated
configurations carry the estimate, an evaluated configuration where a model carries it).
Otherwise, for the first reason that blocks a decision (in the order
:mod:`checker.engine.decide` gives them), what would remove it, with numbers read off the
evidence and the policy's caps:

* an eval with no evidence: a run of it;
* budgets the fitted curve cannot carry the upper bound to: an evaluated budget at or above
  the range's top divided by the cap for ruling out (the top itself when repeated sampling is
  credited, since no model bounds sampling a larger, unevaluated configuration);
* repeated sampling bounded only to some spend: the attempts per task on the binding run that
  would carry the bound to the range's top (the spend of best-of-k grows about linearly in k
  while tasks stay unsolved, which the never-solved tasks make the rule);
* an interval that contains T: the number of tasks at which an interval of the same shape, around
  the same estimate, would leave T outside (width scales as one over the square root of tasks);
* a short task horizon, missing elicitation: what the policy asks for.

These are estimates of what would *most likely* decide it, not promises: new evidence moves
the estimate too.
"""

from __future__ import annotations

import math

import numpy as np

from checker.budget import Axis, format_budget
from checker.engine.achievable import MIN_TOP_SUCCESSES, Achievable, EvalCurve
from checker.engine.attempts import LazyAttempts
from checker.engine.decide import Decision
from checker.engine.gather import Gathered
from checker.engine.grid import Grid
from checker.policy.model import Policy, Threshold

MAX_TASK_FACTOR = 100
"""Beyond this many times the tasks evaluated, more tasks are not a practical way to decide."""


def would_decide(
    policy: Policy,
    t: Threshold,
    gathered: Gathered,
    grid: Grid,
    curves: Achievable,
    decision: Decision,
    *,
    model: str,
) -> str | None:
    """The one piece of evidence that would most likely decide an indeterminate threshold.

    Args:
        policy: The policy (its caps).
        t: The threshold.
        gathered: Its evidence.
        grid: The grid it was decided on.
        curves: The achievable curves.
        decision: The decision (its reasons, in order).
        model: The model decided on (named in the request).

    Returns:
        A sentence, or None when the threshold is decided.
    """
    if decision.state != "indeterminate":
        return None
    axis = Axis(t.axis)
    curve = curves.combined
    # Where the estimate meets T, the likeliest decision is crossed: evidence that lifts the
    # lower bound there decides it, whatever stops a not_crossed.
    if curve is not None and not gathered.missing:
        shown = _show_crossed(gathered, grid, curve, axis)
        if shown:
            return shown
    for reason in decision.reasons:
        code = reason.code
        if code == "no-evidence" and gathered.missing:
            names = ", ".join(repr(e) for e in gathered.missing)
            return (
                f"a run of {model!r} on eval {names} with per-task results, at a budget of at "
                f"least {format_budget(_carried_to_top(policy, gathered, grid), axis)} per "
                "task (from there the curve may be carried to the range's top)"
            )
        if code == "axis-unreachable":
            return f"the runs' spend on the {axis} axis ({reason.message})"
        if curve is None:
            continue
        if code == "repeated-sampling-uncovered":
            text = _more_attempts(policy, gathered, grid, curve, axis)
            if text:
                return text
        if code in ("extrapolation-cap", "range-uncovered"):
            return _higher_budget(policy, gathered, grid, curve, axis)
        if code == "interval-straddles":
            return _more_tasks(gathered, grid, curve, axis)
        if code == "horizon-uncovered":
            return (
                f"evaluated tasks of at least {t.horizon_minutes:g} human minutes (the longest "
                f"evaluated is {_minutes(gathered.horizon_minutes)})"
            )
        if code == "elicitation-missing":
            return f"evidence with the elicitation the policy requires: {reason.message}"
    return None


def _carried_to_top(policy: Policy, gathered: Gathered, grid: Grid) -> float:
    """The smallest evaluated budget from which a fitted curve may carry the upper bound to the
    range's top (the top itself when repeated sampling is credited)."""
    if gathered.repeated_sampling:
        return grid.hi
    return grid.hi / 10**policy.decision.max_extrapolation_oom.not_crossed


def _higher_budget(
    policy: Policy, gathered: Gathered, grid: Grid, curve: EvalCurve, axis: Axis
) -> str:
    """An evaluated budget from which the upper bound reaches the range's top."""
    need = _carried_to_top(policy, gathered, grid)
    top = max(gathered.budgets) if gathered.budgets else None
    runs = [rd for e in gathered.evals for rd in e.runs if rd.grade == "attempts"]
    at_top = max(runs, key=lambda rd: rd.budget) if runs else None
    why = (
        "repeated sampling is credited, so no fitted curve bounds what lies beyond the evidence"
        if gathered.repeated_sampling
        else f"the cap for ruling out is {policy.decision.max_extrapolation_oom.not_crossed:g} OOM"
    )
    text = (
        f"an evaluated budget at or above {format_budget(need, axis)} per task (the evidence "
        f"stops at {format_budget(top, axis) if top else 'none'}; {why})"
    )
    if at_top is not None and float(at_top.successes.sum()) < MIN_TOP_SUCCESSES:
        text += (
            f", with at least {MIN_TOP_SUCCESSES} successes there (the top run has "
            f"{at_top.successes.sum():.0f})"
        )
    return text


def _more_attempts(
    policy: Policy, gathered: Gathered, grid: Grid, curve: EvalCurve, axis: Axis
) -> str | None:
    """More attempts per task on the run whose modelled sampling stops first."""
    reach = curve.upper_reach
    lazies = [z for e in gathered.evals for z in e.attempts]
    if reach is None or not lazies or reach <= 0:
        return None
    binding = min(lazies, key=lambda z: (z.data_reach, z.run_id))
    n = int(binding.attempts.min())
    need = math.ceil(n * grid.hi / reach)
    never = int(np.count_nonzero(binding.successes == 0))
    cap = policy.decision.max_attempts_extrapolation_oom.not_crossed
    return (
        f"about {need:,} attempts per task on run {binding.run_id} (it drew {n}; upper bounds "
        f"on sampling stop at {format_budget(reach, axis)}, the model carrying them {cap:g} "
        f"OOM beyond the attempts drawn; its {never} never-solved task(s) of "
        f"{binding.successes.size} set how fast the spend grows), so that best-of-k is bounded "
        f"up to {format_budget(grid.hi, axis)}"
    )


def _show_crossed(gathered: Gathered, grid: Grid, curve: EvalCurve, axis: Axis) -> str | None:
    """Evidence that would show a crossing where the estimate already meets T: more tasks where
    evaluated configurations carry the estimate, an evaluated budget where a model does."""
    x, tb, low, est = grid.x, grid.threshold, curve.lower, curve.estimate
    with np.errstate(all="ignore"):
        cand = grid.in_range & np.isfinite(est) & np.isfinite(low) & (est > tb)
        if not cand.any():
            return None
        factor = np.where(cand, ((est - low) / (est - tb)) ** 2, np.inf)
    i = int(np.argmin(factor))
    where = format_budget(10 ** x[i], axis)
    n = max((c.n_tasks for e in gathered.evals for c in e.configs), default=0)
    # Evaluated configurations carry the estimate only where they carry both bounds: beyond
    # them (the lower bound held flat from the top configuration, the estimate modelled) more
    # tasks would not lift the lower bound to the estimate, evaluating there would.
    evaluated = curve.basis[i] in ("direct", "repeated_sampling")
    if evaluated and n and factor[i] <= MAX_TASK_FACTOR:
        return (
            f"about {max(n + 1, math.ceil(n * factor[i])):,} tasks (now {n}) at budgets near "
            f"{where}: if the estimate ({est[i]:.3f}) holds, the lower bound would then clear "
            f"T = {tb[i]:.3f}"
        )
    if not evaluated:
        kind = "modelled" if gathered.repeated_sampling else "extrapolated"
        lazies = [z for e in gathered.evals for z in e.attempts]
        if gathered.repeated_sampling and lazies:
            run = min(lazies, key=lambda z: (z.data_reach, z.run_id))
            k = _attempts_for(run, 10 ** float(x[i]))
            return (
                f"about {k:,} attempts per task on run {run.run_id} (it drew "
                f"{int(run.attempts.min())}), so that best-of-k is evaluated at about {where} "
                f"per task, where the {kind} estimate ({est[i]:.3f}) exceeds T = {tb[i]:.3f}"
            )
        return (
            f"an evaluated configuration at about {where} per task, where the {kind} "
            f"estimate ({est[i]:.3f}) exceeds T = {tb[i]:.3f}: evaluated, its own bound can "
            "show the crossing"
        )
    return None


def _attempts_for(run: LazyAttempts, budget: float) -> int:
    """Attempts per task whose best-of-k is expected to cost ``budget`` on ``run``: read off the
    model's point cost where it reaches, else scaled from the attempts drawn (the spend of
    best-of-k grows about linearly in k while tasks stay unsolved)."""
    n = int(run.attempts.min())
    fit = run.fit()
    if fit.ks.size and fit.cost_point[-1] >= budget:
        return int(fit.ks[int(np.searchsorted(fit.cost_point, budget))])
    return max(n + 1, math.ceil(n * budget / run.data_reach)) if run.data_reach > 0 else n + 1


def _more_tasks(gathered: Gathered, grid: Grid, curve: EvalCurve, axis: Axis) -> str:
    """How many tasks would leave T outside the interval where it first contains T."""
    x, tb, low, up, est = grid.x, grid.threshold, curve.lower, curve.upper, curve.estimate
    # Ruling out needs the upper bound below T everywhere: the point hardest to bring below T
    # (the largest factor) is the one that decides; showing crossed, the easiest (smallest).
    with np.errstate(all="ignore"):
        straddle = grid.in_range & np.isfinite(up) & np.isfinite(est) & (up >= tb)
        hardness = np.where(
            est < tb,
            ((up - est) / (tb - est)) ** 2,
            np.where(est > tb, ((est - low) / (est - tb)) ** 2, np.inf),
        )
    if straddle.any():
        ruling_out = straddle & (est < tb)
        if ruling_out.all() or not (straddle & (est >= tb)).any():
            i = int(np.argmax(np.where(ruling_out, hardness, -np.inf)))
        else:
            i = int(np.argmin(np.where(straddle & (est > tb), hardness, np.inf)))
    else:
        i = int(np.argmax(grid.in_range))
    n = max((c.n_tasks for e in gathered.evals for c in e.configs), default=0)
    where = format_budget(10 ** x[i], axis)
    e, lo_i, up_i, t_i = float(est[i]), float(low[i]), float(up[i]), float(tb[i])
    if not all(map(math.isfinite, (e, lo_i, up_i))) or n == 0:
        return f"more tasks evaluated at budgets near {where}"
    if e < t_i:
        half, gap, side = up_i - e, t_i - e, "below"
    elif e > t_i:
        half, gap, side = e - lo_i, e - t_i, "above"
    else:
        return (
            f"the estimate at {where} sits at T = {t_i:.3f}: more tasks will not decide it "
            "unless the estimate moves"
        )
    factor = (half / gap) ** 2
    if factor > MAX_TASK_FACTOR:
        return (
            f"the estimate at {where} ({e:.3f}) is within {gap:.3f} of T = {t_i:.3f}: more "
            f"than {MAX_TASK_FACTOR}x the {n} tasks evaluated would be needed to decide it"
        )
    need = max(n + 1, math.ceil(n * factor))
    bound = "upper" if side == "below" else "lower"
    return (
        f"about {need:,} tasks (now {n}) at budgets near {where}: if the estimate ({e:.3f}) "
        f"holds, the {bound} bound would then be {side} T = {t_i:.3f}"
    )


def _minutes(m: float | None) -> str:
    return f"{m:g} minutes" if m is not None else "of unknown length"
