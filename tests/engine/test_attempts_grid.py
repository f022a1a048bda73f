"""pass@k beyond the attempts drawn is modelled on a grid of k: every k up to DENSE_K, then a
few hundred points a decade, so the largest cap a policy may set (6 OOM) costs megabytes, not
the 10+ GB of one column per k; and the expected cost of best-of-k on that grid still brackets
the exact one (cheapest never above it, dearest never below)."""

from __future__ import annotations

import tracemalloc

import numpy as np

from checker.engine.attempts import (
    DENSE_K,
    expected_attempts_bounds,
    extrapolate_attempts,
    k_grid,
)
from checker.policy.model import ExtrapolationCap


def test_grid_is_dense_then_sparse_and_ends_at_k_max() -> None:
    assert np.array_equal(k_grid(14), np.arange(15))
    g = k_grid(5_000_000)
    assert np.array_equal(g[: DENSE_K + 1], np.arange(DENSE_K + 1))
    assert g[-1] == 5_000_000 and np.all(np.diff(g) > 0)
    assert g.size < 2_000


def test_grid_costs_bracket_the_exact_costs() -> None:
    k_max = 200_000
    every = np.arange(k_max + 1, dtype=float)
    # a pass@k curve rising in log k, with a band around it
    est = np.where(every > 0, 1 - (1 + every / 30.0) ** -0.6, 0.0)
    upper, lower = np.minimum(est * 1.2, 1.0), est * 0.8
    exact_low, exact_high, _ = expected_attempts_bounds(every, upper, lower, est)
    g = k_grid(k_max)
    gi = g.astype(int)
    low, high, point = expected_attempts_bounds(g, upper[gi], lower[gi], est[gi])
    assert np.all(low <= exact_low[gi] + 1e-9)
    assert np.all(high >= exact_high[gi] - 1e-9)
    assert np.all(low <= point) and np.all(point <= high)
    # and close: within a few percent at the far end
    assert low[-1] / exact_low[-1] > 0.97 and high[-1] / exact_high[-1] < 1.03


def test_the_largest_cap_costs_megabytes() -> None:
    rng = np.random.default_rng(3)
    tasks, n, reps = 60, 5, 250
    p = rng.beta(0.4, 3.0, tasks)
    successes = rng.binomial(n, p).astype(float)
    attempts = np.full(tasks, n, dtype=float)
    weights = rng.multinomial(tasks, np.full(tasks, 1 / tasks), size=reps).astype(float)
    tracemalloc.start()
    fit = extrapolate_attempts(
        "r",
        successes,
        attempts,
        np.full(tasks, 100.0),
        weights,
        cap=ExtrapolationCap(crossed=6.0, not_crossed=1.0),
        alpha=0.05,
        label="e",
    )
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert fit.ks.size and fit.ks[-1] == n * 10**6
    assert peak < 300 * 2**20, f"peak {peak / 2**20:.0f} MiB"
    assert np.all(np.diff(fit.cost_low) >= 0) and np.all(fit.cost_low <= fit.cost_high)
