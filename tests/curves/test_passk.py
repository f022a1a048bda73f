"""pass@k, pass^k and best-of-k cost against closed forms and brute-force enumeration."""

from itertools import combinations
from math import comb

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.curves import (
    expected_sequential_cost,
    parallel_cost,
    pass_all_k,
    pass_at_k,
    prob_first_fail,
)


def brute_pass_at_k(n: int, c: int, k: int) -> float:
    outcomes = [1] * c + [0] * (n - c)
    subsets = list(combinations(range(n), k))
    return sum(any(outcomes[i] for i in s) for s in subsets) / len(subsets)


def brute_sequential_cost(n: int, c: int, k: int) -> float:
    """Average attempts paid over all orderings' k-prefixes, stopping at the first success."""
    from itertools import permutations

    outcomes = [1] * c + [0] * (n - c)
    total, count = 0.0, 0
    for perm in set(permutations(outcomes)):
        paid = 0
        for y in perm[:k]:
            paid += 1
            if y:
                break
        total += paid
        count += 1
    return total / count


def test_closed_form_matches_binomial_coefficients():
    n = np.array([10, 10, 20, 7, 200])
    c = np.array([0, 3, 20, 1, 37])
    k = np.array([1, 2, 5, 7])
    got = pass_at_k(n, c, k)
    want = np.array(
        [[1 - comb(ni - ci, kk) / comb(ni, kk) for kk in k] for ni, ci in zip(n, c, strict=True)]
    )
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
    # pass@1 is the success rate
    np.testing.assert_allclose(got[:, 0], c / n)


@pytest.mark.parametrize("n", [1, 2, 4, 6])
def test_brute_force_enumeration(n):
    ks = np.arange(1, n + 1)
    for c in range(n + 1):
        got = pass_at_k(n, c, ks)[0]
        want = [brute_pass_at_k(n, c, int(k)) for k in ks]
        np.testing.assert_allclose(got, want, atol=1e-12)


def test_k_beyond_n_is_nan_and_k0_is_zero():
    out = pass_at_k([3, 10], [1, 2], [0, 3, 5, 11])
    assert out[0, 0] == 0 and out[1, 0] == 0
    assert np.isnan(out[0, 2]) and np.isnan(out[0, 3]) and np.isnan(out[1, 3])
    assert out[0, 1] == pytest.approx(1.0)  # 3 of 3 attempts include the success
    assert out[1, 2] == pytest.approx(1 - comb(8, 5) / comb(10, 5))


def test_large_n_is_stable():
    # C(10000, 5000) overflows float; the log1p form does not.
    got = pass_at_k([10_000], [1], [5000])[0, 0]
    assert got == pytest.approx(0.5)
    got = pass_at_k([10_000], [3], [100])[0, 0]
    assert got == pytest.approx(1 - comb(9997, 100) / comb(10000, 100), rel=1e-10)


def test_unbiased_for_population_rate():
    # E[pass@k estimate] over c ~ Binomial(n, p) equals 1 - (1-p)^k exactly.
    n, p, k = 12, 0.23, 4
    cs = np.arange(n + 1)
    probs = np.array([comb(n, c) * p**c * (1 - p) ** (n - c) for c in cs])
    est = pass_at_k(np.full(n + 1, n), cs, [k])[:, 0]
    assert probs @ est == pytest.approx(1 - (1 - p) ** k, rel=1e-12)


def test_pass_all_k_and_first_fail():
    assert pass_all_k(10, 4, [2])[0, 0] == pytest.approx(comb(4, 2) / comb(10, 2))
    s = prob_first_fail([5], [2], 5)[0]
    want = [comb(3, j) / comb(5, j) for j in range(6)]
    np.testing.assert_allclose(s, want, atol=1e-15)


@pytest.mark.parametrize(("n", "c"), [(4, 0), (4, 1), (5, 2), (6, 5), (3, 3)])
def test_sequential_cost_brute_force(n, c):
    ks = np.arange(1, n + 1)
    got = expected_sequential_cost(n, c, ks, 2.5)[0]
    want = [2.5 * brute_sequential_cost(n, c, int(k)) for k in ks]
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_sequential_cost_bounds_and_parallel():
    n = np.array([10, 10, 10])
    c = np.array([0, 5, 10])
    cost = np.array([1.0, 2.0, 3.0])
    seq = expected_sequential_cost(n, c, [1, 4, 10, 11], cost)
    par = parallel_cost([1, 4, 10, 11], cost)
    np.testing.assert_allclose(seq[0, :3], [1, 4, 10])  # never succeeds: pays every attempt
    np.testing.assert_allclose(seq[2, :3], [3, 3, 3])  # always succeeds at once
    assert np.all(seq[:, :3] <= par[:, :3] + 1e-12)
    assert np.isnan(seq[:, 3]).all()
    np.testing.assert_allclose(par[:, 3], 11 * cost)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 60), st.data())
def test_monotone_in_k_and_c(n, data):
    c = data.draw(st.integers(0, n))
    ks = np.arange(0, n + 1)
    row = pass_at_k(n, c, ks)[0]
    assert np.all(np.diff(row) >= -1e-12)
    assert row[-1] == (1.0 if c > 0 else 0.0)
    if c < n:
        assert np.all(pass_at_k(n, c + 1, ks)[0] >= row - 1e-12)


def test_rejects_bad_input():
    with pytest.raises(ValueError):
        pass_at_k([3], [4], [1])
    with pytest.raises(ValueError):
        pass_at_k([3], [1], [1.5])
