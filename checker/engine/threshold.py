"""The determination of one threshold (DESIGN.md 5-6): state, basis, crossing budget, coverage."""

from __future__ import annotations

import math
import warnings

import numpy as np

from checker.budget import Axis, format_budget
from checker.determination import (
    Affordability,
    Coverage,
    CrossingBudget,
    Curve,
    EvaluatedPoint,
    ExplainStep,
    PriceUse,
    Reason,
    ThresholdResult,
)
from checker.engine.achievable import EvalCurve, achievable_curve
from checker.engine.configs import Config, RunData, configurations, run_data
from checker.engine.coverage import measure, share
from checker.evidence.model import Evidence
from checker.policy.model import Policy, Threshold

GRID_POINTS = 121
"""Grid points over the assessed range (and as far beyond as extrapolation reaches)."""


def _sig(v: float | None, digits: int = 6) -> float | None:
    """Round to significant digits so the JSON is stable across BLAS summation orders."""
    if v is None or not math.isfinite(v):
        return None
    return float(f"{v:.{digits}g}")


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
    """Decide one threshold for one model."""
    d = policy.decision
    alpha = 1.0 - d.confidence
    axis = Axis(t.axis)
    lo, hi = policy.assessed_range(t)
    explain = [
        ExplainStep(
            step="range",
            detail=f"assessed over {format_budget(lo, axis)} to {format_budget(hi, axis)} per "
            f"task on the {axis} axis; T(b) from the policy; one-sided confidence {d.confidence}",
        )
    ]
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
    families = {ti.task: ti.family for ti in evidence.manifest.tasks if ti.family}
    prices: list[PriceUse] = []
    curves: list[EvalCurve] = []
    points: list[EvaluatedPoint] = []
    runs_used: list[str] = []
    scaffolds: set[str] = set()
    horizon_eval: float | None = None
    max_attempts = 0
    for eval_id in t.evals:
        runs = [r for r in evidence.runs if r.model == model and r.eval == eval_id]
        if not runs:
            reasons.append(
                Reason(code="no-evidence", message=f"no run of {model!r} on eval {eval_id!r}")
            )
            continue
        data: list[RunData] = []
        for r in runs:
            rd, price, why = run_data(evidence, r, axis, policy.decision.pricing)
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
        if not data:
            continue
        data.sort(key=lambda rd: (rd.budget, rd.run.id))  # file and run order must not matter
        minutes = [
            ti.human_minutes
            for ti in evidence.manifest.tasks
            if ti.eval == eval_id and ti.human_minutes
        ]
        if minutes:
            horizon_eval = max(horizon_eval or 0.0, max(minutes))
        max_attempts = max(max_attempts, *(int(rd.n.min()) for rd in data))
        cfgs = configurations(
            data,
            families={k: v for k, v in families.items() if v},
            replicates=d.bootstrap_replicates,
            seed=seed,
            key=f"{model}/{eval_id}/{axis}",
            alpha=alpha,
            repeated_sampling=credit,
            axis=axis,
            parallel=d.parallel_attempts,
            cache=cache,
            attempts_cap_oom=d.max_attempts_extrapolation_oom,
            extrapolations=(extrapolations := []),
        )
        runs_used += [rd.run.id for rd in data]
        scaffolds.update(rd.run.scaffold for rd in data)
        points += [_point(c, alpha, eval_id) for c in cfgs]
        curves.append((eval_id, cfgs, extrapolations))  # type: ignore[arg-type]
        explain.append(
            ExplainStep(
                step=f"evidence {eval_id}",
                detail=f"{len(data)} run(s) ({', '.join(rd.run.id for rd in data)}) at "
                + ", ".join(
                    format_budget(rd.budget, axis) for rd in sorted(data, key=lambda r: r.budget)
                )
                + f" per task; {len(cfgs)} configuration(s)"
                + (" incl. best-of-k (oracle pass@k)" if any(c.k > 1 for c in cfgs) else ""),
            )
        )

    # The grid: the assessed range, extended to where extrapolation could reach. It holds the
    # configurations' exact budgets (the points carry them rounded for output: a cheapest
    # budget rounded down landed below the evidence it is)
    all_budgets = [c.budget for _eval, cfgs, _ext in curves for c in cfgs]
    x_lo = math.log10(lo)
    x_hi = math.log10(hi)
    x_top = max([x_hi] + [math.log10(b) + d.max_extrapolation_oom for b in all_budgets])
    x_bottom = min([x_lo] + [math.log10(b) for b in all_budgets])
    x = np.linspace(x_lo, x_hi, GRID_POINTS)
    x = np.unique(
        np.concatenate(
            [x, np.linspace(x_bottom, x_top, GRID_POINTS), [x_lo, x_hi], np.log10(all_budgets)]
        )
    )
    tb = np.asarray(t.function.at(10**x))
    ab = np.asarray(t.alert.at(10**x)) if t.alert is not None else None

    eval_curves: list[EvalCurve] = []
    for eval_id, cfgs, extrapolations in curves:  # type: ignore[misc]
        ec = achievable_curve(
            cfgs,
            x,
            alpha=alpha,
            cap_oom=d.max_extrapolation_oom,
            repeated_sampling=credit,
            label=eval_id,
            cache=cache,
            attempts=extrapolations,
        )
        eval_curves.append(ec)
        for note in ec.notes:
            explain.append(ExplainStep(step=f"extrapolation {eval_id}", detail=note))
    combined = _combine(eval_curves, t.combine, x)

    in_range = (x >= x_lo - 1e-12) & (x <= x_hi + 1e-12)
    if combined is None:
        state, basis = "indeterminate", "none"
        cov = Coverage(range_min=lo, range_max=hi, direct=0.0, extrapolated=0.0, uncovered=1.0)
        curve = _curve_out(x, None, tb, ab)
        crossing = CrossingBudget(estimate=None, lower=None, upper=None, never_fraction=1.0)
        if not reasons:
            reasons.append(Reason(code="no-evidence", message="no usable evidence"))
        explain.append(ExplainStep(step="decision", detail="indeterminate: no usable evidence"))
        result = _result(
            t,
            points,
            runs_used,
            scaffolds,
            state=state,
            basis=basis,
            reasons=reasons,
            crossing_budget=crossing,
            headroom_oom=None,
            headroom_is_lower_bound=False,
            alert_state="none" if ab is None else "indeterminate",
            coverage=cov,
            curve=curve,
            families=[],
            affordability=[],
            waived_by=waived_by,
            explain=explain,
        )
        return result, prices

    est, low, up = combined.estimate, combined.lower, combined.upper
    basis_arr, lower_basis = combined.basis, combined.lower_basis
    lower_data, lower_basis_data = combined.lower_data, combined.lower_basis_data
    masks = measure(combined, tb, in_range)
    two_sided, ext_mask = masks.two_sided, masks.covered & ~masks.by_data
    horizon_ok = t.horizon_minutes is None or (
        horizon_eval is not None and horizon_eval >= t.horizon_minutes
    )
    cov = Coverage(
        range_min=lo,
        range_max=hi,
        direct=masks.direct,
        extrapolated=masks.extrapolated,
        uncovered=masks.uncovered,
        evidence_min=_sig(min(all_budgets)) if all_budgets else None,
        evidence_max=_sig(max(all_budgets)) if all_budgets else None,
        extrapolation_max=_sig(10 ** float(x[basis_arr == "extrapolated"].max()))
        if np.any(basis_arr == "extrapolated")
        else None,
        horizon_required_minutes=t.horizon_minutes,
        horizon_evaluated_minutes=horizon_eval,
        horizon_covered=horizon_ok,
    )

    # The decision.
    can_cross = in_range & np.isfinite(low) & (lower_basis != "uncovered")
    hit = can_cross & (low >= tb)
    all_covered = bool(np.all(two_sided[in_range]))
    below_t = bool(np.all(up[in_range] < tb[in_range])) if all_covered else False
    elicitation_ok, elicitation_msg = _elicitation(t, scaffolds, max_attempts)
    # Report the strongest basis that shows the crossing: evaluated configurations first,
    # extrapolation only when nothing evaluated does.
    hit_data = (
        in_range & np.isfinite(lower_data) & (lower_basis_data != "uncovered") & (lower_data >= tb)
    )
    if hit.any():
        state = "crossed"
        if hit_data.any():
            first = int(np.argmax(hit_data))
            basis = str(lower_basis_data[first])
            low = np.where(hit_data, lower_data, low)
        else:
            first = int(np.argmax(hit))
            basis = str(lower_basis[first])
        explain.append(
            ExplainStep(
                step="decision",
                detail=f"crossed: the lower bound {low[first]:.3f} meets T = {tb[first]:.3f} at "
                f"{format_budget(10 ** x[first], axis)} ({basis.replace('_', ' ')})",
            )
        )
    elif all_covered and below_t and horizon_ok and elicitation_ok:
        state = "not_crossed"
        basis = (
            "extrapolated"
            if np.any(ext_mask[in_range])
            else (
                "repeated_sampling"
                if np.any(basis_arr[in_range] == "repeated_sampling")
                else "direct"
            )
        )
        margin = float(np.min(tb[in_range] - up[in_range]))
        explain.append(
            ExplainStep(
                step="decision",
                detail=f"not crossed: the upper bound stays below T over the whole range "
                f"(smallest margin {margin:.3f})",
            )
        )
    else:
        state, basis = "indeterminate", "none"
        if not all_covered:
            gap = x[in_range & ~two_sided]
            start = f" from {format_budget(10 ** gap.min(), axis)}" if gap.size else ""
            share_text = f"{share(x, in_range, ~two_sided):.0%} of the assessed range (log scale)"
            rs_reach = min((c.upper_reach for c in eval_curves if c.upper_reach), default=None)
            if rs_reach is not None and gap.size and gap.min() >= np.log10(rs_reach) - 1e-9:
                code = "repeated-sampling-uncovered"
                message = (
                    f"{share_text} is uncovered{start}: repeated sampling is credited, and beyond "
                    f"{format_budget(rs_reach, axis)} per task an actor could sample the "
                    "cheapest evaluated configuration more often than its attempts (or the "
                    f"Beta-binomial model within {d.max_attempts_extrapolation_oom:g} OOM of "
                    "them) cover"
                )
            else:
                code = "extrapolation-cap" if cov.extrapolation_max else "range-uncovered"
                message = (
                    f"{share_text} is uncovered{start}: evidence reaches "
                    f"{format_budget(cov.evidence_max or 0, axis)}"
                    + (
                        f", extrapolation {format_budget(cov.extrapolation_max, axis)}"
                        f" (cap {d.max_extrapolation_oom:g} OOM)"
                        if cov.extrapolation_max
                        else ""
                    )
                    + f"; the range ends at {format_budget(hi, axis)}"
                )
            reasons.append(Reason(code=code, message=message))
        elif not below_t:
            i = int(np.argmax(in_range & (up >= tb)))
            reasons.append(
                Reason(
                    code="interval-straddles",
                    message=f"at {format_budget(10 ** x[i], axis)} the interval "
                    f"[{low[i]:.3f}, {up[i]:.3f}] contains T = {tb[i]:.3f}",
                )
            )
        if not horizon_ok:
            reasons.append(
                Reason(
                    code="horizon-uncovered",
                    message=f"the threshold concerns tasks of {t.horizon_minutes:g} human minutes; "
                    f"the longest evaluated task is {horizon_eval or 'of unknown length'}"
                    + (" minutes" if horizon_eval else ""),
                )
            )
        if not elicitation_ok:
            reasons.append(Reason(code="elicitation-missing", message=elicitation_msg))
        explain.append(
            ExplainStep(
                step="decision",
                detail="indeterminate: "
                + "; ".join(r.message for r in reasons if r.code not in ("lower-grade-evidence",)),
            )
        )

    crossing = _crossing(x, est, low, up, tb, eval_curves, in_range)
    headroom, headroom_lb = None, False
    if state == "not_crossed":
        beyond = (x > x_hi) & np.isfinite(up)
        meets = beyond & (up >= tb)
        if meets.any():
            headroom = float(x[int(np.argmax(meets))] - x_hi)
        else:
            reach = float(x[beyond].max()) if beyond.any() else x_hi
            headroom, headroom_lb = reach - x_hi, True
        explain.append(
            ExplainStep(
                step="headroom",
                detail=f"the upper bound meets T {'no sooner than' if headroom_lb else 'at'} "
                f"{headroom:.2f} OOM beyond the range",
            )
        )
    alert_state = "none"
    if ab is not None:
        if np.any(can_cross & (low >= ab)):
            alert_state = "crossed"
        elif all_covered and np.all(up[in_range] < ab[in_range]):
            alert_state = "not_crossed"
        else:
            alert_state = "indeterminate"
    afford = _affordability(policy, t, state, crossing, hi, headroom)
    curve = _curve_out(x, combined, tb, ab)
    result = _result(
        t,
        points,
        runs_used,
        scaffolds,
        state=state,
        basis=basis,
        reasons=reasons,
        crossing_budget=crossing,
        headroom_oom=_sig(headroom, 4),
        headroom_is_lower_bound=headroom_lb,
        alert_state=alert_state,
        coverage=cov,
        curve=curve,
        families=[f for ec in eval_curves for f in ec.families],
        affordability=afford,
        waived_by=waived_by,
        explain=explain,
    )
    return result, prices


