"""Issue 12, D1-D6: one hand-computed case per defect of the achievable curve and its messages."""

from __future__ import annotations

import itertools

import numpy as np
from scipy.special import betaincinv

from checker.engine.evaluate import evaluate
from checker.evidence.model import RunSummary
from tests.engine.conftest import AS_OF, make_evidence, make_policy


def decide(policy, evidence, seed=1):
    return evaluate(policy, evidence, seed=seed, as_of=AS_OF).thresholds[0]


def at(result, budget):
    """Index of ``budget`` on the result's curve."""
    return int(np.argmin(np.abs(np.log10(result.curve.budgets) - np.log10(budget))))


def test_d2_running_max_never_lifts_the_lower_bound_above_the_exact_one():
    # Eight summary runs at $1..$8, each 10 of 20 tasks solved: every configuration's exact
    # one-sided 95% Jeffreys bounds are the Beta(10.5, 10.5) 5% and 95% quantiles, 0.325 and
    # 0.675, and its replicates are independent draws from that posterior. The replicate-wise
    # maximum of eight of them has its 5% quantile near the posterior's 69% quantile (0.05 **
    # (1/8) = 0.69), about 0.55: P*'s lower bound at $8 must stay at the best configuration's
    # own exact bound instead.
    runs = [
        {"id": f"r{b}", "summary": RunSummary(score=0.5, n_tasks=20, mean_usd=float(b))}
        for b in range(1, 9)
    ]
    r = decide(make_policy({"assessed_range": {"min": 1.0, "max": 8.0}, "function": 0.6}), ev(runs))
    exact_lo = float(betaincinv(10.5, 10.5, 0.05))
    exact_hi = float(betaincinv(10.5, 10.5, 0.95))
    assert abs(exact_lo - 0.325) < 5e-3 and abs(exact_hi - 0.675) < 5e-3
    i = at(r, 8.0)
    assert r.curve.lower[i] <= exact_lo + 1e-3  # rounding to 3 significant digits
    assert r.curve.upper[i] >= exact_hi - 1e-3
    assert r.state == "indeterminate"  # [<= 0.325, >= 0.675] straddles T = 0.6
    for pt in r.points:  # every evaluated point's interval contains the exact one
        assert pt.lower <= exact_lo + 1e-3 and pt.upper >= exact_hi - 1e-3


def ev(runs):
    return make_evidence(runs)


def share(p: float, tasks: int = 300) -> np.ndarray:
    """Per-task success for exactly ``p * tasks`` solved tasks (one attempt each)."""
    solved = round(p * tasks)
    return np.r_[np.ones(solved), np.zeros(tasks - solved)]


def _two_kinds_of_task(seed: int = 0):
    """56 tasks x 5 attempts at $1 each: half solve an attempt with p = 0.5, half with p = 0.03
    (most of those show 0/5, yet every task is eventually solved). By hand, with q_i = 1 - p_i:
    pass@k = mean(1 - q_i**k), and the expected spend of best-of-k with stop-at-first-success
    is mean(sum_{j<k} q_i**j) = mean((1 - q_i**k) / p_i): pass@100 = 0.976 at $16.9 per task."""
    p = np.r_[np.full(28, 0.5), np.full(28, 0.03)]
    ev = make_evidence([{"id": "r1", "budget": 1.0, "p": p, "tasks": 56, "attempts": 5}], seed)
    k = np.arange(1, 5001)
    q = 1.0 - p
    passk = np.mean(1.0 - q[None, :] ** k[:, None], axis=1)
    cost = np.mean((1.0 - q[None, :] ** k[:, None]) / p[None, :], axis=1)
    return ev, k, passk, cost


