"""Decide a threshold (DESIGN.md 5-6): crossed, not crossed or indeterminate, and why.

With a lower bound L(b) and an upper bound U(b) on the achievable curve P*(b), over the assessed
range: ``crossed`` when L(b) >= T(b) somewhere; ``not_crossed`` when U(b) < T(b) everywhere, the
whole range is covered (:mod:`checker.engine.coverage`), the evaluated tasks reach the task
horizon and the evidence has the policy's minimum elicitation; ``indeterminate`` otherwise,
with its reasons. The alert level is decided by the same rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, cast

import numpy as np

from checker.budget import Axis, format_budget
from checker.determination import Basis, Coverage, CoverageSegment, Reason, ReasonCode, State
from checker.engine.achievable import Achievable, EvalCurve
from checker.engine.coverage import CoverageMasks, measure, share
from checker.engine.gather import Gathered
from checker.engine.grid import Grid
from checker.engine.rounding import sig
from checker.policy.model import Policy, Threshold

AlertState = Literal["crossed", "not_crossed", "indeterminate", "none"]


@dataclass(frozen=True)
class Decision:
    """A threshold's state, what supports it, and what it rests on."""

    state: State
    basis: Basis
    """What shows the state: direct evidence, repeated sampling, extrapolation (none when
    indeterminate)."""
    reasons: tuple[Reason, ...]
    """Every reason, the evidence's first: why indeterminate, or what the state stands on."""
    why: str
    """The decision in one line, for the explain trace."""
    coverage: Coverage
    """How much of the assessed range the evidence covers, and the task horizon."""
    alert_state: AlertState
    """The alert level decided by the same rule (none: the threshold has no alert level)."""
    lower: np.ndarray | None
    """The lower bound the decision read, on the grid: the combined curve's, or where evaluated
    configurations alone show the crossing, theirs (None: no curve)."""


def decide(
    policy: Policy, t: Threshold, gathered: Gathered, grid: Grid, curves: Achievable
) -> Decision:
    """Decide threshold ``t`` from its achievable curve on the grid.

    Args:
        policy: The policy (its extrapolation caps name the reasons).
        t: The threshold.
        gathered: Its evidence (reasons so far, scaffolds, attempts, task horizon).
        grid: The grid, with T(b) and the alert level.
        curves: The achievable curves on the grid.

    Returns:
        The decision.
    """
    curve = curves.combined
    if curve is None:
        return _no_evidence(grid, gathered)
    tb, in_range = grid.threshold, grid.in_range
    masks = measure(curve, tb, in_range)
    coverage = _coverage(t, gathered, grid, curve, masks)
    low, up = curve.lower, curve.upper
    can_cross = in_range & np.isfinite(low) & (curve.lower_basis != "uncovered")
    all_covered = bool(np.all(masks.two_sided[in_range]))
    below_t = bool(np.all(up[in_range] < tb[in_range])) if all_covered else False
    elicited, elicitation_gap = _elicitation(t, gathered)
    reasons = list(gathered.reasons)
    basis: Basis
    state: State
    if (can_cross & (low >= tb)).any():
        state = "crossed"
        basis, low, why = _crossed(t, grid, curve, can_cross)
    elif all_covered and below_t and coverage.horizon_covered and elicited:
        state = "not_crossed"
        basis = _not_crossed_basis(grid, curve, masks)
        margin = float(np.min(tb[in_range] - up[in_range]))
        why = (
            "not crossed: the upper bound stays below T over the whole range "
            f"(smallest margin {margin:.3f})"
        )
    else:
        state, basis = "indeterminate", "none"
        if not all_covered and gathered.missing:
            reasons.append(_missing(t, grid, masks, gathered.missing))
        elif not all_covered and _only_below(grid, curve, masks):
            reasons.append(_straddles_below(t, grid, curve))
        elif not all_covered:
            reasons.append(_uncovered(policy, t, grid, curves, masks, coverage))
        elif not below_t:
            reasons.append(_straddles(t, grid, curve))
        if not coverage.horizon_covered:
            reasons.append(_short_horizon(t, gathered))
        if not elicited:
            reasons.append(Reason(code="elicitation-missing", message=elicitation_gap))
        why = "indeterminate: " + "; ".join(
            r.message for r in reasons if r.code not in ("lower-grade-evidence",)
        )
    return Decision(
        state=state,
        basis=basis,
        reasons=tuple(reasons),
        why=why,
        coverage=coverage,
        alert_state=_alert(grid, can_cross, low, up, all_covered),
        lower=low,
    )


def _no_evidence(grid: Grid, gathered: Gathered) -> Decision:
    """Indeterminate, with nothing covered: no eval has usable evidence."""
    reasons = gathered.reasons or (Reason(code="no-evidence", message="no usable evidence"),)
    return Decision(
        state="indeterminate",
        basis="none",
        reasons=reasons,
        why="indeterminate: no usable evidence",
        coverage=Coverage(
            range_min=grid.lo, range_max=grid.hi, direct=0.0, extrapolated=0.0, uncovered=1.0
        ),
        alert_state="none" if grid.alert is None else "indeterminate",
        lower=None,
    )