def _elicitation(t: Threshold, scaffolds: set[str], max_attempts: int) -> tuple[bool, str]:
    e = t.elicitation
    if e is None:
        return True, ""
    if e.scaffolds and not scaffolds.intersection(e.scaffolds):
        return (
            False,
            f"the policy requires one of the scaffolds {e.scaffolds}; "
            f"evaluated: {sorted(scaffolds)}",
        )
    if max_attempts < e.min_attempts_per_task:
        return (
            False,
            f"the policy requires {e.min_attempts_per_task} attempts per task; "
            f"the evidence has {max_attempts}",
        )
    return True, ""


def _combine(curves: list[EvalCurve], how: str, x: np.ndarray) -> EvalCurve | None:
    """Combine several evals' curves into one: ``any`` takes the max (crossing any eval
    crosses; ruling out needs every eval covered and below), ``all`` the min, ``mean`` the
    average (all must cover). Bases combine by the same rule on their strength order."""
    if not curves:
        return None
    if len(curves) == 1:
        return curves[0]

    def stack(name: str) -> np.ndarray:
        return np.vstack([getattr(c, name) for c in curves])

    order = ["uncovered", "extrapolated", "below_evidence", "direct", "repeated_sampling"]

    def basis(name: str) -> np.ndarray:
        rank = np.vectorize(order.index)(stack(name))
        pick = rank.max(axis=0) if how == "any" else rank.min(axis=0)
        return np.array(order, dtype=object)[pick]

    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if how == "any":
            est = np.nanmax(stack("estimate"), 0)
            low, up = np.nanmax(stack("lower"), 0), np.max(stack("upper"), 0)
            low_data = np.nanmax(stack("lower_data"), 0)
        elif how == "all":
            est = np.nanmin(stack("estimate"), 0)
            low, up = np.min(stack("lower"), 0), np.nanmin(stack("upper"), 0)
            low_data = np.min(stack("lower_data"), 0)
        else:
            est, low, up = (np.mean(stack(n), 0) for n in ("estimate", "lower", "upper"))
            low_data = np.mean(stack("lower_data"), 0)
    reaches = [c.upper_reach for c in curves if c.upper_reach]
    return EvalCurve(
        x=x,
        estimate=est,
        lower=low,
        upper=up,
        basis=basis("basis"),
        lower_basis=basis("lower_basis"),
        oom=np.max(stack("oom"), axis=0),
        replicates=np.full((1, x.size), np.nan),  # crossing intervals use each eval's own
        x_direct_max=max(c.x_direct_max for c in curves),
        upper_reach=min(reaches) if reaches else None,
        lower_data=low_data,
        lower_basis_data=basis("lower_basis_data"),
    )


