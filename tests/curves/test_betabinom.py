"""F4/F5 grid-MLE Beta-binomial fits."""

import time

import numpy as np
import pytest
from scipy import special, stats

from checker.curves import beta_pass_at_k, fit_beta_binomial, pass_at_k, replicate_weights


def test_closed_form_pass_at_k():
    a, b = 0.7, 2.3
    k = np.array([1, 5, 50])
    got = beta_pass_at_k(a, b, k)[0]
    want = 1 - np.exp(special.betaln(a, b + k) - special.betaln(a, b))
    np.testing.assert_allclose(got, want)
    assert got[0] == pytest.approx(a / (a + b))  # pass@1 = mean p
    # E[1 - (1-p)^k] by quadrature
    p = np.linspace(1e-9, 1 - 1e-9, 200001)
    dens = stats.beta.pdf(p, a, b)
    num = np.trapezoid((1 - (1 - p) ** 5) * dens, p)
    assert got[1] == pytest.approx(num, rel=1e-4)
    assert beta_pass_at_k(a, b, [5], pi0=0.3)[0, 0] == pytest.approx(0.7 * got[1])


def test_recovers_alpha_beta():
    rng = np.random.default_rng(0)
    p = rng.beta(0.4, 2.5, 20000)
    c = rng.binomial(12, p)
    fit = fit_beta_binomial(c, 12)
    a, b = fit.params[0]
    assert a == pytest.approx(0.4, rel=0.06)
    assert b == pytest.approx(2.5, rel=0.1)
    assert not fit.at_edge[0]
    # beats the grid: refined optimum has higher likelihood than any neighbour
    ll = fit.loglik[0]
    ll_true = np.sum(stats.betabinom.logpmf(c, 12, 0.4, 2.5))
    assert ll >= ll_true - 1e-6


def test_zero_inflated_recovers_pi0():
    rng = np.random.default_rng(1)
    t = 20000
    p = rng.beta(1.0, 3.0, t) * (rng.random(t) >= 0.3)
    c = rng.binomial(10, p)
    fit = fit_beta_binomial(c, 10, zero_inflated=True)
    a, _b, pi0 = fit.params[0]
    assert pi0 == pytest.approx(0.3, abs=0.04)
    assert a == pytest.approx(1.0, rel=0.15)
    k = np.array([100, 1000])
    np.testing.assert_allclose(fit.predict(k)[0], 0.7 * beta_pass_at_k(1.0, 3.0, k)[0], atol=0.02)


def test_in_sample_prediction_matches_unbiased_estimator():
    rng = np.random.default_rng(2)
    p = rng.beta(0.5, 1.5, 5000)
    c = rng.binomial(10, p)
    fit = fit_beta_binomial(c, 10)
    emp = pass_at_k(np.full(c.size, 10), c, [1, 5, 10]).mean(0)
    np.testing.assert_allclose(fit.predict([1, 5, 10])[0], emp, atol=0.01)


def test_replicates_and_mixed_attempts_and_speed():
    rng = np.random.default_rng(3)
    t = 100
    p = rng.beta(0.2, 1.5, t)
    c = rng.binomial(10, p)
    w = replicate_weights(t, 1000, rng)
    t0 = time.perf_counter()
    f4 = fit_beta_binomial(c, 10, w)
    f5 = fit_beta_binomial(c, 10, w, zero_inflated=True)
    elapsed = time.perf_counter() - t0
    assert f4.params.shape == (1000, 2) and f5.params.shape == (1000, 3)
    # ~0.7 s for both on an idle 2-core machine (benchmarks/curves_speed.py); this guard only
    # catches a gross regression (e.g. a per-replicate Python loop) on a loaded CI box.
    assert elapsed < 20.0
    pred = f4.predict([10, 100, 1000])
    assert pred.shape == (1000, 3) and np.all(np.diff(pred, axis=1) > 0)
    # tasks with different n: one table per n; unit weights reproduce the unweighted fit
    n = np.where(np.arange(t) % 2 == 0, 10, 5)
    c2 = rng.binomial(n, p)
    a = fit_beta_binomial(c2, n)
    b = fit_beta_binomial(c2, n, np.ones((2, t)))
    np.testing.assert_allclose(a.params[0], b.params[1])
    assert a.n_max == 10


def test_validation():
    with pytest.raises(ValueError):
        fit_beta_binomial([3, 11], 10)
    with pytest.raises(ValueError):
        fit_beta_binomial([1.5], 10)


def test_lack_of_fit_screen_keeps_a_beta_binomial_and_drops_a_two_spike_histogram():
    from checker.curves import lack_of_fit_pvalue

    rng = np.random.default_rng(7)
    n = 10
    bb = rng.binomial(n, rng.beta(0.5, 2.0, 200))
    assert lack_of_fit_pvalue(bb, n, seed=1) > 0.05
    assert lack_of_fit_pvalue(bb, n, zero_inflated=True, seed=1) > 0.05
    spikes = np.r_[np.full(100, 1), np.full(100, 9)]  # 1 or 9 successes of 10, nothing between
    assert lack_of_fit_pvalue(spikes, n, seed=1) == pytest.approx(1 / 300)
    assert lack_of_fit_pvalue(spikes, n, zero_inflated=True, seed=1) == pytest.approx(1 / 300)
    # reproducible, and tasks may differ in attempts (one histogram per n)
    assert lack_of_fit_pvalue(bb, n, seed=3) == lack_of_fit_pvalue(bb, n, seed=3)
    mixed = lack_of_fit_pvalue(
        np.r_[bb[:100], np.minimum(bb[100:], 5)], np.r_[[n] * 100, [5] * 100]
    )
    assert 0 < mixed <= 1
