"""F1-F3 batched GLM fits: parameter recovery, crossing budgets, screening."""

import numpy as np
import pytest
from scipy import optimize, special

from checker.curves import (
    CURVE_FAMILIES,
    fit_family,
    fit_free_ceiling,
    fit_logistic,
    fit_loglog,
    screen_family,
)

X = np.linspace(0.0, 2.0, 5)
BIG = 1e6


def f1(x, c, s):
    return special.expit(c + s * x)


def f2(x, c, s):
    return np.exp(-np.exp(-(c + s * x)))


def test_recover_parameters_from_exact_large_counts():
    n = np.full(X.size, BIG)
    fit = fit_logistic(X, n * f1(X, -1.5, 1.3), n)
    np.testing.assert_allclose(fit.params[0], [-1.5, 1.3], atol=2e-3)
    assert fit.converged.all() and fit.deviance[0] < 1e-3
    fit = fit_loglog(X, n * f2(X, -0.4, 0.9), n)
    np.testing.assert_allclose(fit.params[0], [-0.4, 0.9], atol=2e-3)
    fit = fit_free_ceiling(X, n * 0.6 * f1(X, -1.0, 2.0), n, n_ceilings=41)
    _c, s, u = fit.params[0]
    assert u == pytest.approx(0.6, abs=0.01)
    assert s == pytest.approx(2.0, rel=0.05)
    assert fit.param_names == ("c", "s", "U") and set(CURVE_FAMILIES) == {"F1", "F2", "F3"}


def test_batched_equals_one_at_a_time_and_matches_scipy():
    rng = np.random.default_rng(4)
    n = np.full((50, X.size), 200.0)
    s_cnt = rng.binomial(200, f1(X, -1.0, 1.0), size=n.shape).astype(float)
    batch = fit_logistic(X, s_cnt, n, pseudo_count=0.0, ridge=0.0)
    for r in (0, 17, 49):
        one = fit_logistic(X, s_cnt[r], n[r], pseudo_count=0.0, ridge=0.0)
        np.testing.assert_allclose(batch.params[r], one.params[0], atol=1e-6)

        def nll(th, r=r):
            p = np.clip(f1(X, *th), 1e-12, 1 - 1e-12)
            return -np.sum(s_cnt[r] * np.log(p) + (n[r] - s_cnt[r]) * np.log1p(-p))

        ref = optimize.minimize(
            nll,
            [0.0, 0.5],
            method="Nelder-Mead",
            options={"xatol": 1e-9, "fatol": 1e-12, "maxiter": 4000},
        ).x
        np.testing.assert_allclose(batch.params[r], ref, atol=1e-4)


def test_slope_constraint_and_separation_are_finite():
    n = np.full(X.size, 100.0)
    dec = fit_logistic(X, [60, 50, 40, 30, 20], n)  # decreasing data -> s clamped at 0
    assert dec.params[0, 1] == 0.0
    assert dec.predict([0.0])[0, 0] == pytest.approx(0.4, abs=2e-3)
    sep = fit_logistic(X, [0, 0, 0, 100, 100], n)  # complete separation
    assert np.isfinite(sep.params).all() and sep.params[0, 1] > 3
    zero = fit_loglog(X, np.zeros(X.size), n)
    assert np.all(zero.predict(X) < 1e-3)


def test_fractional_counts_accepted():
    fit = fit_logistic(X, [0.5, 3.25, 10.0, 30.5, 60.0], [100.0, 100, 100, 100, 100.5])
    assert fit.converged.all() and fit.params[0, 1] > 0


def test_predict_shape_and_no_decrease():
    rng = np.random.default_rng(0)
    n = np.full((30, X.size), 300.0)
    s_cnt = rng.binomial(300, f1(X, -2, 1.2), size=n.shape).astype(float)
    for fam in ("F1", "F2", "F3"):
        fit = fit_family(fam, X, s_cnt, n)
        pred = fit.predict(np.linspace(-1, 5, 13))
        assert pred.shape == (30, 13)
        assert np.all(np.diff(pred, axis=1) >= -1e-12)
        assert np.all((pred >= 0) & (pred <= 1))


