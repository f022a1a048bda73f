"""Interpolation in log budget, batched isotonic regression, running max."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from checker.curves import interp_log_budget, isotonic_increasing, running_max


def pav_reference(y, w):
    """Textbook pool-adjacent-violators (one row)."""
    blocks = [[float(v), float(wi), 1] for v, wi in zip(y, w, strict=True)]
    i = 0
    while i < len(blocks) - 1:
        if blocks[i][0] > blocks[i + 1][0] + 1e-15:
            v1, w1, n1 = blocks[i]
            v2, w2, n2 = blocks[i + 1]
            blocks[i] = [(v1 * w1 + v2 * w2) / (w1 + w2), w1 + w2, n1 + n2]
            del blocks[i + 1]
            i = max(i - 1, 0)
        else:
            i += 1
    return np.concatenate([[v] * n for v, _, n in blocks])


rows = hnp.arrays(
    np.float64,
    hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=8),
    elements=st.floats(-5, 5, allow_nan=False),
)


@settings(max_examples=80, deadline=None)
@given(rows)
def test_isotonic_monotone_and_matches_pav(y):
    out = isotonic_increasing(y)
    assert out.shape == y.shape
    assert np.all(np.diff(out, axis=1) >= -1e-9)
    for r in range(y.shape[0]):
        np.testing.assert_allclose(out[r], pav_reference(y[r], np.ones(y.shape[1])), atol=1e-9)
    # mean preserved (projection onto a cone containing constants)
    np.testing.assert_allclose(out.sum(1), y.sum(1), atol=1e-8)


@settings(max_examples=50, deadline=None)
@given(rows)
def test_isotonic_identity_on_monotone_input(y):
    ys = np.sort(y, axis=1)
    np.testing.assert_allclose(isotonic_increasing(ys), ys, atol=1e-12)


def test_isotonic_weighted_example():
    y = np.array([[0.1, 0.5, 0.3, 0.9]])
    w = np.array([1.0, 1.0, 3.0, 1.0])
    out = isotonic_increasing(y, w)
    np.testing.assert_allclose(out, [[0.1, 0.35, 0.35, 0.9]])
    np.testing.assert_allclose(out[0], pav_reference(y[0], w))


def test_isotonic_many_rows_chunked():
    rng = np.random.default_rng(0)
    y = rng.normal(size=(3000, 12))
    out = isotonic_increasing(y)
    for r in (0, 1234, 2999):
        np.testing.assert_allclose(out[r], pav_reference(y[r], np.ones(12)), atol=1e-12)


def test_interp_linear_in_log_and_no_extrapolation():
    x = np.log10([10.0, 100.0, 1000.0])
    y = np.array([[0.1, 0.3, 0.2], [0.0, 0.5, 1.0]])
    xq = np.log10([5.0, 10.0, 100.0, 1000.0, 2000.0])
    out = interp_log_budget(x, y, xq)
    assert np.isnan(out[:, 0]).all() and np.isnan(out[:, 4]).all()
    np.testing.assert_allclose(out[:, 1], [0.1, 0.0])
    np.testing.assert_allclose(out[:, 2], [0.3, 0.5])
    np.testing.assert_allclose(out[:, 3], [0.2, 1.0])
    mono = interp_log_budget(x, y, xq, monotone=True)
    np.testing.assert_allclose(mono[0, 1:4], [0.1, 0.25, 0.25])
    quarter = interp_log_budget(x, y, [np.log10(np.sqrt(1000.0))])  # x = 1.5
    np.testing.assert_allclose(quarter[:, 0], [0.2, 0.25])
    mid = interp_log_budget(x, y, [np.log10(300.0)])
    f = (np.log10(300) - 2) / 1
    np.testing.assert_allclose(mid[:, 0], [0.3 + f * (0.2 - 0.3), 0.5 + f * 0.5])


def test_running_max():
    y = np.array([[np.nan, 0.2, 0.1, 0.4, 0.3]])
    out = running_max(y)
    assert np.isnan(out[0, 0])
    np.testing.assert_allclose(out[0, 1:], [0.2, 0.2, 0.4, 0.4])


def test_bad_input():
    with pytest.raises(ValueError):
        interp_log_budget([1.0, 0.5], [[0, 1]], [0.7])
    with pytest.raises(ValueError):
        isotonic_increasing([[np.nan, 1.0]])
