"""Cluster-bootstrap replicate weights."""

import numpy as np
import pytest

from checker.curves import replicate_weights, weighted_mean


def test_multinomial_shape_sum_and_integers():
    w = replicate_weights(150, 200, np.random.default_rng(1))
    assert w.shape == (200, 150)
    np.testing.assert_array_equal(w.sum(1), 150)
    np.testing.assert_array_equal(w, np.round(w))  # auto: T >= 100 -> multinomial counts
    # each task drawn on average once
    assert abs(w.mean() - 1.0) < 1e-12
    assert 0.3 < np.mean(w == 0) < 0.43  # P(not drawn) ~ e^-1 = 0.368


def test_bayesian_below_100_tasks():
    w = replicate_weights(40, 500, np.random.default_rng(2))
    np.testing.assert_allclose(w.sum(1), 40)
    assert np.all(w > 0)
    assert not np.allclose(w, np.round(w))
    # Dirichlet(1..1)*T: each weight ~ T * Beta(1, T-1), variance ~ 1
    assert 0.8 < w.var() < 1.2


def test_seed_reproducibility():
    a = replicate_weights(120, 50, np.random.default_rng(7))
    b = replicate_weights(120, 50, np.random.default_rng(7))
    c = replicate_weights(120, 50, np.random.default_rng(8))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_cluster_inheritance():
    clusters = np.array(["a", "a", "b", "c", "c", "c", "b"])
    w = replicate_weights(7, 300, np.random.default_rng(3), method="multinomial", clusters=clusters)
    np.testing.assert_array_equal(w[:, 0], w[:, 1])
    np.testing.assert_array_equal(w[:, 2], w[:, 6])
    np.testing.assert_array_equal(w[:, 3], w[:, 5])
    # family weights are multinomial over 3 families
    fam = w[:, [0, 2, 3]]
    np.testing.assert_array_equal(fam.sum(1), 3)
    # row sums = sum of family weight x family size; mean ~ T
    sizes = np.array([2, 2, 3])
    np.testing.assert_array_equal(w.sum(1), fam @ sizes)
    assert abs(w.sum(1).mean() - 7) < 0.4


def test_weighted_mean_matmul_and_nan():
    w = np.array([[1.0, 2.0, 0.0], [1.0, 1.0, 1.0]])
    x = np.array([[1.0, 0.0], [0.0, np.nan], [1.0, 1.0]])
    got = weighted_mean(w, x)
    np.testing.assert_allclose(got, [[1 / 3, 0.0], [2 / 3, 0.5]])
    np.testing.assert_allclose(weighted_mean(np.ones(3), x), [2 / 3, 0.5])


def test_bootstrap_se_matches_theory():
    # SE of a mean of T iid Bernoulli(0.3) tasks: sqrt(p(1-p)/T)
    rng = np.random.default_rng(5)
    y = (rng.random(400) < 0.3).astype(float)
    w = replicate_weights(400, 4000, rng)
    est = weighted_mean(w, y[:, None])[:, 0]
    se = np.sqrt(y.mean() * (1 - y.mean()) / 400)
    assert est.std() == pytest.approx(se, rel=0.06)


def test_bad_args():
    with pytest.raises(ValueError):
        replicate_weights(5, 10, np.random.default_rng(0), clusters=[1, 2])
    with pytest.raises(ValueError):
        replicate_weights(5, 10, np.random.default_rng(0), method="jackknife")