def test_crossing_analytic():
    params_fit = fit_logistic(X, BIG * f1(X, -2.0, 1.0), np.full(X.size, BIG))
    c, s = params_fit.params[0]
    assert params_fit.crossing(0.5)[0] == pytest.approx(-c / s)
    assert params_fit.crossing(0.8)[0] == pytest.approx((special.logit(0.8) - c) / s)
    fit2 = fit_loglog(X, BIG * f2(X, -1.0, 0.5), np.full(X.size, BIG))
    tau = 0.7
    c2, s2 = fit2.params[0]
    assert fit2.crossing(tau)[0] == pytest.approx((-np.log(-np.log(tau)) - c2) / s2)
    assert f2(fit2.crossing(tau)[0], c2, s2) == pytest.approx(tau)
    fit3 = fit_free_ceiling(X, BIG * 0.6 * f1(X, -1.0, 2.0), np.full(X.size, BIG), n_ceilings=41)
    assert fit3.crossing(0.7)[0] == np.inf  # ceiling below tau: never
    x3 = fit3.crossing(0.3)[0]
    assert fit3.predict([x3])[0, 0] == pytest.approx(0.3, abs=1e-9)


def test_crossing_on_threshold_grid():
    fit = fit_logistic(X, BIG * f1(X, -2.0, 1.0), np.full(X.size, BIG))
    grid = np.linspace(0, 6, 601)
    # constant threshold on a grid agrees with the analytic one
    assert fit.crossing(0.5, grid)[0] == pytest.approx(fit.crossing(0.5)[0], abs=1e-4)
    # rising threshold T(x) = 0.2 + 0.1 x: solve sigmoid(c + s x) = 0.2 + 0.1 x numerically
    c, s = fit.params[0]
    root = optimize.brentq(lambda x: f1(x, c, s) - (0.2 + 0.1 * x), 0, 6)
    assert fit.crossing(0.2 + 0.1 * grid, grid)[0] == pytest.approx(root, abs=1e-4)
    assert fit.crossing(0.99, np.linspace(0, 3, 31))[0] == np.inf  # not reached on the grid
    assert fit.crossing(0.0, grid)[0] == grid[0]


def test_screening_rejects_wrong_family_with_strong_data():
    rng = np.random.default_rng(11)
    x = np.linspace(0, 2, 5)
    truth = 0.55 * f1(x, -1.0, 3.0)  # plateau at 0.55
    t = 2000
    s_task = rng.binomial(1, truth, size=(t, x.size)).astype(float)
    n_task = np.ones_like(s_task)
    w = rng.multinomial(t, np.full(t, 1 / t), size=300).astype(float)
    sb, nb = w @ s_task, w @ n_task
    s0, n0 = s_task.sum(0), n_task.sum(0)
    f1_screen = screen_family("F1", x, s0, n0, sb, nb)
    f3_screen = screen_family("F3", x, s0, n0, sb, nb)
    assert not f1_screen.passed and f1_screen.p_value < 1e-3
    assert f3_screen.passed and f3_screen.p_value > 0.01 and f3_screen.loo_ok
    assert f1_screen.df == 3 and f3_screen.df == 2


def test_screening_false_rejection_rate_is_low():
    rng = np.random.default_rng(12)
    x = np.linspace(0, 2, 4)
    rejected = 0
    for _ in range(25):
        s_task = rng.binomial(3, f1(x, -2.0, 1.5), size=(100, x.size)).astype(float)
        n_task = np.full_like(s_task, 3.0)
        w = rng.multinomial(100, np.full(100, 0.01), size=200).astype(float)
        sc = screen_family("F1", x, s_task.sum(0), n_task.sum(0), w @ s_task, w @ n_task)
        rejected += not sc.passed
    assert rejected <= 3


def test_input_validation():
    with pytest.raises(ValueError):
        fit_logistic([0.0], [1.0], [2.0])
    with pytest.raises(ValueError):
        fit_logistic([0.0, 1.0], [3.0, 1.0], [2.0, 2.0])
    with pytest.raises(ValueError):
        fit_family("F9", X, np.ones(X.size), np.ones(X.size) * 2)