def _crossed(
    t: Threshold, grid: Grid, curve: EvalCurve, can_cross: np.ndarray
) -> tuple[Basis, np.ndarray, str]:
    """The basis of a crossing, the lower bound that shows it, and the line that says so.

    The strongest basis that shows the crossing is reported: evaluated configurations first,
    extrapolation only when nothing evaluated does.
    """
    x, tb = grid.x, grid.threshold
    low = curve.lower
    hit_data = (
        grid.in_range
        & np.isfinite(curve.lower_data)
        & (curve.lower_basis_data != "uncovered")
        & (curve.lower_data >= tb)
    )
    if hit_data.any():
        first = int(np.argmax(hit_data))
        basis = str(curve.lower_basis_data[first])
        low = np.where(hit_data, curve.lower_data, low)
    else:
        first = int(np.argmax(can_cross & (low >= tb)))
        basis = str(curve.lower_basis[first])
    axis = Axis(t.axis)
    at = format_budget(10 ** x[first], axis)
    why = (
        f"crossed: the lower bound {low[first]:.3f} meets T = {tb[first]:.3f} at {at} "
        f"({basis.replace('_', ' ')})"
    )
    if first == int(np.argmax(grid.in_range)) and x[first] > x[0]:
        # Decided at the range's first budget; the crossing budget (where the estimate meets
        # T) may lie below the range, which a reader must not take for a second decision.
        why += f", the first budget of the assessed range ({at} to {format_budget(grid.hi, axis)})"
    return cast(Basis, basis), low, why


def _not_crossed_basis(grid: Grid, curve: EvalCurve, masks: CoverageMasks) -> Basis:
    """The weakest support anywhere in the range: extrapolation (where the coverage has an
    extrapolated share), else repeated sampling."""
    in_range = grid.in_range
    if masks.extrapolated > 0:  # as the coverage says: segments resting on a model
        return "extrapolated"
    if np.any(curve.basis[in_range] == "repeated_sampling"):
        return "repeated_sampling"
    return "direct"


def _uncovered(
    policy: Policy,
    t: Threshold,
    grid: Grid,
    curves: Achievable,
    masks: CoverageMasks,
    coverage: Coverage,
) -> Reason:
    """Why part of the range is uncovered: where evidence, extrapolation or sampling stop."""
    d, axis, x, in_range = policy.decision, Axis(t.axis), grid.x, grid.in_range
    gap = x[in_range & ~masks.two_sided]
    # Where the covered stretch ends (the bound's reach), not the next grid point after it, so
    # that "uncovered beyond" and the reach printed beside it are one number.
    before = x[in_range & masks.two_sided & (x < gap.min())] if gap.size else x[:0]
    start = (
        f" beyond {format_budget(10 ** before.max(), axis)}"
        if before.size
        else f" from {format_budget(10 ** gap.min(), axis)}"
        if gap.size
        else ""
    )
    share_text = f"{share(x, in_range, ~masks.two_sided):.0%} of the assessed range (log scale)"
    rs_reach = coverage.sampling_reach  # the rounded number the determination publishes
    code: ReasonCode
    if rs_reach is not None and gap.size and gap.min() >= np.log10(rs_reach) - 1e-9:
        code = "repeated-sampling-uncovered"
        message = (
            f"{share_text} is uncovered{start}: repeated sampling is credited, and beyond "
            f"{format_budget(rs_reach, axis)} per task an actor could sample the "
            "cheapest evaluated configuration more often than its attempts (or the "
            f"pass@k model, which may rule out within "
            f"{d.max_attempts_extrapolation_oom.not_crossed:g} OOM of them) cover"
        )
    else:
        code = "extrapolation-cap" if coverage.extrapolation_max else "range-uncovered"
        message = (
            f"{share_text} is uncovered{start}: evidence reaches "
            f"{format_budget(coverage.evidence_max or 0, axis)}"
            + (
                f", extrapolation {format_budget(coverage.extrapolation_max, axis)}"
                f" (cap for ruling out {d.max_extrapolation_oom.not_crossed:g} OOM)"
                if coverage.extrapolation_max
                else ""
            )
            + f"; the range ends at {format_budget(grid.hi, axis)}"
        )
    return Reason(code=code, message=message)


def _missing(t: Threshold, grid: Grid, masks: CoverageMasks, missing: Sequence[str]) -> Reason:
    """Part of the range is uncovered because some of the threshold's evals have no evidence."""
    share_text = share(grid.x, grid.in_range, ~masks.two_sided)
    names = ", ".join(repr(e) for e in missing)
    return Reason(
        code="no-evidence",
        message=f"{share_text:.0%} of the assessed range (log scale) is uncovered: eval(s) "
        f"{names} have no usable evidence, and with combine: {t.combine} a crossing cannot be "
        "ruled out without every eval the threshold names",
    )


