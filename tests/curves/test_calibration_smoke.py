"""Fast calibration smoke test (a small slice of STATISTICS 7.6, generator 1).

Smooth logistic-normal population, T = 100 tasks, n = 3 attempts, 4 budgets over 2 OOM.  Each
dataset goes through the full pipeline (bootstrap -> F1/F2/F3 fits -> screening -> envelope);
the one-sided 95% lower bound of the envelope at +1 OOM must cover the truth in most datasets.
With 30 datasets the full study's ~0.97 coverage gives P(< 26 covered) < 1%; the seed is fixed.
"""

import numpy as np
from scipy import special

from checker.curves import envelope, fit_family, replicate_weights, screen_family

X = np.linspace(0.0, 2.0, 4)
MU, SD, W = 2.5, 0.6, 0.5


def truth(x):
    z, wts = np.polynomial.hermite_e.hermegauss(60)
    wts = wts / wts.sum()
    return special.expit((x - MU) / W + (SD / W) * z) @ wts


def test_envelope_lower_bound_coverage_plus_one_oom():
    rng = np.random.default_rng(20240601)
    xq = np.array([X[-1], X[-1] + 1.0])
    t_true = truth(xq[1])
    covered_lo, covered_hi, datasets = 0, 0, 30
    lows, highs = [], []
    for _ in range(datasets):
        theta = rng.normal(MU, SD, 100)
        p = special.expit((X[None, :] - theta[:, None]) / W)
        s_task = rng.binomial(3, p).astype(float)
        n_task = np.full_like(s_task, 3.0)
        w = replicate_weights(100, 150, rng)
        sb, nb = w @ s_task, w @ n_task
        preds, keep = {}, {}
        for fam in ("F1", "F2", "F3"):
            preds[fam] = fit_family(fam, X, sb, nb).predict(xq)
            keep[fam] = screen_family(fam, X, s_task.sum(0), n_task.sum(0), sb, nb).passed
        env = envelope(preds, keep=keep, alpha=0.05)
        lo = env.lower[1] if env.families else 0.0
        hi = env.upper[1] if env.families else 1.0
        lows.append(lo)
        highs.append(hi)
        covered_lo += t_true >= lo
        covered_hi += t_true <= hi
    assert covered_lo / datasets >= 0.85
    assert covered_hi / datasets >= 0.80
    # ... and is informative, not trivially 0 (truth 0.686 at +1 OOM)
    assert np.mean(lows) > 0.25  # observed 0.36
    assert np.mean(np.subtract(highs, lows)) < 0.6  # observed 0.43