def _crossing(x, est, low, up, tb, curves: list[EvalCurve], in_range) -> CrossingBudget:
    """The smallest budget where the estimate meets T, with an interval read off the bands:
    P* <= U puts the crossing no earlier than where U first meets T, and P* >= L no later than
    where L first does (None: not within what evidence or allowed extrapolation reaches)."""
    meets = np.isfinite(est) & (est >= tb)
    estimate = float(10 ** x[int(np.argmax(meets))]) if meets.any() else None
    early = np.isfinite(up) & (up >= tb)
    late = np.isfinite(low) & (low >= tb)
    lower = float(10 ** x[int(np.argmax(early))]) if early.any() else None
    upper = float(10 ** x[int(np.argmax(late))]) if late.any() else None
    reps = [c.replicates for c in curves]
    if reps:
        rep = np.nanmax(np.stack(reps), axis=0) if len(reps) > 1 else reps[0]
        hits = np.isfinite(rep) & (rep >= tb[None, :])
        never = float(1.0 - hits.any(axis=1).mean())
    else:
        never = 1.0
    return CrossingBudget(
        estimate=_sig(estimate),
        lower=_sig(lower),
        upper=_sig(upper),
        never_fraction=_sig(never, 4) or 0.0,
    )


def _affordability(policy, t, state, crossing, hi, headroom) -> list[Affordability]:
    fall = policy.decision.price_fall_per_year
    if not fall or t.axis != "usd" or fall <= 1:
        return []
    if crossing.estimate is not None:
        budget = crossing.estimate
    elif state == "not_crossed" and headroom is not None:
        budget = hi * 10**headroom
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
                actor=a.id, actor_budget=b, budget=_sig(budget) or budget, years=round(years, 2)
            )
        )
    return out


