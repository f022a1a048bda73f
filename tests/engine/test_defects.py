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
        max_attempts_extrapolation_oom=2,
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

    ev, _k, _passk, cost = _two_kinds_of_task()
    t = ev.attempts
    tasks = np.asarray(t.task_ids)[t.task]
    succ = np.array([t.score[tasks == f"task-{i}"].sum() for i in range(56)])
    w = replicate_weights(56, 200, np.random.default_rng(0))
    fit = extrapolate_attempts(
        "r1", succ, np.full(56, 5.0), np.ones(56), w, cap_oom=2, alpha=0.05, label="e"
    )
    assert fit.ks[0] == 6 and fit.ks[-1] == 500  # every k from n + 1 to n * 10**2
    true_cost = cost[fit.ks.astype(int) - 1]
    assert np.all(fit.cost_low <= true_cost + 1e-9)  # upper bounds read k as affordable early
    assert np.all(fit.cost_low <= fit.cost_point) and np.all(fit.cost_point <= fit.cost_high)
    assert np.all(fit.cost_high <= 5.0 * fit.ks / 5.0)  # never more than k attempts
    assert fit.reach == fit.cost_low[-1]