def test_d1_d3_d5_modelled_sampling_is_extrapolated_bounded_and_never_too_low():
    ev, _k, passk, cost = _two_kinds_of_task()
    assert abs(passk[99] - 0.976) < 1e-3 and abs(cost[99] - 16.87) < 0.01
    policy = make_policy(
        {"verifiable": True, "function": 0.99, "assessed_range": {"min": 1.0, "max": 200.0}},
        max_attempts_extrapolation_oom={"crossed": 0.5, "not_crossed": 1},
    )
    r = decide(policy, ev)
    c = r.curve
    top = max(p.budget for p in r.points)
    top_upper = max(p.upper for p in r.points)
    ups = [(b, u, basis) for b, u, basis in zip(c.budgets, c.upper, c.basis, strict=True)]
    beyond = [(b, u, basis) for b, u, basis in ups if b > top]
    # D1: the modelled stretch is extrapolated, not uncovered, from the top evaluated budget on
    # with no gap: every point with an upper bound is covered, and the first ones beyond the
    # evidence have one (before the first modelled k costs anything).
    assert all(basis != "uncovered" for _b, u, basis in ups if u is not None)
    assert beyond[0][1] is not None and beyond[0][2] == "extrapolated"
    assert r.coverage.extrapolated > 0.1
    assert r.coverage.extrapolation_max is not None and r.coverage.extrapolation_max > top
    # D3: upper bounds never fall with budget, and never drop below the top configuration's.
    finite = [u for _b, u, _basis in ups if u is not None]
    assert all(b2 >= b1 for b1, b2 in itertools.pairwise(finite))
    assert all(u >= top_upper - 1e-3 for _b, u, _basis in beyond if u is not None)
    # D5: where an upper bound is given, it is at least the true P*(B): pass@k for the largest k
    # whose true expected spend fits B (the point fit's cost, with its mass of never-solved
    # tasks, put k = 100 far above its true $16.9 and so the bound below the truth).
    for b, u, _basis in beyond:
        if u is not None:
            n_fit = int(np.searchsorted(cost, b, side="right"))
            assert u >= passk[n_fit - 1] - 1e-3, (b, u, passk[n_fit - 1])


def test_d5_cost_bounds_bracket_the_true_cost_of_best_of_k():
    from checker.curves import replicate_weights
    from checker.engine.attempts import extrapolate_attempts
    from checker.policy.model import ExtrapolationCap

    ev, _k, _passk, cost = _two_kinds_of_task()
    t = ev.attempts
    tasks = np.asarray(t.task_ids)[t.task]
    succ = np.array([t.score[tasks == f"task-{i}"].sum() for i in range(56)])
    w = replicate_weights(56, 200, np.random.default_rng(0))
    cap = ExtrapolationCap(crossed=2, not_crossed=1)
    fit = extrapolate_attempts(
        "r1", succ, np.full(56, 5.0), np.ones(56), w, cap=cap, alpha=0.05, label="e"
    )
    assert fit.ks[0] == 6 and fit.ks[-1] == 500  # every k from n + 1 to n * 10**2
    # lower bounds may use every k to 500, upper bounds those to 50 (k = 6..50: 45 of them)
    assert fit.n_crossed == 495 and fit.n_not_crossed == 45
    true_cost = cost[fit.ks.astype(int) - 1]
    assert np.all(fit.cost_low <= true_cost + 1e-9)  # upper bounds read k as affordable early
    assert np.all(fit.cost_low <= fit.cost_point) and np.all(fit.cost_point <= fit.cost_high)
    assert np.all(fit.cost_high <= 5.0 * fit.ks / 5.0)  # never more than k attempts
    assert fit.reach == fit.cost_low[44]  # upper bounds stop where k = 50 may first be afforded


def test_d6_never_fraction_counts_the_extrapolated_curve():
    # 300 tasks at $0.1, $1, $10 scoring 0.2, 0.3, 0.4 (one attempt): T = 0.45 is met only
    # beyond $10, by the family envelope (cap 1 OOM). Every replicate stays below 0.45 within
    # the evaluated budgets, so counting those alone said ~1.0 "never" beside an estimated
    # crossing; with each replicate's extrapolated curve, at most half of them miss T when the
    # median-based estimate meets it.
    runs = [
        {"id": f"r{i}", "budget": b, "p": share(p), "tasks": 300, "attempts": 1, "exact": True}
        for i, (b, p) in enumerate([(0.1, 0.2), (1.0, 0.3), (10.0, 0.4)])
    ]
    policy = make_policy(
        {"assessed_range": {"min": 0.1, "max": 100.0}, "function": 0.45}, max_extrapolation_oom=1
    )
    r = decide(policy, ev(runs))
    cb = r.crossing_budget
    assert cb.estimate is not None and cb.estimate > 10.0
    assert cb.never_fraction < 0.5


