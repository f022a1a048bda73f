"""Exact and approximate binomial bounds against known values."""

import numpy as np
import pytest
from scipy import stats

from checker.curves import binomial_bounds, clopper_pearson, design_effect_n, jeffreys, wilson


@pytest.mark.parametrize("n", [1, 5, 30, 100, 1000])
def test_zero_successes_rule_of_three(n):
    lo, hi = clopper_pearson(0, n, level=0.95, side="upper")
    assert lo == 0
    assert hi == pytest.approx(1 - 0.05 ** (1 / n), rel=1e-10)
    lo, hi = clopper_pearson(n, n, level=0.95, side="lower")
    assert lo == pytest.approx(0.05 ** (1 / n), rel=1e-10) and hi == 1


def test_clopper_pearson_known_values():
    # Classic table value: 2/10, two-sided 95% -> (0.0252, 0.5561)
    lo, hi = clopper_pearson(2, 10, level=0.95)
    assert lo == pytest.approx(0.025210, abs=1e-5)
    assert hi == pytest.approx(0.556095, abs=1e-5)
    # one-sided bound at 95% equals two-sided 90% end
    lo1, _ = clopper_pearson(2, 10, level=0.95, side="lower")
    lo2, _ = clopper_pearson(2, 10, level=0.90)
    assert lo1 == pytest.approx(lo2)


def test_clopper_pearson_exact_coverage():
    n = 25
    ks = np.arange(n + 1)
    lo, hi = clopper_pearson(ks, n, level=0.9)
    for p in np.linspace(0.01, 0.99, 37):
        pmf = stats.binom.pmf(ks, n, p)
        assert pmf[(lo <= p) & (p <= hi)].sum() >= 0.9 - 1e-9


def test_jeffreys_and_wilson_values():
    lo, hi = jeffreys(3, 20, level=0.95)
    assert lo == pytest.approx(stats.beta.ppf(0.025, 3.5, 17.5))
    assert hi == pytest.approx(stats.beta.ppf(0.975, 3.5, 17.5))
    assert jeffreys(0, 20)[0] == 0 and jeffreys(20, 20)[1] == 1
    # Wilson 95% for 8/10: (0.4902, 0.9433)
    lo, hi = wilson(8, 10, level=0.95)
    assert lo == pytest.approx(0.49016, abs=1e-4)
    assert hi == pytest.approx(0.94331, abs=1e-4)


def test_vectorised_and_ordered():
    s = np.array([[0, 1, 5], [10, 20, 50]])
    n = np.array([10, 50, 100])
    for f in (clopper_pearson, jeffreys, wilson):
        lo, hi = f(s, n, level=0.9)
        assert lo.shape == hi.shape == (2, 3)
        assert np.all((lo >= 0) & (lo <= s / n + 1e-12) & (s / n <= hi + 1e-12) & (hi <= 1))
    # Clopper-Pearson is the widest
    lo_cp, hi_cp = clopper_pearson(s, n)
    lo_j, hi_j = jeffreys(s, n)
    assert np.all(lo_cp <= lo_j + 1e-12) and np.all(hi_cp >= hi_j - 1e-12)


def test_summary_bounds_and_design_effect():
    lo, hi = binomial_bounds(0.25, 40, level=0.95, side="two")
    lo2, hi2 = clopper_pearson(10, 40, level=0.95)
    assert (float(lo), float(hi)) == pytest.approx((float(lo2), float(hi2)))
    lo_f, _ = binomial_bounds(0.2625, 40)  # fractional successes 10.5
    assert lo2 < lo_f < clopper_pearson(11, 40)[0]
    assert design_effect_n(100, 5, 0.0) == 500
    assert design_effect_n(100, 5, 1.0) == 100
    assert design_effect_n(100, 5, 0.25) == pytest.approx(250)
    with pytest.raises(ValueError):
        binomial_bounds(1.2, 10)
    with pytest.raises(ValueError):
        clopper_pearson(3, 2)
