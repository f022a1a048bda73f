"""Issue 12, D1-D6: one hand-computed case per defect of the achievable curve and its messages."""

from __future__ import annotations

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