def test_d6_the_summary_says_not_within_reach_not_never():
    import io

    from rich.console import Console

    from checker.cli._summary import print_summary

    runs = [
        {"id": f"r{i}", "budget": b, "p": share(p), "tasks": 300, "attempts": 1, "exact": True}
        for i, (b, p) in enumerate([(0.1, 0.2), (1.0, 0.3), (10.0, 0.4)])
    ]
    policy = make_policy(
        {"assessed_range": {"min": 0.1, "max": 100.0}, "function": 0.45}, max_extrapolation_oom=1
    )
    det = evaluate(policy, ev(runs), seed=1, as_of=AS_OF)
    assert det.thresholds[0].crossing_budget.upper is None  # the lower bound never meets T
    out = io.StringIO()
    print_summary(det, Console(file=out, width=200))
    assert "not within reach" in out.getvalue() and "never" not in out.getvalue()


def test_d6_extrapolation_max_is_never_below_the_evidence():
    # A cheap run with 4 attempts ($1 each) and a dear one at $10: modelled sampling of the
    # cheap run stops well below $10, inside the evidence; it reaches nothing beyond it.
    runs = [
        {"id": "cheap", "budget": 1.0, "p": 0.3, "tasks": 300, "attempts": 4},
        {"id": "dear", "budget": 10.0, "p": 0.5, "tasks": 300, "attempts": 1},
    ]
    r = decide(make_policy({"verifiable": True, "function": 0.99}), ev(runs))
    assert "extrapolated" in r.curve.basis  # the modelled stretch between the two
    cov = r.coverage
    assert cov.evidence_max == 10.0
    assert cov.extrapolation_max is None or cov.extrapolation_max > cov.evidence_max


def test_d6_extrapolation_oom_is_zero_where_evaluated_configurations_decide():
    ev4 = ev([{"id": "r1", "budget": 1.0, "p": 0.3, "tasks": 300, "attempts": 4}])
    r = decide(
        make_policy({"verifiable": True, "function": 0.8}, max_attempts_extrapolation_oom=0.25), ev4
    )
    c = r.curve
    for basis, oom in zip(c.basis, c.extrapolation_oom, strict=True):
        if basis in ("direct", "repeated_sampling", "below_evidence"):
            assert oom == 0.0
        elif basis == "extrapolated":  # attempts beyond the 4 drawn, within the 0.25 OOM cap
            assert 0.0 < oom <= 0.25 + 1e-9


def test_d6_a_range_below_the_evidence_says_the_interval_there_reaches_t():
    # One run at $1 scoring 0.5 on 100 tasks; range $0.01-$0.3, T = 0.5: P* below $1 is at
    # most P*($1), whose upper bound (~0.58) does not stay below T. Nothing is extrapolated.
    p = np.r_[np.ones(50), np.zeros(50)]
    runs = [{"id": "r1", "budget": 1.0, "p": p, "tasks": 100, "attempts": 1}]
    r = decide(
        make_policy({"assessed_range": {"min": 0.01, "max": 0.3}, "function": 0.5}), ev(runs)
    )
    assert r.state == "indeterminate"
    codes = [x.code for x in r.reasons]
    assert codes == ["interval-straddles"], r.reasons
    assert "below the cheapest evaluated spend $1" in r.reasons[0].message


def test_d6_not_crossed_with_all_of_the_range_direct_says_direct():
    # Evidence at $1 and $10; the range ends a hair above $10 (10.0001): the last sliver is
    # extrapolated but rounds to 0% of the range, and the coverage says 100% direct: so must
    # the basis.
    runs = [
        {"id": f"r{i}", "budget": b, "p": 0.05, "tasks": 300, "attempts": 1}
        for i, b in enumerate([1.0, 10.0])
    ]
    policy = make_policy(
        {"assessed_range": {"min": 1.0, "max": 10.0001}, "function": 0.5}, max_extrapolation_oom=1
    )
    r = decide(policy, ev(runs))
    assert r.state == "not_crossed"
    assert r.coverage.direct == 1.0
    assert r.basis == "direct"
