"""Numerical core for performance-vs-budget curves (numpy/scipy only).

Pure functions and frozen result objects; no knowledge of policies, files or reports.  Budgets
are handled as ``x = log10(budget)`` throughout.  Shapes: ``T`` tasks, ``R`` bootstrap
replicates, ``m`` evaluated budgets, ``q`` query points, ``K`` values of ``k``.

Typical flow for one (model, eval, scaffold) curve::

    W = replicate_weights(T, R, rng, clusters=families)       # (R, T), once per eval
    S_b, N_b = W @ S_task, W @ N_task                          # (R, m) bootstrap counts
    fits = {f: fit_family(f, x, S_b, N_b) for f in ("F1", "F2", "F3")}
    screens = {f: screen_family(f, x, S_task.sum(0), N_task.sum(0), S_b, N_b) for f in fits}
    env = envelope({f: fit.predict(xq) for f, fit in fits.items()},
                   keep={f: s.passed for f, s in screens.items()})
"""

from checker.curves.betabinom import (
    BetaBinomialFit,
    beta_pass_at_k,
    fit_beta_binomial,
    lack_of_fit_pvalue,
)
from checker.curves.bootstrap import BAYESIAN_BELOW, replicate_weights, weighted_mean
from checker.curves.bounds import (
    binomial_bounds,
    clopper_pearson,
    design_effect_n,
    jeffreys,
    wilson,
)
from checker.curves.envelope import (
    CrossingSummary,
    Envelope,
    crossing_envelope,
    envelope,
    percentile_bounds,
)
from checker.curves.families import (
    CURVE_FAMILIES,
    FamilyFit,
    Screening,
    first_crossing,
    fit_family,
    fit_free_ceiling,
    fit_logistic,
    fit_loglog,
    screen_family,
)
from checker.curves.interpolate import interp_log_budget, isotonic_increasing, running_max
from checker.curves.passk import (
    expected_sequential_cost,
    parallel_cost,
    pass_all_k,
    pass_at_k,
    prob_first_fail,
)

#: Default cap on extrapolation beyond the largest evaluated budget (OOM): the largest d at which
#: every one-sided 95% envelope bound kept >= 0.93 coverage in every calibration scenario,
#: protocol drift included, with the degenerate-count rule applied (< 10 successes at the top
#: budget: exact bounds there, no upper bound beyond).  Without drift the study supports 2 OOM.
#: Source: benchmarks/calibration.py -> benchmarks/results/calibration.md.
DEFAULT_MAX_EXTRAPOLATION_OOM = 0.25

#: Same rule for pass@k beyond the n attempts drawn (d_k = log10(k / n)); the logit-normal
#: scenario (many 0/n tasks) under-covers from 0.5 OOM on.
DEFAULT_MAX_EXTRAPOLATION_OOM_K = 0.25

__all__ = [
    "BAYESIAN_BELOW",
    "CURVE_FAMILIES",
    "DEFAULT_MAX_EXTRAPOLATION_OOM",
    "DEFAULT_MAX_EXTRAPOLATION_OOM_K",
    "BetaBinomialFit",
    "CrossingSummary",
    "Envelope",
    "FamilyFit",
    "Screening",
    "beta_pass_at_k",
    "binomial_bounds",
    "clopper_pearson",
    "crossing_envelope",
    "design_effect_n",
    "envelope",
    "expected_sequential_cost",
    "first_crossing",
    "fit_beta_binomial",
    "fit_family",
    "fit_free_ceiling",
    "fit_logistic",
    "fit_loglog",
    "interp_log_budget",
    "isotonic_increasing",
    "jeffreys",
    "lack_of_fit_pvalue",
    "parallel_cost",
    "pass_all_k",
    "pass_at_k",
    "percentile_bounds",
    "prob_first_fail",
    "replicate_weights",
    "running_max",
    "screen_family",
    "weighted_mean",
    "wilson",
]
