"""Replicate weights for the cluster bootstrap over tasks (or task families).

Tasks are the sampling unit: a task's attempts, at every budget, stay together, so a replicate is
just a weight per task.  One weight matrix ``W`` of shape ``(R, T)`` is drawn once and reused at
every budget and every ``k``; a per-budget statistic for all replicates is then one matmul,
``W @ X`` with ``X`` of shape ``(T, m)``.  Reusing the same replicate across budgets keeps the
correlation between budgets that curve fits and running maxima depend on.

Weights are on the *count* scale: each row sums to ``T`` in expectation (exactly ``T`` without
clusters), so ``W @ successes`` and ``W @ trials`` are bootstrap counts with the right binomial
scale for the GLM fits in :mod:`checker.curves.families`.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "BAYESIAN_BELOW",
    "replicate_weights",
    "weighted_mean",
]

#: With fewer resampling units than this, ``method="auto"`` uses the Bayesian (Dirichlet)
#: bootstrap: the multinomial bootstrap's discreteness and ties under-cover at small T.
BAYESIAN_BELOW = 100

Method = Literal["auto", "multinomial", "bayesian"]


def replicate_weights(
    n_tasks: int,
    n_replicates: int,
    rng: np.random.Generator,
    *,
    method: Method = "auto",
    clusters: ArrayLike | None = None,
) -> NDArray[np.float64]:
    """Draw cluster-bootstrap replicate weights.

    Args:
        n_tasks: Number of tasks ``T``.
        n_replicates: Number of replicates ``R``.
        rng: The caller's generator; the only source of randomness (reproducibility).
        method: ``"multinomial"`` (classical bootstrap: counts ~ Mult(G, 1/G)),
            ``"bayesian"`` (Dirichlet(1,..,1) scaled to sum G), or ``"auto"``: multinomial when
            the number of resampling units ``G`` is at least :data:`BAYESIAN_BELOW`, else
            Bayesian.
        clusters: Optional family id per task, shape ``(T,)`` (any hashable labels).  Families
            are resampled and each task inherits its family's weight, so a family drawn twice
            counts all its tasks twice.  ``G`` is the number of distinct families.

    Returns:
        ``W`` of shape ``(R, T)``, non-negative float64.  Without clusters each row sums to
        exactly ``T``; with clusters row sums vary (families differ in size) with mean ``T``,
        so normalise by ``W.sum(1)`` for means (see :func:`weighted_mean`).
    """
    if n_tasks < 1 or n_replicates < 1:
        raise ValueError("need n_tasks >= 1 and n_replicates >= 1")
    if clusters is None:
        codes = np.arange(n_tasks)
        n_units = n_tasks
    else:
        labels = np.asarray(clusters)
        if labels.shape != (n_tasks,):
            raise ValueError(f"clusters must have shape ({n_tasks},), got {labels.shape}")
        _, codes = np.unique(labels, return_inverse=True)
        n_units = int(codes.max()) + 1
    if method == "auto":
        method = "multinomial" if n_units >= BAYESIAN_BELOW else "bayesian"
    if method == "multinomial":
        counts = rng.multinomial(n_units, np.full(n_units, 1.0 / n_units), size=n_replicates)
        unit_w = counts.astype(np.float64)
    elif method == "bayesian":
        unit_w = rng.dirichlet(np.ones(n_units), size=n_replicates) * n_units
    else:
        raise ValueError(f"unknown bootstrap method {method!r}")
    return unit_w[:, codes]


def weighted_mean(weights: ArrayLike, values: ArrayLike) -> NDArray[np.float64]:
    """Replicate-weighted mean over tasks, ignoring missing (NaN) task values per column.

    Args:
        weights: ``(R, T)`` replicate weights (or ``(T,)`` for a single weighting, e.g. the
            point estimate with ``np.ones(T)``).
        values: ``(T, m)`` per-task values (scores at ``m`` budgets, pass_i@k for ``m`` k's).
            NaN marks a task without data in that column; it is dropped from that column's
            numerator and denominator.

    Returns:
        ``(R, m)`` (or ``(m,)`` for 1-D weights).  NaN where a column has zero total weight.
    """
    w = np.asarray(weights, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)
    if v.ndim == 1:
        v = v[:, None]
    ok = np.isfinite(v)
    num = w @ np.where(ok, v, 0.0)
    den = w @ ok.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = num / den
    return np.where(den > 0, out, np.nan)
