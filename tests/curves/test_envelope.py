"""Envelope over families: min of lower bounds, max of upper bounds, attribution."""

import numpy as np
import pytest

from checker.curves import crossing_envelope, envelope, percentile_bounds


def test_percentile_bounds():
    y = np.arange(101, dtype=float)[:, None] * np.array([[1.0, 2.0]])
    lo, hi = percentile_bounds(y, 0.05)
    np.testing.assert_allclose(lo, [5, 10])
    np.testing.assert_allclose(hi, [95, 190])


def test_envelope_picks_min_and_max():
    rng = np.random.default_rng(0)
    base = rng.random((1000, 1))
    preds = {
        "F1": 0.2 + 0.1 * base * np.ones((1, 3)),  # [0.2, 0.3]
        "F2": np.array([[0.0, 0.25, 0.5]]) + 0.1 * base,  # shifts per point
        "F3": 0.15 + 0.02 * base * np.ones((1, 3)),  # low and narrow
    }
    env = envelope(preds, alpha=0.05)
    assert env.families == ("F1", "F2", "F3")
    q = np.quantile(base[:, 0], [0.05, 0.95])
    np.testing.assert_allclose(
        env.lower, [0.0 + 0.1 * q[0], 0.15 + 0.02 * q[0], 0.15 + 0.02 * q[0]]
    )
    np.testing.assert_allclose(env.upper, [0.2 + 0.1 * q[1], 0.25 + 0.1 * q[1], 0.5 + 0.1 * q[1]])
    assert list(env.lower_family) == ["F2", "F3", "F3"]
    assert list(env.upper_family) == ["F1", "F2", "F2"]
    assert env.family_lower.shape == (3, 3)


def test_envelope_respects_screening():
    preds = {"F1": np.full((10, 2), 0.5), "F2": np.full((10, 2), 0.9)}
    env = envelope(preds, keep={"F1": True, "F2": False})
    assert env.families == ("F1",)
    np.testing.assert_allclose(env.upper, 0.5)
    none = envelope(preds, keep=[])
    assert none.families == () and np.isnan(none.lower).all()


def test_envelope_nan_family_makes_it_uninformative():
    preds = {"F1": np.full((10, 2), 0.5), "F3": np.full((10, 2), np.nan)}
    env = envelope(preds)
    np.testing.assert_allclose(env.lower, 0.0)
    np.testing.assert_allclose(env.upper, 1.0)


def test_crossing_envelope_with_infinite_replicates():
    r = 1000
    a = np.linspace(1.0, 2.0, r)
    b = np.where(np.arange(r) < 300, np.inf, np.linspace(1.5, 2.5, r))
    summ = crossing_envelope({"F1": a, "F3": b}, alpha=0.05)
    assert summ.lower == pytest.approx(np.quantile(a, 0.05, method="inverted_cdf"))
    assert summ.lower_family == "F1"
    assert summ.upper == np.inf and summ.upper_family == "F3"
    assert summ.frac_infinite == {"F1": 0.0, "F3": 0.3}
    assert summ.frac_infinite_max == 0.3
    only = crossing_envelope({"F1": a, "F3": b}, keep=["F1"])
    assert only.upper == pytest.approx(np.quantile(a, 0.95, method="inverted_cdf"))