def _straddles(t: Threshold, grid: Grid, curve: EvalCurve) -> Reason:
    """The first budget where the interval contains T."""
    x, tb, low, up = grid.x, grid.threshold, curve.lower, curve.upper
    i = int(np.argmax(grid.in_range & (up >= tb)))
    return Reason(
        code="interval-straddles",
        message=f"at {format_budget(10 ** x[i], Axis(t.axis))} the interval "
        f"[{low[i]:.3f}, {up[i]:.3f}] contains T = {tb[i]:.3f}",
    )


def _only_below(grid: Grid, curve: EvalCurve, masks: CoverageMasks) -> bool:
    """Whether all the range lacks is below the cheapest evaluated spend: P* there is bounded
    by P* at that spend, and is uncovered only because that interval does not stay below T."""
    gap = grid.in_range & ~masks.two_sided
    return bool(gap.any() and np.all(curve.basis[gap] == "below_evidence"))


def _straddles_below(t: Threshold, grid: Grid, curve: EvalCurve) -> Reason:
    """The upper bound at the cheapest evaluated spend, which bounds P* below it, reaches T."""
    first = int(np.argmax(curve.basis != "below_evidence"))
    x, tb, low, up = grid.x, grid.threshold, curve.lower, curve.upper
    gap = grid.in_range & (curve.basis == "below_evidence") & (up >= tb)
    i = int(np.argmax(gap)) if gap.any() else first
    axis = Axis(t.axis)
    return Reason(
        code="interval-straddles",
        message=f"part of the range lies below the cheapest evaluated spend "
        f"{format_budget(10 ** x[first], axis)}, where the interval is "
        f"[{low[first]:.3f}, {up[first]:.3f}]: P* below it is at most that upper bound, "
        f"which does not stay below T (T = {tb[i]:.3f} at {format_budget(10 ** x[i], axis)})",
    )


def _short_horizon(t: Threshold, gathered: Gathered) -> Reason:
    """The evaluated tasks are shorter than the horizon the threshold concerns."""
    evaluated = gathered.horizon_minutes
    return Reason(
        code="horizon-uncovered",
        message=f"the threshold concerns tasks of {t.horizon_minutes:g} human minutes; "
        f"the longest evaluated task is {evaluated or 'of unknown length'}"
        + (" minutes" if evaluated else ""),
    )


def _elicitation(t: Threshold, gathered: Gathered) -> tuple[bool, str]:
    """Whether the evidence has the policy's minimum elicitation, and what it lacks."""
    e = t.elicitation
    if e is None:
        return True, ""
    scaffolds = gathered.scaffolds
    if e.scaffolds and not scaffolds.intersection(e.scaffolds):
        return (
            False,
            f"the policy requires one of the scaffolds {e.scaffolds}; "
            f"evaluated: {sorted(scaffolds)}",
        )
    attempts = gathered.attempts_per_task
    if attempts < e.min_attempts_per_task:
        return (
            False,
            f"the policy requires {e.min_attempts_per_task} attempts per task; "
            f"the evidence has {attempts}",
        )
    return True, ""


def _coverage(
    t: Threshold, gathered: Gathered, grid: Grid, curve: EvalCurve, masks: CoverageMasks
) -> Coverage:
    """The published coverage: shares of the range, the evidence's reach, the task horizon."""
    budgets = gathered.budgets
    top = np.log10(max(budgets)) if budgets else np.inf
    # Two-sided: where a fitted curve carries the upper bound too (the lower bound may reach
    # farther, to the cap for showing crossed, but covers nothing until it meets T).
    beyond = (curve.basis == "extrapolated") & np.isfinite(curve.upper) & (grid.x > top + 1e-12)
    horizon = gathered.horizon_minutes
    return Coverage(
        range_min=grid.lo,
        range_max=grid.hi,
        direct=masks.direct,
        extrapolated=masks.extrapolated,
        uncovered=masks.uncovered,
        segments=[
            CoverageSegment(lo=sig(10**lo) or 0.0, hi=sig(10**hi) or 0.0, kind=kind)
            for lo, hi, kind in masks.segments
        ],
        evidence_min=sig(min(budgets)) if budgets else None,
        evidence_max=sig(max(budgets)) if budgets else None,
        # How far extrapolation reaches beyond the evidence (None when it ends inside it: a
        # modelled stretch between evaluated budgets reaches nothing the evidence does not).
        extrapolation_max=sig(10 ** float(grid.x[beyond].max())) if np.any(beyond) else None,
        sampling_reach=sig(curve.upper_reach) if curve.upper_reach else None,
        horizon_required_minutes=t.horizon_minutes,
        horizon_evaluated_minutes=horizon,
        horizon_covered=t.horizon_minutes is None
        or (horizon is not None and horizon >= t.horizon_minutes),
    )


def _alert(
    grid: Grid, can_cross: np.ndarray, low: np.ndarray, up: np.ndarray, all_covered: bool
) -> AlertState:
    """The alert level decided by the threshold's rule, on the same bounds."""
    ab = grid.alert
    if ab is None:
        return "none"
    if np.any(can_cross & (low >= ab)):
        return "crossed"
    if all_covered and np.all(up[grid.in_range] < ab[grid.in_range]):
        return "not_crossed"
    return "indeterminate"