def _point(c: Config, alpha: float, eval_id: str) -> EvaluatedPoint:
    lo, hi = np.quantile(c.replicates, [alpha, 1 - alpha])
    return EvaluatedPoint(
        run=c.run.id,
        eval=eval_id,
        scaffold=c.run.scaffold,
        k=c.k,
        budget=_sig(c.budget) or c.budget,
        estimate=_sig(c.estimate) or 0.0,
        lower=_sig(float(lo)) or 0.0,
        upper=_sig(float(hi)) or 0.0,
        n_tasks=c.n_tasks,
        grade=c.grade,  # type: ignore[arg-type]
    )


def _curve_out(x, combined, tb, ab) -> Curve:
    budgets = [_sig(10**v) or 0.0 for v in x]
    if combined is None:
        none = [None] * x.size
        return Curve(
            budgets=budgets,
            estimate=none,
            lower=none,
            upper=none,
            basis=["uncovered"] * x.size,
            extrapolation_oom=[0.0] * x.size,
            threshold=[_sig(v) or 0.0 for v in tb],
            alert=[_sig(v) or 0.0 for v in ab] if ab is not None else None,
        )
    est, low, up, basis, oom = (
        combined.estimate,
        combined.lower,
        combined.upper,
        combined.basis,
        combined.oom,
    )
    return Curve(
        budgets=budgets,
        estimate=[_sig(v) for v in est],
        lower=[_sig(v) for v in low],
        upper=[_sig(v) for v in up],
        basis=[str(b) for b in basis],
        extrapolation_oom=[_sig(v, 4) or 0.0 for v in oom],
        threshold=[_sig(v) if _sig(v) is not None else 0.0 for v in tb],
        alert=[_sig(v) if _sig(v) is not None else 0.0 for v in ab] if ab is not None else None,
    )


def _result(
    t: Threshold,
    points: list[EvaluatedPoint],
    runs_used: list[str],
    scaffolds: set[str],
    **decided: object,
) -> ThresholdResult:
    """A ThresholdResult: the threshold's identity, the evidence used (in canonical order, so
    file and run order never reach the JSON) and the decided fields given by keyword."""
    return ThresholdResult(
        id=t.id,
        title=t.title,
        domain=t.domain,
        level=t.level,
        axis=str(t.axis),
        points=sorted(points, key=lambda p: (p.eval, p.budget, p.k, p.run)),
        evidence_runs=sorted(runs_used),
        scaffolds=sorted(scaffolds),
        **decided,  # type: ignore[arg-type]
    )
